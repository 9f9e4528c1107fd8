//! Output formats: GeoJSON layers, isochrones, CSV tables, reports and QGIS styles.

pub mod isochrone;
pub mod table;
