//! GeoJSON road lines: each LineString (or part of a MultiLineString) is an edge between its
//! end positions, timed by `minutes`, `speed_kmh`, `highway` or the default speed.

use std::collections::HashMap;
use std::path::Path;

use geo::{Coord, Haversine, Length, LineString};
use serde_json::{Map, Value};

use super::{
    MAX_EDGE_MIN, RoadClass, RoadEdge, RoadGraph, RoadNode, io_error, minutes, show, speed,
    within_a_day,
};
use crate::error::{Error, Location, Result, show_number};
use crate::load::RoadParams;
use crate::load::study::{MAX_SPEED_KMH, MIN_SPEED_KMH};

/// How a GeoJSON line is timed.
enum Timing {
    /// The whole feature takes this long.
    Minutes(f64),
    /// At this speed (km/h), timing this class; `true` when the speed is the feature's own
    /// `speed_kmh` (else the study's speed of the class).
    Speed(f64, RoadClass, bool),
}

/// One line of a feature: its geometry and its end positions.
struct Part {
    line: LineString<f64>,
    first: Coord<f64>,
    last: Coord<f64>,
}

pub(super) fn load_geojson(path: &Path, params: &RoadParams) -> Result<RoadGraph> {
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
    let root: Value =
        serde_json::from_str(text).map_err(|e| crate::load::json::syntax_error(&file, &e))?;
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
        for (i, (part, &length_m)) in parts.iter().zip(&lengths).enumerate() {
            let (min, class) = match timing {
                Timing::Minutes(m) if parts.len() == 1 => (m, RoadClass::Other),
                Timing::Minutes(m) if total > 0.0 => (m * length_m / total, RoadClass::Other),
                Timing::Minutes(m) => (m / parts.len() as f64, RoadClass::Other),
                Timing::Speed(kmh, class, own) => {
                    let from = if own {
                        "property \"speed_kmh\"".to_string()
                    } else {
                        format!("study key roads.{}", class.speed_key())
                    };
                    let min = within_a_day(minutes(length_m, kmh), kmh, &from).map_err(|why| {
                        let what = if parts.len() == 1 {
                            "the line".to_string()
                        } else {
                            format!("line #{i}")
                        };
                        err(format!(
                            "{what} is {} m long: {why}",
                            show_number((length_m * 10.0).round() / 10.0)
                        ))
                    })?;
                    (min, class)
                }
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
    let (sx, sy) = (show_number(x), show_number(y));
    if !(-180.0..=180.0).contains(&x) {
        return Err(format!(
            "geometry position [{sx}, {sy}] has longitude {sx}, outside [-180, 180]"
        ));
    }
    if !(-90.0..=90.0).contains(&y) {
        return Err(format!(
            "geometry position [{sx}, {sy}] has latitude {sy}, outside [-90, 90]"
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
        return match number(v) {
            Some(m) if m.is_finite() && (0.0..=MAX_EDGE_MIN).contains(&m) => Ok(Timing::Minutes(m)),
            Some(m) if m.is_finite() && m > 0.0 => Err(format!(
                "property \"minutes\" is {}, expected at most {MAX_EDGE_MIN} (24 h)",
                show(v)
            )),
            _ => Err(format!(
                "property \"minutes\" is {}, expected a finite number ≥ 0",
                show(v)
            )),
        };
    }
    if let Some(v) = present(props, "speed_kmh") {
        return match number(v) {
            Some(s) if s.is_finite() && (MIN_SPEED_KMH..=MAX_SPEED_KMH).contains(&s) => {
                Ok(Timing::Speed(s, RoadClass::Other, true))
            }
            Some(s) if s.is_finite() && s > 0.0 => Err(format!(
                "property \"speed_kmh\" is {}, expected km/h from {MIN_SPEED_KMH} to {MAX_SPEED_KMH}",
                show(v)
            )),
            _ => Err(format!(
                "property \"speed_kmh\" is {}, expected a finite number > 0",
                show(v)
            )),
        };
    }
    let class = props
        .get("highway")
        .and_then(Value::as_str)
        .and_then(highway_class)
        .unwrap_or(RoadClass::Other);
    Ok(Timing::Speed(speed(params, class), class, false))
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
