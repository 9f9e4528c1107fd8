//! The library example of the README ("Use as a library"), word for word.

use regionlink::analysis::{self, Analysis, Options};
use regionlink::load::{LoadOptions, load_inputs};
use regionlink::progress::Silent;

fn main() -> regionlink::Result<()> {
    // None = the embedded default units, links and study; or Some(path) for your own files.
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())?;
    // Plain option structs with the study file's defaults; change any field.
    let mut options = Options::from_study(&inputs.study)?;
    options.bands = vec![60.0, 120.0];
    let an = Analysis::run(&inputs, &options, &Silent)?; // times, reach, access, corridor
    let linkage = an.linkage()?; // gravity, membership, centrality
    println!("{} centres", linkage.membership.centres.len());
    let run = analysis::run(&inputs, &options, &Silent)?; // all of it, as `regionlink run`
    let out = std::env::temp_dir().join("regionlink-library-example");
    regionlink::export::run::outputs(&run)?.write_to(&out, &[])?;
    println!("wrote {}", out.display());
    Ok(())
}
