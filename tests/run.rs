//! `regionlink run`: every layer obeys the rules QGIS needs, the output is the same on any
//! thread count, and a failed run writes nothing.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns are test code too

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Polygon, Validation, Winding};
use serde_json::Value;

fn ring(v: &Value) -> LineString<f64> {
    LineString(
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| Coord {
                x: p[0].as_f64().unwrap(),
                y: p[1].as_f64().unwrap(),
            })
            .collect(),
    )
}

fn polygon(v: &Value) -> Polygon<f64> {
    let rings = v.as_array().unwrap();
    Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int",
        Value::Number(_) => "float",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks one GeoJSON file against the rules of the `run` issue; returns the feature count.
fn check_layer(path: &Path, bbox: [f64; 4]) -> usize {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let name = path.display().to_string();
    assert!(
        !text.contains("NaN") && !text.contains("Infinity"),
        "{name}: NaN/Infinity"
    );
    assert!(!text.contains("\\u"), "{name}: escaped unicode");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["type"], "FeatureCollection", "{name}");
    assert!(v.get("crs").is_none(), "{name}: crs member");
    let feats = v["features"].as_array().unwrap();
    assert!(!feats.is_empty(), "{name}: empty collection");
    let mut ids = std::collections::BTreeSet::new();
    let mut types: BTreeMap<String, &'static str> = BTreeMap::new();
    let keys0: Vec<&String> = feats[0]["properties"].as_object().unwrap().keys().collect();
    let geom_type = feats[0]["geometry"]["type"].as_str().unwrap().to_string();
    assert!(
        keys0.iter().any(|k| *k == "name") && keys0.iter().any(|k| *k == "name_zh"),
        "{name}: name/name_zh labels"
    );
    assert!(!keys0.iter().any(|k| *k == "fid"), "{name}: fid");
    for f in feats {
        let id = f["id"]
            .as_u64()
            .unwrap_or_else(|| panic!("{name}: integer id"));
        assert!(ids.insert(id), "{name}: duplicate id {id}");
        let props = f["properties"].as_object().unwrap();
        assert_eq!(
            props.keys().collect::<Vec<_>>(),
            keys0,
            "{name}: same keys in every feature"
        );
        for (k, val) in props {
            let t = json_type(val);
            if t == "null" {
                continue;
            }
            // ints and floats are both JSON numbers (QGIS reads a column of both as real)
            let t = if t == "int" { "float" } else { t };
            let prev = types.entry(k.clone()).or_insert(t);
            assert_eq!(*prev, t, "{name}: property {k} changes type");
            if let Value::String(s) = val {
                assert!(
                    s.parse::<f64>().is_err()
                        || k.contains("code")
                        || k == "name"
                        || k.ends_with("_id"),
                    "{name}: numeric string in {k}: {s}"
                );
            }
        }
        let g = &f["geometry"];
        assert_eq!(
            g["type"].as_str().unwrap(),
            geom_type,
            "{name}: one geometry type per file"
        );
        // every coordinate: 2D, ≤ 6 decimals, inside the study's bounding box
        fn walk(v: &Value, out: &mut Vec<(f64, f64, usize)>) {
            match v.as_array() {
                Some(a) if a.first().is_some_and(Value::is_number) => {
                    out.push((a[0].as_f64().unwrap(), a[1].as_f64().unwrap(), a.len()));
                }
                Some(a) => a.iter().for_each(|x| walk(x, out)),
                None => {}
            }
        }
        let mut pts = Vec::new();
        walk(&g["coordinates"], &mut pts);
        for (x, y, dim) in pts {
            assert_eq!(dim, 2, "{name}: 2D");
            assert!(
                bbox[0] <= x && x <= bbox[2] && bbox[1] <= y && y <= bbox[3],
                "{name}: [{x}, {y}] outside the study area"
            );
            assert!(
                ((x * 1e6).round() / 1e6 - x).abs() < 1e-9
                    && ((y * 1e6).round() / 1e6 - y).abs() < 1e-9,
                "{name}: more than 6 decimals"
            );
        }
        let polys: Vec<Polygon<f64>> = match geom_type.as_str() {
            "Polygon" => vec![polygon(&g["coordinates"])],
            "MultiPolygon" => g["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(polygon)
                .collect(),
            _ => vec![],
        };
        for p in &polys {
            assert!(
                p.exterior().is_ccw(),
                "{name}: exterior not counter-clockwise"
            );
            assert!(
                p.interiors().iter().all(|h| h.is_cw()),
                "{name}: hole not clockwise"
            );
        }
        if !polys.is_empty() {
            assert!(
                MultiPolygon(polys).is_valid(),
                "{name}: invalid polygon in feature {id}"
            );
        }
    }
    feats.len()
}

const BBOX: [f64; 4] = [97.0, 25.5, 110.5, 34.5];

#[test]
fn every_layer_of_the_default_run_follows_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = common::run_in(dir.path(), &["run", "--quiet"]).parts();
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "quiet: {err}");
    assert!(out.contains("wrote 27 files to regionlink-out"), "{out}");
    let d = dir.path().join("regionlink-out");
    let counts: BTreeMap<&str, usize> = [
        "units",
        "seats",
        "links",
        "isochrones_chengdu",
        "isochrones_chongqing",
        "corridor",
        "linkage",
    ]
    .into_iter()
    .map(|n| {
        assert!(d.join(format!("{n}.qml")).exists(), "{n}.qml");
        (n, check_layer(&d.join(format!("{n}.geojson")), BBOX))
    })
    .collect();
    assert_eq!(counts["units"], 59);
    assert_eq!(counts["seats"], 59);
    assert_eq!(
        counts["isochrones_chengdu"], 3,
        "3 rings: 0–60, 60–120, 120–180"
    );
    assert_eq!(counts["isochrones_chongqing"], 3, "3 rings");
    assert_eq!(counts["linkage"], 20);
    // the per-unit properties promised by the issue
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("units.geojson")).unwrap()).unwrap();
    let p = v["features"][0]["properties"].as_object().unwrap();
    for k in [
        "code",
        "name",
        "name_zh",
        "province",
        "region",
        "role",
        "pop_2020_10k",
        "t_chengdu_min",
        "t_chongqing_min",
        "watt_min",
        "potential_pow1",
        "reach_chengdu_120",
        "in_corridor",
        "corridor_pos",
        "linkage_total",
        "betweenness",
    ] {
        assert!(p.contains_key(k), "units.geojson lacks {k}");
    }
    // the 120–180 ring of Chengdu has the population of the units first reached in that band,
    // and its "within" figure that of every unit reached within 180 min
    let iso: Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("isochrones_chengdu.geojson")).unwrap(),
    )
    .unwrap();
    let f = iso["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["band_min"].as_f64() == Some(180.0))
        .unwrap();
    assert_eq!(f["properties"]["core"], "Chengdu");
    assert_eq!(f["properties"]["band_from_min"].as_f64(), Some(120.0));
    let pop_where = |pred: &dyn Fn(&Value) -> bool| -> f64 {
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| pred(&u["properties"]))
            .map(|u| u["properties"]["pop_2020_10k"].as_f64().unwrap())
            .sum()
    };
    let within = pop_where(&|p| p["reach_chengdu_180"] == 1);
    let ring = pop_where(&|p| p["reach_chengdu_180"] == 1 && p["reach_chengdu_120"] == 0);
    assert!((f["properties"]["pop_within_10k"].as_f64().unwrap() - within).abs() < 0.05);
    assert!((f["properties"]["pop_ring_10k"].as_f64().unwrap() - ring).abs() < 0.05);
    // the report and its machine-readable twin agree on the core-to-core time
    let md = std::fs::read_to_string(d.join("report.md")).unwrap();
    let js: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    let t = js["headline"]["t_core_to_core_min"].as_f64().unwrap();
    assert!(md.contains(&format!("**{t:.1} min**")), "{md}");
    for section in [
        "## Headline figures",
        "## By region",
        "## Lagging units",
        "## The corridor profile",
        "## Strongest linkages",
        "## Data caveats",
    ] {
        assert!(md.contains(section), "report.md lacks {section}");
    }
    assert!(md.contains("GDP is missing for 8 units"));
}

#[test]
fn one_and_two_threads_write_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    for t in ["1", "2"] {
        let (code, _, err) = common::run_in(
            dir.path(),
            &[
                "--threads",
                t,
                "run",
                "--quiet",
                "--out",
                &format!("out{t}"),
            ],
        )
        .parts();
        assert_eq!(code, 0, "{err}");
    }
    let names: Vec<_> = std::fs::read_dir(dir.path().join("out1"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    // 7 layers + 7 styles, 2 tables, report.md/.html/.json, 6 maps, the project, the GeoPackage
    assert_eq!(names.len(), 27);
    for n in names {
        let a = std::fs::read(dir.path().join("out1").join(&n)).unwrap();
        let b = std::fs::read(dir.path().join("out2").join(&n)).unwrap();
        assert!(a == b, "{n:?} differs between 1 and 2 threads");
    }
}

#[test]
fn county_layer_run_follows_the_rules() {
    let dir = tempfile::tempdir().unwrap();
    let counties = concat!(env!("CARGO_MANIFEST_DIR"), "/data/counties.geojson");
    let (code, _, err) =
        common::run_in(dir.path(), &["run", "--units", counties, "--out", "c"]).parts();
    assert_eq!(code, 0, "{err}");
    for n in [
        "units",
        "isochrones_chengdu",
        "isochrones_chongqing",
        "links",
    ] {
        check_layer(&dir.path().join("c").join(format!("{n}.geojson")), BBOX);
    }
}

#[test]
fn a_failed_run_writes_nothing_and_leaves_other_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    // a decay that fails after loading: nothing may be written
    let (code, _, err) =
        common::run_in(dir.path(), &["run", "--out", "o", "--mass", "gdp"]).parts();
    assert_eq!(code, 1);
    assert!(err.contains("needs GDP"), "{err}");
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("notes.txt")]);
    // a successful run keeps the foreign file
    let (code, _, _) = common::run_in(dir.path(), &["run", "--out", "o", "--quiet"]).parts();
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    // an --out that would overwrite an input is refused
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/data/links.csv"),
        out.join("od_matrix.csv"),
    )
    .unwrap();
    let (code, _, err) = common::run_in(
        dir.path(),
        &["run", "--out", "o", "--links", "o/od_matrix.csv"],
    )
    .parts();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("refusing to overwrite an input file"), "{err}");
}

#[test]
fn a_point_layer_skips_polygon_layers_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let units = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"A","name_en":"Aville","name_zh":"甲","pop_2020_census":100000},"geometry":{"type":"Point","coordinates":[104.0,30.0]}},
{"type":"Feature","properties":{"code":"B","name_en":"Btown","name_zh":"乙","pop_2020_census":200000},"geometry":{"type":"Point","coordinates":[105.0,30.0]}},
{"type":"Feature","properties":{"code":"C","name_en":"Cburg","name_zh":"丙","pop_2020_census":300000},"geometry":{"type":"Point","coordinates":[106.0,30.5]}}]}"#;
    std::fs::write(dir.path().join("u.geojson"), units).unwrap();
    std::fs::write(dir.path().join("l.csv"), "link_id,from_code,to_code,mode,time_min,time_source\nL1,A,B,road,60,survey\nL2,B,C,hsr,40,timetable\n").unwrap();
    std::fs::write(dir.path().join("s.toml"), "name = \"points\"\n[[cores]]\nname = \"west\"\ncodes = [\"A\"]\n[[cores]]\nname = \"east\"\ncodes = [\"C\"]\n").unwrap();
    let (code, out, err) = common::run_in(
        dir.path(),
        &[
            "run",
            "--units",
            "u.geojson",
            "--links",
            "l.csv",
            "--study",
            "s.toml",
            "--self-potential",
            "off",
            "--out",
            "p",
        ],
    )
    .parts();
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("not written: units.geojson: the units layer has no polygons"),
        "{out}"
    );
    assert!(
        out.contains("not written: isochrones_<core>.geojson"),
        "{out}"
    );
    let p = dir.path().join("p");
    assert!(!p.join("isochrones_west.geojson").exists());
    assert_eq!(
        check_layer(&p.join("seats.geojson"), [103.0, 29.0, 107.0, 31.0]),
        3
    );
    let md = std::fs::read_to_string(p.join("report.md")).unwrap();
    assert!(
        md.contains("Not written: isochrones_<core>.geojson"),
        "{md}"
    );
    // west → east: 60 by road, then 40 on HSR + 25 access + 15 egress = 140
    let js: Value =
        serde_json::from_str(&std::fs::read_to_string(p.join("report.json")).unwrap()).unwrap();
    assert_eq!(js["headline"]["t_core_to_core_min"], 140.0);
}

/// A GeoJSON Polygon or MultiPolygon geometry.
fn multipolygon(g: &Value) -> MultiPolygon<f64> {
    match g["type"].as_str().unwrap() {
        "Polygon" => MultiPolygon(vec![polygon(&g["coordinates"])]),
        "MultiPolygon" => MultiPolygon(
            g["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(polygon)
                .collect(),
        ),
        t => panic!("not a polygon: {t}"),
    }
}

#[test]
fn rings_of_one_core_do_not_overlap_and_their_union_is_the_dissolved_band() {
    use geo::{Area, BooleanOps};
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = common::run_in(dir.path(), &["run", "--quiet", "--out", "o"]).parts();
    assert_eq!(code, 0, "{err}");
    let d = dir.path().join("o");
    let read = |n: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(d.join(n)).unwrap()).unwrap()
    };
    let units = read("units.geojson");
    let units = units["features"].as_array().unwrap();
    for core in ["chengdu", "chongqing"] {
        let iso = read(&format!("isochrones_{core}.geojson"));
        let rings: Vec<(f64, f64, MultiPolygon<f64>)> = iso["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["band_from_min"].as_f64().unwrap(),
                    p["band_min"].as_f64().unwrap(),
                    multipolygon(&f["geometry"]),
                )
            })
            .collect();
        // in band order, each ring starting where the previous ends
        let bands: Vec<(f64, f64)> = rings.iter().map(|r| (r.0, r.1)).collect();
        assert_eq!(
            bands,
            vec![(0.0, 60.0), (60.0, 120.0), (120.0, 180.0)],
            "{core}"
        );
        // no two rings overlap (up to the 6-decimal rounding of the shared edges)
        for i in 0..rings.len() {
            for j in i + 1..rings.len() {
                let a = rings[i].2.intersection(&rings[j].2).unsigned_area();
                assert!(
                    a < 1e-6 * rings[i].2.unsigned_area().min(rings[j].2.unsigned_area()),
                    "{core}: rings {i} and {j} overlap by {a} deg²"
                );
            }
        }
        // the rings up to a band make up the dissolved polygons of the units reached within it
        let mut union = MultiPolygon::<f64>(vec![]);
        for (_, band, ring) in &rings {
            union = union.union(ring);
            let mut dissolved = MultiPolygon::<f64>(vec![]);
            for u in units {
                if u["properties"][format!("reach_{core}_{band}")] == 1 {
                    dissolved = dissolved.union(&multipolygon(&u["geometry"]));
                }
            }
            let diff = union.xor(&dissolved).unsigned_area();
            assert!(
                diff < 1e-6 * dissolved.unsigned_area(),
                "{core} ≤ {band} min: the rings and the dissolved units differ by {diff} deg²"
            );
        }
    }
}
