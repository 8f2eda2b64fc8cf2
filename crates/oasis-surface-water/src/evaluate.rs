//! Single-factor evaluation of a sample or of period means, exceedance
//! multiples, 优良率 / 劣V shares and the basin rating
//! (《地表水环境质量评价办法（试行）》环办〔2011〕22号 [recall, doc §2–3]).

use std::collections::BTreeMap;

use crate::items::{Item, WaterBody, WaterClass};
use crate::measure::{Measure, NANO, round_half_even};

/// One item's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemResult {
    pub item: Item,
    /// The value rounded for evaluation (doc §6).
    pub value: Measure,
    pub class: WaterClass,
    /// 超标倍数 (C − C_III)/C_III, two decimals, for items worse than class
    /// III; `None` for DO and pH (no multiple) and for items within III.
    pub exceedance_multiple: Option<Measure>,
}

/// The class of a sample or of a site's period means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    pub body: WaterBody,
    /// Worst class over the evaluated items present; `None` if none present.
    pub class: Option<WaterClass>,
    /// Results of the evaluated items present, in Table 1 order.
    pub items: Vec<ItemResult>,
    /// TN and fecal coliform: classed for reference only, not in `class`.
    pub reference: Vec<ItemResult>,
    /// Evaluated items not measured.
    pub missing: Vec<Item>,
}

impl Classification {
    /// Items worse than class III, worst first: those with a multiple by
    /// multiple (descending), then DO/pH. The first three are the 主要污染指标.
    pub fn exceeding(&self) -> Vec<&ItemResult> {
        let mut out: Vec<&ItemResult> = self
            .items
            .iter()
            .filter(|r| r.class > WaterClass::III)
            .collect();
        out.sort_by(
            |a, b| match (a.exceedance_multiple, b.exceedance_multiple) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => b.class.cmp(&a.class),
            },
        );
        out
    }

    /// 主要污染指标: up to three exceeding items, as `TP(1.50);NH3-N(0.20)`.
    pub fn main_pollutants(&self) -> String {
        self.exceeding()
            .iter()
            .take(3)
            .map(|r| match r.exceedance_multiple {
                Some(m) => format!("{}({})", r.item.symbol(), format_multiple(m)),
                None => r.item.symbol().to_string(),
            })
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// A multiple with its two decimals always shown (`1.00`, `0.25`).
pub fn format_multiple(m: Measure) -> String {
    let hundredths = m.nano() / (NANO / 100);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// 超标倍数 = (C − C_III)/C_III, rounded half to even to two decimals.
pub fn exceedance_multiple(item: Item, body: WaterBody, value: Measure) -> Option<Measure> {
    if matches!(item, Item::Do | Item::Ph) {
        return None;
    }
    let lim = item.class_iii_limit(body)?;
    let v = value.round_for_evaluation(item.evaluation_decimals());
    if v <= lim {
        return None;
    }
    // hundredths = (v − lim)·100 / lim, then in nano units.
    let hundredths = round_half_even(
        (v.nano() as i128 - lim.nano() as i128) * 100,
        lim.nano() as i128,
    );
    Some(Measure::from_nano(
        (hundredths * (NANO as i128 / 100)) as i64,
    ))
}

fn item_result(item: Item, body: WaterBody, value: Measure) -> Option<ItemResult> {
    Some(ItemResult {
        item,
        value: value.round_for_evaluation(item.evaluation_decimals()),
        class: item.class_of(body, value)?,
        exceedance_multiple: exceedance_multiple(item, body, value),
    })
}

/// Single-factor evaluation: each item's class, the worst over the 21
/// evaluated items is the class. Water temperature is ignored.
pub fn classify(body: WaterBody, values: &BTreeMap<Item, Measure>) -> Classification {
    let items: Vec<ItemResult> = Item::EVALUATED
        .iter()
        .filter_map(|&it| values.get(&it).and_then(|&v| item_result(it, body, v)))
        .collect();
    let reference = [Item::Tn, Item::FecalColiform]
        .iter()
        .filter_map(|&it| values.get(&it).and_then(|&v| item_result(it, body, v)))
        .collect();
    let missing = Item::EVALUATED
        .iter()
        .copied()
        .filter(|it| !values.contains_key(it))
        .collect();
    Classification {
        body,
        class: items.iter().map(|r| r.class).max(),
        items,
        reference,
        missing,
    }
}

/// Period mean of one item, to be classed: the arithmetic mean (exact), and
/// for pH the negative log of the mean hydrogen-ion concentration (doc §6),
/// kept with two decimals (the class rounds it further).
pub fn period_mean(item: Item, values: &[Measure]) -> Option<Measure> {
    if values.is_empty() {
        return None;
    }
    if item == Item::Ph {
        let h: f64 =
            values.iter().map(|v| 10f64.powf(-v.to_f64())).sum::<f64>() / values.len() as f64;
        return Some(Measure::from_f64(-h.log10()).round_for_evaluation(2));
    }
    Measure::mean(values)
}

/// 优良率 and 劣V share of a set of sections, with the rating of the whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shares {
    pub sections: u32,
    /// Sections per class, indexed by `WaterClass as usize`.
    pub by_class: [u32; 6],
    /// Sections at class I–III.
    pub good: u32,
    pub worse_than_v: u32,
}

/// Rating of a river/basin/city by its section shares (评价办法 2011 [recall]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rating {
    Excellent,
    Good,
    LightlyPolluted,
    ModeratelyPolluted,
    HeavilyPolluted,
}

impl Rating {
    pub fn name_zh(self) -> &'static str {
        ["优", "良好", "轻度污染", "中度污染", "重度污染"][self as usize]
    }
}

impl Shares {
    pub fn of(classes: &[WaterClass]) -> Shares {
        let mut by_class = [0u32; 6];
        for c in classes {
            by_class[*c as usize] += 1;
        }
        Shares {
            sections: classes.len() as u32,
            by_class,
            good: classes.iter().filter(|c| c.is_good()).count() as u32,
            worse_than_v: by_class[WaterClass::WorseThanV as usize],
        }
    }

    /// Percent with one decimal, half to even; `None` with no sections.
    fn pct(&self, n: u32) -> Option<Measure> {
        (self.sections > 0).then(|| {
            let tenths = round_half_even(n as i128 * 1000, self.sections as i128);
            Measure::from_nano((tenths * (NANO as i128 / 10)) as i64)
        })
    }

    /// 优良率 (I–III share), percent.
    pub fn good_pct(&self) -> Option<Measure> {
        self.pct(self.good)
    }

    /// 劣V share, percent.
    pub fn worse_than_v_pct(&self) -> Option<Measure> {
        self.pct(self.worse_than_v)
    }

    /// I–III ≥ 90 % 优; ≥ 75 % 良好; else by the 劣V share: < 20 % 轻度, < 40 %
    /// 中度, ≥ 40 % 重度. (The method writes 重度 as "I–III < 60 % and 劣V ≥ 40 %";
    /// the 60/40 corner it leaves open is rated 重度 here, by its 劣V share.)
    /// Compared exactly on counts, not on rounded percentages.
    pub fn rating(&self) -> Option<Rating> {
        let n = self.sections as u64;
        if n == 0 {
            return None;
        }
        let (g, w) = (self.good as u64 * 100, self.worse_than_v as u64 * 100);
        Some(if g >= 90 * n {
            Rating::Excellent
        } else if g >= 75 * n {
            Rating::Good
        } else if w < 20 * n {
            Rating::LightlyPolluted
        } else if w < 40 * n {
            Rating::ModeratelyPolluted
        } else {
            Rating::HeavilyPolluted
        })
    }
}
