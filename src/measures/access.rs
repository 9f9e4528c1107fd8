//! Accessibility of every unit: weighted average travel time (WATT), potential accessibility
//! with distance decay, and daily accessibility (what lies within each band).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Decay;
use crate::model::{Region, UnitId};
use crate::route::Matrix;

/// Weighted average travel time of every unit.
///
/// WATT_i = Σ_{j≠i} T_ij · M_j / Σ_{j≠i} M_j (Gutiérrez 2001, *J. Transp. Geogr.* 9(4); the
/// form used for the Chengdu–Chongqing HSR by e.g. Jiang et al. 2010 and their successors).
///
/// # Arguments
/// - `m`: travel times (minutes);
/// - `mass`: M_j per unit (see [`crate::model::Mass::values`]).
///
/// # Returns
/// Minutes per unit; `None` when some other unit is unreachable (the average would be over a
/// different set of destinations) or when the other units' masses sum to 0.
///
/// # Units
/// Minutes.
///
/// # Complexity
/// O(n²).
///
/// # Examples
/// ```
/// # use regionlink::route::Matrix;
/// # use regionlink::measures::access::watt;
/// # use regionlink::Minutes;
/// // Three units on a line, 10 min apart, masses 1, 2, 3.
/// let t = |x: f64| Some(Minutes(x));
/// let m = Matrix::from_rows(vec![
///     vec![t(0.0), t(10.0), t(20.0)],
///     vec![t(10.0), t(0.0), t(10.0)],
///     vec![t(20.0), t(10.0), t(0.0)],
/// ]);
/// // WATT_0 = (10·2 + 20·3) / (2 + 3) = 16
/// assert_eq!(watt(&m, &[1.0, 2.0, 3.0])[0], Some(16.0));
/// ```
pub fn watt(m: &Matrix, mass: &[f64]) -> Vec<Option<f64>> {
    (0..m.len())
        .map(|i| watt_row(i, &matrix_times(m, i), mass))
        .collect()
}

/// Row `i` of a matrix as times (minutes) per destination, the input of the row reductions.
pub fn matrix_times(m: &Matrix, i: usize) -> impl Fn(usize) -> Option<f64> + '_ {
    move |j| m.get(UnitId(i as u32), UnitId(j as u32)).map(|t| t.0)
}

/// WATT of unit `i` from its times to every unit (`time(j)`, minutes): the shared reduction of
/// [`watt`] (from a matrix) and [`AccessRow::reduce`] (from one shortest-path tree).
pub fn watt_row(i: usize, time: &impl Fn(usize) -> Option<f64>, mass: &[f64]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for (j, &m) in mass.iter().enumerate().filter(|&(j, _)| j != i) {
        num += time(j)? * m;
        den += m;
    }
    (den > 0.0).then(|| num / den)
}

/// The accessibility coefficient WATT_i / mean(WATT) (mean over the units that have a WATT):
/// below 1 is better connected than the average unit.
pub fn watt_coefficient(watt: &[Option<f64>]) -> Vec<Option<f64>> {
    let vals: Vec<f64> = watt.iter().flatten().copied().collect();
    if vals.is_empty() {
        return vec![None; watt.len()];
    }
    let mean = vals.iter().sum::<f64>() / vals.len() as f64;
    watt.iter().map(|w| w.map(|w| w / mean)).collect()
}

/// The internal travel time of a unit for its self-potential, minutes:
/// t_ii = (1/3) · √(A/π) / v · 60, a third of the radius of a circle of the unit's area A (km²)
/// at speed v (km/h) — the average distance from the centre of a disc to its points is 2/3 of
/// the radius; a third is the usual conservative choice for trips inside a unit (Frost & Spence
/// 1995, "The rediscovery of accessibility and economic potential: the critical issue of
/// self-potential", *Environ. Plan. A* 27).
///
/// # Examples
/// ```
/// # use regionlink::measures::access::internal_time_min;
/// // A = 900π km² → r = 30 km → 10 km at 60 km/h = 10 min
/// assert!((internal_time_min(900.0 * std::f64::consts::PI, 60.0) - 10.0).abs() < 1e-12);
/// ```
pub fn internal_time_min(area_km2: f64, speed_kmh: f64) -> f64 {
    (area_km2 / std::f64::consts::PI).sqrt() / 3.0 / speed_kmh * 60.0
}

/// Potential accessibility of every unit.
///
/// P_i = Σ_{j≠i} M_j · f(T_ij) + M_i · f(t_ii) (Hansen 1959, *J. Am. Inst. Planners* 25), the
/// self term only when `self_times` is given. Unreachable units contribute 0.
///
/// # Arguments
/// - `m`: travel times (minutes); `mass`: M per unit; `decay`: f;
/// - `self_times`: t_ii per unit (minutes, see [`internal_time_min`]), or `None` to leave the
///   self-potential out.
///
/// # Returns
/// P per unit, in units of the mass (10⁴ people for population) × the decay's unit (per minute^a
/// for power decay, dimensionless for the others).
///
/// # Errors
/// A power decay with a zero time between two distinct units or a zero internal time (the
/// weight would be infinite).
///
/// # Complexity
/// O(n²).
///
/// # Examples
/// ```
/// # use regionlink::route::Matrix;
/// # use regionlink::measures::access::potential;
/// # use regionlink::model::Decay;
/// # use regionlink::Minutes;
/// let t = |x: f64| Some(Minutes(x));
/// let m = Matrix::from_rows(vec![vec![t(0.0), t(10.0)], vec![t(10.0), t(0.0)]]);
/// // P_0 = 20 / 10 = 2, and with t_00 = 5: + 10 / 5 = 4
/// let p = potential(&m, &[10.0, 20.0], Decay::Power { a: 1.0 }, None)?;
/// assert_eq!(p, vec![2.0, 1.0]);
/// let p = potential(&m, &[10.0, 20.0], Decay::Power { a: 1.0 }, Some(&[5.0, 5.0]))?;
/// assert_eq!(p, vec![4.0, 5.0]);
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn potential(
    m: &Matrix,
    mass: &[f64],
    decay: Decay,
    self_times: Option<&[f64]>,
) -> Result<Vec<f64>> {
    (0..m.len())
        .map(|i| potential_row(i, &matrix_times(m, i), mass, decay, self_times))
        .collect()
}

/// Potential of unit `i` from its times to every unit: the shared reduction of [`potential`]
/// and [`AccessRow::reduce`].
///
/// # Errors
/// As [`potential`].
pub fn potential_row(
    i: usize,
    time: &impl Fn(usize) -> Option<f64>,
    mass: &[f64],
    decay: Decay,
    self_times: Option<&[f64]>,
) -> Result<f64> {
    let zero = |what: String| {
        Error::Usage(format!(
            "{what} is 0 minutes, where the {decay} decay is infinite; use another decay or turn the self-potential off"
        ))
    };
    let mut p = 0.0;
    for (j, &m) in mass.iter().enumerate().filter(|&(j, _)| j != i) {
        if let Some(t) = time(j) {
            if t <= 0.0 && decay.infinite_at_zero() {
                return Err(zero(format!("the time between units #{i} and #{j}")));
            }
            p += m * decay.weight(t);
        }
    }
    if let Some(st) = self_times {
        if st[i] <= 0.0 && decay.infinite_at_zero() {
            return Err(zero(format!("the internal time of unit #{i} (area 0?)")));
        }
        p += mass[i] * decay.weight(st[i]);
    }
    Ok(p)
}

/// What a unit reaches within one band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Daily {
    /// The band, minutes.
    pub band_min: f64,
    /// Units within the band, the unit itself included.
    pub units: usize,
    /// Their population, 10⁴ people.
    pub pop_10k: f64,
    /// Share of the region's population, in [0, 1].
    pub pop_share: Option<f64>,
    /// Share of the region's units, in [0, 1].
    pub unit_share: f64,
}

/// Daily accessibility: for each unit and band, the units and population within the band
/// (the unit itself included, at time 0) and their shares of the region (Gutiérrez 1996,
/// *J. Transp. Geogr.* 4(4): the population reachable in a day's return trip).
///
/// # Complexity
/// O(n² · bands).
pub fn daily(m: &Matrix, region: &Region, bands: &[f64]) -> Vec<Vec<Daily>> {
    let pop: Vec<f64> = region.units.iter().map(|u| u.population_10k).collect();
    (0..m.len())
        .map(|i| {
            let within = within_row(i, &matrix_times(m, i), &pop, bands);
            daily_of(&within, region, bands)
        })
        .collect()
}

/// The units (unit `i` included, at time 0) and population within each band, from unit `i`'s
/// times: the shared reduction of [`daily`] and [`AccessRow::reduce`].
pub fn within_row(
    i: usize,
    time: &impl Fn(usize) -> Option<f64>,
    pop: &[f64],
    bands: &[f64],
) -> Vec<(usize, f64)> {
    bands
        .iter()
        .map(|&b| {
            let (mut units, mut p) = (0, 0.0);
            for (j, &pj) in pop.iter().enumerate() {
                let t = if i == j { Some(0.0) } else { time(j) };
                if t.is_some_and(|t| t <= b) {
                    units += 1;
                    p += pj;
                }
            }
            (units, p)
        })
        .collect()
}

/// [`Daily`] records from the counts of [`within_row`].
pub fn daily_of(within: &[(usize, f64)], region: &Region, bands: &[f64]) -> Vec<Daily> {
    let total: f64 = region.population_10k_total();
    let n = region.len();
    within
        .iter()
        .zip(bands)
        .map(|(&(units, pop), &b)| Daily {
            band_min: b,
            units,
            pop_10k: pop,
            pop_share: (total > 0.0).then(|| pop / total),
            unit_share: units as f64 / n as f64,
        })
        .collect()
}

/// What one origin's shortest-path tree is reduced to at once, so that accessibility over many
/// origins needs no origin × destination matrix.
#[derive(Debug, Clone, Copy)]
pub struct AccessSpec<'a> {
    /// M_j per unit (WATT and potential).
    pub mass: &'a [f64],
    /// Population per unit, 10⁴ people (bands).
    pub pop: &'a [f64],
    /// Decays of the potential.
    pub decays: &'a [Decay],
    /// Bands, minutes.
    pub bands: &'a [f64],
    /// Internal times of the self-potential, minutes, or `None`.
    pub self_times: Option<&'a [f64]>,
}

/// One origin's accessibility.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessRow {
    /// WATT, minutes (`None` when some unit is unreached).
    pub watt: Option<f64>,
    /// Other units reached.
    pub reached: usize,
    /// Potential per decay of the spec.
    pub potentials: Vec<f64>,
    /// (units, population in 10⁴) within each band of the spec, the origin included.
    pub within: Vec<(usize, f64)>,
}

impl AccessRow {
    /// Reduce unit `i`'s times to every unit (`time(j)`, minutes) to its accessibility.
    ///
    /// # Errors
    /// A power decay at a zero time ([`potential`]).
    ///
    /// # Complexity
    /// O(n · (decays + bands)).
    pub fn reduce(
        i: usize,
        time: &impl Fn(usize) -> Option<f64>,
        spec: &AccessSpec<'_>,
    ) -> Result<AccessRow> {
        Ok(AccessRow {
            watt: watt_row(i, time, spec.mass),
            reached: (0..spec.mass.len())
                .filter(|&j| j != i && time(j).is_some())
                .count(),
            potentials: spec
                .decays
                .iter()
                .map(|&d| potential_row(i, time, spec.mass, d, spec.self_times))
                .collect::<Result<_>>()?,
            within: within_row(i, time, spec.pop, spec.bands),
        })
    }
}
