//! Joining a road graph ([`crate::load::roads`]) to the units: keep its largest strongly
//! connected component, snap every seat to its nearest road node, and time the connectors.

use geo::Point;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::Serialize;

use crate::load::RoadParams;
use crate::load::roads::RoadGraph;
use crate::model::{Region, UnitId};
use crate::network::generate::great_circle_km;

/// One seat joined to the road graph.
#[derive(Debug, Clone, Serialize)]
pub struct Snap {
    /// The unit.
    pub unit: UnitId,
    /// Index of the road node in [`RoadGraph::nodes`].
    pub road_node: u32,
    /// The road node's id in the file.
    pub road_node_id: i64,
    /// Geodesic seat → node distance, km.
    pub km: f64,
    /// Connector time each way, minutes (`km` at the study's `roads.connector_kmh`).
    pub minutes: f64,
}

/// What joining the road graph did, for `info` and reports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RoadReport {
    /// Where the graph came from.
    pub source: String,
    /// Nodes read.
    pub nodes_read: usize,
    /// Edges read that cars may use.
    pub edges_read: usize,
    /// Edges of the file cars may not use (skipped on reading).
    pub edges_no_car: usize,
    /// Strongly connected components of the road graph.
    pub components: usize,
    /// Nodes kept (the largest strongly connected component).
    pub nodes_kept: usize,
    /// Nodes dropped (every smaller component).
    pub nodes_dropped: usize,
    /// Directed road arcs kept.
    pub arcs_kept: usize,
    /// Each unit's snap, in unit order.
    pub snaps: Vec<Snap>,
    /// The warning threshold, km.
    pub snap_warn_km: f64,
}

impl RoadReport {
    /// The snaps farther than the warning threshold.
    pub fn far_snaps(&self) -> impl Iterator<Item = &Snap> {
        self.snaps.iter().filter(|s| s.km > self.snap_warn_km)
    }

    /// Snap distances: (median, 95th percentile, maximum), km; `None` without units.
    pub fn snap_quantiles(&self) -> Option<(f64, f64, f64)> {
        let mut d: Vec<f64> = self.snaps.iter().map(|s| s.km).collect();
        if d.is_empty() {
            return None;
        }
        d.sort_by(f64::total_cmp);
        let q = |p: f64| d[((d.len() - 1) as f64 * p).round() as usize];
        Some((q(0.5), q(0.95), d[d.len() - 1]))
    }
}

/// The directed arcs of a road graph: (tail, head, minutes), in edge order, forward before
/// backward.
pub fn road_arcs(g: &RoadGraph) -> Vec<(u32, u32, f64)> {
    let mut v = Vec::with_capacity(g.edges.len() * 2);
    for e in &g.edges {
        if let Some(t) = e.forward_min {
            v.push((e.source, e.target, t));
        }
        if let Some(t) = e.backward_min {
            v.push((e.target, e.source, t));
        }
    }
    v
}

/// Strongly connected components of a directed graph of `n` nodes (Kosaraju, iterative: no
/// recursion, so a million-node path is fine). Returns each node's component id and the number
/// of components; component ids are numbered in order of discovery (deterministic).
///
/// # Complexity
/// O(V + E) time and memory.
pub fn scc(n: usize, arcs: &[(u32, u32, f64)]) -> (Vec<u32>, usize) {
    let csr = |rev: bool| {
        let mut off = vec![0u32; n + 1];
        for &(a, b, _) in arcs {
            off[if rev { b } else { a } as usize + 1] += 1;
        }
        for i in 0..n {
            off[i + 1] += off[i];
        }
        let mut fill = off.clone();
        let mut adj = vec![0u32; arcs.len()];
        for &(a, b, _) in arcs {
            let (t, h) = if rev { (b, a) } else { (a, b) };
            adj[fill[t as usize] as usize] = h;
            fill[t as usize] += 1;
        }
        (off, adj)
    };
    let (off, adj) = csr(false);
    // Pass 1: finishing order by iterative DFS on the graph.
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<(u32, u32)> = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        stack.push((s as u32, off[s]));
        while let Some(&mut (u, ref mut next)) = stack.last_mut() {
            if *next < off[u as usize + 1] {
                let v = adj[*next as usize];
                *next += 1;
                if !seen[v as usize] {
                    seen[v as usize] = true;
                    stack.push((v, off[v as usize]));
                }
            } else {
                order.push(u);
                stack.pop();
            }
        }
    }
    drop((off, adj));
    // Pass 2: on the reverse graph, in reverse finishing order.
    let (roff, radj) = csr(true);
    const NONE: u32 = u32::MAX;
    let mut comp = vec![NONE; n];
    let mut count = 0u32;
    let mut todo: Vec<u32> = Vec::new();
    for &s in order.iter().rev() {
        if comp[s as usize] != NONE {
            continue;
        }
        comp[s as usize] = count;
        todo.push(s);
        while let Some(u) = todo.pop() {
            for &v in &radj[roff[u as usize] as usize..roff[u as usize + 1] as usize] {
                if comp[v as usize] == NONE {
                    comp[v as usize] = count;
                    todo.push(v);
                }
            }
        }
        count += 1;
    }
    (comp, count as usize)
}

/// Which nodes belong to the largest strongly connected component (ties: the component of the
/// lowest node index), and the number of components.
pub fn largest_scc(n: usize, arcs: &[(u32, u32, f64)]) -> (Vec<bool>, usize) {
    let (comp, count) = scc(n, arcs);
    let mut size = vec![0usize; count];
    let mut first = vec![usize::MAX; count];
    for (i, &c) in comp.iter().enumerate() {
        size[c as usize] += 1;
        first[c as usize] = first[c as usize].min(i);
    }
    let best = (0..count).max_by(|&a, &b| size[a].cmp(&size[b]).then(first[b].cmp(&first[a])));
    let keep = match best {
        Some(b) => comp.iter().map(|&c| c as usize == b).collect(),
        None => vec![false; n],
    };
    (keep, count)
}

/// The kept nodes of `g` (indices into `g.nodes`) in the order of a Hilbert curve over their
/// bounding box (2¹⁶ × 2¹⁶ cells; ties by index): a locality-preserving numbering for the
/// search arrays. Deterministic.
///
/// # Complexity
/// O(V log V).
pub fn spatial_order(g: &RoadGraph, keep: &[bool]) -> Vec<u32> {
    let kept: Vec<u32> = (0..g.nodes.len() as u32)
        .filter(|&i| keep[i as usize])
        .collect();
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &i in &kept {
        let n = &g.nodes[i as usize];
        (x0, y0, x1, y1) = (x0.min(n.lon), y0.min(n.lat), x1.max(n.lon), y1.max(n.lat));
    }
    const SIDE: u32 = 1 << 16;
    let cell = |v: f64, lo: f64, hi: f64| -> u32 {
        if hi > lo {
            (((v - lo) / (hi - lo)) * f64::from(SIDE - 1)).round() as u32
        } else {
            0
        }
    };
    let mut keyed: Vec<(u64, u32)> = kept
        .iter()
        .map(|&i| {
            let n = &g.nodes[i as usize];
            (hilbert(SIDE, cell(n.lon, x0, x1), cell(n.lat, y0, y1)), i)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, i)| i).collect()
}

/// The distance along the Hilbert curve of cell (x, y) of a `side` × `side` grid (`side` a
/// power of two; the classic iterative rotate-and-flip form).
fn hilbert(side: u32, mut x: u32, mut y: u32) -> u64 {
    let mut d = 0u64;
    let mut s = side / 2;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = side - 1 - x;
                y = side - 1 - y;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s /= 2;
    }
    d
}

/// How many nearest candidates (in the projected plane) are re-ranked by geodesic distance.
const CANDIDATES: usize = 8;

/// Snap every unit's seat to the nearest kept road node: an R-tree on an equirectangular
/// projection centred on the graph's mean latitude finds the 8 nearest, which are
/// re-ranked by geodesic distance (ties: the lower node index). `None` when no node is kept.
///
/// # Complexity
/// O(V log V) to build the tree, O(log V) per seat.
pub fn snap(
    region: &Region,
    g: &RoadGraph,
    keep: &[bool],
    params: &RoadParams,
) -> Option<Vec<Snap>> {
    let kept: Vec<u32> = (0..g.nodes.len() as u32)
        .filter(|&i| keep[i as usize])
        .collect();
    if kept.is_empty() {
        return None;
    }
    let lat0 = kept.iter().map(|&i| g.nodes[i as usize].lat).sum::<f64>() / kept.len() as f64;
    let kx = lat0.to_radians().cos();
    let project = |lon: f64, lat: f64| [lon * kx, lat];
    let tree = RTree::bulk_load(
        kept.iter()
            .map(|&i| {
                let n = &g.nodes[i as usize];
                GeomWithData::new(project(n.lon, n.lat), i)
            })
            .collect(),
    );
    let snaps = region
        .units
        .iter()
        .map(|u| {
            let q = project(u.seat.x(), u.seat.y());
            let (km, node) = tree
                .nearest_neighbor_iter(&q)
                .take(CANDIDATES)
                .map(|c| {
                    let n = &g.nodes[c.data as usize];
                    (great_circle_km(u.seat, Point::new(n.lon, n.lat)), c.data)
                })
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .unwrap_or((f64::INFINITY, kept[0]));
            Snap {
                unit: u.id,
                road_node: node,
                road_node_id: g.nodes[node as usize].id,
                km,
                minutes: km / params.connector_kmh * 60.0,
            }
        })
        .collect();
    Some(snaps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scc_of_a_cycle_and_a_tail() {
        // 0 → 1 → 2 → 0 is one component; 2 → 3 → 4 → 3: {3, 4}; 5 alone.
        let arcs: Vec<(u32, u32, f64)> = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 3)]
            .iter()
            .map(|&(a, b)| (a, b, 1.0))
            .collect();
        let (comp, count) = scc(6, &arcs);
        assert_eq!(count, 3);
        assert_eq!(comp[0], comp[1]);
        assert_eq!(comp[1], comp[2]);
        assert_eq!(comp[3], comp[4]);
        assert_ne!(comp[0], comp[3]);
        assert_ne!(comp[5], comp[0]);
        assert_ne!(comp[5], comp[3]);
        let (keep, _) = largest_scc(6, &arcs);
        assert_eq!(keep, vec![true, true, true, false, false, false]);
    }

    #[test]
    fn hilbert_visits_every_cell_once_between_neighbours() {
        // On a 8 × 8 grid the curve is a bijection onto 0..64 and consecutive cells touch.
        let side = 8;
        let mut at = vec![(0, 0); 64];
        for x in 0..side {
            for y in 0..side {
                at[hilbert(side, x, y) as usize] = (x, y);
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for w in at.windows(2) {
            let (a, b) = (w[0], w[1]);
            assert_eq!(a.0.abs_diff(b.0) + a.1.abs_diff(b.1), 1, "{a:?} → {b:?}");
            seen.insert(a);
        }
        seen.insert(at[63]);
        assert_eq!(seen.len(), 64);
        assert_eq!(at[0], (0, 0));
        assert_eq!(at[63], (7, 0));
    }

    #[test]
    fn scc_of_a_long_path_does_not_recurse() {
        let n = 200_000u32;
        let arcs: Vec<_> = (0..n - 1)
            .flat_map(|i| [(i, i + 1, 1.0), (i + 1, i, 1.0)])
            .collect();
        let (_, count) = scc(n as usize, &arcs);
        assert_eq!(count, 1);
        // One-way only: every node is its own component.
        let one_way: Vec<_> = (0..n - 1).map(|i| (i, i + 1, 1.0)).collect();
        assert_eq!(scc(n as usize, &one_way).1, n as usize);
    }
}
