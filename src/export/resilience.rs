//! The outputs of a resilience run: `links_criticality.geojson` (+ `.qml`) and `.csv`, the
//! Monte Carlo tables, and the report section `resilience.md`.

use crate::analysis::{Analysis, Resilience};
use crate::error::Result;
use crate::export::layers;
use crate::export::table::{Cell, Table};
use crate::export::write::Outputs;
use crate::measures::resilience::Distribution;

fn fmt(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{x:.1}"))
}

fn dist_cells(d: &Distribution) -> Vec<Cell> {
    vec![
        d.n.into(),
        d.n_infinite.into(),
        d.mean.into(),
        d.p5.into(),
        d.p50.into(),
        d.p95.into(),
        d.max.into(),
    ]
}

/// The files of a resilience run, and the report section (also for printing).
///
/// # Errors
/// See [`Outputs::layer`].
pub fn outputs(an: &Analysis<'_>, r: &Resilience) -> Result<(Outputs, String)> {
    let region = &an.inputs.region;
    let net = &an.net;
    let mut out = Outputs::default();
    let t = layers::criticality(&mut out, an, r)?;
    out.csv("links_criticality.csv", &t);
    let base = &r.base;
    let mut md = format!(
        "## Link-failure resilience\n\n{} network, {} time, {}. Intact: population-weighted WATT {} min, core-to-core {} min, {} units beyond {} min of every core. Each of the {} curated links removed in turn (generated road links stand for the whole road mesh and are not failed); ranked by units cut off, then Δ population-weighted WATT, then Δ core-to-core time.\n\n",
        an.options.network.as_str(),
        an.options.time.as_str(),
        an.scenario,
        fmt(base.watt_pop_min),
        fmt(base.t_cores_min),
        base.units_beyond_band,
        r.band,
        r.candidates.len()
    );
    md.push_str("| rank | link | mode | from → to | Δ WATT_pop (min) | Δ core-to-core (min) | Δ units beyond | units cut off |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (k, (l, _, d)) in r.ranked.iter().take(15).enumerate() {
        let link = net.link(*l);
        let tcc = if d.d_t_cores_min.is_finite() {
            format!("{:.1}", d.d_t_cores_min)
        } else {
            "cut apart".into()
        };
        md.push_str(&format!(
            "| {} | {} | {} | {} → {} | {:.3} | {tcc} | {} | {} |\n",
            k + 1,
            link.link_id,
            link.mode.as_str(),
            an.options.lang.label(region.unit(link.from)),
            an.options.lang.label(region.unit(link.to)),
            d.d_watt_pop_min,
            d.d_units_beyond,
            d.d_units_cut_off
        ));
    }
    if let Some(mc) = &r.monte_carlo {
        let mut st = Table::new(&[
            ("figure", 0),
            ("samples_finite", 0),
            ("samples_undefined", 0),
            ("mean", 3),
            ("p5", 3),
            ("p50", 3),
            ("p95", 3),
            ("max", 3),
        ]);
        for (n, d) in &mc.distributions {
            let mut row: Vec<Cell> = vec![(*n).into()];
            row.extend(dist_cells(d));
            st.push(row);
        }
        let mut samples = Table::new(&[
            ("sample", 0),
            ("failed_links", 0),
            ("d_watt_pop_min", 3),
            ("d_t_cores_min", 2),
            ("d_units_beyond", 0),
            ("units_cut_off", 0),
        ]);
        for (s, (set, d)) in mc.sets.iter().zip(&mc.damage).enumerate() {
            let ids: Vec<&str> = set.iter().map(|l| net.link(*l).link_id.as_str()).collect();
            samples.push(vec![
                s.into(),
                ids.join(";").into(),
                Cell::Num(d.d_watt_pop_min.is_finite().then_some(d.d_watt_pop_min)),
                Cell::Num(d.d_t_cores_min.is_finite().then_some(d.d_t_cores_min)),
                Cell::Int(Some(d.d_units_beyond)),
                Cell::Int(Some(d.d_units_cut_off)),
            ]);
        }
        out.csv("resilience_montecarlo.csv", &samples);
        out.csv("resilience_montecarlo_summary.csv", &st);
        let m = mc.settings;
        md.push_str(&format!("\n### Monte Carlo: {} samples of {} simultaneous failures (seed {})\n\nUndefined = the cores cut apart.\n\n```text\n", m.samples, m.k, m.seed));
        let mut p = Vec::new();
        st.print(&mut p).expect("printing to memory cannot fail");
        md.push_str(&String::from_utf8_lossy(&p));
        md.push_str("```\n");
    }
    out.push("resilience.md", md.clone().into_bytes());
    Ok((out, md))
}
