//! Reading a road graph (`--roads PATH`): osm4routing's `nodes.csv` + `edges.csv`, GeoJSON
//! LineStrings, or an OpenStreetMap `.osm.pbf` extract read through the `osm4routing` crate.
//!
//! Every edge gets a time per direction it may be driven in, from the study's `[roads]` speeds
//! ([`RoadParams`]). Problems are reported as [`crate::Error::Input`] with file, line, field
//! and value.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use csv::ByteRecord;
use geo::{Coord, Haversine, Length, LineString};
use serde_json::{Map, Value};

use crate::error::{Error, Location, Result};
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
    /// way) at the study's speeds; `None` when cars may use it in neither direction.
    fn by_class(
        source: u32,
        target: u32,
        length_m: f64,
        forward: Option<RoadClass>,
        backward: Option<RoadClass>,
        params: &RoadParams,
    ) -> Option<RoadEdge> {
        let time = |c: Option<RoadClass>| c.map(|c| minutes(length_m, speed(params, c)));
        Some(RoadEdge {
            source,
            target,
            length_m,
            forward_min: time(forward),
            backward_min: time(backward),
            class: forward.or(backward)?,
        })
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
        Format::Csv { nodes, edges } => load_csv(&nodes, &edges, params),
        Format::GeoJson => load_geojson(path, params),
        Format::Pbf => load_pbf(path, params),
    }
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
    Error::Usage(format!("{}: no such file", path.display()))
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        no_such_file(path)
    } else {
        Error::Io {
            path: path.display().to_string(),
            source: e,
        }
    }
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

// ---------------------------------------------------------------------------------------------
// osm4routing CSV

/// An open CSV file with its header.
struct CsvFile {
    name: String,
    reader: csv::Reader<File>,
    header: ByteRecord,
}

impl CsvFile {
    fn open(path: &Path, columns: &str) -> Result<Self> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .buffer_capacity(1 << 16)
            .from_reader(file);
        let header = reader
            .byte_headers()
            .map_err(|e| csv_error(&name, &e))?
            .clone();
        if header.iter().all(|h| clean(h).is_empty()) {
            return Err(Error::input(
                &name,
                Location::File,
                format!("empty file: expected a header line with the columns {columns}"),
            ));
        }
        Ok(CsvFile {
            name,
            reader,
            header,
        })
    }

    fn column(&self, key: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| clean(h).eq_ignore_ascii_case(key.as_bytes()))
    }

    fn required(&self, key: &str) -> Result<usize> {
        self.column(key)
            .ok_or_else(|| Error::input(&self.name, line(1), format!("missing column \"{key}\"")))
    }

    /// Read the next record into `rec`; `false` at the end of the file.
    fn next(&mut self, rec: &mut ByteRecord) -> Result<bool> {
        self.reader
            .read_byte_record(rec)
            .map_err(|e| csv_error(&self.name, &e))
    }

    fn no_rows(&self, what: &str) -> Error {
        Error::input(
            &self.name,
            Location::File,
            format!("has a header but no {what}"),
        )
    }
}

/// A field without surrounding spaces (and without a UTF-8 byte-order mark).
fn clean(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b).trim_ascii()
}

fn field(rec: &ByteRecord, i: usize) -> &[u8] {
    clean(rec.get(i).unwrap_or_default())
}

fn csv_error(file: &str, e: &csv::Error) -> Error {
    let at = line(e.position().map_or(1, csv::Position::line));
    match e.kind() {
        csv::ErrorKind::Io(io) => Error::Io {
            path: file.to_string(),
            source: std::io::Error::new(io.kind(), io.to_string()),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => Error::input(
            file,
            at,
            format!("malformed CSV: the row has {len} fields, the header {expected_len}"),
        ),
        _ => Error::input(file, at, format!("malformed CSV: {e}")),
    }
}

fn parse_i64(v: &[u8]) -> Option<i64> {
    std::str::from_utf8(v).ok()?.parse().ok()
}

fn parse_f64(v: &[u8]) -> Option<f64> {
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// `field "key" is "value"` + `rest`.
fn bad_field(file: &str, ln: u64, key: &str, value: &[u8], rest: &str) -> Error {
    Error::input(
        file,
        line(ln),
        format!("field \"{key}\" is \"{}\"{rest}", show_bytes(value)),
    )
}

/// Roughly how many rows a CSV file of `bytes` bytes holds, at `per_row` bytes a row.
fn rows_estimate(path: &Path, per_row: u64) -> usize {
    let bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    usize::try_from((bytes / per_row).min(1 << 28)).unwrap_or(0)
}

fn read_nodes(path: &Path) -> Result<(Vec<RoadNode>, IdIndex, String)> {
    let mut f = CsvFile::open(path, "id, lon, lat")?;
    let (ci, cx, cy) = (f.required("id")?, f.required("lon")?, f.required("lat")?);
    let estimate = rows_estimate(path, 32);
    let mut nodes = Vec::with_capacity(estimate);
    let mut index = id_index(estimate);
    // The line of each node, to name the first one when an id comes again.
    let mut lines: Vec<u64> = Vec::with_capacity(estimate);
    let mut rec = ByteRecord::new();
    while f.next(&mut rec)? {
        let ln = rec.position().map_or(0, csv::Position::line);
        let bad = |key: &str, value: &[u8], rest: &str| bad_field(&f.name, ln, key, value, rest);
        let id_v = field(&rec, ci);
        let id = parse_i64(id_v).ok_or_else(|| bad("id", id_v, ", expected an integer node id"))?;
        let degrees = |key: &str, col: usize, max: f64| {
            let v = field(&rec, col);
            parse_f64(v)
                .filter(|d| (-max..=max).contains(d))
                .ok_or_else(|| bad(key, v, &format!(", expected degrees in [-{max}, {max}]")))
        };
        let lon = degrees("lon", cx, 180.0)?;
        let lat = degrees("lat", cy, 90.0)?;
        let i = u32::try_from(nodes.len())
            .map_err(|_| Error::input(&f.name, line(ln), "more than 4 294 967 295 nodes"))?;
        match index.entry(id) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let first_line = lines.get(*first.get() as usize).copied().unwrap_or(0);
                return Err(bad(
                    "id",
                    id_v,
                    &format!(", already used at line {first_line}"),
                ));
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
        lines.push(ln);
        nodes.push(RoadNode { id, lon, lat });
    }
    if nodes.is_empty() {
        return Err(f.no_rows("nodes"));
    }
    Ok((nodes, index, f.name))
}

/// A car class of osm4routing 0.8 (its serde name, any case) or of the Python osm4routing (its
/// numeric code). `Some(None)`: cars may not drive that way; `None`: not a car class.
fn car_class(v: &[u8]) -> Option<Option<RoadClass>> {
    const CLASSES: [(&str, &str, Option<RoadClass>); 8] = [
        ("Unknown", "-1", None),
        ("Forbidden", "0", None),
        ("Residential", "1", Some(RoadClass::Residential)),
        ("Tertiary", "2", Some(RoadClass::Tertiary)),
        ("Secondary", "3", Some(RoadClass::Secondary)),
        ("Primary", "4", Some(RoadClass::Primary)),
        ("Trunk", "5", Some(RoadClass::Trunk)),
        ("Motorway", "6", Some(RoadClass::Motorway)),
    ];
    CLASSES
        .iter()
        .find(|(name, code, _)| v.eq_ignore_ascii_case(name.as_bytes()) || v == code.as_bytes())
        .map(|&(_, _, class)| class)
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

/// `LINESTRING(x y, x y, …)` (any case, optional space before the parenthesis) with at least
/// two pairs of finite numbers.
fn valid_wkt(v: &[u8]) -> bool {
    let Some((tag, rest)) = v.split_at_checked(10) else {
        return false;
    };
    if !tag.eq_ignore_ascii_case(b"LINESTRING") {
        return false;
    }
    let Some(body) = rest
        .trim_ascii()
        .strip_prefix(b"(")
        .and_then(|r| r.strip_suffix(b")"))
    else {
        return false;
    };
    let finite = |s: &[u8]| parse_f64(s).is_some_and(f64::is_finite);
    let mut pairs = 0;
    for pair in body.split(|&b| b == b',') {
        let mut numbers = pair
            .split(u8::is_ascii_whitespace)
            .filter(|s| !s.is_empty());
        match (numbers.next(), numbers.next(), numbers.next()) {
            (Some(x), Some(y), None) if finite(x) && finite(y) => pairs += 1,
            _ => return false,
        }
    }
    pairs >= 2
}

const CAR_CLASSES: &str = ", expected a car class (Unknown, Forbidden, Residential, Tertiary, \
                           Secondary, Primary, Trunk, Motorway) or its code -1 to 6";

fn load_csv(nodes_path: &Path, edges_path: &Path, params: &RoadParams) -> Result<RoadGraph> {
    let (nodes, index, nodes_name) = read_nodes(nodes_path)?;
    let mut f = CsvFile::open(
        edges_path,
        "source, target, length, car_forward, car_backward",
    )?;
    let cs = f.required("source")?;
    let ct = f.required("target")?;
    let cl = f.required("length")?;
    let cf = f.required("car_forward")?;
    let cb = f.required("car_backward")?;
    let cw = f.column("wkt");
    let mut edges = Vec::with_capacity(rows_estimate(edges_path, 120));
    let mut skipped_no_car = 0;
    let mut rows = 0usize;
    let mut rec = ByteRecord::new();
    while f.next(&mut rec)? {
        rows += 1;
        let ln = rec.position().map_or(0, csv::Position::line);
        let bad = |key: &str, value: &[u8], rest: &str| bad_field(&f.name, ln, key, value, rest);
        let node = |key: &str, col: usize| -> Result<u32> {
            let v = field(&rec, col);
            let id = parse_i64(v).ok_or_else(|| bad(key, v, ", expected an integer node id"))?;
            index
                .get(&id)
                .copied()
                .ok_or_else(|| bad(key, v, &format!(": no node with that id in {nodes_name}")))
        };
        let source = node("source", cs)?;
        let target = node("target", ct)?;
        let length_v = field(&rec, cl);
        let length_m = parse_f64(length_v)
            .filter(|l| l.is_finite() && *l >= 0.0)
            .ok_or_else(|| {
                bad(
                    "length",
                    length_v,
                    ", expected metres (a finite number ≥ 0)",
                )
            })?;
        let class = |key: &str, col: usize| {
            let v = field(&rec, col);
            car_class(v).ok_or_else(|| bad(key, v, CAR_CLASSES))
        };
        let forward = class("car_forward", cf)?;
        let backward = class("car_backward", cb)?;
        if let Some(cw) = cw {
            let v = field(&rec, cw);
            if !v.is_empty() && !valid_wkt(v) {
                return Err(bad(
                    "wkt",
                    v,
                    ", expected LINESTRING(lon lat, lon lat, …) with at least 2 positions",
                ));
            }
        }
        match RoadEdge::by_class(source, target, length_m, forward, backward, params) {
            Some(e) => edges.push(e),
            None => skipped_no_car += 1,
        }
    }
    if rows == 0 {
        return Err(f.no_rows("edges"));
    }
    Ok(RoadGraph {
        source: format!("{nodes_name} + {}", f.name),
        nodes,
        edges,
        skipped_no_car,
    })
}

// ---------------------------------------------------------------------------------------------
// GeoJSON

/// How a GeoJSON line is timed.
enum Timing {
    /// The whole feature takes this long.
    Minutes(f64),
    /// At this speed (km/h), timing this class.
    Speed(f64, RoadClass),
}

/// One line of a feature: its geometry and its end positions.
struct Part {
    line: LineString<f64>,
    first: Coord<f64>,
    last: Coord<f64>,
}

fn load_geojson(path: &Path, params: &RoadParams) -> Result<RoadGraph> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| io_error(path, e))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        Error::input(
            &file,
            Location::File,
            format!("not UTF-8: invalid byte at byte offset {}", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root: Value = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m);
        Error::input(
            &file,
            Location::Line {
                line: e.line() as u64,
                column: Some(e.column() as u64),
            },
            format!("not valid JSON: {msg}"),
        )
    })?;
    let features = match (
        root.get("type").and_then(Value::as_str),
        root.get("features").and_then(Value::as_array),
    ) {
        (Some("FeatureCollection"), Some(f)) => f,
        _ => {
            return Err(Error::input(
                &file,
                Location::File,
                "expected a GeoJSON FeatureCollection of LineStrings",
            ));
        }
    };
    if features.is_empty() {
        return Err(Error::input(
            &file,
            Location::File,
            "the FeatureCollection has no features",
        ));
    }
    let mut g = RoadGraph {
        source: file.clone(),
        ..RoadGraph::default()
    };
    let mut node_at: HashMap<(u64, u64), u32> = HashMap::new();
    let empty = Map::new();
    for (index, f) in features.iter().enumerate() {
        let props = f
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let id = f
            .get("id")
            .or_else(|| props.get("id"))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
        let loc = Location::Feature {
            index,
            id: id.map(|i| format!("id {i}")),
        };
        let err = |msg: String| Error::input(&file, loc.clone(), msg);
        let parts = line_parts(f.get("geometry").unwrap_or(&Value::Null)).map_err(err)?;
        let (forward, backward) = oneway(props).map_err(err)?;
        let timing = timing(props, params).map_err(err)?;
        let lengths: Vec<f64> = parts.iter().map(|p| Haversine.length(&p.line)).collect();
        let total: f64 = lengths.iter().sum();
        for (part, &length_m) in parts.iter().zip(&lengths) {
            let (min, class) = match timing {
                Timing::Minutes(m) if parts.len() == 1 => (m, RoadClass::Other),
                Timing::Minutes(m) if total > 0.0 => (m * length_m / total, RoadClass::Other),
                Timing::Minutes(m) => (m / parts.len() as f64, RoadClass::Other),
                Timing::Speed(kmh, class) => (minutes(length_m, kmh), class),
            };
            let source = node_index(&mut g.nodes, &mut node_at, part.first)
                .ok_or_else(|| err("more than 4 294 967 295 nodes".into()))?;
            let target = node_index(&mut g.nodes, &mut node_at, part.last)
                .ok_or_else(|| err("more than 4 294 967 295 nodes".into()))?;
            g.edges.push(RoadEdge {
                source,
                target,
                length_m,
                forward_min: forward.then_some(min),
                backward_min: backward.then_some(min),
                class,
            });
        }
    }
    Ok(g)
}

/// The node at `c` (exactly: same bits, with −0 taken as 0), created when new.
fn node_index(
    nodes: &mut Vec<RoadNode>,
    node_at: &mut HashMap<(u64, u64), u32>,
    c: Coord<f64>,
) -> Option<u32> {
    let key = ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits());
    if let Some(&i) = node_at.get(&key) {
        return Some(i);
    }
    let i = u32::try_from(nodes.len()).ok()?;
    nodes.push(RoadNode {
        id: i64::from(i),
        lon: c.x,
        lat: c.y,
    });
    node_at.insert(key, i);
    Some(i)
}

fn line_parts(g: &Value) -> std::result::Result<Vec<Part>, String> {
    const EXPECTED: &str = "expected LineString or MultiLineString";
    let obj = match g {
        Value::Null => return Err(format!("geometry is null, {EXPECTED}")),
        Value::Object(o) => o,
        other => return Err(format!("geometry is {}, {EXPECTED}", show(other))),
    };
    let coords = obj.get("coordinates").unwrap_or(&Value::Null);
    match obj.get("type").and_then(Value::as_str) {
        Some("LineString") => Ok(vec![part(coords, "LineString")?]),
        Some("MultiLineString") => {
            let parts = coords.as_array().ok_or_else(|| {
                format!(
                    "geometry MultiLineString coordinates are {}, expected an array of lines",
                    show(coords)
                )
            })?;
            if parts.is_empty() {
                return Err("geometry MultiLineString has no lines".into());
            }
            parts
                .iter()
                .enumerate()
                .map(|(i, p)| part(p, &format!("MultiLineString line #{i}")))
                .collect()
        }
        Some(t) => Err(format!("geometry type is \"{t}\", {EXPECTED}")),
        None => Err(format!("geometry has no \"type\", {EXPECTED}")),
    }
}

fn part(v: &Value, what: &str) -> std::result::Result<Part, String> {
    let positions = v.as_array().ok_or_else(|| {
        format!(
            "geometry {what} coordinates are {}, expected an array of positions",
            show(v)
        )
    })?;
    let coords = positions
        .iter()
        .map(position)
        .collect::<std::result::Result<Vec<_>, _>>()?;
    match (coords.first(), coords.last()) {
        (Some(&first), Some(&last)) if coords.len() >= 2 => Ok(Part {
            line: LineString::new(coords),
            first,
            last,
        }),
        _ => Err(format!(
            "geometry {what} has {} position{}, expected at least 2",
            coords.len(),
            if coords.len() == 1 { "" } else { "s" }
        )),
    }
}

fn position(v: &Value) -> std::result::Result<Coord<f64>, String> {
    let xy = v
        .as_array()
        .filter(|a| a.len() >= 2)
        .map(|a| (a[0].as_f64(), a[1].as_f64()));
    let (x, y) = match xy {
        Some((Some(x), Some(y))) if x.is_finite() && y.is_finite() => (x, y),
        _ => {
            return Err(format!(
                "geometry position {} is not a pair of finite numbers [lon, lat]",
                show(v)
            ));
        }
    };
    if !(-180.0..=180.0).contains(&x) {
        return Err(format!(
            "geometry position [{x}, {y}] has longitude {x}, outside [-180, 180]"
        ));
    }
    if !(-90.0..=90.0).contains(&y) {
        return Err(format!(
            "geometry position [{x}, {y}] has latitude {y}, outside [-90, 90]"
        ));
    }
    Ok(Coord { x, y })
}

/// A property that is present: not missing, not null, not a blank string.
fn present<'a>(props: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    match props.get(key)? {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        v => Some(v),
    }
}

/// A number, or a string holding one.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn timing(props: &Map<String, Value>, params: &RoadParams) -> std::result::Result<Timing, String> {
    if let Some(v) = present(props, "minutes") {
        return number(v)
            .filter(|m| m.is_finite() && *m >= 0.0)
            .map(Timing::Minutes)
            .ok_or_else(|| {
                format!(
                    "property \"minutes\" is {}, expected a finite number ≥ 0",
                    show(v)
                )
            });
    }
    if let Some(v) = present(props, "speed_kmh") {
        return number(v)
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(|s| Timing::Speed(s, RoadClass::Other))
            .ok_or_else(|| {
                format!(
                    "property \"speed_kmh\" is {}, expected a finite number > 0",
                    show(v)
                )
            });
    }
    let class = props
        .get("highway")
        .and_then(Value::as_str)
        .and_then(highway_class)
        .unwrap_or(RoadClass::Other);
    Ok(Timing::Speed(speed(params, class), class))
}

/// The osm4routing class of an OpenStreetMap `highway` value.
fn highway_class(highway: &str) -> Option<RoadClass> {
    let h = highway.trim().to_ascii_lowercase();
    Some(match h.as_str() {
        "motorway" | "motorway_link" => RoadClass::Motorway,
        "trunk" | "trunk_link" => RoadClass::Trunk,
        "residential" | "unclassified" | "living_street" | "service" => RoadClass::Residential,
        _ if h.starts_with("primary") => RoadClass::Primary,
        _ if h.starts_with("secondary") => RoadClass::Secondary,
        _ if h.starts_with("tertiary") => RoadClass::Tertiary,
        _ => return None,
    })
}

/// The directions cars may drive (forward, backward) by the `oneway` property.
fn oneway(props: &Map<String, Value>) -> std::result::Result<(bool, bool), String> {
    const BOTH: (bool, bool) = (true, true);
    const FORWARD: (bool, bool) = (true, false);
    const BACKWARD: (bool, bool) = (false, true);
    let Some(v) = props.get("oneway") else {
        return Ok(BOTH);
    };
    let found = match v {
        Value::Null => Some(BOTH),
        Value::Bool(true) => Some(FORWARD),
        Value::Bool(false) => Some(BOTH),
        Value::Number(n) => match n.as_f64() {
            Some(1.0) => Some(FORWARD),
            Some(0.0) => Some(BOTH),
            Some(-1.0) => Some(BACKWARD),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "yes" | "true" | "1" => Some(FORWARD),
            "no" | "false" | "0" | "" => Some(BOTH),
            "-1" => Some(BACKWARD),
            _ => None,
        },
        _ => None,
    };
    found.ok_or_else(|| {
        format!(
            "property \"oneway\" is {}, expected yes, no, -1, true, false, 1 or 0",
            show(v)
        )
    })
}

// ---------------------------------------------------------------------------------------------
// .osm.pbf through osm4routing

/// Serialises the swaps of the process-wide panic hook, so that two loads at once cannot leave
/// the silent hook installed.
static PANIC_HOOK: Mutex<()> = Mutex::new(());

/// Run `f`, turning a panic into `Err(its message)` and keeping it off stderr.
fn without_panicking<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    let _guard = PANIC_HOOK.lock().unwrap_or_else(PoisonError::into_inner);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the reader failed".to_string());
        // Assertion messages run over several lines; the first says what failed.
        msg.lines().next().unwrap_or_default().to_string()
    })
}

/// Walk the file's block framing (each block: a 4-byte big-endian header length, a
/// `BlobHeader` message giving the block's `datasize`, then the block), seeking over the data.
///
/// osm4routing skips unreadable blocks silently, so a file that is not a PBF at all would read
/// as an empty graph, and osmpbfreader panics on a truncated one; this names the problem.
fn check_blocks(path: &Path) -> std::result::Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut pos = 0u64;
    let mut data_blocks = 0usize;
    let mut header = Vec::new();
    while pos < len {
        let start = pos;
        let truncated = |what: &str, need: u64, have: u64| {
            format!(
                "truncated: the block at byte {start} needs {need} bytes of {what}, the file has \
                 {have} left"
            )
        };
        if len - pos < 4 {
            return Err(truncated("header length", 4, len - pos));
        }
        let mut size = [0u8; 4];
        file.read_exact(&mut size).map_err(|e| e.to_string())?;
        let header_len = u64::from(u32::from_be_bytes(size));
        pos += 4;
        if header_len > 64 * 1024 {
            return Err(format!(
                "invalid block header at byte {start}: its length would be {header_len} bytes, \
                 more than 64 KiB"
            ));
        }
        if len - pos < header_len {
            return Err(truncated("header", header_len, len - pos));
        }
        header.resize(usize::try_from(header_len).unwrap_or(0), 0);
        file.read_exact(&mut header).map_err(|e| e.to_string())?;
        pos += header_len;
        let (kind, data_len) =
            blob_header(&header).ok_or_else(|| format!("invalid block header at byte {start}"))?;
        if len - pos < data_len {
            return Err(truncated("data", data_len, len - pos));
        }
        if kind == "OSMData" {
            data_blocks += 1;
        }
        pos += data_len;
        file.seek(SeekFrom::Start(pos)).map_err(|e| e.to_string())?;
    }
    if data_blocks == 0 {
        return Err("no OSM data blocks".to_string());
    }
    Ok(())
}

/// The `type` (field 1) and `datasize` (field 3) of a PBF `BlobHeader` protobuf message.
fn blob_header(mut b: &[u8]) -> Option<(String, u64)> {
    let (mut kind, mut size) = (None, None);
    while !b.is_empty() {
        let key = varint(&mut b)?;
        match (key >> 3, key & 7) {
            (field, 0) => {
                let v = varint(&mut b)?;
                if field == 3 {
                    size = Some(v);
                }
            }
            (field, 2) => {
                let n = usize::try_from(varint(&mut b)?).ok()?;
                let (v, rest) = b.split_at_checked(n)?;
                if field == 1 {
                    kind = Some(String::from_utf8_lossy(v).into_owned());
                }
                b = rest;
            }
            (_, 1) => b = b.get(8..)?,
            (_, 5) => b = b.get(4..)?,
            _ => return None,
        }
    }
    Some((kind?, size?))
}

/// A protobuf base-128 varint.
fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

fn car(c: osm4routing::CarAccessibility) -> Option<RoadClass> {
    use osm4routing::CarAccessibility as C;
    match c {
        C::Unknown | C::Forbidden => None,
        C::Residential => Some(RoadClass::Residential),
        C::Tertiary => Some(RoadClass::Tertiary),
        C::Secondary => Some(RoadClass::Secondary),
        C::Primary => Some(RoadClass::Primary),
        C::Trunk => Some(RoadClass::Trunk),
        C::Motorway => Some(RoadClass::Motorway),
    }
}

fn load_pbf(path: &Path, params: &RoadParams) -> Result<RoadGraph> {
    let file = path.display().to_string();
    std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    let bad = |msg: String| {
        Error::input(
            &file,
            Location::File,
            format!("not a readable OpenStreetMap PBF extract: {msg}"),
        )
    };
    let (mut nodes, mut edges) = without_panicking(|| {
        check_blocks(path)?;
        osm4routing::Reader::new().read(path)
    })
    .map_err(&bad)?
    .map_err(&bad)?;
    // osm4routing returns its nodes from a hash map, in no fixed order.
    nodes.sort_unstable_by_key(|n| n.id.0);
    edges.sort_by(|a, b| (a.source.0, a.target.0, &a.id).cmp(&(b.source.0, b.target.0, &b.id)));
    let mut index = id_index(nodes.len());
    let mut g = RoadGraph {
        source: file.clone(),
        nodes: Vec::with_capacity(nodes.len()),
        edges: Vec::with_capacity(edges.len()),
        skipped_no_car: 0,
    };
    for n in &nodes {
        let i = u32::try_from(g.nodes.len())
            .map_err(|_| bad("more than 4 294 967 295 nodes".to_string()))?;
        index.insert(n.id.0, i);
        g.nodes.push(RoadNode {
            id: n.id.0,
            lon: n.coord.x,
            lat: n.coord.y,
        });
    }
    for e in &edges {
        let node = |id: osm4routing::NodeId| {
            index.get(&id.0).copied().ok_or_else(|| {
                bad(format!(
                    "edge {} of way {} ends at node {}, which the extract does not hold",
                    e.id, e.osm_id.0, id.0
                ))
            })
        };
        let (source, target) = (node(e.source)?, node(e.target)?);
        let forward = car(e.properties.car_forward);
        let backward = car(e.properties.car_backward);
        match RoadEdge::by_class(source, target, e.length(), forward, backward, params) {
            Some(e) => g.edges.push(e),
            None => g.skipped_no_car += 1,
        }
    }
    Ok(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkt_forms() {
        for ok in [
            "LINESTRING(1 2, 3 4)",
            "LINESTRING (1 2,3 4)",
            "linestring(1.0000000 -2.5, 3 4, 5 6)",
            "LineString( 1 2 , 3 4 )",
            "LINESTRING(1e-3 2, -3 4) ",
        ] {
            assert!(valid_wkt(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "",
            "LINESTRING",
            "LINESTRING()",
            "LINESTRING(1 2)",
            "LINESTRING(1 2,)",
            "LINESTRING(1 2, 3)",
            "LINESTRING(1 2 3, 4 5 6)",
            "LINESTRING(1 2, 3 4",
            "LINESTRING 1 2, 3 4)",
            "MULTILINESTRING((1 2, 3 4))",
            "LINESTRINGX(1 2, 3 4)",
            "LINESTRING(1 2, NaN 4)",
            "LINESTRING(1 2, 3 inf)",
            "POINT(1 2)",
        ] {
            assert!(!valid_wkt(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn car_classes_by_name_and_code() {
        assert_eq!(car_class(b"Motorway"), Some(Some(RoadClass::Motorway)));
        assert_eq!(car_class(b"MOTORWAY"), Some(Some(RoadClass::Motorway)));
        assert_eq!(car_class(b"6"), Some(Some(RoadClass::Motorway)));
        assert_eq!(car_class(b"trunk"), Some(Some(RoadClass::Trunk)));
        assert_eq!(car_class(b"5"), Some(Some(RoadClass::Trunk)));
        assert_eq!(car_class(b"4"), Some(Some(RoadClass::Primary)));
        assert_eq!(car_class(b"3"), Some(Some(RoadClass::Secondary)));
        assert_eq!(car_class(b"2"), Some(Some(RoadClass::Tertiary)));
        assert_eq!(car_class(b"1"), Some(Some(RoadClass::Residential)));
        assert_eq!(car_class(b"0"), Some(None));
        assert_eq!(car_class(b"-1"), Some(None));
        assert_eq!(car_class(b"Forbidden"), Some(None));
        assert_eq!(car_class(b"unknown"), Some(None));
        for bad in [&b"7"[..], b"-2", b"", b"Allowed", b"Other", b"06"] {
            assert_eq!(car_class(bad), None, "{}", show_bytes(bad));
        }
    }

    #[test]
    fn osm4routing_classes_map_one_to_one() {
        use osm4routing::CarAccessibility as C;
        assert_eq!(car(C::Unknown), None);
        assert_eq!(car(C::Forbidden), None);
        assert_eq!(car(C::Residential), Some(RoadClass::Residential));
        assert_eq!(car(C::Tertiary), Some(RoadClass::Tertiary));
        assert_eq!(car(C::Secondary), Some(RoadClass::Secondary));
        assert_eq!(car(C::Primary), Some(RoadClass::Primary));
        assert_eq!(car(C::Trunk), Some(RoadClass::Trunk));
        assert_eq!(car(C::Motorway), Some(RoadClass::Motorway));
    }

    #[test]
    fn highway_values() {
        for (h, c) in [
            ("motorway", Some(RoadClass::Motorway)),
            ("motorway_link", Some(RoadClass::Motorway)),
            ("trunk_link", Some(RoadClass::Trunk)),
            ("primary", Some(RoadClass::Primary)),
            ("primary_link", Some(RoadClass::Primary)),
            ("Secondary_link", Some(RoadClass::Secondary)),
            ("tertiary", Some(RoadClass::Tertiary)),
            ("residential", Some(RoadClass::Residential)),
            ("unclassified", Some(RoadClass::Residential)),
            ("living_street", Some(RoadClass::Residential)),
            ("service", Some(RoadClass::Residential)),
            ("footway", None),
            ("track", None),
            ("", None),
        ] {
            assert_eq!(highway_class(h), c, "{h}");
        }
    }

    #[test]
    fn oneway_values() {
        let props = |v: Value| {
            let mut m = Map::new();
            m.insert("oneway".into(), v);
            m
        };
        assert_eq!(oneway(&Map::new()), Ok((true, true)));
        for (v, dirs) in [
            (Value::Null, (true, true)),
            (Value::Bool(true), (true, false)),
            (Value::Bool(false), (true, true)),
            (Value::from(1), (true, false)),
            (Value::from(0), (true, true)),
            (Value::from(-1), (false, true)),
            (Value::from("YES"), (true, false)),
            (Value::from("true"), (true, false)),
            (Value::from("1"), (true, false)),
            (Value::from("no"), (true, true)),
            (Value::from("0"), (true, true)),
            (Value::from("-1"), (false, true)),
        ] {
            assert_eq!(oneway(&props(v.clone())), Ok(dirs), "{v}");
        }
        assert_eq!(
            oneway(&props(Value::from("alternating"))),
            Err(
                "property \"oneway\" is \"alternating\", expected yes, no, -1, true, false, 1 or 0"
                    .to_string()
            )
        );
    }

    #[test]
    fn minutes_from_length_and_speed() {
        // 45 km at 90 km/h is half an hour.
        assert_eq!(minutes(45_000.0, 90.0), 30.0);
        let p = RoadParams::default();
        assert_eq!(speed(&p, RoadClass::Motorway), p.motorway_kmh);
        assert_eq!(speed(&p, RoadClass::Other), p.default_kmh);
    }

    #[test]
    fn panics_become_one_line_messages() {
        let r: std::result::Result<(), String> = without_panicking(|| {
            panic!("Missing node, id: 42\nsecond line");
        });
        assert_eq!(r, Err("Missing node, id: 42".to_string()));
        assert_eq!(without_panicking(|| 7), Ok(7));
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "x".repeat(100);
        assert_eq!(show_bytes(long.as_bytes()), format!("{}…", "x".repeat(60)));
        assert_eq!(show_bytes(b"\xff1"), "\u{fffd}1");
    }
}
