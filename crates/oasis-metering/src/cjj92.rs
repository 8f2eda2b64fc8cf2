//! CJJ 92-2016 (revised 2019) 城镇供水管网漏损控制及评定标准: 综合漏损率, the corrections R1–R4
//! and the assessed 漏损率 with its grade.
//!
//! Source: `shared/docs/water-balance-and-leakage.md` §4. The standard is annual; see
//! [`cjj92`] for how a shorter period is treated.

/// Inputs for one supply unit and period.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Cjj92Inputs {
    /// `(start, end)` seconds since the epoch, to annualise Qs for R2.
    pub period_s: (i64, i64),
    /// 供水总量 Qs [m³] over the period.
    pub supply_m3: f64,
    /// 注册用户用水量 Qa [m³] (billed + free, metered + unmetered).
    pub registered_use_m3: f64,
    /// r: share of Qs metered and billed at individual households (居民抄表到户), 0..=1.
    pub household_metered_share: f64,
    /// L: length of pipes ≥ DN75 [km].
    pub pipe_length_dn75_km: f64,
    /// 年平均出厂压力 [MPa] (supply-weighted mean of hourly plant outlet pressures).
    pub mean_outlet_pressure_mpa: f64,
    /// 最大冻土深度 [m].
    pub max_frost_depth_m: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grade {
    /// 一级: R_BL ≤ 10 %.
    First,
    /// 二级: 10 % < R_BL ≤ 12 %.
    Second,
    /// Above 12 %.
    Fails,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cjj92 {
    /// 综合漏损率 R_WL = (Qs − Qa)/Qs × 100.
    pub r_wl_pct: f64,
    pub r1_pct: f64,
    /// R2 before clamping to ±3 %.
    pub r2_unclamped_pct: f64,
    pub r2_pct: f64,
    pub r3_pct: f64,
    pub r4_pct: f64,
    /// R_n = R1 + R2 + R3 + R4.
    pub r_n_pct: f64,
    /// 漏损率 R_BL = R_WL − R_n (the assessed indicator).
    pub r_bl_pct: f64,
    pub grade: Grade,
    /// A = L / annual Qs [km per 万m³].
    pub a_km_per_1e4m3: f64,
    /// Qs scaled to a year (equal to Qs for a calendar year).
    pub annual_supply_m3: f64,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Cjj92Error {
    #[error("period ends ({1}) at or before it starts ({0})")]
    InvalidPeriod(i64, i64),
    #[error("{field} = {value} is not a finite number")]
    NotFinite { field: &'static str, value: f64 },
    #[error("supply Qs = {0} m³ must be positive")]
    NoSupply(f64),
    #[error("{field} = {value} is negative")]
    Negative { field: &'static str, value: f64 },
    #[error("household metered share r = {0} is outside 0–1")]
    ShareOutOfRange(f64),
}

/// R1 = 0.08 · r × 100 %.
pub fn r1_pct(household_metered_share: f64) -> f64 {
    8.0 * household_metered_share
}

/// R2 = 0.99 · (A − 0.0693) × 100 %, clamped to [−3 %, +3 %]; A in km per 万m³ of annual
/// supply. Returns `(unclamped, clamped)`.
pub fn r2_pct(a_km_per_1e4m3: f64) -> (f64, f64) {
    let r2 = 99.0 * (a_km_per_1e4m3 - 0.0693);
    (r2, r2.clamp(-3.0, 3.0))
}

/// R3 by 年平均出厂压力: p ≤ 0.35 MPa → 0; 0.35 < p ≤ 0.55 → 0.5 %; 0.55 < p ≤ 0.75 → 1 %;
/// p > 0.75 → 2 %. A value on a boundary belongs to the lower band (the standard's "≤ 0.35"
/// read as the pattern for every band).
pub fn r3_pct(mean_outlet_pressure_mpa: f64) -> f64 {
    let p = mean_outlet_pressure_mpa;
    if p <= 0.35 {
        0.0
    } else if p <= 0.55 {
        0.5
    } else if p <= 0.75 {
        1.0
    } else {
        2.0
    }
}

/// R4 = 1 % when the maximum frost depth exceeds 1.4 m (1.4 m itself gives 0).
pub fn r4_pct(max_frost_depth_m: f64) -> f64 {
    if max_frost_depth_m > 1.4 { 1.0 } else { 0.0 }
}

/// Grade of the assessed 漏损率: ≤ 10 % 一级, ≤ 12 % 二级 (a value on a limit meets it).
pub fn grade(r_bl_pct: f64) -> Grade {
    if r_bl_pct <= 10.0 {
        Grade::First
    } else if r_bl_pct <= 12.0 {
        Grade::Second
    } else {
        Grade::Fails
    }
}

/// The CJJ 92 indicators for one unit.
///
/// The standard's A = L/Qs uses the annual Qs. A period of 365 or 366 days is taken as the year;
/// any other period's Qs is annualised as `Qs · 365 / days` (seasonal variation ignored — say so
/// when reporting a part year; a note is added).
pub fn cjj92(i: &Cjj92Inputs) -> Result<Cjj92, Cjj92Error> {
    let (a, b) = i.period_s;
    if b <= a {
        return Err(Cjj92Error::InvalidPeriod(a, b));
    }
    for (field, value) in [
        ("supply_m3", i.supply_m3),
        ("registered_use_m3", i.registered_use_m3),
        ("household_metered_share", i.household_metered_share),
        ("pipe_length_dn75_km", i.pipe_length_dn75_km),
        ("mean_outlet_pressure_mpa", i.mean_outlet_pressure_mpa),
        ("max_frost_depth_m", i.max_frost_depth_m),
    ] {
        if !value.is_finite() {
            return Err(Cjj92Error::NotFinite { field, value });
        }
    }
    if i.supply_m3 <= 0.0 {
        return Err(Cjj92Error::NoSupply(i.supply_m3));
    }
    for (field, value) in [
        ("registered_use_m3", i.registered_use_m3),
        ("pipe_length_dn75_km", i.pipe_length_dn75_km),
        ("mean_outlet_pressure_mpa", i.mean_outlet_pressure_mpa),
        ("max_frost_depth_m", i.max_frost_depth_m),
    ] {
        if value < 0.0 {
            return Err(Cjj92Error::Negative { field, value });
        }
    }
    if !(0.0..=1.0).contains(&i.household_metered_share) {
        return Err(Cjj92Error::ShareOutOfRange(i.household_metered_share));
    }
    let mut notes = Vec::new();
    let days = b.saturating_sub(a) as f64 / 86_400.0;
    let annual_supply = if (365.0..=366.0).contains(&days) {
        i.supply_m3
    } else {
        notes.push(format!("period of {days} days: Qs annualised as Qs × 365/{days} for A = L/Qs"));
        i.supply_m3 * 365.0 / days
    };
    let a_km = i.pipe_length_dn75_km / (annual_supply / 10_000.0);
    let r_wl = (i.supply_m3 - i.registered_use_m3) / i.supply_m3 * 100.0;
    let r1 = r1_pct(i.household_metered_share);
    let (r2_unclamped, r2) = r2_pct(a_km);
    if r2 != r2_unclamped {
        notes.push(format!("R2 = {r2_unclamped} % clamped to {r2} %"));
    }
    let r3 = r3_pct(i.mean_outlet_pressure_mpa);
    let r4 = r4_pct(i.max_frost_depth_m);
    let r_n = r1 + r2 + r3 + r4;
    let r_bl = r_wl - r_n;
    Ok(Cjj92 {
        r_wl_pct: r_wl,
        r1_pct: r1,
        r2_unclamped_pct: r2_unclamped,
        r2_pct: r2,
        r3_pct: r3,
        r4_pct: r4,
        r_n_pct: r_n,
        r_bl_pct: r_bl,
        grade: grade(r_bl),
        a_km_per_1e4m3: a_km,
        annual_supply_m3: annual_supply,
        notes,
    })
}
