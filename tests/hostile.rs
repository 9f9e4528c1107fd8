//! Defects found by trying the tool as a hostile or careless user would (issue #16): each test
//! is named after the defect it pins down.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Stdio;

use common::{bin, ok_in, run_in};

fn synth(dir: &Path, nodes: &str, units: &str) {
    ok_in(
        dir,
        &[
            "synth", "--nodes", nodes, "--seed", "3", "--units", units, "--out", "g",
        ],
    );
}

fn road_args(tail: &[&'static str]) -> Vec<&'static str> {
    let mut v = vec![
        "--units",
        "g/units.geojson",
        "--links",
        "g/links.csv",
        "--study",
        "g/study.toml",
    ];
    v.extend_from_slice(tail);
    v
}

/// #16.1: `matrix --roads g --out g/edges.csv` replaced the road edges with the matrix.
#[test]
fn road_graph_input_files_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    synth(d, "400", "4");
    let edges = std::fs::read(d.join("g/edges.csv")).unwrap();
    let nodes = std::fs::read(d.join("g/nodes.csv")).unwrap();
    for (roads, out) in [
        ("g", "g/edges.csv"),
        ("g/edges.csv", "g/nodes.csv"),
        ("g/nodes.csv", "g/./edges.csv"),
        ("./g", "g/../g/nodes.csv"),
    ] {
        let mut args = vec!["matrix"];
        args.extend(road_args(&["--roads", roads, "--out", out]));
        let o = run_in(d, &args);
        assert_eq!(o.code, 1, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("refusing to overwrite an input file"),
            "{}",
            o.stderr
        );
    }
    assert_eq!(std::fs::read(d.join("g/edges.csv")).unwrap(), edges);
    assert_eq!(std::fs::read(d.join("g/nodes.csv")).unwrap(), nodes);
}

/// #16.2: with stdout closed early, `scenario`, `timeline`, `resilience`, `centrality`,
/// `equity` and `linkage` exited 0 without writing their files.
#[test]
fn a_closed_stdout_never_loses_the_files() {
    for (args, file) in [
        (vec!["scenario", "--out", "o"], "o/scenario.csv"),
        (
            vec!["timeline", "--from", "2020", "--to", "2021", "--out", "o"],
            "o/timeline.csv",
        ),
        (vec!["resilience", "--out", "o"], "o/links_criticality.csv"),
        (vec!["centrality", "--out", "o/c.csv"], "o/c.csv"),
        (vec!["equity", "--out", "o/e.csv"], "o/e.csv"),
        (vec!["linkage", "--out", "o/l.csv"], "o/l.csv"),
        (vec!["access", "--out", "o/a.csv"], "o/a.csv"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut child = bin()
            .current_dir(dir.path())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Close the reading end at once, as `| head -n 0` would.
        drop(child.stdout.take());
        let status = child.wait().unwrap();
        assert!(status.success(), "{args:?}: {status}");
        assert!(dir.path().join(file).is_file(), "{args:?}: no {file}");
    }
}

/// #16.3: `run --out d` with `d/report.md` a directory wrote 13 of 16 files and replaced
/// `d/units.geojson` before failing.
#[test]
fn run_writes_all_its_files_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("d");
    std::fs::create_dir_all(d.join("report.md")).unwrap();
    std::fs::write(d.join("units.geojson"), "old").unwrap();
    let o = run_in(dir.path(), &["run", "--quiet", "--out", "d"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("report.md: is a directory"),
        "{}",
        o.stderr
    );
    assert_eq!(
        std::fs::read_to_string(d.join("units.geojson")).unwrap(),
        "old"
    );
    let names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

/// #16.3: an interrupted `matrix --out od.csv` left `.od.csv.tmp-PID` behind for good.
#[cfg(unix)]
#[test]
fn an_interrupted_matrix_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    synth(d, "200000", "600");
    let mut args = vec!["matrix"];
    args.extend(road_args(&[
        "--roads", "g", "--engine", "dijkstra", "--out", "od.csv",
    ]));
    let mut child = bin()
        .current_dir(d)
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tmp = d.join(format!(".od.csv.tmp-{}", child.id()));
    let start = std::time::Instant::now();
    while !tmp.exists() && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(tmp.exists(), "the matrix never started writing");
    std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(!tmp.exists(), "the temporary file is left behind");
    assert!(!d.join("od.csv").exists());
}

/// #16.12: I/O errors repeated themselves ("…: Not a directory (os error 20): Not a directory
/// (os error 20)").
#[test]
fn io_errors_are_said_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("f"), "x").unwrap();
    let o = run_in(dir.path(), &["access", "--out", "f/a.csv"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(o.stderr.matches("os error").count(), 1, "{}", o.stderr);
}

/// #16.9: `--threads 100000` ran for minutes; 10⁵ bands ran over a minute and used 1 GB.
#[test]
fn unreasonable_threads_and_bands_are_refused_at_once() {
    let o = common::run(&["--threads", "100000", "info"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("--threads 100000: expected 1 to 1024"),
        "{}",
        o.stderr
    );
    let o = common::run(&["--threads", "0", "info"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let bands: Vec<String> = (1..=10_000).map(|b| b.to_string()).collect();
    let bands = bands.join(",");
    let start = std::time::Instant::now();
    let o = common::run(&["access", "--bands", &bands]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("--bands: 10000 bands, expected at most 50"),
        "{}",
        o.stderr
    );
    assert!(start.elapsed().as_secs() < 20);
}

/// #16.11: cores named in Chinese failed late with `columns "t__min" and "t__min"`.
#[test]
fn cores_named_in_chinese_get_columns_by_position() {
    let dir = tempfile::tempdir().unwrap();
    let study = std::fs::read_to_string(common::data("study.toml"))
        .unwrap()
        .replace("name = \"Chengdu\"", "name = \"成都\"")
        .replace("name = \"Chongqing\"", "name = \"重庆\"");
    std::fs::write(dir.path().join("s.toml"), study).unwrap();
    let o = ok_in(
        dir.path(),
        &["access", "--study", "s.toml", "--out", "a.csv"],
    );
    assert!(o.stdout.contains("Accessibility"));
    let (h, rows) = common::csv_rows(&dir.path().join("a.csv"));
    assert!(h.contains(&"t_core1_min".to_string()) && h.contains(&"t_core2_min".to_string()));
    let c1 = h.iter().position(|c| c == "t_core1_min").unwrap();
    let chengdu = rows.iter().find(|r| r[0] == "510100").unwrap();
    assert_eq!(chengdu[c1], "0.0");
    // Two decays with one column are refused before any search.
    let o = run_in(dir.path(), &["access", "--decay", "power:1,power:1.0"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("--decay: power:1 and power:1 both give the column potential_pow1"),
        "{}",
        o.stderr
    );
}

/// #16.5: `scenario --add` of a line with `status=planned` was a silent no-op titled "the
/// open links today against the open links today"; `info --add` and `route --add` ignored it.
#[test]
fn scenario_add_of_a_planned_line_changes_the_network_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("fast.csv"),
        "link_id,from_code,to_code,mode,status,planned_opening_year,time_min\nFAST-1,510700,511300,hsr,planned,2040,20\n",
    )
    .unwrap();
    let o = ok_in(d, &["scenario", "--add", "fast.csv", "--out", "o"]);
    assert!(
        o.stdout
            .contains("## Scenario: the open links today, plus the links of fast.csv against the open links today"),
        "{}",
        o.stdout
    );
    let (h, rows) = common::csv_rows(&d.join("o/scenario.csv"));
    let dw = h.iter().position(|c| c == "d_watt_pct").unwrap();
    let mianyang = rows.iter().find(|r| r[0] == "510700").unwrap();
    assert!(mianyang[dw].parse::<f64>().unwrap() < -1.0, "{mianyang:?}");
    let o = ok_in(d, &["info", "--add", "fast.csv"]);
    assert!(o.stdout.contains("links in service: 165"), "{}", o.stdout);
    // Mianyang → Nanchong: 25 min access + 20 min ride + 15 min egress.
    let o = ok_in(d, &["route", "Mianyang", "Nanchong", "--add", "fast.csv"]);
    assert!(o.stdout.contains(": 60.0 min"), "{}", o.stdout);
    assert!(o.stdout.contains("FAST-1"), "{}", o.stdout);
}

/// #16.16: `route 重庆 成都` failed; a miss now suggests the closest names.
#[test]
fn cores_answer_to_their_common_names_and_misses_suggest_names() {
    let o = common::run(&["route", "重庆", "成都"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .starts_with("core Chongqing (9 units) → core Chengdu (1 unit):"),
        "{}",
        o.stdout
    );
    let o = common::run(&["route", "Mianyng", "Wanzhou"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("did you mean \"Mianyang\"?"),
        "{}",
        o.stderr
    );
}

/// #16.16: `--network` help showed rustdoc markup.
#[test]
fn help_shows_no_rustdoc_markup() {
    for cmd in ["matrix", "access", "run", "route"] {
        let o = common::run(&[cmd, "--help"]);
        assert_eq!(o.code, 0);
        assert!(!o.stdout.contains("[`"), "{cmd}: {}", o.stdout);
    }
}

/// #16.12 and #16.16 on a region of one's own: an unknown core code names the study's key;
/// custom role names are the study's own; link times without a source are user-supplied;
/// no GDP year is claimed without data; one unit is "1 unit"; English lists use names.
#[test]
fn a_region_of_ones_own_reads_right() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let v = common::repo("examples/data/valley");
    for f in ["units.geojson", "links.csv"] {
        std::fs::copy(v.join(f), d.join(f)).unwrap();
    }
    let study = std::fs::read_to_string(v.join("study.toml")).unwrap();
    let write = |s: &str| std::fs::write(d.join("s.toml"), s).unwrap();
    let inp = [
        "--units",
        "units.geojson",
        "--links",
        "links.csv",
        "--study",
        "s.toml",
    ];
    let with = |head: &[&str]| -> Vec<String> {
        head.iter()
            .chain(inp.iter())
            .map(|s| s.to_string())
            .collect()
    };
    let run = |args: Vec<String>| {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        run_in(d, &a)
    };
    write(&study.replace("codes = [\"V6\"]", "codes = [\"V9\"]"));
    let o = run(with(&["info"]));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("s.toml: cores[1].codes: code \"V9\" matches no unit"),
        "{}",
        o.stderr
    );
    write(
        &format!("{study}\n[roles]\nhub = [\"V3\"]\nvillage = [\"V2\", \"V4\"]\n").replace(
            "mass = \"pop_gdp\"",
            "mass = \"pop_gdp\"\ncentre_roles = [\"hub\"]",
        ),
    );
    let o = run(with(&["info"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout
            .contains("  core Upper (上镇): 1 unit — V1 Upper Town"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("  hub: 1 unit — V3 Mill Crossing"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("  village: 2 units — V2 Ford, V4 Orchard"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("years differ"), "{}", o.stdout);
    let o = run(with(&["linkage", "--out", "l.csv"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let (h, _) = common::csv_rows(&d.join("l.csv"));
    assert!(h.contains(&"membership_mill_crossing".to_string()), "{h:?}");
    std::fs::write(
        d.join("x.csv"),
        "link_id,from_code,to_code,mode,time_min\nX1,V4,V5,expressway,7\n",
    )
    .unwrap();
    let o = run(with(&["route", "V4", "V5", "--add", "x.csv"]));
    assert!(
        o.stdout.contains("X1  [user-supplied, estimate]"),
        "{}",
        o.stdout
    );
    let o = run(with(&["run", "--quiet", "--out", "o"]));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let md = std::fs::read_to_string(d.join("o/report.md")).unwrap();
    assert!(
        md.contains("GDP is given for every unit; the figures give no year."),
        "{md}"
    );
    assert!(
        !md.contains("years differ") && !md.contains("the years ."),
        "{md}"
    );
    let o = run(with(&["reach"]));
    assert!(
        o.stdout.contains("Upper ≤ 30 min (2): Upper Town, Ford\n"),
        "{}",
        o.stdout
    );
}

/// Found by an independent hostile-input run (#16): an output path that is a symbolic link, a
/// pipe or a device would be replaced by a plain file; a links header naming a column twice
/// silently used the first; a timeline of billions of years and a resilience run of 10⁹
/// samples or more failures than links ran out of memory or time.
#[test]
fn outputs_only_replace_regular_files_and_runaway_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("real.csv"), "keep").unwrap();
    std::os::unix::fs::symlink(d.join("real.csv"), d.join("link.csv")).unwrap();
    let o = common::run_in(d, &["matrix", "--out", "link.csv"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("is a symbolic link"), "{}", o.stderr);
    assert!(
        std::fs::symlink_metadata(d.join("link.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(d.join("real.csv")).unwrap(), "keep");
    let o = common::run_in(d, &["matrix", "--out", "/dev/null"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("not a regular file"), "{}", o.stderr);

    let links =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/links.csv")).unwrap();
    let (head, rest) = links.split_once('\n').unwrap();
    let twice = format!(
        "{},time_min\n{}",
        head.trim_end(),
        rest.replace('\n', ",1\n")
    );
    std::fs::write(d.join("twice.csv"), twice).unwrap();
    let o = common::run_in(d, &["info", "--links", "twice.csv"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("twice.csv: line 1: the header names column \"time_min\" twice"),
        "{}",
        o.stderr
    );

    let o = common::run_in(d, &["timeline", "--from=-2147483648", "--to", "2147483647"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("may give at most 1000 years"),
        "{}",
        o.stderr
    );
    let o = common::run_in(d, &["resilience", "--samples", "1000000000"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("--samples 1000000000 is too many"),
        "{}",
        o.stderr
    );
    let o = common::run_in(d, &["resilience", "--samples", "10", "--k", "100000"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("--k 100000 simultaneous failures: expected 1 to"),
        "{}",
        o.stderr
    );
    let o = common::run_in(d, &["timeline", "--bands", "120,60"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
}
