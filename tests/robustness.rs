//! Malformed input never panics: the loaders return an error or a value for any bytes.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use regionlink::load::{LoadOptions, Study, load_links, load_units};

const UNITS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"A","pop_2020_census":100,"gdp_100m_cny":null},"geometry":{"type":"Polygon","coordinates":[[[104,30],[105,30],[105,31],[104,31],[104,30]]]}},
{"type":"Feature","properties":{"code":"B","pop_2020_census":200},"geometry":{"type":"Polygon","coordinates":[[[106,30],[107,30],[107,31],[106,31],[106,30]]]}}]}"#;
const LINKS: &str = "link_id,from_code,to_code,mode,status,opening_year,time_min,length_km\nL1,A,B,hsr,open,2015,30,\nL2,B,A,road,planned,,,40\n";

fn study() -> Study {
    Study::from_toml(
        "name = \"t\"\nbbox = [100.0, 20.0, 110.0, 35.0]\n",
        "s.toml",
    )
    .unwrap()
}

fn config() -> Config {
    Config {
        cases: 2000,
        rng_seed: RngSeed::Fixed(20261126),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = load_units(&bytes, "x", &study(), LoadOptions::default());
        let _ = load_links(&bytes, "x");
    }

    /// Valid files with one byte replaced, inserted or removed.
    #[test]
    fn mutated_files_never_panic(pos in 0usize..1000, byte in any::<u8>(), op in 0u8..3) {
        for base in [UNITS, LINKS] {
            let mut b = base.as_bytes().to_vec();
            let p = pos % b.len();
            match op {
                0 => b[p] = byte,
                1 => b.insert(p, byte),
                _ => { b.remove(p); }
            }
            let _ = load_units(&b, "x", &study(), LoadOptions { strict: true });
            let _ = load_links(&b, "x");
        }
    }
}

#[test]
fn the_unmutated_fixtures_load() {
    let r = load_units(UNITS.as_bytes(), "x", &study(), LoadOptions::default()).unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(load_links(LINKS.as_bytes(), "x").unwrap().len(), 2);
}

#[test]
fn a_utf8_bom_is_accepted_by_every_loader() {
    const BOM: &str = "\u{feff}";
    let units = load_units(
        format!("{BOM}{UNITS}").as_bytes(),
        "x",
        &study(),
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(
        load_links(format!("{BOM}{LINKS}").as_bytes(), "x")
            .unwrap()
            .len(),
        2
    );
    let links_geojson = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"link_id":"X","from_code":"A","to_code":"B","mode":"road","time_min":30},"geometry":null}]}"#;
    assert_eq!(
        load_links(format!("{BOM}{links_geojson}").as_bytes(), "x")
            .unwrap()
            .len(),
        1
    );
    let s = Study::from_toml(&format!("{BOM}name = \"t\"\n"), "s.toml").unwrap();
    assert_eq!(s.name, "t");
    let dir = tempfile::tempdir().unwrap();
    let roads = dir.path().join("roads.geojson");
    std::fs::write(
        &roads,
        format!(
            "{BOM}{}",
            r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[104,30],[104.1,30]]}}]}"#
        ),
    )
    .unwrap();
    let params = regionlink::load::RoadParams::default();
    assert_eq!(
        regionlink::load::roads::load_roads(&roads, &params)
            .unwrap()
            .edges
            .len(),
        1
    );
    std::fs::write(
        dir.path().join("nodes.csv"),
        format!("{BOM}id,lon,lat\n1,104,30\n2,104.1,30\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("edges.csv"),
        format!("{BOM}source,target,length,car_forward,car_backward\n1,2,9000,Motorway,Motorway\n"),
    )
    .unwrap();
    assert_eq!(
        regionlink::load::roads::load_roads(dir.path(), &params)
            .unwrap()
            .edges
            .len(),
        1
    );
}
