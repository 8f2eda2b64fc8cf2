//! CWQI (城市水质指数) and the city ranking, per 《城市地表水环境质量排名技术
//! 规定（试行）》(2017): item indices from class III limits, section index =
//! sum over the 21 items, city index = mean over its sections, ranked
//! ascending (smaller is cleaner). Item formulas [secondary: doc §4, both
//! `sm1lewc` implementations]; the city averaging [recall].

use std::collections::BTreeMap;

use crate::items::{Item, WaterBody};
use crate::measure::Measure;

/// CWQI of one item:
/// * general: C / C_III (lake TP uses the lake column);
/// * DO: C_III / C = 5 / C;
/// * pH: (7 − pH)/(7 − 6) when pH ≤ 7, (pH − 7)/(9 − 7) above.
///
/// `None` for items outside the 21 and for DO ≤ 0.
pub fn item_cwqi(item: Item, body: WaterBody, value: Measure) -> Option<f64> {
    if !Item::EVALUATED.contains(&item) {
        return None;
    }
    let c = value.to_f64();
    match item {
        Item::Ph => Some(if c <= 7.0 { 7.0 - c } else { (c - 7.0) / 2.0 }),
        Item::Do => (c > 0.0).then(|| 5.0 / c),
        _ => Some(c / item.class_iii_limit(body)?.to_f64()),
    }
}

/// CWQI of a section from its (period-mean) values.
#[derive(Clone, Debug, PartialEq)]
pub struct SectionCwqi {
    pub total: f64,
    pub items: Vec<(Item, f64)>,
    /// Evaluated items without a value: the total is then incomplete.
    pub missing: Vec<Item>,
}

pub fn section_cwqi(body: WaterBody, values: &BTreeMap<Item, Measure>) -> SectionCwqi {
    let items: Vec<(Item, f64)> = Item::EVALUATED
        .iter()
        .filter_map(|&it| {
            values
                .get(&it)
                .and_then(|&v| item_cwqi(it, body, v).map(|q| (it, q)))
        })
        .collect();
    SectionCwqi {
        total: items.iter().map(|&(_, q)| q).sum(),
        missing: Item::EVALUATED
            .iter()
            .copied()
            .filter(|it| !values.contains_key(it))
            .collect(),
        items,
    }
}

/// City CWQI: the mean of its sections' indices (river and lake sections
/// together, each section weighing one).
pub fn city_cwqi(section_totals: &[f64]) -> Option<f64> {
    (!section_totals.is_empty())
        .then(|| section_totals.iter().sum::<f64>() / section_totals.len() as f64)
}

/// ΔCWQI = (current − base)/base × 100 %; negative means improved.
pub fn cwqi_change_pct(base: f64, current: f64) -> Option<f64> {
    (base > 0.0).then(|| (current - base) / base * 100.0)
}

/// A city's place in the ranking.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub city: String,
    pub cwqi: f64,
    /// 1 = cleanest. Equal indices (at four decimals, as published values
    /// are compared) share a rank; the next rank skips (1, 2, 2, 4).
    pub rank: usize,
}

pub fn rank(cities: &[(String, f64)]) -> Vec<Ranked> {
    let key = |x: f64| (x * 10_000.0).round() as i64;
    let mut v: Vec<(String, f64)> = cities.to_vec();
    v.sort_by(|a, b| key(a.1).cmp(&key(b.1)).then_with(|| a.0.cmp(&b.0)));
    let mut out: Vec<Ranked> = Vec::with_capacity(v.len());
    for (i, (city, q)) in v.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if key(prev.cwqi) == key(q) => prev.rank,
            _ => i + 1,
        };
        out.push(Ranked {
            city,
            cwqi: q,
            rank,
        });
    }
    out
}
