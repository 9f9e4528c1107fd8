//! Results become what people open: map layers (GeoJSON with QGIS styles), tables (CSV),
//! reports (Markdown and JSON) and printed summaries. Property names, rounding and units are
//! decided here; nothing here computes a measure.
//!
//! - [`run`], [`comparison`], [`timeline`], [`resilience`]: the files of each study command;
//! - [`layers`] (results → features), [`tables`] (results → rows), [`report`], [`summary`],
//!   [`info`], [`route`], [`od`]: the pieces;
//! - [`geojson`], [`isochrone`], [`qml`], [`table`], [`gpkg`], [`project`] (the QGIS
//!   project), [`maps`] (the report's SVG maps), [`html`]: the formats; [`write`](mod@write):
//!   atomic writing; [`shard`]: the part files of sharded runs and their merge.

pub mod comparison;
pub mod geojson;
pub mod gpkg;
pub mod html;
pub mod info;
pub mod isochrone;
pub mod layers;
pub mod maps;
pub mod od;
pub mod project;
pub mod qml;
pub mod report;
pub mod resilience;
pub mod route;
pub mod run;
pub mod shard;
pub mod summary;
pub mod table;
pub mod tables;
pub mod timeline;
pub mod write;

/// `1 unit`, `2 units`.
pub(crate) fn n_units(n: usize) -> String {
    if n == 1 {
        "1 unit".into()
    } else {
        format!("{n} units")
    }
}

/// How the GDP figures of `region` relate in time: `of 2023` when they share one year,
/// `years differ` when they do not, `no figures` when no unit has one.
pub(crate) fn gdp_years(region: &crate::Region) -> String {
    let mut years: Vec<i32> = region
        .units
        .iter()
        .filter(|u| u.gdp_100m_cny.is_some())
        .filter_map(|u| u.gdp_year)
        .collect();
    years.sort_unstable();
    years.dedup();
    let with_gdp = region.units.iter().any(|u| u.gdp_100m_cny.is_some());
    match (with_gdp, years.as_slice()) {
        (false, _) => "no figures".into(),
        (true, [y]) => format!("of {y}"),
        (true, []) => "year not given".into(),
        _ => "years differ".into(),
    }
}

/// The population column's name: `pop_<year>_10k` for a study that gives the population's
/// year (the default study: the 2020 census), else `pop_10k`.
pub(crate) fn pop_column(study: &crate::load::Study) -> String {
    match study.population_year {
        Some(y) => format!("pop_{y}_10k"),
        None => "pop_10k".into(),
    }
}

/// The strength classes of a gravity linkage in words, with their breaks and the unit of R.
pub(crate) fn strength_classes_text(g: &crate::measures::gravity::Gravity) -> String {
    let c = g.cuts();
    let b = &c.breaks;
    let names = ["weak", "moderate", "fairly_strong", "strong"];
    let first = 4 - (b.len() + 1);
    let mut parts = Vec::new();
    for (k, name) in names[first..].iter().enumerate() {
        let lo = k.checked_sub(1).map(|i| b[i]);
        let hi = b.get(k).copied();
        parts.push(match (lo, hi) {
            (None, Some(h)) => format!("{name} ≤ {h:.3}"),
            (Some(l), Some(h)) => format!("{l:.3} < {name} ≤ {h:.3}"),
            (Some(l), None) => format!("{name} > {l:.3}"),
            (None, None) => format!("{name}: all"),
        });
    }
    format!(
        "strength classes ({} of {} linkages; R in {}): {}",
        c.method.as_str(),
        c.values,
        g.r_unit(),
        parts.join(", ")
    )
}
