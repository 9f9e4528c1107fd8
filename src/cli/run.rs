//! `regionlink run`: the whole study into a directory of QGIS layers, tables and a report.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::RunArgs;
use crate::cli::progress::Bar;

/// Run the whole study; everything is built before anything is written.
pub fn run(a: &RunArgs, quiet: bool, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&a.m.input)?;
    let o = crate::cli::options(&inputs, &a.m, Some(&a.g))?;
    let pb = Bar::new(quiet, 0);
    let study = regionlink::analysis::run(&inputs, &o, &pb)?;
    if a.m.network != regionlink::network::NetworkKind::Composite {
        crate::cli::warn_snaps(&study.analysis.build, &inputs.region);
    }
    let files = regionlink::export::run::outputs(&study)?;
    pb.finish();
    let protected = crate::cli::input_paths(&inputs, Some(&a.m.scenario));
    crate::cli::write_outputs(&files, &a.out, &protected, None, out)?;
    writeln!(
        out,
        "open the .geojson files in QGIS (their .qml styles load with them); read report.md"
    )?;
    Ok(())
}
