//! A hydraulics-free city of any size for speed tests: customer registers
//! every interval (a diurnal pattern × a per-customer scale + noise) and one
//! inlet flow meter per hand-drawn district whose flow is exactly the sum of
//! its customers' use plus a known leak. Rows are streamed in time order (all
//! meters at t, then t + interval …); only per-meter state is kept.

use std::io::{self, Write};

use crate::num::{push_fixed, push_scaled};
use crate::rng::Rng;
use crate::time::{DayCache, LocalDate};

/// The shape of a bulk city.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkCity {
    pub meters: usize,
    pub districts: usize,
    pub seed: u64,
    /// Customers per node (a block of flats on one service node).
    pub customers_per_node: usize,
}

impl BulkCity {
    pub fn new(meters: usize, districts: usize, seed: u64) -> BulkCity {
        BulkCity {
            meters,
            districts: districts.max(1),
            seed,
            customers_per_node: 25,
        }
    }

    /// The district of customer `c` (contiguous blocks).
    pub fn district_of(&self, c: usize) -> usize {
        (c as u128 * self.districts as u128 / self.meters.max(1) as u128) as usize
    }

    pub fn district_id(d: usize) -> String {
        format!("DMA{:03}", d + 1)
    }

    pub fn meter_id(c: usize) -> String {
        format!("C{:07}", c + 1)
    }

    pub fn inlet_id(d: usize) -> String {
        format!("IN-DMA{:03}", d + 1)
    }

    /// The service node of customer `c`: `N<district>-<k>`, blocks of
    /// `customers_per_node` counted within the district (a node never straddles two).
    pub fn node_id(&self, c: usize) -> String {
        let d = self.district_of(c);
        // The first customer of district d: the least c with c·D/M ≥ d.
        let first = (d as u128 * self.meters as u128).div_ceil(self.districts as u128) as usize;
        format!(
            "N{}-{}",
            d + 1,
            (c - first) / self.customers_per_node.max(1) + 1
        )
    }

    /// The known leak of district `d`, m³/h: 5–25 % of its customers' mean use.
    pub fn leak_m3h(&self, d: usize) -> f64 {
        let customers = (0..self.meters).filter(|&c| self.district_of(c) == d);
        let mean_m3h: f64 = customers.map(|c| self.scale_m3_per_day(c)).sum::<f64>() / 24.0;
        let f = Rng::for_item(self.seed, 21, d as u64).range(0.05, 0.25);
        (mean_m3h * f * 1000.0).round() / 1000.0
    }

    /// A customer's mean use, m³/day.
    pub fn scale_m3_per_day(&self, c: usize) -> f64 {
        MEAN_USE_M3_PER_DAY * Rng::for_item(self.seed, 22, c as u64).range(0.3, 1.7)
    }

    fn start_register_m3(&self, c: usize) -> f64 {
        (Rng::for_item(self.seed, 23, c as u64).range(0.0, 9000.0) * 1000.0).round() / 1000.0
    }
}

const MEAN_USE_M3_PER_DAY: f64 = 0.35;

/// The residential day (netgen's `RES`, mean 1.0).
const DIURNAL: [f64; 24] = [
    0.45, 0.40, 0.38, 0.38, 0.45, 0.70, 1.20, 1.55, 1.45, 1.20, 1.05, 1.10, 1.25, 1.15, 0.95, 0.90,
    0.95, 1.10, 1.40, 1.55, 1.45, 1.15, 0.85, 0.60,
];

/// Writes the bulk city's `meters.csv`, `districts.csv` (`district,node`) and
/// `district-tree.csv` (`district,parent,level`). Customer meters carry their
/// node and district; each district's inlet meter is a `bulk` meter of
/// zone_level 1 on the (notional) link `IN-<district>`, with the district it feeds.
pub fn write_bulk_register(
    city: &BulkCity,
    meters_csv: &mut impl Write,
    districts_csv: &mut impl Write,
    tree_csv: &mut impl Write,
) -> io::Result<()> {
    writeln!(meters_csv, "{}", crate::write::METER_COLUMNS)?;
    writeln!(districts_csv, "district,node")?;
    writeln!(tree_csv, "district,parent,level")?;
    for d in 0..city.districts {
        let id = BulkCity::district_id(d);
        writeln!(tree_csv, "{id},,1")?;
        let inlet = BulkCity::inlet_id(d);
        writeln!(
            meters_csv,
            "{inlet},bulk,{inlet},,{id},,1,forward,flow,m3/h,1,,,,"
        )?;
    }
    let mut last_node = String::new();
    for c in 0..city.meters {
        let did = BulkCity::district_id(city.district_of(c));
        let node = city.node_id(c);
        if node != last_node {
            writeln!(districts_csv, "{did},{node}")?;
        }
        writeln!(
            meters_csv,
            "{},customer,,{node},{did},K{:07},,,register,m3,1,100000,,,",
            BulkCity::meter_id(c),
            c + 1
        )?;
        last_node = node;
    }
    Ok(())
}

/// Streams `meter_id,time,value` for `meters` customer registers and one
/// inlet flow meter per district, every `interval_s` from the start of
/// 2026-03-01 (local) for `days` days: all customers at t (cumulative m³, 3
/// decimals), then the inlets (m³/h over the interval ending at t: the sum of
/// their customers' use plus the district's leak, [`BulkCity::leak_m3h`]).
/// The registers start at t = 0; the inlets at the first interval's end.
pub fn write_bulk_readings(
    meters: usize,
    days: u32,
    interval_s: u32,
    seed: u64,
    districts: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let city = BulkCity::new(meters, districts, seed);
    write_bulk_readings_for(
        &city,
        days,
        interval_s,
        LocalDate {
            year: 2026,
            month: 3,
            day: 1,
        },
        out,
    )
}

/// [`write_bulk_readings`] for a [`BulkCity`] and start date.
pub fn write_bulk_readings_for(
    city: &BulkCity,
    days: u32,
    interval_s: u32,
    start: LocalDate,
    out: &mut impl Write,
) -> io::Result<()> {
    let interval = interval_s.max(1) as i64;
    let n = (days as i64 * 86_400) / interval;
    let nd = city.districts;
    // Per meter: its id bytes (with the comma), district, m³ per second at
    // pattern 1.0, and the register in 1/1000 m³ kept as f64.
    let mut ids: Vec<u8> = Vec::with_capacity(city.meters * 9);
    let mut id_end: Vec<u32> = Vec::with_capacity(city.meters);
    let mut district = Vec::with_capacity(city.meters);
    let mut rate = Vec::with_capacity(city.meters);
    let mut reg = Vec::with_capacity(city.meters);
    for c in 0..city.meters {
        ids.extend_from_slice(BulkCity::meter_id(c).as_bytes());
        ids.push(b',');
        id_end.push(ids.len() as u32);
        district.push(city.district_of(c) as u32);
        rate.push(city.scale_m3_per_day(c) / 86_400.0);
        reg.push(city.start_register_m3(c));
    }
    let leaks: Vec<f64> = (0..nd).map(|d| city.leak_m3h(d)).collect();
    let inlet_ids: Vec<Vec<u8>> = (0..nd)
        .map(|d| format!("{},", BulkCity::inlet_id(d)).into_bytes())
        .collect();
    let mut used = vec![0.0f64; nd];
    let mut days_cache = DayCache::new(start);
    let mut ts = [0u8; 19];
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 20);
    buf.extend_from_slice(b"meter_id,time,value\n");
    let mut noise = Rng::new(city.seed ^ 0xb01c);
    let mut state = noise.next_u64() | 1;
    for i in 0..=n {
        let t = i * interval;
        days_cache.write(t, &mut ts);
        // The pattern at the middle of the interval ending at t.
        let mid_h = ((t - interval / 2).rem_euclid(86_400)) as f64 / 3600.0;
        let h0 = mid_h.floor() as usize % 24;
        let frac = mid_h - mid_h.floor();
        let p = DIURNAL[h0] * (1.0 - frac) + DIURNAL[(h0 + 1) % 24] * frac;
        let step = p * interval as f64;
        used.iter_mut().for_each(|u| *u = 0.0);
        let mut start_id = 0usize;
        for c in 0..city.meters {
            if i > 0 {
                // xorshift64: a cheap noise of ±30 % on each interval's use.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let u = (state >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
                let v = rate[c] * step * (0.7 + 0.6 * u);
                // Rounded registers: the inlet sums what the registers show.
                let before = (reg[c] * 1000.0).round();
                reg[c] += v;
                used[district[c] as usize] += ((reg[c] * 1000.0).round() - before) / 1000.0;
            }
            let end = id_end[c] as usize;
            buf.extend_from_slice(&ids[start_id..end]);
            start_id = end;
            buf.extend_from_slice(&ts);
            buf.push(b',');
            push_scaled(&mut buf, (reg[c] * 1000.0).round() as u64, 3);
            buf.push(b'\n');
            if buf.len() >= (1 << 20) - 64 {
                out.write_all(&buf)?;
                buf.clear();
            }
        }
        if i > 0 {
            for d in 0..nd {
                buf.extend_from_slice(&inlet_ids[d]);
                buf.extend_from_slice(&ts);
                buf.push(b',');
                push_fixed(&mut buf, used[d] * 3600.0 / interval as f64 + leaks[d], 3);
                buf.push(b'\n');
            }
        }
    }
    out.write_all(&buf)?;
    out.flush()
}
