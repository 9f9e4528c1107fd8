//! Golden outputs of every command on the default data: `run` (unit and county layers),
//! `scenario`, `timeline`, `resilience`, each measure command, `info`, `route` and `matrix`.
//!
//! Each case runs the binary in an empty directory and compares what it printed and every file
//! it wrote with `tests/golden/<case>/`: files up to [`FULL_LIMIT`] bytes are stored whole (so a
//! change shows in the diff), larger ones by SHA-256 in `SHA256SUMS`, which lists every file of
//! the case with its size. Regenerate with `UPDATE_GOLDEN=1 cargo test --test golden` and review
//! the diff.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Files up to this size are stored whole; larger ones only by digest.
const FULL_LIMIT: usize = 100 * 1024;

/// (case, arguments). `counties.geojson` is copied into the working directory first, so paths
/// in the outputs do not depend on where the repository lives.
const CASES: &[(&str, &[&str])] = &[
    ("run_units", &["run", "--quiet", "--out", "out"]),
    (
        "run_counties",
        &[
            "run",
            "--quiet",
            "--units",
            "counties.geojson",
            "--out",
            "out",
        ],
    ),
    ("scenario", &["scenario", "--out", "out"]),
    (
        "scenario_year_drop",
        &[
            "scenario", "--year", "2030", "--drop", "R01-01", "--out", "out",
        ],
    ),
    ("timeline", &["timeline", "--out", "out"]),
    (
        "resilience",
        &[
            "resilience",
            "--samples",
            "30",
            "--k",
            "2",
            "--seed",
            "7",
            "--out",
            "out",
        ],
    ),
    ("reach", &["reach", "--out", "out/reach.csv"]),
    (
        "reach_counties_2014",
        &[
            "reach",
            "--units",
            "counties.geojson",
            "--bands",
            "90,180",
            "--year",
            "2014",
            "--out",
            "out/reach.csv",
        ],
    ),
    ("access", &["access", "--out", "out/access.csv"]),
    (
        "access_composite_decays",
        &[
            "access",
            "--network",
            "composite",
            "--decay",
            "power:1,exp:0.0116,gauss:60,logistic:60:0.1,step:60",
            "--self-potential",
            "off",
            "--out",
            "out/access.csv",
        ],
    ),
    (
        "access_max_minutes",
        &["access", "--max-minutes", "200", "--out", "out/access.csv"],
    ),
    ("corridor", &["corridor", "--out", "out/corridor.csv"]),
    (
        "corridor_eps05",
        &["corridor", "--epsilon", "0.5", "--out", "out/corridor.csv"],
    ),
    (
        "linkage",
        &["linkage", "--top", "20", "--out", "out/linkage.csv"],
    ),
    (
        "linkage_great_circle",
        &[
            "linkage",
            "--distance",
            "great-circle",
            "--b",
            "1",
            "--out",
            "out/linkage.csv",
        ],
    ),
    ("centrality", &["centrality", "--out", "out/centrality.csv"]),
    (
        "centrality_threshold",
        &[
            "centrality",
            "--threshold",
            "10",
            "--out",
            "out/centrality.csv",
        ],
    ),
    (
        "equity",
        &["equity", "--measure", "watt_min", "--out", "out/equity.csv"],
    ),
    (
        "equity_province",
        &[
            "equity",
            "--measure",
            "potential_pow1",
            "--group-by",
            "province",
            "--out",
            "out/equity.csv",
        ],
    ),
    ("info", &["info"]),
    ("info_json", &["info", "--json"]),
    ("info_counties", &["info", "--units", "counties.geojson"]),
    ("route_cores", &["route", "Chengdu", "Chongqing"]),
    ("route_wanzhou", &["route", "Wanzhou", "Chengdu"]),
    (
        "route_road",
        &["route", "510700", "Wanzhou", "--network", "road"],
    ),
    ("matrix", &["matrix"]),
    (
        "matrix_composite_wide",
        &[
            "matrix",
            "--network",
            "composite",
            "--wide",
            "--out",
            "out/od.csv",
        ],
    ),
    (
        "matrix_counties_rail",
        &[
            "matrix",
            "--units",
            "counties.geojson",
            "--network",
            "rail",
            "--out",
            "out/od.csv",
        ],
    ),
];

/// Everything one case produced: `stdout.txt` and the files under `out/`.
fn produce(args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::data("counties.geojson"),
        dir.path().join("counties.geojson"),
    )
    .unwrap();
    let o = common::bin()
        .current_dir(dir.path())
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "regionlink {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut files = BTreeMap::new();
    files.insert("stdout.txt".to_string(), o.stdout);
    let out = dir.path().join("out");
    if out.is_dir() {
        for e in std::fs::read_dir(&out).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            files.insert(name, std::fs::read(e.path()).unwrap());
        }
    }
    files
}

fn sha256(b: &[u8]) -> String {
    let d = Sha256::digest(b);
    d.iter().fold(String::new(), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn sums(files: &BTreeMap<String, Vec<u8>>) -> String {
    files.iter().fold(String::new(), |mut s, (n, b)| {
        let _ = writeln!(s, "{}  {}  {n}", sha256(b), b.len());
        s
    })
}

fn golden_dir(case: &str) -> PathBuf {
    common::repo("tests/golden").join(case)
}

fn update(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("SHA256SUMS"), sums(files)).unwrap();
    for (n, b) in files {
        if b.len() <= FULL_LIMIT {
            std::fs::write(dir.join(n), b).unwrap();
        }
    }
}

/// The first differing line of two texts, for the failure message.
fn first_difference(want: &[u8], got: &[u8]) -> String {
    let (w, g) = (String::from_utf8_lossy(want), String::from_utf8_lossy(got));
    for (k, (a, b)) in w.lines().zip(g.lines()).enumerate() {
        if a != b {
            return format!("line {}:\n  want: {a}\n  got:  {b}", k + 1);
        }
    }
    format!(
        "lengths differ: want {} lines, got {}",
        w.lines().count(),
        g.lines().count()
    )
}

fn check(case: &str, args: &[&str]) -> Vec<String> {
    let files = produce(args);
    let dir = golden_dir(case);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        update(&dir, &files);
        return vec![];
    }
    let mut problems = Vec::new();
    let want_sums = std::fs::read_to_string(dir.join("SHA256SUMS"))
        .unwrap_or_else(|_| panic!("{case}: no golden files; run with UPDATE_GOLDEN=1"));
    let got_sums = sums(&files);
    for (n, b) in &files {
        let stored = dir.join(n);
        if b.len() <= FULL_LIMIT {
            match std::fs::read(&stored) {
                Ok(want) if &want == b => {}
                Ok(want) => problems.push(format!(
                    "{case}/{n} differs from the golden file: {}",
                    first_difference(&want, b)
                )),
                Err(_) => problems.push(format!("{case}/{n}: new file, not in the golden set")),
            }
        }
    }
    if want_sums != got_sums {
        problems.push(format!(
            "{case}: SHA256SUMS differ\nwant:\n{want_sums}got:\n{got_sums}"
        ));
    }
    problems
}

#[test]
fn every_command_reproduces_its_golden_outputs() {
    let problems: Vec<String> = CASES
        .iter()
        .flat_map(|(case, args)| check(case, args))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
