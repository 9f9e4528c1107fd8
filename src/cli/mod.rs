//! The command-line interface: argument parsing and one module per subcommand. Uses only the
//! library's public API.

pub mod analysis;
pub mod args;
pub mod info;
pub mod matrix;
pub mod measures;
pub mod output;
pub mod route;
pub mod run;
pub mod scenario;
pub mod structure;

use std::path::PathBuf;

use anyhow::Result;

use crate::load::{Inputs, LoadOptions, load_inputs, load_links};
use crate::network::{BuildReport, Network, NetworkKind, Scenario, build_network};
use args::{Cli, Command, InputArgs, ScenarioArgs};

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
        Command::Matrix(a) => matrix::run(&a, out),
        Command::Route(a) => route::run(&a, out),
        Command::Reach(a) => measures::run_reach(&a, out),
        Command::Access(a) => measures::run_access(&a, out),
        Command::Corridor(a) => measures::run_corridor(&a, out),
        Command::Linkage(a) => structure::run_linkage(&a, out),
        Command::Centrality(a) => structure::run_centrality(&a, out),
        Command::Equity(a) => structure::run_equity(&a, out),
        Command::Scenario(a) => scenario::run_scenario(&a, out),
        Command::Timeline(a) => scenario::run_timeline(&a, out),
        Command::Resilience(a) => scenario::run_resilience(&a, out),
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
    Ok(inputs)
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
                return Err(crate::Error::input(
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
        crate::network::build::BuildOptions {
            params: &inputs.study.network,
            scenario: &scenario,
            kind,
        },
    )?;
    Ok((net, report))
}

fn file_error(p: &std::path::Path, e: std::io::Error) -> crate::Error {
    let path = p.display().to_string();
    if e.kind() == std::io::ErrorKind::NotFound {
        crate::Error::Usage(format!("{path}: no such file"))
    } else {
        crate::Error::Io { path, source: e }
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
    let mut v: Vec<PathBuf> = [&input.units, &input.links, &input.study]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if let Some(sc) = sc {
        v.extend(sc.add.iter().cloned());
    }
    v
}
