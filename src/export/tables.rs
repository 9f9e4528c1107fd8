//! Results as tables: one row per unit (code, names, then the measures, each column named
//! with its unit), the same columns in the CSV files, the layers and the printed summaries.

use crate::analysis::{Analysis, Comparison, Linkage};
use crate::export::table::{Cell, Table};
use crate::model::{Region, UnitId};

/// Band label for column names: `120` for 120.0, `90_5` for 90.5.
pub fn band_key(b: f64) -> String {
    format!("{b}").replace('.', "_")
}

/// A table whose first columns are `code, name, name_zh`, then `extra` (name, decimals).
pub fn unit_table(extra: &[(&str, usize)]) -> Table {
    let mut cols = vec![("code", 0), ("name", 0), ("name_zh", 0)];
    cols.extend_from_slice(extra);
    Table::new(&cols)
}

/// The first cells of unit `i`'s row: code, name, name_zh.
pub fn unit_cells(region: &Region, i: usize) -> Vec<Cell> {
    let u = &region.units[i];
    vec![
        u.code.clone().into(),
        u.name.clone().into(),
        u.name_zh.clone().unwrap_or_default().into(),
    ]
}

/// The numbers of one column (`None` for missing or non-numeric cells, or no such column).
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

/// The per-unit reach table: times to each core and, per core and band, 1 when reached.
pub fn reach(a: &Analysis<'_>) -> Table {
    let region = &a.inputs.region;
    let bands = &a.options.bands;
    let mut t = unit_table(&[]);
    for c in &a.cores {
        t.column(format!("t_{}_min", c.key), 1);
    }
    for c in &a.cores {
        for b in bands {
            t.column(format!("reach_{}_{}", c.key, band_key(*b)), 0);
        }
    }
    for i in 0..region.len() {
        let mut row = unit_cells(region, i);
        for c in &a.cores {
            row.push(c.times[i].map(|t| t.0).into());
        }
        for c in &a.cores {
            for b in bands {
                row.push(c.times[i].is_some_and(|t| t.0 <= *b).into());
            }
        }
        t.push(row);
    }
    t
}

/// The per-unit accessibility table.
pub fn access(a: &Analysis<'_>) -> Table {
    let region = &a.inputs.region;
    let mut t = unit_table(&[
        (&crate::export::pop_column(&a.inputs.study), 2),
        ("watt_min", 1),
        ("watt_coef", 3),
    ]);
    for c in &a.cores {
        t.column(format!("t_{}_min", c.key), 1);
    }
    for (d, _) in &a.potentials {
        t.column(d.column(), 2);
    }
    if a.self_times.is_some() {
        t.column("t_internal_min", 1);
    }
    for b in &a.options.bands {
        let k = band_key(*b);
        t.column(format!("pop_within_{k}min_10k"), 1);
        t.column(format!("pop_within_{k}min_pct"), 1);
        t.column(format!("units_within_{k}min"), 0);
    }
    for i in 0..region.len() {
        let mut row = unit_cells(region, i);
        row.push(region.units[i].population_10k.into());
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
            row.push(d.pop_share.map(|s| s * 100.0).into());
            row.push(d.units.into());
        }
        t.push(row);
    }
    t
}

/// The per-unit corridor table.
pub fn corridor(a: &Analysis<'_>) -> Table {
    let region = &a.inputs.region;
    let mut t = unit_table(&[
        ("in_corridor", 0),
        ("corridor_end", 0),
        ("corridor_pos", 3),
        ("detour_ratio", 3),
    ]);
    for i in 0..region.len() {
        let mut row = unit_cells(region, i);
        let u = UnitId(i as u32);
        match &a.corridor {
            Some(c) => {
                row.push(c.contains(u).into());
                row.push(c.is_end(u).into());
                row.push(c.position[i].into());
                row.push(c.detour[i].into());
            }
            None => row.extend([
                Cell::Int(None),
                Cell::Int(None),
                Cell::Num(None),
                Cell::Num(None),
            ]),
        }
        t.push(row);
    }
    t
}

/// The per-unit linkage table. A unit of a multi-unit centre (a core) carries its centre's
/// place: `linkage_place_code` names it, `linkage_total` is the whole place's, and it belongs to its
/// centre with membership 1.
pub fn linkage(a: &Analysis<'_>, s: &Linkage) -> Table {
    let region = &a.inputs.region;
    let m = &s.membership;
    let mut t = unit_table(&[
        ("linkage_place_code", 0),
        ("linkage_total", 3),
        ("belongs_to", 0),
    ]);
    for k in a.centre_keys() {
        t.column(format!("membership_{k}"), 3);
    }
    for i in 0..region.len() {
        let p = s.place(UnitId(i as u32));
        let um = &m.units[p.index()];
        let mut row = unit_cells(region, i);
        row.push(s.places.region.unit(p).code.clone().into());
        row.push(s.place_gravity.totals()[p.index()].into());
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
pub fn centrality(a: &Analysis<'_>, s: &Linkage) -> Table {
    let region = &a.inputs.region;
    let mut t = unit_table(&[
        ("betweenness", 5),
        ("betweenness_paths", 1),
        ("closeness", 5),
        ("linkage_out_degree", 0),
        ("linkage_in_degree", 0),
        ("linkage_degree_centrality", 3),
        ("linkage_clustering", 3),
    ]);
    let (c, st) = (&s.centrality, &s.structure);
    for i in 0..region.len() {
        let mut row = unit_cells(region, i);
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

/// Every per-unit measure of the analysis as one table (code, names, then the measures).
pub fn all_unit_measures(a: &Analysis<'_>, s: &Linkage) -> Table {
    let mut t = access(a);
    for extra in [reach(a), corridor(a), linkage(a, s), centrality(a, s)] {
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

/// The per-unit measures with the unit's attributes inserted after its names: province,
/// region, role, area, GDP and its year.
pub fn with_attributes(region: &Region, m: &Table) -> Table {
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
        let u = &region.units[i];
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

/// The per-unit differences between a baseline and a scenario.
pub fn delta(c: &Comparison<'_>) -> Table {
    let base = &c.base;
    let region = &base.inputs.region;
    let mut t = unit_table(&[
        ("watt_base_min", 1),
        ("watt_scen_min", 1),
        ("d_watt_min", 2),
        ("d_watt_pct", 2),
    ]);
    for k in &base.cores {
        t.column(format!("t_{}_base_min", k.key), 1);
        t.column(format!("t_{}_scen_min", k.key), 1);
        t.column(format!("saved_{}_min", k.key), 2);
    }
    for (d, _) in &base.potentials {
        t.column(format!("d_{}_pct", d.column()), 2);
    }
    for k in &base.cores {
        for b in &base.options.bands {
            t.column(format!("into_{}_{}", k.key, band_key(*b)), 0);
        }
    }
    for (i, u) in c.units.iter().enumerate() {
        let mut row = unit_cells(region, i);
        row.extend([
            u.watt_base.into(),
            u.watt_scen.into(),
            Cell::Num(u.d_watt_min),
            Cell::Num(u.d_watt_pct),
        ]);
        for k in &u.cores {
            row.extend([k.base.into(), k.scen.into(), Cell::Num(k.saved)]);
        }
        for p in &u.d_potential_pct {
            row.push(Cell::Num(*p));
        }
        for per_core in &u.into {
            for &moved in per_core {
                row.push(moved.into());
            }
        }
        t.push(row);
    }
    t
}
