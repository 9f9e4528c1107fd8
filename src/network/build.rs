//! From links to a frozen [`Network`].

use std::collections::BTreeMap;

use geo::{BoundingRect, Contains, Point};
use petgraph::graph::DiGraph;
use petgraph::visit::EdgeRef;
use rstar::{AABB, RTree, RTreeObject};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::load::dataset::Gazetteer;
use crate::load::roads::RoadGraph;
use crate::load::{NetworkParams, RawLink, RoadParams};
use crate::model::{LinkId, LinkStatus, Minutes, Mode, NodeId, Region, UnitId};
use crate::network::generate;
use crate::network::scenario::Scenario;

/// Which links make up the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// Every mode.
    #[default]
    Combined,
    /// Expressways and roads (curated and generated).
    Road,
    /// Rail and HSR, with ordinary roads (curated and generated) to reach the stations;
    /// no expressways.
    Rail,
    /// √(road × rail) per unit pair (a matrix combination, not a network): see
    /// [`crate::route::Matrix::composite`].
    Composite,
}

impl NetworkKind {
    /// Whether links of mode `m` are part of this network.
    pub fn includes(self, m: Mode) -> bool {
        match self {
            NetworkKind::Combined | NetworkKind::Composite => true,
            NetworkKind::Road => matches!(m, Mode::Expressway | Mode::Road),
            NetworkKind::Rail => matches!(m, Mode::Hsr | Mode::Rail | Mode::Road),
        }
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkKind::Combined => "combined",
            NetworkKind::Road => "road",
            NetworkKind::Rail => "rail",
            NetworkKind::Composite => "composite",
        }
    }
}

/// How a link end was attached to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attach {
    /// The code is a unit of the layer (or a code it covers).
    Code,
    /// The code is not in the layer; its position lies in this unit's polygon.
    Location,
    /// Generated from the geometry.
    Generated,
}

/// A link of the network, attached to units, with its time.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// Position in [`Network::links`].
    pub id: LinkId,
    /// The link's id in the data (generated links: `gen-<code>-<code>`).
    pub link_id: String,
    /// The line it belongs to.
    pub line_id: Option<String>,
    /// Line name.
    pub line_name: Option<String>,
    /// Line name in Chinese.
    pub line_name_zh: Option<String>,
    /// The unit at one end.
    pub from: UnitId,
    /// The unit at the other end.
    pub to: UnitId,
    /// The code the file gave for `from`.
    pub from_code: String,
    /// The code the file gave for `to`.
    pub to_code: String,
    /// How each end was attached.
    pub attach: (Attach, Attach),
    /// Mode.
    pub mode: Mode,
    /// Status in the links file.
    pub status: LinkStatus,
    /// Year opened.
    pub opening_year: Option<i32>,
    /// Year due.
    pub planned_year: Option<i32>,
    /// In-vehicle minutes.
    pub minutes: Minutes,
    /// Where the time comes from: the file's `time_source`, `length_km/<speed>kmh` when computed
    /// from the length, or `generated:…` for generated road links.
    pub time_source: String,
    /// Whether the time is an estimate (anything but a timetable figure).
    pub estimate: bool,
    /// Length, km, when known.
    pub length_km: Option<f64>,
    /// True for road links generated from the geometry.
    pub generated: bool,
}

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Node {
    /// The seat of a unit.
    Unit(UnitId),
    /// The station (or access point) of a mode in a unit.
    Station(UnitId, Mode),
    /// A node of a road graph given with `--roads` (its index in
    /// [`crate::load::roads::RoadGraph::nodes`]).
    Road(u32),
}

/// An arc of the graph: its time and the link it belongs to (`None` for access/egress arcs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Arc {
    /// Minutes.
    pub minutes: f64,
    /// The link, or `None` for an access (unit → station) or egress (station → unit) arc.
    pub link: Option<LinkId>,
}

/// What [`build_network`] did, for `info` and reports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildReport {
    /// Links read from the file(s).
    pub links_in_file: usize,
    /// Links in service in the scenario.
    pub links_in_service: usize,
    /// Link ends attached by code.
    pub ends_by_code: usize,
    /// Link ends attached by the polygon containing their position: (link id, end code, unit code).
    pub ends_by_location: Vec<(String, String, String)>,
    /// Links whose two ends fell in the same unit (dropped): link ids.
    pub collapsed: Vec<String>,
    /// Parallel links of one mode between the same units: (kept, dropped).
    pub parallel_dropped: Vec<(String, String)>,
    /// Curated links by mode (in service, after de-duplication).
    pub by_mode: BTreeMap<String, usize>,
    /// Generated contiguity links.
    pub generated_contiguity: usize,
    /// Generated nearest-seat links (not already contiguity links).
    pub generated_nearest: usize,
    /// The road graph, when one was given (then no road links are generated).
    pub roads: Option<crate::network::roads::RoadReport>,
}

/// The frozen network: compact adjacency arrays (CSR), immutable and `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Network {
    kind: NetworkKind,
    nodes: Vec<Node>,
    unit_nodes: Vec<NodeId>,
    offsets: Vec<u32>,
    /// `(arcs[i].minutes, head of arc i)` side by side for the search kernel: one cache line
    /// serves both.
    packed: Vec<(f64, u32)>,
    arcs: Vec<Arc>,
    links: Vec<Link>,
}

impl Network {
    /// Freeze a petgraph graph: node weights say what each node is, edge weights are arcs.
    /// Arcs leaving a node are stored sorted by (head, minutes), so searches are deterministic.
    ///
    /// Every [`Node::Unit`] of units `0..n` must be present; `links` are the links that arcs
    /// refer to. Rejects NaN, infinite and negative arc times.
    pub fn freeze(
        graph: &DiGraph<Node, Arc>,
        links: Vec<Link>,
        kind: NetworkKind,
    ) -> Result<Network> {
        let nodes: Vec<Node> = graph.node_weights().copied().collect();
        let arcs = graph
            .edge_references()
            .map(|e| {
                (
                    e.source().index() as u32,
                    e.target().index() as u32,
                    *e.weight(),
                )
            })
            .collect();
        Network::from_arcs(nodes, arcs, links, kind)
    }

    /// Build from a node list and (tail, head, arc) triples, in any order. Arcs leaving a node
    /// are stored sorted by (head, minutes, link), so the result does not depend on the order
    /// of `arcs` and searches are deterministic.
    ///
    /// Every [`Node::Unit`] of units `0..n` must be present; `links` are the links that arcs
    /// refer to. Rejects NaN, infinite and negative arc times.
    ///
    /// # Complexity
    /// O(V + E log d) for the largest out-degree d (a counting sort by tail, then each node's
    /// arcs sorted).
    pub fn from_arcs(
        nodes: Vec<Node>,
        arcs: Vec<(u32, u32, Arc)>,
        links: Vec<Link>,
        kind: NetworkKind,
    ) -> Result<Network> {
        let mut unit_nodes =
            vec![None; nodes.iter().filter(|n| matches!(n, Node::Unit(_))).count()];
        for (i, n) in nodes.iter().enumerate() {
            if let Node::Unit(u) = n {
                let slot = unit_nodes
                    .get_mut(u.index())
                    .ok_or_else(|| Error::Usage(format!("unit node {} out of range", u.0)))?;
                *slot = Some(NodeId(i as u32));
            }
        }
        let unit_nodes = unit_nodes
            .into_iter()
            .enumerate()
            .map(|(u, n)| n.ok_or_else(|| Error::Usage(format!("unit {u} has no node"))))
            .collect::<Result<Vec<_>>>()?;
        let n = nodes.len();
        let mut offsets = vec![0u32; n + 1];
        for (t, h, a) in &arcs {
            if *t as usize >= n || *h as usize >= n {
                return Err(Error::Usage(format!(
                    "arc {t} → {h} refers to a node beyond the {n} nodes"
                )));
            }
            if !(a.minutes.is_finite() && a.minutes >= 0.0) {
                return Err(Error::Usage(format!(
                    "arc time {} is not a finite, non-negative number of minutes",
                    a.minutes
                )));
            }
            offsets[*t as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill = offsets.clone();
        let mut slots: Vec<(u32, Arc)> = vec![
            (
                0,
                Arc {
                    minutes: 0.0,
                    link: None
                }
            );
            arcs.len()
        ];
        for (t, h, a) in arcs {
            slots[fill[t as usize] as usize] = (h, a);
            fill[t as usize] += 1;
        }
        drop(fill);
        for i in 0..n {
            slots[offsets[i] as usize..offsets[i + 1] as usize].sort_by(|a, b| {
                a.0.cmp(&b.0)
                    .then(a.1.minutes.total_cmp(&b.1.minutes))
                    .then(a.1.link.cmp(&b.1.link))
            });
        }
        let packed = slots.iter().map(|(h, a)| (a.minutes, *h)).collect();
        let arcs = slots.into_iter().map(|(_, a)| a).collect();
        Ok(Network {
            kind,
            nodes,
            unit_nodes,
            offsets,
            packed,
            arcs,
            links,
        })
    }

    /// Which network this is.
    pub fn kind(&self) -> NetworkKind {
        self.kind
    }

    /// Number of nodes (unit and station nodes).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of arcs.
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// Number of units.
    pub fn unit_count(&self) -> usize {
        self.unit_nodes.len()
    }

    /// The seat node of every unit, in unit order.
    pub fn unit_nodes(&self) -> &[NodeId] {
        &self.unit_nodes
    }

    /// The node of a unit's seat.
    pub fn unit_node(&self, u: UnitId) -> NodeId {
        self.unit_nodes[u.index()]
    }

    /// What a node stands for.
    pub fn node(&self, n: NodeId) -> Node {
        self.nodes[n.index()]
    }

    /// The arcs leaving `n`: (arc index, head, arc).
    #[inline]
    pub fn out_arcs(&self, n: NodeId) -> impl Iterator<Item = (usize, NodeId, &Arc)> + '_ {
        let (a, b) = (
            self.offsets[n.index()] as usize,
            self.offsets[n.index() + 1] as usize,
        );
        (a..b).map(move |i| (i, NodeId(self.packed[i].1), &self.arcs[i]))
    }

    /// The compact arrays the search kernel scans: per-node offsets into the arc array (length
    /// V + 1), and each arc's (minutes, head node).
    #[inline]
    pub fn csr(&self) -> (&[u32], &[(f64, u32)]) {
        (&self.offsets, &self.packed)
    }

    /// The arc with this index and its tail node.
    pub fn arc(&self, i: usize) -> (NodeId, NodeId, &Arc) {
        let tail = self.offsets.partition_point(|&o| o as usize <= i) - 1;
        (NodeId(tail as u32), NodeId(self.packed[i].1), &self.arcs[i])
    }

    /// The links of the network (curated in service, then generated).
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// One link.
    pub fn link(&self, id: LinkId) -> &Link {
        &self.links[id.index()]
    }

    /// The same network without the arcs of some links (the links stay listed, so link ids
    /// keep their meaning). Used for failure scenarios: O(V + E), no re-attachment or
    /// generation.
    pub fn without(&self, failed: &[LinkId]) -> Network {
        let mut offsets = Vec::with_capacity(self.offsets.len());
        let mut packed = Vec::with_capacity(self.packed.len());
        let mut arcs = Vec::with_capacity(self.arcs.len());
        offsets.push(0u32);
        for n in 0..self.nodes.len() {
            let (a, b) = (self.offsets[n] as usize, self.offsets[n + 1] as usize);
            for i in a..b {
                if self.arcs[i].link.is_some_and(|l| failed.contains(&l)) {
                    continue;
                }
                packed.push(self.packed[i]);
                arcs.push(self.arcs[i]);
            }
            offsets.push(arcs.len() as u32);
        }
        Network {
            kind: self.kind,
            nodes: self.nodes.clone(),
            unit_nodes: self.unit_nodes.clone(),
            offsets,
            packed,
            arcs,
            links: self.links.clone(),
        }
    }
}

/// Options of [`build_network`].
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions<'a> {
    /// Mode parameters, generation settings.
    pub params: &'a NetworkParams,
    /// Which links are in service.
    pub scenario: &'a Scenario,
    /// Which modes are used.
    pub kind: NetworkKind,
    /// A road graph (`--roads`) replacing the generated road links, and its parameters.
    pub roads: Option<(&'a RoadGraph, &'a RoadParams)>,
    /// Seats of codes that are not units of the layer (link ends are located in the polygon
    /// that contains them); see [`crate::load::Inputs::gazetteer`].
    pub gazetteer: Option<&'a Gazetteer>,
}

/// Attach the links in service to units, generate road links, and freeze the network.
///
/// Link ends whose code is not a unit of `region` are located by position (the file's
/// `from_lon/from_lat`, a LineString's end, or the seat of that code in the embedded default
/// dataset) in the unit polygon that contains it. Of parallel links of one mode between the
/// same two units, the fastest is kept.
///
/// # Errors
/// A link end that cannot be attached (file, line, field, value).
pub fn build_network(
    region: &Region,
    links: &[RawLink],
    opts: BuildOptions<'_>,
) -> Result<(Network, BuildReport)> {
    let params = opts.params;
    let mut report = BuildReport {
        links_in_file: links.len()
            + opts
                .scenario
                .add
                .iter()
                .map(|a| a.links.len())
                .sum::<usize>(),
        ..Default::default()
    };
    let selected = opts.scenario.select(links)?;
    report.links_in_service = selected.len();
    let locator = Locator::new(region, opts.gazetteer);
    let mut attached: Vec<Link> = Vec::new();
    for raw in selected {
        if !opts.kind.includes(raw.mode) {
            continue;
        }
        let (from, fa) = locator.attach(region, raw, true)?;
        let (to, ta) = locator.attach(region, raw, false)?;
        for (a, code, u) in [(fa, &raw.from_code, from), (ta, &raw.to_code, to)] {
            match a {
                Attach::Location => report.ends_by_location.push((
                    raw.link_id.clone(),
                    code.clone(),
                    region.unit(u).code.clone(),
                )),
                _ => report.ends_by_code += 1,
            }
        }
        if from == to {
            report.collapsed.push(raw.link_id.clone());
            continue;
        }
        let p = params.mode(raw.mode);
        let (minutes, time_source) = match (raw.time_min, raw.length_km) {
            (Some(t), _) => (
                t,
                raw.time_source
                    .clone()
                    .unwrap_or_else(|| "unspecified".into()),
            ),
            (None, Some(km)) => (
                km / p.speed_kmh * 60.0,
                format!("length_km/{}kmh", p.speed_kmh),
            ),
            (None, None) => unreachable!("the loader requires time_min or length_km"),
        };
        let estimate = !time_source.starts_with("timetable");
        attached.push(Link {
            id: LinkId(0),
            link_id: raw.link_id.clone(),
            line_id: raw.line_id.clone(),
            line_name: raw.line_name.clone(),
            line_name_zh: raw.line_name_zh.clone(),
            from,
            to,
            from_code: raw.from_code.clone(),
            to_code: raw.to_code.clone(),
            attach: (fa, ta),
            mode: raw.mode,
            status: raw.status,
            opening_year: raw.opening_year,
            planned_year: raw.planned_year,
            minutes: Minutes(minutes),
            time_source,
            estimate,
            length_km: raw.length_km,
            generated: false,
        });
    }
    // Parallel links: of one mode between the same (unordered) pair, keep the fastest
    // (ties: the one listed first).
    let mut best: BTreeMap<(UnitId, UnitId, Mode), usize> = BTreeMap::new();
    let mut keep = vec![true; attached.len()];
    for (i, l) in attached.iter().enumerate() {
        let key = (l.from.min(l.to), l.from.max(l.to), l.mode);
        match best.get(&key) {
            None => {
                best.insert(key, i);
            }
            Some(&j) => {
                let (kept, dropped) = if l.minutes.0 < attached[j].minutes.0 {
                    (i, j)
                } else {
                    (j, i)
                };
                keep[dropped] = false;
                best.insert(key, kept);
                report.parallel_dropped.push((
                    attached[kept].link_id.clone(),
                    attached[dropped].link_id.clone(),
                ));
            }
        }
    }
    let mut out: Vec<Link> = attached
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(l, _)| l)
        .collect();
    for l in &out {
        *report
            .by_mode
            .entry(l.mode.as_str().to_string())
            .or_default() += 1;
    }

    // Generated road links (not when a road graph is given: it is the road network).
    if opts.kind.includes(Mode::Road) && opts.roads.is_none() {
        let road = params.mode(Mode::Road);
        let mut pairs: BTreeMap<(UnitId, UnitId), (f64, &'static str)> = BTreeMap::new();
        if params.contiguity {
            for n in generate::contiguity(
                region,
                params.contiguity_min_border_km,
                params.contiguity_tolerance_m,
            ) {
                pairs.insert((n.a, n.b), (n.seat_km, "contiguity"));
            }
            report.generated_contiguity = pairs.len();
        }
        if params.nearest_k > 0 {
            for (a, b, km) in generate::nearest_seats(region, params.nearest_k) {
                if pairs
                    .insert((a.min(b), a.max(b)), (km, "nearest"))
                    .is_none()
                {
                    report.generated_nearest += 1;
                } else {
                    // keep the contiguity label
                    pairs.insert((a.min(b), a.max(b)), (km, "contiguity"));
                }
            }
        }
        for ((a, b), (km, how)) in pairs {
            let road_km = km * params.circuity;
            let minutes = road_km / road.speed_kmh * 60.0;
            let (ca, cb) = (&region.unit(a).code, &region.unit(b).code);
            out.push(Link {
                id: LinkId(0),
                link_id: format!("gen-{ca}-{cb}"),
                line_id: None,
                line_name: Some(format!("generated road ({how})")),
                line_name_zh: None,
                from: a,
                to: b,
                from_code: ca.clone(),
                to_code: cb.clone(),
                attach: (Attach::Generated, Attach::Generated),
                mode: Mode::Road,
                status: LinkStatus::Open,
                opening_year: None,
                planned_year: None,
                minutes: Minutes(minutes.max(f64::MIN_POSITIVE)),
                time_source: format!(
                    "generated:{how}:great_circle_km*{}/{}kmh",
                    params.circuity, road.speed_kmh
                ),
                estimate: true,
                length_km: Some(road_km),
                generated: true,
            });
        }
    }
    for (i, l) in out.iter_mut().enumerate() {
        l.id = LinkId(i as u32);
    }

    // The graph: unit nodes, then station nodes in order of first use, then road nodes.
    let mut nodes: Vec<Node> = region.units.iter().map(|u| Node::Unit(u.id)).collect();
    let mut arcs: Vec<(u32, u32, Arc)> = Vec::new();
    let mut stations: BTreeMap<(UnitId, Mode), u32> = BTreeMap::new();
    let mut node_of =
        |nodes: &mut Vec<Node>, arcs: &mut Vec<(u32, u32, Arc)>, u: UnitId, m: Mode| {
            let p = params.mode(m);
            if p.access_min == 0.0 && p.egress_min == 0.0 {
                return u.0;
            }
            *stations.entry((u, m)).or_insert_with(|| {
                let s = nodes.len() as u32;
                nodes.push(Node::Station(u, m));
                let access = Arc {
                    minutes: p.access_min,
                    link: None,
                };
                let egress = Arc {
                    minutes: p.egress_min,
                    link: None,
                };
                arcs.push((u.0, s, access));
                arcs.push((s, u.0, egress));
                s
            })
        };
    for l in &out {
        let a = node_of(&mut nodes, &mut arcs, l.from, l.mode);
        let b = node_of(&mut nodes, &mut arcs, l.to, l.mode);
        let arc = Arc {
            minutes: l.minutes.0,
            link: Some(l.id),
        };
        arcs.push((a, b, arc));
        arcs.push((b, a, arc));
    }
    if let (Some((g, rp)), true) = (opts.roads, opts.kind.includes(Mode::Road)) {
        report.roads = Some(add_roads(region, g, rp, &mut nodes, &mut arcs)?);
    }
    let net = Network::from_arcs(nodes, arcs, out, opts.kind)?;
    Ok((net, report))
}

/// Add the largest strongly connected component of a road graph and the seat connectors.
fn add_roads(
    region: &Region,
    g: &RoadGraph,
    rp: &RoadParams,
    nodes: &mut Vec<Node>,
    arcs: &mut Vec<(u32, u32, Arc)>,
) -> Result<crate::network::roads::RoadReport> {
    use crate::network::roads;
    let road = roads::road_arcs(g);
    let (keep, components) = roads::largest_scc(g.nodes.len(), &road);
    let base = nodes.len() as u32;
    // Road node i of the graph → network node: kept nodes only, numbered along a Hilbert
    // curve so that nodes near each other on the map are near each other in memory (files
    // list nodes in arbitrary order — osm4routing's come from a hash map — and a search on a
    // shuffled order pays a cache miss for almost every arc).
    let mut index = vec![u32::MAX; g.nodes.len()];
    for i in roads::spatial_order(g, &keep) {
        index[i as usize] = nodes.len() as u32;
        nodes.push(Node::Road(i));
    }
    let kept = nodes.len() - base as usize;
    let mut arcs_kept = 0;
    arcs.reserve(road.len() + 2 * region.len());
    for (t, h, minutes) in road {
        let (a, b) = (index[t as usize], index[h as usize]);
        if a != u32::MAX && b != u32::MAX {
            arcs.push((
                a,
                b,
                Arc {
                    minutes,
                    link: None,
                },
            ));
            arcs_kept += 1;
        }
    }
    let snaps = roads::snap(region, g, &keep, rp).ok_or_else(|| {
        Error::input(
            &g.source,
            crate::Location::File,
            "the road graph has no node (or no strongly connected part) to join the units to",
        )
    })?;
    for s in &snaps {
        let arc = Arc {
            minutes: s.minutes,
            link: None,
        };
        let r = index[s.road_node as usize];
        arcs.push((s.unit.0, r, arc));
        arcs.push((r, s.unit.0, arc));
    }
    Ok(roads::RoadReport {
        source: g.source.clone(),
        nodes_read: g.nodes.len(),
        edges_read: g.edges.len(),
        edges_no_car: g.skipped_no_car,
        components,
        nodes_kept: kept,
        nodes_dropped: g.nodes.len() - kept,
        arcs_kept,
        snaps,
        snap_warn_km: rp.snap_warn_km,
    })
}

/// Connected components of the units over the network, arcs taken both ways: each
/// component's units, largest first (ties: by first unit).
///
/// # Complexity
/// O(V + E) (union–find over every arc).
pub fn components(net: &Network) -> Vec<Vec<UnitId>> {
    let n = net.node_count();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    fn find(p: &mut [u32], mut x: u32) -> u32 {
        while p[x as usize] != x {
            p[x as usize] = p[p[x as usize] as usize];
            x = p[x as usize];
        }
        x
    }
    for t in 0..n {
        for (_, h, _) in net.out_arcs(NodeId(t as u32)) {
            let (a, b) = (find(&mut parent, t as u32), find(&mut parent, h.0));
            if a != b {
                parent[a.max(b) as usize] = a.min(b);
            }
        }
    }
    let mut groups: BTreeMap<u32, Vec<UnitId>> = BTreeMap::new();
    for u in 0..net.unit_count() {
        let r = find(&mut parent, net.unit_node(UnitId(u as u32)).0);
        groups.entry(r).or_default().push(UnitId(u as u32));
    }
    let mut out: Vec<Vec<UnitId>> = groups.into_values().collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

struct UnitBox {
    unit: UnitId,
    env: AABB<[f64; 2]>,
}

impl RTreeObject for UnitBox {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// Finds the unit polygon containing a position (rstar envelope query, then geo's contains).
struct Locator<'a> {
    tree: Option<RTree<UnitBox>>,
    gazetteer: Option<&'a Gazetteer>,
}

impl<'a> Locator<'a> {
    fn new(region: &Region, gazetteer: Option<&'a Gazetteer>) -> Self {
        Locator {
            tree: None,
            gazetteer,
        }
        .with_region(region)
    }

    fn with_region(mut self, region: &Region) -> Self {
        let boxes: Vec<UnitBox> = region
            .units
            .iter()
            .filter_map(|u| {
                let r = u.geometry.as_ref()?.bounding_rect()?;
                Some(UnitBox {
                    unit: u.id,
                    env: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                })
            })
            .collect();
        if !boxes.is_empty() {
            self.tree = Some(RTree::bulk_load(boxes));
        }
        self
    }

    fn locate(&self, region: &Region, p: Point<f64>) -> Option<UnitId> {
        let tree = self.tree.as_ref()?;
        let mut hits: Vec<UnitId> = tree
            .locate_in_envelope_intersecting(&AABB::from_point([p.x(), p.y()]))
            .filter(|b| {
                region
                    .unit(b.unit)
                    .geometry
                    .as_ref()
                    .is_some_and(|g| g.contains(&p))
            })
            .map(|b| b.unit)
            .collect();
        hits.sort();
        hits.first().copied()
    }

    fn attach(&self, region: &Region, raw: &RawLink, from: bool) -> Result<(UnitId, Attach)> {
        let (code, pos, field) = if from {
            (&raw.from_code, raw.from_pos, "from_code")
        } else {
            (&raw.to_code, raw.to_pos, "to_code")
        };
        if let Some(u) = region.by_code(code) {
            return Ok((u.id, Attach::Code));
        }
        let pos = pos.or_else(|| self.gazetteer.and_then(|g| g.seat(code)));
        let found = pos.and_then(|p| self.locate(region, p));
        match (found, pos) {
            (Some(u), _) => Ok((u, Attach::Location)),
            (None, Some(p)) => Err(Error::input(
                &raw.file,
                raw.location.clone(),
                format!(
                    "field \"{field}\" is \"{code}\": no unit of {} has that code, and its position [{:.5}, {:.5}] lies in no unit polygon",
                    region.source,
                    p.x(),
                    p.y()
                ),
            )),
            (None, None) => Err(Error::input(
                &raw.file,
                raw.location.clone(),
                format!(
                    "field \"{field}\" is \"{code}\": no unit of {} has that code, and the file gives no position for it (add {}_lon/{}_lat columns)",
                    region.source,
                    &field[..field.len() - 5],
                    &field[..field.len() - 5]
                ),
            )),
        }
    }
}
