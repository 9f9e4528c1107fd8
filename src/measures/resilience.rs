//! Link-failure resilience: what the loss of a link (or of several at once) does to the
//! region's accessibility.

use serde::Serialize;

use crate::model::{LinkId, Minutes, UnitId};
use crate::route::{Engine, Matrix, Workspace, matrix::unit_row};

/// The region-wide figures a failure is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figures {
    /// Population-weighted mean WATT over the units that have one, minutes:
    /// Σ_i P_i · WATT_i / Σ_i P_i.
    pub watt_pop_min: Option<f64>,
    /// Units without a WATT (some other unit unreachable from them).
    pub units_without_watt: usize,
    /// The time between the first two cores, minutes (`None` when they are cut apart).
    pub t_cores_min: Option<f64>,
    /// Units beyond `band` minutes from every core (unreachable included).
    pub units_beyond_band: usize,
}

/// What the figures are computed from.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    /// Mass per unit for WATT (see [`crate::model::Mass::values`]).
    pub mass: &'a [f64],
    /// Population per unit, 10⁴ people (weights of the mean WATT).
    pub pop: &'a [f64],
    /// Each core's units.
    pub cores: &'a [Vec<UnitId>],
    /// The band (minutes) of `units_beyond_band`, usually the study's largest.
    pub band: f64,
}

/// The figures of a network, searched with `engine` (Dijkstra, or PHAST over a hierarchy of
/// the network with its sweep over the unit nodes).
///
/// # Complexity
/// One search per unit and per core.
pub fn figures(engine: &Engine<'_>, ws: &mut Workspace, s: &Setting<'_>) -> Figures {
    let net = engine.network();
    let n = net.unit_count();
    let rows: Vec<Vec<Option<Minutes>>> = (0..n as u32)
        .map(|o| unit_row(engine, ws, &[UnitId(o)]))
        .collect();
    let m = Matrix::from_rows(rows);
    let w = crate::measures::access::watt(&m, s.mass);
    let (mut num, mut den) = (0.0, 0.0);
    for (i, x) in w.iter().enumerate() {
        if let Some(x) = x {
            num += s.pop[i] * x;
            den += s.pop[i];
        }
    }
    let core_rows: Vec<Vec<Option<Minutes>>> =
        s.cores.iter().map(|c| unit_row(engine, ws, c)).collect();
    let t_cores_min = match (core_rows.first(), s.cores.get(1)) {
        (Some(a), Some(b)) => b
            .iter()
            .filter_map(|u| a[u.index()].map(|t| t.0))
            .min_by(f64::total_cmp),
        _ => None,
    };
    let units_beyond_band = (0..n)
        .filter(|&i| core_rows.iter().all(|r| r[i].is_none_or(|t| t.0 > s.band)))
        .count();
    Figures {
        watt_pop_min: (den > 0.0).then(|| num / den),
        units_without_watt: w.iter().filter(|x| x.is_none()).count(),
        t_cores_min,
        units_beyond_band,
    }
}

/// The damage of a failure: the change of each figure against the intact network (positive is
/// worse). A figure that becomes undefined (cores cut apart) counts as +∞ for ranking.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Damage {
    /// Δ population-weighted WATT, minutes.
    pub d_watt_pop_min: f64,
    /// Δ core-to-core time, minutes (∞ when the cores are cut apart).
    pub d_t_cores_min: f64,
    /// Δ units beyond the band from every core.
    pub d_units_beyond: i64,
    /// Δ units without a WATT (units cut off).
    pub d_units_cut_off: i64,
}

/// The damage of `after` relative to `base`.
pub fn damage(base: &Figures, after: &Figures) -> Damage {
    let d = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => b - a,
        (Some(_), None) => f64::INFINITY,
        (None, Some(_)) => f64::NEG_INFINITY,
        (None, None) => 0.0,
    };
    Damage {
        d_watt_pop_min: d(base.watt_pop_min, after.watt_pop_min),
        d_t_cores_min: d(base.t_cores_min, after.t_cores_min),
        d_units_beyond: after.units_beyond_band as i64 - base.units_beyond_band as i64,
        d_units_cut_off: after.units_without_watt as i64 - base.units_without_watt as i64,
    }
}

/// Ranking order of damages, worst first: units cut off, then Δ population-weighted WATT, then
/// Δ core-to-core time, then Δ units beyond the band.
pub fn worse_first(a: &Damage, b: &Damage) -> std::cmp::Ordering {
    b.d_units_cut_off
        .cmp(&a.d_units_cut_off)
        .then(b.d_watt_pop_min.total_cmp(&a.d_watt_pop_min))
        .then(b.d_t_cores_min.total_cmp(&a.d_t_cores_min))
        .then(b.d_units_beyond.cmp(&a.d_units_beyond))
}

/// The links failed in Monte Carlo sample `sample`: `k` distinct links drawn from `candidates`
/// with a SplitMix64 stream seeded by (`seed`, `sample`), so every sample is the same whatever
/// the thread that draws it.
pub fn sample_failures(candidates: &[LinkId], k: usize, seed: u64, sample: u64) -> Vec<LinkId> {
    let mut state = seed ^ sample.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    // partial Fisher–Yates
    let mut pool = candidates.to_vec();
    let k = k.min(pool.len());
    for i in 0..k {
        let j = i + (next() % (pool.len() - i) as u64) as usize;
        pool.swap(i, j);
    }
    let mut out = pool[..k].to_vec();
    out.sort();
    out
}

/// Summary of a distribution: mean and the 5th, 50th, 95th percentiles and the maximum
/// (nearest-rank percentiles over the finite values; `n_infinite` counts samples where the
/// figure became undefined).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distribution {
    /// Samples with a finite value.
    pub n: usize,
    /// Samples where the figure was undefined (e.g. cores cut apart).
    pub n_infinite: usize,
    /// Mean of the finite values.
    pub mean: Option<f64>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
}

/// The [`Distribution`] of some values.
pub fn distribution(values: &[f64]) -> Distribution {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    let q = |p: f64| crate::measures::stats::percentile_sorted(&v, p);
    Distribution {
        n: v.len(),
        n_infinite: values.len() - v.len(),
        mean: crate::measures::stats::mean(&v),
        p5: q(0.05),
        p50: q(0.5),
        p95: q(0.95),
        max: v.last().copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_distinct_sorted_and_reproducible() {
        let c: Vec<LinkId> = (0..20).map(LinkId).collect();
        let a = sample_failures(&c, 5, 42, 7);
        assert_eq!(a, sample_failures(&c, 5, 42, 7));
        assert_ne!(a, sample_failures(&c, 5, 42, 8));
        assert_eq!(a.len(), 5);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(sample_failures(&c, 50, 1, 1).len(), 20);
    }

    #[test]
    fn distribution_by_hand() {
        // 1..=20: mean 10.5; nearest rank: p5 = 1st value, p50 = 10th, p95 = 19th
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        let d = distribution(&v);
        assert_eq!(
            (d.mean, d.p5, d.p50, d.p95, d.max),
            (Some(10.5), Some(1.0), Some(10.0), Some(19.0), Some(20.0))
        );
        let d = distribution(&[1.0, f64::INFINITY]);
        assert_eq!((d.n, d.n_infinite), (1, 1));
    }

    #[test]
    fn damage_of_a_cut() {
        let base = Figures {
            watt_pop_min: Some(100.0),
            units_without_watt: 0,
            t_cores_min: Some(60.0),
            units_beyond_band: 1,
        };
        let cut = Figures {
            watt_pop_min: Some(90.0),
            units_without_watt: 2,
            t_cores_min: None,
            units_beyond_band: 3,
        };
        let d = damage(&base, &cut);
        assert_eq!(d.d_units_cut_off, 2);
        assert_eq!(d.d_t_cores_min, f64::INFINITY);
        assert_eq!(d.d_units_beyond, 2);
    }
}
