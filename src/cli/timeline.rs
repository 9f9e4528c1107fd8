//! `regionlink timeline`: one network per year.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::TimelineCmd;
use crate::cli::merge::{PartSpec, check_inputs, write_part};
use regionlink::analysis::{Timeline, timeline_with, year_scenario};
use regionlink::export::shard::Merged;

/// Compute every year, print the report section, write the files.
pub fn run(cmd: &TimelineCmd, out: &mut dyn Write) -> Result<()> {
    run_with(cmd, out, None)
}

/// [`run`]; with `--shard`, the figures of the shard's years to a part file; with `merged`,
/// the years of the parts instead.
pub fn run_with(cmd: &TimelineCmd, out: &mut dyn Write, merged: Option<&Merged>) -> Result<()> {
    if cmd.from > cmd.to {
        return Err(regionlink::Error::Usage(format!(
            "--from {} is after --to {}",
            cmd.from, cmd.to
        ))
        .into());
    }
    regionlink::analysis::check_years(
        ((i64::from(cmd.to) - i64::from(cmd.from)) / i64::from(cmd.step.max(1)) + 1) as u64,
    )?;
    let years: Vec<i32> = (cmd.from..=cmd.to).step_by(cmd.step as usize).collect();
    let last = years.iter().max().copied().unwrap_or(cmd.to);
    // A prepared network is the last year's, whose network holds every other year's.
    let (inputs, _, prepared) = crate::cli::prepare::load_keyed(
        &cmd.m.input,
        &cmd.m.scenario,
        cmd.m.network,
        &|sc| year_scenario(sc, last),
        &format!(
            "with --year {last} --retimable (timeline --prepared reads the network of its last year)"
        ),
    )?;
    crate::cli::prepare::require_retimable(&prepared, &cmd.m.input, "timeline")?;
    let mut o = crate::cli::options(&inputs, &cmd.m, None)?;
    o.engine = cmd.engine;
    if let Some(shard) = cmd.shard.shard {
        let tl = timeline_with(&inputs, &o, &years[shard.slice(years.len())], prepared)?;
        let spec = PartSpec {
            command: "timeline",
            shard,
            total: years.len(),
            dir: Some(&cmd.out),
        };
        return write_part(spec, &inputs, &cmd.m.scenario, out, |w| {
            tl.years.iter().try_for_each(|y| w.row(y))
        });
    }
    let tl = match merged {
        Some(m) => {
            check_inputs(m, &inputs, &cmd.m.scenario)?;
            Timeline {
                years: m.rows(years.len())?,
                mass: o.mass,
            }
        }
        None => timeline_with(&inputs, &o, &years, prepared)?,
    };
    let (files, md) = regionlink::export::timeline::outputs(&inputs, &tl, cmd.from, cmd.to);
    let protected = crate::cli::input_paths(&inputs, Some(&cmd.m.scenario));
    crate::cli::write_outputs(&files, &cmd.out, &protected, Some(&md), out)
}
