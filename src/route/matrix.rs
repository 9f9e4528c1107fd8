//! The unit-to-unit travel-time matrix.

use crate::model::{Minutes, UnitId};
use crate::network::Network;
use crate::route::{Dijkstra, Engine, Workspace};

/// Travel times between units, minutes, row-major (`origin × destination`); `None` where
/// unreachable.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    n: usize,
    t: Vec<f64>,
}

impl Matrix {
    /// Assemble from rows (each of length `rows.len()`); unreachable is `None`.
    pub fn from_rows(rows: Vec<Vec<Option<Minutes>>>) -> Matrix {
        let n = rows.len();
        let mut t = Vec::with_capacity(n * n);
        for r in rows {
            assert_eq!(r.len(), n, "a square matrix");
            t.extend(r.into_iter().map(|m| m.map_or(f64::INFINITY, |m| m.0)));
        }
        Matrix { n, t }
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True for a matrix of no units.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The time from `a` to `b`, `None` when unreachable.
    #[inline]
    pub fn get(&self, a: UnitId, b: UnitId) -> Option<Minutes> {
        let x = self.t[a.index() * self.n + b.index()];
        x.is_finite().then_some(Minutes(x))
    }

    /// The composite matrix √(a × b) of two matrices over the same units (the road/rail
    /// composite of the Chengdu–Chongqing literature); `None` where either is `None`.
    pub fn composite(a: &Matrix, b: &Matrix) -> Matrix {
        assert_eq!(a.n, b.n, "matrices over the same units");
        Matrix {
            n: a.n,
            t: a.t.iter().zip(&b.t).map(|(x, y)| (x * y).sqrt()).collect(),
        }
    }
}

/// One row of the matrix: times from unit `origin` to every unit (sequential; the parallel
/// fan-out is [`crate::measures::par::travel_time_matrix`]).
pub fn row(
    dj: &mut Dijkstra,
    net: &Network,
    origin: UnitId,
    limit: Option<Minutes>,
) -> Vec<Option<Minutes>> {
    let tree = dj.run(net, &[(net.unit_node(origin), Minutes::ZERO)], limit);
    (0..net.unit_count())
        .map(|u| tree.time(net.unit_node(UnitId(u as u32))))
        .collect()
}

/// Times from a set of units searched together (a core) to every unit.
pub fn row_multi(
    dj: &mut Dijkstra,
    net: &Network,
    origins: &[UnitId],
    limit: Option<Minutes>,
) -> Vec<Option<Minutes>> {
    let sources: Vec<_> = origins
        .iter()
        .map(|&u| (net.unit_node(u), Minutes::ZERO))
        .collect();
    let tree = dj.run(net, &sources, limit);
    (0..net.unit_count())
        .map(|u| tree.time(net.unit_node(UnitId(u as u32))))
        .collect()
}

/// The time from the units `origins` (searched together, as a core's units are; one unit for
/// a row of the matrix) to every unit, with any [`Engine`].
pub fn unit_row(
    engine: &Engine<'_>,
    ws: &mut Workspace,
    origins: &[UnitId],
) -> Vec<Option<Minutes>> {
    let net = engine.network();
    let sources: Vec<_> = origins
        .iter()
        .map(|&u| (net.unit_node(u), Minutes::ZERO))
        .collect();
    let times = engine.run(ws, &sources, None);
    net.unit_nodes().iter().map(|&n| times.time(n)).collect()
}
