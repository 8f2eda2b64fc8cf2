//! Assembling an AQI report from sub-indices: AQI, primary pollutant(s),
//! category, 超标污染物, and the rules for publishing with missing data.

use crate::index::{Category, Edition};

/// An item of an AQI report. `O3` is a 1-hour value (hourly O3, or the 2012
/// daily maximum 1-hour); `O3_8h` is the 8-hour moving average (hourly
/// report) or the daily maximum 8-hour average (daily report).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(non_camel_case_types)]
pub enum Item {
    So2,
    No2,
    Pm10,
    Pm25,
    Co,
    O3,
    O3_8h,
}

impl Item {
    pub const ALL: [Item; 7] = [
        Item::So2,
        Item::No2,
        Item::Pm10,
        Item::Pm25,
        Item::Co,
        Item::O3,
        Item::O3_8h,
    ];

    /// Names as the CLI writes them: `SO2,NO2,PM10,PM2.5,CO,O3,O3_8h`.
    pub fn name(self) -> &'static str {
        ["SO2", "NO2", "PM10", "PM2.5", "CO", "O3", "O3_8h"][self as usize]
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One AQI report (a station-hour or a station-/city-day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AqiReport {
    pub edition: Edition,
    /// IAQI per item, indexed by [`Item::index`]; `None` = missing/not rated.
    pub iaqi: [Option<u16>; 7],
    /// The items that make up the AQI of this report.
    pub aqi_items: Vec<Item>,
    /// AQI as published; `None` when the publishing rule withholds it.
    pub aqi: Option<u16>,
    /// Maximum IAQI over the items present, whether published or not.
    pub aqi_from_present: Option<u16>,
    /// 首要污染物: items with the maximum IAQI when the AQI > 50 (ties: all).
    pub primary: Vec<Item>,
    pub category: Option<Category>,
    /// 超标污染物 (HJ 633—2012 only; deleted in 2026): items with IAQI > 100.
    pub exceeding: Vec<Item>,
    /// AQI items without a value.
    pub missing: Vec<Item>,
    /// Why something was not rated (for people).
    pub notes: Vec<String>,
}

impl AqiReport {
    pub fn iaqi_of(&self, item: Item) -> Option<u16> {
        self.iaqi[item.index()]
    }

    pub fn primary_names(&self) -> String {
        self.primary
            .iter()
            .map(|i| i.name())
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Whether this report counts as a valid day/hour (an AQI is published).
    pub fn is_valid(&self) -> bool {
        self.aqi.is_some()
    }
}

/// Build the report from sub-indices.
///
/// `blocking`: missing items that withhold the AQI unless the AQI from the
/// items present already exceeds 100 (HJ 633—2026 §5.3: "publish the AQI only
/// if it is > 100, otherwise mark it NA").
pub(crate) fn assemble(
    edition: Edition,
    iaqi: [Option<u16>; 7],
    aqi_items: &[Item],
    blocking: &[Item],
    notes: Vec<String>,
) -> AqiReport {
    let present: Vec<(Item, u16)> = aqi_items
        .iter()
        .filter_map(|&it| iaqi[it.index()].map(|v| (it, v)))
        .collect();
    let missing: Vec<Item> = aqi_items
        .iter()
        .copied()
        .filter(|it| iaqi[it.index()].is_none())
        .collect();
    let max = present.iter().map(|&(_, v)| v).max();
    // 2026 Table 1: the AQI range is 1–500 (2012: 0–500). Only all-zero data
    // reach this floor.
    let aqi_from_present = max.map(|m| match edition {
        Edition::Hj633_2026 => m.max(1),
        Edition::Hj633_2012 => m,
    });
    let blocked = missing.iter().any(|m| blocking.contains(m));
    let aqi = match aqi_from_present {
        Some(a) if !blocked || a > 100 => Some(a),
        _ => None,
    };
    let primary = match (aqi, max) {
        (Some(a), Some(m)) if a > 50 => present
            .iter()
            .filter(|&&(_, v)| v == m)
            .map(|&(it, _)| it)
            .collect(),
        _ => Vec::new(),
    };
    let exceeding = match edition {
        Edition::Hj633_2012 => present
            .iter()
            .filter(|&&(_, v)| v > 100)
            .map(|&(it, _)| it)
            .collect(),
        Edition::Hj633_2026 => Vec::new(),
    };
    AqiReport {
        edition,
        iaqi,
        aqi_items: aqi_items.to_vec(),
        aqi,
        aqi_from_present,
        primary,
        category: aqi.map(Category::from_aqi),
        exceeding,
        missing,
        notes,
    }
}
