//! osm4routing's `nodes.csv` + `edges.csv`, read as bytes: columns by header, one pass each.

use std::fs::File;
use std::path::Path;

use ::csv::ByteRecord;

use super::{
    IdIndex, RoadClass, RoadEdge, RoadGraph, RoadNode, id_index, io_error, line, show_bytes,
};
use crate::error::{Error, Location, Result};
use crate::load::RoadParams;
use crate::load::lines::LineReader;

/// An open CSV file with its header.
struct CsvFile {
    name: String,
    reader: csv::Reader<LineReader<File>>,
    header: ByteRecord,
}

impl CsvFile {
    fn open(path: &Path, columns: &str) -> Result<Self> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|e| io_error(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .buffer_capacity(1 << 16)
            .from_reader(LineReader::new(file));
        let header = match reader.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => return Err(csv_error(&name, &e, 1)),
        };
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
        let more = self.reader.read_byte_record(rec).map_err(|e| {
            let line = e.position().map_or(1, |p| self.line_at(p));
            csv_error(&self.name, &e, line)
        })?;
        if !more && let Some(line) = self.reader.get_ref().unterminated_quote() {
            return Err(crate::load::links::unterminated_quote(&self.name, line));
        }
        Ok(more)
    }

    /// The line a record starts on (see [`LineReader`]: the `csv` crate's own line is one too
    /// small after a CRLF).
    fn line_at(&mut self, p: &csv::Position) -> u64 {
        self.reader.get_mut().line_at(p.byte())
    }

    /// The line of the record just read.
    fn line_of(&mut self, rec: &ByteRecord) -> u64 {
        rec.position().map_or(0, |p| self.line_at(p))
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

fn csv_error(file: &str, e: &csv::Error, ln: u64) -> Error {
    let at = line(ln);
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
        let ln = f.line_of(&rec);
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

pub(super) fn load_csv(
    nodes_path: &Path,
    edges_path: &Path,
    params: &RoadParams,
) -> Result<RoadGraph> {
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
        let ln = f.line_of(&rec);
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
            Ok(Some(e)) => edges.push(e),
            Ok(None) => skipped_no_car += 1,
            Err(why) => return Err(bad("length", length_v, &format!(" (metres): {why}"))),
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
}
