//! The vocabulary of the pipeline: typed ids, units of measure, units (the regions' building
//! blocks), modes and link statuses, roles, and the shared terms of the measures: the
//! [`Mass`] of a unit and the [`Decay`] of accessibility with travel time.
//!
//! # Units of measure
//! - population: 10⁴ people (`population_10k`);
//! - GDP: 10⁸ yuan, current prices, of the year given per unit (`gdp_100m_cny`);
//! - area: km²;
//! - time: minutes ([`Minutes`]);
//! - coordinates: WGS84 longitude/latitude in degrees.

pub mod decay;
pub mod mass;

use std::collections::HashMap;
use std::fmt;

use geo::{MultiPolygon, Point, Rect};
use serde::{Deserialize, Serialize};

pub use decay::Decay;
pub use mass::Mass;

/// Index of a unit in its [`Region`] (0-based, in file order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct UnitId(pub u32);

impl UnitId {
    /// The id as an index into `Region::units`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a node of the frozen transport network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct NodeId(pub u32);

impl NodeId {
    /// The id as an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Index of a link in the network's link list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LinkId(pub u32);

impl LinkId {
    /// The id as an index.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A duration in minutes. Always finite and non-negative inside a built network.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
pub struct Minutes(pub f64);

impl Minutes {
    /// Zero minutes.
    pub const ZERO: Minutes = Minutes(0.0);

    /// Total order on the underlying float ([`f64::total_cmp`]).
    pub fn total_cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl std::ops::Add for Minutes {
    type Output = Minutes;
    fn add(self, rhs: Minutes) -> Minutes {
        Minutes(self.0 + rhs.0)
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.0} min", self.0)
    }
}

/// A transport mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// High-speed rail (design speed ≥ 200 km/h).
    Hsr,
    /// Conventional rail.
    Rail,
    /// Expressway.
    Expressway,
    /// Ordinary road (curated, or generated from the geometry).
    Road,
}

impl Mode {
    /// Every mode, in display order.
    pub const ALL: [Mode; 4] = [Mode::Hsr, Mode::Rail, Mode::Expressway, Mode::Road];

    /// The lower-case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Hsr => "hsr",
            Mode::Rail => "rail",
            Mode::Expressway => "expressway",
            Mode::Road => "road",
        }
    }

    /// Parse the file spelling (`hsr`, `rail`, `expressway`, `road`).
    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether trips on this mode start and end at a station (rail and HSR).
    pub fn uses_stations(self) -> bool {
        matches!(self, Mode::Hsr | Mode::Rail)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a link is in service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// In service (since `opening_year` when known).
    Open,
    /// Being built; due in `planned_opening_year`.
    UnderConstruction,
    /// Planned; due in `planned_opening_year` when known.
    Planned,
}

impl LinkStatus {
    /// Every status, in display order.
    pub const ALL: [LinkStatus; 3] = [
        LinkStatus::Open,
        LinkStatus::UnderConstruction,
        LinkStatus::Planned,
    ];

    /// The spelling used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Open => "open",
            LinkStatus::UnderConstruction => "under_construction",
            LinkStatus::Planned => "planned",
        }
    }

    /// Parse the file spelling.
    pub fn parse(s: &str) -> Option<LinkStatus> {
        LinkStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for LinkStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which minutes a travel time counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum TimeConvention {
    /// Seat to seat: station access and egress and transfers included (the study's
    /// `[network.<mode>]` and `[network.transfer]` minutes).
    #[default]
    DoorToDoor,
    /// Minutes on board only (timetable or estimated ride times, road driving), as most
    /// Chinese HSR accessibility papers count: no access, egress or transfer time.
    InVehicle,
}

impl TimeConvention {
    /// The name used in options and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            TimeConvention::DoorToDoor => "door-to-door",
            TimeConvention::InVehicle => "in-vehicle",
        }
    }

    /// The factor on the study's station access, egress and transfer minutes: 1 door-to-door,
    /// 0 in-vehicle.
    pub fn penalty_factor(self) -> f64 {
        match self {
            TimeConvention::DoorToDoor => 1.0,
            TimeConvention::InVehicle => 0.0,
        }
    }
}

/// The language of labels and report text: English names (`name`) or Chinese (`name_zh`,
/// falling back to `name` where a unit has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Chinese.
    Zh,
}

impl Lang {
    /// A unit's label in this language.
    pub fn label(self, u: &Unit) -> &str {
        match self {
            Lang::En => &u.name,
            Lang::Zh => u.label_zh(),
        }
    }

    /// `name` in this language: the Chinese name where there is one, else `name`.
    pub fn pick<'a>(self, name: &'a str, name_zh: Option<&'a str>) -> &'a str {
        match self {
            Lang::En => name,
            Lang::Zh => name_zh.unwrap_or(name),
        }
    }

    /// The code: `en` or `zh`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
}

/// The planning role of a unit: `core` for the units of the study's cores, a role the study
/// names in `[roles]` (the default study: `metro_area`, `sub_centre`, `regional_centre`), or
/// `other`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Role(String);

impl Role {
    /// The role of the cores' units.
    pub const CORE: &'static str = "core";
    /// The role of every unit the study gives no role.
    pub const OTHER: &'static str = "other";

    /// A role by name.
    pub fn new(name: impl Into<String>) -> Role {
        Role(name.into())
    }

    /// `core`.
    pub fn core() -> Role {
        Role::new(Role::CORE)
    }

    /// `other`.
    pub fn other() -> Role {
        Role::new(Role::OTHER)
    }

    /// The spelling used in files and outputs.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is `other` (no role).
    pub fn is_other(&self) -> bool {
        self.0 == Role::OTHER
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a unit's representative point comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatSource {
    /// The seat lon/lat properties of the feature (or a Point geometry).
    Data,
    /// geo's interior point of the polygon (no seat given).
    InteriorPoint,
}

/// One areal unit (a prefecture, district or county) with its attributes.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Position in the region.
    pub id: UnitId,
    /// The unit's id in the data (for the default data, the 6-digit division code).
    pub code: String,
    /// Name (English/pinyin in the default data).
    pub name: String,
    /// Chinese name, when given.
    pub name_zh: Option<String>,
    /// Province (or any top-level grouping), when given.
    pub province: Option<String>,
    /// Planning region (economic zone / group), when given.
    pub region: Option<String>,
    /// Planning region in Chinese, when given.
    pub region_zh: Option<String>,
    /// Unit type (district, county, prefecture-level city, …), when given.
    pub unit_type: Option<String>,
    /// The code of the parent unit (county layer: the prefecture), when given.
    pub parent_code: Option<String>,
    /// Every code this feature stands for (usually just `code`).
    pub codes_covered: Vec<String>,
    /// Resident population, 10⁴ people.
    pub population_10k: f64,
    /// GDP, 10⁸ yuan (current prices of `gdp_year`); `None` when not documented.
    pub gdp_100m_cny: Option<f64>,
    /// The year of the GDP figure.
    pub gdp_year: Option<i32>,
    /// Area, km² (from the data, else computed geodesically from the polygon; 0 for points).
    pub area_km2: f64,
    /// The representative point (seat), lon/lat.
    pub seat: Point<f64>,
    /// Where `seat` comes from.
    pub seat_source: SeatSource,
    /// The polygon, `None` for a point layer.
    pub geometry: Option<MultiPolygon<f64>>,
    /// The unit's role in the study.
    pub role: Role,
}

impl Unit {
    /// The Chinese name if given, else the name.
    pub fn label_zh(&self) -> &str {
        self.name_zh.as_deref().unwrap_or(&self.name)
    }

    /// The name followed by the Chinese name when there is one: `Wanzhou 万州区`, `Synth 7`.
    pub fn label_both(&self) -> String {
        match &self.name_zh {
            Some(z) if z != &self.name => format!("{} {z}", self.name),
            _ => self.name.clone(),
        }
    }

    /// `Name (中文, code)`, or `Name (code)` without a Chinese name.
    pub fn label_code(&self) -> String {
        match &self.name_zh {
            Some(z) if z != &self.name => format!("{} ({z}, {})", self.name, self.code),
            _ => format!("{} ({})", self.name, self.code),
        }
    }
}

/// A set of units loaded from one file, with lookups.
#[derive(Debug, Clone)]
pub struct Region {
    /// The file the units came from (for messages).
    pub source: String,
    /// The units, in file order; `units[i].id == UnitId(i)`.
    pub units: Vec<Unit>,
    /// Bounding box of every coordinate.
    pub bbox: Rect<f64>,
    by_code: HashMap<String, UnitId>,
    warnings: Vec<String>,
}

impl Region {
    /// Assemble a region; `units[i].id` must be `UnitId(i)` and codes unique (the loader checks).
    pub fn new(source: String, units: Vec<Unit>, bbox: Rect<f64>, warnings: Vec<String>) -> Self {
        let mut by_code = HashMap::with_capacity(units.len());
        for u in &units {
            by_code.insert(u.code.clone(), u.id);
            for c in &u.codes_covered {
                by_code.entry(c.clone()).or_insert(u.id);
            }
        }
        Region {
            source,
            units,
            bbox,
            by_code,
            warnings,
        }
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// True when there are no units (never, for a loaded region).
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// The unit with this code (or a code it covers).
    pub fn by_code(&self, code: &str) -> Option<&Unit> {
        self.by_code.get(code).map(|id| &self.units[id.index()])
    }

    /// The unit with this id.
    pub fn unit(&self, id: UnitId) -> &Unit {
        &self.units[id.index()]
    }

    /// Whether the units are polygons (false for a point layer).
    pub fn has_polygons(&self) -> bool {
        self.units.iter().all(|u| u.geometry.is_some())
    }

    /// Non-fatal findings of the loader (for example self-intersecting polygons).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Total population, 10⁴ people.
    pub fn population_10k_total(&self) -> f64 {
        self.units.iter().map(|u| u.population_10k).sum()
    }

    /// Find units by code, English or Chinese name (case-insensitive on names), or by a
    /// name without its suffix (`Wanzhou` for `Wanzhou District`).
    pub fn find(&self, query: &str) -> Vec<UnitId> {
        if let Some(u) = self.by_code(query) {
            return vec![u.id];
        }
        let q = query.trim().to_lowercase();
        let exact: Vec<UnitId> = self
            .units
            .iter()
            .filter(|u| {
                u.name.to_lowercase() == q
                    || u.name_zh.as_deref().map(str::to_lowercase) == Some(q.clone())
            })
            .map(|u| u.id)
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        self.units
            .iter()
            .filter(|u| {
                let n = u.name.to_lowercase();
                n.split([' ', '-']).next() == Some(q.as_str())
                    || u.name_zh.as_deref().is_some_and(|z| {
                        z.strip_suffix(['市', '区', '县', '州'])
                            .is_some_and(|s| s == q)
                            || z.trim_end_matches("自治县").trim_end_matches("自治州") == q
                    })
            })
            .map(|u| u.id)
            .collect()
    }
}
