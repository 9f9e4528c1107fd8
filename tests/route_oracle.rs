//! The shortest-path kernel against independent oracles on seeded random graphs: petgraph's
//! Dijkstra and a brute-force Floyd–Warshall written here. Also path reconstruction,
//! multi-source starts with offsets, cut-offs, and workspace reuse (the generation stamp).

use petgraph::graph::{DiGraph, NodeIndex};
use regionlink::network::{Arc, Network, NetworkKind, Node};
use regionlink::route::Dijkstra;
use regionlink::{LinkId, Minutes, NodeId, UnitId};

/// Absolute tolerance for comparing times computed by different summation orders.
const EPS: f64 = 1e-9;

/// Number of random graphs per test.
const GRAPHS: u64 = 300;

/// splitmix64: a tiny deterministic PRNG, so every run sees the same graphs.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An arc weight in [0, 100]: zero, an integer (to create ties) or a real number.
    fn weight(&mut self) -> f64 {
        match self.below(10) {
            0 => 0.0,
            1..=4 => self.below(101) as f64,
            _ => self.unit() * 100.0,
        }
    }
}

/// A random directed graph of 1..=40 unit nodes: sparse (often disconnected), medium or dense,
/// with parallel arcs, self-loops and zero-weight arcs.
fn random_graph(seed: u64) -> DiGraph<Node, Arc> {
    let mut rng = Rng::new(seed);
    let n = 1 + rng.below(40);
    let mut g = DiGraph::new();
    let ix: Vec<NodeIndex> = (0..n)
        .map(|i| g.add_node(Node::Unit(UnitId(i as u32))))
        .collect();
    let m = match rng.below(3) {
        0 => rng.below(n + 1),
        1 => n + rng.below(2 * n + 1),
        _ => rng.below(n * n / 2 + 2),
    };
    for k in 0..m {
        let (a, b) = (rng.below(n), rng.below(n));
        let arc = Arc {
            minutes: rng.weight(),
            link: Some(LinkId(k as u32)),
        };
        g.add_edge(ix[a], ix[b], arc);
        if rng.chance(0.1) {
            // a parallel arc, sometimes with the same time
            let minutes = if rng.chance(0.5) {
                arc.minutes
            } else {
                rng.weight()
            };
            g.add_edge(
                ix[a],
                ix[b],
                Arc {
                    minutes,
                    link: None,
                },
            );
        }
    }
    g
}

fn freeze(g: &DiGraph<Node, Arc>) -> Network {
    Network::freeze(g, vec![], NetworkKind::Combined).expect("finite, non-negative times")
}

/// All-pairs shortest times by Floyd–Warshall; unreachable is +∞.
fn floyd_warshall(g: &DiGraph<Node, Arc>) -> Vec<Vec<f64>> {
    let n = g.node_count();
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (i, row) in d.iter_mut().enumerate() {
        row[i] = 0.0;
    }
    for e in g.raw_edges() {
        let (a, b) = (e.source().index(), e.target().index());
        d[a][b] = d[a][b].min(e.weight.minutes);
    }
    for k in 0..n {
        let row_k = d[k].clone();
        for row_i in &mut d {
            let dik = row_i[k];
            if dik == f64::INFINITY {
                continue;
            }
            for (dij, dkj) in row_i.iter_mut().zip(&row_k) {
                let via = dik + dkj;
                if via < *dij {
                    *dij = via;
                }
            }
        }
    }
    d
}

fn node(i: usize) -> NodeId {
    NodeId(i as u32)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= EPS
}

/// Times from `source` to every node with a fresh search on `dj`.
fn times(
    dj: &mut Dijkstra,
    net: &Network,
    sources: &[(NodeId, Minutes)],
    limit: Option<Minutes>,
) -> Vec<Option<f64>> {
    let tree = dj.run(net, sources, limit);
    (0..net.node_count())
        .map(|v| tree.time(node(v)).map(|m| m.0))
        .collect()
}

#[test]
fn unit_nodes_are_the_graph_nodes() {
    // The tests below rely on unit i being node i.
    for seed in 0..20 {
        let g = random_graph(seed);
        let net = freeze(&g);
        assert_eq!(net.node_count(), g.node_count());
        assert_eq!(net.unit_count(), g.node_count());
        assert_eq!(net.arc_count(), g.edge_count());
        for i in 0..g.node_count() {
            assert_eq!(net.unit_node(UnitId(i as u32)), node(i));
            assert_eq!(net.node(node(i)), Node::Unit(UnitId(i as u32)));
        }
    }
}

#[test]
fn times_match_petgraph_and_floyd_warshall() {
    let mut reachable = 0usize;
    let mut unreachable = 0usize;
    for seed in 0..GRAPHS {
        let g = random_graph(seed);
        let net = freeze(&g);
        let fw = floyd_warshall(&g);
        // one workspace for every source of this graph
        let mut dj = Dijkstra::new(net.node_count());
        for s in 0..g.node_count() {
            let ours = times(&mut dj, &net, &[(node(s), Minutes::ZERO)], None);
            let pg = petgraph::algo::dijkstra(&g, NodeIndex::new(s), None, |e| e.weight().minutes);
            for v in 0..g.node_count() {
                let theirs = pg.get(&NodeIndex::new(v)).copied();
                match (ours[v], theirs) {
                    (Some(a), Some(b)) => {
                        assert!(close(a, b), "seed {seed}: {s}->{v}: ours {a}, petgraph {b}");
                        assert!(
                            close(a, fw[s][v]),
                            "seed {seed}: {s}->{v}: ours {a}, Floyd–Warshall {}",
                            fw[s][v]
                        );
                        reachable += 1;
                    }
                    (None, None) => {
                        assert_eq!(
                            fw[s][v],
                            f64::INFINITY,
                            "seed {seed}: {s}->{v}: unreachable for us and petgraph"
                        );
                        unreachable += 1;
                    }
                    (a, b) => panic!("seed {seed}: {s}->{v}: ours {a:?}, petgraph {b:?}"),
                }
            }
            assert_eq!(ours[s], Some(0.0), "seed {seed}: the source is at time 0");
        }
    }
    // the generator covers both cases in quantity
    assert!(
        reachable > 10_000 && unreachable > 10_000,
        "{reachable} reachable, {unreachable} unreachable pairs"
    );
}

#[test]
fn paths_sum_to_times_and_chain() {
    for seed in 0..GRAPHS {
        let g = random_graph(seed);
        let net = freeze(&g);
        let mut dj = Dijkstra::new(net.node_count());
        for s in 0..g.node_count() {
            let tree = dj.run(&net, &[(node(s), Minutes::ZERO)], None);
            for v in 0..g.node_count() {
                let Some(t) = tree.time(node(v)) else {
                    assert_eq!(tree.path_arcs(node(v)), None);
                    assert_eq!(tree.pred_arc(node(v)), None);
                    continue;
                };
                let arcs = tree.path_arcs(node(v)).unwrap();
                if v == s {
                    assert!(
                        arcs.is_empty(),
                        "seed {seed}: the path to the source is empty"
                    );
                    continue;
                }
                assert!(
                    !arcs.is_empty(),
                    "seed {seed}: {s}->{v} reached without arcs"
                );
                assert_eq!(
                    net.arc(arcs[0]).0,
                    node(s),
                    "seed {seed}: {s}->{v}: first arc leaves the source"
                );
                assert_eq!(
                    net.arc(*arcs.last().unwrap()).1,
                    node(v),
                    "seed {seed}: {s}->{v}: last arc enters v"
                );
                for w in arcs.windows(2) {
                    assert_eq!(
                        net.arc(w[0]).1,
                        net.arc(w[1]).0,
                        "seed {seed}: {s}->{v}: arcs chain"
                    );
                }
                let sum: f64 = arcs.iter().map(|&a| net.arc(a).2.minutes).sum();
                assert!(
                    close(sum, t.0),
                    "seed {seed}: {s}->{v}: path sums to {sum}, time {}",
                    t.0
                );
                // the path is simple (non-negative times and strict improvements only)
                let mut tails: Vec<NodeId> = arcs.iter().map(|&a| net.arc(a).0).collect();
                tails.sort();
                tails.dedup();
                assert_eq!(
                    tails.len(),
                    arcs.len(),
                    "seed {seed}: {s}->{v}: path revisits a node"
                );
                // the arc is one of the graph's arcs with that time
                for &a in &arcs {
                    let (tail, head, arc) = net.arc(a);
                    assert!(
                        net.out_arcs(tail)
                            .any(|(i, h, x)| i == a && h == head && x == arc),
                        "seed {seed}: arc {a} is not an out-arc of its tail"
                    );
                }
            }
        }
    }
}

#[test]
fn multi_source_is_the_minimum_over_sources_with_offsets() {
    for seed in 0..GRAPHS {
        let g = random_graph(seed);
        let net = freeze(&g);
        let n = g.node_count();
        let mut rng = Rng::new(seed ^ 0xA5A5_A5A5);
        let mut dj = Dijkstra::new(n);
        let single: Vec<Vec<Option<f64>>> = (0..n)
            .map(|s| times(&mut dj, &net, &[(node(s), Minutes::ZERO)], None))
            .collect();
        for _ in 0..5 {
            let (s1, s2) = (rng.below(n), rng.below(n));
            // offsets: zero, an integer (ties) or a real number
            let (o1, o2) = (rng.weight() / 2.0, rng.weight() / 2.0);
            let both = times(
                &mut dj,
                &net,
                &[(node(s1), Minutes(o1)), (node(s2), Minutes(o2))],
                None,
            );
            for v in 0..n {
                let want = [single[s1][v].map(|t| o1 + t), single[s2][v].map(|t| o2 + t)]
                    .into_iter()
                    .flatten()
                    .min_by(f64::total_cmp);
                match (both[v], want) {
                    (Some(a), Some(b)) => assert!(
                        close(a, b),
                        "seed {seed}: {{{s1}+{o1}, {s2}+{o2}}}->{v}: {a} vs {b}"
                    ),
                    (None, None) => {}
                    (a, b) => panic!("seed {seed}: {{{s1}+{o1}, {s2}+{o2}}}->{v}: {a:?} vs {b:?}"),
                }
            }
            // a source's own time is its offset unless the other source reaches it sooner
            assert!(both[s1].unwrap() <= o1 + EPS && both[s2].unwrap() <= o2 + EPS);
            // the tree's paths start at one of the sources
            let tree = dj.run(
                &net,
                &[(node(s1), Minutes(o1)), (node(s2), Minutes(o2))],
                None,
            );
            for v in 0..n {
                if let Some(arcs) = tree.path_arcs(node(v))
                    && let Some(&first) = arcs.first()
                {
                    let start = net.arc(first).0;
                    assert!(
                        start == node(s1) || start == node(s2),
                        "seed {seed}: path to {v} starts at {start:?}"
                    );
                    let sum: f64 = arcs.iter().map(|&a| net.arc(a).2.minutes).sum();
                    let offset = if start == node(s1) && start == node(s2) {
                        o1.min(o2)
                    } else if start == node(s1) {
                        o1
                    } else {
                        o2
                    };
                    assert!(
                        close(offset + sum, tree.time(node(v)).unwrap().0),
                        "seed {seed}: path to {v} with its offset"
                    );
                }
            }
        }
        // the same source twice: the smaller offset wins
        if n > 0 {
            let t = times(
                &mut dj,
                &net,
                &[(node(0), Minutes(7.0)), (node(0), Minutes(3.0))],
                None,
            );
            assert_eq!(t[0], Some(3.0));
        }
    }
}

#[test]
fn cut_off_keeps_exactly_the_nodes_within_the_limit() {
    for seed in 0..GRAPHS {
        let g = random_graph(seed);
        let net = freeze(&g);
        let n = g.node_count();
        let mut rng = Rng::new(seed ^ 0x5A5A_5A5A);
        let mut dj = Dijkstra::new(n);
        for s in 0..n {
            let full = times(&mut dj, &net, &[(node(s), Minutes::ZERO)], None);
            let finite: Vec<f64> = full.iter().flatten().copied().collect();
            // limits: 0, a node's exact time (the boundary is inclusive), and random ones
            let exact = finite[rng.below(finite.len())];
            for limit in [0.0, exact, rng.unit() * 150.0, rng.unit() * 20.0] {
                let cut = times(
                    &mut dj,
                    &net,
                    &[(node(s), Minutes::ZERO)],
                    Some(Minutes(limit)),
                );
                for v in 0..n {
                    match full[v] {
                        Some(t) if t <= limit => {
                            assert_eq!(cut[v], Some(t), "seed {seed}: {s}->{v} within {limit}")
                        }
                        _ => assert_eq!(
                            cut[v], None,
                            "seed {seed}: {s}->{v} beyond {limit} (full: {:?})",
                            full[v]
                        ),
                    }
                }
            }
        }
        // a source whose offset is beyond the limit is not a start
        if n > 0 {
            let t = times(
                &mut dj,
                &net,
                &[(node(0), Minutes(10.0))],
                Some(Minutes(5.0)),
            );
            assert!(t.iter().all(Option::is_none));
        }
    }
}

#[test]
fn one_workspace_across_thousands_of_searches_and_graphs() {
    // One workspace sized for the largest graph, reused for every search on every graph:
    // stale entries of earlier searches (and larger graphs) must never leak.
    let mut dj = Dijkstra::new(40);
    let mut rng = Rng::new(42);
    let mut runs = 0usize;
    for seed in 1000..1100 {
        let g = random_graph(seed);
        let net = freeze(&g);
        let fw = floyd_warshall(&g);
        let n = g.node_count();
        for _ in 0..30 {
            let s = rng.below(n);
            let limit = rng.chance(0.3).then(|| Minutes(rng.unit() * 120.0));
            let t = times(&mut dj, &net, &[(node(s), Minutes::ZERO)], limit);
            runs += 1;
            let l = limit.map_or(f64::INFINITY, |m| m.0);
            for v in 0..n {
                match t[v] {
                    Some(x) => assert!(
                        close(x, fw[s][v]) && x <= l,
                        "seed {seed}: {s}->{v}: {x} vs {}",
                        fw[s][v]
                    ),
                    None => assert!(
                        fw[s][v] == f64::INFINITY || fw[s][v] > l,
                        "seed {seed}: {s}->{v} missing (FW {}, limit {l})",
                        fw[s][v]
                    ),
                }
            }
        }
    }
    assert!(runs > 1000);
}

#[test]
fn freeze_rejects_bad_times() {
    for bad in [f64::NAN, -1.0, f64::INFINITY] {
        let mut g = DiGraph::new();
        let a = g.add_node(Node::Unit(UnitId(0)));
        let b = g.add_node(Node::Unit(UnitId(1)));
        g.add_edge(
            a,
            b,
            Arc {
                minutes: bad,
                link: None,
            },
        );
        assert!(
            Network::freeze(&g, vec![], NetworkKind::Combined).is_err(),
            "{bad} accepted"
        );
    }
}
