//! The dual-core corridor: the units through which the trip from one core to the other makes
//! only a small detour.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::measures::reach::CoreTimes;
use crate::model::{Region, UnitId};
use crate::route::Matrix;

/// A unit of the corridor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CorridorUnit {
    /// The unit.
    pub unit: UnitId,
    /// T(C → i), minutes.
    pub t_from_a: f64,
    /// T(i → Q), minutes.
    pub t_to_b: f64,
    /// (T(C → i) + T(i → Q)) / T(C → Q): 1 on a fastest C–Q path.
    pub detour: f64,
    /// Position along the axis, T(C → i) / (T(C → i) + T(i → Q)): 0 at C, 1 at Q.
    pub position: f64,
}

/// The corridor between two cores.
#[derive(Debug, Clone, Serialize)]
pub struct Corridor {
    /// T(C → Q), minutes: the fastest time between any unit of one core and any of the other.
    pub t_ab: f64,
    /// The tolerance ε.
    pub epsilon: f64,
    /// The corridor's units, ordered along the axis (position, then unit id).
    pub units: Vec<CorridorUnit>,
    /// Every unit's detour ratio (`None` when unreachable from either core).
    pub detour: Vec<Option<f64>>,
    /// Every unit's position along the axis (`None` when unreachable).
    pub position: Vec<Option<f64>>,
}

/// The units i with T(C→i) + T(i→Q) ≤ (1 + ε) · T(C→Q), ordered along the axis.
///
/// T(C→i) is the time from the nearest unit of core C (its multi-source search); T(i→Q) is
/// the time from i to the nearest unit of core Q, read from the matrix (so no symmetry is
/// assumed); T(C→Q) is the minimum over the pairs of their units. The units of the cores
/// themselves are tested like any other (a unit of C has T(C→i) = 0 and so is always in).
///
/// # Arguments
/// `m`: the travel-time matrix; `a`, `b`: the two cores' times; `epsilon` ≥ 0.
///
/// # Errors
/// When the two cores do not reach each other, or share a unit (T(C→Q) = 0).
///
/// # Units
/// Times in minutes; detour and position are dimensionless.
///
/// # Complexity
/// O(n · |Q|).
///
/// # Examples
/// ```
/// # use regionlink::route::Matrix;
/// # use regionlink::measures::{corridor::corridor, reach::CoreTimes};
/// # use regionlink::{Minutes, UnitId};
/// // A chain 0 — 1 — 2 with 30 min per hop, and unit 3 hanging off 1 by 40 min.
/// let t = |x: f64| Some(Minutes(x));
/// let m = Matrix::from_rows(vec![
///     vec![t(0.0), t(30.0), t(60.0), t(70.0)],
///     vec![t(30.0), t(0.0), t(30.0), t(40.0)],
///     vec![t(60.0), t(30.0), t(0.0), t(70.0)],
///     vec![t(70.0), t(40.0), t(70.0), t(0.0)],
/// ]);
/// let core = |u: u32| CoreTimes { name: format!("c{u}"), key: format!("c{u}"), units: vec![UnitId(u)],
///     times: (0..4).map(|j| m.get(UnitId(u), UnitId(j))).collect() };
/// let c = corridor(&m, &core(0), &core(2), 0.25)?;
/// // Unit 3: (70 + 70) / 60 = 2.33 > 1.25, out. Units 0, 1, 2 in, at positions 0, 0.5, 1.
/// let ids: Vec<u32> = c.units.iter().map(|u| u.unit.0).collect();
/// assert_eq!(ids, vec![0, 1, 2]);
/// assert_eq!(c.units[1].position, 0.5);
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn corridor(m: &Matrix, a: &CoreTimes, b: &CoreTimes, epsilon: f64) -> Result<Corridor> {
    if !(epsilon.is_finite() && epsilon >= 0.0) {
        return Err(crate::error::OptionError::new()
            .opt(crate::error::Opt::Epsilon, None)
            .text(format!(" is {epsilon}, expected a number ≥ 0"))
            .into());
    }
    let n = m.len();
    let to_b = |i: usize| -> Option<f64> {
        b.units
            .iter()
            .filter_map(|&q| {
                if q.index() == i {
                    Some(0.0)
                } else {
                    m.get(UnitId(i as u32), q).map(|t| t.0)
                }
            })
            .min_by(f64::total_cmp)
    };
    let t_ab = a
        .units
        .iter()
        .filter_map(|&c| to_b(c.index()))
        .min_by(f64::total_cmp)
        .ok_or_else(|| {
            Error::Usage(format!(
                "the cores {} and {} do not reach each other",
                a.name, b.name
            ))
        })?;
    if t_ab <= 0.0 {
        return Err(Error::Usage(format!(
            "the cores {} and {} share a unit; a corridor needs two distinct cores",
            a.name, b.name
        )));
    }
    let mut detour = vec![None; n];
    let mut position = vec![None; n];
    let mut units = Vec::new();
    for i in 0..n {
        let (Some(ta), Some(tb)) = (a.times[i].map(|t| t.0), to_b(i)) else {
            continue;
        };
        let d = (ta + tb) / t_ab;
        let pos = if ta + tb > 0.0 { ta / (ta + tb) } else { 0.0 };
        detour[i] = Some(d);
        position[i] = Some(pos);
        if ta + tb <= (1.0 + epsilon) * t_ab + 1e-9 {
            units.push(CorridorUnit {
                unit: UnitId(i as u32),
                t_from_a: ta,
                t_to_b: tb,
                detour: d,
                position: pos,
            });
        }
    }
    units.sort_by(|x, y| x.position.total_cmp(&y.position).then(x.unit.cmp(&y.unit)));
    Ok(Corridor {
        t_ab,
        epsilon,
        units,
        detour,
        position,
    })
}

/// Population and GDP shares of the corridor in the region: (population share, GDP share over
/// the units with GDP, corridor units lacking GDP).
pub fn shares(region: &Region, c: &Corridor) -> (f64, Option<f64>, usize) {
    let t = crate::measures::reach::Totals::of(region, c.units.iter().map(|u| u.unit));
    let all = crate::measures::reach::Totals::of(region, region.units.iter().map(|u| u.id));
    let (p, g, _) = t.shares(&all);
    (p.unwrap_or(0.0), g, t.gdp_missing)
}
