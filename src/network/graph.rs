//! The frozen transport network: nodes (unit seats, stations, road nodes), links and arcs in
//! compact adjacency arrays (CSR) that [`crate::route`] searches.

use petgraph::graph::DiGraph;
use petgraph::visit::EdgeRef;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{LinkId, LinkStatus, Minutes, Mode, NodeId, UnitId};
use crate::network::union_find::UnionFind;

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
    /// √(road × rail) per unit pair: a combination of the road and rail matrices, not a
    /// network of its own.
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
    /// The station of one line of a mode in a unit (the line's key is an index of the
    /// network's lines: the links' `line_id`, or the link's own id when it has none). Riding
    /// through it costs nothing; changing to another line's station of the unit costs the
    /// study's transfer time.
    Station(UnitId, Mode, u32),
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

    /// The network with every arc turned round: a search on it from a set of nodes gives each
    /// node's time *to* that set.
    pub fn reversed(&self) -> Network {
        let mut arcs = Vec::with_capacity(self.arcs.len());
        for t in 0..self.nodes.len() {
            for (i, h, a) in self.out_arcs(NodeId(t as u32)) {
                let _ = i;
                arcs.push((h.0, t as u32, *a));
            }
        }
        Network::from_arcs(self.nodes.clone(), arcs, self.links.clone(), self.kind)
            .expect("the arcs of a valid network are valid")
    }

    /// The unit each node stands for or belongs to (a station's unit); `None` for road nodes.
    pub fn unit_of(&self, n: NodeId) -> Option<UnitId> {
        match self.nodes[n.index()] {
            Node::Unit(u) | Node::Station(u, _, _) => Some(u),
            Node::Road(_) => None,
        }
    }

    /// The same network with the station times — access, egress and transfer arcs, the arcs to
    /// or from a station that no link owns — at `factor` of their minutes (what the study's
    /// station times at `factor` give, [`crate::load::NetworkParams::scaled_penalties`], for a
    /// network built at the study's own). At factor 0 the stations stay, joined to their unit
    /// at 0 min, where building would join the lines at the seat itself: the times are the same.
    pub fn with_station_times_scaled(&self, factor: f64) -> Network {
        let mut net = self.clone();
        for t in 0..self.nodes.len() {
            let (a, b) = (self.offsets[t] as usize, self.offsets[t + 1] as usize);
            for i in a..b {
                let head = NodeId(self.packed[i].1);
                if self.arcs[i].link.is_none() && self.touches_station(NodeId(t as u32), head) {
                    net.arcs[i].minutes = self.arcs[i].minutes * factor;
                    net.packed[i].0 = self.packed[i].0 * factor;
                }
            }
        }
        net
    }

    /// Whether an arc from `tail` to `head` starts or ends at a station (with no link: an
    /// access, egress or transfer arc).
    pub fn touches_station(&self, tail: NodeId, head: NodeId) -> bool {
        let station = |n: NodeId| matches!(self.nodes[n.index()], Node::Station(..));
        station(tail) || station(head)
    }

    /// The same network without the arcs of some links (the links stay listed, so link ids
    /// keep their meaning). Used for failure scenarios: O(V + E), no re-attachment or
    /// generation.
    pub fn without(&self, failed: &[LinkId]) -> Network {
        let mut offsets = Vec::with_capacity(self.offsets.len());
        let mut packed = Vec::with_capacity(self.packed.len());
        let mut arcs = Vec::with_capacity(self.arcs.len());
        let gone = LinkMask::of(failed);
        offsets.push(0u32);
        for n in 0..self.nodes.len() {
            let (a, b) = (self.offsets[n] as usize, self.offsets[n + 1] as usize);
            for i in a..b {
                if self.arcs[i].link.is_some_and(|l| gone.has(l)) {
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

/// A set of links (failed, or missing from a part of a network), for testing arcs' links.
#[derive(Debug, Clone, Default)]
pub struct LinkMask(Vec<bool>);

impl LinkMask {
    /// The set of `links`.
    pub fn of(links: &[LinkId]) -> LinkMask {
        let n = links.iter().map(|l| l.index() + 1).max().unwrap_or(0);
        let mut m = vec![false; n];
        for l in links {
            m[l.index()] = true;
        }
        LinkMask(m)
    }

    /// Whether `l` is in the set.
    #[inline]
    pub fn has(&self, l: LinkId) -> bool {
        self.0.get(l.index()).copied().unwrap_or(false)
    }
}

/// Connected components of the units over the network, arcs taken both ways: each
/// component's units, largest first (ties: by first unit).
///
/// # Complexity
/// O(V + E α(V)) (union–find over every arc).
pub fn components(net: &Network) -> Vec<Vec<UnitId>> {
    let mut uf = UnionFind::new(net.node_count());
    for t in 0..net.node_count() {
        for (_, h, _) in net.out_arcs(NodeId(t as u32)) {
            uf.union(t, h.index());
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<UnitId>> =
        std::collections::BTreeMap::new();
    for u in 0..net.unit_count() {
        let r = uf.find(net.unit_node(UnitId(u as u32)).index());
        groups.entry(r).or_default().push(UnitId(u as u32));
    }
    let mut out: Vec<Vec<UnitId>> = groups.into_values().collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    out
}

/// The arrays of a frozen network, borrowed, for the prepared-network file
/// ([`crate::prepared`]).
pub(crate) struct NetworkParts<'a> {
    pub(crate) kind: NetworkKind,
    pub(crate) nodes: &'a [Node],
    pub(crate) unit_nodes: &'a [NodeId],
    pub(crate) offsets: &'a [u32],
    pub(crate) packed: &'a [(f64, u32)],
    pub(crate) arcs: &'a [Arc],
    pub(crate) links: &'a [Link],
}

impl Network {
    /// Every array of the network, for writing it out.
    pub(crate) fn to_parts(&self) -> NetworkParts<'_> {
        NetworkParts {
            kind: self.kind,
            nodes: &self.nodes,
            unit_nodes: &self.unit_nodes,
            offsets: &self.offsets,
            packed: &self.packed,
            arcs: &self.arcs,
            links: &self.links,
        }
    }

    /// A network from arrays read back ([`Network::to_parts`]), checked so that no search on it
    /// can index out of bounds: offsets ascending and ending at the arc count, heads, units and
    /// links in range, each unit's node that unit's, arc times finite, non-negative and the same
    /// in both arc arrays.
    ///
    /// # Errors
    /// [`Error::Usage`] saying which array is inconsistent.
    pub(crate) fn from_parts(
        kind: NetworkKind,
        nodes: Vec<Node>,
        unit_nodes: Vec<NodeId>,
        offsets: Vec<u32>,
        packed: Vec<(f64, u32)>,
        arcs: Vec<Arc>,
        links: Vec<Link>,
    ) -> Result<Network> {
        let bad = |what: &str| Err(Error::Usage(format!("inconsistent network arrays: {what}")));
        let n = nodes.len();
        if offsets.len() != n + 1
            || offsets.first() != Some(&0)
            || offsets.windows(2).any(|w| w[0] > w[1])
            || offsets[n] as usize != packed.len()
            || packed.len() != arcs.len()
        {
            return bad("offsets");
        }
        for (&(m, h), a) in packed.iter().zip(&arcs) {
            if h as usize >= n
                || !(m.is_finite() && m >= 0.0)
                || m.to_bits() != a.minutes.to_bits()
                || a.link.is_some_and(|l| l.index() >= links.len())
            {
                return bad("arcs");
            }
        }
        let units = unit_nodes.len();
        let mut unit_count = 0;
        for node in &nodes {
            match node {
                Node::Unit(u) | Node::Station(u, _, _) if u.index() >= units => {
                    return bad("nodes");
                }
                Node::Unit(_) => unit_count += 1,
                _ => {}
            }
        }
        if unit_count != units
            || unit_nodes
                .iter()
                .enumerate()
                .any(|(u, id)| nodes.get(id.index()) != Some(&Node::Unit(UnitId(u as u32))))
        {
            return bad("unit nodes");
        }
        if links
            .iter()
            .enumerate()
            .any(|(i, l)| l.id.index() != i || l.from.index() >= units || l.to.index() >= units)
        {
            return bad("links");
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arc(minutes: f64, link: Option<u32>) -> Arc {
        Arc {
            minutes,
            link: link.map(LinkId),
        }
    }

    #[test]
    fn arcs_are_stored_by_tail_then_head_whatever_their_order() {
        let nodes = vec![
            Node::Unit(UnitId(0)),
            Node::Unit(UnitId(1)),
            Node::Unit(UnitId(2)),
        ];
        let a = vec![
            (0, 2, arc(5.0, None)),
            (1, 0, arc(1.0, None)),
            (0, 1, arc(3.0, None)),
        ];
        let mut b = a.clone();
        b.reverse();
        let na = Network::from_arcs(nodes.clone(), a, vec![], NetworkKind::Combined).unwrap();
        let nb = Network::from_arcs(nodes, b, vec![], NetworkKind::Combined).unwrap();
        let heads: Vec<u32> = na.out_arcs(NodeId(0)).map(|(_, h, _)| h.0).collect();
        assert_eq!(heads, [1, 2]);
        assert_eq!(na.csr(), nb.csr());
        assert_eq!(na.arc(2).0, NodeId(1));
    }

    #[test]
    fn bad_times_and_missing_unit_nodes_are_refused() {
        let nodes = vec![Node::Unit(UnitId(0)), Node::Unit(UnitId(1))];
        for t in [f64::NAN, -1.0, f64::INFINITY] {
            let e = Network::from_arcs(
                nodes.clone(),
                vec![(0, 1, arc(t, None))],
                vec![],
                NetworkKind::Combined,
            );
            assert!(e.is_err(), "{t}");
        }
        let e = Network::from_arcs(
            vec![Node::Unit(UnitId(1))],
            vec![],
            vec![],
            NetworkKind::Combined,
        );
        assert!(e.is_err());
    }

    #[test]
    fn without_removes_only_the_failed_links_arcs() {
        let nodes = vec![Node::Unit(UnitId(0)), Node::Unit(UnitId(1))];
        let arcs = vec![
            (0, 1, arc(3.0, Some(0))),
            (1, 0, arc(3.0, Some(0))),
            (0, 1, arc(9.0, Some(1))),
            (0, 1, arc(1.0, None)),
        ];
        let net = Network::from_arcs(nodes, arcs, vec![], NetworkKind::Combined).unwrap();
        let cut = net.without(&[LinkId(0)]);
        assert_eq!((net.arc_count(), cut.arc_count()), (4, 2));
        assert!(
            cut.out_arcs(NodeId(0))
                .all(|(_, _, a)| a.link != Some(LinkId(0)))
        );
    }

    #[test]
    fn components_of_two_islands() {
        let nodes = vec![
            Node::Unit(UnitId(0)),
            Node::Unit(UnitId(1)),
            Node::Unit(UnitId(2)),
            Node::Station(UnitId(2), Mode::Hsr, 0),
        ];
        // 2 → its station (one way) links 2 with nothing else; 0 – 1 joined.
        let arcs = vec![(0, 1, arc(1.0, None)), (2, 3, arc(1.0, None))];
        let net = Network::from_arcs(nodes, arcs, vec![], NetworkKind::Combined).unwrap();
        assert_eq!(
            components(&net),
            vec![vec![UnitId(0), UnitId(1)], vec![UnitId(2)]]
        );
    }
}
