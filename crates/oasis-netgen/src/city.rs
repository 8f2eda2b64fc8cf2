//! Synthetic city networks for scale tests: 10 thousand to a million junctions,
//! shaped like a real utility's model so the solver meets realistic work.
//!
//! The city is a grid of districts (water supply zones). Each district:
//! * a `side × side` looped street grid (100 m blocks, jittered) of 150/200 mm
//!   distribution pipes, with trunk mains every 8th row and column (300 mm) and a
//!   header main along the top row sized for the district's flow;
//! * an **upper pressure zone** (the top third of rows, ground 57–60 m) fed by the
//!   district's pump station (`R<d>` clear-water reservoir, head 30 m, pump `PU<d>`
//!   with a one-point curve, trunk main `TM<d>`) and floating on an elevated tank
//!   `T<d>` (ground 92 m, levels 1–9 m) that buffers the daily cycle;
//! * a **lower pressure zone** (ground falling from 40 to 20 m) joined to the upper
//!   zone only through PRVs (`V<d>_<col>`, outlet 35 m) on the trunk columns;
//! * residential and commercial 24-hour demand patterns (mean 1.0).
//!
//! Districts side by side are joined along their trunk rows (the regional grid);
//! districts above one another meet only through a normally closed boundary valve
//! pipe, because their zones sit at different grades.
//!
//! The text is written element by element to any `io::Write` (a million junctions
//! is ~100 MB of text, never held in memory); each element draws its random values
//! from its own seeded stream, so every section can be produced in one pass.

use std::io::{self, Write};

use crate::patterns::{COM, RES};
use crate::rng::Rng;

/// The shape of a generated city.
#[derive(Debug, Clone)]
pub struct CityOptions {
    /// Wanted number of grid junctions; the city rounds it to whole districts.
    pub junctions: usize,
    /// Rows (and columns) of one district's street grid (50 gives 2,500 junctions).
    pub district_side: usize,
    pub seed: u64,
    /// Simulated duration in hours (hydraulic, pattern and report steps are 1 h).
    pub duration_h: u32,
    /// Write `[COORDINATES]` (about a fifth of the file).
    pub coordinates: bool,
}

impl Default for CityOptions {
    fn default() -> Self {
        CityOptions {
            junctions: 10_000,
            district_side: 50,
            seed: 1,
            duration_h: 24,
            coordinates: true,
        }
    }
}

/// The layout a set of [`CityOptions`] resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CityLayout {
    pub districts: usize,
    /// Districts per row of the city.
    pub district_cols: usize,
    /// Rows and columns of each district's grid.
    pub side: usize,
    /// Rows of the upper zone (the lower zone has `side - upper_rows`).
    pub upper_rows: usize,
}

impl CityLayout {
    pub fn new(opts: &CityOptions) -> CityLayout {
        let want = opts.junctions.max(4);
        let full = opts.district_side.max(2) * opts.district_side.max(2);
        let (districts, side) = if want < full {
            // One district, as square as the wanted count allows.
            (1, (want as f64).sqrt().ceil() as usize)
        } else {
            (
                ((want as f64) / full as f64).round().max(1.0) as usize,
                opts.district_side.max(2),
            )
        };
        let district_cols = (districts as f64).sqrt().ceil() as usize;
        CityLayout {
            districts,
            district_cols,
            side,
            upper_rows: (side / 3).max(1),
        }
    }

    /// Grid junctions (each district's pump station adds one more junction).
    pub fn grid_junctions(&self) -> usize {
        self.districts * self.side * self.side
    }

    /// All junctions in the file: grid junctions plus one discharge node per pump.
    pub fn junctions(&self) -> usize {
        self.grid_junctions() + self.districts
    }

    fn position(&self, d: usize) -> (usize, usize) {
        (d / self.district_cols, d % self.district_cols)
    }

    fn is_trunk(i: usize) -> bool {
        i.is_multiple_of(8)
    }

    fn prv_columns(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.side).filter(|&c| Self::is_trunk(c) || c == self.side - 1)
    }
}

const BLOCK_M: f64 = 100.0;
const RESERVOIR_HEAD_M: f64 = 30.0;
const TANK_ELEVATION_M: f64 = 92.0;
const TANK_MIN_M: f64 = 1.0;
const TANK_MAX_M: f64 = 9.0;
const TANK_INIT_M: f64 = 4.0;
const PRV_OUTLET_M: f64 = 35.0;
/// Mean base demand of a grid junction (a block of ~25 households), L/s.
const MEAN_DEMAND_LPS: f64 = 0.1;


fn mean(p: &[f64; 24]) -> f64 {
    p.iter().sum::<f64>() / 24.0
}

/// A random stream of its own for each element, so sections can be written in
/// any order and still agree (a pipe's length needs its end nodes' jitter).
fn rng_for(seed: u64, kind: u64, index: usize) -> Rng {
    let mut r = Rng::new(
        seed ^ kind.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ (index as u64).wrapping_mul(0xd6e8_feb8_6659_fd93),
    );
    r.next_u64();
    r
}

const K_NODE: u64 = 1;
const K_PIPE: u64 = 2;

/// Smallest standard diameter (mm, multiples of 50, at least 200) that carries
/// `q_lps` at no more than 1 m/s.
fn diameter_for(q_lps: f64) -> f64 {
    let d_m = (4.0 * q_lps / 1000.0 / std::f64::consts::PI).sqrt();
    ((d_m * 1000.0 / 50.0).ceil() * 50.0).max(200.0)
}

struct City {
    l: CityLayout,
    seed: u64,
    /// Mean (over a day) demand of one district, L/s.
    district_mean_lps: f64,
}

impl City {
    fn junction_index(&self, d: usize, r: usize, c: usize) -> usize {
        d * self.l.side * self.l.side + r * self.l.side + c
    }

    /// Junction ids are `J<global index>`: short, so big files stay small.
    fn jid(&self, d: usize, r: usize, c: usize) -> usize {
        self.junction_index(d, r, c) + 1
    }

    fn xy(&self, d: usize, r: usize, c: usize) -> (f64, f64) {
        let (dr, dc) = self.l.position(d);
        let mut rng = rng_for(self.seed, K_NODE, self.junction_index(d, r, c));
        let gx = (dc * (self.l.side + 1) + c) as f64 * BLOCK_M + rng.range(-10.0, 10.0);
        // y grows downhill (row 0 is the top of the district).
        let gy = -(((dr * (self.l.side + 1) + r) as f64) * BLOCK_M + rng.range(-10.0, 10.0));
        (round1(gx), round1(gy))
    }

    fn elevation(&self, d: usize, r: usize, c: usize) -> f64 {
        let mut rng = rng_for(self.seed, K_NODE, self.junction_index(d, r, c));
        rng.next_u64();
        rng.next_u64();
        let u = self.l.upper_rows;
        let base = if r < u {
            60.0 - 0.2 * r as f64
        } else {
            let span = (self.l.side - u).max(2) - 1;
            40.0 - 20.0 * (r - u) as f64 / span as f64
        };
        round1(base + rng.range(-1.0, 1.0))
    }

    /// Base demand (L/s) and whether the junction follows the commercial pattern.
    fn demand(&self, d: usize, r: usize, c: usize) -> (f64, bool) {
        let mut rng = rng_for(self.seed, K_NODE, self.junction_index(d, r, c));
        for _ in 0..3 {
            rng.next_u64();
        }
        let base = MEAN_DEMAND_LPS * rng.range(0.5, 1.5);
        // A commercial centre in the middle of each lower zone.
        let s = self.l.side;
        let mid = |i: usize| i * 5 >= s * 2 && i * 5 < s * 3;
        (round3(base), r >= self.l.upper_rows && mid(r) && mid(c))
    }

    fn header_diameter(&self) -> f64 {
        diameter_for(0.8 * self.district_mean_lps)
    }

    fn pipe_diameter(&self, r: usize, along_row: bool, idx: usize, line: usize) -> f64 {
        let _ = idx;
        if along_row && r == 0 {
            self.header_diameter()
        } else if CityLayout::is_trunk(line) {
            300.0
        } else {
            150.0
        }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Writes a synthetic city network as EPANET `.inp` text (LPS, Hazen–Williams).
pub fn write_city(opts: &CityOptions, out: &mut impl Write) -> io::Result<CityLayout> {
    let l = CityLayout::new(opts);
    let mut city = City {
        l,
        seed: opts.seed,
        district_mean_lps: 0.0,
    };
    // The district's mean demand sizes its pump, tank and mains: computed, not
    // assumed, from the same per-junction draws the file will hold.
    let (res_mean, com_mean) = (mean(&RES), mean(&COM));
    let mut sum = 0.0;
    for r in 0..l.side {
        for c in 0..l.side {
            let (q, com) = city.demand(0, r, c);
            sum += q * if com { com_mean } else { res_mean };
        }
    }
    city.district_mean_lps = sum;
    let s = l.side;
    let u = l.upper_rows;

    writeln!(out, "[TITLE]")?;
    writeln!(
        out,
        "Synthetic city: {} districts of {s}x{s} junctions ({} junctions), seed {}",
        l.districts,
        l.junctions(),
        opts.seed
    )?;
    writeln!(
        out,
        "Generated by oasis-netgen::write_city; upper zones on pumped tanks, lower zones behind PRVs"
    )?;

    writeln!(out, "\n[JUNCTIONS]\n;ID\tElev\tDemand\tPattern")?;
    for d in 0..l.districts {
        for r in 0..s {
            for c in 0..s {
                let (q, com) = city.demand(d, r, c);
                let pat = if com { "COM" } else { "RES" };
                writeln!(
                    out,
                    " J{}\t{}\t{}\t{}",
                    city.jid(d, r, c),
                    city.elevation(d, r, c),
                    q,
                    pat
                )?;
            }
        }
    }
    for d in 0..l.districts {
        writeln!(out, " PD{d}\t28\t0")?;
    }

    writeln!(out, "\n[RESERVOIRS]\n;ID\tHead")?;
    for d in 0..l.districts {
        writeln!(out, " R{d}\t{RESERVOIR_HEAD_M}")?;
    }

    // Tank volume between its levels: 30% of a district's daily demand.
    let daily_m3 = city.district_mean_lps / 1000.0 * 86_400.0;
    let area_m2 = 0.30 * daily_m3 / (TANK_MAX_M - TANK_MIN_M);
    let tank_d = round1((4.0 * area_m2 / std::f64::consts::PI).sqrt());
    writeln!(
        out,
        "\n[TANKS]\n;ID\tElev\tInitLevel\tMinLevel\tMaxLevel\tDiameter\tMinVol"
    )?;
    for d in 0..l.districts {
        writeln!(
            out,
            " T{d}\t{TANK_ELEVATION_M}\t{TANK_INIT_M}\t{TANK_MIN_M}\t{TANK_MAX_M}\t{tank_d}\t0"
        )?;
    }

    writeln!(
        out,
        "\n[PIPES]\n;ID\tNode1\tNode2\tLength\tDiameter\tRoughness\tMinorLoss\tStatus"
    )?;
    let mut n = 0usize;
    let mut pipe = |out: &mut dyn Write,
                    a: String,
                    b: String,
                    len: f64,
                    dia: f64,
                    status: &str|
     -> io::Result<()> {
        n += 1;
        let mut rng = rng_for(opts.seed, K_PIPE, n);
        let c_hw = if dia >= 300.0 {
            130.0
        } else {
            (rng.range(100.0, 130.0)).round()
        };
        writeln!(
            out,
            " P{n}\t{a}\t{b}\t{}\t{dia}\t{c_hw}\t0\t{status}",
            round1(len.max(1.0))
        )
    };
    let dist = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    for d in 0..l.districts {
        for r in 0..s {
            for c in 0..s {
                let here = city.xy(d, r, c);
                if c + 1 < s {
                    let dia = city.pipe_diameter(r, true, c, r);
                    pipe(
                        out,
                        format!("J{}", city.jid(d, r, c)),
                        format!("J{}", city.jid(d, r, c + 1)),
                        dist(here, city.xy(d, r, c + 1)),
                        dia,
                        "Open",
                    )?;
                }
                // The zone boundary is crossed only by the PRVs.
                if r + 1 < s && r + 1 != u {
                    let dia = city.pipe_diameter(r, false, r, c);
                    pipe(
                        out,
                        format!("J{}", city.jid(d, r, c)),
                        format!("J{}", city.jid(d, r + 1, c)),
                        dist(here, city.xy(d, r + 1, c)),
                        dia,
                        "Open",
                    )?;
                }
            }
        }
        let (dr, dc) = l.position(d);
        // The regional grid: trunk rows continue into the district to the east.
        let east = d + 1;
        if dc + 1 < l.district_cols && east < l.districts {
            for r in (0..s).filter(|&r| CityLayout::is_trunk(r)) {
                let dia = if r == 0 {
                    city.header_diameter()
                } else {
                    300.0
                };
                pipe(
                    out,
                    format!("J{}", city.jid(d, r, s - 1)),
                    format!("J{}", city.jid(east, r, 0)),
                    dist(city.xy(d, r, s - 1), city.xy(east, r, 0)),
                    dia,
                    "Open",
                )?;
            }
        }
        // Different grades north and south: a normally closed boundary valve.
        let south = d + l.district_cols;
        if south < l.districts {
            let _ = dr;
            pipe(
                out,
                format!("J{}", city.jid(d, s - 1, s / 2)),
                format!("J{}", city.jid(south, 0, s / 2)),
                dist(city.xy(d, s - 1, s / 2), city.xy(south, 0, s / 2)),
                200.0,
                "Closed",
            )?;
        }
    }
    let main_d = diameter_for(city.district_mean_lps);
    writeln!(out, ";pump station trunk mains and tank connections")?;
    for d in 0..l.districts {
        writeln!(
            out,
            " TM{d}\tPD{d}\tJ{}\t800\t{main_d}\t130\t0\tOpen",
            city.jid(d, 0, s / 4)
        )?;
        writeln!(
            out,
            " TP{d}\tT{d}\tJ{}\t300\t{main_d}\t130\t0\tOpen",
            city.jid(d, 0, (3 * s / 4).min(s - 1))
        )?;
    }

    // A one-point curve through the mean flow at the tank's middle level: the pump
    // then delivers about the day's mean and the tank takes up the peaks.
    let q_d = round3(city.district_mean_lps);
    let tank_mid = TANK_ELEVATION_M + 0.5 * (TANK_MIN_M + TANK_MAX_M);
    let trunk_loss = hw_loss_m(q_d, 800.0 + 1000.0, main_d, 130.0);
    let h_d = round1(tank_mid - RESERVOIR_HEAD_M + trunk_loss);
    writeln!(out, "\n[PUMPS]\n;ID\tNode1\tNode2\tParameters")?;
    for d in 0..l.districts {
        writeln!(out, " PU{d}\tR{d}\tPD{d}\tHEAD PC")?;
    }

    writeln!(
        out,
        "\n[VALVES]\n;ID\tNode1\tNode2\tDiameter\tType\tSetting\tMinorLoss"
    )?;
    for d in 0..l.districts {
        for c in l.prv_columns() {
            writeln!(
                out,
                " V{d}_{c}\tJ{}\tJ{}\t200\tPRV\t{PRV_OUTLET_M}\t0",
                city.jid(d, u - 1, c),
                city.jid(d, u, c)
            )?;
        }
    }

    writeln!(out, "\n[PATTERNS]\n;ID\tMultipliers")?;
    for (id, p) in [("RES", &RES), ("COM", &COM)] {
        for chunk in p.chunks(6) {
            write!(out, " {id}")?;
            for v in chunk {
                write!(out, "\t{v}")?;
            }
            writeln!(out)?;
        }
    }

    writeln!(
        out,
        "\n[CURVES]\n;ID\tX-Value\tY-Value\n;PUMP: one-point curve"
    )?;
    writeln!(out, " PC\t{q_d}\t{h_d}")?;

    writeln!(out, "\n[TIMES]")?;
    writeln!(
        out,
        " Duration {}:00\n Hydraulic Timestep 1:00\n Quality Timestep 0:05\n Pattern Timestep 1:00",
        opts.duration_h
    )?;
    writeln!(
        out,
        " Report Timestep 1:00\n Report Start 0:00\n Start ClockTime 12 am"
    )?;
    writeln!(out, "\n[REPORT]\n Status No\n Summary No")?;
    writeln!(
        out,
        "\n[OPTIONS]\n Units LPS\n Headloss H-W\n Trials 40\n Accuracy 0.001\n Unbalanced Continue 10"
    )?;

    if opts.coordinates {
        writeln!(out, "\n[COORDINATES]\n;Node\tX-Coord\tY-Coord")?;
        for d in 0..l.districts {
            for r in 0..s {
                for c in 0..s {
                    let (x, y) = city.xy(d, r, c);
                    writeln!(out, " J{}\t{x}\t{y}", city.jid(d, r, c))?;
                }
            }
            let (x, y) = city.xy(d, 0, s / 4);
            writeln!(out, " PD{d}\t{}\t{}", x, round1(y + 600.0))?;
            writeln!(out, " R{d}\t{}\t{}", x, round1(y + 700.0))?;
            let (x, y) = city.xy(d, 0, (3 * s / 4).min(s - 1));
            writeln!(out, " T{d}\t{x}\t{}", round1(y + 300.0))?;
        }
    }
    writeln!(out, "\n[END]")?;
    Ok(l)
}

/// Hazen–Williams head loss (m) of `q_lps` through `length_m` of `dia_mm` pipe.
fn hw_loss_m(q_lps: f64, length_m: f64, dia_mm: f64, c: f64) -> f64 {
    let q = q_lps / 1000.0;
    let d = dia_mm / 1000.0;
    10.67 * length_m * q.powf(1.852) / (c.powf(1.852) * d.powf(4.87))
}

/// [`write_city`] into a string (for tests and small cities).
pub fn city_network(opts: &CityOptions) -> String {
    let mut buf = Vec::new();
    write_city(opts, &mut buf).expect("writing to a Vec cannot fail");
    String::from_utf8(buf).expect("the generator writes ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_rounds_to_whole_districts() {
        // 10,000 wanted / 2,500 per district = 4 districts, 2 per row.
        let l = CityLayout::new(&CityOptions {
            junctions: 10_000,
            ..Default::default()
        });
        assert_eq!(
            (l.districts, l.district_cols, l.side, l.upper_rows),
            (4, 2, 50, 16)
        );
        // 4 × 2,500 grid junctions + 4 pump discharge nodes.
        assert_eq!(l.junctions(), 10_004);
        // 800 wanted: one district, side ceil(sqrt(800)) = 29 → 841 (+1).
        let small = CityLayout::new(&CityOptions {
            junctions: 800,
            ..Default::default()
        });
        assert_eq!(
            (small.districts, small.side, small.junctions()),
            (1, 29, 842)
        );
    }

    #[test]
    fn diameters_follow_velocity_rule() {
        // 250 L/s at 1 m/s needs sqrt(4·0.25/π) = 0.564 m → next 50 mm step 600.
        assert_eq!(diameter_for(250.0), 600.0);
        // Tiny flows still get the 200 mm minimum.
        assert_eq!(diameter_for(1.0), 200.0);
    }

    #[test]
    fn hazen_williams_loss_matches_hand_value() {
        // 200 L/s, 1 km of 500 mm, C 130: 10.67·1000·0.2^1.852 / (130^1.852·0.5^4.87)
        // = 10670·0.05076 / (8223·0.03420) = 541.6 / 281.2 ≈ 1.926 m.
        let h = hw_loss_m(200.0, 1000.0, 500.0, 130.0);
        assert!((h - 1.926).abs() < 0.005, "{h}");
    }

    #[test]
    fn counts_in_the_text_match_the_layout() {
        let opts = CityOptions {
            junctions: 5_000,
            district_side: 20,
            seed: 3,
            ..Default::default()
        };
        let l = CityLayout::new(&opts);
        let text = city_network(&opts);
        let section = |name: &str| -> usize {
            let start = text.find(&format!("[{name}]")).expect("section present");
            text[start..]
                .lines()
                .skip(1)
                .take_while(|l| !l.starts_with('['))
                .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with(';'))
                .count()
        };
        // 5000 / 400 = 12.5 → 13 districts (round half away from zero), 4 per row.
        assert_eq!((l.districts, l.district_cols), (13, 4));
        assert_eq!(section("JUNCTIONS"), 13 * 400 + 13);
        assert_eq!(section("RESERVOIRS"), 13);
        assert_eq!(section("TANKS"), 13);
        assert_eq!(section("PUMPS"), 13);
        // PRV columns of a 20-wide grid: trunks 0, 8, 16 and the last column 19.
        assert_eq!(section("VALVES"), 13 * 4);
        // Per district: 20·19 row pipes + 19·20 column pipes − 20 cut at the zone
        // boundary = 740; plus TM and TP mains = 742. East links: trunk rows 0, 8, 16
        // for districts with an east neighbour (13 districts in rows of 4: 3+3+3+0 = 9
        // → 27 pipes); south boundary pipes for districts 0..9 → 9.
        assert_eq!(section("PIPES"), 13 * 742 + 27 + 9);
        // Same seed, same text; another seed, other text.
        assert_eq!(text, city_network(&opts));
        assert_ne!(text, city_network(&CityOptions { seed: 4, ..opts }));
    }
}
