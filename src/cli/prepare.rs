//! `regionlink prepare`: the network of the inputs and options with its contraction hierarchy,
//! in one file, and `--prepared FILE`: loading that file instead of the road graph, after
//! checking that it was made from the same inputs and options.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::args::{InputArgs, ScenarioArgs};
use crate::cli::progress::Bar;
use regionlink::load::Inputs;
use regionlink::load::dataset::{self, EMBEDDED_PREFIX};
use regionlink::network::{NetworkKind, Scenario};
use regionlink::prepared::{InputFile, Key, Prepared};
use regionlink::progress::Progress;

/// `regionlink prepare`.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which network to prepare (a later run must ask for the same one).
    #[arg(long, value_enum, default_value_t = NetworkKind::Combined)]
    pub network: NetworkKind,
    /// The file to write (conventionally `.rlnet`).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Contract the hierarchy so that it can be re-timed for the network with links removed,
    /// and store what re-timing needs: the file then also serves `resilience --prepared`
    /// (every failure re-timed from it, no contraction), `timeline --prepared` (prepared with
    /// `--year <last year>`: every year's network is a part of it) and `scenario --prepared`
    /// (prepared with `--with planned`: both sides are parts of it).
    #[arg(long)]
    pub retimable: bool,
}

/// Build, contract, write.
pub fn run(a: &PrepareArgs, quiet: bool, out: &mut dyn Write) -> Result<()> {
    if a.input.prepared.is_some() {
        return Err(regionlink::Error::Usage(
            "prepare --prepared: prepare builds a network from the inputs; give them without --prepared".into(),
        )
        .into());
    }
    refuse_composite(a.network)?;
    let mut inputs = crate::cli::load_all(&a.input)?;
    let sc = crate::cli::scenario(&a.scenario)?;
    let key = key_of(&a.input, &a.scenario, &inputs, &sc, a.network)?;
    let (net, report) = regionlink::analysis::build(&inputs, &sc, a.network, a.scenario.time)?;
    // The road graph is in the network now: free it before contracting (the peak of memory).
    inputs.roads = None;
    crate::cli::warn_snaps(&report, &inputs.region);
    let t = std::time::Instant::now();
    let pb = Bar::new(quiet, 0);
    let (plain, retimable) = if a.retimable {
        let variable = regionlink::network::variable_arcs(&net);
        let c = regionlink::measures::par::contract_customizable(&net, &variable, &pb);
        (None, Some(c))
    } else {
        (Some(regionlink::measures::par::contract(&net, &pb)), None)
    };
    pb.finish();
    let h = match (&plain, &retimable) {
        (Some(h), _) => h,
        (None, Some(c)) => c.hierarchy(),
        (None, None) => unreachable!("one hierarchy or the other"),
    };
    let secs = t.elapsed().as_secs_f64();
    let bytes = regionlink::prepared::write(
        &a.out,
        &crate::cli::input_paths(&inputs, Some(&a.scenario)),
        &net,
        &report,
        h,
        retimable.as_ref(),
        &key,
    )?;
    writeln!(
        out,
        "prepared the {} network ({}): {} nodes, {} arcs, {} shortcuts (contracted in {secs:.1} s)",
        a.network.as_str(),
        a.scenario.time.as_str(),
        net.node_count(),
        net.arc_count(),
        h.shortcut_count(),
    )?;
    writeln!(
        out,
        "wrote {} ({:.1} MB)",
        a.out.display(),
        bytes as f64 / 1e6
    )?;
    Ok(())
}

fn refuse_composite(kind: NetworkKind) -> Result<()> {
    if kind == NetworkKind::Composite {
        return Err(regionlink::Error::Usage(
            "--network composite combines the road and rail networks' matrices, and a prepared file holds one network; prepare road or rail".into(),
        )
        .into());
    }
    Ok(())
}

/// The inputs of a command of one network of `kind`, its scenario, and the prepared network of
/// `--prepared` when given: then the road graph is not loaded (only hashed, to check the file)
/// and the file is refused unless made from the same inputs and options.
pub fn load(
    input: &InputArgs,
    sa: &ScenarioArgs,
    kind: NetworkKind,
) -> Result<(Inputs, Scenario, Option<Prepared>)> {
    load_keyed(input, sa, kind, &Scenario::clone, "")
}

/// [`load`] for a command of several networks (a timeline's years, a scenario's two sides),
/// which reads the prepared network of the largest of them, the network of `largest(scenario)`:
/// the file's key is checked against that scenario, and a refusal ends with `how`, saying how
/// to prepare the file.
pub fn load_keyed(
    input: &InputArgs,
    sa: &ScenarioArgs,
    kind: NetworkKind,
    largest: &dyn Fn(&Scenario) -> Scenario,
    how: &str,
) -> Result<(Inputs, Scenario, Option<Prepared>)> {
    let Some(path) = &input.prepared else {
        let inputs = crate::cli::load_all(input)?;
        let sc = crate::cli::scenario(sa)?;
        return Ok((inputs, sc, None));
    };
    refuse_composite(kind)?;
    let no_roads = InputArgs {
        roads: None,
        ..input.clone()
    };
    let mut inputs = crate::cli::load_all(&no_roads)?;
    if let Some(r) = &input.roads {
        // Outputs must still never replace a file of the road graph.
        inputs.read.extend(regionlink::load::roads::files_of(r)?);
    }
    let sc = crate::cli::scenario(sa)?;
    let key = key_of(input, sa, &inputs, &largest(&sc), kind)?;
    let p = regionlink::prepared::read(path, &key).map_err(|e| match e {
        regionlink::Error::Usage(m) if !how.is_empty() && m.ends_with("; run prepare again") => {
            regionlink::Error::Usage(format!("{m} {how}"))
        }
        e => e,
    })?;
    Ok((inputs, sc, Some(p)))
}

/// What a network of these inputs and options depends on: the SHA-256 of the units, links and
/// study (the embedded ones when not given), of each `--add` file and of each file of the road
/// graph, and the options and study settings that shape it.
fn key_of(
    input: &InputArgs,
    sa: &ScenarioArgs,
    inputs: &Inputs,
    sc: &Scenario,
    kind: NetworkKind,
) -> Result<Key> {
    let part = |role: &str, path: &Option<PathBuf>, file: &str, embedded: &str| match path {
        Some(p) => InputFile::of_file(role, p),
        None => Ok(InputFile::of_bytes(
            role,
            &format!("{EMBEDDED_PREFIX}{file}"),
            embedded.as_bytes(),
        )),
    };
    let mut files = vec![
        part(
            "units",
            &input.units,
            "units.geojson",
            dataset::UNITS_GEOJSON,
        )?,
        part("links", &input.links, "links.csv", dataset::LINKS_CSV)?,
    ];
    for (i, f) in sa.add.iter().enumerate() {
        files.push(InputFile::of_file(&format!("added links {}", i + 1), f)?);
    }
    if let Some(r) = &input.roads {
        for (i, f) in regionlink::load::roads::files_of(r)?.iter().enumerate() {
            files.push(InputFile::of_file(&format!("road graph {}", i + 1), f)?);
        }
    }
    Ok(Key {
        inputs: files,
        params: Key::params_of(&inputs.study, sc, kind, sa.time, input.strict),
    })
}

/// Refuse a prepared network without its re-timable hierarchy for `command`, which re-times
/// it for each of its networks (naming the file of `input`).
pub fn require_retimable(p: &Option<Prepared>, input: &InputArgs, command: &str) -> Result<()> {
    if let (Some(p), Some(path)) = (p, &input.prepared)
        && !p.is_retimable()
    {
        return Err(regionlink::Error::Usage(format!(
            "--prepared {}: was prepared without --retimable, and {command} re-times the hierarchy for each of its networks; run prepare again with --retimable",
            path.display()
        ))
        .into());
    }
    Ok(())
}

/// Note on stderr that a prepared network is used (unless quiet).
pub fn note(p: &Option<Prepared>, progress: &dyn Progress) {
    if let Some(p) = p {
        progress.note(&format!(
            "using the prepared {} network: {} nodes, {} arcs, {} shortcuts",
            p.network.kind().as_str(),
            p.network.node_count(),
            p.network.arc_count(),
            p.hierarchy.shortcut_count()
        ));
    }
}
