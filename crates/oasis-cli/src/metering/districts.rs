//! `oasis districts build|show`: districts from the network cut at the register's bulk meters
//! (or drawn by hand, or, without a network, named by the register), stored with the meters that
//! feed and bill each one (`oasis_audit::districts`).

use std::path::PathBuf;

use anyhow::Context;
use oasis_audit::districts::Lists;
use oasis_network::Network;
use oasis_store::{DistrictMeter, MeterRole, StoredDistrict};

#[derive(clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
    /// The network (.inp); without it, districts are those the register names.
    #[arg(long)]
    pub network: Option<PathBuf>,
    /// Hand-drawn districts: `district,node` rows.
    #[arg(long, requires = "network", requires = "tree")]
    pub lists: Option<PathBuf>,
    /// The hand-drawn districts' tree: `district,parent,level` rows.
    #[arg(long, requires = "lists")]
    pub tree: Option<PathBuf>,
}

pub fn read_network(path: &std::path::Path) -> anyhow::Result<Network> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    oasis_network::read_inp(&bytes, &path.display().to_string()).map_err(|e| anyhow::anyhow!("{e}"))
}

fn csv_rows(path: &std::path::Path, columns: &[&str]) -> anyhow::Result<Vec<Vec<String>>> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_path(path).with_context(|| format!("cannot open {}", path.display()))?;
    let headers: Vec<String> = rdr.headers()?.iter().map(String::from).collect();
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| headers.iter().position(|h| h == c).with_context(|| format!("{}: no column '{c}'", path.display())))
        .collect::<anyhow::Result<_>>()?;
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| format!("{}: unreadable CSV", path.display()))?;
        out.push(idx.iter().map(|&i| rec.get(i).unwrap_or("").to_string()).collect());
    }
    Ok(out)
}

pub fn build(args: BuildArgs) -> anyhow::Result<()> {
    let mut store = args.db.open()?;
    let built = match &args.network {
        Some(path) => {
            let net = read_network(path)?;
            let source = path.display().to_string();
            match (&args.lists, &args.tree) {
                (Some(lists), Some(tree_path)) => {
                    let rows: Vec<(String, String)> =
                        csv_rows(lists, &["district", "node"])?.into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
                    let mut tree = Vec::new();
                    for (i, r) in csv_rows(tree_path, &["district", "parent", "level"])?.into_iter().enumerate() {
                        let level: u8 = r[2].parse().with_context(|| {
                            format!("{} line {}: field 'level': '{}' is not a level (0–255)", tree_path.display(), i + 2, r[2])
                        })?;
                        tree.push((r[0].clone(), Some(r[1].clone()).filter(|p| !p.is_empty()), level));
                    }
                    oasis_audit::districts::build(&mut store, Some((&net, &source)), Some(Lists { rows: &rows, tree: &tree }))?
                }
                _ => oasis_audit::districts::build(&mut store, Some((&net, &source)), None)?,
            }
        }
        None => oasis_audit::districts::build(&mut store, None, None)?,
    };
    print!("{}", show_text(&built.districts, &built.members, &built.notes));
    Ok(())
}

fn show_text(districts: &[StoredDistrict], members: &[DistrictMeter], notes: &[String]) -> String {
    let mut out = format!(
        "{:<14} {:>5} {:<12} {:>9} {:>10} {:>10} {:>11} {:>9}  {}\n",
        "district", "level", "parent", "junctions", "mains km", "≥DN75 km", "connections", "customers", "inlets (+ in, − out)"
    );
    for d in districts {
        let inlets: Vec<String> = members
            .iter()
            .filter(|m| m.district == d.id && m.role == MeterRole::Inlet)
            .map(|m| format!("{}{}", if m.sign > 0.0 { "+" } else { "−" }, m.meter_id))
            .collect();
        let customers = members.iter().filter(|m| m.district == d.id && m.role == MeterRole::Customer).count();
        out.push_str(&format!(
            "{:<14} {:>5} {:<12} {:>9} {:>10.3} {:>10.3} {:>11} {:>9}  {}\n",
            d.id,
            d.level,
            d.parent.as_deref().unwrap_or("—"),
            d.junctions,
            d.mains_length_m / 1000.0,
            d.mains_length_dn75_m / 1000.0,
            d.connections,
            customers,
            inlets.join(" ")
        ));
    }
    for n in notes {
        out.push_str(&format!("warning: {n}\n"));
    }
    out
}

#[derive(clap::Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub db: super::DbArgs,
}

pub fn show(args: ShowArgs) -> anyhow::Result<()> {
    let store = args.db.open()?;
    let districts = store.districts()?;
    if districts.is_empty() {
        anyhow::bail!("no districts in {}: run `oasis districts build` first", store.dir().display());
    }
    crate::table::emit(&show_text(&districts, &store.district_meters()?, &store.district_notes()?))
}
