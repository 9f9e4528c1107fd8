//! The reach of each core: which units, how many people, how much GDP and area lie within each
//! time band, and how the reach of two cores overlaps.

use serde::Serialize;

use crate::load::Study;
use crate::model::{Minutes, Region, UnitId};
use crate::network::Network;
use crate::route::{Dijkstra, matrix};

/// A core's travel times to every unit (a multi-source search from all of its units).
#[derive(Debug, Clone, Serialize)]
pub struct CoreTimes {
    /// The core's name (as in the study).
    pub name: String,
    /// The name's output key (`chengdu` in `t_chengdu_min`).
    pub key: String,
    /// The Chinese name, when the study gives one.
    pub name_zh: Option<String>,
    /// The core's units.
    pub units: Vec<UnitId>,
    /// Minutes from the nearest unit of the core to each unit; `None` = unreachable.
    pub times: Vec<Option<Minutes>>,
}

impl CoreTimes {
    /// The core's name in `lang`.
    pub fn label(&self, lang: crate::model::Lang) -> &str {
        lang.pick(&self.name, self.name_zh.as_deref())
    }
}

/// Travel times from every core of the study to every unit.
///
/// Each core is one multi-source Dijkstra search from all of its units at time 0, so a unit's
/// time is that from the core's nearest unit. Links are two-way, so this is also the time
/// *to* the core, except that a trip which changes between modes of different access and
/// egress times pays the first mode's access and the last one's egress: the two directions
/// then differ by at most the spread of (access − egress) over the modes (5 min in the
/// default study: HSR 25 − 15, rail 20 − 15).
///
/// # Complexity
/// One shortest-path tree per core: O(c · (V + E) log V).
pub fn core_times(net: &Network, region: &Region, study: &Study) -> Vec<CoreTimes> {
    let mut dj = Dijkstra::new(net.node_count());
    study
        .cores
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let units = c.units(region);
            let times = matrix::row_multi(&mut dj, net, &units, None);
            CoreTimes {
                name: c.name.clone(),
                key: study.core_key(i),
                name_zh: c.name_zh.clone(),
                units,
                times,
            }
        })
        .collect()
}

/// Totals of a set of units.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Number of units.
    pub units: usize,
    /// Population, 10⁴ people.
    pub pop_10k: f64,
    /// GDP of the units that have a figure, 10⁸ yuan.
    pub gdp_100m_cny: f64,
    /// Units without GDP among them.
    pub gdp_missing: usize,
    /// Area, km².
    pub area_km2: f64,
}

impl Totals {
    /// The totals of `units` of `region`.
    pub fn of(region: &Region, units: impl IntoIterator<Item = UnitId>) -> Totals {
        let mut t = Totals::default();
        for id in units {
            let u = region.unit(id);
            t.units += 1;
            t.pop_10k += u.population_10k;
            t.area_km2 += u.area_km2;
            match u.gdp_100m_cny {
                Some(g) => t.gdp_100m_cny += g,
                None => t.gdp_missing += 1,
            }
        }
        t
    }

    /// Shares of `whole`: (population, GDP, area), each in [0, 1]; a share of an empty whole
    /// is `None`. The GDP share is over the units that have GDP.
    pub fn shares(&self, whole: &Totals) -> (Option<f64>, Option<f64>, Option<f64>) {
        let s = |a: f64, b: f64| (b > 0.0).then(|| a / b);
        (
            s(self.pop_10k, whole.pop_10k),
            s(self.gdp_100m_cny, whole.gdp_100m_cny),
            s(self.area_km2, whole.area_km2),
        )
    }
}

/// The reach of one core within one band.
#[derive(Debug, Clone, Serialize)]
pub struct Reach {
    /// The core's name.
    pub core: String,
    /// The band, minutes.
    pub band_min: f64,
    /// The units with a time ≤ the band (the core's own units included), in unit order.
    pub units: Vec<UnitId>,
    /// Their totals.
    pub totals: Totals,
}

/// The units within `band` minutes of a core: every unit whose time is ≤ `band`.
///
/// # Arguments
/// - `region`: the units (for totals);
/// - `core`: the core's times ([`core_times`]);
/// - `band`: minutes.
///
/// # Returns
/// The reached units (in unit order) and their population (10⁴), GDP (10⁸ yuan, with how many
/// lack it) and area (km²).
///
/// # Examples
/// ```
/// # use regionlink::measures::reach::CoreTimes;
/// # use regionlink::{Minutes, UnitId};
/// let core = CoreTimes { name: "C".into(), key: "c".into(), name_zh: None, units: vec![UnitId(0)],
///     times: vec![Some(Minutes(0.0)), Some(Minutes(50.0)), Some(Minutes(70.0)), None] };
/// // Units at 0, 50, 70 min and one unreachable: within 60 min, the first two.
/// assert_eq!(regionlink::measures::reach::reached(&core, 60.0), vec![UnitId(0), UnitId(1)]);
/// ```
pub fn reach(region: &Region, core: &CoreTimes, band: f64) -> Reach {
    let units = reached(core, band);
    Reach {
        core: core.name.clone(),
        band_min: band,
        totals: Totals::of(region, units.iter().copied()),
        units,
    }
}

/// The units with a time ≤ `band` minutes, in unit order.
pub fn reached(core: &CoreTimes, band: f64) -> Vec<UnitId> {
    core.times
        .iter()
        .enumerate()
        .filter(|(_, t)| t.is_some_and(|t| t.0 <= band))
        .map(|(i, _)| UnitId(i as u32))
        .collect()
}

/// How the reach of two cores overlaps within one band.
#[derive(Debug, Clone, Serialize)]
pub struct Overlap {
    /// The band, minutes.
    pub band_min: f64,
    /// Units reached from both cores.
    pub both: Vec<UnitId>,
    /// Their totals.
    pub both_totals: Totals,
    /// Units reached from either.
    pub either: usize,
    /// Jaccard index |A ∩ B| / |A ∪ B| of the two reach sets (`None` when both are empty).
    pub jaccard: Option<f64>,
    /// Units reached by neither.
    pub neither: Vec<UnitId>,
}

/// The overlap of two cores' reach within `band` minutes.
///
/// Jaccard (1901) index J = |A ∩ B| / |A ∪ B| of the two sets of reached units.
///
/// # Examples
/// ```
/// # use regionlink::measures::reach::{CoreTimes};
/// # use regionlink::{Minutes, UnitId};
/// // Units 0..4; core A reaches {0, 1, 2} within 60, core B {2, 3}: J = 1/4.
/// let t = |v: [f64; 4]| v.iter().map(|&x| Some(Minutes(x))).collect::<Vec<_>>();
/// let a = CoreTimes { name: "A".into(), key: "a".into(), name_zh: None, units: vec![UnitId(0)], times: t([0.0, 30.0, 60.0, 90.0]) };
/// let b = CoreTimes { name: "B".into(), key: "b".into(), name_zh: None, units: vec![UnitId(3)], times: t([90.0, 70.0, 40.0, 0.0]) };
/// let (both, either) = regionlink::measures::reach::overlap_sets(&a, &b, 60.0);
/// assert_eq!(both, vec![UnitId(2)]);
/// assert_eq!(either, 4);
/// ```
pub fn overlap(region: &Region, a: &CoreTimes, b: &CoreTimes, band: f64) -> Overlap {
    let (both, either) = overlap_sets(a, b, band);
    let ra = reached(a, band);
    let rb = reached(b, band);
    let neither = (0..region.len() as u32)
        .map(UnitId)
        .filter(|u| !ra.contains(u) && !rb.contains(u))
        .collect();
    Overlap {
        band_min: band,
        both_totals: Totals::of(region, both.iter().copied()),
        jaccard: (either > 0).then(|| both.len() as f64 / either as f64),
        either,
        both,
        neither,
    }
}

/// The units reached from both cores, and the number reached from either.
pub fn overlap_sets(a: &CoreTimes, b: &CoreTimes, band: f64) -> (Vec<UnitId>, usize) {
    let ra = reached(a, band);
    let rb = reached(b, band);
    let both: Vec<UnitId> = ra.iter().copied().filter(|u| rb.contains(u)).collect();
    let either = ra.len() + rb.len() - both.len();
    (both, either)
}
