//! The printed summaries of the measure commands: what `reach`, `access`, `corridor`,
//! `linkage`, `centrality` and `equity` tell a reader on a terminal, every number with its
//! unit.

use std::io::{Result, Write};

use crate::analysis::{Analysis, Linkage};
use crate::error::{Opt, OptionError};
use crate::export::table::{Cell, Table};
use crate::export::tables::{self, unit_cells};
use crate::measures::corridor::shares;
use crate::measures::equity::{Better, Equity, GroupBy};
use crate::measures::reach::{Totals, overlap, reach};
use crate::measures::structure::Threshold;
use crate::route::EngineKind;

fn pct(x: Option<f64>) -> Cell {
    Cell::Num(x.map(|x| x * 100.0))
}

fn header(a: &Analysis<'_>, out: &mut dyn Write, what: &str) -> Result<()> {
    writeln!(
        out,
        "{what} — {} network, {} time, {}; {} units of {}",
        a.options.network.as_str(),
        a.options.time.as_str(),
        a.scenario,
        a.inputs.region.len(),
        a.inputs.region.source
    )
}

/// The reach of each core per band (units, population, GDP, area and their shares), the units
/// reached, and the overlap of the first two cores.
///
/// # Errors
/// Writing fails.
pub fn reach_summary(a: &Analysis<'_>, out: &mut dyn Write) -> Result<()> {
    let region = &a.inputs.region;
    let bands = &a.options.bands;
    header(a, out, "Reach of the cores")?;
    writeln!(
        out,
        "population in 10⁴ people, GDP in 10⁸ yuan (sum over units with a figure; {}), area in km², shares in % of the region",
        crate::export::gdp_years(region)
    )?;
    writeln!(out)?;
    let all = Totals::of(region, region.units.iter().map(|u| u.id));
    let mut t = Table::new(&[
        ("core", 0),
        ("band_min", 0),
        ("units", 0),
        ("pop_10k", 1),
        ("pop_share_pct", 1),
        ("gdp_100m_cny", 0),
        ("gdp_missing_units", 0),
        ("gdp_share_pct", 1),
        ("area_km2", 0),
        ("area_share_pct", 1),
    ]);
    let mut lists = Vec::new();
    for c in &a.cores {
        for &b in bands {
            let r = reach(region, c, b);
            let (ps, gs, as_) = r.totals.shares(&all);
            t.push(vec![
                c.name.clone().into(),
                b.into(),
                r.totals.units.into(),
                r.totals.pop_10k.into(),
                pct(ps),
                r.totals.gdp_100m_cny.into(),
                r.totals.gdp_missing.into(),
                pct(gs),
                r.totals.area_km2.into(),
                pct(as_),
            ]);
            let names: Vec<&str> = r
                .units
                .iter()
                .map(|u| a.options.lang.label(region.unit(*u)))
                .collect();
            lists.push(format!(
                "{} ≤ {b} min ({}): {}",
                c.name,
                names.len(),
                names.join(", ")
            ));
        }
    }
    t.print(out)?;
    writeln!(out)?;
    for l in lists {
        writeln!(out, "{l}")?;
    }
    if let [ca, cb, ..] = a.cores.as_slice() {
        writeln!(out)?;
        writeln!(
            out,
            "Overlap of {} and {} (units reached from both; Jaccard = |A∩B| / |A∪B|):",
            ca.name, cb.name
        )?;
        let mut o = Table::new(&[
            ("band_min", 0),
            ("units_both", 0),
            ("pop_both_10k", 1),
            ("pop_both_share_pct", 1),
            ("jaccard", 3),
            ("units_neither", 0),
        ]);
        let mut neither_last = Vec::new();
        for &b in bands {
            let ov = overlap(region, ca, cb, b);
            let (ps, _, _) = ov.both_totals.shares(&all);
            o.push(vec![
                b.into(),
                ov.both.len().into(),
                ov.both_totals.pop_10k.into(),
                pct(ps),
                ov.jaccard.into(),
                ov.neither.len().into(),
            ]);
            neither_last = ov.neither;
        }
        o.print(out)?;
        let last = bands.last().copied().unwrap_or_default();
        let names: Vec<String> = neither_last
            .iter()
            .map(|u| {
                format!(
                    "{} {}",
                    region.unit(*u).code,
                    a.options.lang.label(region.unit(*u))
                )
            })
            .collect();
        writeln!(
            out,
            "Reached by neither within {last} min ({}): {}",
            names.len(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        )?;
    }
    Ok(())
}

/// The accessibility of every unit, with what each column means.
///
/// # Errors
/// Writing fails.
pub fn access_summary(a: &Analysis<'_>, out: &mut dyn Write) -> Result<()> {
    header(a, out, "Accessibility of every unit")?;
    writeln!(
        out,
        "mass: {}; WATT = Σ T·M / Σ M over the other units (minutes); watt_coef = WATT / mean WATT (< 1: better than average)",
        a.options.mass.describe()
    )?;
    let decays: Vec<String> = a
        .potentials
        .iter()
        .map(|(d, _)| format!("{} = {d}", d.column()))
        .collect();
    writeln!(
        out,
        "potential P = Σ M·f(T) ({}); self-potential {}; pop_within_*: population (10⁴) reachable within the band, the unit itself included",
        decays.join(", "),
        if a.self_times.is_some() {
            "on (t_internal_min = ⅓·√(area/π) at road speed)"
        } else {
            "off"
        }
    )?;
    writeln!(out)?;
    tables::access(a).print(out)?;
    let missing = a.watt.iter().filter(|w| w.is_none()).count();
    if let Some(l) = a.options.max_minutes {
        writeln!(
            out,
            "\nsearches stopped at {l} min (--max-minutes): potentials count the units within it; WATT needs every unit and is left empty."
        )?;
    } else if missing > 0 {
        writeln!(
            out,
            "\n{missing} units have no WATT: some other unit is unreachable from them."
        )?;
    }
    if a.engine != EngineKind::describe(false) {
        writeln!(
            out,
            "times by {} (equal to Dijkstra's up to floating-point rounding, ~1e-12 min, which can only matter for a time exactly on a band edge)",
            a.engine
        )?;
    }
    Ok(())
}

/// The corridor between the first two cores, along the axis. Nothing when there is none (see
/// [`crate::analysis::Analysis::corridor`]).
///
/// # Errors
/// Writing fails.
pub fn corridor_summary(a: &Analysis<'_>, out: &mut dyn Write) -> Result<()> {
    let region = &a.inputs.region;
    let (Some(c), [ca, cb, ..]) = (&a.corridor, a.cores.as_slice()) else {
        return Ok(());
    };
    header(a, out, "The dual-core corridor")?;
    writeln!(
        out,
        "T({} → {}) = {:.1} min; unit i is in the corridor when T({}→i) + T(i→{}) ≤ (1 + {}) · {:.1} min; ordered by position T(C→i) / (T(C→i) + T(i→Q))",
        ca.name, cb.name, c.t_ab, ca.name, cb.name, c.epsilon, c.t_ab
    )?;
    writeln!(out)?;
    let mut t = Table::new(&[
        ("code", 0),
        ("name", 0),
        ("name_zh", 0),
        ("position", 3),
        (&format!("t_from_{}_min", ca.key), 1),
        (&format!("t_to_{}_min", cb.key), 1),
        ("detour_ratio", 3),
        (&crate::export::pop_column(&a.inputs.study), 1),
        ("watt_min", 1),
    ]);
    for u in &c.units {
        let i = u.unit.index();
        let mut row = unit_cells(region, i);
        row.extend([
            u.position.into(),
            u.t_from_a.into(),
            u.t_to_b.into(),
            u.detour.into(),
            region.units[i].population_10k.into(),
            a.watt[i].into(),
        ]);
        t.push(row);
    }
    t.print(out)?;
    let (ps, gs, gm) = shares(region, c);
    writeln!(out)?;
    writeln!(
        out,
        "{} units in the corridor: {} of the region's population, {} of its GDP{}",
        c.units.len(),
        ps.map_or("–".to_string(), |p| format!("{:.1} %", p * 100.0)),
        gs.map_or("–".to_string(), |g| format!("{:.1} %", g * 100.0)),
        if gm > 0 {
            format!(" (over units with GDP; {gm} corridor units lack it)")
        } else {
            String::new()
        }
    )
}

fn gravity_header(a: &Analysis<'_>, out: &mut dyn Write, what: &str) -> Result<()> {
    let g = &a.options.gravity;
    header(a, out, what)?;
    writeln!(
        out,
        "gravity R_ij = K·M_i·M_j / D_ij^{}: M = {}, D = {} ({}), K = {}",
        g.b,
        a.options.mass.describe(),
        g.distance.as_str(),
        g.distance.unit(),
        g.k.as_str()
    )
}

/// The strongest linkages between places (each multi-unit centre one place) with their
/// classes, the members of each centre, the highest total linkages and the strongest linkages
/// inside the multi-unit centres.
///
/// # Errors
/// Writing fails.
pub fn linkage_summary(a: &Analysis<'_>, s: &Linkage, out: &mut dyn Write) -> Result<()> {
    let region = &a.inputs.region;
    let places = &s.places.region;
    let lang = a.options.lang;
    let top = a.options.gravity.top;
    gravity_header(a, out, "Economic linkage")?;
    writeln!(
        out,
        "places: each multi-unit centre counts as one (its summed mass; its time the fastest of its units'): {}",
        (0..s.places.groups)
            .map(|p| {
                let u = places.unit(crate::UnitId(p as u32));
                format!(
                    "{} ({})",
                    lang.label(u),
                    crate::export::n_units(s.places.members[p].len())
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    writeln!(
        out,
        "{}",
        crate::export::strength_classes_text(&s.place_gravity)
    )?;
    if s.place_gravity.unreachable_pairs() > 0 {
        writeln!(
            out,
            "{} place pairs are unreachable (R = 0)",
            s.place_gravity.unreachable_pairs()
        )?;
    }
    writeln!(out)?;
    writeln!(out, "The {top} strongest links between places:")?;
    let mut t = Table::new(&[("rank", 0), ("from", 0), ("to", 0), ("r", 3), ("class", 0)]);
    for (k, l) in s.place_gravity.strongest(top).iter().enumerate() {
        t.push(vec![
            (k + 1).into(),
            lang.label(places.unit(l.from)).into(),
            lang.label(places.unit(l.to)).into(),
            l.r.into(),
            l.class.as_str().into(),
        ]);
    }
    t.print(out)?;
    writeln!(out)?;
    writeln!(
        out,
        "Membership: F_ic = R_ic / Σ_c' R_ic' over the centres; a centre's own units belong to it (membership 1):"
    )?;
    for (c, name) in s.membership.centres.iter().enumerate() {
        let members: Vec<&str> = (0..region.len())
            .filter(|&i| {
                s.membership.units[s.place(crate::UnitId(i as u32)).index()].belongs_to == Some(c)
            })
            .map(|i| lang.label(&region.units[i]))
            .collect();
        writeln!(out, "  {name} ({}): {}", members.len(), members.join(", "))?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Total linkage L = Σ_j R_j of each place, the {top} highest:"
    )?;
    let mut order: Vec<usize> = (0..places.len()).collect();
    let totals = s.place_gravity.totals();
    order.sort_by(|&x, &y| totals[y].total_cmp(&totals[x]).then(x.cmp(&y)));
    let mut lt = Table::new(&[("place", 0), ("name", 0), ("linkage_total", 3)]);
    for &p in order.iter().take(top) {
        let u = &places.units[p];
        lt.push(vec![
            u.code.clone().into(),
            lang.label(u).into(),
            totals[p].into(),
        ]);
    }
    lt.print(out)?;
    if !s.intra.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Inside the multi-unit centres (unit to unit, reported apart), the {} strongest:",
            top.min(s.intra.len())
        )?;
        let mut it = Table::new(&[("centre", 0), ("from", 0), ("to", 0), ("r", 3)]);
        for p in s.intra.iter().take(top) {
            it.push(vec![
                lang.label(places.unit(p.place)).into(),
                lang.label(region.unit(p.from)).into(),
                lang.label(region.unit(p.to)).into(),
                p.r.into(),
            ]);
        }
        it.print(out)?;
    }
    Ok(())
}

/// The structure of the linkage network and the centrality of the transport network, with
/// the links that carry the most shortest paths.
///
/// # Errors
/// Writing fails.
pub fn centrality_summary(a: &Analysis<'_>, s: &Linkage, out: &mut dyn Write) -> Result<()> {
    let region = &a.inputs.region;
    let g = &a.options.gravity;
    gravity_header(a, out, "Network structure")?;
    let st = &s.structure;
    writeln!(out)?;
    writeln!(
        out,
        "linkage network (arc i→j when R_ij ≥ {}): {} units, {} arcs, density L/[n(n−1)] = {:.4}, mean clustering (undirected) = {:.3}, characteristic path length = {} hops{}",
        match g.threshold {
            Threshold::Mean => format!("the mean R, {:.3}", s.gravity.mean()),
            Threshold::Value(v) => format!("{v}"),
        },
        st.units,
        st.arcs,
        st.density,
        st.mean_clustering,
        st.path_length
            .map_or("–".to_string(), |p| format!("{p:.3}")),
        if st.unreachable_pairs > 0 {
            format!(" ({} pairs unreachable)", st.unreachable_pairs)
        } else {
            String::new()
        }
    )?;
    let c = &s.centrality;
    writeln!(
        out,
        "transport network (travel time): global efficiency Σ 1/d_ij / [n(n−1)] = {:.6} per minute; betweenness normalised by (n−1)(n−2); closeness harmonic Σ 1/d_ij / (n−1), per minute",
        c.efficiency
    )?;
    writeln!(out)?;
    tables::centrality(a, s).print(out)?;
    writeln!(out)?;
    writeln!(
        out,
        "Links carrying the most unit-to-unit shortest paths (link betweenness):"
    )?;
    let mut idx: Vec<usize> = (0..a.net.links().len()).collect();
    idx.sort_by(|&x, &y| {
        c.link_betweenness[y]
            .total_cmp(&c.link_betweenness[x])
            .then(x.cmp(&y))
    });
    let mut lt = Table::new(&[
        ("link_id", 0),
        ("mode", 0),
        ("from", 0),
        ("to", 0),
        ("minutes", 1),
        ("paths", 1),
    ]);
    for &i in idx.iter().take(g.top) {
        let l = &a.net.links()[i];
        lt.push(vec![
            l.link_id.clone().into(),
            l.mode.as_str().into(),
            a.options.lang.label(region.unit(l.from)).into(),
            a.options.lang.label(region.unit(l.to)).into(),
            l.minutes.0.into(),
            c.link_betweenness[i].into(),
        ]);
    }
    lt.print(out)
}

/// The values of the per-unit measure `name` (a column of
/// [`tables::all_unit_measures`]) and which direction is better: times (`t_*`, `watt*`,
/// `detour*`) are better low, everything else (potential, population reached, linkage,
/// centrality) high.
///
/// # Errors
/// An option error listing the measures when there is no such column.
pub fn measure_values(
    a: &Analysis<'_>,
    s: &Linkage,
    name: &str,
) -> crate::Result<(Vec<Option<f64>>, Better)> {
    let table = tables::all_unit_measures(a, s);
    // The measures: every numeric column but the reach flags (the unit's code and names, the
    // place it is counted with and the centre it belongs to are text).
    let names: Vec<&str> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(k, c)| {
            !c.name.starts_with("reach_")
                && table
                    .rows
                    .iter()
                    .all(|r| !matches!(r[*k], crate::export::table::Cell::Text(_)))
        })
        .map(|(_, c)| c.name.as_str())
        .collect();
    if !names.contains(&name) {
        return Err(OptionError::new()
            .opt(Opt::Measure, Some(name))
            .text(format!(
                ": no such per-unit measure; one of: {}",
                names.join(", ")
            ))
            .into());
    }
    let better = if name.starts_with("t_") || name.starts_with("watt") || name.starts_with("detour")
    {
        Better::Lower
    } else {
        Better::Higher
    };
    Ok((tables::column_values(&table, name), better))
}

/// The per-group table of an equity result.
pub fn equity_groups(e: &Equity) -> Table {
    let mut g = Table::new(&[
        ("group", 0),
        ("units", 0),
        ("mean", 3),
        ("median", 3),
        ("pop_weighted_mean", 3),
        ("pop_share_pct", 1),
        ("theil_within_contrib", 6),
        ("theil_between_contrib", 6),
    ]);
    for gs in &e.groups {
        g.push(vec![
            gs.name.clone().into(),
            gs.n.into(),
            gs.mean.into(),
            gs.median.into(),
            gs.weighted_mean.into(),
            (gs.share_pop * 100.0).into(),
            gs.theil_within.into(),
            gs.theil_between.into(),
        ]);
    }
    g
}

/// The inequality of `measure` across units: CV, Gini, Theil with its decomposition, the
/// per-group table and the lagging units.
///
/// # Errors
/// Writing fails.
pub fn equity_summary(
    a: &Analysis<'_>,
    measure: &str,
    by: GroupBy,
    e: &Equity,
    out: &mut dyn Write,
) -> Result<()> {
    let region = &a.inputs.region;
    writeln!(
        out,
        "Equity of {} across units — {} network, {} time, {}; grouped by {}",
        measure,
        a.options.network.as_str(),
        a.options.time.as_str(),
        a.scenario,
        by.as_str()
    )?;
    writeln!(
        out,
        "{} units with a value, {} without; {} is better",
        e.n,
        e.n_missing,
        if e.better == Better::Lower {
            "lower"
        } else {
            "higher"
        }
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "mean {:.3} (population-weighted {:.3}), median {:.3}, sd {:.3}",
        e.mean, e.weighted_mean, e.median, e.sd
    )?;
    writeln!(out, "coefficient of variation σ/μ        {:.4}", e.cv)?;
    writeln!(
        out,
        "Gini (unweighted / population)      {:.4} / {:.4}",
        e.gini, e.gini_weighted
    )?;
    writeln!(
        out,
        "Theil T total = within + between    {:.6} = {:.6} + {:.6} ({:.1} % between groups)",
        e.theil.total,
        e.theil.within,
        e.theil.between,
        e.theil.between_share() * 100.0
    )?;
    writeln!(out)?;
    equity_groups(e).print(out)?;
    writeln!(out)?;
    let lag: Vec<String> = e
        .lagging
        .iter()
        .map(|l| {
            format!(
                "{} {} ({:.2}; {})",
                region.unit(l.unit).code,
                a.options.lang.label(region.unit(l.unit)),
                l.value,
                l.group
            )
        })
        .collect();
    writeln!(
        out,
        "Lagging units (worst decile, {}): {}",
        lag.len(),
        lag.join(", ")
    )
}
