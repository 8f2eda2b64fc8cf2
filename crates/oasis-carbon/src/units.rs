//! Units of activity data and their exact conversion to the ledger's
//! canonical units: mass t, gas volume 10⁴ Nm³, electricity MWh, heat GJ.
//! A unit that is not listed, or not of the dimension expected, is an error.

use oasis_records::Decimal;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    /// tonnes
    Mass,
    /// 10⁴ Nm³
    Volume,
    /// MWh
    Electricity,
    /// GJ
    Heat,
}

impl Dim {
    pub fn canonical(self) -> &'static str {
        match self {
            Dim::Mass => "t",
            Dim::Volume => "10^4Nm3",
            Dim::Electricity => "MWh",
            Dim::Heat => "GJ",
        }
    }
}

/// The dimension of a unit and the exact factor to its canonical unit.
pub fn canonical(unit: &str) -> Option<(Dim, Decimal)> {
    let d = |n: i64, scale: u32| Decimal::new(n, scale);
    Some(match unit {
        "t" => (Dim::Mass, d(1, 0)),
        "kt" => (Dim::Mass, d(1000, 0)),
        "kg" => (Dim::Mass, d(1, 3)),
        "Nm3" => (Dim::Volume, d(1, 4)),
        "10^4Nm3" | "万Nm3" => (Dim::Volume, d(1, 0)),
        "kWh" => (Dim::Electricity, d(1, 3)),
        "MWh" => (Dim::Electricity, d(1, 0)),
        "万kWh" | "10^4kWh" => (Dim::Electricity, d(10, 0)),
        "GWh" => (Dim::Electricity, d(1000, 0)),
        "MJ" => (Dim::Heat, d(1, 3)),
        "GJ" => (Dim::Heat, d(1, 0)),
        "TJ" => (Dim::Heat, d(1000, 0)),
        _ => return None,
    })
}

/// Convert `amount` in `unit` to the canonical unit of `want`.
pub fn convert(amount: Decimal, unit: &str, want: Dim) -> Option<Decimal> {
    let (dim, f) = canonical(unit)?;
    (dim == want).then(|| amount * f)
}
