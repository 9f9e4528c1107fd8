//! `regionlink timeline`: one network per year.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::TimelineCmd;
use crate::cli::merge::{PartSpec, check_inputs, write_part};
use regionlink::analysis::Timeline;
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
    let inputs = crate::cli::load(&cmd.m.input)?;
    let mut o = crate::cli::options(&inputs, &cmd.m, None)?;
    o.engine = cmd.engine;
    let years: Vec<i32> = (cmd.from..=cmd.to).step_by(cmd.step as usize).collect();
    if let Some(shard) = cmd.shard.shard {
        let tl = regionlink::analysis::timeline(&inputs, &o, &years[shard.slice(years.len())])?;
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
        None => regionlink::analysis::timeline(&inputs, &o, &years)?,
    };
    let (files, md) = regionlink::export::timeline::outputs(&inputs, &tl, cmd.from, cmd.to);
    let protected = crate::cli::input_paths(&inputs, Some(&cmd.m.scenario));
    crate::cli::write_outputs(&files, &cmd.out, &protected, Some(&md), out)
}
