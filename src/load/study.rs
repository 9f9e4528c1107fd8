//! The study file (TOML): cores, roles, time bands, the field mapping of the units layer and the
//! network parameters. The default study ships as `data/study.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{Error, Location, Result, show_number};
use crate::load::links::MAX_LINK_MIN;
use crate::model::Decay;
use crate::model::Mass;
use crate::model::Mode;

/// The most time bands a study takes (each band is a column of every per-unit table and a set
/// of isochrones).
pub const MAX_BANDS: usize = 50;

/// The longest time band, minutes (a week): a longer band names no reach a study can use, and
/// its number would name the output columns.
pub const MAX_BAND_MIN: f64 = 7.0 * 24.0 * 60.0;

/// A study: what to measure and how to read the units layer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    /// The study's name (for reports).
    pub name: String,
    /// The year the units' population counts (the default data: the 2020 census); it names the
    /// population columns (`pop_2020_10k`, else `pop_10k`).
    #[serde(default)]
    pub population_year: Option<i32>,
    /// Time bands in minutes (default 60, 120, 180).
    #[serde(default = "default_bands")]
    pub bands_min: Vec<f64>,
    /// The study area `[lon_min, lat_min, lon_max, lat_max]` (WGS84 degrees); used to detect
    /// swapped coordinates. Optional.
    #[serde(default)]
    pub bbox: Option<[f64; 4]>,
    /// Which properties of the units layer hold what.
    #[serde(default)]
    pub fields: FieldMap,
    /// The cores (one or more), each a set of unit codes searched together.
    #[serde(default)]
    pub cores: Vec<CoreDef>,
    /// Unit codes per role other than `core`.
    #[serde(default)]
    pub roles: RoleDefs,
    /// Network-building parameters.
    #[serde(default)]
    pub network: NetworkParams,
    /// Parameters of the measures.
    #[serde(default)]
    pub measures: MeasureParams,
    /// How a road graph given with `--roads` is timed and joined to the units.
    #[serde(default)]
    pub roads: RoadParams,
    /// The file the study was read from (for messages).
    #[serde(skip)]
    pub file: String,
}

/// Road-graph parameters (`[roads]` in the study file): the speed of each road class of an
/// OpenStreetMap road graph (osm4routing's car classes), and how unit seats join the graph.
///
/// Defaults are average running speeds in km/h, below the design speeds of China's highway
/// standard JTG B01-2014 (expressway 80–120, first-class 60–100, second-class 60–80,
/// third-class 30–40, fourth-class 20–30) to allow for grades, curves, towns and junctions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoadParams {
    /// `motorway` (expressways), km/h.
    pub motorway_kmh: f64,
    /// `trunk` (national trunk roads), km/h.
    pub trunk_kmh: f64,
    /// `primary`, km/h.
    pub primary_kmh: f64,
    /// `secondary`, km/h.
    pub secondary_kmh: f64,
    /// `tertiary`, km/h.
    pub tertiary_kmh: f64,
    /// `residential` (osm4routing's class for residential, unclassified and service roads), km/h.
    pub residential_kmh: f64,
    /// GeoJSON road lines with neither a `minutes` nor a `speed_kmh` nor a known `highway`
    /// class, km/h.
    pub default_kmh: f64,
    /// Seat → nearest road node (and back): the connector, at this speed over the geodesic
    /// distance (local streets in town), km/h.
    pub connector_kmh: f64,
    /// Warn when a seat is farther than this from its road node, km.
    pub snap_warn_km: f64,
}

impl Default for RoadParams {
    fn default() -> Self {
        RoadParams {
            motorway_kmh: 90.0,
            trunk_kmh: 70.0,
            primary_kmh: 55.0,
            secondary_kmh: 45.0,
            tertiary_kmh: 35.0,
            residential_kmh: 25.0,
            default_kmh: 40.0,
            connector_kmh: 20.0,
            snap_warn_km: 2.0,
        }
    }
}

impl RoadParams {
    /// The keys and values, in order (for checks and reports).
    pub fn entries(&self) -> [(&'static str, f64); 9] {
        [
            ("motorway_kmh", self.motorway_kmh),
            ("trunk_kmh", self.trunk_kmh),
            ("primary_kmh", self.primary_kmh),
            ("secondary_kmh", self.secondary_kmh),
            ("tertiary_kmh", self.tertiary_kmh),
            ("residential_kmh", self.residential_kmh),
            ("default_kmh", self.default_kmh),
            ("connector_kmh", self.connector_kmh),
            ("snap_warn_km", self.snap_warn_km),
        ]
    }
}

/// Parameters of the measures (`[measures]` in the study file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MeasureParams {
    /// The mass of accessibility and gravity measures.
    pub mass: Mass,
    /// Decay functions of potential accessibility (`power:1`, `exp:0.0116`, …).
    pub decays: Vec<String>,
    /// Include each unit's own mass at its internal travel time in its potential.
    pub self_potential: bool,
    /// Corridor tolerance ε: T(C→i) + T(i→Q) ≤ (1 + ε) T(C→Q).
    pub corridor_epsilon: f64,
    /// The roles whose units are centres of the membership analysis besides the cores, each
    /// unit a centre of its own [default: `sub_centre` and `regional_centre`, those of them
    /// that the study has].
    pub centre_roles: Option<Vec<String>>,
}

impl Default for MeasureParams {
    fn default() -> Self {
        MeasureParams {
            mass: Mass::Pop,
            decays: vec!["power:1".into(), "power:1.5".into()],
            self_potential: true,
            corridor_epsilon: 0.25,
            centre_roles: None,
        }
    }
}

impl MeasureParams {
    /// The roles of the membership centres ([`MeasureParams::centre_roles`]) among `roles`.
    pub fn centre_roles<'a>(&'a self, roles: &'a RoleDefs) -> Vec<&'a str> {
        match &self.centre_roles {
            Some(r) => r.iter().map(String::as_str).collect(),
            None => ["sub_centre", "regional_centre"]
                .into_iter()
                .filter(|r| roles.names().any(|n| n == *r))
                .collect(),
        }
    }

    /// The decays, parsed.
    pub fn parsed_decays(&self) -> std::result::Result<Vec<Decay>, String> {
        self.decays.iter().map(|d| d.parse::<Decay>()).collect()
    }
}

fn default_bands() -> Vec<f64> {
    vec![60.0, 120.0, 180.0]
}

/// A core of the study: several units searched as one multi-source origin.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoreDef {
    /// Short name, used in output field names (`t_chengdu_min`): lower-case ASCII recommended.
    pub name: String,
    /// Chinese name.
    #[serde(default)]
    pub name_zh: Option<String>,
    /// The core's key in output column names (`t_<key>_min`): lower-case ASCII letters, digits
    /// and `_`. By default the name written that way (`Chengdu` → `chengdu`), or `core<k>` (the
    /// core's position, from 1) when the name has no ASCII letter or digit (`成都`).
    #[serde(default)]
    pub key: Option<String>,
    /// Other names a user may call the core by, in any language (`重庆`, `Chongqing central
    /// city`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Unit codes; a code also covers units whose parent is that code.
    pub codes: Vec<String>,
}

impl CoreDef {
    /// Whether `q` names this core: its name, Chinese name or an alias (case and surrounding
    /// spaces ignored).
    pub fn is_called(&self, q: &str) -> bool {
        let q = q.trim().to_lowercase();
        std::iter::once(&self.name)
            .chain(&self.name_zh)
            .chain(&self.aliases)
            .any(|n| n.trim().to_lowercase() == q)
    }

    /// The core's units in `region`: each code and the units whose parent it is, sorted, each
    /// once.
    pub fn units(&self, region: &crate::model::Region) -> Vec<crate::model::UnitId> {
        let mut units: Vec<crate::model::UnitId> = self
            .codes
            .iter()
            .flat_map(|code| crate::load::members_of(region, code))
            .collect();
        units.sort();
        units.dedup();
        units
    }
}

/// The study's roles below `core`, each a name and unit codes (a code also covers its child
/// units), in the order of the study file; an earlier role wins over a later one for a unit
/// listed twice. Names are the study's own (`metro_area`, `sub_centre`, `hub`, …): lower-case
/// ASCII letters, digits and `_`, not `core` or `other`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleDefs(pub Vec<(String, Vec<String>)>);

impl RoleDefs {
    /// The codes of a role (empty when the study has no such role).
    pub fn codes(&self, role: &str) -> &[String] {
        self.0
            .iter()
            .find(|(n, _)| n == role)
            .map_or(&[], |(_, c)| c.as_slice())
    }

    /// The role names, in file order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(n, _)| n.as_str())
    }
}

impl<'de> Deserialize<'de> for RoleDefs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RoleDefs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table of role names, each a list of unit codes")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<RoleDefs, A::Error> {
                let mut v = Vec::new();
                while let Some((k, codes)) = map.next_entry::<String, Vec<String>>()? {
                    v.push((k, codes));
                }
                Ok(RoleDefs(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// How population is counted in the units layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum PopulationUnit {
    /// Persons (converted to 10⁴ people on load).
    #[default]
    Persons,
    /// Already in 10⁴ people.
    #[serde(rename = "10k")]
    #[cfg_attr(feature = "cli", value(name = "10k"))]
    TenThousand,
}

/// Property names of the units layer. Optional fields may be absent from the file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FieldMap {
    /// Unique id (required).
    pub id: String,
    /// Name (required; falls back to the id when the property is absent).
    pub name: String,
    /// Chinese name.
    pub name_zh: String,
    /// Population (required).
    pub population: String,
    /// Whether population is in persons or 10⁴ people.
    pub population_unit: PopulationUnit,
    /// GDP in 10⁸ yuan (optional, `null` allowed).
    pub gdp: String,
    /// Year of the GDP figure.
    pub gdp_year: String,
    /// Planning region.
    pub region: String,
    /// Planning region in Chinese.
    pub region_zh: String,
    /// Province.
    pub province: String,
    /// Unit type.
    pub unit_type: String,
    /// Parent unit code.
    pub parent: String,
    /// Codes covered by the feature (`;`-separated).
    pub codes_covered: String,
    /// Area in km² (computed from the polygon when absent).
    pub area: String,
    /// Seat longitude.
    pub seat_lon: String,
    /// Seat latitude.
    pub seat_lat: String,
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            id: "code".into(),
            name: "name_en".into(),
            name_zh: "name_zh".into(),
            population: "pop_2020_census".into(),
            population_unit: PopulationUnit::Persons,
            gdp: "gdp_100m_cny".into(),
            gdp_year: "gdp_year".into(),
            region: "region_en".into(),
            region_zh: "region_zh".into(),
            province: "province".into(),
            unit_type: "unit_type".into(),
            parent: "prefecture_code".into(),
            codes_covered: "codes_covered".into(),
            area: "area_km2".into(),
            seat_lon: "seat_lon".into(),
            seat_lat: "seat_lat".into(),
        }
    }
}

/// Per-mode parameters of the network.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModeParams {
    /// Average speed used when a link has a length but no time, km/h.
    pub speed_kmh: f64,
    /// Minutes from the unit's seat to boarding (travel to the station, security, waiting);
    /// only for modes that use stations.
    pub access_min: f64,
    /// Minutes from alighting to the unit's seat; only for modes that use stations.
    pub egress_min: f64,
}

impl ModeParams {
    const fn new(speed_kmh: f64, access_min: f64, egress_min: f64) -> Self {
        ModeParams {
            speed_kmh,
            access_min,
            egress_min,
        }
    }
}

impl Default for ModeParams {
    fn default() -> Self {
        ModeParams::new(50.0, 0.0, 0.0)
    }
}

/// Network parameters (`[network]` in the study file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkParams {
    /// HSR parameters.
    pub hsr: ModeParams,
    /// Conventional rail parameters.
    pub rail: ModeParams,
    /// Expressway parameters.
    pub expressway: ModeParams,
    /// Ordinary road parameters (also the speed of generated road links).
    pub road: ModeParams,
    /// Generate road links between units whose polygons share a border.
    pub contiguity: bool,
    /// Minimum shared border, km, for two units to count as neighbours.
    pub contiguity_min_border_km: f64,
    /// Distance within which two borders count as shared, metres.
    pub contiguity_tolerance_m: f64,
    /// Also join each unit to its k nearest seats by generated road (0 = off).
    pub nearest_k: usize,
    /// Road distance / great-circle distance for generated road links.
    pub circuity: f64,
    /// Minutes to change trains between two lines at one unit's stations.
    pub transfer: TransferParams,
}

/// Minutes to change from one line to another at a unit (`[network.transfer]`): walking
/// between platforms, the minimum connection time and waiting. Staying on one line through a
/// station costs nothing. Defaults: 30 minutes for every pair — the connection time
/// station staff and the rail-and-air accessibility datasets use for a change at one Chinese
/// station (15–40 min, more with luggage) — below the 40 minutes that leaving the station and
/// boarding again would cost (HSR egress 15 + access 25). Set a pair to 0 for free changes.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TransferParams {
    /// HSR ↔ HSR, minutes.
    pub hsr_hsr: f64,
    /// HSR ↔ conventional rail (either way), minutes.
    pub hsr_rail: f64,
    /// Conventional rail ↔ conventional rail, minutes.
    pub rail_rail: f64,
}

impl Default for TransferParams {
    fn default() -> Self {
        TransferParams {
            hsr_hsr: 30.0,
            hsr_rail: 30.0,
            rail_rail: 30.0,
        }
    }
}

impl TransferParams {
    /// The transfer time between lines of modes `a` and `b`; `None` for a pair the study does
    /// not time (a mode without stations).
    pub fn between(&self, a: Mode, b: Mode) -> Option<f64> {
        match (a, b) {
            (Mode::Hsr, Mode::Hsr) => Some(self.hsr_hsr),
            (Mode::Hsr, Mode::Rail) | (Mode::Rail, Mode::Hsr) => Some(self.hsr_rail),
            (Mode::Rail, Mode::Rail) => Some(self.rail_rail),
            _ => None,
        }
    }

    /// The keys and values (for checks).
    pub fn entries(&self) -> [(&'static str, f64); 3] {
        [
            ("hsr_hsr", self.hsr_hsr),
            ("hsr_rail", self.hsr_rail),
            ("rail_rail", self.rail_rail),
        ]
    }
}

impl Default for NetworkParams {
    fn default() -> Self {
        NetworkParams {
            hsr: ModeParams::new(230.0, 25.0, 15.0),
            rail: ModeParams::new(100.0, 20.0, 15.0),
            expressway: ModeParams::new(80.0, 0.0, 0.0),
            road: ModeParams::new(50.0, 0.0, 0.0),
            contiguity: true,
            contiguity_min_border_km: 0.5,
            contiguity_tolerance_m: 50.0,
            nearest_k: 0,
            circuity: 1.3,
            transfer: TransferParams::default(),
        }
    }
}

impl NetworkParams {
    /// These parameters with every station access, egress and transfer time at `factor` of its
    /// value (0: in-vehicle time only; 1: unchanged).
    pub fn scaled_penalties(&self, factor: f64) -> NetworkParams {
        let mut p = self.clone();
        for m in [&mut p.hsr, &mut p.rail, &mut p.expressway, &mut p.road] {
            m.access_min *= factor;
            m.egress_min *= factor;
        }
        p.transfer.hsr_hsr *= factor;
        p.transfer.hsr_rail *= factor;
        p.transfer.rail_rail *= factor;
        p
    }

    /// The parameters of one mode.
    pub fn mode(&self, m: Mode) -> &ModeParams {
        match m {
            Mode::Hsr => &self.hsr,
            Mode::Rail => &self.rail,
            Mode::Expressway => &self.expressway,
            Mode::Road => &self.road,
        }
    }
}

impl Study {
    /// Parse and check a study file. `file` names it in messages.
    pub fn from_toml(text: &str, file: &str) -> Result<Study> {
        let study: Study = toml::from_str(text).map_err(|e| {
            let location = match e.span() {
                Some(span) => {
                    let (line, column) = line_col(text, span.start);
                    Location::Line {
                        line,
                        column: Some(column),
                    }
                }
                None => Location::File,
            };
            Error::input(file, location, e.message().trim().replace('\n', " "))
        })?;
        study.check(file)?;
        Ok(Study {
            file: file.to_string(),
            ..study
        })
    }

    fn check(&self, file: &str) -> Result<()> {
        let bad = |key: &str, msg: String| Err(Error::input(file, Location::Key(key.into()), msg));
        if self.bands_min.is_empty() {
            return bad(
                "bands_min",
                "is empty, expected at least one band in minutes".into(),
            );
        }
        if self.bands_min.len() > MAX_BANDS {
            return bad(
                "bands_min",
                format!(
                    "has {} bands, expected at most {MAX_BANDS}",
                    self.bands_min.len()
                ),
            );
        }
        for (i, b) in self.bands_min.iter().enumerate() {
            if *b > MAX_BAND_MIN {
                return bad(
                    "bands_min",
                    format!(
                        "band #{i} is {} min, over a week ({MAX_BAND_MIN} min), the longest band",
                        show_number(*b)
                    ),
                );
            }
            if !(b.is_finite() && *b > 0.0) {
                return bad(
                    "bands_min",
                    format!(
                        "band #{i} is {}, expected a positive number of minutes",
                        show_number(*b)
                    ),
                );
            }
            if i > 0 && *b <= self.bands_min[i - 1] {
                return bad(
                    "bands_min",
                    format!(
                        "bands must increase, but {} follows {}",
                        show_number(*b),
                        show_number(self.bands_min[i - 1])
                    ),
                );
            }
        }
        if let Some([x0, y0, x1, y1]) = self.bbox
            && !(x0 < x1
                && y0 < y1
                && (-180.0..=180.0).contains(&x0)
                && (-180.0..=180.0).contains(&x1)
                && (-90.0..=90.0).contains(&y0)
                && (-90.0..=90.0).contains(&y1))
        {
            let [x0, y0, x1, y1] = [x0, y0, x1, y1].map(show_number);
            return bad(
                "bbox",
                format!(
                    "is [{x0}, {y0}, {x1}, {y1}], expected [lon_min, lat_min, lon_max, lat_max] in degrees"
                ),
            );
        }
        let mut names = BTreeMap::new();
        for (i, c) in self.cores.iter().enumerate() {
            let key = format!("cores[{i}]");
            if c.name.trim().is_empty() {
                return bad(&key, "name is empty".into());
            }
            if c.codes.is_empty() {
                return bad(&key, format!("core \"{}\" has no codes", c.name));
            }
            if names.insert(c.name.to_lowercase(), i).is_some() {
                return bad(&key, format!("core name \"{}\" is used twice", c.name));
            }
            if let Some(k) = &c.key
                && (k.is_empty()
                    || !k
                        .chars()
                        .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'))
            {
                return bad(
                    &key,
                    format!("key is \"{k}\", expected lower-case ASCII letters, digits and _"),
                );
            }
        }
        let mut keys: BTreeMap<String, usize> = BTreeMap::new();
        for i in 0..self.cores.len() {
            let k = self.core_key(i);
            if let Some(j) = keys.insert(k.clone(), i) {
                return bad(
                    &format!("cores[{i}]"),
                    format!(
                        "core \"{}\" has the output key \"{k}\" of core \"{}\" (cores[{j}]), so their columns t_{k}_min would clash; give one a key = \"…\"",
                        self.cores[i].name, self.cores[j].name
                    ),
                );
            }
        }
        for (name, _) in &self.roles.0 {
            if name == crate::model::Role::CORE
                || name == crate::model::Role::OTHER
                || name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return bad(
                    &format!("roles.{name}"),
                    "expected a role name of lower-case ASCII letters, digits and _, other than core and other".into(),
                );
            }
        }
        if let Some(cr) = &self.measures.centre_roles {
            for r in cr {
                if !self.roles.names().any(|n| n == r) {
                    return bad(
                        "measures.centre_roles",
                        format!("names the role \"{r}\", which [roles] does not define"),
                    );
                }
            }
        }
        for m in Mode::ALL {
            let p = self.network.mode(m);
            if let Err(msg) = check_speed(p.speed_kmh) {
                return bad(&format!("network.{m}.speed_kmh"), msg);
            }
            for (n, v) in [("access_min", p.access_min), ("egress_min", p.egress_min)] {
                if !(v.is_finite() && (0.0..=MAX_LINK_MIN).contains(&v)) {
                    return bad(
                        &format!("network.{m}.{n}"),
                        format!(
                            "is {}, expected minutes ≥ 0 and ≤ {MAX_LINK_MIN} (24 h)",
                            show_number(v)
                        ),
                    );
                }
            }
        }
        match self.measures.parsed_decays() {
            Err(e) => return bad("measures.decays", e),
            Ok(d) => {
                if let Some((a, b)) = crate::model::decay::clash(&d) {
                    return bad(
                        "measures.decays",
                        format!("{a} and {b} both give the column {}", a.column()),
                    );
                }
            }
        }
        let eps = self.measures.corridor_epsilon;
        if !(eps.is_finite() && eps >= 0.0) {
            return bad(
                "measures.corridor_epsilon",
                format!("is {}, expected a number ≥ 0", show_number(eps)),
            );
        }
        for (k, v) in self.roads.entries() {
            let checked = if k.ends_with("_kmh") {
                check_speed(v)
            } else if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("is {}, expected a positive number", show_number(v)))
            };
            if let Err(msg) = checked {
                return bad(&format!("roads.{k}"), msg);
            }
        }
        let n = &self.network;
        for (k, v) in n.transfer.entries() {
            if !(v.is_finite() && (0.0..=1440.0).contains(&v)) {
                return bad(
                    &format!("network.transfer.{k}"),
                    format!("is {}, expected minutes from 0 to 1440", show_number(v)),
                );
            }
        }
        if !(n.circuity.is_finite() && n.circuity >= 1.0) {
            return bad(
                "network.circuity",
                format!("is {}, expected a factor ≥ 1", show_number(n.circuity)),
            );
        }
        if n.circuity > MAX_CIRCUITY {
            return bad(
                "network.circuity",
                format!(
                    "is {}, expected a factor ≤ {MAX_CIRCUITY} (road km per great-circle km; winding mountain roads are about 1.5)",
                    show_number(n.circuity)
                ),
            );
        }
        if n.nearest_k > MAX_NEAREST_K {
            return bad(
                "network.nearest_k",
                format!(
                    "is {}, expected at most {MAX_NEAREST_K} neighbours (0 = off)",
                    n.nearest_k
                ),
            );
        }
        if !(n.contiguity_min_border_km.is_finite() && n.contiguity_min_border_km >= 0.0) {
            return bad(
                "network.contiguity_min_border_km",
                format!(
                    "is {}, expected km ≥ 0",
                    show_number(n.contiguity_min_border_km)
                ),
            );
        }
        if !(n.contiguity_tolerance_m.is_finite()
            && (0.0..=MAX_CONTIGUITY_TOLERANCE_M).contains(&n.contiguity_tolerance_m))
        {
            return bad(
                "network.contiguity_tolerance_m",
                format!(
                    "is {}, expected metres ≥ 0 and ≤ {MAX_CONTIGUITY_TOLERANCE_M}",
                    show_number(n.contiguity_tolerance_m)
                ),
            );
        }
        Ok(())
    }

    /// The output key of core `i` (see [`CoreDef::key`]).
    pub fn core_key(&self, i: usize) -> String {
        let c = &self.cores[i];
        match &c.key {
            Some(k) => k.clone(),
            None => {
                let k = field_key(&c.name);
                if k.is_empty() {
                    format!("core{}", i + 1)
                } else {
                    k
                }
            }
        }
    }
}

/// The slowest speed a study may give a mode (`network.<mode>.speed_kmh`) or a road class
/// (`[roads]`), km/h. Walking is about 5 km/h; a speed below 1 km/h is a mistake (a unit
/// mix-up, a lost digit), and at it the 24 h a link may take ([`MAX_LINK_MIN`]) would be
/// reached within 24 km.
pub const MIN_SPEED_KMH: f64 = 1.0;

/// The fastest speed a study may give, km/h: above every ground mode (the fastest train in
/// service, Shanghai's maglev, runs at 431 km/h; the rail speed record is 603 km/h), so a
/// larger value is a mistake (m/h for km/h, an extra zero) that would make links take no time.
pub const MAX_SPEED_KMH: f64 = 1000.0;

/// The largest `network.circuity` (road km per great-circle km): winding mountain roads are
/// about 1.5, and a road ten times longer than the straight line is not a road link.
pub const MAX_CIRCUITY: f64 = 10.0;

/// The largest `network.nearest_k`: a thousand generated road links per unit is already far
/// more than a road mesh has; larger values only cost memory (k links per unit are kept).
pub const MAX_NEAREST_K: usize = 1000;

/// The largest `network.contiguity_tolerance_m`, metres: borders 10 km apart are not shared,
/// and a larger tolerance makes every pair of units a candidate (quadratic work).
pub const MAX_CONTIGUITY_TOLERANCE_M: f64 = 10_000.0;

/// A speed from [`MIN_SPEED_KMH`] to [`MAX_SPEED_KMH`], or the message saying why not.
fn check_speed(v: f64) -> std::result::Result<(), String> {
    if !(v.is_finite() && v > 0.0) {
        Err(format!("is {}, expected a positive number", show_number(v)))
    } else if !(MIN_SPEED_KMH..=MAX_SPEED_KMH).contains(&v) {
        Err(format!(
            "is {}, expected km/h from {MIN_SPEED_KMH} to {MAX_SPEED_KMH} (walking is 5, the fastest train 431)",
            show_number(v)
        ))
    } else {
        Ok(())
    }
}

/// A name as an output field key: lower-case ASCII letters and digits, `_` elsewhere
/// (`Wanzhou District` → `wanzhou_district`).
pub fn field_key(name: &str) -> String {
    {
        let s: String = name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        s.trim_matches('_').to_string()
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let col_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[col_start..])
        .chars()
        .count() as u64
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_rejected_with_its_line() {
        let e = Study::from_toml("name = \"x\"\nbandz = [1]\n", "s.toml").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("s.toml: line 2, column 1: unknown field `bandz`"),
            "{msg}"
        );
    }

    #[test]
    fn bands_must_increase() {
        let e = Study::from_toml("name = \"x\"\nbands_min = [60, 30]\n", "s.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.toml: bands_min: bands must increase, but 30 follows 60"
        );
    }

    #[test]
    fn defaults_are_filled_in() {
        let s = Study::from_toml("name = \"x\"\n", "s.toml").unwrap();
        assert_eq!(s.bands_min, vec![60.0, 120.0, 180.0]);
        assert_eq!(s.fields.id, "code");
        assert_eq!(s.network.hsr.access_min, 25.0);
    }

    #[test]
    fn the_default_study_spells_out_the_road_defaults() {
        let s = Study::from_toml(crate::load::dataset::STUDY_TOML, "study.toml").unwrap();
        assert_eq!(s.roads.entries(), RoadParams::default().entries());
        let e =
            Study::from_toml("name = \"x\"\n[roads]\nconnector_kmh = 0\n", "s.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.toml: roads.connector_kmh: is 0, expected a positive number"
        );
    }

    #[test]
    fn absurd_study_numbers_are_rejected() {
        let e = |toml: &str| {
            Study::from_toml(&format!("name = \"x\"\n{toml}\n"), "s.toml")
                .unwrap_err()
                .to_string()
        };
        for (toml, msg) in [
            (
                "[network.hsr]\nspeed_kmh = 5000",
                "network.hsr.speed_kmh: is 5000, expected km/h from 1 to 1000 (walking is 5, the fastest train 431)",
            ),
            (
                "[network.road]\nspeed_kmh = 0.5",
                "network.road.speed_kmh: is 0.5, expected km/h from 1 to 1000 (walking is 5, the fastest train 431)",
            ),
            (
                "[network.rail]\nspeed_kmh = 1e300",
                "network.rail.speed_kmh: is 1e300, expected km/h from 1 to 1000 (walking is 5, the fastest train 431)",
            ),
            (
                "[network.rail]\nspeed_kmh = inf",
                "network.rail.speed_kmh: is inf, expected a positive number",
            ),
            (
                "[network.hsr]\naccess_min = 2000",
                "network.hsr.access_min: is 2000, expected minutes ≥ 0 and ≤ 1440 (24 h)",
            ),
            (
                "[network.rail]\negress_min = nan",
                "network.rail.egress_min: is NaN, expected minutes ≥ 0 and ≤ 1440 (24 h)",
            ),
            (
                "[network]\ncircuity = 20",
                "network.circuity: is 20, expected a factor ≤ 10 (road km per great-circle km; winding mountain roads are about 1.5)",
            ),
            (
                "[network]\nnearest_k = 9223372036854775807",
                "network.nearest_k: is 9223372036854775807, expected at most 1000 neighbours (0 = off)",
            ),
            (
                "[network]\nnearest_k = 1000000000",
                "network.nearest_k: is 1000000000, expected at most 1000 neighbours (0 = off)",
            ),
            (
                "[network]\ncontiguity_tolerance_m = 1e300",
                "network.contiguity_tolerance_m: is 1e300, expected metres ≥ 0 and ≤ 10000",
            ),
            (
                "[roads]\nmotorway_kmh = 9000",
                "roads.motorway_kmh: is 9000, expected km/h from 1 to 1000 (walking is 5, the fastest train 431)",
            ),
            (
                "[roads]\nconnector_kmh = 1e-300",
                "roads.connector_kmh: is 1e-300, expected km/h from 1 to 1000 (walking is 5, the fastest train 431)",
            ),
            (
                "bands_min = [60, 1e300, 30]",
                "bands_min: band #1 is 1e300 min, over a week (10080 min), the longest band",
            ),
            (
                "bands_min = [60, 1000, 30]",
                "bands_min: bands must increase, but 30 follows 1000",
            ),
        ] {
            assert_eq!(e(toml), format!("s.toml: {msg}"), "{toml}");
        }
        // The bounds themselves are accepted.
        let s = Study::from_toml(
            "name = \"x\"\n[network]\ncircuity = 10\nnearest_k = 1000\n[network.hsr]\nspeed_kmh = 1000\naccess_min = 1440\n[roads]\nresidential_kmh = 1\n",
            "s.toml",
        )
        .unwrap();
        assert_eq!(s.network.nearest_k, 1000);
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
    }

    #[test]
    fn cores_named_in_chinese_get_keys_by_position_and_clashes_name_the_key() {
        // Issue #16.11: cores named 成都 and 重庆 gave the columns "t__min" twice.
        let s = Study::from_toml(
            "name = \"x\"\n[[cores]]\nname = \"成都\"\ncodes = [\"1\"]\n[[cores]]\nname = \"重庆\"\ncodes = [\"2\"]\n",
            "s.toml",
        )
        .unwrap();
        assert_eq!(
            (s.core_key(0), s.core_key(1)),
            ("core1".into(), "core2".into())
        );
        let e = Study::from_toml(
            "name = \"x\"\n[[cores]]\nname = \"A B\"\ncodes = [\"1\"]\n[[cores]]\nname = \"a-b\"\ncodes = [\"2\"]\n",
            "s.toml",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.toml: cores[1]: core \"a-b\" has the output key \"a_b\" of core \"A B\" (cores[0]), so their columns t_a_b_min would clash; give one a key = \"…\""
        );
        let e = Study::from_toml(
            "name = \"x\"\n[measures]\ndecays = [\"power:1\", \"power:1.0\"]\n",
            "s.toml",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "s.toml: measures.decays: power:1 and power:1 both give the column potential_pow1"
        );
    }
}
