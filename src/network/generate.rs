//! Road links generated from the geometry: contiguity (units whose polygons share a border) and
//! nearest seats (each unit joined to its k nearest neighbours).
//!
//! rstar is Euclidean, so it only ever sees projected kilometres ([`contiguity`]) or points on
//! the unit sphere ([`nearest_seats`]); every length this module returns is a great-circle
//! length on lon/lat ([`great_circle_km`]).
//!
//! # Units
//! Input coordinates are WGS84 lon/lat degrees; lengths are kilometres, tolerances metres.

use geo::{Coord, Distance, Haversine, Point};
use rstar::primitives::{GeomWithData, Line, Rectangle};
use rstar::{AABB, Envelope, RTree};

use crate::model::{Region, UnitId};

/// Kilometres per degree of longitude on the equator (scaled by cos(lat₀) in the projection).
const KM_PER_DEG_LON: f64 = 111.32;
/// Kilometres per degree of latitude.
const KM_PER_DEG_LAT: f64 = 110.574;

/// A pair of units whose polygons share a border.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbours {
    /// The unit with the smaller id.
    pub a: UnitId,
    /// The unit with the larger id (`a < b`).
    pub b: UnitId,
    /// Length of the shared border, km (great-circle lengths of the boundary segments; the mean
    /// of the two directions, see [`contiguity`]).
    pub shared_border_km: f64,
    /// Great-circle distance between the two seats, km.
    pub seat_km: f64,
}

/// Units whose polygons share at least `min_border_km` of border. Borders within `tolerance_m`
/// metres count as shared.
///
/// A boundary segment of `a` (any ring, holes included) is shared with `b` when both its
/// endpoints and its midpoint lie within `tolerance_m` of `b`'s boundary. The shared length from
/// `a` to `b` is the sum of the great-circle lengths of those segments; since the two polygons
/// need not have the same vertices, the length is measured both ways and
/// [`Neighbours::shared_border_km`] is the mean of the two, so the result does not depend on
/// the order of the units. Two polygons touching in a point share no segment.
///
/// The tolerance test runs on a local equirectangular projection centred on the mid-latitude
/// φ₀ of the polygons' bounding box (x = lon·cos φ₀·111.32 km, y = lat·110.574 km): over a
/// region ±3° of latitude around φ₀ the tolerance is exact to within about 5 %, which only
/// moves the cut-off distance, never the lengths.
///
/// # Arguments
/// - `region`: the units; units without geometry (a point layer) are skipped.
/// - `min_border_km`: the shortest shared border kept, km.
/// - `tolerance_m`: how far apart two boundaries may be and still count as shared, metres
///   (negative values count as 0).
///
/// # Returns
/// The pairs with `a < b`, sorted by `(a, b)`; empty for a point layer.
///
/// # Units
/// Lon/lat in, km out; the tolerance is in metres.
///
/// # Complexity
/// R-trees of the units' bounding boxes and of each unit's boundary segments, then
/// O(log s) per segment of `a` lying near `b`'s bounding box, for every pair whose boxes meet.
pub fn contiguity(region: &Region, min_border_km: f64, tolerance_m: f64) -> Vec<Neighbours> {
    let tol_km = tolerance_m.max(0.0) / 1000.0;
    let Some(proj) = Projection::for_region(region) else {
        return Vec::new();
    };
    let boundaries: Vec<Option<Boundary>> = region
        .units
        .iter()
        .map(|u| u.geometry.as_ref().and_then(|g| Boundary::new(g, &proj)))
        .collect();

    // Candidate pairs: bounding boxes within the tolerance of each other.
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = boundaries
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let b = b.as_ref()?;
            Some(GeomWithData::new(Rectangle::from_aabb(b.envelope), i))
        })
        .collect();
    let box_tree = RTree::bulk_load(boxes);
    let mut candidates: Vec<(usize, usize)> = Vec::new();
    for (i, bi) in boundaries.iter().enumerate() {
        let Some(bi) = bi else { continue };
        let window = expand(&bi.envelope, tol_km);
        candidates.extend(
            box_tree
                .locate_in_envelope_intersecting(&window)
                .map(|r| r.data)
                .filter(|&j| j > i)
                .map(|j| (i, j)),
        );
    }
    candidates.sort_unstable();

    let mut out = Vec::new();
    for (i, j) in candidates {
        let (Some(bi), Some(bj)) = (&boundaries[i], &boundaries[j]) else {
            continue;
        };
        let ab = bi.shared_km(bj, tol_km);
        if ab == 0.0 {
            continue;
        }
        let shared = 0.5 * (ab + bj.shared_km(bi, tol_km));
        if shared >= min_border_km {
            let (ua, ub) = (&region.units[i], &region.units[j]);
            out.push(Neighbours {
                a: ua.id,
                b: ub.id,
                shared_border_km: shared,
                seat_km: great_circle_km(ua.seat, ub.seat),
            });
        }
    }
    out
}

/// Each unit joined to its k nearest seats (great-circle), deduplicated as unordered pairs
/// (a < b), sorted by (a, b); the f64 is the great-circle km between seats.
///
/// A unit is never its own neighbour; ties at the k-th distance go to the smaller id. The
/// search runs in an R-tree of the seats as points on the unit sphere, where the Euclidean
/// (chord) distance orders points exactly as the great-circle distance does.
///
/// # Returns
/// `(a, b, km)` with `a < b`, sorted by `(a, b)`; empty when `k == 0` or there are fewer than
/// two units. Every unit appears in at least `min(k, n − 1)` pairs.
///
/// # Units
/// Seats in lon/lat degrees; distances in km ([`great_circle_km`]).
///
/// # Complexity
/// O(n log n) to build the tree, then about O(k log n) per unit.
pub fn nearest_seats(region: &Region, k: usize) -> Vec<(UnitId, UnitId, f64)> {
    if k == 0 || region.units.len() < 2 {
        return Vec::new();
    }
    let seats: Vec<GeomWithData<[f64; 3], usize>> = region
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| GeomWithData::new(on_unit_sphere(u.seat), i))
        .collect();
    let tree = RTree::bulk_load(seats.clone());
    let mut pairs: Vec<(usize, usize)> = Vec::with_capacity(region.units.len() * k);
    let mut picked: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
    for s in &seats {
        picked.clear();
        for (other, d2) in tree.nearest_neighbor_iter_with_distance_2(s.geom()) {
            if other.data == s.data {
                continue;
            }
            // The iterator yields non-decreasing distances: stop past the k-th, keeping ties.
            if picked.len() >= k && d2 > picked[k - 1].0 {
                break;
            }
            picked.push((d2, other.data));
        }
        picked.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        picked.truncate(k);
        pairs.extend(picked.iter().map(|&(_, j)| (s.data.min(j), s.data.max(j))));
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .into_iter()
        .map(|(i, j)| {
            let (ua, ub) = (&region.units[i], &region.units[j]);
            (ua.id, ub.id, great_circle_km(ua.seat, ub.seat))
        })
        .collect()
}

/// Great-circle distance in km between two lon/lat points (geo's Haversine metric space, mean
/// Earth radius).
///
/// The sphere is geo's [`Haversine`]: the mean radius R₁ of the GRS80 ellipsoid,
/// 6371.0088 km (Moritz 2000). Against the ellipsoid ([`geo::Geodesic`]) the error is below
/// 0.5 %.
///
/// # Units
/// Lon/lat degrees in, km out.
pub fn great_circle_km(a: Point<f64>, b: Point<f64>) -> f64 {
    Haversine.distance(a, b) / 1000.0
}

/// The local equirectangular projection of [`contiguity`], in km.
#[derive(Debug, Clone, Copy)]
struct Projection {
    /// km per degree of longitude at the centre latitude.
    kx: f64,
}

impl Projection {
    /// Centred on the mid-latitude of every polygon vertex; `None` without polygons.
    fn for_region(region: &Region) -> Option<Projection> {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for g in region.units.iter().filter_map(|u| u.geometry.as_ref()) {
            for c in g.iter().flat_map(|p| p.exterior().0.iter()) {
                lo = lo.min(c.y);
                hi = hi.max(c.y);
            }
        }
        (lo <= hi).then(|| Projection {
            kx: KM_PER_DEG_LON * (0.5 * (lo + hi)).to_radians().cos(),
        })
    }

    fn project(&self, c: Coord<f64>) -> [f64; 2] {
        [c.x * self.kx, c.y * KM_PER_DEG_LAT]
    }
}

/// One boundary segment: projected endpoints and its great-circle length.
#[derive(Debug, Clone, Copy)]
struct Segment {
    p: [f64; 2],
    q: [f64; 2],
    km: f64,
}

/// A unit's boundary prepared for [`contiguity`]: every ring's segments, projected, in an R-tree.
struct Boundary {
    /// The segments, in ring order (exterior then holes, polygon by polygon).
    segments: Vec<Segment>,
    /// The same segments, for distance queries.
    tree: RTree<Line<[f64; 2]>>,
    /// Bounding box of the projected boundary.
    envelope: AABB<[f64; 2]>,
}

impl Boundary {
    /// `None` when the geometry has no segment of non-zero length.
    fn new(geometry: &geo::MultiPolygon<f64>, proj: &Projection) -> Option<Boundary> {
        let mut segments = Vec::new();
        for polygon in geometry {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for line in ring.lines() {
                    if line.start == line.end {
                        continue;
                    }
                    segments.push(Segment {
                        p: proj.project(line.start),
                        q: proj.project(line.end),
                        km: great_circle_km(line.start.into(), line.end.into()),
                    });
                }
            }
        }
        if segments.is_empty() {
            return None;
        }
        let envelope = AABB::from_points(segments.iter().flat_map(|s| [&s.p, &s.q]));
        let tree = RTree::bulk_load(segments.iter().map(|s| Line::new(s.p, s.q)).collect());
        Some(Boundary {
            segments,
            tree,
            envelope,
        })
    }

    /// Great-circle km of `self`'s segments lying within `tol_km` of `other`'s boundary (both
    /// endpoints and the midpoint).
    fn shared_km(&self, other: &Boundary, tol_km: f64) -> f64 {
        let window = expand(&other.envelope, tol_km);
        let tol2 = tol_km * tol_km;
        let near = |p: [f64; 2]| {
            window.contains_point(&p) && other.tree.locate_within_distance(p, tol2).next().is_some()
        };
        // Consecutive segments share a vertex: remember the last endpoint tested.
        let mut last: Option<([f64; 2], bool)> = None;
        let mut near_cached = |p: [f64; 2]| match last {
            Some((lp, r)) if lp == p => r,
            _ => {
                let r = near(p);
                last = Some((p, r));
                r
            }
        };
        let mut km = 0.0;
        for s in &self.segments {
            let mid = [0.5 * (s.p[0] + s.q[0]), 0.5 * (s.p[1] + s.q[1])];
            if near_cached(s.p) && near_cached(s.q) && near(mid) {
                km += s.km;
            }
        }
        km
    }
}

/// `envelope` grown by `by` on every side.
fn expand(envelope: &AABB<[f64; 2]>, by: f64) -> AABB<[f64; 2]> {
    let (lo, hi) = (envelope.lower(), envelope.upper());
    AABB::from_corners([lo[0] - by, lo[1] - by], [hi[0] + by, hi[1] + by])
}

/// A lon/lat point as a unit vector (x towards lon 0 on the equator, z to the north pole).
fn on_unit_sphere(p: Point<f64>) -> [f64; 3] {
    let (lon, lat) = (p.x().to_radians(), p.y().to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use geo::{Coord, MultiPolygon, Point, Rect};

    use super::*;
    use crate::model::{Role, SeatSource, Unit};

    /// A unit with only what this module reads: id, code, seat, geometry.
    fn unit(i: u32, seat: Point<f64>, geometry: Option<MultiPolygon<f64>>) -> Unit {
        Unit {
            id: UnitId(i),
            code: format!("U{i}"),
            name: format!("Unit {i}"),
            name_zh: None,
            province: None,
            region: None,
            region_zh: None,
            unit_type: None,
            parent_code: None,
            codes_covered: vec![format!("U{i}")],
            population_10k: 1.0,
            gdp_100m_cny: None,
            gdp_year: None,
            area_km2: 0.0,
            seat,
            seat_source: SeatSource::Data,
            geometry,
            role: Role::Other,
        }
    }

    /// The lon/lat square [x0, x0 + side] × [y0, y0 + side].
    fn square(x0: f64, y0: f64, side: f64) -> MultiPolygon<f64> {
        let r = Rect::new(
            Coord { x: x0, y: y0 },
            Coord {
                x: x0 + side,
                y: y0 + side,
            },
        );
        MultiPolygon::new(vec![r.to_polygon()])
    }

    /// A region of squares `(x0, y0)` with side `side` degrees; seats at the centres.
    fn squares(corners: &[(f64, f64)], side: f64) -> Region {
        let units: Vec<Unit> = corners
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| {
                let seat = Point::new(x + side / 2.0, y + side / 2.0);
                unit(i as u32, seat, Some(square(x, y, side)))
            })
            .collect();
        let bbox = Rect::new(Coord { x: -1.0, y: -1.0 }, Coord { x: 1.0, y: 1.0 });
        Region::new("test".into(), units, bbox, Vec::new())
    }

    /// A point layer: seats only.
    fn points(lon_lat: &[(f64, f64)]) -> Region {
        let units: Vec<Unit> = lon_lat
            .iter()
            .enumerate()
            .map(|(i, &(x, y))| unit(i as u32, Point::new(x, y), None))
            .collect();
        let bbox = Rect::new(Coord { x: -10.0, y: -10.0 }, Coord { x: 10.0, y: 10.0 });
        Region::new("test".into(), units, bbox, Vec::new())
    }

    fn assert_rel(got: f64, want: f64, rel: f64) {
        assert!(
            ((got - want) / want).abs() <= rel,
            "got {got}, want {want} (relative tolerance {rel})"
        );
    }

    fn pairs(n: &[Neighbours]) -> Vec<(u32, u32)> {
        n.iter().map(|x| (x.a.0, x.b.0)).collect()
    }

    // Hand calculation, R = 6371.0088 km (geo's mean radius), 0.1° squares at the equator:
    // - a vertical side (lon fixed, Δφ = 0.1°): haversine = R·Δφ
    //   = 6371.0088 × 0.1 × π/180 = 11.119508023353 km;
    // - the horizontal side at lat 0.1° (Δλ = 0.1°):
    //   2R·asin(cos 0.1° · sin 0.05°) = 2 × 6371.0088 × asin(0.99999847691 × 0.00087266451)
    //   = 11.119491087374 km.
    const VERTICAL_KM: f64 = 11.119_508_023_353;
    const HORIZONTAL_KM: f64 = 11.119_491_087_374;

    #[test]
    fn grid_of_four_squares_has_four_rook_neighbours_and_no_diagonals() {
        // 2 3      (ids; SW = 0, SE = 1, NW = 2, NE = 3)
        // 0 1
        let region = squares(&[(0.0, 0.0), (0.1, 0.0), (0.0, 0.1), (0.1, 0.1)], 0.1);
        let n = contiguity(&region, 0.5, 50.0);
        // 0–3 and 1–2 touch at (0.1, 0.1) only.
        assert_eq!(pairs(&n), vec![(0, 1), (0, 2), (1, 3), (2, 3)]);
        // 0–1 share lon 0.1, lat 0..0.1; 2–3 lon 0.1, lat 0.1..0.2: vertical sides.
        assert_rel(n[0].shared_border_km, VERTICAL_KM, 1e-6);
        assert_rel(n[3].shared_border_km, VERTICAL_KM, 1e-6);
        // 0–2 and 1–3 share lat 0.1: horizontal sides.
        assert_rel(n[1].shared_border_km, HORIZONTAL_KM, 1e-6);
        assert_rel(n[2].shared_border_km, HORIZONTAL_KM, 1e-6);
        // Seats 0.1° apart along the parallel 0.05°, about one side.
        assert_rel(n[0].seat_km, VERTICAL_KM, 1e-5);
        // A border longer than the side is never reached.
        assert!(contiguity(&region, 11.2, 50.0).is_empty());
    }

    #[test]
    fn a_one_km_gap_is_bridged_by_a_two_km_tolerance_only() {
        // 1 km in longitude at the projection's centre latitude (0.05°).
        let gap = 1.0 / (KM_PER_DEG_LON * 0.05_f64.to_radians().cos());
        let region = squares(&[(0.0, 0.0), (0.1 + gap, 0.0)], 0.1);
        assert!(contiguity(&region, 0.5, 50.0).is_empty());
        let n = contiguity(&region, 0.5, 2000.0);
        assert_eq!(pairs(&n), vec![(0, 1)]);
        // Both facing sides are vertical 0.1° segments; the tops and bottoms are not shared.
        assert_rel(n[0].shared_border_km, VERTICAL_KM, 1e-6);
    }

    #[test]
    fn contiguity_of_a_point_layer_is_empty() {
        let region = points(&[(0.0, 0.0), (0.001, 0.0)]);
        assert!(contiguity(&region, 0.0, 1000.0).is_empty());
    }

    #[test]
    fn great_circle_km_is_haversine_with_the_mean_earth_radius() {
        // Independent haversine, R = 6371.0088 km (GRS80 mean radius R₁, as in geo).
        let (chengdu, yuzhong) = ((104.06667_f64, 30.66667_f64), (106.55771_f64, 29.56026_f64));
        let (l1, p1) = (chengdu.0.to_radians(), chengdu.1.to_radians());
        let (l2, p2) = (yuzhong.0.to_radians(), yuzhong.1.to_radians());
        let h =
            ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((l2 - l1) / 2.0).sin().powi(2);
        let want = 2.0 * 6371.0088 * h.sqrt().asin();
        let got = great_circle_km(
            Point::new(chengdu.0, chengdu.1),
            Point::new(yuzhong.0, yuzhong.1),
        );
        assert_rel(got, want, 1e-12);
        assert!((got - 269.335).abs() < 1e-3, "{got}");
    }

    #[test]
    fn nearest_seats_on_a_line() {
        // Seats on the equator at lon 0, 1, 5, 6 (1° = R·π/180 = 111.195080 km):
        // 0 → 1 (1°), 1 → 0 (1° < 4°), 2 → 3 (1°), 3 → 2 (1°): pairs {0,1} and {2,3};
        // 1 and 2 are 4° apart and nobody's nearest.
        let region = points(&[(0.0, 0.0), (1.0, 0.0), (5.0, 0.0), (6.0, 0.0)]);
        let got = nearest_seats(&region, 1);
        let ids: Vec<(u32, u32)> = got.iter().map(|p| (p.0.0, p.1.0)).collect();
        assert_eq!(ids, vec![(0, 1), (2, 3)]);
        for p in &got {
            assert_rel(p.2, 111.195_080_233_533, 1e-9);
        }
        // k = 2: 0 → 1, 2 (1°, 5°); 1 → 0, 2 (1°, 4°); 2 → 3, 1; 3 → 2, 1 (1°, 5°).
        let ids: Vec<(u32, u32)> = nearest_seats(&region, 2)
            .iter()
            .map(|p| (p.0.0, p.1.0))
            .collect();
        assert_eq!(ids, vec![(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)]);
        assert!(nearest_seats(&region, 0).is_empty());
        assert_eq!(nearest_seats(&region, 10).len(), 6);
    }

    #[test]
    fn nearest_seats_ties_go_to_the_smaller_id() {
        // 1 is 1° from both 0 and 2.
        let region = points(&[(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]);
        let ids: Vec<(u32, u32)> = nearest_seats(&region, 1)
            .iter()
            .map(|p| (p.0.0, p.1.0))
            .collect();
        assert_eq!(ids, vec![(0, 1), (1, 2)]);
    }

    /// The default units against `adjacency.csv` of the data authors (computed on older
    /// Tianditu polygons), copied to `tests/fixtures/adjacency_pairs.csv`.
    #[test]
    fn default_units_match_the_published_adjacency() {
        let study = crate::load::study::Study::from_toml(
            include_str!("../../data/study.toml"),
            "study.toml",
        )
        .expect("default study");
        let region = crate::load::units::load_units(
            crate::load::dataset::UNITS_GEOJSON.as_bytes(),
            "units.geojson",
            &study,
            crate::load::units::LoadOptions::default(),
        )
        .expect("default units");
        let ours: BTreeMap<(String, String), f64> = contiguity(&region, 0.5, 50.0)
            .into_iter()
            .map(|n| {
                let (a, b) = (region.unit(n.a).code.clone(), region.unit(n.b).code.clone());
                ((a.clone().min(b.clone()), a.max(b)), n.shared_border_km)
            })
            .collect();
        let theirs: BTreeMap<(String, String), f64> =
            include_str!("../../tests/fixtures/adjacency_pairs.csv")
                .lines()
                .skip(1)
                .map(|line| {
                    let f: Vec<&str> = line.split(',').collect();
                    let (a, b) = (f[0].to_string(), f[1].to_string());
                    (
                        (a.clone().min(b.clone()), a.max(b)),
                        f[2].parse::<f64>().expect("km"),
                    )
                })
                .collect();
        let only_ours: Vec<_> = ours
            .iter()
            .filter(|(k, _)| !theirs.contains_key(*k))
            .collect();
        let only_theirs: Vec<_> = theirs
            .iter()
            .filter(|(k, _)| !ours.contains_key(*k))
            .collect();
        eprintln!("ours {} theirs {}", ours.len(), theirs.len());
        eprintln!("only ours: {only_ours:?}");
        eprintln!("only theirs: {only_theirs:?}");
        assert_eq!((ours.len(), only_ours.len(), only_theirs.len()), (0, 0, 0));
    }
}
