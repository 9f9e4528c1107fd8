//! Large units layers: many tiny polygons, one polygon of many vertices. The layers are
//! generated (`tests/common/layers.rs`), never committed.
//!
//! To write one for a timing run of the release binary:
//!
//! ```sh
//! REGIONLINK_LAYER=squares:1000000 REGIONLINK_LAYER_DIR=/tmp/l \
//!     cargo test --test load_scale -- --ignored write_a_layer
//! /usr/bin/time -v ./target/release/regionlink info --units /tmp/l/units.geojson \
//!     --links /tmp/l/links.csv --study /tmp/l/study.toml > /dev/null
//! ```
//!
//! (`polygon:1000000` writes one polygon of a million vertices instead.)

#![allow(clippy::unwrap_used)]

#[path = "common/layers.rs"]
mod layers;

use regionlink::load::{LoadOptions, Study, load_units};

fn study() -> Study {
    Study::from_toml(layers::STUDY, "s.toml").unwrap()
}

#[test]
fn many_tiny_polygons_load() {
    let text = layers::tiny_squares(5000);
    let r = load_units(
        text.as_bytes(),
        "u.geojson",
        &study(),
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(r.len(), 5000);
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}

#[test]
fn a_polygon_of_many_vertices_loads_and_is_valid() {
    let text = layers::one_big_polygon(100_000);
    let strict = LoadOptions { strict: true };
    let r = load_units(text.as_bytes(), "u.geojson", &study(), strict).unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(
        r.units[0].geometry.as_ref().unwrap().0[0]
            .exterior()
            .0
            .len(),
        100_001
    );
}

/// Writes `units.geojson`, `links.csv` and `study.toml` into `$REGIONLINK_LAYER_DIR`;
/// `$REGIONLINK_LAYER` is `squares:N` or `polygon:N`.
#[test]
#[ignore = "writes a large file for timing runs; see the module docs"]
fn write_a_layer() {
    let dir = std::path::PathBuf::from(std::env::var("REGIONLINK_LAYER_DIR").unwrap());
    let spec = std::env::var("REGIONLINK_LAYER").unwrap();
    let (kind, n) = spec.split_once(':').unwrap();
    let n: usize = n.parse().unwrap();
    let (units, links) = match kind {
        "squares" => (layers::tiny_squares(n), layers::LINKS),
        "polygon" => (layers::one_big_polygon(n), layers::LINKS_AB),
        other => panic!("unknown layer kind {other}"),
    };
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("units.geojson"), units).unwrap();
    std::fs::write(dir.join("links.csv"), links).unwrap();
    std::fs::write(dir.join("study.toml"), layers::STUDY).unwrap();
}
