//! `regionlink route FROM TO`: the fastest path, leg by leg.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::RouteArgs;
use regionlink::analysis::{place, route};

/// Resolve the places, route, print.
pub fn run(a: &RouteArgs, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&a.input)?;
    let from = place(&inputs, &a.from)?;
    let to = place(&inputs, &a.to)?;
    let sc = crate::cli::scenario(&a.scenario)?;
    let r = route(&inputs, from, to, &sc, a.network, a.scenario.time)?;
    regionlink::export::route::write(&r, &inputs.region, out)?;
    Ok(())
}
