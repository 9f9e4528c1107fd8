//! `regionlink scenario`, `regionlink timeline` and `regionlink resilience`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::analysis::{Analysis, MeasureArgs};
use crate::cli::args::{ScenarioArgs, With};
use crate::cli::run::{OutFile, add_layer, column_values, write_files};
use regionlink::export::geojson::Geom;
use regionlink::export::qml::{self, GeomKind};
use regionlink::export::table::{Cell, Table};
use regionlink::measures::par;
use regionlink::measures::resilience::{
    Distribution, Setting, damage, distribution, sample_failures, worse_first,
};
use regionlink::model::{LinkId, Region, UnitId};

/// `regionlink scenario` arguments.
#[derive(Debug, Args)]
pub struct ScenarioCmd {
    /// Measure and scenario options. Without any of --year, --with, --add, --drop the scenario
    /// is every under-construction and planned link of the links file (`--with planned`).
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "regionlink-out")]
    pub out: PathBuf,
}

/// `regionlink timeline` arguments.
#[derive(Debug, Args)]
pub struct TimelineCmd {
    /// Measure options (--year is ignored: every year of the range is computed).
    #[command(flatten)]
    pub m: MeasureArgs,
    /// First year.
    #[arg(long, default_value_t = 2010)]
    pub from: i32,
    /// Last year.
    #[arg(long, default_value_t = 2030)]
    pub to: i32,
    /// Step in years.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..))]
    pub step: i32,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "regionlink-out")]
    pub out: PathBuf,
}

/// `regionlink resilience` arguments.
#[derive(Debug, Args)]
pub struct ResilienceCmd {
    /// Measure and scenario options (the network whose links fail).
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Monte Carlo: this many samples of K simultaneous random failures (0 = off).
    #[arg(long, default_value_t = 0)]
    pub samples: u64,
    /// Monte Carlo: links failing at once in each sample.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Monte Carlo: random seed (the same seed gives the same figures on any thread count).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output directory.
    #[arg(long, value_name = "DIR", default_value = "regionlink-out")]
    pub out: PathBuf,
}

fn unit_geoms(region: &Region) -> (Vec<Geom>, GeomKind) {
    if region.has_polygons() {
        (
            region
                .units
                .iter()
                .map(|u| Geom::Polygon(u.geometry.clone().expect("has_polygons")))
                .collect(),
            GeomKind::Polygon,
        )
    } else {
        (
            region.units.iter().map(|u| Geom::Point(u.seat)).collect(),
            GeomKind::Point,
        )
    }
}

fn pct_change(base: Option<f64>, new: Option<f64>) -> Option<f64> {
    match (base, new) {
        (Some(b), Some(n)) if b != 0.0 => Some((n - b) / b * 100.0),
        _ => None,
    }
}

/// The per-unit differences between a baseline and a scenario analysis.
pub fn delta_table(base: &Analysis, scen: &Analysis) -> Table {
    let mut t = base.unit_table(&[
        ("watt_base_min", 1),
        ("watt_scen_min", 1),
        ("d_watt_min", 2),
        ("d_watt_pct", 2),
    ]);
    for c in &base.cores {
        t.column(format!("t_{}_base_min", c.key), 1);
        t.column(format!("t_{}_scen_min", c.key), 1);
        t.column(format!("saved_{}_min", c.key), 2);
    }
    for (d, _) in &base.potentials {
        t.column(format!("d_{}_pct", d.column()), 2);
    }
    for c in &base.cores {
        for b in &base.bands {
            t.column(format!("into_{}_{}", c.key, Analysis::band_key(*b)), 0);
        }
    }
    for i in 0..base.inputs.region.len() {
        let mut row = base.unit_cells(i);
        let (wb, ws) = (base.watt[i], scen.watt[i]);
        row.extend([
            wb.into(),
            ws.into(),
            Cell::Num(wb.zip(ws).map(|(b, s)| s - b)),
            Cell::Num(pct_change(wb, ws)),
        ]);
        for (cb, cs) in base.cores.iter().zip(&scen.cores) {
            let (tb, ts) = (cb.times[i].map(|t| t.0), cs.times[i].map(|t| t.0));
            row.extend([
                tb.into(),
                ts.into(),
                Cell::Num(tb.zip(ts).map(|(b, s)| b - s)),
            ]);
        }
        for ((_, pb), (_, ps)) in base.potentials.iter().zip(&scen.potentials) {
            row.push(Cell::Num(pct_change(Some(pb[i]), Some(ps[i]))));
        }
        for (cb, cs) in base.cores.iter().zip(&scen.cores) {
            for &b in &base.bands {
                let was = cb.times[i].is_some_and(|t| t.0 <= b);
                let is = cs.times[i].is_some_and(|t| t.0 <= b);
                row.push((is && !was).into());
            }
        }
        t.push(row);
    }
    t
}

/// Run `regionlink scenario`.
pub fn run_scenario(cmd: &ScenarioCmd, out: &mut dyn Write) -> Result<()> {
    let mut base_args = cmd.m.clone();
    base_args.scenario = ScenarioArgs {
        year: None,
        with: None,
        drop: vec![],
        add: vec![],
    };
    let mut scen_args = cmd.m.clone();
    let sc = &cmd.m.scenario;
    if sc.year.is_none() && sc.with.is_none() && sc.add.is_empty() && sc.drop.is_empty() {
        scen_args.scenario.with = Some(With::Planned);
    }
    let base = Analysis::compute(&base_args)?;
    let scen = Analysis::compute(&scen_args)?;
    let region = &base.inputs.region;
    let t = delta_table(&base, &scen);
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let (geoms, kind) = unit_geoms(region);
    let v = column_values(&t, "d_watt_pct");
    add_layer(
        &mut files,
        &mut skipped,
        "scenario",
        &t,
        geoms,
        qml::graduated(kind, "d_watt_pct", &v, true, "name", "%"),
    )?;
    let mut csv = Vec::new();
    t.write_csv(&mut csv)?;
    files.push(OutFile {
        name: "scenario.csv".into(),
        bytes: csv,
    });

    // the report section, also printed
    let mut md = String::new();
    md.push_str(&format!(
        "## Scenario: {} against {}\n\n",
        scen.scenario, base.scenario
    ));
    md.push_str(&format!("{} network; WATT mass: {}. Negative ΔWATT is an improvement; minutes saved are positive.\n\n", base.network.as_str(), base.mass.describe()));
    if let (Some(cb), Some(cs)) = (&base.corridor, &scen.corridor) {
        md.push_str(&format!(
            "- Core-to-core time: {:.1} → {:.1} min.\n",
            cb.t_ab, cs.t_ab
        ));
    }
    let mean = |w: &[Option<f64>]| {
        let v: Vec<f64> = w.iter().flatten().copied().collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    if let (Some(a), Some(b)) = (mean(&base.watt), mean(&scen.watt)) {
        md.push_str(&format!(
            "- Mean WATT: {a:.1} → {b:.1} min ({:+.2} %).\n",
            (b - a) / a * 100.0
        ));
    }
    for (cb, cs) in base.cores.iter().zip(&scen.cores) {
        for &b in &base.bands {
            let moved: Vec<&str> = (0..region.len())
                .filter(|&i| {
                    !cb.times[i].is_some_and(|t| t.0 <= b) && cs.times[i].is_some_and(|t| t.0 <= b)
                })
                .map(|i| region.units[i].label_zh())
                .collect();
            if !moved.is_empty() {
                md.push_str(&format!(
                    "- Into {}'s {b}-minute band: {} ({}).\n",
                    cb.name,
                    moved.len(),
                    moved.join(", ")
                ));
            }
        }
    }
    let wcol = t
        .columns
        .iter()
        .position(|c| c.name == "d_watt_pct")
        .expect("column exists");
    let mut order: Vec<usize> = (0..region.len()).collect();
    order.sort_by(|&x, &y| {
        let g = |i: usize| match t.rows[i][wcol] {
            Cell::Num(Some(v)) => v,
            _ => 0.0,
        };
        g(x).total_cmp(&g(y)).then(x.cmp(&y))
    });
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
    files.push(OutFile {
        name: "scenario.md".into(),
        bytes: md.clone().into_bytes(),
    });
    writeln!(out, "{md}")?;
    write_files(
        &files,
        &skipped,
        &cmd.out,
        &crate::cli::input_paths(&cmd.m.input, Some(&cmd.m.scenario)),
        out,
    )
}

fn fmt(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{x:.1}"))
}

/// One year of the timeline.
struct Year {
    year: i32,
    links: usize,
    watt: Vec<Option<f64>>,
    cores: Vec<Vec<Option<f64>>>,
}

fn cv(v: &[f64]) -> Option<f64> {
    if v.len() < 2 {
        return None;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt();
    (m > 0.0).then(|| sd / m)
}

/// Run `regionlink timeline`.
pub fn run_timeline(cmd: &TimelineCmd, out: &mut dyn Write) -> Result<()> {
    if cmd.from > cmd.to {
        return Err(regionlink::Error::Usage(format!(
            "--from {} is after --to {}",
            cmd.from, cmd.to
        ))
        .into());
    }
    let inputs = crate::cli::load(&cmd.m.input)?;
    let region = &inputs.region;
    let mass = cmd
        .m
        .mass
        .unwrap_or(inputs.study.measures.mass)
        .values(region)?;
    let years: Vec<i32> = (cmd.from..=cmd.to).step_by(cmd.step as usize).collect();
    let kind = match cmd.m.network {
        regionlink::network::NetworkKind::Composite => {
            return Err(regionlink::Error::Usage(
                "timeline: --network composite is not supported; use combined, road or rail".into(),
            )
            .into());
        }
        k => k,
    };
    let results: Vec<Result<Year>> = par::map_ordered(&years, |&y| {
        let sc = ScenarioArgs {
            year: Some(y),
            with: None,
            drop: cmd.m.scenario.drop.clone(),
            add: cmd.m.scenario.add.clone(),
        };
        let (net, rep) = crate::cli::network(&inputs, &sc, kind)?;
        let m = par::travel_time_matrix(&net, None);
        let cores = regionlink::measures::reach::core_times(&net, region, &inputs.study);
        Ok(Year {
            year: y,
            links: rep.links_in_service,
            watt: regionlink::measures::access::watt(&m, &mass),
            cores: cores
                .iter()
                .map(|c| c.times.iter().map(|t| t.map(|t| t.0)).collect())
                .collect(),
        })
    });
    let years: Vec<Year> = results.into_iter().collect::<Result<_>>()?;
    let cores = &inputs.study.cores;
    let keys: Vec<String> = cores
        .iter()
        .map(regionlink::load::Study::core_key)
        .collect();
    let core_units: Vec<Vec<UnitId>> = cores
        .iter()
        .map(|c| {
            c.codes
                .iter()
                .flat_map(|code| regionlink::load::members_of(region, code))
                .collect()
        })
        .collect();

    // per unit and year
    let mut long = Table::new(&[
        ("year", 0),
        ("code", 0),
        ("name", 0),
        ("name_zh", 0),
        ("watt_min", 2),
    ]);
    for k in &keys {
        long.column(format!("t_{k}_min"), 2);
    }
    // region-wide per year
    let tcc = match keys.as_slice() {
        [a, b, ..] => format!("t_{a}_{b}_min"),
        _ => "t_cores_min".into(),
    };
    let mut summary = Table::new(&[
        ("year", 0),
        ("links_in_service", 0),
        (&tcc, 2),
        ("watt_mean_min", 2),
        ("watt_cv", 4),
        ("units_with_watt", 0),
    ]);
    for y in &years {
        for (i, u) in region.units.iter().enumerate() {
            let mut row: Vec<Cell> = vec![
                Cell::Int(Some(i64::from(y.year))),
                u.code.clone().into(),
                u.name.clone().into(),
                u.name_zh.clone().unwrap_or_default().into(),
                y.watt[i].into(),
            ];
            for c in &y.cores {
                row.push(c[i].into());
            }
            long.push(row);
        }
        let t_cc = match (y.cores.first(), core_units.get(1)) {
            (Some(a), Some(b)) => b.iter().filter_map(|u| a[u.index()]).min_by(f64::total_cmp),
            _ => None,
        };
        let w: Vec<f64> = y.watt.iter().flatten().copied().collect();
        let mean = (!w.is_empty()).then(|| w.iter().sum::<f64>() / w.len() as f64);
        summary.push(vec![
            Cell::Int(Some(i64::from(y.year))),
            y.links.into(),
            t_cc.into(),
            mean.into(),
            cv(&w).into(),
            w.len().into(),
        ]);
    }
    let mut files = Vec::new();
    let mut b = Vec::new();
    long.write_csv(&mut b)?;
    files.push(OutFile {
        name: "timeline.csv".into(),
        bytes: b,
    });
    let mut b = Vec::new();
    summary.write_csv(&mut b)?;
    files.push(OutFile {
        name: "timeline_summary.csv".into(),
        bytes: b,
    });
    let tc = column_values(&summary, &tcc);
    let cvs = column_values(&summary, "watt_cv");
    let label = match cores.as_slice() {
        [a, b, ..] => format!("{}–{} time (min)", a.name, b.name),
        _ => "core-to-core time (min)".into(),
    };
    files.push(OutFile {
        name: "timeline.svg".into(),
        bytes: svg_chart(
            &years.iter().map(|y| y.year).collect::<Vec<_>>(),
            &tc,
            &label,
            &cvs,
            "CV of WATT",
        )
        .into_bytes(),
    });
    let mut md = format!(
        "## Timeline {}–{}: time–space convergence\n\nEach year's network holds the links in service that year (open links by opening year, planned ones by planned year; links without a year count as open throughout; generated roads are always there). WATT mass: {}.\n\n",
        cmd.from,
        cmd.to,
        cmd.m.mass.unwrap_or(inputs.study.measures.mass).describe()
    );
    let mut p = Vec::new();
    summary.print(&mut p)?;
    md.push_str("```text\n");
    md.push_str(&String::from_utf8_lossy(&p));
    md.push_str("```\n\n![timeline](timeline.svg)\n");
    files.push(OutFile {
        name: "timeline.md".into(),
        bytes: md.clone().into_bytes(),
    });
    writeln!(out, "{md}")?;
    write_files(
        &files,
        &[],
        &cmd.out,
        &crate::cli::input_paths(&cmd.m.input, Some(&cmd.m.scenario)),
        out,
    )
}

/// A small two-series line chart (left axis: `a`, right axis: `b`) as SVG.
pub fn svg_chart(
    x: &[i32],
    a: &[Option<f64>],
    a_label: &str,
    b: &[Option<f64>],
    b_label: &str,
) -> String {
    let (w, h, l, r, t, bm) = (720.0, 360.0, 70.0, 70.0, 30.0, 50.0);
    let range = |v: &[Option<f64>]| {
        let vals: Vec<f64> = v.iter().flatten().copied().collect();
        let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if vals.is_empty() {
            (0.0, 1.0)
        } else if hi > lo {
            (lo - (hi - lo) * 0.05, hi + (hi - lo) * 0.05)
        } else {
            (lo - 1.0, hi + 1.0)
        }
    };
    let (x0, x1) = (
        f64::from(*x.first().unwrap_or(&0)),
        f64::from(*x.last().unwrap_or(&1)).max(f64::from(*x.first().unwrap_or(&0)) + 1.0),
    );
    let px = |xv: i32| l + (f64::from(xv) - x0) / (x1 - x0) * (w - l - r);
    let series = |v: &[Option<f64>], (lo, hi): (f64, f64), colour: &str| {
        let mut d = String::new();
        let mut pen = false;
        for (xv, yv) in x.iter().zip(v) {
            match yv {
                Some(y) => {
                    let py = t + (1.0 - (y - lo) / (hi - lo)) * (h - t - bm);
                    d.push_str(&format!(
                        "{}{:.1},{:.1} ",
                        if pen { "L" } else { "M" },
                        px(*xv),
                        py
                    ));
                    pen = true;
                }
                None => pen = false,
            }
        }
        format!(
            "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>\n",
            d.trim_end()
        )
    };
    let (ra, rb) = (range(a), range(b));
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n"
    );
    s.push_str(&format!(
        "<line x1=\"{l}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"black\"/>\n",
        h - bm,
        w - r,
        h - bm
    ));
    s.push_str(&format!("<line x1=\"{l}\" y1=\"{t}\" x2=\"{l}\" y2=\"{}\" stroke=\"#1f77b4\"/>\n<line x1=\"{}\" y1=\"{t}\" x2=\"{}\" y2=\"{}\" stroke=\"#d62728\"/>\n", h - bm, w - r, w - r, h - bm));
    for k in 0..=4 {
        let f = f64::from(k) / 4.0;
        let py = t + (1.0 - f) * (h - t - bm);
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1f77b4\">{:.0}</text>\n",
            l - 6.0,
            py + 4.0,
            ra.0 + f * (ra.1 - ra.0)
        ));
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" fill=\"#d62728\">{:.3}</text>\n",
            w - r + 6.0,
            py + 4.0,
            rb.0 + f * (rb.1 - rb.0)
        ));
    }
    let every = (x.len() / 10).max(1);
    for (k, xv) in x.iter().enumerate().filter(|(k, _)| k % every == 0) {
        let _ = k;
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{xv}</text>\n",
            px(*xv),
            h - bm + 18.0
        ));
    }
    s.push_str(&series(a, ra, "#1f77b4"));
    s.push_str(&series(b, rb, "#d62728"));
    s.push_str(&format!("<text x=\"{l}\" y=\"18\" fill=\"#1f77b4\">{}</text>\n<text x=\"{}\" y=\"18\" text-anchor=\"end\" fill=\"#d62728\">{}</text>\n</svg>\n", xml(a_label), w - r, xml(b_label)));
    s
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
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

/// Run `regionlink resilience`.
pub fn run_resilience(cmd: &ResilienceCmd, out: &mut dyn Write) -> Result<()> {
    let an = Analysis::compute(&cmd.m)?;
    let region = &an.inputs.region;
    let net = &an.net;
    let mass = an.mass.values(region)?;
    let pop: Vec<f64> = region.units.iter().map(|u| u.population_10k).collect();
    let cores: Vec<Vec<UnitId>> = an.cores.iter().map(|c| c.units.clone()).collect();
    let band = an.bands.last().copied().unwrap_or(180.0);
    let setting = Setting {
        mass: &mass,
        pop: &pop,
        cores: &cores,
        band,
    };
    // Curated links only: generated roads stand for the whole ordinary road mesh.
    let candidates: Vec<LinkId> = net
        .links()
        .iter()
        .filter(|l| !l.generated)
        .map(|l| l.id)
        .collect();
    let mut sets: Vec<Vec<LinkId>> = vec![vec![]];
    sets.extend(candidates.iter().map(|&l| vec![l]));
    let figs = par::failures(net, &setting, &sets);
    let base = figs[0];
    let mut ranked: Vec<(
        LinkId,
        regionlink::measures::resilience::Figures,
        regionlink::measures::resilience::Damage,
    )> = candidates
        .iter()
        .zip(&figs[1..])
        .map(|(&l, f)| (l, *f, damage(&base, f)))
        .collect();
    ranked.sort_by(|a, b| worse_first(&a.2, &b.2).then(a.0.cmp(&b.0)));

    let mut t = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("rank", 0),
        ("link_id", 0),
        ("mode", 0),
        ("from_code", 0),
        ("to_code", 0),
        ("minutes", 1),
        ("d_watt_pop_min", 3),
        ("d_t_cores_min", 2),
        ("cores_cut_apart", 0),
        ("d_units_beyond", 0),
        ("units_cut_off", 0),
        ("watt_pop_min", 3),
        ("t_cores_min", 2),
        ("units_beyond", 0),
    ]);
    let mut geoms = Vec::new();
    for (k, (l, f, d)) in ranked.iter().enumerate() {
        let link = net.link(*l);
        let (a, b) = (region.unit(link.from), region.unit(link.to));
        t.push(vec![
            link.line_name
                .clone()
                .unwrap_or_else(|| link.link_id.clone())
                .into(),
            link.line_name_zh.clone().unwrap_or_default().into(),
            (k + 1).into(),
            link.link_id.clone().into(),
            link.mode.as_str().into(),
            a.code.clone().into(),
            b.code.clone().into(),
            link.minutes.0.into(),
            Cell::Num(d.d_watt_pop_min.is_finite().then_some(d.d_watt_pop_min)),
            Cell::Num(d.d_t_cores_min.is_finite().then_some(d.d_t_cores_min)),
            (d.d_t_cores_min == f64::INFINITY).into(),
            Cell::Int(Some(d.d_units_beyond)),
            Cell::Int(Some(d.d_units_cut_off)),
            f.watt_pop_min.into(),
            f.t_cores_min.into(),
            f.units_beyond_band.into(),
        ]);
        geoms.push(Geom::Line(geo::LineString::from(vec![a.seat.0, b.seat.0])));
    }
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    let v = column_values(&t, "d_watt_pop_min");
    add_layer(
        &mut files,
        &mut skipped,
        "links_criticality",
        &t,
        geoms,
        qml::graduated(
            GeomKind::Line,
            "d_watt_pop_min",
            &v,
            false,
            "link_id",
            "min",
        ),
    )?;
    let mut b = Vec::new();
    t.write_csv(&mut b)?;
    files.push(OutFile {
        name: "links_criticality.csv".into(),
        bytes: b,
    });

    let mut md = format!(
        "## Link-failure resilience\n\n{} network, {}. Intact: population-weighted WATT {} min, core-to-core {} min, {} units beyond {band} min of every core. Each of the {} curated links removed in turn (generated road links stand for the whole road mesh and are not failed); ranked by units cut off, then Δ population-weighted WATT, then Δ core-to-core time.\n\n",
        an.network.as_str(),
        an.scenario,
        fmt(base.watt_pop_min),
        fmt(base.t_cores_min),
        base.units_beyond_band,
        candidates.len()
    );
    md.push_str("| rank | link | mode | from → to | Δ WATT_pop (min) | Δ core-to-core (min) | Δ units beyond | units cut off |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (k, (l, _, d)) in ranked.iter().take(15).enumerate() {
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
            region.unit(link.from).label_zh(),
            region.unit(link.to).label_zh(),
            d.d_watt_pop_min,
            d.d_units_beyond,
            d.d_units_cut_off
        ));
    }
    if cmd.samples > 0 {
        let sets: Vec<Vec<LinkId>> = (0..cmd.samples)
            .map(|s| sample_failures(&candidates, cmd.k, cmd.seed, s))
            .collect();
        let figs = par::failures(net, &setting, &sets);
        let dmg: Vec<_> = figs.iter().map(|f| damage(&base, f)).collect();
        let dist = [
            (
                "d_watt_pop_min",
                distribution(&dmg.iter().map(|d| d.d_watt_pop_min).collect::<Vec<_>>()),
            ),
            (
                "d_t_cores_min",
                distribution(&dmg.iter().map(|d| d.d_t_cores_min).collect::<Vec<_>>()),
            ),
            (
                "d_units_beyond",
                distribution(
                    &dmg.iter()
                        .map(|d| d.d_units_beyond as f64)
                        .collect::<Vec<_>>(),
                ),
            ),
            (
                "units_cut_off",
                distribution(
                    &dmg.iter()
                        .map(|d| d.d_units_cut_off as f64)
                        .collect::<Vec<_>>(),
                ),
            ),
        ];
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
        for (n, d) in &dist {
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
        for (s, (set, d)) in sets.iter().zip(&dmg).enumerate() {
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
        let mut b = Vec::new();
        samples.write_csv(&mut b)?;
        files.push(OutFile {
            name: "resilience_montecarlo.csv".into(),
            bytes: b,
        });
        let mut b = Vec::new();
        st.write_csv(&mut b)?;
        files.push(OutFile {
            name: "resilience_montecarlo_summary.csv".into(),
            bytes: b,
        });
        md.push_str(&format!("\n### Monte Carlo: {} samples of {} simultaneous failures (seed {})\n\nUndefined = the cores cut apart.\n\n```text\n", cmd.samples, cmd.k, cmd.seed));
        let mut p = Vec::new();
        st.print(&mut p)?;
        md.push_str(&String::from_utf8_lossy(&p));
        md.push_str("```\n");
    }
    files.push(OutFile {
        name: "resilience.md".into(),
        bytes: md.clone().into_bytes(),
    });
    writeln!(out, "{md}")?;
    write_files(
        &files,
        &skipped,
        &cmd.out,
        &crate::cli::input_paths(&cmd.m.input, Some(&cmd.m.scenario)),
        out,
    )
}
