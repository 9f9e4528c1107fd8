//! `regionlink resilience`: every curated link removed in turn, and a Monte Carlo.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::ResilienceCmd;
use regionlink::analysis::{Analysis, MonteCarlo};
use regionlink::progress::Silent;

/// Fail each link, print the report section, write the files.
pub fn run(cmd: &ResilienceCmd, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&cmd.m.input)?;
    let o = crate::cli::options(&inputs, &cmd.m, None)?;
    let an = Analysis::run(&inputs, &o, &Silent)?;
    let mc = MonteCarlo {
        samples: cmd.samples,
        k: cmd.k,
        seed: cmd.seed,
    };
    let r = regionlink::analysis::resilience(&an, Some(mc))?;
    let (files, md) = regionlink::export::resilience::outputs(&an, &r)?;
    let protected = crate::cli::input_paths(&inputs, Some(&cmd.m.scenario));
    crate::cli::write_outputs(&files, &cmd.out, &protected, Some(&md), out)
}
