//! The limits table: `standard,table,item,land_use,level,ph_above,ph_max,value_mg_kg,source`.
//!
//! * `standard`: `GB15618-2018` (farmland) or `GB36600-2018` (construction land).
//! * `land_use`: farmland `paddy`, `orchard`, `other` (GB 15618's "其他": every
//!   farmland use the item does not list separately) or `all`; construction
//!   land `class1`, `class2`.
//! * `level`: `screening` (风险筛选值) or `intervention` (风险管制值).
//! * pH band: `ph_above < pH ≤ ph_max`; an empty bound is open. GB 15618's
//!   bands are pH ≤ 5.5, 5.5 < pH ≤ 6.5, 6.5 < pH ≤ 7.5, pH > 7.5.

use oasis_records::{Decimal, Loc, parse_csv};

use crate::SoilError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Screening,
    Intervention,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitRow {
    pub standard: String,
    pub table: String,
    pub item: String,
    pub land_use: String,
    pub level: Level,
    pub ph_above: Option<Decimal>,
    pub ph_max: Option<Decimal>,
    pub value: Decimal,
    pub source: String,
    pub at: Loc,
}

impl LimitRow {
    pub fn has_band(&self) -> bool {
        self.ph_above.is_some() || self.ph_max.is_some()
    }
    pub fn band_contains(&self, ph: Decimal) -> bool {
        self.ph_above.is_none_or(|a| ph > a) && self.ph_max.is_none_or(|m| ph <= m)
    }
    pub fn band_text(&self) -> String {
        match (self.ph_above, self.ph_max) {
            (None, None) => "any pH".into(),
            (None, Some(m)) => format!("pH≤{m}"),
            (Some(a), None) => format!("pH>{a}"),
            (Some(a), Some(m)) => format!("{a}<pH≤{m}"),
        }
    }
}

/// The land uses of each standard.
pub fn standard_of(land_use: &str) -> Option<&'static str> {
    match land_use {
        "paddy" | "orchard" | "other" => Some("GB15618-2018"),
        "class1" | "class2" => Some("GB36600-2018"),
        _ => None,
    }
}

#[derive(Clone, Debug, Default)]
pub struct Limits {
    pub rows: Vec<LimitRow>,
}

impl Limits {
    pub fn from_csv_str(file: &str, text: &str) -> Result<Limits, SoilError> {
        let mut rows: Vec<LimitRow> = Vec::new();
        for r in parse_csv(
            file,
            text,
            &[
                "standard",
                "table",
                "item",
                "land_use",
                "level",
                "ph_above",
                "ph_max",
                "value_mg_kg",
                "source",
            ],
        )? {
            let level = match r.text("level")? {
                "screening" => Level::Screening,
                "intervention" => Level::Intervention,
                o => {
                    return Err(r
                        .err("level", format!("'{o}' is not screening or intervention"))
                        .into());
                }
            };
            let standard = r.text("standard")?.to_string();
            if !matches!(standard.as_str(), "GB15618-2018" | "GB36600-2018") {
                return Err(r
                    .err(
                        "standard",
                        format!("'{standard}' is not GB15618-2018 or GB36600-2018"),
                    )
                    .into());
            }
            let land_use = r.text("land_use")?.to_string();
            if land_use != "all" && standard_of(&land_use) != Some(standard.as_str()) {
                return Err(r
                    .err(
                        "land_use",
                        format!("'{land_use}' is not a land use of {standard}"),
                    )
                    .into());
            }
            let row = LimitRow {
                standard,
                table: r.text("table")?.to_string(),
                item: r.text("item")?.to_string(),
                land_use,
                level,
                ph_above: r.opt_decimal("ph_above")?,
                ph_max: r.opt_decimal("ph_max")?,
                value: r.decimal("value_mg_kg")?,
                source: r.text("source")?.to_string(),
                at: r.loc(""),
            };
            if let (Some(a), Some(m)) = (row.ph_above, row.ph_max)
                && a >= m
            {
                return Err(r.err("ph_max", "empty pH band").into());
            }
            // Bands of one item, land use and level must not overlap.
            for o in &rows {
                if o.standard == row.standard
                    && o.item == row.item
                    && o.land_use == row.land_use
                    && o.level == row.level
                {
                    let lo = |x: &LimitRow| x.ph_above.unwrap_or(Decimal::MIN);
                    let hi = |x: &LimitRow| x.ph_max.unwrap_or(Decimal::MAX);
                    if lo(&row) < hi(o) && lo(o) < hi(&row) {
                        return Err(r
                            .err("ph_max", format!("pH band overlaps line {}", o.at.line))
                            .into());
                    }
                }
            }
            rows.push(row);
        }
        Ok(Limits { rows })
    }

    /// The row for an item, land use, level and pH: the land use's own rows,
    /// else `other` (farmland), else `all`. `Ok(None)` = no such level for
    /// the item (e.g. no GB 15618 intervention value for Cu).
    pub fn find(
        &self,
        item: &str,
        land_use: &str,
        level: Level,
        ph: Option<Decimal>,
        at: &Loc,
    ) -> Result<Option<&LimitRow>, SoilError> {
        let Some(std) = standard_of(land_use) else {
            return Err(SoilError::Invalid {
                at: Loc {
                    field: "land_use".into(),
                    ..at.clone()
                },
                message: format!(
                    "'{land_use}' is not a land use (paddy, orchard, other, class1, class2)"
                ),
            });
        };
        let of = |lu: &str| -> Vec<&LimitRow> {
            self.rows
                .iter()
                .filter(|r| {
                    r.standard == std && r.item == item && r.land_use == lu && r.level == level
                })
                .collect()
        };
        let mut cands = of(land_use);
        if cands.is_empty() && std == "GB15618-2018" {
            cands = of("other");
        }
        if cands.is_empty() {
            cands = of("all");
        }
        if cands.is_empty() {
            return Ok(None);
        }
        if cands.iter().any(|r| r.has_band()) {
            let Some(ph) = ph else {
                return Err(SoilError::NeedsPh {
                    at: Loc {
                        field: "ph".into(),
                        ..at.clone()
                    },
                    item: item.into(),
                    land_use: land_use.into(),
                    standard: std.into(),
                });
            };
            return Ok(cands.into_iter().find(|r| r.band_contains(ph)));
        }
        Ok(cands.into_iter().next())
    }

    /// Whether the table has any row for the item under the land use's standard.
    pub fn knows(&self, item: &str, land_use: &str) -> bool {
        let std = standard_of(land_use);
        self.rows
            .iter()
            .any(|r| Some(r.standard.as_str()) == std && r.item == item)
    }
}
