//! Reading a units layer: a GeoJSON FeatureCollection of Polygon, MultiPolygon or Point
//! features, validated feature by feature.
//!
//! Every rejection names the file, the feature (index and id), the field and the value. The
//! rules are listed on [`load_units`].

use std::collections::HashMap;

use geo::{
    BoundingRect, Coord, GeodesicArea, InteriorPoint, LineString, MultiPolygon, Point, Polygon,
    Rect,
};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::load::json::{Json, to_map};

use crate::error::{Error, Location, Result, show_number};
use crate::load::study::{PopulationUnit, Study, line_col};
use crate::model::{Region, Role, SeatSource, Unit, UnitId};

/// The largest population of a unit, persons (10⁶ in 10⁴ people): above the world's 8 × 10⁹,
/// and far below where sums over a layer could overflow.
pub const MAX_POPULATION_PERSONS: f64 = 1e10;

/// The largest GDP of a unit, 10⁸ yuan: about a hundred times the world's GDP (7 × 10⁶ in
/// these units).
pub const MAX_GDP_100M_CNY: f64 = 1e9;

/// The largest area a unit may be given (`area_km2`), km²: the Earth's surface.
pub const MAX_AREA_KM2: f64 = 5.1e8;

/// How far outside its unit's polygon a seat given in the data may lie, km. Seats taken from
/// a gazetteer can sit a little outside a simplified or re-drawn boundary (the shipped county
/// layer has one 12.6 km outside); beyond this the seat belongs to another place, and the
/// generated road links from it would be hours too long.
pub const MAX_SEAT_OUTSIDE_KM: f64 = 25.0;

/// Options of [`load_units`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Treat self-intersecting polygons as errors instead of warnings.
    pub strict: bool,
}

/// CRS names accepted in a (legacy) `crs` member: WGS84 longitude/latitude.
const WGS84_NAMES: [&str; 6] = [
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
    "OGC:CRS84",
    "CRS84",
];

/// Parse and validate a units layer and assign the study's roles.
///
/// `file` names the source in messages; `bytes` is its content.
///
/// # Rules (each is an error, exit code 1)
/// - the file is not UTF-8, not JSON (line and column given), not a FeatureCollection, or has
///   no features;
/// - a `crs` member other than WGS84 / CRS84;
/// - a feature without the id property, or a duplicate id;
/// - population missing, not a number (for example a string), negative, not finite or over
///   [`MAX_POPULATION_PERSONS`]; GDP (when present and not `null`) not a number, negative, not
///   finite or over [`MAX_GDP_100M_CNY`]; an area over [`MAX_AREA_KM2`];
/// - a null or empty geometry, or a type other than Polygon, MultiPolygon or Point;
/// - a coordinate outside lon \[-180, 180\] / lat \[-90, 90\];
/// - a coordinate outside the study's bounding box that falls inside it with lon and lat swapped;
/// - a layer that mixes Point and (Multi)Polygon features (the first feature of the other
///   kind is named);
/// - a polygon ring with fewer than 4 positions or whose last position differs from the first;
/// - a polygon ring without area: its positions on one line, or loops that cancel out (see
///   `has_no_area`);
/// - a self-intersecting (invalid) polygon: a warning naming the unit, an error with
///   [`LoadOptions::strict`].
pub fn load_units(bytes: &[u8], file: &str, study: &Study, opts: LoadOptions) -> Result<Region> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let off = e.valid_up_to();
        let (line, column) = line_col(std::str::from_utf8(&bytes[..off]).unwrap_or(""), off);
        Error::input(
            file,
            Location::Line {
                line,
                column: Some(column),
            },
            format!(
                "not UTF-8: invalid byte 0x{:02x} at byte offset {off}",
                bytes[off]
            ),
        )
    })?;
    // A UTF-8 byte-order mark (Windows editors write one) is not JSON; the other loaders skip
    // it too.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let ctx = Ctx { file, study, opts };
    let mut features = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let root = RootSeed {
        ctx,
        features: &mut features,
    }
    .deserialize(&mut de)
    .and_then(|root| de.end().map(|()| root))
    .map_err(|e| {
        Error::input(
            file,
            Location::Line {
                line: e.line() as u64,
                column: Some(e.column() as u64),
            },
            format!("not valid JSON: {}", strip_position(&e.to_string())),
        )
    })?;
    let whole = |msg: String| Error::input(file, Location::File, msg);
    let Root::Object { ty, crs } = root else {
        let Root::Other(kind) = root else {
            unreachable!("a root is an object or not")
        };
        return Err(whole(format!(
            "expected a GeoJSON FeatureCollection object, found {kind}"
        )));
    };
    match ty.as_ref().and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        Some(t) => {
            return Err(whole(format!(
                "\"type\" is \"{t}\", expected \"FeatureCollection\""
            )));
        }
        None => {
            return Err(whole(
                "no \"type\" member, expected \"type\": \"FeatureCollection\"".into(),
            ));
        }
    }
    if let Some(crs) = crs {
        check_crs(&crs).map_err(whole)?;
    }
    let features = match features {
        Some(Ok(f)) => f,
        Some(Err(e)) => return Err(e),
        None => return Err(whole("\"features\" is missing or not an array".into())),
    };
    if features.count == 0 {
        return Err(whole("the FeatureCollection has no features".into()));
    }
    let Features {
        units,
        mut warnings,
        bbox,
        ..
    } = features;
    let fields = &study.fields;
    let bbox = bbox.expect("at least one feature, each with a bounding box");
    if let Some(w) = population_unit_warning(&units, fields) {
        warnings.push(format!("{file}: {w}"));
    }
    let mut region = Region::new(file.to_string(), units, bbox, warnings);
    assign_roles(&mut region, study)?;
    Ok(region)
}

/// The features read so far, in order; the first error ends the reading (the rest of the
/// file is still parsed, so that a JSON syntax error further on is reported first).
struct Features {
    /// Features seen, including a failing one.
    count: usize,
    units: Vec<Unit>,
    seen: HashMap<String, usize>,
    /// Each seat so far (micro-degrees: the outputs' 6 decimals) → its feature and id.
    seats: HashMap<(i64, i64), (usize, String)>,
    warnings: Vec<String>,
    bbox: Option<Rect<f64>>,
    /// Whether the first feature is a polygon, and where it is.
    first_kind: Option<(bool, Location)>,
}

/// What a units file is read with.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    file: &'a str,
    study: &'a Study,
    opts: LoadOptions,
}

impl Features {
    fn new() -> Features {
        Features {
            count: 0,
            units: Vec::new(),
            seen: HashMap::new(),
            seats: HashMap::new(),
            warnings: Vec::new(),
            bbox: None,
            first_kind: None,
        }
    }

    /// Read feature `index` (parsed as [`Json`]) into a unit, or say what is wrong with it.
    fn push(&mut self, ctx: Ctx<'_>, index: usize, f: Json) -> Result<()> {
        let Ctx { file, study, opts } = ctx;
        let fields = &study.fields;
        let loc = |id: Option<&str>| Location::Feature {
            index,
            id: id.map(|s| format!("{} {s}", fields.id)),
        };
        let feat_err = |id: Option<&str>, msg: String| Error::input(file, loc(id), msg);
        let Json::Object(mut members) = f else {
            return Err(feat_err(
                None,
                format!("expected a Feature object, found {}", f.kind()),
            ));
        };
        // The members but the geometry as `Value`s; the geometry stays compact.
        let fobj = to_map(
            members
                .iter()
                .filter(|(k, _)| k != "geometry")
                .map(|(k, v)| (k, v)),
        );
        // The last "geometry" member (as in `Value`), owned: dropped once parsed.
        let geometry_member = members
            .iter()
            .rposition(|(k, _)| k == "geometry")
            .map(|i| members.swap_remove(i).1);
        drop(members);
        if fobj.get("type").and_then(Value::as_str) != Some("Feature") {
            return Err(feat_err(None, "\"type\" is not \"Feature\"".into()));
        }
        let empty = Map::new();
        let props = match fobj.get("properties") {
            Some(Value::Object(m)) => m,
            None | Some(Value::Null) => &empty,
            Some(v) => {
                return Err(feat_err(
                    None,
                    format!("\"properties\" is {}, expected an object", json_kind(v)),
                ));
            }
        };
        // id
        let code = match props.get(&fields.id) {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(Value::Number(n)) if n.is_i64() || n.is_u64() => n.to_string(),
            None | Some(Value::Null) => {
                return Err(feat_err(
                    None,
                    format!("property \"{}\" (the unit id) is missing", fields.id),
                ));
            }
            Some(v) => {
                return Err(feat_err(
                    None,
                    format!(
                        "property \"{}\" (the unit id) is {}, expected a string or an integer",
                        fields.id,
                        show(v)
                    ),
                ));
            }
        };
        let id = Some(code.as_str());
        if let Some(first) = self.seen.insert(code.clone(), index) {
            return Err(feat_err(
                id,
                format!(
                    "property \"{}\" is \"{code}\", which feature #{first} already uses (ids must be unique)",
                    fields.id
                ),
            ));
        }
        let perr = |field: &str, msg: String| feat_err(id, format!("property \"{field}\" {msg}"));

        let population = match props.get(&fields.population) {
            None | Some(Value::Null) => {
                return Err(perr(&fields.population, "(population) is missing".into()));
            }
            Some(v) => number(v).map_err(|m| perr(&fields.population, m))?,
        };
        let (max_population, unit) = match fields.population_unit {
            PopulationUnit::Persons => (MAX_POPULATION_PERSONS, "persons"),
            PopulationUnit::TenThousand => (MAX_POPULATION_PERSONS / 1e4, "10⁴ people"),
        };
        if population > max_population {
            return Err(perr(
                &fields.population,
                format!(
                    "is {}, expected at most {max_population:e} {unit} (the world has 8e9 people; study key fields.population_unit says how it is counted)",
                    show_number(population),
                ),
            ));
        }
        let population_10k = match fields.population_unit {
            PopulationUnit::Persons => population / 1e4,
            PopulationUnit::TenThousand => population,
        };
        let gdp = match props.get(&fields.gdp) {
            None | Some(Value::Null) => None,
            Some(v) => Some(number(v).map_err(|m| perr(&fields.gdp, m))?),
        };
        if let Some(g) = gdp
            && g > MAX_GDP_100M_CNY
        {
            return Err(perr(
                &fields.gdp,
                format!(
                    "is {}, expected at most {MAX_GDP_100M_CNY:e} (10⁸ yuan; the world's GDP is about 7e6)",
                    show_number(g),
                ),
            ));
        }
        let gdp_year = match props.get(&fields.gdp_year) {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64().and_then(|y| i32::try_from(y).ok()) {
                Some(y) => Some(y),
                None => {
                    return Err(perr(
                        &fields.gdp_year,
                        format!("is {}, expected a year", show(v)),
                    ));
                }
            },
        };

        // geometry
        let geom = geometry_member.as_ref().unwrap_or(&Json::Null);
        let check = CoordCheck { bbox: study.bbox };
        let geometry = parse_geometry(geom, &check).map_err(|m| feat_err(id, m))?;
        let multipolygon_type = matches!(
            geom.get("type"),
            Some(Json::String(t)) if t == "MultiPolygon"
        );
        // The parsed geometry replaces its tree before the validity checks.
        drop(geometry_member);
        let (multi, point) = match geometry {
            Geometry::Polygons(mp) => (Some(mp), None),
            Geometry::Point(p) => (None, Some(p)),
        };
        // One kind per layer: the measures and layers of a run are either for areas or for
        // points, and a mixed layer would silently lose its polygon outputs.
        let kind = match (&multi, multipolygon_type) {
            (None, _) => "a Point",
            (Some(_), true) => "a MultiPolygon",
            (Some(_), false) => "a Polygon",
        };
        match &self.first_kind {
            None => self.first_kind = Some((multi.is_some(), loc(id))),
            Some((polygons, first)) if *polygons != multi.is_some() => {
                let (one, many) = if *polygons {
                    ("a polygon", "polygons")
                } else {
                    ("a point", "points")
                };
                let before = if index == 1 {
                    format!("the feature before it, {first}, is {one}")
                } else {
                    format!("the {index} features before it, from {first}, are {many}")
                };
                return Err(feat_err(
                    id,
                    format!(
                        "geometry is {kind}, but {before}; a units layer holds either polygons (Polygon, MultiPolygon) or points, not both"
                    ),
                ));
            }
            Some(_) => {}
        }
        if let Some(mp) = &multi
            && let Some(why) = crate::load::validity::first_error(mp)
        {
            let msg = format!("geometry is not a valid polygon (self-intersecting?): {why}");
            if opts.strict {
                return Err(feat_err(id, msg));
            }
            self.warnings.push(format!("{file}: {}: {msg}", loc(id)));
        }

        // seat
        let seat_lon = props.get(&fields.seat_lon).filter(|v| !v.is_null());
        let seat_lat = props.get(&fields.seat_lat).filter(|v| !v.is_null());
        let (seat, seat_source) = match (seat_lon, seat_lat) {
            (Some(x), Some(y)) => {
                let x = number_any(x).map_err(|m| perr(&fields.seat_lon, m))?;
                let y = number_any(y).map_err(|m| perr(&fields.seat_lat, m))?;
                check
                    .position(x, y)
                    .map_err(|m| perr(&format!("{}/{}", fields.seat_lon, fields.seat_lat), m))?;
                (Point::new(x, y), SeatSource::Data)
            }
            (Some(_), None) => {
                return Err(perr(
                    &fields.seat_lat,
                    format!("is missing while \"{}\" is given", fields.seat_lon),
                ));
            }
            (None, Some(_)) => {
                return Err(perr(
                    &fields.seat_lon,
                    format!("is missing while \"{}\" is given", fields.seat_lat),
                ));
            }
            (None, None) => match (&multi, point) {
                (_, Some(p)) => (p, SeatSource::Data),
                (Some(mp), None) => {
                    let p = mp
                        .interior_point()
                        .ok_or_else(|| feat_err(id, "geometry has no interior point".into()))?;
                    (p, SeatSource::InteriorPoint)
                }
                (None, None) => unreachable!("a geometry is either polygons or a point"),
            },
        };

        if let (Some(mp), SeatSource::Data) = (&multi, seat_source) {
            let km = seat_outside_km(mp, seat);
            if km > MAX_SEAT_OUTSIDE_KM {
                return Err(perr(
                    &format!("{}/{}", fields.seat_lon, fields.seat_lat),
                    format!(
                        "is [{}, {}], {} km outside the unit's polygon (at most {MAX_SEAT_OUTSIDE_KM} km is accepted); the seat must be a place in the unit",
                        show_number(seat.x()),
                        show_number(seat.y()),
                        show_number((km * 10.0).round() / 10.0)
                    ),
                ));
            }
        }
        let seat_key = (
            (seat.x() * 1e6).round() as i64,
            (seat.y() * 1e6).round() as i64,
        );
        if let Some((first, first_code)) = self.seats.get(&seat_key) {
            return Err(feat_err(
                id,
                format!(
                    "the seat [{}, {}] is also the seat of feature #{first} ({} {first_code}); two units need distinct seats (the time between them would be 0 min)",
                    show_number(seat.x()),
                    show_number(seat.y()),
                    fields.id
                ),
            ));
        }
        self.seats.insert(seat_key, (index, code.clone()));

        let area_km2 = match props.get(&fields.area) {
            None | Some(Value::Null) => multi
                .as_ref()
                .map_or(0.0, |mp| mp.geodesic_area_unsigned() / 1e6),
            Some(v) => {
                let a = number(v).map_err(|m| perr(&fields.area, m))?;
                if a > MAX_AREA_KM2 {
                    return Err(perr(
                        &fields.area,
                        format!(
                            "is {}, expected km² ≤ {MAX_AREA_KM2:e} (the Earth's surface)",
                            show_number(a),
                        ),
                    ));
                }
                if a <= 0.0 && multi.is_some() {
                    return Err(perr(
                        &fields.area,
                        format!(
                            "is {}, expected km² > 0 for a polygon unit (leave it out to use the polygon's geodesic area)",
                            show_number(a)
                        ),
                    ));
                }
                a
            }
        };

        let r = match &multi {
            Some(mp) => mp.bounding_rect(),
            None => Some(Rect::new(seat.0, seat.0)),
        };
        if let Some(r) = r {
            self.bbox = Some(match self.bbox {
                None => r,
                Some(b) => union_rect(b, r),
            });
        }
        let codes_covered = match text_prop(props, &fields.codes_covered) {
            Some(s) => s
                .split(';')
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
            None => vec![code.clone()],
        };
        self.units.push(Unit {
            id: UnitId(index as u32),
            name: text_prop(props, &fields.name).unwrap_or_else(|| code.clone()),
            name_zh: text_prop(props, &fields.name_zh),
            province: text_prop(props, &fields.province),
            region: text_prop(props, &fields.region),
            region_zh: text_prop(props, &fields.region_zh),
            unit_type: text_prop(props, &fields.unit_type),
            parent_code: text_prop(props, &fields.parent),
            codes_covered,
            population_10k,
            gdp_100m_cny: gdp,
            gdp_year,
            area_km2,
            seat,
            seat_source,
            geometry: multi,
            role: Role::other(),
            code,
        });
        Ok(())
    }
}

/// The root of a units file as far as [`load_units`] checks it before the features: an
/// object's `type` and `crs` members (their last occurrences), or the kind of a non-object.
enum Root {
    Object {
        ty: Option<Value>,
        crs: Option<Value>,
    },
    Other(&'static str),
}

/// Reads the root, handing each element of its `features` member to [`Features::push`] as it
/// is parsed: one feature's tree at a time in memory.
struct RootSeed<'a, 'b> {
    ctx: Ctx<'a>,
    /// From the last `"features"` member (a repeated key keeps its last value, as in
    /// serde_json's `Value`): the features or the first feature's error; `None` when the
    /// member is missing or not an array.
    features: &'b mut Option<Result<Features>>,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_> {
    type Value = Root;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Root, D::Error> {
        d.deserialize_any(self)
    }
}

/// The kind of a JSON value that is not an object, after reading it whole.
macro_rules! other_kind {
    ($($f:ident($t:ty) => $kind:expr),* $(,)?) => {
        $(fn $f<E>(self, _: $t) -> std::result::Result<Self::Value, E> {
            Ok(Self::Value::from_kind($kind))
        })*
    };
}

trait FromKind {
    fn from_kind(kind: &'static str) -> Self;
}
impl FromKind for Root {
    fn from_kind(kind: &'static str) -> Root {
        Root::Other(kind)
    }
}
impl FromKind for Option<Result<Features>> {
    fn from_kind(_: &'static str) -> Self {
        None
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_> {
    type Value = Root;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a GeoJSON FeatureCollection")
    }
    other_kind! {
        visit_bool(bool) => "a boolean",
        visit_i64(i64) => "a number",
        visit_u64(u64) => "a number",
        visit_f64(f64) => "a number",
        visit_str(&str) => "a string",
    }
    fn visit_unit<E>(self) -> std::result::Result<Root, E> {
        Ok(Root::Other("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Root, A::Error> {
        while seq.next_element::<Json>()?.is_some() {}
        Ok(Root::Other("an array"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Root, A::Error> {
        let (mut ty, mut crs) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => ty = Some(map.next_value::<Value>()?),
                "crs" => crs = Some(map.next_value::<Value>()?),
                "features" => {
                    *self.features = map.next_value_seed(FeaturesSeed { ctx: self.ctx })?;
                }
                _ => {
                    map.next_value::<Json>()?;
                }
            }
        }
        Ok(Root::Object { ty, crs })
    }
}

/// Reads a `features` member: each element is read into a unit as soon as it is parsed.
struct FeaturesSeed<'a> {
    ctx: Ctx<'a>,
}

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = Option<Result<Features>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_> {
    type Value = Option<Result<Features>>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of features")
    }
    other_kind! {
        visit_bool(bool) => "",
        visit_i64(i64) => "",
        visit_u64(u64) => "",
        visit_f64(f64) => "",
        visit_str(&str) => "",
    }
    fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        while map.next_entry::<String, Json>()?.is_some() {}
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut features = Features::new();
        let mut error = None;
        while let Some(f) = seq.next_element::<Json>()? {
            if error.is_none() {
                if let Err(e) = features.push(self.ctx, features.count, f) {
                    error = Some(e);
                }
                features.count += 1;
            }
        }
        Ok(Some(match error {
            Some(e) => Err(e),
            None => Ok(features),
        }))
    }
}

/// Fewer people in all than this (10⁴ people) is implausible for a region.
const MIN_TOTAL_POPULATION_10K: f64 = 1.0;
/// Fewer persons per km² over a whole polygon layer than this is implausible for a study
/// region: Tibet, China's emptiest province, has about 3 and Mongolia about 2; only places
/// such as Greenland (0.14) fall below.
const MIN_DENSITY_PER_KM2: f64 = 1.0;
/// More persons per km² over a whole polygon layer than this is implausible: the densest
/// cities (Macau, 21 000; Dhaka, 30 000) stay below it.
const MAX_DENSITY_PER_KM2: f64 = 100_000.0;

/// A warning when the layer's population looks read in the wrong unit (study key
/// `fields.population_unit`): in persons (the default), fewer than
/// [`MIN_TOTAL_POPULATION_10K`] × 10⁴ people in all, or, for polygons, fewer than
/// [`MIN_DENSITY_PER_KM2`] per km² over the layer — a population already in 10⁴; in 10⁴
/// people, more than [`MAX_DENSITY_PER_KM2`] per km² — a population in persons.
fn population_unit_warning(units: &[Unit], fields: &crate::load::FieldMap) -> Option<String> {
    let total_10k: f64 = units.iter().map(|u| u.population_10k).sum();
    let area_km2: f64 = units.iter().map(|u| u.area_km2).sum();
    let polygons = units.iter().all(|u| u.geometry.is_some()) && area_km2 > 0.0;
    let density = total_10k * 1e4 / area_km2;
    let people = format!("{:.2} × 10⁴ people", total_10k);
    let over = || {
        format!(
            "{people} on {} km² ({} per km²)",
            show_number(area_km2.round()),
            if density >= 10.0 {
                show_number(density.round())
            } else {
                show_number((density * 100.0).round() / 100.0)
            }
        )
    };
    let pop = &fields.population;
    match fields.population_unit {
        PopulationUnit::Persons if total_10k < MIN_TOTAL_POPULATION_10K => Some(format!(
            "the units hold {people} in all, implausibly few: if property \"{pop}\" is already in 10⁴ people, set study key fields.population_unit = \"10k\""
        )),
        PopulationUnit::Persons if polygons && density < MIN_DENSITY_PER_KM2 => Some(format!(
            "the units hold {}, implausibly few: if property \"{pop}\" is already in 10⁴ people, set study key fields.population_unit = \"10k\"",
            over()
        )),
        PopulationUnit::TenThousand if polygons && density > MAX_DENSITY_PER_KM2 => Some(format!(
            "the units hold {}, implausibly many: if property \"{pop}\" is in persons, set study key fields.population_unit = \"persons\"",
            over()
        )),
        _ => None,
    }
}

/// Give every unit its role: a unit whose code (or parent code) a core lists is `core`, then
/// the study's roles in file order (an earlier role wins); otherwise `other`. A study code that
/// matches no unit is an error naming the study's key (a typo would silently drop a core).
pub fn assign_roles(region: &mut Region, study: &Study) -> Result<()> {
    let mut lists: Vec<(Role, String, Vec<&String>)> = study
        .cores
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                Role::core(),
                format!("cores[{i}].codes"),
                c.codes.iter().collect(),
            )
        })
        .collect();
    lists.extend(study.roles.0.iter().map(|(name, codes)| {
        (
            Role::new(name.clone()),
            format!("roles.{name}"),
            codes.iter().collect(),
        )
    }));
    for (_, key, codes) in &lists {
        for code in codes {
            if members_of(region, code).is_empty() {
                return Err(Error::input(
                    &study.file,
                    Location::Key(key.clone()),
                    format!(
                        "code \"{code}\" matches no unit (nor any unit's parent) of {}; use a study written for this units layer",
                        region.source
                    ),
                ));
            }
        }
    }
    // A unit is in one core at most: the cores are searched, summed and reported as wholes.
    let mut core_of: HashMap<UnitId, (usize, &String)> = HashMap::new();
    for (i, c) in study.cores.iter().enumerate() {
        for code in &c.codes {
            for id in members_of(region, code) {
                if let Some(&(j, other)) = core_of.get(&id)
                    && j != i
                {
                    let u = region.unit(id);
                    let via = |c: &String| {
                        if *c == u.code {
                            String::new()
                        } else {
                            format!(" (through code \"{c}\")")
                        }
                    };
                    return Err(Error::input(
                        &study.file,
                        Location::Key(format!("cores[{i}].codes")),
                        format!(
                            "unit {} ({}){} is also in core \"{}\" (cores[{j}].codes{}); a unit belongs to one core at most",
                            u.code,
                            u.name,
                            via(code),
                            study.cores[j].name,
                            via(other)
                        ),
                    ));
                }
                core_of.insert(id, (i, code));
            }
        }
    }
    for u in region.units.iter_mut() {
        u.role = Role::other();
    }
    // Earlier roles win: assign in reverse so they are written last.
    for (role, _, codes) in lists.iter().rev() {
        for code in codes {
            for id in members_of(region, code) {
                region.units[id.index()].role = role.clone();
            }
        }
    }
    Ok(())
}

/// The units a study code stands for: the unit with that code (or covering it), else the units
/// whose parent is that code.
pub fn members_of(region: &Region, code: &str) -> Vec<UnitId> {
    if let Some(u) = region.by_code(code) {
        return vec![u.id];
    }
    region
        .units
        .iter()
        .filter(|u| u.parent_code.as_deref() == Some(code))
        .map(|u| u.id)
        .collect()
}

/// How far `seat` lies outside `mp`, km (0 inside or on the boundary): the great-circle
/// distance to the nearest point of the boundary (geo's Haversine closest point).
fn seat_outside_km(mp: &MultiPolygon<f64>, seat: Point<f64>) -> f64 {
    use geo::{Distance, Haversine, HaversineClosestPoint, Intersects};
    if mp.intersects(&seat) {
        return 0.0;
    }
    match mp.haversine_closest_point(&seat) {
        geo::Closest::Intersection(_) => 0.0,
        geo::Closest::SinglePoint(p) => Haversine.distance(seat, p) / 1000.0,
        // No single nearest point (degenerate geometry): the bounding box's corner bounds it.
        geo::Closest::Indeterminate => mp.bounding_rect().map_or(0.0, |r| {
            let c = Point::new(
                seat.x().clamp(r.min().x, r.max().x),
                seat.y().clamp(r.min().y, r.max().y),
            );
            Haversine.distance(seat, c) / 1000.0
        }),
    }
}

fn union_rect(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(p) => msg[..p].to_string(),
        None => msg.to_string(),
    }
}

fn check_crs(crs: &Value) -> std::result::Result<(), String> {
    let name = crs
        .pointer("/properties/name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| crs.to_string());
    if WGS84_NAMES.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
        Ok(())
    } else {
        Err(format!(
            "\"crs\" is \"{name}\", expected WGS84 longitude/latitude (RFC 7946 has no crs member; reproject to EPSG:4326, for example with ogr2ogr -t_srs EPSG:4326)"
        ))
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A short rendering of a JSON value for messages.
fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn text_prop(props: &Map<String, Value>, key: &str) -> Option<String> {
    match props.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A non-negative finite JSON number.
fn number(v: &Value) -> std::result::Result<f64, String> {
    let x = number_any(v)?;
    if x < 0.0 {
        return Err(format!("is {}, expected a number ≥ 0", show(v)));
    }
    Ok(x)
}

/// Any finite JSON number.
fn number_any(v: &Value) -> std::result::Result<f64, String> {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(format!("is {n}, expected a finite number")),
        },
        Value::String(_) => Err(format!("is {}, a string, expected a number", show(v))),
        other => Err(format!("is {}, expected a number", show(other))),
    }
}

enum Geometry {
    Polygons(MultiPolygon<f64>),
    Point(Point<f64>),
}

struct CoordCheck {
    bbox: Option<[f64; 4]>,
}

impl CoordCheck {
    fn position(&self, x: f64, y: f64) -> std::result::Result<(), String> {
        if let Some([x0, y0, x1, y1]) = self.bbox {
            let inside = |x: f64, y: f64| (x0..=x1).contains(&x) && (y0..=y1).contains(&y);
            if !inside(x, y) && inside(y, x) {
                return Err(format!(
                    "position [{x}, {y}] looks like lat/lon swapped: it lies outside the study area [{x0}, {y0}, {x1}, {y1}] but inside it as [{y}, {x}]; GeoJSON order is [lon, lat]"
                ));
            }
        }
        // Formatted only for a message: this runs on every position of the layer.
        let show = || (show_number(x), show_number(y));
        if !(-180.0..=180.0).contains(&x) {
            let (sx, sy) = show();
            return Err(format!(
                "position [{sx}, {sy}] has longitude {sx}, outside [-180, 180]"
            ));
        }
        if !(-90.0..=90.0).contains(&y) {
            let (sx, sy) = show();
            return Err(format!(
                "position [{sx}, {sy}] has latitude {sy}, outside [-90, 90]"
            ));
        }
        Ok(())
    }
}

fn parse_position(v: &Json, check: &CoordCheck) -> std::result::Result<Coord<f64>, String> {
    let (x, y) = match v {
        Json::Pair(x, y) => (x.as_f64(), y.as_f64()),
        Json::Array(a) if a.len() >= 2 => (a[0].as_f64(), a[1].as_f64()),
        _ => {
            return Err(format!(
                "geometry position {} is not an array of at least 2 numbers",
                show(&v.to_value())
            ));
        }
    };
    match (x, y) {
        (Some(x), Some(y)) if x.is_finite() && y.is_finite() => {
            check.position(x, y)?;
            Ok(Coord { x, y })
        }
        _ => Err(format!(
            "geometry position {} is not a pair of numbers",
            show(&v.to_value())
        )),
    }
}

fn parse_ring(
    v: &Json,
    what: &str,
    check: &CoordCheck,
) -> std::result::Result<LineString<f64>, String> {
    let arr = v.items().ok_or_else(|| {
        format!(
            "geometry {what} is {}, expected an array of positions",
            v.kind()
        )
    })?;
    let mut coords = Vec::with_capacity(arr.len());
    for p in arr.iter() {
        coords.push(parse_position(p, check)?);
    }
    if coords.len() < 4 {
        return Err(format!(
            "geometry {what} has {} positions, a closed ring needs at least 4",
            coords.len()
        ));
    }
    let (first, last) = (coords[0], coords[coords.len() - 1]);
    if first != last {
        return Err(format!(
            "geometry {what} is not closed: first position [{}, {}], last [{}, {}]",
            first.x, first.y, last.x, last.y
        ));
    }
    if has_no_area(&coords) {
        return Err(format!(
            "geometry {what} has no area: its positions lie on one line, or its loops cancel out (a self-intersecting ring)"
        ));
    }
    Ok(LineString(coords))
}

/// A closed ring without area: every position on one straight line (robust orientation
/// test), or a planar area of at most 10⁻¹² of the square of its bounding box's diagonal —
/// positions on a line up to rounding (`104.1, 30.1` is not exact in binary), or loops that
/// cancel out, such as a symmetric bow-tie. A real unit, even a sliver 1 m wide and 1000 km
/// long, is 10⁶ times above that bound. Such a ring has no area to dissolve, export or divide
/// by.
fn has_no_area(ring: &[Coord<f64>]) -> bool {
    use geo::{Kernel, Orientation, kernels::RobustKernel};
    let Some(&a) = ring.first() else {
        return true;
    };
    let collinear = match ring.iter().find(|&&c| c != a) {
        None => true,
        Some(&b) => ring
            .iter()
            .all(|&c| RobustKernel::orient2d(a, b, c) == Orientation::Collinear),
    };
    if collinear {
        return true;
    }
    // The shoelace formula relative to the first position, so that the terms are small.
    let twice_signed: f64 = ring
        .windows(2)
        .map(|w| (w[0].x - a.x) * (w[1].y - a.y) - (w[1].x - a.x) * (w[0].y - a.y))
        .sum();
    let (mut x0, mut y0, mut x1, mut y1) = (a.x, a.y, a.x, a.y);
    for c in ring {
        (x0, y0, x1, y1) = (x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y));
    }
    let diagonal2 = (x1 - x0).powi(2) + (y1 - y0).powi(2);
    (twice_signed / 2.0).abs() <= 1e-12 * diagonal2
}

fn parse_polygon(
    v: &Json,
    what: &str,
    check: &CoordCheck,
) -> std::result::Result<Polygon<f64>, String> {
    let rings = v.items().ok_or_else(|| {
        format!(
            "geometry {what} is {}, expected an array of rings",
            v.kind()
        )
    })?;
    if rings.is_empty() {
        return Err(format!("geometry {what} is empty (no rings)"));
    }
    let mut parsed = rings
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let name = if i == 0 {
                format!("{what} exterior ring")
            } else {
                format!("{what} ring #{i}")
            };
            parse_ring(r, &name, check)
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let exterior = parsed.remove(0);
    Ok(Polygon::new(exterior, parsed))
}

fn parse_geometry(g: &Json, check: &CoordCheck) -> std::result::Result<Geometry, String> {
    match g {
        Json::Null => return Err("geometry is null".into()),
        Json::Object(_) => {}
        v => return Err(format!("geometry is {}, expected an object", v.kind())),
    }
    let ty = g.get("type").and_then(Json::as_str).unwrap_or("");
    let coords = g.get("coordinates").unwrap_or(&Json::Null);
    let is_empty = coords.items().is_none_or(|a| a.is_empty());
    match ty {
        "Polygon" | "MultiPolygon" | "Point" if is_empty => {
            Err(format!("geometry is an empty {ty}"))
        }
        "Polygon" => Ok(Geometry::Polygons(MultiPolygon(vec![parse_polygon(
            coords, "polygon", check,
        )?]))),
        "MultiPolygon" => {
            let polys = coords
                .items()
                .expect("checked non-empty array above")
                .iter()
                .enumerate()
                .map(|(i, p)| parse_polygon(p, &format!("polygon #{i}"), check))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok(Geometry::Polygons(MultiPolygon(polys)))
        }
        "Point" => Ok(Geometry::Point(Point(parse_position(coords, check)?))),
        "" => Err("geometry has no \"type\"".into()),
        other => Err(format!(
            "geometry type is \"{other}\", expected Polygon, MultiPolygon or Point"
        )),
    }
}
