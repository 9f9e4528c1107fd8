//! `regionlink run`: the whole study into a directory of QGIS layers, a QGIS project, a
//! GeoPackage, tables and a report with maps.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::RunArgs;
use crate::cli::progress::Bar;

/// Run the whole study; everything is built before anything is written. Prints the headline
/// figures of the report, then the files.
pub fn run(a: &RunArgs, quiet: bool, out: &mut dyn Write) -> Result<()> {
    let (inputs, _, prepared) = crate::cli::prepare::load(&a.m.input, &a.m.scenario, a.m.network)?;
    let o = crate::cli::options(&inputs, &a.m, Some(&a.g))?;
    if let (Some(_), Some(path)) = (&prepared, &a.m.input.prepared)
        && o.time != regionlink::model::TimeConvention::DoorToDoor
    {
        return Err(regionlink::Error::Usage(format!(
            "--prepared {}: a network timed {} cannot give the headline's door-to-door times (its stations are joined at 0 min); prepare it door-to-door and run without --time {}, or run without --prepared",
            path.display(),
            o.time.as_str(),
            o.time.as_str()
        ))
        .into());
    }
    let pb = Bar::new(quiet, 0);
    crate::cli::prepare::note(&prepared, &pb);
    let study = regionlink::analysis::run_with(&inputs, &o, prepared, &pb)?;
    if a.m.network != regionlink::network::NetworkKind::Composite {
        crate::cli::warn_snaps(&study.analysis.build, &inputs.region);
    }
    let built = regionlink::export::run::build(&study)?;
    pb.finish();
    let protected = crate::cli::input_paths(&inputs, Some(&a.m.scenario));
    // The story first (from the report, in its language), then the files.
    let mut story = format!("{}\n", built.report.study);
    for line in built.report.headline_lines(false) {
        story.push_str(&format!("  {line}\n"));
    }
    story.push_str(match o.lang {
        regionlink::model::Lang::En => {
            "open regionlink.qgs in QGIS (or drag regionlink.gpkg in: styled layers); read report.html"
        }
        regionlink::model::Lang::Zh => {
            "用 QGIS 打开 regionlink.qgs（或拖入 regionlink.gpkg，图层已带样式）；阅读 report.html"
        }
    });
    crate::cli::write_outputs(&built.files, &a.out, &protected, Some(&story), out)?;
    Ok(())
}
