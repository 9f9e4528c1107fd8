//! `regionlink reach`, `access`, `corridor`, `linkage`, `centrality` and `equity`.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::{AccessCmd, EquityCmd, MeasureArgs, MeasureCmd, StructureCmd};
use crate::cli::merge::{PartSpec, check_inputs, write_part};
use crate::cli::progress::Bar;
use regionlink::analysis::{Analysis, Options, check_max_minutes};
use regionlink::export::shard::Merged;
use regionlink::export::{summary, tables};
use regionlink::load::Inputs;
use regionlink::prepared::Prepared;
use regionlink::progress::{Progress, Silent};

/// The inputs, and the prepared network of `--prepared` (checked against them).
fn load(m: &MeasureArgs) -> Result<(Inputs, Option<Prepared>)> {
    let (inputs, _, prepared) = crate::cli::prepare::load(&m.input, &m.scenario, m.network)?;
    Ok((inputs, prepared))
}

/// Run the analysis, on the prepared network when there is one.
fn analyse<'a>(
    inputs: &'a Inputs,
    m: &MeasureArgs,
    o: Options,
    prepared: Option<Prepared>,
    progress: &dyn Progress,
) -> Result<Analysis<'a>> {
    crate::cli::prepare::note(&prepared, progress);
    let an = Analysis::run_with(inputs, &o, prepared, progress)?;
    if m.network != regionlink::network::NetworkKind::Composite {
        crate::cli::warn_snaps(&an.build, &inputs.region);
    }
    Ok(an)
}

fn inputs_of(inputs: &Inputs, m: &MeasureArgs) -> Vec<std::path::PathBuf> {
    crate::cli::input_paths(inputs, Some(&m.scenario))
}

/// `regionlink reach`.
pub fn reach(cmd: &MeasureCmd, out: &mut dyn Write) -> Result<()> {
    let (inputs, prepared) = load(&cmd.m)?;
    let o = crate::cli::options(&inputs, &cmd.m, None)?;
    let a = analyse(&inputs, &cmd.m, o, prepared, &Silent)?;
    let t = tables::reach(&a);
    crate::cli::csv_then_summary(
        &t,
        cmd.out.as_deref(),
        &inputs_of(&inputs, &cmd.m),
        out,
        |o| summary::reach_summary(&a, o),
    )
}

/// `regionlink access`: streamed, one origin's tree at a time.
pub fn access(cmd: &AccessCmd, quiet: bool, out: &mut dyn Write) -> Result<()> {
    access_with(cmd, quiet, out, None)
}

/// `regionlink access`: with `--shard`, the rows of the shard's origins to a part file; with
/// `merged`, the rows of the parts instead of searches; else every origin.
pub fn access_with(
    cmd: &AccessCmd,
    quiet: bool,
    out: &mut dyn Write,
    merged: Option<&Merged>,
) -> Result<()> {
    check_max_minutes(cmd.max_minutes)?;
    if cmd.m.network == regionlink::network::NetworkKind::Composite
        && cmd.engine == regionlink::route::EngineKind::Phast
    {
        return Err(regionlink::Error::Option(regionlink::analysis::composite_not_phast()).into());
    }
    let (inputs, prepared) = load(&cmd.m)?;
    let mut o = crate::cli::options(&inputs, &cmd.m, None)?;
    o.matrix = false;
    o.max_minutes = cmd.max_minutes;
    o.engine = cmd.engine;
    let pb = Bar::new(quiet, 0);
    let total = inputs.region.len();
    if let Some(shard) = cmd.shard.shard {
        let rows =
            regionlink::analysis::access_rows(&inputs, &o, prepared, shard.slice(total), &pb)?;
        pb.finish();
        let spec = PartSpec {
            command: "access",
            shard,
            total,
            dir: cmd.out.as_deref(),
        };
        return write_part(spec, &inputs, &cmd.m.scenario, out, |w| {
            rows.iter().try_for_each(|r| w.row(r))
        });
    }
    let a = match merged {
        Some(m) => {
            check_inputs(m, &inputs, &cmd.m.scenario)?;
            let an = Analysis::with_access_rows(&inputs, &o, prepared, &pb, m.rows(total)?)?;
            if cmd.m.network != regionlink::network::NetworkKind::Composite {
                crate::cli::warn_snaps(&an.build, &inputs.region);
            }
            an
        }
        None => analyse(&inputs, &cmd.m, o, prepared, &pb)?,
    };
    pb.finish();
    let t = tables::access(&a);
    crate::cli::csv_then_summary(
        &t,
        cmd.out.as_deref(),
        &inputs_of(&inputs, &cmd.m),
        out,
        |o| summary::access_summary(&a, o),
    )
}

/// `regionlink corridor`.
pub fn corridor(cmd: &MeasureCmd, out: &mut dyn Write) -> Result<()> {
    let (inputs, prepared) = load(&cmd.m)?;
    let o = crate::cli::options(&inputs, &cmd.m, None)?;
    let a = analyse(&inputs, &cmd.m, o, prepared, &Silent)?;
    if a.corridor.is_none() {
        return Err(regionlink::Error::Usage(
            "the corridor needs two cores in the study ([[cores]])".into(),
        )
        .into());
    }
    let t = tables::corridor(&a);
    crate::cli::csv_then_summary(
        &t,
        cmd.out.as_deref(),
        &inputs_of(&inputs, &cmd.m),
        out,
        |o| summary::corridor_summary(&a, o),
    )
}

/// `regionlink linkage`.
pub fn linkage(cmd: &StructureCmd, out: &mut dyn Write) -> Result<()> {
    let (inputs, prepared) = load(&cmd.m)?;
    let o = crate::cli::options(&inputs, &cmd.m, Some(&cmd.g))?;
    let a = analyse(&inputs, &cmd.m, o, prepared, &Silent)?;
    let s = a.linkage()?;
    let t = tables::linkage(&a, &s);
    crate::cli::csv_then_summary(
        &t,
        cmd.out.as_deref(),
        &inputs_of(&inputs, &cmd.m),
        out,
        |o| summary::linkage_summary(&a, &s, o),
    )
}

/// `regionlink centrality`.
pub fn centrality(cmd: &StructureCmd, out: &mut dyn Write) -> Result<()> {
    let (inputs, prepared) = load(&cmd.m)?;
    let o = crate::cli::options(&inputs, &cmd.m, Some(&cmd.g))?;
    let a = analyse(&inputs, &cmd.m, o, prepared, &Silent)?;
    let s = a.linkage()?;
    let t = tables::centrality(&a, &s);
    crate::cli::csv_then_summary(
        &t,
        cmd.out.as_deref(),
        &inputs_of(&inputs, &cmd.m),
        out,
        |o| summary::centrality_summary(&a, &s, o),
    )
}

/// `regionlink equity`.
pub fn equity(cmd: &EquityCmd, out: &mut dyn Write) -> Result<()> {
    let (inputs, prepared) = load(&cmd.m)?;
    let o = crate::cli::options(&inputs, &cmd.m, Some(&cmd.g))?;
    let a = analyse(&inputs, &cmd.m, o, prepared, &Silent)?;
    let s = a.linkage()?;
    let (values, better) = summary::measure_values(&a, &s, &cmd.measure)?;
    let e = a.equity(&values, cmd.group_by, better)?;
    let g = summary::equity_groups(&e);
    crate::cli::csv_then_summary(
        &g,
        cmd.out.as_deref(),
        &inputs_of(&inputs, &cmd.m),
        out,
        |o| summary::equity_summary(&a, &cmd.measure, cmd.group_by, &e, o),
    )
}
