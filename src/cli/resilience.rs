//! `regionlink resilience`: every curated link removed in turn, and a Monte Carlo.

use std::cell::OnceCell;
use std::io::Write;

use anyhow::Result;

use crate::cli::args::ResilienceCmd;
use crate::cli::merge::{PartSpec, check_inputs, write_part};
use regionlink::analysis::retime::{Retimer, use_retime};
use regionlink::analysis::{
    Analysis, MonteCarlo, failure_figures_with, failure_sets, resilience_of,
};
use regionlink::export::shard::Merged;
use regionlink::network::{Network, NetworkKind};
use regionlink::progress::Silent;

/// Fail each link, print the report section, write the files.
pub fn run(cmd: &ResilienceCmd, out: &mut dyn Write) -> Result<()> {
    run_with(cmd, out, None)
}

/// [`run`]; with `--shard`, the figures of the shard's failure sets (the intact network, each
/// link, each Monte Carlo sample, in that order) to a part file; with `merged`, the figures of
/// the parts instead.
pub fn run_with(cmd: &ResilienceCmd, out: &mut dyn Write, merged: Option<&Merged>) -> Result<()> {
    let (inputs, _, prepared) =
        crate::cli::prepare::load(&cmd.m.input, &cmd.m.scenario, cmd.m.network)?;
    crate::cli::prepare::require_retimable(&prepared, &cmd.m.input, "resilience")?;
    let mut o = crate::cli::options(&inputs, &cmd.m, None)?;
    o.engine = cmd.engine;
    // The failures need the network, the cores and the options, not the matrix.
    o.matrix = false;
    let (retimer, an) = match prepared {
        // A prepared network: its re-timable hierarchy serves every failure.
        Some(p) => {
            if merged.is_none() && cmd.engine != regionlink::route::EngineKind::Dijkstra {
                let (net, report, c) = p.into_retimable("resilience")?;
                let r = Retimer::from_customizable(net.clone(), c);
                // The intact network is the one contracted: its hierarchy as built.
                let an = Analysis::run_on(
                    &inputs,
                    &o,
                    net,
                    report,
                    &|_| Some(r.contracted().clone()),
                    &Silent,
                )?;
                (Some(r), an)
            } else {
                (None, Analysis::run_with(&inputs, &o, Some(p), &Silent)?)
            }
        }
        None => {
            // The retimer is contracted from the analysis's own network (built once): while the
            // analysis runs when its accessibility takes PHAST, else after it. A merge reads the
            // failures' figures from the parts: nothing to re-time.
            let wanted = |net: &Network| {
                merged.is_none() && o.network != NetworkKind::Composite && use_retime(o.engine, net)
            };
            let cell = OnceCell::new();
            let an = Analysis::run_retimed(
                &inputs,
                &o,
                &|n| {
                    wanted(n)
                        .then(|| cell.get_or_init(|| Retimer::new(n.clone(), &Silent)))
                        .and_then(|r| r.hierarchy_for(n))
                },
                &Silent,
            )?;
            let r = cell
                .into_inner()
                .or_else(|| wanted(&an.net).then(|| Retimer::new(an.net.clone(), &Silent)));
            (r, an)
        }
    };
    let mc = MonteCarlo {
        samples: cmd.samples,
        k: cmd.k,
        seed: cmd.seed,
    };
    let sets = failure_sets(&an, Some(mc))?;
    if let Some(shard) = cmd.shard.shard {
        let figs = failure_figures_with(&an, &sets[shard.slice(sets.len())], retimer.as_ref())?;
        let spec = PartSpec {
            command: "resilience",
            shard,
            total: sets.len(),
            dir: Some(&cmd.out),
        };
        return write_part(spec, &inputs, &cmd.m.scenario, out, |w| {
            figs.iter().try_for_each(|f| w.row(f))
        });
    }
    let figs = match merged {
        Some(m) => {
            check_inputs(m, &inputs, &cmd.m.scenario)?;
            m.rows(sets.len())?
        }
        None => failure_figures_with(&an, &sets, retimer.as_ref())?,
    };
    let r = resilience_of(&an, Some(mc), &sets, figs)?;
    let (files, md) = regionlink::export::resilience::outputs(&an, &r)?;
    let protected = crate::cli::input_paths(&inputs, Some(&cmd.m.scenario));
    crate::cli::write_outputs(&files, &cmd.out, &protected, Some(&md), out)
}
