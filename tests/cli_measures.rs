//! The measure commands through the binary: reach, access, corridor, linkage, centrality,
//! equity.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

mod common;

use common::{csv_rows, run_in};

#[test]
fn reach_csv_has_one_row_per_unit_and_monotone_columns() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(dir.path(), &["reach", "--out", "reach.csv"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .lines()
            // 17 units: Luzhou (25 + 35 to Neijiang, a 30-minute change to the Mianyang–Luzhou
            // line, 15 + 31 + 15 = 151 min) and Jiangjin are beyond 120 minutes once changing
            // trains costs time.
            .any(|l| l.split_whitespace().take(3).collect::<Vec<_>>() == ["Chengdu", "120", "17"]),
        "{}",
        o.stdout
    );
    let (h, rows) = csv_rows(&dir.path().join("reach.csv"));
    assert_eq!(
        &h[..5],
        [
            "code",
            "name",
            "name_zh",
            "t_chengdu_min",
            "t_chongqing_min"
        ]
    );
    assert!(h.contains(&"reach_chongqing_180".to_string()));
    assert_eq!(rows.len(), 59);
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    for r in &rows {
        // reached within 60 ⇒ within 120 ⇒ within 180; and consistent with the time column
        let (a, b, c) = (
            &r[col("reach_chengdu_60")],
            &r[col("reach_chengdu_120")],
            &r[col("reach_chengdu_180")],
        );
        assert!(a <= b && b <= c, "{r:?}");
        let t: f64 = r[col("t_chengdu_min")].parse().unwrap();
        assert_eq!(b == "1", t <= 120.0, "{r:?}");
    }
}

#[test]
fn access_mass_needing_gdp_names_the_units() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(dir.path(), &["access", "--mass", "pop_gdp"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains(
            "--mass pop_gdp needs GDP, but 8 of 59 units have none: Dadukou District (500104)"
        ),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("use --mass pop"));
}

#[test]
fn access_columns_and_decays() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &[
            "access",
            "--decay",
            "power:1,exp:0.0116,step:60",
            "--bands",
            "60,120",
            "--out",
            "a.csv",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("mass: population (10⁴ people)"));
    let (h, rows) = csv_rows(&dir.path().join("a.csv"));
    for c in [
        "watt_min",
        "watt_coef",
        "t_chengdu_min",
        "potential_pow1",
        "potential_exp0_0116",
        "potential_step60",
        "t_internal_min",
        "pop_within_120min_10k",
    ] {
        assert!(h.contains(&c.to_string()), "{c} in {h:?}");
    }
    // mean of watt_coef is 1 by construction
    let col = h.iter().position(|x| x == "watt_coef").unwrap();
    let mean: f64 = rows
        .iter()
        .map(|r| r[col].parse::<f64>().unwrap())
        .sum::<f64>()
        / rows.len() as f64;
    assert!((mean - 1.0).abs() < 1e-3, "{mean}");
    let o = run_in(dir.path(), &["access", "--decay", "cubic:2"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("unknown family \"cubic\""),
        "{}",
        o.stderr
    );
    let o = run_in(
        dir.path(),
        &["access", "--self-potential", "off", "--out", "b.csv"],
    );
    assert_eq!(o.code, 0);
    assert!(
        !csv_rows(&dir.path().join("b.csv"))
            .0
            .contains(&"t_internal_min".to_string())
    );
}

#[test]
fn access_output_is_identical_on_1_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    let counties = concat!(env!("CARGO_MANIFEST_DIR"), "/data/counties.geojson");
    for t in ["1", "4"] {
        let o = run_in(
            dir.path(),
            &[
                "--threads",
                t,
                "access",
                "--units",
                counties,
                "--out",
                &format!("a{t}.csv"),
            ],
        );
        assert_eq!(o.code, 0, "{}", o.stderr);
    }
    assert_eq!(
        std::fs::read(dir.path().join("a1.csv")).unwrap(),
        std::fs::read(dir.path().join("a4.csv")).unwrap()
    );
}

#[test]
fn corridor_lists_units_along_the_axis() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &["corridor", "--epsilon", "0.5", "--out", "c.csv"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("T(Chengdu → Chongqing) = 102.0 min"),
        "{}",
        o.stdout
    );
    let (h, rows) = csv_rows(&dir.path().join("c.csv"));
    let (ci, ei, di) = (
        h.iter().position(|x| x == "in_corridor").unwrap(),
        h.iter().position(|x| x == "corridor_end").unwrap(),
        h.iter().position(|x| x == "detour_ratio").unwrap(),
    );
    for r in &rows {
        let d: f64 = r[di].parse().unwrap();
        // The cores' units are the ends (detour 1 by definition), never members.
        if r[ei] == "1" {
            assert_eq!((r[ci].as_str(), d), ("0", 1.0), "{r:?}");
        } else {
            assert_eq!(r[ci] == "1", d <= 1.5 + 1e-9, "{r:?}");
        }
    }
    // a wider tolerance never removes a unit
    let narrow = run_in(dir.path(), &["corridor", "--out", "n.csv"]);
    assert_eq!(narrow.code, 0);
    let (_, nrows) = csv_rows(&dir.path().join("n.csv"));
    for (n, w) in nrows.iter().zip(&rows) {
        assert!(n[ci] <= w[ci]);
    }
}

#[test]
fn linkage_and_centrality_run_on_the_default_data() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(dir.path(), &["linkage", "--top", "5", "--out", "l.csv"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("The 5 strongest links between places:"));
    let (h, rows) = csv_rows(&dir.path().join("l.csv"));
    // Issue #14, cores as wholes: Chongqing's nine central districts are one place
    // (1 034 × 10⁴ people), their strongest pair (Dadukou–Jiulongpo) is reported apart as
    // intra-centre linkage, and each of them belongs to Chongqing with membership 1.
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let yuzhong = rows.iter().find(|r| r[0] == "500103").unwrap();
    assert_eq!(yuzhong[col("linkage_place_code")], "chongqing");
    assert_eq!(yuzhong[col("belongs_to")], "Chongqing");
    assert_eq!(yuzhong[col("membership_chongqing")], "1.000");
    assert_eq!(yuzhong[col("membership_chengdu")], "0.000");
    let top: Vec<&str> = o
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("rank"))
        .skip(1)
        .take(5)
        .collect();
    assert!(top.iter().all(|l| !l.contains("Dadukou")), "{top:?}");
    assert!(o.stdout.contains("Inside the multi-unit centres"));
    // With population as the mass, two Chongqing units belong to Chengdu, as the numbers say:
    // Rongchang (88 min to Chengdu's 2 094 × 10⁴ people against 72 min to the central city's
    // 1 034 × 10⁴: 2094/88² > 1034/72²) and remote Chengkou; the northeast counties Zhong,
    // Fengjie, Wushan and Wuxi, which went to Chengdu while the central city counted as nine
    // separate districts, now belong to Chongqing.
    let to_chengdu: Vec<&str> = rows
        .iter()
        .filter(|r| r[0].starts_with("50") && r[col("belongs_to")] == "Chengdu")
        .map(|r| r[0].as_str())
        .collect();
    assert_eq!(to_chengdu, ["500153", "500229"]);
    // membership degrees of each linked unit sum to 1
    let cols: Vec<usize> = h
        .iter()
        .enumerate()
        .filter(|(_, c)| c.starts_with("membership_"))
        .map(|(i, _)| i)
        .collect();
    assert!(cols.len() >= 2);
    for r in &rows {
        if r[cols[0]].is_empty() {
            continue;
        }
        let s: f64 = cols.iter().map(|&c| r[c].parse::<f64>().unwrap()).sum();
        assert!((s - 1.0).abs() < 0.01, "{r:?}");
    }
    let o = run_in(dir.path(), &["centrality", "--out", "c.csv"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("density L/[n(n−1)] = "));
    let (h, rows) = csv_rows(&dir.path().join("c.csv"));
    let b = h.iter().position(|x| x == "betweenness").unwrap();
    assert!(
        rows.iter()
            .all(|r| (0.0..=1.0).contains(&r[b].parse::<f64>().unwrap()))
    );
    assert!(
        o.stdout.contains("R01-X01000106") || o.stdout.contains("T01-510100-500112"),
        "a Chengdu–Chongqing link carries many paths"
    );
}

#[test]
fn equity_decomposes_theil_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_in(
        dir.path(),
        &["equity", "--measure", "watt_min", "--out", "e.csv"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let line = o
        .stdout
        .lines()
        .find(|l| l.starts_with("Theil T total"))
        .unwrap();
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok())
        .collect();
    assert!((nums[0] - (nums[1] + nums[2])).abs() < 2e-6, "{line}");
    let (_, rows) = csv_rows(&dir.path().join("e.csv"));
    assert_eq!(
        rows.len(),
        8,
        "Sichuan's five zones and Chongqing's three groups"
    );
    assert!(
        o.stdout.contains("Lagging units (worst decile, 6)"),
        "{}",
        o.stdout
    );
    let o = run_in(dir.path(), &["equity", "--measure", "happiness"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains(
            "--measure happiness: no such per-unit measure; one of: pop_2020_10k, watt_min"
        ),
        "{}",
        o.stderr
    );
    let o = run_in(
        dir.path(),
        &[
            "equity",
            "--measure",
            "potential_pow1",
            "--group-by",
            "province",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("higher is better"));
}
