//! `regionlink info`: what the inputs hold.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::InfoArgs;
use regionlink::network::NetworkKind;

/// Load, build the combined network, describe both.
pub fn run(a: &InfoArgs, out: &mut dyn Write) -> Result<()> {
    let (inputs, sc, prepared) =
        crate::cli::prepare::load(&a.input, &a.scenario, NetworkKind::Combined)?;
    let (net, report) = match prepared {
        Some(p) => (p.network, p.report),
        None => regionlink::analysis::build(&inputs, &sc, NetworkKind::Combined, a.scenario.time)?,
    };
    regionlink::export::info::write(
        &inputs,
        &net,
        &report,
        &sc.describe(),
        a.input.lang,
        a.json,
        out,
    )?;
    Ok(())
}
