//! The synthetic network generator: determinism, size, connectivity, lengths, and that its files
//! load as a regionlink study.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::Path;

use geo::{Distance, Haversine, Point};
use regionlink::synth::{self, EDGES_HEADER, FILES, POPULATION_RANGE, SynthOptions};

fn opts(nodes: usize, seed: u64, units: Option<usize>) -> SynthOptions {
    SynthOptions { nodes, seed, units }
}

/// Generate and write into a fresh temporary directory.
fn written(o: &SynthOptions) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let s = synth::generate(o).unwrap();
    let paths = synth::write(&s, dir.path()).unwrap();
    let names: Vec<_> = paths
        .iter()
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    assert_eq!(names, FILES);
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// Split a CSV line of edges.csv: the last field (wkt) is quoted and holds a comma.
fn edge_fields(line: &str) -> (Vec<&str>, &str) {
    let (head, wkt) = line.split_once(",\"").unwrap();
    (head.split(',').collect(), wkt.trim_end_matches('"'))
}

struct Graph {
    /// id → (lon, lat)
    nodes: HashMap<i64, (f64, f64)>,
    order: Vec<i64>,
    /// (source, target, length, forward allowed, backward allowed)
    edges: Vec<(i64, i64, f64, bool, bool)>,
}

fn read_graph(dir: &Path) -> Graph {
    let nodes_csv = read(dir, "nodes.csv");
    let mut lines = nodes_csv.lines();
    assert_eq!(lines.next(), Some("id,lon,lat"));
    let mut nodes = HashMap::new();
    let mut order = Vec::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), 3, "{l}");
        let id: i64 = f[0].parse().unwrap();
        assert_eq!(f[1].split('.').nth(1).unwrap().len(), 7, "{l}");
        assert!(
            nodes
                .insert(id, (f[1].parse().unwrap(), f[2].parse().unwrap()))
                .is_none()
        );
        order.push(id);
    }
    let edges_csv = read(dir, "edges.csv");
    let mut lines = edges_csv.lines();
    assert_eq!(lines.next(), Some(EDGES_HEADER));
    let mut edges = Vec::new();
    for l in lines {
        let (f, wkt) = edge_fields(l);
        assert_eq!(f.len(), 11, "{l}");
        assert!(f[0].starts_with('e'), "{l}");
        f[1].parse::<i64>().unwrap();
        let (s, t): (i64, i64) = (f[2].parse().unwrap(), f[3].parse().unwrap());
        let len: f64 = f[4].parse().unwrap();
        assert_eq!(f[5], "Allowed");
        let classes = [
            "Motorway",
            "Trunk",
            "Primary",
            "Secondary",
            "Tertiary",
            "Residential",
        ];
        assert!(classes.contains(&f[6]), "{l}");
        assert!(f[7] == f[6] || f[7] == "Forbidden", "{l}");
        assert_eq!(&f[8..11], ["Allowed", "Allowed", "Forbidden"]);
        let (a, b) = (nodes[&s], nodes[&t]);
        assert_eq!(
            wkt,
            format!("LINESTRING({:.7} {:.7}, {:.7} {:.7})", a.0, a.1, b.0, b.1)
        );
        edges.push((s, t, len, true, f[7] != "Forbidden"));
    }
    Graph {
        nodes,
        order,
        edges,
    }
}

fn find(p: &mut [usize], mut x: usize) -> usize {
    while p[x] != x {
        p[x] = p[p[x]];
        x = p[x];
    }
    x
}

/// Nodes reached from the first node following the edges forward (or backward).
fn reached(g: &Graph, index: &HashMap<i64, usize>, backward: bool) -> usize {
    let mut adj = vec![Vec::new(); g.order.len()];
    for &(s, t, _, fw, bw) in &g.edges {
        let (s, t) = (index[&s], index[&t]);
        let (fw, bw) = if backward { (bw, fw) } else { (fw, bw) };
        if fw {
            adj[s].push(t);
        }
        if bw {
            adj[t].push(s);
        }
    }
    let mut seen = vec![false; g.order.len()];
    let mut stack = vec![0];
    seen[0] = true;
    let mut count = 1;
    while let Some(v) = stack.pop() {
        for &w in &adj[v] {
            if !seen[w] {
                seen[w] = true;
                count += 1;
                stack.push(w);
            }
        }
    }
    count
}

#[test]
fn same_seed_same_bytes() {
    let o = opts(2_500, 42, Some(12));
    let (a, b) = (written(&o), written(&o));
    for name in FILES {
        assert_eq!(
            std::fs::read(a.path().join(name)).unwrap(),
            std::fs::read(b.path().join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn different_seed_different_network() {
    let a = written(&opts(2_500, 1, None));
    let b = written(&opts(2_500, 2, None));
    for name in ["nodes.csv", "edges.csv", "units.geojson"] {
        assert_ne!(read(a.path(), name), read(b.path(), name), "{name}");
    }
}

#[test]
fn the_unit_count_does_not_change_the_network() {
    let a = synth::generate(&opts(900, 5, Some(3))).unwrap();
    let b = synth::generate(&opts(900, 5, Some(30))).unwrap();
    assert_eq!(a.nodes, b.nodes);
    assert_eq!(a.edges, b.edges);
}

#[test]
fn exactly_n_nodes_connected_and_lengths_at_least_great_circle() {
    for (n, seed) in [(4, 0), (5, 1), (10, 2), (101, 3), (2_500, 4), (45_001, 5)] {
        let dir = written(&opts(n, seed, None));
        let g = read_graph(dir.path());
        assert_eq!(g.order.len(), n);
        let index: HashMap<i64, usize> =
            g.order.iter().enumerate().map(|(i, &id)| (id, i)).collect();

        // Undirected connectivity.
        let mut p: Vec<usize> = (0..n).collect();
        for &(s, t, ..) in &g.edges {
            let (a, b) = (find(&mut p, index[&s]), find(&mut p, index[&t]));
            p[a] = b;
        }
        let root = find(&mut p, 0);
        assert!(
            (0..n).all(|i| find(&mut p, i) == root),
            "n = {n}: not connected"
        );

        // Strongly connected for cars despite one-way streets.
        assert_eq!(reached(&g, &index, false), n, "n = {n}: forward");
        assert_eq!(reached(&g, &index, true), n, "n = {n}: backward");

        for &(s, t, len, ..) in &g.edges {
            assert_ne!(s, t);
            let (a, b) = (g.nodes[&s], g.nodes[&t]);
            let d = Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1));
            assert!(
                len > 0.0 && len + 1e-6 >= d,
                "edge {s}-{t}: {len} m < {d} m"
            );
            assert!(len <= d * 1.2 + 0.01, "edge {s}-{t}: {len} m, {d} m apart");
        }
    }
}

#[test]
fn road_classes_and_oneways_on_a_large_grid() {
    let s = synth::generate(&opts(250_000, 9, None)).unwrap();
    let count = |c: &str| s.edges.iter().filter(|e| e.class == c).count();
    for c in ["Motorway", "Trunk", "Primary", "Secondary", "Tertiary"] {
        assert!(count(c) > 0, "no {c} edge");
    }
    let res = count("Residential");
    assert!(res > s.edges.len() / 2);
    let oneway = s.edges.iter().filter(|e| e.oneway).count();
    let share = oneway as f64 / res as f64;
    assert!((0.01..0.03).contains(&share), "one-way share {share}");
    assert!(
        s.edges
            .iter()
            .filter(|e| e.oneway)
            .all(|e| e.class == "Residential")
    );
    // A 500 × 500 grid has 2 · 500 · 499 grid edges; about 15 % of the residential ones go.
    let grid = 2 * 500 * 499;
    assert!(s.edges.len() < grid * 92 / 100 && s.edges.len() > grid * 80 / 100);
}

#[test]
fn files_load_as_a_study() {
    for (n, units, seed) in [(4, Some(4), 1), (3_000, None, 2), (10_000, Some(40), 3)] {
        let o = opts(n, seed, units);
        let dir = written(&o);
        let (inputs, _) = synth::read(dir.path()).unwrap();
        assert_eq!(inputs.region.len(), o.unit_count());
        let (lo, hi) = POPULATION_RANGE;
        for u in &inputs.region.units {
            let persons = u.population_10k * 1e4;
            assert!((lo as f64..=hi as f64).contains(&persons), "{persons}");
        }
        assert_eq!(inputs.study.cores.len(), 2);
        assert!(!inputs.study.network.contiguity);
        assert!(!inputs.study.measures.self_potential);

        // The cores are the two largest units; the links join existing units.
        let mut by_pop: Vec<_> = inputs.region.units.iter().collect();
        by_pop.sort_by(|a, b| b.population_10k.total_cmp(&a.population_10k));
        let core_codes: Vec<&str> = inputs
            .study
            .cores
            .iter()
            .map(|c| c.codes[0].as_str())
            .collect();
        assert_eq!(
            core_codes,
            [by_pop[0].code.as_str(), by_pop[1].code.as_str()]
        );
        let expected_links = match o.unit_count() {
            2 => 1,
            3 => 2,
            _ => 4,
        };
        assert_eq!(inputs.links.len(), expected_links);
        for l in &inputs.links {
            assert!(inputs.region.by_code(&l.from_code).is_some());
            assert!(inputs.region.by_code(&l.to_code).is_some());
            assert!(l.time_min.unwrap() > 0.0 && l.length_km.unwrap() > 0.0);
        }
        assert_eq!(
            (
                inputs.links[0].from_code.as_str(),
                inputs.links[0].to_code.as_str()
            ),
            (core_codes[0], core_codes[1])
        );
    }
}

#[test]
fn bad_options_are_option_errors() {
    for (o, msg) in [
        (
            opts(3, 0, None),
            "option nodes is 3, expected at least 4 road nodes",
        ),
        (
            opts(10, 0, Some(11)),
            "option units is 11, more than the 10 road nodes; expected at most 10",
        ),
        (
            opts(10, 0, Some(1)),
            "option units is 1, expected at least 2 (the study has two cores)",
        ),
    ] {
        let e = synth::generate(&o).unwrap_err();
        assert!(matches!(e, regionlink::Error::Option(_)), "{e:?}");
        assert!(e.is_input());
        assert_eq!(e.to_string(), msg);
    }
}

#[test]
fn write_creates_the_directory_and_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a/b");
    let s = synth::generate(&opts(100, 0, None)).unwrap();
    synth::write(&s, &out).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);
}
