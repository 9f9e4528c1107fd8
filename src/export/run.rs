//! Everything `regionlink run` writes: the layers with their styles, the tables and the
//! report, built in memory before anything is written.

use crate::analysis::Run;
use crate::error::Result;
use crate::export::report::Report;
use crate::export::write::Outputs;
use crate::export::{layers, od, tables};

/// The files of a study run: `units`, `seats`, `links`, `isochrones`, `corridor` and
/// `linkage` layers (GeoJSON + QML), `od_matrix.csv`, `measures.csv`, `report.md` and
/// `report.json`.
///
/// # Errors
/// A layer that cannot be written (see [`Outputs::layer`]).
pub fn outputs(run: &Run<'_>) -> Result<Outputs> {
    let an = &run.analysis;
    let st = &run.linkage;
    let region = &an.inputs.region;
    let mut out = Outputs::default();
    let measures = tables::all_unit_measures(an, st);
    let units_table = tables::with_attributes(region, &measures);
    layers::units_and_seats(&mut out, region, &units_table)?;
    layers::links(&mut out, an, st, &run.flow)?;
    layers::isochrones(&mut out, an)?;
    layers::corridor(&mut out, an)?;
    layers::linkage(&mut out, an, st)?;
    let codes: Vec<&str> = region.units.iter().map(|u| u.code.as_str()).collect();
    let mut odb = Vec::new();
    od::write_csv(&mut odb, an.matrix()?, run.parts.as_deref(), &codes, false)
        .expect("writing CSV to memory cannot fail");
    out.push("od_matrix.csv", odb);
    out.csv("measures.csv", &units_table);
    let report = Report::build(an, st, &out.skipped, run.parts.as_deref());
    out.push("report.md", report.to_markdown().into_bytes());
    out.push("report.json", report.to_json().into_bytes());
    Ok(out)
}
