//! The bulk generator: the columns, the time order, registers that only grow,
//! inlet flows that are their customers' use plus the district's leak; and
//! (ignored, run with `--release -- --ignored`) its speed.

use std::collections::HashMap;

use oasis_citysim::*;

#[test]
fn bulk_readings_are_consistent_with_the_register_and_the_leaks() {
    let (meters, days, interval, seed, districts) = (230, 1, 900, 5, 3);
    let city = BulkCity::new(meters, districts, seed);
    let (mut m, mut d, mut t) = (Vec::new(), Vec::new(), Vec::new());
    write_bulk_register(&city, &mut m, &mut d, &mut t).unwrap();
    let m = String::from_utf8(m).unwrap();
    let d = String::from_utf8(d).unwrap();
    let t = String::from_utf8(t).unwrap();
    assert_eq!(m.lines().count(), 1 + meters + districts);
    assert!(m.starts_with("meter_id,kind,link,node,district,customer,zone_level,direction,series,unit,multiplier,register_capacity,installed,removed,replaces\n"));
    assert_eq!(t.lines().count(), 1 + districts);
    // Every node of a customer is in districts.csv, in the customer's district.
    let node_district: HashMap<&str, &str> = d
        .lines()
        .skip(1)
        .map(|l| {
            let (a, b) = l.split_once(',').unwrap();
            (b, a)
        })
        .collect();
    let mut customer_district: HashMap<String, String> = HashMap::new();
    for line in m.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 15, "{line}");
        if f[1] == "customer" {
            assert_eq!(node_district[f[3]], f[4]);
            customer_district.insert(f[0].to_string(), f[4].to_string());
        }
    }

    let mut out = Vec::new();
    write_bulk_readings(meters, days, interval, seed, districts, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("meter_id,time,value"));
    let times = 96 + 1;
    assert_eq!(
        text.lines().count(),
        1 + meters * times + districts * (times - 1)
    );
    let mut last: HashMap<String, f64> = HashMap::new();
    let mut used: HashMap<String, f64> = HashMap::new();
    let mut prev_time = String::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 3);
        assert!(f[1] >= prev_time.as_str(), "time order");
        prev_time = f[1].to_string();
        let v: f64 = f[2].parse().unwrap();
        if let Some(dist) = customer_district.get(f[0]) {
            if let Some(p) = last.insert(f[0].to_string(), v) {
                assert!(v >= p, "{line}");
                *used.entry(dist.clone()).or_default() += v - p;
            }
        } else {
            // An inlet: the interval's customer use (m³/h) plus the leak.
            let dn: usize = f[0].trim_start_matches("IN-DMA").parse().unwrap();
            let dist = format!("DMA{dn:03}");
            let expect = used.remove(&dist).unwrap_or(0.0) * 4.0 + city.leak_m3h(dn - 1);
            assert!((v - expect).abs() < 2e-3, "{line}: {expect}");
            assert!(city.leak_m3h(dn - 1) > 0.0);
        }
    }
    // Deterministic.
    let mut again = Vec::new();
    write_bulk_readings(meters, days, interval, seed, districts, &mut again).unwrap();
    assert_eq!(again, text.as_bytes());
}

/// Streams 100,000 meters × 1 day (9.6 M rows) to a counting sink and prints the rate.
#[test]
#[ignore]
fn bulk_speed() {
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len() as u64;
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut sink = Count(0);
    let t = std::time::Instant::now();
    write_bulk_readings(100_000, 1, 900, 1, 100, &mut sink).unwrap();
    let s = t.elapsed().as_secs_f64();
    let rows = 100_000.0 * 97.0 + 100.0 * 96.0;
    eprintln!(
        "{rows} rows, {} bytes in {s:.2} s: {:.2} M rows/s, {:.0} MB/s",
        sink.0,
        rows / s / 1e6,
        sink.0 as f64 / s / 1e6
    );
}
