//! The GeoPackage of a run: `regionlink.gpkg`, one file with every layer and table and each
//! layer's QGIS style as its default, so dragging the one file into QGIS gives styled layers.
//!
//! Written per the OGC GeoPackage 1.2 encoding standard with SQLite (the `rusqlite` crate
//! with its bundled SQLite, compiled from C with the machine's C compiler, so nothing is needed
//! from the system): the `application_id` (`GPKG`) and `user_version` (10200) pragmas, the
//! tables `gpkg_spatial_ref_sys` (EPSG:4326 and the two undefined systems the standard
//! requires), `gpkg_contents` (each table with its title and extent) and
//! `gpkg_geometry_columns`, one feature table per layer (`fid` = the GeoJSON id + 1, the
//! geometry in column `geom` as a GeoPackage binary: the `GP` header with the envelope, then
//! little-endian ISO WKB; polygons as MultiPolygon), one attribute table per CSV table, and
//! QGIS's `layer_styles` table (the columns QGIS itself creates; one row per layer, its `.qml`
//! as `styleQML`, `useAsDefault` = 1). There is no spatial index (an optional extension): the
//! layers are small.
//!
//! The features and their properties are read back from the layers' GeoJSON, so the
//! GeoPackage holds exactly what the `.geojson` files hold (same rounding, same types: JSON
//! integers are `INTEGER`, other numbers `REAL`, strings `TEXT`).
//!
//! The bytes are deterministic: the database is built in memory by the same statements in the
//! same order and serialised, and every date in it is the fixed [`TIMESTAMP`].

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, params_from_iter};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::export::layers::LayerInfo;
use crate::export::table::{Cell, Table};
use crate::export::write::Outputs;

/// The GeoPackage's file name.
pub const FILE: &str = "regionlink.gpkg";

/// The date written in `gpkg_contents.last_change` and `layer_styles.update_time`: a fixed one,
/// so that the same run gives the same bytes.
pub const TIMESTAMP: &str = "2000-01-01T00:00:00.000Z";

/// A non-spatial table for the GeoPackage.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeTable {
    /// Table name.
    pub name: String,
    /// Its title (`gpkg_contents.identifier`).
    pub title: String,
    /// Column names and SQL types (`TEXT`, `REAL`, `INTEGER`).
    pub columns: Vec<(String, &'static str)>,
    /// The rows.
    pub rows: Vec<Vec<Sql>>,
}

impl AttributeTable {
    /// From a typed table: text columns `TEXT`, integer columns `INTEGER`, number columns
    /// `REAL` (rounded to the column's decimals, as in the CSV).
    pub fn from_table(name: &str, title: &str, t: &Table) -> AttributeTable {
        let columns = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let ty = t
                    .rows
                    .iter()
                    .find_map(|r| match &r[i] {
                        Cell::Text(_) => Some("TEXT"),
                        Cell::Num(Some(_)) => Some("REAL"),
                        Cell::Int(Some(_)) => Some("INTEGER"),
                        _ => None,
                    })
                    .unwrap_or("REAL");
                (c.name.clone(), ty)
            })
            .collect();
        let rows = t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, c)| match c {
                        Cell::Text(s) => Sql::Text(s.clone()),
                        Cell::Num(Some(x)) => Sql::Real(crate::export::table::round(
                            *x,
                            t.columns[i].decimals as i32,
                        )),
                        Cell::Int(Some(x)) => Sql::Integer(*x),
                        Cell::Num(None) | Cell::Int(None) => Sql::Null,
                    })
                    .collect()
            })
            .collect();
        AttributeTable {
            name: name.to_string(),
            title: title.to_string(),
            columns,
            rows,
        }
    }

    /// From CSV bytes: a column whose every non-empty cell is a number is `REAL`, unless its
    /// name is `code` or ends in `_code` (unit codes stay text); the others are `TEXT`; empty
    /// cells are NULL.
    ///
    /// # Errors
    /// CSV that does not parse (a programming error: the CSV is the run's own).
    pub fn from_csv(name: &str, title: &str, bytes: &[u8]) -> Result<AttributeTable> {
        let mut r = csv::Reader::from_reader(bytes);
        let bad = |e: csv::Error| Error::Usage(format!("cannot read table {name}: {e}"));
        let header: Vec<String> = r.headers().map_err(bad)?.iter().map(String::from).collect();
        let records: Vec<Vec<String>> = r
            .records()
            .map(|rec| rec.map(|x| x.iter().map(String::from).collect()))
            .collect::<std::result::Result<_, _>>()
            .map_err(bad)?;
        let numeric: Vec<bool> = (0..header.len())
            .map(|i| {
                !(header[i] == "code" || header[i].ends_with("_code"))
                    && records
                        .iter()
                        .all(|rec| rec[i].is_empty() || rec[i].parse::<f64>().is_ok())
            })
            .collect();
        let columns = header
            .iter()
            .zip(&numeric)
            .map(|(h, n)| (h.clone(), if *n { "REAL" } else { "TEXT" }))
            .collect();
        let rows = records
            .into_iter()
            .map(|rec| {
                rec.into_iter()
                    .zip(&numeric)
                    .map(|(v, n)| match (v.is_empty(), n) {
                        (true, _) => Sql::Null,
                        (false, true) => v.parse::<f64>().map_or(Sql::Null, Sql::Real),
                        (false, false) => Sql::Text(v),
                    })
                    .collect()
            })
            .collect();
        Ok(AttributeTable {
            name: name.to_string(),
            title: title.to_string(),
            columns,
            rows,
        })
    }
}

fn sql_err(e: rusqlite::Error) -> Error {
    Error::Usage(format!("cannot build the GeoPackage: {e}"))
}

/// `"name"`, quoted for SQL.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

const SCHEMA: &str = r"
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name), CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
";

/// The WKT of EPSG:4326 as GDAL writes it in `gpkg_spatial_ref_sys`.
const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

/// The GeoPackage of the `layers` written in `out` (each `<name>.geojson` with its
/// `<name>.qml`) and the attribute `tables`, as bytes.
///
/// # Errors
/// A layer whose GeoJSON is missing or does not parse, or an SQLite error (both programming
/// errors: the inputs are the run's own outputs).
pub fn geopackage(
    out: &Outputs,
    layers: &[LayerInfo],
    tables: &[AttributeTable],
) -> Result<Vec<u8>> {
    let mut db = Connection::open_in_memory().map_err(sql_err)?;
    db.execute_batch(&format!(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200; {SCHEMA}"
    ))
    .map_err(sql_err)?;
    db.execute_batch(&format!(
        "INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{WGS84_WKT}', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');"
    ))
    .map_err(sql_err)?;
    db.execute_batch("BEGIN").map_err(sql_err)?;
    for l in stacking_order(layers) {
        feature_table(&db, out, l)?;
    }
    for t in tables {
        attribute_table(&db, t)?;
    }
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS styles of the layers', ?1, 0)",
        [TIMESTAMP],
    )
    .map_err(sql_err)?;
    db.execute_batch("COMMIT").map_err(sql_err)?;
    let data = db.serialize(rusqlite::MAIN_DB).map_err(sql_err)?;
    Ok(data.to_vec())
}

/// The layers in the order QGIS stacks them when the GeoPackage is dragged in (QGIS puts the
/// first table on top): place names, the network, WATT by unit, then the other measures (which
/// the unit fill covers until it is switched off), each kind in the order of the run.
pub fn stacking_order(layers: &[LayerInfo]) -> Vec<&LayerInfo> {
    use crate::export::layers::Group;
    use crate::export::qml::GeomKind;
    let rank = |l: &LayerInfo| match (l.kind, l.group) {
        (GeomKind::Point, _) => 0,
        (GeomKind::Line, Group::Network) => 1,
        _ if l.name == "units" => 2,
        (GeomKind::Line, _) => 3,
        _ => 4,
    };
    let mut v: Vec<&LayerInfo> = layers.iter().collect();
    v.sort_by_key(|l| rank(l));
    v
}

fn feature_table(db: &Connection, out: &Outputs, l: &LayerInfo) -> Result<()> {
    let file = |ext: &str| {
        let n = format!("{}.{ext}", l.name);
        out.files
            .iter()
            .find(|f| f.name == n)
            .map(|f| f.bytes.as_slice())
            .ok_or_else(|| Error::Usage(format!("GeoPackage: {n} is not among the outputs")))
    };
    let v: Value = serde_json::from_slice(file("geojson")?)
        .map_err(|e| Error::Usage(format!("GeoPackage: {}.geojson: {e}", l.name)))?;
    let qml = String::from_utf8_lossy(file("qml")?).into_owned();
    let empty = Vec::new();
    let feats = v["features"].as_array().unwrap_or(&empty);
    let keys: Vec<String> = feats
        .first()
        .and_then(|f| f["properties"].as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let types: Vec<&str> = keys
        .iter()
        .map(|k| {
            let vals = || feats.iter().map(|f| &f["properties"][k]);
            if vals().any(|x| x.is_f64()) {
                "REAL"
            } else if vals().any(|x| x.is_i64() || x.is_u64()) {
                "INTEGER"
            } else if vals().any(Value::is_string) {
                "TEXT"
            } else {
                "REAL"
            }
        })
        .collect();
    let gtype = match l.kind {
        crate::export::qml::GeomKind::Point => "POINT",
        crate::export::qml::GeomKind::Line => "LINESTRING",
        crate::export::qml::GeomKind::Polygon => "MULTIPOLYGON",
    };
    let cols: String = keys
        .iter()
        .zip(&types)
        .map(|(k, t)| format!(", {} {t}", ident(k)))
        .collect();
    db.execute_batch(&format!(
        "CREATE TABLE {} (fid INTEGER PRIMARY KEY NOT NULL, geom {gtype}{cols});",
        ident(&l.name)
    ))
    .map_err(sql_err)?;
    let marks: String = (0..keys.len() + 2)
        .map(|i| format!("?{}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let mut ins = db
        .prepare(&format!("INSERT INTO {} VALUES ({marks})", ident(&l.name)))
        .map_err(sql_err)?;
    let mut ext = Envelope::default();
    for (i, f) in feats.iter().enumerate() {
        let (blob, env) = gpkg_geometry(&f["geometry"])?;
        ext.add(&env);
        let mut row: Vec<Sql> = vec![Sql::Integer(i as i64 + 1), Sql::Blob(blob)];
        for k in &keys {
            row.push(match &f["properties"][k] {
                Value::Null => Sql::Null,
                Value::Bool(b) => Sql::Integer(i64::from(*b)),
                Value::Number(n) => match n.as_i64() {
                    Some(x) => Sql::Integer(x),
                    None => Sql::Real(n.as_f64().unwrap_or(f64::NAN)),
                },
                Value::String(s) => Sql::Text(s.clone()),
                other => Sql::Text(other.to_string()),
            });
        }
        ins.execute(params_from_iter(row)).map_err(sql_err)?;
    }
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?2, '', ?3, ?4, ?5, ?6, ?7, 4326)",
        rusqlite::params![l.name, l.title, TIMESTAMP, ext.min_x, ext.min_y, ext.max_x, ext.max_y],
    )
    .map_err(sql_err)?;
    db.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
        rusqlite::params![l.name, gtype],
    )
    .map_err(sql_err)?;
    db.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, ?3, '', NULL, ?4)",
        rusqlite::params![l.name, qml, l.title, TIMESTAMP],
    )
    .map_err(sql_err)?;
    Ok(())
}

fn attribute_table(db: &Connection, t: &AttributeTable) -> Result<()> {
    let cols: String = t
        .columns
        .iter()
        .map(|(k, ty)| format!(", {} {ty}", ident(k)))
        .collect();
    db.execute_batch(&format!(
        "CREATE TABLE {} (fid INTEGER PRIMARY KEY NOT NULL{cols});",
        ident(&t.name)
    ))
    .map_err(sql_err)?;
    let marks: String = (0..t.columns.len() + 1)
        .map(|i| format!("?{}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let mut ins = db
        .prepare(&format!("INSERT INTO {} VALUES ({marks})", ident(&t.name)))
        .map_err(sql_err)?;
    for (i, r) in t.rows.iter().enumerate() {
        let row = std::iter::once(Sql::Integer(i as i64 + 1)).chain(r.iter().cloned());
        ins.execute(params_from_iter(row)).map_err(sql_err)?;
    }
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?1, 'attributes', ?2, '', ?3, 0)",
        rusqlite::params![t.name, t.title, TIMESTAMP],
    )
    .map_err(sql_err)?;
    Ok(())
}

/// A bounding box (`min_x` = +∞ when empty).
#[derive(Debug, Clone, Copy)]
struct Envelope {
    min_x: f64,
    min_y: f64,
    max_x: f64,
    max_y: f64,
}

impl Default for Envelope {
    fn default() -> Self {
        Envelope {
            min_x: f64::INFINITY,
            min_y: f64::INFINITY,
            max_x: f64::NEG_INFINITY,
            max_y: f64::NEG_INFINITY,
        }
    }
}

impl Envelope {
    fn point(&mut self, x: f64, y: f64) {
        self.min_x = self.min_x.min(x);
        self.min_y = self.min_y.min(y);
        self.max_x = self.max_x.max(x);
        self.max_y = self.max_y.max(y);
    }

    fn add(&mut self, o: &Envelope) {
        if o.min_x.is_finite() {
            self.point(o.min_x, o.min_y);
            self.point(o.max_x, o.max_y);
        }
    }
}

/// A GeoJSON geometry (Point, LineString, Polygon, MultiPolygon) as a GeoPackage binary
/// (polygons as MultiPolygon), with its envelope.
fn gpkg_geometry(g: &Value) -> Result<(Vec<u8>, Envelope)> {
    let bad = || Error::Usage(format!("GeoPackage: unexpected geometry {g}"));
    let pos = |p: &Value| -> Result<(f64, f64)> {
        Ok((
            p.get(0).and_then(Value::as_f64).ok_or_else(bad)?,
            p.get(1).and_then(Value::as_f64).ok_or_else(bad)?,
        ))
    };
    let list = |v: &Value| -> Result<Vec<(f64, f64)>> {
        v.as_array().ok_or_else(bad)?.iter().map(pos).collect()
    };
    let polygon = |v: &Value| -> Result<Vec<Vec<(f64, f64)>>> {
        v.as_array().ok_or_else(bad)?.iter().map(list).collect()
    };
    let c = &g["coordinates"];
    let mut wkb = vec![1u8];
    let mut env = Envelope::default();
    let mut coords = |w: &mut Vec<u8>, pts: &[(f64, f64)]| {
        for &(x, y) in pts {
            env.point(x, y);
            w.extend_from_slice(&x.to_le_bytes());
            w.extend_from_slice(&y.to_le_bytes());
        }
    };
    let kind = g["type"].as_str().ok_or_else(bad)?;
    match kind {
        "Point" => {
            wkb.extend_from_slice(&1u32.to_le_bytes());
            coords(&mut wkb, &[pos(c)?]);
        }
        "LineString" => {
            let pts = list(c)?;
            wkb.extend_from_slice(&2u32.to_le_bytes());
            wkb.extend_from_slice(&(pts.len() as u32).to_le_bytes());
            coords(&mut wkb, &pts);
        }
        "Polygon" | "MultiPolygon" => {
            let polys = if kind == "Polygon" {
                vec![polygon(c)?]
            } else {
                c.as_array()
                    .ok_or_else(bad)?
                    .iter()
                    .map(polygon)
                    .collect::<Result<Vec<_>>>()?
            };
            wkb.extend_from_slice(&6u32.to_le_bytes());
            wkb.extend_from_slice(&(polys.len() as u32).to_le_bytes());
            for p in &polys {
                wkb.push(1);
                wkb.extend_from_slice(&3u32.to_le_bytes());
                wkb.extend_from_slice(&(p.len() as u32).to_le_bytes());
                for ring in p {
                    wkb.extend_from_slice(&(ring.len() as u32).to_le_bytes());
                    coords(&mut wkb, ring);
                }
            }
        }
        _ => return Err(bad()),
    }
    // The header: magic, version 0, flags (little-endian; an xy envelope except for points).
    let with_env = kind != "Point";
    let mut out = vec![
        b'G',
        b'P',
        0,
        if with_env { 0b0000_0011 } else { 0b0000_0001 },
    ];
    out.extend_from_slice(&4326i32.to_le_bytes());
    if with_env {
        for v in [env.min_x, env.max_x, env.min_y, env.max_y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(&wkb);
    Ok((out, env))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_and_polygon_binaries() {
        let (p, _) =
            gpkg_geometry(&serde_json::json!({"type":"Point","coordinates":[104.0, 30.5]}))
                .unwrap();
        assert_eq!(&p[..4], b"GP\x00\x01");
        assert_eq!(i32::from_le_bytes(p[4..8].try_into().unwrap()), 4326);
        assert_eq!(p[8], 1); // WKB little endian
        assert_eq!(u32::from_le_bytes(p[9..13].try_into().unwrap()), 1);
        assert_eq!(f64::from_le_bytes(p[13..21].try_into().unwrap()), 104.0);
        let sq = serde_json::json!({"type":"Polygon","coordinates":[[[0.0,0.0],[2.0,0.0],[2.0,1.0],[0.0,0.0]]]});
        let (g, env) = gpkg_geometry(&sq).unwrap();
        assert_eq!(&g[..4], b"GP\x00\x03");
        assert_eq!(
            (env.min_x, env.max_x, env.min_y, env.max_y),
            (0.0, 2.0, 0.0, 1.0)
        );
        // envelope minx, maxx, miny, maxy then a MultiPolygon of one polygon of one 4-point ring
        assert_eq!(f64::from_le_bytes(g[16..24].try_into().unwrap()), 2.0);
        assert_eq!(u32::from_le_bytes(g[41..45].try_into().unwrap()), 6);
        assert_eq!(u32::from_le_bytes(g[45..49].try_into().unwrap()), 1);
    }

    #[test]
    fn csv_tables_keep_codes_as_text() {
        let t = AttributeTable::from_csv(
            "od",
            "OD",
            b"from_code,to_code,minutes\n510100,500103,62.5\n510100,510100,\n",
        )
        .unwrap();
        assert_eq!(
            t.columns,
            vec![
                ("from_code".into(), "TEXT"),
                ("to_code".into(), "TEXT"),
                ("minutes".into(), "REAL")
            ]
        );
        assert_eq!(t.rows[0][2], Sql::Real(62.5));
        assert_eq!(t.rows[1][2], Sql::Null);
    }
}
