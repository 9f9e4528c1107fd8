//! The embedded Chengdu–Chongqing data → the whole study → QGIS layers, tables and a report
//! on disk.
//!
//! ```sh
//! cargo run --release --example quickstart -- quickstart-out
//! ```

use std::path::PathBuf;

use regionlink::analysis::{self, Options};
use regionlink::export;
use regionlink::load::{LoadOptions, load_inputs};
use regionlink::progress::Silent;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args()
        .nth(1)
        .map_or_else(|| "quickstart-out".into(), PathBuf::from);
    // 1. Load: `None` is the embedded default for the units, the links and the study.
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())?;
    // 2. Options with the study's defaults (bands, mass, decays, ε); change any field here.
    let options = Options::from_study(&inputs.study)?;
    // 3. Every measure family: times, reach, accessibility, corridor, linkage, centrality.
    let run = analysis::run(&inputs, &options, &Silent)?;
    // 4. The layers (GeoJSON + QGIS styles), tables and report, written atomically.
    let files = export::run::outputs(&run)?;
    files.write_to(&out, &[])?;

    let an = &run.analysis;
    if let Some(c) = &an.corridor {
        println!(
            "Chengdu ↔ Chongqing: {:.1} min door to door; corridor of {} units",
            c.t_ab,
            c.units.len()
        );
    }
    let watts: Vec<f64> = an.watt.iter().flatten().copied().collect();
    if let Some(m) = regionlink::measures::stats::mean(&watts) {
        println!("mean WATT {m:.1} min over {} units", watts.len());
    }
    println!("wrote {} files to {}", files.files.len(), out.display());
    Ok(())
}
