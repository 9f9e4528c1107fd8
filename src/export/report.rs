//! The report of a study run: one serialisable [`Report`], rendered to Markdown
//! ([`Report::to_markdown`]) and to JSON ([`Report::to_json`]) from the same values, so the
//! two cannot disagree. JSON numbers are rounded (the digits a reader can use); Markdown shows
//! fewer digits of the same values.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::analysis::{Analysis, Linkage};
use crate::measures::equity::{Better, GroupBy, group_labels};
use crate::measures::reach::{Totals, overlap, reach};
use crate::measures::stats::mean;
use crate::model::SeatSource;
use crate::route::TimeParts;

pub use crate::export::table::round;

/// Serialise a number rounded to `D` decimals.
fn rn<const D: i32, S: Serializer>(x: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(round(*x, D))
}

/// Serialise an optional number rounded to `D` decimals (`null` for none).
fn ro<const D: i32, S: Serializer>(x: &Option<f64>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match x {
        Some(x) => s.serialize_f64(round(*x, D)),
        None => s.serialize_none(),
    }
}

/// One core's reach within one band.
#[derive(Debug, Clone, Serialize)]
pub struct ReachRow {
    /// The core.
    pub core: String,
    /// The band, minutes.
    pub band_min: f64,
    /// Units reached (the core's own included).
    pub units: usize,
    /// Their population, 10⁴ people.
    #[serde(serialize_with = "rn::<3, _>")]
    pub pop_10k: f64,
    /// Their share of the region's population.
    #[serde(serialize_with = "ro::<5, _>")]
    pub pop_share: Option<f64>,
}

/// The overlap of the first two cores within one band.
#[derive(Debug, Clone, Serialize)]
pub struct OverlapRow {
    /// The band, minutes.
    pub band_min: f64,
    /// Units reached from both.
    pub units_both: usize,
    /// Their population, 10⁴ people.
    #[serde(serialize_with = "rn::<3, _>")]
    pub pop_both_10k: f64,
    /// |A∩B| / |A∪B|.
    #[serde(serialize_with = "ro::<5, _>")]
    pub jaccard: Option<f64>,
    /// Units reached from neither.
    pub units_neither: usize,
    /// Their names (Chinese where known).
    #[serde(skip)]
    pub neither_names: Vec<String>,
}

/// The corridor in the headline.
#[derive(Debug, Clone, Serialize)]
pub struct CorridorHead {
    /// ε.
    pub epsilon: f64,
    /// The corridor's unit codes, along the axis.
    pub units: Vec<String>,
    /// Their share of the population.
    #[serde(serialize_with = "rn::<5, _>")]
    pub pop_share: f64,
    /// Their share of the GDP (over units with a figure).
    #[serde(serialize_with = "ro::<5, _>")]
    pub gdp_share: Option<f64>,
}

/// The headline figures.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// Units.
    pub unit_count: usize,
    /// Population, 10⁴ people.
    #[serde(serialize_with = "rn::<4, _>")]
    pub population_10k_total: f64,
    /// GDP, 10⁸ yuan, over the units with a figure.
    #[serde(skip)]
    pub gdp_100m_cny_total: f64,
    /// Units with a GDP figure.
    #[serde(skip)]
    pub gdp_units: usize,
    /// How the GDP figures relate in time (`of 2023`, `years differ`, `no figures`).
    #[serde(skip)]
    pub gdp_years: String,
    /// The first two cores' names.
    #[serde(skip)]
    pub core_pair: Option<(String, String)>,
    /// The time between the first two cores, minutes.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ro::<2, _>")]
    pub t_core_to_core_min: Option<f64>,
    /// The corridor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corridor: Option<CorridorHead>,
    /// Each core's reach per band.
    pub reach: Vec<ReachRow>,
    /// The overlap of the first two cores per band.
    pub overlap: Vec<OverlapRow>,
    /// Mean WATT, minutes.
    #[serde(serialize_with = "ro::<3, _>")]
    pub watt_mean_min: Option<f64>,
    /// Units with a WATT.
    #[serde(skip)]
    pub watt_units: usize,
}

/// One planning region.
#[derive(Debug, Clone, Serialize)]
pub struct RegionRow {
    /// The region.
    pub region: String,
    /// Units.
    pub units: usize,
    /// Population, 10⁴ people.
    #[serde(serialize_with = "rn::<3, _>")]
    pub pop_10k: f64,
    /// Mean WATT, minutes.
    #[serde(serialize_with = "ro::<3, _>")]
    pub watt_mean_min: Option<f64>,
    /// Mean time to each core, minutes (`t_<core>_min`).
    #[serde(serialize_with = "core_means")]
    pub t_core_mean_min: Vec<(String, Option<f64>)>,
}

fn core_means<S: Serializer>(
    v: &[(String, Option<f64>)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(v.len()))?;
    for (k, x) in v {
        m.serialize_entry(k, &x.map(|x| round(x, 3)))?;
    }
    m.end()
}

/// A lagging unit.
#[derive(Debug, Clone, Serialize)]
pub struct LagRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Name and Chinese name.
    #[serde(skip)]
    pub label: String,
    /// WATT, minutes.
    #[serde(serialize_with = "rn::<3, _>")]
    pub watt_min: f64,
    /// Its region.
    pub region: String,
}

/// The inequality of WATT.
#[derive(Debug, Clone, Serialize)]
pub struct EquityWatt {
    /// The measure (`watt_min`).
    pub measure: &'static str,
    /// Coefficient of variation.
    #[serde(serialize_with = "rn::<6, _>")]
    pub cv: f64,
    /// Gini.
    #[serde(serialize_with = "rn::<6, _>")]
    pub gini: f64,
    /// Population-weighted Gini.
    #[serde(serialize_with = "rn::<6, _>")]
    pub gini_weighted: f64,
    /// Theil T.
    #[serde(serialize_with = "rn::<8, _>")]
    pub theil_total: f64,
    /// Its within-region part.
    #[serde(serialize_with = "rn::<8, _>")]
    pub theil_within: f64,
    /// Its between-region part.
    #[serde(serialize_with = "rn::<8, _>")]
    pub theil_between: f64,
    /// The between part's share of the total (0 for a zero total).
    #[serde(skip)]
    pub between_share: f64,
    /// The worst decile.
    pub lagging: Vec<LagRow>,
}

/// One unit of the corridor profile.
#[derive(Debug, Clone, Serialize)]
pub struct CorridorRow {
    /// Code.
    pub code: String,
    /// Position along the axis.
    #[serde(serialize_with = "rn::<5, _>")]
    pub position: f64,
    /// Detour ratio.
    #[serde(serialize_with = "rn::<5, _>")]
    pub detour_ratio: f64,
    /// Name and Chinese name.
    #[serde(skip)]
    pub label: String,
    /// Population, 10⁴ people.
    #[serde(skip)]
    pub pop_10k: f64,
    /// WATT, minutes.
    #[serde(skip)]
    pub watt_min: Option<f64>,
}

/// One of the strongest linkages.
#[derive(Debug, Clone, Serialize)]
pub struct LinkRow {
    /// From (code).
    pub from: String,
    /// To (code).
    pub to: String,
    /// Name and Chinese name of `from`.
    #[serde(skip)]
    pub from_label: String,
    /// Name and Chinese name of `to`.
    #[serde(skip)]
    pub to_label: String,
    /// R.
    #[serde(serialize_with = "rn::<6, _>")]
    pub r: f64,
    /// Strength class.
    pub class: &'static str,
}

/// Shares of all unit-to-unit minutes.
#[derive(Debug, Clone, Serialize)]
pub struct MinutesShare {
    /// On links with timetable times.
    #[serde(serialize_with = "rn::<5, _>")]
    pub timetable: f64,
    /// On links with estimated times.
    #[serde(serialize_with = "rn::<5, _>")]
    pub estimate: f64,
    /// Station access/egress assumptions.
    #[serde(serialize_with = "rn::<5, _>")]
    pub penalty: f64,
}

/// What the figures rest on.
#[derive(Debug, Clone, Serialize)]
pub struct Caveats {
    /// Shares of the minutes by source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes_share: Option<MinutesShare>,
    /// Codes of the units without GDP.
    pub gdp_missing: Vec<String>,
    /// `Name (code)` of the units without GDP.
    #[serde(skip)]
    pub gdp_missing_names: Vec<String>,
    /// GDP figures per year.
    pub gdp_years: BTreeMap<i32, usize>,
    /// Units whose interior point stands in for a seat.
    #[serde(skip)]
    pub interior_seats: usize,
    /// Whether the units are the embedded default data.
    #[serde(skip)]
    pub embedded: bool,
}

/// How the strongest linkages were computed.
#[derive(Debug, Clone, Serialize)]
pub struct GravityNote {
    /// b.
    pub b: f64,
    /// D.
    pub distance: &'static str,
    /// D's unit.
    pub unit: &'static str,
}

/// The report of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The study's name.
    pub study: String,
    /// The units file.
    pub units_file: String,
    /// The links file.
    pub links_file: String,
    /// The study file.
    pub study_file: String,
    /// The network.
    pub network: &'static str,
    /// The scenario, in words.
    pub scenario: String,
    /// The mass.
    pub mass: &'static str,
    /// The mass with its unit.
    #[serde(skip)]
    pub mass_text: &'static str,
    /// The bands, minutes.
    pub bands_min: Vec<f64>,
    /// The cores' names.
    #[serde(skip)]
    pub core_names: Vec<String>,
    /// Headline figures.
    pub headline: Headline,
    /// By planning region.
    pub regions: Vec<RegionRow>,
    /// The inequality of WATT.
    pub equity_watt: Option<EquityWatt>,
    /// The corridor, along the axis.
    pub corridor_profile: Vec<CorridorRow>,
    /// The gravity model.
    #[serde(skip)]
    pub gravity: GravityNote,
    /// The ten strongest linkages.
    pub strongest_linkages: Vec<LinkRow>,
    /// Caveats.
    pub caveats: Caveats,
    /// Layers not written, with why.
    pub not_written: Vec<String>,
    /// Every unit's code, in order.
    pub unit_ids: Vec<String>,
}

fn f1(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{x:.1}"))
}

impl Report {
    /// Gather the report of an analysis: `st` its linkage, `skipped` the layers left out,
    /// `parts` the split of every time (none for the composite network).
    pub fn build(
        an: &Analysis<'_>,
        st: &Linkage,
        skipped: &[String],
        parts: Option<&[Vec<Option<TimeParts>>]>,
    ) -> Report {
        let region = &an.inputs.region;
        let study = &an.inputs.study;
        let bands = &an.options.bands;
        let all = Totals::of(region, region.units.iter().map(|u| u.id));
        let core_pair = match an.cores.as_slice() {
            [a, b, ..] => Some((a.name.clone(), b.name.clone())),
            _ => None,
        };
        let reach_rows: Vec<ReachRow> = an
            .cores
            .iter()
            .flat_map(|c| {
                bands.iter().map(|&b| {
                    let r = reach(region, c, b);
                    let (ps, _, _) = r.totals.shares(&all);
                    ReachRow {
                        core: c.name.clone(),
                        band_min: b,
                        units: r.totals.units,
                        pop_10k: r.totals.pop_10k,
                        pop_share: ps,
                    }
                })
            })
            .collect();
        let overlap_rows: Vec<OverlapRow> = match an.cores.as_slice() {
            [ca, cb, ..] => bands
                .iter()
                .map(|&b| {
                    let o = overlap(region, ca, cb, b);
                    OverlapRow {
                        band_min: b,
                        units_both: o.both.len(),
                        pop_both_10k: o.both_totals.pop_10k,
                        jaccard: o.jaccard,
                        units_neither: o.neither.len(),
                        neither_names: o
                            .neither
                            .iter()
                            .map(|u| an.options.lang.label(region.unit(*u)).to_string())
                            .collect(),
                    }
                })
                .collect(),
            _ => vec![],
        };
        let watts: Vec<f64> = an.watt.iter().flatten().copied().collect();
        let corridor = an.corridor.as_ref().map(|c| {
            let (ps, gs, _) = crate::measures::corridor::shares(region, c);
            CorridorHead {
                epsilon: c.epsilon,
                units: c
                    .units
                    .iter()
                    .map(|u| region.unit(u.unit).code.clone())
                    .collect(),
                pop_share: ps,
                gdp_share: gs,
            }
        });
        let headline = Headline {
            unit_count: region.len(),
            population_10k_total: all.pop_10k,
            gdp_100m_cny_total: all.gdp_100m_cny,
            gdp_units: all.units - all.gdp_missing,
            gdp_years: crate::export::gdp_years(region),
            t_core_to_core_min: match (&an.corridor, &core_pair) {
                (Some(c), Some(_)) => Some(c.t_ab),
                _ => None,
            },
            core_pair,
            corridor,
            reach: reach_rows,
            overlap: overlap_rows,
            watt_mean_min: mean(&watts),
            watt_units: watts.len(),
        };

        let groups = group_labels(region, GroupBy::Region);
        let mut names: Vec<String> = groups
            .iter()
            .map(|g| g.clone().unwrap_or_else(|| "(none)".into()))
            .collect();
        names.sort();
        names.dedup();
        let regions = names
            .iter()
            .map(|g| {
                let ids: Vec<usize> = (0..region.len())
                    .filter(|&i| groups[i].clone().unwrap_or_else(|| "(none)".into()) == *g)
                    .collect();
                RegionRow {
                    region: g.clone(),
                    units: ids.len(),
                    pop_10k: ids.iter().map(|&i| region.units[i].population_10k).sum(),
                    watt_mean_min: mean(
                        &ids.iter().filter_map(|&i| an.watt[i]).collect::<Vec<_>>(),
                    ),
                    t_core_mean_min: an
                        .cores
                        .iter()
                        .map(|c| {
                            (
                                format!("t_{}_min", c.key),
                                mean(
                                    &ids.iter()
                                        .filter_map(|&i| c.times[i].map(|t| t.0))
                                        .collect::<Vec<_>>(),
                                ),
                            )
                        })
                        .collect(),
                }
            })
            .collect();

        let equity_watt = an
            .equity(&an.watt, GroupBy::Region, Better::Lower)
            .ok()
            .map(|e| EquityWatt {
                measure: "watt_min",
                cv: e.cv,
                gini: e.gini,
                gini_weighted: e.gini_weighted,
                theil_total: e.theil.total,
                theil_within: e.theil.within,
                theil_between: e.theil.between,
                between_share: e.theil.between_share(),
                lagging: e
                    .lagging
                    .iter()
                    .map(|l| {
                        let u = region.unit(l.unit);
                        LagRow {
                            code: u.code.clone(),
                            name: u.name.clone(),
                            label: u.label_both(),
                            watt_min: l.value,
                            region: l.group.clone(),
                        }
                    })
                    .collect(),
            });

        let corridor_profile = match (&an.corridor, an.cores.len() >= 2) {
            (Some(c), true) => c
                .units
                .iter()
                .map(|u| {
                    let x = region.unit(u.unit);
                    CorridorRow {
                        code: x.code.clone(),
                        position: u.position,
                        detour_ratio: u.detour,
                        label: x.label_both(),
                        pop_10k: x.population_10k,
                        watt_min: an.watt[u.unit.index()],
                    }
                })
                .collect(),
            _ => vec![],
        };

        let strongest_linkages = st
            .place_gravity
            .strongest(10)
            .iter()
            .map(|l| {
                let (f, t) = (st.places.region.unit(l.from), st.places.region.unit(l.to));
                LinkRow {
                    from: f.code.clone(),
                    to: t.code.clone(),
                    from_label: f.label_both(),
                    to_label: t.label_both(),
                    r: l.r,
                    class: l.class.as_str(),
                }
            })
            .collect();

        let minutes_share = parts.and_then(|p| {
            let (mut tt, mut es, mut pe) = (0.0, 0.0, 0.0);
            for row in p {
                for x in row.iter().flatten() {
                    tt += x.timetable;
                    es += x.estimate;
                    pe += x.penalty;
                }
            }
            let tot = tt + es + pe;
            (tot > 0.0).then(|| MinutesShare {
                timetable: tt / tot,
                estimate: es / tot,
                penalty: pe / tot,
            })
        });
        let mut gdp_years: BTreeMap<i32, usize> = BTreeMap::new();
        for u in &region.units {
            if let (Some(_), Some(y)) = (u.gdp_100m_cny, u.gdp_year) {
                *gdp_years.entry(y).or_default() += 1;
            }
        }
        let missing: Vec<&crate::model::Unit> = region
            .units
            .iter()
            .filter(|u| u.gdp_100m_cny.is_none())
            .collect();
        let caveats = Caveats {
            minutes_share,
            gdp_missing: missing.iter().map(|u| u.code.clone()).collect(),
            gdp_missing_names: missing
                .iter()
                .map(|u| format!("{} ({})", u.name, u.code))
                .collect(),
            gdp_years,
            interior_seats: region
                .units
                .iter()
                .filter(|u| u.seat_source == SeatSource::InteriorPoint)
                .count(),
            embedded: region
                .source
                .starts_with(crate::load::dataset::EMBEDDED_PREFIX),
        };
        let gp = st.place_gravity.params();
        Report {
            study: study.name.clone(),
            units_file: region.source.clone(),
            links_file: an.inputs.links_file.clone(),
            study_file: an.inputs.study_file.clone(),
            network: an.options.network.as_str(),
            scenario: an.scenario.clone(),
            mass: an.options.mass.as_str(),
            mass_text: an.options.mass.describe(),
            bands_min: bands.clone(),
            core_names: an.cores.iter().map(|c| c.name.clone()).collect(),
            headline,
            regions,
            equity_watt,
            corridor_profile,
            gravity: GravityNote {
                b: gp.b,
                distance: gp.distance.as_str(),
                unit: gp.distance.unit(),
            },
            strongest_linkages,
            caveats,
            not_written: skipped.to_vec(),
            unit_ids: region.units.iter().map(|u| u.code.clone()).collect(),
        }
    }

    /// The report as pretty-printed JSON (with a final newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report serialises") + "\n"
    }

    /// The report in Markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let mut w = |s: String| {
            md.push_str(&s);
            md.push('\n');
        };
        let h = &self.headline;
        w(format!("# {} — regionlink report", self.study));
        w(String::new());
        w(format!(
            "{} units from `{}`, links from `{}`, study `{}`; the **{}** network with {}. Times in minutes, population in 10⁴ people, GDP in 10⁸ yuan.",
            h.unit_count,
            self.units_file,
            self.links_file,
            self.study_file,
            self.network,
            self.scenario
        ));
        w(String::new());
        w("## Headline figures".into());
        w(String::new());
        w(format!(
            "- Population {:.1} (10⁴ people); GDP {:.0} (10⁸ yuan) for {} of {} units ({}).",
            h.population_10k_total, h.gdp_100m_cny_total, h.gdp_units, h.unit_count, h.gdp_years
        ));
        if let (Some(t), Some((a, b))) = (h.t_core_to_core_min, &h.core_pair) {
            w(format!(
                "- {a} ↔ {b}: **{t:.1} min** seat to seat (station access and egress included)."
            ));
        }
        for c in &self.core_names {
            let parts: Vec<String> = h
                .reach
                .iter()
                .filter(|r| &r.core == c)
                .map(|r| {
                    format!(
                        "{} units / {:.1} % of the population within {} min",
                        r.units,
                        r.pop_share.unwrap_or(0.0) * 100.0,
                        r.band_min
                    )
                })
                .collect();
            w(format!("- Reach of {c}: {}.", parts.join("; ")));
        }
        if let Some(o) = h.overlap.last() {
            w(format!(
                "- Within {} min, {} units are reached from both cores (Jaccard {:.2}); {} from neither: {}.",
                o.band_min,
                o.units_both,
                o.jaccard.unwrap_or(0.0),
                o.units_neither,
                if o.neither_names.is_empty() {
                    "none".to_string()
                } else {
                    o.neither_names.join(", ")
                }
            ));
        }
        w(format!(
            "- Weighted average travel time (mass: {}): mean {} min over {} units.",
            self.mass_text,
            f1(h.watt_mean_min),
            h.watt_units
        ));
        if let Some(c) = &h.corridor {
            w(format!(
                "- Corridor (ε = {}): {} units, {:.1} % of the population, {} of the GDP.",
                c.epsilon,
                c.units.len(),
                c.pop_share * 100.0,
                c.gdp_share
                    .map_or("–".into(), |g| format!("{:.1} %", g * 100.0))
            ));
        }

        w(String::new());
        w("## By region".into());
        w(String::new());
        let mut hdr = vec![
            "region".to_string(),
            "units".into(),
            "pop (10⁴)".into(),
            "mean WATT (min)".into(),
        ];
        hdr.extend(
            self.core_names
                .iter()
                .map(|c| format!("mean time to {c} (min)")),
        );
        w(format!("| {} |", hdr.join(" | ")));
        w(format!("|{}", " --- |".repeat(hdr.len())));
        for r in &self.regions {
            let mut cells = vec![
                r.region.clone(),
                r.units.to_string(),
                format!("{:.1}", r.pop_10k),
                f1(r.watt_mean_min),
            ];
            cells.extend(r.t_core_mean_min.iter().map(|(_, m)| f1(*m)));
            w(format!("| {} |", cells.join(" | ")));
        }
        if let Some(e) = &self.equity_watt {
            w(String::new());
            w(format!(
                "Inequality of WATT across units: CV {:.3}, Gini {:.3} (population-weighted {:.3}), Theil T {:.5} = within regions {:.5} + between regions {:.5} ({:.0} % between).",
                e.cv,
                e.gini,
                e.gini_weighted,
                e.theil_total,
                e.theil_within,
                e.theil_between,
                e.between_share * 100.0
            ));
            w(String::new());
            w("## Lagging units".into());
            w(String::new());
            w("The worst decile by WATT:".into());
            w(String::new());
            w("| code | unit | region | WATT (min) |".into());
            w("| --- | --- | --- | --- |".into());
            for l in &e.lagging {
                w(format!(
                    "| {} | {} | {} | {:.1} |",
                    l.code, l.label, l.region, l.watt_min
                ));
            }
        }

        if let (Some(c), Some((a, b))) = (&h.corridor, &h.core_pair) {
            w(String::new());
            w("## The corridor profile".into());
            w(String::new());
            w(format!(
                "Units with T({a}→i) + T(i→{b}) ≤ (1 + {})·{:.1} min, ordered along the axis:",
                c.epsilon,
                h.t_core_to_core_min.unwrap_or_default()
            ));
            w(String::new());
            w("| position | unit | detour ratio | pop (10⁴) | WATT (min) |".into());
            w("| --- | --- | --- | --- | --- |".into());
            for u in &self.corridor_profile {
                w(format!(
                    "| {:.3} | {} | {:.3} | {:.1} | {} |",
                    u.position,
                    u.label,
                    u.detour_ratio,
                    u.pop_10k,
                    f1(u.watt_min)
                ));
            }
        }

        w(String::new());
        w("## Strongest linkages".into());
        w(String::new());
        w(format!(
            "Gravity R = K·M_i·M_j / D^{} (M: {}, D: {} in {}):",
            self.gravity.b, self.mass_text, self.gravity.distance, self.gravity.unit
        ));
        w(String::new());
        w("| rank | from | to | R | class |".into());
        w("| --- | --- | --- | --- | --- |".into());
        for (k, l) in self.strongest_linkages.iter().enumerate() {
            w(format!(
                "| {} | {} | {} | {:.3} | {} |",
                k + 1,
                l.from_label,
                l.to_label,
                l.r,
                l.class
            ));
        }

        w(String::new());
        w("## Data caveats".into());
        w(String::new());
        let cv = &self.caveats;
        if let Some(s) = &cv.minutes_share {
            w(format!(
                "- Of all unit-to-unit minutes, {:.0} % are on links with timetable times, {:.0} % on links with estimated times (length ÷ assumed speed, planning targets, generated roads) and {:.0} % are station access/egress assumptions (`od_matrix.csv` splits every pair).",
                s.timetable * 100.0,
                s.estimate * 100.0,
                s.penalty * 100.0
            ));
        }
        let missing = if cv.gdp_missing_names.is_empty() {
            "GDP is given for every unit".to_string()
        } else {
            format!(
                "GDP is missing for {}: {}",
                crate::export::n_units(cv.gdp_missing.len()),
                cv.gdp_missing_names.join(", ")
            )
        };
        let years = match cv.gdp_years.len() {
            0 if cv.gdp_missing.len() == h.unit_count => String::new(),
            0 => "; the figures give no year".to_string(),
            1 => format!(
                "; the figures present are of {}",
                cv.gdp_years.keys().next().expect("one year")
            ),
            _ => format!(
                "; the figures present are of the years {}. GDP sums mix years",
                cv.gdp_years
                    .iter()
                    .map(|(y, n)| format!("{y} ({})", crate::export::n_units(*n)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        w(format!("- {missing}{years}."));
        if cv.interior_seats > 0 {
            w(format!(
                "- {} units have no seat in the data; their interior point stands in for it.",
                cv.interior_seats
            ));
        }
        if cv.embedded {
            w("- The default data: most link times are estimates and the expressway corridors and conventional lines R17–R19 are unverified; 3 of the 59 seats are low-confidence points; see data/PROVENANCE.md.".into());
            w(String::new());
            w(format!("Sources: {}", crate::load::dataset::ATTRIBUTION));
        }
        for s in &self.not_written {
            w(format!("- Not written: {s}"));
        }
        md
    }
}
