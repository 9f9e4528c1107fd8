//! Membership of the centres: which centre each unit's gravity linkage goes to (the
//! literature's 经济隶属度).

use serde::Serialize;

use crate::error::{Error, Result};
use crate::measures::gravity::Gravity;
use crate::model::UnitId;

/// A centre of attraction: a name and its units (one unit, or a core such as Chongqing's nine
/// central districts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Centre {
    /// Short name (used in output field names).
    pub name: String,
    /// Its units; non-empty, and no unit in two centres.
    pub units: Vec<UnitId>,
}

/// One unit's linkage with the centres ([`membership`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitMembership {
    /// The unit.
    pub unit: UnitId,
    /// The centre the unit is part of, if any (index into [`Membership::centres`]).
    pub member_of: Option<usize>,
    /// R_{i,c} = Σ_{j ∈ c, j ≠ i} R_ij for every centre c, in centre order (0 for the unit's own
    /// centre: intra-centre pairs are excluded).
    pub linkage: Vec<f64>,
    /// The membership degrees F_{i,c} = R_{i,c} / Σ_{c'} R_{i,c'}, in centre order; they sum
    /// to 1. A centre's own unit has degree 1 for its centre and 0 for the others (it belongs
    /// to it by definition). `None` when the unit has no linkage with any centre.
    pub degrees: Option<Vec<f64>>,
    /// The centre the unit belongs to: its own centre for a centre's unit, else the argmax of
    /// the degrees (ties: the first centre); `None` without linkage to any centre.
    pub belongs_to: Option<usize>,
}

/// A centre's linkage with every unit, the literature's 经济隶属度 ([`membership`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CentreShares {
    /// The centre's name.
    pub name: String,
    /// Σ_{j ∉ c} R_{c,j}, with R_{c,j} = Σ_{i ∈ c} R_ij: the centre's total linkage with the
    /// units outside it.
    pub total: f64,
    /// R_{c,j} / total for every unit j, in unit order (0 for the centre's own units); they
    /// sum to 1 (all 0 when the total is 0).
    pub shares: Vec<f64>,
}

/// The result of [`membership`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Membership {
    /// The centres' names, in the order given.
    pub centres: Vec<String>,
    /// Every unit, in unit order.
    pub units: Vec<UnitMembership>,
    /// Every centre, in the order given.
    pub centre_shares: Vec<CentreShares>,
    /// Units outside every centre with no linkage to any centre (no degrees, no centre).
    pub unlinked: usize,
}

/// Which centre each unit belongs to: membership degrees from the gravity linkage.
///
/// For unit i and centre c (a set of units), R_{i,c} = Σ_{j ∈ c, j ≠ i} R_ij, and the
/// **membership degree** is F_{i,c} = R_{i,c} / Σ_{c'} R_{i,c'}: the share of unit i's
/// linkage with the centres that goes to centre c. For each unit the degrees sum to 1 over the
/// centres, and the unit belongs to the centre of largest degree. Pairs inside one centre are
/// excluded from the linkage; a centre's own units belong to it by definition, with degree 1
/// for it (never 0).
///
/// The literature's 经济隶属度 (王德忠 & 庄仁兴 1996, 地理科学) is F_ij = R_ij / Σ_j R_ij
/// with i the centre and the sum over the other units: the share of the centre's linkage that
/// goes to unit j. That is [`CentreShares::shares`], which sums to 1 over the units for each
/// centre. The two differ in the denominator: F_{i,c} divides by unit i's linkage with all
/// centres, the 经济隶属度 by the centre's linkage with all units. `belongs_to` compares
/// F_{i,c} across the centres of one unit, which is the same as comparing R_{i,c}, or
/// R_{i,c} / L_i (the variant whose sum runs over all units).
///
/// With [`crate::measures::gravity::KFactor::Asym`], F_{i,c} uses R_ij (unit i's side of the pair), and the centre shares
/// use R_{c,j} (the centre's side).
///
/// # Arguments
/// - `g`: the linkage from [`crate::measures::gravity::gravity`];
/// - `centres`: each centre's name and units (non-empty, disjoint).
///
/// # Returns
/// Per unit: linkage with each centre, degrees and the centre it belongs to; per centre: the
/// share of its linkage with each unit; the count of units linked to no centre.
///
/// # Errors
/// [`Error::Usage`] for a centre without units, a unit id out of range, or a unit in two
/// centres.
///
/// # Units
/// Linkage in the units of R; degrees and shares are fractions in [0, 1].
///
/// # Complexity
/// O(n · u) for n units and u units in all centres.
///
/// # Examples
/// ```
/// # use regionlink::load::{load_units, LoadOptions, Study};
/// # use regionlink::measures::gravity::{gravity, Distance, GravityParams};
/// # use regionlink::measures::membership::{membership, Centre};
/// # use regionlink::model::Mass;
/// # use regionlink::route::Matrix;
/// # use regionlink::{Minutes, UnitId};
/// # let f = |code: &str, lon: f64, pop: u32| format!(
/// #     r#"{{"type": "Feature", "geometry": {{"type": "Point", "coordinates": [{lon}, 30.0]}},
/// #        "properties": {{"code": "{code}", "pop_2020_census": {pop}}}}}"#);
/// # let geojson = format!(r#"{{"type": "FeatureCollection", "features": [{}, {}, {}]}}"#,
/// #     f("A", 104.0, 1_000_000), f("B", 105.0, 1_000_000), f("C", 106.0, 100_000));
/// # let study = Study::from_toml("name = \"demo\"", "demo.toml")?;
/// // Populations 100, 100 and 10 (10⁴ people); C is 30 min from A, 60 min from B.
/// let region = load_units(geojson.as_bytes(), "demo.geojson", &study, LoadOptions::default())?;
/// let m = |t: f64| Some(Minutes(t));
/// let matrix = Matrix::from_rows(vec![
///     vec![m(0.0), m(90.0), m(30.0)],
///     vec![m(90.0), m(0.0), m(60.0)],
///     vec![m(30.0), m(60.0), m(0.0)],
/// ]);
/// let p = GravityParams { mass: Mass::Pop, ..GravityParams::default() };
/// let g = gravity(&region, &matrix, &p)?;
/// let centres = vec![
///     Centre { name: "a".into(), units: vec![UnitId(0)] },
///     Centre { name: "b".into(), units: vec![UnitId(1)] },
/// ];
/// let ms = membership(&g, &centres)?;
/// // R_CA : R_CB = 1/30² : 1/60² = 4 : 1.
/// let c = &ms.units[2];
/// assert_eq!(c.belongs_to, Some(0));
/// let f = c.degrees.as_ref().expect("C is linked");
/// assert!((f[0] - 0.8).abs() < 1e-12 && (f[1] - 0.2).abs() < 1e-12);
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn membership(g: &Gravity, centres: &[Centre]) -> Result<Membership> {
    let n = g.len();
    let mut member_of: Vec<Option<usize>> = vec![None; n];
    for (c, centre) in centres.iter().enumerate() {
        if centre.units.is_empty() {
            return Err(Error::Usage(format!(
                "centre \"{}\" has no units",
                centre.name
            )));
        }
        for &u in &centre.units {
            let slot = member_of.get_mut(u.index()).ok_or_else(|| {
                Error::Usage(format!(
                    "centre \"{}\": unit id {} is out of range (the region has {n} units)",
                    centre.name, u.0
                ))
            })?;
            match *slot {
                Some(other) if other != c => {
                    return Err(Error::Usage(format!(
                        "unit id {} is in two centres: \"{}\" and \"{}\"",
                        u.0, centres[other].name, centre.name
                    )));
                }
                _ => *slot = Some(c),
            }
        }
    }
    let r = g.matrix();
    let in_centre = |j: usize, c: usize| member_of[j] == Some(c);
    let mut unlinked = 0;
    let units: Vec<UnitMembership> = (0..n)
        .map(|i| {
            let linkage: Vec<f64> = (0..centres.len())
                .map(|c| {
                    if member_of[i] == Some(c) {
                        return 0.0;
                    }
                    centres[c].units.iter().map(|u| r[i * n + u.index()]).sum()
                })
                .collect();
            let sum: f64 = linkage.iter().sum();
            // A centre's own units belong to it wholly: degree 1 for it, 0 for the others.
            let degrees = match member_of[i] {
                Some(own) => Some(
                    (0..centres.len())
                        .map(|c| if c == own { 1.0 } else { 0.0 })
                        .collect(),
                ),
                None => (sum > 0.0).then(|| linkage.iter().map(|x| x / sum).collect::<Vec<f64>>()),
            };
            let argmax = degrees.as_ref().and_then(|d| {
                d.iter()
                    .enumerate()
                    .fold(None, |best: Option<(usize, f64)>, (c, &x)| match best {
                        Some((_, bx)) if bx >= x => best,
                        _ => Some((c, x)),
                    })
                    .map(|(c, _)| c)
            });
            let belongs_to = member_of[i].or(argmax);
            if belongs_to.is_none() {
                unlinked += 1;
            }
            UnitMembership {
                unit: UnitId(i as u32),
                member_of: member_of[i],
                linkage,
                degrees,
                belongs_to,
            }
        })
        .collect();
    let centre_shares = centres
        .iter()
        .enumerate()
        .map(|(c, centre)| {
            let to: Vec<f64> = (0..n)
                .map(|j| {
                    if in_centre(j, c) {
                        0.0
                    } else {
                        centre.units.iter().map(|u| r[u.index() * n + j]).sum()
                    }
                })
                .collect();
            let total: f64 = to.iter().sum();
            let shares = to
                .iter()
                .map(|x| if total > 0.0 { x / total } else { 0.0 })
                .collect();
            CentreShares {
                name: centre.name.clone(),
                total,
                shares,
            }
        })
        .collect();
    Ok(Membership {
        centres: centres.iter().map(|c| c.name.clone()).collect(),
        units,
        centre_shares,
        unlinked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::gravity::gravity;
    use crate::measures::gravity::test_support::*;

    #[test]
    fn membership_by_hand() {
        // Centres A and B, with the values of `four_units_by_hand`:
        // C: R_CA = 16 000, R_CB = 888.889 → F = (18/19, 1/19), belongs to A.
        // D: R_DA = 4 000, R_DB = 32 000 → F = (1/9, 8/9), belongs to B.
        // A: its own centre excluded → F = (0, 1), belongs to A (member).
        // Centre A's shares of L_A = 40 000 over B, C, D: 0.5, 0.4, 0.1.
        let (reg, m) = four();
        let g = gravity(&reg, &m, &hours()).unwrap();
        let centres = vec![
            Centre {
                name: "a".into(),
                units: vec![UnitId(0)],
            },
            Centre {
                name: "b".into(),
                units: vec![UnitId(1)],
            },
        ];
        let ms = membership(&g, &centres).unwrap();
        assert_eq!(ms.centres, vec!["a", "b"]);
        let deg = |i: usize| ms.units[i].degrees.clone().unwrap();
        assert!(close(deg(2)[0], 18.0 / 19.0) && close(deg(2)[1], 1.0 / 19.0));
        assert!(close(deg(3)[0], 1.0 / 9.0) && close(deg(3)[1], 8.0 / 9.0));
        // Issue #14: a centre's own unit belongs to it wholly (its degree for its own centre
        // was 0).
        assert_eq!(deg(0), vec![1.0, 0.0]);
        assert_eq!(
            ms.units.iter().map(|u| u.belongs_to).collect::<Vec<_>>(),
            vec![Some(0), Some(1), Some(0), Some(1)]
        );
        assert_eq!(
            ms.units.iter().map(|u| u.member_of).collect::<Vec<_>>(),
            vec![Some(0), Some(1), None, None]
        );
        // What sums to 1: each unit's degrees over the centres, each centre's shares over the units.
        for u in &ms.units {
            assert!(close(u.degrees.as_ref().unwrap().iter().sum::<f64>(), 1.0));
        }
        for c in &ms.centre_shares {
            assert!(close(c.shares.iter().sum::<f64>(), 1.0));
        }
        let a = &ms.centre_shares[0];
        assert!(close(a.total, 40_000.0));
        for (got, want) in a.shares.iter().zip([0.0, 0.5, 0.4, 0.1]) {
            assert!(close(*got, want));
        }
        assert_eq!(ms.unlinked, 0);
    }

    #[test]
    fn a_centre_of_several_units_sums_and_excludes_its_own_pairs() {
        // Centre X = {A, B}, centre Y = {D}. C: R_{C,X} = 16 000 + 888.889, R_{C,Y} = 1 600.
        // A: pairs with B are intra-centre → R_{A,X} = 0; R_{A,Y} = 4 000.
        let (reg, m) = four();
        let g = gravity(&reg, &m, &hours()).unwrap();
        let centres = vec![
            Centre {
                name: "x".into(),
                units: vec![UnitId(0), UnitId(1)],
            },
            Centre {
                name: "y".into(),
                units: vec![UnitId(3)],
            },
        ];
        let ms = membership(&g, &centres).unwrap();
        assert!(close(ms.units[2].linkage[0], 16_000.0 + 2_000.0 / 2.25));
        assert!(close(ms.units[2].linkage[1], 1_600.0));
        assert_eq!(ms.units[2].belongs_to, Some(0));
        assert_eq!(ms.units[0].linkage, vec![0.0, 4_000.0]);
        assert_eq!(ms.units[0].belongs_to, Some(0));
        // X's linkage with C and D: (16 000 + 888.889) + (4 000 + 32 000).
        assert!(close(ms.centre_shares[0].total, 52_888.0 + 8.0 / 9.0));
        assert_eq!(ms.centre_shares[0].shares[..2], [0.0, 0.0]);
    }

    #[test]
    fn membership_rejects_bad_centres() {
        let (reg, m) = four();
        let g = gravity(&reg, &m, &hours()).unwrap();
        let c = |name: &str, u: &[u32]| Centre {
            name: name.into(),
            units: u.iter().map(|&i| UnitId(i)).collect(),
        };
        let msg = |cs: Vec<Centre>| membership(&g, &cs).unwrap_err().to_string();
        assert!(msg(vec![c("x", &[])]).contains("\"x\" has no units"));
        assert!(msg(vec![c("x", &[9])]).contains("out of range"));
        assert!(msg(vec![c("x", &[0]), c("y", &[1, 0])]).contains("two centres"));
    }
}
