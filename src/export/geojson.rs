//! GeoJSON layers that QGIS 3.22 / GDAL 3.6 read cleanly: one [`Table`] row per feature, one
//! geometry per row, written as an RFC 7946 FeatureCollection.
//!
//! [`to_geojson`] checks and enforces every rule of the QGIS acceptance notes
//! (`checks/README-qgis.md`, "Rules for the exporter"):
//!
//! * **Coordinates** are `[lon, lat]` in WGS84 degrees, 2D, rounded to
//!   [`COORD_DECIMALS`] (6) decimals; there is no `crs` member.
//! * **One geometry type per file.** Points are `Point`, lines `LineString`. Polygons are all
//!   written as `MultiPolygon` when any feature has more than one part, else all as `Polygon`.
//!   Mixing points, lines and polygons is an error.
//! * **Valid polygons.** Each polygon goes through
//!   [`finish_for_geojson`]: rounded, cleaned,
//!   re-validated (the OGC rules GEOS checks), rings closed, exteriors counter-clockwise, holes
//!   clockwise. A polygon that is invalid, or vanishes, after rounding is an error.
//! * **Numbers are JSON numbers**, rounded to the column's decimals and written without
//!   trailing noise (`12.3`, not `12.300000000000001`). [`Cell::Num`] values always carry a
//!   decimal point (`2.0`), so that a column whose values happen to be whole still reaches QGIS
//!   as `Real`; [`Cell::Int`] values are written as integers. NaN and ±∞ become `null`.
//! * **One JSON type per property**, the same keys in every feature and in column order,
//!   `null` for a missing value (`Cell::Num(None)` or `Cell::Int(None)`, in any column). A
//!   [`Cell::Text`] is never null: an empty string stays `""` (the table has no missing text).
//! * **Feature ids.** Every feature gets the top-level member `"id": i`, its 0-based row
//!   index, which GDAL turns into the QGIS feature id (fid). No `id` property is added (a
//!   table column named `id` is allowed and stays an ordinary field); a column named `fid`
//!   (any case) is an error, because saving such a layer as GeoPackage fails or drops features.
//! * **Text** is raw UTF-8: only `"`, `\` and control characters are escaped, never Chinese.
//! * **No empty layers**: a table without rows gives `Ok(None)`, and the caller skips the file
//!   (an empty FeatureCollection opens in QGIS as a table without geometry or CRS).
//!
//! The output is deterministic: the same layer gives the same bytes. It has one feature per
//! line, members in the order `type`, `id`, `properties`, `geometry`, so that diffs are
//! readable. Write it to a temporary file and rename it, so that a failed run never leaves a
//! half-written layer behind.
//!
//! A property that is `null` in every feature reaches QGIS as a `String` field (GeoJSON has no
//! schema); that is allowed here, but it is better left out of the table.

use std::fmt::Write as _;

use geo::{Coord, LineString, MultiPolygon, Point};

use crate::error::{Error, Result};
use crate::export::isochrone::finish_for_geojson;
use crate::export::qml::GeomKind;
use crate::export::table::{Cell, Table};

/// Decimals of every coordinate (about 0.1 m), as RFC 7946 §11.2 recommends.
pub const COORD_DECIMALS: u32 = 6;

/// A geometry for one feature.
#[derive(Debug, Clone, PartialEq)]
pub enum Geom {
    /// An area: one or more polygons, written as `Polygon` or `MultiPolygon`.
    Polygon(MultiPolygon<f64>),
    /// A point (for example a unit's seat).
    Point(Point<f64>),
    /// A line (for example a link between two seats).
    Line(LineString<f64>),
}

impl Geom {
    /// The kind of geometry, as the QGIS styles in [`qml`](crate::export::qml) need it.
    pub fn kind(&self) -> GeomKind {
        match self {
            Geom::Polygon(_) => GeomKind::Polygon,
            Geom::Point(_) => GeomKind::Point,
            Geom::Line(_) => GeomKind::Line,
        }
    }
}

/// A layer: the table (one row per feature, columns = properties in order) and one geometry
/// per row.
#[derive(Debug, Clone)]
pub struct Layer<'a> {
    /// The properties: one row per feature, the columns in output order.
    pub table: &'a Table,
    /// One geometry per row, all of the same [`GeomKind`].
    pub geoms: Vec<Geom>,
}

/// The JSON type of a column, from its non-null cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Num,
    Int,
}

/// A geometry after rounding and checking, ready to print.
enum Ready {
    Polygon(MultiPolygon<f64>),
    Point(Coord<f64>),
    Line(Vec<Coord<f64>>),
}

/// Serialise a layer as an RFC 7946 FeatureCollection (UTF-8 bytes).
///
/// Checks and enforces every rule of the [module docs](self): coordinates rounded to
/// [`COORD_DECIMALS`], polygons valid and oriented, one geometry type, one JSON type per
/// property, the same keys in every feature, integer feature ids `0..n`, raw UTF-8 text.
///
/// # Arguments
///
/// * `layer` — the table (one row per feature) and one geometry per row.
///
/// # Returns
///
/// The file's bytes (ending with a newline), or `None` when the table has no rows: an empty
/// layer is not written.
///
/// # Errors
///
/// [`Error::Usage`] for what is a programming error in the caller, with the column or the
/// feature index: a column named `fid` (any case), an empty column name or two names that
/// differ only by case, a row whose length differs from the number of columns, a number of
/// geometries different from the number of rows, a column mixing text, float and integer
/// cells, geometries of different kinds, a coordinate that is not finite or outside
/// lon ±180 / lat ±90, a line with fewer than 2 distinct positions, or a polygon that is
/// invalid or has no area after rounding.
///
/// # Units
///
/// Coordinates are WGS84 longitude/latitude in degrees.
///
/// # Complexity
///
/// O(n log n) in the number of vertices (polygon validation; see
/// [`finish_for_geojson`]) plus the size of the
/// table.
///
/// # Examples
///
/// ```
/// use geo::Point;
/// use regionlink::export::geojson::{to_geojson, Geom, Layer};
/// use regionlink::export::table::{Cell, Table};
///
/// let mut t = Table::new(&[("name_zh", 0), ("pop_2020_10k", 1)]);
/// t.push(vec!["成都".into(), Cell::from(2093.78)]);
/// let layer = Layer { table: &t, geoms: vec![Geom::Point(Point::new(104.0657, 30.6595))] };
/// let bytes = to_geojson(&layer)?.expect("one feature");
/// let text = String::from_utf8(bytes).expect("UTF-8");
/// assert!(text.contains(r#""id":0,"properties":{"name_zh":"成都","pop_2020_10k":2093.8}"#));
/// assert!(text.contains(r#""coordinates":[104.0657,30.6595]"#));
///
/// let empty = Table::new(&[("name", 0)]);
/// assert!(to_geojson(&Layer { table: &empty, geoms: vec![] })?.is_none());
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn to_geojson(layer: &Layer) -> Result<Option<Vec<u8>>> {
    let table = layer.table;
    check_names(table)?;
    if table.rows.len() != layer.geoms.len() {
        return Err(usage(format!(
            "{} rows but {} geometries",
            table.rows.len(),
            layer.geoms.len()
        )));
    }
    if let Some((i, r)) = table
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.len() != table.columns.len())
    {
        return Err(usage(format!(
            "feature #{i}: {} cells for {} columns",
            r.len(),
            table.columns.len()
        )));
    }
    if table.rows.is_empty() {
        return Ok(None);
    }
    let kinds = column_kinds(table)?;
    let geoms = prepare_geoms(&layer.geoms)?;
    let multi = geoms
        .iter()
        .any(|g| matches!(g, Ready::Polygon(mp) if mp.0.len() > 1));

    let mut out = String::with_capacity(256 * table.rows.len());
    out.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, (row, geom)) in table.rows.iter().zip(&geoms).enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        let _ = write!(out, "{{\"type\":\"Feature\",\"id\":{i},\"properties\":{{");
        for (c, (col, cell)) in table.columns.iter().zip(row).enumerate() {
            if c > 0 {
                out.push(',');
            }
            push_string(&mut out, &col.name);
            out.push(':');
            push_cell(&mut out, cell, kinds[c], col.decimals);
        }
        out.push_str("},\"geometry\":");
        push_geometry(&mut out, geom, multi);
        out.push('}');
    }
    out.push_str("\n]}\n");
    Ok(Some(out.into_bytes()))
}

fn usage(message: String) -> Error {
    Error::Usage(format!("cannot write GeoJSON layer: {message}"))
}

/// Column names: non-empty, not `fid`, unique ignoring ASCII case.
fn check_names(table: &Table) -> Result<()> {
    for (i, c) in table.columns.iter().enumerate() {
        if c.name.is_empty() {
            return Err(usage(format!("column #{i} has an empty name")));
        }
        if c.name.eq_ignore_ascii_case("fid") {
            return Err(usage(format!(
                "column \"{}\": a property named fid makes saving the layer as GeoPackage fail \
                 (every feature already has a unique integer id)",
                c.name
            )));
        }
        if let Some(d) = table.columns[..i]
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(&c.name))
        {
            return Err(usage(format!(
                "columns \"{}\" and \"{}\" have the same name (ignoring case)",
                d.name, c.name
            )));
        }
    }
    Ok(())
}

/// The JSON type of each column; `None` cells fit every type. A column of only `None` cells
/// is numeric (written as `null` anyway).
fn column_kinds(table: &Table) -> Result<Vec<Kind>> {
    let mut kinds: Vec<Option<(Kind, usize)>> = vec![None; table.columns.len()];
    for (i, row) in table.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let k = match cell {
                Cell::Text(_) => Kind::Text,
                Cell::Num(Some(_)) => Kind::Num,
                Cell::Int(Some(_)) => Kind::Int,
                Cell::Num(None) | Cell::Int(None) => continue,
            };
            match kinds[c] {
                None => kinds[c] = Some((k, i)),
                Some((first, _)) if first == k => {}
                Some((first, at)) => {
                    return Err(usage(format!(
                        "column \"{}\" mixes types: {first:?} in feature #{at}, {k:?} in feature #{i}",
                        table.columns[c].name
                    )));
                }
            }
        }
    }
    Ok(kinds
        .into_iter()
        .map(|k| k.map_or(Kind::Num, |(k, _)| k))
        .collect())
}

/// Round and check every geometry; all must be of one kind.
fn prepare_geoms(geoms: &[Geom]) -> Result<Vec<Ready>> {
    let Some(first) = geoms.first() else {
        return Ok(Vec::new());
    };
    if let Some((i, g)) = geoms
        .iter()
        .enumerate()
        .find(|(_, g)| g.kind() != first.kind())
    {
        return Err(usage(format!(
            "one geometry type per file: feature #0 is a {:?}, feature #{i} a {:?}",
            first.kind(),
            g.kind()
        )));
    }
    geoms
        .iter()
        .enumerate()
        .map(|(i, g)| prepare(g).map_err(|e| usage(format!("feature #{i}: {e}"))))
        .collect()
}

fn prepare(g: &Geom) -> std::result::Result<Ready, String> {
    match g {
        Geom::Polygon(mp) => {
            let out = finish_for_geojson(mp.clone(), COORD_DECIMALS).map_err(|e| e.to_string())?;
            if out.0.is_empty() {
                return Err(format!(
                    "the polygon has no area after rounding to {COORD_DECIMALS} decimals"
                ));
            }
            for c in out
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.0.iter())
            {
                check_lon_lat(*c)?;
            }
            Ok(Ready::Polygon(out))
        }
        Geom::Point(p) => {
            check_lon_lat(p.0)?;
            Ok(Ready::Point(round(p.0)))
        }
        Geom::Line(l) => {
            let mut pts: Vec<Coord<f64>> = Vec::with_capacity(l.0.len());
            for c in &l.0 {
                check_lon_lat(*c)?;
                let c = round(*c);
                if pts.last() != Some(&c) {
                    pts.push(c);
                }
            }
            if pts.len() < 2 {
                return Err(format!(
                    "a line needs 2 distinct positions after rounding to {COORD_DECIMALS} \
                     decimals, it has {}",
                    pts.len()
                ));
            }
            Ok(Ready::Line(pts))
        }
    }
}

fn check_lon_lat(c: Coord<f64>) -> std::result::Result<(), String> {
    if !(c.x.is_finite() && c.y.is_finite()) {
        return Err(format!("coordinate ({}, {}) is not finite", c.x, c.y));
    }
    if !((-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y)) {
        return Err(format!(
            "coordinate ({}, {}) is not WGS84 lon/lat (lon within ±180, lat within ±90)",
            c.x, c.y
        ));
    }
    Ok(())
}

/// Round to [`COORD_DECIMALS`] ([`crate::export::table::round`]).
fn round(c: Coord<f64>) -> Coord<f64> {
    let d = COORD_DECIMALS as i32;
    Coord {
        x: crate::export::table::round(c.x, d),
        y: crate::export::table::round(c.y, d),
    }
}

/// A float with `decimals` decimals, trailing zeros trimmed but at least one decimal kept
/// (`2.0`, `12.3`, `0.0` for `-0.0`); `None` when not finite.
fn number(x: f64, decimals: usize) -> Option<String> {
    if !x.is_finite() {
        return None;
    }
    let mut s = format!("{x:.decimals$}");
    if s.contains('.') {
        let kept = s.trim_end_matches('0').len();
        s.truncate(kept);
    } else {
        s.push('.');
    }
    if s.ends_with('.') {
        s.push('0');
    }
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s.remove(0);
    }
    Some(s)
}

fn push_cell(out: &mut String, cell: &Cell, kind: Kind, decimals: usize) {
    match cell {
        Cell::Text(s) => push_string(out, s),
        Cell::Int(Some(i)) if kind == Kind::Int => {
            let _ = write!(out, "{i}");
        }
        Cell::Num(Some(x)) => match number(*x, decimals) {
            Some(s) => out.push_str(&s),
            None => out.push_str("null"),
        },
        // Null cells, and (unreachable after `column_kinds`) an Int in another kind of column.
        Cell::Int(_) | Cell::Num(None) => out.push_str("null"),
    }
}

/// A JSON string: `"`, `\` and control characters escaped, everything else raw UTF-8.
fn push_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_position(out: &mut String, c: Coord<f64>) {
    let d = COORD_DECIMALS as usize;
    // Coordinates were checked to be finite.
    let x = number(c.x, d).unwrap_or_else(|| "null".into());
    let y = number(c.y, d).unwrap_or_else(|| "null".into());
    let _ = write!(out, "[{x},{y}]");
}

fn push_ring(out: &mut String, ring: &LineString<f64>) {
    out.push('[');
    for (i, c) in ring.0.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_position(out, *c);
    }
    out.push(']');
}

fn push_polygon_rings(out: &mut String, p: &geo::Polygon<f64>) {
    out.push('[');
    push_ring(out, p.exterior());
    for h in p.interiors() {
        out.push(',');
        push_ring(out, h);
    }
    out.push(']');
}

fn push_geometry(out: &mut String, g: &Ready, multi: bool) {
    match g {
        Ready::Point(c) => {
            out.push_str("{\"type\":\"Point\",\"coordinates\":");
            push_position(out, *c);
        }
        Ready::Line(cs) => {
            out.push_str("{\"type\":\"LineString\",\"coordinates\":[");
            for (i, c) in cs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_position(out, *c);
            }
            out.push(']');
        }
        Ready::Polygon(mp) if multi => {
            out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
            for (i, p) in mp.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_polygon_rings(out, p);
            }
            out.push(']');
        }
        Ready::Polygon(mp) => {
            out.push_str("{\"type\":\"Polygon\",\"coordinates\":");
            // Not multi: every polygon has exactly one part (an empty one was rejected).
            if let Some(p) = mp.0.first() {
                push_polygon_rings(out, p);
            }
        }
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Validation, Winding, line_string, polygon};
    use serde_json::Value;

    /// A square of side `s` degrees at (x0, y0), given clockwise (the writer must reorient it).
    fn square_cw(x0: f64, y0: f64, s: f64) -> geo::Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x0, y: y0 + s), (x: x0 + s, y: y0 + s), (x: x0 + s, y: y0)]
    }

    fn table3() -> Table {
        let mut t = Table::new(&[
            ("code", 0),
            ("name", 0),
            ("name_zh", 0),
            ("pop_2020_10k", 2),
            ("rank", 0),
            ("t_chengdu_min", 1),
        ]);
        t.push(vec![
            "510100".into(),
            "Chengdu".into(),
            "成都市".into(),
            Cell::from(2093.7756),
            Cell::Int(Some(1)),
            Cell::from(0.0),
        ]);
        t.push(vec![
            "500000".into(),
            "Chongqing \"CQ\"".into(),
            "重庆市".into(),
            Cell::Num(None),
            Cell::Int(None),
            // 12.299999999999999 in binary: written as 12.3.
            Cell::from(12.1 + 0.2),
        ]);
        t.push(vec![
            "510700".into(),
            String::new().into(),
            "绵阳市".into(),
            Cell::from(f64::NAN),
            Cell::Int(Some(3_000_000_000)),
            Cell::Num(None),
        ]);
        t
    }

    /// Three features: a plain square, a square with a hole, and two squares (multi).
    fn polygons() -> Vec<Geom> {
        let holed = geo::Polygon::new(
            square_cw(105.0, 30.0, 1.0).exterior().clone(),
            vec![square_cw(105.25, 30.25, 0.5).exterior().clone()],
        );
        vec![
            Geom::Polygon(MultiPolygon::new(vec![square_cw(
                104.00000012,
                30.1234567,
                0.5,
            )])),
            Geom::Polygon(MultiPolygon::new(vec![holed])),
            Geom::Polygon(MultiPolygon::new(vec![
                square_cw(106.0, 29.0, 0.1),
                square_cw(106.5, 29.0, 0.1),
            ])),
        ]
    }

    fn parse(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).unwrap()
    }

    /// Signed area of a ring of JSON positions (shoelace), positive when counter-clockwise.
    fn signed_area(ring: &Value) -> f64 {
        let pts: Vec<(f64, f64)> = ring
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
            .collect();
        pts.windows(2)
            .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
            .sum::<f64>()
            / 2.0
    }

    /// Decimals of every number literal in the coordinates part of the text.
    fn max_coordinate_decimals(text: &str) -> usize {
        text.split("\"coordinates\":")
            .skip(1)
            .flat_map(|part| {
                part.split(['[', ']', ',', '}'])
                    .take_while(|s| !s.contains(':'))
                    .filter(|s| !s.is_empty())
                    .map(|s| s.split_once('.').map_or(0, |(_, d)| d.len()))
                    .collect::<Vec<_>>()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn polygon_layer_follows_every_rule() {
        let t = table3();
        let layer = Layer {
            table: &t,
            geoms: polygons(),
        };
        let bytes = to_geojson(&layer).unwrap().unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let v = parse(&bytes);
        assert_eq!(v["type"], "FeatureCollection");
        assert!(v.get("crs").is_none());
        let feats = v["features"].as_array().unwrap();
        assert_eq!(feats.len(), 3);
        // ids 0, 1, 2: unique integers, and no property named id or fid.
        let ids: Vec<i64> = feats.iter().map(|f| f["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, vec![0, 1, 2]);
        // The same keys in the same order in every feature.
        let keys = |f: &Value| -> Vec<String> {
            f["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect()
        };
        for f in feats {
            assert_eq!(
                keys(f),
                vec![
                    "code",
                    "name",
                    "name_zh",
                    "pop_2020_10k",
                    "rank",
                    "t_chengdu_min"
                ]
            );
        }
        // Types: codes stay strings, numbers are numbers, None and NaN are null.
        let p = |i: usize, k: &str| feats[i]["properties"][k].clone();
        assert_eq!(p(0, "code"), "510100");
        assert!(p(0, "pop_2020_10k").is_f64());
        assert_eq!(p(0, "pop_2020_10k").as_f64(), Some(2093.78));
        assert!(p(1, "pop_2020_10k").is_null());
        assert!(p(2, "pop_2020_10k").is_null());
        assert_eq!(p(0, "rank").as_i64(), Some(1));
        assert!(p(1, "rank").is_null());
        assert_eq!(p(2, "rank").as_i64(), Some(3_000_000_000));
        assert_eq!(p(1, "name"), "Chongqing \"CQ\"");
        assert_eq!(p(2, "name"), "");
        // Floats: a decimal point even when whole, no trailing noise.
        assert!(text.contains("\"t_chengdu_min\":0.0}"));
        assert!(text.contains("\"t_chengdu_min\":12.3}"));
        assert!(text.contains("\"rank\":3000000000,"));
        for k in ["pop_2020_10k", "t_chengdu_min"] {
            assert!(
                feats
                    .iter()
                    .all(|f| f["properties"][k].is_f64() || f["properties"][k].is_null())
            );
        }
        // Chinese as raw UTF-8.
        assert!(text.contains("\"name_zh\":\"成都市\""));
        assert!(!text.contains("\\u"));
        // Geometry: one multi part anywhere makes every feature a MultiPolygon.
        for f in feats {
            assert_eq!(f["geometry"]["type"], "MultiPolygon");
        }
        assert!(max_coordinate_decimals(text) <= 6);
        assert!(text.contains("[104.0,30.123457]"));
        // Closed rings, exteriors CCW, holes CW.
        let mut holes = 0;
        for f in feats {
            for poly in f["geometry"]["coordinates"].as_array().unwrap() {
                for (r, ring) in poly.as_array().unwrap().iter().enumerate() {
                    let a = ring.as_array().unwrap();
                    assert_eq!(a.first(), a.last());
                    if r == 0 {
                        assert!(signed_area(ring) > 0.0);
                    } else {
                        holes += 1;
                        assert!(signed_area(ring) < 0.0);
                    }
                }
            }
        }
        assert_eq!(holes, 1);
        // Deterministic: the same bytes again.
        assert_eq!(to_geojson(&layer).unwrap().unwrap(), bytes);
    }

    #[test]
    fn single_part_polygons_are_polygons() {
        let mut t = Table::new(&[("name", 0)]);
        t.push(vec!["a".into()]);
        t.push(vec!["b".into()]);
        let geoms = polygons().into_iter().take(2).collect();
        let bytes = to_geojson(&Layer { table: &t, geoms }).unwrap().unwrap();
        let v = parse(&bytes);
        for f in v["features"].as_array().unwrap() {
            assert_eq!(f["geometry"]["type"], "Polygon");
            let rings = f["geometry"]["coordinates"].as_array().unwrap();
            assert!(signed_area(&rings[0]) > 0.0);
        }
    }

    #[test]
    fn points_and_lines() {
        let mut t = Table::new(&[("name", 0)]);
        t.push(vec!["成都".into()]);
        t.push(vec!["重庆".into()]);
        let pts = vec![
            Geom::Point(Point::new(104.06573301, 30.65946)),
            Geom::Point(Point::new(106.5507, -0.0000001)),
        ];
        let bytes = to_geojson(&Layer {
            table: &t,
            geoms: pts,
        })
        .unwrap()
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("{\"type\":\"Point\",\"coordinates\":[104.065733,30.65946]}"));
        assert!(text.contains("[106.5507,0.0]"));
        let lines = vec![
            // Repeated positions (after rounding) are dropped.
            Geom::Line(
                line_string![(x: 104.0, y: 30.0), (x: 104.0000001, y: 30.0), (x: 106.5, y: 29.5)],
            ),
            Geom::Line(line_string![(x: 106.5, y: 29.5), (x: 105.0, y: 31.0)]),
        ];
        let bytes = to_geojson(&Layer {
            table: &t,
            geoms: lines,
        })
        .unwrap()
        .unwrap();
        let v = parse(&bytes);
        let f0 = &v["features"][0]["geometry"];
        assert_eq!(f0["type"], "LineString");
        assert_eq!(f0["coordinates"].as_array().unwrap().len(), 2);
        // A line that collapses to one position is an error.
        let mut one = Table::new(&[("name", 0)]);
        one.push(vec!["x".into()]);
        let dot = vec![Geom::Line(
            line_string![(x: 104.0, y: 30.0), (x: 104.0000001, y: 30.0)],
        )];
        assert!(matches!(
            to_geojson(&Layer { table: &one, geoms: dot }),
            Err(Error::Usage(m)) if m.contains("2 distinct positions")
        ));
    }

    #[test]
    fn empty_layer_is_none() {
        let t = Table::new(&[("name", 0), ("x", 1)]);
        assert!(
            to_geojson(&Layer {
                table: &t,
                geoms: vec![]
            })
            .unwrap()
            .is_none()
        );
    }

    #[test]
    fn fid_and_duplicate_columns_are_errors() {
        for cols in [
            &[("name", 0), ("fid", 0)][..],
            &[("FID", 0)][..],
            &[("pop", 0), ("Pop", 0)][..],
            &[("", 0)][..],
        ] {
            let mut t = Table::new(cols);
            t.push(cols.iter().map(|_| Cell::Int(Some(1))).collect());
            let geoms = vec![Geom::Point(Point::new(104.0, 30.0))];
            let r = to_geojson(&Layer { table: &t, geoms });
            assert!(matches!(r, Err(Error::Usage(_))), "{cols:?}");
            // Even for an empty layer: the column names are a programming error.
            t.rows.clear();
            let r = to_geojson(&Layer {
                table: &t,
                geoms: vec![],
            });
            assert!(matches!(r, Err(Error::Usage(_))), "{cols:?}");
        }
        // A column named id is allowed: it stays a property, the feature id is the row index.
        let mut t = Table::new(&[("id", 0)]);
        t.push(vec![Cell::Int(Some(42))]);
        let geoms = vec![Geom::Point(Point::new(104.0, 30.0))];
        let v = parse(&to_geojson(&Layer { table: &t, geoms }).unwrap().unwrap());
        assert_eq!(v["features"][0]["id"], 0);
        assert_eq!(v["features"][0]["properties"]["id"], 42);
    }

    #[test]
    fn mixed_geometry_kinds_are_an_error() {
        let mut t = Table::new(&[("name", 0)]);
        t.push(vec!["a".into()]);
        t.push(vec!["b".into()]);
        let geoms = vec![
            Geom::Point(Point::new(104.0, 30.0)),
            Geom::Line(line_string![(x: 104.0, y: 30.0), (x: 105.0, y: 30.0)]),
        ];
        let r = to_geojson(&Layer { table: &t, geoms });
        assert!(matches!(r, Err(Error::Usage(m)) if m.contains("one geometry type")));
        let mut geoms = polygons();
        geoms.truncate(1);
        geoms.push(Geom::Point(Point::new(104.0, 30.0)));
        assert!(to_geojson(&Layer { table: &t, geoms }).is_err());
    }

    #[test]
    fn mismatches_and_bad_values_are_errors() {
        let mut t = Table::new(&[("name", 0)]);
        t.push(vec!["a".into()]);
        let pt = || Geom::Point(Point::new(104.0, 30.0));
        // Rows vs geometries.
        assert!(
            matches!(to_geojson(&Layer { table: &t, geoms: vec![pt(), pt()] }), Err(Error::Usage(m)) if m.contains("1 rows but 2 geometries"))
        );
        assert!(
            to_geojson(&Layer {
                table: &t,
                geoms: vec![]
            })
            .is_err()
        );
        // A row of the wrong length (rows is public).
        let mut bad = t.clone();
        bad.rows[0].push(Cell::Num(None));
        assert!(
            to_geojson(&Layer {
                table: &bad,
                geoms: vec![pt()]
            })
            .is_err()
        );
        // A column mixing text and numbers.
        let mut mixed = Table::new(&[("v", 1)]);
        mixed.push(vec![Cell::from(0.73)]);
        mixed.push(vec!["N/A".into()]);
        assert!(
            matches!(to_geojson(&Layer { table: &mixed, geoms: vec![pt(), pt()] }), Err(Error::Usage(m)) if m.contains("mixes types"))
        );
        // Swapped or projected coordinates, NaN.
        for p in [
            Point::new(30.0, 104.0),
            Point::new(1.2e7, 3.5e6),
            Point::new(f64::NAN, 30.0),
        ] {
            assert!(
                to_geojson(&Layer {
                    table: &t,
                    geoms: vec![Geom::Point(p)]
                })
                .is_err()
            );
        }
        // A polygon thinner than the rounding step has no area left: an error.
        let sliver = MultiPolygon::new(vec![
            polygon![(x: 104.0, y: 30.0), (x: 104.1, y: 30.0), (x: 104.05, y: 30.00000004)],
        ]);
        assert!(
            matches!(to_geojson(&Layer { table: &t, geoms: vec![Geom::Polygon(sliver)] }), Err(Error::Usage(m)) if m.contains("feature #0") && m.contains("no area"))
        );
    }

    #[test]
    fn numbers_are_trimmed_json_numbers() {
        assert_eq!(number(12.1 + 0.2, 3).as_deref(), Some("12.3"));
        assert_eq!(number(2093.7756, 2).as_deref(), Some("2093.78"));
        assert_eq!(number(2.0, 2).as_deref(), Some("2.0"));
        assert_eq!(number(2.0, 0).as_deref(), Some("2.0"));
        assert_eq!(number(1234.5678, 0).as_deref(), Some("1235.0"));
        assert_eq!(number(-0.0001, 2).as_deref(), Some("0.0"));
        assert_eq!(number(-1.25, 1).as_deref(), Some("-1.2"));
        assert_eq!(number(1e-7, 6).as_deref(), Some("0.0"));
        assert_eq!(number(0.1 + 0.2, 6).as_deref(), Some("0.3"));
        assert_eq!(number(f64::NAN, 2), None);
        assert_eq!(number(f64::INFINITY, 2), None);
        // Every output parses as the JSON number it claims to be.
        for x in [0.0, 1.5, -3.25, 1e15, 123456.789] {
            let s = number(x, 3).unwrap();
            let v: Value = serde_json::from_str(&s).unwrap();
            assert!(v.is_f64());
        }
    }

    #[test]
    fn strings_escape_only_what_json_requires() {
        let mut s = String::new();
        push_string(&mut s, "重庆 \"a\\b\"\n\t\u{1}");
        assert_eq!(s, "\"重庆 \\\"a\\\\b\\\"\\n\\t\\u0001\"");
        let v: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v, "重庆 \"a\\b\"\n\t\u{1}");
    }

    #[test]
    fn real_units_are_valid_after_writing() {
        use crate::load::{LoadOptions, load_inputs};
        let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap();
        let mut t = Table::new(&[("code", 0), ("name", 0)]);
        let mut geoms = Vec::new();
        for u in &inputs.region.units {
            t.push(vec![u.code.as_str().into(), u.name.as_str().into()]);
            geoms.push(Geom::Polygon(u.geometry.clone().unwrap()));
        }
        let bytes = to_geojson(&Layer { table: &t, geoms }).unwrap().unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(max_coordinate_decimals(text) <= 6);
        let v = parse(&bytes);
        let feats = v["features"].as_array().unwrap();
        assert_eq!(feats.len(), 59);
        // Re-read with the geojson crate: every polygon valid, exteriors CCW, holes CW.
        let fc: geojson::FeatureCollection = text.parse().unwrap();
        for f in fc.features {
            let g: geo::Geometry<f64> = f.geometry.unwrap().try_into().unwrap();
            let mp = match g {
                geo::Geometry::MultiPolygon(mp) => mp,
                geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
                other => panic!("not a polygon: {other:?}"),
            };
            assert!(mp.is_valid());
            for p in &mp {
                assert!(p.exterior().is_ccw());
                assert!(p.interiors().iter().all(|h| h.is_cw()));
            }
        }
    }
}
