//! The dual-core corridor: the units through which the trip from one core to the other makes
//! only a small detour.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::measures::reach::CoreTimes;
use crate::model::{Minutes, NodeId, Region, UnitId};
use crate::network::{Network, Node};
use crate::route::{Dijkstra, Matrix};

/// A unit of the corridor (never a unit of either core: those are its ends).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CorridorUnit {
    /// The unit.
    pub unit: UnitId,
    /// T(C → i), minutes, to the unit's best node.
    pub t_from_a: f64,
    /// T(i → Q), minutes, from the unit's best node.
    pub t_to_b: f64,
    /// (T(C → i) + T(i → Q)) / T(C → Q): 1 on a fastest C–Q path.
    pub detour: f64,
    /// Position along the axis, T(C → i) / (T(C → i) + T(i → Q)): 0 at C, 1 at Q.
    pub position: f64,
    /// Whether the best node is one of the unit's stations (the C–Q trip passes through it
    /// on board) rather than its seat.
    pub via_station: bool,
}

/// The corridor between two cores.
#[derive(Debug, Clone, Serialize)]
pub struct Corridor {
    /// T(C → Q), minutes: the fastest time between any unit of one core and any of the other.
    pub t_ab: f64,
    /// The tolerance ε.
    pub epsilon: f64,
    /// The corridor's units between the ends, ordered along the axis (position, then unit id).
    pub units: Vec<CorridorUnit>,
    /// The units of the two cores: the ends of the corridor (position 0 and 1).
    pub ends: [Vec<UnitId>; 2],
    /// Every unit's detour ratio (`None` when unreachable from either core; 1 for an end).
    pub detour: Vec<Option<f64>>,
    /// Every unit's position along the axis (`None` when unreachable; 0 and 1 for the ends).
    pub position: Vec<Option<f64>>,
}

impl Corridor {
    /// Whether unit `u` is one of the corridor's units (not an end).
    pub fn contains(&self, u: UnitId) -> bool {
        self.units.iter().any(|c| c.unit == u)
    }

    /// Whether unit `u` is a unit of either core.
    pub fn is_end(&self, u: UnitId) -> bool {
        self.ends.iter().any(|e| e.contains(&u))
    }
}

fn check_epsilon(epsilon: f64) -> Result<()> {
    if !(epsilon.is_finite() && epsilon >= 0.0) {
        return Err(crate::error::OptionError::new()
            .opt(crate::error::Opt::Epsilon, None)
            .text(format!(" is {epsilon}, expected a number ≥ 0"))
            .into());
    }
    Ok(())
}

/// Assemble a corridor from each unit's best (T(C→i), T(i→Q), via a station).
fn assemble(
    n: usize,
    a: &CoreTimes,
    b: &CoreTimes,
    t_ab: f64,
    epsilon: f64,
    best: impl Fn(usize) -> Option<(f64, f64, bool)>,
) -> Result<Corridor> {
    if t_ab <= 0.0 {
        return Err(Error::Usage(format!(
            "the cores {} and {} share a unit; a corridor needs two distinct cores",
            a.name, b.name
        )));
    }
    let mut detour = vec![None; n];
    let mut position = vec![None; n];
    for (end, p) in [(&a.units, 0.0), (&b.units, 1.0)] {
        for u in end {
            detour[u.index()] = Some(1.0);
            position[u.index()] = Some(p);
        }
    }
    let mut units = Vec::new();
    for i in 0..n {
        if a.units.contains(&UnitId(i as u32)) || b.units.contains(&UnitId(i as u32)) {
            continue;
        }
        let Some((ta, tb, via_station)) = best(i) else {
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
                via_station,
            });
        }
    }
    units.sort_by(|x, y| x.position.total_cmp(&y.position).then(x.unit.cmp(&y.unit)));
    Ok(Corridor {
        t_ab,
        epsilon,
        units,
        ends: [a.units.clone(), b.units.clone()],
        detour,
        position,
    })
}

/// The units i, other than the cores' own, with T(C→i) + T(i→Q) ≤ (1 + ε) · T(C→Q), ordered
/// along the axis, where the detour is measured at the **best of the unit's nodes** — its seat
/// or any of its stations. A city whose station the fastest C–Q train passes through counts at
/// the in-vehicle cost of that trip (detour 1), without paying egress and access again; a unit
/// off every line counts at its seat.
///
/// T(C→n) is the time from the nearest unit of core C to node n (a multi-source search);
/// T(n→Q) the time from n to the nearest unit of Q (a search on the reversed network, so no
/// symmetry is assumed); T(C→Q) the fastest time between the cores. The cores' units are the
/// corridor's ends (position 0 and 1), not its members.
///
/// # Errors
/// When the two cores do not reach each other, or share a unit (T(C→Q) = 0); an ε that is not
/// a finite number ≥ 0.
///
/// # Units
/// Times in minutes; detour and position are dimensionless.
///
/// # Complexity
/// Two shortest-path trees and one pass over the nodes: O((V + E) log V).
///
/// # Examples
/// ```
/// # use regionlink::measures::corridor::corridor_on_network;
/// # use regionlink::measures::reach::CoreTimes;
/// # use regionlink::network::{Arc, Network, NetworkKind, Node};
/// # use regionlink::{LinkId, Minutes, Mode, NodeId, UnitId};
/// // Seats 0, 1, 2 and a train through their stations 3, 4, 5: 10 min access, 5 min egress,
/// // 20 min a ride. T(0→2) = 10 + 20 + 20 + 5 = 55; unit 1's station lies on the way.
/// let nodes = vec![Node::Unit(UnitId(0)), Node::Unit(UnitId(1)), Node::Unit(UnitId(2)),
///     Node::Station(UnitId(0), Mode::Hsr, 0), Node::Station(UnitId(1), Mode::Hsr, 0),
///     Node::Station(UnitId(2), Mode::Hsr, 0)];
/// let arc = |m: f64, l: Option<u32>| Arc { minutes: m, link: l.map(LinkId) };
/// let mut arcs = vec![];
/// for u in 0..3u32 {
///     arcs.push((u, u + 3, arc(10.0, None)));
///     arcs.push((u + 3, u, arc(5.0, None)));
/// }
/// for (a, b) in [(3, 4), (4, 5)] {
///     arcs.push((a, b, arc(20.0, Some(0))));
///     arcs.push((b, a, arc(20.0, Some(0))));
/// }
/// let net = Network::from_arcs(nodes, arcs, vec![], NetworkKind::Combined)?;
/// let core = |u: u32, t: [f64; 3]| CoreTimes { name: format!("c{u}"), key: format!("c{u}"), name_zh: None,
///     units: vec![UnitId(u)], times: t.iter().map(|&x| Some(Minutes(x))).collect() };
/// let c = corridor_on_network(&net, &core(0, [0.0, 35.0, 55.0]), &core(2, [55.0, 35.0, 0.0]), 0.1)?;
/// assert_eq!(c.t_ab, 55.0);
/// // Unit 1 rides through: 30 + 25 = 55, detour 1, at position 30 / 55; its seat would give 70.
/// assert_eq!(c.units.len(), 1);
/// assert!(c.units[0].via_station && c.units[0].detour == 1.0);
/// assert_eq!(c.ends, [vec![UnitId(0)], vec![UnitId(2)]]);
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn corridor_on_network(
    net: &Network,
    a: &CoreTimes,
    b: &CoreTimes,
    epsilon: f64,
) -> Result<Corridor> {
    check_epsilon(epsilon)?;
    let n = net.unit_count();
    let sources = |c: &CoreTimes| -> Vec<(NodeId, Minutes)> {
        c.units
            .iter()
            .map(|&u| (net.unit_node(u), Minutes::ZERO))
            .collect()
    };
    let mut dj = Dijkstra::new(net.node_count());
    let from_a: Vec<Option<f64>> = {
        let tree = dj.run(net, &sources(a), None);
        (0..net.node_count() as u32)
            .map(|v| tree.time(NodeId(v)).map(|t| t.0))
            .collect()
    };
    let rev = net.reversed();
    let to_b: Vec<Option<f64>> = {
        let tree = dj.run(&rev, &sources(b), None);
        (0..net.node_count() as u32)
            .map(|v| tree.time(NodeId(v)).map(|t| t.0))
            .collect()
    };
    let t_ab = b
        .units
        .iter()
        .filter_map(|&q| from_a[net.unit_node(q).index()])
        .min_by(f64::total_cmp)
        .ok_or_else(|| {
            Error::Usage(format!(
                "the cores {} and {} do not reach each other",
                a.name, b.name
            ))
        })?;
    // Each unit's best node: the smallest T(C→n) + T(n→Q), ties to the seat, then node id.
    let mut best: Vec<Option<(f64, f64, bool)>> = vec![None; n];
    for v in 0..net.node_count() {
        let node = NodeId(v as u32);
        let (Some(u), Some(ta), Some(tb)) = (net.unit_of(node), from_a[v], to_b[v]) else {
            continue;
        };
        let station = matches!(net.node(node), Node::Station(..));
        let cand = (ta, tb, station);
        let slot = &mut best[u.index()];
        let better = match slot {
            None => true,
            Some((a0, b0, s0)) => {
                let (old, new) = (*a0 + *b0, ta + tb);
                new < old || (new == old && *s0 && !station)
            }
        };
        if better {
            *slot = Some(cand);
        }
    }
    assemble(n, a, b, t_ab, epsilon, |i| best[i])
}

/// The corridor from a unit × unit matrix (for the composite network, which has no nodes):
/// as [`corridor_on_network`], with each unit measured at its seat.
///
/// # Errors
/// As [`corridor_on_network`].
///
/// # Complexity
/// O(n · |Q|).
pub fn corridor(m: &Matrix, a: &CoreTimes, b: &CoreTimes, epsilon: f64) -> Result<Corridor> {
    check_epsilon(epsilon)?;
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
    assemble(m.len(), a, b, t_ab, epsilon, |i| {
        Some((a.times[i]?.0, to_b(i)?, false))
    })
}

/// Population and GDP shares of the corridor in the region: (population share, `None` for a
/// region without population; GDP share over the units with GDP; corridor units lacking GDP).
pub fn shares(region: &Region, c: &Corridor) -> (Option<f64>, Option<f64>, usize) {
    let t = crate::measures::reach::Totals::of(region, c.units.iter().map(|u| u.unit));
    let all = crate::measures::reach::Totals::of(region, region.units.iter().map(|u| u.id));
    let (p, g, _) = t.shares(&all);
    (p, g, t.gdp_missing)
}
