//! The binary on the default data and on custom files: outputs, exit codes, messages.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

mod common;

use std::path::Path;

use common::{bin, data, run, run_in};
use std::process::Stdio;

fn json(args: &[&str]) -> serde_json::Value {
    let o = run(args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    serde_json::from_str(&o.stdout).unwrap()
}

/// Independent reading of a layer: (feature count, population sum) with serde_json.
fn layer_facts(file: &str) -> (usize, f64, Vec<serde_json::Value>) {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data(file)).unwrap()).unwrap();
    let f = v["features"].as_array().unwrap().clone();
    let pop = f
        .iter()
        .map(|f| f["properties"]["pop_2020_census"].as_f64().unwrap())
        .sum::<f64>();
    (f.len(), pop, f)
}

#[test]
fn info_from_an_empty_directory_summarises_the_59_units() {
    let o = run(&["info"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("59 units (polygons)"), "{}", o.stdout);
    let (n, pop, _) = layer_facts("units.geojson");
    assert_eq!(n, 59);
    // The total line shows population in 10⁴ people with 2 decimals.
    let total = o.stdout.lines().find(|l| l.starts_with("total")).unwrap();
    assert!(total.contains(&format!("{:.2}", pop / 1e4)), "{total}");
    assert!(total.contains("51/59"), "{total}");
    assert!(o.stdout.contains("OpenStreetMap contributors, ODbL 1.0"));
}

#[test]
fn info_json_has_the_promised_fields() {
    let v = json(&["info", "--json"]);
    assert_eq!(v["unit_count"], 59);
    assert_eq!(v["link_count"], 172);
    assert_eq!(v["population_10k_total"], 11572.9025);
    let cores = v["cores"].as_array().unwrap();
    assert_eq!(cores[0]["name"], "Chengdu");
    assert_eq!(cores[0]["codes"], serde_json::json!(["510100"]));
    assert_eq!(cores[1]["name"], "Chongqing");
    assert_eq!(
        cores[1]["codes"],
        serde_json::json!([
            "500103", "500104", "500105", "500106", "500107", "500108", "500109", "500112",
            "500113"
        ])
    );
    assert_eq!(v["gdp_unit_count"], 51);
    assert_eq!(v["network"]["components"].as_array().unwrap().len(), 1);
    let roles = &v["roles"];
    assert_eq!(
        roles["metro_area"],
        serde_json::json!(["510600", "511400", "512000"])
    );
    assert_eq!(
        roles["regional_centre"],
        serde_json::json!(["500101", "500114"])
    );
}

#[test]
fn info_on_the_county_layer() {
    let counties = data("counties.geojson");
    let v = json(&["info", "--json", "--units", counties.to_str().unwrap()]);
    let (n, pop, features) = layer_facts("counties.geojson");
    assert_eq!(n, 219);
    assert_eq!(v["unit_count"], 219);
    assert!((v["population_10k_total"].as_f64().unwrap() - pop / 1e4).abs() < 1e-6);
    // Chengdu's core at county level = the counties whose parent is 510100.
    let mut chengdu: Vec<String> = features
        .iter()
        .filter(|f| f["properties"]["prefecture_code"] == "510100")
        .map(|f| f["properties"]["code"].as_str().unwrap().to_string())
        .collect();
    chengdu.sort();
    assert_eq!(chengdu.len(), 20);
    let mut got: Vec<String> = v["cores"][0]["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, chengdu);
    // Prefecture-level links attach by location at county level.
    assert!(
        !v["network"]["link_ends_by_location"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(v["network"]["components"].as_array().unwrap().len(), 1);
}

/// The justified range for Chengdu → Chongqing's central city, seat to seat on the combined
/// network: the fastest timetable run is 62 min station to station (Chengdu East – Shapingba,
/// data/timetable_times.csv); door to door adds 10–30 min to reach and board the train and
/// 10–20 min from the arrival station, so 82–112 min.
#[test]
fn chengdu_chongqing_time_lies_in_the_justified_range() {
    let o = run(&["route", "Chengdu", "Chongqing"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let first = o.stdout.lines().next().unwrap();
    let minutes: f64 = first
        .split(": ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((82.0..=112.0).contains(&minutes), "{first}");
    // And it is exactly the timetable run plus the study's HSR penalties.
    let study: toml::Value =
        toml::from_str(&std::fs::read_to_string(data("study.toml")).unwrap()).unwrap();
    let hsr = &study["network"]["hsr"];
    let penalty = hsr["access_min"].as_integer().unwrap() + hsr["egress_min"].as_integer().unwrap();
    let mut rdr = csv::Reader::from_path(data("links.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let run62: f64 = rdr
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[col("link_id")] == "R01-X01000106")
        .map(|r| r[col("time_min")].parse().unwrap())
        .unwrap();
    assert_eq!(minutes, run62 + penalty as f64);
    assert!(o.stdout.contains("R01-X01000106"));
    assert!(o.stdout.contains("Every ride time is a timetable figure."));
}

#[test]
fn route_names_estimates_and_resolves_chinese_names() {
    let o = run(&["route", "成都", "渝中区"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("Yuzhong District (渝中区, 500103)"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("Estimated ride times"), "{}", o.stdout);
    let o = run(&["route", "Atlantis", "Chengdu"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("\"Atlantis\" matches no unit code, unit name or core name"),
        "{}",
        o.stderr
    );
}

fn matrix_csv(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["matrix", "--out", "od.csv"];
    args.extend_from_slice(extra);
    let o = run_in(dir, &args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    std::fs::read_to_string(dir.join("od.csv")).unwrap()
}

#[test]
fn matrix_long_format_on_units_and_counties() {
    let dir = tempfile::tempdir().unwrap();
    let csv = matrix_csv(dir.path(), &[]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "from_code,to_code,minutes,timetable_min,estimate_min,penalty_min"
    );
    assert_eq!(lines.len(), 1 + 59 * 58);
    // The parts add up to the total on every row.
    for l in &lines[1..] {
        let f: Vec<f64> = l.split(',').skip(2).map(|x| x.parse().unwrap()).collect();
        assert!((f[0] - (f[1] + f[2] + f[3])).abs() < 0.02, "{l}");
    }
    let counties = data("counties.geojson");
    let csv = matrix_csv(dir.path(), &["--units", counties.to_str().unwrap()]);
    assert_eq!(csv.lines().count(), 1 + 219 * 218);
    // No file left behind but the output.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("od.csv")]);
}

#[test]
fn matrix_is_identical_on_1_and_4_threads() {
    let dir = tempfile::tempdir().unwrap();
    let a = matrix_csv(dir.path(), &["--threads", "1"]);
    let b = matrix_csv(dir.path(), &["--threads", "4"]);
    assert_eq!(a, b);
    let a = matrix_csv(
        dir.path(),
        &["--threads", "1", "--network", "composite", "--wide"],
    );
    let b = matrix_csv(
        dir.path(),
        &["--threads", "4", "--network", "composite", "--wide"],
    );
    assert_eq!(a, b);
}

/// A three-unit custom region: A–B by a 30-minute road link, C isolated (no link, no shared
/// border) — so C is unreachable and its cells are empty, never 0.
#[test]
fn custom_files_and_unreachable_units() {
    let dir = tempfile::tempdir().unwrap();
    let units = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"A","pop":10},"geometry":{"type":"Point","coordinates":[104.0,30.0]}},
{"type":"Feature","properties":{"id":"B","pop":20},"geometry":{"type":"Point","coordinates":[105.0,30.0]}},
{"type":"Feature","properties":{"id":"C","pop":30},"geometry":{"type":"Point","coordinates":[107.0,30.0]}}]}"#;
    std::fs::write(dir.path().join("u.geojson"), units).unwrap();
    std::fs::write(
        dir.path().join("l.csv"),
        "link_id,from_code,to_code,mode,time_min,time_source\nL,A,B,road,30,survey\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("s.toml"), "name = \"t\"\n").unwrap();
    let common = [
        "--units",
        "u.geojson",
        "--links",
        "l.csv",
        "--study",
        "s.toml",
        "--id-field",
        "id",
        "--pop-field",
        "pop",
        "--pop-unit",
        "10k",
    ];
    let mut args = vec!["matrix"];
    args.extend_from_slice(&common);
    let o = run_in(dir.path(), &args);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "from_code,to_code,minutes,timetable_min,estimate_min,penalty_min\n\
         A,B,30.00,0.00,30.00,0.00\nA,C,,,,\nB,A,30.00,0.00,30.00,0.00\nB,C,,,,\nC,A,,,,\nC,B,,,,\n"
    );
    let mut args = vec!["info", "--json"];
    args.extend_from_slice(&common);
    let o = run_in(dir.path(), &args);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        v["network"]["components"],
        serde_json::json!([["A", "B"], ["C"]])
    );
    assert_eq!(v["population_10k_total"], 60.0);
}

#[test]
fn bad_links_exit_1_naming_file_line_field_value() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("l.csv"),
        "link_id,from_code,to_code,mode,time_min\nOK,510100,510600,hsr,30\nBAD,510100,999999,hsr,30\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["matrix", "--links", "l.csv"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr.trim_end(),
        "regionlink: error: l.csv: line 3: field \"to_code\" is \"999999\": no unit of <embedded>/data/units.geojson has that code, and the file gives no position for it (add to_lon/to_lat columns)"
    );
    std::fs::write(
        dir.path().join("l.csv"),
        "link_id,from_code,to_code,mode,time_min,to_lon,to_lat\nBAD,510100,999999,hsr,30,120.0,30.0\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["matrix", "--links", "l.csv"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("its position [120.00000, 30.00000] lies in no unit polygon"),
        "{}",
        o.stderr
    );
    assert!(o.stdout.is_empty());
}

#[test]
fn scenario_options() {
    let o = run(&["matrix", "--drop", "NOPE"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr.trim_end(),
        "regionlink: error: --drop: no link has the id \"NOPE\""
    );
    // In 2010 the Chengyu HSR (2015) was not open: Chengdu–Chongqing is slower.
    let t = |args: &[&str]| -> f64 {
        let mut a = vec!["route", "Chengdu", "Chongqing"];
        a.extend_from_slice(args);
        let o = run(&a);
        assert_eq!(o.code, 0, "{}", o.stderr);
        o.stdout
            .lines()
            .next()
            .unwrap()
            .split(": ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let today = t(&[]);
    assert!(t(&["--year", "2010"]) > today);
    assert!(t(&["--drop", "R01-X01000106"]) > today);
    assert!(t(&["--with", "planned"]) <= today);
}

#[test]
fn out_never_overwrites_an_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("l.csv"),
        "link_id,from_code,to_code,mode,time_min\nOK,510100,510600,hsr,30\n",
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &["matrix", "--links", "l.csv", "--out", "l.csv"],
    );
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr.trim_end(),
        "regionlink: error: l.csv: refusing to overwrite an input file; choose another output path"
    );
    assert!(
        std::fs::read_to_string(dir.path().join("l.csv"))
            .unwrap()
            .starts_with("link_id")
    );
}

#[test]
fn help_lists_defaults_and_version_prints() {
    let o = run(&["matrix", "--help"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("[default: combined]"), "{}", o.stdout);
    assert!(o.stdout.contains("embedded data/units.geojson"));
    let o = run(&["--version"]);
    assert_eq!(o.code, 0);
    assert_eq!(
        o.stdout.trim(),
        format!("regionlink {}", env!("CARGO_PKG_VERSION"))
    );
    let o = run(&["matrix", "--network", "bus"]);
    assert_eq!(o.code, 1, "a bad argument is bad input");
}

#[test]
fn broken_pipe_is_not_an_error() {
    let mut child = bin()
        .args([
            "matrix",
            "--units",
            data("counties.geojson").to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut buf).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
