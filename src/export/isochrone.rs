//! Isochrones: the reached units' polygons dissolved into one valid (Multi)Polygon.
//!
//! An isochrone for a core and a time band is the union of the polygons of the units reached
//! within the band. [`dissolve`] computes that union with geo's boolean operations
//! ([`geo::algorithm::bool_ops::unary_union`], one sweep over all rings), so the result is exact
//! at unit level: the outline runs along the units' own borders, every output vertex is an
//! input vertex, and an enclosed unit that is not reached leaves a hole (an enclave of a
//! reached unit inside it stays as an island). There is no hull, buffer or interpolation.
//! [`finish_for_geojson`] then rounds the coordinates for output and checks validity again.
//!
//! # Validity
//!
//! Both functions return only geometries that pass geo's [`Validation`] (the OGC rules GEOS
//! checks: closed rings of at least three distinct points, no self-intersection or
//! self-touching ring, holes inside their shell and touching it at points only, parts of a
//! MultiPolygon touching at points only). When a result fails, it is repaired once by running
//! the overlay again on it; when it still fails, the functions return [`Error::Usage`] naming
//! the first problem. An invalid polygon is never returned.
//!
//! geo's check tests every pair of segments of a ring, O(n²): 0.17 s in release (5 s
//! unoptimised) for the 6,755-vertex outline of the whole region, 30 to 40 times the cost of
//! the union itself. So a stricter O(n log n) test runs first (R-tree of all segments: rings
//! simple and pairwise disjoint, holes in their shells, no part inside another part's area);
//! what it accepts is valid, and only what it does not accept (for example a hole touching
//! its shell at one vertex, which is valid) goes to geo's full check.
//!
//! # Canonical form
//!
//! The output does not depend on the order of the inputs or of their rings: exteriors are
//! counter-clockwise and holes clockwise (RFC 7946 §3.1.6), every ring starts at its
//! lexicographically smallest vertex (x, then y), holes are sorted by their rings, and
//! polygons by their exterior rings. Collinear vertices are removed by the overlay, so two
//! unit squares sharing an edge dissolve into a 4-vertex rectangle.
//!
//! # Units
//!
//! Coordinates are WGS84 longitude/latitude in degrees, treated as planar by the overlay (it
//! only reuses the input vertices; no new vertex is created where edges do not cross).

use std::cmp::Ordering;

use geo::algorithm::bool_ops::unary_union;
use geo::orient::Direction;
use geo::{
    Area, Coord, LineString, MultiPolygon, Orient, Polygon, RemoveRepeatedPoints, Validation,
};

use crate::error::{Error, Result};

/// The most decimals [`finish_for_geojson`] rounds to: beyond 12, `lon × 10^decimals` leaves
/// the range where `f64` holds every integer (2^53) and rounding stops being exact.
pub const MAX_DECIMALS: u32 = 12;

/// Dissolve unit polygons into one valid (Multi)Polygon.
///
/// The union of all the inputs, computed in one overlay sweep (geo's
/// [`unary_union`], backed by `i_overlay`), in the canonical form described in the
/// [module docs](self): exteriors counter-clockwise, holes clockwise, rings starting at their
/// smallest vertex, polygons and holes sorted. Disjoint groups of units give several polygons;
/// an enclosed unit that is missing gives a hole.
///
/// # Arguments
///
/// * `polys` — the units' polygons, in any order and with any ring orientation. They should
///   form a coverage (neighbours share their border vertices); overlaps are merged too.
///
/// # Returns
///
/// The union, valid by geo's [`Validation`]; an empty MultiPolygon when `polys` is empty or
/// has no area.
///
/// # Errors
///
/// [`Error::Usage`] when an input coordinate is not finite, or when the union is still
/// invalid after one repair pass (the message gives the first validation error).
///
/// # Units
///
/// Degrees of longitude/latitude. The overlay snaps coordinates to an integer grid fitted to
/// the inputs' bounding box (about 10⁻⁸ degree for a province-sized region), so output vertices
/// may differ from the input vertices in the last digits; [`finish_for_geojson`] rounds them
/// back to the input's decimals.
///
/// # Complexity
///
/// O((n + k) log n) for n input vertices and k edge crossings (the overlay sweep), and
/// O(m log m) for the validity check of the m output vertices, O(m²) when the fast check
/// cannot decide (see the [module docs](self)). The 219 county polygons (57,000 vertices)
/// dissolve in about 6 ms in release.
///
/// # Examples
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use regionlink::export::isochrone::dissolve;
///
/// let left = MultiPolygon::new(vec![polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)]]);
/// let right = MultiPolygon::new(vec![polygon![(x: 1., y: 0.), (x: 2., y: 0.), (x: 2., y: 1.), (x: 1., y: 1.)]]);
/// let both = dissolve(&[&left, &right])?;
/// assert_eq!(both.0.len(), 1);
/// // The shared edge and its now collinear end points are gone: a 2 × 1 rectangle.
/// assert_eq!(both.0[0].exterior().0.len(), 5);
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn dissolve(polys: &[&MultiPolygon<f64>]) -> Result<MultiPolygon<f64>> {
    if let Some(c) = polys
        .iter()
        .flat_map(|mp| mp_coords(mp))
        .find(|c| !(c.x.is_finite() && c.y.is_finite()))
    {
        return Err(Error::Usage(format!(
            "cannot dissolve polygons: coordinate ({}, {}) is not finite",
            c.x, c.y
        )));
    }
    // unary_union picks its fill rule from the orientation of the first ring it sees, so every
    // input must be oriented the same way: exteriors counter-clockwise, holes clockwise.
    let oriented: Vec<Polygon<f64>> = polys
        .iter()
        .flat_map(|mp| mp.iter())
        .filter(|p| !p.exterior().0.is_empty())
        .map(|p| p.orient(Direction::Default))
        .collect();
    let union = unary_union(&oriented);
    let union = canonical(clean(union));
    if first_error(&union).is_none() {
        return Ok(union);
    }
    let repaired = canonical(clean(overlay_again(&union)));
    match first_error(&repaired) {
        None => Ok(repaired),
        Some(why) => Err(Error::Usage(format!(
            "dissolving {} polygons gave an invalid geometry, even after repair: {why}",
            polys.len()
        ))),
    }
}

/// Round every coordinate to `decimals` and re-validate; orient exteriors CCW and holes CW (RFC 7946).
///
/// Rounding can make a geometry invalid: a sliver or spike narrower than the rounding step
/// collapses, two vertices merge, a hole comes to touch its shell along a line. After
/// rounding, repeated consecutive vertices are removed and rings left without area are
/// dropped (a collapsed hole is dropped; a collapsed exterior drops its polygon). If the
/// result is still invalid, it is repaired once, deterministically, by running the overlay on
/// it (which removes zero-area parts and merges touching parts) and rounding again.
///
/// # Arguments
///
/// * `mp` — a geometry, typically from [`dissolve`].
/// * `decimals` — decimals to keep, at most [`MAX_DECIMALS`]; 6 (about 0.1 m) for GeoJSON
///   layers.
///
/// # Returns
///
/// The rounded geometry, valid by geo's [`Validation`], in the canonical form of the
/// [module docs](self) (exteriors counter-clockwise, holes clockwise). `-0.0` is written as
/// `0.0`. It may be empty if every part was thinner than the rounding step.
///
/// # Errors
///
/// [`Error::Usage`] when `decimals` exceeds [`MAX_DECIMALS`], when a coordinate is not finite,
/// or when the rounded geometry is still invalid after the repair (the message gives the
/// first validation error).
///
/// # Units
///
/// Degrees of longitude/latitude; 6 decimals are 0.11 m of latitude.
///
/// # Examples
///
/// ```
/// use geo::{polygon, MultiPolygon, Winding};
/// use regionlink::export::isochrone::finish_for_geojson;
///
/// // A clockwise square with noisy coordinates.
/// let sq = MultiPolygon::new(vec![polygon![
///     (x: 104.0000001, y: 30.0), (x: 104.0, y: 30.1000004), (x: 104.1, y: 30.1), (x: 104.1, y: 29.9999999),
/// ]]);
/// let out = finish_for_geojson(sq, 6)?;
/// assert!(out.0[0].exterior().is_ccw());
/// assert_eq!(out.0[0].exterior().0[0].x, 104.0);
/// assert_eq!(out.0[0].exterior().0[2].y, 30.1);
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn finish_for_geojson(mp: MultiPolygon<f64>, decimals: u32) -> Result<MultiPolygon<f64>> {
    if decimals > MAX_DECIMALS {
        return Err(Error::Usage(format!(
            "cannot round coordinates to {decimals} decimals: at most {MAX_DECIMALS} are supported"
        )));
    }
    if let Some(c) = mp_coords(&mp).find(|c| !(c.x.is_finite() && c.y.is_finite())) {
        return Err(Error::Usage(format!(
            "cannot write polygon: coordinate ({}, {}) is not finite",
            c.x, c.y
        )));
    }
    let rounded = canonical(clean(round(mp, decimals as i32)));
    if first_error(&rounded).is_none() {
        return Ok(rounded);
    }
    let repaired = canonical(clean(round(overlay_again(&rounded), decimals as i32)));
    match first_error(&repaired) {
        None => Ok(repaired),
        Some(why) => Err(Error::Usage(format!(
            "rounding a polygon to {decimals} decimals made it invalid, even after repair: {why}"
        ))),
    }
}

/// All coordinates of all rings.
fn mp_coords(mp: &MultiPolygon<f64>) -> impl Iterator<Item = &Coord<f64>> {
    mp.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter())
}

/// The first validation error, or `None` when valid.
///
/// Geometries that pass the fast, stricter [`simple_and_disjoint`] check are valid without
/// further work; all others (including valid ones where rings touch at a point) are judged
/// by geo's [`Validation`], which is exact but tests every pair of segments of a ring
/// (O(n²): 0.17 s in release for the 6,755-vertex outline of the whole region).
fn first_error(mp: &MultiPolygon<f64>) -> Option<String> {
    if simple_and_disjoint(mp) {
        return None;
    }
    mp.validation_errors().first().map(|e| e.to_string())
}

/// A sufficient condition for validity, in O(n log n) with an R-tree of the segments: `true`
/// only if the geometry is valid by geo's [`Validation`] (and GEOS); `false` means "not
/// proven", not "invalid".
///
/// It holds when (1) every coordinate is finite, every ring is closed, has no repeated
/// consecutive vertex and at least 3 distinct vertices; (2) no two segments of any rings meet,
/// except consecutive segments of a ring at their shared vertex, without folding back over
/// each other. Then every ring is a simple closed curve and no two rings touch, so each ring
/// lies wholly inside or outside any other, and one vertex decides which: (3) every hole has
/// a vertex inside its shell and outside the other holes of its polygon; (4) no polygon has a
/// vertex of its shell inside another polygon's area (inside that shell and outside its
/// holes). An island in another polygon's hole passes; holes or parts that touch at a point
/// (valid in OGC terms) do not, and fall back to the full check.
fn simple_and_disjoint(mp: &MultiPolygon<f64>) -> bool {
    use geo::algorithm::coordinate_position::{CoordPos, coord_pos_relative_to_ring};
    use geo::line_intersection::{LineIntersection, line_intersection};
    use geo::{BoundingRect, Line};
    use rstar::RTree;
    use rstar::primitives::GeomWithData;

    // (1) ring shape, and one entry per segment: (ring number, segment index, segments in ring).
    let mut segs = Vec::new();
    for (r, ring) in mp
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .enumerate()
    {
        let c = &ring.0;
        if c.len() < 4
            || c.first() != c.last()
            || c.iter().any(|c| !(c.x.is_finite() && c.y.is_finite()))
        {
            return false;
        }
        if c.windows(2).any(|w| w[0] == w[1]) {
            return false;
        }
        let n = c.len() - 1;
        segs.extend(
            c.windows(2)
                .enumerate()
                .map(|(i, w)| GeomWithData::new(Line::new(w[0], w[1]), (r, i, n))),
        );
    }
    // (2) segments meet only where consecutive, and consecutive ones do not fold back.
    let tree = RTree::bulk_load(segs);
    for (a, b) in tree.intersection_candidates_with_other_tree(&tree) {
        let ((ra, ia, n), (rb, ib, _)) = (a.data, b.data);
        if (ra, ia) >= (rb, ib) {
            continue; // each unordered pair once, and not a segment with itself
        }
        let consecutive = ra == rb && (ib == ia + 1 || (ia == 0 && ib == n - 1));
        match line_intersection(*a.geom(), *b.geom()) {
            None => {}
            Some(LineIntersection::SinglePoint { .. }) if consecutive => {}
            Some(_) => return false,
        }
    }
    // From here on no vertex lies on another ring, so ring tests give Inside or Outside.
    let inside = |c: Coord<f64>, ring: &LineString<f64>| {
        coord_pos_relative_to_ring(c, ring) == CoordPos::Inside
    };
    // (3) holes inside their shell, not nested in one another.
    for p in mp {
        for (i, h) in p.interiors().iter().enumerate() {
            if !inside(h.0[0], p.exterior()) {
                return false;
            }
            if p.interiors()
                .iter()
                .enumerate()
                .any(|(j, g)| i != j && inside(h.0[0], g))
            {
                return false;
            }
        }
    }
    // (4) no shell inside another polygon's area (bounding boxes first).
    let boxes: Vec<_> = mp.iter().map(|p| p.exterior().bounding_rect()).collect();
    for (i, p) in mp.iter().enumerate() {
        for (j, q) in mp.iter().enumerate() {
            let (Some(bp), Some(bq)) = (boxes[i], boxes[j]) else {
                return false;
            };
            let q0 = q.exterior().0[0];
            let in_box = bp.min().x <= bq.min().x
                && bp.min().y <= bq.min().y
                && bq.max().x <= bp.max().x
                && bq.max().y <= bp.max().y;
            if i != j
                && in_box
                && inside(q0, p.exterior())
                && !p.interiors().iter().any(|h| inside(q0, h))
            {
                return false;
            }
        }
    }
    true
}

/// The "zero-width buffer" repair: the overlay of the geometry with itself. Zero-area parts
/// (spikes, collapsed slivers) vanish, overlapping or line-touching parts merge, rings that
/// touch themselves are split into shell and hole.
fn overlay_again(mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    let oriented: Vec<Polygon<f64>> = mp.iter().map(|p| p.orient(Direction::Default)).collect();
    unary_union(&oriented)
}

/// Round every coordinate to `decimals` ([`crate::export::table::round`]).
fn round(mut mp: MultiPolygon<f64>, decimals: i32) -> MultiPolygon<f64> {
    use geo::MapCoordsInPlace;
    mp.map_coords_in_place(|c| Coord {
        x: crate::export::table::round(c.x, decimals),
        y: crate::export::table::round(c.y, decimals),
    });
    mp
}

/// Remove repeated consecutive vertices, then drop rings without area: such holes are
/// dropped, and polygons whose exterior has no area are dropped with their holes.
fn clean(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let has_area = |r: &LineString<f64>| {
        r.0.len() >= 4 && Polygon::new(r.clone(), vec![]).unsigned_area() > 0.0
    };
    let polys = mp
        .into_iter()
        .filter_map(|p| {
            let p = p.remove_repeated_points();
            if !has_area(p.exterior()) {
                return None;
            }
            let (ext, holes) = p.into_inner();
            Some(Polygon::new(
                ext,
                holes.into_iter().filter(has_area).collect(),
            ))
        })
        .collect();
    MultiPolygon::new(polys)
}

/// The canonical form: exteriors CCW, holes CW, each ring starting at its smallest vertex,
/// holes sorted, polygons sorted.
fn canonical(mp: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let mut polys: Vec<Polygon<f64>> = mp
        .iter()
        .map(|p| {
            let p = p.orient(Direction::Default);
            let (ext, holes) = p.into_inner();
            let mut holes: Vec<LineString<f64>> = holes.into_iter().map(start_at_min).collect();
            holes.sort_by(cmp_rings);
            Polygon::new(start_at_min(ext), holes)
        })
        .collect();
    polys.sort_by(|a, b| cmp_rings(a.exterior(), b.exterior()));
    MultiPolygon::new(polys)
}

/// Lexicographic order of coordinates: x, then y (total order on `f64`).
fn cmp_coords(a: &Coord<f64>, b: &Coord<f64>) -> Ordering {
    a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y))
}

/// Lexicographic order of rings, vertex by vertex.
fn cmp_rings(a: &LineString<f64>, b: &LineString<f64>) -> Ordering {
    a.0.iter()
        .zip(&b.0)
        .map(|(p, q)| cmp_coords(p, q))
        .find(|o| o.is_ne())
        .unwrap_or_else(|| a.0.len().cmp(&b.0.len()))
}

/// Rotate a closed ring so that it starts (and ends) at its smallest vertex.
fn start_at_min(ring: LineString<f64>) -> LineString<f64> {
    let mut open = ring.0;
    if open.len() < 2 {
        return LineString::new(open);
    }
    if open.first() == open.last() {
        open.pop();
    }
    let Some((start, _)) = open
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| cmp_coords(a, b))
    else {
        return LineString::new(open);
    };
    open.rotate_left(start);
    let first = open[0];
    open.push(first);
    LineString::new(open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{GeodesicArea, Winding, polygon};
    use std::path::Path;

    use crate::load::{LoadOptions, load_inputs};

    /// Side of a grid cell, degrees.
    const D: f64 = 0.1;

    /// The cell (i, j) of a grid of `D`-degree squares with its corner at (104, 30).
    fn cell(i: u32, j: u32) -> MultiPolygon<f64> {
        let x0 = 104.0 + f64::from(i) * D;
        let y0 = 30.0 + f64::from(j) * D;
        let (x1, y1) = (x0 + D, y0 + D);
        MultiPolygon::new(vec![
            polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)],
        ])
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    fn units() -> &'static crate::load::Inputs {
        static INPUTS: std::sync::OnceLock<crate::load::Inputs> = std::sync::OnceLock::new();
        INPUTS
            .get_or_init(|| load_inputs(None, None, None, |_| {}, LoadOptions::default()).unwrap())
    }

    fn counties() -> crate::load::Inputs {
        let path = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/counties.geojson"
        ));
        load_inputs(Some(path), None, None, |_| {}, LoadOptions::default()).unwrap()
    }

    fn geoms(inputs: &crate::load::Inputs, keep: impl Fn(&str) -> bool) -> Vec<&MultiPolygon<f64>> {
        inputs
            .region
            .units
            .iter()
            .filter(|u| keep(&u.code))
            .map(|u| u.geometry.as_ref().unwrap())
            .collect()
    }

    fn geodesic(mps: &[&MultiPolygon<f64>]) -> f64 {
        mps.iter().map(|m| m.geodesic_area_unsigned()).sum()
    }

    fn assert_rfc7946(mp: &MultiPolygon<f64>) {
        for p in mp {
            assert!(p.exterior().is_ccw(), "exterior not counter-clockwise");
            assert!(
                p.interiors().iter().all(|h| h.is_cw()),
                "hole not clockwise"
            );
        }
    }

    #[test]
    fn ring_of_eight_cells_has_the_centre_as_its_only_hole() {
        // 3 × 3 grid of 0.1° cells, corner (104, 30), without the centre cell (1, 1):
        // shell = the 0.3° square, hole = the centre square, area = 9 − 1 = 8 cells = 0.08 deg².
        let cells: Vec<MultiPolygon<f64>> = (0..3)
            .flat_map(|i| (0..3).map(move |j| (i, j)))
            .filter(|&c| c != (1, 1))
            .map(|(i, j)| cell(i, j))
            .collect();
        let refs: Vec<&MultiPolygon<f64>> = cells.iter().collect();
        let out = finish_for_geojson(dissolve(&refs).unwrap(), 6).unwrap();
        assert!(out.is_valid());
        assert_eq!(out.0.len(), 1);
        let p = &out.0[0];
        assert_eq!(p.interiors().len(), 1);
        // Collinear vertices removed: the shell is the 4 corners, CCW from the smallest vertex.
        let shell: Vec<(f64, f64)> = p.exterior().0.iter().map(|c| (c.x, c.y)).collect();
        assert_eq!(
            shell,
            vec![
                (104.0, 30.0),
                (104.3, 30.0),
                (104.3, 30.3),
                (104.0, 30.3),
                (104.0, 30.0)
            ]
        );
        // The hole is the centre square, clockwise.
        let hole: Vec<(f64, f64)> = p.interiors()[0].0.iter().map(|c| (c.x, c.y)).collect();
        assert_eq!(
            hole,
            vec![
                (104.1, 30.1),
                (104.1, 30.2),
                (104.2, 30.2),
                (104.2, 30.1),
                (104.1, 30.1)
            ]
        );
        assert!((out.unsigned_area() - 8.0 * D * D).abs() < 1e-12);
        assert_rfc7946(&out);
        // Without rounding the hole is already there, and the area matches to overlay precision.
        let raw = dissolve(&refs).unwrap();
        assert_eq!(raw.0[0].interiors().len(), 1);
        // (The overlay's grid is about 5e-11 degree here: the area is off by about 2e-9.)
        assert!(rel(raw.unsigned_area(), 8.0 * D * D) < 1e-8);
    }

    #[test]
    fn disjoint_squares_stay_two_polygons_and_neighbours_merge() {
        // (0,0) and (2,0) are one cell apart: two polygons, sorted west to east.
        let (a, b, c) = (cell(0, 0), cell(2, 0), cell(1, 0));
        let two = finish_for_geojson(dissolve(&[&b, &a]).unwrap(), 6).unwrap();
        assert!(two.is_valid());
        assert_eq!(two.0.len(), 2);
        assert_eq!(two.0[0].exterior().0[0], Coord { x: 104.0, y: 30.0 });
        assert_eq!(two.0[1].exterior().0[0], Coord { x: 104.2, y: 30.0 });
        // (0,0) and (1,0) share an edge: one 0.2 × 0.1 rectangle. Its shared-edge vertices
        // (104.1, 30) and (104.1, 30.1) are collinear and removed: 4 vertices, 5 positions.
        let one = finish_for_geojson(dissolve(&[&a, &c]).unwrap(), 6).unwrap();
        assert_eq!(one.0.len(), 1);
        let shell: Vec<(f64, f64)> = one.0[0].exterior().0.iter().map(|c| (c.x, c.y)).collect();
        assert_eq!(
            shell,
            vec![
                (104.0, 30.0),
                (104.2, 30.0),
                (104.2, 30.1),
                (104.0, 30.1),
                (104.0, 30.0)
            ]
        );
        // All three: one rectangle again, whatever the input order.
        let row = finish_for_geojson(dissolve(&[&c, &b, &a]).unwrap(), 6).unwrap();
        assert_eq!(
            row,
            finish_for_geojson(dissolve(&[&a, &b, &c]).unwrap(), 6).unwrap()
        );
        assert_eq!(row.0.len(), 1);
        assert_eq!(row.0[0].exterior().0.len(), 5);
    }

    #[test]
    fn input_winding_does_not_matter() {
        // A clockwise cell next to a counter-clockwise one still merges (unary_union takes its
        // fill rule from the first ring, so dissolve orients every input first).
        let a = cell(0, 0).orient(Direction::Reversed);
        let b = cell(1, 0);
        let out = dissolve(&[&a, &b]).unwrap();
        assert_eq!(out.0.len(), 1);
        assert!(rel(out.unsigned_area(), 2.0 * D * D) < 1e-8);
        assert_rfc7946(&out);
    }

    #[test]
    fn empty_input_gives_an_empty_multipolygon() {
        assert!(dissolve(&[]).unwrap().0.is_empty());
        assert!(
            finish_for_geojson(MultiPolygon::new(vec![]), 6)
                .unwrap()
                .0
                .is_empty()
        );
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        let nan = MultiPolygon::new(vec![
            polygon![(x: f64::NAN, y: 0.), (x: 1., y: 0.), (x: 1., y: 1.)],
        ]);
        assert!(matches!(dissolve(&[&nan]), Err(Error::Usage(m)) if m.contains("not finite")));
        assert!(
            matches!(finish_for_geojson(cell(0, 0), 13), Err(Error::Usage(m)) if m.contains("at most 12"))
        );
    }

    #[test]
    fn rounding_drops_collapsed_parts_and_repairs_spikes() {
        // A sliver 4e-8° high collapses to a line at 6 decimals: dropped, not written.
        let sliver = MultiPolygon::new(vec![
            polygon![(x: 104.0, y: 30.0), (x: 104.1, y: 30.0), (x: 104.05, y: 30.00000004)],
        ]);
        assert!(finish_for_geojson(sliver, 6).unwrap().0.is_empty());
        // A square with a spike 3e-7° wide: after rounding the spike is a zero-width
        // out-and-back, which the overlay repair removes, leaving the square.
        let spiky = MultiPolygon::new(vec![polygon![
            (x: 104.0, y: 30.0), (x: 104.1, y: 30.0), (x: 104.1, y: 30.05), (x: 104.3, y: 30.0500003),
            (x: 104.1, y: 30.0500001), (x: 104.1, y: 30.1), (x: 104.0, y: 30.1),
        ]]);
        assert!(spiky.is_valid());
        let out = finish_for_geojson(spiky, 6).unwrap();
        assert!(out.is_valid());
        assert_eq!(out.0.len(), 1);
        assert!((out.unsigned_area() - D * D).abs() < 1e-12);
        assert_eq!(out.0[0].exterior().0.len(), 5);
        // A hole whose corner rounds onto the shell's edge still gives a valid polygon.
        let near = MultiPolygon::new(vec![polygon![
            exterior: [(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)],
            interiors: [[(x: 0.0000001, y: 0.5), (x: 0.5, y: 0.6), (x: 0.5, y: 0.4)]],
        ]]);
        let out = finish_for_geojson(near, 6).unwrap();
        assert!(out.is_valid());
        assert!((out.unsigned_area() - (1.0 - 0.05)).abs() < 1e-9);
    }

    #[test]
    fn all_59_units_dissolve_into_the_region() {
        let inputs = units();
        let all = geoms(inputs, |_| true);
        assert_eq!(all.len(), 59);
        let out = dissolve(&all).unwrap();
        assert!(out.is_valid());
        // Sichuan + Chongqing is one contiguous piece with no holes (no enclave of another
        // province inside it).
        assert_eq!(out.0.len(), 1);
        assert_eq!(out.0[0].interiors().len(), 0);
        assert!(rel(out.geodesic_area_unsigned(), geodesic(&all)) < 1e-6);
        let fin = finish_for_geojson(out, 6).unwrap();
        assert!(fin.is_valid() && simple_and_disjoint(&fin));
        assert_eq!(fin.0.len(), 1);
        assert!(rel(fin.geodesic_area_unsigned(), geodesic(&all)) < 1e-6);
        assert_rfc7946(&fin);
    }

    /// The nine central districts of Chongqing.
    const CQ_CENTRAL: [&str; 9] = [
        "500103", "500104", "500105", "500106", "500107", "500108", "500109", "500112", "500113",
    ];

    #[test]
    fn chongqing_central_districts_are_one_polygon() {
        let inputs = units();
        let nine = geoms(inputs, |c| CQ_CENTRAL.contains(&c));
        assert_eq!(nine.len(), 9);
        let out = finish_for_geojson(dissolve(&nine).unwrap(), 6).unwrap();
        assert!(out.is_valid());
        assert_eq!(out.0.len(), 1);
        assert_eq!(out.0[0].interiors().len(), 0);
        assert!(rel(out.geodesic_area_unsigned(), geodesic(&nine)) < 1e-6);
        // The same set in reverse order gives the same coordinates in the same order.
        let rev: Vec<_> = nine.iter().rev().copied().collect();
        assert_eq!(finish_for_geojson(dissolve(&rev).unwrap(), 6).unwrap(), out);
    }

    #[test]
    fn leaving_out_yuzhong_leaves_its_hole() {
        // Yuzhong (500103), the peninsula between the Yangtze and the Jialing, is enclosed by
        // Jiangbei, Nan'an, Shapingba, Jiulongpo and Dadukou: without it the region has one hole.
        let inputs = units();
        let yuzhong = inputs
            .region
            .by_code("500103")
            .unwrap()
            .geometry
            .as_ref()
            .unwrap();
        assert_eq!((yuzhong.0.len(), yuzhong.0[0].interiors().len()), (1, 0));
        let rest = geoms(inputs, |c| c != "500103");
        assert_eq!(rest.len(), 58);
        let out = finish_for_geojson(dissolve(&rest).unwrap(), 6).unwrap();
        assert!(out.is_valid());
        assert_eq!(out.0.len(), 1);
        let holes = out.0[0].interiors();
        assert_eq!(holes.len(), 1);
        // A hole ring is clockwise; as a polygon shell it must be turned counter-clockwise
        // first, or the geodesic area is that of the rest of the Earth.
        let hole = Polygon::new(holes[0].clone(), vec![]).orient(Direction::Default);
        assert!(
            rel(
                hole.geodesic_area_unsigned(),
                yuzhong.geodesic_area_unsigned()
            ) < 1e-6
        );
        // Exact at unit level: after rounding, the hole has exactly Yuzhong's vertices.
        let key = |c: &Coord<f64>| (c.x.to_bits(), c.y.to_bits());
        let open = |r: &LineString<f64>| r.0[1..].iter().map(key).collect::<Vec<_>>();
        let (mut a, mut b) = (open(&holes[0]), open(yuzhong.0[0].exterior()));
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
        assert_rfc7946(&out);
    }

    #[test]
    fn leaving_out_jiulongpo_leaves_an_island_in_its_hole() {
        // Jiulongpo (500107) is enclosed too, and it encloses an exclave of Dadukou (500104,
        // two parts): without Jiulongpo the region has one hole with Dadukou's exclave as an
        // island inside it: two polygons, one hole, valid (an island in a hole is not an
        // overlap).
        let inputs = units();
        let dadukou = inputs
            .region
            .by_code("500104")
            .unwrap()
            .geometry
            .as_ref()
            .unwrap();
        assert_eq!(dadukou.0.len(), 2);
        let jiulongpo = inputs
            .region
            .by_code("500107")
            .unwrap()
            .geometry
            .as_ref()
            .unwrap();
        assert_eq!(jiulongpo.0[0].interiors().len(), 1);
        let rest = geoms(inputs, |c| c != "500107");
        let out = finish_for_geojson(dissolve(&rest).unwrap(), 6).unwrap();
        assert!(out.is_valid());
        assert!(simple_and_disjoint(&out));
        assert_eq!(out.0.len(), 2);
        assert_eq!(out.iter().map(|p| p.interiors().len()).sum::<usize>(), 1);
        // The island is the smaller Dadukou part; the hole is Jiulongpo's outline.
        let island = out.iter().find(|p| p.interiors().is_empty()).unwrap();
        let exclave = dadukou
            .iter()
            .min_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
            .unwrap();
        assert!(rel(island.unsigned_area(), exclave.unsigned_area()) < 1e-12);
        let main = out.iter().find(|p| !p.interiors().is_empty()).unwrap();
        let hole = Polygon::new(main.interiors()[0].clone(), vec![]);
        let outline = Polygon::new(jiulongpo.0[0].exterior().clone(), vec![]);
        assert!(rel(hole.unsigned_area(), outline.unsigned_area()) < 1e-12);
    }

    #[test]
    fn fast_check_only_accepts_valid_geometries() {
        let mp = |ps: Vec<Polygon<f64>>| MultiPolygon::new(ps);
        let sq = |x0: f64, y0: f64, s: f64| polygon![(x: x0, y: y0), (x: x0 + s, y: y0), (x: x0 + s, y: y0 + s), (x: x0, y: y0 + s)];
        let ring = |x0: f64, y0: f64, s: f64| sq(x0, y0, s).exterior().clone();
        let holed = |holes: Vec<LineString<f64>>| Polygon::new(ring(0., 0., 10.), holes);
        // (geometry, accepted by the fast check, valid by geo)
        let cases = [
            (mp(vec![sq(0., 0., 1.)]), true, true),
            (mp(vec![sq(0., 0., 1.), sq(2., 0., 1.)]), true, true),
            (
                mp(vec![holed(vec![ring(2., 2., 6.)]), sq(3., 3., 1.)]),
                true,
                true,
            ), // island in a hole
            (
                mp(vec![holed(vec![ring(2., 2., 2.), ring(5., 5., 2.)])]),
                true,
                true,
            ),
            (mp(vec![sq(0., 0., 1.), sq(1., 1., 1.)]), false, true), // parts touch at a point
            (mp(vec![holed(vec![ring(0., 2., 2.)])]), false, false), // hole touches shell on a line
            (mp(vec![sq(0., 0., 1.), sq(1., 0., 1.)]), false, false), // parts share an edge
            (mp(vec![sq(0., 0., 2.), sq(1., 1., 2.)]), false, false), // parts overlap
            (mp(vec![sq(0., 0., 10.), sq(1., 1., 1.)]), false, false), // part inside a part
            (mp(vec![holed(vec![ring(20., 20., 1.)])]), false, false), // hole outside shell
            (
                mp(vec![holed(vec![ring(2., 2., 6.), ring(3., 3., 1.)])]),
                false,
                false,
            ), // nested holes
            (
                mp(vec![
                    polygon![(x: 0., y: 0.), (x: 1., y: 1.), (x: 1., y: 0.), (x: 0., y: 1.)],
                ]),
                false,
                false,
            ), // bow tie
            (
                mp(vec![
                    polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 1.), (x: 3., y: 1.), (x: 2., y: 1.), (x: 0., y: 1.)],
                ]),
                false,
                false,
            ), // spike
        ];
        for (i, (g, fast, valid)) in cases.iter().enumerate() {
            assert_eq!(simple_and_disjoint(g), *fast, "case {i}");
            assert_eq!(g.is_valid(), *valid, "case {i}");
        }
    }

    #[test]
    fn all_219_counties_dissolve_and_stay_valid_when_rounded() {
        let inputs = counties();
        let all = geoms(&inputs, |_| true);
        assert_eq!(all.len(), 219);
        let out = dissolve(&all).unwrap();
        assert!(out.is_valid());
        assert!(rel(out.geodesic_area_unsigned(), geodesic(&all)) < 1e-6);
        let fin = finish_for_geojson(out.clone(), 6).unwrap();
        // Valid by geo's full check, and by the fast check that dissolve relies on.
        assert!(fin.is_valid() && simple_and_disjoint(&fin));
        assert_rfc7946(&fin);
        // Rounding only undoes the overlay's grid snapping: same rings, same vertex counts.
        assert_eq!(fin.0.len(), out.0.len());
        for (a, b) in fin.iter().zip(&out) {
            assert_eq!(a.exterior().0.len(), b.exterior().0.len());
            assert_eq!(a.interiors().len(), b.interiors().len());
        }
        // Every output vertex is an input vertex.
        let input: std::collections::HashSet<(u64, u64)> = all
            .iter()
            .flat_map(|m| mp_coords(m))
            .map(|c| (c.x.to_bits(), c.y.to_bits()))
            .collect();
        assert!(mp_coords(&fin).all(|c| input.contains(&(c.x.to_bits(), c.y.to_bits()))));
    }
}
