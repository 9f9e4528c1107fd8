//! `regionlink route FROM TO`: the fastest path, leg by leg.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::RouteArgs;
use regionlink::analysis::{place, route, route_on};

/// Resolve the places, route, print.
pub fn run(a: &RouteArgs, out: &mut dyn Write) -> Result<()> {
    let (inputs, sc, prepared) = crate::cli::prepare::load(&a.input, &a.scenario, a.network)?;
    let from = place(&inputs, &a.from)?;
    let to = place(&inputs, &a.to)?;
    let r = match prepared {
        Some(p) => route_on(p.network, from, to, &sc, a.scenario.time)?,
        None => route(&inputs, from, to, &sc, a.network, a.scenario.time)?,
    };
    regionlink::export::route::write(&r, &inputs.region, out)?;
    Ok(())
}
