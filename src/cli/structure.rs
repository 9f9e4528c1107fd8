//! `regionlink linkage`, `regionlink centrality` and `regionlink equity`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::cli::analysis::{Analysis, MeasureArgs, emit};
use regionlink::export::table::{Cell, Table};
use regionlink::load::members_of;
use regionlink::measures::centrality::{
    BinaryNetwork, Centrality, PairWeights, Structure, Threshold, structure,
};
use regionlink::measures::equity::{Better, EquityInput, GroupBy, equity, group_labels};
use regionlink::measures::linkage::{
    Centre, Distance, Gravity, GravityParams, KFactor, Membership, gravity, membership,
};
use regionlink::model::Role;

/// Gravity-model options.
#[derive(Debug, Clone, Args)]
pub struct GravityArgs {
    /// D in R = K·M_i·M_j / D^b: network time in minutes, in hours, or great-circle km.
    #[arg(long, value_enum, default_value_t = Distance::Time)]
    pub distance: Distance,
    /// The unit of network times in the gravity model: min, or h (R scales by 60^b; ranks and
    /// classes do not change). Same as `--distance time-hours`.
    #[arg(long, value_name = "min|h", value_parser = ["min", "h"], default_value = "min")]
    pub time_unit: String,
    /// Distance-decay exponent b.
    #[arg(long, default_value_t = 2.0)]
    pub b: f64,
    /// K: 1, or asym K_ij = G_i / (G_i + G_j) (needs GDP for every unit).
    #[arg(long, value_enum, default_value_t = KFactor::One)]
    pub k: KFactor,
    /// How many of the strongest links to list.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Threshold of the binary linkage network: `mean` (R ≥ the mean of all R) or a value of R.
    #[arg(long, default_value = "mean", value_parser = parse_threshold)]
    pub threshold: Threshold,
}

fn parse_threshold(s: &str) -> std::result::Result<Threshold, String> {
    if s == "mean" {
        return Ok(Threshold::Mean);
    }
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 => Ok(Threshold::Value(x)),
        _ => Err(format!("\"{s}\": expected mean or a number ≥ 0")),
    }
}

/// Arguments of `linkage` and `centrality`.
#[derive(Debug, Args)]
pub struct StructureCmd {
    /// Measure options (mass, network, scenario, …).
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Gravity options.
    #[command(flatten)]
    pub g: GravityArgs,
    /// Write the per-unit table as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Arguments of `equity`.
#[derive(Debug, Args)]
pub struct EquityCmd {
    /// Measure options.
    #[command(flatten)]
    pub m: MeasureArgs,
    /// Gravity options (for linkage_total).
    #[command(flatten)]
    pub g: GravityArgs,
    /// The per-unit measure, by its column name in `access`/`linkage`/`centrality` output,
    /// e.g. watt_min, t_chengdu_min, potential_pow1, pop_within_120min_10k, linkage_total,
    /// betweenness, closeness.
    #[arg(long, default_value = "watt_min")]
    pub measure: String,
    /// Grouping of the decomposition and the per-region table.
    #[arg(long, value_enum, default_value_t = GroupBy::Region)]
    pub group_by: GroupBy,
    /// Write the per-group table as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// The study's centres for membership: each core (all of its units), then each sub-centre and
/// regional centre unit on its own.
pub fn centres(a: &Analysis) -> Vec<Centre> {
    let region = &a.inputs.region;
    let mut out: Vec<Centre> = a
        .cores
        .iter()
        .map(|c| Centre {
            name: c.name.clone(),
            units: c.units.clone(),
        })
        .collect();
    for role in [Role::SubCentre, Role::RegionalCentre] {
        let codes = match role {
            Role::SubCentre => &a.inputs.study.roles.sub_centre,
            _ => &a.inputs.study.roles.regional_centre,
        };
        for code in codes {
            let units = members_of(region, code);
            let name = match (
                region.by_code(code),
                a.inputs.gazetteer.name(code),
            ) {
                (Some(u), _) => u.name.clone(),
                (None, Some(n)) => n.to_string(),
                (None, None) => format!("centre {code}"),
            };
            out.push(Centre { name, units });
        }
    }
    out
}

/// Gravity, membership and the transport-network centrality of an analysis.
pub struct Structural {
    /// The gravity model.
    pub gravity: Gravity,
    /// Membership in the centres.
    pub membership: Membership,
    /// The binary linkage network's structure.
    pub structure: Structure,
    /// Centrality on the transport network (betweenness weighted by nothing).
    pub centrality: Centrality,
}

impl Structural {
    /// Compute from an analysis.
    pub fn compute(a: &Analysis, g: &GravityArgs) -> Result<Structural> {
        let p = GravityParams {
            mass: a.mass,
            distance: g.distance,
            b: g.b,
            k: g.k,
        };
        let gravity = gravity(&a.inputs.region, a.matrix()?, &p)?;
        let membership = membership(&gravity, &centres(a))?;
        let structure = structure(&BinaryNetwork::from_gravity(&gravity, g.threshold)?);
        let centrality = regionlink::measures::par::betweenness(&a.net, None);
        Ok(Structural {
            gravity,
            membership,
            structure,
            centrality,
        })
    }

    /// Link betweenness weighted by the gravity interaction of each pair.
    pub fn weighted_link_betweenness(&self, a: &Analysis) -> Result<Vec<f64>> {
        let w = PairWeights::new(&a.net, self.gravity.matrix())?;
        Ok(regionlink::measures::par::betweenness(&a.net, Some(w)).link_betweenness)
    }
}

/// The per-unit linkage table.
pub fn linkage_table(a: &Analysis, s: &Structural) -> Table {
    let m = &s.membership;
    let mut t = a.unit_table(&[("linkage_total", 3), ("belongs_to", 0)]);
    for c in &m.centres {
        t.column(
            format!("membership_{}", regionlink::load::study::field_key(c)),
            3,
        );
    }
    for i in 0..a.inputs.region.len() {
        let um = &m.units[i];
        let mut row = a.unit_cells(i);
        row.push(s.gravity.totals()[i].into());
        row.push(
            um.belongs_to
                .map(|c| m.centres[c].clone())
                .unwrap_or_default()
                .into(),
        );
        for c in 0..m.centres.len() {
            row.push(Cell::Num(um.degrees.as_ref().map(|d| d[c])));
        }
        t.push(row);
    }
    t
}

/// The per-unit centrality table.
pub fn centrality_table(a: &Analysis, s: &Structural) -> Table {
    let mut t = a.unit_table(&[
        ("betweenness", 5),
        ("betweenness_paths", 1),
        ("closeness", 5),
        ("linkage_out_degree", 0),
        ("linkage_in_degree", 0),
        ("linkage_degree_centrality", 3),
        ("linkage_clustering", 3),
    ]);
    let (c, st) = (&s.centrality, &s.structure);
    for i in 0..a.inputs.region.len() {
        let mut row = a.unit_cells(i);
        row.extend([
            c.betweenness_norm[i].into(),
            c.betweenness[i].into(),
            c.closeness[i].into(),
            st.out_degree[i].into(),
            st.in_degree[i].into(),
            ((st.out_centrality[i] + st.in_centrality[i]) / 2.0).into(),
            st.clustering[i].into(),
        ]);
        t.push(row);
    }
    t
}

fn header(a: &Analysis, out: &mut dyn Write, what: &str, g: &GravityArgs) -> std::io::Result<()> {
    writeln!(
        out,
        "{what} — {} network, {}; {} units of {}",
        a.network.as_str(),
        a.scenario,
        a.inputs.region.len(),
        a.inputs.region.source
    )?;
    writeln!(
        out,
        "gravity R_ij = K·M_i·M_j / D_ij^{}: M = {}, D = {} ({}), K = {}",
        g.b,
        a.mass.describe(),
        g.distance.as_str(),
        g.distance.unit(),
        g.k.as_str()
    )
}

/// Run `regionlink linkage`.
pub fn run_linkage(cmd: &StructureCmd, out: &mut dyn Write) -> Result<()> {
    let a = Analysis::compute(&cmd.m)?;
    let s = Structural::compute(&a, &cmd.g)?;
    let region = &a.inputs.region;
    header(&a, out, "Economic linkage", &cmd.g)?;
    let cuts = s.gravity.cuts();
    writeln!(
        out,
        "strength classes: high ≥ μ+σ = {:.3}, above_mean ≥ μ = {:.3}, below_mean ≥ μ−σ = {:.3}, low below",
        cuts.mean + cuts.sd,
        cuts.mean,
        cuts.mean - cuts.sd
    )?;
    if s.gravity.unreachable_pairs() > 0 {
        writeln!(
            out,
            "{} unit pairs are unreachable (R = 0)",
            s.gravity.unreachable_pairs()
        )?;
    }
    writeln!(out)?;
    writeln!(out, "The {} strongest links:", cmd.g.top)?;
    let mut t = Table::new(&[("rank", 0), ("from", 0), ("to", 0), ("r", 3), ("class", 0)]);
    for (k, l) in s.gravity.strongest(cmd.g.top).iter().enumerate() {
        t.push(vec![
            (k + 1).into(),
            region.unit(l.from).label_zh().into(),
            region.unit(l.to).label_zh().into(),
            l.r.into(),
            l.class.as_str().into(),
        ]);
    }
    t.print(out)?;
    writeln!(out)?;
    writeln!(
        out,
        "Membership: F_ic = R_ic / Σ_c' R_ic' over the centres (a centre's own units belong to it):"
    )?;
    for (c, name) in s.membership.centres.iter().enumerate() {
        let members: Vec<&str> = s
            .membership
            .units
            .iter()
            .filter(|u| u.belongs_to == Some(c))
            .map(|u| region.unit(u.unit).label_zh())
            .collect();
        writeln!(out, "  {name} ({}): {}", members.len(), members.join(" "))?;
    }
    writeln!(out)?;
    let lt = linkage_table(&a, &s);
    let mut sorted = lt.clone();
    sorted.rows.sort_by(|x, y| match (&x[3], &y[3]) {
        (Cell::Num(Some(p)), Cell::Num(Some(q))) => q.total_cmp(p),
        _ => std::cmp::Ordering::Equal,
    });
    sorted.rows.truncate(cmd.g.top);
    writeln!(
        out,
        "Total linkage L_i = Σ_j R_ij, the {} highest:",
        cmd.g.top
    )?;
    let keep = [0usize, 2, 3, 4];
    let mut brief = Table {
        columns: keep.iter().map(|&i| sorted.columns[i].clone()).collect(),
        rows: vec![],
    };
    for r in &sorted.rows {
        brief
            .rows
            .push(keep.iter().map(|&i| r[i].clone()).collect());
    }
    brief.print(out)?;
    emit(&lt, cmd.out.as_deref(), &cmd.m, out)
}

/// Run `regionlink centrality`.
pub fn run_centrality(cmd: &StructureCmd, out: &mut dyn Write) -> Result<()> {
    let a = Analysis::compute(&cmd.m)?;
    let s = Structural::compute(&a, &cmd.g)?;
    let region = &a.inputs.region;
    header(&a, out, "Network structure", &cmd.g)?;
    let st = &s.structure;
    writeln!(out)?;
    writeln!(
        out,
        "linkage network (arc i→j when R_ij ≥ {}): {} units, {} arcs, density L/[n(n−1)] = {:.4}, mean clustering (undirected) = {:.3}, characteristic path length = {} hops{}",
        match cmd.g.threshold {
            Threshold::Mean => format!("the mean R, {:.3}", s.gravity.cuts().mean),
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
    let t = centrality_table(&a, &s);
    t.print(out)?;
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
    for &i in idx.iter().take(cmd.g.top) {
        let l = &a.net.links()[i];
        lt.push(vec![
            l.link_id.clone().into(),
            l.mode.as_str().into(),
            region.unit(l.from).label_zh().into(),
            region.unit(l.to).label_zh().into(),
            l.minutes.0.into(),
            c.link_betweenness[i].into(),
        ]);
    }
    lt.print(out)?;
    emit(&t, cmd.out.as_deref(), &cmd.m, out)
}

/// Every per-unit measure of the analysis as one table (code, names, then the measures).
pub fn all_unit_measures(a: &Analysis, s: &Structural) -> Table {
    let mut t = crate::cli::measures::access_table(a);
    for extra in [
        crate::cli::measures::reach_table(a),
        crate::cli::measures::corridor_table(a),
        linkage_table(a, s),
        centrality_table(a, s),
    ] {
        for (ci, col) in extra.columns.iter().enumerate().skip(3) {
            if t.columns.iter().any(|c| c.name == col.name) {
                continue;
            }
            t.columns.push(col.clone());
            for (r, row) in t.rows.iter_mut().enumerate() {
                row.push(extra.rows[r][ci].clone());
            }
        }
    }
    t
}

/// Run `regionlink equity`.
pub fn run_equity(cmd: &EquityCmd, out: &mut dyn Write) -> Result<()> {
    let a = Analysis::compute(&cmd.m)?;
    let s = Structural::compute(&a, &cmd.g)?;
    let region = &a.inputs.region;
    let table = all_unit_measures(&a, &s);
    let Some(col) = table.columns.iter().position(|c| c.name == cmd.measure) else {
        let names: Vec<&str> = table
            .columns
            .iter()
            .skip(3)
            .filter(|c| !c.name.starts_with("reach_") && c.name != "belongs_to")
            .map(|c| c.name.as_str())
            .collect();
        return Err(regionlink::Error::Usage(format!(
            "--measure {}: no such per-unit measure; one of: {}",
            cmd.measure,
            names.join(", ")
        ))
        .into());
    };
    let values: Vec<Option<f64>> = table
        .rows
        .iter()
        .map(|r| match &r[col] {
            Cell::Num(x) => *x,
            Cell::Int(x) => x.map(|i| i as f64),
            Cell::Text(_) => None,
        })
        .collect();
    // Times are better low; everything else (potential, population reached, linkage,
    // centrality) is better high.
    let better = if cmd.measure.starts_with("t_")
        || cmd.measure.starts_with("watt")
        || cmd.measure.starts_with("detour")
    {
        Better::Lower
    } else {
        Better::Higher
    };
    let weights: Vec<f64> = region.units.iter().map(|u| u.population_10k).collect();
    let groups = group_labels(region, cmd.group_by);
    let e = equity(&EquityInput {
        values: &values,
        weights: &weights,
        groups: &groups,
        better,
    })?;
    writeln!(
        out,
        "Equity of {} across units — {} network, {}; grouped by {}",
        cmd.measure,
        a.network.as_str(),
        a.scenario,
        cmd.group_by.as_str()
    )?;
    writeln!(
        out,
        "{} units with a value, {} without; {} is better",
        e.n,
        e.n_missing,
        if better == Better::Lower {
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
        if e.theil.total > 0.0 {
            e.theil.between / e.theil.total * 100.0
        } else {
            0.0
        }
    )?;
    writeln!(out)?;
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
    g.print(out)?;
    writeln!(out)?;
    let lag: Vec<String> = e
        .lagging
        .iter()
        .map(|l| {
            format!(
                "{} {} ({:.2}; {})",
                region.unit(l.unit).code,
                region.unit(l.unit).label_zh(),
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
    )?;
    emit(&g, cmd.out.as_deref(), &cmd.m, out)
}
