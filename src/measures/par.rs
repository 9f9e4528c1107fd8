//! The parallel fan-out over origins (the only place that uses rayon).

use rayon::prelude::*;

use crate::measures::access::{AccessRow, AccessSpec};
use crate::measures::betweenness::{self, BrandesWorkspace, Centrality, PairWeights};
use crate::model::{Minutes, UnitId};
use crate::network::Network;
use crate::route::ch::{Eval, NodeMap, Witness};
use crate::route::{Dijkstra, Engine, Hierarchy, Matrix, TimeParts, Times, matrix};

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

/// Accessibility of every unit, one search per origin in parallel with `engine` (Dijkstra or
/// PHAST), each result reduced at once to its [`AccessRow`] (potential per decay, population
/// per band, WATT): memory is the network (and hierarchy) plus one workspace per thread, never
/// origins × nodes or origins × units. `limit` prunes each search (units beyond it count as
/// unreached). `progress` counts the origins searched (its length is set to the number of
/// units). Rows are in unit order, whatever the thread count.
///
/// # Errors
/// A power decay at a zero time ([`AccessRow::reduce`]).
///
/// # Complexity
/// O(n · (search + n · (decays + bands))) work for n units; a search is O((V + E) log V) with
/// Dijkstra, the upward search plus the sweep with PHAST.
pub fn accessibility(
    engine: &Engine<'_>,
    spec: &AccessSpec<'_>,
    limit: Option<Minutes>,
    progress: &dyn crate::progress::Progress,
) -> crate::Result<Vec<AccessRow>> {
    let n = engine.network().unit_count() as u32;
    accessibility_of(engine, spec, limit, 0..n, progress)
}

/// [`accessibility`] of the origins `origins` only (a slice of the unit order, for sharded
/// runs): each row is the one [`accessibility`] gives that unit.
///
/// # Errors
/// See [`accessibility`].
pub fn accessibility_of(
    engine: &Engine<'_>,
    spec: &AccessSpec<'_>,
    limit: Option<Minutes>,
    origins: std::ops::Range<u32>,
    progress: &dyn crate::progress::Progress,
) -> crate::Result<Vec<AccessRow>> {
    let net = engine.network();
    progress.stage("origins searched", origins.len() as u64);
    let workspaces = Workspaces::new(|| engine.workspace());
    origins
        .into_par_iter()
        .map(|o| {
            let row = workspaces.with(|ws| {
                let times = engine.run(ws, &[(net.unit_node(UnitId(o)), Minutes::ZERO)], limit);
                let time = |j: usize| times.time(net.unit_node(UnitId(j as u32))).map(|t| t.0);
                AccessRow::reduce(o as usize, &time, spec)
            });
            progress.advance(1);
            row
        })
        .collect()
}

/// Stream one row per unit (origin order) to `sink` without holding all rows: origins are
/// searched with `engine` in parallel in chunks of `chunk`, and each chunk's rows are handed to
/// `sink` in order before the next chunk starts. `row` gets the origin's times (pruned at
/// `limit`). Memory: the network, one workspace per thread and `chunk` rows.
///
/// # Errors
/// The first error of `sink`.
pub fn stream_rows<R: Send, E>(
    engine: &Engine<'_>,
    limit: Option<Minutes>,
    chunk: usize,
    row: impl Fn(UnitId, &Times<'_>) -> R + Sync,
    sink: impl FnMut(UnitId, R) -> Result<(), E>,
) -> Result<(), E> {
    let n = engine.network().unit_count() as u32;
    stream_rows_of(engine, 0..n, limit, chunk, row, sink)
}

/// [`stream_rows`] of the origins `origins` only (a slice of the unit order, for sharded runs).
///
/// # Errors
/// The first error of `sink`.
pub fn stream_rows_of<R: Send, E>(
    engine: &Engine<'_>,
    origins: std::ops::Range<u32>,
    limit: Option<Minutes>,
    chunk: usize,
    row: impl Fn(UnitId, &Times<'_>) -> R + Sync,
    mut sink: impl FnMut(UnitId, R) -> Result<(), E>,
) -> Result<(), E> {
    let net = engine.network();
    let n = origins.end.min(net.unit_count() as u32);
    let chunk = chunk.max(1) as u32;
    let workspaces = Workspaces::new(|| engine.workspace());
    let mut start = origins.start;
    while start < n {
        let end = (start + chunk).min(n);
        let rows: Vec<R> = (start..end)
            .into_par_iter()
            .map(|o| {
                workspaces.with(|ws| {
                    let times = engine.run(ws, &[(net.unit_node(UnitId(o)), Minutes::ZERO)], limit);
                    row(UnitId(o), &times)
                })
            })
            .collect();
        for (o, r) in (start..end).zip(rows) {
            sink(UnitId(o), r)?;
        }
        start = end;
    }
    Ok(())
}

/// The chunk of origins for [`stream_rows`]: 32 per thread of the current pool, enough to
/// keep every thread busy while only a few rows wait to be written.
pub fn default_chunk() -> usize {
    32 * rayon::current_num_threads()
}

/// One workspace per pool thread, created on first use and kept across parallel calls (each is
/// only ever locked by its own thread, so the locks are uncontended). `map_init` would instead
/// build a fresh workspace for every split of every call, costly for node-sized buffers.
struct Workspaces<T, F> {
    slots: Vec<std::sync::Mutex<Option<T>>>,
    init: F,
}

impl<T: Send, F: Fn() -> T + Sync> Workspaces<T, F> {
    fn new(init: F) -> Self {
        Workspaces {
            slots: (0..rayon::current_num_threads())
                .map(|_| std::sync::Mutex::new(None))
                .collect(),
            init,
        }
    }

    /// `f` with the calling thread's workspace.
    fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let slot = &self.slots[rayon::current_thread_index().unwrap_or(0) % self.slots.len()];
        let mut guard = slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(guard.get_or_insert_with(&self.init))
    }
}

/// Build the contraction hierarchy of `net` for PHAST ([`crate::route::ch`]), evaluating the
/// nodes of each round on the current rayon pool. The hierarchy is the same for any thread
/// count. `progress` counts the nodes contracted.
pub fn contract(net: &Network, progress: &dyn crate::progress::Progress) -> Hierarchy {
    let map = ParMap(Workspaces::new(|| Witness::new(net.node_count())));
    Hierarchy::build_with(net, &map, progress)
}

/// [`contract`] for a hierarchy that can be re-timed ([`Hierarchy::build_customizable`]):
/// `variable[i]` says whether arc `i` of `net` may be missing from the networks it serves.
pub fn contract_customizable(
    net: &Network,
    variable: &[bool],
    progress: &dyn crate::progress::Progress,
) -> crate::route::Customizable {
    let map = ParMap(Workspaces::new(|| Witness::new(net.node_count())));
    Hierarchy::build_customizable(net, &|i| variable[i], &map, progress)
}

struct ParMap<F>(Workspaces<Witness, F>);

impl<F: Fn() -> Witness + Sync> NodeMap for ParMap<F> {
    fn map(&self, nodes: &[u32], f: &(dyn Fn(&mut Witness, u32) -> Eval + Sync)) -> Vec<Eval> {
        // Chunks of nodes, so that a workspace is locked once per chunk; indexed, so results
        // come back in node order.
        nodes
            .par_chunks(256)
            .flat_map_iter(|c| {
                self.0
                    .with(|ws| c.iter().map(|&v| f(ws, v)).collect::<Vec<_>>())
            })
            .collect()
    }

    fn filter(&self, nodes: &[u32], f: &(dyn Fn(u32) -> bool + Sync)) -> Vec<u32> {
        nodes
            .par_iter()
            .with_min_len(1024)
            .copied()
            .filter(|&v| f(v))
            .collect()
    }
}

/// Betweenness, closeness and efficiency ([`crate::measures::betweenness`]), one Brandes
/// source step per unit in parallel; the parts are combined in source order, so the sums are
/// the same for any thread count.
pub fn betweenness(net: &Network, weights: Option<PairWeights<'_>>) -> Centrality {
    let parts: Vec<_> = (0..net.unit_count() as u32)
        .into_par_iter()
        .map_init(
            || BrandesWorkspace::new(net.node_count()),
            |ws, s| betweenness::brandes_source(net, UnitId(s), ws, weights),
        )
        .collect();
    betweenness::combine(net, weights, parts)
}

/// The resilience figures of the network with each set of links failed, in parallel, by
/// Dijkstra (the reference; `analysis::failure_figures` re-times one hierarchy instead on a
/// road graph); output in the order of `sets`.
pub fn failures(
    net: &Network,
    setting: &crate::measures::resilience::Setting<'_>,
    sets: &[Vec<crate::model::LinkId>],
) -> Vec<crate::measures::resilience::Figures> {
    sets.par_iter()
        .map(|failed| {
            let sub = net.without(failed);
            let e = crate::route::Engine::Dijkstra(&sub);
            let mut ws = e.workspace();
            crate::measures::resilience::figures(&e, &mut ws, setting)
        })
        .collect()
}

/// `f` over `items` in parallel, results in item order (for example one network per year of a
/// timeline).
pub fn map_ordered<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.par_iter().map(f).collect()
}
