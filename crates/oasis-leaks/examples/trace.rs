// Tuning aid: simulate one L-Town data set and print the detector's daily statistic.
use oasis_leaks::*;
fn main() {
    let seed: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let bytes = std::fs::read("../shared/leak/L-TOWN.inp").unwrap();
    let net = oasis_network::read_inp(&bytes, "l").unwrap();
    let j: Vec<&str> = vec![];
    let _ = j;
    let text = std::fs::read_to_string("../shared/leak/sensors.json").unwrap();
    let grab = |k: &str| -> Vec<String> {
        let i = text.find(&format!("\"{k}\"")).unwrap();
        let a = text[i..].find('[').unwrap() + i;
        let b = text[a..].find(']').unwrap() + a;
        text[a + 1..b].split(',').map(|s| s.trim().trim_matches('"').to_string()).filter(|s| !s.is_empty()).collect()
    };
    let spec = scenario::SensorSpec { pressure: grab("pressure"), flow: grab("flow"), level: grab("level"), amr: grab("amr") };
    let opts = scenario::SimulateOptions { seed, ..Default::default() };
    let ds = scenario::simulate(&net, &spec, &opts, &mut |_, _| {}).unwrap();
    println!("mean demand {:.1} m3/h", scenario::mean_demand_m3h(&net));
    for l in &ds.leaks { println!("leak {} {} {} {:?} {:.2} m3/h repair {:?}", l.pipe_id, l.node_id, time::format_stamp(l.start_min), l.kind, l.size_m3h, l.repair_min.map(time::format_stamp)); }
    let settings = detect::DetectSettings::default();
    let twin = detect::Twin::build(&net, &ds.scada, 5, &settings).unwrap();
    let (alarms, trace) = detect::detect(&net, &twin, &ds.scada, ds.train_until_min, &settings).unwrap();
    println!("threshold {:.2} training max {:.2}", trace.threshold, trace.training_max);
    for (d, chunk) in trace.statistic.chunks(288).enumerate() {
        let m = chunk.iter().copied().filter(|v| v.is_finite()).fold(f64::NAN, f64::max);
        let lf: f64 = ds.leak_flow_m3h[d * 288..(d * 288 + chunk.len())].iter().map(|r| r.iter().sum::<f64>()).sum::<f64>() / chunk.len() as f64;
        print!("d{d}:{m:.1}/{lf:.1} ");
    }
    println!();
    let info = net::NetInfo::new(&net);
    for a in alarms {
        let d: Vec<String> = ds.leaks.iter().map(|l| format!("{:.0}", info.pipe_distance_m(info.link_index[&a.pipe_id], info.link_index[&l.pipe_id]))).collect();
        println!("alarm {} {} q {:.2} dist to leaks {:?}", a.pipe_id, time::format_stamp(a.alarm_time_min), a.flow_m3h, d);
    }
}
