//! The parallel fan-out over origins (the only place that uses rayon).

use rayon::prelude::*;

use crate::measures::centrality::{self, BrandesWorkspace, Centrality, PairWeights};
use crate::model::{Minutes, UnitId};
use crate::network::Network;
use crate::route::{Dijkstra, Matrix, TimeParts, matrix};

/// The unit-to-unit travel-time matrix, one shortest-path tree per origin in parallel on the
/// current rayon pool. Output order is origin order, whatever the thread count.
///
/// # Complexity
/// O(n · (V + E) log V) work for n units.
pub fn travel_time_matrix(net: &Network, limit: Option<Minutes>) -> Matrix {
    let rows: Vec<Vec<Option<Minutes>>> = (0..net.unit_count() as u32)
        .into_par_iter()
        .map_init(
            || Dijkstra::new(net.node_count()),
            |dj, o| matrix::row(dj, net, UnitId(o), limit),
        )
        .collect();
    Matrix::from_rows(rows)
}

/// For every ordered pair of units, the travel time split into timetable, estimated and
/// penalty minutes (`None` when unreachable); row-major, origin order.
pub fn time_parts(net: &Network, limit: Option<Minutes>) -> Vec<Vec<Option<TimeParts>>> {
    (0..net.unit_count() as u32)
        .into_par_iter()
        .map_init(
            || Dijkstra::new(net.node_count()),
            |dj, o| {
                let tree = dj.run(net, &[(net.unit_node(UnitId(o)), Minutes::ZERO)], limit);
                (0..net.unit_count() as u32)
                    .map(|d| tree.parts(net.unit_node(UnitId(d))))
                    .collect()
            },
        )
        .collect()
}

/// Betweenness, closeness and efficiency ([`crate::measures::centrality`]), one Brandes
/// source step per unit in parallel; the parts are combined in source order, so the sums are
/// the same for any thread count.
pub fn betweenness(net: &Network, weights: Option<PairWeights<'_>>) -> Centrality {
    let parts: Vec<_> = (0..net.unit_count() as u32)
        .into_par_iter()
        .map_init(
            || BrandesWorkspace::new(net.node_count()),
            |ws, s| centrality::brandes_source(net, UnitId(s), ws, weights),
        )
        .collect();
    centrality::combine(net, weights, parts)
}

/// The resilience figures of the network with each set of links failed, in parallel; output in
/// the order of `sets`.
pub fn failures(
    net: &Network,
    setting: &crate::measures::resilience::Setting<'_>,
    sets: &[Vec<crate::model::LinkId>],
) -> Vec<crate::measures::resilience::Figures> {
    sets.par_iter()
        .map_init(
            || Dijkstra::new(net.node_count()),
            |dj, failed| crate::measures::resilience::figures(&net.without(failed), dj, setting),
        )
        .collect()
}

/// `f` over `items` in parallel, results in item order (for example one network per year of a
/// timeline).
pub fn map_ordered<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.par_iter().map(f).collect()
}
