//! Scenarios, the timeline and link-failure resilience.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

mod common;

use regionlink::load::{LoadOptions, Study, load_links, load_units};
use regionlink::measures::par::failures;
use regionlink::measures::resilience::{Setting, damage, worse_first};
use regionlink::network::{BuildOptions, NetworkKind, Scenario, build_network};
use regionlink::{LinkId, UnitId};

#[test]
fn a_scenario_identical_to_the_baseline_gives_zero_deltas() {
    // A slower duplicate of an existing HSR link changes nothing (the faster parallel link is
    // kept), so every delta must be exactly zero.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dup.csv"),
        "link_id,from_code,to_code,mode,time_min\nDUP,510100,510600,hsr,999\n",
    )
    .unwrap();
    let (code, _, err) =
        common::run_in(dir.path(), &["scenario", "--add", "dup.csv", "--out", "o"]).parts();
    assert_eq!(code, 0, "{err}");
    let (h, rows) = common::csv_rows(&dir.path().join("o/scenario.csv"));
    assert_eq!(rows.len(), 59);
    for (c, name) in h
        .iter()
        .enumerate()
        .filter(|(_, n)| n.starts_with("d_") || n.starts_with("saved_") || n.starts_with("into_"))
    {
        for r in &rows {
            assert!(
                r[c].parse::<f64>().unwrap() == 0.0,
                "{name} = {} for {}",
                r[c],
                r[0]
            );
        }
    }
}

#[test]
fn the_default_scenario_adds_the_lines_under_construction() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = common::run_in(dir.path(), &["scenario", "--out", "o"]).parts();
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("plus every planned and under-construction link against the open links today"),
        "{out}"
    );
    let (h, rows) = common::csv_rows(&dir.path().join("o/scenario.csv"));
    let saved = h.iter().position(|n| n == "saved_chengdu_min").unwrap();
    // adding links never lengthens a time, and the new lines shorten some
    let s: Vec<f64> = rows.iter().map(|r| r[saved].parse().unwrap()).collect();
    assert!(s.iter().all(|&x| x >= -1e-9));
    assert!(s.iter().any(|&x| x > 1.0));
    assert!(
        dir.path().join("o/scenario.geojson").exists()
            && dir.path().join("o/scenario.qml").exists()
    );
}

#[test]
fn timeline_converges_as_lines_open() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = common::run_in(
        dir.path(),
        &["timeline", "--from", "2010", "--to", "2030", "--out", "o"],
    )
    .parts();
    assert_eq!(code, 0, "{err}");
    let (h, rows) = common::csv_rows(&dir.path().join("o/timeline_summary.csv"));
    assert_eq!(rows.len(), 21);
    let tc = h
        .iter()
        .position(|n| n == "t_chengdu_chongqing_min")
        .unwrap();
    let wm = h.iter().position(|n| n == "watt_mean_min").unwrap();
    let t: Vec<f64> = rows.iter().map(|r| r[tc].parse().unwrap()).collect();
    let w: Vec<f64> = rows.iter().map(|r| r[wm].parse().unwrap()).collect();
    // links are only ever added as years pass: times never grow
    assert!(t.windows(2).all(|p| p[1] <= p[0] + 1e-9));
    assert!(w.windows(2).all(|p| p[1] <= p[0] + 1e-9));
    // the Chengyu HSR opened in 2015 (rows 4 and 5 are 2014 and 2015)
    assert!(t[5] < t[4], "{t:?}");
    assert!(
        std::fs::read_to_string(dir.path().join("o/timeline.svg"))
            .unwrap()
            .starts_with("<svg")
    );
    let (_, long) = common::csv_rows(&dir.path().join("o/timeline.csv"));
    assert_eq!(long.len(), 21 * 59);
}

/// A —10— B —10— C —10— D and A —30— C; C–D is a bridge. Cores: A and D. Equal masses and
/// populations of 1, so the population-weighted WATT is the sum of all ordered times / 12.
///   intact:        A: 10 20 30 · B: 10 10 20 · C: 20 10 10 · D: 30 20 10 → Σ = 200
///   without A–B:   A: 40 30 40 · B: 40 10 20 · C: 30 10 10 · D: 40 20 10 → Σ = 300 (+100/12)
///   without B–C:   A: 10 30 40 · B: 10 40 50 · C: 30 40 10 · D: 40 50 10 → Σ = 360 (+160/12)
///   without A–C:   nothing changes (A–B–C is 20 < 30)
///   without C–D:   D is cut off: every unit has an unreachable other, no WATT anywhere.
#[test]
fn criticality_ranking_on_a_hand_built_network() {
    let units = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"A","p":1},"geometry":{"type":"Point","coordinates":[104.0,30.0]}},
{"type":"Feature","properties":{"code":"B","p":1},"geometry":{"type":"Point","coordinates":[104.1,30.0]}},
{"type":"Feature","properties":{"code":"C","p":1},"geometry":{"type":"Point","coordinates":[104.2,30.0]}},
{"type":"Feature","properties":{"code":"D","p":1},"geometry":{"type":"Point","coordinates":[104.3,30.0]}}]}"#;
    let study = Study::from_toml("name = \"t\"\n[fields]\npopulation = \"p\"\npopulation_unit = \"10k\"\n[network]\ncontiguity = false\n", "s").unwrap();
    let region = load_units(units.as_bytes(), "u", &study, LoadOptions::default()).unwrap();
    let links = load_links(b"link_id,from_code,to_code,mode,time_min\nAB,A,B,road,10\nBC,B,C,road,10\nCD,C,D,road,10\nAC,A,C,road,30\n", "l").unwrap();
    let (net, _) = build_network(
        &region,
        &links,
        BuildOptions {
            params: &study.network,
            scenario: &Scenario::default(),
            kind: NetworkKind::Combined,
            roads: None,
            gazetteer: None,
        },
    )
    .unwrap();
    let ones = vec![1.0; 4];
    let cores = vec![vec![UnitId(0)], vec![UnitId(3)]];
    let setting = Setting {
        mass: &ones,
        pop: &ones,
        cores: &cores,
        band: 25.0,
    };
    let sets: Vec<Vec<LinkId>> = std::iter::once(vec![])
        .chain((0..4).map(|l| vec![LinkId(l)]))
        .collect();
    let figs = failures(&net, &setting, &sets);
    let base = figs[0];
    assert!((base.watt_pop_min.unwrap() - 200.0 / 12.0).abs() < 1e-12);
    assert_eq!(base.t_cores_min, Some(30.0));
    // beyond 25 min of both A and D: none (B is 10 from A, C 10 from D)
    assert_eq!(base.units_beyond_band, 0);
    let mut ranked: Vec<(&str, _)> = ["AB", "BC", "CD", "AC"]
        .into_iter()
        .zip(figs[1..].iter().map(|f| damage(&base, f)))
        .collect();
    ranked.sort_by(|a, b| worse_first(&a.1, &b.1));
    let order: Vec<&str> = ranked.iter().map(|r| r.0).collect();
    assert_eq!(order, ["CD", "BC", "AB", "AC"]);
    assert_eq!(ranked[0].1.d_units_cut_off, 4);
    assert_eq!(
        ranked[0].1.d_t_cores_min,
        f64::INFINITY,
        "the cores are cut apart"
    );
    assert!((ranked[1].1.d_watt_pop_min - 160.0 / 12.0).abs() < 1e-12);
    assert!((ranked[2].1.d_watt_pop_min - 100.0 / 12.0).abs() < 1e-12);
    assert_eq!(ranked[3].1.d_watt_pop_min, 0.0);
}

#[test]
fn monte_carlo_is_the_same_on_1_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    for t in ["1", "4"] {
        let (code, _, err) = common::run_in(
            dir.path(),
            &[
                "--threads",
                t,
                "resilience",
                "--samples",
                "60",
                "--k",
                "4",
                "--seed",
                "11",
                "--out",
                &format!("o{t}"),
            ],
        )
        .parts();
        assert_eq!(code, 0, "{err}");
    }
    for f in [
        "resilience_montecarlo.csv",
        "resilience_montecarlo_summary.csv",
        "links_criticality.csv",
        "links_criticality.geojson",
    ] {
        let a = std::fs::read(dir.path().join("o1").join(f)).unwrap();
        let b = std::fs::read(dir.path().join("o4").join(f)).unwrap();
        assert!(a == b, "{f} differs");
    }
    let (_, rows) = common::csv_rows(&dir.path().join("o1/resilience_montecarlo.csv"));
    assert_eq!(rows.len(), 60);
    assert!(rows.iter().all(|r| r[1].split(';').count() == 4));
    // another seed draws other failures
    let (code, _, _) = common::run_in(
        dir.path(),
        &[
            "resilience",
            "--samples",
            "60",
            "--k",
            "4",
            "--seed",
            "12",
            "--out",
            "o5",
        ],
    )
    .parts();
    assert_eq!(code, 0);
    assert_ne!(
        std::fs::read(dir.path().join("o1/resilience_montecarlo.csv")).unwrap(),
        std::fs::read(dir.path().join("o5/resilience_montecarlo.csv")).unwrap()
    );
}

/// Issue #16.4: of two parallel links of one mode, failing one leaves the other. The damage of
/// R01-01 equals the population-weighted WATT of `access --drop R01-01` minus today's, and the
/// two 60-minute expressways E02-03 and E04-02 each cost nothing and each get a row.
#[test]
fn resilience_fails_each_parallel_link_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = common::ok_in(d, &["resilience", "--out", "r"]);
    assert!(o.stdout.contains("Link-failure resilience"));
    let (h, rows) = common::csv_rows(&d.join("r/links_criticality.csv"));
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let damage = |id: &str| -> f64 {
        let r = rows.iter().find(|r| r[col("link_id")] == id).unwrap();
        r[col("d_watt_pop_min")].parse().unwrap()
    };
    // The oracle: the network built without the link (not the failure's arc removal), WATT at
    // full precision from the library.
    let inputs =
        regionlink::load::load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap();
    let watt_pop = |drop: &[&str]| -> f64 {
        let mut o = regionlink::analysis::Options::from_study(&inputs.study).unwrap();
        o.scenario.drop = drop.iter().map(|s| s.to_string()).collect();
        let an = regionlink::analysis::Analysis::run(&inputs, &o, &regionlink::progress::Silent)
            .unwrap();
        let (mut num, mut den) = (0.0, 0.0);
        for (u, w) in inputs.region.units.iter().zip(&an.watt) {
            num += u.population_10k * w.unwrap();
            den += u.population_10k;
        }
        num / den
    };
    let want = watt_pop(&["R01-01"]) - watt_pop(&[]);
    // links_criticality.csv rounds to 0.001 min.
    assert!(
        (damage("R01-01") - want).abs() < 6e-4,
        "{} vs {want}",
        damage("R01-01")
    );
    assert!(damage("R01-01") > 0.0);
    assert_eq!((damage("E02-03"), damage("E04-02")), (0.0, 0.0));
}
