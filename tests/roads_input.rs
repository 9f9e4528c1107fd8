//! Reading road graphs (`--roads`): osm4routing CSV pairs, GeoJSON lines and `.osm.pbf`
//! extracts, with the exact message of every rejected input.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

use std::path::{Path, PathBuf};

use regionlink::Error;
use regionlink::load::RoadParams;
use regionlink::load::roads::{RoadClass, RoadEdge, RoadGraph, RoadNode, load_roads};

/// Haversine distance, metres, on a sphere of radius `r` (written out here so the tests do not
/// reuse the code they check).
fn haversine(r: f64, (lon1, lat1): (f64, f64), (lon2, lat2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().asin()
}

/// geo's `Haversine` radius (GRS80 mean radius), used for GeoJSON lines.
const R_GEO: f64 = 6_371_008.8;
/// osm4routing's radius, used for `.osm.pbf` edges.
const R_OSM4ROUTING: f64 = 6_378_100.0;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[track_caller]
fn assert_min(actual: Option<f64>, expected: Option<f64>) {
    match (actual, expected) {
        (Some(a), Some(e)) if close(a, e) => {}
        (None, None) => {}
        _ => panic!("minutes {actual:?}, expected {expected:?}"),
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/osm")
        .join(name)
}

fn input_message(r: regionlink::Result<RoadGraph>) -> String {
    match r {
        Err(e @ Error::Input(_)) => e.to_string(),
        Err(e) => panic!("expected an input error, got {e:?}"),
        Ok(g) => panic!(
            "expected an input error, got a graph of {} edges",
            g.edges.len()
        ),
    }
}

fn usage_message(r: regionlink::Result<RoadGraph>) -> String {
    match r {
        Err(Error::Usage(m)) => m,
        Err(e) => panic!("expected a usage error, got {e:?}"),
        Ok(g) => panic!(
            "expected a usage error, got a graph of {} edges",
            g.edges.len()
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// osm4routing CSV

/// nodes.csv with shuffled columns and an extra one.
const NODES: &str = "lat,name,lon,id\n\
                     30.0,a,104.0,100\n\
                     30.0,b,104.1,200\n\
                     30.1,c,104.1,300\n";

/// edges.csv with shuffled columns, an extra `osm_id`, names in several cases and the Python
/// osm4routing's numeric codes.
const EDGES: &str = "wkt,car_backward,length,target,osm_id,car_forward,id,source,foot\n\
    \"LINESTRING(104.0 30.0, 104.1 30.0)\",Forbidden,9000,200,11,Motorway,11-0,100,Forbidden\n\
    \"LINESTRING(104.1 30.0,104.1 30.1)\",Residential,3000,300,12,residential,12-0,200,Allowed\n\
    ,Forbidden,1000,100,13,FORBIDDEN,13-0,300,Allowed\n\
    \"linestring (104.0 30.0, 104.1 30.1)\",3,4500,300,14,4,14-0,100,Allowed\n\
    ,-1,6000,100,15,6,15-0,200,Allowed\n\
    ,Residential,500,100,16,0,16-0,300,Allowed\n";

fn write_pair(nodes: &str, edges: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nodes.csv"), nodes).unwrap();
    std::fs::write(dir.path().join("edges.csv"), edges).unwrap();
    dir
}

fn csv_error(nodes: &str, edges: &str) -> (String, String, String) {
    let dir = write_pair(nodes, edges);
    let msg = input_message(load_roads(dir.path(), &RoadParams::default()));
    let n = dir.path().join("nodes.csv").display().to_string();
    let e = dir.path().join("edges.csv").display().to_string();
    (msg, n, e)
}

#[test]
fn csv_pair_times_each_direction_by_class() {
    let dir = write_pair(NODES, EDGES);
    let g = load_roads(dir.path(), &RoadParams::default()).unwrap();
    assert_eq!(
        g.nodes,
        vec![
            RoadNode {
                id: 100,
                lon: 104.0,
                lat: 30.0
            },
            RoadNode {
                id: 200,
                lon: 104.1,
                lat: 30.0
            },
            RoadNode {
                id: 300,
                lon: 104.1,
                lat: 30.1
            },
        ]
    );
    // Edge 13 is Forbidden both ways: skipped.
    assert_eq!(g.skipped_no_car, 1);
    assert_eq!(g.edges.len(), 5);
    // Default speeds: motorway 90, primary 55, secondary 45, residential 25 km/h.
    let expected = [
        // 11: 9 km motorway, one way: 9 / 90 h = 6 min.
        (0, 1, 9000.0, Some(6.0), None, RoadClass::Motorway),
        // 12: 3 km residential both ways: 3 / 25 h = 7.2 min.
        (1, 2, 3000.0, Some(7.2), Some(7.2), RoadClass::Residential),
        // 14: codes 4 (primary) forward, 3 (secondary) backward, 4.5 km:
        // 4.5 / 55 h = 4.909… min, 4.5 / 45 h = 6 min.
        (
            0,
            2,
            4500.0,
            Some(4.5 / 55.0 * 60.0),
            Some(6.0),
            RoadClass::Primary,
        ),
        // 15: code 6 (motorway) forward, -1 (unknown = no cars) backward: 6 / 90 h = 4 min.
        (1, 0, 6000.0, Some(4.0), None, RoadClass::Motorway),
        // 16: code 0 (forbidden) forward, Residential backward: 0.5 / 25 h = 1.2 min; the class
        // is the backward one.
        (2, 0, 500.0, None, Some(1.2), RoadClass::Residential),
    ];
    for (e, (s, t, len, fwd, bwd, class)) in g.edges.iter().zip(expected) {
        assert_eq!(
            (e.source, e.target, e.length_m, e.class),
            (s, t, len, class)
        );
        assert_min(e.forward_min, fwd);
        assert_min(e.backward_min, bwd);
    }
    assert_eq!(
        g.source,
        format!(
            "{} + {}",
            dir.path().join("nodes.csv").display(),
            dir.path().join("edges.csv").display()
        )
    );
}

#[test]
fn csv_pair_found_from_either_file_or_the_directory() {
    let dir = write_pair(NODES, EDGES);
    let p = RoadParams::default();
    let by_dir = load_roads(dir.path(), &p).unwrap();
    for name in ["nodes.csv", "edges.csv"] {
        let g = load_roads(&dir.path().join(name), &p).unwrap();
        assert_eq!(g.nodes, by_dir.nodes);
        assert_eq!(g.edges, by_dir.edges);
        assert_eq!(g.source, by_dir.source);
    }
}

#[test]
fn csv_speeds_come_from_the_params() {
    let dir = write_pair(NODES, EDGES);
    let p = RoadParams {
        motorway_kmh: 120.0,
        ..RoadParams::default()
    };
    let g = load_roads(dir.path(), &p).unwrap();
    // 9 km at 120 km/h = 4.5 min.
    assert_min(g.edges[0].forward_min, Some(4.5));
}

#[test]
fn csv_as_osm4routing_writes_it() {
    // The exact layout of osm4routing 0.8's writer (serde names of the classes, wkt with 7
    // decimals), for the edge of tests/fixtures/osm/minimal.osm.pbf.
    let nodes = "id,lon,lat\n8,1.9275752,-1.891758\n10,2.5881883,-1.9283254\n";
    let edges = "id,osm_id,source,target,length,foot,car_forward,car_backward,bike_forward,bike_backward,train,wkt\n\
                 12-0,12,8,10,73610.4656470754,Allowed,Secondary,Secondary,Allowed,Allowed,Forbidden,\
                 \"LINESTRING(1.9275752 -1.8917580, 2.5881883 -1.9283254)\"\n";
    let dir = write_pair(nodes, edges);
    let g = load_roads(dir.path(), &RoadParams::default()).unwrap();
    assert_eq!(g.nodes.len(), 2);
    assert_eq!(g.edges.len(), 1);
    let e = g.edges[0];
    assert_eq!((e.source, e.target, e.class), (0, 1, RoadClass::Secondary));
    // 73.6104656 km at 45 km/h.
    let m = 73_610.465_647_075_4 / 1000.0 / 45.0 * 60.0;
    assert_min(e.forward_min, Some(m));
    assert_min(e.backward_min, Some(m));
}

#[test]
fn csv_edge_to_an_unknown_node() {
    let (msg, n, e) = csv_error(
        NODES,
        "source,target,length,car_forward,car_backward\n100,200,5,Motorway,Motorway\n42,100,5,Motorway,Motorway\n",
    );
    assert_eq!(
        msg,
        format!("{e}: line 3: field \"source\" is \"42\": no node with that id in {n}")
    );
}

#[test]
fn csv_edge_without_cars_still_needs_known_nodes() {
    let (msg, n, e) = csv_error(
        NODES,
        "source,target,length,car_forward,car_backward\n100,7,5,Forbidden,Forbidden\n",
    );
    assert_eq!(
        msg,
        format!("{e}: line 2: field \"target\" is \"7\": no node with that id in {n}")
    );
}

#[test]
fn csv_unparseable_node_id_in_edges() {
    let (msg, _, e) = csv_error(
        NODES,
        "source,target,length,car_forward,car_backward\n100,2x0,5,Motorway,Motorway\n",
    );
    assert_eq!(
        msg,
        format!("{e}: line 2: field \"target\" is \"2x0\", expected an integer node id")
    );
}

#[test]
fn csv_duplicate_node_id_names_the_first_line() {
    let (msg, n, _) = csv_error(
        "id,lon,lat\n100,104,30\n200,104.1,30\n100,104.2,30\n",
        "source,target,length,car_forward,car_backward\n100,200,5,Motorway,Motorway\n",
    );
    assert_eq!(
        msg,
        format!("{n}: line 4: field \"id\" is \"100\", already used at line 2")
    );
}

#[test]
fn csv_bad_node_fields() {
    let edges = "source,target,length,car_forward,car_backward\n1,1,5,Motorway,Motorway\n";
    for (row, field, value, expected) in [
        ("x1,104,30", "id", "x1", "an integer node id"),
        ("1.5,104,30", "id", "1.5", "an integer node id"),
        ("1,181,30", "lon", "181", "degrees in [-180, 180]"),
        ("1,abc,30", "lon", "abc", "degrees in [-180, 180]"),
        ("1,104,NaN", "lat", "NaN", "degrees in [-90, 90]"),
        ("1,104,-90.5", "lat", "-90.5", "degrees in [-90, 90]"),
        ("1,inf,30", "lon", "inf", "degrees in [-180, 180]"),
        ("1,104,", "lat", "", "degrees in [-90, 90]"),
    ] {
        let (msg, n, _) = csv_error(&format!("id,lon,lat\n{row}\n"), edges);
        assert_eq!(
            msg,
            format!("{n}: line 2: field \"{field}\" is \"{value}\", expected {expected}"),
            "row {row}"
        );
    }
}

#[test]
fn csv_bad_lengths() {
    for value in ["-5", "NaN", "inf", "-inf", "abc", ""] {
        let (msg, _, e) = csv_error(
            NODES,
            &format!(
                "source,target,length,car_forward,car_backward\n100,200,{value},Motorway,Motorway\n"
            ),
        );
        assert_eq!(
            msg,
            format!(
                "{e}: line 2: field \"length\" is \"{value}\", expected metres (a finite number ≥ 0)"
            )
        );
    }
}

#[test]
fn csv_unknown_car_class() {
    for (fwd, bwd, field, value) in [
        ("Fast", "Motorway", "car_forward", "Fast"),
        ("Motorway", "7", "car_backward", "7"),
        ("Motorway", "", "car_backward", ""),
        ("Allowed", "Motorway", "car_forward", "Allowed"),
    ] {
        let (msg, _, e) = csv_error(
            NODES,
            &format!("source,target,length,car_forward,car_backward\n100,200,5,{fwd},{bwd}\n"),
        );
        assert_eq!(
            msg,
            format!(
                "{e}: line 2: field \"{field}\" is \"{value}\", expected a car class (Unknown, \
                 Forbidden, Residential, Tertiary, Secondary, Primary, Trunk, Motorway) or its \
                 code -1 to 6"
            )
        );
    }
}

#[test]
fn csv_bad_wkt() {
    for wkt in [
        "LINESTRING(104 30)",
        "POINT(104 30)",
        "LINESTRING(104 30, 104.1 x)",
        "LINESTRING(104 30, 104.1 30, 5)",
        "LINESTRING(104 30 1, 104.1 30 1)",
        "LINESTRING(104 30, 104.1 30",
        "LINESTRING EMPTY",
        "LINESTRING(104 30, inf 30)",
    ] {
        let (msg, _, e) = csv_error(
            NODES,
            &format!(
                "source,target,length,car_forward,car_backward,wkt\n100,200,5,Motorway,Motorway,\"{wkt}\"\n"
            ),
        );
        assert_eq!(
            msg,
            format!(
                "{e}: line 2: field \"wkt\" is \"{wkt}\", expected LINESTRING(lon lat, lon lat, …) \
                 with at least 2 positions"
            )
        );
    }
}

#[test]
fn csv_wkt_may_be_empty_or_absent() {
    for (head, row) in [
        (
            "source,target,length,car_forward,car_backward,wkt",
            "100,200,5,Motorway,Motorway,",
        ),
        (
            "source,target,length,car_forward,car_backward",
            "100,200,5,Motorway,Motorway",
        ),
        (
            "source,target,length,car_forward,car_backward,wkt",
            "100,200,5,Motorway,Motorway,\"LINESTRING (104 30,104.1 30)\"",
        ),
    ] {
        let dir = write_pair(NODES, &format!("{head}\n{row}\n"));
        let g = load_roads(dir.path(), &RoadParams::default()).unwrap();
        assert_eq!(g.edges.len(), 1, "{row}");
    }
}

#[test]
fn csv_missing_columns() {
    let (msg, _, e) = csv_error(
        NODES,
        "source,target,len,car_forward,car_backward\n100,200,5,Motorway,Motorway\n",
    );
    assert_eq!(msg, format!("{e}: line 1: missing column \"length\""));
    let (msg, n, _) = csv_error(
        "id,lon,latitude\n1,104,30\n",
        "source,target,length,car_forward,car_backward\n1,1,5,Motorway,Motorway\n",
    );
    assert_eq!(msg, format!("{n}: line 1: missing column \"lat\""));
}

#[test]
fn csv_empty_files() {
    let (msg, n, _) = csv_error("", "source,target,length,car_forward,car_backward\n");
    assert_eq!(
        msg,
        format!("{n}: empty file: expected a header line with the columns id, lon, lat")
    );
    let (msg, _, e) = csv_error(NODES, "");
    assert_eq!(
        msg,
        format!(
            "{e}: empty file: expected a header line with the columns source, target, length, \
             car_forward, car_backward"
        )
    );
    let (msg, n, _) = csv_error(
        "id,lon,lat\n",
        "source,target,length,car_forward,car_backward\n",
    );
    assert_eq!(msg, format!("{n}: has a header but no nodes"));
    let (msg, _, e) = csv_error(NODES, "source,target,length,car_forward,car_backward\n");
    assert_eq!(msg, format!("{e}: has a header but no edges"));
}

#[test]
fn csv_short_row() {
    let (msg, _, e) = csv_error(
        NODES,
        "source,target,length,car_forward,car_backward\n100,200,5,Motorway,Motorway\n100,200\n",
    );
    assert_eq!(
        msg,
        format!("{e}: line 3: malformed CSV: the row has 2 fields, the header 5")
    );
}

#[test]
fn crlf_road_csv_reports_the_right_line() {
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let nodes = crlf("id,lon,lat\n100,104.0,30.0\n200,104.1,30.0\n100,104.2,30.0\n");
    let (msg, n, _) = csv_error(&nodes, EDGES);
    assert_eq!(
        msg,
        format!("{n}: line 4: field \"id\" is \"100\", already used at line 2")
    );
    let edges = crlf(
        "source,target,length,car_forward,car_backward\n100,200,5,Motorway,Motorway\n\n\
         100,200,-1,Motorway,Motorway\n",
    );
    let (msg, _, e) = csv_error(&crlf(NODES), &edges);
    assert_eq!(
        msg,
        format!("{e}: line 4: field \"length\" is \"-1\", expected metres (a finite number ≥ 0)")
    );
    let edges = crlf(
        "source,target,length,car_forward,car_backward\n100,200,5,Motorway,Motorway\n100,200\n",
    );
    let (msg, _, e) = csv_error(&crlf(NODES), &edges);
    assert_eq!(
        msg,
        format!("{e}: line 3: malformed CSV: the row has 2 fields, the header 5")
    );
}

#[test]
fn csv_missing_partner_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("edges.csv"), EDGES).unwrap();
    let msg = usage_message(load_roads(
        &dir.path().join("edges.csv"),
        &RoadParams::default(),
    ));
    assert_eq!(
        msg,
        format!("{}: no such file", dir.path().join("nodes.csv").display())
    );
}

#[test]
fn missing_path_and_unknown_format() {
    let dir = tempfile::tempdir().unwrap();
    let p = RoadParams::default();
    for name in ["nope", "edges.csv", "roads.geojson", "x.osm.pbf"] {
        let path = dir.path().join(name);
        assert_eq!(
            usage_message(load_roads(&path, &p)),
            format!("{}: no such file", path.display())
        );
    }
    let txt = dir.path().join("roads.txt");
    std::fs::write(&txt, "x").unwrap();
    assert_eq!(
        usage_message(load_roads(&txt, &p)),
        format!(
            "{}: not a road graph: expected a directory holding nodes.csv and edges.csv, one of \
             those two files, a .geojson/.json file of LineStrings or an .osm.pbf extract",
            txt.display()
        )
    );
}

// ---------------------------------------------------------------------------------------------
// GeoJSON

fn write_geojson(features: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roads.geojson");
    std::fs::write(
        &path,
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{features}]}}"),
    )
    .unwrap();
    (dir, path)
}

fn line(coords: &str, props: &str) -> String {
    format!(
        "{{\"type\":\"Feature\",\"properties\":{{{props}}},\
         \"geometry\":{{\"type\":\"LineString\",\"coordinates\":{coords}}}}}"
    )
}

#[test]
fn geojson_lines_sharing_an_endpoint_make_three_nodes() {
    let (_dir, path) = write_geojson(&format!(
        "{},{}",
        line("[[104.0,30.0],[104.05,30.02],[104.1,30.0]]", ""),
        line("[[104.1,30.0],[104.1,30.1]]", "")
    ));
    let g = load_roads(&path, &RoadParams::default()).unwrap();
    let lonlat: Vec<_> = g.nodes.iter().map(|n| (n.id, n.lon, n.lat)).collect();
    // The interior vertex (104.05, 30.02) is geometry only.
    assert_eq!(
        lonlat,
        vec![(0, 104.0, 30.0), (1, 104.1, 30.0), (2, 104.1, 30.1)]
    );
    assert_eq!(g.edges.len(), 2);
    assert_eq!((g.edges[0].source, g.edges[0].target), (0, 1));
    assert_eq!((g.edges[1].source, g.edges[1].target), (1, 2));
    // Length along all vertices, at default_kmh (40) both ways.
    let len0 = haversine(R_GEO, (104.0, 30.0), (104.05, 30.02))
        + haversine(R_GEO, (104.05, 30.02), (104.1, 30.0));
    assert!(close(g.edges[0].length_m, len0), "{}", g.edges[0].length_m);
    assert_min(g.edges[0].forward_min, Some(len0 / 1000.0 / 40.0 * 60.0));
    assert_min(g.edges[0].backward_min, Some(len0 / 1000.0 / 40.0 * 60.0));
    assert_eq!(g.edges[0].class, RoadClass::Other);
    assert_eq!(g.skipped_no_car, 0);
    assert_eq!(g.source, path.display().to_string());
}

#[test]
fn geojson_timing_and_direction_properties() {
    let (_dir, path) = write_geojson(
        &[
            line(
                "[[0,0],[0.5,0.5],[1,0]]",
                "\"highway\":\"primary_link\",\"oneway\":\"yes\"",
            ),
            line("[[1,0],[1,1]]", "\"minutes\":12.5,\"oneway\":-1"),
            line("[[1,1],[0,0]]", "\"speed_kmh\":60,\"highway\":\"motorway\""),
            // -0.0 is the same position as 0.
            line(
                "[[-0.0,0],[0,2]]",
                "\"highway\":\"footway\",\"oneway\":false",
            ),
            line(
                "[[0,2],[1,1]]",
                "\"highway\":\"Living_Street\",\"oneway\":\"no\"",
            ),
            line(
                "[[0,2],[1,0]]",
                "\"highway\":\"trunk\",\"oneway\":true,\"minutes\":null",
            ),
            "{\"type\":\"Feature\",\"properties\":{\"minutes\":\"9\",\"oneway\":0},\
             \"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":\
             [[[0,0],[0,1]],[[0,1],[1,1]]]}}"
                .to_string(),
        ]
        .join(","),
    );
    let p = RoadParams::default();
    let g = load_roads(&path, &p).unwrap();
    let nodes: Vec<_> = g.nodes.iter().map(|n| (n.lon, n.lat)).collect();
    assert_eq!(
        nodes,
        vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 2.0), (0.0, 1.0)]
    );
    let d = |a, b| haversine(R_GEO, a, b);
    let l0 = d((0.0, 0.0), (0.5, 0.5)) + d((0.5, 0.5), (1.0, 0.0));
    let l1 = d((1.0, 0.0), (1.0, 1.0));
    let l2 = d((1.0, 1.0), (0.0, 0.0));
    let l3 = d((0.0, 0.0), (0.0, 2.0));
    let l4 = d((0.0, 2.0), (1.0, 1.0));
    let l5 = d((0.0, 2.0), (1.0, 0.0));
    let (la, lb) = (d((0.0, 0.0), (0.0, 1.0)), d((0.0, 1.0), (1.0, 1.0)));
    let h = |len: f64, kmh: f64| len / 1000.0 / kmh * 60.0;
    type Expected = (u32, u32, f64, Option<f64>, Option<f64>, RoadClass);
    let expected: [Expected; 8] = [
        // primary_link, one way: primary speed 55 km/h.
        (0, 1, l0, Some(h(l0, 55.0)), None, RoadClass::Primary),
        // minutes given, oneway -1: backward only.
        (1, 2, l1, None, Some(12.5), RoadClass::Other),
        // speed_kmh wins over highway.
        (
            2,
            0,
            l2,
            Some(h(l2, 60.0)),
            Some(h(l2, 60.0)),
            RoadClass::Other,
        ),
        // footway is no car class: default 40 km/h.
        (
            0,
            3,
            l3,
            Some(h(l3, 40.0)),
            Some(h(l3, 40.0)),
            RoadClass::Other,
        ),
        // living_street (any case) is residential, 25 km/h.
        (
            3,
            2,
            l4,
            Some(h(l4, 25.0)),
            Some(h(l4, 25.0)),
            RoadClass::Residential,
        ),
        // trunk, 70 km/h, one way; null minutes is no minutes.
        (3, 1, l5, Some(h(l5, 70.0)), None, RoadClass::Trunk),
        // MultiLineString: one edge per line, the 9 minutes split by length.
        (
            0,
            4,
            la,
            Some(9.0 * la / (la + lb)),
            Some(9.0 * la / (la + lb)),
            RoadClass::Other,
        ),
        (
            4,
            2,
            lb,
            Some(9.0 * lb / (la + lb)),
            Some(9.0 * lb / (la + lb)),
            RoadClass::Other,
        ),
    ];
    assert_eq!(g.edges.len(), expected.len());
    for (i, (e, (s, t, len, fwd, bwd, class))) in g.edges.iter().zip(expected).enumerate() {
        assert_eq!((e.source, e.target, e.class), (s, t, class), "edge {i}");
        assert!(close(e.length_m, len), "edge {i}: {} vs {len}", e.length_m);
        assert_min(e.forward_min, fwd);
        assert_min(e.backward_min, bwd);
    }
}

fn geojson_error(features: &str) -> String {
    let (_dir, path) = write_geojson(features);
    let msg = input_message(load_roads(&path, &RoadParams::default()));
    msg.strip_prefix(&format!("{}: ", path.display()))
        .unwrap_or_else(|| panic!("message without the file: {msg}"))
        .to_string()
}

#[test]
fn geojson_bad_geometries() {
    for (feature, expected) in [
        (
            "{\"type\":\"Feature\",\"id\":\"a\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}".to_string(),
            "feature #0 (id a): geometry type is \"Point\", expected LineString or MultiLineString",
        ),
        (
            "{\"type\":\"Feature\",\"properties\":{\"id\":7},\"geometry\":null}".to_string(),
            "feature #0 (id 7): geometry is null, expected LineString or MultiLineString",
        ),
        (
            line("[[1,2]]", ""),
            "feature #0: geometry LineString has 1 position, expected at least 2",
        ),
        (
            line("[]", ""),
            "feature #0: geometry LineString has 0 positions, expected at least 2",
        ),
        (
            line("[[1,2],[\"a\",3]]", ""),
            "feature #0: geometry position [\"a\",3] is not a pair of finite numbers [lon, lat]",
        ),
        (
            line("[[1,2],[200,3]]", ""),
            "feature #0: geometry position [200, 3] has longitude 200, outside [-180, 180]",
        ),
        (
            line("[[1,2],[3,-91.5]]", ""),
            "feature #0: geometry position [3, -91.5] has latitude -91.5, outside [-90, 90]",
        ),
        (
            "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0],[1,1]],[[2,2]]]}}".to_string(),
            "feature #0: geometry MultiLineString line #1 has 1 position, expected at least 2",
        ),
    ] {
        assert_eq!(geojson_error(&feature), expected);
    }
}

#[test]
fn geojson_bad_properties() {
    let ok = line("[[0,0],[1,1]]", "");
    for (props, expected) in [
        (
            "\"minutes\":-1",
            "property \"minutes\" is -1, expected a finite number ≥ 0",
        ),
        (
            "\"minutes\":\"soon\"",
            "property \"minutes\" is \"soon\", expected a finite number ≥ 0",
        ),
        (
            "\"speed_kmh\":0",
            "property \"speed_kmh\" is 0, expected a finite number > 0",
        ),
        (
            "\"speed_kmh\":[50]",
            "property \"speed_kmh\" is [50], expected a finite number > 0",
        ),
        (
            "\"oneway\":\"reversible\"",
            "property \"oneway\" is \"reversible\", expected yes, no, -1, true, false, 1 or 0",
        ),
        (
            "\"oneway\":2",
            "property \"oneway\" is 2, expected yes, no, -1, true, false, 1 or 0",
        ),
    ] {
        // The second feature is the bad one: the index is 1.
        let msg = geojson_error(&format!("{ok},{}", line("[[0,0],[1,1]]", props)));
        assert_eq!(msg, format!("feature #1: {expected}"));
    }
}

#[test]
fn absurd_road_times_are_rejected() {
    // Over 24 h: a `minutes` property, a speed outside 1–1000 km/h, a line timed at the
    // study's speed, and a CSV length.
    let ok = line("[[0,0],[1,1]]", "");
    for (feature, expected) in [
        (
            line("[[0,0],[1,1]]", "\"minutes\":5000"),
            "property \"minutes\" is 5000, expected at most 1440 (24 h)",
        ),
        (
            line("[[0,0],[1,1]]", "\"speed_kmh\":5000"),
            "property \"speed_kmh\" is 5000, expected km/h from 1 to 1000",
        ),
        (
            line("[[0,0],[0,10]]", "\"speed_kmh\":1"),
            "the line is 1111950.8 m long: at the 1 km/h of property \"speed_kmh\" that is 66717 minutes, more than the 1440 (24 h) an edge may take",
        ),
        (
            "{\"type\":\"Feature\",\"properties\":{\"highway\":\"motorway\"},\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0],[0,1]],[[0,1],[0,90]]]}}".to_string(),
            "line #1 is 9896362.1 m long: at the 90 km/h of study key roads.motorway_kmh that is 6597.6 minutes, more than the 1440 (24 h) an edge may take",
        ),
    ] {
        let msg = geojson_error(&format!("{ok},{feature}"));
        assert_eq!(msg, format!("feature #1: {expected}"));
    }
    let (msg, _, e) = csv_error(
        NODES,
        "source,target,length,car_forward,car_backward\n100,200,1e300,Motorway,Residential\n",
    );
    assert_eq!(
        msg,
        format!(
            "{e}: line 2: field \"length\" is \"1e300\" (metres): at the 90 km/h of study key roads.motorway_kmh that is 6.66667e296 minutes, more than the 1440 (24 h) an edge may take"
        )
    );
    // The extract's 73.6 km secondary road at 1 km/h.
    let slow = RoadParams {
        secondary_kmh: 1.0,
        ..RoadParams::default()
    };
    let msg = input_message(load_roads(&fixture("minimal.osm.pbf"), &slow));
    assert!(
        msg.ends_with(": edge 12-0 of way 12 is 73610.5 m long: at the 1 km/h of study key roads.secondary_kmh that is 4416.6 minutes, more than the 1440 (24 h) an edge may take"),
        "{msg}"
    );
}

#[test]
fn geojson_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = RoadParams::default();
    for (text, expected) in [
        (
            "{\"type\":\"Feature\"}",
            "expected a GeoJSON FeatureCollection of LineStrings",
        ),
        (
            "{\"type\":\"FeatureCollection\",\"features\":[]}",
            "the FeatureCollection has no features",
        ),
        (
            "{\n  \"type\": ,",
            "line 2, column 11: not valid JSON: expected value",
        ),
    ] {
        let path = dir.path().join("r.json");
        std::fs::write(&path, text).unwrap();
        assert_eq!(
            input_message(load_roads(&path, &p)),
            format!("{}: {expected}", path.display())
        );
    }
}

// ---------------------------------------------------------------------------------------------
// .osm.pbf

#[test]
fn pbf_minimal_extract() {
    let p = RoadParams::default();
    let g = load_roads(&fixture("minimal.osm.pbf"), &p).unwrap();
    // minimal.osm: nodes 8 and 10, one way 8 → 10 tagged highway=secondary.
    assert_eq!(g.nodes.len(), 2);
    let ids: Vec<i64> = g.nodes.iter().map(|n| n.id).collect();
    assert_eq!(ids, vec![8, 10]);
    // PBF stores 1e-7 degrees: the XML's 7 decimals come back to within rounding.
    assert!((g.nodes[0].lon - 1.927_575_2).abs() < 1e-9);
    assert!((g.nodes[0].lat - -1.891_758).abs() < 1e-9);
    assert!((g.nodes[1].lon - 2.588_188_3).abs() < 1e-9);
    assert!((g.nodes[1].lat - -1.928_325_4).abs() < 1e-9);
    assert_eq!(g.edges.len(), 1);
    assert_eq!(g.skipped_no_car, 0);
    let e: RoadEdge = g.edges[0];
    assert_eq!((e.source, e.target, e.class), (0, 1, RoadClass::Secondary));
    // ≈ 73 610.47 m on osm4routing's sphere (R = 6 378 100 m).
    let len = haversine(
        R_OSM4ROUTING,
        (1.927_575_2, -1.891_758),
        (2.588_188_3, -1.928_325_4),
    );
    assert!((e.length_m - len).abs() < 1e-3, "{} vs {len}", e.length_m);
    assert!((len - 73_610.47).abs() < 0.01);
    // Not one-way: both directions at the secondary speed, 45 km/h → ≈ 98.15 min.
    let min = len / 1000.0 / p.secondary_kmh * 60.0;
    assert!((e.forward_min.unwrap() - min).abs() < 1e-6);
    assert!((e.backward_min.unwrap() - min).abs() < 1e-6);
    assert_eq!(g.source, fixture("minimal.osm.pbf").display().to_string());
}

#[test]
fn pbf_reads_the_same_every_time() {
    let p = RoadParams::default();
    let a = load_roads(&fixture("minimal.osm.pbf"), &p).unwrap();
    for _ in 0..5 {
        let b = load_roads(&fixture("minimal.osm.pbf"), &p).unwrap();
        assert_eq!(a.nodes, b.nodes);
        assert_eq!(a.edges, b.edges);
    }
}

fn pbf_error(bytes: &[u8]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.osm.pbf");
    std::fs::write(&path, bytes).unwrap();
    let msg = input_message(load_roads(&path, &RoadParams::default()));
    (msg, path.display().to_string())
}

#[test]
fn pbf_that_is_not_a_pbf() {
    // "not " read as a big-endian u32 is 0x6e6f7420 = 1852797984.
    let (msg, file) = pbf_error(b"not a pbf");
    assert_eq!(
        msg,
        format!(
            "{file}: not a readable OpenStreetMap PBF extract: invalid block header at byte 0: \
             its length would be 1852797984 bytes, more than 64 KiB"
        )
    );
}

#[test]
fn pbf_empty_file() {
    let (msg, file) = pbf_error(b"");
    assert_eq!(
        msg,
        format!("{file}: not a readable OpenStreetMap PBF extract: no OSM data blocks")
    );
}

#[test]
fn pbf_truncated_file_is_an_error_not_a_panic() {
    let bytes = std::fs::read(fixture("minimal.osm.pbf")).unwrap();
    // The file's blocks (4-byte header length, header, data): OSMHeader at byte 0 (13-byte
    // header, 115 bytes of data), OSMData at 132 (11 + 68 bytes), OSMData at 215 (11 + 64 bytes,
    // data from byte 230 to the end at 294).
    assert_eq!(bytes.len(), 294);
    assert_eq!(&bytes[..4], &[0, 0, 0, 13]);
    assert_eq!(&bytes[215..219], &[0, 0, 0, 11]);
    for (cut, detail) in [
        (
            3,
            "the block at byte 0 needs 4 bytes of header length, the file has 3 left",
        ),
        (
            10,
            "the block at byte 0 needs 13 bytes of header, the file has 6 left",
        ),
        (
            20,
            "the block at byte 0 needs 115 bytes of data, the file has 3 left",
        ),
        (
            284,
            "the block at byte 215 needs 64 bytes of data, the file has 54 left",
        ),
    ] {
        let (msg, file) = pbf_error(&bytes[..cut]);
        assert_eq!(
            msg,
            format!("{file}: not a readable OpenStreetMap PBF extract: truncated: {detail}")
        );
    }
}

/// Protobuf encoding, just enough to write a PBF block by hand.
fn pb_varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn pb_bytes(field: u64, data: &[u8], out: &mut Vec<u8>) {
    pb_varint(field << 3 | 2, out);
    pb_varint(data.len() as u64, out);
    out.extend_from_slice(data);
}

fn pb_uint(field: u64, v: u64, out: &mut Vec<u8>) {
    pb_varint(field << 3, out);
    pb_varint(v, out);
}

/// A PBF holding one way (id 1, highway=secondary) over nodes 8 and 99, and no nodes.
fn pbf_with_a_way_and_no_nodes() -> Vec<u8> {
    let mut strings = Vec::new();
    for s in ["", "highway", "secondary"] {
        pb_bytes(1, s.as_bytes(), &mut strings);
    }
    let mut way = Vec::new();
    pb_uint(1, 1, &mut way); // id
    pb_bytes(2, &[1], &mut way); // keys: "highway"
    pb_bytes(3, &[2], &mut way); // vals: "secondary"
    pb_bytes(8, &[16, 182, 1], &mut way); // refs, zigzag deltas: 8, then +91 = 99
    let mut group = Vec::new();
    pb_bytes(3, &way, &mut group);
    let mut block = Vec::new();
    pb_bytes(1, &strings, &mut block);
    pb_bytes(2, &group, &mut block);
    let mut blob = Vec::new();
    pb_bytes(1, &block, &mut blob); // raw
    pb_uint(2, block.len() as u64, &mut blob); // raw_size
    let mut header = Vec::new();
    pb_bytes(1, b"OSMData", &mut header);
    pb_uint(3, blob.len() as u64, &mut header);
    let mut file = (header.len() as u32).to_be_bytes().to_vec();
    file.extend_from_slice(&header);
    file.extend_from_slice(&blob);
    file
}

#[test]
fn pbf_way_over_missing_nodes_is_an_error_not_a_panic() {
    // osm4routing panics with "Missing node, id: 8" on this file.
    let (msg, file) = pbf_error(&pbf_with_a_way_and_no_nodes());
    assert_eq!(
        msg,
        format!("{file}: not a readable OpenStreetMap PBF extract: Missing node, id: 8")
    );
}
