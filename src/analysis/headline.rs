//! The headline of a study: the figures a planner checks first, under both conventions of
//! time, and how much they depend on the assumed station times.
//!
//! The core-to-core time and each core's 1-, 2- and 3-hour reach are given door-to-door (seat
//! to seat, station access, egress and transfers included: the study's `[network.<mode>]` and
//! `[network.transfer]` minutes) and in-vehicle (minutes on board only, as the timetable
//! literature counts). The sensitivity table gives each core's 60-minute reach with the
//! station times (access, egress and transfers) at 0, half and the study's value.

use serde::Serialize;

use crate::analysis::{Options, build_scaled, matrix_scaled};
use crate::error::Result;
use crate::load::Inputs;
use crate::measures::reach::{CoreTimes, Totals, core_times, reached};
use crate::model::{Minutes, TimeConvention, UnitId};
use crate::network::{Network, NetworkKind};
use crate::route::Matrix;

/// The bands of the headline reach, minutes: 1, 2 and 3 hours.
pub const HEADLINE_BANDS: [f64; 3] = [60.0, 120.0, 180.0];
/// The band of the sensitivity table, minutes.
pub const SENSITIVITY_BAND: f64 = 60.0;
/// The factors on the study's station times in the sensitivity table: none, half, as given.
pub const SENSITIVITY_FACTORS: [f64; 3] = [0.0, 0.5, 1.0];

/// The time between two cores under both conventions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CorePair {
    /// The first core's key (study order).
    pub from: String,
    /// The second core's key.
    pub to: String,
    /// Door-to-door minutes from the nearest unit of the first core to the nearest unit of the
    /// second; `None` when unreachable.
    pub door_to_door_min: Option<f64>,
    /// In-vehicle minutes, the same trip.
    pub in_vehicle_min: Option<f64>,
}

/// A core's reach within one band under one convention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoreReach {
    /// The core's key.
    pub core: String,
    /// The convention of time.
    pub time: TimeConvention,
    /// The band, minutes.
    pub band_min: f64,
    /// The units within the band (the core's own included): count, population (10⁴ people),
    /// GDP (10⁸ yuan, of the units with a figure) and area (km²).
    pub totals: Totals,
}

/// A core's 60-minute reach door-to-door with the station times scaled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// The core's key.
    pub core: String,
    /// The factor on the study's access, egress and transfer minutes (0, 0.5 or 1; 0 is the
    /// in-vehicle convention).
    pub factor: f64,
    /// The band, minutes ([`SENSITIVITY_BAND`]).
    pub band_min: f64,
    /// The units within the band.
    pub totals: Totals,
}

/// The headline figures of a study ([`headline`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// The network the figures are on.
    pub network: NetworkKind,
    /// The cores' keys and names (study order): (key, name, Chinese name).
    pub cores: Vec<(String, String, Option<String>)>,
    /// Every pair of cores (study order, each pair once).
    pub pairs: Vec<CorePair>,
    /// Per core, per convention (door-to-door first), per band of [`HEADLINE_BANDS`].
    pub reach: Vec<CoreReach>,
    /// Per core, per factor of [`SENSITIVITY_FACTORS`].
    pub sensitivity: Vec<Sensitivity>,
}

impl Headline {
    /// The reach of core `key` under `time` within `band` minutes.
    pub fn reach(&self, key: &str, time: TimeConvention, band: f64) -> Option<&Totals> {
        self.reach
            .iter()
            .find(|r| r.core == key && r.time == time && r.band_min == band)
            .map(|r| &r.totals)
    }

    /// The 60-minute reach of core `key` with the station times at `factor`.
    pub fn sensitivity(&self, key: &str, factor: f64) -> Option<&Totals> {
        self.sensitivity
            .iter()
            .find(|s| s.core == key && s.factor == factor)
            .map(|s| &s.totals)
    }
}

/// The cores' times on the network of `o.network` under `o.scenario` with the study's station
/// times at `factor`. On the composite network (which has no nodes of its own) a core's time
/// to a unit is the minimum over the core's units of the composite matrix.
///
/// # Errors
/// See [`build_scaled`].
pub fn core_times_scaled(inputs: &Inputs, o: &Options, factor: f64) -> Result<Vec<CoreTimes>> {
    let study = &inputs.study;
    Ok(match o.network {
        NetworkKind::Composite => {
            let m = matrix_scaled(inputs, &o.scenario, NetworkKind::Composite, factor)?;
            let (net, _) = build_scaled(inputs, &o.scenario, NetworkKind::Combined, factor)?;
            composite_core_times(core_times(&net, &inputs.region, study), &m)
        }
        k => {
            let (net, _) = build_scaled(inputs, &o.scenario, k, factor)?;
            core_times(&net, &inputs.region, study)
        }
    })
}

/// Replace each core's times by the minimum over its units of the matrix `m`.
pub(crate) fn composite_core_times(cores: Vec<CoreTimes>, m: &Matrix) -> Vec<CoreTimes> {
    cores
        .into_iter()
        .map(|mut c| {
            c.times = (0..m.len())
                .map(|j| {
                    c.units
                        .iter()
                        .filter_map(|&u| {
                            if u.index() == j {
                                Some(Minutes::ZERO)
                            } else {
                                m.get(u, UnitId(j as u32))
                            }
                        })
                        .min_by(|x, y| x.total_cmp(y))
                })
                .collect();
            c
        })
        .collect()
}

/// The time from core `a` to the nearest unit of core `b`, minutes.
pub fn between(a: &CoreTimes, b: &CoreTimes) -> Option<f64> {
    b.units
        .iter()
        .filter_map(|u| a.times[u.index()])
        .min_by(|x, y| x.total_cmp(y))
        .map(|t| t.0)
}

/// The headline figures of a study: the network is that of `o` (kind and scenario), the
/// convention of `o.time` is ignored (both are given). `known` may pass cores' times already
/// computed with the station times at a factor (an [`crate::analysis::Analysis`]'s cores at
/// its convention's [`TimeConvention::penalty_factor`]) to save that build.
///
/// # Errors
/// See [`build_scaled`].
pub fn headline(
    inputs: &Inputs,
    o: &Options,
    known: Option<(f64, &[CoreTimes])>,
) -> Result<Headline> {
    headline_on(inputs, o, known, None)
}

/// [`headline`] with the networks of every factor derived from `door_to_door`, the
/// door-to-door network of `o` built before (a prepared network's), by scaling its station times
/// ([`Network::with_station_times_scaled`]) instead of building them: no road graph is read.
///
/// # Errors
/// See [`headline`]; `door_to_door` on the composite network (it has matrices, not one network).
pub fn headline_on(
    inputs: &Inputs,
    o: &Options,
    known: Option<(f64, &[CoreTimes])>,
    door_to_door: Option<&Network>,
) -> Result<Headline> {
    if door_to_door.is_some() && o.network == NetworkKind::Composite {
        return Err(crate::Error::Usage(
            "the headline of the composite network needs its two networks' matrices, not one network".into(),
        ));
    }
    // factor → core times, in SENSITIVITY_FACTORS order (1 = door-to-door, 0 = in-vehicle)
    let mut by_factor: Vec<Vec<CoreTimes>> = Vec::with_capacity(SENSITIVITY_FACTORS.len());
    for f in SENSITIVITY_FACTORS {
        by_factor.push(match (known, door_to_door) {
            (Some((k, c)), _) if k == f => c.to_vec(),
            (_, Some(net)) => core_times(
                &net.with_station_times_scaled(f),
                &inputs.region,
                &inputs.study,
            ),
            (_, None) => core_times_scaled(inputs, o, f)?,
        });
    }
    let at = |f: f64| {
        let i = SENSITIVITY_FACTORS
            .iter()
            .position(|&x| x == f)
            .expect("a sensitivity factor");
        &by_factor[i]
    };
    let (dd, iv) = (at(1.0), at(0.0));
    let region = &inputs.region;
    let mut pairs = Vec::new();
    for i in 0..dd.len() {
        for j in i + 1..dd.len() {
            pairs.push(CorePair {
                from: dd[i].key.clone(),
                to: dd[j].key.clone(),
                door_to_door_min: between(&dd[i], &dd[j]),
                in_vehicle_min: between(&iv[i], &iv[j]),
            });
        }
    }
    let mut reach = Vec::new();
    for (k, c) in dd.iter().enumerate() {
        for (time, cores) in [
            (TimeConvention::DoorToDoor, dd),
            (TimeConvention::InVehicle, iv),
        ] {
            for band in HEADLINE_BANDS {
                reach.push(CoreReach {
                    core: c.key.clone(),
                    time,
                    band_min: band,
                    totals: Totals::of(region, reached(&cores[k], band)),
                });
            }
        }
    }
    let mut sensitivity = Vec::new();
    for (k, c) in dd.iter().enumerate() {
        for (fi, f) in SENSITIVITY_FACTORS.iter().enumerate() {
            sensitivity.push(Sensitivity {
                core: c.key.clone(),
                factor: *f,
                band_min: SENSITIVITY_BAND,
                totals: Totals::of(region, reached(&by_factor[fi][k], SENSITIVITY_BAND)),
            });
        }
    }
    Ok(Headline {
        network: o.network,
        cores: dd
            .iter()
            .map(|c| (c.key.clone(), c.name.clone(), c.name_zh.clone()))
            .collect(),
        pairs,
        reach,
        sensitivity,
    })
}
