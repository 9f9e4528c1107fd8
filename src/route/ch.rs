//! A contraction hierarchy (Geisberger et al. 2008) and PHAST one-to-all sweeps over it
//! (Delling, Goldberg, Nowatzyk & Werneck 2011, "PHAST: hardware-accelerated shortest path
//! trees", *IPDPS*; *J. Parallel Distrib. Comput.* 73 (2013)).
//!
//! # How it works
//! **Preprocessing** ([`Hierarchy::build_with`]) removes ("contracts") the nodes, least
//! important first. Removing `v` keeps every shortest time among the remaining nodes by adding
//! a *shortcut* `u → w` of time `t(u,v) + t(v,w)` for each pair of neighbours whose shortest
//! path runs through `v` — unless a local search (the *witness search*, which skips `v`) finds
//! a path `u → w` at most that long. Importance is the greedy "edge difference" (shortcuts
//! added minus arcs removed), plus the number of neighbours already contracted and the node's
//! depth in the hierarchy, which spread the contraction evenly. Nodes are contracted in
//! rounds of independent nodes (each less important than everything within two hops), in
//! parallel; the contraction order is the node's *rank*.
//!
//! Every arc and shortcut then goes either **up** (to a higher rank) or **down**. Any shortest
//! path can be found as an up-part followed by a down-part, so the times from a source are:
//! 1. a Dijkstra search from the source over up arcs only (a few hundred to a few thousand
//!    nodes on a road graph), then
//! 2. one linear **sweep** over all nodes in decreasing rank, each taking the minimum of its
//!    upward time and, over its incoming down arcs, the tail's (final) time plus the arc's.
//!
//! The sweep has no queue and reads its arrays in order, which is why it is several times
//! faster than Dijkstra on a large graph. When only some nodes' times are wanted (the units of
//! an accessibility run), [`Hierarchy::restrict`] keeps only the nodes the sweep needs for them
//! (RPHAST, Delling, Goldberg & Werneck 2011, *ALENEX*), which is smaller again.
//!
//! # Exactness
//! The times are the shortest times of the network — the same as [`crate::route::Dijkstra`]'s,
//! which is the oracle of the tests — up to floating-point rounding: a shortcut's time is a sum
//! done in a different order from the search's, so the two can differ in the last bits
//! (relative 1e-12). Everything here is deterministic: the same network gives the same
//! hierarchy whatever the thread count, and each sweep's result does not depend on the thread
//! that ran it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::{Minutes, NodeId};
use crate::network::Network;
use crate::route::dijkstra::{key, unkey};

/// Nodes a witness search may settle before it gives up (then a shortcut is added, which is
/// always correct, only larger). fast_paths uses 100 too.
const SETTLE_LIMIT: usize = 100;

/// "Not a target" in a [`Witness`] label.
const NO_TARGET: u32 = u32::MAX;

/// A witness-search workspace, one per thread of the contraction; see
/// [`Hierarchy::build_with`]. It runs the bounded Dijkstra searches of a contraction and the
/// hop-limited ones of a priority estimate, among the remaining nodes.
#[derive(Debug, Clone)]
pub struct Witness {
    /// (time, stamp, target index or [`NO_TARGET`]) per node, in one 16-byte record so that a
    /// relaxation touches one cache line; a record whose stamp is not the current generation
    /// reads as (+∞, not a target).
    labels: Vec<(f64, u32, u32)>,
    generation: u32,
    heap: BinaryHeap<Reverse<u128>>,
    /// The current search's targets: (node, the time of the path through the contracted node
    /// that a witness must match, witnessed yet).
    targets: Vec<(u32, f64, bool)>,
}

impl Witness {
    /// A workspace for graphs of `n` nodes.
    pub fn new(n: usize) -> Self {
        Witness {
            labels: vec![(f64::INFINITY, 0, NO_TARGET); n],
            generation: 0,
            heap: BinaryHeap::new(),
            targets: Vec::new(),
        }
    }

    /// A new generation: every label reads as unreached.
    fn next_generation(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.labels
                .iter_mut()
                .for_each(|l| *l = (f64::INFINITY, 0, NO_TARGET));
            self.generation = 1;
        }
        self.generation
    }

    /// Looks for witnesses from `s` to each of `self.targets` (none of them `s`) among the
    /// remaining nodes, avoiding `skip` and the nodes of the current round, settling at most
    /// `settle` nodes; afterwards [`Witness::get`] of a target is at most its time exactly when
    /// a witness was found. A time found is the time of a real path, so it is a valid witness
    /// even when the search stopped before settling that node.
    ///
    /// A target is witnessed as soon as a label reaches its time (labels only go down), so the
    /// search stops once every target is, or once the queue's minimum exceeds the largest time
    /// of the targets still open; no arc beyond that is relaxed. That gives the same answers
    /// as running on to the settle limit, for less work.
    fn run(&mut self, st: &State, s: u32, skip: u32, settle: usize) {
        let gen_ = self.next_generation();
        let labels = &mut self.labels[..];
        let targets = &mut self.targets[..];
        let mut max = f64::NEG_INFINITY;
        for (i, &(x, t, _)) in targets.iter().enumerate() {
            debug_assert_ne!(x, s, "the source is not a target");
            labels[x as usize] = (f64::INFINITY, gen_, i as u32);
            max = max.max(t);
        }
        let mut left = targets.len();
        if left == 0 {
            return;
        }
        self.heap.clear();
        labels[s as usize] = (0.0, gen_, NO_TARGET);
        self.heap.push(Reverse(key(0.0, s)));
        let mut settled = 0;
        while let Some(Reverse(k)) = self.heap.pop() {
            let (t, u) = unkey(k);
            if t > labels[u as usize].0 {
                continue;
            }
            if t > max || settled >= settle {
                break;
            }
            settled += 1;
            for &(v, _, w) in &st.out[u as usize] {
                let nt = t + w;
                if nt > max || v == skip || st.in_round[v as usize] {
                    continue;
                }
                let l = &mut labels[v as usize];
                if l.1 != gen_ {
                    *l = (nt, gen_, NO_TARGET);
                } else if nt < l.0 {
                    l.0 = nt;
                } else {
                    continue;
                }
                if l.2 != NO_TARGET {
                    let target = &mut targets[l.2 as usize];
                    if !target.2 && nt <= target.1 {
                        target.2 = true;
                        left -= 1;
                        if left == 0 {
                            return;
                        }
                        if target.1 == max {
                            max = targets
                                .iter()
                                .filter(|x| !x.2)
                                .map(|x| x.1)
                                .fold(f64::NEG_INFINITY, f64::max);
                        }
                    }
                }
                self.heap.push(Reverse(key(nt, v)));
            }
        }
    }

    /// The shortest times from `s` over paths of at most two arcs among the remaining nodes,
    /// avoiding `skip`, up to `max` (the labels of the nodes reached; for a priority estimate,
    /// which runs between rounds, when no node is in a round).
    fn two_hops(&mut self, st: &State, s: u32, skip: u32, max: f64) {
        let gen_ = self.next_generation();
        let labels = &mut self.labels[..];
        labels[s as usize] = (0.0, gen_, NO_TARGET);
        // Lower the label of `v` to `t` (a label of an older generation reads as +∞).
        let mut lower = |v: u32, t: f64| {
            let l = &mut labels[v as usize];
            if l.1 != gen_ {
                *l = (t, gen_, NO_TARGET);
            } else if t < l.0 {
                l.0 = t;
            }
        };
        for &(a, _, w1) in &st.out[s as usize] {
            if w1 > max || a == skip {
                continue;
            }
            lower(a, w1);
            for &(b, _, w2) in &st.out[a as usize] {
                let nt = w1 + w2;
                if nt > max || b == skip {
                    continue;
                }
                lower(b, nt);
            }
        }
    }

    #[inline]
    fn get(&self, v: u32) -> f64 {
        let l = self.labels[v as usize];
        if l.1 == self.generation {
            l.0
        } else {
            f64::INFINITY
        }
    }
}

/// What contracting one node would do: its priority, and the shortcuts it needs as
/// (tail, head, minutes).
#[derive(Debug, Clone, Default)]
pub struct Eval {
    priority: i64,
    shortcuts: Vec<(u32, u32, f64)>,
}

/// Evaluates nodes in parallel during [`Hierarchy::build_with`]: `map(nodes, f)` returns
/// `f(workspace, v)` for each `v` of `nodes`, **in the order of `nodes`**, each call with some
/// [`Witness`] workspace of the mapper's (any one: the result does not depend on it).
/// `measures::par` implements it with rayon; [`Sequential`] is the one-thread version.
pub trait NodeMap {
    /// Apply `f` to every node, results in node order.
    fn map(&self, nodes: &[u32], f: &(dyn Fn(&mut Witness, u32) -> Eval + Sync)) -> Vec<Eval>;

    /// The nodes for which `f` holds, in node order.
    fn filter(&self, nodes: &[u32], f: &(dyn Fn(u32) -> bool + Sync)) -> Vec<u32> {
        nodes.iter().copied().filter(|&v| f(v)).collect()
    }
}

/// The one-thread [`NodeMap`].
#[derive(Debug)]
pub struct Sequential(std::cell::RefCell<Witness>);

impl Sequential {
    /// A mapper for graphs of `n` nodes.
    pub fn new(n: usize) -> Self {
        Sequential(std::cell::RefCell::new(Witness::new(n)))
    }
}

impl NodeMap for Sequential {
    fn map(&self, nodes: &[u32], f: &(dyn Fn(&mut Witness, u32) -> Eval + Sync)) -> Vec<Eval> {
        let mut ws = self.0.borrow_mut();
        nodes.iter().map(|&v| f(&mut ws, v)).collect()
    }
}

/// The graph while it is being contracted: each remaining node's arcs to and from the other
/// remaining nodes, and the counters of the priority.
///
/// Each arc is (other end, arc id, witness time). For a plain hierarchy the witness time is the
/// arc's time. For a customizable one ([`Hierarchy::build_customizable`]) it is the time over
/// *fixed* arcs only (+∞ for an arc that exists only through variable arcs), and the arc's time
/// over all arcs is in `nominal`, by id: witness searches then never rely on an arc that a
/// scenario may remove.
struct State {
    out: Vec<Vec<(u32, u32, f64)>>,
    inn: Vec<Vec<(u32, u32, f64)>>,
    /// Nodes being contracted in the current round (witness searches avoid them all).
    in_round: Vec<bool>,
    /// Neighbours already contracted.
    deleted: Vec<u32>,
    /// Depth in the hierarchy: 1 + the deepest contracted neighbour's.
    depth: Vec<u32>,
    /// The time of each arc id over all arcs, for a customizable hierarchy.
    nominal: Option<Vec<f64>>,
    /// The next arc id.
    next_id: u32,
}

impl State {
    /// Add the arc `u → v` of time `nom` (and, customizable, `fix` over fixed arcs only), or
    /// lower the times of the one there; its id and what was done.
    fn add(&mut self, u: u32, v: u32, nom: f64, fix: f64) -> (u32, Added) {
        if let Some(e) = self.out[u as usize].iter_mut().find(|e| e.0 == v) {
            let id = e.1;
            let mut lowered = false;
            let witness = match &mut self.nominal {
                None => nom,
                Some(n) => {
                    if nom < n[id as usize] {
                        n[id as usize] = nom;
                        lowered = true;
                    }
                    fix
                }
            };
            if witness < e.2 {
                e.2 = witness;
                lowered = true;
                if let Some(f) = self.inn[v as usize].iter_mut().find(|e| e.0 == u) {
                    f.2 = witness;
                }
            }
            return (id, if lowered { Added::Lowered } else { Added::Kept });
        }
        let id = self.next_id;
        self.next_id += 1;
        let witness = match &mut self.nominal {
            None => nom,
            Some(n) => {
                n.push(nom);
                fix
            }
        };
        self.out[u as usize].push((v, id, witness));
        self.inn[v as usize].push((u, id, witness));
        (id, Added::New)
    }

    /// The time of arc `id` whose witness time is `w`.
    #[inline]
    fn nom(&self, id: u32, w: f64) -> f64 {
        match &self.nominal {
            None => w,
            Some(n) => n[id as usize],
        }
    }

    /// The priority of `v` (lower is contracted first): 4 × the edge difference (shortcuts
    /// added − arcs removed), plus the contracted neighbours and the depth, which spread the
    /// contraction evenly over the graph. The weights were chosen on synth graphs: against
    /// 2 : 1 : 1 (and 1, 6, 8 : 1 : 1; 2 : 0 : 1; 2 : 1 : 0) 4 : 1 : 1 gave the fewest shortcuts
    /// for the least time within noise.
    ///
    /// The shortcuts are estimated with witnesses of at most three arcs, found without a queue:
    /// the times of two arcs from each in-neighbour ([`Witness::two_hops`]), then the last arc
    /// from each out-neighbour's in-list. A priority is a heuristic, and this one is cheaper
    /// and better than the bounded Dijkstra it replaces: on the 100k-node synth graph, a
    /// Dijkstra settling 10 nodes gave 400,843 shortcuts in 192 rounds, three arcs 395,979 in
    /// 179, for 40 % less contraction time; two arcs (no in-list) 433,969.
    fn estimate(&self, ws: &mut Witness, v: u32) -> Eval {
        let vi = v as usize;
        let outs = &self.out[vi];
        let ins = &self.inn[vi];
        let removed = (outs.len() + ins.len()) as i64;
        let spread = i64::from(self.deleted[vi]) + i64::from(self.depth[vi]);
        if is_hub(self, vi) {
            // A hub: estimating its shortcuts would cost a search per neighbour, each with as
            // many targets, every time a neighbour goes. Assume every pair needs one: it goes
            // near the end either way.
            let pairs = (ins.len() * outs.len()) as i64;
            return Eval {
                priority: 4 * (pairs - removed) + spread,
                shortcuts: Vec::new(),
            };
        }
        let mut added = 0i64;
        if !outs.is_empty() {
            for &(u, iu, wu) in ins {
                let nu = self.nom(iu, wu);
                let max = outs
                    .iter()
                    .filter(|e| e.0 != u)
                    .map(|e| nu + self.nom(e.1, e.2))
                    .fold(f64::NEG_INFINITY, f64::max);
                if max == f64::NEG_INFINITY {
                    continue;
                }
                ws.two_hops(self, u, v, max);
                for &(x, ix, wx) in outs {
                    let via = nu + self.nom(ix, wx);
                    if x == u || ws.get(x) <= via {
                        continue;
                    }
                    let third = self.inn[x as usize]
                        .iter()
                        .any(|&(b, _, wb)| b != v && ws.get(b) + wb <= via);
                    if !third {
                        added += 1;
                    }
                }
            }
        }
        Eval {
            priority: 4 * (added - removed) + spread,
            shortcuts: Vec::new(),
        }
    }

    /// The shortcuts that contracting `v` needs, in (in-arc, out-arc) order, from witness
    /// searches that settle at most [`SETTLE_LIMIT`] nodes and avoid the round's nodes.
    fn evaluate(&self, ws: &mut Witness, v: u32) -> Eval {
        let vi = v as usize;
        let outs = &self.out[vi];
        let mut shortcuts = Vec::new();
        if !outs.is_empty() {
            for &(u, iu, wu) in &self.inn[vi] {
                let nu = self.nom(iu, wu);
                ws.targets.clear();
                ws.targets.extend(
                    outs.iter()
                        .filter(|e| e.0 != u)
                        .map(|e| (e.0, nu + self.nom(e.1, e.2), false)),
                );
                ws.run(self, u, v, SETTLE_LIMIT);
                for &(x, ix, wx) in outs {
                    let via = nu + self.nom(ix, wx);
                    if x != u && ws.get(x) > via {
                        shortcuts.push((u, x, via));
                    }
                }
            }
        }
        Eval {
            priority: 0,
            shortcuts,
        }
    }
}

/// Arcs (in + out) above which a node is a hub: its priority is estimated without witness
/// searches, and two nodes whose only link is a common hub may go in the same round (a star of
/// 2000 leaves took 35 s to contract without this, one leaf per round).
const HUB_ARCS: usize = 64;

fn is_hub(st: &State, v: usize) -> bool {
    st.out[v].len() + st.inn[v].len() > HUB_ARCS
}

/// What [`State::add`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Added {
    New,
    Lowered,
    Kept,
}

fn remove(list: &mut Vec<(u32, u32, f64)>, v: u32) {
    if let Some(i) = list.iter().position(|e| e.0 == v) {
        list.swap_remove(i);
    }
}

/// A sweep over (some of) the hierarchy's nodes in decreasing rank: for each, its incoming
/// down arcs, the tails numbered within the sweep. See [`Hierarchy::restrict`].
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The hierarchy position (see [`Hierarchy`]) of each node of the sweep, ascending.
    nodes: Vec<u32>,
    offsets: Vec<u32>,
    /// (minutes, tail's index in the sweep), grouped by head.
    arcs: Vec<(f64, u32)>,
    /// The sweep index of each network node, or `u32::MAX` when not in the sweep.
    index: Vec<u32>,
}

impl Sweep {
    /// Nodes swept.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Down arcs scanned.
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// Whether the times of network node `n` are computed by this sweep.
    pub fn contains(&self, n: NodeId) -> bool {
        self.index.get(n.index()).is_some_and(|&i| i != u32::MAX)
    }
}

/// A contraction hierarchy of a [`Network`], ready for PHAST sweeps.
///
/// Nodes are renumbered by decreasing rank ("positions": the most important node is 0), so
/// that up arcs go to lower positions and the sweep runs over positions in increasing order.
///
/// # Examples
/// ```
/// # use regionlink::route::{Dijkstra, Hierarchy, Phast};
/// # use regionlink::network::{Network, Node, Arc, NetworkKind};
/// # use regionlink::{Minutes, UnitId};
/// # use petgraph::graph::DiGraph;
/// // a ring 0 → 1 → 2 → 3 → 0 of 1, 2, 3, 4 minutes
/// let mut g = DiGraph::new();
/// let n: Vec<_> = (0..4).map(|i| g.add_node(Node::Unit(UnitId(i)))).collect();
/// for (a, b, t) in [(0, 1, 1.0), (1, 2, 2.0), (2, 3, 3.0), (3, 0, 4.0)] {
///     g.add_edge(n[a], n[b], Arc { minutes: t, link: None });
/// }
/// let net = Network::freeze(&g, vec![], NetworkKind::Combined)?;
/// let h = Hierarchy::build(&net, &regionlink::progress::Silent);
/// let mut ph = Phast::new(&h);
/// let times = ph.run(&h, h.full(), &[(net.unit_node(UnitId(1)), Minutes(0.0))], None);
/// // 1 → 2 → 3 → 0: 2 + 3 + 4
/// assert_eq!(times.time(net.unit_node(UnitId(0))), Some(Minutes(9.0)));
/// # Ok::<(), regionlink::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Hierarchy {
    up_offsets: Vec<u32>,
    /// (minutes, head position), grouped by tail position.
    up: Vec<(f64, u32)>,
    /// The sweep over every node; its `index` is each network node's position.
    full: Sweep,
    shortcuts: usize,
    rounds: usize,
}

impl Hierarchy {
    /// Contract every node of `net` on one thread: [`Hierarchy::build_with`] and
    /// [`Sequential`].
    pub fn build(net: &Network, progress: &dyn crate::progress::Progress) -> Hierarchy {
        Hierarchy::build_with(net, &Sequential::new(net.node_count()), progress)
    }

    /// Contract every node of `net`, evaluating nodes with `map` (in parallel with
    /// `measures::par::contract`). `progress` counts the nodes contracted (its length is set to
    /// the node count).
    ///
    /// The contraction goes in rounds. Each round takes every remaining node whose (priority,
    /// id) is lower than that of every remaining node within two hops — an independent set
    /// whose nodes share no neighbour either (so their priorities stay good estimates of each
    /// other's effects) — works out all
    /// their shortcuts at once with witness searches that avoid every node of the round, then
    /// removes them and adds the shortcuts, in id order. Keeping the round's nodes out of each
    /// other's witnesses is what makes removing them together exact: a shortest path through
    /// several of them can be rerouted around each one by its shortcut or by a witness that
    /// uses none of them. The result depends only on the network, not on the thread count.
    ///
    /// # Complexity
    /// Heuristic: about 30 s per million road nodes on 2 threads here (see the README's
    /// benchmarks); memory about twice the network's.
    pub fn build_with(
        net: &Network,
        map: &dyn NodeMap,
        progress: &dyn crate::progress::Progress,
    ) -> Hierarchy {
        contract(net, map, progress, None).0
    }

    /// A hierarchy that can be re-timed ([`Customizable::customize`]) for any network that
    /// differs from `net` only by arcs removed from among the *variable* ones
    /// (`variable(i)` for the arc of index `i` of `net`, [`Network::arc`]) — a link failed, a
    /// line not yet open — without contracting again. The result is exact for every such
    /// network, by construction rather than by luck:
    ///
    /// * a witness search uses fixed arcs only (an arc's witness time is its time over fixed
    ///   arcs and shortcuts of fixed arcs), so a shortcut is left out only where a path that no
    ///   scenario can remove is at least as fast;
    /// * each shortcut is recorded as a *triangle* (the shortcut, and the two arcs it joins),
    ///   so that replaying the triangles in order with new arc times
    ///   ([`Customizable::customize`]) computes what the same contraction would have given;
    ///   with arcs only removed, every arc is then at least as long as in `net`, and every fixed
    ///   arc exactly as long.
    ///
    /// Then every shortest path of the changed network still has an up–down path in the
    /// hierarchy of equal time: where contracting `v` added a shortcut `u → x`, its re-timed
    /// time is at most `t(u,v) + t(v,x)`; where it did not, a path of fixed arcs among higher
    /// nodes was at most as long in `net`, it is no longer now, and `t(u,v) + t(v,x)` is no
    /// shorter (the argument of Geisberger et al. with that witness). The same contraction otherwise, so
    /// [`Hierarchy::build_with`]'s notes on rounds and determinism apply.
    pub fn build_customizable(
        net: &Network,
        variable: &dyn Fn(usize) -> bool,
        map: &dyn NodeMap,
        progress: &dyn crate::progress::Progress,
    ) -> Customizable {
        let (hierarchy, custom) = contract(net, map, progress, Some(variable));
        let (arc_slot, triangles) = custom.expect("a customizable contraction");
        Customizable {
            hierarchy,
            retiming: Retiming {
                arc_slot,
                triangles,
            },
        }
    }

    /// Nodes.
    pub fn node_count(&self) -> usize {
        self.full.nodes.len()
    }

    /// Rounds the contraction took (see [`Hierarchy::build_with`]).
    pub fn rounds(&self) -> usize {
        self.rounds
    }

    /// Shortcuts added by the contraction (new arcs; lowering the time of an arc already
    /// there is not counted).
    pub fn shortcut_count(&self) -> usize {
        self.shortcuts
    }

    /// Up arcs (original and shortcuts).
    pub fn up_arc_count(&self) -> usize {
        self.up.len()
    }

    /// The sweep over every node (times to all nodes).
    pub fn full(&self) -> &Sweep {
        &self.full
    }

    /// The sweep restricted to what the times of `targets` need (RPHAST): the targets and every
    /// node from which a target is reached by down arcs. Its times are right for the targets;
    /// other nodes have no time.
    ///
    /// # Complexity
    /// O(size of the result).
    pub fn restrict(&self, targets: &[NodeId]) -> Sweep {
        let n = self.full.nodes.len();
        let full = &self.full;
        let mut marked = vec![false; n];
        let mut stack: Vec<u32> = Vec::new();
        for t in targets {
            let p = self.full.index[t.index()];
            if !marked[p as usize] {
                marked[p as usize] = true;
                stack.push(p);
            }
        }
        while let Some(p) = stack.pop() {
            let (a, b) = (
                full.offsets[p as usize] as usize,
                full.offsets[p as usize + 1] as usize,
            );
            for &(_, t) in &full.arcs[a..b] {
                if !marked[t as usize] {
                    marked[t as usize] = true;
                    stack.push(t);
                }
            }
        }
        let nodes: Vec<u32> = (0..n as u32).filter(|&p| marked[p as usize]).collect();
        let mut local = vec![u32::MAX; n];
        for (i, &p) in nodes.iter().enumerate() {
            local[p as usize] = i as u32;
        }
        let mut offsets = Vec::with_capacity(nodes.len() + 1);
        offsets.push(0u32);
        let mut arcs = Vec::new();
        for &p in &nodes {
            let (a, b) = (
                full.offsets[p as usize] as usize,
                full.offsets[p as usize + 1] as usize,
            );
            arcs.extend(full.arcs[a..b].iter().map(|&(w, t)| (w, local[t as usize])));
            offsets.push(arcs.len() as u32);
        }
        let index = self.full.index.iter().map(|&p| local[p as usize]).collect();
        Sweep {
            nodes,
            offsets,
            arcs,
            index,
        }
    }
}

/// What a customizable contraction records besides the hierarchy: each network arc's slot
/// (see [`Customizable`]), and the triangles in the order they were relaxed.
type CustomParts = (Vec<u32>, Vec<[u32; 3]>);

/// The contraction of [`Hierarchy::build_with`]; with `variable`, the customizable one of
/// [`Hierarchy::build_customizable`].
fn contract(
    net: &Network,
    map: &dyn NodeMap,
    progress: &dyn crate::progress::Progress,
    variable: Option<&dyn Fn(usize) -> bool>,
) -> (Hierarchy, Option<CustomParts>) {
    let n = net.node_count();
    progress.stage("nodes contracted (PHAST preprocessing)", n as u64);
    let (offsets, arcs) = net.csr();
    let custom = variable.is_some();
    let mut st = State {
        out: vec![Vec::new(); n],
        inn: vec![Vec::new(); n],
        in_round: vec![false; n],
        deleted: vec![0; n],
        depth: vec![0; n],
        nominal: custom.then(Vec::new),
        next_id: 0,
    };
    // Customizable: the state arc of each network arc (u32::MAX for a loop).
    let mut arc_id: Vec<u32> = Vec::new();
    for u in 0..n {
        let first = offsets[u] as usize;
        for (k, &(w, v)) in arcs[first..offsets[u + 1] as usize].iter().enumerate() {
            let i = first + k;
            let id = if v as usize != u {
                let fix = match variable {
                    Some(var) if var(i) => f64::INFINITY,
                    _ => w,
                };
                st.add(u as u32, v, w, fix).0
            } else {
                u32::MAX
            };
            if custom {
                arc_id.push(id);
            }
        }
    }
    let all: Vec<u32> = (0..n as u32).collect();
    let mut prio: Vec<i64> = map
        .map(&all, &|ws, v| st.estimate(ws, v))
        .into_iter()
        .map(|e| e.priority)
        .collect();
    let mut remaining = all;
    let mut rank = vec![0u32; n];
    let mut done = vec![false; n];
    let mut next_rank = 0u32;
    // (tail, head, minutes) in network numbering, and (customizable) each one's state arc id.
    let mut up: Vec<(u32, u32, f64)> = Vec::with_capacity(arcs.len());
    let mut down: Vec<(u32, u32, f64)> = Vec::with_capacity(arcs.len());
    let (mut up_ids, mut down_ids): (Vec<u32>, Vec<u32>) = (Vec::new(), Vec::new());
    // Customizable: the triangles (arc u→x, arc u→v, arc v→x) by state arc id, in order.
    let mut triangles: Vec<[u32; 3]> = Vec::new();
    let mut shortcut_count = 0usize;
    let mut rounds = 0usize;
    let mut touched: Vec<u32> = Vec::new();
    while !remaining.is_empty() {
        rounds += 1;
        // The round: local minima of (priority, id).
        let round: Vec<u32> = map.filter(&remaining, &|v| {
            let k = (prio[v as usize], v);
            let nb = |x: usize| st.out[x].iter().chain(&st.inn[x]).map(|e| e.0);
            nb(v as usize).all(|x| {
                k < (prio[x as usize], x)
                    && (is_hub(&st, x as usize)
                        || nb(x as usize).all(|y| y == v || k < (prio[y as usize], y)))
            })
        });
        for &v in &round {
            st.in_round[v as usize] = true;
        }
        let evals = map.map(&round, &|ws, v| st.evaluate(ws, v));
        touched.clear();
        for (&v, e) in round.iter().zip(evals) {
            let vi = v as usize;
            rank[vi] = next_rank;
            next_rank += 1;
            let outs = std::mem::take(&mut st.out[vi]);
            let ins = std::mem::take(&mut st.inn[vi]);
            for &(x, id, w) in &outs {
                up.push((v, x, st.nom(id, w)));
                if custom {
                    up_ids.push(id);
                }
                remove(&mut st.inn[x as usize], v);
                touched.push(x);
            }
            for &(u, id, w) in &ins {
                down.push((u, v, st.nom(id, w)));
                if custom {
                    down_ids.push(id);
                }
                remove(&mut st.out[u as usize], v);
                touched.push(u);
            }
            if custom {
                // Each shortcut with the ids of its two arcs, recorded as a triangle; the
                // shortcuts come in (in-arc, out-arc) order.
                let mut k = 0;
                for &(u, iu, fu) in &ins {
                    for &(x, ix, fx) in &outs {
                        if x == u {
                            continue;
                        }
                        if e.shortcuts.get(k).is_some_and(|s| s.0 == u && s.1 == x) {
                            k += 1;
                            let nv = st.nom(iu, fu) + st.nom(ix, fx);
                            let (id, added) = st.add(u, x, nv, fu + fx);
                            if added == Added::New {
                                shortcut_count += 1;
                            }
                            triangles.push([id, iu, ix]);
                        }
                    }
                }
                debug_assert_eq!(k, e.shortcuts.len(), "shortcuts in pair order");
            } else {
                for (u, x, w) in e.shortcuts {
                    if st.add(u, x, w, w).1 == Added::New {
                        shortcut_count += 1;
                    }
                }
            }
            for &x in outs.iter().chain(&ins).map(|(x, _, _)| x) {
                let xi = x as usize;
                st.deleted[xi] += 1;
                st.depth[xi] = st.depth[xi].max(st.depth[vi] + 1);
            }
            st.in_round[vi] = false;
        }
        progress.advance(round.len() as u64);
        for &v in &round {
            done[v as usize] = true;
        }
        remaining.retain(|&v| !done[v as usize]);
        touched.sort_unstable();
        touched.dedup();
        let fresh = map.map(&touched, &|ws, v| st.estimate(ws, v));
        for (&x, e) in touched.iter().zip(fresh) {
            prio[x as usize] = e.priority;
        }
    }
    // The remaining graph is empty but its lists keep their capacity: free it before the
    // final arrays are built (a third of the peak memory on a road graph).
    let ids = st.next_id as usize;
    drop(st);
    // Positions: decreasing rank.
    let pos: Vec<u32> = rank.iter().map(|&r| n as u32 - 1 - r).collect();
    let (up_offsets, up, up_order) = csr_by_position(n, &pos, &up, true);
    let (down_offsets, down, down_order) = csr_by_position(n, &pos, &down, false);
    let custom_parts = custom.then(|| {
        // State arc id → slot: up arcs first, then down arcs.
        let mut slot = vec![u32::MAX; ids];
        for (s, &i) in up_order.iter().enumerate() {
            slot[up_ids[i as usize] as usize] = s as u32;
        }
        let base = up_order.len();
        for (s, &i) in down_order.iter().enumerate() {
            slot[down_ids[i as usize] as usize] = (base + s) as u32;
        }
        let arc_slot = arc_id
            .iter()
            .map(|&id| {
                if id == u32::MAX {
                    u32::MAX
                } else {
                    slot[id as usize]
                }
            })
            .collect();
        let triangles = triangles
            .iter()
            .map(|t| t.map(|id| slot[id as usize]))
            .collect();
        (arc_slot, triangles)
    });
    let full = Sweep {
        nodes: (0..n as u32).collect(),
        offsets: down_offsets,
        arcs: down,
        index: pos,
    };
    (
        Hierarchy {
            up_offsets,
            up,
            full,
            shortcuts: shortcut_count,
            rounds,
        },
        custom_parts,
    )
}

/// Arcs (tail, head, minutes) in network numbering as compact arrays grouped by the position
/// of the tail (`by_tail`) or of the head: offsets, (minutes, the other end's position), and
/// each slot's index in `list`. Within a node, arcs ascend by the other end's position (a
/// fixed order; it also makes the sweep's reads ascend).
fn csr_by_position(
    n: usize,
    pos: &[u32],
    list: &[(u32, u32, f64)],
    by_tail: bool,
) -> (Vec<u32>, Vec<(f64, u32)>, Vec<u32>) {
    let key = |&(t, h, _): &(u32, u32, f64)| if by_tail { (t, h) } else { (h, t) };
    let mut offsets = vec![0u32; n + 1];
    for a in list {
        offsets[pos[key(a).0 as usize] as usize + 1] += 1;
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut order = vec![0u32; list.len()];
    for (i, a) in list.iter().enumerate() {
        let slot = &mut fill[pos[key(a).0 as usize] as usize];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
    drop(fill);
    for p in 0..n {
        order[offsets[p] as usize..offsets[p + 1] as usize].sort_by(|&a, &b| {
            let (a, b) = (&list[a as usize], &list[b as usize]);
            pos[key(a).1 as usize]
                .cmp(&pos[key(b).1 as usize])
                .then(a.2.total_cmp(&b.2))
        });
    }
    let arcs = order
        .iter()
        .map(|&i| {
            let a = &list[i as usize];
            (a.2, pos[key(a).1 as usize])
        })
        .collect();
    (offsets, arcs, order)
}

/// A contraction hierarchy that can be re-timed for networks that differ from the one it was
/// built on by removed variable arcs ([`Hierarchy::build_customizable`]).
#[derive(Debug, Clone)]
pub struct Customizable {
    hierarchy: Hierarchy,
    retiming: Retiming,
}

/// What makes a hierarchy re-timable, apart from the hierarchy itself: each network arc's slot
/// and the triangles ([`Customizable`]). A prepared file keeps it beside its one hierarchy, which
/// then serves plain runs and re-timed ones alike ([`crate::prepared::Prepared`]).
#[derive(Debug, Clone)]
pub struct Retiming {
    /// For each arc of the network, its slot: an up arc's index (`< up.len()`), or `up.len()`
    /// + a down arc's index; `u32::MAX` for a loop.
    arc_slot: Vec<u32>,
    /// (arc, in-arc, out-arc) slots, in the order the contraction relaxed them: every arc's
    /// triangles come before those that use it.
    triangles: Vec<[u32; 3]>,
}

impl Retiming {
    /// The arrays, for the prepared-network file ([`crate::prepared`]): each network arc's slot
    /// and the triangles.
    pub(crate) fn parts(&self) -> (&[u32], &[[u32; 3]]) {
        (&self.arc_slot, &self.triangles)
    }

    /// The re-timing of `hierarchy` from arrays read back ([`Retiming::parts`]) for a network of
    /// `arcs` arcs, checked so that re-timing cannot index out of bounds: one slot per arc,
    /// every slot and triangle within the hierarchy's arcs. (That the triangles are the
    /// contraction's is the file checksum's to guard.)
    ///
    /// # Errors
    /// A message saying which array is inconsistent.
    pub(crate) fn from_parts(
        hierarchy: &Hierarchy,
        arcs: usize,
        arc_slot: Vec<u32>,
        triangles: Vec<[u32; 3]>,
    ) -> std::result::Result<Retiming, String> {
        let r = Retiming {
            arc_slot,
            triangles,
        };
        r.check(hierarchy, arcs)?;
        Ok(r)
    }

    fn check(&self, hierarchy: &Hierarchy, arcs: usize) -> std::result::Result<(), String> {
        let total = (hierarchy.up.len() + hierarchy.full.arcs.len()) as u32;
        if self.arc_slot.len() != arcs || self.arc_slot.iter().any(|&s| s != u32::MAX && s >= total)
        {
            return Err("inconsistent re-timing arrays: arc slots".into());
        }
        if self.triangles.iter().flatten().any(|&s| s >= total) {
            return Err("inconsistent re-timing arrays: triangles".into());
        }
        Ok(())
    }
}

impl Customizable {
    /// `hierarchy` made re-timable by `retiming` (its own, for a network of `arcs` arcs).
    ///
    /// # Errors
    /// A message saying which array does not fit the hierarchy.
    pub(crate) fn new(
        hierarchy: Hierarchy,
        retiming: Retiming,
        arcs: usize,
    ) -> std::result::Result<Customizable, String> {
        retiming.check(&hierarchy, arcs)?;
        Ok(Customizable {
            hierarchy,
            retiming,
        })
    }

    /// What makes it re-timable.
    pub fn retiming(&self) -> &Retiming {
        &self.retiming
    }

    /// Its hierarchy and its re-timing, apart.
    pub fn into_parts(self) -> (Hierarchy, Retiming) {
        (self.hierarchy, self.retiming)
    }

    /// The hierarchy of the network it was built on.
    pub fn hierarchy(&self) -> &Hierarchy {
        &self.hierarchy
    }

    /// Triangles recorded (the work of one customization).
    pub fn triangle_count(&self) -> usize {
        self.retiming.triangles.len()
    }

    /// The hierarchy for the built-on network with each arc `i` timed `minutes[i]` (+∞: the
    /// arc is gone), for a network whose nodes are numbered by `index` (its node `k` is node
    /// `index[k]` of the built-on network; `None`: the same numbering).
    ///
    /// Exact ([`Hierarchy::build_customizable`]) when every fixed arc keeps its time and every
    /// variable arc keeps its time or is gone; a time lower than the built-on one breaks
    /// the guarantee, so callers only remove arcs.
    ///
    /// # Complexity
    /// O(arcs + triangles), no search.
    ///
    /// # Panics
    /// When `minutes` is not one time per arc of the built-on network.
    pub fn customize(&self, minutes: &[f64], index: Option<&[u32]>) -> Hierarchy {
        let Retiming {
            arc_slot,
            triangles,
        } = &self.retiming;
        assert_eq!(minutes.len(), arc_slot.len(), "one time per arc");
        let h = &self.hierarchy;
        let base = h.up.len();
        let mut w = vec![f64::INFINITY; base + h.full.arcs.len()];
        for (&s, &m) in arc_slot.iter().zip(minutes) {
            if s != u32::MAX && m < w[s as usize] {
                w[s as usize] = m;
            }
        }
        for &[t, a, b] in triangles {
            let c = w[a as usize] + w[b as usize];
            if c < w[t as usize] {
                w[t as usize] = c;
            }
        }
        // Arcs that no path serves any more are dropped, so that searches skip them.
        let keep = |offsets: &[u32], arcs: &[(f64, u32)], w: &[f64]| {
            let mut o = Vec::with_capacity(offsets.len());
            let mut out = Vec::with_capacity(arcs.len());
            o.push(0u32);
            for p in 0..offsets.len() - 1 {
                for i in offsets[p] as usize..offsets[p + 1] as usize {
                    if w[i].is_finite() {
                        out.push((w[i], arcs[i].1));
                    }
                }
                o.push(out.len() as u32);
            }
            (o, out)
        };
        let (up_offsets, up) = keep(&h.up_offsets, &h.up, &w[..base]);
        let (down_offsets, down) = keep(&h.full.offsets, &h.full.arcs, &w[base..]);
        let index = match index {
            None => h.full.index.clone(),
            Some(map) => map.iter().map(|&k| h.full.index[k as usize]).collect(),
        };
        Hierarchy {
            up_offsets,
            up,
            full: Sweep {
                nodes: h.full.nodes.clone(),
                offsets: down_offsets,
                arcs: down,
                index,
            },
            shortcuts: h.shortcuts,
            rounds: h.rounds,
        }
    }
}

/// A reusable PHAST workspace for one hierarchy: the upward search's labels and the sweep's
/// times.
#[derive(Debug, Clone)]
pub struct Phast {
    up_dist: Vec<f64>,
    up_stamp: Vec<u32>,
    generation: u32,
    heap: BinaryHeap<Reverse<u128>>,
    dist: Vec<f64>,
}

impl Phast {
    /// A workspace for `h`.
    pub fn new(h: &Hierarchy) -> Self {
        let n = h.node_count();
        Phast {
            up_dist: vec![f64::INFINITY; n],
            up_stamp: vec![0; n],
            generation: 0,
            heap: BinaryHeap::new(),
            dist: Vec::new(),
        }
    }

    /// Shortest times from `sources` (network nodes, each with a start offset ≥ 0 minutes) to
    /// the nodes of `sweep` (from [`Hierarchy::full`] or [`Hierarchy::restrict`] of `h`); times
    /// above `limit` count as unreached.
    ///
    /// # Complexity
    /// The upward search (small) plus O(nodes + arcs) of the sweep.
    pub fn run<'a>(
        &'a mut self,
        h: &'a Hierarchy,
        sweep: &'a Sweep,
        sources: &[(NodeId, Minutes)],
        limit: Option<Minutes>,
    ) -> PhastTimes<'a> {
        assert!(
            h.node_count() <= self.up_dist.len(),
            "workspace smaller than the hierarchy"
        );
        let limit = limit.map_or(f64::INFINITY, |m| m.0);
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.up_stamp.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
        let g = self.generation;
        // 1. Upward search.
        self.heap.clear();
        for &(s, t0) in sources {
            let p = h.full.index[s.index()] as usize;
            if t0.0 <= limit && (self.up_stamp[p] != g || t0.0 < self.up_dist[p]) {
                self.up_dist[p] = t0.0;
                self.up_stamp[p] = g;
                self.heap.push(Reverse(key(t0.0, p as u32)));
            }
        }
        while let Some(Reverse(k)) = self.heap.pop() {
            let (t, u) = unkey(k);
            if t > self.up_dist[u as usize] {
                continue;
            }
            let (a, b) = (
                h.up_offsets[u as usize] as usize,
                h.up_offsets[u as usize + 1] as usize,
            );
            for &(w, v) in &h.up[a..b] {
                let nt = t + w;
                let vi = v as usize;
                if nt <= limit && (self.up_stamp[vi] != g || nt < self.up_dist[vi]) {
                    self.up_dist[vi] = nt;
                    self.up_stamp[vi] = g;
                    self.heap.push(Reverse(key(nt, v)));
                }
            }
        }
        // 2. The sweep, in increasing position = decreasing rank: every tail is final.
        self.dist.clear();
        self.dist.resize(sweep.nodes.len(), f64::INFINITY);
        let dist = &mut self.dist[..];
        for (i, &p) in sweep.nodes.iter().enumerate() {
            let p = p as usize;
            let mut d = if self.up_stamp[p] == g {
                self.up_dist[p]
            } else {
                f64::INFINITY
            };
            let (a, b) = (sweep.offsets[i] as usize, sweep.offsets[i + 1] as usize);
            for &(w, t) in &sweep.arcs[a..b] {
                let c = dist[t as usize] + w;
                if c < d {
                    d = c;
                }
            }
            dist[i] = d;
        }
        PhastTimes {
            dist: &self.dist,
            sweep,
            limit,
        }
    }
}

/// The result of one [`Phast::run`], borrowed from the workspace.
#[derive(Debug)]
pub struct PhastTimes<'a> {
    dist: &'a [f64],
    sweep: &'a Sweep,
    limit: f64,
}

impl PhastTimes<'_> {
    /// The shortest time to `n`; `None` when unreachable, beyond the limit, or not in the
    /// sweep (a restricted sweep has times for its targets only).
    #[inline]
    pub fn time(&self, n: NodeId) -> Option<Minutes> {
        let i = *self.sweep.index.get(n.index())?;
        let d = *self.dist.get(i as usize)?;
        // `limit` is finite or +∞; an unreached node's +∞ passes neither test.
        (d <= self.limit && d.is_finite()).then_some(Minutes(d))
    }
}

/// The arrays of a hierarchy, borrowed, for the prepared-network file ([`crate::prepared`]):
/// up arcs by tail position, down arcs by head position (the full sweep), each network node's
/// position, and the two counters.
pub(crate) struct HierarchyParts<'a> {
    pub(crate) up_offsets: &'a [u32],
    pub(crate) up: &'a [(f64, u32)],
    pub(crate) down_offsets: &'a [u32],
    pub(crate) down: &'a [(f64, u32)],
    pub(crate) position: &'a [u32],
    pub(crate) shortcuts: usize,
    pub(crate) rounds: usize,
}

impl Hierarchy {
    /// Every array of the hierarchy, for writing it out.
    pub(crate) fn to_parts(&self) -> HierarchyParts<'_> {
        HierarchyParts {
            up_offsets: &self.up_offsets,
            up: &self.up,
            down_offsets: &self.full.offsets,
            down: &self.full.arcs,
            position: &self.full.index,
            shortcuts: self.shortcuts,
            rounds: self.rounds,
        }
    }

    /// A hierarchy from arrays read back ([`Hierarchy::to_parts`]), checked so that no sweep
    /// can index out of bounds or go the wrong way: offsets ascending and ending at their arc
    /// counts, up arcs to lower positions and down arcs from lower positions, times finite and
    /// non-negative, positions a permutation of the nodes.
    ///
    /// # Errors
    /// A message saying which array is inconsistent.
    pub(crate) fn from_parts(
        up_offsets: Vec<u32>,
        up: Vec<(f64, u32)>,
        down_offsets: Vec<u32>,
        down: Vec<(f64, u32)>,
        position: Vec<u32>,
        shortcuts: usize,
        rounds: usize,
    ) -> std::result::Result<Hierarchy, String> {
        let n = position.len();
        let csr_ok = |offsets: &[u32], arcs: &[(f64, u32)]| {
            offsets.len() == n + 1
                && offsets.first() == Some(&0)
                && offsets.windows(2).all(|w| w[0] <= w[1])
                && offsets[n] as usize == arcs.len()
                && (0..n).all(|p| {
                    arcs[offsets[p] as usize..offsets[p + 1] as usize]
                        .iter()
                        .all(|&(w, q)| (q as usize) < p && w.is_finite() && w >= 0.0)
                })
        };
        if !csr_ok(&up_offsets, &up) {
            return Err("inconsistent hierarchy arrays: up arcs".into());
        }
        if !csr_ok(&down_offsets, &down) {
            return Err("inconsistent hierarchy arrays: down arcs".into());
        }
        let mut seen = vec![false; n];
        for &p in &position {
            match seen.get_mut(p as usize) {
                Some(s) if !*s => *s = true,
                _ => return Err("inconsistent hierarchy arrays: positions".into()),
            }
        }
        drop(seen);
        Ok(Hierarchy {
            up_offsets,
            up,
            full: Sweep {
                nodes: (0..n as u32).collect(),
                offsets: down_offsets,
                arcs: down,
                index: position,
            },
            shortcuts,
            rounds,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Arc, NetworkKind, Node};
    use crate::route::Dijkstra;
    use proptest::prelude::*;

    /// A network of `n` nodes from (tail, head, time step) triples; times are multiples of
    /// 1.5 minutes (0 included), so sums are exact and ties are many — the hard cases for
    /// witnesses.
    fn net_of(n: u32, arcs: &[(u32, u32, u8)]) -> Network {
        let nodes = (0..n).map(|i| Node::Unit(crate::UnitId(i))).collect();
        let arcs = arcs
            .iter()
            .map(|&(a, b, t)| {
                (
                    a % n,
                    b % n,
                    Arc {
                        minutes: f64::from(t) * 1.5,
                        link: None,
                    },
                )
            })
            .collect();
        Network::from_arcs(nodes, arcs, vec![], NetworkKind::Combined).expect("valid")
    }

    /// A hub of 2000 two-way leaves: its priority is estimated without searches and leaves
    /// linked only through it go in the same round, so the contraction takes a handful of rounds
    /// (one leaf per round, each re-estimating the hub at O(d²), took 35 s); times still exact.
    #[test]
    fn a_hub_does_not_serialise_the_contraction() {
        let d = 2000u32;
        let mut arcs = Vec::new();
        for i in 1..=d {
            arcs.push((0, i, 1 + (i % 5) as u8));
            arcs.push((i, 0, 1 + (i % 4) as u8));
        }
        let net = net_of(d + 1, &arcs);
        let h = Hierarchy::build(&net, &crate::progress::Silent);
        assert!(h.rounds() <= 3, "{} rounds", h.rounds());
        // Leaves go first, with no shortcut (their only neighbour is the hub).
        assert_eq!(h.shortcut_count(), 0);
        let mut ph = Phast::new(&h);
        let mut dj = Dijkstra::new(net.node_count());
        for s in [0, 1, 777, d] {
            let src = [(NodeId(s), Minutes::ZERO)];
            let tree = dj.run(&net, &src, None);
            let want: Vec<_> = (0..=d).map(|v| tree.time(NodeId(v))).collect();
            let got = ph.run(&h, h.full(), &src, None);
            for v in 0..=d {
                assert_eq!(got.time(NodeId(v)), want[v as usize]);
            }
        }
    }

    /// The network of `arcs` (as [`net_of`]) without the arcs whose index `gone` holds.
    fn without(net: &Network, gone: &[bool]) -> Network {
        let nodes = (0..net.node_count())
            .map(|i| net.node(NodeId(i as u32)))
            .collect();
        let arcs = (0..net.arc_count())
            .filter(|&i| !gone[i])
            .map(|i| {
                let (t, h, a) = net.arc(i);
                (t.0, h.0, *a)
            })
            .collect();
        Network::from_arcs(nodes, arcs, vec![], NetworkKind::Combined).expect("valid")
    }

    /// A path 0 → 1 → 2 of fixed arcs (10 + 10) and a faster one 0 → 7 → 2 (2 + 3) whose first
    /// arc is variable, with leaves 3, 4 → 0 and 2 → 5, 6 (1 min) so that 1 goes before 0 and
    /// 2: the contraction must not take 0 → 7 → 2 as the witness of 0 → 1 → 2, or the
    /// hierarchy re-timed without 0 → 7 would lose the path through 1.
    #[test]
    fn a_variable_arc_is_never_a_witness() {
        let arc = |minutes| Arc {
            minutes,
            link: None,
        };
        let arcs = vec![
            (0, 1, arc(10.0)),
            (1, 2, arc(10.0)),
            (0, 7, arc(2.0)),
            (7, 2, arc(3.0)),
            (3, 0, arc(1.0)),
            (4, 0, arc(1.0)),
            (2, 5, arc(1.0)),
            (2, 6, arc(1.0)),
        ];
        let nodes = (0..8).map(|i| Node::Unit(crate::UnitId(i))).collect();
        let net = Network::from_arcs(nodes, arcs, vec![], NetworkKind::Combined).expect("valid");
        let variable: Vec<bool> = (0..net.arc_count())
            .map(|i| net.arc(i).2.minutes == 2.0)
            .collect();
        let c = Hierarchy::build_customizable(
            &net,
            &|i| variable[i],
            &Sequential::new(8),
            &crate::progress::Silent,
        );
        let src = [(NodeId(3), Minutes::ZERO)];
        let mut ph = Phast::new(c.hierarchy());
        let t = ph
            .run(c.hierarchy(), c.hierarchy().full(), &src, None)
            .time(NodeId(5));
        assert_eq!(t, Some(Minutes(7.0)));
        let minutes: Vec<f64> = (0..net.arc_count())
            .map(|i| {
                if variable[i] {
                    f64::INFINITY
                } else {
                    net.arc(i).2.minutes
                }
            })
            .collect();
        let h = c.customize(&minutes, None);
        let mut ph = Phast::new(&h);
        let got = ph.run(&h, h.full(), &src, None);
        assert_eq!(got.time(NodeId(5)), Some(Minutes(22.0)));
        assert_eq!(got.time(NodeId(1)), Some(Minutes(11.0)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Full and restricted sweeps give Dijkstra's times, from every source and with a limit.
        #[test]
        fn phast_equals_dijkstra(
            n in 1u32..40,
            arcs in proptest::collection::vec((0u32..40, 0u32..40, 0u8..6), 0..160),
            targets in proptest::collection::vec(0u32..40, 1..6),
            limit in proptest::option::of(0u8..20),
        ) {
            let net = net_of(n, &arcs);
            let h = Hierarchy::build(&net, &crate::progress::Silent);
            let targets: Vec<NodeId> = targets.iter().map(|&t| NodeId(t % n)).collect();
            let sub = h.restrict(&targets);
            let limit = limit.map(|l| Minutes(f64::from(l)));
            let mut ph = Phast::new(&h);
            let mut dj = Dijkstra::new(net.node_count());
            for s in 0..n {
                let src = [(NodeId(s), Minutes::ZERO)];
                let tree = dj.run(&net, &src, limit);
                let want: Vec<_> = (0..n).map(|v| tree.time(NodeId(v))).collect();
                let got = ph.run(&h, h.full(), &src, limit);
                for v in 0..n {
                    prop_assert_eq!(got.time(NodeId(v)), want[v as usize], "{}→{}", s, v);
                }
                let got = ph.run(&h, &sub, &src, limit);
                for t in &targets {
                    prop_assert_eq!(got.time(*t), want[t.index()], "{}→{} restricted", s, t.0);
                }
            }
        }

        /// A customizable hierarchy re-timed with any subset of its variable arcs removed gives
        /// Dijkstra's times on the network without them, from every source; with nothing
        /// removed it gives the same times as the hierarchy it was built as.
        #[test]
        fn retimed_phast_equals_dijkstra_on_the_network_without_the_removed_arcs(
            n in 1u32..30,
            arcs in proptest::collection::vec((0u32..30, 0u32..30, 0u8..6, any::<bool>(), any::<bool>()), 0..120),
        ) {
            let net = net_of(n, &arcs.iter().map(|a| (a.0, a.1, a.2)).collect::<Vec<_>>());
            // Arcs of `net` are sorted; find each one's flags by its (tail, head, time).
            let flags = |i: usize| {
                let (t, h, a) = net.arc(i);
                let mut f = (false, false);
                for x in &arcs {
                    if x.0 % n == t.0 && x.1 % n == h.0 && f64::from(x.2) * 1.5 == a.minutes {
                        f = (f.0 || x.3, f.1 || (x.3 && x.4));
                    }
                }
                f
            };
            let variable: Vec<bool> = (0..net.arc_count()).map(|i| flags(i).0).collect();
            let gone: Vec<bool> = (0..net.arc_count()).map(|i| flags(i).1).collect();
            let c = Hierarchy::build_customizable(
                &net,
                &|i| variable[i],
                &Sequential::new(n as usize),
                &crate::progress::Silent,
            );
            let minutes: Vec<f64> = (0..net.arc_count())
                .map(|i| if gone[i] { f64::INFINITY } else { net.arc(i).2.minutes })
                .collect();
            let all: Vec<f64> = (0..net.arc_count()).map(|i| net.arc(i).2.minutes).collect();
            let same = c.customize(&all, None);
            prop_assert_eq!(&same.up, &c.hierarchy().up);
            prop_assert_eq!(&same.full, &c.hierarchy().full);
            let h = c.customize(&minutes, None);
            let cut = without(&net, &gone);
            let mut ph = Phast::new(&h);
            let mut dj = Dijkstra::new(n as usize);
            for s in 0..n {
                let src = [(NodeId(s), Minutes::ZERO)];
                let tree = dj.run(&cut, &src, None);
                let got = ph.run(&h, h.full(), &src, None);
                for v in 0..n {
                    prop_assert_eq!(got.time(NodeId(v)), tree.time(NodeId(v)), "{}→{}", s, v);
                }
            }
        }

        /// Several sources at once, each with a start offset (as a core's units are searched),
        /// with and without a limit; a restricted sweep answers for its targets and for no
        /// other node. Offsets are multiples of 0.5 min, so all sums are exact.
        #[test]
        fn phast_equals_dijkstra_from_several_sources_with_offsets(
            n in 1u32..40,
            arcs in proptest::collection::vec((0u32..40, 0u32..40, 0u8..6), 0..160),
            sources in proptest::collection::vec((0u32..40, 0u8..10), 1..5),
            targets in proptest::collection::vec(0u32..40, 0..6),
            limit in proptest::option::of(0u8..20),
        ) {
            let net = net_of(n, &arcs);
            let h = Hierarchy::build(&net, &crate::progress::Silent);
            let src: Vec<(NodeId, Minutes)> = sources
                .iter()
                .map(|&(s, o)| (NodeId(s % n), Minutes(f64::from(o) * 0.5)))
                .collect();
            let targets: Vec<NodeId> = targets.iter().map(|&t| NodeId(t % n)).collect();
            let limit = limit.map(|l| Minutes(f64::from(l)));
            let mut dj = Dijkstra::new(net.node_count());
            let tree = dj.run(&net, &src, limit);
            let want: Vec<_> = (0..n).map(|v| tree.time(NodeId(v))).collect();
            let mut ph = Phast::new(&h);
            let got = ph.run(&h, h.full(), &src, limit);
            for v in 0..n {
                prop_assert_eq!(got.time(NodeId(v)), want[v as usize], "→{}", v);
            }
            let sub = h.restrict(&targets);
            let got = ph.run(&h, &sub, &src, limit);
            for v in 0..n {
                if targets.contains(&NodeId(v)) {
                    prop_assert!(sub.contains(NodeId(v)));
                    prop_assert_eq!(got.time(NodeId(v)), want[v as usize], "→{} restricted", v);
                } else if !sub.contains(NodeId(v)) {
                    prop_assert_eq!(got.time(NodeId(v)), None);
                }
            }
        }
    }
}
