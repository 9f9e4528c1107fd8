//! The command-line interface: flags become the library's options, the library computes,
//! the CLI writes the files, prints, shows progress and picks the exit code. One short module
//! per subcommand; nothing here computes a measure or lays out a report.

pub mod args;
pub mod errors;
pub mod info;
pub mod matrix;
pub mod measures;
pub mod merge;
pub mod prepare;
pub mod progress;
pub mod resilience;
pub mod route;
pub mod run;
pub mod scenario;
pub mod synth;
pub mod timeline;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;

use args::{Cli, Command, InputArgs, MeasureArgs, ScenarioArgs};
use regionlink::analysis::{GravityOptions, Options};
use regionlink::export::write::Outputs;
use regionlink::load::{Inputs, LoadOptions, load_inputs, load_links};
use regionlink::model::Decay;
use regionlink::network::{AddedLinks, BuildReport, Scenario};

/// The most worker threads `--threads` takes: far above any core count (more threads than cores
/// only adds overhead), far below what makes creating them take minutes.
pub const MAX_THREADS: usize = 1024;

/// Run a parsed command line, writing to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    if let Some(n) = cli.threads {
        let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
        if !(1..=MAX_THREADS).contains(&n) {
            return Err(regionlink::Error::Usage(format!(
                "--threads {n}: expected 1 to {MAX_THREADS} worker threads (this machine has {cores} cores)"
            ))
            .into());
        }
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
        Command::Reach(a) => measures::reach(&a, out),
        Command::Access(a) => measures::access(&a, quiet, out),
        Command::Corridor(a) => measures::corridor(&a, out),
        Command::Linkage(a) => measures::linkage(&a, out),
        Command::Centrality(a) => measures::centrality(&a, out),
        Command::Equity(a) => measures::equity(&a, out),
        Command::Scenario(a) => scenario::run(&a, out),
        Command::Timeline(a) => timeline::run(&a, out),
        Command::Resilience(a) => resilience::run(&a, out),
        Command::Synth(a) => synth::run(&a, out),
        Command::Prepare(a) => prepare::run(&a, quiet, out),
        Command::Merge(a) => merge::run(&a, quiet, out),
    }
}

/// Load the inputs named by the common arguments (the road graph too), printing the loader's
/// warnings; `--prepared` is the caller's ([`prepare::load`]).
pub fn load_all(input: &InputArgs) -> Result<Inputs> {
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

/// The scenario of the flags, with the links of every `--add` file read.
pub fn scenario(sc: &ScenarioArgs) -> Result<Scenario> {
    let add = sc
        .add
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).map_err(|e| regionlink::Error::io(f, e))?;
            let file = f.display().to_string();
            let links = load_links(&bytes, &file)?;
            Ok(AddedLinks { file, links })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Scenario {
        year: sc.year,
        with_planned: sc.with.is_some(),
        drop: sc.drop.clone(),
        add,
    })
}

/// The analysis options of the measure flags over the study's defaults.
pub fn options(inputs: &Inputs, m: &MeasureArgs, g: Option<&args::GravityArgs>) -> Result<Options> {
    let mut o = Options::from_study(&inputs.study)?;
    o.lang = m.input.lang;
    o.network = m.network;
    o.time = m.scenario.time;
    o.scenario = scenario(&m.scenario)?;
    if !m.bands.is_empty() {
        o.bands.clone_from(&m.bands);
    }
    if let Some(mass) = m.mass {
        o.mass = mass;
    }
    if !m.decay.is_empty() {
        o.decays = m
            .decay
            .iter()
            .map(|d| d.parse::<Decay>())
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| regionlink::Error::Usage(format!("--decay: {e}")))?;
    }
    if let Some(s) = m.self_potential {
        o.self_potential = s;
    }
    if let Some(e) = m.epsilon {
        o.epsilon = e;
    }
    if let Some(g) = g {
        o.gravity = GravityOptions {
            distance: g.distance,
            b: g.b,
            k: g.k,
            top: g.top,
            threshold: g.threshold,
            classes: g.classes,
        };
    }
    Ok(o)
}

/// Paths that an output must not overwrite: every file the inputs were read from (each file
/// of a road graph too) and every `--add` file.
pub fn input_paths(inputs: &Inputs, sc: Option<&ScenarioArgs>) -> Vec<PathBuf> {
    let mut v = inputs.read.clone();
    if let Some(sc) = sc {
        v.extend(sc.add.iter().cloned());
    }
    v
}

/// Write a CSV table to `path` (atomically), then print the summary, then say where the table
/// went: files first, so a closed stdout never loses them.
pub fn csv_then_summary(
    t: &regionlink::export::table::Table,
    path: Option<&Path>,
    inputs: &[PathBuf],
    out: &mut dyn Write,
    summary: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    if let Some(p) = path {
        regionlink::export::write::write_atomic(p, inputs, |w| t.write_csv(w))?;
    }
    summary(out)?;
    if let Some(p) = path {
        writeln!(out, "wrote {}", p.display())?;
    }
    Ok(())
}

/// Write every file of `o` into `dir` (all or nothing), then print `text`, then list the files:
/// files first, so a closed stdout never loses them.
pub fn write_outputs(
    o: &Outputs,
    dir: &Path,
    inputs: &[PathBuf],
    text: Option<&str>,
    out: &mut dyn Write,
) -> Result<()> {
    o.write_to(dir, inputs)?;
    if let Some(t) = text {
        writeln!(out, "{t}")?;
    }
    writeln!(out, "wrote {} files to {}:", o.files.len(), dir.display())?;
    for f in &o.files {
        writeln!(out, "  {}", f.name)?;
    }
    for s in &o.skipped {
        writeln!(out, "  not written: {s}")?;
    }
    Ok(())
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
