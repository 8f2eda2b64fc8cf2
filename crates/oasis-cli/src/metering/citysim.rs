//! `oasis citysim`: a districted synthetic city simulated by the twin, with the meter data a
//! utility would have and the truth (`oasis-citysim`), written to a directory; or, with
//! `--bulk`, only the register and readings of many customer meters for the speed benchmark.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use oasis_citysim::{BulkCity, CitySimOptions, write_bulk_readings, write_bulk_register, write_files};

#[derive(clap::Args)]
pub struct CitysimArgs {
    /// Output directory.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Wanted junctions (rounded to whole districts).
    #[arg(long, default_value_t = 400)]
    pub junctions: usize,
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write only the benchmark's customer meters (this many), their districts and readings.
    #[arg(long)]
    pub bulk: Option<usize>,
    /// Districts of the bulk city.
    #[arg(long, default_value_t = 100)]
    pub bulk_districts: usize,
    /// Reading interval of the bulk city, s.
    #[arg(long, default_value_t = 900)]
    pub interval_s: u32,
}

pub fn run(args: CitysimArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.output).with_context(|| format!("cannot make {}", args.output.display()))?;
    let create = |name: &str| -> anyhow::Result<BufWriter<File>> {
        let p = args.output.join(name);
        Ok(BufWriter::with_capacity(1 << 20, File::create(&p).with_context(|| format!("cannot write {}", p.display()))?))
    };
    if let Some(meters) = args.bulk {
        let city = BulkCity::new(meters, args.bulk_districts, args.seed);
        let (mut m, mut d, mut t) = (create("meters.csv")?, create("districts.csv")?, create("district-tree.csv")?);
        write_bulk_register(&city, &mut m, &mut d, &mut t)?;
        for w in [&mut m, &mut d, &mut t] {
            w.flush()?;
        }
        let mut r = create("readings.csv")?;
        write_bulk_readings(meters, args.days, args.interval_s, args.seed, args.bulk_districts, &mut r)?;
        r.flush()?;
        println!("{}: {meters} customer meters in {} districts, {} days of readings every {} s", args.output.display(), args.bulk_districts, args.days, args.interval_s);
        return Ok(());
    }
    let opts = CitySimOptions { junctions: args.junctions, days: args.days, seed: args.seed, ..Default::default() };
    let sim = oasis_citysim::simulate(&opts).map_err(|e| anyhow::anyhow!("{e}"))?;
    write_files(&sim, |name| {
        let p = args.output.join(name);
        let f = File::create(&p)?;
        Ok(Box::new(BufWriter::new(f)) as Box<dyn Write>)
    })?;
    println!(
        "{}: network.inp, meters.csv ({} meters), readings.csv ({} readings), truth.csv, README.md",
        args.output.display(),
        sim.meters.len(),
        sim.readings.len()
    );
    Ok(())
}
