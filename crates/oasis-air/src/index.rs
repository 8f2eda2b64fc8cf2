//! IAQI breakpoint tables and the sub-index formula, per HJ 633 edition.
//!
//! Sources: HJ 633—2012 Table 1 (primary: the standard's text-extractable PDF);
//! HJ 633—2026 Table 3 (primary: rendered page image of the standard), which
//! differs only in the PM10/PM2.5 IAQI-100 points and in the >800 rules.
//! Both quoted in `shared/docs/air-quality-index.md` §1.

use crate::Conc;
use crate::decimal::{ExactConc, MICRO, ceil_div};
use crate::time::{Date, HourStamp};

/// The edition of HJ 633 that applies to a datum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Edition {
    /// HJ 633—2012 (试行), for data before 2026-03-01.
    Hj633_2012,
    /// HJ 633—2026, in force from 2026-03-01.
    Hj633_2026,
}

impl Edition {
    /// First natural day under HJ 633—2026.
    pub fn first_day_2026() -> Date {
        Date::from_ymd(2026, 3, 1).expect("valid date")
    }

    /// Edition for a natural day (daily report).
    pub fn for_day(day: Date) -> Edition {
        if day >= Self::first_day_2026() {
            Edition::Hj633_2026
        } else {
            Edition::Hj633_2012
        }
    }

    /// Edition for an hourly value: by the day its averaging hour starts in,
    /// so the value stamped 2026-03-01T00:00 (23:00–24:00 on 28 February) is
    /// still 2012 and 2026-03-01T01:00 is the first 2026 hour (observed
    /// national practice, doc "Observed national practice").
    pub fn for_hour(stamp: HourStamp) -> Edition {
        Self::for_day(stamp.day())
    }

    pub fn label(self) -> &'static str {
        match self {
            Edition::Hj633_2012 => "HJ633-2012",
            Edition::Hj633_2026 => "HJ633-2026",
        }
    }
}

/// The six pollutants of the AQI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pollutant {
    So2,
    No2,
    Pm10,
    Pm25,
    Co,
    O3,
}

impl Pollutant {
    pub const ALL: [Pollutant; 6] = [
        Pollutant::So2,
        Pollutant::No2,
        Pollutant::Pm10,
        Pollutant::Pm25,
        Pollutant::Co,
        Pollutant::O3,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pollutant::So2 => "SO2",
            Pollutant::No2 => "NO2",
            Pollutant::Pm10 => "PM10",
            Pollutant::Pm25 => "PM2.5",
            Pollutant::Co => "CO",
            Pollutant::O3 => "O3",
        }
    }

    /// Rounding step before rating, in millionths of the unit: integer µg/m³,
    /// CO one decimal mg/m³ (HJ 633—2026 §4.2.2–4.2.3; applied to 2012 data as
    /// well, matching the integer values the national centre publishes).
    pub fn step_micro(self) -> i64 {
        match self {
            Pollutant::Co => MICRO / 10,
            _ => MICRO,
        }
    }

    /// Round a concentration to the reporting step, half to even (GB/T 8170).
    pub fn round(self, c: Conc) -> Conc {
        ExactConc::from_conc(c).round_to(self.step_micro())
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// An averaging period with its own breakpoint column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Averaging {
    /// 1-hour values. PM10/PM2.5 have no 1-hour column: they are rated against
    /// the 24-hour breakpoints (HJ 633—2026 §4.2; national practice since 2022).
    Hour1,
    /// O3 8-hour moving average.
    Hour8,
    /// 24-hour (daily) mean.
    Hour24,
}

/// IAQI levels at the breakpoints (both editions).
const IAQI_LEVELS: [i64; 8] = [0, 50, 100, 150, 200, 300, 400, 500];

// Breakpoints in reporting steps: µg/m³, CO in 0.1 mg/m³.
const SO2_24H: &[i64] = &[0, 50, 150, 475, 800, 1600, 2100, 2620];
const SO2_1H: &[i64] = &[0, 150, 500, 650, 800]; // undefined above 800
const NO2_24H: &[i64] = &[0, 40, 80, 180, 280, 565, 750, 940];
const NO2_1H: &[i64] = &[0, 100, 200, 700, 1200, 2340, 3090, 3840];
const PM10_2012: &[i64] = &[0, 50, 150, 250, 350, 420, 500, 600];
const PM10_2026: &[i64] = &[0, 50, 120, 250, 350, 420, 500, 600];
const PM25_2012: &[i64] = &[0, 35, 75, 115, 150, 250, 350, 500];
const PM25_2026: &[i64] = &[0, 35, 60, 115, 150, 250, 350, 500];
const CO_24H: &[i64] = &[0, 20, 40, 140, 240, 360, 480, 600];
const CO_1H: &[i64] = &[0, 50, 100, 350, 600, 900, 1200, 1500];
const O3_1H: &[i64] = &[0, 160, 200, 300, 400, 800, 1000, 1200];
const O3_8H: &[i64] = &[0, 100, 160, 215, 265, 800]; // undefined above 800

fn breakpoints(edition: Edition, pollutant: Pollutant, avg: Averaging) -> Option<&'static [i64]> {
    use Averaging::*;
    use Pollutant::*;
    Some(match (pollutant, avg) {
        (So2, Hour1) => SO2_1H,
        (So2, Hour24) => SO2_24H,
        (No2, Hour1) => NO2_1H,
        (No2, Hour24) => NO2_24H,
        (Co, Hour1) => CO_1H,
        (Co, Hour24) => CO_24H,
        (O3, Hour1) => O3_1H,
        (O3, Hour8) => O3_8H,
        (Pm10, Hour1 | Hour24) => match edition {
            Edition::Hj633_2012 => PM10_2012,
            Edition::Hj633_2026 => PM10_2026,
        },
        (Pm25, Hour1 | Hour24) => match edition {
            Edition::Hj633_2012 => PM25_2012,
            Edition::Hj633_2026 => PM25_2026,
        },
        _ => return None,
    })
}

/// Outcome of rating one concentration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Iaqi {
    /// The sub-index, rounded up to an integer (2012 §6.2, 2026 §4.2.6).
    Value(u16),
    /// 2012 footnote 2: SO2 1-hour > 800 µg/m³ has no 1-hour IAQI; report the
    /// IAQI of the 24-hour SO2 mean instead.
    UseSo2Daily,
    /// 2012 footnote 3: O3 8-hour > 800 µg/m³ has no 8-hour IAQI; report the
    /// O3 1-hour IAQI instead.
    UseO3OneHour,
}

/// IAQI of a concentration (already rounded to the reporting step or not:
/// it is rounded here) for the edition and averaging period.
///
/// Segments are contiguous; a value on a breakpoint gets that breakpoint's
/// level from either side. Above the top breakpoint the IAQI is 500 (the
/// national centre caps there), except for the two >800 rules.
/// Returns `None` for a pollutant/averaging pair with no column (e.g. PM 8-h).
pub fn iaqi(edition: Edition, pollutant: Pollutant, avg: Averaging, conc: Conc) -> Option<Iaqi> {
    let bps = breakpoints(edition, pollutant, avg)?;
    let c = pollutant.round(conc);
    // In reporting steps; exact because c is a multiple of the step.
    let c_steps = (c.micro() / pollutant.step_micro()) as i128;
    let top = *bps.last().expect("non-empty table") as i128;
    if c_steps > top {
        return Some(match (pollutant, avg, edition) {
            (Pollutant::So2, Averaging::Hour1, Edition::Hj633_2012) => Iaqi::UseSo2Daily,
            // HJ 633—2026 footnote b: SO2 1-h > 800 → IAQI taken as 200.
            (Pollutant::So2, Averaging::Hour1, Edition::Hj633_2026) => Iaqi::Value(200),
            (Pollutant::O3, Averaging::Hour8, Edition::Hj633_2012) => Iaqi::UseO3OneHour,
            // HJ 633—2026 footnote c: O3 8-h > 800 → IAQI taken as 300.
            (Pollutant::O3, Averaging::Hour8, Edition::Hj633_2026) => Iaqi::Value(300),
            _ => Iaqi::Value(500),
        });
    }
    if c_steps < 0 {
        return None;
    }
    let i = (0..bps.len() - 1)
        .find(|&i| c_steps <= bps[i + 1] as i128)
        .expect("within table");
    let (bp_lo, bp_hi) = (bps[i] as i128, bps[i + 1] as i128);
    let (i_lo, i_hi) = (IAQI_LEVELS[i] as i128, IAQI_LEVELS[i + 1] as i128);
    // IAQI = I_lo + (I_hi − I_lo)(C − BP_lo)/(BP_hi − BP_lo), exactly, then ceiling.
    let den = bp_hi - bp_lo;
    let value = ceil_div(i_lo * den + (i_hi - i_lo) * (c_steps - bp_lo), den);
    Some(Iaqi::Value(value as u16))
}

/// AQI category (HJ 633 Table 2 in 2012, Table 1 in 2026; identical classes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    Excellent,
    Good,
    LightlyPolluted,
    ModeratelyPolluted,
    HeavilyPolluted,
    SeverelyPolluted,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Excellent,
        Category::Good,
        Category::LightlyPolluted,
        Category::ModeratelyPolluted,
        Category::HeavilyPolluted,
        Category::SeverelyPolluted,
    ];

    pub fn from_aqi(aqi: u16) -> Category {
        match aqi {
            0..=50 => Category::Excellent,
            51..=100 => Category::Good,
            101..=150 => Category::LightlyPolluted,
            151..=200 => Category::ModeratelyPolluted,
            201..=300 => Category::HeavilyPolluted,
            _ => Category::SeverelyPolluted,
        }
    }

    /// 类别: 优, 良, 轻度污染, …
    pub fn name_zh(self) -> &'static str {
        ["优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"][self as usize]
    }

    /// 级别: 一级 … 六级.
    pub fn level_zh(self) -> &'static str {
        ["一级", "二级", "三级", "四级", "五级", "六级"][self as usize]
    }

    pub fn level(self) -> u8 {
        self as u8 + 1
    }

    pub fn colour_zh(self) -> &'static str {
        ["绿色", "黄色", "橙色", "红色", "紫色", "褐红色"][self as usize]
    }

    pub fn rgb(self) -> (u8, u8, u8) {
        [
            (0, 228, 0),
            (255, 255, 0),
            (255, 126, 0),
            (255, 0, 0),
            (153, 0, 76),
            (126, 0, 35),
        ][self as usize]
    }

    /// 优良: AQI ≤ 100.
    pub fn is_good(self) -> bool {
        self <= Category::Good
    }
}
