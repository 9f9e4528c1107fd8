//! The shortest-path kernel: Dijkstra with a binary heap on the CSR arrays, buffers reused
//! across runs and reset in O(1) by a generation stamp.
//!
//! At road-network scale the search is bound by memory latency, not arithmetic, so the layout
//! is chosen for cache misses: each arc's (minutes, head) sit side by side, each node's (time,
//! predecessor, stamp) fill 16 bytes, a queue entry is one `u128` (time bits, node), and
//! before relaxing a node the kernel touches the arcs and label of the nodes at the top of the
//! queue so that their misses overlap with the work (see `benches/roads.rs`).
//!
//! Determinism: the heap orders by (time, node id), arcs are scanned in the frozen order, and a
//! predecessor changes only on a strict improvement, so equal-time paths are chosen the same way
//! on every run and thread.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::{LinkId, Minutes, NodeId};
use crate::network::{Network, Node};

/// A heap key: the time's bits (for times ≥ +0.0 the IEEE-754 bit patterns order as the
/// numbers do) above the node id, so one integer comparison orders by (time, node id).
#[inline]
pub(crate) fn key(t: f64, node: u32) -> u128 {
    (u128::from((t + 0.0).to_bits()) << 32) | u128::from(node)
}

/// The (time, node) of a [`key`].
#[inline]
pub(crate) fn unkey(k: u128) -> (f64, u32) {
    (f64::from_bits((k >> 32) as u64), k as u32)
}

const NO_ARC: u32 = u32::MAX;

/// How many of the next queue entries have their memory touched ahead of time.
const TOUCH: usize = 2;

/// What the search knows of a node, packed so that one relaxation touches one cache line.
#[derive(Debug, Clone, Copy)]
struct Label {
    /// Best time found (valid when `stamp` is the current generation).
    dist: f64,
    /// The arc it was reached by, or [`NO_ARC`].
    pred: u32,
    /// The generation that set `dist`.
    stamp: u32,
}

/// A reusable shortest-path workspace for one network size.
///
/// # Examples
/// ```
/// # use regionlink::route::Dijkstra;
/// # use regionlink::network::{Network, Node, Arc, NetworkKind};
/// # use regionlink::{Minutes, UnitId};
/// # use petgraph::graph::DiGraph;
/// // 0 -5-> 1 -5-> 2, and 0 -12-> 2
/// let mut g = DiGraph::new();
/// let n: Vec<_> = (0..3).map(|i| g.add_node(Node::Unit(UnitId(i)))).collect();
/// for (a, b, t) in [(0, 1, 5.0), (1, 2, 5.0), (0, 2, 12.0)] {
///     g.add_edge(n[a], n[b], Arc { minutes: t, link: None });
/// }
/// let net = Network::freeze(&g, vec![], NetworkKind::Combined)?;
/// let mut dj = Dijkstra::new(net.node_count());
/// let tree = dj.run(&net, &[(net.unit_node(UnitId(0)), Minutes(0.0))], None);
/// assert_eq!(tree.time(net.unit_node(UnitId(2))), Some(Minutes(10.0)));
/// # Ok::<(), regionlink::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Dijkstra {
    labels: Vec<Label>,
    generation: u32,
    heap: BinaryHeap<Reverse<u128>>,
}

impl Dijkstra {
    /// A workspace for networks of `node_count` nodes.
    pub fn new(node_count: usize) -> Self {
        Dijkstra {
            labels: vec![
                Label {
                    dist: f64::INFINITY,
                    pred: NO_ARC,
                    stamp: 0,
                };
                node_count
            ],
            generation: 0,
            heap: BinaryHeap::new(),
        }
    }

    /// Shortest times from several sources at once (each with a start offset, minutes ≥ 0) to
    /// every node, stopping at `limit` minutes when given (nodes beyond it are unreached).
    ///
    /// Every node labelled is within the limit and is eventually settled, so a node has a time
    /// exactly when it carries this run's stamp; a queue entry is stale when its time exceeds
    /// the node's label (a later, strictly better label was pushed).
    ///
    /// # Complexity
    /// O((V + E) log V) per run; no allocation after the first run.
    pub fn run<'a>(
        &'a mut self,
        net: &'a Network,
        sources: &[(NodeId, Minutes)],
        limit: Option<Minutes>,
    ) -> Tree<'a> {
        assert!(
            net.node_count() <= self.labels.len(),
            "workspace smaller than the network"
        );
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.labels.iter_mut().for_each(|l| l.stamp = 0);
            self.generation = 1;
        }
        let g = self.generation;
        let limit = limit.map_or(f64::INFINITY, |m| m.0);
        let labels = &mut self.labels[..];
        let heap = &mut self.heap;
        heap.clear();
        for &(s, t0) in sources {
            debug_assert!(t0.0 >= 0.0, "source offsets are minutes ≥ 0");
            let l = &mut labels[s.index()];
            if t0.0 <= limit && (l.stamp != g || t0.0 < l.dist) {
                *l = Label {
                    dist: t0.0,
                    pred: NO_ARC,
                    stamp: g,
                };
                heap.push(Reverse(key(t0.0, s.0)));
            }
        }
        let (offsets, arcs) = net.csr();
        while let Some(Reverse(k)) = heap.pop() {
            let (t, u) = unkey(k);
            if t > labels[u as usize].dist {
                continue;
            }
            // Touch the arcs and labels of the nodes likely to come next (the heap's top three),
            // so that their cache misses overlap with this node's relaxations.
            let top = heap.as_slice();
            for Reverse(next) in top.iter().skip(1).take(TOUCH) {
                let n = *next as u32 as usize;
                let o = offsets[n] as usize;
                std::hint::black_box((arcs.get(o).map(|a| a.1), labels[n].stamp));
            }
            // The next node's arcs were touched an iteration ago: touch its heads' labels.
            if let Some(Reverse(next)) = top.first() {
                let n = *next as u32 as usize;
                let mut acc = 0u32;
                for &(_, v) in &arcs[offsets[n] as usize..offsets[n + 1] as usize] {
                    acc ^= labels[v as usize].stamp;
                }
                std::hint::black_box(acc);
            }
            let (a, b) = (
                offsets[u as usize] as usize,
                offsets[u as usize + 1] as usize,
            );
            for (i, &(w, v)) in arcs[a..b].iter().enumerate() {
                let nt = t + w;
                if nt > limit {
                    continue;
                }
                let l = &mut labels[v as usize];
                if l.stamp != g || nt < l.dist {
                    *l = Label {
                        dist: nt,
                        pred: (a + i) as u32,
                        stamp: g,
                    };
                    heap.push(Reverse(key(nt, v)));
                }
            }
        }
        Tree { ws: self, net }
    }
}

/// The result of one [`Dijkstra::run`]: times and predecessor arcs, borrowed from the workspace.
#[derive(Debug)]
pub struct Tree<'a> {
    ws: &'a Dijkstra,
    net: &'a Network,
}

/// One leg of a path: an access or egress step, or a run of arcs on one link.
#[derive(Debug, Clone, PartialEq)]
pub enum Leg {
    /// Seat → station of a mode (the access penalty).
    Access {
        /// The unit.
        unit: crate::UnitId,
        /// The mode.
        mode: crate::Mode,
        /// Minutes.
        minutes: f64,
    },
    /// A change from one line's station to another's at a unit (the transfer penalty).
    Transfer {
        /// The unit.
        unit: crate::UnitId,
        /// The mode of the line left.
        from: crate::Mode,
        /// The mode of the line boarded.
        to: crate::Mode,
        /// Minutes.
        minutes: f64,
    },
    /// Station → seat (the egress penalty).
    Egress {
        /// The unit.
        unit: crate::UnitId,
        /// The mode.
        mode: crate::Mode,
        /// Minutes.
        minutes: f64,
    },
    /// A drive on the road graph given with `--roads` (consecutive road arcs and the seat
    /// connectors at either end, merged).
    Road {
        /// Minutes.
        minutes: f64,
        /// Road arcs driven (connectors included).
        arcs: usize,
    },
    /// A link ridden from `from` to `to`.
    Ride {
        /// The link.
        link: LinkId,
        /// Boarding unit.
        from: crate::UnitId,
        /// Alighting unit.
        to: crate::UnitId,
        /// Minutes.
        minutes: f64,
    },
}

/// A travel time split by where its minutes come from.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TimeParts {
    /// Minutes on links whose time is a timetable figure.
    pub timetable: f64,
    /// Minutes on links whose time is an estimate (length / speed, planning targets,
    /// generated roads).
    pub estimate: f64,
    /// Minutes of station access, egress and transfers (assumptions of the study file).
    pub penalty: f64,
}

impl TimeParts {
    /// The total.
    pub fn total(&self) -> f64 {
        self.timetable + self.estimate + self.penalty
    }
}

impl Tree<'_> {
    /// The time to `n` split into timetable, estimated and penalty minutes (walks the path);
    /// `None` when unreachable.
    pub fn parts(&self, n: NodeId) -> Option<TimeParts> {
        self.time(n)?;
        let mut p = TimeParts::default();
        let mut cur = n;
        while let Some(a) = self.pred_arc(cur) {
            let (tail, head, arc) = self.net.arc(a);
            let road = |n: NodeId| matches!(self.net.node(n), Node::Road(_));
            match arc.link {
                None if road(tail) || road(head) => p.estimate += arc.minutes,
                None => p.penalty += arc.minutes,
                Some(l) if self.net.link(l).estimate => p.estimate += arc.minutes,
                Some(_) => p.timetable += arc.minutes,
            }
            cur = tail;
        }
        Some(p)
    }

    /// The shortest time to `n`, or `None` when unreachable (or beyond the limit).
    #[inline]
    pub fn time(&self, n: NodeId) -> Option<Minutes> {
        let l = &self.ws.labels[n.index()];
        (l.stamp == self.ws.generation).then_some(Minutes(l.dist))
    }

    /// The arc index by which `n` was reached (`None` for a source or an unreached node).
    pub fn pred_arc(&self, n: NodeId) -> Option<usize> {
        let l = &self.ws.labels[n.index()];
        (l.stamp == self.ws.generation && l.pred != NO_ARC).then_some(l.pred as usize)
    }

    /// The arcs of the shortest path to `n`, from the source; `None` when unreachable.
    pub fn path_arcs(&self, n: NodeId) -> Option<Vec<usize>> {
        self.time(n)?;
        let mut arcs = Vec::new();
        let mut cur = n;
        while let Some(a) = self.pred_arc(cur) {
            arcs.push(a);
            cur = self.net.arc(a).0;
        }
        arcs.reverse();
        Some(arcs)
    }

    /// The path to `n` as legs (access, rides, egress), or `None` when unreachable.
    pub fn legs(&self, n: NodeId) -> Option<Vec<Leg>> {
        let arcs = self.path_arcs(n)?;
        let unit_of = |n: NodeId| match self.net.node(n) {
            Node::Unit(u) | Node::Station(u, _, _) => u,
            // Links join unit or station nodes only.
            Node::Road(_) => crate::UnitId(u32::MAX),
        };
        let mut legs: Vec<Leg> = Vec::with_capacity(arcs.len());
        for a in arcs {
            let (tail, head, arc) = self.net.arc(a);
            let leg = match (arc.link, self.net.node(tail), self.net.node(head)) {
                (None, Node::Road(_), _) | (None, _, Node::Road(_)) => {
                    if let Some(Leg::Road { minutes, arcs }) = legs.last_mut() {
                        *minutes += arc.minutes;
                        *arcs += 1;
                        continue;
                    }
                    Leg::Road {
                        minutes: arc.minutes,
                        arcs: 1,
                    }
                }
                (Some(link), _, _) => Leg::Ride {
                    link,
                    from: unit_of(tail),
                    to: unit_of(head),
                    minutes: arc.minutes,
                },
                (None, Node::Unit(u), Node::Station(_, m, _)) => Leg::Access {
                    unit: u,
                    mode: m,
                    minutes: arc.minutes,
                },
                (None, Node::Station(u, from, _), Node::Station(_, to, _)) => Leg::Transfer {
                    unit: u,
                    from,
                    to,
                    minutes: arc.minutes,
                },
                (None, Node::Station(u, m, _), _) => Leg::Egress {
                    unit: u,
                    mode: m,
                    minutes: arc.minutes,
                },
                (None, Node::Unit(u), Node::Unit(_)) => Leg::Egress {
                    unit: u,
                    mode: crate::Mode::Road,
                    minutes: arc.minutes,
                },
            };
            legs.push(leg);
        }
        Some(legs)
    }
}
