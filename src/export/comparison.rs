//! The outputs of a scenario comparison: `scenario.geojson` (+ `.qml`), `scenario.csv` and the
//! report section `scenario.md`.

use crate::analysis::Comparison;
use crate::analysis::pct_change;
use crate::error::Result;
use crate::export::layers;
use crate::export::tables;
use crate::export::write::Outputs;

fn fmt(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{x:.1}"))
}

/// The report section: the core-to-core time and mean WATT before and after, the units moving
/// into each band, and the ten units that gain most.
pub fn markdown(c: &Comparison<'_>) -> String {
    let (base, scen) = (&c.base, &c.scen);
    let region = &base.inputs.region;
    let mut md = String::new();
    md.push_str(&format!(
        "## Scenario: {} against {}\n\n",
        scen.scenario, base.scenario
    ));
    md.push_str(&format!("{} network, {} time; WATT mass: {}. Negative ΔWATT is an improvement; minutes saved are positive.\n\n", base.options.network.as_str(), base.options.time.as_str(), base.options.mass.describe()));
    if let (Some(cb), Some(cs)) = (&base.corridor, &scen.corridor) {
        md.push_str(&format!(
            "- Core-to-core time: {:.1} → {:.1} min.\n",
            cb.t_ab, cs.t_ab
        ));
    }
    let mean = |w: &[Option<f64>]| {
        crate::measures::stats::mean(&w.iter().flatten().copied().collect::<Vec<_>>())
    };
    if let (Some(a), Some(b)) = (mean(&base.watt), mean(&scen.watt)) {
        md.push_str(&format!(
            "- Mean WATT: {a:.1} → {b:.1} min ({:+.2} %).\n",
            (b - a) / a * 100.0
        ));
    }
    for (k, core) in base.cores.iter().enumerate() {
        for (bi, &b) in base.options.bands.iter().enumerate() {
            let moved: Vec<&str> = c
                .moved_into(k, bi)
                .map(|i| base.options.lang.label(&region.units[i]))
                .collect();
            if !moved.is_empty() {
                md.push_str(&format!(
                    "- Into {}'s {b}-minute band: {} ({}).\n",
                    core.name,
                    moved.len(),
                    moved.join(", ")
                ));
            }
        }
    }
    let mut order: Vec<usize> = (0..region.len()).collect();
    let g = |i: usize| c.units[i].d_watt_pct.unwrap_or(0.0);
    order.sort_by(|&x, &y| g(x).total_cmp(&g(y)).then(x.cmp(&y)));
    md.push_str("\nThe ten units that gain most (ΔWATT %):\n\n| unit | WATT before (min) | after (min) | Δ % |\n| --- | --- | --- | --- |\n");
    for &i in order.iter().take(10) {
        let u = &region.units[i];
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            u.label_both(),
            fmt(base.watt[i]),
            fmt(scen.watt[i]),
            fmt(pct_change(base.watt[i], scen.watt[i]))
        ));
    }
    md
}

/// The files of a comparison, and the report section (also for printing).
///
/// # Errors
/// See [`Outputs::layer`].
pub fn outputs(c: &Comparison<'_>) -> Result<(Outputs, String)> {
    let region = &c.base.inputs.region;
    let t = tables::delta(c);
    let mut out = Outputs::default();
    layers::scenario(&mut out, region, &t, c.base.options.lang)?;
    out.csv("scenario.csv", &t);
    let md = markdown(c);
    out.push("scenario.md", md.clone().into_bytes());
    Ok((out, md))
}
