//! Benchmarks at road-network scale on generated data (`regionlink::synth`, the graphs of
//! `regionlink synth --nodes N --seed 1`):
//! - `tree/<n>`: one full shortest-path tree from a central unit, regionlink's kernel against
//!   `petgraph::algo::dijkstra` on the same arcs, 100k and 1M road nodes; the same times by a
//!   PHAST sweep over a contraction hierarchy (`phast`: all nodes; `rphast_units`: the sweep
//!   restricted to the unit nodes, as `access` runs it); `contract` builds the hierarchy
//!   (100k only: at 1M one build takes ~30 s, timed on the CLI instead);
//! - `build/<n>`: joining the road graph to the units (largest SCC, snapping, CSR freeze);
//! - `access_1m`: accessibility of 1000 origins (potential with two decays + population in two
//!   bands + WATT) over 1M road nodes: Dijkstra with a 60-minute cut-off, and PHAST without a
//!   cut-off (hierarchy built beforehand), on 1 and 2 threads;
//!
//! Run with `cargo bench --bench roads` (filter with e.g. `-- tree/1000000`); CI only compiles
//! it. The 1M graph takes about half a minute to generate, write and read back first.
//! `REGIONLINK_BENCH_SIZES=100000` restricts the sizes.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use petgraph::graph::{DiGraph, NodeIndex};
use regionlink::load::Study;
use regionlink::load::roads::RoadGraph;
use regionlink::measures::access::AccessSpec;
use regionlink::measures::par::{accessibility, contract};
use regionlink::model::Decay;
use regionlink::network::{BuildOptions, Network, NetworkKind, Scenario, build_network};
use regionlink::route::{Dijkstra, Engine, Phast};
use regionlink::synth::{SynthOptions, generate, read, write};
use regionlink::{Minutes, Region, UnitId};

struct Setup {
    _dir: tempfile::TempDir,
    study: Study,
    region: Region,
    roads: RoadGraph,
}

fn setup(nodes: usize, units: usize) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&SynthOptions {
        nodes,
        seed: 1,
        units: Some(units),
    })
    .unwrap();
    write(&s, dir.path()).unwrap();
    let (inputs, roads) = read(dir.path()).unwrap();
    Setup {
        _dir: dir,
        study: inputs.study,
        region: inputs.region,
        roads,
    }
}

fn network(s: &Setup) -> Network {
    let sc = Scenario::default();
    let opts = BuildOptions {
        params: &s.study.network,
        scenario: &sc,
        kind: NetworkKind::Road,
        roads: Some((&s.roads, &s.study.roads)),
        gazetteer: None,
    };
    build_network(&s.region, &[], opts).unwrap().0
}

/// The same arcs as a petgraph graph (node indices equal).
fn petgraph_of(net: &Network) -> DiGraph<(), f64> {
    let mut g = DiGraph::with_capacity(net.node_count(), net.arc_count());
    for _ in 0..net.node_count() {
        g.add_node(());
    }
    for t in 0..net.node_count() as u32 {
        for (_, h, a) in net.out_arcs(regionlink::NodeId(t)) {
            g.add_edge(
                NodeIndex::new(t as usize),
                NodeIndex::new(h.index()),
                a.minutes,
            );
        }
    }
    g
}

fn sizes() -> Vec<usize> {
    std::env::var("REGIONLINK_BENCH_SIZES")
        .ok()
        .map(|v| v.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000])
}

/// The unit whose seat is nearest the middle of the region (the first unit is a core, often
/// near an edge).
fn central_unit(region: &Region) -> UnitId {
    let n = region.len() as f64;
    let (cx, cy) = region.units.iter().fold((0.0, 0.0), |(x, y), u| {
        (x + u.seat.x() / n, y + u.seat.y() / n)
    });
    region
        .units
        .iter()
        .min_by(|a, b| {
            let d = |u: &regionlink::Unit| (u.seat.x() - cx).powi(2) + (u.seat.y() - cy).powi(2);
            d(a).total_cmp(&d(b))
        })
        .unwrap()
        .id
}

fn trees(c: &mut Criterion) {
    for n in sizes() {
        let s = setup(n, 1000.min(n / 100).max(2));
        let net = network(&s);
        let source = net.unit_node(central_unit(&s.region));
        let pg = petgraph_of(&net);
        let mut g = c.benchmark_group(format!("tree/{n}"));
        g.sample_size(20);
        let mut dj = Dijkstra::new(net.node_count());
        g.bench_function("regionlink", |b| {
            b.iter(|| {
                let t = dj.run(&net, &[(source, Minutes::ZERO)], None);
                black_box(t.time(net.unit_node(UnitId(0))));
            })
        });
        g.bench_function("petgraph", |b| {
            b.iter(|| {
                let m = petgraph::algo::dijkstra(&pg, NodeIndex::new(source.index()), None, |e| {
                    *e.weight()
                });
                black_box(m.len());
            })
        });
        g.bench_function("build", |b| b.iter(|| black_box(network(&s))));
        let hidden = regionlink::progress::Silent;
        let h = contract(&net, &hidden);
        let sub = h.restrict(net.unit_nodes());
        let mut ph = Phast::new(&h);
        g.bench_function("phast", |b| {
            b.iter(|| {
                let t = ph.run(&h, h.full(), &[(source, Minutes::ZERO)], None);
                black_box(t.time(net.unit_node(UnitId(0))));
            })
        });
        g.bench_function("rphast_units", |b| {
            b.iter(|| {
                let t = ph.run(&h, &sub, &[(source, Minutes::ZERO)], None);
                black_box(t.time(net.unit_node(UnitId(0))));
            })
        });
        if n <= 100_000 {
            g.sample_size(10);
            g.bench_function("contract", |b| {
                b.iter(|| black_box(contract(&net, &hidden)))
            });
        }
        g.finish();
    }
}

fn access(c: &mut Criterion) {
    if !sizes().contains(&1_000_000) {
        return;
    }
    let s = setup(1_000_000, 1000);
    let net = network(&s);
    let mass: Vec<f64> = s.region.units.iter().map(|u| u.population_10k).collect();
    let decays = [Decay::Power { a: 1.0 }, Decay::Exp { beta: 0.05 }];
    let bands = [30.0, 60.0];
    let spec = AccessSpec {
        mass: &mass,
        pop: &mass,
        decays: &decays,
        bands: &bands,
        self_times: None,
    };
    let hidden = regionlink::progress::Silent;
    let mut g = c.benchmark_group("access_1m");
    g.sample_size(10);
    let h = contract(&net, &hidden);
    let sweep = h.restrict(net.unit_nodes());
    let phast = Engine::Phast {
        net: &net,
        hierarchy: &h,
        sweep: &sweep,
    };
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut bench = |name: &str, engine: &Engine<'_>, limit: Option<Minutes>| {
            g.bench_function(format!("1000_origins_{name}_threads{threads}"), |b| {
                b.iter(|| {
                    pool.install(|| {
                        black_box(accessibility(engine, &spec, limit, &hidden).unwrap())
                    })
                })
            });
        };
        bench("cutoff60", &Engine::Dijkstra(&net), Some(Minutes(60.0)));
        bench("phast", &phast, None);
    }
    g.finish();
}

criterion_group!(benches, trees, access);
criterion_main!(benches);
