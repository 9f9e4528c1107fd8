//! `regionlink synth`: a seeded synthetic road network with units, for benchmarks and the
//! worked example of the README.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use regionlink::synth::{SynthOptions, generate, write};

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

/// Run the subcommand.
pub fn run(a: &SynthArgs, out: &mut dyn Write) -> Result<()> {
    let s = generate(&SynthOptions {
        nodes: a.nodes,
        seed: a.seed,
        units: a.units,
    })?;
    let files = write(&s, &a.out)?;
    writeln!(
        out,
        "synthetic network (seed {}): {} road nodes, {} edges, {} units",
        a.seed,
        s.nodes.len(),
        s.edges.len(),
        s.units.len()
    )?;
    for f in files {
        writeln!(out, "wrote {}", f.display())?;
    }
    Ok(())
}
