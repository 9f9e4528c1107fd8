//! `regionlink reach`, `regionlink access` and `regionlink corridor`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::analysis::{Analysis, MeasureArgs, emit};
use regionlink::export::table::{Cell, Table};
use regionlink::measures::corridor::shares;
use regionlink::measures::reach::{Totals, overlap, reach};
use regionlink::model::UnitId;
use regionlink::route::EngineKind;

/// `regionlink reach` / `access` / `corridor` arguments.
#[derive(Debug, Args)]
pub struct MeasureCmd {
    /// Measure options.
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Write the per-unit table as CSV to this file (one row per unit).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `regionlink access` arguments.
#[derive(Debug, Args)]
pub struct AccessCmd {
    /// Measure options.
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Write the per-unit table as CSV to this file (one row per unit).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Stop each search at this many minutes (at least the largest band): potentials then sum
    /// the units within it only, and WATT, which needs every unit, is left empty.
    #[arg(long, value_name = "MIN")]
    pub max_minutes: Option<f64>,
    /// Shortest-path kernel: dijkstra (one search per origin), phast (a contraction hierarchy
    /// built once, then one sweep per origin: for many origins on a large road graph), or auto
    /// (phast for 500 origins or more without --max-minutes).
    #[arg(long, value_enum, default_value_t = regionlink::route::EngineKind::Auto)]
    pub engine: regionlink::route::EngineKind,
}

fn pct(x: Option<f64>) -> Cell {
    Cell::Num(x.map(|x| x * 100.0))
}

fn header(a: &Analysis, out: &mut dyn Write, what: &str) -> std::io::Result<()> {
    writeln!(
        out,
        "{what} — {} network, {}; {} units of {}",
        a.network.as_str(),
        describe_scenario(a),
        a.inputs.region.len(),
        a.inputs.region.source
    )
}

fn describe_scenario(a: &Analysis) -> String {
    a.scenario.clone()
}

/// The per-unit reach table: times to each core and, per core and band, 1 when reached.
pub fn reach_table(a: &Analysis) -> Table {
    let mut t = a.unit_table(&[]);
    for c in &a.cores {
        t.column(format!("t_{}_min", c.key), 1);
    }
    for c in &a.cores {
        for b in &a.bands {
            t.column(format!("reach_{}_{}", c.key, Analysis::band_key(*b)), 0);
        }
    }
    for i in 0..a.inputs.region.len() {
        let mut row = a.unit_cells(i);
        for c in &a.cores {
            row.push(c.times[i].map(|t| t.0).into());
        }
        for c in &a.cores {
            for b in &a.bands {
                row.push(c.times[i].is_some_and(|t| t.0 <= *b).into());
            }
        }
        t.push(row);
    }
    t
}

/// Run `regionlink reach`.
pub fn run_reach(cmd: &MeasureCmd, out: &mut dyn Write) -> Result<()> {
    let a = Analysis::compute(&cmd.m)?;
    let region = &a.inputs.region;
    header(&a, out, "Reach of the cores")?;
    writeln!(
        out,
        "population in 10⁴ people, GDP in 10⁸ yuan (sum over units with a figure; years differ), area in km², shares in % of the region"
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
        for &b in &a.bands {
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
            let names: Vec<&str> = r.units.iter().map(|u| region.unit(*u).label_zh()).collect();
            lists.push(format!(
                "{} ≤ {b} min ({}): {}",
                c.name,
                names.len(),
                names.join(" ")
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
        for &b in &a.bands {
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
        let last = a.bands.last().copied().unwrap_or_default();
        let names: Vec<String> = neither_last
            .iter()
            .map(|u| format!("{} {}", region.unit(*u).code, region.unit(*u).label_zh()))
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
    emit(&reach_table(&a), cmd.out.as_deref(), &cmd.m, out)
}

/// The per-unit accessibility table.
pub fn access_table(a: &Analysis) -> Table {
    let mut t = a.unit_table(&[("pop_2020_10k", 2), ("watt_min", 1), ("watt_coef", 3)]);
    for c in &a.cores {
        t.column(format!("t_{}_min", c.key), 1);
    }
    for (d, _) in &a.potentials {
        t.column(d.column(), 2);
    }
    if a.self_times.is_some() {
        t.column("t_internal_min", 1);
    }
    for b in &a.bands {
        let k = Analysis::band_key(*b);
        t.column(format!("pop_within_{k}min_10k"), 1);
        t.column(format!("pop_within_{k}min_pct"), 1);
        t.column(format!("units_within_{k}min"), 0);
    }
    for i in 0..a.inputs.region.len() {
        let mut row = a.unit_cells(i);
        row.push(a.inputs.region.units[i].population_10k.into());
        row.push(a.watt[i].into());
        row.push(a.watt_coef[i].into());
        for c in &a.cores {
            row.push(c.times[i].map(|t| t.0).into());
        }
        for (_, p) in &a.potentials {
            row.push(p[i].into());
        }
        if let Some(st) = &a.self_times {
            row.push(st[i].into());
        }
        for d in &a.daily[i] {
            row.push(d.pop_10k.into());
            row.push((d.pop_share * 100.0).into());
            row.push(d.units.into());
        }
        t.push(row);
    }
    t
}

/// Run `regionlink access`.
pub fn run_access(cmd: &AccessCmd, quiet: bool, out: &mut dyn Write) -> Result<()> {
    crate::cli::check_max_minutes(cmd.max_minutes)?;
    let pb = crate::cli::progress::Bar::new(quiet, 0);
    let a = Analysis::compute_with(&cmd.m, false, cmd.max_minutes, cmd.engine, &pb)?;
    pb.finish();
    header(&a, out, "Accessibility of every unit")?;
    writeln!(
        out,
        "mass: {}; WATT = Σ T·M / Σ M over the other units (minutes); watt_coef = WATT / mean WATT (< 1: better than average)",
        a.mass.describe()
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
    let t = access_table(&a);
    t.print(out)?;
    let missing = a.watt.iter().filter(|w| w.is_none()).count();
    if let Some(l) = a.limit {
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
    emit(&t, cmd.out.as_deref(), &cmd.m, out)
}

/// The per-unit corridor table.
pub fn corridor_table(a: &Analysis) -> Table {
    let mut t = a.unit_table(&[("in_corridor", 0), ("corridor_pos", 3), ("detour_ratio", 3)]);
    for i in 0..a.inputs.region.len() {
        let mut row = a.unit_cells(i);
        match &a.corridor {
            Some(c) => {
                row.push(c.units.iter().any(|u| u.unit == UnitId(i as u32)).into());
                row.push(c.position[i].into());
                row.push(c.detour[i].into());
            }
            None => row.extend([Cell::Int(None), Cell::Num(None), Cell::Num(None)]),
        }
        t.push(row);
    }
    t
}

/// Run `regionlink corridor`.
pub fn run_corridor(cmd: &MeasureCmd, out: &mut dyn Write) -> Result<()> {
    let a = Analysis::compute(&cmd.m)?;
    let region = &a.inputs.region;
    let (Some(c), [ca, cb, ..]) = (&a.corridor, a.cores.as_slice()) else {
        return Err(regionlink::Error::Usage(
            "the corridor needs two cores in the study ([[cores]])".into(),
        )
        .into());
    };
    header(&a, out, "The dual-core corridor")?;
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
        ("pop_2020_10k", 1),
        ("watt_min", 1),
    ]);
    for u in &c.units {
        let i = u.unit.index();
        let mut row = a.unit_cells(i);
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
        "{} units in the corridor: {:.1} % of the region's population, {} of its GDP{}",
        c.units.len(),
        ps * 100.0,
        gs.map_or("–".to_string(), |g| format!("{:.1} %", g * 100.0)),
        if gm > 0 {
            format!(" (over units with GDP; {gm} corridor units lack it)")
        } else {
            String::new()
        }
    )?;
    emit(&corridor_table(&a), cmd.out.as_deref(), &cmd.m, out)
}
