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

/// Issue #16 item 8: polygon validation was quadratic (93 s for this layer in release). A
/// million vertices now validate in about a second in the test profile; the timing lives in
/// `benches/load.rs`, this test checks the verdict and the geometry.
#[test]
fn quadratic_polygon_validation_a_polygon_of_a_million_vertices_loads_and_is_valid() {
    let text = layers::one_big_polygon(1_000_000);
    let strict = LoadOptions { strict: true };
    let r = load_units(text.as_bytes(), "u.geojson", &study(), strict).unwrap();
    assert_eq!(r.len(), 2);
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
    let ring = &r.units[0].geometry.as_ref().unwrap().0[0].exterior().0;
    assert_eq!(ring.len(), 1_000_001);
    assert_eq!(ring[0], ring[1_000_000]);
    let [x, y] = layers::lobed_ring(1_000_000)[250_000];
    assert_eq!((ring[250_000].x, ring[250_000].y), (x, y));
}

/// The same many-vertex ring with one vertex moved across the ring (a self-intersection far
/// from the start) is found, with geo's message, as a warning and under `--strict` an error.
#[test]
fn quadratic_polygon_validation_a_self_intersection_in_a_large_ring_is_found() {
    let mut ring = layers::lobed_ring(200_000);
    // Vertex 100 000 (t = π) moved to the other side of the centre, past the ring.
    ring[100_000] = [104.9, 30.5];
    let coords: Vec<String> = ring.iter().map(|[x, y]| format!("[{x},{y}]")).collect();
    let text = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{{\"type\":\"Feature\",\"properties\":\
         {{\"code\":\"A\",\"pop_2020_census\":5000000}},\"geometry\":{{\"type\":\"Polygon\",\
         \"coordinates\":[[{}]]}}}}]}}",
        coords.join(",")
    );
    let msg = "u.geojson: feature #0 (code A): geometry is not a valid polygon (self-intersecting?): \
               polygon at index 0 is invalid: exterior ring has a self-intersection";
    let r = load_units(
        text.as_bytes(),
        "u.geojson",
        &study(),
        LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(r.warnings(), [msg.to_string()]);
    let strict = LoadOptions { strict: true };
    let e = load_units(text.as_bytes(), "u.geojson", &study(), strict).unwrap_err();
    assert_eq!(e.to_string(), msg);
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
