//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use regionlink::load::{PopulationUnit, Study};
use regionlink::measures::equity::GroupBy;
use regionlink::measures::gravity::{Distance, KFactor};
use regionlink::measures::structure::Threshold;
use regionlink::model::Mass;
use regionlink::network::NetworkKind;

/// Region-linkage analysis of a transport network. With no input options, runs on the embedded
/// Chengdu–Chongqing dataset (59 city units, curated rail/HSR/expressway links, the default
/// study). Units: minutes, 10⁴ people, 10⁸ yuan, km.
#[derive(Debug, Parser)]
#[command(name = "regionlink", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Worker threads for parallel steps [default: all cores]. Output is identical for any value.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(usize))]
    pub threads: Option<usize>,
    /// No progress output on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole study: QGIS layers (GeoJSON + .qml styles), tables (CSV) and a report
    /// (report.md, report.json) in one directory.
    Run(RunArgs),
    /// Summarise the inputs: units by province and region (population, GDP), links by mode and
    /// status, how links attach, network components, cores and roles, data sources.
    Info(InfoArgs),
    /// Travel-time matrix between all units (minutes), as CSV.
    Matrix(MatrixArgs),
    /// The fastest path between two units, leg by leg.
    Route(RouteArgs),
    /// Reach of each core within each band (units, population, GDP, area, shares) and the
    /// overlap of the two cores.
    Reach(MeasureCmd),
    /// Accessibility of every unit: WATT, time to each core, potential (several decays),
    /// population within each band.
    Access(AccessCmd),
    /// The dual-core corridor: units where the detour between the two cores is small.
    Corridor(MeasureCmd),
    /// Gravity-model economic linkage: strongest links, total linkage, membership in the
    /// centres, strength classes.
    Linkage(StructureCmd),
    /// Network structure: density, degree, clustering and path length of the linkage network;
    /// betweenness, closeness and efficiency of the transport network; link betweenness.
    Centrality(StructureCmd),
    /// Inequality of a per-unit measure across units and regions: CV, Gini, Theil with its
    /// within/between decomposition, per-region means and medians, the lagging units.
    Equity(EquityCmd),
    /// Baseline (today's open links) against a scenario: per-unit minutes saved, ΔWATT and
    /// Δpotential in %, units moving into each band; scenario.geojson, CSV and a report section.
    Scenario(ScenarioCmd),
    /// For each year, the network of the links in service then: WATT, times to the cores, the
    /// core-to-core time and the CV of WATT (time–space convergence); CSV, report and SVG chart.
    Timeline(TimelineCmd),
    /// Remove each link in turn and rank the links by the damage; optionally a Monte Carlo of
    /// K simultaneous random failures with a fixed seed.
    Resilience(ResilienceCmd),
    /// Write a seeded synthetic road network (osm4routing nodes.csv + edges.csv), a units layer
    /// of points with populations, a links file and a study file, for benchmarks and examples.
    Synth(SynthArgs),
    /// Build the network and its contraction hierarchy once and write them to one file for
    /// `--prepared` (skips loading the road graph and contracting in later runs).
    Prepare(crate::cli::prepare::PrepareArgs),
    /// Join the part files of a `--shard I/N` run (access, matrix, resilience, timeline) into
    /// the files a single run writes, after checking that every part is there, from the same
    /// inputs and options, without overlap.
    Merge(crate::cli::merge::MergeArgs),
}

/// Where the inputs come from and how to read them.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Units layer (GeoJSON FeatureCollection of Polygons, MultiPolygons or Points)
    /// [default: the embedded data/units.geojson, 59 units].
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Links file (CSV with the columns of data/links.csv, or GeoJSON LineStrings)
    /// [default: the embedded data/links.csv].
    #[arg(long, value_name = "FILE")]
    pub links: Option<PathBuf>,
    /// Study file (TOML: cores, roles, bands, field mapping, network parameters)
    /// [default: the embedded data/study.toml].
    #[arg(long, value_name = "FILE")]
    pub study: Option<PathBuf>,
    /// Road graph replacing the generated road links: a directory (or file) of osm4routing's
    /// nodes.csv + edges.csv, a GeoJSON of LineStrings, or an OpenStreetMap .osm.pbf extract.
    /// Seats are snapped to the nearest road node; speeds come from the study's `[roads]`.
    #[arg(long, value_name = "PATH")]
    pub roads: Option<PathBuf>,
    /// A network written by `regionlink prepare` from these same inputs and options: used
    /// instead of loading the road graph, building and contracting (refused if anything differs).
    /// `resilience`, `timeline` and `scenario` need it prepared `--retimable`: for resilience
    /// with the same options, for a timeline with `--year <its last year>`, for a scenario with
    /// `--with planned` (and the same `--add` files).
    #[arg(long, value_name = "FILE")]
    pub prepared: Option<PathBuf>,
    /// Reject self-intersecting polygons instead of warning.
    #[arg(long)]
    pub strict: bool,
    /// Language of labels, lists and reports: en (names) or zh (Chinese names).
    #[arg(long, value_enum, default_value_t = regionlink::model::Lang::En)]
    pub lang: regionlink::model::Lang,
    /// Property holding the unique unit id [default: study's fields.id, "code"].
    #[arg(long, value_name = "NAME")]
    pub id_field: Option<String>,
    /// Property holding the unit name [default: "name_en"].
    #[arg(long, value_name = "NAME")]
    pub name_field: Option<String>,
    /// Property holding the population [default: "pop_2020_census"].
    #[arg(long, value_name = "NAME")]
    pub pop_field: Option<String>,
    /// Unit of the population property [default: persons].
    #[arg(long, value_name = "UNIT")]
    pub pop_unit: Option<PopulationUnit>,
    /// Property holding GDP in 10⁸ yuan [default: "gdp_100m_cny"].
    #[arg(long, value_name = "NAME")]
    pub gdp_field: Option<String>,
    /// Property holding the planning region [default: "region_en"].
    #[arg(long, value_name = "NAME")]
    pub region_field: Option<String>,
    /// Properties holding the seat longitude and latitude [default: "seat_lon" "seat_lat"].
    #[arg(long, value_names = ["LON", "LAT"], num_args = 2)]
    pub seat_fields: Option<Vec<String>>,
}

impl InputArgs {
    /// Apply the field-mapping flags to a study.
    pub fn apply(&self, s: &mut Study) {
        let f = &mut s.fields;
        if let Some(v) = &self.id_field {
            f.id.clone_from(v);
        }
        if let Some(v) = &self.name_field {
            f.name.clone_from(v);
        }
        if let Some(v) = &self.pop_field {
            f.population.clone_from(v);
        }
        if let Some(v) = self.pop_unit {
            f.population_unit = v;
        }
        if let Some(v) = &self.gdp_field {
            f.gdp.clone_from(v);
        }
        if let Some(v) = &self.region_field {
            f.region.clone_from(v);
        }
        if let Some(v) = &self.seat_fields
            && let [lon, lat] = v.as_slice()
        {
            f.seat_lon.clone_from(lon);
            f.seat_lat.clone_from(lat);
        }
    }
}

/// What is added with `--with`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum With {
    /// Every under-construction and planned link.
    Planned,
}

/// Which links are in service.
#[derive(Debug, Clone, Args)]
pub struct ScenarioArgs {
    /// Keep the links in service in this year (open links opened by then, planned and
    /// under-construction links due by then) [default: the open links today].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,
    /// Add every planned and under-construction link.
    #[arg(long, value_name = "WHAT")]
    pub with: Option<With>,
    /// Remove these links (comma-separated link ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub drop: Vec<String>,
    /// Add the links of this file (same format as --links); repeatable. Added links count
    /// whatever their status or year.
    #[arg(long, value_name = "FILE")]
    pub add: Vec<PathBuf>,
    /// Which minutes a time counts: door-to-door (station access, egress and transfers
    /// included) or in-vehicle (minutes on board only).
    #[arg(long, value_enum, default_value_t = regionlink::model::TimeConvention::DoorToDoor)]
    pub time: regionlink::model::TimeConvention,
}

/// `regionlink info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Print one JSON object instead of the readable summary.
    #[arg(long)]
    pub json: bool,
}

/// `regionlink matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which network: every mode; road (expressways and roads); rail (rail and HSR, with
    /// ordinary roads to the stations); composite √(road × rail).
    #[arg(long, value_enum, default_value_t = NetworkKind::Combined)]
    pub network: NetworkKind,
    /// Stop each search at this many minutes: pairs farther apart are left empty.
    #[arg(long, value_name = "MIN")]
    pub max_minutes: Option<f64>,
    /// Write the CSV to this file instead of stdout (written to a temporary file, then renamed).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Wide format: one row per origin, one column per destination code.
    #[arg(long)]
    pub wide: bool,
    /// Shortest-path kernel: dijkstra, phast (a contraction hierarchy built once, then one
    /// sweep per origin; times only, so --wide), or auto (phast for --wide with 500 origins or
    /// more and no --max-minutes).
    #[arg(long, value_enum, default_value_t = regionlink::route::EngineKind::Auto)]
    pub engine: regionlink::route::EngineKind,
    /// Sharded run.
    #[command(flatten)]
    pub shard: crate::cli::merge::ShardArgs,
}

/// `regionlink route`.
#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Origin: a unit code, an English or Chinese name, or a core's name.
    pub from: String,
    /// Destination: a unit code, an English or Chinese name, or a core's name.
    pub to: String,
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which network (composite is a matrix combination and has no paths).
    #[arg(long, value_enum, default_value_t = NetworkKind::Combined)]
    pub network: NetworkKind,
}

/// Options of the measures (each overrides the study's `[measures]` / `bands_min`).
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which network the travel times come from (composite = √(road × rail)).
    #[arg(long, value_enum, default_value_t = NetworkKind::Combined)]
    pub network: NetworkKind,
    /// Time bands, minutes, comma-separated [default: the study's bands_min, 60,120,180].
    #[arg(long, value_name = "MIN,…", value_delimiter = ',')]
    pub bands: Vec<f64>,
    /// Mass of accessibility measures: pop (10⁴ people), gdp (10⁸ yuan), pop_gdp = √(GDP·POP)
    /// [default: the study's measures.mass, pop].
    #[arg(long, value_enum)]
    pub mass: Option<Mass>,
    /// Decay functions of potential accessibility, comma-separated: power:a, exp:β, gauss:σ,
    /// logistic:t0:k, step:T (minutes) [default: the study's, power:1,power:1.5].
    #[arg(long, value_name = "SPEC,…", value_delimiter = ',')]
    pub decay: Vec<String>,
    /// Include each unit's own mass at its internal time ⅓·√(area/π) at road speed
    /// [default: the study's measures.self_potential, on].
    #[arg(long, value_name = "on|off", value_parser = parse_on_off)]
    pub self_potential: Option<bool>,
    /// Corridor tolerance ε: T(C→i) + T(i→Q) ≤ (1 + ε) T(C→Q) [default: the study's, 0.25].
    #[arg(long, value_name = "ε")]
    pub epsilon: Option<f64>,
}

fn parse_on_off(s: &str) -> std::result::Result<bool, String> {
    match s {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("\"{s}\": expected on or off")),
    }
}

/// `regionlink reach` / `access` / `corridor` arguments.
#[derive(Debug, Args)]
pub struct MeasureCmd {
    /// Measure options.
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Write the per-unit table as CSV to this file (one row per unit).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `regionlink access` arguments.
#[derive(Debug, Args)]
pub struct AccessCmd {
    /// Measure options.
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Write the per-unit table as CSV to this file (one row per unit).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Stop each search at this many minutes (at least the largest band): potentials then sum
    /// the units within it only, and WATT, which needs every unit, is left empty.
    #[arg(long, value_name = "MIN")]
    pub max_minutes: Option<f64>,
    /// Shortest-path kernel: dijkstra (one search per origin), phast (a contraction hierarchy
    /// built once, then one sweep per origin: for many origins on a large road graph), or auto
    /// (phast for 500 origins or more without --max-minutes).
    #[arg(long, value_enum, default_value_t = regionlink::route::EngineKind::Auto)]
    pub engine: regionlink::route::EngineKind,
    /// Sharded run.
    #[command(flatten)]
    pub shard: crate::cli::merge::ShardArgs,
}

/// Gravity-model options.
#[derive(Debug, Clone, Args)]
pub struct GravityArgs {
    /// D in R = K·M_i·M_j / D^b: network time in minutes, in hours, or great-circle km.
    #[arg(long, value_enum, default_value_t = Distance::Time)]
    pub distance: Distance,
    /// The unit of network times in the gravity model: min, or h (R scales by 60^b; ranks and
    /// classes do not change). Same as `--distance time-hours`.
    #[arg(long, value_name = "min|h", value_parser = ["min", "h"], default_value = "min")]
    pub time_unit: String,
    /// Distance-decay exponent b.
    #[arg(long, default_value_t = 2.0)]
    pub b: f64,
    /// K: 1, or asym K_ij = G_i / (G_i + G_j) (needs GDP for every unit).
    #[arg(long, value_enum, default_value_t = KFactor::One)]
    pub k: KFactor,
    /// How many of the strongest links to list.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// How linkage strength classes are cut, on the centres' linkages with the other places.
    #[arg(long, value_enum, default_value_t = regionlink::measures::gravity::ClassMethod::NaturalBreaks)]
    pub classes: regionlink::measures::gravity::ClassMethod,
    /// Threshold of the binary linkage network: `mean` (R ≥ the mean of all R) or a value of R.
    #[arg(long, default_value = "mean", value_parser = parse_threshold)]
    pub threshold: Threshold,
}

fn parse_threshold(s: &str) -> std::result::Result<Threshold, String> {
    if s == "mean" {
        return Ok(Threshold::Mean);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(Threshold::Value(x)),
        _ => Err(format!("\"{s}\": expected mean or a number ≥ 0")),
    }
}

/// Arguments of `linkage` and `centrality`.
#[derive(Debug, Args)]
pub struct StructureCmd {
    /// Measure options (mass, network, scenario, …).
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Gravity options.
    #[command(flatten)]
    pub g: GravityArgs,
    /// Write the per-unit table as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Arguments of `equity`.
#[derive(Debug, Args)]
pub struct EquityCmd {
    /// Measure options.
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Gravity options (for linkage_total).
    #[command(flatten)]
    pub g: GravityArgs,
    /// The per-unit measure, by its column name in `access`/`linkage`/`centrality` output,
    /// e.g. watt_min, t_chengdu_min, potential_pow1, pop_within_120min_10k, linkage_total,
    /// betweenness, closeness.
    #[arg(long, default_value = "watt_min")]
    pub measure: String,
    /// Grouping of the decomposition and the per-region table.
    #[arg(long, value_enum, default_value_t = GroupBy::Region)]
    pub group_by: GroupBy,
    /// Write the per-group table as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `regionlink run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Measure options.
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Gravity options.
    #[command(flatten)]
    pub g: GravityArgs,
    /// Output directory (created if missing; files the run does not write are left alone).
    #[arg(long, value_name = "DIR", default_value = "regionlink-out")]
    pub out: PathBuf,
}

/// `regionlink scenario` arguments.
#[derive(Debug, Args)]
pub struct ScenarioCmd {
    /// Measure and scenario options. Without any of --year, --with, --add, --drop the scenario
    /// is every under-construction and planned link of the links file (`--with planned`).
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Shortest-path kernel of the accessibility: dijkstra, phast (one contraction hierarchy
    /// of every link either network has, re-timed for each: the same times, one contraction),
    /// or auto (phast for 500 units or more, as in access).
    #[arg(long, value_enum, default_value_t = regionlink::route::EngineKind::Auto)]
    pub engine: regionlink::route::EngineKind,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "regionlink-out")]
    pub out: PathBuf,
}

/// `regionlink timeline` arguments.
#[derive(Debug, Args)]
pub struct TimelineCmd {
    /// Measure options (--year is ignored: every year of the range is computed).
    #[command(flatten)]
    pub m: MeasureArgs,
    /// First year.
    #[arg(long, default_value_t = 2010)]
    pub from: i32,
    /// Last year.
    #[arg(long, default_value_t = 2030)]
    pub to: i32,
    /// Step in years.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..))]
    pub step: i32,
    /// Shortest-path kernel: dijkstra (one search per unit and network), phast (one
    /// contraction hierarchy of the largest network, re-timed for each of the others: the same
    /// times, no second contraction), or auto (phast on networks of 10 000 nodes or more, as
    /// with --roads).
    #[arg(long, value_enum, default_value_t = regionlink::route::EngineKind::Auto)]
    pub engine: regionlink::route::EngineKind,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "regionlink-out")]
    pub out: PathBuf,
    /// Sharded run.
    #[command(flatten)]
    pub shard: crate::cli::merge::ShardArgs,
}

/// `regionlink resilience` arguments.
#[derive(Debug, Args)]
pub struct ResilienceCmd {
    /// Measure and scenario options (the network whose links fail).
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Monte Carlo: this many samples of K simultaneous random failures (0 = off).
    #[arg(long, default_value_t = 0)]
    pub samples: u64,
    /// Monte Carlo: links failing at once in each sample.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Monte Carlo: random seed (the same seed gives the same figures on any thread count).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Shortest-path kernel: dijkstra (one search per unit and network), phast (one
    /// contraction hierarchy of the largest network, re-timed for each of the others: the same
    /// times, no second contraction), or auto (phast on networks of 10 000 nodes or more, as
    /// with --roads).
    #[arg(long, value_enum, default_value_t = regionlink::route::EngineKind::Auto)]
    pub engine: regionlink::route::EngineKind,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "regionlink-out")]
    pub out: PathBuf,
    /// Sharded run.
    #[command(flatten)]
    pub shard: crate::cli::merge::ShardArgs,
}

/// Options of `regionlink synth`.
#[derive(Debug, Clone, Args)]
pub struct SynthArgs {
    /// Road nodes (a perturbed grid of about 1 km spacing).
    #[arg(long, value_name = "N")]
    pub nodes: usize,
    /// Seed of the generator: the same seed writes the same files.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Units (points with populations) [default: nodes / 1000, between 2 and 1000].
    #[arg(long, value_name = "K")]
    pub units: Option<usize>,
    /// Directory to write nodes.csv, edges.csv, units.geojson, links.csv and study.toml into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}
