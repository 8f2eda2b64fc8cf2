//! EPANET 2.2's binary output file (`.out`): writer and reader.
//!
//! Layout (all little-endian 4-byte integers and float32):
//! prolog (15 integers, 3 title lines of 80 bytes, input and report file names
//! of 260 bytes, chemical name and units of 32 bytes, node and link IDs of 32
//! bytes, link end nodes and types, tank node indices and areas, node
//! elevations, link lengths and diameters), energy (per pump: link index and 6
//! floats; then the demand charge), one block of results per reporting period
//! (4 node variables, 8 link variables), epilog (4 average reaction rates,
//! number of periods, warning flag, magic number).

use oasis_hydraulics::RunResults;
use oasis_network::Network;

use crate::info::{OutputError, Run, RunInfo};
use crate::model::{GPM_PER_CFS, LPS_PER_CFS, Model, Statistic};
use crate::values::{LINK_VARS, NODE_VARS, PeriodValues, period_values, time_statistic};

/// The number at both ends of every EPANET output file.
pub const MAGIC_NUMBER: i32 = 516_114_521;
/// The version EPANET 2.2 writes (it keeps 2.00.12 so that old readers work).
pub const FILE_VERSION: i32 = 20012;

const TITLE_BYTES: usize = 80;
const FILE_NAME_BYTES: usize = 260;
const ID_BYTES: usize = 32;

/// Size of the prolog in bytes for the given counts (as EPANET's reader computes it).
pub fn prolog_bytes(nnodes: usize, nlinks: usize, ntanks: usize) -> usize {
    884 + 36 * nnodes + 52 * nlinks + 8 * ntanks
}

/// Pump energy as the output file and the energy report hold it: averages
/// and report units, computed from the run's raw accumulators exactly as
/// EPANET's `saveenergy` does.
#[derive(Debug, Clone, PartialEq)]
pub struct PumpEnergyReport {
    /// Index of the pump's link (0-based).
    pub link: usize,
    /// Percent of the run the pump was on line.
    pub utilization_pct: f64,
    /// Average efficiency while on line (percent).
    pub avg_efficiency_pct: f64,
    /// Energy per volume pumped: kWh per million gallons (US) or per m³ (SI).
    pub kwh_per_volume: f64,
    /// Average power while on line (kW).
    pub avg_kw: f64,
    pub peak_kw: f64,
    /// Cost per day.
    pub cost_per_day: f64,
}

/// The energy table of a run: one row per pump, then the demand charge as
/// EPANET writes it to the output file (peak kW × demand charge rate).
pub fn pump_energy(net: &Network, results: &RunResults) -> (Vec<PumpEnergyReport>, f64) {
    let si = net.options.flow_units.is_si();
    let hdur = results.duration_s as f64 / 3600.0;
    let rows = results
        .energy
        .iter()
        .map(|e| {
            let mut online = e.time_online_h;
            let mut eff = e.efficiency_h;
            let mut kw_per_flow = e.kw_per_cfs_h;
            let mut kwh = e.kwh;
            let mut cost = e.total_cost;
            if hdur == 0.0 {
                cost *= 24.0;
            } else {
                let t = online;
                online = t / hdur;
                if t > 0.0 {
                    eff /= t;
                    kw_per_flow /= t;
                    kwh /= t;
                }
                cost *= 24.0 / hdur;
            }
            online *= 100.0;
            eff *= 100.0;
            // kW per cfs → kWh per m³ (SI) or per million gallons (US).
            if si {
                kw_per_flow *= 1000.0 / LPS_PER_CFS / 3600.0;
            } else {
                kw_per_flow *= 1.0e6 / GPM_PER_CFS / 60.0;
            }
            PumpEnergyReport {
                link: e.link,
                utilization_pct: online,
                avg_efficiency_pct: eff,
                kwh_per_volume: kw_per_flow,
                avg_kw: kwh,
                peak_kw: e.max_kw,
                cost_per_day: cost,
            }
        })
        .collect();
    (rows, results.peak_kw * results.demand_charge_rate)
}

/// The float32 results of every period as the file stores them (one period
/// with the statistic when `[TIMES] STATISTIC` is not NONE).
pub(crate) fn stored_periods(m: &Model, run: &Run) -> Vec<PeriodValues> {
    let quality_at = |t: i64| {
        let q = run.quality.filter(|_| m.quality.flag != 0)?;
        q.steps.iter().find(|s| s.time_s == t)
    };
    let all: Vec<PeriodValues> = run
        .results
        .periods
        .iter()
        .map(|s| period_values(m, s, quality_at(s.time_s)))
        .collect();
    if m.statistic == Statistic::Series || all.is_empty() {
        all
    } else {
        vec![time_statistic(m.statistic, &all, m.nnodes(), m.nlinks())]
    }
}

/// Writes EPANET 2.2's binary output file for a run. `info` gives the input
/// file name and title lines EPANET records in the prolog. Fails only when
/// the results do not belong to `net`.
pub fn write_out(net: &Network, run: &Run, info: &RunInfo) -> Result<Vec<u8>, OutputError> {
    run.check(net)?;
    let results = run.results;
    let m = Model::new(net);
    let periods = stored_periods(&m, run);
    let nn = m.nnodes();
    let nl = m.nlinks();
    let mut w = Writer(Vec::with_capacity(
        prolog_bytes(nn, nl, m.tanks.len())
            + periods.len() * 4 * (NODE_VARS * nn + LINK_VARS * nl)
            + 1024,
    ));

    // Prolog.
    for v in [
        MAGIC_NUMBER,
        FILE_VERSION,
        nn as i32,
        m.tanks.len() as i32,
        nl as i32,
        m.npumps as i32,
        m.nvalves as i32,
        m.quality.flag,
        m.quality.trace_node,
        m.flow_flag(),
        m.pressure_flag,
        m.statistic as i32,
        m.times.report_start_s as i32,
        m.times.report_step_s as i32,
        m.times.duration_s as i32,
    ] {
        w.int(v);
    }
    for line in &info.title {
        w.text(line, TITLE_BYTES);
    }
    w.text(info.input_file.as_bytes(), FILE_NAME_BYTES);
    // `[REPORT] FILE name` (EPANET keeps the last one given).
    let report_file = net
        .report
        .iter()
        .rev()
        .find(|t| t.len() > 1 && t[0].eq_ignore_ascii_case("FILE"));
    w.text(
        report_file.map_or(&b""[..], |t| t[1].as_bytes()),
        FILE_NAME_BYTES,
    );
    w.text(m.quality.chem_name.as_bytes(), ID_BYTES);
    w.text(m.quality.chem_units.as_bytes(), ID_BYTES);
    for n in &net.nodes {
        w.text(&info.bytes_of(&n.id), ID_BYTES);
    }
    for l in &net.links {
        w.text(&info.bytes_of(&l.id), ID_BYTES);
    }
    for k in 0..nl {
        w.int(m.n1[k] as i32 + 1);
    }
    for k in 0..nl {
        w.int(m.n2[k] as i32 + 1);
    }
    for k in 0..nl {
        w.int(m.link_type[k]);
    }
    for &(node, _) in &m.tanks {
        w.int(node as i32 + 1);
    }
    // Areas stay in ft² (EPANET writes its internal value).
    for &(_, area) in &m.tanks {
        w.float(area as f32);
    }
    for i in 0..nn {
        w.float((m.elevation_ft[i] * m.ucf.elevation) as f32);
    }
    for k in 0..nl {
        w.float((m.length_ft[k] * m.ucf.elevation) as f32);
    }
    for k in 0..nl {
        w.float(if m.link_type[k] == crate::model::link_type::PUMP {
            0.0
        } else {
            (m.diameter_ft[k] * m.ucf.diameter) as f32
        });
    }

    // Energy.
    let (pumps, demand_charge) = pump_energy(net, results);
    for p in &pumps {
        w.int(p.link as i32 + 1);
        for v in [
            p.utilization_pct,
            p.avg_efficiency_pct,
            p.kwh_per_volume,
            p.avg_kw,
            p.peak_kw,
            p.cost_per_day,
        ] {
            w.float(v as f32);
        }
    }
    w.float(demand_charge as f32);

    // Dynamic results.
    for p in &periods {
        for var in &p.node {
            var.iter().for_each(|&v| w.float(v));
        }
        for var in &p.link {
            var.iter().for_each(|&v| w.float(v));
        }
    }

    // Epilog: the average reaction rates (mass per hour) over the run.
    let totals = run
        .quality
        .filter(|_| m.quality.flag != 0)
        .map(|q| q.reaction_totals)
        .unwrap_or_default();
    let hours = if results.duration_s > 0 {
        results.duration_s as f64 / 3600.0
    } else {
        1.0
    };
    for w_total in [totals.bulk, totals.wall, totals.tank, totals.source] {
        w.float((w_total / hours) as f32);
    }
    w.int(periods.len() as i32);
    w.int(results.warning_flag);
    w.int(MAGIC_NUMBER);
    Ok(w.0)
}

struct Writer(Vec<u8>);

impl Writer {
    fn int(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn float(&mut self, v: f32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    /// A fixed-width C string: truncated to leave room for the terminating NUL,
    /// padded with NULs.
    fn text(&mut self, s: &[u8], width: usize) {
        let n = s.len().min(width - 1);
        self.0.extend_from_slice(&s[..n]);
        self.0.extend(std::iter::repeat_n(0u8, width - n));
    }
}

/// Why bytes could not be read as an EPANET output file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OutReadError {
    #[error("not an EPANET output file: {0}")]
    NotOutputFile(String),
    #[error("EPANET output file is truncated: {0}")]
    Truncated(String),
}

/// An EPANET output file read back, in the shape EPANET's own output library
/// (`epanet_output.c`) presents it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutFile {
    pub version: i32,
    pub node_count: usize,
    pub tank_count: usize,
    pub link_count: usize,
    pub pump_count: usize,
    pub valve_count: usize,
    pub quality_flag: i32,
    pub trace_node: i32,
    pub flow_units: i32,
    pub pressure_units: i32,
    pub statistic: i32,
    pub report_start_s: i32,
    pub report_step_s: i32,
    pub duration_s: i32,
    pub title: [String; 3],
    pub input_file: String,
    pub report_file: String,
    pub chem_name: String,
    pub chem_units: String,
    pub node_ids: Vec<String>,
    pub link_ids: Vec<String>,
    /// 1-based, as stored.
    pub link_start: Vec<i32>,
    pub link_end: Vec<i32>,
    pub link_type: Vec<i32>,
    pub tank_nodes: Vec<i32>,
    pub tank_areas: Vec<f32>,
    pub elevations: Vec<f32>,
    pub lengths: Vec<f32>,
    pub diameters: Vec<f32>,
    /// Per pump: link index (1-based) and the 6 energy values.
    pub pump_energy: Vec<(i32, [f32; 6])>,
    pub demand_charge: f32,
    /// Per period: `[node variable][node]` and `[link variable][link]`.
    pub periods: Vec<([Vec<f32>; NODE_VARS], [Vec<f32>; LINK_VARS])>,
    pub reaction_rates: [f32; 4],
    pub warning_flag: i32,
}

/// Reads an EPANET output file, checking the magic numbers at both ends and
/// the period count against the file size as EPANET's reader does.
pub fn read_out(bytes: &[u8]) -> Result<OutFile, OutReadError> {
    if bytes.len() < 884 + 28 {
        return Err(OutReadError::Truncated(format!(
            "{} bytes is shorter than any output file",
            bytes.len()
        )));
    }
    let int_at = |pos: usize| i32::from_le_bytes(bytes[pos..pos + 4].try_into().expect("4 bytes"));
    if int_at(0) != MAGIC_NUMBER {
        return Err(OutReadError::NotOutputFile(format!(
            "magic number at start is {}",
            int_at(0)
        )));
    }
    let end = bytes.len();
    if int_at(end - 4) != MAGIC_NUMBER {
        return Err(OutReadError::NotOutputFile(format!(
            "magic number at end is {}",
            int_at(end - 4)
        )));
    }
    let mut r = Reader { bytes, pos: 4 };
    let version = r.int()?;
    let counts: Vec<i32> = (0..5).map(|_| r.int()).collect::<Result<_, _>>()?;
    if counts.iter().any(|&c| c < 0) {
        return Err(OutReadError::NotOutputFile(format!(
            "negative object counts {counts:?}"
        )));
    }
    let [nn, nt, nl, np, nv] =
        [counts[0], counts[1], counts[2], counts[3], counts[4]].map(|c| c as usize);
    // The counts decide the sizes: check them against the file before
    // allocating anything from them.
    let needed = prolog_bytes(nn, nl, nt) as u64 + 28 * np as u64 + 4 + 28;
    if needed > bytes.len() as u64 {
        return Err(OutReadError::Truncated(format!(
            "{nn} nodes, {nl} links, {nt} tanks and {np} pumps need {needed} bytes, the file has {}",
            bytes.len()
        )));
    }
    let quality_flag = r.int()?;
    let trace_node = r.int()?;
    let flow_units = r.int()?;
    let pressure_units = r.int()?;
    let statistic = r.int()?;
    let report_start_s = r.int()?;
    let report_step_s = r.int()?;
    let duration_s = r.int()?;
    let title = [
        r.text(TITLE_BYTES)?,
        r.text(TITLE_BYTES)?,
        r.text(TITLE_BYTES)?,
    ];
    let input_file = r.text(FILE_NAME_BYTES)?;
    let report_file = r.text(FILE_NAME_BYTES)?;
    let chem_name = r.text(ID_BYTES)?;
    let chem_units = r.text(ID_BYTES)?;
    let node_ids = (0..nn)
        .map(|_| r.text(ID_BYTES))
        .collect::<Result<_, _>>()?;
    let link_ids = (0..nl)
        .map(|_| r.text(ID_BYTES))
        .collect::<Result<_, _>>()?;
    let link_start = r.ints(nl)?;
    let link_end = r.ints(nl)?;
    let link_type = r.ints(nl)?;
    let tank_nodes = r.ints(nt)?;
    let tank_areas = r.floats(nt)?;
    let elevations = r.floats(nn)?;
    let lengths = r.floats(nl)?;
    let diameters = r.floats(nl)?;
    let mut pump_energy = Vec::new();
    for _ in 0..np {
        let link = r.int()?;
        let v = r.floats(6)?;
        pump_energy.push((link, [v[0], v[1], v[2], v[3], v[4], v[5]]));
    }
    let demand_charge = r.float()?;
    let results_start = r.pos;
    // Epilog: 4 reaction rates, periods, warning flag, magic number.
    let nperiods = int_at(end - 12);
    let warning_flag = int_at(end - 8);
    let period_bytes = 4 * (NODE_VARS * nn + LINK_VARS * nl);
    if nperiods < 0 || results_start + nperiods as usize * period_bytes + 28 != end {
        return Err(OutReadError::Truncated(format!(
            "{nperiods} periods of {period_bytes} bytes after byte {results_start} do not fill {end} bytes"
        )));
    }
    let mut periods = Vec::new();
    for _ in 0..nperiods {
        let mut node: [Vec<f32>; NODE_VARS] = Default::default();
        for v in &mut node {
            *v = r.floats(nn)?;
        }
        let mut link: [Vec<f32>; LINK_VARS] = Default::default();
        for v in &mut link {
            *v = r.floats(nl)?;
        }
        periods.push((node, link));
    }
    let rr = r.floats(4)?;
    Ok(OutFile {
        version,
        node_count: nn,
        tank_count: nt,
        link_count: nl,
        pump_count: np,
        valve_count: nv,
        quality_flag,
        trace_node,
        flow_units,
        pressure_units,
        statistic,
        report_start_s,
        report_step_s,
        duration_s,
        title,
        input_file,
        report_file,
        chem_name,
        chem_units,
        node_ids,
        link_ids,
        link_start,
        link_end,
        link_type,
        tank_nodes,
        tank_areas,
        elevations,
        lengths,
        diameters,
        pump_energy,
        demand_charge,
        periods,
        reaction_rates: [rr[0], rr[1], rr[2], rr[3]],
        warning_flag,
    })
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], OutReadError> {
        if self.pos + n > self.bytes.len() {
            return Err(OutReadError::Truncated(format!(
                "needs {n} bytes at byte {}",
                self.pos
            )));
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn int(&mut self) -> Result<i32, OutReadError> {
        Ok(i32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn float(&mut self) -> Result<f32, OutReadError> {
        Ok(f32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn ints(&mut self, n: usize) -> Result<Vec<i32>, OutReadError> {
        (0..n).map(|_| self.int()).collect()
    }
    fn floats(&mut self, n: usize) -> Result<Vec<f32>, OutReadError> {
        (0..n).map(|_| self.float()).collect()
    }
    fn text(&mut self, width: usize) -> Result<String, OutReadError> {
        let raw = self.take(width)?;
        let end = raw.iter().position(|&b| b == 0).unwrap_or(width);
        Ok(String::from_utf8_lossy(&raw[..end]).into_owned())
    }
}
