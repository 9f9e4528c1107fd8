//! Centrality of the **transport network** weighted by travel time: betweenness (Brandes
//! 2001), harmonic closeness, global efficiency and link betweenness ([`betweenness`]). The
//! structure of the linkage network is in [`crate::measures::structure`].
//!
//! # Units, stations and betweenness
//! Shortest paths run between **unit nodes** only (sources and targets); station nodes
//! ([`Node::Station`]) are intermediate nodes. Every node gets a betweenness
//! ([`Centrality::node_betweenness`]); a **unit's** betweenness is that of its unit node (its
//! seat). Station nodes are not added to their unit: a train running through a station passes
//! its node whether or not it stops, a trip that changes mode at a unit passes its station, unit
//! and station nodes (adding them would count that trip up to three times), and the station of
//! a trip's own origin or destination lies on the trip (adding it would credit a unit for its
//! own trips). The station nodes' values stay available per node.
//!
//! # Equal-time paths
//! Brandes counts every shortest path (σ). Two times a and b are equal when
//! |a − b| ≤ [`TIE_EPS`] · max(|a|, |b|), so 0.1 + 0.2 and 0.3 minutes tie. Arcs into a node
//! that is already settled are not scanned: with zero-time arcs, a path that ties through such
//! an arc is not counted (built networks have no zero-time link arcs).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::{NodeId, UnitId};
use crate::network::{Network, Node};
use crate::route::dijkstra::{key, unkey};

/// Relative tolerance under which two path times are equal (see the module documentation).
pub const TIE_EPS: f64 = 1e-9;

/// Whether two times are equal to [`TIE_EPS`], relative.
#[inline]
fn same_time(a: f64, b: f64) -> bool {
    (a - b).abs() <= TIE_EPS * a.abs().max(b.abs())
}

/// Per-pair weights w_st for betweenness (for example the gravity linkage R), row-major
/// n × n over the network's units; the diagonal is ignored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairWeights<'a> {
    n: usize,
    w: &'a [f64],
}

impl<'a> PairWeights<'a> {
    /// Check the weights against the network: n × n for its n units, finite and ≥ 0.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the problem.
    pub fn new(net: &Network, w: &'a [f64]) -> Result<PairWeights<'a>> {
        let n = net.unit_count();
        if w.len() != n * n {
            return Err(Error::Usage(format!(
                "pair weights: {} values for {n} units, expected {}",
                w.len(),
                n * n
            )));
        }
        if let Some(k) = w.iter().position(|x| !(x.is_finite() && *x >= 0.0)) {
            return Err(Error::Usage(format!(
                "pair weights: the weight from unit {} to unit {} is {}, expected a finite number ≥ 0",
                k / n,
                k % n,
                w[k]
            )));
        }
        Ok(PairWeights { n, w })
    }

    /// w_st.
    #[inline]
    pub fn get(&self, s: UnitId, t: UnitId) -> f64 {
        self.w[s.index() * self.n + t.index()]
    }

    /// Number of units.
    pub fn units(&self) -> usize {
        self.n
    }
}

const UNSEEN: u8 = 0;
const SEEN: u8 = 1;
const SETTLED: u8 = 2;

/// The buffers of one [`brandes_source`] run, reused across sources (one per thread).
#[derive(Debug, Clone)]
pub struct BrandesWorkspace {
    dist: Vec<f64>,
    sigma: Vec<f64>,
    delta: Vec<f64>,
    state: Vec<u8>,
    /// Predecessors on shortest paths: (tail node, arc index).
    preds: Vec<Vec<(u32, u32)>>,
    /// Nodes in the order they were settled.
    order: Vec<u32>,
    /// Every node touched by the last run (to reset).
    touched: Vec<u32>,
    /// Queue keys of the kernel ([`key`]: time bits above the node id), smallest first.
    heap: BinaryHeap<Reverse<u128>>,
}

impl BrandesWorkspace {
    /// A workspace for networks of `node_count` nodes.
    pub fn new(node_count: usize) -> Self {
        BrandesWorkspace {
            dist: vec![f64::INFINITY; node_count],
            sigma: vec![0.0; node_count],
            delta: vec![0.0; node_count],
            state: vec![UNSEEN; node_count],
            preds: vec![Vec::new(); node_count],
            order: Vec::with_capacity(node_count),
            touched: Vec::with_capacity(node_count),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            let v = v as usize;
            self.dist[v] = f64::INFINITY;
            self.sigma[v] = 0.0;
            self.delta[v] = 0.0;
            self.state[v] = UNSEEN;
            self.preds[v].clear();
        }
        self.touched.clear();
        self.order.clear();
        self.heap.clear();
    }
}

/// What one source contributes to [`Centrality`] (see [`brandes_source`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceContribution {
    /// The source unit.
    pub source: UnitId,
    /// The dependency δ_s(v) of every node v ≠ s (0 for s), in node order.
    pub node: Vec<f64>,
    /// The dependency of every link (the sum over its arcs), in link order.
    pub link: Vec<f64>,
    /// Σ_t 1 / d_st over the units t ≠ s reached in a positive time, 1/minutes.
    pub harmonic: f64,
    /// Units t ≠ s not reached.
    pub unreachable: usize,
    /// Units t ≠ s reached in 0 minutes (left out of `harmonic`).
    pub zero_time: usize,
}

/// The result of [`betweenness`] (or of [`combine`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Centrality {
    /// Number of units n.
    pub units: usize,
    /// Whether pair weights were used.
    pub weighted: bool,
    /// Betweenness of every node (unit and station nodes), raw: Σ_{s≠v≠t} w_st σ_st(v)/σ_st
    /// over unit pairs (w = 1 unweighted).
    pub node_betweenness: Vec<f64>,
    /// Betweenness of every unit: that of its unit node, raw.
    pub betweenness: Vec<f64>,
    /// `betweenness` divided by (n − 1)(n − 2), or with weights by Σ w_st over the pairs
    /// s ≠ t not involving the unit: the share of the unit pairs' shortest paths through it.
    pub betweenness_norm: Vec<f64>,
    /// Harmonic closeness C_i = Σ_{j≠i} 1/d_ij / (n − 1), 1/minutes (unreachable: 0).
    pub closeness: Vec<f64>,
    /// Global efficiency E = Σ_{i≠j} 1/d_ij / [n(n − 1)], 1/minutes.
    pub efficiency: f64,
    /// Every link's betweenness: the (weighted) number of unit-pair shortest paths using it,
    /// each pair split equally among its shortest paths, both directions summed; in link order.
    pub link_betweenness: Vec<f64>,
    /// Ordered unit pairs without a path.
    pub unreachable_pairs: usize,
    /// Ordered unit pairs reached in 0 minutes (left out of closeness and efficiency).
    pub zero_time_pairs: usize,
}

/// One source of Brandes' algorithm: a shortest-path search from unit `s` counting every
/// equal-time path, then the dependencies accumulated back along them.
///
/// This is the per-source step of [`betweenness`]; [`crate::measures::par`] runs it for every
/// unit in parallel (one [`BrandesWorkspace`] per thread) and sums with [`combine`].
///
/// Formula (Brandes 2001, "A faster algorithm for betweenness centrality", J. Math. Sociol.
/// 25(2); with sources and targets restricted to unit nodes and pair weights, Brandes 2008,
/// "On variants of shortest-path betweenness centrality", Social Networks 30(2)):
/// δ_s(v) = Σ_{w : v ∈ P_s(w)} σ_sv / σ_sw · (w_s(w) + δ_s(w)), where w_s(w) = w_st when w is
/// the node of unit t ≠ s and 0 otherwise; the arc v → w gets σ_sv / σ_sw · (w_s(w) + δ_s(w)).
///
/// # Arguments
/// - `net`: the frozen network;
/// - `s`: the source unit;
/// - `ws`: a workspace for `net.node_count()` nodes (its contents are overwritten);
/// - `weights`: w_st, or `None` for 1.
///
/// # Returns
/// The source's dependencies per node and per link, and its harmonic sum of times.
///
/// # Panics
/// When `ws` is smaller than the network or `weights` belong to a network with another
/// number of units (invariants of the caller).
///
/// # Units
/// Dependencies in (weighted) pairs; harmonic sum in 1/minutes.
///
/// # Complexity
/// O((V + E) log V) time for V nodes and E arcs; O(V + L) memory for the result.
///
/// # Examples
/// See [`betweenness`].
pub fn brandes_source(
    net: &Network,
    s: UnitId,
    ws: &mut BrandesWorkspace,
    weights: Option<PairWeights<'_>>,
) -> SourceContribution {
    assert!(
        net.node_count() <= ws.dist.len(),
        "workspace smaller than the network"
    );
    if let Some(w) = &weights {
        assert_eq!(
            w.n,
            net.unit_count(),
            "pair weights built for this network's units"
        );
    }
    ws.reset();
    let src = net.unit_node(s).index();
    ws.dist[src] = 0.0;
    ws.sigma[src] = 1.0;
    ws.state[src] = SEEN;
    ws.touched.push(src as u32);
    ws.heap.push(Reverse(key(0.0, src as u32)));
    while let Some(Reverse(k)) = ws.heap.pop() {
        let (t, node) = unkey(k);
        let v = node as usize;
        if ws.state[v] == SETTLED || t > ws.dist[v] {
            continue;
        }
        ws.state[v] = SETTLED;
        ws.order.push(node);
        for (ai, head, arc) in net.out_arcs(NodeId(node)) {
            let w = head.index();
            if ws.state[w] == SETTLED {
                continue;
            }
            let alt = t + arc.minutes;
            if ws.state[w] == UNSEEN {
                ws.state[w] = SEEN;
                ws.touched.push(w as u32);
            } else if same_time(alt, ws.dist[w]) {
                ws.sigma[w] += ws.sigma[v];
                ws.preds[w].push((node, ai as u32));
                continue;
            } else if alt > ws.dist[w] {
                continue;
            }
            ws.dist[w] = alt;
            ws.sigma[w] = ws.sigma[v];
            ws.preds[w].clear();
            ws.preds[w].push((node, ai as u32));
            ws.heap.push(Reverse(key(alt, head.0)));
        }
    }
    let mut out = SourceContribution {
        source: s,
        node: vec![0.0; net.node_count()],
        link: vec![0.0; net.links().len()],
        harmonic: 0.0,
        unreachable: 0,
        zero_time: 0,
    };
    for &w in ws.order.iter().rev() {
        let w = w as usize;
        let target = match net.node(NodeId(w as u32)) {
            Node::Unit(t) if t != s => weights.map_or(1.0, |p| p.get(s, t)),
            _ => 0.0,
        };
        let coeff = (target + ws.delta[w]) / ws.sigma[w];
        for i in 0..ws.preds[w].len() {
            let (v, ai) = ws.preds[w][i];
            let c = ws.sigma[v as usize] * coeff;
            ws.delta[v as usize] += c;
            if let Some(l) = net.arc(ai as usize).2.link {
                out.link[l.index()] += c;
            }
        }
        if w != src {
            out.node[w] = ws.delta[w];
        }
    }
    for t in 0..net.unit_count() {
        if t == s.index() {
            continue;
        }
        let v = net.unit_node(UnitId(t as u32)).index();
        if ws.state[v] != SETTLED {
            out.unreachable += 1;
        } else if ws.dist[v] > 0.0 {
            out.harmonic += 1.0 / ws.dist[v];
        } else {
            out.zero_time += 1;
        }
    }
    out
}

/// Sum the contributions of every source into [`Centrality`].
///
/// Sums in the order given: pass the sources in unit order (as [`betweenness`] does, and as an
/// indexed rayon `collect` keeps them) for results that do not depend on the thread count.
/// Each unit should appear once; a missing source contributes nothing.
///
/// # Arguments
/// - `net`: the network the contributions were computed on;
/// - `weights`: the pair weights they were computed with (for the normalisation);
/// - `parts`: the output of [`brandes_source`] for every unit.
///
/// # Returns
/// A [`Centrality`].
///
/// # Units
/// See [`Centrality`].
///
/// # Complexity
/// O(n · (V + L)) for n sources, V nodes and L links.
///
/// # Examples
/// See [`betweenness`].
pub fn combine(
    net: &Network,
    weights: Option<PairWeights<'_>>,
    parts: impl IntoIterator<Item = SourceContribution>,
) -> Centrality {
    let n = net.unit_count();
    let mut node_betweenness = vec![0.0; net.node_count()];
    let mut link_betweenness = vec![0.0; net.links().len()];
    let mut closeness = vec![0.0; n];
    let (mut harmonic, mut unreachable_pairs, mut zero_time_pairs) = (0.0, 0, 0);
    for p in parts {
        for (a, b) in node_betweenness.iter_mut().zip(&p.node) {
            *a += b;
        }
        for (a, b) in link_betweenness.iter_mut().zip(&p.link) {
            *a += b;
        }
        if n > 1 {
            closeness[p.source.index()] = p.harmonic / (n - 1) as f64;
        }
        harmonic += p.harmonic;
        unreachable_pairs += p.unreachable;
        zero_time_pairs += p.zero_time;
    }
    let betweenness: Vec<f64> = (0..n)
        .map(|u| node_betweenness[net.unit_node(UnitId(u as u32)).index()])
        .collect();
    // The pairs (s, t), s ≠ t, that do not involve unit u: (n − 1)(n − 2), or their weight.
    let denominators: Vec<f64> = match weights {
        None => vec![(n.saturating_sub(1) * n.saturating_sub(2)) as f64; n],
        Some(w) => {
            let off = |s: usize, t: usize| if s == t { 0.0 } else { w.w[s * n + t] };
            let total: f64 = (0..n)
                .flat_map(|s| (0..n).map(move |t| (s, t)))
                .map(|(s, t)| off(s, t))
                .sum();
            (0..n)
                .map(|u| {
                    let row: f64 = (0..n).map(|t| off(u, t)).sum();
                    let col: f64 = (0..n).map(|s| off(s, u)).sum();
                    total - row - col
                })
                .collect()
        }
    };
    let betweenness_norm = betweenness
        .iter()
        .zip(&denominators)
        .map(|(b, d)| if *d > 0.0 { b / d } else { 0.0 })
        .collect();
    let pairs = n * n.saturating_sub(1);
    Centrality {
        units: n,
        weighted: weights.is_some(),
        node_betweenness,
        betweenness,
        betweenness_norm,
        closeness,
        efficiency: if pairs > 0 {
            harmonic / pairs as f64
        } else {
            0.0
        },
        link_betweenness,
        unreachable_pairs,
        zero_time_pairs,
    }
}

/// Betweenness, harmonic closeness, global efficiency and link betweenness of the transport
/// network weighted by travel time, between units (sequential; the parallel fan-out is in
/// [`crate::measures::par`]).
///
/// Formulas, for n units, d_st the shortest time, σ_st the number of shortest paths from s to t
/// and σ_st(x) those through node or link x:
/// - betweenness (Freeman 1977; computed as in Brandes 2001, see [`brandes_source`]):
///   B(v) = Σ_{s≠v≠t} w_st · σ_st(v) / σ_st over unit pairs, normalised by (n − 1)(n − 2)
///   (with weights: by Σ w_st over those pairs); a unit's value is its unit node's (see the
///   [module documentation](self) for station nodes);
/// - link betweenness: Σ_{s≠t} w_st · σ_st(l) / σ_st, both directions of the link summed;
/// - harmonic closeness (Marchiori & Latora 2000, "Harmony in the small-world", Physica A 285):
///   C_i = Σ_{j≠i} (1/d_ij) / (n − 1), with 1/d = 0 when unreachable;
/// - global efficiency (Latora & Marchiori 2001, "Efficient behavior of small-world networks",
///   Phys. Rev. Lett. 87): E = Σ_{i≠j} (1/d_ij) / [n(n − 1)].
///
/// Weights apply to the two betweennesses, not to closeness or efficiency.
///
/// # Arguments
/// - `net`: the frozen network;
/// - `weights`: w_st per ordered unit pair (for example [`crate::measures::gravity::Gravity::matrix`]), or `None`.
///
/// # Returns
/// A [`Centrality`].
///
/// # Units
/// Betweenness in (weighted) unit pairs, normalised betweenness a fraction; closeness and
/// efficiency in 1/minutes.
///
/// # Complexity
/// O(n · (V + E) log V) time for n units, V nodes and E arcs; O(V + L) memory.
///
/// # Examples
/// ```
/// # use regionlink::measures::betweenness::betweenness;
/// # use regionlink::network::{Arc, Network, NetworkKind, Node};
/// # use regionlink::UnitId;
/// # use petgraph::graph::DiGraph;
/// // A line 0 — 1 — 2 — 3, 10 minutes a step, both ways.
/// let mut g = DiGraph::new();
/// let n: Vec<_> = (0..4).map(|i| g.add_node(Node::Unit(UnitId(i)))).collect();
/// for i in 0..3 {
///     g.add_edge(n[i], n[i + 1], Arc { minutes: 10.0, link: None });
///     g.add_edge(n[i + 1], n[i], Arc { minutes: 10.0, link: None });
/// }
/// let net = Network::freeze(&g, vec![], NetworkKind::Combined)?;
/// let c = betweenness(&net, None);
/// // Unit 1 lies on 0→2, 0→3, 2→0 and 3→0: 4 of the (4 − 1)(4 − 2) = 6 pairs without it.
/// assert_eq!(c.betweenness[1], 4.0);
/// assert!((c.betweenness_norm[1] - 4.0 / 6.0).abs() < 1e-12);
/// // Closeness of unit 0: (1/10 + 1/20 + 1/30) / 3.
/// assert!((c.closeness[0] - (0.1 + 0.05 + 1.0 / 30.0) / 3.0).abs() < 1e-12);
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn betweenness(net: &Network, weights: Option<PairWeights<'_>>) -> Centrality {
    let mut ws = BrandesWorkspace::new(net.node_count());
    let parts =
        (0..net.unit_count() as u32).map(|s| brandes_source(net, UnitId(s), &mut ws, weights));
    combine(net, weights, parts)
}

#[cfg(test)]
mod tests {
    use petgraph::graph::{DiGraph, NodeIndex};

    use super::*;
    use crate::model::{LinkId, LinkStatus, Minutes, Mode};
    use crate::network::{Arc, Attach, Link, NetworkKind};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    fn assert_all_close(got: &[f64], want: &[f64], what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: lengths");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                close(*g, *w),
                "{what}[{i}]: got {g}, want {w}\n got {got:?}\nwant {want:?}"
            );
        }
    }

    // --- the binary linkage network ------------------------------------------------------

    fn link(id: u32, from: u32, to: u32, minutes: f64) -> Link {
        Link {
            id: LinkId(id),
            link_id: format!("L{id}"),
            line_id: None,
            line_name: None,
            line_name_zh: None,
            from: UnitId(from),
            to: UnitId(to),
            from_code: format!("U{from}"),
            to_code: format!("U{to}"),
            attach: (Attach::Code, Attach::Code),
            mode: Mode::Road,
            status: LinkStatus::Open,
            opening_year: None,
            planned_year: None,
            minutes: Minutes(minutes),
            time_source: "test".into(),
            estimate: true,
            length_km: None,
            generated: false,
        }
    }

    /// A graph under construction: unit nodes first, then stations; links are two arcs.
    struct Builder {
        g: DiGraph<Node, Arc>,
        links: Vec<Link>,
    }

    impl Builder {
        fn new(units: u32) -> Self {
            let mut g = DiGraph::new();
            for u in 0..units {
                g.add_node(Node::Unit(UnitId(u)));
            }
            Builder {
                g,
                links: Vec::new(),
            }
        }

        fn unit_of(&self, n: usize) -> u32 {
            match self.g[NodeIndex::new(n)] {
                Node::Unit(u) | Node::Station(u, _, _) => u.0,
                Node::Road(r) => r,
            }
        }

        /// A station of unit `u` with its access and egress arcs; returns its node.
        fn station(&mut self, u: u32, access: f64, egress: f64) -> usize {
            let s = self.g.add_node(Node::Station(UnitId(u), Mode::Hsr, 0));
            let un = NodeIndex::new(u as usize);
            self.g.add_edge(
                un,
                s,
                Arc {
                    minutes: access,
                    link: None,
                },
            );
            self.g.add_edge(
                s,
                un,
                Arc {
                    minutes: egress,
                    link: None,
                },
            );
            s.index()
        }

        /// A two-way link between nodes `a` and `b`.
        fn link(&mut self, a: usize, b: usize, minutes: f64) -> u32 {
            let id = self.links.len() as u32;
            self.links
                .push(link(id, self.unit_of(a), self.unit_of(b), minutes));
            let arc = Arc {
                minutes,
                link: Some(LinkId(id)),
            };
            self.g.add_edge(NodeIndex::new(a), NodeIndex::new(b), arc);
            self.g.add_edge(NodeIndex::new(b), NodeIndex::new(a), arc);
            id
        }

        fn freeze(self) -> Network {
            Network::freeze(&self.g, self.links, NetworkKind::Combined).unwrap()
        }
    }

    #[test]
    fn diamond_splits_equal_paths() {
        // 0 — 1 — 3 and 0 — 2 — 3, 1 minute each. Pair (0, 3) has two paths (via 1, via 2),
        // so 1 and 2 get ½ each, and ½ each again from (3, 0). Pair (1, 2) goes via 0 or 3:
        // ½ each, and (2, 1) again. Every unit: B = 1, normalised 1 / (3 · 2).
        // Link 0–1 carries (0,1), (1,0): 1 each; (0,3), (3,0), (1,2), (2,1): ½ each → 4.
        // Closeness of 0: (1 + 1 + ½) / 3 = 5/6; efficiency 4 · 2.5 / 12 = 5/6.
        let mut b = Builder::new(4);
        for (x, y) in [(0, 1), (1, 3), (0, 2), (2, 3)] {
            b.link(x, y, 1.0);
        }
        let net = b.freeze();
        let c = betweenness(&net, None);
        assert_all_close(&c.betweenness, &[1.0; 4], "betweenness");
        assert_all_close(&c.betweenness_norm, &[1.0 / 6.0; 4], "normalised");
        assert_all_close(&c.link_betweenness, &[4.0; 4], "links");
        assert_all_close(&c.closeness, &[5.0 / 6.0; 4], "closeness");
        assert!(close(c.efficiency, 5.0 / 6.0));
        assert_eq!(
            (c.unreachable_pairs, c.zero_time_pairs, c.weighted),
            (0, 0, false)
        );
    }

    #[test]
    fn near_equal_times_tie() {
        // 0 —0.1— 1 —0.2— 2 and 0 —0.15— 3 —0.15— 2: 0.1 + 0.2 = 0.30000000000000004 and
        // 0.15 + 0.15 = 0.3 tie to 1e-9, so (0, 2) and (2, 0) split between 1 and 3 (B = 1
        // each). (1, 3) and (3, 1) go via 0 (0.25 < 0.35): B(0) = 2; B(2) = 0.
        assert_ne!(0.1 + 0.2, 0.15 + 0.15);
        let mut b = Builder::new(4);
        b.link(0, 1, 0.1);
        b.link(1, 2, 0.2);
        b.link(0, 3, 0.15);
        b.link(3, 2, 0.15);
        let c = betweenness(&b.freeze(), None);
        assert_all_close(&c.betweenness, &[2.0, 1.0, 0.0, 1.0], "betweenness");
    }

    #[test]
    fn stations_are_intermediate_nodes_but_not_added_to_their_unit() {
        // Units 0, 1, 2, each with an HSR station (access 2, egress 1); HSR S0 — S1 — S2.
        // 0 → 2 rides 0 → S0 → S1 → S2 → 2 through S1 without touching unit 1's seat, so
        // unit 1's betweenness is 0 while S1 carries (0, 2) and (2, 0), and also every trip
        // from or to unit 1 itself: 6 (why stations are not added to their unit). S0 lies on
        // every trip from or to 0: (0,1), (0,2), (1,0), (2,0) → 4.
        let mut b = Builder::new(3);
        let s: Vec<usize> = (0..3).map(|u| b.station(u, 2.0, 1.0)).collect();
        b.link(s[0], s[1], 10.0);
        b.link(s[1], s[2], 10.0);
        let net = b.freeze();
        let c = betweenness(&net, None);
        assert_all_close(&c.betweenness, &[0.0; 3], "units");
        assert_all_close(&c.node_betweenness[3..], &[4.0, 6.0, 4.0], "stations");
        // 0 → 1: 2 + 10 + 1 = 13 minutes; 0 → 2: 23.
        assert!(close(c.closeness[0], (1.0 / 13.0 + 1.0 / 23.0) / 2.0));
    }

    #[test]
    fn unreachable_pairs_count_and_add_nothing() {
        // Two components {0, 1} and {2}: 4 of 6 ordered pairs unreachable.
        let mut b = Builder::new(3);
        b.link(0, 1, 5.0);
        let c = betweenness(&b.freeze(), None);
        assert_eq!(c.unreachable_pairs, 4);
        assert_all_close(&c.closeness, &[0.1, 0.1, 0.0], "closeness");
        assert!(close(c.efficiency, 0.4 / 6.0));
    }

    #[test]
    fn pair_weights_scale_and_are_checked() {
        let mut b = Builder::new(4);
        for (x, y, t) in [(0, 1, 1.0), (1, 2, 2.0), (2, 3, 1.0), (0, 3, 5.0)] {
            b.link(x, y, t);
        }
        let net = b.freeze();
        let ones = vec![1.0; 16];
        let twos = vec![2.0; 16];
        let plain = betweenness(&net, None);
        let w1 = betweenness(&net, Some(PairWeights::new(&net, &ones).unwrap()));
        let w2 = betweenness(&net, Some(PairWeights::new(&net, &twos).unwrap()));
        assert_all_close(&w1.node_betweenness, &plain.node_betweenness, "w = 1");
        assert_all_close(
            &w1.betweenness_norm,
            &plain.betweenness_norm,
            "w = 1 normalised",
        );
        let doubled: Vec<f64> = plain.link_betweenness.iter().map(|x| 2.0 * x).collect();
        assert_all_close(&w2.link_betweenness, &doubled, "w = 2");
        assert_all_close(
            &w2.betweenness_norm,
            &plain.betweenness_norm,
            "w = 2 normalised",
        );
        assert!(w2.weighted);
        assert!(PairWeights::new(&net, &ones[..15]).is_err());
        let mut bad = ones.clone();
        bad[6] = -1.0;
        let e = PairWeights::new(&net, &bad).unwrap_err().to_string();
        assert!(e.contains("from unit 1 to unit 2 is -1"), "{e}");
    }

    // --- the oracle: every shortest path, enumerated ------------------------------------

    /// SplitMix64: a seeded generator for the random networks.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// 3–9 units, stations on about a third of them, links between random unit or station
    /// nodes with times from {0.5, 1, 1.5, 2, 3} (many ties), a few parallel links and a few
    /// one-way arcs; sometimes disconnected.
    fn random_network(seed: u64) -> Network {
        let mut rng = Rng(seed);
        let n = 3 + rng.below(7) as u32;
        let mut b = Builder::new(n);
        let mut stations = vec![None; n as usize];
        for u in 0..n {
            if rng.below(3) == 0 {
                let access = 0.5 * (1 + rng.below(3)) as f64;
                let egress = 0.5 * (1 + rng.below(2)) as f64;
                stations[u as usize] = Some(b.station(u, access, egress));
            }
        }
        let times = [0.5, 1.0, 1.5, 2.0, 3.0];
        let count = n as u64 + rng.below(n as u64 + 2);
        for _ in 0..count {
            let a = rng.below(n as u64) as u32;
            let c = (a + 1 + rng.below(n as u64 - 1) as u32) % n;
            let end = |rng: &mut Rng, u: u32| match stations[u as usize] {
                Some(s) if rng.below(2) == 0 => s,
                _ => u as usize,
            };
            let (x, y) = (end(&mut rng, a), end(&mut rng, c));
            let t = times[rng.below(times.len() as u64) as usize];
            b.link(x, y, t);
            if rng.below(6) == 0 {
                b.link(x, y, t); // a parallel link of equal time: two shortest paths
            }
        }
        for _ in 0..rng.below(3) {
            let a = rng.below(n as u64) as u32;
            let c = (a + 1 + rng.below(n as u64 - 1) as u32) % n;
            let t = times[rng.below(times.len() as u64) as usize];
            b.g.add_edge(
                NodeIndex::new(a as usize),
                NodeIndex::new(c as usize),
                Arc {
                    minutes: t,
                    link: None,
                },
            );
        }
        b.freeze()
    }

    struct Brute {
        node: Vec<f64>,
        link: Vec<f64>,
        closeness: Vec<f64>,
        efficiency: f64,
        unreachable: usize,
    }

    /// The textbook definitions, by enumerating every simple path (as a sequence of arcs, so
    /// parallel arcs are distinct paths) between every unit pair and keeping those whose time
    /// equals the shortest to [`TIE_EPS`]. Floyd–Warshall distances prune the search.
    fn brute_force(net: &Network, weights: Option<&[f64]>) -> Brute {
        let (v, n) = (net.node_count(), net.unit_count());
        let mut d = vec![f64::INFINITY; v * v];
        for a in 0..v {
            d[a * v + a] = 0.0;
            for (_, h, arc) in net.out_arcs(NodeId(a as u32)) {
                let k = a * v + h.index();
                d[k] = d[k].min(arc.minutes);
            }
        }
        for k in 0..v {
            for i in 0..v {
                for j in 0..v {
                    let via = d[i * v + k] + d[k * v + j];
                    if via < d[i * v + j] {
                        d[i * v + j] = via;
                    }
                }
            }
        }
        let mut out = Brute {
            node: vec![0.0; v],
            link: vec![0.0; net.links().len()],
            closeness: vec![0.0; n],
            efficiency: 0.0,
            unreachable: 0,
        };
        for s in 0..n {
            for t in 0..n {
                if s == t {
                    continue;
                }
                let (sn, tn) = (
                    net.unit_node(UnitId(s as u32)).index(),
                    net.unit_node(UnitId(t as u32)).index(),
                );
                let best = d[sn * v + tn];
                if best.is_infinite() {
                    out.unreachable += 1;
                    continue;
                }
                out.closeness[s] += 1.0 / best / (n - 1) as f64;
                out.efficiency += 1.0 / best / (n * (n - 1)) as f64;
                let mut paths: Vec<Vec<usize>> = Vec::new();
                let mut on_path = vec![false; v];
                on_path[sn] = true;
                dfs(
                    net,
                    sn,
                    tn,
                    0.0,
                    best,
                    &d,
                    &mut on_path,
                    &mut Vec::new(),
                    &mut paths,
                );
                let w = weights.map_or(1.0, |w| w[s * n + t]);
                let sigma = paths.len() as f64;
                assert!(sigma >= 1.0, "a shortest path from {s} to {t}");
                for p in &paths {
                    for (k, &a) in p.iter().enumerate() {
                        let (_, head, arc) = net.arc(a);
                        if k + 1 < p.len() {
                            out.node[head.index()] += w / sigma;
                        }
                        if let Some(l) = arc.link {
                            out.link[l.index()] += w / sigma;
                        }
                    }
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn dfs(
        net: &Network,
        at: usize,
        target: usize,
        time: f64,
        best: f64,
        d: &[f64],
        on_path: &mut [bool],
        arcs: &mut Vec<usize>,
        paths: &mut Vec<Vec<usize>>,
    ) {
        if at == target {
            if same_time(time, best) {
                paths.push(arcs.clone());
            }
            return;
        }
        let v = net.node_count();
        for (ai, head, arc) in net.out_arcs(NodeId(at as u32)) {
            let h = head.index();
            let t = time + arc.minutes;
            let bound = t + d[h * v + target];
            if on_path[h] || !(bound <= best || same_time(bound, best)) {
                continue;
            }
            on_path[h] = true;
            arcs.push(ai);
            dfs(net, h, target, t, best, d, on_path, arcs, paths);
            arcs.pop();
            on_path[h] = false;
        }
    }

    #[test]
    fn brandes_matches_brute_force_on_random_networks() {
        for seed in 0..200u64 {
            let net = random_network(seed);
            let n = net.unit_count();
            let mut rng = Rng(seed ^ 0xABCD);
            let w: Vec<f64> = (0..n * n).map(|_| rng.below(1000) as f64 / 100.0).collect();
            for weights in [None, Some(w.as_slice())] {
                let pw = weights.map(|w| PairWeights::new(&net, w).unwrap());
                let c = betweenness(&net, pw);
                let want = brute_force(&net, weights);
                let ctx = format!("seed {seed}, weighted {}", weights.is_some());
                assert_all_close(&c.node_betweenness, &want.node, &format!("{ctx}: nodes"));
                assert_all_close(&c.link_betweenness, &want.link, &format!("{ctx}: links"));
                assert_all_close(&c.closeness, &want.closeness, &format!("{ctx}: closeness"));
                assert!(close(c.efficiency, want.efficiency), "{ctx}: efficiency");
                assert_eq!(c.unreachable_pairs, want.unreachable, "{ctx}: unreachable");
                let units: Vec<f64> = (0..n)
                    .map(|u| want.node[net.unit_node(UnitId(u as u32)).index()])
                    .collect();
                assert_all_close(&c.betweenness, &units, &format!("{ctx}: units"));
                if weights.is_none() && n > 2 {
                    let norm: Vec<f64> = units
                        .iter()
                        .map(|b| b / ((n - 1) * (n - 2)) as f64)
                        .collect();
                    assert_all_close(&c.betweenness_norm, &norm, &format!("{ctx}: normalised"));
                }
            }
        }
    }

    #[test]
    fn sources_combined_in_any_grouping_give_the_same_result() {
        // What par.rs does: one workspace per thread, contributions collected in source order.
        let net = random_network(7);
        let parts: Vec<SourceContribution> = (0..net.unit_count() as u32)
            .map(|s| {
                brandes_source(
                    &net,
                    UnitId(s),
                    &mut BrandesWorkspace::new(net.node_count()),
                    None,
                )
            })
            .collect();
        assert_eq!(combine(&net, None, parts), betweenness(&net, None));
    }
}
