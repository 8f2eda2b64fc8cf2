//! One toolkit project: the model, the files it was opened with, and the
//! hydraulic and quality solvers, stepped as EPANET's toolkit steps them.

use oasis_hydraulics::{
    QualityResults, QualityRouter, QualitySnapshot, RunResults, SavedHydraulics, Simulation,
    Snapshot,
};
use oasis_network::Network;
use oasis_output::RunInfo;

/// An EPANET error or warning code (0 = ok).
pub type Code = i32;
pub type Result<T> = std::result::Result<T, Code>;

/// `EN_initH`'s flag asks to save the hydraulics (`EN_SAVE`, `EN_SAVE_AND_INIT`).
fn saves(init_flag: i32) -> bool {
    init_flag % 10 == 1
}

/// `EN_initH`'s flag asks to initialize link flows (`EN_INITFLOW`, `EN_SAVE_AND_INIT`).
fn inits_flows(init_flag: i32) -> bool {
    init_flag / 10 > 0
}

#[derive(Default)]
pub struct Project {
    pub(crate) net: Network,
    /// A network is loaded (`EN_open` or `EN_init`).
    pub(crate) opened: bool,
    pub(crate) rpt_path: String,
    pub(crate) out_path: String,
    pub(crate) info: RunInfo,
    /// Between `EN_openH` and `EN_closeH`.
    pub(crate) hyd: Option<HydSolver>,
    /// The last saved hydraulic run (EPANET's hydraulics file).
    pub(crate) saved: Option<SavedRun>,
    /// Between `EN_openQ` and `EN_closeQ`.
    pub(crate) qual: Option<QualSolver>,
    /// Results saved for `EN_report` (by `EN_solveQ`, `EN_closeQ` or `EN_saveH`).
    pub(crate) output: Option<Output>,
    /// What the getters read: the latest solution.
    pub(crate) now: Now,
    /// The last warning of the run (EPANET's `Warnflag`).
    pub(crate) warn_flag: Code,
}

/// The latest hydraulic and quality solution.
#[derive(Default)]
pub(crate) struct Now {
    pub hyd: Option<Snapshot>,
    pub qual: Option<QualitySnapshot>,
    pub htime: i64,
    pub qtime: i64,
    pub halted: bool,
    /// Junctions' demand deficits after the last solve (flow units).
    pub deficits: Vec<f64>,
}

/// An open hydraulic solver; `run` is there once `EN_initH` was called.
#[derive(Default)]
pub(crate) struct HydSolver {
    pub run: Option<Running>,
    /// The last run's link flows, which a new `EN_initH` starts from
    /// unless asked to initialize them (EPANET's `EN_INITFLOW`).
    flows: Vec<f64>,
}

/// A hydraulic run in progress over a copy of the model taken at `EN_initH`.
pub(crate) struct Running {
    // Declared before `net`, so dropped before it: it borrows it.
    pub sim: Simulation<'static>,
    save: bool,
    steps: Vec<Snapshot>,
    periods: Vec<Snapshot>,
    record: Vec<SavedHydraulics>,
    /// This period's hydraulics, waiting for the step `EN_nextH` takes.
    pending: Option<SavedHydraulics>,
    net: Box<Network>,
}

impl Running {
    fn start(net: &Network, save: bool) -> Result<Running> {
        let net = Box::new(net.clone());
        // SAFETY: the simulation borrows the boxed network, whose heap address
        // never changes, and which is neither changed nor dropped while the
        // simulation lives: both are private to this struct, `sim` is dropped
        // first (field order), and `finish` consumes `sim` before it hands
        // the network out.
        let shared: &'static Network = unsafe { &*(&*net as *const Network) };
        let mut sim = Simulation::new(shared).map_err(|e| e.code() as Code)?;
        // `[REPORT] STATUS FULL` reports every trial of every solve.
        if save && oasis_output::status_level(shared) == 2 {
            sim.record_trials();
        }
        Ok(Running {
            sim,
            save,
            steps: Vec::new(),
            periods: Vec::new(),
            record: Vec::new(),
            pending: None,
            net,
        })
    }

    /// Carries an edit of the model made while the run is open into it,
    /// as EPANET applies a property set while its solver is open.
    fn follow(&mut self, edited: &Network) -> Result<()> {
        if *self.net == *edited {
            return Ok(());
        }
        let net = Box::new(edited.clone());
        // SAFETY: as in `start`; the old network is dropped only after the
        // simulation has moved to the new one.
        let shared: &'static Network = unsafe { &*(&*net as *const Network) };
        self.sim.continue_on(shared).map_err(|e| e.code() as Code)?;
        self.net = net;
        Ok(())
    }

    fn finish(self) -> SavedRun {
        let Running {
            sim,
            steps,
            periods,
            mut record,
            pending,
            net,
            ..
        } = self;
        let results = sim.finish(periods);
        record.extend(pending);
        SavedRun {
            net: *net,
            results,
            steps,
            record,
        }
    }
}

/// A whole saved hydraulic run: what quality routing, the output file and
/// the report are made from.
pub(crate) struct SavedRun {
    pub net: Network,
    pub results: RunResults,
    /// Every hydraulic step, reporting or not.
    pub steps: Vec<Snapshot>,
    pub record: Vec<SavedHydraulics>,
}

impl SavedRun {
    fn has_quality(&self) -> bool {
        self.net.times.duration_s > 0
            && self
                .net
                .options
                .quality
                .first()
                .is_some_and(|q| !q.eq_ignore_ascii_case("NONE"))
    }
}

/// An open quality solver over a copy of the saved hydraulics.
pub(crate) struct QualSolver {
    // Declared first, so dropped first: it borrows the boxes below.
    router: Option<QualityRouter<'static>>,
    sim: Box<Simulation<'static>>,
    record: Box<[SavedHydraulics]>,
    net: Box<Network>,
    save: bool,
    /// Quality has been routed: a new `EN_initQ` must start afresh.
    routed: bool,
}

impl QualSolver {
    fn start(saved: &SavedRun) -> Result<QualSolver> {
        let net = Box::new(saved.net.clone());
        let record: Box<[SavedHydraulics]> = saved.record.clone().into();
        // SAFETY: as for `Running`: the boxes keep their heap addresses, are
        // never changed, and outlive `router` and `sim` (field order).
        let shared_net: &'static Network = unsafe { &*(&*net as *const Network) };
        let sim = Box::new(Simulation::new(shared_net).map_err(|e| e.code() as Code)?);
        let mut q = QualSolver {
            router: None,
            sim,
            record,
            net,
            save: false,
            routed: false,
        };
        let (sim, record): (&'static Simulation<'static>, &'static [SavedHydraulics]) = unsafe {
            (
                &*(&*q.sim as *const Simulation<'static>),
                &*(&*q.record as *const [SavedHydraulics]),
            )
        };
        q.router = Some(QualityRouter::new(&q.net, sim, record).map_err(|e| e.code() as Code)?);
        Ok(q)
    }

    fn router(&mut self) -> &mut QualityRouter<'static> {
        self.routed = true;
        self.router.as_mut().expect("made in start")
    }
}

pub(crate) struct Output {
    pub quality: Option<QualityResults>,
}

impl Project {
    pub fn new() -> Project {
        Project::default()
    }

    /// `EN_open`: reads the input file. On error the project stays closed.
    pub fn open(&mut self, inp: &str, rpt: &str, out: &str) -> Result<Code> {
        self.close();
        if !rpt.is_empty() && (rpt == inp || rpt == out) || (!out.is_empty() && out == inp) {
            return Err(301);
        }
        let bytes = std::fs::read(inp).map_err(|_| 302)?;
        self.rpt_path = rpt.to_string();
        self.out_path = out.to_string();
        let mut info = RunInfo::from_inp(inp, &bytes);
        info.started = now_ctime();
        match oasis_network::read_inp(&bytes, inp) {
            Ok(net) => {
                self.net = net;
                self.info = info;
                self.opened = true;
                Ok(0)
            }
            Err(e) => {
                // EPANET lists each bad line in the report file.
                if !rpt.is_empty() {
                    let _ = std::fs::write(rpt, format!("  {e}\n"));
                }
                Err(e.code() as Code)
            }
        }
    }

    /// `EN_init`: an empty network to build with the add functions.
    pub fn init(&mut self, rpt: &str, out: &str, flow_units: i32, headloss: i32) -> Result<Code> {
        self.close();
        let flow = crate::codes::flow_units(flow_units).ok_or(251)?;
        let formula = crate::codes::headloss(headloss).ok_or(251)?;
        self.net = Network::default();
        self.net.options.flow_units = flow;
        self.net.options.headloss = formula;
        self.rpt_path = rpt.to_string();
        self.out_path = out.to_string();
        self.info = RunInfo {
            started: now_ctime(),
            ..RunInfo::default()
        };
        self.opened = true;
        Ok(0)
    }

    /// `EN_close`: forgets the network and every result.
    pub fn close(&mut self) {
        *self = Project::default();
    }

    pub(crate) fn check_open(&self) -> Result<()> {
        if self.opened { Ok(()) } else { Err(102) }
    }

    /// The model may not change shape while a solver is open (error 262).
    pub(crate) fn check_no_solver(&self) -> Result<()> {
        if self.hyd.is_some() || self.qual.is_some() {
            Err(262)
        } else {
            Ok(())
        }
    }

    // ---- hydraulics ----------------------------------------------------

    pub fn open_h(&mut self) -> Result<Code> {
        self.check_open()?;
        self.hyd = Some(HydSolver::default());
        Ok(0)
    }

    pub fn init_h(&mut self, flag: i32) -> Result<Code> {
        self.check_open()?;
        let hyd = self.hyd.as_mut().ok_or(103)?;
        // A new run replaces an unfinished one, whose results are dropped.
        if let Some(before) = hyd.run.take() {
            hyd.flows = before.sim.flows().to_vec();
        }
        let mut run = Running::start(&self.net, saves(flag))?;
        if !inits_flows(flag) {
            run.sim.keep_flows(&hyd.flows);
        }
        hyd.run = Some(run);
        if saves(flag) {
            self.saved = None;
            self.output = None;
        }
        self.warn_flag = 0;
        self.now = Now::default();
        Ok(0)
    }

    /// `EN_runH`: the caller may have edited the model since the last step.
    pub fn run_h(&mut self) -> Result<(i64, Code)> {
        let run = self.hyd.as_mut().and_then(|h| h.run.as_mut()).ok_or(103)?;
        run.follow(&self.net)?;
        self.solve_step()
    }

    fn solve_step(&mut self) -> Result<(i64, Code)> {
        let run = self.hyd.as_mut().and_then(|h| h.run.as_mut()).ok_or(103)?;
        let snap = run.sim.run().map_err(|e| e.code() as Code)?;
        let warning = snap.warning_code();
        if warning > 0 {
            self.warn_flag = warning;
        }
        let t = snap.time_s;
        if run.save {
            run.pending = Some(run.sim.saved_hydraulics());
            run.steps.push(snap.clone());
            if run.sim.is_reporting_time(t) {
                run.periods.push(snap.clone());
            }
        }
        self.now.deficits = run.sim.demand_deficits();
        self.now.hyd = Some(snap);
        self.now.htime = t;
        self.now.halted = run.sim.halted();
        Ok((t, warning))
    }

    /// `EN_nextH`: the caller may have edited the model since `EN_runH`.
    pub fn next_h(&mut self) -> Result<i64> {
        let run = self.hyd.as_mut().and_then(|h| h.run.as_mut()).ok_or(103)?;
        run.follow(&self.net)?;
        self.advance()
    }

    fn advance(&mut self) -> Result<i64> {
        let run = self.hyd.as_mut().and_then(|h| h.run.as_mut()).ok_or(103)?;
        let step = run.sim.next().map_err(|e| e.code() as Code)?;
        if let Some(mut h) = run.pending.take() {
            h.set_step_s(step);
            run.record.push(h);
        }
        self.now.htime = run.sim.time_s();
        Ok(step)
    }

    /// `EN_closeH`: closing a solver that is not open is no error.
    pub fn close_h(&mut self) -> Result<Code> {
        self.check_open()?;
        let Some(hyd) = self.hyd.take() else {
            return Ok(0);
        };
        if let Some(run) = hyd.run.filter(|r| r.save && !r.steps.is_empty()) {
            self.saved = Some(run.finish());
        }
        Ok(0)
    }

    /// `EN_solveH`: a whole hydraulic run, saved for quality and reporting.
    pub fn solve_h(&mut self) -> Result<Code> {
        self.open_h()?;
        let outcome = (|| {
            self.init_h(1)?;
            // Nothing can edit the model between these steps.
            loop {
                self.solve_step()?;
                if self.advance()? == 0 {
                    return Ok(());
                }
            }
        })();
        self.close_h()?;
        outcome.map(|()| self.warn_flag)
    }

    // ---- water quality --------------------------------------------------

    pub fn open_q(&mut self) -> Result<Code> {
        self.check_open()?;
        let saved = self.saved.as_ref().ok_or(104)?;
        self.qual = Some(QualSolver::start(saved)?);
        Ok(0)
    }

    pub fn init_q(&mut self, save: bool) -> Result<Code> {
        let qual = self.qual.as_mut().ok_or(105)?;
        let saved = self.saved.as_ref().ok_or(104)?;
        // The solver `EN_openQ` made is used as it is, unless it has routed.
        if qual.routed {
            *qual = QualSolver::start(saved)?;
        }
        qual.save = save;
        if save {
            self.output = None;
        }
        self.now.qtime = 0;
        Ok(0)
    }

    pub fn run_q(&mut self) -> Result<i64> {
        let router = self.qual.as_mut().ok_or(105)?.router();
        let saved = self.saved.as_ref().ok_or(104)?;
        let t = router.run();
        self.now.qual = Some(router.snapshot());
        self.now.hyd = saved.steps.get(router.period()).cloned();
        self.now.qtime = t;
        Ok(t)
    }

    pub fn next_q(&mut self) -> Result<i64> {
        let step = self.qual.as_mut().ok_or(105)?.router().next();
        self.now.qtime += step;
        Ok(step)
    }

    pub fn step_q(&mut self) -> Result<i64> {
        let router = self.qual.as_mut().ok_or(105)?.router();
        let left = router.step().ok_or(307)?;
        // EPANET's getters read its quality arrays as the step left them.
        let now = router.snapshot();
        self.now.qtime = now.time_s;
        self.now.qual = Some(now);
        Ok(left)
    }

    /// Closing a solver started to save its results saves them for the
    /// output file and the report.
    pub fn close_q(&mut self) -> Result<Code> {
        self.check_open()?;
        let Some(qual) = self.qual.take() else {
            return Ok(0);
        };
        if qual.save {
            self.save_quality()?;
        }
        Ok(0)
    }

    /// `EN_solveQ`: water quality over the saved hydraulics, saved to the
    /// output file for the report.
    pub fn solve_q(&mut self) -> Result<Code> {
        self.check_open()?;
        self.save_quality()?;
        Ok(0)
    }

    /// The whole quality run, routed hydraulic step by hydraulic step as
    /// `EN_solveQ` routes it, kept for the output file and the report.
    fn save_quality(&mut self) -> Result<()> {
        let saved = self.saved.as_ref().ok_or(104)?;
        let quality = if saved.has_quality() {
            Some(
                oasis_hydraulics::water_quality_from(&saved.net, &saved.record)
                    .map_err(|e| e.code() as Code)?,
            )
        } else {
            None
        };
        self.now.qual = quality.as_ref().and_then(|q| q.steps.last().cloned());
        self.now.qtime = self.now.qual.as_ref().map_or(0, |s| s.time_s);
        self.now.hyd = saved.steps.last().cloned();
        self.output = Some(Output { quality });
        self.write_out()
    }

    /// `EN_saveH`: the saved hydraulics to the output file, without quality.
    pub fn save_h(&mut self) -> Result<Code> {
        if self.saved.is_none() {
            return Err(104);
        }
        self.output = Some(Output { quality: None });
        self.write_out()?;
        Ok(0)
    }

    fn run_for_output(&self) -> Result<(&SavedRun, oasis_output::Run<'_>)> {
        let saved = self.saved.as_ref().ok_or(104)?;
        let output = self.output.as_ref().ok_or(106)?;
        Ok((
            saved,
            oasis_output::Run {
                results: &saved.results,
                quality: output.quality.as_ref(),
                steps: Some(&saved.steps),
            },
        ))
    }

    fn write_out(&self) -> Result<()> {
        if self.out_path.is_empty() {
            return Ok(());
        }
        let (saved, run) = self.run_for_output()?;
        let bytes = oasis_output::write_out(&saved.net, &run, &self.info).map_err(|_| 308)?;
        std::fs::write(&self.out_path, bytes).map_err(|_| 304)
    }

    /// `EN_report`: the report file from the saved results.
    pub fn report(&mut self) -> Result<Code> {
        self.check_open()?;
        self.info.ended = now_ctime();
        let (saved, run) = self.run_for_output()?;
        if self.rpt_path.is_empty() {
            return Ok(0);
        }
        let rpt =
            oasis_output::write_report_bytes(&saved.net, &run, &self.info).map_err(|_| 309)?;
        std::fs::write(&self.rpt_path, rpt).map_err(|_| 303)?;
        if let Some((second, rpt2)) =
            oasis_output::write_secondary_report_bytes(&saved.net, &run, &self.info)
                .map_err(|_| 309)?
        {
            std::fs::write(second, rpt2).map_err(|_| 303)?;
        }
        Ok(0)
    }

    /// `EN_saveinpfile`: the model as an `.inp` file.
    pub fn save_inp(&self, path: &str) -> Result<Code> {
        self.check_open()?;
        // EPANET's file names hold at most MAXFNAME (259) characters.
        if path.len() > 259 {
            return Err(302);
        }
        let text = oasis_network::write_inp(&self.net);
        // A file read as Latin-1 is written back so, as EPANET writes the bytes it read.
        let bytes = match self.info.latin1 && text.chars().all(|c| (c as u32) < 256) {
            true => text.chars().map(|c| c as u8).collect(),
            false => text.into_bytes(),
        };
        std::fs::write(path, bytes).map_err(|_| 308)?;
        Ok(0)
    }

    /// `EN_savehydfile`: the saved hydraulics in EPANET's hydraulics file format.
    pub fn save_hyd_file(&self, path: &str) -> Result<Code> {
        self.check_open()?;
        let saved = self.saved.as_ref().ok_or(104)?;
        let bytes = oasis_hydraulics::write_hydraulics_file(&saved.net, &saved.record);
        std::fs::write(path, bytes).map_err(|_| 305)?;
        Ok(0)
    }

    /// `EN_usehydfile`: hydraulics read from a file (EPANET's or ours)
    /// instead of solved; quality, the output file and the report use them.
    pub fn use_hyd_file(&mut self, path: &str) -> Result<Code> {
        self.check_open()?;
        if self.hyd.is_some() {
            return Err(108);
        }
        let bytes = std::fs::read(path).map_err(|_| 305)?;
        let record = oasis_hydraulics::read_hydraulics_file(&self.net, &bytes)
            .map_err(|e| e.code() as Code)?;
        let sim = Simulation::new(&self.net).map_err(|e| e.code() as Code)?;
        let steps: Vec<Snapshot> = record.iter().map(|h| sim.snapshot_of(h)).collect();
        let periods = steps
            .iter()
            .filter(|s| sim.is_reporting_time(s.time_s))
            .cloned()
            .collect();
        drop(sim);
        let energy = (self.net.links.iter().enumerate())
            .filter(|(_, l)| matches!(l.kind, oasis_network::LinkKind::Pump(_)))
            .map(|(k, _)| oasis_hydraulics::PumpEnergy {
                link: k,
                ..Default::default()
            })
            .collect();
        let results = RunResults {
            periods,
            energy,
            peak_kw: 0.0,
            demand_charge_rate: 0.0,
            duration_s: self.net.times.duration_s,
            warning_flag: 0,
            actions: Vec::new(),
        };
        self.saved = Some(SavedRun {
            net: self.net.clone(),
            results,
            steps,
            record,
        });
        self.output = None;
        Ok(0)
    }

    /// `EN_runproject`: open, solve hydraulics and quality, report, close.
    pub fn run_project(&mut self, inp: &str, rpt: &str, out: &str) -> Result<Code> {
        self.open(inp, rpt, out)?;
        let outcome = (|| {
            let warn = self.solve_h()?;
            self.solve_q()?;
            self.report()?;
            Ok(warn)
        })();
        self.close();
        outcome
    }
}

/// The current time as C's `ctime` prints it, for the report's header.
fn now_ctime() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    oasis_output::ctime(secs)
}
