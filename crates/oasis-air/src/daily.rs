//! Daily concentrations of a station or a city with GB 3095 validity, and
//! the daily AQI (日报).
//!
//! A natural day holds the 24 hourly values stamped 01:00 … 24:00 (hour
//! stamps are the end of the averaging hour). A daily value that lacks data
//! is `None` (invalid), never guessed.

use crate::Conc;
use crate::decimal::ExactConc;
use crate::index::{Averaging, Edition, Iaqi, Pollutant, iaqi};
use crate::report::{AqiReport, Item, assemble};

/// The hourly concentrations of one natural day, `[hour][pollutant]`:
/// hour 0 is stamped 01:00, hour 23 is stamped 24:00 (next day 00:00);
/// pollutants in [`Pollutant::ALL`] order.
pub type DayHours = [[Option<Conc>; 6]; 24];

/// GB 3095 Table 4: a 24-hour mean needs at least 20 hourly values.
pub const MIN_HOURS_PER_DAY: usize = 20;
/// GB 3095 Table 4: an 8-hour mean needs at least 6 hourly values.
pub const MIN_HOURS_PER_8H: usize = 6;
/// HJ 663—2013: the daily maximum 8-hour value needs at least 14 valid 8-hour
/// values among the 17 windows ending 08:00 … 24:00 [recall, see doc §4].
pub const MIN_8H_WINDOWS_PER_DAY: usize = 14;
/// GB 3095 二级 O3 8-hour limit (160 µg/m³ in 2012 and in both 2026 phases):
/// with fewer than 14 valid windows, a maximum above it still counts
/// (HJ 663—2013 [recall]).
pub const O3_8H_LIMIT_FOR_SHORT_DAYS: i64 = 160;

/// Daily concentrations, each rounded to its reporting step (integer µg/m³,
/// CO one decimal mg/m³); `None` = invalid/missing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DailyConc {
    /// 24-hour means, indexed by [`Pollutant::index`] (the O3 slot is unused:
    /// O3 is reported as daily maxima).
    pub mean_24h: [Option<Conc>; 6],
    /// Number of valid hourly values per pollutant (for explanations).
    pub hours: [usize; 6],
    /// O3 daily maximum 1-hour value (2012 daily report item).
    pub o3_1h_max: Option<Conc>,
    /// O3 daily maximum 8-hour moving average.
    pub o3_8h_max: Option<Conc>,
    /// Number of valid 8-hour windows (of 17).
    pub o3_8h_windows: usize,
}

impl DailyConc {
    pub fn mean(&self, p: Pollutant) -> Option<Conc> {
        self.mean_24h[p.index()]
    }

    /// Why items are invalid, for people ("PM2.5: 18 valid hours < 20").
    pub fn invalid_reasons(&self) -> Vec<String> {
        let mut out = Vec::new();
        for p in [
            Pollutant::So2,
            Pollutant::No2,
            Pollutant::Pm10,
            Pollutant::Pm25,
            Pollutant::Co,
        ] {
            if self.mean_24h[p.index()].is_none() {
                out.push(format!(
                    "{}: {} valid hours < {MIN_HOURS_PER_DAY}",
                    p.name(),
                    self.hours[p.index()]
                ));
            }
        }
        if self.o3_8h_max.is_none() {
            out.push(format!(
                "O3_8h: {} valid 8-h values < {MIN_8H_WINDOWS_PER_DAY}",
                self.o3_8h_windows
            ));
        }
        out
    }
}

/// Daily concentrations of one station from its hourly values.
pub fn daily_conc(day: &DayHours) -> DailyConc {
    let mut out = DailyConc::default();
    for p in Pollutant::ALL {
        let vals: Vec<Conc> = day.iter().filter_map(|h| h[p.index()]).collect();
        out.hours[p.index()] = vals.len();
        if vals.len() >= MIN_HOURS_PER_DAY && p != Pollutant::O3 {
            out.mean_24h[p.index()] = ExactConc::mean(&vals).map(|m| m.round_to(p.step_micro()));
        }
        if p == Pollutant::O3 && vals.len() >= MIN_HOURS_PER_DAY {
            // Our choice: the daily maximum 1-hour O3 needs the same 20 hours
            // as a daily mean (GB 3095 Table 4 has no row for it).
            out.o3_1h_max = vals.iter().max().map(|&m| Pollutant::O3.round(m));
        }
    }
    // 17 windows ending at hours 8 … 24 of the day (indices 7 … 23).
    let o3 = Pollutant::O3.index();
    let windows: Vec<Conc> = (7..24)
        .filter_map(|end| {
            let vals: Vec<Conc> = day[end - 7..=end].iter().filter_map(|h| h[o3]).collect();
            (vals.len() >= MIN_HOURS_PER_8H).then(|| {
                ExactConc::mean(&vals)
                    .expect("non-empty")
                    .round_to(Pollutant::O3.step_micro())
            })
        })
        .collect();
    out.o3_8h_windows = windows.len();
    let max = windows.iter().max().copied();
    out.o3_8h_max = match max {
        Some(m)
            if windows.len() >= MIN_8H_WINDOWS_PER_DAY
                || m > Conc::from_units(O3_8H_LIMIT_FOR_SHORT_DAYS) =>
        {
            Some(m)
        }
        _ => None,
    };
    out
}

/// City daily concentrations: the arithmetic mean of the stations' valid
/// daily values (HJ 663 [recall]), rounded again to the reporting step. An
/// item is invalid only when no station has it (our choice; documented).
pub fn city_daily(stations: &[DailyConc]) -> DailyConc {
    let mut out = DailyConc::default();
    let mean_of =
        |vals: Vec<Conc>, p: Pollutant| ExactConc::mean(&vals).map(|m| m.round_to(p.step_micro()));
    for p in Pollutant::ALL {
        let vals: Vec<Conc> = stations
            .iter()
            .filter_map(|s| s.mean_24h[p.index()])
            .collect();
        out.hours[p.index()] = stations
            .iter()
            .map(|s| s.hours[p.index()])
            .max()
            .unwrap_or(0);
        out.mean_24h[p.index()] = mean_of(vals, p);
    }
    out.o3_1h_max = mean_of(
        stations.iter().filter_map(|s| s.o3_1h_max).collect(),
        Pollutant::O3,
    );
    out.o3_8h_max = mean_of(
        stations.iter().filter_map(|s| s.o3_8h_max).collect(),
        Pollutant::O3,
    );
    out.o3_8h_windows = stations.iter().map(|s| s.o3_8h_windows).max().unwrap_or(0);
    out
}

fn value(i: Option<Iaqi>) -> Option<u16> {
    match i {
        Some(Iaqi::Value(v)) => Some(v),
        _ => None,
    }
}

/// The daily AQI report (日报).
///
/// HJ 633—2012: 7 items — SO2, NO2, PM10, PM2.5, CO 24-h means, O3 daily max
/// 1-h, O3 daily max 8-h (above 800 µg/m³ the O3 1-h IAQI is used).
/// HJ 633—2026: 6 items — no O3 1-h term; O3 8-h above 800 → IAQI 300.
/// Any invalid item withholds the AQI unless the AQI of the others exceeds
/// 100 (HJ 633—2026 §5.3, applied to both editions).
pub fn daily_aqi(edition: Edition, conc: &DailyConc) -> AqiReport {
    let mut iaqi_arr: [Option<u16>; 7] = [None; 7];
    let mut notes = Vec::new();
    let rate =
        |p: Pollutant, avg: Averaging, c: Option<Conc>| c.and_then(|c| iaqi(edition, p, avg, c));
    for (item, p) in [
        (Item::So2, Pollutant::So2),
        (Item::No2, Pollutant::No2),
        (Item::Pm10, Pollutant::Pm10),
        (Item::Pm25, Pollutant::Pm25),
        (Item::Co, Pollutant::Co),
    ] {
        iaqi_arr[item.index()] = value(rate(p, Averaging::Hour24, conc.mean(p)));
    }
    let o3_1h = value(rate(Pollutant::O3, Averaging::Hour1, conc.o3_1h_max));
    if edition == Edition::Hj633_2012 {
        iaqi_arr[Item::O3.index()] = o3_1h;
    }
    iaqi_arr[Item::O3_8h.index()] = match rate(Pollutant::O3, Averaging::Hour8, conc.o3_8h_max) {
        Some(Iaqi::UseO3OneHour) => {
            notes.push("O3 8-h > 800 µg/m³: HJ 633-2012 uses the O3 1-h IAQI".to_string());
            None
        }
        other => value(other),
    };
    let items: &[Item] = match edition {
        Edition::Hj633_2012 => &Item::ALL,
        Edition::Hj633_2026 => &[
            Item::So2,
            Item::No2,
            Item::Pm10,
            Item::Pm25,
            Item::Co,
            Item::O3_8h,
        ],
    };
    // In 2012 an O3 8-h above 800 is covered by the O3 1-h item; it is not missing.
    let blocking: Vec<Item> = items
        .iter()
        .copied()
        .filter(|&it| {
            !(it == Item::O3_8h && edition == Edition::Hj633_2012 && conc.o3_8h_max.is_some())
        })
        .collect();
    let mut report = assemble(edition, iaqi_arr, items, &blocking, notes);
    if edition == Edition::Hj633_2012
        && conc.o3_8h_max.is_some()
        && report.iaqi[Item::O3_8h.index()].is_none()
    {
        report.missing.retain(|&m| m != Item::O3_8h);
    }
    report
}
