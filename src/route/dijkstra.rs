//! The shortest-path kernel: Dijkstra with a binary heap on the CSR arrays, buffers reused
//! across runs and reset in O(1) by a generation stamp.
//!
//! Determinism: the heap orders by (time, node id), arcs are scanned in the frozen order, and a
//! predecessor changes only on a strict improvement, so equal-time paths are chosen the same way
//! on every run and thread.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::model::{LinkId, Minutes, NodeId};
use crate::network::{Network, Node};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    t: f64,
    node: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse for the smallest time, then the smallest node id.
        other
            .t
            .total_cmp(&self.t)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

const NO_ARC: u32 = u32::MAX;

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
    dist: Vec<f64>,
    pred: Vec<u32>,
    stamp: Vec<u32>,
    settled: Vec<u32>,
    generation: u32,
    heap: BinaryHeap<Entry>,
}

impl Dijkstra {
    /// A workspace for networks of `node_count` nodes.
    pub fn new(node_count: usize) -> Self {
        Dijkstra {
            dist: vec![f64::INFINITY; node_count],
            pred: vec![NO_ARC; node_count],
            stamp: vec![0; node_count],
            settled: vec![0; node_count],
            generation: 0,
            heap: BinaryHeap::new(),
        }
    }

    /// Shortest times from several sources at once (each with a start offset) to every node,
    /// stopping at `limit` minutes when given (nodes beyond it are unreached).
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
            net.node_count() <= self.dist.len(),
            "workspace smaller than the network"
        );
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.settled.fill(0);
            self.generation = 1;
        }
        let g = self.generation;
        let limit = limit.map_or(f64::INFINITY, |m| m.0);
        self.heap.clear();
        for &(s, t0) in sources {
            let i = s.index();
            if t0.0 <= limit && (self.stamp[i] != g || t0.0 < self.dist[i]) {
                self.stamp[i] = g;
                self.dist[i] = t0.0;
                self.pred[i] = NO_ARC;
                self.heap.push(Entry { t: t0.0, node: s.0 });
            }
        }
        while let Some(Entry { t, node }) = self.heap.pop() {
            let u = node as usize;
            if self.settled[u] == g || t > self.dist[u] {
                continue;
            }
            self.settled[u] = g;
            for (ai, head, arc) in net.out_arcs(NodeId(node)) {
                let v = head.index();
                let nt = t + arc.minutes;
                if nt > limit || self.settled[v] == g {
                    continue;
                }
                if self.stamp[v] != g || nt < self.dist[v] {
                    self.stamp[v] = g;
                    self.dist[v] = nt;
                    self.pred[v] = ai as u32;
                    self.heap.push(Entry {
                        t: nt,
                        node: head.0,
                    });
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
    /// Minutes of station access and egress (assumptions of the study file).
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
            let (tail, _, arc) = self.net.arc(a);
            let road = |n: NodeId| matches!(self.net.node(n), Node::Road(_));
            match arc.link {
                None if road(tail) || road(self.net.arc(a).1) => p.estimate += arc.minutes,
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
        let i = n.index();
        (self.ws.settled[i] == self.ws.generation).then(|| Minutes(self.ws.dist[i]))
    }

    /// The arc index by which `n` was reached (`None` for a source or an unreached node).
    pub fn pred_arc(&self, n: NodeId) -> Option<usize> {
        let i = n.index();
        (self.ws.settled[i] == self.ws.generation && self.ws.pred[i] != NO_ARC)
            .then(|| self.ws.pred[i] as usize)
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
            Node::Unit(u) | Node::Station(u, _) => u,
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
                (None, Node::Unit(u), Node::Station(_, m)) => Leg::Access {
                    unit: u,
                    mode: m,
                    minutes: arc.minutes,
                },
                (None, Node::Station(u, m), _) => Leg::Egress {
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
