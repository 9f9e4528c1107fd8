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
use crate::model::{Lang, SeatSource};
use crate::route::TimeParts;

pub use crate::export::table::round;

/// The text of `lang`: `en` in English, `zh` in Chinese.
pub fn tr(lang: crate::model::Lang, en: &str, zh: &str) -> String {
    match lang {
        crate::model::Lang::En => en.to_string(),
        crate::model::Lang::Zh => zh.to_string(),
    }
}

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
    /// Their share of the population (`None` for a region without population).
    #[serde(serialize_with = "ro::<5, _>")]
    pub pop_share: Option<f64>,
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

/// The time between two cores under both conventions of time.
#[derive(Debug, Clone, Serialize)]
pub struct PairRow {
    /// The first core's key.
    pub from: String,
    /// The second core's key.
    pub to: String,
    /// Door-to-door minutes (station access, egress and transfers included); `null` when
    /// unreachable.
    #[serde(serialize_with = "ro::<2, _>")]
    pub door_to_door_min: Option<f64>,
    /// In-vehicle minutes, the same trip.
    #[serde(serialize_with = "ro::<2, _>")]
    pub in_vehicle_min: Option<f64>,
}

/// A core's reach within a band under one convention, or with the station times scaled.
#[derive(Debug, Clone, Serialize)]
pub struct ConventionReachRow {
    /// The core's key.
    pub core: String,
    /// `door-to-door` or `in-vehicle` (absent in the sensitivity table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<crate::model::TimeConvention>,
    /// The factor on the study's access, egress and transfer minutes (sensitivity table only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub station_factor: Option<f64>,
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

/// The headline under both conventions of time and its sensitivity to the station times
/// ([`crate::analysis::Headline`], rounded for the report).
#[derive(Debug, Clone, Serialize)]
pub struct Conventions {
    /// The network the figures are on.
    pub network: String,
    /// Every pair of cores.
    pub pairs: Vec<PairRow>,
    /// Per core, per convention (door-to-door first), per band of 60, 120, 180 min.
    pub reach: Vec<ConventionReachRow>,
    /// Per core, the 60-min reach door-to-door with the station times ×0, ×0.5, ×1.
    pub sensitivity: Vec<ConventionReachRow>,
    /// Core key → name in the report's language.
    #[serde(skip)]
    pub labels: Vec<(String, String)>,
}

impl Conventions {
    /// The rounded rows of `h`; names in `lang`.
    pub fn of(h: &crate::analysis::Headline, region: &crate::model::Region, lang: Lang) -> Self {
        let all = Totals::of(region, region.units.iter().map(|u| u.id));
        let row = |core: &str,
                   time: Option<crate::model::TimeConvention>,
                   station_factor: Option<f64>,
                   band_min: f64,
                   t: &Totals| {
            let (ps, _, _) = t.shares(&all);
            ConventionReachRow {
                core: core.to_string(),
                time,
                station_factor,
                band_min,
                units: t.units,
                pop_10k: t.pop_10k,
                pop_share: ps,
            }
        };
        Conventions {
            network: h.network.as_str().to_string(),
            pairs: h
                .pairs
                .iter()
                .map(|p| PairRow {
                    from: p.from.clone(),
                    to: p.to.clone(),
                    door_to_door_min: p.door_to_door_min,
                    in_vehicle_min: p.in_vehicle_min,
                })
                .collect(),
            reach: h
                .reach
                .iter()
                .map(|r| row(&r.core, Some(r.time), None, r.band_min, &r.totals))
                .collect(),
            sensitivity: h
                .sensitivity
                .iter()
                .map(|r| row(&r.core, None, Some(r.factor), r.band_min, &r.totals))
                .collect(),
            labels: h
                .cores
                .iter()
                .map(|(k, en, zh)| (k.clone(), lang.pick(en, zh.as_deref()).to_string()))
                .collect(),
        }
    }

    /// A core's name from its key.
    pub fn label(&self, key: &str) -> String {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| key.to_string(), |(_, n)| n.clone())
    }

    /// The reach row of `core`, `time`, `band`.
    fn reach(
        &self,
        core: &str,
        time: crate::model::TimeConvention,
        band: f64,
    ) -> Option<&ConventionReachRow> {
        self.reach
            .iter()
            .find(|r| r.core == core && r.time == Some(time) && r.band_min == band)
    }
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
    /// The headline under both conventions of time (set by [`Report::set_conventions`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline_conventions: Option<Conventions>,
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
    /// The language of the text (`en`, `zh`).
    pub lang: &'static str,
    /// The maps of the report (files beside it).
    pub figures: Vec<FigureRef>,
    /// The cores' names in the report's language.
    #[serde(skip)]
    pub core_labels: Vec<String>,
    /// The report's language.
    #[serde(skip)]
    pub language: Lang,
}

/// A map of the report: the SVG file beside it and its title.
#[derive(Debug, Clone, Serialize)]
pub struct FigureRef {
    /// The file (`map_watt.svg`).
    pub file: String,
    /// The title.
    pub title: String,
}

/// One block of the report's text, rendered to Markdown ([`Report::to_markdown`]) and HTML
/// ([`Report::to_html`]). Text may hold `**bold**` and `` `code` ``.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The title.
    Title(String),
    /// A section heading.
    Heading(String),
    /// A paragraph.
    Para(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table: the header and the rows.
    Table(Vec<String>, Vec<Vec<String>>),
    /// A map: the file and its title.
    Figure(String, String),
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
            headline_conventions: None,
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
            lang: an.options.lang.as_str(),
            figures: Vec::new(),
            core_labels: an
                .cores
                .iter()
                .map(|c| c.label(an.options.lang).to_string())
                .collect(),
            language: an.options.lang,
        }
    }

    /// Add the headline under both conventions of time (`regionlink run` computes it).
    pub fn set_conventions(
        &mut self,
        h: &crate::analysis::Headline,
        region: &crate::model::Region,
    ) {
        self.headline_conventions = Some(Conventions::of(h, region, self.language));
    }

    /// Name the maps that the report shows (see [`crate::export::maps`]).
    pub fn set_figures(&mut self, figures: &[crate::export::maps::Figure]) {
        self.figures = figures
            .iter()
            .map(|f| FigureRef {
                file: f.file.clone(),
                title: f.title.clone(),
            })
            .collect();
    }

    /// A core's name in the report's language.
    fn core_label(&self, name: &str) -> String {
        self.core_names
            .iter()
            .position(|c| c == name)
            .and_then(|i| self.core_labels.get(i).cloned())
            .unwrap_or_else(|| name.to_string())
    }

    /// The report as pretty-printed JSON (with a final newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report serialises") + "\n"
    }

    /// The report as blocks of text in its language (see [`Block`]).
    pub fn blocks(&self) -> Vec<Block> {
        let l = self.language;
        let t = |en: &str, zh: &str| tr(l, en, zh);
        let mut b = Vec::new();
        let h = &self.headline;
        b.push(Block::Title(t(
            &format!("{} — regionlink report", self.study),
            &format!("{} — regionlink 报告", self.study),
        )));
        b.push(Block::Para(t(
            &format!(
                "{} units from `{}`, links from `{}`, study `{}`; the **{}** network with {}. Times in minutes, population in 10⁴ people, GDP in 10⁸ yuan.",
                h.unit_count, self.units_file, self.links_file, self.study_file, self.network, self.scenario
            ),
            &format!(
                "{} 个单元，来自 `{}`；线路来自 `{}`；研究设定 `{}`；**{}** 网络，{}。时间单位为分钟，人口为万人，GDP 为亿元。",
                h.unit_count, self.units_file, self.links_file, self.study_file, self.network, self.scenario
            ),
        )));
        b.push(Block::Heading(t("Headline figures", "主要数据")));
        b.push(Block::List(self.headline_lines(true)));
        if let Some(cv) = &self.headline_conventions {
            b.extend(self.convention_blocks(cv));
        }
        let fig = |b: &mut Vec<Block>, file: &str| {
            if let Some(f) = self.figures.iter().find(|f| f.file == file) {
                b.push(Block::Figure(f.file.clone(), f.title.clone()));
            }
        };
        fig(&mut b, "map_watt.svg");
        for f in self
            .figures
            .iter()
            .filter(|f| f.file.starts_with("map_isochrones_"))
        {
            b.push(Block::Figure(f.file.clone(), f.title.clone()));
        }

        b.push(Block::Heading(t("By region", "分区")));
        let mut hdr = vec![
            t("region", "分区"),
            t("units", "单元数"),
            t("pop (10⁴)", "人口 (万人)"),
            t("mean WATT (min)", "平均 WATT (分钟)"),
        ];
        hdr.extend(self.core_names.iter().map(|c| {
            let c = self.core_label(c);
            t(
                &format!("mean time to {c} (min)"),
                &format!("到{c}平均时间 (分钟)"),
            )
        }));
        let rows = self
            .regions
            .iter()
            .map(|r| {
                let mut cells = vec![
                    r.region.clone(),
                    r.units.to_string(),
                    format!("{:.1}", r.pop_10k),
                    f1(r.watt_mean_min),
                ];
                cells.extend(r.t_core_mean_min.iter().map(|(_, m)| f1(*m)));
                cells
            })
            .collect();
        b.push(Block::Table(hdr, rows));
        if let Some(e) = &self.equity_watt {
            b.push(Block::Para(t(
                &format!(
                    "Inequality of WATT across units: CV {:.3}, Gini {:.3} (population-weighted {:.3}), Theil T {:.5} = within regions {:.5} + between regions {:.5} ({:.0} % between).",
                    e.cv, e.gini, e.gini_weighted, e.theil_total, e.theil_within, e.theil_between, e.between_share * 100.0
                ),
                &format!(
                    "各单元 WATT 的不均衡：变异系数 {:.3}，基尼系数 {:.3}（人口加权 {:.3}），泰尔指数 T {:.5} = 区内 {:.5} + 区间 {:.5}（区间占 {:.0} %）。",
                    e.cv, e.gini, e.gini_weighted, e.theil_total, e.theil_within, e.theil_between, e.between_share * 100.0
                ),
            )));
            b.push(Block::Heading(t("Lagging units", "滞后单元")));
            b.push(Block::Para(t(
                "The worst decile by WATT:",
                "WATT 最差的十分之一：",
            )));
            b.push(Block::Table(
                vec![
                    t("code", "代码"),
                    t("unit", "单元"),
                    t("region", "分区"),
                    t("WATT (min)", "WATT (分钟)"),
                ],
                e.lagging
                    .iter()
                    .map(|x| {
                        vec![
                            x.code.clone(),
                            x.label.clone(),
                            x.region.clone(),
                            format!("{:.1}", x.watt_min),
                        ]
                    })
                    .collect(),
            ));
        }

        if let (Some(c), Some((a, bb))) = (&h.corridor, &h.core_pair) {
            let (a, bb) = (self.core_label(a), self.core_label(bb));
            b.push(Block::Heading(t("The corridor profile", "走廊剖面")));
            b.push(Block::Para(t(
                &format!(
                    "Units with T({a}→i) + T(i→{bb}) ≤ (1 + {})·{:.1} min, ordered along the axis:",
                    c.epsilon,
                    h.t_core_to_core_min.unwrap_or_default()
                ),
                &format!(
                    "满足 T({a}→i) + T(i→{bb}) ≤ (1 + {})·{:.1} 分钟的单元，沿轴排列：",
                    c.epsilon,
                    h.t_core_to_core_min.unwrap_or_default()
                ),
            )));
            b.push(Block::Table(
                vec![
                    t("position", "位置"),
                    t("unit", "单元"),
                    t("detour ratio", "绕行比"),
                    t("pop (10⁴)", "人口 (万人)"),
                    t("WATT (min)", "WATT (分钟)"),
                ],
                self.corridor_profile
                    .iter()
                    .map(|u| {
                        vec![
                            format!("{:.3}", u.position),
                            u.label.clone(),
                            format!("{:.3}", u.detour_ratio),
                            format!("{:.1}", u.pop_10k),
                            f1(u.watt_min),
                        ]
                    })
                    .collect(),
            ));
            fig(&mut b, "map_corridor.svg");
        }

        b.push(Block::Heading(t("Strongest linkages", "最强联系")));
        b.push(Block::Para(t(
            &format!(
                "Gravity R = K·M_i·M_j / D^{} (M: {}, D: {} in {}):",
                self.gravity.b, self.mass_text, self.gravity.distance, self.gravity.unit
            ),
            &format!(
                "引力 R = K·M_i·M_j / D^{}（M：{}；D：{}，单位 {}）：",
                self.gravity.b, self.mass_text, self.gravity.distance, self.gravity.unit
            ),
        )));
        b.push(Block::Table(
            vec![
                t("rank", "排名"),
                t("from", "起"),
                t("to", "止"),
                "R".into(),
                t("class", "等级"),
            ],
            self.strongest_linkages
                .iter()
                .enumerate()
                .map(|(k, x)| {
                    vec![
                        (k + 1).to_string(),
                        x.from_label.clone(),
                        x.to_label.clone(),
                        format!("{:.3}", x.r),
                        x.class.to_string(),
                    ]
                })
                .collect(),
        ));
        fig(&mut b, "map_linkage.svg");
        fig(&mut b, "map_links.svg");

        b.push(Block::Heading(t("Data caveats", "数据说明")));
        let cv = &self.caveats;
        let mut items = Vec::new();
        if let Some(s) = &cv.minutes_share {
            items.push(t(
                &format!(
                    "Of all unit-to-unit minutes, {:.0} % are on links with timetable times, {:.0} % on links with estimated times (length ÷ assumed speed, planning targets, generated roads) and {:.0} % are station access/egress assumptions (`od_matrix.csv` splits every pair).",
                    s.timetable * 100.0, s.estimate * 100.0, s.penalty * 100.0
                ),
                &format!(
                    "全部单元间出行分钟中，{:.0} % 在有时刻表时间的线路上，{:.0} % 在估算时间的线路上（长度 ÷ 假定速度、规划目标、生成的道路），{:.0} % 为进出站假定时间（`od_matrix.csv` 逐对拆分）。",
                    s.timetable * 100.0, s.estimate * 100.0, s.penalty * 100.0
                ),
            ));
        }
        let missing = if cv.gdp_missing_names.is_empty() {
            t("GDP is given for every unit", "所有单元均有 GDP")
        } else {
            t(
                &format!(
                    "GDP is missing for {}: {}",
                    crate::export::n_units(cv.gdp_missing.len()),
                    cv.gdp_missing_names.join(", ")
                ),
                &format!(
                    "{} 个单元缺少 GDP：{}",
                    cv.gdp_missing.len(),
                    cv.gdp_missing_names.join("，")
                ),
            )
        };
        let years = match cv.gdp_years.len() {
            0 if cv.gdp_missing.len() == h.unit_count => String::new(),
            0 => t("; the figures give no year", "；数据未注明年份"),
            1 => {
                let y = cv.gdp_years.keys().next().expect("one year");
                t(
                    &format!("; the figures present are of {y}"),
                    &format!("；现有数据为 {y} 年"),
                )
            }
            _ => {
                let list = cv
                    .gdp_years
                    .iter()
                    .map(|(y, n)| match l {
                        Lang::En => format!("{y} ({})", crate::export::n_units(*n)),
                        Lang::Zh => format!("{y}（{n} 个单元）"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                t(
                    &format!("; the figures present are of the years {list}. GDP sums mix years"),
                    &format!("；现有数据年份为 {list}，GDP 合计混合了不同年份"),
                )
            }
        };
        items.push(format!("{missing}{years}{}", t(".", "。")));
        if cv.interior_seats > 0 {
            items.push(t(
                &format!(
                    "{} units have no seat in the data; their interior point stands in for it.",
                    cv.interior_seats
                ),
                &format!("{} 个单元数据中无驻地，以其内部点代替。", cv.interior_seats),
            ));
        }
        if cv.embedded {
            items.push(t(
                "The default data: most link times are estimates and the expressway corridors and conventional lines R17–R19 are unverified; 3 of the 59 seats are low-confidence points; see data/PROVENANCE.md.",
                "默认数据：多数线路时间为估算值，高速公路走廊及普速铁路 R17–R19 未经核实；59 个驻地中有 3 个为低可信度点位；详见 data/PROVENANCE.md。",
            ));
        }
        for s in &self.not_written {
            items.push(t(&format!("Not written: {s}"), &format!("未写出：{s}")));
        }
        b.push(Block::List(items));
        if cv.embedded {
            b.push(Block::Para(format!(
                "{}{}",
                t("Sources: ", "来源："),
                crate::load::dataset::ATTRIBUTION
            )));
        }
        b
    }

    /// The core-to-core times and each core's 1/2/3-hour reach, door-to-door and in-vehicle.
    fn convention_lines(&self, cv: &Conventions, markdown: bool) -> Vec<String> {
        use crate::model::TimeConvention::{DoorToDoor, InVehicle};
        let l = self.language;
        let t = |en: &str, zh: &str| tr(l, en, zh);
        let bold = |s: String| if markdown { format!("**{s}**") } else { s };
        let min = |x: Option<f64>| match (x, l) {
            (Some(x), Lang::En) => format!("{x:.1} min"),
            (Some(x), Lang::Zh) => format!("{x:.1} 分钟"),
            (None, Lang::En) => "not reachable".to_string(),
            (None, Lang::Zh) => "不可达".to_string(),
        };
        let mut v = Vec::new();
        for p in &cv.pairs {
            let (a, b) = (cv.label(&p.from), cv.label(&p.to));
            v.push(t(
                &format!(
                    "{a} ↔ {b}: {} door-to-door (station access, egress and transfers included), {} in-vehicle.",
                    bold(min(p.door_to_door_min)),
                    min(p.in_vehicle_min)
                ),
                &format!(
                    "{a} ↔ {b}：门到门 {}（含进出站与换乘时间），车内 {}。",
                    bold(min(p.door_to_door_min)),
                    min(p.in_vehicle_min)
                ),
            ));
        }
        let mut keys: Vec<&str> = Vec::new();
        for r in &cv.reach {
            if !keys.contains(&r.core.as_str()) {
                keys.push(&r.core);
            }
        }
        for k in keys {
            let mut bands: Vec<f64> = Vec::new();
            for r in cv.reach.iter().filter(|r| r.core == k) {
                if !bands.contains(&r.band_min) {
                    bands.push(r.band_min);
                }
            }
            let cell = |r: Option<&ConventionReachRow>| match r {
                Some(r) => match l {
                    Lang::En => format!(
                        "{} ({})",
                        crate::export::n_units(r.units),
                        share_pct(r.pop_share)
                    ),
                    Lang::Zh => format!("{} 个单元（{}）", r.units, share_pct(r.pop_share)),
                },
                None => "–".to_string(),
            };
            let parts: Vec<String> = bands
                .iter()
                .map(|&b| {
                    let h = b / 60.0;
                    t(
                        &format!(
                            "{h} h: {} / {}",
                            cell(cv.reach(k, DoorToDoor, b)),
                            cell(cv.reach(k, InVehicle, b))
                        ),
                        &format!(
                            "{h} 小时：{} / {}",
                            cell(cv.reach(k, DoorToDoor, b)),
                            cell(cv.reach(k, InVehicle, b))
                        ),
                    )
                })
                .collect();
            let c = cv.label(k);
            v.push(t(
                &format!(
                    "Reach of {c}, door-to-door / in-vehicle (units, share of the population): {}.",
                    parts.join("; ")
                ),
                &format!(
                    "{c}的可达范围，门到门 / 车内（单元数，人口占比）：{}。",
                    parts.join("；")
                ),
            ));
        }
        v
    }

    /// The tables of the headline under both conventions and of its sensitivity.
    fn convention_blocks(&self, cv: &Conventions) -> Vec<Block> {
        use crate::model::TimeConvention::{DoorToDoor, InVehicle};
        let l = self.language;
        let t = |en: &str, zh: &str| tr(l, en, zh);
        let mut b = vec![Block::Heading(t(
            "Door-to-door and in-vehicle",
            "门到门与车内时间",
        ))];
        b.push(Block::Para(t(
            &format!(
                "On the {} network. Door-to-door counts seat to seat with the study's station access, egress and transfer minutes; in-vehicle counts minutes on board only, as most HSR accessibility papers do.",
                cv.network
            ),
            &format!(
                "{} 网络。门到门为驻地到驻地，含研究设定的进出站与换乘分钟；车内时间只计乘车分钟（多数高铁可达性文献的口径）。",
                cv.network
            ),
        )));
        let f1m = |x: Option<f64>| x.map_or("–".to_string(), |x| format!("{x:.1}"));
        if !cv.pairs.is_empty() {
            b.push(Block::Table(
                vec![
                    t("from", "起"),
                    t("to", "止"),
                    t("door-to-door (min)", "门到门 (分钟)"),
                    t("in-vehicle (min)", "车内 (分钟)"),
                ],
                cv.pairs
                    .iter()
                    .map(|p| {
                        vec![
                            cv.label(&p.from),
                            cv.label(&p.to),
                            f1m(p.door_to_door_min),
                            f1m(p.in_vehicle_min),
                        ]
                    })
                    .collect(),
            ));
        }
        let share = |r: Option<&ConventionReachRow>| {
            r.map_or("–".to_string(), |r| {
                format!(
                    "{} · {:.1} · {}",
                    r.units,
                    r.pop_10k,
                    share_pct(r.pop_share)
                )
            })
        };
        let mut rows = Vec::new();
        for (k, _) in &cv.labels {
            let mut bands: Vec<f64> = Vec::new();
            for r in cv.reach.iter().filter(|r| &r.core == k) {
                if !bands.contains(&r.band_min) {
                    bands.push(r.band_min);
                }
            }
            for band in bands {
                rows.push(vec![
                    cv.label(k),
                    format!("{band}"),
                    share(cv.reach(k, DoorToDoor, band)),
                    share(cv.reach(k, InVehicle, band)),
                ]);
            }
        }
        b.push(Block::Para(t(
            "Each core's reach (units · population 10⁴ · share of the population):",
            "各核心的可达范围（单元数 · 人口 万人 · 人口占比）：",
        )));
        b.push(Block::Table(
            vec![
                t("core", "核心"),
                t("within (min)", "时间内 (分钟)"),
                t("door-to-door", "门到门"),
                t("in-vehicle", "车内"),
            ],
            rows,
        ));
        let mut factors: Vec<f64> = Vec::new();
        for r in &cv.sensitivity {
            if let Some(f) = r.station_factor
                && !factors.contains(&f)
            {
                factors.push(f);
            }
        }
        let band = cv.sensitivity.first().map_or(60.0, |r| r.band_min);
        b.push(Block::Para(t(
            &format!(
                "How much the {band}-min reach depends on the assumed station times (access, egress and transfer minutes × factor; ×0 is in-vehicle, ×1 door-to-door):"
            ),
            &format!(
                "{band} 分钟可达范围对假定站点时间的敏感性（进出站与换乘分钟 × 系数；×0 即车内，×1 即门到门）："
            ),
        )));
        let mut hdr = vec![t("core", "核心")];
        hdr.extend(factors.iter().map(|f| format!("×{f}")));
        let rows = cv
            .labels
            .iter()
            .map(|(k, name)| {
                let mut r = vec![name.clone()];
                r.extend(factors.iter().map(|&f| {
                    share(
                        cv.sensitivity
                            .iter()
                            .find(|s| &s.core == k && s.station_factor == Some(f)),
                    )
                }));
                r
            })
            .collect();
        b.push(Block::Table(hdr, rows));
        b
    }

    /// The headline figures, one line each: the core-to-core time, each core's reach per band,
    /// mean WATT and its inequality, the corridor, population and GDP. `markdown` keeps the
    /// `**bold**` of the core-to-core time.
    pub fn headline_lines(&self, markdown: bool) -> Vec<String> {
        let l = self.language;
        let t = |en: &str, zh: &str| tr(l, en, zh);
        let h = &self.headline;
        let bold = |s: String| if markdown { format!("**{s}**") } else { s };
        let mut v = Vec::new();
        if let Some(cv) = &self.headline_conventions {
            v.extend(self.convention_lines(cv, markdown));
        } else {
            if let (Some(x), Some((a, b))) = (h.t_core_to_core_min, &h.core_pair) {
                let (a, b) = (self.core_label(a), self.core_label(b));
                v.push(t(
                    &format!(
                        "{a} ↔ {b}: {} seat to seat (station access and egress included).",
                        bold(format!("{x:.1} min"))
                    ),
                    &format!(
                        "{a} ↔ {b}：驻地间 {}（含进出站时间）。",
                        bold(format!("{x:.1} 分钟"))
                    ),
                ));
            }
            for c in &self.core_names {
                let parts: Vec<String> = h
                    .reach
                    .iter()
                    .filter(|r| &r.core == c)
                    .map(|r| {
                        t(
                            &format!(
                                "{} / {} of the population within {} min",
                                crate::export::n_units(r.units),
                                share_pct(r.pop_share),
                                r.band_min
                            ),
                            &format!(
                                "{} 分钟内 {} 个单元、{} 的人口",
                                r.band_min,
                                r.units,
                                share_pct(r.pop_share)
                            ),
                        )
                    })
                    .collect();
                let c = self.core_label(c);
                v.push(t(
                    &format!("Reach of {c}: {}.", parts.join("; ")),
                    &format!("{c}的可达范围：{}。", parts.join("；")),
                ));
            }
        }
        if let Some(o) = h.overlap.last() {
            let none = t("none", "无");
            let names = if o.neither_names.is_empty() {
                none
            } else {
                o.neither_names.join(", ")
            };
            v.push(t(
                &format!(
                    "Within {} min, {} reached from both cores (Jaccard {:.2}); {} from neither: {}.",
                    o.band_min,
                    crate::export::n_units(o.units_both),
                    o.jaccard.unwrap_or(0.0),
                    o.units_neither,
                    names
                ),
                &format!(
                    "{} 分钟内，两核心均可达 {} 个单元（Jaccard {:.2}）；均不可达 {} 个：{}。",
                    o.band_min,
                    o.units_both,
                    o.jaccard.unwrap_or(0.0),
                    o.units_neither,
                    names
                ),
            ));
        }
        let ineq = self.equity_watt.as_ref().map_or(String::new(), |e| {
            t(
                &format!(
                    "; inequality across units: CV {:.3}, Gini {:.3} (population-weighted {:.3})",
                    e.cv, e.gini, e.gini_weighted
                ),
                &format!(
                    "；单元间不均衡：变异系数 {:.3}，基尼系数 {:.3}（人口加权 {:.3}）",
                    e.cv, e.gini, e.gini_weighted
                ),
            )
        });
        v.push(t(
            &format!(
                "Weighted average travel time (WATT; mass: {}): mean {} min over {}{ineq}.",
                self.mass_text,
                f1(h.watt_mean_min),
                crate::export::n_units(h.watt_units)
            ),
            &format!(
                "加权平均出行时间 (WATT；质量：{})：{} 个单元平均 {} 分钟{ineq}。",
                self.mass_text,
                h.watt_units,
                f1(h.watt_mean_min)
            ),
        ));
        if let Some(c) = &h.corridor {
            let gdp = c
                .gdp_share
                .map_or("–".into(), |g| format!("{:.1} %", g * 100.0));
            v.push(t(
                &format!(
                    "Corridor (ε = {}): {}, {} of the population, {gdp} of the GDP.",
                    c.epsilon,
                    crate::export::n_units(c.units.len()),
                    share_pct(c.pop_share)
                ),
                &format!(
                    "走廊 (ε = {})：{} 个单元，占人口 {}、GDP {gdp}。",
                    c.epsilon,
                    c.units.len(),
                    share_pct(c.pop_share)
                ),
            ));
        }
        v.push(t(
            &format!(
                "Population {:.1} (10⁴ people); GDP {:.0} (10⁸ yuan) for {} of {} units ({}).",
                h.population_10k_total,
                h.gdp_100m_cny_total,
                h.gdp_units,
                h.unit_count,
                h.gdp_years
            ),
            &format!(
                "人口 {:.1} 万人；GDP {:.0} 亿元（{} 个单元中 {} 个有数据，{}）。",
                h.population_10k_total,
                h.gdp_100m_cny_total,
                h.unit_count,
                h.gdp_units,
                h.gdp_years
            ),
        ));
        v
    }

    /// The report in Markdown; maps as images beside it (`![title](map_watt.svg)`).
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        // Text from the inputs (a unit's name) must not break a line or a table: control
        // characters become spaces, and in tables `|` is escaped.
        let line = |s: &str| s.replace(|c: char| c.is_control(), " ");
        let cell = |s: &String| line(s).replace('|', "\\|");
        for (i, b) in self.blocks().iter().enumerate() {
            if i > 0 {
                md.push('\n');
            }
            match b {
                Block::Title(s) => md.push_str(&format!("# {}\n", line(s))),
                Block::Heading(s) => md.push_str(&format!("## {}\n", line(s))),
                Block::Para(s) => md.push_str(&format!("{}\n", line(s))),
                Block::List(items) => {
                    for it in items {
                        md.push_str(&format!("- {}\n", line(it)));
                    }
                }
                Block::Table(h, rows) => {
                    let row = |r: &Vec<String>| r.iter().map(cell).collect::<Vec<_>>().join(" | ");
                    md.push_str(&format!("| {} |\n", row(h)));
                    md.push_str(&format!("|{}\n", " --- |".repeat(h.len())));
                    for r in rows {
                        md.push_str(&format!("| {} |\n", row(r)));
                    }
                }
                Block::Figure(file, title) => md.push_str(&format!("![{title}]({file})\n")),
            }
        }
        md
    }

    /// The report as one self-contained HTML page: the same text, the maps inline (SVG), no
    /// script, font, style sheet or image from anywhere else.
    pub fn to_html(&self, figures: &[crate::export::maps::Figure]) -> String {
        crate::export::html::page(&self.blocks(), figures, self.language)
    }
}

/// A share of the population as a percentage with one decimal, or "–" when it is undefined
/// (a region of no population: 0 of 0).
fn share_pct(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_string(), |s| format!("{:.1} %", s * 100.0))
}
