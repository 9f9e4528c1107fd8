//! Places: the units with each multi-unit centre (a core such as Chongqing's nine central
//! districts, or a prefecture-level centre on the county layer) merged into one, so that it
//! counts as a whole wherever it stands in a measure (gravity, membership, the strongest
//! linkages): its summed population, GDP and area, and its time as its multi-source time (the
//! time from, or to, its nearest unit).

use geo::Rect;

use crate::model::{Minutes, Region, Unit, UnitId};
use crate::route::Matrix;

/// A group of units that is one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The place's code in outputs.
    pub key: String,
    /// Name.
    pub name: String,
    /// Chinese name.
    pub name_zh: Option<String>,
    /// The units.
    pub units: Vec<UnitId>,
}

/// The places of a region: the groups first (in the order given), then every other unit (in
/// unit order).
#[derive(Debug, Clone)]
pub struct Places {
    /// One "unit" per place (a group: code `<key>`, its name, summed population, GDP and
    /// area, the seat of its most populous unit, no polygon).
    pub region: Region,
    /// Travel times between places, minutes: a core's time is the fastest of its units'.
    pub matrix: Matrix,
    /// The place of every unit, in unit order.
    pub place_of: Vec<UnitId>,
    /// The units of every place.
    pub members: Vec<Vec<UnitId>>,
    /// How many of the first places are groups.
    pub groups: usize,
}

impl Places {
    /// Whether place `p` is a group of several units merged.
    pub fn is_group(&self, p: UnitId) -> bool {
        p.index() < self.groups
    }
}

/// Merge each group's units into one place (see the module documentation). A unit listed by
/// two groups stays with the first; a group left without units is dropped.
///
/// # Complexity
/// O(n²) over the matrix.
pub fn merge(region: &Region, matrix: &Matrix, groups: &[Group]) -> Places {
    let n = region.len();
    let mut place_of: Vec<Option<usize>> = vec![None; n];
    let mut members: Vec<Vec<UnitId>> = Vec::new();
    let mut kept: Vec<&Group> = Vec::new();
    for g in groups {
        let own: Vec<UnitId> = g
            .units
            .iter()
            .copied()
            .filter(|u| place_of[u.index()].is_none())
            .collect();
        if own.is_empty() {
            continue;
        }
        for u in &own {
            place_of[u.index()] = Some(members.len());
        }
        members.push(own);
        kept.push(g);
    }
    let n_cores = members.len();
    for (i, slot) in place_of.iter_mut().enumerate() {
        if slot.is_none() {
            *slot = Some(members.len());
            members.push(vec![UnitId(i as u32)]);
        }
    }
    let place_of: Vec<UnitId> = place_of
        .into_iter()
        .map(|p| UnitId(p.expect("every unit has a place") as u32))
        .collect();
    let units: Vec<Unit> = members
        .iter()
        .enumerate()
        .map(|(p, ms)| {
            let first = region.unit(ms[0]);
            if p >= n_cores {
                let mut u = first.clone();
                u.id = UnitId(p as u32);
                return u;
            }
            let c = kept[p];
            let largest = ms
                .iter()
                .map(|&u| region.unit(u))
                .max_by(|a, b| {
                    a.population_10k
                        .total_cmp(&b.population_10k)
                        .then(b.id.cmp(&a.id))
                })
                .expect("a core has units");
            let gdp: Option<f64> = ms.iter().map(|&u| region.unit(u).gdp_100m_cny).sum();
            let years: Vec<Option<i32>> = ms.iter().map(|&u| region.unit(u).gdp_year).collect();
            let year = years
                .iter()
                .all(|y| *y == years[0])
                .then_some(years[0])
                .flatten();
            Unit {
                id: UnitId(p as u32),
                code: c.key.clone(),
                name: c.name.clone(),
                name_zh: c.name_zh.clone(),
                province: largest.province.clone(),
                region: largest.region.clone(),
                region_zh: largest.region_zh.clone(),
                unit_type: Some("merged units".into()),
                parent_code: None,
                codes_covered: ms.iter().map(|&u| region.unit(u).code.clone()).collect(),
                population_10k: ms.iter().map(|&u| region.unit(u).population_10k).sum(),
                gdp_100m_cny: gdp,
                gdp_year: year,
                area_km2: ms.iter().map(|&u| region.unit(u).area_km2).sum(),
                seat: largest.seat,
                seat_source: largest.seat_source,
                geometry: None,
                role: largest.role.clone(),
            }
        })
        .collect();
    let m = members.len();
    // The fastest time from any unit of place a to any unit of place b.
    let time = |a: usize, b: usize| -> Option<Minutes> {
        if a == b {
            return Some(Minutes::ZERO);
        }
        members[a]
            .iter()
            .flat_map(|&u| members[b].iter().filter_map(move |&v| matrix.get(u, v)))
            .min_by(Minutes::total_cmp)
    };
    let rows = (0..m)
        .map(|a| (0..m).map(|b| time(a, b)).collect())
        .collect();
    let bbox = region.bbox;
    Places {
        region: Region::new(
            format!("{} (cores merged)", region.source),
            units,
            Rect::new(bbox.min(), bbox.max()),
            vec![],
        ),
        matrix: Matrix::from_rows(rows),
        place_of,
        members,
        groups: n_cores,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::gravity::test_support::{matrix, region, unit};

    #[test]
    fn a_two_unit_core_is_one_place_with_summed_mass_and_its_fastest_time() {
        // Units 0 and 1 form a core; 2 is 30 min from 0 and 10 min from 1.
        let reg = region(vec![
            unit(0, 100.0, Some(50.0), 104.0),
            unit(1, 300.0, Some(70.0), 104.1),
            unit(2, 20.0, None, 104.5),
        ]);
        let m = matrix(
            3,
            &[(0, 1, Some(5.0)), (0, 2, Some(30.0)), (1, 2, Some(10.0))],
        );
        let twin = Group {
            key: "twin".into(),
            name: "Twin".into(),
            name_zh: None,
            units: vec![UnitId(0), UnitId(1)],
        };
        let p = merge(&reg, &m, &[twin]);
        assert_eq!(p.region.len(), 2);
        assert_eq!(p.place_of, [UnitId(0), UnitId(0), UnitId(1)]);
        let c = p.region.unit(UnitId(0));
        assert_eq!((c.code.as_str(), c.population_10k), ("twin", 400.0));
        assert_eq!(c.gdp_100m_cny, Some(120.0));
        // The seat of the more populous unit.
        assert_eq!(c.seat, reg.units[1].seat);
        assert_eq!(p.matrix.get(UnitId(0), UnitId(1)), Some(Minutes(10.0)));
        assert_eq!(p.matrix.get(UnitId(1), UnitId(0)), Some(Minutes(10.0)));
        assert!(p.is_group(UnitId(0)) && !p.is_group(UnitId(1)));
    }
}
