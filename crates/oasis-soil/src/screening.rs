//! Sample results against the limits, and the class of each site.
//!
//! Samples: `site,sample,land_use,ph,item,value_mg_kg` (one row per result).
//! Farmland (GB 15618-2018): c ≤ screening → 优先保护类; screening < c ≤
//! intervention → 安全利用类; c > intervention → 严格管控类; an item without
//! an intervention value (Cu, Ni, Zn) above its screening value → 安全利用类.
//! Construction land (GB 36600-2018): ≤ screening → 风险可忽略; above →
//! 需详细调查评估; above intervention → 需风险管控或修复. A site takes the
//! worst class of its results.

use std::collections::BTreeMap;

use oasis_records::{Decimal, Loc, parse_csv};

use crate::SoilError;
use crate::limits::{Level, Limits, standard_of};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleResult {
    pub site: String,
    pub sample: String,
    pub land_use: String,
    pub ph: Option<Decimal>,
    pub item: String,
    pub value: Decimal,
    pub at: Loc,
}

pub fn read_samples(file: &str, text: &str) -> Result<Vec<SampleResult>, SoilError> {
    let mut out = Vec::new();
    for r in parse_csv(
        file,
        text,
        &["site", "sample", "land_use", "ph", "item", "value_mg_kg"],
    )? {
        let ph = r.opt_decimal("ph")?;
        if let Some(p) = ph
            && (p < Decimal::ZERO || p > Decimal::from(14))
        {
            return Err(r.err("ph", format!("pH {p} is outside 0–14")).into());
        }
        let value = r.decimal("value_mg_kg")?;
        if value.is_sign_negative() {
            return Err(r
                .err("value_mg_kg", "a concentration cannot be negative")
                .into());
        }
        let land_use = r.text("land_use")?.to_string();
        if standard_of(&land_use).is_none() {
            return Err(r.err("land_use", format!("'{land_use}' is not paddy, orchard, other (farmland) or class1, class2 (construction land)")).into());
        }
        out.push(SampleResult {
            site: r.text("site")?.to_string(),
            sample: r.text("sample")?.to_string(),
            land_use,
            ph,
            item: r.text("item")?.to_string(),
            value,
            at: r.loc(""),
        });
    }
    Ok(out)
}

/// Class of a result or site; ordered from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// ≤ screening value.
    BelowScreening,
    /// Above screening, ≤ intervention (or no intervention value).
    AboveScreening,
    /// Above intervention.
    AboveIntervention,
}

impl Class {
    pub fn name_zh(self, farmland: bool) -> &'static str {
        match (self, farmland) {
            (Class::BelowScreening, true) => "优先保护类",
            (Class::AboveScreening, true) => "安全利用类",
            (Class::AboveIntervention, true) => "严格管控类",
            (Class::BelowScreening, false) => "风险可忽略",
            (Class::AboveScreening, false) => "需详细调查评估",
            (Class::AboveIntervention, false) => "需风险管控或修复",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Screened {
    pub result: SampleResult,
    pub screening: Decimal,
    pub intervention: Option<Decimal>,
    /// "GB15618-2018 Table 1, 6.5<pH≤7.5, other".
    pub basis: String,
    pub class: Class,
}

pub fn screen(samples: &[SampleResult], limits: &Limits) -> Result<Vec<Screened>, SoilError> {
    let mut out = Vec::new();
    for s in samples {
        if !limits.knows(&s.item, &s.land_use) {
            return Err(SoilError::UnknownItem {
                at: Loc {
                    field: "item".into(),
                    ..s.at.clone()
                },
                item: s.item.clone(),
                land_use: s.land_use.clone(),
            });
        }
        let Some(scr) = limits.find(&s.item, &s.land_use, Level::Screening, s.ph, &s.at)? else {
            return Err(SoilError::UnknownItem {
                at: Loc {
                    field: "item".into(),
                    ..s.at.clone()
                },
                item: s.item.clone(),
                land_use: s.land_use.clone(),
            });
        };
        let int = limits.find(&s.item, &s.land_use, Level::Intervention, s.ph, &s.at)?;
        let class = if int.is_some_and(|i| s.value > i.value) {
            Class::AboveIntervention
        } else if s.value > scr.value {
            Class::AboveScreening
        } else {
            Class::BelowScreening
        };
        let band = |r: &crate::limits::LimitRow| {
            if r.has_band() {
                format!(" {}", r.band_text())
            } else {
                String::new()
            }
        };
        let mut basis = format!(
            "{} {}{} {} screening",
            scr.standard,
            scr.table,
            band(scr),
            scr.land_use
        );
        if let Some(i) = int {
            basis.push_str(&format!(
                "; {}{} {} intervention",
                i.table,
                band(i),
                i.land_use
            ));
        }
        out.push(Screened {
            result: s.clone(),
            screening: scr.value,
            intervention: int.map(|i| i.value),
            basis,
            class,
        });
    }
    Ok(out)
}

/// Worst class per site, with the items that set it.
pub fn site_classes(screened: &[Screened]) -> BTreeMap<String, (Class, bool, Vec<String>)> {
    let mut m: BTreeMap<String, (Class, bool, Vec<String>)> = BTreeMap::new();
    for s in screened {
        let farmland = standard_of(&s.result.land_use) == Some("GB15618-2018");
        let e =
            m.entry(s.result.site.clone())
                .or_insert((Class::BelowScreening, farmland, Vec::new()));
        if s.class > e.0 {
            *e = (s.class, farmland, Vec::new());
        }
        if s.class == e.0 && s.class != Class::BelowScreening && !e.2.contains(&s.result.item) {
            e.2.push(s.result.item.clone());
        }
    }
    m
}
