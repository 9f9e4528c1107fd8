//! `regionlink run`: the whole study into a directory of QGIS layers, tables and a report.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde_json::{Value, json};

use crate::cli::analysis::{Analysis, MeasureArgs};
use crate::cli::structure::{GravityArgs, Structural, all_unit_measures};
use regionlink::export::geojson::{Geom, Layer, to_geojson};
use regionlink::export::isochrone::{dissolve, finish_for_geojson};
use regionlink::export::qml::{self, GeomKind};
use regionlink::export::table::{Cell, Table};
use regionlink::measures::equity::{Better, EquityInput, GroupBy, equity, group_labels};
use regionlink::measures::par::time_parts;
use regionlink::measures::reach::{Totals, overlap, reach};
use regionlink::model::UnitId;

/// `regionlink run` arguments.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Measure options.
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Gravity options.
    #[command(flatten)]
    pub g: GravityArgs,
    /// Output directory (created if missing; files the run does not write are left alone).
    #[arg(long, value_name = "DIR", default_value = "regionlink-out")]
    pub out: PathBuf,
}

/// One output file, fully built in memory before anything is written.
pub struct OutFile {
    /// File name inside the output directory.
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// Run the whole study.
pub fn run(a: &RunArgs, quiet: bool, out: &mut dyn Write) -> Result<()> {
    let pb = crate::cli::progress::Bar::new(quiet, 6);
    pb.set_message("loading, building the network, travel times");
    let an = Analysis::compute(&a.m)?;
    pb.inc(1);
    pb.set_message("linkage and centrality");
    let st = Structural::compute(&an, &a.g)?;
    let flow = st.weighted_link_betweenness(&an)?;
    pb.inc(1);
    pb.set_message("layers");
    let region = &an.inputs.region;
    let mut files: Vec<OutFile> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();

    // --- units and seats
    let measures = all_unit_measures(&an, &st);
    let units_table = with_attributes(&an, &measures);
    let polygons = region.has_polygons();
    let main_field = "watt_min";
    let main_values = column_values(&units_table, main_field);
    if polygons {
        let geoms = region
            .units
            .iter()
            .map(|u| Geom::Polygon(u.geometry.clone().expect("has_polygons checked")))
            .collect();
        add_layer(
            &mut files,
            &mut skipped,
            "units",
            &units_table,
            geoms,
            qml::graduated(
                GeomKind::Polygon,
                main_field,
                &main_values,
                true,
                "name",
                "min",
            ),
        )?;
    } else {
        skipped.push(
            "units.geojson: the units layer has no polygons (the seats layer has every measure)"
                .into(),
        );
    }
    let seat_geoms = region.units.iter().map(|u| Geom::Point(u.seat)).collect();
    add_layer(
        &mut files,
        &mut skipped,
        "seats",
        &units_table,
        seat_geoms,
        qml::graduated(
            GeomKind::Point,
            main_field,
            &main_values,
            true,
            "name",
            "min",
        ),
    )?;

    // --- links
    let (links_table, link_geoms) = links_layer(&an, &st, &flow);
    let betw = column_values(&links_table, "betweenness_paths");
    add_layer(
        &mut files,
        &mut skipped,
        "links",
        &links_table,
        link_geoms,
        qml::graduated(
            GeomKind::Line,
            "betweenness_paths",
            &betw,
            false,
            "link_id",
            "paths",
        ),
    )?;
    pb.inc(1);

    // --- isochrones
    pb.set_message("isochrones");
    if polygons {
        let mut t = Table::new(&[
            ("name", 0),
            ("name_zh", 0),
            ("core", 0),
            ("band_min", 0),
            ("units", 0),
            ("pop_10k", 2),
            ("pop_share_pct", 2),
        ]);
        let mut geoms = Vec::new();
        let all = Totals::of(region, region.units.iter().map(|u| u.id));
        let mut cats = Vec::new();
        for c in &an.cores {
            let zh = an
                .inputs
                .study
                .cores
                .iter()
                .find(|d| d.name == c.name)
                .and_then(|d| d.name_zh.clone())
                .unwrap_or_else(|| c.name.clone());
            for &b in &an.bands {
                let r = reach(region, c, b);
                if r.units.is_empty() {
                    continue;
                }
                let polys: Vec<&geo::MultiPolygon<f64>> = r
                    .units
                    .iter()
                    .filter_map(|u| region.unit(*u).geometry.as_ref())
                    .collect();
                let mp = finish_for_geojson(dissolve(&polys)?, 6)?;
                let (ps, _, _) = r.totals.shares(&all);
                let label = format!("{} ≤ {} min", c.name, b);
                t.push(vec![
                    label.clone().into(),
                    format!("{zh} {b} 分钟").into(),
                    c.name.clone().into(),
                    b.into(),
                    r.totals.units.into(),
                    r.totals.pop_10k.into(),
                    Cell::Num(ps.map(|p| p * 100.0)),
                ]);
                geoms.push(Geom::Polygon(mp));
                cats.push((format!("{b}"), format!("≤ {b} min")));
            }
        }
        cats.sort();
        cats.dedup();
        let style = qml::categorized(GeomKind::Polygon, "band_min", &cats, Some("name"));
        add_layer(&mut files, &mut skipped, "isochrones", &t, geoms, style)?;
    } else {
        skipped.push("isochrones.geojson: the units layer has no polygons".into());
    }
    pb.inc(1);

    // --- corridor
    if let (Some(c), true) = (&an.corridor, polygons) {
        let mut t = an.unit_table(&[
            ("corridor_rank", 0),
            ("corridor_pos", 3),
            ("detour_ratio", 3),
            ("t_from_core_a_min", 1),
            ("t_to_core_b_min", 1),
            ("pop_2020_10k", 2),
        ]);
        let mut geoms = Vec::new();
        for (k, u) in c.units.iter().enumerate() {
            let i = u.unit.index();
            let mut row = an.unit_cells(i);
            row.extend([
                (k + 1).into(),
                u.position.into(),
                u.detour.into(),
                u.t_from_a.into(),
                u.t_to_b.into(),
                region.units[i].population_10k.into(),
            ]);
            t.push(row);
            geoms.push(Geom::Polygon(
                region.units[i].geometry.clone().expect("has_polygons"),
            ));
        }
        let v = column_values(&t, "corridor_pos");
        add_layer(
            &mut files,
            &mut skipped,
            "corridor",
            &t,
            geoms,
            qml::graduated(GeomKind::Polygon, "corridor_pos", &v, false, "name", ""),
        )?;
    } else if an.corridor.is_none() {
        skipped.push("corridor.geojson: the study has fewer than two cores".into());
    } else {
        skipped.push(
            "corridor.geojson: the units layer has no polygons (see measures.csv: in_corridor)"
                .into(),
        );
    }

    // --- linkage desire lines
    let strongest = st.gravity.strongest(a.g.top);
    let mut lt = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("rank", 0),
        ("from_code", 0),
        ("to_code", 0),
        ("r", 4),
        ("class", 0),
    ]);
    let mut lg = Vec::new();
    for (k, l) in strongest.iter().enumerate() {
        let (f, t) = (region.unit(l.from), region.unit(l.to));
        lt.push(vec![
            format!("{} – {}", f.name, t.name).into(),
            format!("{}—{}", f.label_zh(), t.label_zh()).into(),
            (k + 1).into(),
            f.code.clone().into(),
            t.code.clone().into(),
            l.r.into(),
            l.class.as_str().into(),
        ]);
        lg.push(Geom::Line(geo::LineString::from(vec![f.seat.0, t.seat.0])));
    }
    let rv = column_values(&lt, "r");
    add_layer(
        &mut files,
        &mut skipped,
        "linkage",
        &lt,
        lg,
        qml::graduated(GeomKind::Line, "r", &rv, false, "name", ""),
    )?;
    pb.inc(1);

    // --- tables
    pb.set_message("tables and report");
    let parts = match an.network {
        regionlink::network::NetworkKind::Composite => None,
        _ => Some(time_parts(&an.net, None)),
    };
    let codes: Vec<&str> = region.units.iter().map(|u| u.code.as_str()).collect();
    let mut od = Vec::new();
    crate::cli::matrix::write_csv(&mut od, an.matrix()?, parts.as_deref(), &codes, false)?;
    files.push(OutFile {
        name: "od_matrix.csv".into(),
        bytes: od,
    });
    let mut mc = Vec::new();
    units_table.write_csv(&mut mc)?;
    files.push(OutFile {
        name: "measures.csv".into(),
        bytes: mc,
    });

    // --- report
    let (md, js) = report(&an, &st, &skipped, parts.as_deref())?;
    files.push(OutFile {
        name: "report.md".into(),
        bytes: md.into_bytes(),
    });
    files.push(OutFile {
        name: "report.json".into(),
        bytes: (serde_json::to_string_pretty(&js)? + "\n").into_bytes(),
    });
    pb.inc(1);

    // --- write, only now that everything is built
    pb.finish();
    write_files(
        &files,
        &skipped,
        &a.out,
        &crate::cli::input_paths(&a.m.input, Some(&a.m.scenario)),
        out,
    )?;
    writeln!(
        out,
        "open the .geojson files in QGIS (their .qml styles load with them); read report.md"
    )?;
    Ok(())
}

/// Write every file into `dir` (temporary file + rename each) and list them on `out`.
pub fn write_files(
    files: &[OutFile],
    skipped: &[String],
    dir: &std::path::Path,
    inputs: &[PathBuf],
    out: &mut dyn Write,
) -> Result<()> {
    // Refuse before writing anything.
    for f in files {
        crate::cli::output::refuse_inputs(&dir.join(&f.name), inputs)?;
    }
    for f in files {
        crate::cli::output::write_atomic(&dir.join(&f.name), inputs, |w| w.write_all(&f.bytes))?;
    }
    writeln!(out, "wrote {} files to {}:", files.len(), dir.display())?;
    for f in files {
        writeln!(out, "  {}", f.name)?;
    }
    for s in skipped {
        writeln!(out, "  not written: {s}")?;
    }
    Ok(())
}

/// Serialise a layer and its style into `files` (or note in `skipped` why it is empty).
pub fn add_layer(
    files: &mut Vec<OutFile>,
    skipped: &mut Vec<String>,
    name: &str,
    table: &Table,
    geoms: Vec<Geom>,
    style: String,
) -> Result<()> {
    match to_geojson(&Layer { table, geoms })? {
        Some(bytes) => {
            files.push(OutFile {
                name: format!("{name}.geojson"),
                bytes,
            });
            files.push(OutFile {
                name: format!("{name}.qml"),
                bytes: style.into_bytes(),
            });
        }
        None => skipped.push(format!("{name}.geojson: no features")),
    }
    Ok(())
}

/// The numbers of one column (`None` for missing or non-numeric cells).
pub fn column_values(t: &Table, name: &str) -> Vec<Option<f64>> {
    let Some(c) = t.columns.iter().position(|c| c.name == name) else {
        return vec![None; t.rows.len()];
    };
    t.rows
        .iter()
        .map(|r| match &r[c] {
            Cell::Num(x) => *x,
            Cell::Int(x) => x.map(|i| i as f64),
            Cell::Text(_) => None,
        })
        .collect()
}

/// The per-unit measures with the unit's attributes inserted after its names.
fn with_attributes(an: &Analysis, m: &Table) -> Table {
    let mut t = Table::new(&[
        ("code", 0),
        ("name", 0),
        ("name_zh", 0),
        ("province", 0),
        ("region", 0),
        ("region_zh", 0),
        ("role", 0),
        ("area_km2", 1),
        ("gdp_100m_cny", 2),
        ("gdp_year", 0),
    ]);
    for c in m.columns.iter().skip(3) {
        t.columns.push(c.clone());
    }
    for (i, row) in m.rows.iter().enumerate() {
        let u = &an.inputs.region.units[i];
        let s = |x: &Option<String>| Cell::Text(x.clone().unwrap_or_default());
        let mut r = row[..3].to_vec();
        r.extend([
            s(&u.province),
            s(&u.region),
            s(&u.region_zh),
            u.role.as_str().into(),
            u.area_km2.into(),
            Cell::Num(u.gdp_100m_cny),
            Cell::Int(u.gdp_year.map(i64::from)),
        ]);
        r.extend(row[3..].iter().cloned());
        t.push(r);
    }
    t
}

fn links_layer(an: &Analysis, st: &Structural, flow: &[f64]) -> (Table, Vec<Geom>) {
    let region = &an.inputs.region;
    let mut t = Table::new(&[
        ("name", 0),
        ("name_zh", 0),
        ("link_id", 0),
        ("from_code", 0),
        ("to_code", 0),
        ("mode", 0),
        ("status", 0),
        ("opening_year", 0),
        ("minutes", 1),
        ("time_source", 0),
        ("time_estimate", 0),
        ("generated", 0),
        ("length_km", 1),
        ("betweenness_paths", 1),
        ("flow_gravity", 4),
    ]);
    let mut geoms = Vec::new();
    for (i, l) in an.net.links().iter().enumerate() {
        let (f, to) = (region.unit(l.from), region.unit(l.to));
        t.push(vec![
            l.line_name
                .clone()
                .unwrap_or_else(|| l.link_id.clone())
                .into(),
            l.line_name_zh.clone().unwrap_or_default().into(),
            l.link_id.clone().into(),
            f.code.clone().into(),
            to.code.clone().into(),
            l.mode.as_str().into(),
            l.status.as_str().into(),
            Cell::Int(l.opening_year.map(i64::from)),
            l.minutes.0.into(),
            l.time_source.clone().into(),
            l.estimate.into(),
            l.generated.into(),
            Cell::Num(l.length_km),
            st.centrality.link_betweenness[i].into(),
            flow[i].into(),
        ]);
        geoms.push(Geom::Line(geo::LineString::from(vec![f.seat.0, to.seat.0])));
    }
    (t, geoms)
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn f1(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{x:.1}"))
}

/// report.md and report.json: the same figures for people and for machines.
fn report(
    an: &Analysis,
    st: &Structural,
    skipped: &[String],
    parts: Option<&[Vec<Option<regionlink::route::TimeParts>>]>,
) -> Result<(String, Value)> {
    let region = &an.inputs.region;
    let study = &an.inputs.study;
    let all = Totals::of(region, region.units.iter().map(|u| u.id));
    let mut md = String::new();
    let mut w = |s: String| {
        md.push_str(&s);
        md.push('\n');
    };
    w(format!("# {} — regionlink report", study.name));
    w(String::new());
    w(format!(
        "{} units from `{}`, links from `{}`, study `{}`; the **{}** network with {}. Times in minutes, population in 10⁴ people, GDP in 10⁸ yuan.",
        region.len(),
        region.source,
        an.inputs.links_file,
        an.inputs.study_file,
        an.network.as_str(),
        an.scenario
    ));
    w(String::new());
    w("## Headline figures".into());
    w(String::new());
    let mut js_head = serde_json::Map::new();
    w(format!(
        "- Population {:.1} (10⁴ people); GDP {:.0} (10⁸ yuan) for {} of {} units (years differ).",
        all.pop_10k,
        all.gdp_100m_cny,
        all.units - all.gdp_missing,
        all.units
    ));
    js_head.insert("unit_count".into(), json!(region.len()));
    js_head.insert("population_10k_total".into(), json!(round(all.pop_10k, 4)));
    if let (Some(c), [ca, cb, ..]) = (&an.corridor, an.cores.as_slice()) {
        w(format!(
            "- {} ↔ {}: **{:.1} min** seat to seat (station access and egress included).",
            ca.name, cb.name, c.t_ab
        ));
        js_head.insert("t_core_to_core_min".into(), json!(round(c.t_ab, 2)));
    }
    let mut reach_js = Vec::new();
    for c in &an.cores {
        let parts: Vec<String> = an
            .bands
            .iter()
            .map(|&b| {
                let r = reach(region, c, b);
                let (ps, _, _) = r.totals.shares(&all);
                reach_js.push(json!({"core": c.name, "band_min": b, "units": r.totals.units, "pop_10k": round(r.totals.pop_10k, 3), "pop_share": ps.map(|p| round(p, 5))}));
                format!("{} units / {:.1} % of the population within {b} min", r.totals.units, ps.unwrap_or(0.0) * 100.0)
            })
            .collect();
        w(format!("- Reach of {}: {}.", c.name, parts.join("; ")));
    }
    let mut overlap_js = Vec::new();
    if let [ca, cb, ..] = an.cores.as_slice() {
        for &b in &an.bands {
            let o = overlap(region, ca, cb, b);
            overlap_js.push(json!({"band_min": b, "units_both": o.both.len(), "pop_both_10k": round(o.both_totals.pop_10k, 3), "jaccard": o.jaccard.map(|j| round(j, 5)), "units_neither": o.neither.len()}));
        }
        let last = an.bands.last().copied().unwrap_or_default();
        let o = overlap(region, ca, cb, last);
        let names: Vec<&str> = o
            .neither
            .iter()
            .map(|u| region.unit(*u).label_zh())
            .collect();
        w(format!(
            "- Within {last} min, {} units are reached from both cores (Jaccard {:.2}); {} from neither: {}.",
            o.both.len(),
            o.jaccard.unwrap_or(0.0),
            o.neither.len(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ));
    }
    let watts: Vec<f64> = an.watt.iter().flatten().copied().collect();
    w(format!(
        "- Weighted average travel time (mass: {}): mean {} min over {} units.",
        an.mass.describe(),
        f1(mean(&watts)),
        watts.len()
    ));
    if let Some(c) = &an.corridor {
        let (ps, gs, _) = regionlink::measures::corridor::shares(region, c);
        w(format!(
            "- Corridor (ε = {}): {} units, {:.1} % of the population, {} of the GDP.",
            c.epsilon,
            c.units.len(),
            ps * 100.0,
            gs.map_or("–".into(), |g| format!("{:.1} %", g * 100.0))
        ));
        js_head.insert("corridor".into(), json!({"epsilon": c.epsilon, "units": c.units.iter().map(|u| &region.unit(u.unit).code).collect::<Vec<_>>(), "pop_share": round(ps, 5), "gdp_share": gs.map(|g| round(g, 5))}));
    }
    js_head.insert("reach".into(), json!(reach_js));
    js_head.insert("overlap".into(), json!(overlap_js));
    js_head.insert(
        "watt_mean_min".into(),
        json!(mean(&watts).map(|m| round(m, 3))),
    );

    // equity of WATT by region
    let weights: Vec<f64> = region.units.iter().map(|u| u.population_10k).collect();
    let groups = group_labels(region, GroupBy::Region);
    let eq = equity(&EquityInput {
        values: &an.watt,
        weights: &weights,
        groups: &groups,
        better: Better::Lower,
    })
    .ok();
    w(String::new());
    w("## By region".into());
    w(String::new());
    let core_cols: Vec<String> = an
        .cores
        .iter()
        .map(|c| format!("t_{}_min", c.key))
        .collect();
    let mut hdr = vec![
        "region".to_string(),
        "units".into(),
        "pop (10⁴)".into(),
        "mean WATT (min)".into(),
    ];
    hdr.extend(
        an.cores
            .iter()
            .map(|c| format!("mean time to {} (min)", c.name)),
    );
    w(format!("| {} |", hdr.join(" | ")));
    w(format!("|{}", " --- |".repeat(hdr.len())));
    let mut region_js = Vec::new();
    let mut names: Vec<String> = groups
        .iter()
        .map(|g| g.clone().unwrap_or_else(|| "(none)".into()))
        .collect();
    names.sort();
    names.dedup();
    for g in &names {
        let ids: Vec<usize> = (0..region.len())
            .filter(|&i| groups[i].clone().unwrap_or_else(|| "(none)".into()) == *g)
            .collect();
        let pop: f64 = ids.iter().map(|&i| region.units[i].population_10k).sum();
        let mw = mean(&ids.iter().filter_map(|&i| an.watt[i]).collect::<Vec<_>>());
        let core_means: Vec<Option<f64>> = an
            .cores
            .iter()
            .map(|c| {
                mean(
                    &ids.iter()
                        .filter_map(|&i| c.times[i].map(|t| t.0))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let mut cells = vec![
            g.clone(),
            ids.len().to_string(),
            format!("{pop:.1}"),
            f1(mw),
        ];
        cells.extend(core_means.iter().map(|m| f1(*m)));
        w(format!("| {} |", cells.join(" | ")));
        region_js.push(json!({"region": g, "units": ids.len(), "pop_10k": round(pop, 3), "watt_mean_min": mw.map(|m| round(m, 3)), "t_core_mean_min": core_cols.iter().zip(&core_means).map(|(k, m)| (k.clone(), json!(m.map(|m| round(m, 3))))).collect::<serde_json::Map<_, _>>()}));
    }
    let mut equity_js = Value::Null;
    if let Some(e) = &eq {
        w(String::new());
        w(format!(
            "Inequality of WATT across units: CV {:.3}, Gini {:.3} (population-weighted {:.3}), Theil T {:.5} = within regions {:.5} + between regions {:.5} ({:.0} % between).",
            e.cv,
            e.gini,
            e.gini_weighted,
            e.theil.total,
            e.theil.within,
            e.theil.between,
            if e.theil.total > 0.0 {
                e.theil.between / e.theil.total * 100.0
            } else {
                0.0
            }
        ));
        equity_js = json!({"measure": "watt_min", "cv": round(e.cv, 6), "gini": round(e.gini, 6), "gini_weighted": round(e.gini_weighted, 6), "theil_total": round(e.theil.total, 8), "theil_within": round(e.theil.within, 8), "theil_between": round(e.theil.between, 8),
            "lagging": e.lagging.iter().map(|l| json!({"code": region.unit(l.unit).code, "name": region.unit(l.unit).name, "watt_min": round(l.value, 3), "region": l.group})).collect::<Vec<_>>()});
        w(String::new());
        w("## Lagging units".into());
        w(String::new());
        w("The worst decile by WATT:".into());
        w(String::new());
        w("| code | unit | region | WATT (min) |".into());
        w("| --- | --- | --- | --- |".into());
        for l in &e.lagging {
            let u = region.unit(l.unit);
            w(format!(
                "| {} | {} | {} | {:.1} |",
                u.code,
                u.label_both(),
                l.group,
                l.value
            ));
        }
    }

    // corridor profile
    let mut corridor_js = Vec::new();
    if let (Some(c), [ca, cb, ..]) = (&an.corridor, an.cores.as_slice()) {
        w(String::new());
        w("## The corridor profile".into());
        w(String::new());
        w(format!(
            "Units with T({}→i) + T(i→{}) ≤ (1 + {})·{:.1} min, ordered along the axis:",
            ca.name, cb.name, c.epsilon, c.t_ab
        ));
        w(String::new());
        w("| position | unit | detour ratio | pop (10⁴) | WATT (min) |".into());
        w("| --- | --- | --- | --- | --- |".into());
        for u in &c.units {
            let x = region.unit(u.unit);
            w(format!(
                "| {:.3} | {} | {:.3} | {:.1} | {} |",
                u.position,
                x.label_both(),
                u.detour,
                x.population_10k,
                f1(an.watt[u.unit.index()])
            ));
            corridor_js.push(json!({"code": x.code, "position": round(u.position, 5), "detour_ratio": round(u.detour, 5)}));
        }
    }

    // strongest linkages
    w(String::new());
    w("## Strongest linkages".into());
    w(String::new());
    w(format!(
        "Gravity R = K·M_i·M_j / D^{} (M: {}, D: {} in {}):",
        st.gravity.params().b,
        an.mass.describe(),
        st.gravity.params().distance.as_str(),
        st.gravity.params().distance.unit()
    ));
    w(String::new());
    w("| rank | from | to | R | class |".into());
    w("| --- | --- | --- | --- | --- |".into());
    let mut link_js = Vec::new();
    for (k, l) in st.gravity.strongest(10).iter().enumerate() {
        let (f, t) = (region.unit(l.from), region.unit(l.to));
        w(format!(
            "| {} | {} | {} | {:.3} | {} |",
            k + 1,
            f.label_both(),
            t.label_both(),
            l.r,
            l.class.as_str()
        ));
        link_js.push(
            json!({"from": f.code, "to": t.code, "r": round(l.r, 6), "class": l.class.as_str()}),
        );
    }

    // caveats
    w(String::new());
    w("## Data caveats".into());
    w(String::new());
    let mut cav_js = serde_json::Map::new();
    if let Some(p) = parts {
        let (mut tt, mut es, mut pe) = (0.0, 0.0, 0.0);
        for row in p {
            for x in row.iter().flatten() {
                tt += x.timetable;
                es += x.estimate;
                pe += x.penalty;
            }
        }
        let tot = tt + es + pe;
        if tot > 0.0 {
            w(format!(
                "- Of all unit-to-unit minutes, {:.0} % are on links with timetable times, {:.0} % on links with estimated times (length ÷ assumed speed, planning targets, generated roads) and {:.0} % are station access/egress assumptions (`od_matrix.csv` splits every pair).",
                tt / tot * 100.0,
                es / tot * 100.0,
                pe / tot * 100.0
            ));
            cav_js.insert("minutes_share".into(), json!({"timetable": round(tt / tot, 5), "estimate": round(es / tot, 5), "penalty": round(pe / tot, 5)}));
        }
    }
    let missing: Vec<String> = region
        .units
        .iter()
        .filter(|u| u.gdp_100m_cny.is_none())
        .map(|u| format!("{} ({})", u.name, u.code))
        .collect();
    let mut years: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for u in &region.units {
        if let (Some(_), Some(y)) = (u.gdp_100m_cny, u.gdp_year) {
            *years.entry(y).or_default() += 1;
        }
    }
    w(format!(
        "- GDP is missing for {} units{}; the figures present are of the years {}. GDP sums mix years.",
        missing.len(),
        if missing.is_empty() {
            String::new()
        } else {
            format!(": {}", missing.join(", "))
        },
        years
            .iter()
            .map(|(y, n)| format!("{y} ({n} units)"))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    cav_js.insert(
        "gdp_missing".into(),
        json!(
            region
                .units
                .iter()
                .filter(|u| u.gdp_100m_cny.is_none())
                .map(|u| &u.code)
                .collect::<Vec<_>>()
        ),
    );
    cav_js.insert(
        "gdp_years".into(),
        json!(
            years
                .iter()
                .map(|(y, n)| (y.to_string(), json!(n)))
                .collect::<serde_json::Map<_, _>>()
        ),
    );
    let interior = region
        .units
        .iter()
        .filter(|u| u.seat_source == regionlink::model::SeatSource::InteriorPoint)
        .count();
    if interior > 0 {
        w(format!(
            "- {interior} units have no seat in the data; their interior point stands in for it."
        ));
    }
    if region
        .source
        .starts_with(regionlink::load::dataset::EMBEDDED_PREFIX)
    {
        w("- The default data: most link times are estimates and the expressway corridors and conventional lines R17–R19 are unverified; 3 of the 59 seats are low-confidence points; see data/PROVENANCE.md.".into());
        w(String::new());
        w(format!(
            "Sources: {}",
            regionlink::load::dataset::ATTRIBUTION
        ));
    }
    for s in skipped {
        w(format!("- Not written: {s}"));
    }
    let js = json!({
        "study": study.name,
        "units_file": region.source,
        "links_file": an.inputs.links_file,
        "study_file": an.inputs.study_file,
        "network": an.network.as_str(),
        "scenario": an.scenario,
        "mass": an.mass.as_str(),
        "bands_min": an.bands,
        "headline": js_head,
        "regions": region_js,
        "equity_watt": equity_js,
        "corridor_profile": corridor_js,
        "strongest_linkages": link_js,
        "caveats": cav_js,
        "not_written": skipped,
        "unit_ids": (0..region.len()).map(|i| region.unit(UnitId(i as u32)).code.clone()).collect::<Vec<_>>(),
    });
    Ok((md, js))
}

fn round(x: f64, d: i32) -> f64 {
    let p = 10f64.powi(d);
    (x * p).round() / p
}
