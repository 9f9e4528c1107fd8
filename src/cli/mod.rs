//! The command-line interface: argument parsing and one module per subcommand. Uses only the
//! library's public API.

pub mod analysis;
pub mod args;
pub mod errors;
pub mod info;
pub mod matrix;
pub mod measures;
pub mod output;
pub mod progress;
pub mod route;
pub mod run;
pub mod scenario;
pub mod structure;
pub mod synth;

use std::path::PathBuf;

use anyhow::Result;

use args::{Cli, Command, InputArgs, ScenarioArgs};
use regionlink::load::{Inputs, LoadOptions, load_inputs, load_links};
use regionlink::network::{BuildReport, Network, NetworkKind, Scenario, build_network};

/// Run a parsed command line, writing to `out`.
pub fn run(cli: Cli, out: &mut dyn std::io::Write) -> Result<()> {
    if let Some(n) = cli.threads {
        // A global pool can only be built once per process; the binary calls `run` once.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let quiet = cli.quiet;
    match cli.command {
        Command::Run(a) => run::run(&a, quiet, out),
        Command::Info(a) => info::run(&a, out),
        Command::Matrix(a) => matrix::run(&a, quiet, out),
        Command::Route(a) => route::run(&a, out),
        Command::Reach(a) => measures::run_reach(&a, out),
        Command::Access(a) => measures::run_access(&a, quiet, out),
        Command::Corridor(a) => measures::run_corridor(&a, out),
        Command::Linkage(a) => structure::run_linkage(&a, out),
        Command::Centrality(a) => structure::run_centrality(&a, out),
        Command::Equity(a) => structure::run_equity(&a, out),
        Command::Scenario(a) => scenario::run_scenario(&a, out),
        Command::Timeline(a) => scenario::run_timeline(&a, out),
        Command::Resilience(a) => scenario::run_resilience(&a, out),
        Command::Synth(a) => synth::run(&a, out),
    }
}

/// Load the inputs named by the common arguments.
pub fn load(input: &InputArgs) -> Result<Inputs> {
    let fields = input.clone();
    let inputs = load_inputs(
        input.units.as_deref(),
        input.links.as_deref(),
        input.study.as_deref(),
        move |s| fields.apply(s),
        LoadOptions {
            strict: input.strict,
        },
    )?;
    for w in inputs.region.warnings() {
        eprintln!("regionlink: warning: {w}");
    }
    match &input.roads {
        Some(p) => Ok(inputs.with_roads(p)?),
        None => Ok(inputs),
    }
}

/// Build the network of a scenario (adding the `--add` links first).
pub fn network(
    inputs: &Inputs,
    sc: &ScenarioArgs,
    kind: NetworkKind,
) -> Result<(Network, BuildReport)> {
    let mut links = inputs.links.clone();
    for f in &sc.add {
        let bytes = std::fs::read(f).map_err(|e| file_error(f, e))?;
        let added = load_links(&bytes, &f.display().to_string())?;
        for a in &added {
            if links.iter().any(|l| l.link_id == a.link_id) {
                return Err(regionlink::Error::input(
                    &a.file,
                    a.location.clone(),
                    format!(
                        "field \"link_id\" is \"{}\", already a link of {}",
                        a.link_id, inputs.links_file
                    ),
                )
                .into());
            }
        }
        links.extend(added);
    }
    let scenario = sc.scenario();
    let (net, report) = build_network(
        &inputs.region,
        &links,
        regionlink::network::build::BuildOptions {
            params: &inputs.study.network,
            scenario: &scenario,
            kind,
            roads: inputs.roads.as_ref().map(|g| (g, &inputs.study.roads)),
            gazetteer: Some(inputs.gazetteer),
        },
    )?;
    Ok((net, report))
}

/// `--max-minutes` must be a positive number of minutes.
///
/// # Errors
/// A usage error naming the value.
pub fn check_max_minutes(v: Option<f64>) -> Result<()> {
    match v {
        Some(l) if !(l.is_finite() && l > 0.0) => Err(regionlink::Error::Usage(format!(
            "--max-minutes {l}: expected a positive number of minutes"
        ))
        .into()),
        _ => Ok(()),
    }
}

/// A hierarchy and the sweep restricted to the unit nodes, for PHAST runs.
pub type PhastData = (regionlink::route::Hierarchy, regionlink::route::Sweep);

/// Build what `kind` needs for one search per unit of `net`: `None` for Dijkstra, else the
/// contraction hierarchy (on the rayon pool, counted on `progress` as nodes contracted) and its
/// sweep restricted to the unit nodes (RPHAST). Notes the choice and its cost on stderr unless
/// `quiet`.
///
/// # Errors
/// `--engine phast` where it cannot serve ([`regionlink::route::EngineKind::use_phast`]).
pub fn prepare_engine(
    kind: regionlink::route::EngineKind,
    net: &Network,
    limit: Option<regionlink::Minutes>,
    needs_paths: bool,
    progress: &dyn regionlink::progress::Progress,
) -> Result<Option<PhastData>> {
    let origins = net.unit_count();
    if !kind
        .use_phast(origins, limit, needs_paths)
        .map_err(regionlink::Error::Option)?
    {
        return Ok(None);
    }
    let t = std::time::Instant::now();
    let h = regionlink::measures::par::contract(net, progress);
    let sweep = h.restrict(net.unit_nodes());
    progress.note(&format!(
        "PHAST: contraction hierarchy of {} nodes, {} shortcuts in {} rounds, built in {:.1} s; each origin sweeps {} nodes",
        h.node_count(),
        h.shortcut_count(),
        h.rounds(),
        t.elapsed().as_secs_f64(),
        sweep.node_count()
    ));
    Ok(Some((h, sweep)))
}

/// The engine over `net`, PHAST when `phast` holds its data.
pub fn engine<'a>(net: &'a Network, phast: &'a Option<PhastData>) -> regionlink::route::Engine<'a> {
    match phast {
        Some((hierarchy, sweep)) => regionlink::route::Engine::Phast {
            net,
            hierarchy,
            sweep,
        },
        None => regionlink::route::Engine::Dijkstra(net),
    }
}

/// Warn on stderr about seats snapped far from the road graph and road nodes dropped outside
/// its largest strongly connected component (once per process).
pub fn warn_snaps(report: &BuildReport, region: &regionlink::Region) {
    static DONE: std::sync::Once = std::sync::Once::new();
    let Some(r) = &report.roads else { return };
    DONE.call_once(|| {
        if r.nodes_dropped > 0 {
            eprintln!(
                "regionlink: note: {}: kept the largest strongly connected part of the road graph, {} of {} nodes; dropped {} nodes in {} smaller components",
                r.source,
                r.nodes_kept,
                r.nodes_read,
                r.nodes_dropped,
                r.components - 1
            );
        }
        let far: Vec<_> = r.far_snaps().collect();
        if !far.is_empty() {
            eprintln!(
                "regionlink: warning: {} seats are more than {} km from the road graph (connector at the study's roads.connector_kmh); see `regionlink info`:",
                far.len(),
                r.snap_warn_km
            );
            for s in far.iter().take(10) {
                let u = region.unit(s.unit);
                eprintln!(
                    "  {} ({}) → road node {}: {:.2} km, {:.1} min",
                    u.name, u.code, s.road_node_id, s.km, s.minutes
                );
            }
            if far.len() > 10 {
                eprintln!("  … and {} more", far.len() - 10);
            }
        }
    });
}

fn file_error(p: &std::path::Path, e: std::io::Error) -> regionlink::Error {
    let path = p.display().to_string();
    if e.kind() == std::io::ErrorKind::NotFound {
        regionlink::Error::Usage(format!("{path}: no such file"))
    } else {
        regionlink::Error::Io { path, source: e }
    }
}

impl ScenarioArgs {
    /// The scenario these arguments describe.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            year: self.year,
            with_planned: self.with.is_some(),
            drop: self.drop.clone(),
        }
    }
}

/// Paths that `--out` must not overwrite.
pub fn input_paths(input: &InputArgs, sc: Option<&ScenarioArgs>) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = [&input.units, &input.links, &input.study, &input.roads]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if let Some(sc) = sc {
        v.extend(sc.add.iter().cloned());
    }
    v
}
