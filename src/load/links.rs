//! Reading a links file: CSV with the columns of `data/links.csv`, or a GeoJSON
//! FeatureCollection of LineStrings with the same properties.
//!
//! Columns are found by header name; extra columns are ignored. Used: `link_id`, `from_code`,
//! `to_code`, `mode` (hsr, rail, expressway, road), `time_min` or `length_km`, `status` (open,
//! under_construction, planned), `opening_year`, `planned_opening_year`, `line_id`,
//! `line_name_en` / `line_name_zh`, `time_source`, `verification`; optional endpoint positions
//! `from_lon`, `from_lat`, `to_lon`, `to_lat` (a GeoJSON LineString gives them by its first and
//! last position).

use geo::Point;
use serde_json::Value;

use crate::error::{Error, Location, Result, show_number};
use crate::load::lines::LineReader;
use crate::model::{LinkStatus, Mode};

/// The longest time a link may take, minutes (24 h).
pub const MAX_LINK_MIN: f64 = 24.0 * 60.0;

/// One row of a links file, checked but not yet attached to units.
#[derive(Debug, Clone, PartialEq)]
pub struct RawLink {
    /// Where the row came from (file name).
    pub file: String,
    /// Where in the file (CSV line or GeoJSON feature).
    pub location: Location,
    /// The link's id.
    pub link_id: String,
    /// The line or corridor it belongs to.
    pub line_id: Option<String>,
    /// Line name (English).
    pub line_name: Option<String>,
    /// Line name (Chinese).
    pub line_name_zh: Option<String>,
    /// Code of the unit at one end.
    pub from_code: String,
    /// Code of the unit at the other end.
    pub to_code: String,
    /// A position of the `from` end, when the file gives one.
    pub from_pos: Option<Point<f64>>,
    /// A position of the `to` end, when the file gives one.
    pub to_pos: Option<Point<f64>>,
    /// Mode.
    pub mode: Mode,
    /// Service type (segment, express_direct, …), when given.
    pub service: Option<String>,
    /// Status.
    pub status: LinkStatus,
    /// Year the link opened (open links).
    pub opening_year: Option<i32>,
    /// Year the link is due (under construction / planned).
    pub planned_year: Option<i32>,
    /// In-vehicle time, minutes, when given.
    pub time_min: Option<f64>,
    /// Length, km, when given.
    pub length_km: Option<f64>,
    /// Where the time comes from (`timetable_fastest`, `estimate_…`, …).
    pub time_source: Option<String>,
    /// What the cited sources support.
    pub verification: Option<String>,
}

/// Read a links file; CSV unless the content starts with `{` (GeoJSON).
pub fn load_links(bytes: &[u8], file: &str) -> Result<Vec<RawLink>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::input(
            file,
            Location::File,
            format!("not UTF-8: invalid byte at byte offset {}", e.valid_up_to()),
        )
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let links = if text.trim_start().starts_with('{') {
        load_geojson(text, file)?
    } else {
        load_csv(text, file)?
    };
    // Ids are compared without case: `--drop r01-01` and a map label must not name two links.
    let mut seen = std::collections::HashMap::new();
    for l in &links {
        if let Some((first, id)) = seen.insert(
            l.link_id.to_lowercase(),
            (l.location.clone(), l.link_id.clone()),
        ) {
            let case = if id == l.link_id {
                String::new()
            } else {
                format!(" as \"{id}\" (link ids differ in more than case)")
            };
            return Err(Error::input(
                file,
                l.location.clone(),
                format!(
                    "field \"link_id\" is \"{}\", already used at {first}{case}",
                    l.link_id
                ),
            ));
        }
    }
    Ok(links)
}

/// A row as field lookups, whatever the format.
trait Row {
    fn get(&self, key: &str) -> std::result::Result<Option<String>, String>;
    /// A number or a year as text: in CSV any field; in GeoJSON a JSON number (a string is
    /// refused, as the units loader does).
    fn number(&self, key: &str) -> std::result::Result<Option<String>, String> {
        self.get(key)
    }
}

struct CsvRow<'a> {
    headers: &'a csv::StringRecord,
    record: &'a csv::StringRecord,
}

impl Row for CsvRow<'_> {
    fn get(&self, key: &str) -> std::result::Result<Option<String>, String> {
        Ok(self
            .headers
            .iter()
            .position(|h| h.trim() == key)
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string))
    }
}

struct JsonRow<'a>(&'a serde_json::Map<String, Value>);

impl Row for JsonRow<'_> {
    fn get(&self, key: &str) -> std::result::Result<Option<String>, String> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(v) => Err(format!(
                "field \"{key}\" is {v}, expected a string or a number"
            )),
        }
    }
    fn number(&self, key: &str) -> std::result::Result<Option<String>, String> {
        match self.0.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => Err(format!(
                "field \"{key}\" is the string {}, expected a JSON number",
                Value::String(s.clone())
            )),
            Some(Value::Bool(b)) => Err(format!("field \"{key}\" is {b}, expected a JSON number")),
            _ => self.get(key),
        }
    }
}

/// A CSV file that ends inside the quoted field opened on `line`: cut short, most likely (the
/// `csv` crate reads it as if the field ended there).
pub(crate) fn unterminated_quote(file: &str, line: u64) -> Error {
    Error::input(
        file,
        Location::Line { line, column: None },
        "malformed CSV: the file ends inside the quoted field that opens on this line (the file is cut short, or a quote is missing)".to_string(),
    )
}

fn load_csv(text: &str, file: &str) -> Result<Vec<RawLink>> {
    let header_error = |msg: String| {
        Error::input(
            file,
            Location::Line {
                line: 1,
                column: None,
            },
            msg,
        )
    };
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(LineReader::new(text.as_bytes()));
    let headers = rdr
        .headers()
        .map_err(|e| header_error(format!("cannot read the header: {e}")))?
        .clone();
    for (k, h) in headers.iter().enumerate() {
        let h = h.trim();
        if !h.is_empty() && headers.iter().take(k).any(|g| g.trim() == h) {
            return Err(header_error(format!(
                "the header names column \"{h}\" twice (field {}); which one holds the values is ambiguous",
                k + 1
            )));
        }
    }
    for required in ["link_id", "from_code", "to_code", "mode"] {
        if !headers.iter().any(|h| h.trim() == required) {
            return Err(header_error(format!(
                "the header has no column \"{required}\" (columns: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => {
                if let Some(line) = rdr.get_ref().unterminated_quote() {
                    return Err(unterminated_quote(file, line));
                }
                break;
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| rdr.get_mut().line_at(p.byte()));
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "malformed CSV: the row has {len} fields, the header {expected_len}"
                    ),
                    _ => format!("malformed CSV: {e}"),
                };
                return Err(Error::input(
                    file,
                    Location::Line { line, column: None },
                    msg,
                ));
            }
        }
        let line = rec
            .position()
            .map_or(0, |p| rdr.get_mut().line_at(p.byte()));
        let loc = Location::Line { line, column: None };
        let row = CsvRow {
            headers: &headers,
            record: &rec,
        };
        out.push(parse_row(&row, file, loc, None, None)?);
    }
    if out.is_empty() {
        return Err(Error::input(
            file,
            Location::File,
            "has a header but no links",
        ));
    }
    Ok(out)
}

fn load_geojson(text: &str, file: &str) -> Result<Vec<RawLink>> {
    let root: Value =
        serde_json::from_str(text).map_err(|e| crate::load::json::syntax_error(file, &e))?;
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .filter(|_| root.get("type").and_then(Value::as_str) == Some("FeatureCollection"))
        .ok_or_else(|| {
            Error::input(
                file,
                Location::File,
                "expected a GeoJSON FeatureCollection of LineStrings",
            )
        })?;
    if features.is_empty() {
        return Err(Error::input(
            file,
            Location::File,
            "the FeatureCollection has no features",
        ));
    }
    let mut out = Vec::new();
    let empty = serde_json::Map::new();
    for (index, f) in features.iter().enumerate() {
        let props = f
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let id = props
            .get("link_id")
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
        let loc = Location::Feature {
            index,
            id: id.map(|i| format!("link_id {i}")),
        };
        let geom = f.get("geometry").unwrap_or(&Value::Null);
        let (a, b) = match geom.get("type").and_then(Value::as_str) {
            Some("LineString") => {
                let c = geom
                    .get("coordinates")
                    .and_then(Value::as_array)
                    .filter(|c| c.len() >= 2)
                    .ok_or_else(|| {
                        Error::input(
                            file,
                            loc.clone(),
                            "geometry LineString has fewer than 2 positions",
                        )
                    })?;
                let pos = |v: &Value| -> Result<Point<f64>> {
                    let a = v.as_array().filter(|a| a.len() >= 2);
                    match a.map(|a| (a[0].as_f64(), a[1].as_f64())) {
                        Some((Some(x), Some(y)))
                            if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) =>
                        {
                            Ok(Point::new(x, y))
                        }
                        _ => Err(Error::input(
                            file,
                            loc.clone(),
                            format!("geometry position {v} is not [lon, lat] in degrees"),
                        )),
                    }
                };
                (Some(pos(&c[0])?), Some(pos(&c[c.len() - 1])?))
            }
            None if geom.is_null() => (None, None),
            other => {
                let found = match other {
                    Some(t) => format!("geometry type is \"{t}\""),
                    None if geom.is_object() => "geometry has no \"type\"".to_string(),
                    None => format!(
                        "geometry is {}",
                        match geom {
                            Value::Bool(_) => "a boolean",
                            Value::Number(_) => "a number",
                            Value::String(_) => "a string",
                            _ => "an array",
                        }
                    ),
                };
                return Err(Error::input(
                    file,
                    loc,
                    format!("{found}, expected LineString or null"),
                ));
            }
        };
        out.push(parse_row(&JsonRow(props), file, loc, a, b)?);
    }
    Ok(out)
}

fn parse_row(
    row: &dyn Row,
    file: &str,
    loc: Location,
    from_geom: Option<Point<f64>>,
    to_geom: Option<Point<f64>>,
) -> Result<RawLink> {
    let err = |msg: String| Error::input(file, loc.clone(), msg);
    let get = |k: &str| row.get(k).map_err(&err);
    let get_number = |k: &str| row.number(k).map_err(&err);
    let required = |k: &str| get(k)?.ok_or_else(|| err(format!("field \"{k}\" is empty")));
    let year = |k: &str| -> Result<Option<i32>> {
        match get_number(k)? {
            None => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(y) if y.fract() == 0.0 && (1800.0..=2200.0).contains(&y) => Ok(Some(y as i32)),
                _ => Err(err(format!(
                    "field \"{k}\" is \"{s}\", expected a year such as 2025"
                ))),
            },
        }
    };
    let num = |k: &str| -> Result<Option<f64>> {
        match get_number(k)? {
            None => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(x) => Ok(Some(x)),
                Err(_) => Err(err(format!("field \"{k}\" is \"{s}\", expected a number"))),
            },
        }
    };
    let link_id = required("link_id")?;
    let from_code = required("from_code")?;
    let to_code = required("to_code")?;
    if from_code == to_code {
        return Err(err(format!(
            "link {link_id} is a self-loop: from_code and to_code are both \"{from_code}\""
        )));
    }
    let mode_s = required("mode")?;
    let mode = Mode::parse(&mode_s.to_lowercase()).ok_or_else(|| {
        err(format!(
            "field \"mode\" is \"{mode_s}\", expected one of hsr, rail, expressway, road"
        ))
    })?;
    let status = match get("status")? {
        None => LinkStatus::Open,
        Some(s) => LinkStatus::parse(&s.to_lowercase()).ok_or_else(|| {
            err(format!(
                "field \"status\" is \"{s}\", expected one of open, under_construction, planned"
            ))
        })?,
    };
    let time_min = num("time_min")?;
    if let Some(t) = time_min
        && !(t.is_finite() && t > 0.0 && t <= MAX_LINK_MIN)
    {
        return Err(err(format!(
            "field \"time_min\" is {}, expected minutes > 0 and ≤ {MAX_LINK_MIN} (24 h)",
            show_number(t)
        )));
    }
    let length_km = num("length_km")?;
    if let Some(l) = length_km
        && !(l.is_finite() && l > 0.0)
    {
        return Err(err(format!(
            "field \"length_km\" is {}, expected km > 0",
            show_number(l)
        )));
    }
    if time_min.is_none() && length_km.is_none() {
        return Err(err(format!(
            "link {link_id} has neither \"time_min\" nor \"length_km\""
        )));
    }
    let pos = |kx: &str, ky: &str| -> Result<Option<Point<f64>>> {
        match (num(kx)?, num(ky)?) {
            (Some(x), Some(y)) if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) => {
                Ok(Some(Point::new(x, y)))
            }
            (None, None) => Ok(None),
            _ => {
                let text = |k: &str| get(k).ok().flatten().unwrap_or_default();
                Err(err(format!(
                    "fields \"{kx}\"/\"{ky}\" are \"{}\"/\"{}\", expected a lon/lat pair in degrees",
                    text(kx),
                    text(ky)
                )))
            }
        }
    };
    let from_pos = match pos("from_lon", "from_lat")? {
        Some(p) => Some(p),
        None => from_geom,
    };
    let to_pos = match pos("to_lon", "to_lat")? {
        Some(p) => Some(p),
        None => to_geom,
    };
    Ok(RawLink {
        file: file.to_string(),
        link_id,
        line_id: get("line_id")?,
        line_name: get("line_name_en")?.or(get("line_name")?),
        line_name_zh: get("line_name_zh")?,
        from_code,
        to_code,
        from_pos,
        to_pos,
        mode,
        service: get("service")?,
        status,
        opening_year: year("opening_year")?,
        planned_year: year("planned_opening_year")?,
        time_min,
        length_km,
        time_source: get("time_source")?,
        verification: get("verification")?,
        location: loc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "link_id,from_code,to_code,mode,status,opening_year,planned_opening_year,time_min,length_km,time_source\n";

    fn err(rows: &str) -> String {
        load_links(format!("{HEAD}{rows}").as_bytes(), "l.csv")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn reads_a_row() {
        let l = load_links(
            format!("{HEAD}A,1,2,hsr,open,2015,,19,73.4,timetable_fastest\n").as_bytes(),
            "l.csv",
        )
        .unwrap();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].mode, Mode::Hsr);
        assert_eq!(l[0].time_min, Some(19.0));
        assert_eq!(l[0].opening_year, Some(2015));
        assert_eq!(
            l[0].location,
            Location::Line {
                line: 2,
                column: None
            }
        );
    }

    #[test]
    fn self_loop() {
        assert_eq!(
            err("A,1,1,hsr,open,,,19,,\n"),
            "l.csv: line 2: link A is a self-loop: from_code and to_code are both \"1\""
        );
    }

    #[test]
    fn bad_times() {
        for (t, shown) in [
            ("0", "0"),
            ("-5", "-5"),
            ("NaN", "NaN"),
            ("inf", "inf"),
            ("1441", "1441"),
            ("1e300", "1e300"),
        ] {
            assert_eq!(
                err(&format!("A,1,2,hsr,open,,,{t},,\n")),
                format!(
                    "l.csv: line 2: field \"time_min\" is {shown}, expected minutes > 0 and ≤ 1440 (24 h)"
                )
            );
        }
        assert_eq!(
            err("A,1,2,hsr,open,,,abc,,\n"),
            "l.csv: line 2: field \"time_min\" is \"abc\", expected a number"
        );
    }

    #[test]
    fn crlf_files_report_the_right_line() {
        // data/links.csv has CRLF endings: the bad row is on line 4 (not 3), the first A on
        // line 2, also after a blank line.
        let crlf = |rows: &str| format!("{HEAD}{rows}").replace('\n', "\r\n");
        let e = |text: String| {
            load_links(text.as_bytes(), "l.csv")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e(crlf(
                "A,1,2,hsr,open,,,5,,\nB,1,2,hsr,open,,,5,,\nC,1,2,hsr,open,,,-5,,\n"
            )),
            "l.csv: line 4: field \"time_min\" is -5, expected minutes > 0 and ≤ 1440 (24 h)"
        );
        assert_eq!(
            e(crlf("A,1,2,hsr,open,,,5,,\n\nA,1,2,hsr,open,,,5,,\n")),
            "l.csv: line 4: field \"link_id\" is \"A\", already used at line 2"
        );
        assert_eq!(
            e(crlf("A,1,2,hsr,open,,,5,,\nB,1,2\n")),
            "l.csv: line 3: malformed CSV: the row has 3 fields, the header 10"
        );
        // The shipped file: every row on its own line.
        let l = load_links(crate::load::dataset::LINKS_CSV.as_bytes(), "links.csv").unwrap();
        assert_eq!(
            l[4].location,
            Location::Line {
                line: 6,
                column: None
            }
        );
    }

    #[test]
    fn messages_have_no_debug_text() {
        // Were `geometry type is Some("MultiLineString")` and `are Some(200.0)/None`.
        let g = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"link_id":"X","from_code":"a","to_code":"b","mode":"road","time_min":30},"geometry":{"type":"MultiLineString","coordinates":[]}}]}"#;
        let e = |text: &str| {
            load_links(text.as_bytes(), "l.geojson")
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            e(g),
            "l.geojson: feature #0 (link_id X): geometry type is \"MultiLineString\", expected LineString or null"
        );
        assert_eq!(
            e(&g.replace(r#"{"type":"MultiLineString","coordinates":[]}"#, "{}")),
            "l.geojson: feature #0 (link_id X): geometry has no \"type\", expected LineString or null"
        );
        assert_eq!(
            e(&g.replace(r#"{"type":"MultiLineString","coordinates":[]}"#, "[1]")),
            "l.geojson: feature #0 (link_id X): geometry is an array, expected LineString or null"
        );
        let csv = "link_id,from_code,to_code,mode,time_min,from_lon,from_lat\nA,1,2,hsr,5,200,\n";
        assert_eq!(
            load_links(csv.as_bytes(), "l.csv").unwrap_err().to_string(),
            "l.csv: line 2: fields \"from_lon\"/\"from_lat\" are \"200\"/\"\", expected a lon/lat pair in degrees"
        );
    }

    #[test]
    fn unknown_mode_and_status() {
        assert_eq!(
            err("A,1,2,ferry,open,,,5,,\n"),
            "l.csv: line 2: field \"mode\" is \"ferry\", expected one of hsr, rail, expressway, road"
        );
        assert_eq!(
            err("A,1,2,hsr,closed,,,5,,\n"),
            "l.csv: line 2: field \"status\" is \"closed\", expected one of open, under_construction, planned"
        );
    }

    #[test]
    fn duplicate_id_and_missing_time() {
        assert_eq!(
            err("A,1,2,hsr,open,,,5,,\nA,2,3,hsr,open,,,5,,\n"),
            "l.csv: line 3: field \"link_id\" is \"A\", already used at line 2"
        );
        assert_eq!(
            err("A,1,2,hsr,open,,,,,\n"),
            "l.csv: line 2: link A has neither \"time_min\" nor \"length_km\""
        );
    }

    #[test]
    fn geojson_linestrings() {
        let g = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"link_id":"X","from_code":"a","to_code":"b","mode":"road","time_min":30},"geometry":{"type":"LineString","coordinates":[[104,30],[105,31]]}}]}"#;
        let l = load_links(g.as_bytes(), "l.geojson").unwrap();
        assert_eq!(l[0].from_pos, Some(Point::new(104.0, 30.0)));
        assert_eq!(l[0].to_pos, Some(Point::new(105.0, 31.0)));
        let bad = g.replace("\"road\"", "\"boat\"");
        assert_eq!(
            load_links(bad.as_bytes(), "l.geojson")
                .unwrap_err()
                .to_string(),
            "l.geojson: feature #0 (link_id X): field \"mode\" is \"boat\", expected one of hsr, rail, expressway, road"
        );
    }
}
