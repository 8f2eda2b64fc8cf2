//! Units of meter values and their conversion to the canonical units the store keeps:
//! volumes in m³, flows in m³/h, pressures and levels in metres (of water).

use std::fmt;

/// Standard gravity [m/s²]: 1 m of water = 9.80665 kPa (at 1000 kg/m³).
pub const KPA_PER_M_WATER: f64 = 9.80665;

/// What a unit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    Volume,
    Flow,
    /// kPa, bar. A pressure in metres of water is a [`Quantity::Length`].
    Pressure,
    /// m: a level, or a pressure head.
    Length,
}

/// A unit of the register's `unit` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    M3,
    L,
    M3PerH,
    LPerS,
    LPerH,
    M3PerS,
    M,
    KPa,
    Bar,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown unit {0:?} (expected m3, L, m3/h, L/s, L/h, m3/s, m, kPa or bar)")]
pub struct UnitError(pub String);

impl Unit {
    pub const ALL: [Unit; 9] =
        [Unit::M3, Unit::L, Unit::M3PerH, Unit::LPerS, Unit::LPerH, Unit::M3PerS, Unit::M, Unit::KPa, Unit::Bar];

    /// Parses a unit, case-insensitively; `m³` is `m3`, `l` is `L`, spaces are ignored.
    pub fn parse(s: &str) -> Result<Unit, UnitError> {
        let norm: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c == '³' { '3' } else { c })
            .collect::<String>()
            .to_lowercase();
        Ok(match norm.as_str() {
            "m3" => Unit::M3,
            "l" => Unit::L,
            "m3/h" => Unit::M3PerH,
            "l/s" => Unit::LPerS,
            "l/h" => Unit::LPerH,
            "m3/s" => Unit::M3PerS,
            "m" => Unit::M,
            "kpa" => Unit::KPa,
            "bar" => Unit::Bar,
            _ => return Err(UnitError(s.to_string())),
        })
    }

    /// The spelling the register format uses (what [`Unit::parse`] reads back).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::M3 => "m3",
            Unit::L => "L",
            Unit::M3PerH => "m3/h",
            Unit::LPerS => "L/s",
            Unit::LPerH => "L/h",
            Unit::M3PerS => "m3/s",
            Unit::M => "m",
            Unit::KPa => "kPa",
            Unit::Bar => "bar",
        }
    }

    pub fn quantity(self) -> Quantity {
        match self {
            Unit::M3 | Unit::L => Quantity::Volume,
            Unit::M3PerH | Unit::LPerS | Unit::LPerH | Unit::M3PerS => Quantity::Flow,
            Unit::KPa | Unit::Bar => Quantity::Pressure,
            Unit::M => Quantity::Length,
        }
    }

    /// Factor from this unit to the canonical unit of its quantity.
    fn factor(self) -> f64 {
        match self {
            Unit::M3 | Unit::M3PerH | Unit::M => 1.0,
            Unit::L | Unit::LPerH => 1e-3,
            Unit::LPerS => 3.6,
            Unit::M3PerS => 3600.0,
            Unit::KPa => 1.0 / KPA_PER_M_WATER,
            // 1 bar = 100 kPa exactly, so 100/9.80665 = 10.19716… m (the "×10.1972" of tables),
            // keeping bar and kPa consistent with each other.
            Unit::Bar => 100.0 / KPA_PER_M_WATER,
        }
    }

    /// A value in this unit in canonical units: volumes → m³, flows → m³/h, pressures → m of
    /// water (kPa / 9.80665, bar × 100/9.80665), levels → m.
    pub fn to_canonical(self, v: f64) -> f64 {
        match self {
            Unit::KPa => v / KPA_PER_M_WATER,
            _ => v * self.factor(),
        }
    }

    /// The inverse of [`Unit::to_canonical`].
    pub fn from_canonical(self, v: f64) -> f64 {
        match self {
            Unit::KPa => v * KPA_PER_M_WATER,
            _ => v / self.factor(),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Unit {
    type Err = UnitError;
    fn from_str(s: &str) -> Result<Unit, UnitError> {
        Unit::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spellings_case_insensitively() {
        assert_eq!(Unit::parse("m³").unwrap(), Unit::M3);
        assert_eq!(Unit::parse("M3").unwrap(), Unit::M3);
        assert_eq!(Unit::parse("l").unwrap(), Unit::L);
        assert_eq!(Unit::parse("m³/h").unwrap(), Unit::M3PerH);
        assert_eq!(Unit::parse("L/S").unwrap(), Unit::LPerS);
        assert_eq!(Unit::parse("KPA").unwrap(), Unit::KPa);
        assert!(Unit::parse("gal").is_err());
        assert!(Unit::parse("").is_err());
        for u in Unit::ALL {
            assert_eq!(Unit::parse(u.as_str()).unwrap(), u);
        }
    }

    #[test]
    fn conversions_by_hand() {
        assert_eq!(Unit::L.to_canonical(2500.0), 2.5);
        assert_eq!(Unit::LPerS.to_canonical(10.0), 36.0); // 10 L/s = 36 m³/h
        assert_eq!(Unit::M3PerS.to_canonical(0.5), 1800.0);
        assert_eq!(Unit::LPerH.to_canonical(500.0), 0.5);
        assert!((Unit::KPa.to_canonical(98.0665) - 10.0).abs() < 1e-12);
        assert!((Unit::Bar.to_canonical(1.0) - 10.1972).abs() < 1e-4);
        assert_eq!(Unit::M.to_canonical(3.25), 3.25);
        for u in Unit::ALL {
            assert!((u.from_canonical(u.to_canonical(7.3)) - 7.3).abs() < 1e-12, "{u}");
        }
    }
}
