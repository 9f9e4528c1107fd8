//! `regionlink reach`, `access`, `corridor`, `linkage`, `centrality` and `equity`.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::{AccessCmd, EquityCmd, MeasureArgs, MeasureCmd, StructureCmd};
use crate::cli::progress::Bar;
use regionlink::analysis::{Analysis, Options, check_max_minutes};
use regionlink::export::{summary, tables};
use regionlink::load::Inputs;
use regionlink::progress::{Progress, Silent};

/// Load, map the flags, run the analysis.
fn analyse<'a>(
    inputs: &'a Inputs,
    m: &MeasureArgs,
    o: Options,
    progress: &dyn Progress,
) -> Result<Analysis<'a>> {
    let an = Analysis::run(inputs, &o, progress)?;
    if m.network != regionlink::network::NetworkKind::Composite {
        crate::cli::warn_snaps(&an.build, &inputs.region);
    }
    Ok(an)
}

fn inputs_of(m: &MeasureArgs) -> Vec<std::path::PathBuf> {
    crate::cli::input_paths(&m.input, Some(&m.scenario))
}

/// `regionlink reach`.
pub fn reach(cmd: &MeasureCmd, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&cmd.m.input)?;
    let o = crate::cli::options(&inputs, &cmd.m, None)?;
    let a = analyse(&inputs, &cmd.m, o, &Silent)?;
    summary::reach_summary(&a, out)?;
    crate::cli::write_csv(
        &tables::reach(&a),
        cmd.out.as_deref(),
        &inputs_of(&cmd.m),
        out,
    )
}

/// `regionlink access`: streamed, one origin's tree at a time.
pub fn access(cmd: &AccessCmd, quiet: bool, out: &mut dyn Write) -> Result<()> {
    check_max_minutes(cmd.max_minutes)?;
    if cmd.m.network == regionlink::network::NetworkKind::Composite
        && cmd.engine == regionlink::route::EngineKind::Phast
    {
        return Err(regionlink::Error::Option(regionlink::analysis::composite_not_phast()).into());
    }
    let inputs = crate::cli::load(&cmd.m.input)?;
    let mut o = crate::cli::options(&inputs, &cmd.m, None)?;
    o.matrix = false;
    o.max_minutes = cmd.max_minutes;
    o.engine = cmd.engine;
    let pb = Bar::new(quiet, 0);
    let a = analyse(&inputs, &cmd.m, o, &pb)?;
    pb.finish();
    summary::access_summary(&a, out)?;
    crate::cli::write_csv(
        &tables::access(&a),
        cmd.out.as_deref(),
        &inputs_of(&cmd.m),
        out,
    )
}

/// `regionlink corridor`.
pub fn corridor(cmd: &MeasureCmd, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&cmd.m.input)?;
    let o = crate::cli::options(&inputs, &cmd.m, None)?;
    let a = analyse(&inputs, &cmd.m, o, &Silent)?;
    if a.corridor.is_none() {
        return Err(regionlink::Error::Usage(
            "the corridor needs two cores in the study ([[cores]])".into(),
        )
        .into());
    }
    summary::corridor_summary(&a, out)?;
    crate::cli::write_csv(
        &tables::corridor(&a),
        cmd.out.as_deref(),
        &inputs_of(&cmd.m),
        out,
    )
}

/// `regionlink linkage`.
pub fn linkage(cmd: &StructureCmd, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&cmd.m.input)?;
    let o = crate::cli::options(&inputs, &cmd.m, Some(&cmd.g))?;
    let a = analyse(&inputs, &cmd.m, o, &Silent)?;
    let s = a.linkage()?;
    summary::linkage_summary(&a, &s, out)?;
    crate::cli::write_csv(
        &tables::linkage(&a, &s),
        cmd.out.as_deref(),
        &inputs_of(&cmd.m),
        out,
    )
}

/// `regionlink centrality`.
pub fn centrality(cmd: &StructureCmd, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&cmd.m.input)?;
    let o = crate::cli::options(&inputs, &cmd.m, Some(&cmd.g))?;
    let a = analyse(&inputs, &cmd.m, o, &Silent)?;
    let s = a.linkage()?;
    summary::centrality_summary(&a, &s, out)?;
    let t = tables::centrality(&a, &s);
    crate::cli::write_csv(&t, cmd.out.as_deref(), &inputs_of(&cmd.m), out)
}

/// `regionlink equity`.
pub fn equity(cmd: &EquityCmd, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&cmd.m.input)?;
    let o = crate::cli::options(&inputs, &cmd.m, Some(&cmd.g))?;
    let a = analyse(&inputs, &cmd.m, o, &Silent)?;
    let s = a.linkage()?;
    let (values, better) = summary::measure_values(&a, &s, &cmd.measure)?;
    let e = a.equity(&values, cmd.group_by, better)?;
    summary::equity_summary(&a, &cmd.measure, cmd.group_by, &e, out)?;
    let g = summary::equity_groups(&e);
    crate::cli::write_csv(&g, cmd.out.as_deref(), &inputs_of(&cmd.m), out)
}
