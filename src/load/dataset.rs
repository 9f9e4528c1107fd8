//! The default Chengdu–Chongqing dataset, embedded in the binary so that `regionlink` runs from
//! any directory. See `data/PROVENANCE.md` for sources and `data/LICENSE-DATA.md` for licences.

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
