//! The binary with a road graph: `synth`, `info --roads`, `matrix` against an independent
//! oracle (the test's own CSV parser, brute-force snapping and petgraph's Dijkstra), `access
//! --max-minutes`, thread-count independence, and bad road input.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{Out, haversine_km, ok, run};
use petgraph::graph::{DiGraph, NodeIndex};

fn synth(dir: &Path, nodes: &str, units: &str) {
    ok(&[
        "synth",
        "--nodes",
        nodes,
        "--seed",
        "7",
        "--units",
        units,
        "--out",
        dir.to_str().unwrap(),
    ]);
}

/// The input flags for a synth directory.
fn inputs(d: &Path) -> Vec<String> {
    let p = |f: &str| d.join(f).to_str().unwrap().to_string();
    vec![
        "--units".into(),
        p("units.geojson"),
        "--links".into(),
        p("links.csv"),
        "--study".into(),
        p("study.toml"),
        "--roads".into(),
        d.to_str().unwrap().to_string(),
    ]
}

fn args<'a>(head: &[&'a str], d: &'a [String], tail: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&str> = head.to_vec();
    v.extend(d.iter().map(String::as_str));
    v.extend_from_slice(tail);
    v
}

/// The unit-to-unit road times computed independently of regionlink's loader, snapping and
/// kernel: parse the CSVs here, time each direction by its class at the default speeds, snap
/// each seat to the nearest node by brute force, search with petgraph.
fn oracle(d: &Path) -> (Vec<String>, Vec<Vec<f64>>) {
    let speed: HashMap<&str, f64> = [
        ("Motorway", 90.0),
        ("Trunk", 70.0),
        ("Primary", 55.0),
        ("Secondary", 45.0),
        ("Tertiary", 35.0),
        ("Residential", 25.0),
    ]
    .into_iter()
    .collect();
    let mut nodes = csv::Reader::from_path(d.join("nodes.csv")).unwrap();
    let mut idx = HashMap::new();
    let mut pos = Vec::new();
    let mut g: DiGraph<(), f64> = DiGraph::new();
    for r in nodes.records() {
        let r = r.unwrap();
        let id: i64 = r[0].parse().unwrap();
        idx.insert(id, g.add_node(()));
        pos.push((r[1].parse::<f64>().unwrap(), r[2].parse::<f64>().unwrap()));
    }
    let mut edges = csv::Reader::from_path(d.join("edges.csv")).unwrap();
    let h = edges.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (cs, ct, cl, cf, cb) = (
        col("source"),
        col("target"),
        col("length"),
        col("car_forward"),
        col("car_backward"),
    );
    for r in edges.records() {
        let r = r.unwrap();
        let (s, t) = (
            idx[&r[cs].parse::<i64>().unwrap()],
            idx[&r[ct].parse::<i64>().unwrap()],
        );
        let len: f64 = r[cl].parse().unwrap();
        if let Some(v) = speed.get(&r[cf]) {
            g.add_edge(s, t, len / 1000.0 / v * 60.0);
        }
        if let Some(v) = speed.get(&r[cb]) {
            g.add_edge(t, s, len / 1000.0 / v * 60.0);
        }
    }
    let units: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("units.geojson")).unwrap()).unwrap();
    let mut codes = Vec::new();
    let mut snaps = Vec::new();
    for f in units["features"].as_array().unwrap() {
        codes.push(f["properties"]["code"].as_str().unwrap().to_string());
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        let seat = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        let (best, km) = pos
            .iter()
            .enumerate()
            .map(|(i, &p)| (i, haversine_km(seat, p)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        snaps.push((NodeIndex::new(best), km / 20.0 * 60.0));
    }
    let times = snaps
        .iter()
        .map(|&(s, cs)| {
            let m = petgraph::algo::dijkstra(&g, s, None, |e| *e.weight());
            snaps
                .iter()
                .map(|&(t, ct)| if s == t { cs + ct } else { cs + m[&t] + ct })
                .collect()
        })
        .collect();
    (codes, times)
}

/// Run `matrix --network road` with `extra` options on 1 and 2 threads: the two files must be
/// byte-identical. Returns the file and the second run's output.
fn road_matrix_on_1_and_2_threads(dir: &Path, inp: &[String], extra: &[&str]) -> (Vec<u8>, Out) {
    let files = [dir.join("m1.csv"), dir.join("m2.csv")];
    let mut last = None;
    for (threads, out) in ["1", "2"].into_iter().zip(&files) {
        let mut tail = extra.to_vec();
        tail.extend(["--out", out.to_str().unwrap()]);
        last = Some(ok(&args(
            &["--threads", threads, "matrix", "--network", "road"],
            inp,
            &tail,
        )));
    }
    let a = std::fs::read(&files[0]).unwrap();
    assert_eq!(
        a,
        std::fs::read(&files[1]).unwrap(),
        "1 and 2 threads differ"
    );
    (a, last.unwrap())
}

/// The time `got` from unit `i` to `j` equals the oracle's to the CSV's 2 decimals.
fn assert_near_oracle(codes: &[String], want: &[Vec<f64>], i: usize, j: usize, got: f64) {
    assert!(
        (got - want[i][j]).abs() <= 0.005 + 1e-9,
        "{} → {}: {got} vs oracle {}",
        codes[i],
        codes[j],
        want[i][j]
    );
}

#[test]
fn road_matrix_equals_an_independent_oracle_and_is_thread_independent() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("s");
    synth(&d, "2500", "12");
    let inp = inputs(&d);
    let info: serde_json::Value =
        serde_json::from_str(&ok(&args(&["info", "--json"], &inp, &[])).stdout).unwrap();
    let r = &info["roads"];
    assert_eq!(r["nodes_read"], 2500);
    assert_eq!(r["nodes_kept"], 2500);
    assert_eq!(r["nodes_dropped"], 0);
    assert_eq!(r["snaps"].as_array().unwrap().len(), 12);
    // Units lie up to 300 m off a road node.
    assert!(r["snap_km_median_p95_max"][2].as_f64().unwrap() <= 0.3 + 1e-9);
    let (codes, want) = oracle(&d);
    let (a, _) = road_matrix_on_1_and_2_threads(dir.path(), &inp, &[]);
    let mut rdr = csv::Reader::from_reader(a.as_slice());
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        let i = codes.iter().position(|c| c == &r[0]).unwrap();
        let j = codes.iter().position(|c| c == &r[1]).unwrap();
        assert_near_oracle(&codes, &want, i, j, r[2].parse().unwrap());
        // Road time is an estimate, no station penalty.
        assert_eq!(&r[5], "0.00");
        n += 1;
    }
    assert_eq!(n, 12 * 11);
}

/// `--engine phast`: the wide road matrix equals the independent oracle and does not depend on
/// the thread count; `access` equals the Dijkstra run's table; refused with a clear message
/// where it cannot serve (the long matrix splits times by path; the composite network).
#[test]
fn phast_engine_equals_the_oracle_and_dijkstra() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("s");
    synth(&d, "2500", "12");
    let inp = inputs(&d);
    let (codes, want) = oracle(&d);
    let (a, o) = road_matrix_on_1_and_2_threads(dir.path(), &inp, &["--wide", "--engine", "phast"]);
    assert!(
        o.stderr.contains("PHAST: contraction hierarchy of"),
        "{}",
        o.stderr
    );
    let mut rdr = csv::Reader::from_reader(a.as_slice());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        let i = codes.iter().position(|c| c == &r[0]).unwrap();
        for (k, cell) in r.iter().enumerate().skip(1) {
            let j = codes.iter().position(|c| *c == header[k]).unwrap();
            let got: f64 = cell.parse().unwrap();
            if i == j {
                assert_eq!(got, 0.0);
                continue;
            }
            assert_near_oracle(&codes, &want, i, j, got);
            n += 1;
        }
    }
    assert_eq!(n, 12 * 11);
    // access: PHAST and Dijkstra print the same table (numbers to their last printed digit).
    let (p, q) = (dir.path().join("p.csv"), dir.path().join("q.csv"));
    for (engine, out) in [("phast", &p), ("dijkstra", &q)] {
        let o = ok(&args(
            &["access", "--network", "road"],
            &inp,
            &[
                "--bands",
                "30,60",
                "--engine",
                engine,
                "--out",
                out.to_str().unwrap(),
            ],
        ));
        assert_eq!(
            o.stdout.contains("times by PHAST"),
            engine == "phast",
            "{}",
            o.stdout
        );
    }
    let (p, q) = (
        std::fs::read_to_string(&p).unwrap(),
        std::fs::read_to_string(&q).unwrap(),
    );
    assert_eq!(p.lines().count(), 13);
    for (lp, lq) in p.lines().zip(q.lines()) {
        for (x, y) in lp.split(',').zip(lq.split(',')) {
            match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(a), Ok(b)) => assert!((a - b).abs() <= 0.011, "{x} vs {y}"),
                _ => assert_eq!(x, y),
            }
        }
    }
    // Where PHAST cannot serve: exit 1 with the reason.
    let o = run(&args(
        &["matrix", "--network", "road"],
        &inp,
        &["--engine", "phast"],
    ));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("--engine phast gives travel times only"),
        "{}",
        o.stderr
    );
    let o = run(&args(
        &["access", "--network", "composite"],
        &inp,
        &["--engine", "phast"],
    ));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("composite"), "{}", o.stderr);
    let o = run(&args(
        &["matrix", "--network", "composite"],
        &inp,
        &["--wide", "--engine", "phast"],
    ));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("composite"), "{}", o.stderr);
}

#[test]
fn synth_is_deterministic_and_access_cut_off_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let (d1, d2) = (dir.path().join("a"), dir.path().join("b"));
    synth(&d1, "3000", "15");
    synth(&d2, "3000", "15");
    for f in [
        "nodes.csv",
        "edges.csv",
        "units.geojson",
        "links.csv",
        "study.toml",
    ] {
        assert_eq!(
            std::fs::read(d1.join(f)).unwrap(),
            std::fs::read(d2.join(f)).unwrap(),
            "{f}"
        );
    }
    let inp = inputs(&d1);
    // A cut-off below a band is refused.
    let o = run(&args(
        &["access"],
        &inp,
        &["--bands", "30,60", "--max-minutes", "45"],
    ));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("--max-minutes 45 is below the band of 60 minutes"),
        "{}",
        o.stderr
    );
    let full = dir.path().join("full.csv");
    let cut = dir.path().join("cut.csv");
    ok(&args(
        &["access", "--network", "road"],
        &inp,
        &["--bands", "30,60", "--out", full.to_str().unwrap()],
    ));
    let o = ok(&args(
        &["access", "--network", "road"],
        &inp,
        &[
            "--bands",
            "30,60",
            "--max-minutes",
            "60",
            "--out",
            cut.to_str().unwrap(),
        ],
    ));
    assert!(
        o.stdout.contains("searches stopped at 60 min"),
        "{}",
        o.stdout
    );
    let read = |p: &Path| -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::Reader::from_path(p).unwrap();
        let h = r.headers().unwrap().iter().map(String::from).collect();
        let rows = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        (h, rows)
    };
    let (h, full) = read(&full);
    let (h2, cut) = read(&cut);
    assert_eq!(h, h2);
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let mut truncated = 0;
    for (f, c) in full.iter().zip(&cut) {
        // Bands within the cut-off: identical.
        for n in [
            "pop_within_30min_10k",
            "pop_within_60min_10k",
            "units_within_60min",
        ] {
            assert_eq!(f[col(n)], c[col(n)], "{n}");
        }
        // WATT needs every unit: empty with the cut-off, present without (connected graph).
        assert!(!f[col("watt_min")].is_empty());
        assert!(c[col("watt_min")].is_empty());
        // The truncated potential is never larger.
        let (pf, pc): (f64, f64) = (
            f[col("potential_pow1")].parse().unwrap(),
            c[col("potential_pow1")].parse().unwrap(),
        );
        assert!(pc <= pf + 1e-9, "{pc} > {pf}");
        truncated += (pc < pf - 1e-6) as usize;
    }
    assert!(truncated > 0, "the cut-off changed no potential");
}

#[test]
fn route_over_the_road_graph_is_one_road_leg() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("s");
    synth(&d, "2000", "6");
    let inp = inputs(&d);
    let o = ok(&args(
        &["route", "S0001", "S0002", "--network", "road"],
        &inp,
        &[],
    ));
    assert!(o.stdout.contains("road graph (--roads)"), "{}", o.stdout);
    assert!(o.stdout.contains("arcs of the road graph"), "{}", o.stdout);
}

#[test]
fn bad_road_input_exits_1_naming_file_line_field_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("s");
    synth(&d, "400", "4");
    // An edge to a node that is not in nodes.csv.
    let edges = std::fs::read_to_string(d.join("edges.csv")).unwrap();
    let mut lines: Vec<String> = edges.lines().map(String::from).collect();
    let cols: Vec<String> = lines[2].split(',').map(String::from).collect();
    let bad = lines[2].replacen(&format!(",{},", cols[2]), ",999,", 1);
    lines[2] = bad;
    std::fs::write(d.join("edges.csv"), lines.join("\n") + "\n").unwrap();
    let inp = inputs(&d);
    let o = run(&args(&["info"], &inp, &[]));
    assert_eq!(o.code, 1, "{}", o.stderr);
    let want = format!(
        "{}: line 3: field \"source\" is \"999\": no node with that id in {}",
        d.join("edges.csv").display(),
        d.join("nodes.csv").display()
    );
    assert!(o.stderr.contains(&want), "{}\nwant {want}", o.stderr);
    assert!(!o.stderr.contains("panicked"));
    // A path that does not exist.
    let o = run(&["info", "--roads", "/nonexistent/roads"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("/nonexistent/roads: no such file"),
        "{}",
        o.stderr
    );
}
