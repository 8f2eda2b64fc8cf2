//! `oasis districts build|show`: districts from the network cut at the register's bulk meters
//! (or drawn by hand, or, without a network, named by the register), stored with the meters that
//! feed and bill each one.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::Context;
use oasis_districts::{BoundaryMeter, DistrictTree, build_districts, districts_from_lists};
use oasis_metering::{Direction, MeterKind};
use oasis_network::Network;
use oasis_store::{DistrictMeter, MeterRole, StoredDistrict};

use super::registry::Register;

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

fn boundary_meters(meters: &[oasis_metering::Meter]) -> Vec<BoundaryMeter> {
    meters
        .iter()
        .filter(|m| m.kind == MeterKind::Bulk && m.link.is_some())
        .map(|m| BoundaryMeter {
            meter_id: m.id.clone(),
            link: m.link.clone().unwrap_or_default(),
            zone_level: m.zone_level.unwrap_or(0),
            forward: m.direction == Direction::Forward,
            district_hint: m.district.clone(),
        })
        .collect()
}

/// The districts of a network cut at the register's bulk meters (as `build` makes them).
pub fn tree_for(net: &Network, register: &Register) -> anyhow::Result<DistrictTree> {
    Ok(build_districts(net, &boundary_meters(&register.meters()), &Default::default())?)
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
    let register = Register::load(&store)?;
    let meters = register.meters();
    let (districts, members, notes, source) = match &args.network {
        Some(path) => {
            let net = read_network(path)?;
            let bulk = boundary_meters(&meters);
            let tree = match (&args.lists, &args.tree) {
                (Some(lists), Some(tree_path)) => {
                    let rows: Vec<(String, String)> =
                        csv_rows(lists, &["district", "node"])?.into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
                    let mut tree_rows = Vec::new();
                    for (i, r) in csv_rows(tree_path, &["district", "parent", "level"])?.into_iter().enumerate() {
                        let level: u8 = r[2].parse().with_context(|| format!("{} line {}: field 'level': '{}' is not 0–255", tree_path.display(), i + 2, r[2]))?;
                        tree_rows.push((r[0].clone(), Some(r[1].clone()).filter(|p| !p.is_empty()), level));
                    }
                    districts_from_lists(&net, &rows, &tree_rows, &bulk)?
                }
                _ => build_districts(&net, &bulk, &Default::default())?,
            };
            let (d, m) = from_tree(&net, &tree, &register);
            (d, m, tree.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(), path.display().to_string())
        }
        None => {
            let (d, m) = from_register(&register);
            (d, m, Vec::new(), "register".to_string())
        }
    };
    store.replace_districts(&source, &districts, &members, &notes)?;
    print!("{}", show_text(&districts, &members, &notes));
    Ok(())
}

/// Tank area in m² from the network's diameter (ft in US units, m in SI).
fn tank_area_m2(net: &Network, node: usize) -> Option<f64> {
    let oasis_network::NodeKind::Tank(t) = &net.nodes[node].kind else { return None };
    let d_m = if net.options.flow_units.is_si() { t.diameter } else { t.diameter * 0.3048 };
    Some(std::f64::consts::PI * d_m * d_m / 4.0)
}

fn from_tree(net: &Network, tree: &DistrictTree, register: &Register) -> (Vec<StoredDistrict>, Vec<DistrictMeter>) {
    let node_index: HashMap<&str, usize> = net.nodes.iter().enumerate().map(|(i, n)| (n.id.as_str(), i)).collect();
    let districts = tree
        .districts
        .iter()
        .map(|d| StoredDistrict {
            id: d.id.clone(),
            level: d.level,
            parent: d.parent.map(|p| tree.districts[p].id.clone()),
            junctions: d.junctions.len() as u64,
            mains_length_m: d.mains_length_m,
            mains_length_dn75_m: d.mains_length_dn75_m,
            connections: d.connections as u64,
        })
        .collect();
    let mut members = Vec::new();
    for d in &tree.districts {
        for b in &d.boundary {
            members.push(DistrictMeter { district: d.id.clone(), meter_id: b.meter_id.clone(), role: MeterRole::Inlet, sign: b.sign });
        }
    }
    for e in register.sorted() {
        let m = &e.meter;
        let role = match m.kind {
            MeterKind::Customer => MeterRole::Customer,
            MeterKind::Level => MeterRole::Level,
            MeterKind::Pressure => MeterRole::Pressure,
            _ => continue,
        };
        let node = m.node.as_deref().and_then(|n| node_index.get(n).copied());
        for level in 0..=tree.max_level {
            let district = match node {
                Some(n) => tree.district_of(n, level).map(|i| tree.districts[i].id.clone()),
                None => m.district.clone().filter(|id| tree.index_of(id).is_some_and(|i| tree.districts[i].level == level)),
            };
            let Some(district) = district else { continue };
            let sign = match role {
                MeterRole::Level => match node.and_then(|n| tank_area_m2(net, n)) {
                    Some(a) => a,
                    None => continue,
                },
                _ => 1.0,
            };
            members.push(DistrictMeter { district, meter_id: m.id.clone(), role, sign });
        }
    }
    (districts, members)
}

/// Without a network: one district per `district` a bulk meter names (its level the meter's),
/// fed by those meters, billing the customer meters that name it.
fn from_register(register: &Register) -> (Vec<StoredDistrict>, Vec<DistrictMeter>) {
    let mut districts: Vec<StoredDistrict> = Vec::new();
    let mut members = Vec::new();
    for e in register.sorted() {
        let m = &e.meter;
        let Some(d) = m.district.clone() else { continue };
        match m.kind {
            MeterKind::Bulk => {
                if !districts.iter().any(|x| x.id == d) {
                    districts.push(StoredDistrict {
                        id: d.clone(),
                        level: m.zone_level.unwrap_or(1),
                        parent: None,
                        junctions: 0,
                        mains_length_m: 0.0,
                        mains_length_dn75_m: 0.0,
                        connections: 0,
                    });
                }
                let sign = if m.direction == Direction::Forward { 1.0 } else { -1.0 };
                members.push(DistrictMeter { district: d, meter_id: m.id.clone(), role: MeterRole::Inlet, sign });
            }
            MeterKind::Customer => members.push(DistrictMeter { district: d, meter_id: m.id.clone(), role: MeterRole::Customer, sign: 1.0 }),
            MeterKind::Pressure => members.push(DistrictMeter { district: d, meter_id: m.id.clone(), role: MeterRole::Pressure, sign: 1.0 }),
            _ => {}
        }
    }
    for d in &mut districts {
        d.connections = members.iter().filter(|m| m.district == d.id && m.role == MeterRole::Customer).count() as u64;
    }
    (districts, members)
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
