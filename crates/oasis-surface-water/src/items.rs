//! GB 3838-2002 Table 1 items, their class limits and evaluation rounding.
//!
//! Limits: GB 3838-2002 Table 1 as given in `shared/docs/surface-water-quality.md`
//! §1 [secondary: cross-checked against two independent implementations,
//! `sm1lewc/Silence.SurfaceWater` and `sm1lewc/SurfaceWater`; the standard's
//! PDF itself was not available]. Evaluation decimals: §6 [secondary:
//! 环办监测函〔2020〕82号 as implemented in `sm1lewc/SurfaceWater`].

use std::fmt;
use std::str::FromStr;

use crate::WaterError;
use crate::measure::Measure;

/// River, or lake/reservoir (湖库): they differ in the TP limits and in TN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WaterBody {
    River,
    Lake,
}

impl WaterBody {
    pub fn code(self) -> &'static str {
        match self {
            WaterBody::River => "river",
            WaterBody::Lake => "lake",
        }
    }
}

impl FromStr for WaterBody {
    type Err = WaterError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "river" | "河流" => Ok(WaterBody::River),
            "lake" | "reservoir" | "湖库" | "湖泊" | "水库" => Ok(WaterBody::Lake),
            _ => Err(WaterError::UnknownWaterBody(s.to_string())),
        }
    }
}

/// Water-quality class I … V, and 劣V (worse than V). Ordered best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WaterClass {
    I,
    II,
    III,
    IV,
    V,
    WorseThanV,
}

impl WaterClass {
    pub const ALL: [WaterClass; 6] = [
        WaterClass::I,
        WaterClass::II,
        WaterClass::III,
        WaterClass::IV,
        WaterClass::V,
        WaterClass::WorseThanV,
    ];

    pub fn label(self) -> &'static str {
        ["I", "II", "III", "IV", "V", "劣V"][self as usize]
    }

    /// 水质状况: I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染 (评价办法 2011).
    pub fn status_zh(self) -> &'static str {
        ["优", "优", "良好", "轻度污染", "中度污染", "重度污染"][self as usize]
    }

    /// 水质优良: classes I–III.
    pub fn is_good(self) -> bool {
        self <= WaterClass::III
    }

    fn from_index(i: usize) -> WaterClass {
        WaterClass::ALL[i]
    }
}

impl fmt::Display for WaterClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The 24 basic items of GB 3838-2002 Table 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Item {
    WaterTemp,
    Ph,
    Do,
    CodMn,
    Cod,
    Bod5,
    Nh3N,
    Tp,
    Tn,
    Cu,
    Zn,
    Fluoride,
    Se,
    As,
    Hg,
    Cd,
    Cr6,
    Pb,
    Cyanide,
    Phenol,
    Petroleum,
    Las,
    Sulfide,
    FecalColiform,
}

/// How an item meets a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// value ≤ limit, per class I … V.
    AtMost([Measure; 5]),
    /// value ≥ limit (dissolved oxygen).
    AtLeast([Measure; 5]),
    /// lo ≤ value ≤ hi for every class (pH 6–9); outside → 劣V.
    Range(Measure, Measure),
}

fn five(v: [&str; 5]) -> [Measure; 5] {
    v.map(Measure::lit)
}

impl Item {
    pub const ALL: [Item; 24] = [
        Item::WaterTemp,
        Item::Ph,
        Item::Do,
        Item::CodMn,
        Item::Cod,
        Item::Bod5,
        Item::Nh3N,
        Item::Tp,
        Item::Tn,
        Item::Cu,
        Item::Zn,
        Item::Fluoride,
        Item::Se,
        Item::As,
        Item::Hg,
        Item::Cd,
        Item::Cr6,
        Item::Pb,
        Item::Cyanide,
        Item::Phenol,
        Item::Petroleum,
        Item::Las,
        Item::Sulfide,
        Item::FecalColiform,
    ];

    /// The 21 items of the class evaluation and of the CWQI (评价办法 2011;
    /// 2017 ranking): Table 1 without water temperature, TN and fecal coliform.
    pub const EVALUATED: [Item; 21] = [
        Item::Ph,
        Item::Do,
        Item::CodMn,
        Item::Cod,
        Item::Bod5,
        Item::Nh3N,
        Item::Tp,
        Item::Cu,
        Item::Zn,
        Item::Fluoride,
        Item::Se,
        Item::As,
        Item::Hg,
        Item::Cd,
        Item::Cr6,
        Item::Pb,
        Item::Cyanide,
        Item::Phenol,
        Item::Petroleum,
        Item::Las,
        Item::Sulfide,
    ];

    /// Item name in CSV files.
    pub fn code(self) -> &'static str {
        match self {
            Item::WaterTemp => "water_temp",
            Item::Ph => "ph",
            Item::Do => "do",
            Item::CodMn => "codmn",
            Item::Cod => "cod",
            Item::Bod5 => "bod5",
            Item::Nh3N => "nh3n",
            Item::Tp => "tp",
            Item::Tn => "tn",
            Item::Cu => "cu",
            Item::Zn => "zn",
            Item::Fluoride => "fluoride",
            Item::Se => "se",
            Item::As => "as",
            Item::Hg => "hg",
            Item::Cd => "cd",
            Item::Cr6 => "cr6",
            Item::Pb => "pb",
            Item::Cyanide => "cyanide",
            Item::Phenol => "phenol",
            Item::Petroleum => "petroleum",
            Item::Las => "las",
            Item::Sulfide => "sulfide",
            Item::FecalColiform => "fecal_coliform",
        }
    }

    /// Display name as in the standard's usual abbreviations.
    pub fn symbol(self) -> &'static str {
        match self {
            Item::WaterTemp => "水温",
            Item::Ph => "pH",
            Item::Do => "DO",
            Item::CodMn => "CODMn",
            Item::Cod => "COD",
            Item::Bod5 => "BOD5",
            Item::Nh3N => "NH3-N",
            Item::Tp => "TP",
            Item::Tn => "TN",
            Item::Cu => "Cu",
            Item::Zn => "Zn",
            Item::Fluoride => "F",
            Item::Se => "Se",
            Item::As => "As",
            Item::Hg => "Hg",
            Item::Cd => "Cd",
            Item::Cr6 => "Cr6+",
            Item::Pb => "Pb",
            Item::Cyanide => "CN",
            Item::Phenol => "挥发酚",
            Item::Petroleum => "石油类",
            Item::Las => "LAS",
            Item::Sulfide => "硫化物",
            Item::FecalColiform => "粪大肠菌群",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Item::WaterTemp => "水温",
            Item::Ph => "pH",
            Item::Do => "溶解氧",
            Item::CodMn => "高锰酸盐指数",
            Item::Cod => "化学需氧量",
            Item::Bod5 => "五日生化需氧量",
            Item::Nh3N => "氨氮",
            Item::Tp => "总磷",
            Item::Tn => "总氮",
            Item::Cu => "铜",
            Item::Zn => "锌",
            Item::Fluoride => "氟化物",
            Item::Se => "硒",
            Item::As => "砷",
            Item::Hg => "汞",
            Item::Cd => "镉",
            Item::Cr6 => "铬(六价)",
            Item::Pb => "铅",
            Item::Cyanide => "氰化物",
            Item::Phenol => "挥发酚",
            Item::Petroleum => "石油类",
            Item::Las => "阴离子表面活性剂",
            Item::Sulfide => "硫化物",
            Item::FecalColiform => "粪大肠菌群",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Item::WaterTemp => "°C",
            Item::Ph => "",
            Item::FecalColiform => "个/L",
            _ => "mg/L",
        }
    }

    /// Decimals of the evaluation value (doc §6).
    pub fn evaluation_decimals(self) -> u32 {
        match self {
            Item::WaterTemp => 1,
            Item::Ph => 0,
            Item::Do | Item::CodMn | Item::Cod | Item::Bod5 => 1,
            Item::Nh3N | Item::Tn | Item::Petroleum | Item::Las => 2,
            Item::Tp => 3,
            Item::Cu
            | Item::Zn
            | Item::Fluoride
            | Item::Cr6
            | Item::Pb
            | Item::Cyanide
            | Item::Sulfide => 3,
            Item::Se | Item::As | Item::Phenol => 4,
            Item::Hg | Item::Cd => 5,
            Item::FecalColiform => 0,
        }
    }

    /// Class limits; `None` for water temperature (limited as a man-made
    /// change, not as a class).
    pub fn limit(self, body: WaterBody) -> Option<Limit> {
        use Limit::*;
        Some(match self {
            Item::WaterTemp => return None,
            Item::Ph => Range(Measure::lit("6"), Measure::lit("9")),
            Item::Do => AtLeast(five(["7.5", "6", "5", "3", "2"])),
            Item::CodMn => AtMost(five(["2", "4", "6", "10", "15"])),
            Item::Cod => AtMost(five(["15", "15", "20", "30", "40"])),
            Item::Bod5 => AtMost(five(["3", "3", "4", "6", "10"])),
            Item::Nh3N => AtMost(five(["0.15", "0.5", "1.0", "1.5", "2.0"])),
            Item::Tp => match body {
                WaterBody::River => AtMost(five(["0.02", "0.1", "0.2", "0.3", "0.4"])),
                WaterBody::Lake => AtMost(five(["0.01", "0.025", "0.05", "0.1", "0.2"])),
            },
            Item::Tn => AtMost(five(["0.2", "0.5", "1.0", "1.5", "2.0"])),
            Item::Cu => AtMost(five(["0.01", "1.0", "1.0", "1.0", "1.0"])),
            Item::Zn => AtMost(five(["0.05", "1.0", "1.0", "2.0", "2.0"])),
            Item::Fluoride => AtMost(five(["1.0", "1.0", "1.0", "1.5", "1.5"])),
            Item::Se => AtMost(five(["0.01", "0.01", "0.01", "0.02", "0.02"])),
            Item::As => AtMost(five(["0.05", "0.05", "0.05", "0.1", "0.1"])),
            Item::Hg => AtMost(five(["0.00005", "0.00005", "0.0001", "0.001", "0.001"])),
            Item::Cd => AtMost(five(["0.001", "0.005", "0.005", "0.005", "0.01"])),
            Item::Cr6 => AtMost(five(["0.01", "0.05", "0.05", "0.05", "0.1"])),
            Item::Pb => AtMost(five(["0.01", "0.01", "0.05", "0.05", "0.1"])),
            Item::Cyanide => AtMost(five(["0.005", "0.05", "0.2", "0.2", "0.2"])),
            Item::Phenol => AtMost(five(["0.002", "0.002", "0.005", "0.01", "0.1"])),
            Item::Petroleum => AtMost(five(["0.05", "0.05", "0.05", "0.5", "1.0"])),
            Item::Las => AtMost(five(["0.2", "0.2", "0.2", "0.3", "0.3"])),
            Item::Sulfide => AtMost(five(["0.05", "0.1", "0.2", "0.5", "1.0"])),
            Item::FecalColiform => AtMost(five(["200", "2000", "10000", "20000", "40000"])),
        })
    }

    /// The class III limit (the CWQI's C_s and the base of 超标倍数).
    pub fn class_iii_limit(self, body: WaterBody) -> Option<Measure> {
        match self.limit(body)? {
            Limit::AtMost(l) | Limit::AtLeast(l) => Some(l[2]),
            Limit::Range(..) => None,
        }
    }

    /// Class of a value (rounded here to the evaluation decimals): the best
    /// class whose limit it meets, so a value on a limit shared by several
    /// classes gets the best of them ("从优不从劣"); worse than V → 劣V.
    pub fn class_of(self, body: WaterBody, value: Measure) -> Option<WaterClass> {
        let v = value.round_for_evaluation(self.evaluation_decimals());
        Some(match self.limit(body)? {
            Limit::AtMost(l) => {
                WaterClass::from_index(l.iter().position(|&lim| v <= lim).unwrap_or(5))
            }
            Limit::AtLeast(l) => {
                WaterClass::from_index(l.iter().position(|&lim| v >= lim).unwrap_or(5))
            }
            Limit::Range(lo, hi) => {
                if v >= lo && v <= hi {
                    WaterClass::I
                } else {
                    WaterClass::WorseThanV
                }
            }
        })
    }
}

impl FromStr for Item {
    type Err = WaterError;

    /// Accepts the CSV code (`nh3n`), the usual symbol (`NH3-N`, `CODMn`,
    /// `Cr6+`) or the Chinese name (`氨氮`), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' ' | '(' | ')' | '（' | '）'))
            .collect();
        let aliases: &[(&str, Item)] = &[
            ("水温", Item::WaterTemp),
            ("watertemperature", Item::WaterTemp),
            ("temp", Item::WaterTemp),
            ("溶解氧", Item::Do),
            ("dissolvedoxygen", Item::Do),
            ("高锰酸盐指数", Item::CodMn),
            ("permanganateindex", Item::CodMn),
            ("化学需氧量", Item::Cod),
            ("codcr", Item::Cod),
            ("五日生化需氧量", Item::Bod5),
            ("氨氮", Item::Nh3N),
            ("nh3", Item::Nh3N),
            ("ammonia", Item::Nh3N),
            ("总磷", Item::Tp),
            ("总氮", Item::Tn),
            ("铜", Item::Cu),
            ("锌", Item::Zn),
            ("氟化物", Item::Fluoride),
            ("f", Item::Fluoride),
            ("硒", Item::Se),
            ("砷", Item::As),
            ("汞", Item::Hg),
            ("镉", Item::Cd),
            ("铬六价", Item::Cr6),
            ("六价铬", Item::Cr6),
            ("cr6+", Item::Cr6),
            ("crvi", Item::Cr6),
            ("铅", Item::Pb),
            ("氰化物", Item::Cyanide),
            ("cn", Item::Cyanide),
            ("挥发酚", Item::Phenol),
            ("volatilephenol", Item::Phenol),
            ("石油类", Item::Petroleum),
            ("oil", Item::Petroleum),
            ("阴离子表面活性剂", Item::Las),
            ("硫化物", Item::Sulfide),
            ("粪大肠菌群", Item::FecalColiform),
            ("fecalcoliform", Item::FecalColiform),
        ];
        for it in Item::ALL {
            let code: String = it.code().chars().filter(|c| *c != '_').collect();
            let sym: String = it
                .symbol()
                .to_lowercase()
                .chars()
                .filter(|c| *c != '-')
                .collect();
            if key == code || key == sym {
                return Ok(it);
            }
        }
        aliases
            .iter()
            .find(|(a, _)| *a == key)
            .map(|&(_, it)| it)
            .ok_or_else(|| WaterError::UnknownItem(s.to_string()))
    }
}
