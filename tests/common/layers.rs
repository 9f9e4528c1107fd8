//! Generators of large units layers for the scale tests and benchmarks: many tiny polygons, or
//! one polygon of many vertices. Deterministic (no randomness), plain GeoJSON text.
//!
//! Shared by `tests/load_scale.rs` and `benches/pipeline.rs` (`#[path]` include), so it uses
//! nothing but `std`.

#![allow(dead_code)]

use std::fmt::Write;

/// `n` tiny square units on a grid near 104°E 30°N: squares of 0.0004° (about 40 m) every
/// 0.001°, so no two touch (nor come within the 50 m contiguity tolerance); code `u{i}`,
/// `name_en` `U{i}`, `pop_2020_census` 1 000 – 5 999 persons.
pub fn tiny_squares(n: usize) -> String {
    let side = (n as f64).sqrt().ceil().max(1.0) as usize;
    let mut s = String::with_capacity(n * 230 + 64);
    s.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..n {
        let (r, c) = (i / side, i % side);
        let x = 104.0 + c as f64 * 0.001;
        let y = 30.0 + r as f64 * 0.001;
        let (x1, y1) = (x + 0.0004, y + 0.0004);
        if i > 0 {
            s.push_str(",\n");
        }
        write!(
            s,
            "{{\"type\":\"Feature\",\"properties\":{{\"code\":\"u{i}\",\"name_en\":\"U{i}\",\
             \"pop_2020_census\":{}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":\
             [[[{x:.7},{y:.7}],[{x1:.7},{y:.7}],[{x1:.7},{y1:.7}],[{x:.7},{y1:.7}],[{x:.7},{y:.7}]]]}}}}",
            1000 + i % 5000
        )
        .unwrap();
    }
    s.push_str("\n]}\n");
    s
}

/// The exterior ring of a star-shaped (hence simple) polygon of `vertices` vertices around
/// 104.5°E 30.5°N, radius 0.3° ± 0.1° (seven lobes), counter-clockwise, closed.
pub fn lobed_ring(vertices: usize) -> Vec<[f64; 2]> {
    let n = vertices.max(3);
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|k| {
            let t = k as f64 / n as f64 * std::f64::consts::TAU;
            let r = 0.3 + 0.1 * (7.0 * t).sin();
            [104.5 + r * t.cos(), 30.5 + r * t.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// A layer of two units: `A`, the [`lobed_ring`] of `vertices` vertices, and a small square `B`
/// beside it.
pub fn one_big_polygon(vertices: usize) -> String {
    let mut s = String::with_capacity(vertices * 40 + 512);
    s.push_str(
        "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":\
         {\"code\":\"A\",\"pop_2020_census\":5000000},\"geometry\":{\"type\":\"Polygon\",\
         \"coordinates\":[[",
    );
    for (k, [x, y]) in lobed_ring(vertices).iter().enumerate() {
        if k > 0 {
            s.push(',');
        }
        write!(s, "[{x},{y}]").unwrap();
    }
    s.push_str(
        "]]}},\n{\"type\":\"Feature\",\"properties\":{\"code\":\"B\",\"pop_2020_census\":\
         100000},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[105,30],[105.1,30],\
         [105.1,30.1],[105,30.1],[105,30]]]}}\n]}\n",
    );
    s
}

/// A minimal study for these layers.
pub const STUDY: &str = "name = \"scale\"\n";

/// A links file joining the first two units of [`tiny_squares`].
pub const LINKS: &str = "link_id,from_code,to_code,mode,time_min\nL1,u0,u1,road,30\n";

/// A links file joining the two units of [`one_big_polygon`].
pub const LINKS_AB: &str = "link_id,from_code,to_code,mode,time_min\nL1,A,B,road,30\n";
