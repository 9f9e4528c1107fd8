//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use regionlink::load::{PopulationUnit, Study};
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
    Run(crate::cli::run::RunArgs),
    /// Summarise the inputs: units by province and region (population, GDP), links by mode and
    /// status, how links attach, network components, cores and roles, data sources.
    Info(InfoArgs),
    /// Travel-time matrix between all units (minutes), as CSV.
    Matrix(MatrixArgs),
    /// The fastest path between two units, leg by leg.
    Route(RouteArgs),
    /// Reach of each core within each band (units, population, GDP, area, shares) and the
    /// overlap of the two cores.
    Reach(crate::cli::measures::MeasureCmd),
    /// Accessibility of every unit: WATT, time to each core, potential (several decays),
    /// population within each band.
    Access(crate::cli::measures::AccessCmd),
    /// The dual-core corridor: units where the detour between the two cores is small.
    Corridor(crate::cli::measures::MeasureCmd),
    /// Gravity-model economic linkage: strongest links, total linkage, membership in the
    /// centres, strength classes.
    Linkage(crate::cli::structure::StructureCmd),
    /// Network structure: density, degree, clustering and path length of the linkage network;
    /// betweenness, closeness and efficiency of the transport network; link betweenness.
    Centrality(crate::cli::structure::StructureCmd),
    /// Inequality of a per-unit measure across units and regions: CV, Gini, Theil with its
    /// within/between decomposition, per-region means and medians, the lagging units.
    Equity(crate::cli::structure::EquityCmd),
    /// Baseline (today's open links) against a scenario: per-unit minutes saved, ΔWATT and
    /// Δpotential in %, units moving into each band; scenario.geojson, CSV and a report section.
    Scenario(crate::cli::scenario::ScenarioCmd),
    /// For each year, the network of the links in service then: WATT, times to the cores, the
    /// core-to-core time and the CV of WATT (time–space convergence); CSV, report and SVG chart.
    Timeline(crate::cli::scenario::TimelineCmd),
    /// Remove each link in turn and rank the links by the damage; optionally a Monte Carlo of
    /// K simultaneous random failures with a fixed seed.
    Resilience(crate::cli::scenario::ResilienceCmd),
    /// Write a seeded synthetic road network (osm4routing nodes.csv + edges.csv), a units layer
    /// of points with populations, a links file and a study file, for benchmarks and examples.
    Synth(crate::cli::synth::SynthArgs),
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
    /// Reject self-intersecting polygons instead of warning.
    #[arg(long)]
    pub strict: bool,
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
    /// Add the links of this file (same format as --links); repeatable.
    #[arg(long, value_name = "FILE")]
    pub add: Vec<PathBuf>,
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
