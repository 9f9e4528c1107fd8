//! What a new line changes: the default data against the same network plus the line of
//! `examples/data/new_line.csv` (an example line, times assumed), unit by unit.
//!
//! ```sh
//! cargo run --release --example new_line -- new-line-out
//! ```

use std::path::{Path, PathBuf};

use regionlink::analysis::{Options, compare};
use regionlink::export;
use regionlink::load::{LoadOptions, load_inputs, load_links};
use regionlink::network::AddedLinks;
use regionlink::progress::Silent;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/new_line.csv");
    let out: PathBuf = std::env::args()
        .nth(1)
        .map_or_else(|| "new-line-out".into(), PathBuf::from);
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())?;
    let mut options = Options::from_study(&inputs.study)?;
    let name = "examples/data/new_line.csv".to_string();
    let links = load_links(&std::fs::read(&file)?, &name)?;
    options.scenario.add.push(AddedLinks { file: name, links });
    let c = compare(&inputs, &options, &Silent)?;
    // The units that gain most (ΔWATT in %; negative is faster).
    let mut gains: Vec<(usize, f64)> = c
        .units
        .iter()
        .enumerate()
        .filter_map(|(i, u)| u.d_watt_pct.map(|d| (i, d)))
        .collect();
    gains.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    println!("{}", c.scen.scenario);
    for (i, d) in gains.iter().take(5) {
        println!("  {:<12} ΔWATT {d:+.2} %", inputs.region.units[*i].name);
    }
    let (files, _) = export::comparison::outputs(&c)?;
    files.write_to(&out, &[])?;
    println!(
        "scenario layer, table and report section in {}",
        out.display()
    );
    Ok(())
}
