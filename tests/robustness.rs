//! Malformed input never panics: the loaders return an error or a value for any bytes.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use regionlink::load::{LoadOptions, Study, load_links, load_units};

const UNITS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"A","pop_2020_census":100,"gdp_100m_cny":null},"geometry":{"type":"Polygon","coordinates":[[[104,30],[105,30],[105,31],[104,31],[104,30]]]}},
{"type":"Feature","properties":{"code":"B","pop_2020_census":200},"geometry":{"type":"Point","coordinates":[106,30]}}]}"#;
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
