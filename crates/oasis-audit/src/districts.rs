//! Districts into the store: cut from a network at the register's bulk meters (or drawn by hand),
//! or, without a network, the districts the register's bulk meters name; each with the meters
//! that feed it (signed), bill in it, and measure its tanks (area) and pressures.

use std::collections::HashMap;

use oasis_districts::{BoundaryMeter, DistrictTree, build_districts, districts_from_lists};
use oasis_metering::{Direction, MeterKind};
use oasis_network::Network;
use oasis_store::{DistrictMeter, MeterRole, MeterStore, StoredDistrict};

use crate::{AuditError, Register};

/// Hand-drawn districts: `(district, node)` rows and `(district, parent, level)` rows.
pub struct Lists<'a> {
    pub rows: &'a [(String, String)],
    pub tree: &'a [(String, Option<String>, u8)],
}

pub struct Built {
    pub districts: Vec<StoredDistrict>,
    pub members: Vec<DistrictMeter>,
    pub notes: Vec<String>,
}

/// Builds the districts and replaces the store's with them (all or nothing).
pub fn build(store: &mut dyn MeterStore, network: Option<(&Network, &str)>, lists: Option<Lists>) -> Result<Built, AuditError> {
    let register = Register::load(store)?;
    let (built, source) = match network {
        Some((net, source)) => {
            let bulk = boundary_meters(&register.meters());
            let tree = match lists {
                Some(l) => districts_from_lists(net, l.rows, l.tree, &bulk)?,
                None => build_districts(net, &bulk, &Default::default())?,
            };
            let (districts, members) = from_tree(net, &tree, &register);
            let notes = tree.warnings.iter().map(|w| w.to_string()).collect();
            (Built { districts, members, notes }, source.to_string())
        }
        None => {
            let (districts, members) = from_register(&register);
            (Built { districts, members, notes: Vec::new() }, "register".to_string())
        }
    };
    store.replace_districts(&source, &built.districts, &built.members, &built.notes)?;
    Ok(built)
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
pub fn tree_for(net: &Network, register: &Register) -> Result<DistrictTree, AuditError> {
    Ok(build_districts(net, &boundary_meters(&register.meters()), &Default::default())?)
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

