//! `regionlink synth`: a seeded synthetic road network with units, for benchmarks and the
//! worked example of the README.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::SynthArgs;
use regionlink::synth::{SynthOptions, generate, write};

/// Generate, write, list the files.
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
