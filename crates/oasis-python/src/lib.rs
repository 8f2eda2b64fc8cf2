//! `oasis_twin._oasis`: the Rust side of the Python package. It reads and
//! edits a `Network`, runs the twin with the GIL released and hands results
//! back as flat little-endian `f64` buffers (time-major), which the package's
//! Python layer (`python/oasis_twin`) turns into NumPy arrays and DataFrames.
//! Values are in the file's own units, as EPANET's toolkit reports them.

mod edit;
mod run;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use oasis_hydraulics::HydraulicsError;
use oasis_network::units::{HeadlossFormula, PressureUnits};
use oasis_network::{LinkKind, Network, NodeKind, ReadError};

use edit::{Edit, Value};
use run::{Outcome, Results};

/// `(base, pattern, category)` of one demand category.
type DemandRow = (f64, Option<String>, Option<String>);

/// A parsed network (the file's own units); the Python `Model` wraps one.
#[pyclass(module = "oasis_twin._oasis", name = "Network")]
#[derive(Clone)]
struct PyNetwork {
    net: Network,
}

/// Reads `.inp` bytes; `name` is the file name that errors cite.
#[pyfunction]
fn read_inp(py: Python<'_>, data: &[u8], name: &str) -> PyResult<PyNetwork> {
    let data = data.to_vec();
    let name = name.to_string();
    match py.detach(move || oasis_network::read_inp(&data, &name)) {
        Ok(net) => Ok(PyNetwork { net }),
        Err(e) => Err(inp_error(py, &e)),
    }
}

#[pymethods]
impl PyNetwork {
    /// The model written back as `.inp` text.
    fn to_inp(&self) -> String {
        oasis_network::write_inp(&self.net)
    }

    fn copy(&self) -> PyNetwork {
        self.clone()
    }

    fn node_names(&self) -> Vec<String> {
        self.net.nodes.iter().map(|n| n.id.clone()).collect()
    }

    /// `Junction`, `Tank` or `Reservoir` per node, in node order.
    fn node_types(&self) -> Vec<&'static str> {
        self.net
            .nodes
            .iter()
            .map(|n| match n.kind {
                NodeKind::Junction(_) => "Junction",
                NodeKind::Tank(_) => "Tank",
                NodeKind::Reservoir(_) => "Reservoir",
            })
            .collect()
    }

    fn node_elevations(&self) -> Vec<f64> {
        self.net.nodes.iter().map(|n| n.elevation).collect()
    }

    fn link_names(&self) -> Vec<String> {
        self.net.links.iter().map(|l| l.id.clone()).collect()
    }

    /// `Pipe`, `CVPipe`, `Pump` or the valve's keyword (`PRV`, …) per link.
    fn link_types(&self) -> Vec<&'static str> {
        self.net
            .links
            .iter()
            .map(|l| match &l.kind {
                LinkKind::Pipe(p) if p.check_valve => "CVPipe",
                LinkKind::Pipe(_) => "Pipe",
                LinkKind::Pump(_) => "Pump",
                LinkKind::Valve(v) => v.valve.keyword(),
            })
            .collect()
    }

    /// (start node, end node) per link.
    fn link_ends(&self) -> Vec<(String, String)> {
        self.net
            .links
            .iter()
            .map(|l| (l.from.clone(), l.to.clone()))
            .collect()
    }

    /// Pipe lengths (file units), NaN for pumps and valves.
    fn link_lengths(&self) -> Vec<f64> {
        self.net
            .links
            .iter()
            .map(|l| match &l.kind {
                LinkKind::Pipe(p) => p.length,
                _ => f64::NAN,
            })
            .collect()
    }

    fn pattern_names(&self) -> Vec<String> {
        self.net.patterns.iter().map(|p| p.id.clone()).collect()
    }

    fn pattern(&self, name: &str) -> PyResult<Vec<f64>> {
        self.net
            .pattern(name)
            .map(|p| p.factors.clone())
            .ok_or_else(|| PyValueError::new_err(format!("no pattern '{name}'")))
    }

    /// `(base, pattern, category)` per demand category of a junction.
    fn demands(&self, node: &str) -> PyResult<Vec<DemandRow>> {
        let j = edit::junction(&self.net, node).map_err(PyValueError::new_err)?;
        Ok(j.demands
            .iter()
            .map(|d| (d.base, d.pattern.clone(), d.category.clone()))
            .collect())
    }

    fn emitter_coefficient(&self, node: &str) -> PyResult<f64> {
        Ok(edit::junction(&self.net, node)
            .map_err(PyValueError::new_err)?
            .emitter_coefficient)
    }

    /// `OPEN`, `CLOSED`, a number (pump speed or valve setting) or None.
    fn link_initial_status(&self, link: &str) -> PyResult<Option<String>> {
        let k = self
            .net
            .link_index(link)
            .ok_or_else(|| PyValueError::new_err(format!("no link '{link}'")))?;
        Ok(edit::initial_status(&self.net.links[k]))
    }

    /// `CFS`, `GPM`, …, `CMD`: the flow units of the file.
    fn flow_units(&self) -> &'static str {
        self.net.options.flow_units.keyword()
    }

    /// The units results report pressure in: `PSI` (US flow units), `KPA` or
    /// `METERS` (SI flow units; metres unless the file asks for kPa).
    fn pressure_units(&self) -> &'static str {
        let o = &self.net.options;
        match (o.flow_units.is_si(), o.pressure_units) {
            (false, _) => "PSI",
            (true, Some(PressureUnits::Kpa)) => "KPA",
            (true, _) => "METERS",
        }
    }

    /// `H-W`, `D-W` or `C-M`.
    fn headloss_formula(&self) -> &'static str {
        match self.net.options.headloss {
            HeadlossFormula::HazenWilliams => "H-W",
            HeadlossFormula::DarcyWeisbach => "D-W",
            HeadlossFormula::ChezyManning => "C-M",
        }
    }

    /// The `[OPTIONS] QUALITY` words (empty for none).
    fn quality_option(&self) -> Vec<String> {
        self.net.options.quality.clone()
    }

    /// `(duration, hydraulic step, pattern step, report step, report start)`, seconds.
    fn times(&self) -> (i64, i64, i64, i64, i64) {
        let t = &self.net.times;
        (
            t.duration_s,
            t.hydraulic_step_s,
            t.pattern_step_s,
            t.report_step_s,
            t.report_start_s,
        )
    }

    /// Makes one change (see `oasis_twin.edits` for the operations).
    #[pyo3(signature = (op, target, value=None))]
    fn apply(&mut self, op: &str, target: &str, value: Option<Value>) -> PyResult<()> {
        let e = Edit::parse(op, target, value).map_err(PyValueError::new_err)?;
        e.apply(&mut self.net).map_err(PyValueError::new_err)
    }

    /// Solves time 0 (`steady`) or the whole duration, with water quality
    /// when `quality` (an extended run only). The GIL is released meanwhile.
    fn run(&self, py: Python<'_>, steady: bool, quality: bool) -> PyResult<Py<PyDict>> {
        let net = &self.net;
        let results = py.detach(|| run::run(net, None, steady, quality));
        match results {
            Ok(r) => results_dict(py, &r),
            Err(e) => Err(hydraulics_error(py, &e)),
        }
    }
}

/// Runs every scenario (a list of edits applied to a copy of `base`) on
/// `threads` threads with the GIL released, all sharing the base network's
/// solver structure. Returns, in scenario order, a results dict or the
/// exception that scenario raised.
#[pyfunction]
fn run_scenarios(
    py: Python<'_>,
    base: &PyNetwork,
    scenarios: Vec<Vec<(String, String, Option<Value>)>>,
    steady: bool,
    quality: bool,
    threads: usize,
) -> PyResult<Py<PyList>> {
    let mut parsed = Vec::with_capacity(scenarios.len());
    for (i, edits) in scenarios.into_iter().enumerate() {
        let edits: Result<Vec<Edit>, String> = edits
            .into_iter()
            .map(|(op, target, value)| Edit::parse(&op, &target, value))
            .collect();
        parsed.push(edits.map_err(|e| PyValueError::new_err(format!("scenario {i}: {e}")))?);
    }
    let net = &base.net;
    let outcomes = py.detach(|| run::run_many(net, &parsed, steady, quality, threads));
    let list = PyList::empty(py);
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let item: Py<PyAny> = match outcome {
            Outcome::Done(r) => results_dict(py, &r)?.into_any(),
            Outcome::BadEdit(e) => PyValueError::new_err(format!("scenario {i}: {e}"))
                .into_value(py)
                .into_any(),
            Outcome::Failed(e) => hydraulics_error(py, &e).into_value(py).into_any(),
        };
        list.append(item)?;
    }
    Ok(list.unbind())
}

fn bytes<'py>(py: Python<'py>, values: &[f64]) -> Bound<'py, PyBytes> {
    let mut out = Vec::with_capacity(values.len() * 8);
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    PyBytes::new(py, &out)
}

fn results_dict(py: Python<'_>, r: &Results) -> PyResult<Py<PyDict>> {
    let d = PyDict::new(py);
    d.set_item("time", &r.time_s)?;
    d.set_item("warnings", &r.warnings)?;
    d.set_item("iterations", &r.iterations)?;
    d.set_item("has_quality", r.has_quality)?;
    let node = PyDict::new(py);
    for (name, values) in [
        ("head", &r.head),
        ("pressure", &r.pressure),
        ("demand", &r.demand),
        ("quality", &r.node_quality),
    ] {
        node.set_item(name, bytes(py, values))?;
    }
    let link = PyDict::new(py);
    for (name, values) in [
        ("flowrate", &r.flow),
        ("velocity", &r.velocity),
        ("headloss", &r.headloss),
        ("status", &r.status_code),
        ("setting", &r.setting),
        ("quality", &r.link_quality),
    ] {
        link.set_item(name, bytes(py, values))?;
    }
    d.set_item("node", node)?;
    d.set_item("link", link)?;
    Ok(d.unbind())
}

/// An instance of one of the package's exception classes (`oasis_twin.errors`).
fn package_error<'py>(
    py: Python<'py>,
    class: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
) -> PyErr {
    let made = py
        .import("oasis_twin.errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call1(args));
    match made {
        Ok(e) => PyErr::from_value(e),
        Err(e) => e,
    }
}

fn inp_error(py: Python<'_>, e: &ReadError) -> PyErr {
    let lines: Vec<(usize, String, String, String, u16, String)> = match e {
        ReadError::Input { errors, .. } => errors
            .iter()
            .map(|l| {
                (
                    l.line,
                    l.section.clone(),
                    l.field.clone(),
                    l.token.clone(),
                    l.code,
                    l.message.clone(),
                )
            })
            .collect(),
        ReadError::Network { .. } => Vec::new(),
    };
    package_error(py, "InpError", (e.to_string(), e.code(), lines))
}

fn hydraulics_error(py: Python<'_>, e: &HydraulicsError) -> PyErr {
    let junction = match e {
        HydraulicsError::Unsolvable { junction } => Some(junction.clone()),
        HydraulicsError::Input { .. } => None,
    };
    package_error(py, "HydraulicsError", (e.to_string(), e.code(), junction))
}

#[pymodule]
fn _oasis(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyNetwork>()?;
    m.add_function(wrap_pyfunction!(read_inp, m)?)?;
    m.add_function(wrap_pyfunction!(run_scenarios, m)?)?;
    Ok(())
}
