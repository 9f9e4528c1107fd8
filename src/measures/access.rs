//! Accessibility of every unit: weighted average travel time (WATT), potential accessibility
//! with distance decay, and daily accessibility (what lies within each band).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::measures::decay::Decay;
use crate::model::{Region, UnitId};
use crate::route::Matrix;

/// Weighted average travel time of every unit.
///
/// WATT_i = Σ_{j≠i} T_ij · M_j / Σ_{j≠i} M_j (Gutiérrez 2001, *J. Transp. Geogr.* 9(4); the
/// form used for the Chengdu–Chongqing HSR by e.g. Jiang et al. 2010 and their successors).
///
/// # Arguments
/// - `m`: travel times (minutes);
/// - `mass`: M_j per unit (see [`crate::measures::masses`]).
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
    let n = m.len();
    (0..n)
        .map(|i| {
            let (mut num, mut den) = (0.0, 0.0);
            for j in (0..n).filter(|&j| j != i) {
                let t = m.get(UnitId(i as u32), UnitId(j as u32))?;
                num += t.0 * mass[j];
                den += mass[j];
            }
            (den > 0.0).then(|| num / den)
        })
        .collect()
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
/// # use regionlink::measures::{access::potential, decay::Decay};
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
    let n = m.len();
    let zero = |what: String| {
        Error::Usage(format!(
            "{what} is 0 minutes, where the {decay} decay is infinite; use another decay or turn the self-potential off"
        ))
    };
    (0..n)
        .map(|i| {
            let mut p = 0.0;
            for j in (0..n).filter(|&j| j != i) {
                if let Some(t) = m.get(UnitId(i as u32), UnitId(j as u32)) {
                    if t.0 <= 0.0 && decay.infinite_at_zero() {
                        return Err(zero(format!("the time between units #{i} and #{j}")));
                    }
                    p += mass[j] * decay.weight(t.0);
                }
            }
            if let Some(st) = self_times {
                if st[i] <= 0.0 && decay.infinite_at_zero() {
                    return Err(zero(format!("the internal time of unit #{i} (area 0?)")));
                }
                p += mass[i] * decay.weight(st[i]);
            }
            Ok(p)
        })
        .collect()
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
    pub pop_share: f64,
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
    let n = m.len();
    let total: f64 = region.population_10k_total();
    (0..n)
        .map(|i| {
            bands
                .iter()
                .map(|&b| {
                    let mut units = 0;
                    let mut pop = 0.0;
                    for j in 0..n {
                        let t = if i == j {
                            Some(0.0)
                        } else {
                            m.get(UnitId(i as u32), UnitId(j as u32)).map(|t| t.0)
                        };
                        if t.is_some_and(|t| t <= b) {
                            units += 1;
                            pop += region.units[j].population_10k;
                        }
                    }
                    Daily {
                        band_min: b,
                        units,
                        pop_10k: pop,
                        pop_share: if total > 0.0 { pop / total } else { 0.0 },
                        unit_share: units as f64 / n as f64,
                    }
                })
                .collect()
        })
        .collect()
}
