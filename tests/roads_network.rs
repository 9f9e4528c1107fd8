//! Road graphs joined to units: the largest strongly connected component, seat snapping,
//! connector times, directed edges, and curated links on top; the streaming accessibility
//! against the matrix formulas (an independent reduction) on the default data and with a
//! cut-off.

#![allow(clippy::unwrap_used)]

mod common;

use regionlink::load::roads::{RoadClass, RoadEdge, RoadGraph, RoadNode};
use regionlink::load::{LoadOptions, Study, load_inputs, load_links, load_units};
use regionlink::measures::access::{AccessSpec, daily, potential, watt};
use regionlink::measures::par::{accessibility, travel_time_matrix};
use regionlink::model::Decay;
use regionlink::network::{BuildOptions, NetworkKind, Node, Scenario, build_network};
use regionlink::route::{Dijkstra, Engine, Leg, Matrix};
use regionlink::{Minutes, Region, UnitId};

use common::haversine_km as km;

fn region(points: &[(&str, f64, f64)]) -> (Region, Study) {
    let feats: Vec<String> = points
        .iter()
        .map(|(c, x, y)| {
            format!(r#"{{"type":"Feature","properties":{{"code":"{c}","pop":10}},"geometry":{{"type":"Point","coordinates":[{x},{y}]}}}}"#)
        })
        .collect();
    let units = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        feats.join(",")
    );
    let study = Study::from_toml(
        "name = \"roads\"\n[fields]\npopulation = \"pop\"\npopulation_unit = \"10k\"\n[network]\ncontiguity = false\n",
        "roads.toml",
    )
    .unwrap();
    let region = load_units(
        units.as_bytes(),
        "u.geojson",
        &study,
        LoadOptions::default(),
    )
    .unwrap();
    (region, study)
}

fn edge(s: u32, t: u32, fwd: Option<f64>, bwd: Option<f64>) -> RoadEdge {
    RoadEdge {
        source: s,
        target: t,
        length_m: 1000.0,
        forward_min: fwd,
        backward_min: bwd,
        class: RoadClass::Other,
    }
}

/// A at (104.0, 30.0), B at (104.1, 30.0); road nodes n0 (100 m north of A), n1, n2 (= B), and
/// n3 with a single arc into n0 (not strongly connected: dropped).
/// n0 ⇄ n1 5 min; n1 → n2 4 min (one way); n2 → n0 20 min (one way); n3 → n0 1 min.
fn toy() -> (Region, Study, RoadGraph) {
    let (region, study) = region(&[("A", 104.0, 30.0), ("B", 104.1, 30.0)]);
    let node = |id, lon, lat| RoadNode { id, lon, lat };
    let g = RoadGraph {
        source: "toy roads".into(),
        nodes: vec![
            node(100, 104.0, 30.0009),
            node(101, 104.05, 30.0),
            node(102, 104.1, 30.0),
            node(103, 104.0, 30.01),
        ],
        edges: vec![
            edge(0, 1, Some(5.0), Some(5.0)),
            edge(1, 2, Some(4.0), None),
            edge(0, 2, None, Some(20.0)),
            edge(3, 0, Some(1.0), None),
        ],
        skipped_no_car: 0,
    };
    (region, study, g)
}

/// The combined network of `region` over the road graph `g`.
fn on_roads(
    region: &Region,
    study: &Study,
    g: &RoadGraph,
) -> regionlink::Result<(
    regionlink::network::Network,
    regionlink::network::BuildReport,
)> {
    let sc = Scenario::default();
    build_network(
        region,
        &[],
        BuildOptions {
            params: &study.network,
            scenario: &sc,
            kind: NetworkKind::Combined,
            roads: Some((g, &study.roads)),
            gazetteer: None,
        },
    )
}

/// The combined network of loaded inputs (no road graph).
fn default_network(
    inputs: &regionlink::load::Inputs,
) -> regionlink::Result<(
    regionlink::network::Network,
    regionlink::network::BuildReport,
)> {
    let sc = Scenario::default();
    build_network(
        &inputs.region,
        &inputs.links,
        BuildOptions {
            params: &inputs.study.network,
            scenario: &sc,
            kind: NetworkKind::Combined,
            roads: None,
            gazetteer: Some(inputs.gazetteer),
        },
    )
}

#[test]
fn road_graph_times_connectors_direction_and_scc() {
    let (region, study, g) = toy();
    let (net, report) = on_roads(&region, &study, &g).unwrap();
    let r = report.roads.as_ref().unwrap();
    assert_eq!(
        (r.nodes_read, r.nodes_kept, r.nodes_dropped, r.components),
        (4, 3, 1, 2)
    );
    assert_eq!(r.arcs_kept, 4); // 0→1, 1→0, 1→2, 2→0
    // No generated road links when a road graph is given.
    assert!(net.links().is_empty());
    assert_eq!(r.snaps[0].road_node_id, 100);
    assert_eq!(r.snaps[1].road_node_id, 102);
    let ca = km((104.0, 30.0), (104.0, 30.0009));
    assert!((r.snaps[0].km - ca).abs() < 1e-9, "{}", r.snaps[0].km);
    assert_eq!(r.snaps[1].km, 0.0);
    let c = ca / study.roads.connector_kmh * 60.0; // 0.1 km at 20 km/h = 0.3 min
    assert!((c - 0.3002).abs() < 1e-3, "{c}");
    let mut dj = Dijkstra::new(net.node_count());
    let (a, b) = (net.unit_node(UnitId(0)), net.unit_node(UnitId(1)));
    let t = dj.run(&net, &[(a, Minutes::ZERO)], None);
    let ab = t.time(b).unwrap().0;
    assert!((ab - (c + 5.0 + 4.0)).abs() < 1e-12, "{ab}");
    // The whole trip is one road leg, an estimate.
    assert_eq!(
        t.legs(b).unwrap(),
        vec![Leg::Road {
            minutes: ab,
            arcs: 4
        }]
    );
    let parts = t.parts(b).unwrap();
    assert!((parts.estimate - ab).abs() < 1e-12 && parts.penalty == 0.0);
    // Back: n1 → n2 is one way, so B → A takes n2 → n0 (20 min).
    let t = dj.run(&net, &[(b, Minutes::ZERO)], None);
    let ba = t.time(a).unwrap().0;
    assert!((ba - (20.0 + c)).abs() < 1e-12, "{ba}");
    // The dropped node is not in the network.
    let road_nodes: Vec<u32> = (0..net.node_count() as u32)
        .filter_map(|i| match net.node(regionlink::NodeId(i)) {
            Node::Road(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(road_nodes, vec![0, 1, 2]);
}

#[test]
fn curated_links_still_join_units_over_the_road_graph() {
    let (region, study, g) = toy();
    // An HSR link A–B of 2 minutes: 25 access + 2 + 15 egress = 42 > 9.3 by road; and a rail
    // link that is faster than the road B → A (20.3): 20 access + 1 + 15 egress = 36 > 20.3.
    let raw = load_links(
        b"link_id,from_code,to_code,mode,time_min\nH1,A,B,hsr,2\n",
        "l.csv",
    )
    .unwrap();
    let sc = Scenario::default();
    let opts = BuildOptions {
        params: &study.network,
        scenario: &sc,
        kind: NetworkKind::Combined,
        roads: Some((&g, &study.roads)),
        gazetteer: None,
    };
    let (net, _) = build_network(&region, &raw, opts).unwrap();
    let mut dj = Dijkstra::new(net.node_count());
    let (a, b) = (net.unit_node(UnitId(0)), net.unit_node(UnitId(1)));
    let ab = dj.run(&net, &[(a, Minutes::ZERO)], None).time(b).unwrap().0;
    assert!(ab < 10.0, "road wins: {ab}");
    // Rail-only network: the HSR link plus ordinary roads (the road graph) to reach it.
    let opts = BuildOptions {
        kind: NetworkKind::Rail,
        ..opts
    };
    let (rail, _) = build_network(&region, &raw, opts).unwrap();
    assert_eq!(rail.links().len(), 1);
    // Without roads a unit cannot reach the other by road: drop the road graph and only HSR
    // remains (25 + 2 + 15).
    let opts = BuildOptions {
        kind: NetworkKind::Combined,
        roads: None,
        ..opts
    };
    let (hsr_only, _) = build_network(&region, &raw, opts).unwrap();
    let mut dj = Dijkstra::new(hsr_only.node_count());
    let t = dj
        .run(
            &hsr_only,
            &[(hsr_only.unit_node(UnitId(0)), Minutes::ZERO)],
            None,
        )
        .time(hsr_only.unit_node(UnitId(1)))
        .unwrap()
        .0;
    assert_eq!(t, 42.0);
}

#[test]
fn a_road_graph_with_no_strongly_connected_part_is_an_error() {
    let (region, study, mut g) = toy();
    g.nodes.truncate(2);
    g.edges = vec![edge(0, 1, Some(1.0), None)];
    let (net, report) = on_roads(&region, &study, &g).unwrap();
    // Two singleton components: the first (lowest index) is kept, and both seats snap to it.
    let r = report.roads.unwrap();
    assert_eq!((r.nodes_kept, r.components), (1, 2));
    assert_eq!(r.snaps[1].road_node_id, 100);
    assert!(net.node_count() == 3);
    g.nodes.clear();
    g.edges.clear();
    let err = on_roads(&region, &study, &g).unwrap_err();
    assert_eq!(
        err.to_string(),
        "toy roads: the road graph has no node (or no strongly connected part) to join the units to"
    );
}

/// The streamed rows equal the matrix formulas (same sums in the same order: bit-equal).
#[test]
fn streaming_accessibility_equals_the_matrix_formulas() {
    for units in [
        None,
        Some(std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/counties.geojson"
        ))),
    ] {
        let inputs =
            load_inputs(units.as_deref(), None, None, |_| {}, LoadOptions::default()).unwrap();
        let (net, _) = default_network(&inputs).unwrap();
        let mass: Vec<f64> = inputs
            .region
            .units
            .iter()
            .map(|u| u.population_10k)
            .collect();
        let decays = [Decay::Power { a: 1.0 }, Decay::Exp { beta: 0.0116 }];
        let bands = [60.0, 120.0, 180.0];
        let self_t: Vec<f64> = (0..mass.len()).map(|i| 5.0 + i as f64 * 0.1).collect();
        let spec = AccessSpec {
            mass: &mass,
            pop: &mass,
            decays: &decays,
            bands: &bands,
            self_times: Some(&self_t),
        };
        let hidden = regionlink::progress::Silent;
        for limit in [None, Some(180.0)] {
            let rows =
                accessibility(&Engine::Dijkstra(&net), &spec, limit.map(Minutes), &hidden).unwrap();
            let m = travel_time_matrix(&net, limit.map(Minutes));
            let w = watt(&m, &mass);
            let d = daily(&m, &inputs.region, &bands);
            for (k, &decay) in decays.iter().enumerate() {
                let p = potential(&m, &mass, decay, Some(&self_t)).unwrap();
                for (i, r) in rows.iter().enumerate() {
                    assert_eq!(r.potentials[k], p[i], "unit {i} decay {decay}");
                }
            }
            for (i, r) in rows.iter().enumerate() {
                assert_eq!(r.watt, w[i]);
                for (b, (units, pop)) in r.within.iter().enumerate() {
                    assert_eq!((*units, *pop), (d[i][b].units, d[i][b].pop_10k));
                }
            }
            // The default data is connected: without a cut-off every unit has a WATT; with
            // 180 min some unit misses another, so its WATT is empty.
            let with_watt = rows.iter().filter(|r| r.watt.is_some()).count();
            match limit {
                None => assert_eq!(with_watt, rows.len()),
                Some(_) => assert!(with_watt < rows.len()),
            }
        }
        // 1 thread = 2 threads, bit for bit.
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| accessibility(&Engine::Dijkstra(&net), &spec, None, &hidden).unwrap());
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap()
            .install(|| accessibility(&Engine::Dijkstra(&net), &spec, None, &hidden).unwrap());
        assert_eq!(one, two);
    }
}

/// An independent check of the cut-off: a matrix computed without it, then cut by hand.
#[test]
fn cut_off_matches_a_cut_full_matrix() {
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap();
    let (net, _) = default_network(&inputs).unwrap();
    let full = travel_time_matrix(&net, None);
    let cut = travel_time_matrix(&net, Some(Minutes(90.0)));
    let n = full.len() as u32;
    let by_hand = Matrix::from_rows(
        (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        if i == j {
                            Some(Minutes::ZERO)
                        } else {
                            full.get(UnitId(i), UnitId(j)).filter(|t| t.0 <= 90.0)
                        }
                    })
                    .collect()
            })
            .collect(),
    );
    let mut reached = 0;
    for i in 0..n {
        for j in (0..n).filter(|&j| j != i) {
            assert_eq!(
                cut.get(UnitId(i), UnitId(j)),
                by_hand.get(UnitId(i), UnitId(j))
            );
            reached += cut.get(UnitId(i), UnitId(j)).is_some() as usize;
        }
    }
    assert!(reached > 0 && reached < (n * (n - 1)) as usize);
}
