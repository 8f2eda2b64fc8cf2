//! Hostile input — NaN, infinities, extreme and unsorted times, empty slices — gives errors or
//! flags, never a panic (the tests run in debug, so integer overflow would panic too).

use oasis_metering::cjj92::{Cjj92Inputs, cjj92};
use oasis_metering::*;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 11
    }
    fn time(&mut self) -> i64 {
        match self.next() % 6 {
            0 => i64::MAX,
            1 => i64::MIN,
            2 => -(self.next() as i64 % 1_000_000),
            _ => (self.next() % 10_000_000) as i64,
        }
    }
    fn value(&mut self) -> f64 {
        match self.next() % 8 {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => -1e308,
            3 => 0.0,
            4 => -((self.next() % 1000) as f64),
            _ => (self.next() % 100_000) as f64 / 7.0,
        }
    }
}

fn meter(series: &str, unit: &str) -> Meter {
    let kind = if series == "register" { "customer" } else { "flow" };
    let f = [
        ("meter_id", "M"),
        ("kind", kind),
        ("node", "J"),
        ("link", "P"),
        ("series", series),
        ("unit", unit),
        ("register_capacity", if series == "register" { "1000" } else { "" }),
    ];
    Meter::from_fields(|k| f.iter().find(|(n, _)| *n == k).map(|(_, v)| *v), 0).unwrap()
}

#[test]
fn hostile_series() {
    let mut g = Lcg(7);
    let reg = meter("register", "m3");
    let flow = meter("flow", "m3/h");
    for round in 0..3000 {
        let n = (g.next() % 30) as usize;
        let mut r: Vec<Reading> = (0..n).map(|_| Reading { t_s: g.time(), value: g.value() }).collect();
        if round % 2 == 0 {
            r.sort_by_key(|x| x.t_s);
        }
        let (a, b) = (g.time(), g.time());
        let _ = check_series(&reg, &r, &QualitySettings::default());
        let _ = check_series(&flow, &r, &QualitySettings { expected_interval_s: Some(g.time()), ..Default::default() });
        let _ = register_usage(&[MeterReadings { meter: &reg, readings: &r }], a, b);
        let _ = interval_volume(&r, SeriesKind::Flow, a, b, g.time());
        let _ = interval_volume(&r, SeriesKind::Volume, a, b, 900);
        let s: Vec<FlowSample> = r.iter().map(|x| FlowSample { t_s: x.t_s, flow_m3h: x.value }).collect();
        let resolution = if round % 3 == 0 { i64::MAX } else { 1 + (g.next() % 7200) as i64 };
        let settings = NightFlowSettings { resolution_s: Some(resolution), ..Default::default() };
        let _ = night_flow(&s, &|_| Some(f64::NAN), &settings);
        let _ = night_flow(&s, &|_| None, &NightFlowSettings::default());
        let mut p = [0.0; 24];
        p.iter_mut().for_each(|x| *x = g.value());
        let _ = night_day_factor(&p, (g.next() % 30) as usize, g.value());
        let _ = water_balance(&BalanceInputs {
            period_s: (a, b),
            system_input_m3: g.value(),
            storage_increase_m3: g.value(),
            billed_metered_m3: g.value(),
            billed_unmetered_m3: g.value(),
            unbilled_metered_m3: g.value(),
            unbilled_unmetered_m3: g.value(),
            apparent: ApparentLossRates {
                customer_meter_under_registration_pct: g.value(),
                unauthorised_pct: g.value(),
                data_error_pct: g.value(),
            },
            infrastructure: Infrastructure {
                mains_km: g.value(),
                connections: g.next(),
                private_pipe_km: g.value(),
                mean_pressure_m: g.value(),
            },
        });
        let _ = cjj92(&Cjj92Inputs {
            period_s: (a, b),
            supply_m3: g.value(),
            registered_use_m3: g.value(),
            household_metered_share: g.value(),
            pipe_length_dn75_km: g.value(),
            mean_outlet_pressure_mpa: g.value(),
            max_frost_depth_m: g.value(),
        });
    }
}

#[test]
fn hostile_register_rows() {
    let cells =
        ["", "x", "NaN", "-1", "0", "1e400", "9999-99-99", "2025-01-01 25:00", "m³", "bulk", "register", "4", "255"];
    let cols = oasis_metering::register::COLUMNS;
    let mut g = Lcg(11);
    for _ in 0..2000 {
        let row: Vec<(&str, &str)> =
            cols.iter().map(|c| (*c, cells[(g.next() % cells.len() as u64) as usize])).collect();
        let _ = Meter::from_fields(|k| row.iter().find(|(n, _)| *n == k).map(|(_, v)| *v), i32::MAX);
    }
}
