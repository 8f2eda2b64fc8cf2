//! EPANET 2.2's text report (`.rpt`), line for line: the logo, the input
//! summary, the warnings of the hydraulic run, the energy table and the node
//! and link tables per reporting time, honouring the `[REPORT]` section
//! (page size, summary, messages, energy, node and link selection, fields,
//! precisions and limits).
//!
//! EPANET builds its tables from the float32 values of its binary output
//! file, so the tables here are printed from the same stored values as the
//! `.out` writer's. Lines are written the way EPANET's `writeline` does (a
//! line feed, two blanks, the text), which also counts lines for page breaks.

use oasis_hydraulics::{
    ActionCause, FlowChangeAt, HydraulicsError, LinkAction, LinkResult, LinkStatus, MassBalance,
    NodeResult, RunResults, Snapshot, TrialEvent, Warning,
};
use oasis_network::pump_curve::PumpCurve;
use oasis_network::units::HeadlossFormula;
use oasis_network::{ControlCondition, DemandModel, InitialStatus, LinkKind, Network, Unbalanced};

use crate::binary::{pump_energy, stored_periods};
use crate::info::{OutputError, Run, RunInfo};
use crate::model::{Model, Statistic, link_type};
use crate::values::PeriodValues;

// EPANET's report field indices (`FieldType`).
const ELEV: usize = 0;
const DEMAND: usize = 1;
const QUALITY: usize = 4;
const LENGTH: usize = 5;
const DIAM: usize = 6;
const FLOW: usize = 7;
const HEADLOSS: usize = 9;
const STATUS: usize = 11;
const FRICTION: usize = 14;
const NFIELDS: usize = 15;

const FIELD_NAMES: [&str; NFIELDS] = [
    "Elevation",
    "Demand",
    "Head",
    "Pressure",
    "Quality",
    "Length",
    "Diameter",
    "Flow",
    "Velocity",
    "Headloss",
    "Quality",
    "State",
    "Setting",
    "Reaction",
    "F-Factor",
];

const STATUS_TEXT: [&str; 10] = [
    "closed because cannot deliver head",
    "temporarily closed",
    "closed",
    "open",
    "active",
    "open but exceeds maximum flow",
    "open but cannot deliver flow",
    "open but cannot deliver pressure",
    "filling",
    "emptying",
];

// Tank states in EPANET's status numbering (after the link states).
const TANK_CLOSED: u8 = 2;
const TANK_FILLING: u8 = 8;
const TANK_EMPTYING: u8 = 9;

const LINK_TEXT: [&str; 9] = [
    "CV", "Pipe", "Pump", "PRV", "PSV", "PBV", "FCV", "TCV", "GPV",
];

/// EPANET's `BIG`: limits at or beyond it are "no limit".
const BIG: f64 = 1.0e10;

#[derive(Debug, Clone)]
struct Field {
    units: String,
    enabled: bool,
    precision: usize,
    /// Report only values at or below this (`BELOW x`).
    below: f64,
    /// Report only values at or above this (`ABOVE x`).
    above: f64,
}

/// The `[REPORT]` section as EPANET 2.2 reads it.
#[derive(Debug, Clone)]
struct Options {
    page_size: i64,
    /// `STATUS`: 0 no, 1 yes, 2 full.
    status: u8,
    /// `FILE name`: the energy and result tables go to a second report.
    file: Option<String>,
    summary: bool,
    messages: bool,
    energy: bool,
    /// 0 none, 1 all, 2 the selected ones.
    node_flag: u8,
    link_flag: u8,
    node_selected: Vec<bool>,
    link_selected: Vec<bool>,
    fields: Vec<Field>,
}

fn starts_ci(token: &str, keyword: &str) -> bool {
    token.len() >= keyword.len()
        && token.as_bytes()[..keyword.len()].eq_ignore_ascii_case(keyword.as_bytes())
}

/// `[REPORT] STATUS`: 0 no, 1 yes, 2 full (the last line wins).
pub fn status_level(net: &Network) -> u8 {
    let mut level = 0;
    for t in net
        .report
        .iter()
        .filter(|t| t.len() >= 2 && starts_ci(&t[0], "STATUS"))
    {
        let last = t[t.len() - 1].as_str();
        for (word, value) in [("NO", 0), ("YES", 1), ("FULL", 2)] {
            if starts_ci(last, word) {
                level = value;
            }
        }
    }
    level
}

fn options(m: &Model) -> Options {
    let net = m.net;
    let si = m.ucf.si;
    let flow_units = [
        "cfs", "gpm", "mgd", "Imgd", "a-f/d", "L/s", "Lpm", "ML/d", "m3/h", "m3/d",
    ][m.flow_flag() as usize];
    let length = if si { "m" } else { "ft" };
    let pressure = match m.pressure_flag {
        0 => "psi",
        1 => "kPa",
        _ => "m",
    };
    let reaction_units = if m.quality.flag == 1 {
        format!("{}/day", m.quality.chem_units)
    } else {
        String::new()
    };
    let units: [String; NFIELDS] = [
        length.into(),
        flow_units.into(),
        length.into(),
        pressure.into(),
        m.quality.chem_units.clone(),
        length.into(),
        if si { "mm" } else { "in" }.into(),
        flow_units.into(),
        if si { "m/s" } else { "fps" }.into(),
        if si { "/1000m" } else { "/1000ft" }.into(),
        String::new(),
        String::new(),
        String::new(),
        reaction_units,
        String::new(),
    ];
    let mut fields: Vec<Field> = units
        .into_iter()
        .enumerate()
        .map(|(i, units)| Field {
            units,
            enabled: (DEMAND..=QUALITY).contains(&i) || (FLOW..=HEADLOSS).contains(&i),
            precision: if i == FRICTION { 3 } else { 2 },
            below: 1e20,
            above: -1e20,
        })
        .collect();
    let mut o = Options {
        page_size: 0,
        status: 0,
        file: None,
        summary: true,
        messages: true,
        energy: false,
        node_flag: 0,
        link_flag: 0,
        node_selected: vec![false; m.nnodes()],
        link_selected: vec![false; m.nlinks()],
        fields: Vec::new(),
    };
    for t in &net.report {
        if t.len() < 2 {
            continue;
        }
        let (first, last) = (t[0].as_str(), t[t.len() - 1].as_str());
        let yes_no = |flag: &mut bool| {
            if starts_ci(last, "NO") {
                *flag = false;
            }
            if starts_ci(last, "YES") {
                *flag = true;
            }
        };
        if starts_ci(first, "PAGE") {
            if let Ok(y) = t[1].parse::<f64>() {
                o.page_size = y as i64;
            }
        } else if starts_ci(first, "STATUS") {
            o.status = status_level(net);
        } else if starts_ci(first, "FILE") {
            o.file = Some(t[1].clone());
        } else if starts_ci(first, "SUMM") {
            yes_no(&mut o.summary);
        } else if starts_ci(first, "MESS") {
            yes_no(&mut o.messages);
        } else if starts_ci(first, "ENER") {
            yes_no(&mut o.energy);
        } else if starts_ci(first, "NODE") || starts_ci(first, "LINK") {
            let nodes = starts_ci(first, "NODE");
            let (flag, selected) = if nodes {
                (&mut o.node_flag, &mut o.node_selected)
            } else {
                (&mut o.link_flag, &mut o.link_selected)
            };
            if starts_ci(last, "NONE") {
                *flag = 0;
            } else if starts_ci(last, "ALL") {
                *flag = 1;
            } else {
                for id in &t[1..] {
                    let i = if nodes {
                        net.node_index(id)
                    } else {
                        net.link_index(id)
                    };
                    if let Some(i) = i {
                        selected[i] = true;
                    }
                }
                *flag = 2;
            }
        } else {
            // "Headloss" must not be taken for "Head".
            let i = if first.eq_ignore_ascii_case("Headloss") {
                Some(HEADLOSS)
            } else {
                FIELD_NAMES.iter().position(|name| starts_ci(first, name))
            };
            let Some(i) = i else { continue };
            let f = &mut fields[i];
            if starts_ci(&t[1], "YES") {
                f.enabled = true;
            } else if starts_ci(&t[1], "NO") {
                f.enabled = false;
            } else if t.len() >= 3 {
                let Ok(y) = t[2].parse::<f64>() else { continue };
                if starts_ci(&t[1], "BELOW") {
                    f.below = y;
                } else if starts_ci(&t[1], "ABOVE") {
                    f.above = y;
                } else if starts_ci(&t[1], "PREC") {
                    f.enabled = true;
                    // Beyond 30 decimals a float32 has nothing more to show.
                    f.precision = y.round().clamp(0.0, 30.0) as usize;
                }
            }
        }
    }
    // Without a quality analysis there is no quality to report.
    if m.quality.flag == 0 {
        fields[QUALITY].enabled = false;
    }
    o.fields = fields;
    o
}

/// The report writer: EPANET's `writeline` with its line and page counting.
struct Report {
    buf: Vec<u8>,
    line: i64,
    page: i64,
    page_size: i64,
    title0: Vec<u8>,
}

impl Report {
    fn line(&mut self, s: impl AsRef<[u8]>) {
        if self.line == self.page_size {
            self.page += 1;
            let t = &self.title0[..self.title0.len().min(60)];
            self.buf
                .extend_from_slice(format!("\n\x0c\n  Page {}    ", self.page).as_bytes());
            self.buf.extend(std::iter::repeat_n(b' ', 60 - t.len()));
            self.buf.extend_from_slice(t);
            self.buf.push(b'\n');
            self.line = 3;
        }
        self.buf.extend_from_slice(b"\n  ");
        self.buf.extend_from_slice(s.as_ref());
        self.line += 1;
    }

    /// The blank line before a table, after moving to a new page when fewer
    /// than 11 lines are left on this one.
    fn table_start(&mut self) {
        if self.line + 11 > self.page_size {
            while self.line < self.page_size {
                self.line(" ");
            }
        }
        self.line(" ");
    }
}

/// Hours, minutes and seconds as EPANET's `clocktime` writes them.
fn clock(t: i64) -> String {
    format!("{}:{:02}:{:02}", t / 3600, t % 3600 / 60, t % 60)
}

/// C's `%W.Pe`.
fn sci(v: f64, precision: usize, width: usize) -> String {
    let s = format!("{v:.precision$e}");
    let (mant, exp) = s.split_once('e').expect("exponent");
    let exp: i32 = exp.parse().expect("exponent digits");
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{:>width$}", format!("{mant}e{sign}{:02}", exp.abs()))
}

/// C's `%10.2e`.
fn sci10(v: f64) -> String {
    sci(v, 2, 10)
}

fn value10(v: f64, precision: usize) -> String {
    if v.abs() > 1e6 {
        sci10(v)
    } else {
        format!("{v:>10.precision$}")
    }
}

/// Writes EPANET 2.2's report for a run, as bytes (IDs and title lines are
/// EPANET's bytes; a Latin-1 input gives a Latin-1 report, as EPANET's).
pub fn write_report_bytes(
    net: &Network,
    run: &Run,
    info: &RunInfo,
) -> Result<Vec<u8>, OutputError> {
    run.check(net)?;
    let results = run.results;
    let m = Model::new(net);
    let o = options(&m);
    let mut r = begin(&m, &o, info);

    // Status lines need every hydraulic step.
    let mut status = run
        .steps
        .filter(|_| o.status > 0)
        .map(|_| StatusLog::new(&m));
    if status.is_some() {
        status_header(&mut r);
    }
    for s in run.steps.unwrap_or(&results.periods) {
        if let Some(log) = &mut status {
            log.step(&mut r, &m, s, &results.actions, info, o.status == 2);
        }
        if o.messages {
            warnings(&mut r, &m, s, info);
        }
    }
    // EPANET writes the mass balance with the status report only.
    if let Some(q) = run.quality.filter(|_| m.quality.flag != 0 && o.status > 0) {
        mass_balance(&mut r, &m, &q.mass_balance);
    }
    // With `[REPORT] FILE` the energy and result tables go to that file.
    if o.file.is_none() {
        if o.energy {
            energy(&mut r, &m, results, info);
        }
        tables(&mut r, &m, &o, &stored_periods(&m, run), info);
    }
    r.line(format!("Analysis ended {}\n", info.ended));
    Ok(r.buf)
}

fn status_header(r: &mut Report) {
    r.table_start();
    r.line("Hydraulic Status:");
    r.line("-".repeat(71));
}

/// The second report EPANET writes when `[REPORT] FILE name` asks for one:
/// its name as given, and its contents (logo, summary, energy table, result
/// tables; no warnings or status lines). `None` without a FILE line.
pub fn write_secondary_report_bytes(
    net: &Network,
    run: &Run,
    info: &RunInfo,
) -> Result<Option<(String, Vec<u8>)>, OutputError> {
    run.check(net)?;
    let m = Model::new(net);
    let o = options(&m);
    let Some(name) = o.file.clone() else {
        return Ok(None);
    };
    let mut r = logo(&o, info);
    if o.summary {
        summary(&mut r, &m, &o, info);
    }
    if o.energy {
        energy(&mut r, &m, run.results, info);
    }
    tables(&mut r, &m, &o, &stored_periods(&m, run), info);
    Ok(Some((name, r.buf)))
}

/// EPANET's logo, which starts every report (and resets the page count).
fn logo(o: &Options, info: &RunInfo) -> Report {
    let mut r = Report {
        buf: Vec::new(),
        line: 2,
        page: 1,
        page_size: o.page_size,
        title0: info.title[0].clone(),
    };

    // Logo.
    r.buf
        .extend_from_slice(format!("  Page 1{:36}{}\n", "", info.started).as_bytes());
    for l in [
        "******************************************************************",
        "*                           E P A N E T                          *",
        "*                   Hydraulic and Water Quality                  *",
        "*                   Analysis for Pipe Networks                   *",
        "*                         Version 2.2                            *",
        "******************************************************************",
        "",
    ] {
        r.line(l);
    }
    r
}

/// The logo, the summary and the "Analysis begun" line.
fn begin(m: &Model, o: &Options, info: &RunInfo) -> Report {
    let mut r = logo(o, info);
    if o.summary {
        summary(&mut r, m, o, info);
    }
    r.line(format!("Analysis begun {}\n", info.started));
    r
}

/// The report of a run that EPANET could not solve in its first period
/// (error 110, an ill-conditioned system): the summary, the node where the
/// matrix became singular, the tanks' states, disconnected nodes, and the
/// error. No results follow. Other errors, and failures after time 0, are
/// not reproduced (their report needs the state at the failure).
pub fn write_failed_report_bytes(
    net: &Network,
    error: &HydraulicsError,
    info: &RunInfo,
) -> Vec<u8> {
    let m = Model::new(net);
    let o = options(&m);
    let mut r = begin(&m, &o, info);
    if let HydraulicsError::Unsolvable { junction } = error {
        let s = initial_snapshot(&m);
        if o.status > 0 {
            status_header(&mut r);
        }
        if o.status == 2 {
            // The solve broke down in its first trial.
            r.line(format!("{:>10}: Balancing the network:\n", clock(0)));
        }
        if o.messages {
            let mut line =
                format!("{:>10}: System ill-conditioned at node ", clock(0)).into_bytes();
            line.extend(info.bytes_of(junction));
            r.line(line);
        }
        // EPANET writes the status of the failed period whatever STATUS says.
        StatusLog::new(&m).step(&mut r, &m, &s, &[], info, false);
        if o.messages {
            disconnected(&mut r, &m, &s, &clock(0), info);
        }
        r.line("Error 110: cannot solve network hydraulic equations");
    } else {
        r.line(format!("Error {}: {}", error.code(), error_text(error)));
    }
    r.line(format!("Analysis ended {}\n", info.ended));
    r.buf
}

fn error_text(error: &HydraulicsError) -> String {
    match error {
        HydraulicsError::Input { message, .. } => message.clone(),
        HydraulicsError::Unsolvable { .. } => "cannot solve network hydraulic equations".into(),
    }
}

/// Each junction's full demand at time `t` (the file's units): base demands
/// times their pattern's factor (the default pattern when none is named)
/// times the demand multiplier; 0 for tanks and reservoirs.
fn full_demands(net: &Network, t: i64) -> Vec<f64> {
    let times = &net.times;
    let pattern_step = if times.pattern_step_s > 0 {
        times.pattern_step_s
    } else {
        3600
    };
    let period = (t + times.pattern_start_s) / pattern_step;
    let default_pattern = net.options.pattern.clone().unwrap_or_else(|| "1".into());
    let factor = |id: Option<&String>| {
        let id = id.unwrap_or(&default_pattern);
        net.pattern(id)
            .filter(|p| !p.factors.is_empty())
            .map_or(1.0, |p| {
                p.factors[(period % p.factors.len() as i64) as usize]
            })
    };
    net.nodes
        .iter()
        .map(|n| match &n.kind {
            oasis_network::NodeKind::Junction(j) => j
                .demands
                .iter()
                .map(|d| d.base * factor(d.pattern.as_ref()) * net.options.demand_multiplier)
                .sum(),
            _ => 0.0,
        })
        .collect()
}

/// The state EPANET is in when its first solution fails: tanks at their
/// initial levels with no flow, links in their initial status, junctions
/// asking for their demand at time 0.
fn initial_snapshot(m: &Model) -> Snapshot {
    let net = m.net;
    let full = full_demands(net, 0);
    let nodes = net
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let head = match &n.kind {
                oasis_network::NodeKind::Tank(tank) => n.elevation + tank.initial_level,
                _ => n.elevation,
            };
            NodeResult {
                head,
                pressure: 0.0,
                demand: full[i],
            }
        })
        .collect();
    let links = (0..m.nlinks())
        .map(|k| {
            let code = initial_status(net, k);
            let status_code = [
                LinkStatus::XHead,
                LinkStatus::TempClosed,
                LinkStatus::Closed,
                LinkStatus::Open,
                LinkStatus::Active,
            ][code as usize];
            LinkResult {
                flow: 0.0,
                velocity: 0.0,
                headloss: 0.0,
                status: 0.0,
                setting: 0.0,
                status_code,
            }
        })
        .collect();
    Snapshot {
        time_s: 0,
        nodes,
        links,
        iterations: 0,
        relative_error: 0.0,
        warnings: Vec::new(),
        trials: Vec::new(),
    }
}

/// As [`write_report_bytes`], as text (bytes that are not UTF-8 are read as
/// Latin-1, one character per byte).
pub fn write_report(net: &Network, run: &Run, info: &RunInfo) -> Result<String, OutputError> {
    let bytes = write_report_bytes(net, run, info)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    })
}

fn summary(r: &mut Report, m: &Model, o: &Options, info: &RunInfo) {
    let net = m.net;
    let opt = &net.options;
    for t in &info.title {
        if !t.is_empty() {
            r.line(&t[..t.len().min(70)]);
        }
    }
    r.line(" ");
    let nres = m.tanks.iter().filter(|&&(_, a)| a == 0.0).count();
    let lines = [
        format!("  Input Data File ................... {}", info.input_file),
        format!("  Number of Junctions................ {}", m.njuncs),
        format!("  Number of Reservoirs............... {nres}"),
        format!(
            "  Number of Tanks ................... {}",
            m.tanks.len() - nres
        ),
        format!("  Number of Pipes ................... {}", m.npipes),
        format!("  Number of Pumps ................... {}", m.npumps),
        format!("  Number of Valves .................. {}", m.nvalves),
        format!(
            "  Headloss Formula .................. {}",
            match opt.headloss {
                HeadlossFormula::HazenWilliams => "Hazen-Williams",
                HeadlossFormula::DarcyWeisbach => "Darcy-Weisbach",
                HeadlossFormula::ChezyManning => "Chezy-Manning",
            }
        ),
        format!(
            "  Nodal Demand Model ................ {}",
            if opt.demand_model == DemandModel::Pda {
                "PDA"
            } else {
                "DDA"
            }
        ),
    ];
    for l in lines {
        r.line(format!("  {l}"));
    }
    let (tcf, tunits) = if m.times.hydraulic_step_s < 1800 {
        (60.0, "min")
    } else {
        (3600.0, "hrs")
    };
    r.line(format!(
        "    Hydraulic Timestep ................ {:.2} {tunits}",
        m.times.hydraulic_step_s as f64 / tcf
    ));
    r.line(format!(
        "    Hydraulic Accuracy ................ {:.6}",
        opt.accuracy
    ));
    if opt.head_error > 0.0 {
        let v = opt.head_error / m.ucf.head * m.ucf.head;
        r.line(format!(
            "    Headloss Error Limit .............. {v:.6} {}",
            o.fields[2].units
        ));
    }
    if opt.flow_change > 0.0 {
        let v = opt.flow_change / m.ucf.flow * m.ucf.flow;
        r.line(format!(
            "    Flow Change Limit ................. {v:.6} {}",
            o.fields[FLOW].units
        ));
    }
    r.line(format!(
        "    Status Check Frequency ............ {}",
        opt.check_freq
    ));
    r.line(format!(
        "    Maximum Trials Checked ............ {}",
        opt.max_check
    ));
    r.line(format!(
        "    Damping Limit Threshold ........... {:.6}",
        opt.damp_limit
    ));
    let trials = format!("    Maximum Trials .................... {}", opt.trials);
    r.line(&trials);
    let dur = net.times.duration_s;
    let quality = match m.quality.flag {
        0 => "    Quality Analysis .................. None".to_string(),
        1 => format!(
            "    Quality Analysis .................. {}",
            m.quality.chem_name
        ),
        3 => {
            let id = net
                .nodes
                .get((m.quality.trace_node - 1).max(0) as usize)
                .map_or("", |n| n.id.as_str());
            format!("    Quality Analysis .................. Trace From Node {id}")
        }
        // EPANET 2.2 prints the age line to the console instead, leaving the
        // previous line in its buffer, and writes that one again.
        _ => trials,
    };
    r.line(quality);
    if m.quality.flag != 0 && dur > 0 {
        let qstep = quality_step(net, m.times.hydraulic_step_s);
        r.line(format!(
            "    Water Quality Time Step ........... {:.2} min",
            f64::from(qstep as f32) / 60.0
        ));
        r.line(format!(
            "    Water Quality Tolerance ........... {:.2} {}",
            opt.tolerance, o.fields[QUALITY].units
        ));
    }
    r.line(format!(
        "    Specific Gravity .................. {:.2}",
        opt.specific_gravity
    ));
    r.line(format!(
        "    Relative Kinematic Viscosity ...... {:.2}",
        opt.viscosity
    ));
    r.line(format!(
        "    Relative Chemical Diffusivity ..... {:.2}",
        opt.diffusivity
    ));
    r.line(format!(
        "    Demand Multiplier ................. {:.2}",
        opt.demand_multiplier
    ));
    r.line(format!(
        "    Total Duration .................... {:.2} {tunits}",
        dur as f64 / tcf
    ));
    r.line("    Reporting Criteria:");
    r.line(
        [
            "       No Nodes",
            "       All Nodes",
            "       Selected Nodes",
        ][o.node_flag as usize],
    );
    limits(r, o, DEMAND, QUALITY);
    r.line(
        [
            "       No Links",
            "       All Links",
            "       Selected Links",
        ][o.link_flag as usize],
    );
    limits(r, o, DIAM, HEADLOSS);
    r.line(" ");
}

/// EPANET's quality time step: a tenth of the hydraulic step unless given,
/// never more than the hydraulic step.
fn quality_step(net: &Network, hstep: i64) -> i64 {
    let given = net.times.given.iter().any(|g| g == "QUALITY TIMESTEP");
    let q = if given && net.times.quality_step_s > 0 {
        net.times.quality_step_s
    } else {
        hstep / 10
    };
    q.min(hstep)
}

fn limits(r: &mut Report, o: &Options, from: usize, to: usize) {
    for j in from..=to {
        let f = &o.fields[j];
        if f.below < BIG {
            r.line(format!(
                "       with {} below {:.2} {}",
                FIELD_NAMES[j], f.below, f.units
            ));
        }
        if f.above > -BIG {
            r.line(format!(
                "       with {} above {:.2} {}",
                FIELD_NAMES[j], f.above, f.units
            ));
        }
    }
}

/// EPANET's status report (`STATUS YES`): per hydraulic step the control and
/// rule actions, the balance reached, and the tanks and links whose state
/// changed since the last step.
struct StatusLog {
    links: Vec<u8>,
    tanks: Vec<u8>,
}

impl StatusLog {
    fn new(m: &Model) -> StatusLog {
        // Tanks start "temporarily closed" so that time 0 reports every one.
        StatusLog {
            links: (0..m.nlinks()).map(|k| initial_status(m.net, k)).collect(),
            tanks: vec![1; m.tanks.len()],
        }
    }

    fn step(
        &mut self,
        r: &mut Report,
        m: &Model,
        s: &Snapshot,
        events: &[LinkAction],
        info: &RunInfo,
        full: bool,
    ) {
        let net = m.net;
        let at = format!("{:>10}", clock(s.time_s));
        for e in events.iter().filter(|e| e.time_s == s.time_s) {
            let k = e.link;
            let mut line = format!("{at}: {} ", LINK_TEXT[m.link_type[k] as usize]).into_bytes();
            line.extend(info.bytes_of(&net.links[k].id));
            match &e.cause {
                ActionCause::Control(i) => match net.controls.get(*i).map(|c| &c.condition) {
                    Some(
                        ControlCondition::Above { node, .. } | ControlCondition::Below { node, .. },
                    ) => {
                        let n = net.node_index(node).unwrap_or(0);
                        let kind = if n < m.njuncs {
                            "Junction"
                        } else if m.is_reservoir(n) {
                            "Reservoir"
                        } else {
                            "Tank"
                        };
                        line.extend(format!(" changed by {kind} ").bytes());
                        line.extend(info.bytes_of(node));
                        line.extend(b" control");
                    }
                    _ => line.extend(b" changed by timer control"),
                },
                ActionCause::Rule(id) => {
                    line.extend(b" changed by rule ");
                    line.extend(info.bytes_of(id));
                }
            }
            r.line(line);
        }
        if full {
            trials(r, m, s, &at, info);
        }
        if s.iterations > 0 {
            // EPANET holds ACCURACY within [1e-5, 0.1] once the run starts (the
            // summary, written before, shows the value as given).
            if s.relative_error <= net.options.accuracy.clamp(1e-5, 0.1) {
                r.line(format!("{at}: Balanced after {} trials", s.iterations));
            } else {
                r.line(format!(
                    "{at}: Unbalanced after {} trials (flow change = {:.6})",
                    s.iterations, s.relative_error
                ));
            }
            if net.options.demand_model == DemandModel::Pda {
                pressure_deficits(r, m, s);
            }
        }
        for (i, &(n, area)) in m.tanks.iter().enumerate() {
            let inflow_cfs = s.nodes[n].demand / m.ucf.flow;
            let state = if inflow_cfs.abs() < 0.001 {
                TANK_CLOSED
            } else if inflow_cfs > 0.0 {
                TANK_FILLING
            } else {
                TANK_EMPTYING
            };
            if state == self.tanks[i] {
                continue;
            }
            self.tanks[i] = state;
            let text = STATUS_TEXT[state as usize];
            let mut line =
                format!("{at}: {} ", if area > 0.0 { "Tank" } else { "Reservoir" }).into_bytes();
            line.extend(info.bytes_of(&net.nodes[n].id));
            if area > 0.0 {
                let level = (s.nodes[n].head / m.ucf.head - m.elevation_ft[n]) * m.ucf.head;
                line.extend(
                    format!(
                        " is {text} at {level:.2} {}",
                        if m.ucf.si { "m" } else { "ft" }
                    )
                    .bytes(),
                );
            } else {
                line.extend(format!(" is {text}").bytes());
            }
            r.line(line);
        }
        for (k, l) in s.links.iter().enumerate() {
            let new = l.status_code.code();
            let old = self.links[k];
            if new == old {
                continue;
            }
            let mut line = format!("{at}: {} ", LINK_TEXT[m.link_type[k] as usize]).into_bytes();
            line.extend(info.bytes_of(&net.links[k].id));
            if s.time_s == 0 {
                line.extend(format!(" {}", STATUS_TEXT[new as usize]).bytes());
            } else {
                line.extend(
                    format!(
                        " changed from {} to {}",
                        STATUS_TEXT[old as usize], STATUS_TEXT[new as usize]
                    )
                    .bytes(),
                );
            }
            r.line(line);
            self.links[k] = new;
        }
        r.line(" ");
    }
}

/// EPANET's `STATUS FULL` lines of one solve: each trial's relative flow
/// change, the balance checks, status changes and ill-conditioned valves.
fn trials(r: &mut Report, m: &Model, s: &Snapshot, at: &str, info: &RunInfo) {
    let net = m.net;
    let indent = " ".repeat(12);
    let link = |k: usize, rest: &str| {
        let mut line = format!("{indent}{} ", LINK_TEXT[m.link_type[k] as usize]).into_bytes();
        line.extend(info.bytes_of(&net.links[k].id));
        line.extend(rest.bytes());
        line
    };
    // EPANET's `writestatchange` names only closed, open and active.
    let shown = |st: LinkStatus| match st {
        LinkStatus::Active => LinkStatus::Active,
        st if st.code() <= LinkStatus::Closed.code() => LinkStatus::Closed,
        _ => LinkStatus::Open,
    };
    let far = " ".repeat(22);
    r.line(format!("{at}: Balancing the network:\n"));
    for t in &s.trials {
        match *t {
            TrialEvent::Trial {
                iteration,
                relative_change,
            } => r.line(format!(
                "{indent}Trial {iteration:2}: relative flow change = {relative_change:.6}"
            )),
            TrialEvent::Balance {
                max_flow_change,
                at: place,
                max_head_error,
                head_error_link,
            } => {
                let mut line =
                    format!("{far}maximum  flow change = {max_flow_change:.4} for ").into_bytes();
                match place {
                    FlowChangeAt::Link(k) => {
                        line.extend(b"Link ");
                        line.extend(info.bytes_of(&net.links[k].id));
                    }
                    FlowChangeAt::Node(n) => {
                        line.extend(b"Node ");
                        line.extend(info.bytes_of(&net.nodes[n].id));
                    }
                }
                r.line(line);
                let mut line = format!("{far}maximum  head error  = {max_head_error:.4} for Link ")
                    .into_bytes();
                line.extend(info.bytes_of(&net.links[head_error_link].id));
                line.push(b'\n');
                r.line(line);
            }
            TrialEvent::Change {
                link: k,
                from,
                to,
                setting,
            } => {
                if from == to {
                    r.line(link(k, &format!(" setting changed to {setting:.2}")));
                } else if shown(from) != shown(to) {
                    let (a, b) = (
                        STATUS_TEXT[shown(from).code() as usize],
                        STATUS_TEXT[shown(to).code() as usize],
                    );
                    r.line(link(k, &format!(" switched from {a} to {b}")));
                }
            }
            TrialEvent::IllConditioned { link: k } => {
                let mut line = format!("{at}: Valve ").into_bytes();
                line.extend(info.bytes_of(&net.links[k].id));
                line.extend(b" caused ill-conditioning");
                r.line(line);
            }
        }
    }
}

/// EPANET's line on junctions that got less than their demand under a
/// pressure-driven analysis (more than 0.0001 cfs short), with the total
/// shortfall as a percent of their demand.
fn pressure_deficits(r: &mut Report, m: &Model, s: &Snapshot) {
    let full = full_demands(m.net, s.time_s);
    let (mut count, mut total, mut short) = (0, 0.0, 0.0);
    for i in 0..m.njuncs {
        let wanted = full[i] / m.ucf.flow;
        let got = s.nodes[i].demand / m.ucf.flow;
        if wanted > 0.0 && got + 0.0001 < wanted {
            count += 1;
            total += wanted;
            short += wanted - got;
        }
    }
    let percent = short / total * 100.0;
    if count == 1 {
        r.line(format!(
            "            1 node had its demand reduced by a total of {percent:.2}%"
        ));
    } else if count > 1 {
        r.line(format!(
            "            {count} nodes had demands reduced by a total of {percent:.2}%"
        ));
    }
}

/// A link's status before the first solution, as EPANET sets it up: pipes
/// and pumps open unless closed, valves active unless given a fixed status,
/// except general-purpose valves, which start open.
fn initial_status(net: &Network, k: usize) -> u8 {
    let l = &net.links[k];
    let (open, closed, active) = (
        LinkStatus::Open.code(),
        LinkStatus::Closed.code(),
        LinkStatus::Active.code(),
    );
    match (&l.kind, l.initial_status) {
        (_, Some(InitialStatus::Closed)) => closed,
        (LinkKind::Pipe(p), _) if p.closed_on_line && l.initial_status.is_none() => closed,
        (LinkKind::Valve(_), Some(InitialStatus::Open)) => open,
        (LinkKind::Valve(v), _) if v.valve == oasis_network::ValveKind::Gpv => open,
        (LinkKind::Valve(_), _) => active,
        (LinkKind::Pump(_), Some(InitialStatus::Value(v))) if v == 0.0 => closed,
        _ => open,
    }
}

/// The warning lines EPANET writes after a hydraulic period (`writehydwarn`).
fn warnings(r: &mut Report, m: &Model, s: &Snapshot, info: &RunInfo) {
    if s.warnings.is_empty() {
        return;
    }
    let net = m.net;
    let at = clock(s.time_s);
    let id = |b: &str| info.bytes_of(b);
    if s.warnings.contains(&Warning::Unstable) {
        r.line(format!(
            "WARNING: Maximum trials exceeded at {at} hrs. System may be unstable."
        ));
    }
    if s.warnings.contains(&Warning::NegativePressure) {
        r.line(format!("WARNING: Negative pressures at {at} hrs."));
    }
    for (k, l) in s.links.iter().enumerate() {
        if m.link_type[k] > link_type::PUMP && l.status_code.code() >= LinkStatus::XFcv.code() {
            let mut line = format!("WARNING: {} ", LINK_TEXT[m.link_type[k] as usize]).into_bytes();
            line.extend(id(&net.links[k].id));
            line.extend(
                format!(
                    " {} at {at} hrs.",
                    STATUS_TEXT[l.status_code.code() as usize]
                )
                .bytes(),
            );
            r.line(line);
        }
    }
    for (k, l) in s.links.iter().enumerate() {
        let LinkKind::Pump(p) = &net.links[k].kind else {
            continue;
        };
        let mut st = l.status_code.code();
        if st >= LinkStatus::Open.code() {
            if l.flow > l.setting * pump_max_flow(net, p) {
                st = LinkStatus::XFlow.code();
            }
            if l.flow < 0.0 {
                st = LinkStatus::XHead.code();
            }
        }
        if st == LinkStatus::XHead.code() || st == LinkStatus::XFlow.code() {
            let mut line = b"WARNING: Pump ".to_vec();
            line.extend(id(&net.links[k].id));
            line.extend(format!(" {} at {at} hrs.", STATUS_TEXT[st as usize]).bytes());
            r.line(line);
        }
    }
    if s.warnings.contains(&Warning::Unbalanced) {
        let halted = if net.options.unbalanced == Unbalanced::Stop {
            " EXECUTION HALTED."
        } else {
            ""
        };
        r.line(format!("WARNING: System unbalanced at {at} hrs.{halted}"));
    }
    disconnected(r, m, s, &at, info);
    r.line(" ");
}

/// The largest flow of a pump's curve in the file's units (no limit for a
/// constant-power pump).
fn pump_max_flow(net: &Network, p: &oasis_network::Pump) -> f64 {
    let curve = match (&p.inline_curve, &p.head_curve) {
        (Some(v), _) => PumpCurve::from_inline(v).ok().flatten(),
        (None, Some(c)) => net.curve(c).and_then(|c| PumpCurve::fit(&c.points).ok()),
        _ => None,
    };
    match curve {
        Some(PumpCurve::Power { max_flow, .. }) | Some(PumpCurve::Custom { max_flow, .. }) => {
            max_flow
        }
        None => f64::INFINITY,
    }
}

/// EPANET's `disconnected`: junctions with demand that no open path joins to
/// a tank, reservoir or negative-demand junction, and a closed link on the
/// way from the last of them.
fn disconnected(r: &mut Report, m: &Model, s: &Snapshot, at: &str, info: &RunInfo) {
    let net = m.net;
    let nn = m.nnodes();
    // Adjacency as EPANET builds it: each link put at the front of both its
    // end nodes' lists, in link order.
    let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nn];
    for k in 0..m.nlinks() {
        adj[m.n1[k]].insert(0, (m.n2[k], k));
        adj[m.n2[k]].insert(0, (m.n1[k], k));
    }
    let mut marked = vec![0u8; nn];
    let mut list: Vec<usize> = m.tanks.iter().map(|&(n, _)| n).collect();
    for &n in &list {
        marked[n] = 1;
    }
    for i in 0..m.njuncs {
        if s.nodes[i].demand < 0.0 {
            list.push(i);
            marked[i] = 1;
        }
    }
    let mut n = 0;
    while n < list.len() {
        let i = list[n];
        for &(j, k) in &adj[i] {
            if marked[j] != 0 {
                continue;
            }
            // Check valves and pressure valves pass flow one way only.
            let t = m.link_type[k];
            if matches!(t, link_type::CV_PIPE | link_type::PRV | link_type::PSV) && j == m.n1[k] {
                continue;
            }
            if s.links[k].status_code.code() > LinkStatus::Closed.code() {
                marked[j] = 1;
                list.push(j);
            }
        }
        n += 1;
    }
    let mut count = 0;
    let mut last = 0;
    for i in 0..m.njuncs {
        if marked[i] == 0 && s.nodes[i].demand != 0.0 {
            count += 1;
            if count <= 10 {
                let mut line = b"WARNING: Node ".to_vec();
                line.extend(info.bytes_of(&net.nodes[i].id));
                line.extend(format!(" disconnected at {at} hrs").bytes());
                r.line(line);
            }
            last = i;
        }
    }
    if count > 0 {
        if count > 10 {
            r.line(format!(
                "WARNING: {} additional nodes disconnected at {at} hrs",
                count - 10
            ));
        }
        closed_link(r, m, &adj, last, &mut marked, info);
    }
}

fn closed_link(
    r: &mut Report,
    m: &Model,
    adj: &[Vec<(usize, usize)>],
    i: usize,
    marked: &mut [u8],
    info: &RunInfo,
) {
    marked[i] = 2;
    for &(j, k) in &adj[i] {
        if marked[j] == 2 {
            continue;
        }
        if marked[j] == 1 {
            let mut line = b"WARNING: System disconnected because of Link ".to_vec();
            line.extend(info.bytes_of(&m.net.links[k].id));
            r.line(line);
            return;
        }
        closed_link(r, m, adj, j, marked, info);
    }
}

/// EPANET's `writemassbalance`, after the quality run.
fn mass_balance(r: &mut Report, m: &Model, b: &MassBalance) {
    let units = match m.quality.flag {
        // EPANET labels trace mass in mg.
        3 => " (mg)",
        2 => " (hrs)",
        _ if starts_ci(&m.quality.header_units, "mg") => " (mg)",
        _ if starts_ci(&m.quality.header_units, "ug") => " (ug)",
        _ => "",
    };
    r.line(format!("Water Quality Mass Balance{units}"));
    r.line("================================");
    for (name, v) in [
        ("Initial Mass:      ", b.initial),
        ("Mass Inflow:       ", b.inflow),
        ("Mass Outflow:      ", b.outflow),
        ("Mass Reacted:      ", b.reacted),
        ("Final Mass:        ", b.final_mass),
    ] {
        r.line(format!("{name}{}", sci(v, 5, 12)));
    }
    r.line(format!("Mass Ratio:         {:.5}", b.ratio));
    r.line("================================\n");
}

fn energy(r: &mut Report, m: &Model, results: &RunResults, info: &RunInfo) {
    if m.npumps == 0 {
        return;
    }
    let (rows, _) = pump_energy(m.net, results);
    r.line(" ");
    r.table_start();
    let dashes = "-".repeat(64);
    r.line("Energy Usage:");
    r.line(&dashes);
    r.line("           Usage   Avg.     Kw-hr      Avg.      Peak      Cost");
    r.line(format!(
        "Pump      Factor Effic.     {}        Kw        Kw      /day",
        if m.ucf.si { "  /m3" } else { "/Mgal" }
    ));
    r.line(&dashes);
    let mut total = 0.0;
    for p in &rows {
        total += p.cost_per_day;
        let mut line = info.bytes_of(&m.net.links[p.link].id);
        while line.len() < 8 {
            line.push(b' ');
        }
        line.extend(
            format!(
                "  {:6.2} {:6.2} {:9.2} {:9.2} {:9.2} {:9.2}",
                p.utilization_pct,
                p.avg_efficiency_pct,
                p.kwh_per_volume,
                p.avg_kw,
                p.peak_kw,
                p.cost_per_day
            )
            .bytes(),
        );
        r.line(line);
    }
    r.line(&dashes);
    // EPANET has already multiplied its peak by the demand charge when it
    // saved the energy to the output file, and multiplies again here.
    let charge = results.peak_kw * results.demand_charge_rate * results.demand_charge_rate;
    r.line(format!("{:38} Demand Charge: {charge:9.2}", ""));
    r.line(format!("{:38} Total Cost:    {:9.2}", "", total + charge));
    r.line(" ");
}

fn tables(r: &mut Report, m: &Model, o: &Options, periods: &[PeriodValues], info: &RunInfo) {
    if o.node_flag == 0 && o.link_flag == 0 {
        return;
    }
    let nnv = o.fields[ELEV..=QUALITY]
        .iter()
        .filter(|f| f.enabled)
        .count();
    let nlv = o.fields[LENGTH..=FRICTION]
        .iter()
        .filter(|f| f.enabled)
        .count();
    if nnv == 0 && nlv == 0 {
        return;
    }
    let mut t = m.times.report_start_s;
    for p in periods {
        if nnv > 0 && o.node_flag > 0 {
            node_table(r, m, o, p, t, info);
        }
        if nlv > 0 && o.link_flag > 0 {
            link_table(r, m, o, p, t, info);
        }
        t += m.times.report_step_s;
    }
}

fn table_title(m: &Model, what: &str, t: i64) -> String {
    match m.statistic {
        Statistic::Range => format!("DIFFERENTIAL {what} Results:"),
        Statistic::Average => format!("AVERAGE {what} Results:"),
        Statistic::Minimum => format!("MINIMUM {what} Results:"),
        Statistic::Maximum => format!("MAXIMUM {what} Results:"),
        Statistic::Series if m.times.duration_s == 0 => format!("{what} Results:"),
        Statistic::Series => format!("{what} Results at {} hrs:", clock(t)),
    }
}

fn header(r: &mut Report, m: &Model, o: &Options, node: bool, t: i64, continued: bool) {
    r.table_start();
    let mut title = table_title(m, if node { "Node" } else { "Link" }, t);
    if continued {
        title.push_str(" (continued)");
    }
    r.line(title);
    let mut names = format!("{:15}", "");
    let mut units = format!("{:<15}", if node { "Node" } else { "Link" });
    for j in range_of(node) {
        let f = &o.fields[j];
        if !f.enabled {
            continue;
        }
        if node && j == QUALITY {
            names.push_str(&format!("{:>10}", m.quality.chem_name));
            units.push_str(&format!("{:>10}", m.quality.header_units));
        } else {
            names.push_str(&format!("{:>10}", FIELD_NAMES[j]));
            units.push_str(&format!("{:>10}", f.units));
        }
    }
    let n = 15
        + 10 * o.fields[range_of(node)]
            .iter()
            .filter(|f| f.enabled)
            .count();
    let dashes = "-".repeat(n + 1);
    r.line(&dashes);
    r.line(names);
    r.line(units);
    r.line(&dashes);
}

fn range_of(node: bool) -> std::ops::RangeInclusive<usize> {
    if node {
        ELEV..=QUALITY
    } else {
        LENGTH..=FRICTION
    }
}

/// EPANET's `checklimits`: every value (reported or not) within its limits.
fn within_limits(o: &Options, y: &[f64], from: usize, to: usize) -> bool {
    (from..=to).all(|j| !(y[j] > o.fields[j].below || y[j] < o.fields[j].above))
}

fn node_table(r: &mut Report, m: &Model, o: &Options, p: &PeriodValues, t: i64, info: &RunInfo) {
    header(r, m, o, true, t, false);
    for i in 0..m.nnodes() {
        let mut y = [0.0f64; NFIELDS];
        y[ELEV] = m.elevation_ft[i] * m.ucf.elevation;
        for j in DEMAND..=QUALITY {
            y[j] = f64::from(p.node[j - DEMAND][i]);
        }
        if !((o.node_flag == 1 || o.node_selected[i]) && within_limits(o, &y, ELEV, QUALITY)) {
            continue;
        }
        if r.line == r.page_size {
            header(r, m, o, true, t, true);
        }
        let mut line = info.bytes_of(&m.net.nodes[i].id);
        while line.len() < 15 {
            line.push(b' ');
        }
        for j in ELEV..=QUALITY {
            if o.fields[j].enabled {
                line.extend(value10(y[j], o.fields[j].precision).bytes());
            }
        }
        if i >= m.njuncs {
            line.extend_from_slice(if m.is_reservoir(i) {
                b"  Reservoir"
            } else {
                b"  Tank"
            });
        }
        r.line(line);
    }
    r.line(" ");
}

fn link_table(r: &mut Report, m: &Model, o: &Options, p: &PeriodValues, t: i64, info: &RunInfo) {
    header(r, m, o, false, t, false);
    for k in 0..m.nlinks() {
        let mut y = [0.0f64; NFIELDS];
        y[LENGTH] = m.length_ft[k] * m.ucf.length;
        y[DIAM] = m.diameter_ft[k] * m.ucf.diameter;
        for j in FLOW..=FRICTION {
            y[j] = f64::from(p.link[j - FLOW][k]);
        }
        if !((o.link_flag == 1 || o.link_selected[k]) && within_limits(o, &y, DIAM, FRICTION)) {
            continue;
        }
        if r.line == r.page_size {
            header(r, m, o, false, t, true);
        }
        let mut line = info.bytes_of(&m.net.links[k].id);
        while line.len() < 15 {
            line.push(b' ');
        }
        for j in LENGTH..=FRICTION {
            if !o.fields[j].enabled {
                continue;
            }
            if j == STATUS {
                let s = y[j];
                let text = if s <= f64::from(LinkStatus::Closed.code()) {
                    "closed"
                } else if s == f64::from(LinkStatus::Active.code()) {
                    "active"
                } else {
                    "open"
                };
                line.extend(format!("{text:>10}").bytes());
            } else {
                line.extend(value10(y[j], o.fields[j].precision).bytes());
            }
        }
        let t = m.link_type[k];
        if t > link_type::PIPE {
            line.extend(format!("  {}", LINK_TEXT[t as usize]).bytes());
        }
        r.line(line);
    }
    r.line(" ");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_format_is_c_printf_style() {
        // printf("%10.2e", 1234567.0) gives "  1.23e+06"; 2.5e-7 gives "  2.50e-07".
        assert_eq!(sci10(1234567.0), "  1.23e+06");
        assert_eq!(sci10(-2.5e-7), " -2.50e-07");
        assert_eq!(sci10(1.0e100), " 1.00e+100");
    }

    #[test]
    fn clock_time_has_unpadded_hours() {
        // 93784 s = 26 h 3 min 4 s.
        assert_eq!(clock(93784), "26:03:04");
        assert_eq!(clock(0), "0:00:00");
    }
}
