//! The parallel fan-out over origins (the only place that uses rayon).

use rayon::prelude::*;

use crate::measures::access::{AccessRow, AccessSpec};
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

/// Accessibility of every unit, one shortest-path tree per origin in parallel, each tree
/// reduced at once to its [`AccessRow`] (potential per decay, population per band, WATT): memory
/// is the network plus one search workspace per thread, never origins × nodes or origins ×
/// units. `limit` prunes each search (units beyond it count as unreached). `progress` counts
/// the origins searched (its length is set to the number of units). Rows are in unit order,
/// whatever the thread count.
///
/// # Errors
/// A power decay at a zero time ([`AccessRow::reduce`]).
///
/// # Complexity
/// O(n · ((V + E) log V + n · (decays + bands))) work for n units.
pub fn accessibility(
    net: &Network,
    spec: &AccessSpec<'_>,
    limit: Option<Minutes>,
    progress: &indicatif::ProgressBar,
) -> crate::Result<Vec<AccessRow>> {
    progress.set_length(net.unit_count() as u64);
    (0..net.unit_count() as u32)
        .into_par_iter()
        .map_init(
            || Dijkstra::new(net.node_count()),
            |dj, o| {
                let tree = dj.run(net, &[(net.unit_node(UnitId(o)), Minutes::ZERO)], limit);
                let time = |j: usize| tree.time(net.unit_node(UnitId(j as u32))).map(|t| t.0);
                let row = AccessRow::reduce(o as usize, &time, spec);
                progress.inc(1);
                row
            },
        )
        .collect()
}

/// Stream one row per unit (origin order) to `sink` without holding all rows: origins are
/// searched in parallel in chunks of `chunk`, and each chunk's rows are handed to `sink` in
/// order before the next chunk starts. `row` gets the origin's shortest-path tree (pruned at
/// `limit`). Memory: the network, one workspace per thread and `chunk` rows.
///
/// # Errors
/// The first error of `sink`.
pub fn stream_rows<R: Send, E>(
    net: &Network,
    limit: Option<Minutes>,
    chunk: usize,
    row: impl Fn(UnitId, &crate::route::Tree<'_>) -> R + Sync,
    mut sink: impl FnMut(UnitId, R) -> Result<(), E>,
) -> Result<(), E> {
    let n = net.unit_count() as u32;
    let chunk = chunk.max(1) as u32;
    // One workspace per pool thread, kept across chunks (each is only ever locked by its own
    // thread, so the locks are uncontended).
    let workspaces: Vec<std::sync::Mutex<Option<Dijkstra>>> = (0..rayon::current_num_threads())
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    let mut start = 0u32;
    while start < n {
        let end = (start + chunk).min(n);
        let rows: Vec<R> = (start..end)
            .into_par_iter()
            .map(|o| {
                let slot =
                    &workspaces[rayon::current_thread_index().unwrap_or(0) % workspaces.len()];
                let mut guard = slot
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let dj = guard.get_or_insert_with(|| Dijkstra::new(net.node_count()));
                let tree = dj.run(net, &[(net.unit_node(UnitId(o)), Minutes::ZERO)], limit);
                row(UnitId(o), &tree)
            })
            .collect();
        for (o, r) in (start..end).zip(rows) {
            sink(UnitId(o), r)?;
        }
        start = end;
    }
    Ok(())
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
