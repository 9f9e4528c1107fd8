//! Polygon validity as geo's [`Validation`](geo::Validation) judges it, in O(n log n).
//!
//! geo's check tests every pair of segments of a ring (`info` took 93 s on one polygon of
//! 10⁵ vertices), and relates every pair of parts of a multipolygon and every pair of holes
//! of a polygon. [`first_error`] gives the same verdict and the same first error, found in
//! the same order, with two changes in how it looks:
//!
//! - a ring's segments go into an R-tree (bulk loaded) and only pairs whose bounding boxes
//!   meet are tested, with geo's own segment predicate;
//! - pairs of parts (and of holes) are related only when their bounding boxes meet, found
//!   with an R-tree of the boxes; geo's relate returns at once for the others, with an
//!   intersection matrix that has no interior–interior nor boundary–boundary entry, so no
//!   error is lost.
//!
//! # Complexity
//! O(n log n + k) for a ring of n segments, where k is the number of pairs of segments whose
//! bounding boxes meet: about 3n for a boundary traced from a map, quadratic only for rings
//! made of many long segments whose boxes overlap without crossing (the monotone-chain
//! indexes of JTS and GEOS share that bound). Parts and holes: one relate per pair whose
//! bounding boxes meet, and one relate of each hole with its (prepared) shell, as in geo.

use geo::algorithm::coordinate_position::CoordPos;
use geo::algorithm::dimensions::Dimensions;
use geo::algorithm::validation::{GeometryIndex, InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::{
    BoundingRect, CoordNum, HasDimensions, Intersects, Line, LineString, MultiPolygon, Polygon,
    PreparedGeometry, Rect, Relate,
};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

/// Rings of fewer segments are tested pair by pair: faster than building a tree.
const SMALL_RING: usize = 32;

/// The first error geo's `mp.validation_errors()` would list, or `None` when `mp` is valid.
///
/// # Complexity
/// See the [module docs](self): O(n log n) on maps' boundaries.
///
/// # Examples
/// ```
/// use geo::{MultiPolygon, polygon};
/// use regionlink::load::validity::first_error;
///
/// let square = polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)];
/// assert_eq!(first_error(&MultiPolygon(vec![square])), None);
/// let bowtie = polygon![(x: 0., y: 0.), (x: 1., y: 1.), (x: 1., y: 0.), (x: 0., y: 2.)];
/// assert_eq!(
///     first_error(&MultiPolygon(vec![bowtie])).unwrap().to_string(),
///     "polygon at index 0 is invalid: exterior ring has a self-intersection"
/// );
/// ```
pub fn first_error(mp: &MultiPolygon<f64>) -> Option<InvalidMultiPolygon> {
    let boxes: Vec<Option<Rect<f64>>> = mp.0.iter().map(BoundingRect::bounding_rect).collect();
    let later = overlapping_later(&boxes);
    for (i, polygon) in mp.0.iter().enumerate() {
        if let Some(e) = first_polygon_error(polygon) {
            return Some(InvalidMultiPolygon::InvalidPolygon(GeometryIndex(i), e));
        }
        for &j in &later[i] {
            let im = polygon.relate(&mp.0[j]);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Some(InvalidMultiPolygon::ElementsOverlaps(
                    GeometryIndex(i),
                    GeometryIndex(j),
                ));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Some(InvalidMultiPolygon::ElementsTouchOnALine(
                    GeometryIndex(i),
                    GeometryIndex(j),
                ));
            }
        }
    }
    None
}

/// The first error geo's `polygon.validation_errors()` would list, in geo's order: per ring
/// (shell, then holes) too few points, a self-intersection, a non-finite coordinate; then per
/// hole, not inside the shell or touching it on a line; then per pair of holes, overlapping
/// or touching on a line.
fn first_polygon_error(polygon: &Polygon<f64>) -> Option<InvalidPolygon> {
    if polygon.is_empty() {
        return None;
    }
    let rings = std::iter::once(polygon.exterior()).chain(polygon.interiors());
    for (k, ring) in rings.enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        let role = if k == 0 {
            RingRole::Exterior
        } else {
            RingRole::Interior(k - 1)
        };
        if too_few_points(ring) {
            return Some(InvalidPolygon::TooFewPointsInRing(role));
        }
        if has_self_intersection(ring) {
            return Some(InvalidPolygon::SelfIntersection(role));
        }
        if let Some(c) = ring
            .0
            .iter()
            .position(|c| !(c.x.is_finite() && c.y.is_finite()))
        {
            return Some(InvalidPolygon::NonFiniteCoord(
                role,
                geo::algorithm::validation::CoordIndex(c),
            ));
        }
    }
    let holes = polygon.interiors();
    if holes.iter().all(|h| h.0.is_empty()) {
        return None;
    }
    let shell = Polygon::new(polygon.exterior().clone(), vec![]);
    let shell = PreparedGeometry::from(&shell);
    let boxes: Vec<Option<Rect<f64>>> = holes
        .iter()
        .map(|h| h.bounding_rect().filter(|_| !h.0.is_empty()))
        .collect();
    let later = overlapping_later(&boxes);
    for (i, hole) in holes.iter().enumerate() {
        if hole.0.is_empty() {
            continue;
        }
        let role = RingRole::Interior(i);
        let hole_poly = Polygon::new(hole.clone(), vec![]);
        let hole_prepared = PreparedGeometry::from(&hole_poly);
        let im = shell.relate(&hole_prepared);
        if !im.is_contains() {
            return Some(InvalidPolygon::InteriorRingNotContainedInExteriorRing(role));
        }
        if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Some(InvalidPolygon::IntersectingRingsOnALine(
                RingRole::Exterior,
                role,
            ));
        }
        for &j in &later[i] {
            let other = Polygon::new(holes[j].clone(), vec![]);
            let im = hole_prepared.relate(&other);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Some(InvalidPolygon::IntersectingRingsOnAnArea(
                    role,
                    RingRole::Interior(j),
                ));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Some(InvalidPolygon::IntersectingRingsOnALine(
                    role,
                    RingRole::Interior(j),
                ));
            }
        }
    }
    None
}

/// For each box, the later boxes (in ascending order) that meet it, edges included; `None`
/// (an empty geometry) meets nothing.
fn overlapping_later(boxes: &[Option<Rect<f64>>]) -> Vec<Vec<usize>> {
    let mut later = vec![Vec::new(); boxes.len()];
    if boxes.len() < 2 {
        return later;
    }
    let entries: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = boxes
        .iter()
        .enumerate()
        .filter_map(|(i, b)| b.map(|b| GeomWithData::new(rectangle(b.min(), b.max()), i)))
        .collect();
    let tree = RTree::bulk_load(entries);
    for (a, b) in tree.intersection_candidates_with_other_tree(&tree) {
        if a.data < b.data {
            later[a.data].push(b.data);
        }
    }
    for l in &mut later {
        l.sort_unstable();
    }
    later
}

fn rectangle(a: geo::Coord<f64>, b: geo::Coord<f64>) -> Rectangle<[f64; 2]> {
    Rectangle::from_corners([a.x, a.y], [b.x, b.y])
}

/// geo's rule: fewer than 4 positions once consecutive repeats are dropped.
fn too_few_points<T: CoordNum>(ring: &LineString<T>) -> bool {
    let distinct = 1 + ring.0.windows(2).filter(|w| w[0] != w[1]).count();
    ring.0.is_empty() || distinct < 4
}

/// geo's pair rule for two distinct segments of a ring: they meet, and neither starts where
/// the other ends (consecutive segments share that vertex).
fn pair_intersects(a: &Line<f64>, b: &Line<f64>) -> bool {
    (a.intersects(b) || b.intersects(a)) && a.start != b.end && a.end != b.start
}

/// Whether two distinct segments of the ring meet other than as geo allows (see
/// [`pair_intersects`]): geo's `linestring_has_self_intersection`, with an R-tree of the
/// segments' bounding boxes choosing the pairs to test.
fn has_self_intersection(ring: &LineString<f64>) -> bool {
    let c = &ring.0;
    let segments = c.len().saturating_sub(1);
    let line = |i: usize| Line::new(c[i], c[i + 1]);
    if segments <= SMALL_RING {
        return (0..segments)
            .any(|i| (i + 1..segments).any(|j| pair_intersects(&line(i), &line(j))));
    }
    let entries: Vec<GeomWithData<Rectangle<[f64; 2]>, u32>> = (0..segments)
        .map(|i| {
            let k = u32::try_from(i).expect("a ring of fewer than 2^32 segments");
            GeomWithData::new(rectangle(c[i], c[i + 1]), k)
        })
        .collect();
    let tree = RTree::bulk_load(entries);
    tree.intersection_candidates_with_other_tree(&tree)
        .any(|(a, b)| {
            a.data < b.data && pair_intersects(&line(a.data as usize), &line(b.data as usize))
        })
}

#[cfg(test)]
mod tests {
    //! The oracle is geo's own `Validation`, the check the loader used before: every case
    //! must give its first error (or none), whichever path (pairwise or R-tree) a ring takes.

    use super::*;
    use geo::{Coord, Validation};
    use proptest::prelude::*;

    fn oracle(mp: &MultiPolygon<f64>) -> Option<InvalidMultiPolygon> {
        mp.validation_errors().into_iter().next()
    }

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        let mut c: Vec<Coord<f64>> = points.iter().map(|&(x, y)| Coord { x, y }).collect();
        if c.first() != c.last() {
            c.push(c[0]);
        }
        LineString(c)
    }

    /// The ring with `k` collinear positions inserted on every segment, so that a ring of a
    /// few corners takes the R-tree path.
    fn densify(r: &LineString<f64>, k: usize) -> LineString<f64> {
        let mut out = Vec::new();
        for l in r.lines() {
            for s in 0..=k {
                let t = s as f64 / (k + 1) as f64;
                out.push(Coord {
                    x: l.start.x + t * (l.end.x - l.start.x),
                    y: l.start.y + t * (l.end.y - l.start.y),
                });
            }
        }
        out.push(r.0[0]);
        LineString(out)
    }

    fn poly(shell: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> Polygon<f64> {
        Polygon::new(ring(shell), holes.iter().map(|h| ring(h)).collect())
    }

    /// Same first error as geo, plain and densified (R-tree path) — dividing every segment
    /// by 16 (a power of two) keeps the positions exact, so the verdict cannot change.
    fn check(mp: MultiPolygon<f64>) -> Option<String> {
        let want = oracle(&mp);
        assert_eq!(first_error(&mp), want, "{mp:?}");
        let dense = MultiPolygon(
            mp.0.iter()
                .map(|p| {
                    Polygon::new(
                        densify(p.exterior(), 15),
                        p.interiors().iter().map(|h| densify(h, 15)).collect(),
                    )
                })
                .collect(),
        );
        assert!(dense.0[0].exterior().0.len() > SMALL_RING);
        assert_eq!(first_error(&dense), oracle(&dense), "{dense:?}");
        want.map(|e| e.to_string())
    }

    const SQUARE: [(f64, f64); 4] = [(0., 0.), (4., 0.), (4., 4.), (0., 4.)];

    #[test]
    fn a_square_is_valid_adjacent_segments_and_the_closing_point_are_allowed() {
        assert_eq!(check(MultiPolygon(vec![poly(&SQUARE, &[])])), None);
    }

    #[test]
    fn a_bowtie_self_intersects() {
        let bowtie = [(0., 0.), (4., 4.), (4., 0.), (0., 5.)];
        assert_eq!(
            check(MultiPolygon(vec![poly(&bowtie, &[])])).as_deref(),
            Some("polygon at index 0 is invalid: exterior ring has a self-intersection")
        );
    }

    #[test]
    fn a_ring_touching_itself_at_a_vertex_self_intersects() {
        // An "inverted hole": the shell passes twice through (2, 0).
        let pinched = [
            (0., 0.),
            (2., 0.),
            (3., 2.),
            (1., 2.),
            (2., 0.),
            (4., 0.),
            (4., 4.),
            (0., 4.),
        ];
        assert_eq!(
            check(MultiPolygon(vec![poly(&pinched, &[])])).as_deref(),
            Some("polygon at index 0 is invalid: exterior ring has a self-intersection")
        );
    }

    #[test]
    fn a_vertex_on_another_segment_self_intersects() {
        // (2, 0) lies inside the segment (0, 0)-(4, 0) of the same ring.
        let touching = [
            (0., 0.),
            (4., 0.),
            (4., 4.),
            (2., 0.5),
            (2., 0.),
            (1.5, 3.),
            (0., 4.),
        ];
        assert_eq!(
            check(MultiPolygon(vec![poly(&touching, &[])])).as_deref(),
            Some("polygon at index 0 is invalid: exterior ring has a self-intersection")
        );
    }

    #[test]
    fn collinear_overlapping_segments_self_intersect() {
        // A spike back along the bottom edge: (0,0)-(4,0)-(2,0) folds over itself.
        let spike = [(0., 0.), (4., 0.), (2., 0.), (2., 4.), (0., 4.)];
        assert_eq!(
            check(MultiPolygon(vec![poly(&spike, &[])])).as_deref(),
            Some("polygon at index 0 is invalid: exterior ring has a self-intersection")
        );
        // Two non-adjacent collinear segments overlapping on the top edge.
        let overlap = [
            (0., 0.),
            (4., 0.),
            (4., 4.),
            (1., 4.),
            (1., 2.),
            (3., 2.),
            (3., 4.),
            (0., 4.),
        ];
        assert_eq!(
            check(MultiPolygon(vec![poly(&overlap, &[])])).as_deref(),
            Some("polygon at index 0 is invalid: exterior ring has a self-intersection")
        );
    }

    #[test]
    fn a_repeated_position_is_as_geo_judges_it() {
        let repeated = [(0., 0.), (4., 0.), (4., 0.), (4., 4.), (0., 4.)];
        check(MultiPolygon(vec![poly(&repeated, &[])]));
        let too_few = [(0., 0.), (4., 0.), (4., 0.), (0., 0.)];
        assert_eq!(
            check_plain(MultiPolygon(vec![poly(&too_few, &[])])).as_deref(),
            Some(
                "polygon at index 0 is invalid: exterior ring must have at least 3 distinct points"
            )
        );
    }

    /// Like [`check`] without densifying (a ring of 2 distinct points stays degenerate).
    fn check_plain(mp: MultiPolygon<f64>) -> Option<String> {
        let want = oracle(&mp);
        assert_eq!(first_error(&mp), want, "{mp:?}");
        want.map(|e| e.to_string())
    }

    #[test]
    fn holes_inside_touching_crossing_and_outside() {
        let inside: [(f64, f64); 4] = [(1., 1.), (1., 2.), (2., 2.), (2., 1.)];
        assert_eq!(check(MultiPolygon(vec![poly(&SQUARE, &[&inside])])), None);
        // A hole touching the shell at one point is valid.
        let at_point = [(0., 2.), (1., 1.), (2., 2.), (1., 3.)];
        assert_eq!(check(MultiPolygon(vec![poly(&SQUARE, &[&at_point])])), None);
        // Touching along a line.
        let on_line = [(0., 1.), (0., 3.), (1., 2.)];
        assert_eq!(
            check(MultiPolygon(vec![poly(&SQUARE, &[&on_line])])).as_deref(),
            Some(
                "polygon at index 0 is invalid: exterior ring and interior ring at index 0 intersect on a line"
            )
        );
        let crossing = [(3., 1.), (5., 1.), (5., 2.), (3., 2.)];
        assert_eq!(
            check(MultiPolygon(vec![poly(&SQUARE, &[&crossing])])).as_deref(),
            Some(
                "polygon at index 0 is invalid: interior ring at index 0 is not contained within the polygon's exterior"
            )
        );
        // Two holes overlapping, and two holes far apart (the bounding-box shortcut).
        let a = [(1., 1.), (1., 2.5), (2.5, 2.5), (2.5, 1.)];
        let b = [(2., 2.), (2., 3.), (3., 3.), (3., 2.)];
        let far = [(3.2, 0.2), (3.2, 0.4), (3.4, 0.4), (3.4, 0.2)];
        assert_eq!(
            check(MultiPolygon(vec![poly(&SQUARE, &[&far, &a, &b])])).as_deref(),
            Some(
                "polygon at index 0 is invalid: interior ring at index 1 and interior ring at index 2 intersect on an area"
            )
        );
        assert_eq!(check(MultiPolygon(vec![poly(&SQUARE, &[&far, &a])])), None);
    }

    #[test]
    fn parts_apart_touching_at_a_point_on_a_line_and_overlapping() {
        let shifted = |dx: f64, dy: f64| -> Vec<(f64, f64)> {
            SQUARE.iter().map(|&(x, y)| (x + dx, y + dy)).collect()
        };
        let parts = |d: &[(f64, f64)]| {
            let mut v = vec![poly(&SQUARE, &[])];
            v.extend(d.iter().map(|&(dx, dy)| poly(&shifted(dx, dy), &[])));
            MultiPolygon(v)
        };
        assert_eq!(check(parts(&[(10., 0.), (20., 0.)])), None);
        assert_eq!(check(parts(&[(4., 4.)])), None);
        assert_eq!(
            check(parts(&[(10., 0.), (4., 1.)])).as_deref(),
            Some("polygons at indices 0 and 2 touch on a line")
        );
        assert_eq!(
            check(parts(&[(10., 0.), (12., 1.)])).as_deref(),
            Some("polygons at indices 1 and 2 overlap")
        );
        // The first part's own error comes before its overlap with a later part.
        let bowtie = poly(&[(0., 0.), (4., 4.), (4., 0.), (0., 5.)], &[]);
        let mp = MultiPolygon(vec![
            poly(&SQUARE, &[]),
            poly(&shifted(1., 1.), &[]),
            bowtie,
        ]);
        assert_eq!(
            check(mp).as_deref(),
            Some("polygons at indices 0 and 1 overlap")
        );
    }

    /// A ring of `n` positions on a small grid: mostly self-intersecting, with every kind of
    /// degenerate contact.
    fn grid_ring(max_len: usize, side: i32) -> impl Strategy<Value = LineString<f64>> {
        prop::collection::vec((0..side, 0..side), 3..max_len).prop_map(|v| {
            ring(
                &v.into_iter()
                    .map(|(x, y)| (x as f64, y as f64))
                    .collect::<Vec<_>>(),
            )
        })
    }

    /// A star-shaped ring of radii in `radii` around a centre in `centre`, positions rounded
    /// to integers: simple before rounding, with touching or collinear positions after it.
    fn star_ring(
        max_len: usize,
        radii: std::ops::Range<i32>,
        (xs, ys): (std::ops::Range<i32>, std::ops::Range<i32>),
    ) -> impl Strategy<Value = LineString<f64>> {
        (prop::collection::vec(radii, 3..max_len), xs, ys).prop_map(|(radii, cx, cy)| {
            let n = radii.len();
            let pts: Vec<(f64, f64)> = radii
                .iter()
                .enumerate()
                .map(|(k, &r)| {
                    let t = k as f64 / n as f64 * std::f64::consts::TAU;
                    let r = f64::from(r);
                    (
                        (f64::from(cx) + r * t.cos()).round(),
                        (f64::from(cy) + r * t.sin()).round(),
                    )
                })
                .collect();
            ring(&pts)
        })
    }

    /// A shell (a rough star, a smooth one, or grid noise) and up to three holes near its
    /// centre, which may lie inside, touch the shell or each other, or cross.
    fn polygon_strategy() -> impl Strategy<Value = Polygon<f64>> {
        (0..3i32, 0..3i32).prop_flat_map(|(gx, gy)| {
            let (cx, cy) = (gx * 60, gy * 60);
            (
                prop_oneof![
                    star_ring(120, 36..40, (cx..cx + 1, cy..cy + 1)),
                    star_ring(80, 10..40, (cx..cx + 1, cy..cy + 1)),
                    grid_ring(60, 8),
                ],
                prop::collection::vec(
                    star_ring(12, 2..9, (cx - 30..cx + 30, cy - 30..cy + 30)),
                    0..4,
                ),
            )
                .prop_map(|(shell, holes)| Polygon::new(shell, holes))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, rng_seed: proptest::test_runner::RngSeed::Fixed(168), ..ProptestConfig::default() })]

        /// One ring, both paths: pairwise and R-tree give geo's verdict.
        #[test]
        fn ring_verdict_matches_geo(r in prop_oneof![grid_ring(80, 6), star_ring(120, 1..40, (0..4, 0..4)), star_ring(200, 36..40, (0..1, 0..1))]) {
            let mp = MultiPolygon(vec![Polygon::new(r, vec![])]);
            prop_assert_eq!(first_error(&mp), oracle(&mp));
        }

        /// Multipolygons with holes: the same first error as geo.
        #[test]
        fn multipolygon_first_error_matches_geo(ps in prop::collection::vec(polygon_strategy(), 1..4)) {
            let mp = MultiPolygon(ps);
            prop_assert_eq!(first_error(&mp), oracle(&mp));
        }
    }
}
