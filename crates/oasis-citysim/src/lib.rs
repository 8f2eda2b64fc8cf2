//! A synthetic metered city whose truth is known, for testing the metering,
//! water-balance and night-flow work end to end; and a streaming generator of
//! bulk customer readings for speed tests.
//!
//! [`simulate`] takes `oasis-netgen`'s city (districts of looped grids, each
//! with its pumped upper zone on a tank and a lower zone behind PRVs), makes it
//! a month of 15-minute steps with day-to-day demand factors, per-district pump
//! curves with tank-level controls and leaks (EPANET emitters at three
//! junctions per district, coefficients calibrated to a target leak flow), runs
//! the twin, and returns the network text, the meter register, the readings
//! and the truth per district and day (system input, consumption, metered
//! consumption, leakage, storage increase, night flows). [`write_files`] writes
//! them in the formats of `docs/meter-data.md`; `docs/citysim.md` lists what is
//! injected. [`write_bulk_register`] and [`write_bulk_readings`] stream a
//! hydraulics-free city of any size.
//!
//! No file I/O: text goes to `io::Write`. Everything is deterministic per seed.

mod bulk;
mod num;
mod rng;
mod time;
mod write;

use std::collections::HashMap;

use oasis_districts::{BoundaryMeter, DistrictOptions, DistrictTree, build_districts};
use oasis_hydraulics::Simulation;
use oasis_netgen::city::{CityLayout, CityOptions, city_network};
use oasis_network::{
    Control, ControlAction, ControlCondition, Curve, LinkKind, Network, NodeKind, read_inp,
    write_inp,
};

pub use bulk::{BulkCity, write_bulk_readings, write_bulk_register};
pub use time::{LocalDate, stamp};
pub use write::{write_files, write_meters_csv, write_readings_csv, write_truth_csv};

use rng::Rng;

/// The hydraulic, pattern and reading step of the simulated city, seconds.
pub const STEP_S: i64 = 900;
const SLOTS_PER_DAY: usize = 96;

/// How leaky each district is: leak flow as a fraction of its mean demand.
#[derive(Debug, Clone, PartialEq)]
pub enum Leakage {
    /// Drawn per district from the seed, uniformly between the bounds (fractions).
    Seeded { min: f64, max: f64 },
    /// One fraction per netgen district (level-1 district), in order.
    Explicit(Vec<f64>),
}

/// How customer registers are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerRead {
    /// Once a day, near midnight (±15 min jitter): an AMI daily push.
    Daily,
    /// AMI, on the hour.
    Hourly,
    /// AMI, every 15 minutes.
    QuarterHourly,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NoiseOptions {
    /// Standard deviation of the relative error of each inlet (bulk) reading, %.
    pub inlet_flow_pct: f64,
    /// Mean under-registration of customer meters, % (each meter draws from 0 to twice this).
    pub customer_under_registration_pct: f64,
    /// Standard deviation of pressure and tank-level readings, m.
    pub pressure_m: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GapOptions {
    /// Hours of readings missing from one inlet meter on one day (0 = none).
    pub inlet_gap_hours: u32,
    /// Share of customer reads dropped at random, %.
    pub missing_customer_read_pct: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CitySimOptions {
    /// Wanted grid junctions (rounded to whole districts of `district_side²`).
    pub junctions: usize,
    /// Rows and columns of one district's grid.
    pub district_side: usize,
    pub days: u32,
    pub seed: u64,
    /// Local date of the first day; the simulation starts at its midnight.
    pub start_date: LocalDate,
    /// The local time's offset from UTC, hours (documentation of the readings).
    pub utc_offset_h: i32,
    pub leakage: Leakage,
    /// Customers (and customer meters) per junction with demand.
    pub customers_per_junction: usize,
    pub customer_read: CustomerRead,
    /// Interval of the SCADA meters (bulk flows, levels, pressures), seconds; a multiple of 900.
    pub inlet_interval_s: u32,
    pub noise: NoiseOptions,
    pub gaps: GapOptions,
    /// Replace one customer meter mid-period.
    pub replaced_meter: bool,
    /// Start one customer register just below its capacity so that it rolls over.
    pub rollover: bool,
    /// Pressure meters per pressure zone.
    pub pressure_meters_per_zone: usize,
}

impl Default for CitySimOptions {
    fn default() -> Self {
        CitySimOptions {
            junctions: 400,
            district_side: 10,
            days: 30,
            seed: 1,
            start_date: LocalDate {
                year: 2026,
                month: 3,
                day: 1,
            },
            utc_offset_h: 8,
            leakage: Leakage::Seeded {
                min: 0.05,
                max: 0.25,
            },
            customers_per_junction: 3,
            customer_read: CustomerRead::Daily,
            inlet_interval_s: 900,
            noise: NoiseOptions {
                inlet_flow_pct: 0.5,
                customer_under_registration_pct: 2.0,
                pressure_m: 0.05,
            },
            gaps: GapOptions {
                inlet_gap_hours: 3,
                missing_customer_read_pct: 0.5,
            },
            replaced_meter: true,
            rollover: true,
            pressure_meters_per_zone: 2,
        }
    }
}

/// One row of the meter register (`meters.csv`, see `docs/meter-data.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct MeterRow {
    pub meter_id: String,
    /// `bulk`, `customer`, `flow`, `pressure`, `level`.
    pub kind: &'static str,
    pub link: Option<String>,
    pub node: Option<String>,
    pub district: Option<String>,
    pub customer: Option<String>,
    pub zone_level: Option<u8>,
    /// `true` = `forward`.
    pub forward: bool,
    /// `register`, `volume`, `flow`, `pressure`, `level`.
    pub series: &'static str,
    pub unit: &'static str,
    pub multiplier: f64,
    pub register_capacity: Option<f64>,
    /// Local time stamps, `YYYY-MM-DD HH:MM:SS`.
    pub installed: Option<String>,
    pub removed: Option<String>,
    pub replaces: Option<String>,
}

/// One reading: `value` in the meter's unit (multiplier 1 throughout).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// Index into [`CitySim::meters`].
    pub meter: usize,
    /// Seconds after local midnight of the start date.
    pub time_s: i64,
    pub value: f64,
    /// Decimals written.
    pub decimals: u8,
}

/// The true balance of one district over one day (or the whole period).
#[derive(Debug, Clone, PartialEq)]
pub struct TruthRow {
    pub district: String,
    pub level: u8,
    /// `None` for the whole-period total.
    pub date: Option<LocalDate>,
    /// Signed sum of the boundary links' simulated flows (into the district positive), m³.
    pub system_input_m3: f64,
    /// True customer use (the twin's demands), m³.
    pub consumption_m3: f64,
    /// What the customer meters register over the same span (after under-registration), m³.
    pub metered_m3: f64,
    /// Emitter outflow, m³.
    pub leakage_m3: f64,
    /// Volume gained by the tanks inside, m³.
    pub storage_increase_m3: f64,
    /// The lowest hourly mean of net inflow less storage gain (what the district
    /// draws: consumption + leakage) over 02:00–04:00 local, m³/h; for the
    /// total row, the mean of the days'.
    pub mnf_m3h: f64,
    /// The leak flow in that hour, m³/h (total row: the mean).
    pub night_leakage_m3h: f64,
}

/// A leak the city was given.
#[derive(Debug, Clone, PartialEq)]
pub struct LeakInfo {
    /// The level-1 district.
    pub district: String,
    pub junction: String,
    /// EPANET emitter coefficient, L/s per m^0.5.
    pub coefficient: f64,
    pub target_lps: f64,
    /// Mean simulated leak flow over the period.
    pub mean_lps: f64,
}

/// What was injected, for the sample's README and for tests.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Injected {
    pub leaks: Vec<LeakInfo>,
    /// Per level-1 district: (id, target leak fraction of demand, simulated fraction).
    pub leak_fractions: Vec<(String, f64, f64)>,
    /// (meter id, from, to) seconds: readings in (from, to] are missing.
    pub inlet_gap: Option<(String, i64, i64)>,
    /// Customer reads dropped.
    pub missing_customer_reads: usize,
    /// (old meter, new meter, time of the exchange, s).
    pub replaced: Option<(String, String, i64)>,
    /// (meter, capacity, first value).
    pub rollover: Option<(String, f64, f64)>,
    /// Day factors of demand, one per day.
    pub day_factors: Vec<f64>,
    /// Mean customer under-registration, fraction of true use.
    pub mean_under_registration: f64,
}

/// The simulated city.
#[derive(Debug, Clone)]
pub struct CitySim {
    pub options: CitySimOptions,
    /// `network.inp`: the twin the truth comes from.
    pub network_inp: String,
    pub network: Network,
    /// The bulk meters as `oasis-districts` takes them (production, level 1, level 2).
    pub boundary_meters: Vec<BoundaryMeter>,
    /// The districts those meters give (the truth's ids are these).
    pub tree: DistrictTree,
    pub meters: Vec<MeterRow>,
    pub readings: Vec<Reading>,
    /// Per district (levels 0–2) and day, in district order then date.
    pub truth: Vec<TruthRow>,
    /// Per district, the whole period.
    pub totals: Vec<TruthRow>,
    pub injected: Injected,
    /// Largest |system input − storage increase − consumption − leakage| over
    /// all district-days, m³, and the same relative to that day's system input.
    pub max_balance_residual_m3: f64,
    pub max_balance_residual_rel: f64,
    /// Hydraulic steps solved (more than `days·96` where tanks and controls cut steps).
    pub hydraulic_steps: usize,
    /// The lowest pressure at any junction with demand over the run, m.
    pub min_pressure_m: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum CitySimError {
    #[error("invalid options: {0}")]
    Options(String),
    #[error("the generated network does not read: {0}")]
    Network(String),
    #[error("hydraulics: {0}")]
    Hydraulics(String),
    #[error("districts: {0}")]
    Districts(#[from] oasis_districts::DistrictError),
}

fn hyd(e: impl std::fmt::Display) -> CitySimError {
    CitySimError::Hydraulics(e.to_string())
}

const TANK_MID_HEAD_M: f64 = 97.0;
const RESERVOIR_HEAD_M: f64 = 30.0;
const PUMP_OFF_LEVEL_M: f64 = 8.5;
const PUMP_ON_LEVEL_M: f64 = 3.0;
const REGISTER_CAPACITY_M3: f64 = 100_000.0;

const K_DAY: u64 = 1;
const K_SLOT: u64 = 2;
const K_LEAK: u64 = 3;
const K_CUSTOMER: u64 = 4;
const K_METER: u64 = 5;
const K_READ: u64 = 6;
const K_PICK: u64 = 7;

/// Hazen–Williams head loss (m) of `q_lps` through `length_m` of `dia_mm`.
fn hw_loss_m(q_lps: f64, length_m: f64, dia_mm: f64, c: f64) -> f64 {
    10.67 * length_m * (q_lps / 1000.0).powf(1.852) / (c.powf(1.852) * (dia_mm / 1000.0).powf(4.87))
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let p = 10f64.powi(decimals);
    (x * p).round() / p
}

/// A junction of the grid: where it is and what it draws.
#[derive(Debug, Clone)]
struct GridJunction {
    node: usize,
    district: usize,
    upper: bool,
    base_lps: f64,
    commercial: bool,
}

/// Runs the twin for `net` and returns, at the chosen junctions, the mean of
/// √pressure and the mean emitter flow (demand less consumption), over one day.
fn calibration_run(
    net: &Network,
    leak_nodes: &[usize],
    consumption_lps: impl Fn(usize, usize) -> f64,
) -> Result<(Vec<f64>, Vec<f64>), CitySimError> {
    let mut day = net.clone();
    day.times.duration_s = 86_400;
    let run = oasis_hydraulics::extended_period(&day).map_err(hyd)?;
    let mut sqrt_p = vec![0.0; leak_nodes.len()];
    let mut leak = vec![0.0; leak_nodes.len()];
    let n = run.periods.len().max(1) as f64;
    for snap in &run.periods {
        let slot = (snap.time_s / STEP_S) as usize;
        for (k, &i) in leak_nodes.iter().enumerate() {
            sqrt_p[k] += snap.nodes[i].pressure.max(0.0).sqrt() / n;
            leak[k] += (snap.nodes[i].demand - consumption_lps(i, slot)) / n;
        }
    }
    Ok((sqrt_p, leak))
}

/// Builds, runs and meters the synthetic city.
pub fn simulate(opts: &CitySimOptions) -> Result<CitySim, CitySimError> {
    if opts.days == 0 {
        return Err(CitySimError::Options("days must be at least 1".into()));
    }
    if opts.inlet_interval_s == 0 || (opts.inlet_interval_s as i64) % STEP_S != 0 {
        return Err(CitySimError::Options(format!(
            "inlet_interval_s {} is not a positive multiple of {STEP_S}",
            opts.inlet_interval_s
        )));
    }
    if opts.district_side < 4 || opts.junctions < 16 {
        return Err(CitySimError::Options(
            "the city needs district_side ≥ 4 and junctions ≥ 16".into(),
        ));
    }
    let copts = CityOptions {
        junctions: opts.junctions,
        district_side: opts.district_side,
        seed: opts.seed,
        duration_h: 24,
        coordinates: true,
    };
    let layout = CityLayout::new(&copts);
    let text = city_network(&copts);
    let mut net =
        read_inp(text.as_bytes(), "city.inp").map_err(|e| CitySimError::Network(e.to_string()))?;
    let node_index: HashMap<String, usize> = net
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.clone(), i))
        .collect();
    let days = opts.days as usize;
    let slots = days * SLOTS_PER_DAY;
    let side = layout.side;

    // Demand patterns: the netgen hours, interpolated to 15 minutes, times a
    // factor per day (weekends higher) and a little noise per step.
    let hourly = |id: &str| -> Vec<f64> {
        net.pattern(id)
            .map(|p| p.factors.clone())
            .unwrap_or_else(|| vec![1.0; 24])
    };
    let (res24, com24) = (hourly("RES"), hourly("COM"));
    let mut day_factors = Vec::with_capacity(days);
    for d in 0..days {
        let date = opts.start_date.plus_days(d as i64);
        let weekend = if date.weekday() >= 5 { 1.05 } else { 1.0 };
        let mut r = Rng::for_item(opts.seed, K_DAY, d as u64);
        day_factors.push(round_to(weekend * r.range(0.94, 1.06), 4));
    }
    let expand = |h24: &[f64], which: u64| -> Vec<f64> {
        let n = h24.len().max(1);
        (0..slots)
            .map(|s| {
                let in_day = s % SLOTS_PER_DAY;
                let x = (in_day as f64 + 0.5) / 4.0 - 0.5;
                let h0 = x.floor().rem_euclid(n as f64) as usize;
                let frac = x - x.floor();
                let v = h24[h0] * (1.0 - frac) + h24[(h0 + 1) % n] * frac;
                let mut r = Rng::for_item(opts.seed ^ which, K_SLOT, s as u64);
                round_to(v * day_factors[s / SLOTS_PER_DAY] * r.range(0.97, 1.03), 4)
            })
            .collect()
    };
    let res = expand(&res24, 0x5245_5300);
    let com = expand(&com24, 0x434f_4d00);
    for p in &mut net.patterns {
        match p.id.as_str() {
            "RES" => p.factors = res.clone(),
            "COM" => p.factors = com.clone(),
            _ => {}
        }
    }
    let t = &mut net.times;
    t.duration_s = days as i64 * 86_400;
    t.hydraulic_step_s = STEP_S;
    t.pattern_step_s = STEP_S;
    t.report_step_s = STEP_S;
    t.report_start_s = 0;
    t.start_clocktime_s = 0;
    for key in [
        "DURATION",
        "HYDRAULIC TIMESTEP",
        "PATTERN TIMESTEP",
        "REPORT TIMESTEP",
        "REPORT START",
        "START CLOCKTIME",
    ] {
        if !t.given.iter().any(|g| g == key) {
            t.given.push(key.to_string());
        }
    }

    // The grid junctions: J<k> is grid index k−1 (district, row, column).
    let per = side * side;
    let mut grid: Vec<GridJunction> = Vec::new();
    let mut grid_of_node: HashMap<usize, usize> = HashMap::new();
    for (i, node) in net.nodes.iter().enumerate() {
        let NodeKind::Junction(j) = &node.kind else {
            continue;
        };
        let Some(k) = node
            .id
            .strip_prefix('J')
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|k| k.checked_sub(1))
        else {
            continue;
        };
        // Grid index k: netgen numbers its junctions J1, J2, … district by district, row by row.
        let (district, r) = (k / per, (k % per) / side);
        if district >= layout.districts {
            continue;
        }
        let d0 = j.demands.first();
        grid_of_node.insert(i, grid.len());
        grid.push(GridJunction {
            node: i,
            district,
            upper: r < layout.upper_rows,
            base_lps: d0.map_or(0.0, |d| d.base),
            commercial: d0.and_then(|d| d.pattern.as_deref()) == Some("COM"),
        });
    }
    let pattern_of = |g: &GridJunction| if g.commercial { &com } else { &res };
    let consumption_lps = |i: usize, slot: usize| -> f64 {
        grid_of_node.get(&i).map_or(0.0, |&k| {
            let g = &grid[k];
            g.base_lps * pattern_of(g)[slot.min(slots - 1)]
        })
    };
    let mean_res = res.iter().sum::<f64>() / slots as f64;
    let mean_com = com.iter().sum::<f64>() / slots as f64;
    let nd = layout.districts;
    let mut district_mean_lps = vec![0.0; nd];
    for g in &grid {
        district_mean_lps[g.district] +=
            g.base_lps * if g.commercial { mean_com } else { mean_res };
    }
    let fractions: Vec<f64> = match &opts.leakage {
        Leakage::Seeded { min, max } => (0..nd)
            .map(|d| {
                round_to(
                    Rng::for_item(opts.seed, K_LEAK, 1000 + d as u64).range(*min, *max),
                    3,
                )
            })
            .collect(),
        Leakage::Explicit(v) => {
            if v.len() != nd {
                return Err(CitySimError::Options(format!(
                    "{} leak fractions for {nd} districts",
                    v.len()
                )));
            }
            v.clone()
        }
    };

    // Pumps sized for 1.5 × the district's demand and leak, switched by the
    // tank's level: the city then runs for a month without draining a tank.
    let main_dia = net
        .links
        .iter()
        .find(|l| l.id == "TM0")
        .and_then(|l| {
            if let LinkKind::Pipe(p) = &l.kind {
                Some(p.diameter)
            } else {
                None
            }
        })
        .unwrap_or(300.0);
    net.curves.retain(|c| c.id != "PC");
    for d in 0..nd {
        let q = round_to(1.5 * district_mean_lps[d] * (1.0 + fractions[d]), 3).max(0.1);
        let h = round_to(
            TANK_MID_HEAD_M - RESERVOIR_HEAD_M + hw_loss_m(q, 1800.0, main_dia, 130.0) + 3.0,
            2,
        );
        net.curves.push(Curve {
            id: format!("PC{d}"),
            points: vec![(q, h)],
            comment: String::new(),
        });
        if let Some(l) = net.links.iter_mut().find(|l| l.id == format!("PU{d}"))
            && let LinkKind::Pump(p) = &mut l.kind
        {
            p.head_curve = Some(format!("PC{d}"));
        }
        net.controls.push(Control {
            link: format!("PU{d}"),
            action: ControlAction::Closed,
            condition: ControlCondition::Above {
                node: format!("T{d}"),
                value: PUMP_OFF_LEVEL_M,
            },
        });
        net.controls.push(Control {
            link: format!("PU{d}"),
            action: ControlAction::Open,
            condition: ControlCondition::Below {
                node: format!("T{d}"),
                value: PUMP_ON_LEVEL_M,
            },
        });
    }

    // Leaks: one junction in each upper zone and two in each lower zone.
    let mut leak_nodes: Vec<usize> = Vec::new();
    let mut leak_targets: Vec<f64> = Vec::new();
    let mut leak_district: Vec<usize> = Vec::new();
    for d in 0..nd {
        let mut r = Rng::for_item(opts.seed, K_LEAK, d as u64);
        let in_d: Vec<&GridJunction> = grid
            .iter()
            .filter(|g| g.district == d && g.base_lps > 0.0)
            .collect();
        let upper: Vec<usize> = in_d.iter().filter(|g| g.upper).map(|g| g.node).collect();
        let lower: Vec<usize> = in_d.iter().filter(|g| !g.upper).map(|g| g.node).collect();
        let mut chosen: Vec<usize> = Vec::new();
        for (pool, count) in [(&upper, 1), (&lower, 2)] {
            for _ in 0..count {
                if pool.is_empty() {
                    continue;
                }
                let n = pool[r.below(pool.len())];
                if !chosen.contains(&n) {
                    chosen.push(n);
                }
            }
        }
        let weights: Vec<f64> = chosen.iter().map(|_| r.range(0.5, 1.5)).collect();
        let wsum: f64 = weights.iter().sum();
        for (n, w) in chosen.into_iter().zip(weights) {
            leak_nodes.push(n);
            leak_targets.push(fractions[d] * district_mean_lps[d] * w / wsum);
            leak_district.push(d);
        }
    }
    // Calibration: C = target / mean √p without leaks, then scaled once with them.
    let (sqrt_p, _) = calibration_run(&net, &leak_nodes, consumption_lps)?;
    let mut coef: Vec<f64> = leak_targets
        .iter()
        .zip(&sqrt_p)
        .map(|(q, s)| q / s.max(1.0))
        .collect();
    set_emitters(&mut net, &leak_nodes, &coef);
    let (_, got) = calibration_run(&net, &leak_nodes, consumption_lps)?;
    for k in 0..coef.len() {
        if got[k] > 1e-9 {
            coef[k] *= leak_targets[k] / got[k];
        }
        coef[k] = round_sig(coef[k], 6);
    }
    set_emitters(&mut net, &leak_nodes, &coef);
    net.title = vec![
        format!("Synthetic metered city: {} districts of {side}x{side}, {days} days from {}, seed {}", nd, opts.start_date, opts.seed),
        "Generated by oasis-citysim from oasis-netgen's city: 15-min steps, day factors, leaks as emitters".into(),
    ];

    // What is simulated is what is written.
    let network_inp = write_inp(&net);
    let net = read_inp(network_inp.as_bytes(), "network.inp")
        .map_err(|e| CitySimError::Network(e.to_string()))?;

    // ---- Meters ----
    let dname = |d: usize| format!("D{d}");
    let district_of_node = |i: usize| grid_of_node.get(&i).map(|&k| grid[k].district);
    let mut meters: Vec<MeterRow> = Vec::new();
    let mut boundary_meters: Vec<BoundaryMeter> = Vec::new();
    let bulk_row = |id: String,
                    link: &str,
                    level: u8,
                    forward: bool,
                    series: &'static str,
                    unit: &'static str| MeterRow {
        meter_id: id,
        kind: "bulk",
        link: Some(link.to_string()),
        node: None,
        district: None,
        customer: None,
        zone_level: Some(level),
        forward,
        series,
        unit,
        multiplier: 1.0,
        register_capacity: None,
        installed: None,
        removed: None,
        replaces: None,
    };
    let mut add_bulk = |meters: &mut Vec<MeterRow>,
                        id: String,
                        link: &str,
                        level: u8,
                        forward: bool,
                        hint: Option<String>,
                        series: &'static str,
                        unit: &'static str| {
        boundary_meters.push(BoundaryMeter {
            meter_id: id.clone(),
            link: link.to_string(),
            zone_level: level,
            forward,
            district_hint: hint.clone(),
        });
        let mut row = bulk_row(id, link, level, forward, series, unit);
        row.district = hint;
        meters.push(row);
    };
    for d in 0..nd {
        add_bulk(
            &mut meters,
            format!("PROD-{d}"),
            &format!("PU{d}"),
            0,
            true,
            None,
            "register",
            "m3",
        );
    }
    for link in &net.links {
        let LinkKind::Pipe(p) = &link.kind else {
            continue;
        };
        if p.closed_on_line {
            continue;
        }
        let (Some(&a), Some(&b)) = (node_index.get(&link.from), node_index.get(&link.to)) else {
            continue;
        };
        let (Some(da), Some(db)) = (district_of_node(a), district_of_node(b)) else {
            continue;
        };
        if da == db {
            continue;
        }
        // The header row's meter reads eastwards, the others westwards, so
        // every district has a level-1 meter whose positive flow feeds it (its hint).
        let a_row = net.nodes[a]
            .id
            .strip_prefix('J')
            .and_then(|s| s.parse::<usize>().ok())
            .and_then(|k| k.checked_sub(1))
            .map(|k| (k % per) / side);
        let forward = a_row == Some(0);
        let hint = if forward { dname(db) } else { dname(da) };
        add_bulk(
            &mut meters,
            format!("B1-{}", link.id),
            &link.id,
            1,
            forward,
            Some(hint),
            "flow",
            "m3/h",
        );
    }
    for link in &net.links {
        if let LinkKind::Valve(_) = &link.kind
            && let Some(rest) = link.id.strip_prefix('V')
            && let Some(d) = rest.split('_').next().and_then(|s| s.parse::<usize>().ok())
        {
            add_bulk(
                &mut meters,
                format!("B2-{}", link.id),
                &link.id,
                2,
                true,
                Some(format!("D{d}-lower")),
                "flow",
                "L/s",
            );
        }
    }
    for d in 0..nd {
        add_bulk(
            &mut meters,
            format!("B2-TP{d}"),
            &format!("TP{d}"),
            2,
            true,
            Some(format!("D{d}-upper")),
            "flow",
            "m3/h",
        );
    }
    let n_bulk = meters.len();
    let tanks: Vec<usize> = (0..nd)
        .filter_map(|d| node_index.get(&format!("T{d}")).copied())
        .collect();
    for &tnode in &tanks {
        meters.push(MeterRow {
            meter_id: format!("LVL-{}", net.nodes[tnode].id),
            kind: "level",
            link: None,
            node: Some(net.nodes[tnode].id.clone()),
            series: "level",
            unit: "m",
            zone_level: None,
            ..bulk_row(String::new(), "", 0, true, "level", "m")
        });
    }
    let mut pressure_nodes: Vec<usize> = Vec::new();
    for d in 0..nd {
        for upper in [true, false] {
            let pool: Vec<usize> = grid
                .iter()
                .filter(|g| g.district == d && g.upper == upper)
                .map(|g| g.node)
                .collect();
            let mut r = Rng::for_item(opts.seed, K_METER, (d * 2 + usize::from(upper)) as u64);
            for _ in 0..opts.pressure_meters_per_zone.min(pool.len()) {
                let n = pool[r.below(pool.len())];
                if !pressure_nodes.contains(&n) {
                    pressure_nodes.push(n);
                }
            }
        }
    }
    let first_pressure = meters.len();
    for &n in &pressure_nodes {
        meters.push(MeterRow {
            meter_id: format!("PRS-{}", net.nodes[n].id),
            kind: "pressure",
            link: None,
            node: Some(net.nodes[n].id.clone()),
            zone_level: None,
            ..bulk_row(String::new(), "", 0, true, "pressure", "m")
        });
    }

    let tree = build_districts(&net, &boundary_meters, &DistrictOptions::default())?;

    // ---- The twin ----
    let bulk_links: Vec<usize> = boundary_meters
        .iter()
        .map(|m| {
            net.link_index(&m.link)
                .ok_or_else(|| CitySimError::Network(format!("no link {}", m.link)))
        })
        .collect::<Result<_, _>>()?;
    let nb = bulk_links.len();
    let nl = leak_nodes.len();
    let nt = tanks.len();
    let np = pressure_nodes.len();
    let mut link_vol = vec![0.0; slots * nb];
    let mut leak_vol = vec![0.0; slots * nl];
    let mut levels = vec![f64::NAN; (slots + 1) * nt];
    let mut pressures = vec![f64::NAN; (slots + 1) * np];
    let tank_elev: Vec<f64> = tanks.iter().map(|&t| net.nodes[t].elevation).collect();
    let tank_area: Vec<f64> = tanks
        .iter()
        .map(|&t| match &net.nodes[t].kind {
            NodeKind::Tank(k) => std::f64::consts::PI * k.diameter * k.diameter / 4.0,
            _ => 0.0,
        })
        .collect();
    let mut sim = Simulation::new(&net).map_err(hyd)?;
    let mut steps = 0usize;
    let mut min_pressure_m = f64::INFINITY;
    let demand_nodes: Vec<usize> = grid
        .iter()
        .filter(|g| g.base_lps > 0.0)
        .map(|g| g.node)
        .collect();
    loop {
        let snap = sim.run().map_err(hyd)?;
        let t = snap.time_s;
        for &i in &demand_nodes {
            min_pressure_m = min_pressure_m.min(snap.nodes[i].pressure);
        }
        if t % STEP_S == 0 {
            let b = (t / STEP_S) as usize;
            if b <= slots {
                for k in 0..nt {
                    levels[b * nt + k] = snap.nodes[tanks[k]].head - tank_elev[k];
                }
                for k in 0..np {
                    pressures[b * np + k] = snap.nodes[pressure_nodes[k]].pressure;
                }
            }
        }
        let dt = sim.next().map_err(hyd)?;
        if dt == 0 {
            break;
        }
        steps += 1;
        let slot = ((t / STEP_S) as usize).min(slots - 1);
        let f = dt as f64 / 1000.0;
        for (j, &l) in bulk_links.iter().enumerate() {
            link_vol[slot * nb + j] += snap.links[l].flow * f;
        }
        for (k, &i) in leak_nodes.iter().enumerate() {
            leak_vol[slot * nl + k] += (snap.nodes[i].demand - consumption_lps(i, slot)) * f;
        }
    }
    if levels.iter().any(|x| x.is_nan()) {
        return Err(CitySimError::Hydraulics(
            "the run skipped a 15-minute time".into(),
        ));
    }

    // ---- Customers ----
    struct Customer {
        junction: usize,
        share: f64,
        under: f64,
    }
    let mut customers: Vec<Customer> = Vec::new();
    let mut reg_factor = vec![0.0; net.nodes.len()];
    let u_mean = opts.noise.customer_under_registration_pct / 100.0;
    for (k, g) in grid.iter().enumerate() {
        if g.base_lps <= 0.0 || opts.customers_per_junction == 0 {
            continue;
        }
        let mut r = Rng::for_item(opts.seed, K_CUSTOMER, k as u64);
        let w: Vec<f64> = (0..opts.customers_per_junction)
            .map(|_| r.range(0.5, 1.5))
            .collect();
        let ws: f64 = w.iter().sum();
        for wi in w {
            let under = r.range(0.0, 2.0 * u_mean);
            reg_factor[g.node] += wi / ws * (1.0 - under);
            customers.push(Customer {
                junction: k,
                share: wi / ws,
                under,
            });
        }
    }

    // ---- Truth ----
    let cons_slot = |node_list: &[usize], s: usize, factor: &dyn Fn(usize) -> f64| -> f64 {
        node_list
            .iter()
            .filter_map(|i| grid_of_node.get(i).map(|&k| (i, k)))
            .map(|(&i, k)| {
                let g = &grid[k];
                g.base_lps * pattern_of(g)[s] * factor(i) * STEP_S as f64 / 1000.0
            })
            .sum()
    };
    let mut truth = Vec::new();
    let mut totals = Vec::new();
    let mut max_res: f64 = 0.0;
    let mut max_rel: f64 = 0.0;
    let tank_pos: HashMap<usize, usize> = tanks.iter().enumerate().map(|(k, &t)| (t, k)).collect();
    let bulk_pos: HashMap<&str, usize> = boundary_meters
        .iter()
        .enumerate()
        .map(|(k, m)| (m.meter_id.as_str(), k))
        .collect();
    let mut leak_fraction_sim = vec![(0.0, 0.0); nd];
    for dist in &tree.districts {
        // `sign` turns a meter's reading into inflow; the reading is the link's
        // flow (start → end) for a forward meter and its negative for a reverse one.
        let bnd: Vec<(usize, f64)> = dist
            .boundary
            .iter()
            .map(|b| {
                let k = bulk_pos[b.meter_id.as_str()];
                (
                    k,
                    if boundary_meters[k].forward {
                        b.sign
                    } else {
                        -b.sign
                    },
                )
            })
            .collect();
        let tk: Vec<usize> = dist
            .tanks
            .iter()
            .filter_map(|t| tank_pos.get(t).copied())
            .collect();
        let lk: Vec<usize> = (0..nl)
            .filter(|&k| dist.junctions.binary_search(&leak_nodes[k]).is_ok())
            .collect();
        let per_slot: Vec<[f64; 5]> = (0..slots)
            .map(|s| {
                let si: f64 = bnd
                    .iter()
                    .map(|&(j, sign)| sign * link_vol[s * nb + j])
                    .sum();
                let st: f64 = tk
                    .iter()
                    .map(|&k| tank_area[k] * (levels[(s + 1) * nt + k] - levels[s * nt + k]))
                    .sum();
                let cons = cons_slot(&dist.junctions, s, &|_| 1.0);
                let met = cons_slot(&dist.junctions, s, &|i| reg_factor[i]);
                let leak: f64 = lk.iter().map(|&k| leak_vol[s * nl + k]).sum();
                [si, st, cons, met, leak]
            })
            .collect();
        let mut total = TruthRow {
            district: dist.id.clone(),
            level: dist.level,
            date: None,
            system_input_m3: 0.0,
            consumption_m3: 0.0,
            metered_m3: 0.0,
            leakage_m3: 0.0,
            storage_increase_m3: 0.0,
            mnf_m3h: 0.0,
            night_leakage_m3h: 0.0,
        };
        for day in 0..days {
            let range = day * SLOTS_PER_DAY..(day + 1) * SLOTS_PER_DAY;
            let sum = |c: usize| per_slot[range.clone()].iter().map(|x| x[c]).sum::<f64>();
            let (si, st, cons, met, leak) = (sum(0), sum(1), sum(2), sum(3), sum(4));
            let hour = |h: usize| {
                let r = day * SLOTS_PER_DAY + 4 * h..day * SLOTS_PER_DAY + 4 * h + 4;
                let net_in: f64 = per_slot[r.clone()].iter().map(|x| x[0] - x[1]).sum();
                let lk: f64 = per_slot[r].iter().map(|x| x[4]).sum();
                (net_in, lk)
            };
            let (h2, h3) = (hour(2), hour(3));
            let (mnf, nl_) = if h3.0 < h2.0 { h3 } else { h2 };
            let res = si - st - cons - leak;
            max_res = max_res.max(res.abs());
            if si.abs() > 1.0 {
                max_rel = max_rel.max((res / si).abs());
            }
            truth.push(TruthRow {
                district: dist.id.clone(),
                level: dist.level,
                date: Some(opts.start_date.plus_days(day as i64)),
                system_input_m3: si,
                consumption_m3: cons,
                metered_m3: met,
                leakage_m3: leak,
                storage_increase_m3: st,
                mnf_m3h: mnf,
                night_leakage_m3h: nl_,
            });
            total.system_input_m3 += si;
            total.consumption_m3 += cons;
            total.metered_m3 += met;
            total.leakage_m3 += leak;
            total.storage_increase_m3 += st;
            total.mnf_m3h += mnf / days as f64;
            total.night_leakage_m3h += nl_ / days as f64;
        }
        if dist.level == 1
            && let Some(d) = dist
                .id
                .strip_prefix('D')
                .and_then(|s| s.parse::<usize>().ok())
            && d < nd
        {
            leak_fraction_sim[d] = (total.leakage_m3, total.consumption_m3);
        }
        totals.push(total);
    }

    // ---- Readings ----
    let mut readings: Vec<Reading> = Vec::new();
    let interval = opts.inlet_interval_s as i64;
    let q = (interval / STEP_S) as usize;
    let n_int = slots / q;
    let end_s = days as i64 * 86_400;
    let gap = if opts.gaps.inlet_gap_hours > 0 {
        let level1: Vec<usize> = (0..n_bulk)
            .filter(|&k| boundary_meters[k].zone_level == 1)
            .collect();
        let pick = if level1.is_empty() {
            0
        } else {
            level1[Rng::for_item(opts.seed, K_PICK, 1).below(level1.len())]
        };
        let day = if days > 1 { 1 } else { 0 } as i64;
        let from = day * 86_400 + 10 * 3600;
        Some((pick, from, from + opts.gaps.inlet_gap_hours as i64 * 3600))
    } else {
        None
    };
    let sd = opts.noise.inlet_flow_pct / 100.0;
    for (k, m) in boundary_meters.iter().enumerate() {
        let mut r = Rng::for_item(opts.seed, K_READ, k as u64);
        let sign = if m.forward { 1.0 } else { -1.0 };
        let row = &meters[k];
        let mut cum = round_to(r.range(10_000.0, 90_000.0), 0);
        let in_gap = |t: i64| gap.is_some_and(|(g, a, b)| g == k && t > a && t <= b);
        if row.series == "register" {
            readings.push(Reading {
                meter: k,
                time_s: 0,
                value: cum,
                decimals: 3,
            });
        }
        for i in 1..=n_int {
            let vol: f64 = ((i - 1) * q..i * q)
                .map(|s| link_vol[s * nb + k])
                .sum::<f64>()
                * sign;
            let noisy = vol * (1.0 + sd * r.normal());
            let t = i as i64 * interval;
            let value = match (row.series, row.unit) {
                ("register", _) => {
                    cum += noisy;
                    cum
                }
                (_, "L/s") => noisy * 1000.0 / interval as f64,
                _ => noisy * 3600.0 / interval as f64,
            };
            if !in_gap(t) {
                readings.push(Reading {
                    meter: k,
                    time_s: t,
                    value: round_to(value, 3),
                    decimals: 3,
                });
            }
        }
    }
    let ps = opts.noise.pressure_m;
    for k in 0..nt {
        let meter = n_bulk + k;
        let mut r = Rng::for_item(opts.seed, K_READ, meter as u64);
        for i in 0..=n_int {
            let v = levels[i * q * nt + k] + ps * r.normal();
            readings.push(Reading {
                meter,
                time_s: i as i64 * interval,
                value: round_to(v, 3),
                decimals: 3,
            });
        }
    }
    for k in 0..np {
        let meter = first_pressure + k;
        let mut r = Rng::for_item(opts.seed, K_READ, meter as u64);
        for i in 0..=n_int {
            let v = pressures[i * q * np + k] + ps * r.normal();
            readings.push(Reading {
                meter,
                time_s: i as i64 * interval,
                value: round_to(v, 3),
                decimals: 3,
            });
        }
    }
    // Cumulative pattern volume (L per L/s of base demand) to any second.
    let prefix = |p: &[f64]| -> Vec<f64> {
        let mut c = Vec::with_capacity(slots + 1);
        c.push(0.0);
        for v in p {
            c.push(c.last().copied().unwrap_or(0.0) + v * STEP_S as f64);
        }
        c
    };
    let (cum_res, cum_com) = (prefix(&res), prefix(&com));
    let cum_at = |g: &GridJunction, t: i64| -> f64 {
        let (c, p) = if g.commercial {
            (&cum_com, &com)
        } else {
            (&cum_res, &res)
        };
        let t = t.clamp(0, end_s);
        let s = (t / STEP_S) as usize;
        if s >= slots {
            c[slots]
        } else {
            c[s] + p[s] * (t - s as i64 * STEP_S) as f64
        }
    };
    let read_times: Vec<(usize, i64)> = match opts.customer_read {
        CustomerRead::Daily => (0..=days).map(|d| (d, d as i64 * 86_400)).collect(),
        CustomerRead::Hourly => (0..=days * 24).map(|h| (h, h as i64 * 3600)).collect(),
        CustomerRead::QuarterHourly => (0..=slots).map(|s| (s, s as i64 * STEP_S)).collect(),
    };
    let mut pick = Rng::for_item(opts.seed, K_PICK, 2);
    let replaced_c =
        (opts.replaced_meter && !customers.is_empty()).then(|| pick.below(customers.len()));
    let rollover_c = (opts.rollover && customers.len() > 1).then(|| {
        let mut c = pick.below(customers.len());
        if Some(c) == replaced_c {
            c = (c + 1) % customers.len();
        }
        c
    });
    let exchange_s = if days >= 2 {
        (days / 2) as i64 * 86_400 + 10 * 3600
    } else {
        12 * 3600
    };
    let mut injected = Injected {
        day_factors: day_factors.clone(),
        mean_under_registration: if customers.is_empty() {
            0.0
        } else {
            customers.iter().map(|c| c.under).sum::<f64>() / customers.len() as f64
        },
        ..Default::default()
    };
    let miss = opts.gaps.missing_customer_read_pct / 100.0;
    let mut seq: HashMap<usize, usize> = HashMap::new();
    for (ci, c) in customers.iter().enumerate() {
        let g = &grid[c.junction];
        let jid = net.nodes[g.node].id.clone();
        let n = seq.entry(c.junction).or_insert(0);
        *n += 1;
        let id = format!("C-{jid}-{n}");
        let mut r = Rng::for_item(opts.seed, K_CUSTOMER, 1_000_000 + ci as u64);
        let m3 = |t: i64| c.share * g.base_lps * cum_at(g, t) / 1000.0 * (1.0 - c.under);
        let mut start = round_to(r.range(0.0, 5000.0), 3);
        if Some(ci) == rollover_c {
            start = round_to(REGISTER_CAPACITY_M3 - 0.4 * m3(end_s).max(0.01), 3);
            injected.rollover = Some((id.clone(), REGISTER_CAPACITY_M3, start));
        }
        let value = |v: f64| round_to((start + v).rem_euclid(REGISTER_CAPACITY_M3), 3);
        let row = MeterRow {
            meter_id: id.clone(),
            kind: "customer",
            link: None,
            node: Some(jid.clone()),
            district: None,
            customer: Some(format!("K-{jid}-{n}")),
            zone_level: None,
            forward: true,
            series: "register",
            unit: "m3",
            multiplier: 1.0,
            register_capacity: Some(REGISTER_CAPACITY_M3),
            installed: None,
            removed: None,
            replaces: None,
        };
        let old = meters.len();
        meters.push(row.clone());
        let replaced = Some(ci) == replaced_c;
        let new = if replaced {
            let new_id = format!("{id}-R");
            meters[old].removed = Some(stamp(opts.start_date, exchange_s));
            meters.push(MeterRow {
                meter_id: new_id.clone(),
                installed: Some(stamp(opts.start_date, exchange_s)),
                replaces: Some(id.clone()),
                ..row
            });
            injected.replaced = Some((id.clone(), new_id, exchange_s));
            Some(meters.len() - 1)
        } else {
            None
        };
        let last = read_times.len() - 1;
        for (k, &(_, t0)) in read_times.iter().enumerate() {
            let t = if opts.customer_read == CustomerRead::Daily {
                (t0 + r.range(-900.0, 900.0) as i64).clamp(0, end_s)
            } else {
                t0
            };
            let keep = k == 0 || k == last || replaced || Some(ci) == rollover_c || !r.chance(miss);
            if !keep {
                injected.missing_customer_reads += 1;
                continue;
            }
            match new {
                Some(nm) if t >= exchange_s => {
                    let v = round_to(m3(t) - m3(exchange_s), 3);
                    readings.push(Reading {
                        meter: nm,
                        time_s: t,
                        value: v,
                        decimals: 3,
                    });
                }
                _ => readings.push(Reading {
                    meter: old,
                    time_s: t,
                    value: value(m3(t)),
                    decimals: 3,
                }),
            }
        }
        if let Some(nm) = new {
            readings.push(Reading {
                meter: old,
                time_s: exchange_s,
                value: value(m3(exchange_s)),
                decimals: 3,
            });
            readings.push(Reading {
                meter: nm,
                time_s: exchange_s,
                value: 0.0,
                decimals: 3,
            });
        }
    }
    readings.sort_by_key(|r| (r.meter, r.time_s));

    // ---- What was injected ----
    let mut mean_leak = vec![0.0; nl];
    for s in 0..slots {
        for k in 0..nl {
            mean_leak[k] += leak_vol[s * nl + k] * 1000.0 / (slots as f64 * STEP_S as f64);
        }
    }
    for k in 0..nl {
        let district = tree
            .district_of(leak_nodes[k], 1)
            .map_or_else(|| dname(leak_district[k]), |d| tree.districts[d].id.clone());
        injected.leaks.push(LeakInfo {
            district,
            junction: net.nodes[leak_nodes[k]].id.clone(),
            coefficient: coef[k],
            target_lps: leak_targets[k],
            mean_lps: mean_leak[k],
        });
    }
    injected.leak_fractions = (0..nd)
        .map(|d| {
            let (l, c) = leak_fraction_sim[d];
            (dname(d), fractions[d], if c > 0.0 { l / c } else { 0.0 })
        })
        .collect();
    injected.inlet_gap = gap.map(|(k, a, b)| (boundary_meters[k].meter_id.clone(), a, b));

    Ok(CitySim {
        options: opts.clone(),
        network_inp,
        network: net,
        boundary_meters,
        tree,
        meters,
        readings,
        truth,
        totals,
        injected,
        max_balance_residual_m3: max_res,
        max_balance_residual_rel: max_rel,
        hydraulic_steps: steps,
        min_pressure_m,
    })
}

fn set_emitters(net: &mut Network, nodes: &[usize], coef: &[f64]) {
    for (&i, &c) in nodes.iter().zip(coef) {
        if let NodeKind::Junction(j) = &mut net.nodes[i].kind {
            j.emitter_coefficient = c;
        }
    }
}

fn round_sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = x.abs().log10().floor() as i32;
    round_to(x, digits - 1 - e)
}
