//! The BattLeDIM 2020 scoring rules. An alarm is a true positive when it falls while a leak
//! is active (from its start until its repair) and the alarmed pipe is within 300 m of
//! pipe-length path of the leaking pipe (pumps and valves are no path edges; the distance
//! is taken midpoint to midpoint, 0 for the same pipe). It earns 0.80 €/m³ of the leak's
//! volume from the alarm to the end of the period, minus 500 € × distance / 300 m. An alarm
//! that matches no leak costs 500 €; a repeated alarm on a leak already found scores 0.
//! The best possible score finds every leak at its start on the right pipe.

use crate::net::NetInfo;
use crate::time::parse_stamp;
use crate::LeakError;

pub const EUR_PER_M3: f64 = 0.80;
pub const FALSE_ALARM_EUR: f64 = 500.0;
pub const MAX_DISTANCE_M: f64 = 300.0;

/// A leak as the scorer needs it: where, when, and its flow over time.
#[derive(Debug, Clone, PartialEq)]
pub struct TrueLeak {
    pub pipe_id: String,
    pub start_min: i64,
    pub repair_min: Option<i64>,
    /// Flow at each of `Truth::times_min`, m³/h.
    pub flow_m3h: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    pub leaks: Vec<TrueLeak>,
    /// Time stamps of the flow series (each flow holds until the next stamp).
    pub times_min: Vec<i64>,
    /// Alarms are scored from here (the end of training) ...
    pub from_min: i64,
    /// ... to here (the end of the test period).
    pub end_min: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    TruePositive { leak: usize },
    Repeated { leak: usize },
    FalsePositive,
    /// Before the scored period.
    Ignored,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreReport {
    pub score_eur: f64,
    pub best_eur: f64,
    pub outcomes: Vec<Outcome>,
    pub true_positives: usize,
    pub false_positives: usize,
    pub repeated: usize,
    pub missed: usize,
    /// Per leak found: (leak, delay h, distance m, euros).
    pub found: Vec<(usize, f64, f64, f64)>,
}

impl ScoreReport {
    pub fn percent_of_best(&self) -> f64 {
        if self.best_eur > 0.0 { 100.0 * self.score_eur / self.best_eur } else { f64::NAN }
    }
    pub fn median_delay_h(&self) -> f64 {
        median(self.found.iter().map(|f| f.1).collect())
    }
    pub fn median_distance_m(&self) -> f64 {
        median(self.found.iter().map(|f| f.2).collect())
    }
}

pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) }
}

impl Truth {
    /// Volume (m³) leaked by `leak` from `from_min` to the end of the period.
    pub fn volume_m3(&self, leak: usize, from_min: i64) -> f64 {
        let l = &self.leaks[leak];
        let mut v = 0.0;
        for (i, &t) in self.times_min.iter().enumerate() {
            let next = self.times_min.get(i + 1).copied().unwrap_or(self.end_min).min(self.end_min);
            let a = t.max(from_min);
            if next > a {
                v += l.flow_m3h[i] * (next - a) as f64 / 60.0;
            }
        }
        v
    }

    fn active(&self, leak: usize, t: i64) -> bool {
        let l = &self.leaks[leak];
        t >= l.start_min && l.repair_min.is_none_or(|r| t < r)
    }
}

/// Scores alarms `(pipe_id, time)` against the truth; pipes are found in `info`.
pub fn score(truth: &Truth, alarms: &[(String, i64)], info: &NetInfo) -> Result<ScoreReport, LeakError> {
    let pipe = |id: &str| {
        info.link_index.get(id).copied().ok_or_else(|| LeakError::Invalid(format!("pipe `{id}` is not in the network")))
    };
    let leak_pipes: Vec<usize> = truth.leaks.iter().map(|l| pipe(&l.pipe_id)).collect::<Result<_, _>>()?;
    let mut order: Vec<usize> = (0..alarms.len()).collect();
    order.sort_by_key(|&i| alarms[i].1);
    let mut detected = vec![false; truth.leaks.len()];
    let mut outcomes = vec![Outcome::Ignored; alarms.len()];
    let mut r = ScoreReport {
        score_eur: 0.0,
        best_eur: (0..truth.leaks.len()).map(|k| EUR_PER_M3 * truth.volume_m3(k, truth.leaks[k].start_min)).sum(),
        outcomes: Vec::new(),
        true_positives: 0,
        false_positives: 0,
        repeated: 0,
        missed: 0,
        found: Vec::new(),
    };
    for i in order {
        let (id, t) = (&alarms[i].0, alarms[i].1);
        if t < truth.from_min || t >= truth.end_min {
            continue;
        }
        let p = pipe(id)?;
        let near: Vec<(usize, f64)> = (0..truth.leaks.len())
            .filter(|&k| truth.active(k, t))
            .map(|k| (k, info.pipe_distance_m(p, leak_pipes[k])))
            .filter(|&(_, d)| d <= MAX_DISTANCE_M)
            .collect();
        let fresh = near.iter().filter(|(k, _)| !detected[*k]).min_by(|a, b| a.1.total_cmp(&b.1));
        outcomes[i] = if let Some(&(k, d)) = fresh {
            detected[k] = true;
            let eur = EUR_PER_M3 * truth.volume_m3(k, t) - FALSE_ALARM_EUR * d / MAX_DISTANCE_M;
            r.score_eur += eur;
            r.true_positives += 1;
            r.found.push((k, (t - truth.leaks[k].start_min) as f64 / 60.0, d, eur));
            Outcome::TruePositive { leak: k }
        } else if let Some(&(k, _)) = near.first() {
            r.repeated += 1;
            Outcome::Repeated { leak: k }
        } else {
            r.score_eur -= FALSE_ALARM_EUR;
            r.false_positives += 1;
            Outcome::FalsePositive
        };
    }
    r.missed = detected.iter().filter(|d| !**d).count();
    r.outcomes = outcomes;
    Ok(r)
}

fn header_index(header: &[&str], name: &str, file: &str) -> Result<usize, LeakError> {
    header
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(name))
        .ok_or_else(|| LeakError::Invalid(format!("{file}:1: no `{name}` column")))
}

fn stamp(text: &str, file: &str, line: usize, col: usize) -> Result<i64, LeakError> {
    parse_stamp(text).ok_or_else(|| LeakError::Invalid(format!("{file}:{line}: column {col}: `{text}` is not a time stamp")))
}

/// Alarms from CSV text with `pipe_id` and `alarm_time` columns (others ignored).
pub fn parse_alarms(text: &str, file: &str) -> Result<Vec<(String, i64)>, LeakError> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else { return Ok(Vec::new()) };
    let h: Vec<&str> = header.split(',').collect();
    let (pi, ti) = (header_index(&h, "pipe_id", file)?, header_index(&h, "alarm_time", file)?);
    let mut out = Vec::new();
    for (n, line) in lines {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let (Some(p), Some(t)) = (f.get(pi), f.get(ti)) else {
            return Err(LeakError::Invalid(format!("{file}:{}: too few fields", n + 1)));
        };
        out.push((p.to_string(), stamp(t, file, n + 1, ti + 1)?));
    }
    Ok(out)
}

/// The truth from the two files `oasis leaks simulate` writes.
pub fn parse_truth(leaks_csv: &str, flows_csv: &str, from_min: i64, file: &str) -> Result<Truth, LeakError> {
    let mut lines = leaks_csv.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let header: Vec<&str> = lines.next().map(|(_, h)| h.split(',').collect()).unwrap_or_default();
    let (pi, si, ri) =
        (header_index(&header, "pipe_id", file)?, header_index(&header, "start_time", file)?, header_index(&header, "repair_time", file)?);
    let mut leaks = Vec::new();
    for (n, line) in lines {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let get = |i: usize| f.get(i).copied().unwrap_or("");
        let repair = get(ri);
        leaks.push(TrueLeak {
            pipe_id: get(pi).to_string(),
            start_min: stamp(get(si), file, n + 1, si + 1)?,
            repair_min: if repair.is_empty() { None } else { Some(stamp(repair, file, n + 1, ri + 1)?) },
            flow_m3h: Vec::new(),
        });
    }
    let mut times = Vec::new();
    let mut lines = flows_csv.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let width = lines.next().map_or(0, |(_, h)| h.split(',').count());
    if width != leaks.len() + 1 {
        return Err(LeakError::Invalid(format!("leak flows: {} columns for {} leaks", width.saturating_sub(1), leaks.len())));
    }
    for (n, line) in lines {
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        times.push(stamp(f[0], "leak flows", n + 1, 1)?);
        for (k, l) in leaks.iter_mut().enumerate() {
            let v = f.get(k + 1).and_then(|v| v.parse::<f64>().ok()).ok_or_else(|| {
                LeakError::Invalid(format!("leak flows:{}: column {}: not a number", n + 1, k + 2))
            })?;
            l.flow_m3h.push(v);
        }
    }
    let step = if times.len() > 1 { times[times.len() - 1] - times[times.len() - 2] } else { 5 };
    let end_min = times.last().map_or(from_min, |t| t + step);
    Ok(Truth { leaks, times_min: times, from_min, end_min })
}

#[cfg(test)]
mod tests {
    use super::*;

    // A chain n1 -p1- n2 -p2- n3 -p3- n4 of 100 m pipes, a reservoir on a pump at n1.
    fn chain() -> NetInfo {
        let inp = "[JUNCTIONS]\nn1 0 1\nn2 0 1\nn3 0 1\nn4 0 1\nn5 0 1\n[RESERVOIRS]\nR 50\n[PIPES]\np1 n1 n2 100 100 100\np2 n2 n3 100 100 100\np3 n3 n4 100 100 100\np4 n4 n5 400 100 100\n[PUMPS]\nu R n1 POWER 1\n[OPTIONS]\nUnits CMH\n[END]\n";
        let net = oasis_network::read_inp(inp.as_bytes(), "chain").unwrap();
        NetInfo::new(&net)
    }

    fn truth() -> Truth {
        // Two leaks, 10-minute rows from 0 to 60 min; scored from 0, period ends at 60.
        Truth {
            leaks: vec![
                TrueLeak { pipe_id: "p1".into(), start_min: 10, repair_min: None, flow_m3h: vec![0.0, 6.0, 6.0, 6.0, 6.0, 6.0] },
                TrueLeak { pipe_id: "p4".into(), start_min: 20, repair_min: Some(40), flow_m3h: vec![0.0, 0.0, 12.0, 12.0, 0.0, 0.0] },
            ],
            times_min: vec![0, 10, 20, 30, 40, 50],
            from_min: 0,
            end_min: 60,
        }
    }

    #[test]
    fn distances_follow_pipes_midpoint_to_midpoint() {
        let info = chain();
        let p = |s: &str| info.link_index[s];
        assert_eq!(info.pipe_distance_m(p("p1"), p("p1")), 0.0);
        assert_eq!(info.pipe_distance_m(p("p1"), p("p2")), 100.0);
        assert_eq!(info.pipe_distance_m(p("p1"), p("p3")), 200.0);
        assert_eq!(info.pipe_distance_m(p("p1"), p("p4")), 450.0);
        // The pump is no path edge.
        assert!(info.pipe_distance_m(p("p1"), p("u")).is_infinite());
    }

    #[test]
    fn hand_computed_battledim_score() {
        let info = chain();
        let t = truth();
        // Best: leak 1 from 10 to 60 min = 6 m³/h × 50/60 h = 5 m³ → 4 €; leak 2 = 12 × 20/60 = 4 m³ → 3.2 €.
        let alarms = vec![
            ("p3".to_string(), 5),  // before any leak: false
            ("p2".to_string(), 30), // leak 1 at 100 m: 6 × 30/60 = 3 m³ → 2.4 € − 500/3 €
            ("p1".to_string(), 35), // repeated on leak 1: 0
            ("p4".to_string(), 45), // leak 2 repaired at 40: false
            ("p2".to_string(), 70), // after the period: not scored
        ];
        let r = score(&t, &alarms, &info).unwrap();
        assert!((r.best_eur - 7.2).abs() < 1e-9);
        assert!((r.score_eur - (-500.0 + 2.4 - 500.0 / 3.0 + 0.0 - 500.0)).abs() < 1e-9, "{}", r.score_eur);
        assert_eq!((r.true_positives, r.false_positives, r.repeated, r.missed), (1, 2, 1, 1));
        assert_eq!(r.found, vec![(0, 20.0 / 60.0, 100.0, 2.4 - 500.0 / 3.0)]);
        assert_eq!(r.outcomes[4], Outcome::Ignored);
        // Perfect alarms reach the best score exactly.
        let perfect = score(&t, &[("p1".into(), 10), ("p4".into(), 20)], &info).unwrap();
        assert!((perfect.percent_of_best() - 100.0).abs() < 1e-9);
    }

    #[test]
    fn reads_the_simulator_files() {
        let leaks = "pipe_id,node_id,kind,start_time,full_time,repair_time,size_m3h\np1,n1,abrupt,2019-01-01 00:10,2019-01-01 00:10,,6\n";
        let flows = "Timestamp,p1\n2019-01-01 00:00,0\n2019-01-01 00:10,6\n2019-01-01 00:20,6\n";
        let t = parse_truth(leaks, flows, 0, "leaks.csv").unwrap();
        assert_eq!(t.leaks[0].repair_min, None);
        assert_eq!(t.end_min - t.times_min[0], 30);
        assert!((t.volume_m3(0, 0) - 2.0).abs() < 1e-12);
        let a = parse_alarms("pipe_id,alarm_time,flow\np1,2019-01-01 00:15,3\n", "a").unwrap();
        assert_eq!(a, vec![("p1".to_string(), t.times_min[0] + 15)]);
        assert!(parse_alarms("pipe_id,alarm_time\np1,yesterday\n", "a.csv").unwrap_err().to_string().contains("a.csv:2"));
    }
}
