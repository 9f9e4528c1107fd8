//! A region of one's own: six fictional units in `examples/data/valley/`, whose properties
//! have their own names (`uid`, `label`, `inhabitants`, `output_100m_cny`, `zone`, …) mapped
//! by the study's `[fields]`, loaded, analysed and written as layers.
//!
//! ```sh
//! cargo run --release --example own_region -- valley-out
//! ```

use std::path::{Path, PathBuf};

use regionlink::analysis::{self, Options};
use regionlink::export;
use regionlink::load::{LoadOptions, PopulationUnit, load_inputs};
use regionlink::progress::Silent;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/valley");
    let out: PathBuf = std::env::args()
        .nth(1)
        .map_or_else(|| "valley-out".into(), PathBuf::from);
    let inputs = load_inputs(
        Some(&data.join("units.geojson")),
        Some(&data.join("links.csv")),
        Some(&data.join("study.toml")),
        // The field mapping can also be adjusted in code, over the study file's `[fields]`.
        |study| study.fields.population_unit = PopulationUnit::Persons,
        LoadOptions::default(),
    )?;
    let mut options = Options::from_study(&inputs.study)?;
    options.bands = vec![30.0, 60.0];
    let run = analysis::run(&inputs, &options, &Silent)?;
    let an = &run.analysis;
    println!("{}: {} units", inputs.study.name, inputs.region.len());
    for (u, w) in inputs.region.units.iter().zip(&an.watt) {
        println!(
            "  {:<14} {:>7.1} × 10⁴ people  WATT {}",
            u.name,
            u.population_10k,
            w.map_or("–".into(), |w| format!("{w:.1} min"))
        );
    }
    export::run::outputs(&run)?.write_to(&out, &[])?;
    println!("layers, tables and report in {}", out.display());
    Ok(())
}
