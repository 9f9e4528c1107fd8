//! The structure of the **linkage network**: the gravity linkage R
//! ([`crate::measures::gravity`]) made binary at a threshold ([`BinaryNetwork`]), described by
//! density, degree centrality, clustering and characteristic path length ([`structure`]).

use std::collections::VecDeque;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::measures::gravity::Gravity;
use crate::model::UnitId;

/// Where the linkage network is cut: i → j is an arc when w_ij > 0 and w_ij ≥ the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// The mean of w over every ordered pair i ≠ j (pairs with w = 0 included).
    #[default]
    Mean,
    /// A fixed value, in the units of w.
    Value(f64),
}

/// A directed binary network on n units (no loops).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinaryNetwork {
    n: usize,
    adj: Vec<bool>,
    cut: Option<f64>,
}

impl BinaryNetwork {
    /// The network with these arcs (duplicates count once).
    ///
    /// # Errors
    /// [`Error::Usage`] for a loop (i → i) or a unit id ≥ n.
    pub fn from_arcs(n: usize, arcs: &[(UnitId, UnitId)]) -> Result<BinaryNetwork> {
        let mut adj = vec![false; n * n];
        for &(a, b) in arcs {
            if a.index() >= n || b.index() >= n {
                return Err(Error::Usage(format!(
                    "binary network: arc {} → {} refers to a unit beyond the {n} units",
                    a.0, b.0
                )));
            }
            if a == b {
                return Err(Error::Usage(format!(
                    "binary network: loop at unit {}",
                    a.0
                )));
            }
            adj[a.index() * n + b.index()] = true;
        }
        Ok(BinaryNetwork { n, adj, cut: None })
    }

    /// Cut an n × n row-major weight matrix (the diagonal is ignored): i → j when w_ij > 0 and
    /// w_ij ≥ the threshold.
    ///
    /// # Errors
    /// [`Error::Usage`] when `w` is not n × n, holds a NaN, or the threshold value is not
    /// finite.
    pub fn from_weights(n: usize, w: &[f64], threshold: Threshold) -> Result<BinaryNetwork> {
        if w.len() != n * n {
            return Err(Error::Usage(format!(
                "binary network: {} weights for {n} units, expected {}",
                w.len(),
                n * n
            )));
        }
        if w.iter().any(|x| x.is_nan()) {
            return Err(Error::Usage("binary network: a weight is NaN".into()));
        }
        let off = (0..n * n).filter(|k| k / n != k % n);
        let cut = match threshold {
            Threshold::Mean => {
                let pairs = n * n.saturating_sub(1);
                if pairs == 0 {
                    0.0
                } else {
                    off.clone().map(|k| w[k]).sum::<f64>() / pairs as f64
                }
            }
            Threshold::Value(v) if v.is_finite() => v,
            Threshold::Value(v) => {
                return Err(Error::Usage(format!(
                    "binary network: threshold {v} is not a finite number"
                )));
            }
        };
        let mut adj = vec![false; n * n];
        for k in off {
            adj[k] = w[k] > 0.0 && w[k] >= cut;
        }
        Ok(BinaryNetwork {
            n,
            adj,
            cut: Some(cut),
        })
    }

    /// Cut the gravity linkage R ([`BinaryNetwork::from_weights`] on [`Gravity::matrix`]).
    ///
    /// # Errors
    /// [`Error::Usage`] when the threshold value is not finite.
    pub fn from_gravity(g: &Gravity, threshold: Threshold) -> Result<BinaryNetwork> {
        BinaryNetwork::from_weights(g.len(), g.matrix(), threshold)
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True for a network of no units.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Whether i → j is an arc.
    pub fn has_arc(&self, i: UnitId, j: UnitId) -> bool {
        self.adj[i.index() * self.n + j.index()]
    }

    /// Number of arcs L.
    pub fn arc_count(&self) -> usize {
        self.adj.iter().filter(|&&a| a).count()
    }

    /// The threshold the weights were cut at (`None` when built from arcs).
    pub fn threshold(&self) -> Option<f64> {
        self.cut
    }
}

/// The result of [`structure`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Structure {
    /// Number of units n.
    pub units: usize,
    /// Number of arcs L.
    pub arcs: usize,
    /// L / [n(n − 1)].
    pub density: f64,
    /// Out-degree of every unit (arcs leaving it).
    pub out_degree: Vec<usize>,
    /// In-degree of every unit (arcs entering it).
    pub in_degree: Vec<usize>,
    /// Out-degree / (n − 1).
    pub out_centrality: Vec<f64>,
    /// In-degree / (n − 1).
    pub in_centrality: Vec<f64>,
    /// Local clustering coefficient of every unit, on the undirected version of the network.
    pub clustering: Vec<f64>,
    /// The mean of `clustering` over all units (units of degree < 2 count as 0).
    pub mean_clustering: f64,
    /// Mean shortest hop distance over the ordered pairs i ≠ j with a directed path; `None`
    /// when there is none.
    pub path_length: Option<f64>,
    /// Ordered pairs i ≠ j with a directed path.
    pub reachable_pairs: usize,
    /// Ordered pairs i ≠ j without one.
    pub unreachable_pairs: usize,
}

/// Density, degree centrality, clustering and characteristic path length of a binary network.
///
/// Formulas (Wasserman & Faust 1994, *Social Network Analysis*; Freeman 1979, "Centrality in
/// social networks: conceptual clarification", Social Networks 1; Watts & Strogatz 1998,
/// Nature 393), for n units and L arcs:
/// - density D = L / [n(n − 1)];
/// - degree centrality C_out(i) = k_out(i) / (n − 1), C_in(i) = k_in(i) / (n − 1);
/// - clustering, on the **undirected** version of the network (i ~ j when i → j or j → i):
///   C_i = 2 e_i / [k_i (k_i − 1)], with k_i the neighbours of i and e_i the edges among them;
///   C_i = 0 when k_i < 2; the network's value is the mean over all units;
/// - characteristic path length: the mean shortest hop distance (directed, breadth-first) over
///   the ordered pairs that have a path; the pairs without are counted apart.
///
/// # Arguments
/// - `net`: the binary network.
///
/// # Returns
/// A [`Structure`].
///
/// # Units
/// Density, centralities and clustering are fractions in [0, 1]; path length in hops.
///
/// # Complexity
/// O(n³) for n units (clustering and breadth-first search on the adjacency matrix).
///
/// # Examples
/// ```
/// # use regionlink::measures::structure::{structure, BinaryNetwork};
/// # use regionlink::UnitId;
/// // A directed triangle 0 → 1 → 2 → 0 and a unit 3 fed by 2.
/// let u = UnitId;
/// let net = BinaryNetwork::from_arcs(4, &[(u(0), u(1)), (u(1), u(2)), (u(2), u(0)), (u(2), u(3))])?;
/// let s = structure(&net);
/// assert_eq!(s.density, 4.0 / 12.0);
/// assert_eq!(s.out_degree, vec![1, 1, 2, 0]);
/// assert_eq!(s.clustering[0], 1.0); // 1 and 2 are linked
/// assert_eq!(s.unreachable_pairs, 3); // nothing leaves 3
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn structure(net: &BinaryNetwork) -> Structure {
    let n = net.n;
    let a = |i: usize, j: usize| net.adj[i * n + j];
    let arcs = net.arc_count();
    let pairs = n * n.saturating_sub(1);
    let per = |x: usize| {
        if n > 1 {
            x as f64 / (n - 1) as f64
        } else {
            0.0
        }
    };
    let out_degree: Vec<usize> = (0..n)
        .map(|i| (0..n).filter(|&j| a(i, j)).count())
        .collect();
    let in_degree: Vec<usize> = (0..n)
        .map(|j| (0..n).filter(|&i| a(i, j)).count())
        .collect();
    let und = |i: usize, j: usize| i != j && (a(i, j) || a(j, i));
    let clustering: Vec<f64> = (0..n)
        .map(|i| {
            let nb: Vec<usize> = (0..n).filter(|&j| und(i, j)).collect();
            let k = nb.len();
            if k < 2 {
                return 0.0;
            }
            let e = (0..k)
                .flat_map(|x| (x + 1..k).map(move |y| (x, y)))
                .filter(|&(x, y)| und(nb[x], nb[y]))
                .count();
            2.0 * e as f64 / (k * (k - 1)) as f64
        })
        .collect();
    let mean_clustering = if n > 0 {
        clustering.iter().sum::<f64>() / n as f64
    } else {
        0.0
    };
    let (mut hops, mut reachable) = (0usize, 0usize);
    let mut dist = vec![usize::MAX; n];
    let mut queue = VecDeque::new();
    for s in 0..n {
        dist.fill(usize::MAX);
        dist[s] = 0;
        queue.push_back(s);
        while let Some(v) = queue.pop_front() {
            for w in 0..n {
                if a(v, w) && dist[w] == usize::MAX {
                    dist[w] = dist[v] + 1;
                    hops += dist[w];
                    reachable += 1;
                    queue.push_back(w);
                }
            }
        }
    }
    Structure {
        units: n,
        arcs,
        density: if pairs > 0 {
            arcs as f64 / pairs as f64
        } else {
            0.0
        },
        out_centrality: out_degree.iter().map(|&k| per(k)).collect(),
        in_centrality: in_degree.iter().map(|&k| per(k)).collect(),
        out_degree,
        in_degree,
        clustering,
        mean_clustering,
        path_length: (reachable > 0).then(|| hops as f64 / reachable as f64),
        reachable_pairs: reachable,
        unreachable_pairs: pairs - reachable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    fn assert_all_close(got: &[f64], want: &[f64], what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: lengths");
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                close(*g, *w),
                "{what}[{i}]: got {g}, want {w}\n got {got:?}\nwant {want:?}"
            );
        }
    }

    // --- the binary linkage network ------------------------------------------------------

    #[test]
    fn density_of_pan_et_al_2022() {
        // Pan et al. (2022, Acta Geographica Sinica) report a density of 0.863 for the
        // 16-city Chengdu–Chongqing linkage network with 207 directed links: 207 / (16 · 15).
        // Build such a network: all 240 ordered pairs in row order, without the first 33.
        let n = 16;
        let all: Vec<(UnitId, UnitId)> = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .filter(|(i, j)| i != j)
            .map(|(i, j)| (UnitId(i), UnitId(j)))
            .collect();
        assert_eq!(all.len(), 240);
        let net = BinaryNetwork::from_arcs(n as usize, &all[33..]).unwrap();
        assert_eq!(net.arc_count(), 207);
        let s = structure(&net);
        assert_eq!(s.arcs, 207);
        assert_eq!(s.density, 0.8625);
        assert_eq!((s.density * 1000.0).round() / 1000.0, 0.863);
        assert_eq!(s.out_degree.iter().sum::<usize>(), 207);
        assert_eq!(s.in_degree.iter().sum::<usize>(), 207);
    }

    #[test]
    fn structure_by_hand() {
        // Arcs 0→1, 1→0, 1→2, 2→3, 0→2 on 4 units: L = 5, density 5/12.
        // out-degree (2, 2, 1, 0), in-degree (1, 1, 2, 1); /3 for the centralities.
        // Undirected: 0–1, 0–2, 1–2, 2–3. Neighbours: 0 {1,2}, 1 {0,2}, 2 {0,1,3}, 3 {2}.
        // C_0 = 1 (1–2), C_1 = 1 (0–2), C_2 = 1/3 (only 0–1 of three pairs), C_3 = 0 (k = 1):
        // mean 7/12.
        // Hops: from 0: 1, 1, 2 (to 1, 2, 3); from 1: 1, 1, 2; from 2: 1 (to 3); from 3: none.
        // 7 reachable pairs, 9 hops: L = 9/7; 12 − 7 = 5 unreachable.
        let u = UnitId;
        let net = BinaryNetwork::from_arcs(
            4,
            &[
                (u(0), u(1)),
                (u(1), u(0)),
                (u(1), u(2)),
                (u(2), u(3)),
                (u(0), u(2)),
                (u(0), u(2)),
            ],
        )
        .unwrap();
        let s = structure(&net);
        assert_eq!(s.arcs, 5);
        assert!(close(s.density, 5.0 / 12.0));
        assert_eq!(s.out_degree, vec![2, 2, 1, 0]);
        assert_eq!(s.in_degree, vec![1, 1, 2, 1]);
        assert_all_close(
            &s.out_centrality,
            &[2.0 / 3.0, 2.0 / 3.0, 1.0 / 3.0, 0.0],
            "out",
        );
        assert_all_close(
            &s.in_centrality,
            &[1.0 / 3.0, 1.0 / 3.0, 2.0 / 3.0, 1.0 / 3.0],
            "in",
        );
        assert_all_close(&s.clustering, &[1.0, 1.0, 1.0 / 3.0, 0.0], "clustering");
        assert!(close(s.mean_clustering, 7.0 / 12.0));
        assert_eq!(s.path_length, Some(9.0 / 7.0));
        assert_eq!((s.reachable_pairs, s.unreachable_pairs), (7, 5));
    }

    #[test]
    fn threshold_mean_includes_zero_pairs() {
        // Off-diagonal weights 6, 0, 3, 3, 0, 0: mean 2. Arcs where w ≥ 2 (and w > 0): 0→1,
        // 1→0, 1→2. The diagonal (100) is ignored.
        let w = [100.0, 6.0, 0.0, 3.0, 100.0, 3.0, 0.0, 0.0, 100.0];
        let net = BinaryNetwork::from_weights(3, &w, Threshold::Mean).unwrap();
        assert_eq!(net.threshold(), Some(2.0));
        let arcs: Vec<(usize, usize)> = (0..3)
            .flat_map(|i| (0..3).map(move |j| (i, j)))
            .filter(|&(i, j)| net.has_arc(UnitId(i as u32), UnitId(j as u32)))
            .collect();
        assert_eq!(arcs, vec![(0, 1), (1, 0), (1, 2)]);
        let high = BinaryNetwork::from_weights(3, &w, Threshold::Value(4.0)).unwrap();
        assert_eq!(high.arc_count(), 1);
        // A threshold of 0 still needs w > 0.
        assert_eq!(
            BinaryNetwork::from_weights(3, &w, Threshold::Value(0.0))
                .unwrap()
                .arc_count(),
            3
        );
        assert!(BinaryNetwork::from_weights(3, &w[..8], Threshold::Mean).is_err());
        assert!(BinaryNetwork::from_weights(3, &w, Threshold::Value(f64::NAN)).is_err());
        assert!(BinaryNetwork::from_arcs(2, &[(UnitId(0), UnitId(0))]).is_err());
        assert!(BinaryNetwork::from_arcs(2, &[(UnitId(0), UnitId(2))]).is_err());
    }

    #[test]
    fn empty_binary_network_has_no_path_length() {
        let s = structure(&BinaryNetwork::from_arcs(3, &[]).unwrap());
        assert_eq!(
            (s.density, s.path_length, s.unreachable_pairs),
            (0.0, None, 6)
        );
    }

    // --- the transport network -----------------------------------------------------------
}
