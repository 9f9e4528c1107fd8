//! The default Chengdu–Chongqing dataset, embedded in the binary so that `regionlink` runs from
//! any directory. See `data/PROVENANCE.md` for sources and `data/LICENSE-DATA.md` for licences.

use std::collections::BTreeMap;

use geo::Point;

use crate::error::{Error, Location, Result};

/// `data/units.geojson`: the 59 city units (21 Sichuan prefectures, 38 Chongqing districts and
/// counties). Polygons © OpenStreetMap contributors, ODbL 1.0, via geoBoundaries.
pub const UNITS_GEOJSON: &str = include_str!("../../data/units.geojson");
/// `data/counties.geojson`: the 219 county-level polygons of the region.
pub const COUNTIES_GEOJSON: &str = include_str!("../../data/counties.geojson");
/// `data/links.csv`: curated rail, HSR and expressway links.
pub const LINKS_CSV: &str = include_str!("../../data/links.csv");
/// `data/study.toml`: the default study (cores, roles, bands, network parameters).
pub const STUDY_TOML: &str = include_str!("../../data/study.toml");
/// `data/sources.csv`: source key → document.
pub const SOURCES_CSV: &str = include_str!("../../data/sources.csv");

/// How the embedded files are named in messages and reports.
pub const EMBEDDED_PREFIX: &str = "<embedded>/data/";

/// The attribution to print wherever the default data is used.
pub const ATTRIBUTION: &str = "Administrative boundaries © OpenStreetMap contributors, ODbL 1.0, via geoBoundaries \
(CHN-ADM3-62558664). Seat points: GeoNames (geonames.org), CC BY 4.0. Population: National Bureau of Statistics \
of China, 2020 Census county tabulation. GDP: statistical bulletins and yearbooks listed in gdp.csv. Transport \
facts: the public reports and timetables listed in sources.csv and timetable_times.csv.";

/// The embedded 59-unit layer as a gazetteer: code → seat and English name. It attaches
/// prefecture-level links to other layers (the county layer, a layer of one's own) by the seat
/// of their code, and names prefecture-level centres there.
#[derive(Debug, Clone, Default)]
pub struct Gazetteer {
    entries: BTreeMap<String, (Point<f64>, String)>,
}

impl Gazetteer {
    /// Read a gazetteer from a units GeoJSON with `code`, `seat_lon`, `seat_lat` and
    /// `name_en` properties (`file` names it in messages).
    ///
    /// # Errors
    /// Not JSON, not a FeatureCollection, or a feature whose code, seat or name is missing or
    /// of the wrong type.
    pub fn parse(text: &str, file: &str) -> Result<Gazetteer> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| crate::load::json::syntax_error(file, &e))?;
        let features = v["features"]
            .as_array()
            .ok_or_else(|| Error::input(file, Location::File, "expected a FeatureCollection"))?;
        let mut entries = BTreeMap::new();
        for (index, f) in features.iter().enumerate() {
            let p = &f["properties"];
            let code = p["code"].as_str();
            let at = || Location::Feature {
                index,
                id: code.map(str::to_string),
            };
            let Some(code) = code else {
                return Err(Error::input(
                    file,
                    at(),
                    "property \"code\" is not a string",
                ));
            };
            let num = |k: &str| {
                p[k].as_f64().ok_or_else(|| {
                    Error::input(file, at(), format!("property \"{k}\" is not a number"))
                })
            };
            let (x, y) = (num("seat_lon")?, num("seat_lat")?);
            let name = p["name_en"]
                .as_str()
                .ok_or_else(|| Error::input(file, at(), "property \"name_en\" is not a string"))?;
            entries.insert(code.to_string(), (Point::new(x, y), name.to_string()));
        }
        Ok(Gazetteer { entries })
    }

    /// The gazetteer of the embedded 59-unit layer (read once).
    ///
    /// # Errors
    /// When the embedded layer cannot be read (a build of this crate with broken data).
    pub fn embedded() -> Result<&'static Gazetteer> {
        static G: std::sync::OnceLock<std::result::Result<Gazetteer, Error>> =
            std::sync::OnceLock::new();
        let name = format!("{EMBEDDED_PREFIX}units.geojson");
        match G.get_or_init(|| Gazetteer::parse(UNITS_GEOJSON, &name)) {
            Ok(g) => Ok(g),
            Err(Error::Input(e)) => Err(Error::Input(e.clone())),
            Err(e) => Err(Error::Usage(e.to_string())),
        }
    }

    /// The seat of a code.
    pub fn seat(&self, code: &str) -> Option<Point<f64>> {
        self.entries.get(code).map(|(p, _)| *p)
    }

    /// The English name of a code.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.entries.get(code).map(|(_, n)| n.as_str())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_gazetteer_has_the_59_units() {
        let g = Gazetteer::embedded().unwrap();
        assert_eq!(g.len(), 59);
        assert_eq!(g.name("510700"), Some("Mianyang"));
        let p = g.seat("510100").unwrap();
        assert!((103.0..105.0).contains(&p.x()) && (30.0..31.5).contains(&p.y()));
    }

    #[test]
    fn a_broken_gazetteer_is_an_error_naming_the_feature() {
        let e = Gazetteer::parse(
            r#"{"type":"FeatureCollection","features":[{"properties":{"code":"1","seat_lon":"x"}}]}"#,
            "g.geojson",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "g.geojson: feature #0 (1): property \"seat_lon\" is not a number"
        );
        assert!(Gazetteer::parse("{", "g.geojson").is_err());
    }
}
