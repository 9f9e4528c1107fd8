//! Benchmarks of the pipeline stages on the embedded default data (59 units and 219 counties):
//! load, build, one shortest-path tree, the all-origins matrix, and export of the units layer
//! (polygons with a few attributes) as GeoJSON.
//!
//! Run with `cargo bench`; CI only compiles them (`cargo bench --no-run`).

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use regionlink::export::geojson::{Geom, Layer, to_geojson};
use regionlink::export::table::Table;
use regionlink::load::{LoadOptions, load_inputs};
use regionlink::measures::par::travel_time_matrix;
use regionlink::network::{BuildOptions, NetworkKind, Scenario, build_network};
use regionlink::route::Dijkstra;
use regionlink::{Minutes, UnitId};

fn layers() -> Vec<(&'static str, Option<&'static Path>)> {
    vec![
        ("units59", None),
        (
            "counties219",
            Some(Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/counties.geojson"
            ))),
        ),
    ]
}

fn stages(c: &mut Criterion) {
    for (name, units) in layers() {
        let mut g = c.benchmark_group(name);
        g.sample_size(20);
        g.bench_function("load", |b| {
            b.iter(|| load_inputs(units, None, None, |_| {}, LoadOptions::default()).unwrap())
        });
        let inputs = load_inputs(units, None, None, |_| {}, LoadOptions::default()).unwrap();
        let sc = Scenario::default();
        let opts = BuildOptions {
            params: &inputs.study.network,
            scenario: &sc,
            kind: NetworkKind::Combined,
            roads: None,
            gazetteer: Some(inputs.gazetteer),
        };
        g.bench_function("build", |b| {
            b.iter(|| build_network(&inputs.region, &inputs.links, opts).unwrap())
        });
        let (net, _) = build_network(&inputs.region, &inputs.links, opts).unwrap();
        let mut dj = Dijkstra::new(net.node_count());
        g.bench_function("one_tree", |b| {
            b.iter(|| {
                let t = dj.run(&net, &[(net.unit_node(UnitId(0)), Minutes::ZERO)], None);
                black_box(t.time(net.unit_node(UnitId(1))));
            })
        });
        g.bench_function("matrix", |b| {
            b.iter(|| black_box(travel_time_matrix(&net, None)))
        });
        let mut table = Table::new(&[("code", 0), ("name", 0), ("pop_2020_10k", 2)]);
        let mut geoms = Vec::new();
        for u in &inputs.region.units {
            table.push(vec![
                u.code.clone().into(),
                u.name.clone().into(),
                u.population_10k.into(),
            ]);
            geoms.push(Geom::Polygon(u.geometry.clone().unwrap()));
        }
        g.bench_function("export_geojson", |b| {
            b.iter(|| {
                let layer = Layer {
                    table: &table,
                    geoms: geoms.clone(),
                };
                black_box(to_geojson(&layer).unwrap())
            })
        });
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
