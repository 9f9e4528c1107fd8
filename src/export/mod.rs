//! Results become what people open: map layers (GeoJSON with QGIS styles), tables (CSV),
//! reports (Markdown and JSON) and printed summaries. Property names, rounding and units are
//! decided here; nothing here computes a measure.
//!
//! - [`run`], [`comparison`], [`timeline`], [`resilience`]: the files of each study command;
//! - [`layers`] (results → features), [`tables`] (results → rows), [`report`], [`summary`],
//!   [`info`], [`route`], [`od`]: the pieces;
//! - [`geojson`], [`isochrone`], [`qml`], [`table`]: the formats; [`write`](mod@write): atomic writing.

pub mod comparison;
pub mod geojson;
pub mod info;
pub mod isochrone;
pub mod layers;
pub mod od;
pub mod qml;
pub mod report;
pub mod resilience;
pub mod route;
pub mod run;
pub mod summary;
pub mod table;
pub mod tables;
pub mod timeline;
pub mod write;
