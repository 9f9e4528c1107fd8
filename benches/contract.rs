//! Contraction of the synth road graphs against `fast_paths` (the Rust CH crate) on the same
//! graph in the same run (issue #17): regionlink's `Hierarchy::build_with` on 1 and on 2 threads,
//! and `fast_paths::prepare` (single-threaded) on the same arcs, weights in milli-minutes.
//! Prints the time, the shortcuts and the rounds of each, and the ratio.
//!
//! Run with `cargo bench --bench contract` (one build per size and tool; minutes at 1M nodes);
//! `REGIONLINK_BENCH_SIZES=100000` restricts the sizes (default 100000,1000000). CI only
//! compiles it.

#![allow(missing_docs, clippy::unwrap_used)]

use std::time::Instant;

use regionlink::measures::par::contract;
use regionlink::network::{BuildOptions, Network, NetworkKind, Scenario, build_network};
use regionlink::progress::Silent;
use regionlink::synth::{SynthOptions, generate, read, write};

fn network(nodes: usize) -> Network {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&SynthOptions {
        nodes,
        seed: 1,
        units: None,
    })
    .unwrap();
    write(&s, dir.path()).unwrap();
    let (inputs, roads) = read(dir.path()).unwrap();
    let sc = Scenario::default();
    let opts = BuildOptions {
        params: &inputs.study.network,
        scenario: &sc,
        kind: NetworkKind::Road,
        roads: Some((&roads, &inputs.study.roads)),
        gazetteer: None,
    };
    build_network(&inputs.region, &[], opts).unwrap().0
}

/// The network's arcs as a fast_paths graph (node ids equal; minutes → milli-minutes, at least
/// 1, since fast_paths' weights are integers).
fn fast_paths_graph(net: &Network) -> fast_paths::InputGraph {
    let mut g = fast_paths::InputGraph::new();
    for t in 0..net.node_count() as u32 {
        for (_, h, a) in net.out_arcs(regionlink::NodeId(t)) {
            if h.index() != t as usize {
                let w = ((a.minutes * 1000.0).round() as usize).max(1);
                g.add_edge(t as usize, h.index(), w);
            }
        }
    }
    g.freeze();
    g
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not used here.
    let sizes: Vec<usize> = std::env::var("REGIONLINK_BENCH_SIZES")
        .unwrap_or_else(|_| "100000,1000000".into())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    println!(
        "| synth nodes | arcs | regionlink 1 thread | regionlink 2 threads | shortcuts, rounds | fast_paths (1 thread) | its shortcuts | fast_paths ÷ regionlink (1 / 2 threads) |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for n in sizes {
        let net = network(n);
        let mut times = Vec::new();
        let mut shape = (0, 0);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let t = Instant::now();
            let h = pool.install(|| contract(&net, &Silent));
            times.push(t.elapsed().as_secs_f64());
            shape = (h.shortcut_count(), h.rounds());
            drop(h);
        }
        let g = fast_paths_graph(&net);
        let t = Instant::now();
        let fg = fast_paths::prepare(&g);
        let fp = t.elapsed().as_secs_f64();
        // fast_paths keeps every original arc once (up or down) plus its shortcuts.
        let fp_shortcuts =
            (fg.get_num_out_edges() + fg.get_num_in_edges()).saturating_sub(g.get_num_edges());
        println!(
            "| {} | {} | {:.1} s | {:.1} s | {}, {} | {:.1} s | {} | {:.2} / {:.2} |",
            net.node_count(),
            net.arc_count(),
            times[0],
            times[1],
            shape.0,
            shape.1,
            fp,
            fp_shortcuts,
            fp / times[0],
            fp / times[1]
        );
    }
}
