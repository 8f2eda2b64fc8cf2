//! Metered districts of a water network (分区计量): the 一级/二级 zones and DMAs
//! whose water balance is computed from their boundary meters.
//!
//! [`build_districts`] derives them from the network and its bulk meters: the
//! districts of level k are the connected parts of the network left after
//! removing every metered link of `zone_level ≤ k` **and every link closed in
//! the network's initial status** (a closed boundary valve is part of a
//! district's boundary, exactly as a meter is; a valve opened later by a
//! control is *not* seen, so the balance of its two sides is off while it is
//! open). A part without a junction (a reservoir alone behind its production
//! meter) is not a district. The whole city (`city`, level 0) is the root and
//! holds every junction. [`districts_from_lists`] takes hand-drawn districts
//! instead and reports the open boundaries the drawing leaves.
//!
//! Every district carries its boundary meters with the sign that turns a
//! meter's reading into inflow, the sources inside it (reservoirs: unmetered
//! input; tanks: storage, whose level change enters the balance), its mains
//! length (all of it and the part of DN ≥ 75 that CJJ 92-2016's R2 uses) and
//! its service connections (UARL, BABE). The crate does no I/O.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use oasis_network::{InitialStatus, LinkKind, Network, NodeKind};

/// A bulk meter on a link, as the meter register describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryMeter {
    pub meter_id: String,
    /// The network link id it sits on.
    pub link: String,
    /// The deepest zoning level it bounds: 0 production, 1 一级, 2 二级, 3 DMA.
    pub zone_level: u8,
    /// `true`: a positive reading is flow from the link's start node to its end node.
    pub forward: bool,
    /// The district the register says this meter feeds (its positive direction), if any.
    pub district_hint: Option<String>,
}

/// A name given to the district of `level` that holds `node`; it wins over meter hints.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictName {
    pub level: u8,
    pub node: String,
    pub id: String,
}

/// Choices for [`build_districts`] (and [`districts_from_lists_with`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DistrictOptions {
    /// Service connections per node (network node order), replacing the default
    /// of one per junction with a positive base demand.
    pub connections_per_node: Option<Vec<usize>>,
    /// Explicit district ids (used before the meters' hints).
    pub names: Vec<DistrictName>,
}

/// A meter on a district's boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryLink {
    pub meter_id: String,
    /// Index of the link in `Network::links`.
    pub link: usize,
    /// +1 if the meter's positive reading flows into this district, −1 if out of it.
    pub sign: f64,
}

/// One district of the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub id: String,
    pub level: u8,
    /// Index of the enclosing district one level up (`None` for the city).
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Node indices (`Network::nodes`) of its junctions, ascending.
    pub junctions: Vec<usize>,
    /// Tanks inside: storage whose level change enters the balance.
    pub tanks: Vec<usize>,
    /// Reservoirs inside: inputs no boundary meter sees.
    pub reservoirs: Vec<usize>,
    pub boundary: Vec<BoundaryLink>,
    /// Length of the pipes with both ends inside, plus half of every pipe with
    /// one end inside (a boundary pipe counts half to each side), metres.
    pub mains_length_m: f64,
    /// The same for pipes of diameter ≥ 75 mm (CJJ 92-2016's pipe length for R2), metres.
    pub mains_length_dn75_m: f64,
    /// Service connections: junctions with a positive base demand unless
    /// [`DistrictOptions::connections_per_node`] says otherwise.
    pub connections: usize,
}

/// The districts of all levels, the city first.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictTree {
    pub districts: Vec<District>,
    /// The deepest level (0 when there are only production meters or none).
    pub max_level: u8,
    /// `node_district[level][node]`: the district of that level holding the node.
    pub node_district: Vec<Vec<Option<usize>>>,
    /// Connections per node (the weights of [`zone_pressure_m`]).
    pub node_connections: Vec<usize>,
    pub warnings: Vec<DistrictWarning>,
}

impl DistrictTree {
    /// The district of `level` holding `node`, if any.
    pub fn district_of(&self, node: usize, level: u8) -> Option<usize> {
        self.node_district
            .get(level as usize)?
            .get(node)
            .copied()
            .flatten()
    }

    /// The index of the district with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.districts.iter().position(|d| d.id == id)
    }

    /// Indices of the districts of `level`, in order.
    pub fn at_level(&self, level: u8) -> impl Iterator<Item = usize> + '_ {
        self.districts
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.level == level)
            .map(|(i, _)| i)
    }
}

/// Something about the districts a person should look at; none stops the work.
#[derive(Debug, Clone, PartialEq)]
pub enum DistrictWarning {
    /// No boundary meter and no source: the district cannot be fed as drawn.
    NoInlet { district: String },
    /// A reservoir inside a district: its input is in no meter's reading.
    UnmeteredSource { district: String, node: String },
    /// The meters feeding one district name different districts: an unmetered
    /// path joins what the register says are separate districts. `open_links`
    /// is one such path (a breadth-first path between the two meters' inner ends).
    HintsDisagree {
        level: u8,
        district: String,
        hints: Vec<(String, String)>,
        open_links: Vec<String>,
    },
    /// A link joining two districts of one level that carries no meter of that
    /// level and is not closed (hand-drawn districts); `districts.1` is `None`
    /// when the far node is in no district.
    OpenBoundary {
        level: u8,
        link: String,
        districts: (String, Option<String>),
    },
    /// A meter whose link has both ends in one district at a level it should bound.
    MeterInside { meter_id: String, district: String },
    /// A junction in no district of `level` (hand-drawn districts).
    UnassignedNode { level: u8, node: String },
    /// Two districts would get the same id; the later one is numbered instead.
    DuplicateId { id: String, numbered_as: String },
}

impl fmt::Display for DistrictWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DistrictWarning::NoInlet { district } => {
                write!(f, "district {district} has no inlet meter and no source")
            }
            DistrictWarning::UnmeteredSource { district, node } => {
                write!(
                    f,
                    "district {district} holds source {node}, whose input no meter reads"
                )
            }
            DistrictWarning::HintsDisagree {
                level,
                district,
                hints,
                open_links,
            } => {
                let h: Vec<String> = hints.iter().map(|(m, d)| format!("{m}→{d}")).collect();
                write!(
                    f,
                    "level {level} district {district}: its meters name different districts ({}); open boundary through unmetered links {}",
                    h.join(", "),
                    open_links.join(", ")
                )
            }
            DistrictWarning::OpenBoundary {
                level,
                link,
                districts,
            } => write!(
                f,
                "level {level}: unmetered open link {link} joins {} and {}",
                districts.0,
                districts.1.as_deref().unwrap_or("no district")
            ),
            DistrictWarning::MeterInside { meter_id, district } => {
                write!(
                    f,
                    "meter {meter_id} has both ends inside district {district}"
                )
            }
            DistrictWarning::UnassignedNode { level, node } => {
                write!(f, "junction {node} is in no district of level {level}")
            }
            DistrictWarning::DuplicateId { id, numbered_as } => {
                write!(
                    f,
                    "district id {id} is taken; this district is {numbered_as}"
                )
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistrictError {
    #[error("meter {meter_id}: link {link} is not in the network")]
    UnknownLink { meter_id: String, link: String },
    #[error("meter {0} is given twice")]
    DuplicateMeter(String),
    #[error("link {link}: its end node {node} is not in the network")]
    UnknownLinkEnd { link: String, node: String },
    #[error("connections_per_node has {got} entries for {nodes} nodes")]
    ConnectionsLength { got: usize, nodes: usize },
    #[error("district name {id} (level {level}): node {node} is not in the network")]
    UnknownNamedNode { level: u8, node: String, id: String },
    #[error("district row {row} ({district}, {node}): node {node} is not in the network")]
    UnknownNode {
        row: usize,
        district: String,
        node: String,
    },
    #[error(
        "district row {row} ({district}, {node}): district {district} is not in the district tree"
    )]
    UnknownDistrict {
        row: usize,
        district: String,
        node: String,
    },
    #[error("district tree row {row}: district {district} is given twice")]
    DuplicateDistrict { row: usize, district: String },
    #[error("district tree row {row}: parent {parent} of {district} is not in the tree")]
    UnknownParent {
        row: usize,
        district: String,
        parent: String,
    },
    #[error(
        "district tree row {row}: {district} at level {level} must have a parent at level {level}-1 (found {found})"
    )]
    BadParentLevel {
        row: usize,
        district: String,
        level: u8,
        found: String,
    },
    #[error("district row {row}: node {node} is in both {first} and {second} at level {level}")]
    NodeInTwoDistricts {
        row: usize,
        node: String,
        level: u8,
        first: String,
        second: String,
    },
}

/// The network's links as node-index pairs, their closed flags and the unit factors.
struct Topology {
    ends: Vec<[usize; 2]>,
    closed: Vec<bool>,
    node_index: HashMap<String, usize>,
    /// Metres per length unit and millimetres per diameter unit.
    m_per_length: f64,
    mm_per_diameter: f64,
}

impl Topology {
    fn new(net: &Network) -> Result<Topology, DistrictError> {
        let node_index: HashMap<String, usize> = net
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.clone(), i))
            .collect();
        let mut ends = Vec::with_capacity(net.links.len());
        let mut closed = Vec::with_capacity(net.links.len());
        for (k, link) in net.links.iter().enumerate() {
            let recorded = net.recorded_link_ends(k);
            let find = |slot: Option<usize>, id: &str| {
                slot.or_else(|| node_index.get(id).copied()).ok_or_else(|| {
                    DistrictError::UnknownLinkEnd {
                        link: link.id.clone(),
                        node: id.to_string(),
                    }
                })
            };
            ends.push([find(recorded[0], &link.from)?, find(recorded[1], &link.to)?]);
            let closed_on_line = matches!(&link.kind, LinkKind::Pipe(p) if p.closed_on_line);
            // `[STATUS]` overrides the pipe line, as EPANET reads them.
            closed.push(match link.initial_status {
                Some(InitialStatus::Closed) => true,
                Some(InitialStatus::Open) => false,
                _ => closed_on_line,
            });
        }
        let si = net.options.flow_units.is_si();
        Ok(Topology {
            ends,
            closed,
            node_index,
            m_per_length: if si { 1.0 } else { 0.3048 },
            mm_per_diameter: if si { 1.0 } else { 25.4 },
        })
    }
}

/// A meter resolved to its link.
struct Meter<'a> {
    m: &'a BoundaryMeter,
    link: usize,
}

fn resolve_meters<'a>(
    net: &Network,
    meters: &'a [BoundaryMeter],
) -> Result<Vec<Meter<'a>>, DistrictError> {
    let link_index: HashMap<&str, usize> = net
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i))
        .collect();
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(meters.len());
    for m in meters {
        if seen.insert(m.meter_id.as_str(), ()).is_some() {
            return Err(DistrictError::DuplicateMeter(m.meter_id.clone()));
        }
        let link = *link_index
            .get(m.link.as_str())
            .ok_or_else(|| DistrictError::UnknownLink {
                meter_id: m.meter_id.clone(),
                link: m.link.clone(),
            })?;
        out.push(Meter { m, link });
    }
    Ok(out)
}

fn node_connections(net: &Network, options: &DistrictOptions) -> Result<Vec<usize>, DistrictError> {
    if let Some(c) = &options.connections_per_node {
        if c.len() != net.nodes.len() {
            return Err(DistrictError::ConnectionsLength {
                got: c.len(),
                nodes: net.nodes.len(),
            });
        }
        return Ok(c.clone());
    }
    Ok(net
        .nodes
        .iter()
        .map(|n| match &n.kind {
            NodeKind::Junction(j) => {
                usize::from(j.demands.iter().map(|d| d.base).sum::<f64>() > 0.0)
            }
            _ => 0,
        })
        .collect())
}

/// Union–find over the nodes, links with `cut[k]` left out.
fn components(n: usize, ends: &[[usize; 2]], cut: &[bool]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (k, e) in ends.iter().enumerate() {
        if !cut[k] {
            let (a, b) = (find(&mut parent, e[0]), find(&mut parent, e[1]));
            // The lower root wins, so a part's root is its lowest node.
            if a != b {
                let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                parent[hi] = lo;
            }
        }
    }
    (0..n).map(|x| find(&mut parent, x)).collect()
}

fn is_junction(net: &Network, i: usize) -> bool {
    matches!(net.nodes[i].kind, NodeKind::Junction(_))
}

fn empty_district(level: u8, parent: Option<usize>) -> District {
    District {
        id: String::new(),
        level,
        parent,
        children: Vec::new(),
        junctions: Vec::new(),
        tanks: Vec::new(),
        reservoirs: Vec::new(),
        boundary: Vec::new(),
        mains_length_m: 0.0,
        mains_length_dn75_m: 0.0,
        connections: 0,
    }
}

/// Builds the districts of every level from the network and its bulk meters.
///
/// Ids come from, in order: [`DistrictOptions::names`]; the `district_hint`s of
/// the meters of the district's own level whose positive reading flows into it,
/// when they agree; else `L<k>-<n>`, n counting the level's districts by their
/// lowest node index. Hints that disagree give a
/// [`DistrictWarning::HintsDisagree`] naming an unmetered path between them.
pub fn build_districts(
    net: &Network,
    meters: &[BoundaryMeter],
    options: &DistrictOptions,
) -> Result<DistrictTree, DistrictError> {
    let topo = Topology::new(net)?;
    let ms = resolve_meters(net, meters)?;
    let conn = node_connections(net, options)?;
    let n = net.nodes.len();
    let max_level = meters.iter().map(|m| m.zone_level).max().unwrap_or(0);
    let mut districts: Vec<District> = Vec::new();
    let mut node_district: Vec<Vec<Option<usize>>> = Vec::new();
    let mut cuts: Vec<Vec<bool>> = Vec::new();
    for level in 0..=max_level {
        let mut cut = topo.closed.clone();
        for m in &ms {
            if m.m.zone_level <= level {
                cut[m.link] = true;
            }
        }
        let root = components(n, &topo.ends, &cut);
        let mut has_junction = vec![false; n];
        for i in 0..n {
            if is_junction(net, i) {
                has_junction[root[i]] = true;
            }
        }
        let mut nd = vec![None; n];
        if level == 0 {
            // The city: every part with a junction, whether or not they touch.
            let mut city = empty_district(0, None);
            city.id = "city".into();
            districts.push(city);
            for i in 0..n {
                if has_junction[root[i]] {
                    nd[i] = Some(0);
                }
            }
        } else {
            let mut index_of_root: HashMap<usize, usize> = HashMap::new();
            for i in 0..n {
                if !has_junction[root[i]] {
                    continue;
                }
                let d = *index_of_root.entry(root[i]).or_insert_with(|| {
                    // Cuts only grow with the level, so the whole part lies in one parent.
                    let parent = node_district[level as usize - 1][i];
                    districts.push(empty_district(level, parent));
                    districts.len() - 1
                });
                nd[i] = Some(d);
            }
        }
        node_district.push(nd);
        cuts.push(cut);
    }
    let mut tree = assemble(net, &topo, &ms, districts, node_district, conn, max_level);
    name_districts(net, &topo, &ms, &cuts, options, &mut tree)?;
    finish_warnings(net, &topo, &ms, &mut tree);
    Ok(tree)
}

/// Fills members, children, boundaries, lengths and connections from `node_district`.
fn assemble(
    net: &Network,
    topo: &Topology,
    ms: &[Meter<'_>],
    mut districts: Vec<District>,
    node_district: Vec<Vec<Option<usize>>>,
    conn: Vec<usize>,
    max_level: u8,
) -> DistrictTree {
    for i in 0..districts.len() {
        if let Some(p) = districts[i].parent {
            districts[p].children.push(i);
        }
    }
    for nd in &node_district {
        for (i, d) in nd.iter().enumerate() {
            let Some(d) = *d else { continue };
            let dist = &mut districts[d];
            match net.nodes[i].kind {
                NodeKind::Junction(_) => {
                    dist.junctions.push(i);
                    dist.connections += conn[i];
                }
                NodeKind::Tank(_) => dist.tanks.push(i),
                NodeKind::Reservoir(_) => dist.reservoirs.push(i),
            }
        }
    }
    for (level, nd) in node_district.iter().enumerate() {
        for m in ms {
            if m.m.zone_level as usize > level {
                continue;
            }
            let [a, b] = topo.ends[m.link];
            let (da, db) = (nd[a], nd[b]);
            if da == db {
                continue;
            }
            let dir = if m.m.forward { 1.0 } else { -1.0 };
            // Positive flow goes start → end (forward): into the end's district.
            if let Some(d) = db {
                districts[d].boundary.push(BoundaryLink {
                    meter_id: m.m.meter_id.clone(),
                    link: m.link,
                    sign: dir,
                });
            }
            if let Some(d) = da {
                districts[d].boundary.push(BoundaryLink {
                    meter_id: m.m.meter_id.clone(),
                    link: m.link,
                    sign: -dir,
                });
            }
        }
        for (k, link) in net.links.iter().enumerate() {
            let LinkKind::Pipe(p) = &link.kind else {
                continue;
            };
            let len = p.length * topo.m_per_length;
            let big = p.diameter * topo.mm_per_diameter >= 75.0;
            let [a, b] = topo.ends[k];
            let mut add = |d: Option<usize>, share: f64| {
                if let Some(d) = d {
                    districts[d].mains_length_m += share * len;
                    if big {
                        districts[d].mains_length_dn75_m += share * len;
                    }
                }
            };
            if nd[a] == nd[b] {
                add(nd[a], 1.0);
            } else {
                add(nd[a], 0.5);
                add(nd[b], 0.5);
            }
        }
    }
    DistrictTree {
        districts,
        max_level,
        node_district,
        node_connections: conn,
        warnings: Vec::new(),
    }
}

fn name_districts(
    net: &Network,
    topo: &Topology,
    ms: &[Meter<'_>],
    cuts: &[Vec<bool>],
    options: &DistrictOptions,
    tree: &mut DistrictTree,
) -> Result<(), DistrictError> {
    let mut named: HashMap<usize, String> = HashMap::new();
    for nm in &options.names {
        let node =
            *topo
                .node_index
                .get(&nm.node)
                .ok_or_else(|| DistrictError::UnknownNamedNode {
                    level: nm.level,
                    node: nm.node.clone(),
                    id: nm.id.clone(),
                })?;
        if let Some(d) = tree.district_of(node, nm.level) {
            named.entry(d).or_insert_with(|| nm.id.clone());
        }
    }
    let meter_of: HashMap<&str, &Meter<'_>> =
        ms.iter().map(|m| (m.m.meter_id.as_str(), m)).collect();
    let mut used: HashMap<String, ()> = HashMap::new();
    let mut counter = vec![0usize; tree.max_level as usize + 1];
    let mut warnings = Vec::new();
    for d in 0..tree.districts.len() {
        let level = tree.districts[d].level;
        counter[level as usize] += 1;
        let numbered = if level == 0 {
            "city".to_string()
        } else {
            format!("L{level}-{}", counter[level as usize])
        };
        let mut hints: Vec<(String, String)> = Vec::new();
        let mut inner_ends: Vec<usize> = Vec::new();
        for b in &tree.districts[d].boundary {
            let m = meter_of[b.meter_id.as_str()];
            if let Some(h) = &m.m.district_hint
                && m.m.zone_level == level
                && b.sign > 0.0
            {
                hints.push((m.m.meter_id.clone(), h.clone()));
                let [a, e] = topo.ends[m.link];
                inner_ends.push(if tree.node_district[level as usize][e] == Some(d) {
                    e
                } else {
                    a
                });
            }
        }
        let mut id = if let Some(name) = named.get(&d) {
            name.clone()
        } else if let Some((_, first)) = hints.first() {
            if let Some(j) = hints.iter().position(|(_, h)| h != first) {
                let path = bfs_path(
                    net,
                    topo,
                    &cuts[level as usize],
                    inner_ends[0],
                    inner_ends[j],
                );
                warnings.push(DistrictWarning::HintsDisagree {
                    level,
                    district: numbered.clone(),
                    hints: hints.clone(),
                    open_links: path,
                });
                numbered.clone()
            } else {
                first.clone()
            }
        } else {
            numbered.clone()
        };
        if used.contains_key(&id) {
            warnings.push(DistrictWarning::DuplicateId {
                id: id.clone(),
                numbered_as: numbered.clone(),
            });
            id = numbered;
        }
        used.insert(id.clone(), ());
        tree.districts[d].id = id;
    }
    tree.warnings.extend(warnings);
    Ok(())
}

/// The link ids of a shortest path from `from` to `to` over links not cut.
fn bfs_path(net: &Network, topo: &Topology, cut: &[bool], from: usize, to: usize) -> Vec<String> {
    let n = net.nodes.len();
    let mut adj: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (k, e) in topo.ends.iter().enumerate() {
        if !cut[k] {
            adj[e[0]].push((e[1], k));
            adj[e[1]].push((e[0], k));
        }
    }
    let mut came: Vec<Option<(usize, usize)>> = vec![None; n];
    let mut seen = vec![false; n];
    seen[from] = true;
    let mut queue = VecDeque::from([from]);
    while let Some(x) = queue.pop_front() {
        if x == to {
            break;
        }
        for &(y, k) in &adj[x] {
            if !seen[y] {
                seen[y] = true;
                came[y] = Some((x, k));
                queue.push_back(y);
            }
        }
    }
    let mut path = Vec::new();
    let mut x = to;
    while let Some((p, k)) = came[x] {
        path.push(net.links[k].id.clone());
        x = p;
    }
    path.reverse();
    path
}

/// The warnings every tree gets: no inlet, unmetered sources, meters inside.
fn finish_warnings(net: &Network, topo: &Topology, ms: &[Meter<'_>], tree: &mut DistrictTree) {
    let mut w = Vec::new();
    for d in &tree.districts {
        if d.boundary.is_empty() && d.reservoirs.is_empty() && d.tanks.is_empty() {
            w.push(DistrictWarning::NoInlet {
                district: d.id.clone(),
            });
        }
        for &r in &d.reservoirs {
            w.push(DistrictWarning::UnmeteredSource {
                district: d.id.clone(),
                node: net.nodes[r].id.clone(),
            });
        }
    }
    for (level, nd) in tree.node_district.iter().enumerate() {
        for m in ms {
            if m.m.zone_level as usize > level {
                continue;
            }
            let [a, b] = topo.ends[m.link];
            if let (Some(da), Some(db)) = (nd[a], nd[b])
                && da == db
            {
                w.push(DistrictWarning::MeterInside {
                    meter_id: m.m.meter_id.clone(),
                    district: tree.districts[da].id.clone(),
                });
            }
        }
    }
    tree.warnings.extend(w);
}

/// Districts drawn by hand: `rows` are `(district, node)` pairs, `tree` the
/// `(district, parent, level)` rows (a level-1 district without a parent hangs
/// under the city). A district holds its own rows' nodes and its children's.
/// Reported: every open, unmetered link joining two districts of one level
/// (or a district and a node in none), and every junction in no district.
pub fn districts_from_lists(
    net: &Network,
    rows: &[(String, String)],
    tree: &[(String, Option<String>, u8)],
    meters: &[BoundaryMeter],
) -> Result<DistrictTree, DistrictError> {
    districts_from_lists_with(net, rows, tree, meters, &DistrictOptions::default())
}

/// [`districts_from_lists`] with options (connections; `names` are ignored:
/// hand-drawn districts are named by their rows).
pub fn districts_from_lists_with(
    net: &Network,
    rows: &[(String, String)],
    tree: &[(String, Option<String>, u8)],
    meters: &[BoundaryMeter],
    options: &DistrictOptions,
) -> Result<DistrictTree, DistrictError> {
    let topo = Topology::new(net)?;
    let ms = resolve_meters(net, meters)?;
    let conn = node_connections(net, options)?;
    let n = net.nodes.len();
    // The city first, unless the tree gives its own level-0 root.
    let mut districts: Vec<District> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let explicit_root = tree.iter().position(|t| t.2 == 0);
    let mut root = empty_district(0, None);
    root.id = explicit_root.map_or("city".to_string(), |r| tree[r].0.clone());
    by_id.insert(root.id.clone(), 0);
    districts.push(root);
    for (row, (id, _, level)) in tree.iter().enumerate() {
        if *level == 0 {
            if Some(row) != explicit_root {
                return Err(DistrictError::DuplicateDistrict {
                    row: row + 1,
                    district: id.clone(),
                });
            }
            continue;
        }
        if by_id.contains_key(id) {
            return Err(DistrictError::DuplicateDistrict {
                row: row + 1,
                district: id.clone(),
            });
        }
        let mut d = empty_district(*level, None);
        d.id = id.clone();
        by_id.insert(id.clone(), districts.len());
        districts.push(d);
    }
    for (row, (id, parent, level)) in tree.iter().enumerate() {
        if *level == 0 {
            continue;
        }
        let p = match parent {
            None => 0,
            Some(p) => *by_id.get(p).ok_or_else(|| DistrictError::UnknownParent {
                row: row + 1,
                district: id.clone(),
                parent: p.clone(),
            })?,
        };
        if districts[p].level + 1 != *level {
            return Err(DistrictError::BadParentLevel {
                row: row + 1,
                district: id.clone(),
                level: *level,
                found: format!("{} at level {}", districts[p].id, districts[p].level),
            });
        }
        districts[by_id[id]].parent = Some(p);
    }
    let max_level = districts.iter().map(|d| d.level).max().unwrap_or(0);
    let mut nd: Vec<Vec<Option<usize>>> = vec![vec![None; n]; max_level as usize + 1];
    for (row, (did, node)) in rows.iter().enumerate() {
        let err_node = || DistrictError::UnknownNode {
            row: row + 1,
            district: did.clone(),
            node: node.clone(),
        };
        let i = *topo.node_index.get(node).ok_or_else(err_node)?;
        let mut d = *by_id
            .get(did)
            .ok_or_else(|| DistrictError::UnknownDistrict {
                row: row + 1,
                district: did.clone(),
                node: node.clone(),
            })?;
        // The node belongs to the district and to every district above it.
        loop {
            let level = districts[d].level as usize;
            match nd[level][i] {
                Some(other) if other != d => {
                    return Err(DistrictError::NodeInTwoDistricts {
                        row: row + 1,
                        node: node.clone(),
                        level: level as u8,
                        first: districts[other].id.clone(),
                        second: districts[d].id.clone(),
                    });
                }
                _ => nd[level][i] = Some(d),
            }
            match districts[d].parent {
                Some(p) => d = p,
                None => break,
            }
        }
    }
    // The city holds every junction.
    for (i, slot) in nd[0].iter_mut().enumerate() {
        if is_junction(net, i) {
            *slot = Some(0);
        }
    }
    let mut tree = assemble(net, &topo, &ms, districts, nd, conn, max_level);
    // The shallowest meter level on each link (a meter bounds its level and deeper).
    let mut min_meter_level: Vec<Option<u8>> = vec![None; net.links.len()];
    for m in &ms {
        let z = &mut min_meter_level[m.link];
        *z = Some(z.map_or(m.m.zone_level, |z| z.min(m.m.zone_level)));
    }
    let mut w = Vec::new();
    for level in 1..=max_level as usize {
        for i in 0..n {
            if !is_junction(net, i) || tree.node_district[level][i].is_some() {
                continue;
            }
            // Report a gap only where this level is drawn over the node's parent.
            let above = tree.node_district[level - 1][i];
            let drawn = match above {
                Some(p) => tree.districts[p]
                    .children
                    .iter()
                    .any(|&c| tree.districts[c].level as usize == level),
                None => false,
            };
            if drawn || level == 1 {
                w.push(DistrictWarning::UnassignedNode {
                    level: level as u8,
                    node: net.nodes[i].id.clone(),
                });
            }
        }
        for (k, link) in net.links.iter().enumerate() {
            if topo.closed[k] {
                continue;
            }
            let [a, b] = topo.ends[k];
            let (da, db) = (tree.node_district[level][a], tree.node_district[level][b]);
            if da == db {
                continue;
            }
            if min_meter_level[k].is_some_and(|z| z as usize <= level) {
                continue;
            }
            // A junction in no district is reported as such; its links would repeat it.
            let (first, second) = match (da, db) {
                (Some(x), Some(y)) => (x, Some(y)),
                (Some(x), None) if !is_junction(net, b) => (x, None),
                (None, Some(y)) if !is_junction(net, a) => (y, None),
                _ => continue,
            };
            w.push(DistrictWarning::OpenBoundary {
                level: level as u8,
                link: link.id.clone(),
                districts: (
                    tree.districts[first].id.clone(),
                    second.map(|s| tree.districts[s].id.clone()),
                ),
            });
        }
    }
    tree.warnings.extend(w);
    finish_warnings(net, &topo, &ms, &mut tree);
    Ok(tree)
}

/// Average zone pressure (AZP) of a district, m: the mean of its junctions'
/// pressures weighted by their connections (where the demand, and so the
/// leakage that the night-day factor scales, is), or the plain mean when it has
/// no connections. `None` for a district without junctions or when the
/// pressures do not cover them.
pub fn zone_pressure_m(
    tree: &DistrictTree,
    district: usize,
    node_pressures_m: &[f64],
) -> Option<f64> {
    let d = tree.districts.get(district)?;
    if d.junctions.is_empty() || d.junctions.iter().any(|&j| j >= node_pressures_m.len()) {
        return None;
    }
    let (mut sw, mut swp) = (0.0, 0.0);
    for &j in &d.junctions {
        let w = *tree.node_connections.get(j).unwrap_or(&0) as f64;
        sw += w;
        swp += w * node_pressures_m[j];
    }
    if sw > 0.0 {
        return Some(swp / sw);
    }
    Some(
        d.junctions
            .iter()
            .map(|&j| node_pressures_m[j])
            .sum::<f64>()
            / d.junctions.len() as f64,
    )
}
