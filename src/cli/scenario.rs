//! `regionlink scenario`: today's open links against a scenario.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::ScenarioCmd;
use regionlink::analysis::{compare_with, every_link_scenario};
use regionlink::progress::Silent;

/// Compare, print the report section, write the files.
pub fn run(cmd: &ScenarioCmd, out: &mut dyn Write) -> Result<()> {
    // A prepared network is the network of every link either side can have.
    let (inputs, _, prepared) = crate::cli::prepare::load_keyed(
        &cmd.m.input,
        &cmd.m.scenario,
        cmd.m.network,
        &every_link_scenario,
        "with --with planned --retimable and the same --add files, no --drop or --year (scenario --prepared reads the network of every link)",
    )?;
    crate::cli::prepare::require_retimable(&prepared, &cmd.m.input, "scenario")?;
    let mut o = crate::cli::options(&inputs, &cmd.m, None)?;
    o.engine = cmd.engine;
    let c = compare_with(&inputs, &o, prepared, &Silent)?;
    let (files, md) = regionlink::export::comparison::outputs(&c)?;
    let protected = crate::cli::input_paths(&inputs, Some(&cmd.m.scenario));
    crate::cli::write_outputs(&files, &cmd.out, &protected, Some(&md), out)
}
