//! Economic linkage between units: the gravity model, each unit's total linkage, strength
//! classes and the strongest links. Membership of the centres is in
//! [`crate::measures::membership`].
//!
//! # The model
//! R_ij = K_ij · M_i · M_j / D_ij^b
//!
//! - M is the unit's [`Mass`]: with [`Mass::PopGdp`], M = √(P · G) (P in 10⁴ people, G in 10⁸
//!   yuan), the form of the "modified gravity model" of the Chinese regional-linkage literature
//!   (王德忠 & 庄仁兴 1996, 地理科学; with travel time as D: 孟德友 & 陆玉麒 2009, 经济地理; for
//!   the Chengdu–Chongqing region: Pan et al. 2022, 地理学报 / Acta Geographica Sinica);
//!   [`Mass::Pop`] gives the population-only gravity P_i · P_j / D^b of Zipf (1946, "The P1 P2/D
//!   hypothesis", American Sociological Review 11(6)) when GDP is incomplete;
//! - D is the travel time or the great-circle distance ([`Distance`]), b the distance-decay
//!   exponent (2 by default);
//! - K is 1, or the asymmetric K_ij = G_i / (G_i + G_j) ([`KFactor::Asym`]): unit i's share of
//!   the pair's GDP, so that R_ij + R_ji is the symmetric linkage.
//!
//! Pairs without a travel time (unreachable) have R = 0 and are counted
//! ([`Gravity::unreachable_pairs`]).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::Mass;
use crate::model::{Region, UnitId};
use crate::network::generate::great_circle_km;
use crate::route::Matrix;

/// Relative tolerance when comparing R_ij with R_ji to decide whether the linkage is symmetric.
const SYMMETRY_EPS: f64 = 1e-9;

/// What D, the separation of two units in the gravity model, is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Distance {
    /// Shortest travel time on the network, minutes.
    #[default]
    Time,
    /// Shortest travel time on the network, hours (R is 60^b times the minutes figure; the
    /// ranking and the classes are the same).
    TimeHours,
    /// Great-circle distance between the seats, km (geo's Haversine, mean Earth radius).
    GreatCircle,
}

impl Distance {
    /// The lower-case name used in options and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Distance::Time => "time",
            Distance::TimeHours => "time_hours",
            Distance::GreatCircle => "great_circle",
        }
    }

    /// The unit of D: `min`, `h` or `km`.
    pub fn unit(self) -> &'static str {
        match self {
            Distance::Time => "min",
            Distance::TimeHours => "h",
            Distance::GreatCircle => "km",
        }
    }
}

/// The gravitational coefficient K_ij.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum KFactor {
    /// K = 1: symmetric linkage.
    #[default]
    One,
    /// K_ij = G_i / (G_i + G_j), G the GDP: unit i's share of the pair's linkage (needs GDP for
    /// every unit; K = ½ when both GDPs are 0).
    Asym,
}

impl KFactor {
    /// The lower-case name used in options and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            KFactor::One => "one",
            KFactor::Asym => "asym",
        }
    }
}

/// The parameters of [`gravity`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GravityParams {
    /// The mass M of each unit (default: √(P · G), the literature's form).
    pub mass: Mass,
    /// What D is (default: travel time in minutes).
    pub distance: Distance,
    /// The distance-decay exponent b (default 2); finite and ≥ 0.
    pub b: f64,
    /// The coefficient K (default 1).
    pub k: KFactor,
}

impl Default for GravityParams {
    fn default() -> Self {
        GravityParams {
            mass: Mass::PopGdp,
            distance: Distance::Time,
            b: 2.0,
            k: KFactor::One,
        }
    }
}

/// How linkage values are cut into strength classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum ClassMethod {
    /// Jenks natural breaks (exact, see `stats::natural_breaks`).
    #[default]
    NaturalBreaks,
    /// Quantiles: about equal numbers of values per class.
    Quantiles,
}

impl ClassMethod {
    /// The name used in options and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ClassMethod::NaturalBreaks => "natural breaks",
            ClassMethod::Quantiles => "quantiles",
        }
    }
}

/// The strength class of a linkage value: four classes (强, 较强, 一般, 弱 in the Chinese
/// regional-linkage literature), cut by [`StrengthCuts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrengthClass {
    /// Above the top break.
    Strong,
    /// Between the second and the top break.
    FairlyStrong,
    /// Between the lowest and the second break.
    Moderate,
    /// At or below the lowest break.
    Weak,
}

impl StrengthClass {
    /// The snake_case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            StrengthClass::Strong => "strong",
            StrengthClass::FairlyStrong => "fairly_strong",
            StrengthClass::Moderate => "moderate",
            StrengthClass::Weak => "weak",
        }
    }
}

/// The breaks of the strength classes: the upper bounds of the weaker classes, ascending,
/// computed by `method` on a set of linkage values (by default every pair's R > 0; the study
/// analysis pools the centres' linkages with the other places, as the literature does), so
/// that every class holds some of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrengthCuts {
    /// How the breaks were found.
    pub method: ClassMethod,
    /// Upper bounds of `weak`, `moderate`, `fairly_strong` (fewer when the values have fewer
    /// distinct levels), in the units of R.
    pub breaks: Vec<f64>,
    /// How many values the breaks were computed on.
    pub values: usize,
}

impl StrengthCuts {
    /// The breaks of four classes of `values` (R > 0) by `method`.
    pub fn of(values: &[f64], method: ClassMethod) -> StrengthCuts {
        let v: Vec<f64> = values.iter().copied().filter(|r| *r > 0.0).collect();
        let breaks = match method {
            ClassMethod::NaturalBreaks => crate::measures::stats::natural_breaks(&v, 4),
            ClassMethod::Quantiles => crate::measures::stats::quantile_breaks(&v, 4),
        };
        StrengthCuts {
            method,
            breaks,
            values: v.len(),
        }
    }

    /// The class of a value.
    pub fn class(&self, r: f64) -> StrengthClass {
        const UP: [StrengthClass; 4] = [
            StrengthClass::Weak,
            StrengthClass::Moderate,
            StrengthClass::FairlyStrong,
            StrengthClass::Strong,
        ];
        let below = self.breaks.iter().filter(|&&b| r > b).count();
        // With fewer breaks the top class is still `strong`.
        UP[4 - (self.breaks.len() + 1) + below]
    }
}

/// One link of [`Gravity::strongest`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairLinkage {
    /// The first unit (the smaller id for an unordered pair).
    pub from: UnitId,
    /// The second unit.
    pub to: UnitId,
    /// R, in the units of [`gravity`].
    pub r: f64,
    /// Its strength class.
    pub class: StrengthClass,
}

/// The result of [`gravity`]: the linkage matrix R and what is derived from it.
#[derive(Debug, Clone, Serialize)]
pub struct Gravity {
    params: GravityParams,
    n: usize,
    /// R, row-major n × n, 0 on the diagonal.
    r: Vec<f64>,
    /// Row sums L_i = Σ_j R_ij.
    totals: Vec<f64>,
    /// M_i.
    masses: Vec<f64>,
    /// Per ordered pair: true when D is `None`.
    #[serde(skip)]
    unreachable: Vec<bool>,
    unreachable_pairs: usize,
    symmetric: bool,
    cuts: StrengthCuts,
    /// The unit of R, for reports.
    #[serde(skip)]
    unit: String,
}

impl Gravity {
    /// The parameters R was computed with.
    pub fn params(&self) -> &GravityParams {
        &self.params
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True for a region of no units.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// R_ij (0 on the diagonal and for unreachable pairs).
    pub fn get(&self, i: UnitId, j: UnitId) -> f64 {
        self.r[i.index() * self.n + j.index()]
    }

    /// R as a row-major n × n slice (the per-pair weights of
    /// [`crate::measures::betweenness::PairWeights`]).
    pub fn matrix(&self) -> &[f64] {
        &self.r
    }

    /// Total linkage L_i = Σ_j R_ij of every unit, in unit order.
    pub fn totals(&self) -> &[f64] {
        &self.totals
    }

    /// Column sums Σ_j R_ji: the linkage other units direct at i (equal to
    /// [`Gravity::totals`] when symmetric).
    pub fn totals_in(&self) -> Vec<f64> {
        let mut out = vec![0.0; self.n];
        for row in self.r.chunks_exact(self.n.max(1)) {
            for (o, x) in out.iter_mut().zip(row) {
                *o += x;
            }
        }
        out
    }

    /// The mass M_i of every unit.
    pub fn masses(&self) -> &[f64] {
        &self.masses
    }

    /// Whether D_ij is `None` (no travel time), so that R_ij = 0.
    pub fn is_unreachable(&self, i: UnitId, j: UnitId) -> bool {
        self.unreachable[i.index() * self.n + j.index()]
    }

    /// The number of ordered pairs i ≠ j without a travel time.
    pub fn unreachable_pairs(&self) -> usize {
        self.unreachable_pairs
    }

    /// Whether R_ij = R_ji for every pair (K = 1 and a symmetric D, to a relative 1e-9): the
    /// strongest links are then unordered pairs.
    pub fn is_symmetric(&self) -> bool {
        self.symmetric
    }

    /// The breaks of the strength classes.
    pub fn cuts(&self) -> &StrengthCuts {
        &self.cuts
    }

    /// The mean R over the ordered pairs i ≠ j (unreachable pairs included, as 0).
    pub fn mean(&self) -> f64 {
        let n = self.n;
        let pairs = n * n.saturating_sub(1);
        if pairs == 0 {
            return 0.0;
        }
        (0..n * n)
            .filter(|k| k / n != k % n)
            .map(|k| self.r[k])
            .sum::<f64>()
            / pairs as f64
    }

    /// The same linkage with other class breaks (for example on the centres' linkages only).
    pub fn with_cuts(mut self, cuts: StrengthCuts) -> Gravity {
        self.cuts = cuts;
        self
    }

    /// The unit of R: mass² / distanceᵇ, e.g. `(10⁴ people)² / min²`.
    pub fn r_unit(&self) -> &str {
        &self.unit
    }

    /// The strength class of R_ij.
    pub fn class(&self, i: UnitId, j: UnitId) -> StrengthClass {
        self.cuts.class(self.get(i, j))
    }

    /// The `count` strongest links, R descending, ties by (from, to) ascending.
    ///
    /// With K = 1 the links are unordered pairs (from < to) with R the mean of its two
    /// directions (travel times can differ by a few minutes each way where the modes at the
    /// two ends differ, e.g. HSR access 25 min against rail access 20); with the asymmetric K,
    /// ordered pairs. Pairs with R = 0 (unreachable, or a zero mass) are not links and are left
    /// out, so fewer than `count` may be returned.
    ///
    /// # Arguments
    /// - `count`: how many links at most.
    ///
    /// # Returns
    /// The links with R and the [`StrengthClass`].
    ///
    /// # Units
    /// R in the units of [`gravity`].
    ///
    /// # Complexity
    /// O(n² log n) for n units.
    ///
    /// # Examples
    /// See [`gravity`].
    pub fn strongest(&self, count: usize) -> Vec<PairLinkage> {
        let n = self.n;
        let unordered = self.params.k == KFactor::One;
        let mut out: Vec<PairLinkage> = (0..n)
            .flat_map(|i| (0..n).map(move |j| (i, j)))
            .filter(|&(i, j)| if unordered { i < j } else { i != j })
            .map(|(i, j)| {
                let r = if unordered {
                    (self.r[i * n + j] + self.r[j * n + i]) / 2.0
                } else {
                    self.r[i * n + j]
                };
                PairLinkage {
                    from: UnitId(i as u32),
                    to: UnitId(j as u32),
                    r,
                    class: self.cuts.class(r),
                }
            })
            .filter(|p| p.r > 0.0)
            .collect();
        out.sort_by(|a, b| {
            b.r.total_cmp(&a.r)
                .then(a.from.cmp(&b.from))
                .then(a.to.cmp(&b.to))
        });
        out.truncate(count);
        out
    }
}

/// The gravity-model linkage R_ij = K_ij · M_i · M_j / D_ij^b between every ordered pair of
/// units.
///
/// Formula: see the [module documentation](self) (Zipf 1946; the √(P · G) "modified gravity
/// model" of 王德忠 & 庄仁兴 1996 and Pan et al. 2022).
///
/// # Arguments
/// - `region`: the units (masses from [`Mass::values`], seats for [`Distance::GreatCircle`]);
/// - `matrix`: unit-to-unit travel times (not read for [`Distance::GreatCircle`]);
/// - `p`: mass, distance, b and K.
///
/// # Returns
/// R (n × n, row-major), the totals L_i, the class breaks (natural breaks of every R > 0; see
/// [`Gravity::with_cuts`]), and the count of unreachable pairs (R = 0).
///
/// # Errors
/// [`Error::Usage`] when the mass (or [`KFactor::Asym`]) needs GDP that a unit lacks, when b is
/// not a finite number ≥ 0, when the matrix is not over the region's units, or when D_ij ≤ 0
/// for two distinct units.
///
/// # Units
/// M in 10⁴ people ([`Mass::Pop`]), 10⁸ yuan ([`Mass::Gdp`]) or √(10⁴ people · 10⁸ yuan)
/// ([`Mass::PopGdp`]); D in minutes, hours or km; R in M² / Dᵇ.
///
/// # Complexity
/// O(n²) for n units.
///
/// # Examples
/// Three units, M = √(P·G) = 200, 100 and 20; times 60, 30 and 90 minutes; b = 2, D in hours:
/// R_AB = 200 · 100 / 1² = 20 000.
/// ```
/// # use regionlink::load::{load_units, LoadOptions, Study};
/// # use regionlink::measures::gravity::{gravity, Distance, GravityParams};
/// # use regionlink::route::Matrix;
/// # use regionlink::{Minutes, UnitId};
/// # let f = |code: &str, lon: f64, pop: u32, gdp: f64| format!(
/// #     r#"{{"type": "Feature", "geometry": {{"type": "Point", "coordinates": [{lon}, 30.0]}},
/// #        "properties": {{"code": "{code}", "pop_2020_census": {pop}, "gdp_100m_cny": {gdp}}}}}"#);
/// # let geojson = format!(r#"{{"type": "FeatureCollection", "features": [{}, {}, {}]}}"#,
/// #     f("A", 104.0, 1_000_000, 400.0), f("B", 105.0, 500_000, 200.0), f("C", 106.0, 100_000, 40.0));
/// # let study = Study::from_toml("name = \"demo\"", "demo.toml")?;
/// // A: P = 100 (10⁴ people), G = 400 (10⁸ yuan); B: 50, 200; C: 10, 40.
/// let region = load_units(geojson.as_bytes(), "demo.geojson", &study, LoadOptions::default())?;
/// let m = |t: f64| Some(Minutes(t));
/// let matrix = Matrix::from_rows(vec![
///     vec![m(0.0), m(60.0), m(30.0)],
///     vec![m(60.0), m(0.0), m(90.0)],
///     vec![m(30.0), m(90.0), m(0.0)],
/// ]);
/// let p = GravityParams { distance: Distance::TimeHours, ..GravityParams::default() };
/// let g = gravity(&region, &matrix, &p)?;
/// assert!((g.get(UnitId(0), UnitId(1)) - 20_000.0).abs() < 1e-6);
/// // R_AC = 200 · 20 / 0.5² = 16 000, so L_A = 36 000.
/// assert!((g.totals()[0] - 36_000.0).abs() < 1e-6);
/// let top = g.strongest(1);
/// assert_eq!((top[0].from, top[0].to), (UnitId(0), UnitId(1)));
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn gravity(region: &Region, matrix: &Matrix, p: &GravityParams) -> Result<Gravity> {
    let n = region.len();
    if !(p.b.is_finite() && p.b >= 0.0) {
        return Err(Error::Usage(format!(
            "gravity: the distance exponent b is {}, expected a finite number ≥ 0",
            p.b
        )));
    }
    if p.distance != Distance::GreatCircle && matrix.len() != n {
        return Err(Error::Usage(format!(
            "gravity: the travel-time matrix has {} units, the region {} has {n}",
            matrix.len(),
            region.source
        )));
    }
    let m = p.mass.values(region)?;
    let gdp = match p.k {
        KFactor::One => None,
        KFactor::Asym => Some(Mass::Gdp.values(region)?),
    };
    let mut r = vec![0.0; n * n];
    let mut unreachable = vec![false; n * n];
    let mut unreachable_pairs = 0;
    for i in 0..n {
        for j in 0..n {
            if i == j {
                continue;
            }
            let (ui, uj) = (UnitId(i as u32), UnitId(j as u32));
            let d = match p.distance {
                Distance::Time => matrix.get(ui, uj).map(|t| t.0),
                Distance::TimeHours => matrix.get(ui, uj).map(|t| t.0 / 60.0),
                Distance::GreatCircle => {
                    Some(great_circle_km(region.units[i].seat, region.units[j].seat))
                }
            };
            let Some(d) = d else {
                unreachable[i * n + j] = true;
                unreachable_pairs += 1;
                continue;
            };
            if d.is_nan() || d <= 0.0 {
                let (a, b) = (region.unit(ui), region.unit(uj));
                return Err(Error::Usage(format!(
                    "gravity: the {} from {} ({}) to {} ({}) is {d} {}; the gravity model needs a positive distance between distinct units",
                    match p.distance {
                        Distance::GreatCircle => "great-circle distance",
                        _ => "travel time",
                    },
                    a.name,
                    a.code,
                    b.name,
                    b.code,
                    p.distance.unit()
                )));
            }
            let k = match &gdp {
                None => 1.0,
                Some(g) if g[i] + g[j] > 0.0 => g[i] / (g[i] + g[j]),
                Some(_) => 0.5,
            };
            r[i * n + j] = k * m[i] * m[j] / d.powf(p.b);
        }
    }
    let totals: Vec<f64> = r
        .chunks_exact(n.max(1))
        .map(|row| row.iter().sum())
        .take(n)
        .collect();
    let symmetric = p.k == KFactor::One
        && (0..n).all(|i| {
            (i + 1..n).all(|j| {
                let (a, b) = (r[i * n + j], r[j * n + i]);
                (a - b).abs() <= SYMMETRY_EPS * a.abs().max(b.abs())
            })
        });
    let off: Vec<f64> = (0..n * n)
        .filter(|k| k / n != k % n)
        .map(|k| r[k])
        .collect();
    let cuts = StrengthCuts::of(&off, ClassMethod::NaturalBreaks);
    let mass_unit = match p.mass {
        Mass::Pop => "10⁴ people",
        Mass::Gdp => "10⁸ yuan",
        Mass::PopGdp => "√(10⁸ yuan · 10⁴ people)",
    };
    let unit = if p.b == 0.0 {
        format!("({mass_unit})²")
    } else {
        format!("({mass_unit})² / {}^{}", p.distance.unit(), p.b)
    };
    Ok(Gravity {
        params: *p,
        n,
        r,
        totals,
        masses: m,
        unreachable,
        unreachable_pairs,
        symmetric,
        cuts,
        unit,
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    use geo::{Coord, Point, Rect};

    use super::*;
    use crate::model::{Minutes, Role, SeatSource, Unit};

    /// A unit with what gravity reads: population, GDP and seat.
    pub(crate) fn unit(i: u32, pop: f64, gdp: Option<f64>, lon: f64) -> Unit {
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
            population_10k: pop,
            gdp_100m_cny: gdp,
            gdp_year: None,
            area_km2: 0.0,
            seat: Point::new(lon, 30.0),
            seat_source: SeatSource::Data,
            geometry: None,
            role: Role::other(),
        }
    }

    pub(crate) fn region(units: Vec<Unit>) -> Region {
        let bbox = Rect::new(Coord { x: 100.0, y: 20.0 }, Coord { x: 110.0, y: 35.0 });
        Region::new("test".into(), units, bbox, Vec::new())
    }

    /// A symmetric matrix from the upper triangle (minutes; `None` = unreachable).
    pub(crate) fn matrix(n: usize, upper: &[(usize, usize, Option<f64>)]) -> Matrix {
        let mut rows = vec![vec![Some(Minutes::ZERO); n]; n];
        for &(i, j, t) in upper {
            rows[i][j] = t.map(Minutes);
            rows[j][i] = t.map(Minutes);
        }
        Matrix::from_rows(rows)
    }

    pub(crate) fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    /// The hand-worked 4-unit example.
    ///
    /// Masses M = √(P·G): A (P 100, G 400) 200; B (50, 200) 100; C (10, 40) 20; D (40, 160) 80.
    /// Times in hours: AB 1, AC 0.5, AD 2, BC 1.5, BD 0.5, CD 1; b = 2, K = 1:
    ///   R_AB = 200·100/1    = 20 000      R_BC = 100·20/2.25 = 888.889
    ///   R_AC = 200·20/0.25  = 16 000      R_BD = 100·80/0.25 = 32 000
    ///   R_AD = 200·80/4     =  4 000      R_CD = 20·80/1     =  1 600
    /// Totals: L_A = 40 000; L_B = 52 888.889; L_C = 18 488.889; L_D = 37 600.
    /// Classes over the 12 ordered pairs (each value twice): μ = 74 488.889 / 6 = 12 414.815;
    /// Σ R² / 6 = 1 699 350 123.457 / 6 = 283 225 020.576; σ² = that − μ² = 129 097 395.1,
    /// σ = 11 362.10. Breaks: μ + σ = 23 776.9, μ − σ = 1 052.7:
    ///   high: BD; above mean: AB, AC; below mean: AD, CD; low: BC.
    pub(crate) fn four() -> (Region, Matrix) {
        let reg = region(vec![
            unit(0, 100.0, Some(400.0), 104.0),
            unit(1, 50.0, Some(200.0), 105.0),
            unit(2, 10.0, Some(40.0), 106.0),
            unit(3, 40.0, Some(160.0), 107.0),
        ]);
        let h = |x: f64| Some(x * 60.0);
        let m = matrix(
            4,
            &[
                (0, 1, h(1.0)),
                (0, 2, h(0.5)),
                (0, 3, h(2.0)),
                (1, 2, h(1.5)),
                (1, 3, h(0.5)),
                (2, 3, h(1.0)),
            ],
        );
        (reg, m)
    }

    pub(crate) fn hours() -> GravityParams {
        GravityParams {
            distance: Distance::TimeHours,
            ..GravityParams::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use crate::measures::membership::{Centre, membership};

    #[test]
    fn four_units_by_hand() {
        let (reg, m) = four();
        let g = gravity(&reg, &m, &hours()).unwrap();
        let r = |i: u32, j: u32| g.get(UnitId(i), UnitId(j));
        assert!(close(r(0, 1), 20_000.0) && close(r(1, 0), 20_000.0));
        assert!(close(r(0, 2), 16_000.0));
        assert!(close(r(0, 3), 4_000.0));
        assert!(close(r(1, 2), 2_000.0 / 2.25));
        assert!(close(r(1, 3), 32_000.0));
        assert!(close(r(2, 3), 1_600.0));
        assert_eq!(r(2, 2), 0.0);
        let want = [
            40_000.0,
            52_000.0 + 2_000.0 / 2.25,
            17_600.0 + 2_000.0 / 2.25,
            37_600.0,
        ];
        for (got, want) in g.totals().iter().zip(want) {
            assert!(close(*got, want), "{got} != {want}");
        }
        assert_eq!(g.totals_in(), g.totals());
        assert!(g.is_symmetric());
        assert_eq!(g.unreachable_pairs(), 0);
        assert!((g.mean() - 12_414.815).abs() < 1e-3);
        // Natural breaks of 889, 1600, 4000, 16 000, 20 000, 32 000 (each twice) in four
        // classes: {889, 1600, 4000} {16 000} {20 000} {32 000}, within-class squares
        // 2·(1274² + 563² + 1837²) ≈ 10.6 M, less than e.g. {889, 1600} {4000}
        // {16 000, 20 000} {32 000} at 4·355² + 4·2000² ≈ 16.5 M.
        let cuts = g.cuts();
        assert_eq!(cuts.breaks, vec![4_000.0, 16_000.0, 20_000.0]);
        let top = g.strongest(10);
        let got: Vec<(u32, u32, StrengthClass)> =
            top.iter().map(|p| (p.from.0, p.to.0, p.class)).collect();
        use StrengthClass::*;
        assert_eq!(
            got,
            vec![
                (1, 3, Strong),
                (0, 1, FairlyStrong),
                (0, 2, Moderate),
                (0, 3, Weak),
                (2, 3, Weak),
                (1, 2, Weak)
            ]
        );
        // Every class holds some pair, which mean ± sd (the old breaks) did not give.
        let q = StrengthCuts::of(g.matrix(), ClassMethod::Quantiles);
        // Quartiles of the 12 values (nearest rank 3, 6, 9).
        assert_eq!(q.breaks, vec![1_600.0, 4_000.0, 20_000.0]);
        assert_eq!(g.strongest(2).len(), 2);
    }

    #[test]
    fn minutes_and_hours_differ_by_60_to_the_b() {
        let (reg, m) = four();
        let h = gravity(&reg, &m, &hours()).unwrap();
        let p = GravityParams {
            b: 1.5,
            ..GravityParams::default()
        };
        let min = gravity(&reg, &m, &p).unwrap();
        let h15 = gravity(&reg, &m, &GravityParams { b: 1.5, ..hours() }).unwrap();
        for (a, b) in min.matrix().iter().zip(h15.matrix()) {
            assert!(close(a * 60f64.powf(1.5), *b));
        }
        assert!(close(h.get(UnitId(0), UnitId(1)), 20_000.0));
    }

    #[test]
    fn asym_k_splits_the_symmetric_linkage_by_gdp() {
        // K_AB = 400 / 600 = 2/3: R_AB = 2/3 · 20 000, R_BA = 1/3 · 20 000.
        let (reg, m) = four();
        let sym = gravity(&reg, &m, &hours()).unwrap();
        let asym = gravity(
            &reg,
            &m,
            &GravityParams {
                k: KFactor::Asym,
                ..hours()
            },
        )
        .unwrap();
        assert!(close(asym.get(UnitId(0), UnitId(1)), 40_000.0 / 3.0));
        assert!(close(asym.get(UnitId(1), UnitId(0)), 20_000.0 / 3.0));
        for i in 0..4 {
            for j in 0..4 {
                let (a, b) = (UnitId(i), UnitId(j));
                assert!(close(asym.get(a, b) + asym.get(b, a), sym.get(a, b)));
            }
        }
        assert!(!asym.is_symmetric());
        // Ordered pairs: 12 links; the strongest is B→D (K = 200/360 of 32 000 = 17 777.8).
        let top = asym.strongest(100);
        assert_eq!(top.len(), 12);
        assert_eq!((top[0].from, top[0].to), (UnitId(1), UnitId(3)));
        assert!(close(top[0].r, 32_000.0 * 200.0 / 360.0));
        assert_eq!(asym.totals_in().len(), 4);
    }

    #[test]
    fn asym_and_gdp_masses_need_gdp() {
        let reg = region(vec![
            unit(0, 10.0, Some(1.0), 104.0),
            unit(1, 10.0, None, 105.0),
        ]);
        let m = matrix(2, &[(0, 1, Some(30.0))]);
        let pop = GravityParams {
            mass: Mass::Pop,
            ..GravityParams::default()
        };
        assert!(gravity(&reg, &m, &pop).is_ok());
        for p in [
            GravityParams {
                k: KFactor::Asym,
                ..pop
            },
            GravityParams::default(),
        ] {
            let e = gravity(&reg, &m, &p).unwrap_err().to_string();
            assert!(e.contains("needs GDP") && e.contains("Unit 1 (U1)"), "{e}");
        }
    }

    #[test]
    fn population_only_gravity() {
        // P_i · P_j / D²: 10 · 20 / 10² = 2.
        let reg = region(vec![unit(0, 10.0, None, 104.0), unit(1, 20.0, None, 105.0)]);
        let m = matrix(2, &[(0, 1, Some(10.0))]);
        let g = gravity(
            &reg,
            &m,
            &GravityParams {
                mass: Mass::Pop,
                ..GravityParams::default()
            },
        )
        .unwrap();
        assert!(close(g.get(UnitId(0), UnitId(1)), 2.0));
        assert_eq!(g.masses(), [10.0, 20.0]);
    }

    #[test]
    fn unreachable_pairs_have_zero_linkage_and_are_counted() {
        let (reg, _) = four();
        let m = matrix(
            4,
            &[
                (0, 1, Some(60.0)),
                (0, 2, None),
                (0, 3, Some(60.0)),
                (1, 2, None),
                (1, 3, Some(60.0)),
                (2, 3, None),
            ],
        );
        let g = gravity(&reg, &m, &hours()).unwrap();
        assert_eq!(g.unreachable_pairs(), 6);
        assert!(g.is_unreachable(UnitId(2), UnitId(0)));
        assert!(!g.is_unreachable(UnitId(0), UnitId(1)));
        assert_eq!(g.get(UnitId(2), UnitId(0)), 0.0);
        assert_eq!(g.totals()[2], 0.0);
        // C is linked to no centre.
        let centres = vec![Centre {
            name: "a".into(),
            units: vec![UnitId(0)],
        }];
        let ms = membership(&g, &centres).unwrap();
        assert_eq!(ms.units[2].degrees, None);
        assert_eq!(ms.units[2].belongs_to, None);
        assert_eq!(ms.unlinked, 1);
        // Only the three reachable pairs are links.
        assert_eq!(g.strongest(10).len(), 3);
    }

    #[test]
    fn great_circle_distance() {
        // One degree of longitude at 30°N: 111.195 km · cos 30° ≈ 96.297 km (Haversine sphere).
        let reg = region(vec![unit(0, 10.0, None, 104.0), unit(1, 10.0, None, 105.0)]);
        let p = GravityParams {
            mass: Mass::Pop,
            distance: Distance::GreatCircle,
            b: 1.0,
            k: KFactor::One,
        };
        let g = gravity(&reg, &Matrix::from_rows(vec![]), &p).unwrap();
        let d = great_circle_km(reg.units[0].seat, reg.units[1].seat);
        assert!((d - 96.297).abs() < 0.05, "{d}");
        assert!(close(g.get(UnitId(0), UnitId(1)), 100.0 / d));
    }

    #[test]
    fn bad_parameters_and_zero_distances_are_errors() {
        let (reg, m) = four();
        for b in [-1.0, f64::NAN, f64::INFINITY] {
            let e = gravity(&reg, &m, &GravityParams { b, ..hours() })
                .unwrap_err()
                .to_string();
            assert!(e.contains("exponent b"), "{e}");
        }
        let e = gravity(&reg, &matrix(2, &[]), &hours())
            .unwrap_err()
            .to_string();
        assert!(e.contains("matrix has 2 units"), "{e}");
        let zero = matrix(
            4,
            &[
                (0, 1, Some(0.0)),
                (0, 2, Some(1.0)),
                (0, 3, Some(1.0)),
                (1, 2, Some(1.0)),
                (1, 3, Some(1.0)),
                (2, 3, Some(1.0)),
            ],
        );
        let e = gravity(&reg, &zero, &hours()).unwrap_err().to_string();
        assert!(
            e.contains("travel time from Unit 0 (U0) to Unit 1 (U1) is 0 h"),
            "{e}"
        );
        let same = region(vec![unit(0, 1.0, None, 104.0), unit(1, 1.0, None, 104.0)]);
        let p = GravityParams {
            mass: Mass::Pop,
            distance: Distance::GreatCircle,
            ..hours()
        };
        let e = gravity(&same, &Matrix::from_rows(vec![]), &p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("great-circle distance"), "{e}");
    }

    #[test]
    fn every_strength_class_can_occur() {
        // Issue #14: mean ± sd put the lowest break below 0, so `weak` never occurred. Breaks
        // are upper bounds: ≤ 2 weak, ≤ 5 moderate, ≤ 9 fairly strong, above strong.
        let cuts = StrengthCuts {
            method: ClassMethod::NaturalBreaks,
            breaks: vec![2.0, 5.0, 9.0],
            values: 8,
        };
        assert_eq!(cuts.class(2.0), StrengthClass::Weak);
        assert_eq!(cuts.class(2.1), StrengthClass::Moderate);
        assert_eq!(cuts.class(9.0), StrengthClass::FairlyStrong);
        assert_eq!(cuts.class(9.1), StrengthClass::Strong);
        // A right-skewed sample like the linkages: each class is used.
        let v = [0.1, 0.2, 0.3, 1.0, 1.2, 4.0, 4.5, 30.0, 31.0, 200.0];
        for m in [ClassMethod::NaturalBreaks, ClassMethod::Quantiles] {
            let c = StrengthCuts::of(&v, m);
            let mut used: Vec<StrengthClass> = v.iter().map(|&r| c.class(r)).collect();
            used.sort();
            used.dedup();
            assert_eq!(used.len(), 4, "{m:?}: {c:?}");
        }
        // Fewer distinct values give fewer classes, the top ones: `fairly_strong`, `strong`.
        let c = StrengthCuts::of(&[1.0, 1.0, 8.0], ClassMethod::NaturalBreaks);
        assert_eq!(
            (c.class(1.0), c.class(8.0)),
            (StrengthClass::FairlyStrong, StrengthClass::Strong)
        );
    }

    #[test]
    fn strongest_ties_break_on_ids() {
        // Equal masses on an equilateral triangle of times: every R equal.
        let reg = region(vec![
            unit(0, 10.0, None, 104.0),
            unit(1, 10.0, None, 105.0),
            unit(2, 10.0, None, 106.0),
        ]);
        let m = matrix(
            3,
            &[(0, 1, Some(10.0)), (0, 2, Some(10.0)), (1, 2, Some(10.0))],
        );
        let g = gravity(
            &reg,
            &m,
            &GravityParams {
                mass: Mass::Pop,
                ..GravityParams::default()
            },
        )
        .unwrap();
        let ids: Vec<(u32, u32)> = g.strongest(3).iter().map(|p| (p.from.0, p.to.0)).collect();
        assert_eq!(ids, vec![(0, 1), (0, 2), (1, 2)]);
    }
}
