//! Output formats: GeoJSON layers, isochrones, CSV tables, reports and QGIS styles.

pub mod geojson;
pub mod isochrone;
pub mod qml;
pub mod table;
