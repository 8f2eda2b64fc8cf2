//! The writers on a small network with hand-made results, every expected
//! value worked out by hand (US units: feet and cfs, so heads and flows need
//! no conversion).

use oasis_hydraulics::{
    LinkResult, LinkStatus, NodeResult, PumpEnergy, RunResults, Snapshot, Warning,
};
use oasis_output::{OutReadError, Run, RunInfo, read_out, write_out, write_report};

const INP: &str = "[TITLE]
; a comment line is not a title line
Hand-checked network  \r

[JUNCTIONS]
 J1  20  1
 J2  10  1
[RESERVOIRS]
 R1  50
[PIPES]
 P1  J1  J2  500  12  100
 P2  J2  R1  100  12  100  0  CV
[PUMPS]
 PU1  R1  J1  POWER 10
[OPTIONS]
 Units CFS
[TIMES]
 Duration 24:00
 Report Timestep 24:00
[REPORT]
 NODES ALL
 LINKS P1
 PRESSURE PRECISION 3
 ENERGY YES
 F-FACTOR YES
 HEAD BELOW 95
[END]
";

fn node(head: f64, elevation: f64, demand: f64) -> NodeResult {
    NodeResult {
        head,
        pressure: (head - elevation) * 0.4333,
        demand,
    }
}

fn link(flow: f64, status_code: LinkStatus, setting: f64) -> LinkResult {
    LinkResult {
        flow,
        velocity: 0.0,
        headloss: 0.0,
        status: 1.0,
        setting,
        status_code,
    }
}

fn snapshot(t: i64) -> Snapshot {
    Snapshot {
        time_s: t,
        // J1 at 100 ft, J2 at 90 ft, R1 at 50 ft.
        nodes: vec![
            node(100.0, 20.0, 1.0),
            node(90.0, 10.0, 1.0),
            node(50.0, 50.0, -2.0),
        ],
        links: vec![
            link(1.0, LinkStatus::Open, 100.0),
            // The check valve is closed: EPANET stores no flow for it.
            link(0.0, LinkStatus::Closed, 100.0),
            link(2.0, LinkStatus::Open, 1.0),
        ],
        iterations: 3,
        relative_error: 0.0,
        warnings: if t == 0 {
            vec![Warning::NegativePressure]
        } else {
            vec![]
        },
        trials: vec![],
    }
}

fn results() -> RunResults {
    RunResults {
        periods: vec![snapshot(0), snapshot(86400)],
        energy: vec![PumpEnergy {
            link: 2,
            // On line 12 of 24 h at 75 % efficiency, 10 kW per cfs, 20 kW.
            time_online_h: 12.0,
            efficiency_h: 0.75 * 12.0,
            kw_per_cfs_h: 10.0 * 12.0,
            kwh: 20.0 * 12.0,
            max_kw: 25.0,
            total_cost: 48.0,
        }],
        peak_kw: 25.0,
        demand_charge_rate: 2.0,
        duration_s: 86400,
        warning_flag: 6,
        actions: vec![],
    }
}

fn network() -> oasis_network::Network {
    oasis_network::read_inp(INP.as_bytes(), "hand.inp").expect("valid network")
}

#[test]
fn binary_file_holds_hand_computed_values() {
    let net = network();
    let r = results();
    let info = RunInfo::from_inp("hand.inp", INP.as_bytes());
    let out = read_out(&write_out(&net, &Run::new(&r), &info).expect("matching results"))
        .expect("reads back");

    assert_eq!(
        (
            out.node_count,
            out.tank_count,
            out.link_count,
            out.pump_count
        ),
        (3, 1, 3, 1)
    );
    assert_eq!(out.flow_units, 0, "CFS is EPANET's flow unit 0");
    assert_eq!(out.link_type, vec![1, 0, 2], "pipe, check-valve pipe, pump");
    assert_eq!(
        (out.link_start.clone(), out.link_end.clone()),
        (vec![1, 2, 3], vec![2, 3, 1])
    );
    // The comment is skipped; trailing blanks and the CR stay.
    assert_eq!(out.title[0], "Hand-checked network  \r");
    assert_eq!(out.input_file, "hand.inp");
    assert_eq!(
        out.diameters,
        vec![12.0, 12.0, 0.0],
        "inches; a pump has none"
    );
    assert_eq!(out.tank_areas, vec![0.0], "a reservoir has no area");

    // Energy: 12 of 24 h on line = 50 %; 0.75·12/12 = 75 %;
    // 10 kW/cfs → 10·10^6/(448.831·60) = 10^7/26929.86 = 371.335 kWh/Mgal; 240/12 = 20 kW;
    // cost 48 over 24 h = 48 per day; demand charge 25 kW · 2 = 50.
    let (link, e) = out.pump_energy[0];
    assert_eq!(link, 3);
    assert_eq!(e[0], 50.0);
    assert_eq!(e[1], 75.0);
    assert!((e[2] - 371.335).abs() < 1e-3, "{}", e[2]);
    assert_eq!((e[3], e[4], e[5]), (20.0, 25.0, 48.0));
    assert_eq!(out.demand_charge, 50.0);

    assert_eq!(out.periods.len(), 2);
    let (n, l) = &out.periods[0];
    // Pressure (100 − 20) ft · 0.4333 psi/ft = 34.664 psi.
    assert_eq!(n[2][0], 34.664f32);
    // Pipe P1: velocity 1 cfs / (π·1²/4 ft²) = 4/π = 1.2732395 fps; head loss
    // 1000·(100 − 90)/500 = 20 per 1000 ft; friction factor
    // 39.725·10·1⁵/500/1² = 0.7945.
    assert!((l[1][0] - 1.273_239_5).abs() < 1e-6);
    assert_eq!(l[2][0], 20.0);
    assert!((l[7][0] - 0.7945).abs() < 1e-6);
    // The closed check valve: no flow, no head loss, status code 2.
    assert_eq!((l[0][1], l[2][1], l[4][1]), (0.0, 0.0, 2.0));
    // The pump: head "loss" is minus its gain, 50 − 100 = −50 ft; no velocity.
    assert_eq!((l[2][2], l[1][2]), (-50.0, 0.0));
    assert_eq!(out.warning_flag, 6);
}

#[test]
fn report_honours_the_report_section() {
    let net = network();
    let r = results();
    let mut info = RunInfo::from_inp("hand.inp", INP.as_bytes());
    info.started = "Mon Jan  5 10:00:00 2026".into();
    info.ended = "Mon Jan  5 10:00:01 2026".into();
    let text = write_report(&net, &Run::new(&r), &info).expect("matching results");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "  Page 1                                    Mon Jan  5 10:00:00 2026"
    );
    assert!(lines.contains(&"  WARNING: Negative pressures at 0:00:00 hrs."));
    assert!(lines.contains(&"         with Head below 95.00 ft"));
    // Energy row: ID left in 8, then 50.00 75.00 371.34 20.00 25.00 48.00;
    // EPANET prints the demand charge as peak · rate · rate = 25·2·2 = 100.
    assert!(lines.contains(&"  PU1        50.00  75.00    371.34     20.00     25.00     48.00"));
    assert!(lines.contains(&"                                         Demand Charge:    100.00"));
    // HEAD BELOW 95: J1 (100 ft) is left out, J2 (90 ft) and R1 (50 ft) stay;
    // pressures with 3 decimals: (90 − 10)·0.4333 = 34.664, R1 0.000.
    assert!(!text.contains("\n  J1 "));
    assert!(lines.contains(&"  J2                   1.00     90.00    34.664"));
    assert!(lines.contains(&"  R1                  -2.00     50.00     0.000  Reservoir"));
    // Only P1 of the links, with its friction factor (3 decimals by default):
    // 0.7945 is 0.79449999 in float32, so it prints as 0.794.
    assert!(lines.contains(&"  P1                   1.00      1.27     20.00     0.794"));
    assert!(!text.contains("\n  P2 "));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("  Node Results at"))
            .count(),
        2
    );
    assert!(text.ends_with("  Analysis ended Mon Jan  5 10:00:01 2026\n"));
}

#[test]
fn results_of_another_network_are_refused() {
    let net = network();
    let mut r = results();
    // A third period with one node missing: 2 node results for 3 nodes.
    let mut short = snapshot(3600);
    short.nodes.pop();
    r.periods.push(short);
    let info = RunInfo::from_inp("hand.inp", INP.as_bytes());
    let err = write_out(&net, &Run::new(&r), &info).unwrap_err();
    assert_eq!(
        err.to_string(),
        "node results at time 3600 s has 2 values, but the network has 3"
    );
    assert!(write_report(&net, &Run::new(&r), &info).is_err());
}

#[test]
fn reader_rejects_files_that_are_not_epanet_output() {
    assert!(matches!(
        read_out(&[0u8; 4]),
        Err(OutReadError::Truncated(_))
    ));
    let mut bytes = vec![0u8; 2000];
    assert!(matches!(
        read_out(&bytes),
        Err(OutReadError::NotOutputFile(_))
    ));
    // Right magic numbers at both ends, but nothing consistent in between.
    bytes[..4].copy_from_slice(&516_114_521i32.to_le_bytes());
    let n = bytes.len();
    bytes[n - 4..].copy_from_slice(&516_114_521i32.to_le_bytes());
    assert!(read_out(&bytes).is_err());
    // Huge counts in an otherwise valid frame are refused, not allocated.
    bytes[8..12].copy_from_slice(&i32::MAX.to_le_bytes());
    assert!(matches!(read_out(&bytes), Err(OutReadError::Truncated(_))));
}

#[test]
fn reader_never_panics_on_damaged_files() {
    // Every truncation and every single-byte corruption of a real file reads
    // back as a value or an error, never a panic.
    let net = network();
    let r = results();
    let info = RunInfo::from_inp("hand.inp", INP.as_bytes());
    let good = write_out(&net, &Run::new(&r), &info).expect("matching results");
    for n in 0..good.len() {
        let _ = read_out(&good[..n]);
    }
    let mut seed = 12345u32;
    for _ in 0..2000 {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let mut bad = good.clone();
        let at = seed as usize % bad.len();
        bad[at] = (seed >> 16) as u8;
        let _ = read_out(&bad);
    }
}
