//! PHAST over a contraction hierarchy against its oracle, the plain Dijkstra kernel: every
//! node's time from many sources on a generated road graph and on the default data's networks
//! (stations, access penalties, curated links), the restricted sweep, the accessibility rows,
//! and independence from the thread count (the hierarchy itself and the rows, bit for bit).

#![allow(clippy::unwrap_used)]

use regionlink::load::roads::RoadGraph;
use regionlink::load::{Inputs, LoadOptions, load_inputs};
use regionlink::measures::access::AccessSpec;
use regionlink::measures::par::{accessibility, contract};
use regionlink::model::Decay;
use regionlink::network::{BuildOptions, Network, NetworkKind, Scenario, build_network};
use regionlink::route::{Dijkstra, Engine, Hierarchy, Phast};
use regionlink::synth::{SynthOptions, generate, read, write};
use regionlink::{Minutes, NodeId, Region, UnitId};

/// The network of `inputs` (on `roads` when given), as the CLI builds it.
fn network(inputs: &Inputs, roads: Option<&RoadGraph>, kind: NetworkKind) -> Network {
    let sc = Scenario::default();
    build_network(
        &inputs.region,
        &inputs.links,
        BuildOptions {
            params: &inputs.study.network,
            scenario: &sc,
            kind,
            roads: roads.map(|r| (r, &inputs.study.roads)),
            gazetteer: Some(inputs.gazetteer),
        },
    )
    .unwrap()
    .0
}

/// A synth road graph of `nodes` nodes and `units` units, joined as the CLI does.
fn synth_network(nodes: usize, units: usize) -> (Region, Network) {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(&SynthOptions {
        nodes,
        seed: 11,
        units: Some(units),
    })
    .unwrap();
    write(&s, dir.path()).unwrap();
    let (inputs, roads) = read(dir.path()).unwrap();
    let net = network(&inputs, Some(&roads), NetworkKind::Combined);
    (inputs.region, net)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Every node's time from `sources` by PHAST (full sweep) equals Dijkstra's; the sweep
/// restricted to the unit nodes gives the same times for them.
fn check_all_nodes(net: &Network, h: &Hierarchy, sources: &[NodeId]) {
    let units = net.unit_nodes();
    let sub = h.restrict(units);
    assert!(sub.node_count() <= net.node_count());
    let mut dj = Dijkstra::new(net.node_count());
    let mut ph = Phast::new(h);
    let mut reached = 0;
    for &s in sources {
        for limit in [None, Some(Minutes(45.0))] {
            let src = [(s, Minutes::ZERO)];
            let tree = dj.run(net, &src, limit);
            let want: Vec<Option<Minutes>> = (0..net.node_count() as u32)
                .map(|v| tree.time(NodeId(v)))
                .collect();
            let got = ph.run(h, h.full(), &src, limit);
            for (v, w) in want.iter().enumerate() {
                match (got.time(NodeId(v as u32)), w) {
                    (Some(a), Some(b)) => {
                        assert!(close(a.0, b.0), "{s:?}→{v}: phast {a:?}, dijkstra {b:?}");
                        reached += 1;
                    }
                    (a, b) => assert_eq!(a, *b, "{s:?}→{v} (limit {limit:?})"),
                }
            }
            let got = ph.run(h, &sub, &src, limit);
            for u in units {
                match (got.time(*u), want[u.index()]) {
                    (Some(a), Some(b)) => assert!(close(a.0, b.0), "{s:?}→{u:?} restricted"),
                    (a, b) => assert_eq!(a, b, "{s:?}→{u:?} restricted (limit {limit:?})"),
                }
            }
        }
    }
    // Not vacuous: most nodes are reached from most sources.
    assert!(reached > sources.len() * net.node_count() / 2);
}

#[test]
fn phast_equals_dijkstra_on_a_road_graph() {
    let (_, net) = synth_network(20_000, 60);
    let h = Hierarchy::build(&net, &regionlink::progress::Silent);
    assert!(h.shortcut_count() > 0);
    // Units, and road nodes spread over the id range.
    let mut sources: Vec<NodeId> = (0..60)
        .step_by(7)
        .map(|u| net.unit_node(UnitId(u)))
        .collect();
    sources.extend((0..net.node_count() as u32).step_by(2_503).map(NodeId));
    check_all_nodes(&net, &h, &sources);
}

#[test]
fn phast_equals_dijkstra_on_the_default_networks() {
    for units in [
        None,
        Some(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/counties.geojson"
        )),
    ] {
        let units = units.map(std::path::PathBuf::from);
        let inputs =
            load_inputs(units.as_deref(), None, None, |_| {}, LoadOptions::default()).unwrap();
        for kind in [NetworkKind::Combined, NetworkKind::Rail, NetworkKind::Road] {
            let net = network(&inputs, None, kind);
            let h = Hierarchy::build(&net, &regionlink::progress::Silent);
            let sources: Vec<NodeId> = (0..net.node_count() as u32)
                .step_by(3)
                .map(NodeId)
                .collect();
            check_all_nodes(&net, &h, &sources);
        }
    }
}

#[test]
fn hierarchy_and_rows_do_not_depend_on_the_thread_count() {
    let (region, net) = synth_network(20_000, 60);
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let hidden = regionlink::progress::Silent;
    let h1 = pool(1).install(|| contract(&net, &hidden));
    let h2 = pool(2).install(|| contract(&net, &hidden));
    assert!(h1 == h2, "the hierarchy differs between 1 and 2 threads");
    assert!(h1 == Hierarchy::build(&net, &hidden));
    let sweep = h1.restrict(net.unit_nodes());
    let engine = Engine::Phast {
        net: &net,
        hierarchy: &h1,
        sweep: &sweep,
    };
    let mass: Vec<f64> = region.units.iter().map(|u| u.population_10k).collect();
    let decays = [Decay::Power { a: 1.0 }, Decay::Exp { beta: 0.05 }];
    let bands = [20.0, 40.0, 60.0];
    let spec = AccessSpec {
        mass: &mass,
        pop: &mass,
        decays: &decays,
        bands: &bands,
        self_times: None,
    };
    let one = pool(1).install(|| accessibility(&engine, &spec, None, &hidden).unwrap());
    let two = pool(2).install(|| accessibility(&engine, &spec, None, &hidden).unwrap());
    assert_eq!(one, two);
    // And the rows equal Dijkstra's: band counts exactly, sums to rounding.
    let dj = accessibility(&Engine::Dijkstra(&net), &spec, None, &hidden).unwrap();
    let mut counted = 0;
    for (i, (p, d)) in one.iter().zip(&dj).enumerate() {
        assert_eq!(p.within, d.within, "unit {i}: band counts");
        counted += p.within.iter().map(|w| w.0).sum::<usize>();
        assert!(close(p.watt.unwrap(), d.watt.unwrap()), "unit {i}: WATT");
        for (a, b) in p.potentials.iter().zip(&d.potentials) {
            assert!(close(*a, *b), "unit {i}: potential {a} vs {b}");
        }
    }
    assert!(counted > 0);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// On random graphs with arbitrary float times (zero, tiny, ordinary), the hierarchy
    /// contracted on 3 threads is the one-thread hierarchy, array for array.
    #[test]
    fn contraction_is_thread_independent(
        n in 1u32..200,
        arcs in proptest::collection::vec(
            (0u32..200, 0u32..200, proptest::prop_oneof![
                proptest::strategy::Just(0.0),
                0.0f64..1e-3,
                0.0f64..10.0,
            ]),
            0..900,
        ),
    ) {
        use regionlink::network::{Arc, Node};
        let nodes = (0..n).map(|i| Node::Unit(UnitId(i))).collect();
        let arcs = arcs
            .iter()
            .map(|&(a, b, t)| (a % n, b % n, Arc { minutes: t, link: None }))
            .collect();
        let net = Network::from_arcs(nodes, arcs, vec![], NetworkKind::Combined).unwrap();
        let hidden = regionlink::progress::Silent;
        let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
        let h3 = pool.install(|| contract(&net, &hidden));
        proptest::prop_assert!(h3 == Hierarchy::build(&net, &hidden));
    }
}
