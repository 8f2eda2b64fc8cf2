//! Hourly (real-time) AQI of one station-hour.
//!
//! What the national centre publishes (doc "Observed national practice",
//! checked on tens of thousands of station-hours): the AQI is the maximum IAQI
//! of the six 1-hour values SO2, NO2, CO, O3, PM10, PM2.5, with the 1-hour PM
//! values rated against the 24-hour breakpoints; the O3 8-hour moving average
//! is rated and reported beside it but never enters the AQI nor is primary.

use crate::Conc;
use crate::decimal::ExactConc;
use crate::index::{Averaging, Edition, Iaqi, Pollutant, iaqi};
use crate::report::{AqiReport, Item, assemble};

/// The concentrations of one station-hour (µg/m³, CO mg/m³); `None` = missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HourlyInput {
    pub so2: Option<Conc>,
    pub no2: Option<Conc>,
    pub pm10: Option<Conc>,
    pub pm25: Option<Conc>,
    pub co: Option<Conc>,
    pub o3: Option<Conc>,
    /// O3 8-hour moving average ending at this hour.
    pub o3_8h: Option<Conc>,
    /// SO2 24-hour moving average ending at this hour; only used by the 2012
    /// rule for SO2 1-hour values above 800 µg/m³.
    pub so2_24h: Option<Conc>,
}

/// Items whose absence withholds an hourly AQI ≤ 100: NO2, O3 and PM2.5.
/// Observed national practice (doc): a missing SO2, CO or PM10 does not
/// block publication; the AQI then comes from the pollutants present.
pub const HOURLY_BLOCKING: [Item; 3] = [Item::No2, Item::O3, Item::Pm25];

const HOURLY_AQI_ITEMS: [Item; 6] = [
    Item::So2,
    Item::No2,
    Item::Pm10,
    Item::Pm25,
    Item::Co,
    Item::O3,
];

fn value(i: Option<Iaqi>) -> Option<u16> {
    match i {
        Some(Iaqi::Value(v)) => Some(v),
        _ => None,
    }
}

/// The hourly AQI report of one station-hour under `edition`.
pub fn hourly_aqi(edition: Edition, input: &HourlyInput) -> AqiReport {
    let mut notes = Vec::new();
    let mut iaqi_arr: [Option<u16>; 7] = [None; 7];
    let rate =
        |p: Pollutant, avg: Averaging, c: Option<Conc>| c.and_then(|c| iaqi(edition, p, avg, c));

    iaqi_arr[Item::So2.index()] = match rate(Pollutant::So2, Averaging::Hour1, input.so2) {
        Some(Iaqi::UseSo2Daily) => {
            let daily = value(rate(Pollutant::So2, Averaging::Hour24, input.so2_24h));
            if daily.is_none() {
                notes.push("SO2 1-h > 800 µg/m³: HJ 633-2012 uses the 24-h SO2 IAQI, but no valid 24-h mean (≥ 20 of 24 hours) is available".to_string());
            }
            daily
        }
        other => value(other),
    };
    iaqi_arr[Item::No2.index()] = value(rate(Pollutant::No2, Averaging::Hour1, input.no2));
    iaqi_arr[Item::Pm10.index()] = value(rate(Pollutant::Pm10, Averaging::Hour1, input.pm10));
    iaqi_arr[Item::Pm25.index()] = value(rate(Pollutant::Pm25, Averaging::Hour1, input.pm25));
    iaqi_arr[Item::Co.index()] = value(rate(Pollutant::Co, Averaging::Hour1, input.co));
    let o3_1h = value(rate(Pollutant::O3, Averaging::Hour1, input.o3));
    iaqi_arr[Item::O3.index()] = o3_1h;
    iaqi_arr[Item::O3_8h.index()] = match rate(Pollutant::O3, Averaging::Hour8, input.o3_8h) {
        Some(Iaqi::UseO3OneHour) => {
            notes.push(
                "O3 8-h > 800 µg/m³: HJ 633-2012 reports the O3 1-h IAQI instead".to_string(),
            );
            o3_1h
        }
        other => value(other),
    };
    assemble(
        edition,
        iaqi_arr,
        &HOURLY_AQI_ITEMS,
        &HOURLY_BLOCKING,
        notes,
    )
}

fn moving_mean(window: &[Option<Conc>], min_valid: usize, pollutant: Pollutant) -> Option<Conc> {
    let vals: Vec<Conc> = window.iter().flatten().copied().collect();
    if vals.len() < min_valid {
        return None;
    }
    ExactConc::mean(&vals).map(|m| m.round_to(pollutant.step_micro()))
}

/// O3 8-hour moving average ending at an hour: the mean of the 8 hourly
/// values stamped t−7 … t, valid with at least 6 of them (GB 3095 Table 4),
/// rounded to an integer µg/m³ half to even.
pub fn o3_8h_moving(window: &[Option<Conc>; 8]) -> Option<Conc> {
    moving_mean(window, 6, Pollutant::O3)
}

/// SO2 24-hour moving average ending at an hour: mean of the 24 hourly values
/// stamped t−23 … t, valid with at least 20 of them (GB 3095 Table 4).
pub fn so2_24h_moving(window: &[Option<Conc>; 24]) -> Option<Conc> {
    moving_mean(window, 20, Pollutant::So2)
}
