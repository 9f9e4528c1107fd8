//! A seeded generator of road-like networks for benchmarks and worked examples
//! (`regionlink synth`).
//!
//! [`generate`] builds, from a node count and a seed, a road graph with the layout of
//! osm4routing's output plus a matching study: point units, a study file and a few synthetic
//! high-speed-rail links. [`write()`] puts them in a directory. Same options ⇒ byte-identical
//! files, on every platform (a hand-written SplitMix64 generator, no hash-map iteration order,
//! fixed decimals).
//!
//! # The model
//!
//! *A perturbed grid with random deletions and a sparse fast layer; weights = length / speed.*
//!
//! - **Nodes.** A grid `side` × `side` with `side = ⌈√nodes⌉`, filled row by row and trimmed to
//!   exactly `nodes` nodes (the last row is partial). Spacing 1 km, centred on lon 104.0°,
//!   lat 30.0° (the Chengdu plain), km converted to degrees on the sphere of radius
//!   6 371 008.8 m with cos(latitude) of each row. Each node is moved by up to ±0.3 km in
//!   each axis. Ids are `1_000_001 ..= 1_000_000 + nodes` (osm-like: ids are not indices).
//! - **Grid edges** join 4-neighbours. The class of an edge is that of its row (east–west
//!   edges) or column (north–south edges) `j`: `Trunk` when `j` is a multiple of 100, else
//!   `Primary` (50), `Secondary` (30), `Tertiary` (10), else `Residential`.
//! - **Deletions.** Each `Residential` edge is deleted with probability 0.15 (classified roads
//!   stay continuous); deleted edges that would disconnect the graph are put back (a union-find
//!   over the kept edges, then the deleted ones in order), so the graph is connected.
//! - **Motorways.** Along every 200th row and column (0, 200, …), `Motorway` edges join grid
//!   nodes 20 km apart, parallel to the trunk road.
//! - **One-way streets.** About 2 % of `Residential` edges are one-way, in a random
//!   direction; an edge becomes one-way only when the other three sides of a grid square
//!   beside it exist and stay two-way, so every node still reaches every other node.
//! - **Lengths.** `length_m` = great-circle distance between the written (7-decimal)
//!   coordinates × (1 + circuity), circuity uniform in \[0, 0.2), motorways × 1.05; rounded
//!   up to the centimetre, so it is never below the great-circle distance and never 0.
//! - **Units.** `units` distinct grid nodes, each unit placed up to 300 m away from its node
//!   (so snapping to the road graph is not trivial). Populations from a Pareto law (α = 1)
//!   truncated to 2 000 – 2 000 000 persons; the two largest go to two units far apart (the
//!   one farthest from the units' centroid, and the one farthest from it): the two cores.
//!
//! # Files ([`write()`])
//!
//! | file | content |
//! | --- | --- |
//! | `nodes.csv` | `id,lon,lat` (osm4routing), 7 decimals |
//! | `edges.csv` | osm4routing 0.8: `id,osm_id,source,target,length,foot,car_forward,car_backward,bike_forward,bike_backward,train,wkt`; `length` in metres, 2 decimals |
//! | `units.geojson` | Points with `code`, `name_en`, `pop_2020_census` (persons), `region_en`, `seat_lon`, `seat_lat` |
//! | `study.toml` | a regionlink study for these units: cores `core_a`, `core_b` |
//! | `links.csv` | the columns of `data/links.csv`: 1–4 `hsr` links between the largest units at 200 km/h |
//!
//! Each file is written to a temporary name in the directory and renamed, so a failed run
//! never leaves a half-written file.
//!
//! # Examples
//!
//! ```
//! use regionlink::synth::{generate, SynthOptions};
//!
//! let s = generate(&SynthOptions { nodes: 100, seed: 7, units: Some(5) })?;
//! assert_eq!(s.nodes.len(), 100);
//! assert_eq!(s.units.len(), 5);
//! assert!(s.edges.iter().all(|e| e.length_m > 0.0));
//! # Ok::<(), regionlink::Error>(())
//! ```

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use geo::{Distance, Haversine, Point};

use crate::error::{Error, Opt, OptionError, Result};

/// The largest node count [`generate`] accepts: a grid of about 3 160 km a side, so that
/// every position stays a valid longitude and latitude and the rail link between the two
/// cores (at most the grid's diagonal, at 200 km/h) stays below the 24 h a link may take.
pub const MAX_NODES: usize = 10_000_000;

/// The names of the files [`write()`] writes, in order.
pub const FILES: [&str; 5] = [
    "nodes.csv",
    "edges.csv",
    "units.geojson",
    "study.toml",
    "links.csv",
];

/// The header of `edges.csv` (osm4routing 0.8).
pub const EDGES_HEADER: &str = "id,osm_id,source,target,length,foot,car_forward,car_backward,bike_forward,bike_backward,train,wkt";

/// The header of `links.csv` (the columns of `data/links.csv`).
pub const LINKS_HEADER: &str = "link_id,line_id,from_code,from_name,to_code,to_name,mode,service,line_name_en,line_name_zh,status,opening_year,planned_opening_year,design_speed_kmh,length_km,length_source,time_min,time_source,seat_distance_km,source_key,verification";

/// Fewest and most persons of a unit.
pub const POPULATION_RANGE: (u64, u64) = (2_000, 2_000_000);

/// Node ids are this plus 1, 2, …
const NODE_ID_OFFSET: i64 = 1_000_000;
/// Centre of the grid, degrees.
const CENTRE_LON: f64 = 104.0;
const CENTRE_LAT: f64 = 30.0;
/// Grid spacing, km.
const SPACING_KM: f64 = 1.0;
/// Largest move of a node in each axis, in grid spacings.
const JITTER: f64 = 0.3;
/// Probability that a residential edge is deleted.
const DELETE_P: f64 = 0.15;
/// Probability that a residential edge is tried as a one-way street.
const ONEWAY_P: f64 = 0.024; // about 1 in 6 tries finds no two-way square: ≈ 2 % one-way
/// Largest extra circuity of a grid edge.
const CIRCUITY_MAX: f64 = 0.2;
/// Motorway rows and columns, and the grid steps between motorway nodes.
const MOTORWAY_EVERY: usize = 200;
const MOTORWAY_STEP: usize = 20;
/// Motorway length / great-circle length.
const MOTORWAY_CIRCUITY: f64 = 1.05;
/// Largest distance of a unit from its grid node, km.
const UNIT_OFFSET_KM: f64 = 0.3;
/// Pareto exponent of the populations.
const PARETO_ALPHA: f64 = 1.0;
/// Average speed of the synthetic high-speed-rail links, km/h.
const HSR_KMH: f64 = 200.0;
/// km per degree of latitude on geo's mean-radius sphere (6 371 008.8 m).
const KM_PER_DEG: f64 = 6_371.008_8 * std::f64::consts::PI / 180.0;
/// Margin of the study's bounding box around the network, degrees.
const BBOX_MARGIN_DEG: f64 = 0.05;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthOptions {
    /// Number of road nodes, 4 ..= [`MAX_NODES`].
    pub nodes: usize,
    /// Seed of the random generator: same options ⇒ same network, byte for byte.
    pub seed: u64,
    /// Number of units, 2 ..= `nodes`; `None` = [`default_units`]`(nodes)`.
    pub units: Option<usize>,
}

impl SynthOptions {
    /// The number of units that will be generated.
    pub fn unit_count(&self) -> usize {
        self.units.unwrap_or_else(|| default_units(self.nodes))
    }
}

/// The default number of units for `nodes` road nodes: one per 1 000 nodes, at least 2 and
/// at most 1 000 (`min(1000, max(2, nodes / 1000))`).
pub fn default_units(nodes: usize) -> usize {
    (nodes / 1000).clamp(2, 1000)
}

/// A road node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SynthNode {
    /// The node's id (`1_000_001`, `1_000_002`, … — not an index).
    pub id: i64,
    /// Longitude, WGS84 degrees, rounded to 7 decimals.
    pub lon: f64,
    /// Latitude, WGS84 degrees, rounded to 7 decimals.
    pub lat: f64,
}

/// A road edge between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthEdge {
    /// The edge's id (`e1`, `e2`, …).
    pub id: String,
    /// Id of the node where the edge starts (the only end cars may leave from on a one-way).
    pub source: i64,
    /// Id of the node where the edge ends.
    pub target: i64,
    /// Length, metres (≥ the great-circle distance between the ends, > 0, 2 decimals).
    pub length_m: f64,
    /// osm4routing car class: `Motorway`, `Trunk`, `Primary`, `Secondary`, `Tertiary` or
    /// `Residential`.
    pub class: &'static str,
    /// Cars may drive only source → target.
    pub oneway: bool,
}

/// A unit: a point with a population.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthUnit {
    /// The unit's code (`S0001`, `S0002`, …).
    pub code: String,
    /// The unit's name (`Synth 1`, `Synth 2`, …).
    pub name: String,
    /// Longitude, WGS84 degrees, rounded to 7 decimals.
    pub lon: f64,
    /// Latitude, WGS84 degrees, rounded to 7 decimals.
    pub lat: f64,
    /// Population, persons.
    pub population: u64,
}

/// A generated network with its units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Synth {
    /// The road nodes, in id order.
    pub nodes: Vec<SynthNode>,
    /// The road edges: grid edges in node order, then motorways.
    pub edges: Vec<SynthEdge>,
    /// The units, in code order.
    pub units: Vec<SynthUnit>,
}

/// Generate a road-like network and its units (see the [module docs](self) for the model).
///
/// # Errors
/// [`Error::Option`] when `nodes` is below 4 or above [`MAX_NODES`], or the unit count is
/// below 2 or above `nodes`.
///
/// # Complexity
/// O(nodes) time and memory (a union-find keeps the graph connected).
pub fn generate(opts: &SynthOptions) -> Result<Synth> {
    let n = opts.nodes;
    if n < 4 {
        return Err(OptionError::new()
            .opt(Opt::Nodes, None)
            .text(format!(" is {n}, expected at least 4 road nodes"))
            .into());
    }
    if n > MAX_NODES {
        return Err(OptionError::new()
            .opt(Opt::Nodes, None)
            .text(format!(" is {n}, expected at most {MAX_NODES}"))
            .into());
    }
    let k = opts.unit_count();
    if k < 2 {
        return Err(OptionError::new()
            .opt(Opt::Units, None)
            .text(format!(
                " is {k}, expected at least 2 (the study has two cores)"
            ))
            .into());
    }
    if k > n {
        return Err(OptionError::new()
            .opt(Opt::Units, None)
            .text(format!(
                " is {k}, more than the {n} road nodes; expected at most {n}"
            ))
            .into());
    }
    let grid = Grid::new(n);
    let nodes = place_nodes(&grid, opts.seed);
    let flags = grid_edges(&grid, opts.seed);
    let edges = emit_edges(&grid, &flags, &nodes, opts.seed);
    let units = place_units(&nodes, k, opts.seed);
    Ok(Synth {
        nodes,
        edges,
        units,
    })
}

/// Write `s` into `dir` (created when missing): the files of [`FILES`], each through a
/// temporary file renamed into place. Returns the paths written, in that order.
///
/// The cores of `study.toml` and the ends of the links in `links.csv` are the largest units
/// by population (ties: the earlier unit).
///
/// # Errors
/// [`Error::Usage`] when `s` has fewer than 2 units or an edge names a node that is not in
/// `s.nodes`; [`Error::Io`] when a file cannot be written.
pub fn write(s: &Synth, dir: &Path) -> Result<Vec<PathBuf>> {
    if s.units.len() < 2 {
        return Err(Error::Usage(format!(
            "the synthetic network has {} units, expected at least 2 (the study has two cores)",
            s.units.len()
        )));
    }
    let lookup = NodeLookup::new(&s.nodes);
    for e in &s.edges {
        for id in [e.source, e.target] {
            if lookup.get(id).is_none() {
                return Err(Error::Usage(format!(
                    "edge {} refers to node {id}, which is not in the node list",
                    e.id
                )));
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::Io {
        path: dir.display().to_string(),
        source: e,
    })?;
    let ranked = ranked_units(&s.units);
    type Writer<'a> = Box<dyn Fn(&mut dyn Write) -> std::io::Result<()> + 'a>;
    // In the order of FILES.
    let writers: [Writer<'_>; 5] = [
        Box::new(|w| write_nodes(w, s)),
        Box::new(|w| write_edges(w, s, &lookup)),
        Box::new(|w| write_units(w, s)),
        Box::new(|w| write_study(w, s, &ranked)),
        Box::new(|w| write_links(w, s, &ranked)),
    ];
    let mut written = Vec::with_capacity(FILES.len());
    for (name, f) in FILES.iter().zip(writers) {
        let path = dir.join(name);
        crate::export::write::write_atomic(&path, &[], |w| f(w))?;
        written.push(path);
    }
    Ok(written)
}

/// Read back a directory written by [`write()`]: the units, links and study, and the road graph
/// timed with the study's `[roads]` speeds — what the CLI loads from `--units units.geojson
/// --links links.csv --study study.toml --roads DIR`.
///
/// # Errors
/// Those of [`crate::load::load_inputs`] and [`crate::load::roads::load_roads`].
pub fn read(dir: &Path) -> Result<(crate::load::Inputs, crate::load::roads::RoadGraph)> {
    let p = |f: &str| dir.join(f);
    let inputs = crate::load::load_inputs(
        Some(&p("units.geojson")),
        Some(&p("links.csv")),
        Some(&p("study.toml")),
        |_| {},
        crate::load::LoadOptions::default(),
    )?;
    let roads = crate::load::roads::load_roads(dir, &inputs.study.roads)?;
    Ok((inputs, roads))
}

mod files;
mod grid;
mod units;

use files::*;
use grid::*;
use units::*;

// Random numbers
/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    /// A generator for one stage of the build, so that stages draw independent sequences (the
    /// network does not change when only the unit count does).
    fn new(seed: u64, stage: u64) -> Self {
        let mut r = Rng(seed ^ stage.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 random bits.
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [-1, 1).
    fn signed(&mut self) -> f64 {
        2.0 * self.f64() - 1.0
    }

    /// Uniform in 0..n (multiply-shift; the bias is below 2⁻⁴⁰ for n ≤ [`MAX_NODES`]).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

// Stages (independent random streams).
const STAGE_NODES: u64 = 1;
const STAGE_DELETE: u64 = 2;
const STAGE_ONEWAY: u64 = 3;
const STAGE_LENGTH: u64 = 4;
const STAGE_UNITS: u64 = 5;
const STAGE_POPULATION: u64 = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // SplitMix64 seeded with 0 (Vigna's reference implementation): first output.
        let mut r = Rng(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn default_units_is_clamped() {
        assert_eq!(default_units(4), 2);
        assert_eq!(default_units(10_000), 10);
        assert_eq!(default_units(5_000_000), 1000);
    }
}
