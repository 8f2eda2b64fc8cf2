//! The IWA / AWWA standard water balance and its real-loss indicators (UARL, ILI, Op24).
//!
//! Source: `shared/docs/water-balance-and-leakage.md` §1 (the table) and §2 (UARL, ILI, PIs).
//! Pure arithmetic on the period's volumes: nothing is rounded here.

/// Apparent-loss rates, in per cent (2.0 = 2 %).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ApparentLossRates {
    /// Customer meters register `1 − pct/100` of the true use, so true use = metered / (1 − p)
    /// and the loss is `billed metered · p / (1 − p)` (p = pct/100; CJJ 92's `Q_m = Q/(1−C) − Q`).
    pub customer_meter_under_registration_pct: f64,
    /// Unauthorised consumption as a share of the system input volume.
    pub unauthorised_pct: f64,
    /// Systematic data-handling errors as a share of billed metered consumption (AWWA M36).
    pub data_error_pct: f64,
}

/// The system's size for UARL and the per-connection indicators.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Infrastructure {
    /// Length of mains, Lm [km].
    pub mains_km: f64,
    /// Number of service connections, Nc.
    pub connections: u64,
    /// Private underground pipe between property boundary and customer meter, Lp [km].
    pub private_pipe_km: f64,
    /// Average operating pressure when the system is pressurised, P [m].
    pub mean_pressure_m: f64,
}

/// The period's volumes [m³] and rates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BalanceInputs {
    /// `(start, end)` seconds since the epoch.
    pub period_s: (i64, i64),
    /// Metered input (own sources + imported − exported).
    pub system_input_m3: f64,
    /// Water that went into storage (tanks filling; negative when they emptied): subtracted
    /// from the metered input to give the volume the system supplied.
    pub storage_increase_m3: f64,
    pub billed_metered_m3: f64,
    pub billed_unmetered_m3: f64,
    pub unbilled_metered_m3: f64,
    pub unbilled_unmetered_m3: f64,
    pub apparent: ApparentLossRates,
    pub infrastructure: Infrastructure,
}

/// Real losses per day, on the IWA Op24 basis the connection density selects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RealLossesPerDay {
    /// L per service connection per day (density ≥ 20 connections per km of mains).
    PerConnectionL(f64),
    /// L per km of mains per day (density < 20 per km).
    PerKmMainsL(f64),
}

/// Every box of the IWA table for the period, and the indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct WaterBalance {
    pub period_s: (i64, i64),
    pub days: f64,
    pub system_input_measured_m3: f64,
    pub storage_increase_m3: f64,
    /// SIV = measured input − storage increase.
    pub system_input_volume_m3: f64,
    pub billed_metered_m3: f64,
    pub billed_unmetered_m3: f64,
    /// Billed authorised consumption = revenue water.
    pub billed_authorised_m3: f64,
    pub unbilled_metered_m3: f64,
    pub unbilled_unmetered_m3: f64,
    pub unbilled_authorised_m3: f64,
    pub authorised_m3: f64,
    /// SIV − authorised.
    pub water_losses_m3: f64,
    pub unauthorised_m3: f64,
    pub meter_under_registration_m3: f64,
    pub data_error_m3: f64,
    pub apparent_losses_m3: f64,
    /// CARL for the period, by difference: water losses − apparent losses (top-down).
    pub real_losses_m3: f64,
    pub revenue_water_m3: f64,
    /// SIV − billed authorised.
    pub non_revenue_water_m3: f64,
    /// NRW / SIV × 100; `None` when SIV ≤ 0.
    pub nrw_pct_of_siv: Option<f64>,
    pub uarl_l_per_day: f64,
    /// UARL over the period: L/day × days / 1000.
    pub uarl_m3: f64,
    /// CARL / UARL; `None` when UARL is 0.
    pub ili: Option<f64>,
    /// Connections per km of mains; `None` without mains.
    pub connection_density_per_km: Option<f64>,
    pub real_losses_per_day: Option<RealLossesPerDay>,
    pub apparent_losses_l_per_conn_day: Option<f64>,
    pub validity_warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BalanceError {
    #[error("period ends ({1}) at or before it starts ({0})")]
    InvalidPeriod(i64, i64),
    #[error("{field} = {value} is not a finite number")]
    NotFinite { field: &'static str, value: f64 },
    #[error("{field} = {value} is negative")]
    Negative { field: &'static str, value: f64 },
    #[error("{field} = {value} % is outside 0–100 (under-registration must be below 100 %)")]
    RateOutOfRange { field: &'static str, value: f64 },
}

/// Lambert et al. (1999), metric: `UARL [L/day] = (18·Lm + 0.8·Nc + 25·Lp) · P`.
pub fn uarl_l_per_day(infra: &Infrastructure) -> f64 {
    (18.0 * infra.mains_km + 0.8 * infra.connections as f64 + 25.0 * infra.private_pipe_km) * infra.mean_pressure_m
}

/// Connections per km below which IWA Op24 is per km of mains (AWWA: 32 per mile, the same).
pub const DENSITY_THRESHOLD_PER_KM: f64 = 20.0;

fn check(inputs: &BalanceInputs) -> Result<(), BalanceError> {
    let (a, b) = inputs.period_s;
    if b <= a {
        return Err(BalanceError::InvalidPeriod(a, b));
    }
    let i = &inputs.infrastructure;
    let r = &inputs.apparent;
    let nonneg = [
        ("system_input_m3", inputs.system_input_m3),
        ("billed_metered_m3", inputs.billed_metered_m3),
        ("billed_unmetered_m3", inputs.billed_unmetered_m3),
        ("unbilled_metered_m3", inputs.unbilled_metered_m3),
        ("unbilled_unmetered_m3", inputs.unbilled_unmetered_m3),
        ("mains_km", i.mains_km),
        ("private_pipe_km", i.private_pipe_km),
        ("mean_pressure_m", i.mean_pressure_m),
    ];
    for (field, value) in nonneg.into_iter().chain([("storage_increase_m3", inputs.storage_increase_m3)]) {
        if !value.is_finite() {
            return Err(BalanceError::NotFinite { field, value });
        }
    }
    for (field, value) in nonneg {
        if value < 0.0 {
            return Err(BalanceError::Negative { field, value });
        }
    }
    for (field, value, max_ok) in [
        ("customer_meter_under_registration_pct", r.customer_meter_under_registration_pct, false),
        ("unauthorised_pct", r.unauthorised_pct, true),
        ("data_error_pct", r.data_error_pct, true),
    ] {
        let ok = value >= 0.0 && (value < 100.0 || (max_ok && value == 100.0));
        if !ok {
            return Err(BalanceError::RateOutOfRange { field, value });
        }
    }
    Ok(())
}

/// The water balance of the period (IWA/AWWA, top-down).
pub fn water_balance(inputs: &BalanceInputs) -> Result<WaterBalance, BalanceError> {
    check(inputs)?;
    let (a, b) = inputs.period_s;
    let days = b.saturating_sub(a) as f64 / 86_400.0;
    let infra = &inputs.infrastructure;
    let rates = &inputs.apparent;
    let mut warnings = Vec::new();

    let siv = inputs.system_input_m3 - inputs.storage_increase_m3;
    let billed = inputs.billed_metered_m3 + inputs.billed_unmetered_m3;
    let unbilled = inputs.unbilled_metered_m3 + inputs.unbilled_unmetered_m3;
    let authorised = billed + unbilled;
    let water_losses = siv - authorised;
    let p = rates.customer_meter_under_registration_pct / 100.0;
    let under_registration = inputs.billed_metered_m3 * p / (1.0 - p);
    let unauthorised = siv * rates.unauthorised_pct / 100.0;
    let data_error = inputs.billed_metered_m3 * rates.data_error_pct / 100.0;
    let apparent = unauthorised + under_registration + data_error;
    let real = water_losses - apparent;
    let nrw = siv - billed;

    if siv <= 0.0 {
        warnings.push(format!("system input volume {siv} m³ is not positive (storage increase larger than input?)"));
    }
    if water_losses < 0.0 {
        warnings.push(format!(
            "authorised consumption exceeds the system input by {} m³: input under-metered or consumption over-stated",
            -water_losses
        ));
    }
    if real < 0.0 {
        warnings.push(format!(
            "real losses come out negative ({real} m³): apparent losses or authorised consumption over-stated, or the input under-metered"
        ));
    }

    let uarl_lpd = uarl_l_per_day(infra);
    let uarl_m3 = uarl_lpd * days / 1000.0;
    let nc = infra.connections as f64;
    let density = (infra.mains_km > 0.0).then(|| nc / infra.mains_km);
    if infra.connections < 5000 {
        warnings.push(format!(
            "UARL outside the IWA validity range: {} connections < 5000 (AWWA's FWAS does not compute it below 3000)",
            infra.connections
        ));
    }
    match density {
        Some(d) if d < DENSITY_THRESHOLD_PER_KM => warnings.push(format!(
            "UARL outside the IWA validity range: {d:.1} connections per km of mains < 20 (real losses given per km of mains)"
        )),
        None => warnings.push("no mains length: connection density, UARL mains term and per-km indicators unknown".into()),
        _ => {}
    }
    if !(25.0..=100.0).contains(&infra.mean_pressure_m) {
        warnings.push(format!(
            "UARL outside the IWA validity range: mean pressure {} m outside 25–100 m",
            infra.mean_pressure_m
        ));
    }
    let ili = (uarl_m3 > 0.0).then(|| real / uarl_m3);
    if ili.is_none() {
        warnings.push("UARL is 0 (no infrastructure or pressure given): no ILI".into());
    }
    // Op24 assumes a system pressurised all the time: the per-day figures use calendar days.
    let real_per_day = match density {
        Some(d) if d < DENSITY_THRESHOLD_PER_KM => {
            Some(RealLossesPerDay::PerKmMainsL(real * 1000.0 / infra.mains_km / days))
        }
        Some(_) if nc > 0.0 => Some(RealLossesPerDay::PerConnectionL(real * 1000.0 / nc / days)),
        None if nc > 0.0 => Some(RealLossesPerDay::PerConnectionL(real * 1000.0 / nc / days)),
        _ => None,
    };
    let apparent_per_conn = (nc > 0.0).then(|| apparent * 1000.0 / nc / days);

    Ok(WaterBalance {
        period_s: inputs.period_s,
        days,
        system_input_measured_m3: inputs.system_input_m3,
        storage_increase_m3: inputs.storage_increase_m3,
        system_input_volume_m3: siv,
        billed_metered_m3: inputs.billed_metered_m3,
        billed_unmetered_m3: inputs.billed_unmetered_m3,
        billed_authorised_m3: billed,
        unbilled_metered_m3: inputs.unbilled_metered_m3,
        unbilled_unmetered_m3: inputs.unbilled_unmetered_m3,
        unbilled_authorised_m3: unbilled,
        authorised_m3: authorised,
        water_losses_m3: water_losses,
        unauthorised_m3: unauthorised,
        meter_under_registration_m3: under_registration,
        data_error_m3: data_error,
        apparent_losses_m3: apparent,
        real_losses_m3: real,
        revenue_water_m3: billed,
        non_revenue_water_m3: nrw,
        nrw_pct_of_siv: (siv > 0.0).then(|| nrw / siv * 100.0),
        uarl_l_per_day: uarl_lpd,
        uarl_m3,
        ili,
        connection_density_per_km: density,
        real_losses_per_day: real_per_day,
        apparent_losses_l_per_conn_day: apparent_per_conn,
        validity_warnings: warnings,
    })
}

/// The IWA table in its standard layout, depth-first: `(level, label, volume_m3)`, level 0 =
/// system input, 1 = authorised / losses, 2 = billed, unbilled, apparent, real, 3 = their parts;
/// revenue and non-revenue water (the table's last column) follow at level 1.
pub fn iwa_table_rows(b: &WaterBalance) -> Vec<(u8, &'static str, f64)> {
    vec![
        (0, "System input volume", b.system_input_volume_m3),
        (1, "Authorised consumption", b.authorised_m3),
        (2, "Billed authorised consumption", b.billed_authorised_m3),
        (3, "Billed metered consumption", b.billed_metered_m3),
        (3, "Billed unmetered consumption", b.billed_unmetered_m3),
        (2, "Unbilled authorised consumption", b.unbilled_authorised_m3),
        (3, "Unbilled metered consumption", b.unbilled_metered_m3),
        (3, "Unbilled unmetered consumption", b.unbilled_unmetered_m3),
        (1, "Water losses", b.water_losses_m3),
        (2, "Apparent losses", b.apparent_losses_m3),
        (3, "Unauthorised consumption", b.unauthorised_m3),
        (3, "Customer metering inaccuracies", b.meter_under_registration_m3),
        (3, "Systematic data handling errors", b.data_error_m3),
        (2, "Real losses", b.real_losses_m3),
        (1, "Revenue water", b.revenue_water_m3),
        (1, "Non-revenue water", b.non_revenue_water_m3),
    ]
}
