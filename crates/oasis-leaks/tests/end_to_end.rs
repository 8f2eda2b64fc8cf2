//! A short generated data set on a small synthetic city with one burst: the twin detector
//! finds it, near the right pipe, and its alarms are causal.

use oasis_leaks::detect::{self, DetectSettings, Twin};
use oasis_leaks::net::NetInfo;
use oasis_leaks::scenario::{self, PlannedLeak, SensorSpec, SimulateOptions};
use oasis_leaks::score::{self, TrueLeak, Truth};
use oasis_network::{Network, NodeKind};

/// A 6×6 street grid of 100 m, 125 mm pipes fed from one reservoir through an inlet pipe:
/// head losses big enough for pressures to tell where water goes.
fn grid() -> Network {
    let n = 6;
    let mut inp = String::from("[JUNCTIONS]\n");
    for r in 0..n {
        for c in 0..n {
            inp += &format!("J{r}_{c} {} 0.5 D\n", 10.0 + (r + c) as f64 * 0.5);
        }
    }
    inp += "[RESERVOIRS]\nR 70\n[PIPES]\nIN R J0_0 200 300 120\n";
    for r in 0..n {
        for c in 0..n {
            if c + 1 < n {
                inp += &format!("H{r}_{c} J{r}_{c} J{r}_{} 100 125 110\n", c + 1);
            }
            if r + 1 < n {
                inp += &format!("V{r}_{c} J{r}_{c} J{}_{c} 100 125 110\n", r + 1);
            }
        }
    }
    inp += "[PATTERNS]\nD 0.6 0.5 0.5 0.5 0.6 0.8 1.1 1.4 1.4 1.3 1.2 1.1\nD 1.2 1.1 1.0 1.0 1.0 1.1 1.3 1.4 1.3 1.1 0.9 0.7\n";
    inp += "[TIMES]\nDuration 24:00\nHydraulic Timestep 0:05\nPattern Timestep 1:00\n[OPTIONS]\nUnits LPS\nHeadloss H-W\n[END]\n";
    oasis_network::read_inp(inp.as_bytes(), "grid").unwrap()
}

fn spec(net: &Network) -> SensorSpec {
    let mut s = SensorSpec::automatic(net);
    // Every third junction.
    s.pressure =
        net.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Junction(_))).step_by(3).map(|n| n.id.clone()).collect();
    s
}

struct Case {
    net: Network,
    data: scenario::DataSet,
}

fn case(leak: bool, area_drift: f64, train_days: i64) -> Case {
    let net = grid();
    let info = NetInfo::new(&net);
    let base = SimulateOptions { seed: 11, train_days, test_days: 6, max_leaks_per_month: 0, area_drift, ..Default::default() };
    let start = base.start_min + base.train_days * 1440 + 36 * 60;
    // A pipe far from the inlet.
    let pipe = info.link_index["H4_3"];
    let size = scenario::mean_demand_m3h(&net) * 0.08;
    let planned = if leak {
        vec![PlannedLeak { pipe_id: net.links[pipe].id.clone(), start_min: start, full_min: start, repair_min: None, size_m3h: size }]
    } else {
        Vec::new()
    };
    let opts = SimulateOptions { planned, ..base };
    let data = scenario::simulate(&net, &spec(&net), &opts, &mut |_, _| {}).unwrap();
    Case { net, data }
}

fn run(c: &Case, scada: &oasis_leaks::Scada) -> Vec<oasis_leaks::Alarm> {
    let settings = DetectSettings::default();
    let twin = Twin::build(&c.net, scada, 5, &settings).unwrap();
    detect::detect(&c.net, &twin, scada, c.data.train_until_min, &settings).unwrap().0
}

#[test]
fn a_burst_is_found_near_its_pipe_and_alarms_are_causal() {
    let c = case(true, SimulateOptions::default().area_drift, 8);
    let d = &c.data;
    assert_eq!(d.leaks.len(), 1);
    let leak = &d.leaks[0];
    // The truth: the leak flows from its start on, near its planned size.
    let row = d.scada.times_min.partition_point(|&t| t < leak.start_min);
    assert_eq!(d.leak_flow_m3h[row - 1][0], 0.0);
    assert!(d.leak_flow_m3h[row + 12][0] > 0.5 * leak.size_m3h, "{}", d.leak_flow_m3h[row + 12][0]);

    let alarms = run(&c, &d.scada);
    let info = NetInfo::new(&c.net);
    let first = alarms.iter().find(|a| a.alarm_time_min >= leak.start_min).expect("the burst raises an alarm");
    let dist = info.pipe_distance_m(info.link_index[&first.pipe_id], info.link_index[&leak.pipe_id]);
    assert!(dist <= 300.0, "alarm on {} is {dist} m from {}: {first:?} node {}", first.pipe_id, leak.pipe_id, leak.node_id);
    assert!(first.alarm_time_min - leak.start_min <= 2 * 1440, "delay {} min", first.alarm_time_min - leak.start_min);
    assert!(alarms.iter().all(|a| a.alarm_time_min >= leak.start_min), "a false alarm before the leak: {alarms:?}");

    // Scoring the detector's own alarms: a true positive worth most of the best score.
    let truth = Truth {
        leaks: vec![TrueLeak {
            pipe_id: leak.pipe_id.clone(),
            start_min: leak.start_min,
            repair_min: None,
            flow_m3h: d.leak_flow_m3h.iter().map(|r| r[0]).collect(),
        }],
        times_min: d.scada.times_min.clone(),
        from_min: d.train_until_min,
        end_min: d.scada.times_min.last().unwrap() + 5,
    };
    let pairs: Vec<(String, i64)> = alarms.iter().map(|a| (a.pipe_id.clone(), a.alarm_time_min)).collect();
    let r = score::score(&truth, &pairs, &info).unwrap();
    assert_eq!(r.true_positives, 1);
    assert!(r.percent_of_best() > 50.0, "{}", r.percent_of_best());

    // Causality: on the data cut at a time after the first alarm, the alarms up to that
    // time are the same; cut before it, there is none.
    for cut in [first.alarm_time_min, first.alarm_time_min + 600, first.alarm_time_min - 5] {
        let part = run(&c, &d.scada.cut(cut));
        let upto: Vec<_> = alarms.iter().filter(|a| a.alarm_time_min <= cut).cloned().collect();
        assert_eq!(part, upto, "cut at {cut}");
    }
}

/// Without leaks and without the per-area drift (which on a 36-junction grid looks just like
/// a small leak in a quarter of the town), the calibrated threshold raises nothing.
#[test]
fn no_leak_no_alarm() {
    let c = case(false, 0.0, 20);
    let alarms = run(&c, &c.data.scada);
    assert!(alarms.is_empty(), "{alarms:?}");
}

/// The inflow baselines see the burst too; the first names the inlet pipe, the second a pipe
/// at a pressure sensor.
#[test]
fn baselines_see_the_burst_in_the_inflow() {
    use oasis_leaks::baseline::{self, BaselineSettings, Location};
    let c = case(true, SimulateOptions::default().area_drift, 8);
    let start = c.data.leaks[0].start_min;
    let set = BaselineSettings::default();
    let inlet = baseline::detect(&c.net, &c.data.scada, c.data.train_until_min, Location::Inlet, &set).unwrap();
    let first = inlet.iter().find(|a| a.alarm_time_min >= start).expect("an inflow alarm after the burst");
    assert_eq!(first.pipe_id, "IN");
    assert!(first.flow_m3h > 0.0);
    let pressure = baseline::detect(&c.net, &c.data.scada, c.data.train_until_min, Location::Pressure, &set).unwrap();
    let first = pressure.iter().find(|a| a.alarm_time_min >= start).expect("a pressure-located alarm");
    let info = NetInfo::new(&c.net);
    let sensors = spec(&c.net).pressure;
    let (a, b) = info.ends[info.link_index[&first.pipe_id]];
    assert!(sensors.contains(&c.net.nodes[a].id) || sensors.contains(&c.net.nodes[b].id), "{}", first.pipe_id);
}
