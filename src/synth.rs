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
        write_atomic(&path, |w| f(w))?;
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

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// The grid

/// A grid filled row by row: node `i` is at row `i / side`, column `i % side`.
struct Grid {
    n: usize,
    side: usize,
    rows: usize,
}

impl Grid {
    fn new(n: usize) -> Self {
        let mut side = (n as f64).sqrt().ceil() as usize;
        // Guard against rounding of the square root.
        while side * side < n {
            side += 1;
        }
        while side > 1 && (side - 1) * (side - 1) >= n {
            side -= 1;
        }
        Grid {
            n,
            side,
            rows: n.div_ceil(side),
        }
    }

    /// The node east of `i`, when there is one.
    fn east(&self, i: usize) -> Option<usize> {
        (i % self.side + 1 < self.side && i + 1 < self.n).then_some(i + 1)
    }

    /// Longitude and latitude of the node at row `r`, column `c`, moved by `jx`, `jy` grid
    /// spacings; km become degrees with the cosine of the row's latitude.
    fn position(&self, r: usize, c: usize, jx: f64, jy: f64) -> (f64, f64) {
        let dx = (c as f64 - (self.side - 1) as f64 / 2.0) * SPACING_KM;
        let dy = (r as f64 - (self.rows - 1) as f64 / 2.0) * SPACING_KM;
        let row_lat = CENTRE_LAT + dy / KM_PER_DEG;
        let km_per_lon_deg = KM_PER_DEG * row_lat.to_radians().cos();
        (
            CENTRE_LON + (dx + jx * SPACING_KM) / km_per_lon_deg,
            row_lat + jy * SPACING_KM / KM_PER_DEG,
        )
    }

    /// The node south of `i` (next row), when there is one.
    fn south(&self, i: usize) -> Option<usize> {
        (i + self.side < self.n).then_some(i + self.side)
    }
}

/// Whether the edges along grid row or column `j` are residential streets.
fn residential(j: usize) -> bool {
    !j.is_multiple_of(10)
}

/// The class of the edges along grid row or column `j`.
fn class_of(j: usize) -> &'static str {
    if j.is_multiple_of(100) {
        "Trunk"
    } else if j.is_multiple_of(50) {
        "Primary"
    } else if j.is_multiple_of(30) {
        "Secondary"
    } else if j.is_multiple_of(10) {
        "Tertiary"
    } else {
        "Residential"
    }
}

fn round7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

fn place_nodes(grid: &Grid, seed: u64) -> Vec<SynthNode> {
    let mut rng = Rng::new(seed, STAGE_NODES);
    let mut nodes = Vec::with_capacity(grid.n);
    for i in 0..grid.n {
        let (jx, jy) = (JITTER * rng.signed(), JITTER * rng.signed());
        let (lon, lat) = grid.position(i / grid.side, i % grid.side, jx, jy);
        nodes.push(SynthNode {
            id: NODE_ID_OFFSET + i as i64 + 1,
            lon: round7(lon),
            lat: round7(lat),
        });
    }
    nodes
}

// Per-node flags of the edges east (H) and south (V) of a node.
const H_PRESENT: u8 = 1;
const V_PRESENT: u8 = 1 << 1;
const H_ONEWAY: u8 = 1 << 2;
const V_ONEWAY: u8 = 1 << 3;
const H_PINNED: u8 = 1 << 4;
const V_PINNED: u8 = 1 << 5;
const H_REVERSED: u8 = 1 << 6;
const V_REVERSED: u8 = 1 << 7;

/// One of the two grid edges owned by a node.
#[derive(Clone, Copy)]
enum Dir {
    /// To the node east.
    H,
    /// To the node south.
    V,
}

impl Dir {
    const fn present(self) -> u8 {
        match self {
            Dir::H => H_PRESENT,
            Dir::V => V_PRESENT,
        }
    }
    const fn oneway(self) -> u8 {
        match self {
            Dir::H => H_ONEWAY,
            Dir::V => V_ONEWAY,
        }
    }
    const fn pinned(self) -> u8 {
        match self {
            Dir::H => H_PINNED,
            Dir::V => V_PINNED,
        }
    }
    const fn reversed(self) -> u8 {
        match self {
            Dir::H => H_REVERSED,
            Dir::V => V_REVERSED,
        }
    }
}

/// Decide which grid edges exist and which are one-way: one flag byte per node.
fn grid_edges(grid: &Grid, seed: u64) -> Vec<u8> {
    let n = grid.n;
    let mut flags = vec![0u8; n];
    let mut deleted = Vec::new();

    // Deletions (residential only).
    let mut rng = Rng::new(seed, STAGE_DELETE);
    for (i, f) in flags.iter_mut().enumerate() {
        let (r, c) = (i / grid.side, i % grid.side);
        if let Some(j) = grid.east(i) {
            if residential(r) && rng.f64() < DELETE_P {
                deleted.push((i, j, Dir::H));
            } else {
                *f |= H_PRESENT;
            }
        }
        if let Some(j) = grid.south(i) {
            if residential(c) && rng.f64() < DELETE_P {
                deleted.push((i, j, Dir::V));
            } else {
                *f |= V_PRESENT;
            }
        }
    }

    // Put back the deleted edges that join two components: the full grid is connected, so
    // afterwards the kept edges are too.
    let mut uf = UnionFind::new(n);
    for (i, f) in flags.iter().enumerate() {
        if f & H_PRESENT != 0 {
            uf.union(i, i + 1);
        }
        if f & V_PRESENT != 0 {
            uf.union(i, i + grid.side);
        }
    }
    for (i, j, d) in deleted {
        if uf.union(i, j) {
            flags[i] |= d.present();
        }
    }
    drop(uf);

    // One-way streets: only beside a grid square whose other three sides exist and are (and
    // stay) two-way, so the reverse trip has a detour and the graph stays strongly connected.
    let mut rng = Rng::new(seed, STAGE_ONEWAY);
    let side = grid.side;
    for i in 0..n {
        let (r, c) = (i / side, i % side);
        for (d, line) in [(Dir::H, r), (Dir::V, c)] {
            if flags[i] & d.present() == 0 || !residential(line) || rng.f64() >= ONEWAY_P {
                continue;
            }
            let reverse = rng.f64() < 0.5;
            if flags[i] & d.pinned() != 0 {
                continue;
            }
            // The other three sides of the square on either side of the edge.
            let squares: [Option<[(usize, Dir); 3]>; 2] = match d {
                Dir::H => [
                    Some([(i, Dir::V), (i + side, Dir::H), (i + 1, Dir::V)]),
                    (r > 0).then(|| {
                        [
                            (i - side, Dir::V),
                            (i - side, Dir::H),
                            (i + 1 - side, Dir::V),
                        ]
                    }),
                ],
                Dir::V => [
                    Some([(i, Dir::H), (i + 1, Dir::V), (i + side, Dir::H)]),
                    (c > 0).then(|| [(i - 1, Dir::H), (i - 1, Dir::V), (i + side - 1, Dir::H)]),
                ],
            };
            let usable = |(j, e): (usize, Dir)| {
                j < n && flags[j] & e.present() != 0 && flags[j] & e.oneway() == 0
            };
            let Some(square) = squares
                .into_iter()
                .flatten()
                .find(|sq| sq.iter().all(|&s| usable(s)))
            else {
                continue;
            };
            flags[i] |= d.oneway();
            if reverse {
                flags[i] |= d.reversed();
            }
            for (j, e) in square {
                flags[j] |= e.pinned();
            }
        }
    }
    flags
}

/// The edges: grid edges in node order (east, then south), then motorways.
fn emit_edges(grid: &Grid, flags: &[u8], nodes: &[SynthNode], seed: u64) -> Vec<SynthEdge> {
    let mut rng = Rng::new(seed, STAGE_LENGTH);
    let mut edges = Vec::with_capacity(2 * grid.n + 2 * grid.n / (MOTORWAY_EVERY * MOTORWAY_STEP));
    let mut push = |a: usize, b: usize, class: &'static str, oneway: bool, factor: f64| {
        let (pa, pb) = (&nodes[a], &nodes[b]);
        let d = Haversine.distance(Point::new(pa.lon, pa.lat), Point::new(pb.lon, pb.lat));
        // Rounded up to the centimetre: never below the great-circle distance, never 0.
        let length_m = ((d * factor * 100.0).ceil() / 100.0).max(0.01);
        edges.push(SynthEdge {
            id: format!("e{}", edges.len() + 1),
            source: pa.id,
            target: pb.id,
            length_m,
            class,
            oneway,
        });
    };
    for (i, &f) in flags.iter().enumerate() {
        let (r, c) = (i / grid.side, i % grid.side);
        for (d, j, line) in [(Dir::H, i + 1, r), (Dir::V, i + grid.side, c)] {
            if f & d.present() == 0 {
                continue;
            }
            let factor = 1.0 + CIRCUITY_MAX * rng.f64();
            let (a, b) = if f & d.reversed() != 0 {
                (j, i)
            } else {
                (i, j)
            };
            push(a, b, class_of(line), f & d.oneway() != 0, factor);
        }
    }
    let at = |r: usize, c: usize| {
        let i = r * grid.side + c;
        (r < grid.rows && c < grid.side && i < grid.n).then_some(i)
    };
    for r in (0..grid.rows).step_by(MOTORWAY_EVERY) {
        for c in (0..grid.side).step_by(MOTORWAY_STEP) {
            if let (Some(a), Some(b)) = (at(r, c), at(r, c + MOTORWAY_STEP)) {
                push(a, b, "Motorway", false, MOTORWAY_CIRCUITY);
            }
        }
    }
    for c in (0..grid.side).step_by(MOTORWAY_EVERY) {
        for r in (0..grid.rows).step_by(MOTORWAY_STEP) {
            if let (Some(a), Some(b)) = (at(r, c), at(r + MOTORWAY_STEP, c)) {
                push(a, b, "Motorway", false, MOTORWAY_CIRCUITY);
            }
        }
    }
    edges
}

/// Union-find with path halving and union by size.
struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let p = self.parent[x] as usize;
            self.parent[x] = self.parent[p];
            x = self.parent[x] as usize;
        }
        x
    }

    /// Join the sets of `a` and `b`; false when they were already one.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return false;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a as u32;
        self.size[a] += self.size[b];
        true
    }
}

// ---------------------------------------------------------------------------------------------
// Units

fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1))
}

fn place_units(nodes: &[SynthNode], k: usize, seed: u64) -> Vec<SynthUnit> {
    let n = nodes.len();
    let mut rng = Rng::new(seed, STAGE_UNITS);
    // k distinct nodes, in draw order.
    let picked: Vec<usize> = if 2 * k >= n {
        let mut all: Vec<usize> = (0..n).collect();
        for i in 0..k {
            let j = i + rng.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    } else {
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(k);
        while out.len() < k {
            let i = rng.below(n);
            if seen.insert(i) {
                out.push(i);
            }
        }
        out
    };
    let width = k.to_string().len().max(4);
    let mut units: Vec<SynthUnit> = picked
        .iter()
        .enumerate()
        .map(|(u, &i)| {
            let node = &nodes[i];
            let angle = std::f64::consts::TAU * rng.f64();
            let d_km = UNIT_OFFSET_KM * rng.f64().sqrt(); // uniform over the disc
            let km_per_lon_deg = KM_PER_DEG * node.lat.to_radians().cos();
            SynthUnit {
                code: format!("S{:0width$}", u + 1),
                name: format!("Synth {}", u + 1),
                lon: round7(node.lon + d_km * angle.cos() / km_per_lon_deg),
                lat: round7(node.lat + d_km * angle.sin() / KM_PER_DEG),
                population: 0,
            }
        })
        .collect();

    // Populations: a Pareto law truncated to [L, H] by its inverse distribution function.
    let mut rng = Rng::new(seed, STAGE_POPULATION);
    let (lo, hi) = (POPULATION_RANGE.0 as f64, POPULATION_RANGE.1 as f64);
    let tail = 1.0 - (lo / hi).powf(PARETO_ALPHA);
    let mut pops: Vec<u64> = (0..k)
        .map(|_| {
            let x = lo / (1.0 - rng.f64() * tail).powf(1.0 / PARETO_ALPHA);
            (x.round() as u64).clamp(POPULATION_RANGE.0, POPULATION_RANGE.1)
        })
        .collect();

    // The two cores, far apart: the unit farthest from the centroid, then the unit farthest
    // from that one. They get the two largest populations.
    let pos = |u: &SynthUnit| (u.lon, u.lat);
    let centroid = (
        units.iter().map(|u| u.lon).sum::<f64>() / k as f64,
        units.iter().map(|u| u.lat).sum::<f64>() / k as f64,
    );
    let farthest = |from: (f64, f64), skip: Option<usize>| {
        let mut best = (usize::MAX, f64::NEG_INFINITY);
        for (i, u) in units.iter().enumerate() {
            let d = distance_m(from, pos(u));
            if Some(i) != skip && d > best.1 {
                best = (i, d);
            }
        }
        best.0
    };
    let a = farthest(centroid, None);
    let b = farthest(pos(&units[a]), Some(a));
    let argmax = |pops: &[u64], skip: Option<usize>| {
        let mut best = (usize::MAX, 0);
        for (i, &p) in pops.iter().enumerate() {
            if Some(i) != skip && (best.0 == usize::MAX || p > best.1) {
                best = (i, p);
            }
        }
        best.0
    };
    let top = argmax(&pops, None);
    pops.swap(top, a);
    let second = argmax(&pops, Some(a));
    pops.swap(second, b);
    for (u, p) in units.iter_mut().zip(pops) {
        u.population = p;
    }
    units
}

/// Unit indices: the largest by population first (ties: the earlier unit).
fn ranked_units(units: &[SynthUnit]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..units.len()).collect();
    idx.sort_by(|&a, &b| {
        units[b]
            .population
            .cmp(&units[a].population)
            .then(a.cmp(&b))
    });
    idx
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Node id → index: direct for consecutive ids (what [`generate`] makes), else a sorted table.
struct NodeLookup<'a> {
    nodes: &'a [SynthNode],
    sorted: Option<Vec<(i64, usize)>>,
}

impl<'a> NodeLookup<'a> {
    fn new(nodes: &'a [SynthNode]) -> Self {
        let consecutive = nodes
            .iter()
            .enumerate()
            .all(|(i, n)| nodes.first().is_some_and(|f| n.id == f.id + i as i64));
        let sorted = (!consecutive).then(|| {
            let mut t: Vec<(i64, usize)> =
                nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
            t.sort_unstable();
            t
        });
        NodeLookup { nodes, sorted }
    }

    fn get(&self, id: i64) -> Option<&'a SynthNode> {
        match &self.sorted {
            None => {
                let first = self.nodes.first()?.id;
                let i = usize::try_from(id.checked_sub(first)?).ok()?;
                self.nodes.get(i)
            }
            Some(t) => {
                let k = t.binary_search_by_key(&id, |&(id, _)| id).ok()?;
                Some(&self.nodes[t[k].1])
            }
        }
    }
}

/// Write through a temporary file in the same directory, then rename.
fn write_atomic(path: &Path, f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        f(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::Io {
            path: path.display().to_string(),
            source: e,
        }
    })
}

/// A CSV field, quoted when it needs to be.
fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// A JSON (and TOML basic) string literal.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn write_nodes(w: &mut dyn Write, s: &Synth) -> std::io::Result<()> {
    writeln!(w, "id,lon,lat")?;
    for n in &s.nodes {
        writeln!(w, "{},{:.7},{:.7}", n.id, n.lon, n.lat)?;
    }
    Ok(())
}

fn write_edges(w: &mut dyn Write, s: &Synth, lookup: &NodeLookup<'_>) -> std::io::Result<()> {
    writeln!(w, "{EDGES_HEADER}")?;
    let missing = || std::io::Error::other("an edge names an unknown node");
    for (k, e) in s.edges.iter().enumerate() {
        let a = lookup.get(e.source).ok_or_else(missing)?;
        let b = lookup.get(e.target).ok_or_else(missing)?;
        let class = csv_field(e.class);
        let backward = if e.oneway { "Forbidden" } else { &class };
        writeln!(
            w,
            "{},{},{},{},{:.2},Allowed,{class},{backward},Allowed,Allowed,Forbidden,\"LINESTRING({:.7} {:.7}, {:.7} {:.7})\"",
            csv_field(&e.id),
            k + 1,
            e.source,
            e.target,
            e.length_m,
            a.lon,
            a.lat,
            b.lon,
            b.lat
        )?;
    }
    Ok(())
}

fn write_units(w: &mut dyn Write, s: &Synth) -> std::io::Result<()> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (i, u) in s.units.iter().enumerate() {
        let sep = if i + 1 < s.units.len() { "," } else { "" };
        writeln!(
            w,
            "{{\"type\":\"Feature\",\"properties\":{{\"code\":{},\"name_en\":{},\"pop_2020_census\":{},\"region_en\":\"Synthetic\",\"seat_lon\":{:.7},\"seat_lat\":{:.7}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{:.7},{:.7}]}}}}{sep}",
            quoted(&u.code),
            quoted(&u.name),
            u.population,
            u.lon,
            u.lat,
            u.lon,
            u.lat
        )?;
    }
    writeln!(w, "]}}")
}

/// The bounding box of nodes and units with a margin, rounded outwards to 0.01°.
fn bbox(s: &Synth) -> [f64; 4] {
    let pts = s
        .nodes
        .iter()
        .map(|n| (n.lon, n.lat))
        .chain(s.units.iter().map(|u| (u.lon, u.lat)));
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for (x, y) in pts {
        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
    }
    let down = |v: f64, lim: f64| (((v - BBOX_MARGIN_DEG) * 100.0).floor() / 100.0).max(lim);
    let up = |v: f64, lim: f64| (((v + BBOX_MARGIN_DEG) * 100.0).ceil() / 100.0).min(lim);
    [
        down(b[0], -180.0),
        down(b[1], -90.0),
        up(b[2], 180.0),
        up(b[3], 90.0),
    ]
}

fn write_study(w: &mut dyn Write, s: &Synth, ranked: &[usize]) -> std::io::Result<()> {
    let [x0, y0, x1, y1] = bbox(s);
    let (a, b) = (&s.units[ranked[0]], &s.units[ranked[1]]);
    write!(
        w,
        r#"# A synthetic regionlink study written by `regionlink synth`: {nodes} road nodes, {edges} road
# edges (nodes.csv + edges.csv, osm4routing layout), {units} point units (units.geojson) and
# synthetic high-speed-rail links between the largest units (links.csv).

name = "Synthetic road network ({nodes} nodes, {units} units)"

bands_min = [30, 60, 90]

# The network with a margin [lon_min, lat_min, lon_max, lat_max].
bbox = [{x0:.2}, {y0:.2}, {x1:.2}, {y1:.2}]

[fields]
id = "code"
name = "name_en"
population = "pop_2020_census"
population_unit = "persons"
region = "region_en"
seat_lon = "seat_lon"
seat_lat = "seat_lat"

# The two largest units, far apart.
[[cores]]
name = "core_a"
codes = [{a}]

[[cores]]
name = "core_b"
codes = [{b}]

[network]
contiguity = false   # the units are points: no borders to share

[measures]
mass = "pop"
decays = ["power:1", "exp:0.05"]
self_potential = false   # points have no area for an internal travel time
"#,
        nodes = s.nodes.len(),
        edges = s.edges.len(),
        units = s.units.len(),
        a = quoted(&a.code),
        b = quoted(&b.code),
    )
}

/// The unit pairs of the rail links: the two cores; when there are more units, the third and
/// fourth largest each to its nearer core, and to each other.
fn link_pairs(s: &Synth, ranked: &[usize]) -> Vec<(usize, usize)> {
    let pos = |i: usize| (s.units[i].lon, s.units[i].lat);
    let (a, b) = (ranked[0], ranked[1]);
    let mut pairs = vec![(a, b)];
    for &u in ranked.iter().skip(2).take(2) {
        let core = if distance_m(pos(u), pos(a)) <= distance_m(pos(u), pos(b)) {
            a
        } else {
            b
        };
        pairs.push((core, u));
    }
    if ranked.len() >= 4 {
        pairs.push((ranked[2], ranked[3]));
    }
    pairs
}

fn write_links(w: &mut dyn Write, s: &Synth, ranked: &[usize]) -> std::io::Result<()> {
    writeln!(w, "{LINKS_HEADER}")?;
    for (k, (i, j)) in link_pairs(s, ranked).into_iter().enumerate() {
        let (u, v) = (&s.units[i], &s.units[j]);
        let km = distance_m((u.lon, u.lat), (v.lon, v.lat)) / 1000.0;
        let round1 = |x: f64| ((x * 10.0).round() / 10.0).max(0.1);
        let id = format!("H{:02}", k + 1);
        writeln!(
            w,
            "{id},{id},{},{},{},{},hsr,segment,Synthetic HSR {},,open,2020,,250,{:.1},synthetic_great_circle,{:.1},synthetic,{:.1},SYNTH,synthetic (regionlink synth)",
            csv_field(&u.code),
            csv_field(&u.name),
            csv_field(&v.code),
            csv_field(&v.name),
            k + 1,
            round1(km),
            round1(km / HSR_KMH * 60.0),
            round1(km),
        )?;
    }
    Ok(())
}

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
    fn grid_side_and_rows() {
        for (n, side, rows) in [
            (4, 2, 2),
            (5, 3, 2),
            (9, 3, 3),
            (10, 4, 3),
            (1_000_000, 1000, 1000),
        ] {
            let g = Grid::new(n);
            assert_eq!((g.side, g.rows), (side, rows), "n = {n}");
        }
    }

    #[test]
    fn the_largest_grid_stays_on_the_globe_and_within_a_day_by_rail() {
        let g = Grid::new(MAX_NODES);
        let corners = [
            g.position(0, 0, -1.0, -1.0),
            g.position(g.rows - 1, g.side - 1, 1.0, 1.0),
            g.position(g.rows - 1, 0, -1.0, 1.0),
            g.position(0, g.side - 1, 1.0, -1.0),
        ];
        for (x, y) in corners {
            assert!((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y));
        }
        let km = distance_m(corners[0], corners[1]).max(distance_m(corners[2], corners[3])) / 1e3;
        assert!(
            km / HSR_KMH * 60.0 < crate::load::links::MAX_LINK_MIN,
            "{km} km"
        );
    }

    #[test]
    fn classes_nest() {
        assert_eq!(class_of(0), "Trunk");
        assert_eq!(class_of(50), "Primary");
        assert_eq!(class_of(60), "Secondary");
        assert_eq!(class_of(150), "Primary");
        assert_eq!(class_of(70), "Tertiary");
        assert_eq!(class_of(7), "Residential");
    }

    #[test]
    fn default_units_is_clamped() {
        assert_eq!(default_units(4), 2);
        assert_eq!(default_units(10_000), 10);
        assert_eq!(default_units(5_000_000), 1000);
    }

    #[test]
    fn cores_get_the_two_largest_populations() {
        let s = generate(&SynthOptions {
            nodes: 2_500,
            seed: 3,
            units: Some(50),
        })
        .unwrap();
        let ranked = ranked_units(&s.units);
        let (a, b) = (&s.units[ranked[0]], &s.units[ranked[1]]);
        // Far apart: more than half the grid's 50 km side.
        assert!(distance_m((a.lon, a.lat), (b.lon, b.lat)) > 25_000.0);
    }
}
