//! `regionlink scenario`: today's open links against a scenario.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::ScenarioCmd;
use regionlink::progress::Silent;

/// Compare, print the report section, write the files.
pub fn run(cmd: &ScenarioCmd, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&cmd.m.input)?;
    let mut o = crate::cli::options(&inputs, &cmd.m, None)?;
    o.engine = cmd.engine;
    let c = regionlink::analysis::compare(&inputs, &o, &Silent)?;
    let (files, md) = regionlink::export::comparison::outputs(&c)?;
    let protected = crate::cli::input_paths(&inputs, Some(&cmd.m.scenario));
    crate::cli::write_outputs(&files, &cmd.out, &protected, Some(&md), out)
}
