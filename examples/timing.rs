//! Rough stage timings on the default data (not a benchmark; see benches/).
use regionlink::load::{LoadOptions, load_inputs};
use regionlink::network::{NetworkKind, Scenario, build::BuildOptions, build_network};
use std::time::Instant;
fn main() -> Result<(), regionlink::Error> {
    let t = Instant::now();
    let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())?;
    eprintln!("load {:?}", t.elapsed());
    let t = Instant::now();
    let (net, _) = build_network(
        &inputs.region,
        &inputs.links,
        BuildOptions {
            params: &inputs.study.network,
            scenario: &Scenario::default(),
            kind: NetworkKind::Combined,
        },
    )?;
    eprintln!("build {:?}", t.elapsed());
    let t = Instant::now();
    let m = regionlink::measures::par::travel_time_matrix(&net, None);
    eprintln!("matrix {:?} {}", t.elapsed(), m.len());
    Ok(())
}
