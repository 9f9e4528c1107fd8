//! Defects found by trying the tool as a hostile or careless user would (issue #16): each test
//! is named after the defect it pins down.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Stdio;

use common::{bin, ok, ok_in, run, run_in};

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
    // Since the red team's second round, in words and as the user's mistake (exit 1).
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(
        o.stderr,
        "regionlink: error: f: is a file, where a directory is needed\n"
    );
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

// ---- The second red-team round (#16): inputs that loaded but gave wrong or late answers ----

/// The shipped units layer as JSON, to derive hostile variants from.
fn units_json() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(common::data("units.geojson")).unwrap()).unwrap()
}

fn write_json(dir: &Path, name: &str, v: &serde_json::Value) -> String {
    std::fs::write(dir.join(name), serde_json::to_vec(v).unwrap()).unwrap();
    name.to_string()
}

/// The feature of `code` in a units FeatureCollection.
fn feature<'a>(v: &'a mut serde_json::Value, code: &str) -> &'a mut serde_json::Value {
    v["features"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|f| f["properties"]["code"] == code)
        .unwrap()
}

/// Every unit as a point at its seat (no areas).
fn as_points(v: &mut serde_json::Value) {
    for f in v["features"].as_array_mut().unwrap() {
        let p = &f["properties"];
        let c = serde_json::json!([p["seat_lon"], p["seat_lat"]]);
        f["geometry"] = serde_json::json!({"type": "Point", "coordinates": c});
        f["properties"].as_object_mut().unwrap().remove("area_km2");
    }
}

/// The one line of stderr of a failed run (exit 1), which must start `regionlink: error:`.
fn one_error_line(o: &common::Out) -> &str {
    assert_eq!(o.code, 1, "{}", o.stderr);
    let lines: Vec<&str> = o.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "not one line: {:?}", o.stderr);
    assert!(lines[0].starts_with("regionlink: error: "), "{}", lines[0]);
    lines[0]
}

/// Red team 4: a unit moved onto another's seat gave a 0-minute trip, NaN membership in
/// linkage.csv and, in `run`, an error naming internal unit indices.
#[test]
fn two_units_sharing_a_seat_are_refused_naming_both_features() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = units_json();
    as_points(&mut v);
    let seat = feature(&mut v, "500111")["geometry"]["coordinates"].clone();
    let moved = feature(&mut v, "500112");
    moved["geometry"]["coordinates"] = seat.clone();
    moved["properties"]["seat_lon"] = seat[0].clone();
    moved["properties"]["seat_lat"] = seat[1].clone();
    let f = write_json(dir.path(), "u.geojson", &v);
    for cmd in ["info", "linkage"] {
        let o = run_in(dir.path(), &[cmd, "--units", &f]);
        let line = one_error_line(&o);
        assert!(line.contains("u.geojson: feature #"), "{line}");
        assert!(line.contains("(code 500112)"), "{line}");
        assert!(
            line.contains("seat of feature #") && line.contains("500111"),
            "{line}"
        );
        assert!(
            line.contains(&format!("[{}, {}]", seat[0], seat[1])),
            "{line}"
        );
    }
    assert!(!dir.path().join("linkage.csv").exists());
}

/// Red team 5: a seat at longitude 0 (its unit is in Chongqing) was accepted and gave a
/// 15 341-minute generated road.
#[test]
fn a_seat_far_outside_its_polygon_is_refused_with_its_distance() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = units_json();
    let f = feature(&mut v, "500104");
    let lat = f["properties"]["seat_lat"].as_f64().unwrap();
    f["properties"]["seat_lon"] = 0.0.into();
    // The distance to the nearest vertex bounds the distance to the polygon from above.
    let ring = &f["geometry"]["coordinates"];
    let mut nearest = f64::INFINITY;
    let mut stack = vec![ring];
    while let Some(x) = stack.pop() {
        match x.as_array() {
            Some(a) if a.len() >= 2 && a[0].is_number() => {
                let d = common::haversine_km(
                    (0.0, lat),
                    (a[0].as_f64().unwrap(), a[1].as_f64().unwrap()),
                );
                nearest = nearest.min(d);
            }
            Some(a) => stack.extend(a.iter()),
            None => {}
        }
    }
    let file = write_json(dir.path(), "u.geojson", &v);
    let o = run_in(dir.path(), &["route", "500104", "500107", "--units", &file]);
    let line = one_error_line(&o);
    assert!(
        line.contains("(code 500104): property \"seat_lon/seat_lat\" is [0, "),
        "{line}"
    );
    let km: f64 = line
        .split("], ")
        .nth(1)
        .unwrap()
        .split(" km outside")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        km <= nearest + 0.1 && km > nearest - 20.0,
        "{km} vs nearest vertex {nearest}"
    );
    // The shipped county layer has seats up to 12.6 km outside their polygon: accepted.
    ok(&[
        "info",
        "--units",
        common::data("counties.geojson").to_str().unwrap(),
    ]);
}

/// Red team 5 (points): a point layer has no polygon to hold its seats; a nearest-seat road
/// link over the 24 h a link may take is refused naming both units.
#[test]
fn a_generated_road_link_over_24_hours_is_refused_naming_its_units() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = units_json();
    as_points(&mut v);
    let f = feature(&mut v, "500104");
    f["geometry"]["coordinates"] = serde_json::json!([80.0, 29.0]);
    f["properties"]["seat_lon"] = 80.0.into();
    f["properties"]["seat_lat"] = 29.0.into();
    let file = write_json(dir.path(), "u.geojson", &v);
    let study = std::fs::read_to_string(common::data("study.toml")).unwrap();
    assert!(study.contains("nearest_k = 0"));
    std::fs::write(
        dir.path().join("s.toml"),
        study.replace("nearest_k = 0", "nearest_k = 3"),
    )
    .unwrap();
    let o = run_in(dir.path(), &["info", "--units", &file, "--study", "s.toml"]);
    let line = one_error_line(&o);
    assert!(
        line.contains("u.geojson: the generated road link (nearest) between 500104 and "),
        "{line}"
    );
    // Its time: the seats' great-circle km × circuity 1.3 at 50 km/h, named in the message.
    let km: f64 = line
        .split("(seats ")
        .nth(1)
        .unwrap()
        .split(" km")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let min: f64 = line
        .split("would take ")
        .nth(1)
        .unwrap()
        .split(" min")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (min - km * 1.3 / 50.0 * 60.0).abs() <= 1.0 + km * 1.3 / 50.0 * 60.0 * 1e-3,
        "{line}"
    );
    assert!(min > 1440.0);
}

/// Red team 11: `area_km2 = 0` passed `info`, then `run` failed naming no file or property.
#[test]
fn a_polygon_unit_with_area_zero_is_refused_at_load_naming_the_property() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = units_json();
    feature(&mut v, "500104")["properties"]["area_km2"] = 0.into();
    let file = write_json(dir.path(), "u.geojson", &v);
    let line = one_error_line(&run_in(dir.path(), &["info", "--units", &file])).to_string();
    assert!(
        line.contains("u.geojson: feature #")
            && line.contains("(code 500104): property \"area_km2\" is 0, expected km² > 0"),
        "{line}"
    );
}

/// Red team 6: the first half of data/links.csv, cut inside a quoted field, loaded as 92 links.
#[test]
fn a_links_csv_cut_inside_a_quoted_field_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::data("links.csv")).unwrap();
    // Cut just after the opening quote of a quoted field halfway down the file.
    let half = text.len() / 2;
    let open = half + text[half..].find(",\"").unwrap() + 2;
    let cut = &text[..open + 3];
    // The line of that quote, counted independently (any of \r\n, \n).
    let line = text[..open].matches('\n').count() + 1;
    std::fs::write(dir.path().join("l.csv"), cut).unwrap();
    let o = run_in(dir.path(), &["info", "--links", "l.csv"]);
    let msg = one_error_line(&o);
    assert!(
        msg.contains(&format!(
            "l.csv: line {line}: malformed CSV: the file ends inside the quoted field"
        )),
        "{msg}"
    );
    // The whole file, and a cut at a line end, still load.
    let at_line_end = &text[..text[..half].rfind('\n').unwrap() + 1];
    std::fs::write(dir.path().join("l2.csv"), at_line_end).unwrap();
    ok_in(dir.path(), &["info", "--links", "l2.csv"]);
}

/// Red team 11: a code in two cores failed at the end of `run` ("the cores Chengdu and
/// Chongqing share a unit") without file, key or unit.
#[test]
fn a_unit_in_two_cores_is_refused_naming_both_keys() {
    let dir = tempfile::tempdir().unwrap();
    let study = std::fs::read_to_string(common::data("study.toml")).unwrap();
    let chengdu = "codes = [\"510100\"]";
    assert!(study.contains(chengdu));
    std::fs::write(
        dir.path().join("s.toml"),
        study.replacen(chengdu, "codes = [\"510100\", \"500103\"]", 1),
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &["run", "--quiet", "--study", "s.toml", "--out", "out"],
    );
    let line = one_error_line(&o);
    assert!(line.contains("s.toml: cores[1].codes: unit 500103 (Yuzhong District) is also in core \"Chengdu\" (cores[0].codes)"), "{line}");
    assert!(!dir.path().join("out").exists());
}

/// Red team 11: a third core also listed as a sub-centre gave "unit id 35 is in two centres:
/// \"Mianyang\" and \"Mianyang\"". The first listing (the core) wins, as for the units' roles.
#[test]
fn a_core_also_listed_in_a_centre_role_is_one_centre() {
    let dir = tempfile::tempdir().unwrap();
    let study = std::fs::read_to_string(common::data("study.toml")).unwrap();
    let at = study.find("[[cores]]").unwrap();
    let third = "[[cores]]\nname = \"Mianyang\"\ncodes = [\"510700\"]\n\n";
    let study = format!("{}{third}{}", &study[..at], &study[at..]);
    std::fs::write(dir.path().join("s.toml"), study).unwrap();
    ok_in(
        dir.path(),
        &["linkage", "--study", "s.toml", "--out", "l.csv"],
    );
    let (h, rows) = common::csv_rows(&dir.path().join("l.csv"));
    assert_eq!(
        h.iter()
            .filter(|c| c.starts_with("membership_mianyang"))
            .count(),
        1,
        "{h:?}"
    );
    let col = h.iter().position(|c| c == "membership_mianyang").unwrap();
    let belongs = h.iter().position(|c| c == "belongs_to").unwrap();
    let mianyang = rows.iter().find(|r| r[0] == "510700").unwrap();
    assert_eq!(mianyang[col], "1.000");
    assert_eq!(mianyang[belongs], "Mianyang");
}

/// Red team 11: `equity --measure code` ran and said "0 of 59 units have a value".
#[test]
fn a_text_column_is_no_equity_measure() {
    for m in ["code", "name", "linkage_place_code"] {
        let o = run(&["equity", "--measure", m, "--out", "e.csv"]);
        let line = one_error_line(&o);
        assert!(
            line.contains(&format!(
                "--measure {m}: no such per-unit measure; one of: "
            )),
            "{line}"
        );
        assert!(
            line.contains("watt_min") && !line.contains(" code,"),
            "{line}"
        );
    }
}

/// Red team 12: clap's errors were 3–5 lines without the prefix, and a negative value after a
/// space was read as an unknown flag.
#[test]
fn argument_errors_are_one_line_and_negative_values_are_values() {
    let o = run(&["access", "--band", "60"]);
    let line = one_error_line(&o);
    assert!(
        line.contains(
            "unexpected argument '--band' found; tip: a similar argument exists: '--bands'"
        ),
        "{line}"
    );
    assert!(line.contains("(usage: regionlink access"), "{line}");
    for (flag, want) in [
        ("--epsilon", "--epsilon is -1, expected a number ≥ 0"),
        ("--max-minutes", "--max-minutes"),
    ] {
        let o = run(&["access", flag, "-1", "--out", "a.csv"]);
        let line = one_error_line(&o);
        assert!(
            line.contains(want) && !line.contains("unexpected argument"),
            "{line}"
        );
    }
    // Help and version still print as clap writes them, exit 0.
    let o = run(&["access", "--help"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Usage: regionlink access"));
}

/// Red team 12: a value echoed with a line break split the one-line error.
#[test]
fn a_line_break_in_an_echoed_value_is_escaped() {
    let o = run(&["route", "Chengdu\nX", "Chongqing"]);
    let line = one_error_line(&o);
    assert!(
        line.contains("\"Chengdu\\nX\" matches no unit code"),
        "{line}"
    );
}

/// Red team 13: a directory as an input file, and a file where the output directory must be,
/// gave raw OS errors and exit 2.
#[test]
fn directories_and_files_in_the_wrong_place_are_exit_1_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("f.csv"), "x").unwrap();
    for flag in ["--units", "--links", "--study"] {
        let line = one_error_line(&run_in(d, &["info", flag, "sub"])).to_string();
        assert_eq!(
            line,
            "regionlink: error: sub: is a directory, expected a file"
        );
    }
    let line = one_error_line(&run_in(d, &["run", "--quiet", "--out", "f.csv"])).to_string();
    assert_eq!(
        line,
        "regionlink: error: f.csv: is a file, where a directory is needed"
    );
    let line = one_error_line(&run_in(d, &["matrix", "--out", "f.csv/od.csv"])).to_string();
    assert!(line.contains("f.csv"), "{line}");
    assert_eq!(std::fs::read(d.join("f.csv")).unwrap(), b"x");
}

/// Red team 14: a links GeoJSON took `"time_min": "60"` (the units loader refuses strings for
/// numbers), and link ids differing only in case were two links.
#[test]
fn links_geojson_numbers_are_numbers_and_ids_ignore_case() {
    let dir = tempfile::tempdir().unwrap();
    let line = |time: serde_json::Value, id2: &str| {
        serde_json::json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"link_id": "G1", "from_code": "510100", "to_code": "512000", "mode": "hsr", "time_min": time},
             "geometry": {"type": "LineString", "coordinates": [[104.07, 30.67], [104.63, 30.13]]}},
            {"type": "Feature", "properties": {"link_id": id2, "from_code": "512000", "to_code": "511000", "mode": "hsr", "time_min": 20},
             "geometry": {"type": "LineString", "coordinates": [[104.63, 30.13], [105.06, 29.58]]}}]})
    };
    let f = write_json(dir.path(), "a.geojson", &line("60".into(), "G2"));
    let msg = one_error_line(&run_in(dir.path(), &["info", "--links", &f])).to_string();
    assert!(msg.contains("a.geojson: feature #0 (link_id G1): field \"time_min\" is the string \"60\", expected a JSON number"), "{msg}");
    let f = write_json(dir.path(), "b.geojson", &line(60.into(), "g1"));
    let msg = one_error_line(&run_in(dir.path(), &["info", "--links", &f])).to_string();
    assert!(
        msg.contains("field \"link_id\" is \"g1\", already used at feature #0")
            && msg.contains("as \"G1\""),
        "{msg}"
    );
    let f = write_json(dir.path(), "c.geojson", &line(60.into(), "G2"));
    ok_in(dir.path(), &["info", "--links", &f]);
}

/// Red team 14: `route 510700 510700` printed an empty leg table and "Every ride time is a
/// timetable figure."; `route "510100 "` was not trimmed.
#[test]
fn a_route_within_one_place_says_so_and_names_are_trimmed() {
    let o = ok(&["route", "510700", "510700"]);
    assert!(
        o.stdout.contains("share a unit: no trip, 0 min"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("timetable figure"), "{}", o.stdout);
    let a = ok(&["route", " 510100 ", "Chongqing"]).stdout;
    let b = ok(&["route", "510100", "Chongqing"]).stdout;
    assert_eq!(a, b);
}

/// Red team 13: a JSON syntax error in a links GeoJSON named its position twice.
#[test]
fn a_json_syntax_error_names_its_position_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("l.geojson"),
        "{\"type\": \"FeatureCollection\", \"features\": [NaN]}",
    )
    .unwrap();
    let line = one_error_line(&run_in(dir.path(), &["info", "--links", "l.geojson"])).to_string();
    assert_eq!(
        line,
        "regionlink: error: l.geojson: line 1, column 44: not valid JSON: expected value"
    );
}

/// Red team 9: a band of 1e308 minutes named a column with 309 digits.
#[test]
fn a_band_over_a_week_is_refused() {
    let line = one_error_line(&run(&[
        "access",
        "--bands",
        "60,120,1e308",
        "--out",
        "a.csv",
    ]))
    .to_string();
    assert!(
        line.ends_with("--bands: 1e308 min is over a week (10080 min), the longest band"),
        "{line}"
    );
    ok(&["access", "--bands", "60,10080", "--out", "a.csv"]);
}

/// Red team 14: with every population 0 (a warning), the reach shares were "0.0 % of the
/// population" (0 of 0) instead of undefined.
#[test]
fn shares_of_no_population_are_undefined_not_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = units_json();
    for f in v["features"].as_array_mut().unwrap() {
        f["properties"]["pop_2020_census"] = 0.into();
    }
    let file = write_json(dir.path(), "u.geojson", &v);
    let o = ok_in(dir.path(), &["access", "--units", &file, "--out", "a.csv"]);
    assert!(o.stderr.contains("implausibly few"), "{}", o.stderr);
    let (h, rows) = common::csv_rows(&dir.path().join("a.csv"));
    let pct = h.iter().position(|c| c == "pop_within_60min_pct").unwrap();
    assert!(rows.iter().all(|r| r[pct].is_empty()), "{:?}", rows[0]);
    ok_in(
        dir.path(),
        &["run", "--quiet", "--units", &file, "--out", "r"],
    );
    let md = std::fs::read_to_string(dir.path().join("r/report.md")).unwrap();
    assert!(!md.contains("0.0 % of the population"), "{md}");
}
