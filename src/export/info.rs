//! What the inputs hold: units by province and region, GDP coverage, cores and roles, links
//! by mode and status, how links attach, the road graph, components and sources — as text for
//! people or one JSON object for scripts.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value, json};

use crate::export::report::round;
use crate::load::{Inputs, dataset};
use crate::model::{LinkStatus, Mode, Region};
use crate::network::{BuildReport, Network, components};

#[derive(Default)]
struct Group {
    units: usize,
    pop_10k: f64,
    gdp: f64,
    gdp_units: usize,
    years: BTreeMap<i32, usize>,
}

impl Group {
    fn add(&mut self, u: &crate::Unit) {
        self.units += 1;
        self.pop_10k += u.population_10k;
        if let Some(g) = u.gdp_100m_cny {
            self.gdp += g;
            self.gdp_units += 1;
            if let Some(y) = u.gdp_year {
                *self.years.entry(y).or_default() += 1;
            }
        }
    }

    fn years(&self) -> String {
        self.years
            .iter()
            .map(|(y, n)| format!("{y}×{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn json(&self) -> Value {
        json!({
            "unit_count": self.units,
            "population_10k": round(self.pop_10k, 4),
            "gdp_100m_cny_sum": if self.gdp_units > 0 { json!(round(self.gdp, 2)) } else { Value::Null },
            "gdp_unit_count": self.gdp_units,
            "gdp_years": self.years.iter().map(|(y, n)| (y.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
        })
    }
}

fn groups(region: &Region, key: impl Fn(&crate::Unit) -> String) -> BTreeMap<String, Group> {
    let mut m: BTreeMap<String, Group> = BTreeMap::new();
    for u in &region.units {
        m.entry(key(u)).or_default().add(u);
    }
    m
}

/// Every role name: `core`, the study's roles in file order, `other`.
fn role_names(inputs: &Inputs) -> Vec<&str> {
    let mut v = vec![crate::model::Role::CORE];
    v.extend(inputs.study.roles.names());
    v.push(crate::model::Role::OTHER);
    v
}

/// Describe the inputs and their combined network (`scenario` in words): as text, or as one
/// JSON object when `as_json`.
///
/// # Errors
/// Writing fails.
pub fn write(
    inputs: &Inputs,
    net: &Network,
    report: &BuildReport,
    scenario: &str,
    lang: crate::model::Lang,
    as_json: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let comps = components(net);
    let region = &inputs.region;
    let total = {
        let mut g = Group::default();
        region.units.iter().for_each(|u| g.add(u));
        g
    };
    let provinces = groups(region, |u| {
        u.province.clone().unwrap_or_else(|| "(none)".into())
    });
    let regions = groups(region, |u| {
        format!(
            "{} / {}",
            u.province.as_deref().unwrap_or("(none)"),
            u.region.as_deref().unwrap_or("(none)")
        )
    });
    let missing_gdp: Vec<&crate::Unit> = region
        .units
        .iter()
        .filter(|u| u.gdp_100m_cny.is_none())
        .collect();
    let mut by_mode_status: BTreeMap<(Mode, LinkStatus), usize> = BTreeMap::new();
    for l in &inputs.links {
        *by_mode_status.entry((l.mode, l.status)).or_default() += 1;
    }
    let cores: Vec<(String, Option<String>, Vec<&crate::Unit>)> = inputs
        .study
        .cores
        .iter()
        .map(|c| {
            let us = c
                .units(region)
                .into_iter()
                .map(|id| region.unit(id))
                .collect();
            (c.name.clone(), c.name_zh.clone(), us)
        })
        .collect();
    let embedded = region.source.starts_with(dataset::EMBEDDED_PREFIX)
        || inputs.links_file.starts_with(dataset::EMBEDDED_PREFIX);
    let b = region.bbox;
    let generated = net.links().iter().filter(|l| l.generated).count();

    if as_json {
        let v = json!({
            "study": inputs.study.name,
            "study_file": inputs.study_file,
            "units_file": region.source,
            "links_file": inputs.links_file,
            "unit_count": region.len(),
            "geometry": if region.has_polygons() { "polygons" } else { "points or mixed" },
            "population_10k_total": round(total.pop_10k, 4),
            "gdp_100m_cny_total": if total.gdp_units > 0 { json!(round(total.gdp, 2)) } else { Value::Null },
            "gdp_unit_count": total.gdp_units,
            "gdp_missing": missing_gdp.iter().map(|u| json!({"code": u.code, "name": u.name})).collect::<Vec<_>>(),
            "bbox": [round(b.min().x, 6), round(b.min().y, 6), round(b.max().x, 6), round(b.max().y, 6)],
            "provinces": provinces.iter().map(|(k, g)| (k.clone(), g.json())).collect::<serde_json::Map<_, _>>(),
            "regions": regions.iter().map(|(k, g)| (k.clone(), g.json())).collect::<serde_json::Map<_, _>>(),
            "cores": cores.iter().map(|(n, z, us)| json!({"name": n, "name_zh": z, "codes": us.iter().map(|u| &u.code).collect::<Vec<_>>()})).collect::<Vec<_>>(),
            "roles": role_names(inputs).iter().map(|r| (r.to_string(), json!(region.units.iter().filter(|u| u.role.as_str() == *r).map(|u| &u.code).collect::<Vec<_>>()))).collect::<serde_json::Map<_, _>>(),
            "link_count": inputs.links.len(),
            "links_by_mode_status": by_mode_status.iter().map(|((m, s), n)| json!({"mode": m.as_str(), "status": s.as_str(), "count": n})).collect::<Vec<_>>(),
            "scenario": scenario,
            "network": {
                "links_in_service": report.links_in_service,
                "link_ends_by_code": report.ends_by_code,
                "link_ends_by_location": report.ends_by_location.iter().map(|(l, c, u)| json!({"link_id": l, "code": c, "unit": u})).collect::<Vec<_>>(),
                "links_collapsed_within_one_unit": report.collapsed,
                "parallel_links": report.parallel.iter().map(|(f, s)| json!({"faster": f, "slower": s})).collect::<Vec<_>>(),
                "curated_links_by_mode": report.by_mode,
                "generated_road_links": generated,
                "node_count": net.node_count(),
                "arc_count": net.arc_count(),
                "components": comps.iter().map(|c| c.iter().map(|u| &region.unit(*u).code).collect::<Vec<_>>()).collect::<Vec<_>>(),
            },
            "roads": report.roads.as_ref().map(|r| json!({
                "source": r.source,
                "nodes_read": r.nodes_read,
                "edges_read": r.edges_read,
                "edges_without_car_access": r.edges_no_car,
                "strongly_connected_components": r.components,
                "nodes_kept": r.nodes_kept,
                "nodes_dropped": r.nodes_dropped,
                "arcs_kept": r.arcs_kept,
                "snap_warn_km": r.snap_warn_km,
                "connector_kmh": inputs.study.roads.connector_kmh,
                "snap_km_median_p95_max": r.snap_quantiles().map(|(a, b, c)| [round(a, 4), round(b, 4), round(c, 4)]),
                "snaps": r.snaps.iter().map(|s| json!({"code": region.unit(s.unit).code, "road_node_id": s.road_node_id, "km": round(s.km, 4), "connector_min": round(s.minutes, 3)})).collect::<Vec<_>>(),
            })),
            "warnings": region.warnings(),
            "attribution": if embedded { json!(dataset::ATTRIBUTION) } else { Value::Null },
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).expect("a JSON value serialises")
        )?;
        return Ok(());
    }

    writeln!(out, "{}", inputs.study.name)?;
    writeln!(out, "study: {}", inputs.study_file)?;
    writeln!(
        out,
        "units: {} — {} units ({}), bbox lon {:.4}…{:.4}, lat {:.4}…{:.4}",
        region.source,
        region.len(),
        if region.has_polygons() {
            "polygons"
        } else {
            "points or mixed"
        },
        b.min().x,
        b.max().x,
        b.min().y,
        b.max().y
    )?;
    writeln!(out)?;
    let table =
        |out: &mut dyn Write, title: &str, m: &BTreeMap<String, Group>| -> std::io::Result<()> {
            writeln!(
                out,
                "{:<78} {:>5} {:>12} {:>12} {:>7}  GDP years",
                title, "units", "pop (10⁴)", "GDP (10⁸ ¥)", "w/ GDP"
            )?;
            for (k, g) in m {
                writeln!(
                    out,
                    "{:<78} {:>5} {:>12.2} {:>12.2} {:>7}  {}",
                    k,
                    g.units,
                    g.pop_10k,
                    g.gdp,
                    format!("{}/{}", g.gdp_units, g.units),
                    g.years()
                )?;
            }
            Ok(())
        };
    table(out, "province", &provinces)?;
    writeln!(
        out,
        "{:<78} {:>5} {:>12.2} {:>12.2} {:>7}  {}",
        "total",
        total.units,
        total.pop_10k,
        total.gdp,
        format!("{}/{}", total.gdp_units, total.units),
        total.years()
    )?;
    writeln!(out)?;
    table(out, "province / region", &regions)?;
    writeln!(out)?;
    if missing_gdp.is_empty() {
        writeln!(
            out,
            "GDP: every unit has a figure ({}; see the table).",
            crate::export::gdp_years(region)
        )?;
    } else {
        let names: Vec<String> = missing_gdp
            .iter()
            .map(|u| format!("{} ({})", u.name, u.code))
            .collect();
        writeln!(
            out,
            "GDP missing for {} (measures that need GDP name them; use the population as the mass): {}",
            crate::export::n_units(missing_gdp.len()),
            names.join(", ")
        )?;
    }
    if crate::export::gdp_years(region) == "years differ" {
        writeln!(
            out,
            "GDP sums add figures of different years; compare within one year."
        )?;
    }
    writeln!(out)?;
    writeln!(out, "cores and roles:")?;
    for (n, z, us) in &cores {
        let names: Vec<String> = us
            .iter()
            .map(|u| format!("{} {}", u.code, lang.label(u)))
            .collect();
        writeln!(
            out,
            "  core {n}{}: {} — {}",
            z.as_ref().map(|z| format!(" ({z})")).unwrap_or_default(),
            crate::export::n_units(us.len()),
            names.join(", ")
        )?;
    }
    for r in inputs.study.roles.names() {
        let names: Vec<String> = region
            .units
            .iter()
            .filter(|u| u.role.as_str() == r)
            .map(|u| format!("{} {}", u.code, lang.label(u)))
            .collect();
        writeln!(
            out,
            "  {r}: {} — {}",
            crate::export::n_units(names.len()),
            names.join(", ")
        )?;
    }
    writeln!(
        out,
        "  other: {}",
        crate::export::n_units(region.units.iter().filter(|u| u.role.is_other()).count())
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "links: {} — {} links",
        inputs.links_file,
        inputs.links.len()
    )?;
    writeln!(
        out,
        "  {:<11} {:>6} {:>19} {:>8}",
        "mode", "open", "under_construction", "planned"
    )?;
    for m in Mode::ALL {
        let c = |s| by_mode_status.get(&(m, s)).copied().unwrap_or(0);
        writeln!(
            out,
            "  {:<11} {:>6} {:>19} {:>8}",
            m.as_str(),
            c(LinkStatus::Open),
            c(LinkStatus::UnderConstruction),
            c(LinkStatus::Planned)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "network ({scenario}, all modes):")?;
    writeln!(
        out,
        "  links in service: {}; link ends attached by code: {}, by location in a unit polygon: {}",
        report.links_in_service,
        report.ends_by_code,
        report.ends_by_location.len()
    )?;
    for (l, c, u) in report.ends_by_location.iter().take(12) {
        writeln!(out, "    {l}: code {c} located in unit {u}")?;
    }
    if report.ends_by_location.len() > 12 {
        writeln!(
            out,
            "    … and {} more (see --json)",
            report.ends_by_location.len() - 12
        )?;
    }
    if !report.collapsed.is_empty() {
        writeln!(
            out,
            "  links with both ends in one unit (not used): {}",
            report.collapsed.join(", ")
        )?;
    }
    if !report.parallel.is_empty() {
        let p: Vec<String> = report
            .parallel
            .iter()
            .map(|(f, s)| format!("{s} beside the faster {f}"))
            .collect();
        writeln!(
            out,
            "  parallel links of one mode between the same units (all kept; trips take the faster, a failure of one leaves the other): {}",
            p.join(", ")
        )?;
    }
    let bm: Vec<String> = report
        .by_mode
        .iter()
        .map(|(m, n)| format!("{m} {n}"))
        .collect();
    writeln!(
        out,
        "  curated links used: {}; generated road links (contiguity/nearest seats): {generated}",
        bm.join(", ")
    )?;
    writeln!(
        out,
        "  nodes: {} (units + stations{}), arcs: {}",
        net.node_count(),
        if report.roads.is_some() {
            " + road nodes"
        } else {
            ""
        },
        net.arc_count()
    )?;
    if let Some(r) = &report.roads {
        writeln!(
            out,
            "  road graph {}: {} nodes, {} edges cars may use ({} without car access skipped)",
            r.source, r.nodes_read, r.edges_read, r.edges_no_car
        )?;
        writeln!(
            out,
            "    largest strongly connected part kept: {} nodes, {} directed arcs; dropped {} nodes in {} smaller components",
            r.nodes_kept,
            r.arcs_kept,
            r.nodes_dropped,
            r.components.saturating_sub(1)
        )?;
        if let Some((med, p95, max)) = r.snap_quantiles() {
            writeln!(
                out,
                "    seats snapped to the nearest road node: median {med:.3} km, 95th percentile {p95:.3} km, max {max:.3} km (connector at {} km/h)",
                inputs.study.roads.connector_kmh
            )?;
        }
        let far: Vec<_> = r.far_snaps().collect();
        if far.is_empty() {
            writeln!(
                out,
                "    no seat is more than {} km from its road node",
                r.snap_warn_km
            )?;
        } else {
            writeln!(
                out,
                "    warning: {} seats more than {} km from their road node:",
                far.len(),
                r.snap_warn_km
            )?;
            for s in far.iter().take(12) {
                let u = region.unit(s.unit);
                writeln!(
                    out,
                    "      {} {}: {:.2} km to node {} ({:.1} min each way)",
                    u.code, u.name, s.km, s.road_node_id, s.minutes
                )?;
            }
            if far.len() > 12 {
                writeln!(out, "      … and {} more (see --json)", far.len() - 12)?;
            }
        }
    }
    if comps.len() == 1 {
        writeln!(out, "  connected: every unit reaches every other")?;
    } else {
        writeln!(
            out,
            "  {} connected components (sizes {}):",
            comps.len(),
            comps
                .iter()
                .map(|c| c.len().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
        for c in comps.iter().skip(1).take(10) {
            let n: Vec<String> = c
                .iter()
                .map(|u| format!("{} {}", region.unit(*u).code, region.unit(*u).name))
                .collect();
            writeln!(out, "    cut off: {}", n.join(", "))?;
        }
    }
    if !region.warnings().is_empty() {
        writeln!(out)?;
        writeln!(out, "warnings:")?;
        for w in region.warnings() {
            writeln!(out, "  {w}")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "data sources:")?;
    if embedded {
        writeln!(out, "  {}", dataset::ATTRIBUTION)?;
        writeln!(
            out,
            "  Figures marked estimate (most link times, generated road times, 3 of 59 seats) and missing GDP: see README, \"Data\"."
        )?;
    } else {
        writeln!(out, "  user-supplied files (see above)")?;
    }
    Ok(())
}
