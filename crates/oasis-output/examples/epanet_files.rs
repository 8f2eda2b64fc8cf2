//! Writes EPANET's `.out` and `.rpt` for a network, as `oasis run --out --report`
//! will: `cargo run -p oasis-output --example epanet_files -- NET.inp OUT.out OUT.rpt`.
//! (The library does no I/O; this example does it for the command line.)

use std::time::{SystemTime, UNIX_EPOCH};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [inp, out, rpt] = args.as_slice() else {
        return Err("usage: epanet_files NET.inp OUT.out OUT.rpt".into());
    };
    let bytes = std::fs::read(inp).map_err(|e| format!("{inp}: {e}"))?;
    let net = oasis_network::read_inp(&bytes, inp).map_err(|e| format!("{inp}: {e}"))?;
    let now = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    };
    let mut info = oasis_output::RunInfo::from_inp(inp, &bytes);
    info.started = oasis_output::ctime(now());
    let has_quality = net.times.duration_s > 0
        && net
            .options
            .quality
            .first()
            .is_some_and(|q| !q.eq_ignore_ascii_case("NONE"));
    let run = if has_quality {
        oasis_hydraulics::simulate(&net, |_, _| {}).map(|(r, q)| (r, Some(q)))
    } else {
        oasis_hydraulics::extended_period(&net).map(|r| (r, None))
    };
    let (results, quality) = match run {
        Ok(r) => r,
        Err(e) => {
            // EPANET writes a report (and no results file) for a run it cannot solve.
            info.ended = oasis_output::ctime(now());
            std::fs::write(
                rpt,
                oasis_output::write_failed_report_bytes(&net, &e, &info),
            )?;
            return Err(format!("{inp}: {e}").into());
        }
    };
    let steps = oasis_output::hydraulic_steps(&net)?;
    let run = oasis_output::Run {
        results: &results,
        quality: quality.as_ref(),
        steps: Some(&steps),
    };
    info.ended = oasis_output::ctime(now());
    std::fs::write(out, oasis_output::write_out(&net, &run, &info)?)?;
    std::fs::write(rpt, oasis_output::write_report_bytes(&net, &run, &info)?)?;
    if let Some((name, second)) = oasis_output::write_secondary_report_bytes(&net, &run, &info)? {
        std::fs::write(&name, second)?;
    }
    Ok(())
}
