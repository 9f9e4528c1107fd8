//! Everything `regionlink run` writes: the layers with their styles, the tables, the QGIS
//! project, the GeoPackage and the report with its maps, built in memory before anything is
//! written.

use crate::analysis::Run;
use crate::error::Result;
use crate::export::gpkg::{self, AttributeTable};
use crate::export::layers::LayerInfo;
use crate::export::maps::{self, MapContext};
use crate::export::report::{Report, tr};
use crate::export::write::Outputs;
use crate::export::{layers, od, project, tables};

/// The files of a run, with the report they were written from and the layers they hold.
#[derive(Debug, Clone)]
pub struct RunOutputs {
    /// The files.
    pub files: Outputs,
    /// The report (`report.md`, `report.html` and `report.json` render it).
    pub report: Report,
    /// The layers written, in the order of the files.
    pub layers: Vec<LayerInfo>,
}

/// The files of a study run (see [`build`]).
///
/// # Errors
/// See [`build`].
pub fn outputs(run: &Run<'_>) -> Result<Outputs> {
    Ok(build(run)?.files)
}

/// The files of a study run: the layers `units`, `seats`, `links`, `isochrones_<core>` (one per
/// core), `corridor` and `linkage` (GeoJSON + QML), `od_matrix.csv`, `measures.csv`, the report
/// (`report.md` with its maps as `map_*.svg`, the self-contained `report.html`, `report.json`),
/// the QGIS project `regionlink.qgs` and the GeoPackage `regionlink.gpkg`.
///
/// # Errors
/// A layer that cannot be written (see [`Outputs::layer`]), or a GeoPackage that cannot be
/// built.
pub fn build(run: &Run<'_>) -> Result<RunOutputs> {
    let an = &run.analysis;
    let st = &run.linkage;
    let region = &an.inputs.region;
    let lang = an.options.lang;
    let mut out = Outputs::default();
    let measures = tables::all_unit_measures(an, st);
    let units_table = tables::with_attributes(region, &measures);
    // Each core's first unit's code and the core's name in `lang`: a core is named once.
    let core_units: Vec<(String, String)> = an
        .cores
        .iter()
        .filter_map(|c| {
            let u = region.unit(*c.units.first()?);
            Some((u.code.clone(), c.label(lang).to_string()))
        })
        .collect();
    let mut info = Vec::new();
    info.extend(layers::units_and_seats(
        &mut out,
        region,
        &units_table,
        lang,
        &core_units,
    )?);
    info.extend(layers::links(&mut out, an, st, &run.flow)?);
    info.extend(layers::isochrones(&mut out, an)?);
    info.extend(layers::corridor(&mut out, an)?);
    info.extend(layers::linkage(&mut out, an, st)?);
    let codes: Vec<&str> = region.units.iter().map(|u| u.code.as_str()).collect();
    let mut odb = Vec::new();
    od::write_csv(&mut odb, an.matrix()?, run.parts.as_deref(), &codes, false)
        .expect("writing CSV to memory cannot fail");
    let bbox = region_bbox(region);
    let ctx = MapContext {
        bbox,
        lang,
        cores: an
            .cores
            .iter()
            .filter_map(|c| {
                let u = region.unit(*c.units.first()?);
                let name = c.label(lang).to_string();
                Some((name, (u.seat.x(), u.seat.y())))
            })
            .collect(),
        core_units: core_units.clone(),
        mass: an.options.mass,
        bands: &an.options.bands,
        source: tr(
            lang,
            &format!("regionlink; units: {}", short_source(&region.source)),
            &format!("regionlink；单元：{}", short_source(&region.source)),
        ),
    };
    let figures = maps::figures(&out, &info, &ctx);
    let tables_gpkg = vec![
        AttributeTable::from_table(
            "measures",
            &tr(lang, "Every per-unit measure", "各单元全部指标"),
            &units_table,
        ),
        AttributeTable::from_csv(
            "od_matrix",
            &tr(lang, "Travel-time matrix (minutes)", "出行时间矩阵 (分钟)"),
            &odb,
        )?,
    ];
    let gpkg = gpkg::geopackage(&out, &info, &tables_gpkg)?;
    out.push("od_matrix.csv", odb);
    out.csv("measures.csv", &units_table);
    let mut report = Report::build(an, st, &out.skipped, run.parts.as_deref());
    report.set_figures(&figures);
    report.set_conventions(&run.headline, region);
    out.push("report.md", report.to_markdown().into_bytes());
    out.push("report.html", report.to_html(&figures).into_bytes());
    out.push("report.json", report.to_json().into_bytes());
    for f in &figures {
        out.push(f.file.clone(), f.svg.clone().into_bytes());
    }
    let qgs = project::project(&info, &an.inputs.study.name, bbox, lang);
    out.push(project::FILE, qgs.into_bytes());
    out.push(gpkg::FILE, gpkg);
    Ok(RunOutputs {
        files: out,
        report,
        layers: info,
    })
}

/// `[min lon, min lat, max lon, max lat]` of the units' polygons (or seats).
pub fn region_bbox(region: &crate::model::Region) -> [f64; 4] {
    use geo::BoundingRect;
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    let mut add = |x: f64, y: f64| {
        b[0] = b[0].min(x);
        b[1] = b[1].min(y);
        b[2] = b[2].max(x);
        b[3] = b[3].max(y);
    };
    for u in &region.units {
        match u.geometry.as_ref().and_then(|g| g.bounding_rect()) {
            Some(r) => {
                add(r.min().x, r.min().y);
                add(r.max().x, r.max().y);
            }
            None => add(u.seat.x(), u.seat.y()),
        }
    }
    if b[0] > b[2] {
        return [0.0, 0.0, 1.0, 1.0];
    }
    if b[2] - b[0] < 1e-6 {
        b[0] -= 0.05;
        b[2] += 0.05;
    }
    if b[3] - b[1] < 1e-6 {
        b[1] -= 0.05;
        b[3] += 0.05;
    }
    b
}

/// The file name of a source path (`embedded:data/units.geojson` → `units.geojson`).
fn short_source(s: &str) -> &str {
    s.rsplit(['/', '\\', ':']).next().unwrap_or(s)
}
