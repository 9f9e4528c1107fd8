//! Reading a road graph (`--roads PATH`): osm4routing's `nodes.csv` + `edges.csv`, GeoJSON
//! LineStrings, or an OpenStreetMap `.osm.pbf` extract read through the `osm4routing` crate.
//!
//! Every edge gets a time per direction it may be driven in, from the study's `[roads]` speeds
//! ([`RoadParams`]). Problems are reported as [`crate::Error::Input`] with file, line, field
//! and value.

mod csv;
mod geojson;
mod pbf;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Location, Result, show_number};
use crate::load::RoadParams;

/// An osm4routing car class (the speed comes from [`RoadParams`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoadClass {
    /// `Motorway`.
    Motorway,
    /// `Trunk`.
    Trunk,
    /// `Primary`.
    Primary,
    /// `Secondary`.
    Secondary,
    /// `Tertiary`.
    Tertiary,
    /// `Residential`.
    Residential,
    /// No class given (GeoJSON lines timed by `default_kmh`), or timed by the file itself.
    Other,
}

/// A road node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadNode {
    /// The node's id in the file (OpenStreetMap node id for osm4routing output).
    pub id: i64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
}

/// A road edge between two nodes (indices into [`RoadGraph::nodes`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoadEdge {
    /// Index of the source node.
    pub source: u32,
    /// Index of the target node.
    pub target: u32,
    /// Length, metres.
    pub length_m: f64,
    /// Minutes source → target, `None` when cars may not drive that way.
    pub forward_min: Option<f64>,
    /// Minutes target → source, `None` when cars may not drive that way.
    pub backward_min: Option<f64>,
    /// The class used for the forward time (or the backward one when only that is allowed).
    pub class: RoadClass,
}

impl RoadEdge {
    /// An edge timed by the car class of each direction (`None`: cars may not drive that
    /// way) at the study's speeds; `Ok(None)` when cars may use it in neither direction.
    ///
    /// # Errors
    /// The message (`at the … km/h of study key roads.…_kmh that is … minutes, more than …`)
    /// when a direction would take more than [`MAX_EDGE_MIN`].
    fn by_class(
        source: u32,
        target: u32,
        length_m: f64,
        forward: Option<RoadClass>,
        backward: Option<RoadClass>,
        params: &RoadParams,
    ) -> std::result::Result<Option<RoadEdge>, String> {
        let time = |c: Option<RoadClass>| {
            c.map(|c| {
                let kmh = speed(params, c);
                let key = format!("study key roads.{}", c.speed_key());
                within_a_day(minutes(length_m, kmh), kmh, &key)
            })
            .transpose()
        };
        let (forward_min, backward_min) = (time(forward)?, time(backward)?);
        Ok(forward.or(backward).map(|class| RoadEdge {
            source,
            target,
            length_m,
            forward_min,
            backward_min,
            class,
        }))
    }
}

/// The longest time an edge may take, minutes: 24 h, like a link
/// ([`crate::load::links::MAX_LINK_MIN`]).
pub const MAX_EDGE_MIN: f64 = crate::load::links::MAX_LINK_MIN;

/// `minutes` when finite and at most [`MAX_EDGE_MIN`], else why not: `at the {kmh} km/h of
/// {speed_from} that is … minutes, more than …`.
fn within_a_day(minutes: f64, kmh: f64, speed_from: &str) -> std::result::Result<f64, String> {
    if minutes.is_finite() && minutes <= MAX_EDGE_MIN {
        Ok(minutes)
    } else {
        Err(format!(
            "at the {} km/h of {speed_from} that is {} minutes, more than the {MAX_EDGE_MIN} (24 h) an edge may take",
            show_number(kmh),
            show_number((minutes * 10.0).round() / 10.0)
        ))
    }
}

impl RoadClass {
    /// The key of this class's speed in the study's `[roads]` table.
    pub fn speed_key(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway_kmh",
            RoadClass::Trunk => "trunk_kmh",
            RoadClass::Primary => "primary_kmh",
            RoadClass::Secondary => "secondary_kmh",
            RoadClass::Tertiary => "tertiary_kmh",
            RoadClass::Residential => "residential_kmh",
            RoadClass::Other => "default_kmh",
        }
    }
}

/// A road graph as read.
#[derive(Debug, Clone, Default)]
pub struct RoadGraph {
    /// What was read, for messages (`nodes.csv + edges.csv`, the GeoJSON or the .pbf path).
    pub source: String,
    /// The nodes, in file order.
    pub nodes: Vec<RoadNode>,
    /// The edges that cars may use in at least one direction, in file order.
    pub edges: Vec<RoadEdge>,
    /// Edges of the file that cars may not use in either direction (skipped).
    pub skipped_no_car: usize,
}

/// Read a road graph.
///
/// `path` is a directory holding `nodes.csv` and `edges.csv`, either of those two files (the
/// other is found beside it), a `.geojson`/`.json` file of LineStrings, or an `.osm.pbf`.
///
/// - **osm4routing CSV**: columns are found by header name (order free, extra columns such as
///   `osm_id` ignored). `nodes.csv` needs `id`, `lon`, `lat`; `edges.csv` needs `source`,
///   `target`, `length` (metres), `car_forward`, `car_backward` (osm4routing 0.8's class names
///   `Unknown` … `Motorway`, any case, or the Python osm4routing's codes −1 … 6); a `wkt` column
///   is checked when present.
/// - **GeoJSON**: each LineString (or each part of a MultiLineString) is an edge between nodes
///   at its first and last positions (equal positions are one node; interior vertices are only
///   geometry). Its time comes from the property `minutes` (split over the parts of a
///   MultiLineString by length), else `speed_kmh`, else the class of `highway`, else
///   [`RoadParams::default_kmh`]; `oneway` (`yes`/`true`/`1`, `-1`, `no`/`false`/`0`) limits
///   the directions.
/// - **`.osm.pbf`**: read with the `osm4routing` crate; nodes sorted by id and edges by
///   (source id, target id, edge id), so the same file always gives the same graph.
///
/// # Units
/// Lengths in metres: the CSV's `length` column as written; for `.pbf`, osm4routing's haversine
/// length (sphere of radius 6 378 100 m); for GeoJSON, geo's [`geo::Haversine`] (GRS80 mean
/// radius, 6 371 008.8 m) along all vertices. Times in minutes: `length_m / 1000 / kmh * 60`.
///
/// # Errors
/// [`Error::Usage`] for a missing file or a path of no known form. [`Error::Input`] for: an
/// empty file or one without rows; a missing column; an unknown, duplicate or unparseable node
/// id; a longitude or latitude out of range; a non-finite or negative length; unparseable
/// `wkt`; an unknown car class; in GeoJSON, invalid JSON, a geometry that is not a LineString
/// or MultiLineString, fewer than 2 positions, a bad `minutes` / `speed_kmh` / `oneway`; a
/// `.pbf` that is not a PBF, is truncated, or that osm4routing cannot read (its panics are
/// caught and reported, silently).
pub fn load_roads(path: &Path, params: &RoadParams) -> Result<RoadGraph> {
    match format_of(path)? {
        Format::Csv { nodes, edges } => csv::load_csv(&nodes, &edges, params),
        Format::GeoJson => geojson::load_geojson(path, params),
        Format::Pbf => pbf::load_pbf(path, params),
    }
}

/// The files [`load_roads`] reads for `path` (both CSV files for a directory or either one).
///
/// # Errors
/// As [`load_roads`] for a missing file or a path of no known form.
pub fn files_of(path: &Path) -> Result<Vec<PathBuf>> {
    Ok(match format_of(path)? {
        Format::Csv { nodes, edges } => vec![nodes, edges],
        Format::GeoJson | Format::Pbf => vec![path.to_path_buf()],
    })
}

/// Node id → index, hashed with ahash (re-exported by osm4routing) rather than SipHash. Only
/// looked up, never iterated, so the hasher's random seed cannot change the output.
type IdIndex = HashMap<i64, u32, osm4routing::ahash::RandomState>;

fn id_index(capacity: usize) -> IdIndex {
    HashMap::with_capacity_and_hasher(capacity, osm4routing::ahash::RandomState::new())
}

/// What `path` names.
enum Format {
    Csv { nodes: PathBuf, edges: PathBuf },
    GeoJson,
    Pbf,
}

fn format_of(path: &Path) -> Result<Format> {
    let pair = |dir: &Path| Format::Csv {
        nodes: dir.join("nodes.csv"),
        edges: dir.join("edges.csv"),
    };
    if path.is_dir() {
        return Ok(pair(path));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" if !path.exists() => Err(no_such_file(path)),
        "csv" => Ok(pair(path.parent().unwrap_or(Path::new("")))),
        "geojson" | "json" => Ok(Format::GeoJson),
        "pbf" => Ok(Format::Pbf),
        _ if !path.exists() => Err(no_such_file(path)),
        _ => Err(Error::Usage(format!(
            "{}: not a road graph: expected a directory holding nodes.csv and edges.csv, one of \
             those two files, a .geojson/.json file of LineStrings or an .osm.pbf extract",
            path.display()
        ))),
    }
}

fn no_such_file(path: &Path) -> Error {
    Error::io(path, std::io::ErrorKind::NotFound.into())
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    Error::io(path, e)
}

fn line(line: u64) -> Location {
    Location::Line { line, column: None }
}

/// A value for a message: lossy UTF-8, at most 60 characters.
fn show_bytes(v: &[u8]) -> String {
    let s = String::from_utf8_lossy(v);
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.into_owned()
    }
}

/// A JSON value for a message, at most 60 characters.
fn show(v: &Value) -> String {
    show_bytes(v.to_string().as_bytes())
}

/// The speed of a class, km/h.
fn speed(params: &RoadParams, class: RoadClass) -> f64 {
    match class {
        RoadClass::Motorway => params.motorway_kmh,
        RoadClass::Trunk => params.trunk_kmh,
        RoadClass::Primary => params.primary_kmh,
        RoadClass::Secondary => params.secondary_kmh,
        RoadClass::Tertiary => params.tertiary_kmh,
        RoadClass::Residential => params.residential_kmh,
        RoadClass::Other => params.default_kmh,
    }
}

fn minutes(length_m: f64, kmh: f64) -> f64 {
    length_m / 1000.0 / kmh * 60.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_from_length_and_speed() {
        // 45 km at 90 km/h is half an hour.
        assert_eq!(minutes(45_000.0, 90.0), 30.0);
        let p = RoadParams::default();
        assert_eq!(speed(&p, RoadClass::Motorway), p.motorway_kmh);
        assert_eq!(speed(&p, RoadClass::Other), p.default_kmh);
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "x".repeat(100);
        assert_eq!(show_bytes(long.as_bytes()), format!("{}…", "x".repeat(60)));
        assert_eq!(show_bytes(b"\xff1"), "\u{fffd}1");
    }
}
