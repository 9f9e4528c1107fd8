//! Every validation rule of the units loader, through the real binary: exit code 1 and a
//! one-line message naming the file, the feature, the field and the value.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

use std::path::PathBuf;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_with(dir: &tempfile::TempDir, units: &[u8], extra: &[&str]) -> Run {
    let units_path = dir.path().join("u.geojson");
    std::fs::write(&units_path, units).unwrap();
    let study = dir.path().join("s.toml");
    std::fs::write(
        &study,
        "name = \"test\"\nbbox = [100.0, 20.0, 110.0, 35.0]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_regionlink"))
        .current_dir(dir.path())
        .args([
            "info",
            "--units",
            "u.geojson",
            "--study",
            "s.toml",
            "--links",
        ])
        .arg(links_file(dir))
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn links_file(dir: &tempfile::TempDir) -> PathBuf {
    let p = dir.path().join("l.csv");
    std::fs::write(
        &p,
        "link_id,from_code,to_code,mode,time_min\nL1,A,B,road,30\n",
    )
    .unwrap();
    p
}

fn run(units: &str) -> Run {
    let dir = tempfile::tempdir().unwrap();
    run_with(&dir, units.as_bytes(), &[])
}

/// Two square units A and B side by side near (104, 30).
fn square(x: f64, y: f64) -> String {
    format!(
        "[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]",
        x + 1.0,
        x + 1.0,
        y + 1.0,
        y + 1.0
    )
}

fn feature(props: &str, geom: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{{{props}}},"geometry":{geom}}}"#)
}

fn poly(coords: &str) -> String {
    format!(r#"{{"type":"Polygon","coordinates":{coords}}}"#)
}

fn fc(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn good_b() -> String {
    feature(
        r#""code":"B","pop_2020_census":2000"#,
        &poly(&square(105.0, 30.0)),
    )
}

fn with_a(props: &str, geom: &str) -> String {
    fc(&[feature(props, geom), good_b()])
}

fn assert_error(r: &Run, expected: &str) {
    assert_eq!(r.code, 1, "exit code; stderr: {}", r.stderr);
    assert_eq!(
        r.stderr.trim_end(),
        format!("regionlink: error: {expected}")
    );
    assert!(r.stdout.is_empty(), "nothing on stdout: {}", r.stdout);
}

const A: &str = r#""code":"A","pop_2020_census":1000"#;

#[test]
fn valid_input_is_accepted() {
    let r = run(&with_a(A, &poly(&square(104.0, 30.0))));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("2 units (polygons)"), "{}", r.stdout);
}

#[test]
fn not_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"{\"type\":\"FeatureCollection\",\n\"features\":[\xff]}".to_vec();
    bytes.push(b'\n');
    let r = run_with(&dir, &bytes, &[]);
    assert_error(
        &r,
        "u.geojson: line 2, column 13: not UTF-8: invalid byte 0xff at byte offset 41",
    );
}

#[test]
fn not_json() {
    let r = run("{\"type\": \"FeatureCollection\",\n \"features\": [}\n");
    assert_error(
        &r,
        "u.geojson: line 2, column 15: not valid JSON: expected value",
    );
}

#[test]
fn not_a_feature_collection() {
    let r = run(&feature(A, &poly(&square(104.0, 30.0))));
    assert_error(
        &r,
        "u.geojson: \"type\" is \"Feature\", expected \"FeatureCollection\"",
    );
    let r = run("[1, 2]");
    assert_error(
        &r,
        "u.geojson: expected a GeoJSON FeatureCollection object, found an array",
    );
}

#[test]
fn empty_collection() {
    let r = run(r#"{"type":"FeatureCollection","features":[]}"#);
    assert_error(&r, "u.geojson: the FeatureCollection has no features");
}

#[test]
fn missing_id() {
    let r = run(&with_a(
        r#""pop_2020_census":1000"#,
        &poly(&square(104.0, 30.0)),
    ));
    assert_error(
        &r,
        "u.geojson: feature #0: property \"code\" (the unit id) is missing",
    );
}

#[test]
fn duplicate_id() {
    let r = run(&fc(&[
        feature(
            r#""code":"B","pop_2020_census":1"#,
            &poly(&square(104.0, 30.0)),
        ),
        good_b(),
    ]));
    assert_error(
        &r,
        "u.geojson: feature #1 (code B): property \"code\" is \"B\", which feature #0 already uses (ids must be unique)",
    );
}

#[test]
fn population_is_a_string() {
    let r = run(&with_a(
        r#""code":"A","pop_2020_census":"abc""#,
        &poly(&square(104.0, 30.0)),
    ));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): property \"pop_2020_census\" is \"abc\", a string, expected a number",
    );
}

#[test]
fn population_is_negative() {
    let r = run(&with_a(
        r#""code":"A","pop_2020_census":-5"#,
        &poly(&square(104.0, 30.0)),
    ));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): property \"pop_2020_census\" is -5, expected a number ≥ 0",
    );
}

#[test]
fn population_is_not_finite() {
    // JSON has no NaN or Infinity; an overflowing literal is the way to write one.
    let r = run(&with_a(
        r#""code":"A","pop_2020_census":1e999"#,
        &poly(&square(104.0, 30.0)),
    ));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("regionlink: error: u.geojson: line 1, column "),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("not valid JSON: number out of range"),
        "{}",
        r.stderr
    );
}

#[test]
fn gdp_is_a_string_or_negative() {
    let r = run(&with_a(
        r#""code":"A","pop_2020_census":1,"gdp_100m_cny":"n/a""#,
        &poly(&square(104.0, 30.0)),
    ));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): property \"gdp_100m_cny\" is \"n/a\", a string, expected a number",
    );
    let r = run(&with_a(
        r#""code":"A","pop_2020_census":1,"gdp_100m_cny":-1.5"#,
        &poly(&square(104.0, 30.0)),
    ));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): property \"gdp_100m_cny\" is -1.5, expected a number ≥ 0",
    );
}

#[test]
fn gdp_null_is_allowed() {
    let r = run(&with_a(
        r#""code":"A","pop_2020_census":1,"gdp_100m_cny":null"#,
        &poly(&square(104.0, 30.0)),
    ));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("GDP missing for 2 units"), "{}", r.stdout);
}

#[test]
fn absurd_unit_numbers_are_rejected() {
    // Finite, so JSON takes them, but sums over a layer would run into infinity.
    let square = poly(&square(104.0, 30.0));
    let r = run(&with_a(r#""code":"A","pop_2020_census":1e300"#, &square));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): property \"pop_2020_census\" is 1e300, expected at most 1e10 persons (the world has 8e9 people; study key fields.population_unit says how it is counted)",
    );
    let dir = tempfile::tempdir().unwrap();
    let text = with_a(r#""code":"A","pop_2020_census":2e6"#, &square);
    let r = run_with(&dir, text.as_bytes(), &["--pop-unit", "10k"]);
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): property \"pop_2020_census\" is 2000000, expected at most 1e6 10⁴ people (the world has 8e9 people; study key fields.population_unit says how it is counted)",
    );
    let r = run(&with_a(
        r#""code":"A","pop_2020_census":1,"gdp_100m_cny":3.5e20"#,
        &square,
    ));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): property \"gdp_100m_cny\" is 3.5e20, expected at most 1e9 (10⁸ yuan; the world's GDP is about 7e6)",
    );
    let r = run(&with_a(
        r#""code":"A","pop_2020_census":1,"area_km2":1e300"#,
        &square,
    ));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): property \"area_km2\" is 1e300, expected km² ≤ 5.1e8 (the Earth's surface)",
    );
    let r = run(&with_a(A, r#"{"type":"Point","coordinates":[1e300,30.0]}"#));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): position [1e300, 30] has longitude 1e300, outside [-180, 180]",
    );
}

#[test]
fn implausible_population_unit_warns() {
    let layer = |a: &str, b: &str| {
        fc(&[
            feature(
                &format!(r#""code":"A","pop_2020_census":{a}"#),
                &poly(&square(104.0, 30.0)),
            ),
            feature(
                &format!(r#""code":"B","pop_2020_census":{b}"#),
                &poly(&square(105.0, 30.0)),
            ),
        ])
    };
    let warning = |r: &Run| {
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stderr
            .lines()
            .filter_map(|l| l.strip_prefix("regionlink: warning: "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    // 10⁴ people read as persons: 0.80 × 10⁴ people in all, or 0.52 per km².
    let r = run(&layer("3500", "4500"));
    assert_eq!(
        warning(&r),
        [
            "u.geojson: the units hold 0.80 × 10⁴ people in all, implausibly few: if property \"pop_2020_census\" is already in 10⁴ people, set study key fields.population_unit = \"10k\""
        ]
    );
    assert!(
        r.stdout
            .contains("warnings:\n  u.geojson: the units hold 0.80"),
        "{}",
        r.stdout
    );
    let r = run(&layer("5000", "6000"));
    assert_eq!(
        warning(&r),
        [
            "u.geojson: the units hold 1.10 × 10⁴ people on 21285 km² (0.52 per km²), implausibly few: if property \"pop_2020_census\" is already in 10⁴ people, set study key fields.population_unit = \"10k\""
        ]
    );
    // Persons read as 10⁴ people.
    let dir = tempfile::tempdir().unwrap();
    let r = run_with(
        &dir,
        layer("150000", "150000").as_bytes(),
        &["--pop-unit", "10k"],
    );
    assert_eq!(
        warning(&r),
        [
            "u.geojson: the units hold 300000.00 × 10⁴ people on 21285 km² (140945 per km²), implausibly many: if property \"pop_2020_census\" is in persons, set study key fields.population_unit = \"persons\""
        ]
    );
    // Plausible: no warning.
    assert!(warning(&run(&layer("3500000", "4500000"))).is_empty());
    let r = run_with(&dir, layer("350", "450").as_bytes(), &["--pop-unit", "10k"]);
    assert!(warning(&r).is_empty());
}

#[test]
fn coordinates_out_of_range() {
    let r = run(&with_a(A, r#"{"type":"Point","coordinates":[200.0,30.0]}"#));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): position [200, 30] has longitude 200, outside [-180, 180]",
    );
    let r = run(&with_a(A, r#"{"type":"Point","coordinates":[104.0,95.0]}"#));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): position [104, 95] has latitude 95, outside [-90, 90]",
    );
}

#[test]
fn lat_lon_swapped() {
    let r = run(&with_a(A, r#"{"type":"Point","coordinates":[30.5,104.5]}"#));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): position [30.5, 104.5] looks like lat/lon swapped: it lies outside the study area [100, 20, 110, 35] but inside it as [104.5, 30.5]; GeoJSON order is [lon, lat]",
    );
}

#[test]
fn crs_not_wgs84() {
    let text = with_a(A, &poly(&square(104.0, 30.0))).replacen(
        "{\"type\":\"FeatureCollection\",",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"#,
        1,
    );
    let r = run(&text);
    assert_error(
        &r,
        "u.geojson: \"crs\" is \"urn:ogc:def:crs:EPSG::3857\", expected WGS84 longitude/latitude (RFC 7946 has no crs member; reproject to EPSG:4326, for example with ogr2ogr -t_srs EPSG:4326)",
    );
    let ok = with_a(A, &poly(&square(104.0, 30.0))).replacen(
        "{\"type\":\"FeatureCollection\",",
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"#,
        1,
    );
    assert_eq!(run(&ok).code, 0);
}

#[test]
fn null_or_empty_geometry() {
    let r = run(&with_a(A, "null"));
    assert_error(&r, "u.geojson: feature #0 (code A): geometry is null");
    let r = run(&with_a(A, r#"{"type":"Polygon","coordinates":[]}"#));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): geometry is an empty Polygon",
    );
}

#[test]
fn unclosed_ring() {
    let r = run(&with_a(A, &poly("[[[104,30],[105,30],[105,31],[104,31]]]")));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): geometry polygon exterior ring is not closed: first position [104, 30], last [104, 31]",
    );
}

#[test]
fn mixed_point_and_polygon_layer_is_rejected() {
    // 3 polygons, then a point: the run would drop every polygon output without a word.
    let point = r#"{"type":"Point","coordinates":[107.5,30.5]}"#;
    let r = run(&fc(&[
        feature(A, &poly(&square(104.0, 30.0))),
        good_b(),
        feature(
            r#""code":"C","pop_2020_census":1"#,
            &poly(&square(106.0, 30.0)),
        ),
        feature(r#""code":"D","pop_2020_census":1"#, point),
    ]));
    assert_error(
        &r,
        "u.geojson: feature #3 (code D): geometry is a Point, but the 3 features before it, from feature #0 (code A), are polygons; a units layer holds either polygons (Polygon, MultiPolygon) or points, not both",
    );
    let multi = format!(
        r#"{{"type":"MultiPolygon","coordinates":[{}]}}"#,
        square(105.0, 30.0)
    );
    let r = run(&fc(&[
        feature(A, point),
        feature(r#""code":"B","pop_2020_census":1"#, &multi),
    ]));
    assert_error(
        &r,
        "u.geojson: feature #1 (code B): geometry is a MultiPolygon, but the feature before it, feature #0 (code A), is a point; a units layer holds either polygons (Polygon, MultiPolygon) or points, not both",
    );
}

#[test]
fn zero_area_ring_is_rejected_at_load() {
    // Collinear positions along a parallel, along a diagonal (not exact in binary), a ring
    // of one repeated position, and a symmetric bow-tie whose two loops cancel.
    for ring in [
        "[[104,30],[105,30],[104.5,30],[104,30]]",
        "[[104.1,30.1],[104.2,30.2],[104.7,30.7],[104.1,30.1]]",
        "[[104,30],[104,30],[104,30],[104,30]]",
        "[[104,30],[105,31],[105,30],[104,31],[104,30]]",
    ] {
        let r = run(&with_a(A, &poly(&format!("[{ring}]"))));
        assert_error(
            &r,
            "u.geojson: feature #0 (code A): geometry polygon exterior ring has no area: its positions lie on one line, or its loops cancel out (a self-intersecting ring)",
        );
    }
    let hole = "[[104.2,30.2],[104.4,30.2],[104.3,30.2],[104.2,30.2]]";
    let multi = format!(
        r#"{{"type":"MultiPolygon","coordinates":[{},[[[104,32],[105,32],[105,33],[104,33],[104,32]],{hole}]]}}"#,
        square(104.0, 30.0)
    );
    let r = run(&with_a(A, &multi));
    assert_error(
        &r,
        "u.geojson: feature #0 (code A): geometry polygon #1 ring #1 has no area: its positions lie on one line, or its loops cancel out (a self-intersecting ring)",
    );
}

#[test]
fn self_intersecting_polygon_warns_or_fails_under_strict() {
    // A bow-tie with loops of different sizes (a symmetric one has no area: rejected).
    let bowtie = poly("[[[104,30],[105,31],[105,30],[104,31.5],[104,30]]]");
    let r = run(&with_a(A, &bowtie));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: u.geojson: feature #0 (code A): geometry is not a valid polygon (self-intersecting?)"),
        "{}",
        r.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    let r = run_with(&dir, with_a(A, &bowtie).as_bytes(), &["--strict"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with("regionlink: error: u.geojson: feature #0 (code A): geometry is not a valid polygon (self-intersecting?)"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_regionlink"))
        .current_dir(dir.path())
        .args(["info", "--units", "nope.geojson"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "regionlink: error: nope.geojson: no such file"
    );
}
