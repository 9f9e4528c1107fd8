//! Attaching link ends to units: by code, else by the unit polygon that contains the end's
//! position (an R-tree of the polygons' boxes, then geo's `contains`).

use geo::{BoundingRect, Contains, Point};
use rstar::{AABB, RTree, RTreeObject};

use crate::error::{Error, Result};
use crate::load::RawLink;
use crate::load::dataset::Gazetteer;
use crate::model::{Region, UnitId};
use crate::network::graph::Attach;

struct UnitBox {
    unit: UnitId,
    env: AABB<[f64; 2]>,
}

impl RTreeObject for UnitBox {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// Finds the unit polygon containing a position (rstar envelope query, then geo's contains).
pub(crate) struct Locator<'a> {
    tree: Option<RTree<UnitBox>>,
    gazetteer: Option<&'a Gazetteer>,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(region: &Region, gazetteer: Option<&'a Gazetteer>) -> Self {
        Locator {
            tree: None,
            gazetteer,
        }
        .with_region(region)
    }

    fn with_region(mut self, region: &Region) -> Self {
        let boxes: Vec<UnitBox> = region
            .units
            .iter()
            .filter_map(|u| {
                let r = u.geometry.as_ref()?.bounding_rect()?;
                Some(UnitBox {
                    unit: u.id,
                    env: AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                })
            })
            .collect();
        if !boxes.is_empty() {
            self.tree = Some(RTree::bulk_load(boxes));
        }
        self
    }

    fn locate(&self, region: &Region, p: Point<f64>) -> Option<UnitId> {
        let tree = self.tree.as_ref()?;
        let mut hits: Vec<UnitId> = tree
            .locate_in_envelope_intersecting(&AABB::from_point([p.x(), p.y()]))
            .filter(|b| {
                region
                    .unit(b.unit)
                    .geometry
                    .as_ref()
                    .is_some_and(|g| g.contains(&p))
            })
            .map(|b| b.unit)
            .collect();
        hits.sort();
        hits.first().copied()
    }

    pub(crate) fn attach(
        &self,
        region: &Region,
        raw: &RawLink,
        from: bool,
    ) -> Result<(UnitId, Attach)> {
        let (code, pos, field) = if from {
            (&raw.from_code, raw.from_pos, "from_code")
        } else {
            (&raw.to_code, raw.to_pos, "to_code")
        };
        if let Some(u) = region.by_code(code) {
            return Ok((u.id, Attach::Code));
        }
        let pos = pos.or_else(|| self.gazetteer.and_then(|g| g.seat(code)));
        let found = pos.and_then(|p| self.locate(region, p));
        match (found, pos) {
            (Some(u), _) => Ok((u, Attach::Location)),
            (None, Some(p)) => Err(Error::input(
                &raw.file,
                raw.location.clone(),
                format!(
                    "field \"{field}\" is \"{code}\": no unit of {} has that code, and its position [{:.5}, {:.5}] lies in no unit polygon",
                    region.source,
                    p.x(),
                    p.y()
                ),
            )),
            (None, None) => Err(Error::input(
                &raw.file,
                raw.location.clone(),
                format!(
                    "field \"{field}\" is \"{code}\": no unit of {} has that code, and the file gives no position for it (add {}_lon/{}_lat columns)",
                    region.source,
                    &field[..field.len() - 5],
                    &field[..field.len() - 5]
                ),
            )),
        }
    }
}
