//! Medians, ratios and the benchmark table (markdown, so a run can be pasted
//! into `docs/benchmarks.md` as it is).

/// The median of `xs` (mean of the two middle values for an even count);
/// `None` when empty.
pub fn median(xs: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

/// The outcome of one engine on one network: a median time, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    Seconds(f64),
    Failed(String),
    Skipped,
}

impl Measured {
    pub fn seconds(&self) -> Option<f64> {
        match self {
            Measured::Seconds(s) => Some(*s),
            _ => None,
        }
    }

    fn cell(&self) -> String {
        match self {
            Measured::Seconds(s) => ms(*s),
            Measured::Failed(why) => why.clone(),
            Measured::Skipped => "–".into(),
        }
    }
}

/// One network's line of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub network: String,
    pub junctions: Option<usize>,
    /// Hydraulic periods Oasis solved; EPANET's count (2.2 when it ran) is noted if it differs.
    pub periods: Option<usize>,
    pub epanet_periods: Option<usize>,
    pub oasis_parse: Measured,
    pub oasis: Measured,
    /// EPANET 2.3.5's `EN_open` (reading the file), beside Oasis's parse.
    pub v235_open: Measured,
    pub v235: Measured,
    pub v22: Measured,
    /// Peak resident memory (VmHWM) of the child process that ran Oasis, MB.
    pub oasis_peak_mb: Option<f64>,
}

impl Row {
    pub fn ratio_235(&self) -> Option<f64> {
        Some(self.oasis.seconds()? / self.v235.seconds()?)
    }

    pub fn ratio_22(&self) -> Option<f64> {
        Some(self.oasis.seconds()? / self.v22.seconds()?)
    }

    /// Oasis's parse over EPANET 2.3.5's `EN_open`.
    pub fn parse_ratio_235(&self) -> Option<f64> {
        Some(self.oasis_parse.seconds()? / self.v235_open.seconds()?)
    }
}

fn ms(s: f64) -> String {
    let m = s * 1000.0;
    if m >= 100.0 {
        format!("{m:.0}")
    } else if m >= 10.0 {
        format!("{m:.1}")
    } else {
        format!("{m:.3}")
    }
}

fn opt<T: std::fmt::Display>(x: Option<T>) -> String {
    x.map_or("–".into(), |v| v.to_string())
}

fn ratio(x: Option<f64>) -> String {
    x.map_or("–".into(), |r| format!("{r:.2}"))
}

pub const HEADER: &str = "| network | junctions | periods | Oasis parse ms | EPANET 2.3.5 open ms | Oasis hydraulics ms | EPANET 2.3.5 ms | EPANET 2.2 ms | Oasis/2.3.5 | Oasis/2.2 | Oasis peak MB |\n\
|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|";

/// The row as a markdown table line.
pub fn table_line(r: &Row) -> String {
    let periods = match (r.periods, r.epanet_periods) {
        (Some(a), Some(b)) if a != b => format!("{a} (EPANET {b})"),
        (a, b) => opt(a.or(b)),
    };
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        r.network.replace('|', "\\|"),
        opt(r.junctions),
        periods,
        r.oasis_parse.cell(),
        r.v235_open.cell(),
        r.oasis.cell(),
        r.v235.cell(),
        r.v22.cell(),
        ratio(r.ratio_235()),
        ratio(r.ratio_22()),
        r.oasis_peak_mb.map_or("–".into(), |m| format!("{m:.1}")),
    )
}

/// Median and worst Oasis/EPANET ratio.
#[derive(Debug, Clone, PartialEq)]
pub struct RatioSummary {
    /// Median over networks with at least `min_junctions` junctions (and their count).
    pub median_large: Option<f64>,
    pub large_count: usize,
    /// Median over every network with both times.
    pub median_all: Option<f64>,
    pub all_count: usize,
    /// The largest ratio and its network.
    pub worst: Option<(f64, String)>,
}

pub fn summarize(
    rows: &[Row],
    ratio_of: impl Fn(&Row) -> Option<f64>,
    min_junctions: usize,
) -> RatioSummary {
    let all: Vec<(f64, &Row)> = rows
        .iter()
        .filter_map(|r| Some((ratio_of(r)?, r)))
        .collect();
    let large: Vec<f64> = all
        .iter()
        .filter(|(_, r)| r.junctions.is_some_and(|j| j >= min_junctions))
        .map(|(x, _)| *x)
        .collect();
    let every: Vec<f64> = all.iter().map(|(x, _)| *x).collect();
    let worst = all
        .iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(x, r)| (*x, r.network.clone()));
    RatioSummary {
        median_large: median(&large),
        large_count: large.len(),
        median_all: median(&every),
        all_count: every.len(),
        worst,
    }
}

/// `label: median X over N networks with >= J junctions; median Y over all M; worst Z (network)`.
pub fn summary_line(label: &str, s: &RatioSummary, min_junctions: usize) -> String {
    let worst = s
        .worst
        .as_ref()
        .map_or("–".into(), |(x, n)| format!("{x:.2} ({n})"));
    format!(
        "{label}: median {} over {} networks with >= {min_junctions} junctions; median {} over all {}; worst {worst}",
        ratio(s.median_large),
        s.large_count,
        ratio(s.median_all),
        s.all_count,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, j: usize, oasis: f64, v235: f64) -> Row {
        Row {
            network: name.into(),
            junctions: Some(j),
            periods: Some(25),
            epanet_periods: Some(25),
            oasis_parse: Measured::Seconds(0.001),
            oasis: Measured::Seconds(oasis),
            v235_open: Measured::Seconds(0.002),
            v235: Measured::Seconds(v235),
            v22: Measured::Failed("error 200".into()),
            oasis_peak_mb: Some(12.25),
        }
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        // (2 + 3) / 2
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn summary_takes_large_networks_for_the_median_and_all_for_the_worst() {
        let rows = vec![
            row("small", 10, 3.0, 1.0), // ratio 3.0, too small for the median
            row("a", 1000, 1.0, 2.0),   // 0.5
            row("b", 5000, 1.0, 4.0),   // 0.25
            row("c", 20000, 3.0, 4.0),  // 0.75
        ];
        let s = summarize(&rows, Row::ratio_235, 1000);
        assert_eq!(s.median_large, Some(0.5));
        assert_eq!(s.large_count, 3);
        // All four: 0.25, 0.5, 0.75, 3.0 → (0.5 + 0.75) / 2.
        assert_eq!(s.median_all, Some(0.625));
        assert_eq!(s.worst, Some((3.0, "small".to_string())));
        // 2.2 failed everywhere: no ratio at all.
        assert_eq!(summarize(&rows, Row::ratio_22, 1000).all_count, 0);
    }

    #[test]
    fn table_line_has_one_cell_per_header_column() {
        let line = table_line(&row("x|y.inp", 1000, 0.5, 1.0));
        let header_cols = HEADER.lines().next().unwrap().matches(" | ").count();
        // The escaped pipe in the name does not count as a separator.
        assert_eq!(line.replace("\\|", "").matches(" | ").count(), header_cols);
        assert!(line.contains("| 1.000 | 2.000 | 500 | 1000 |"), "{line}");
        assert!(
            line.contains("| 0.50 | – | 12.2 |") || line.contains("| 0.50 | – | 12.3 |"),
            "{line}"
        );
    }
}
