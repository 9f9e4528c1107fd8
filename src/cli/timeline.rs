//! `regionlink timeline`: one network per year.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::TimelineCmd;

/// Compute every year, print the report section, write the files.
pub fn run(cmd: &TimelineCmd, out: &mut dyn Write) -> Result<()> {
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
    let o = crate::cli::options(&inputs, &cmd.m, None)?;
    let years: Vec<i32> = (cmd.from..=cmd.to).step_by(cmd.step as usize).collect();
    let tl = regionlink::analysis::timeline(&inputs, &o, &years)?;
    let (files, md) = regionlink::export::timeline::outputs(&inputs, &tl, cmd.from, cmd.to);
    let protected = crate::cli::input_paths(&inputs, Some(&cmd.m.scenario));
    crate::cli::write_outputs(&files, &cmd.out, &protected, Some(&md), out)
}
