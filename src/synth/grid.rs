//! The road grid: jittered nodes about 1 km apart, residential edges thinned without
//! disconnecting, classes by row and column, one-way streets that keep strong connectivity,
//! and motorways.

use super::*;

/// A grid filled row by row: node `i` is at row `i / side`, column `i % side`.
pub(super) struct Grid {
    n: usize,
    side: usize,
    rows: usize,
}

impl Grid {
    pub(super) fn new(n: usize) -> Self {
        let mut side = (n as f64).sqrt().ceil() as usize;
        // Guard against rounding of the square root.
        while side * side < n {
            side += 1;
        }
        while side > 1 && (side - 1) * (side - 1) >= n {
            side -= 1;
        }
        Grid {
            n,
            side,
            rows: n.div_ceil(side),
        }
    }

    /// The node east of `i`, when there is one.
    pub(super) fn east(&self, i: usize) -> Option<usize> {
        (i % self.side + 1 < self.side && i + 1 < self.n).then_some(i + 1)
    }

    /// Longitude and latitude of the node at row `r`, column `c`, moved by `jx`, `jy` grid
    /// spacings; km become degrees with the cosine of the row's latitude.
    pub(super) fn position(&self, r: usize, c: usize, jx: f64, jy: f64) -> (f64, f64) {
        let dx = (c as f64 - (self.side - 1) as f64 / 2.0) * SPACING_KM;
        let dy = (r as f64 - (self.rows - 1) as f64 / 2.0) * SPACING_KM;
        let row_lat = CENTRE_LAT + dy / KM_PER_DEG;
        let km_per_lon_deg = KM_PER_DEG * row_lat.to_radians().cos();
        (
            CENTRE_LON + (dx + jx * SPACING_KM) / km_per_lon_deg,
            row_lat + jy * SPACING_KM / KM_PER_DEG,
        )
    }

    /// The node south of `i` (next row), when there is one.
    pub(super) fn south(&self, i: usize) -> Option<usize> {
        (i + self.side < self.n).then_some(i + self.side)
    }
}

/// Whether the edges along grid row or column `j` are residential streets.
pub(super) fn residential(j: usize) -> bool {
    !j.is_multiple_of(10)
}

/// The class of the edges along grid row or column `j`.
pub(super) fn class_of(j: usize) -> &'static str {
    if j.is_multiple_of(100) {
        "Trunk"
    } else if j.is_multiple_of(50) {
        "Primary"
    } else if j.is_multiple_of(30) {
        "Secondary"
    } else if j.is_multiple_of(10) {
        "Tertiary"
    } else {
        "Residential"
    }
}

pub(super) fn round7(x: f64) -> f64 {
    crate::export::table::round(x, 7)
}

pub(super) fn place_nodes(grid: &Grid, seed: u64) -> Vec<SynthNode> {
    let mut rng = Rng::new(seed, STAGE_NODES);
    let mut nodes = Vec::with_capacity(grid.n);
    for i in 0..grid.n {
        let (jx, jy) = (JITTER * rng.signed(), JITTER * rng.signed());
        let (lon, lat) = grid.position(i / grid.side, i % grid.side, jx, jy);
        nodes.push(SynthNode {
            id: NODE_ID_OFFSET + i as i64 + 1,
            lon: round7(lon),
            lat: round7(lat),
        });
    }
    nodes
}

// Per-node flags of the edges east (H) and south (V) of a node.
pub(super) const H_PRESENT: u8 = 1;
pub(super) const V_PRESENT: u8 = 1 << 1;
pub(super) const H_ONEWAY: u8 = 1 << 2;
pub(super) const V_ONEWAY: u8 = 1 << 3;
pub(super) const H_PINNED: u8 = 1 << 4;
pub(super) const V_PINNED: u8 = 1 << 5;
pub(super) const H_REVERSED: u8 = 1 << 6;
pub(super) const V_REVERSED: u8 = 1 << 7;

/// One of the two grid edges owned by a node.
#[derive(Clone, Copy)]
pub(super) enum Dir {
    /// To the node east.
    H,
    /// To the node south.
    V,
}

impl Dir {
    const fn present(self) -> u8 {
        match self {
            Dir::H => H_PRESENT,
            Dir::V => V_PRESENT,
        }
    }
    const fn oneway(self) -> u8 {
        match self {
            Dir::H => H_ONEWAY,
            Dir::V => V_ONEWAY,
        }
    }
    const fn pinned(self) -> u8 {
        match self {
            Dir::H => H_PINNED,
            Dir::V => V_PINNED,
        }
    }
    const fn reversed(self) -> u8 {
        match self {
            Dir::H => H_REVERSED,
            Dir::V => V_REVERSED,
        }
    }
}

/// Decide which grid edges exist and which are one-way: one flag byte per node.
pub(super) fn grid_edges(grid: &Grid, seed: u64) -> Vec<u8> {
    let n = grid.n;
    let mut flags = vec![0u8; n];
    let mut deleted = Vec::new();

    // Deletions (residential only).
    let mut rng = Rng::new(seed, STAGE_DELETE);
    for (i, f) in flags.iter_mut().enumerate() {
        let (r, c) = (i / grid.side, i % grid.side);
        if let Some(j) = grid.east(i) {
            if residential(r) && rng.f64() < DELETE_P {
                deleted.push((i, j, Dir::H));
            } else {
                *f |= H_PRESENT;
            }
        }
        if let Some(j) = grid.south(i) {
            if residential(c) && rng.f64() < DELETE_P {
                deleted.push((i, j, Dir::V));
            } else {
                *f |= V_PRESENT;
            }
        }
    }

    // Put back the deleted edges that join two components: the full grid is connected, so
    // afterwards the kept edges are too.
    let mut uf = crate::network::union_find::UnionFind::new(n);
    for (i, f) in flags.iter().enumerate() {
        if f & H_PRESENT != 0 {
            uf.union(i, i + 1);
        }
        if f & V_PRESENT != 0 {
            uf.union(i, i + grid.side);
        }
    }
    for (i, j, d) in deleted {
        if uf.union(i, j) {
            flags[i] |= d.present();
        }
    }
    drop(uf);

    // One-way streets: only beside a grid square whose other three sides exist and are (and
    // stay) two-way, so the reverse trip has a detour and the graph stays strongly connected.
    let mut rng = Rng::new(seed, STAGE_ONEWAY);
    let side = grid.side;
    for i in 0..n {
        let (r, c) = (i / side, i % side);
        for (d, line) in [(Dir::H, r), (Dir::V, c)] {
            if flags[i] & d.present() == 0 || !residential(line) || rng.f64() >= ONEWAY_P {
                continue;
            }
            let reverse = rng.f64() < 0.5;
            if flags[i] & d.pinned() != 0 {
                continue;
            }
            // The other three sides of the square on either side of the edge.
            let squares: [Option<[(usize, Dir); 3]>; 2] = match d {
                Dir::H => [
                    Some([(i, Dir::V), (i + side, Dir::H), (i + 1, Dir::V)]),
                    (r > 0).then(|| {
                        [
                            (i - side, Dir::V),
                            (i - side, Dir::H),
                            (i + 1 - side, Dir::V),
                        ]
                    }),
                ],
                Dir::V => [
                    Some([(i, Dir::H), (i + 1, Dir::V), (i + side, Dir::H)]),
                    (c > 0).then(|| [(i - 1, Dir::H), (i - 1, Dir::V), (i + side - 1, Dir::H)]),
                ],
            };
            let usable = |(j, e): (usize, Dir)| {
                j < n && flags[j] & e.present() != 0 && flags[j] & e.oneway() == 0
            };
            let Some(square) = squares
                .into_iter()
                .flatten()
                .find(|sq| sq.iter().all(|&s| usable(s)))
            else {
                continue;
            };
            flags[i] |= d.oneway();
            if reverse {
                flags[i] |= d.reversed();
            }
            for (j, e) in square {
                flags[j] |= e.pinned();
            }
        }
    }
    flags
}

/// The edges: grid edges in node order (east, then south), then motorways.
pub(super) fn emit_edges(
    grid: &Grid,
    flags: &[u8],
    nodes: &[SynthNode],
    seed: u64,
) -> Vec<SynthEdge> {
    let mut rng = Rng::new(seed, STAGE_LENGTH);
    let mut edges = Vec::with_capacity(2 * grid.n + 2 * grid.n / (MOTORWAY_EVERY * MOTORWAY_STEP));
    let mut push = |a: usize, b: usize, class: &'static str, oneway: bool, factor: f64| {
        let (pa, pb) = (&nodes[a], &nodes[b]);
        let d = Haversine.distance(Point::new(pa.lon, pa.lat), Point::new(pb.lon, pb.lat));
        // Rounded up to the centimetre: never below the great-circle distance, never 0.
        let length_m = ((d * factor * 100.0).ceil() / 100.0).max(0.01);
        edges.push(SynthEdge {
            id: format!("e{}", edges.len() + 1),
            source: pa.id,
            target: pb.id,
            length_m,
            class,
            oneway,
        });
    };
    for (i, &f) in flags.iter().enumerate() {
        let (r, c) = (i / grid.side, i % grid.side);
        for (d, j, line) in [(Dir::H, i + 1, r), (Dir::V, i + grid.side, c)] {
            if f & d.present() == 0 {
                continue;
            }
            let factor = 1.0 + CIRCUITY_MAX * rng.f64();
            let (a, b) = if f & d.reversed() != 0 {
                (j, i)
            } else {
                (i, j)
            };
            push(a, b, class_of(line), f & d.oneway() != 0, factor);
        }
    }
    let at = |r: usize, c: usize| {
        let i = r * grid.side + c;
        (r < grid.rows && c < grid.side && i < grid.n).then_some(i)
    };
    for r in (0..grid.rows).step_by(MOTORWAY_EVERY) {
        for c in (0..grid.side).step_by(MOTORWAY_STEP) {
            if let (Some(a), Some(b)) = (at(r, c), at(r, c + MOTORWAY_STEP)) {
                push(a, b, "Motorway", false, MOTORWAY_CIRCUITY);
            }
        }
    }
    for c in (0..grid.side).step_by(MOTORWAY_EVERY) {
        for r in (0..grid.rows).step_by(MOTORWAY_STEP) {
            if let (Some(a), Some(b)) = (at(r, c), at(r + MOTORWAY_STEP, c)) {
                push(a, b, "Motorway", false, MOTORWAY_CIRCUITY);
            }
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn grid_side_and_rows() {
        for (n, side, rows) in [
            (4, 2, 2),
            (5, 3, 2),
            (9, 3, 3),
            (10, 4, 3),
            (1_000_000, 1000, 1000),
        ] {
            let g = Grid::new(n);
            assert_eq!((g.side, g.rows), (side, rows), "n = {n}");
        }
    }

    #[test]
    pub(super) fn the_largest_grid_stays_on_the_globe_and_within_a_day_by_rail() {
        let g = Grid::new(MAX_NODES);
        let corners = [
            g.position(0, 0, -1.0, -1.0),
            g.position(g.rows - 1, g.side - 1, 1.0, 1.0),
            g.position(g.rows - 1, 0, -1.0, 1.0),
            g.position(0, g.side - 1, 1.0, -1.0),
        ];
        for (x, y) in corners {
            assert!((-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y));
        }
        let km = distance_m(corners[0], corners[1]).max(distance_m(corners[2], corners[3])) / 1e3;
        assert!(
            km / HSR_KMH * 60.0 < crate::load::links::MAX_LINK_MIN,
            "{km} km"
        );
    }

    #[test]
    pub(super) fn classes_nest() {
        assert_eq!(class_of(0), "Trunk");
        assert_eq!(class_of(50), "Primary");
        assert_eq!(class_of(60), "Secondary");
        assert_eq!(class_of(150), "Primary");
        assert_eq!(class_of(70), "Tertiary");
        assert_eq!(class_of(7), "Residential");
    }
}
