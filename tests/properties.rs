//! Properties of travel times on the embedded default data (59 units, and the 219-unit county
//! layer) and on random small networks built like `build_network` builds them (unit nodes,
//! per-mode station nodes with access and egress arcs, two-way links).

use std::path::Path;
use std::sync::OnceLock;

use petgraph::graph::{DiGraph, NodeIndex};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngSeed};
use regionlink::load::{Inputs, LoadOptions, RawLink, load_inputs, load_links, members_of};
use regionlink::measures::par::travel_time_matrix;
use regionlink::network::build::BuildOptions;
use regionlink::network::{Arc, Network, NetworkKind, Node, Scenario, build_network, components};
use regionlink::route::matrix::{row, row_multi};
use regionlink::route::{Dijkstra, Matrix};
use regionlink::{LinkId, Minutes, Mode, UnitId};

/// Absolute tolerance for times computed by different summation orders.
const EPS: f64 = 1e-9;

/// `None` (unreachable) as +∞.
fn inf(t: Option<Minutes>) -> f64 {
    t.map_or(f64::INFINITY, |m| m.0)
}

fn units(m: &Matrix) -> impl Iterator<Item = UnitId> + use<> {
    (0..m.len() as u32).map(UnitId)
}

struct Fixture {
    inputs: Inputs,
    combined: Network,
    matrix: Matrix,
}

fn build(inputs: &Inputs, links: &[RawLink], scenario: &Scenario, kind: NetworkKind) -> Network {
    let opts = BuildOptions {
        params: &inputs.study.network,
        scenario,
        kind,
        roads: None,
        gazetteer: Some(inputs.gazetteer),
    };
    build_network(&inputs.region, links, opts)
        .expect("the default links attach")
        .0
}

/// The default data, its combined network and matrix, built once for every test.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())
            .expect("the embedded default data loads");
        let combined = build(
            &inputs,
            &inputs.links,
            &Scenario::default(),
            NetworkKind::Combined,
        );
        let matrix = travel_time_matrix(&combined, None);
        Fixture {
            inputs,
            combined,
            matrix,
        }
    })
}

fn unit_of(inputs: &Inputs, code: &str) -> UnitId {
    inputs
        .region
        .by_code(code)
        .unwrap_or_else(|| panic!("no unit {code}"))
        .id
}

/// Rayon pools of 1 and 4 threads, built once.
fn pools() -> &'static (rayon::ThreadPool, rayon::ThreadPool) {
    static P: OnceLock<(rayon::ThreadPool, rayon::ThreadPool)> = OnceLock::new();
    P.get_or_init(|| {
        let pool = |k| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(k)
                .build()
                .expect("a rayon pool")
        };
        (pool(1), pool(4))
    })
}

fn assert_triangle(m: &Matrix, what: &str) {
    for a in units(m) {
        for b in units(m) {
            let ab = inf(m.get(a, b));
            if ab == f64::INFINITY {
                continue;
            }
            for c in units(m) {
                let (bc, ac) = (inf(m.get(b, c)), inf(m.get(a, c)));
                assert!(
                    ac <= ab + bc + EPS,
                    "{what}: t({a:?},{c:?}) = {ac} > t({a:?},{b:?}) + t({b:?},{c:?}) = {ab} + {bc}"
                );
            }
        }
    }
}

fn assert_symmetric(m: &Matrix, what: &str) {
    assert_symmetric_within(m, what, 0.0)
}

/// Symmetric up to `tol` minutes.
fn assert_symmetric_within(m: &Matrix, what: &str, tol: f64) {
    for a in units(m) {
        for b in units(m) {
            let (ab, ba) = (m.get(a, b), m.get(b, a));
            match (ab, ba) {
                (Some(x), Some(y)) => assert!(
                    (x.0 - y.0).abs() < tol + EPS,
                    "{what}: t({a:?},{b:?}) = {} but t({b:?},{a:?}) = {}",
                    x.0,
                    y.0
                ),
                (None, None) => {}
                _ => panic!("{what}: t({a:?},{b:?}) = {ab:?} but t({b:?},{a:?}) = {ba:?}"),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The default data.

#[test]
fn default_data_loads_and_every_unit_is_reachable_from_chengdu() {
    let f = fixture();
    assert_eq!(f.matrix.len(), 59);
    assert_eq!(f.combined.unit_count(), 59);
    let chengdu = unit_of(&f.inputs, "510100");
    for u in units(&f.matrix) {
        assert!(
            f.matrix.get(chengdu, u).is_some(),
            "{} unreachable from Chengdu",
            f.inputs.region.unit(u).code
        );
        assert_eq!(f.matrix.get(u, u), Some(Minutes::ZERO));
    }
    assert_eq!(
        components(&f.combined).len(),
        1,
        "the combined network is one component"
    );
}

#[test]
fn triangle_inequality_on_the_unit_matrix() {
    assert_triangle(&fixture().matrix, "combined");
}

#[test]
fn combined_matrix_is_symmetric() {
    let f = fixture();
    assert_symmetric_within(&f.matrix, "combined", transfer_asymmetry(&f.inputs));
}

/// How far a path and its reverse can differ. Links are two-way and access/egress times
/// depend only on the mode; a trip that changes between two station modes at a transfer
/// pays the first mode's access and the last mode's egress, its reverse the other two. So
/// the two directions differ by at most max (access − egress) − min (access − egress) over
/// the modes with stations (HSR 25 − 15, rail 20 − 15 in the default study: 5 min).
fn transfer_asymmetry(inputs: &Inputs) -> f64 {
    let d: Vec<f64> = Mode::ALL
        .iter()
        .map(|&m| inputs.study.network.mode(m))
        .filter(|p| p.access_min > 0.0 || p.egress_min > 0.0)
        .map(|p| p.access_min - p.egress_min)
        .collect();
    let (lo, hi) = d
        .iter()
        .fold((0.0f64, 0.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    if d.len() < 2 { 0.0 } else { hi - lo }
}

#[test]
fn matrix_rows_match_single_searches_and_cores_are_row_minima() {
    let f = fixture();
    let mut dj = Dijkstra::new(f.combined.node_count());
    for o in units(&f.matrix) {
        let r = row(&mut dj, &f.combined, o, None);
        let want: Vec<Option<Minutes>> = units(&f.matrix).map(|d| f.matrix.get(o, d)).collect();
        assert_eq!(r, want, "row {o:?}");
    }
    // The Chongqing core searched together: the minimum over its units' rows.
    let core = f
        .inputs
        .study
        .cores
        .iter()
        .find(|c| c.name == "Chongqing")
        .unwrap();
    let origins: Vec<UnitId> = core
        .codes
        .iter()
        .flat_map(|c| members_of(&f.inputs.region, c))
        .collect();
    assert_eq!(origins.len(), 9);
    let multi = row_multi(&mut dj, &f.combined, &origins, None);
    for d in units(&f.matrix) {
        let min = origins
            .iter()
            .map(|&o| inf(f.matrix.get(o, d)))
            .fold(f64::INFINITY, f64::min);
        assert!(
            (inf(multi[d.index()]) - min).abs() < EPS,
            "core -> {d:?}: {:?} vs {min}",
            multi[d.index()]
        );
    }
}

#[test]
fn dropping_a_link_never_shortens_a_time() {
    let f = fixture();
    let today = Scenario::default();
    let sample: Vec<&str> = f
        .inputs
        .links
        .iter()
        .filter(|l| today.in_service(l))
        .step_by(7)
        .map(|l| l.link_id.as_str())
        .collect();
    assert!(sample.len() >= 10, "{} links sampled", sample.len());
    let mut lengthened = 0usize;
    for id in sample {
        let sc = Scenario {
            drop: vec![id.to_string()],
            ..Default::default()
        };
        let net = build(&f.inputs, &f.inputs.links, &sc, NetworkKind::Combined);
        let m = travel_time_matrix(&net, None);
        let mut longer = false;
        for a in units(&m) {
            for b in units(&m) {
                let (base, now) = (inf(f.matrix.get(a, b)), inf(m.get(a, b)));
                assert!(
                    now >= base - EPS,
                    "without {id}: t({a:?},{b:?}) = {now} < {base}"
                );
                longer |= now > base + EPS;
            }
        }
        lengthened += usize::from(longer);
    }
    assert!(
        lengthened > 0,
        "no dropped link lengthened any time: the test would not catch anything"
    );
}

#[test]
fn adding_a_link_never_lengthens_a_time() {
    let f = fixture();
    let csv =
        "link_id,from_code,to_code,mode,status,time_min\nTEST-FAST,510100,500101,road,open,10\n";
    let mut links = f.inputs.links.clone();
    links.extend(load_links(csv.as_bytes(), "added.csv").unwrap());
    let net = build(
        &f.inputs,
        &links,
        &Scenario::default(),
        NetworkKind::Combined,
    );
    let m = travel_time_matrix(&net, None);
    let mut shorter = 0usize;
    for a in units(&m) {
        for b in units(&m) {
            let (base, now) = (inf(f.matrix.get(a, b)), inf(m.get(a, b)));
            assert!(
                now <= base + EPS,
                "with TEST-FAST: t({a:?},{b:?}) = {now} > {base}"
            );
            shorter += usize::from(now < base - EPS);
        }
    }
    let (chengdu, wanzhou) = (unit_of(&f.inputs, "510100"), unit_of(&f.inputs, "500101"));
    assert!(inf(f.matrix.get(chengdu, wanzhou)) > 10.0);
    assert_eq!(m.get(chengdu, wanzhou), Some(Minutes(10.0)));
    assert_eq!(m.get(wanzhou, chengdu), Some(Minutes(10.0)));
    assert!(shorter > 2, "only {shorter} times got shorter");
}

#[test]
fn thread_count_does_not_change_the_matrix() {
    let (one, four) = pools();
    let f = fixture();
    let a = one.install(|| travel_time_matrix(&f.combined, None));
    let b = four.install(|| travel_time_matrix(&f.combined, None));
    assert_eq!(a, b, "units layer: 1 vs 4 threads");
    assert_eq!(a, f.matrix, "units layer: 1 thread vs the global pool");

    let counties = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/counties.geojson"
    ));
    let inputs = load_inputs(Some(counties), None, None, |_| {}, LoadOptions::default()).unwrap();
    let net = build(
        &inputs,
        &inputs.links,
        &Scenario::default(),
        NetworkKind::Combined,
    );
    assert_eq!(net.unit_count(), 219);
    let a = one.install(|| travel_time_matrix(&net, None));
    let b = four.install(|| travel_time_matrix(&net, None));
    assert_eq!(a, b, "county layer: 1 vs 4 threads");
    let limit = Some(Minutes(90.0));
    let a = one.install(|| travel_time_matrix(&net, limit));
    let b = four.install(|| travel_time_matrix(&net, limit));
    assert_eq!(a, b, "county layer, 90-minute limit: 1 vs 4 threads");
}

#[test]
fn composite_is_the_geometric_mean_of_road_and_rail() {
    let f = fixture();
    let road = build(
        &f.inputs,
        &f.inputs.links,
        &Scenario::default(),
        NetworkKind::Road,
    );
    let rail = build(
        &f.inputs,
        &f.inputs.links,
        &Scenario::default(),
        NetworkKind::Rail,
    );
    let composite = Matrix::composite(
        &travel_time_matrix(&road, None),
        &travel_time_matrix(&rail, None),
    );
    let code = |c: &str| unit_of(&f.inputs, c);
    let mut pairs = vec![
        (code("510100"), code("500101")),
        (code("510100"), code("500103")),
        (code("510700"), code("511500")),
        (code("500114"), code("510600")),
        (code("511400"), code("511400")),
    ];
    pairs.extend(
        (0..59u32)
            .step_by(6)
            .map(|i| (UnitId(i), UnitId((i * 7 + 3) % 59))),
    );
    // independent searches, not the matrices
    let time = |net: &Network, a: UnitId, b: UnitId| {
        let mut dj = Dijkstra::new(net.node_count());
        dj.run(net, &[(net.unit_node(a), Minutes::ZERO)], None)
            .time(net.unit_node(b))
    };
    for (a, b) in pairs {
        let (r, t) = (time(&road, a, b), time(&rail, a, b));
        let want = match (r, t) {
            (Some(r), Some(t)) => Some((r.0 * t.0).sqrt()),
            _ => None,
        };
        let got = composite.get(a, b).map(|m| m.0);
        match (got, want) {
            (Some(g), Some(w)) => assert!(
                (g - w).abs() < EPS,
                "composite {a:?}->{b:?}: {g} vs √({r:?}×{t:?}) = {w}"
            ),
            (None, None) => {}
            _ => panic!("composite {a:?}->{b:?}: {got:?} vs {want:?}"),
        }
        if a != b {
            // between √ of two positive times and their extremes
            let (r, t) = (r.unwrap().0, t.unwrap().0);
            let g = got.unwrap();
            assert!(r.min(t) - EPS <= g && g <= r.max(t) + EPS);
        }
    }
}

#[test]
fn road_and_rail_matrices_are_symmetric_and_metric() {
    let f = fixture();
    for kind in [NetworkKind::Road, NetworkKind::Rail] {
        let net = build(&f.inputs, &f.inputs.links, &Scenario::default(), kind);
        let m = travel_time_matrix(&net, None);
        // road: one mode, exactly symmetric; rail: HSR-rail transfers (see above)
        assert_symmetric_within(&m, kind.as_str(), transfer_asymmetry(&f.inputs));
        assert_triangle(&m, kind.as_str());
        // the combined network has every arc of either: never slower
        for a in units(&m) {
            for b in units(&m) {
                assert!(
                    inf(f.matrix.get(a, b)) <= inf(m.get(a, b)) + EPS,
                    "{}: {a:?}->{b:?}",
                    kind.as_str()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Random small networks, shaped like `build_network`'s: unit nodes, a station node per (unit,
// mode) for modes with an access or egress penalty, two arcs per link.

const MODES: [Mode; 4] = [Mode::Hsr, Mode::Rail, Mode::Expressway, Mode::Road];

#[derive(Debug, Clone)]
struct Spec {
    units: usize,
    /// (access, egress) per mode of [`MODES`].
    penalties: Vec<(f64, f64)>,
    /// (from, to, mode index, minutes).
    links: Vec<(usize, usize, usize, f64)>,
}

fn minutes() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), (0u32..=100).prop_map(f64::from), 0.0..=100.0f64]
}

fn spec() -> impl Strategy<Value = Spec> {
    let penalty = prop_oneof![
        Just((0.0, 0.0)),
        (0.0..30.0f64, 0.0..30.0f64),
        (0u32..30, 0u32..30).prop_map(|(a, e)| (f64::from(a), f64::from(e)))
    ];
    (1usize..=14).prop_flat_map(move |n| {
        (
            Just(n),
            proptest::collection::vec(penalty.clone(), 4),
            proptest::collection::vec((0..n, 0..n, 0usize..4, minutes()), 0..=3 * n),
        )
            .prop_map(|(units, penalties, links)| Spec {
                units,
                penalties,
                links,
            })
    })
}

fn network(spec: &Spec) -> Network {
    let mut g: DiGraph<Node, Arc> = DiGraph::new();
    for u in 0..spec.units {
        g.add_node(Node::Unit(UnitId(u as u32)));
    }
    let mut stations = std::collections::BTreeMap::new();
    for (k, &(a, b, m, t)) in spec.links.iter().enumerate() {
        let (access, egress) = spec.penalties[m];
        let mut end = |g: &mut DiGraph<Node, Arc>, u: usize| {
            if access == 0.0 && egress == 0.0 {
                return NodeIndex::new(u);
            }
            *stations.entry((u, m)).or_insert_with(|| {
                let s = g.add_node(Node::Station(UnitId(u as u32), MODES[m], 0));
                g.add_edge(
                    NodeIndex::new(u),
                    s,
                    Arc {
                        minutes: access,
                        link: None,
                    },
                );
                g.add_edge(
                    s,
                    NodeIndex::new(u),
                    Arc {
                        minutes: egress,
                        link: None,
                    },
                );
                s
            })
        };
        let (x, y) = (end(&mut g, a), end(&mut g, b));
        let arc = Arc {
            minutes: t,
            link: Some(LinkId(k as u32)),
        };
        g.add_edge(x, y, arc);
        g.add_edge(y, x, arc);
    }
    Network::freeze(&g, vec![], NetworkKind::Combined).expect("finite, non-negative times")
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 300,
        rng_seed: RngSeed::Fixed(0x7265_6769_6f6e),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_networks_are_symmetric_metric_and_thread_independent(spec in spec()) {
        let net = network(&spec);
        let m = travel_time_matrix(&net, None);
        assert_symmetric(&m, "random");
        assert_triangle(&m, "random");
        let (one, four) = pools();
        prop_assert_eq!(&one.install(|| travel_time_matrix(&net, None)), &m);
        prop_assert_eq!(&four.install(|| travel_time_matrix(&net, None)), &m);
        // reachability is the links' connected components
        let mut dj = Dijkstra::new(net.node_count());
        for a in units(&m) {
            let r = row(&mut dj, &net, a, None);
            for b in units(&m) {
                prop_assert_eq!(r[b.index()], m.get(a, b));
            }
        }
    }

    #[test]
    fn random_networks_limit_and_cores(spec in spec(), limit in 0.0..200.0f64, core in proptest::collection::vec(0usize..14, 1..4)) {
        let net = network(&spec);
        let m = travel_time_matrix(&net, None);
        let cut = travel_time_matrix(&net, Some(Minutes(limit)));
        for a in units(&m) {
            for b in units(&m) {
                let want = m.get(a, b).filter(|t| t.0 <= limit);
                prop_assert_eq!(cut.get(a, b), want, "{:?}->{:?} within {}", a, b, limit);
            }
        }
        let origins: Vec<UnitId> = core.iter().map(|&u| UnitId((u % spec.units) as u32)).collect();
        let mut dj = Dijkstra::new(net.node_count());
        let multi = row_multi(&mut dj, &net, &origins, None);
        for d in units(&m) {
            let min = origins.iter().map(|&o| inf(m.get(o, d))).fold(f64::INFINITY, f64::min);
            prop_assert!((inf(multi[d.index()]) - min).abs() < EPS || inf(multi[d.index()]) == min);
        }
    }
}
