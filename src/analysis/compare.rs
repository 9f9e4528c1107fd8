//! A baseline (today's open links) against a scenario, unit by unit.

use crate::analysis::retime::{PreparedParts, Retimer};
use crate::analysis::{Analysis, Options, build};
use crate::error::Result;
use crate::load::Inputs;
use crate::model::Minutes;
use crate::network::{NetworkKind, Scenario};
use crate::prepared::Prepared;
use crate::progress::Progress;

/// One core's time to a unit, before and after.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoreDelta {
    /// Baseline time, minutes.
    pub base: Option<f64>,
    /// Scenario time, minutes.
    pub scen: Option<f64>,
    /// Minutes saved (positive is faster).
    pub saved: Option<f64>,
}

/// What the scenario changes for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitDelta {
    /// WATT of the baseline, minutes.
    pub watt_base: Option<f64>,
    /// WATT of the scenario, minutes.
    pub watt_scen: Option<f64>,
    /// Scenario − baseline WATT, minutes (negative is an improvement).
    pub d_watt_min: Option<f64>,
    /// The same in % of the baseline.
    pub d_watt_pct: Option<f64>,
    /// Per core (study order).
    pub cores: Vec<CoreDelta>,
    /// Change of each potential (decay order), % of the baseline.
    pub d_potential_pct: Vec<Option<f64>>,
    /// Per core and band: whether the unit moves into the band.
    pub into: Vec<Vec<bool>>,
}

/// The baseline and the scenario analyses with the per-unit differences.
#[derive(Debug)]
pub struct Comparison<'a> {
    /// Today's open links (the options' scenario reset).
    pub base: Analysis<'a>,
    /// The scenario.
    pub scen: Analysis<'a>,
    /// Per unit, in unit order.
    pub units: Vec<UnitDelta>,
}

impl Comparison<'_> {
    /// The units that move into `band` minutes of core `c` (study order), in unit order.
    pub fn moved_into(&self, c: usize, band: usize) -> impl Iterator<Item = usize> + '_ {
        self.units
            .iter()
            .enumerate()
            .filter(move |(_, u)| u.into[c][band])
            .map(|(i, _)| i)
    }
}

/// `(new − base) / base` in %; `None` when either is missing or the base is 0.
pub fn pct_change(base: Option<f64>, new: Option<f64>) -> Option<f64> {
    match (base, new) {
        (Some(b), Some(n)) if b != 0.0 => Some((n - b) / b * 100.0),
        _ => None,
    }
}

/// The scenario of a comparison's scenario side: `options`' scenario, or every
/// under-construction and planned link when it changes nothing (no year, planned links, added
/// or dropped links).
pub fn scenario_side(scenario: &Scenario) -> Scenario {
    let mut sc = scenario.clone();
    if sc.year.is_none() && !sc.with_planned && sc.add.is_empty() && sc.drop.is_empty() {
        sc.with_planned = true;
    }
    sc
}

/// The scenario of the network of every link either side of a comparison under `scenario` can
/// have (every under-construction and planned link, the added ones, nothing dropped): the
/// network contracted once for both sides, and what `prepare --with planned [--add …]
/// --retimable` prepares for `scenario --prepared`.
pub fn every_link_scenario(scenario: &Scenario) -> Scenario {
    Scenario {
        year: None,
        with_planned: true,
        drop: vec![],
        add: scenario.add.clone(),
    }
}

/// Compare today's open links with `options`' scenario (with the same measure options). A
/// scenario that changes nothing — no year, planned links, added or dropped links — means
/// every under-construction and planned link ([`Scenario::with_planned`]). The two analyses
/// keep no matrix (except on the composite network, which is made of them). When their
/// accessibility runs on PHAST ([`EngineKind::use_phast`](crate::route::EngineKind::use_phast)),
/// one hierarchy serves both: contracted once for the network of every link, re-timed for
/// each ([`crate::analysis::retime`]).
///
/// # Errors
/// See [`Analysis::run`].
pub fn compare<'a>(
    inputs: &'a Inputs,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Comparison<'a>> {
    compare_with(inputs, options, None, progress)
}

/// [`compare`] on a prepared network of every link ([`every_link_scenario`]): both sides are
/// parts of it ([`crate::analysis::build_part`]; no road graph is read), and its hierarchy,
/// stored re-timable (`prepare --retimable`), is re-timed for each instead of contracted. The
/// caller checks that `prepared` is that network ([`crate::prepared::Key`]). The same results
/// as [`compare`].
///
/// # Errors
/// See [`compare`]; a prepared network of another kind than the options', or without its
/// re-timable hierarchy.
pub fn compare_with<'a>(
    inputs: &'a Inputs,
    options: &Options,
    prepared: Option<Prepared>,
    progress: &dyn Progress,
) -> Result<Comparison<'a>> {
    // The comparison needs each network's accessibility rows and core times, not its matrix
    // (one Dijkstra search per unit, which would dominate on a road graph); the composite
    // network is made of matrices and keeps them.
    let options = &Options {
        matrix: options.network == NetworkKind::Composite,
        ..options.clone()
    };
    let base_opts = Options {
        scenario: Scenario::default(),
        ..options.clone()
    };
    let scen_opts = Options {
        scenario: scenario_side(&options.scenario),
        ..options.clone()
    };
    let parts = prepared
        .map(|p| PreparedParts::new(p, options, "scenario"))
        .transpose()?;
    // When the accessibility runs on PHAST, one hierarchy for both: contracted once for the
    // network of every link either scenario can have (or prepared), re-timed for each.
    let retimer = if parts.is_none()
        && options.network != NetworkKind::Composite
        && options
            .engine
            .use_phast(inputs.region.len(), options.max_minutes.map(Minutes), false)?
    {
        let (net, _) = build(
            inputs,
            &every_link_scenario(&scen_opts.scenario),
            options.network,
            options.time,
        )?;
        Some(Retimer::new(net, progress))
    } else {
        None
    };
    let run = |o: &Options| match (&parts, &retimer) {
        (Some(p), _) => {
            let (net, report) = p.part(inputs, &o.scenario, o.time)?;
            Analysis::run_on(
                inputs,
                o,
                net,
                report,
                &|n| p.retimer().and_then(|r| r.hierarchy_for(n)),
                progress,
            )
        }
        (None, Some(r)) => Analysis::run_retimed(inputs, o, &|n| r.hierarchy_for(n), progress),
        (None, None) => Analysis::run(inputs, o, progress),
    };
    let base = run(&base_opts)?;
    let scen = run(&scen_opts)?;
    let units = (0..inputs.region.len())
        .map(|i| {
            let (wb, ws) = (base.watt[i], scen.watt[i]);
            UnitDelta {
                watt_base: wb,
                watt_scen: ws,
                d_watt_min: wb.zip(ws).map(|(b, s)| s - b),
                d_watt_pct: pct_change(wb, ws),
                cores: base
                    .cores
                    .iter()
                    .zip(&scen.cores)
                    .map(|(cb, cs)| {
                        let (tb, ts) = (cb.times[i].map(|t| t.0), cs.times[i].map(|t| t.0));
                        CoreDelta {
                            base: tb,
                            scen: ts,
                            saved: tb.zip(ts).map(|(b, s)| b - s),
                        }
                    })
                    .collect(),
                d_potential_pct: base
                    .potentials
                    .iter()
                    .zip(&scen.potentials)
                    .map(|((_, pb), (_, ps))| pct_change(Some(pb[i]), Some(ps[i])))
                    .collect(),
                into: base
                    .cores
                    .iter()
                    .zip(&scen.cores)
                    .map(|(cb, cs)| {
                        base.options
                            .bands
                            .iter()
                            .map(|&b| {
                                let was = cb.times[i].is_some_and(|t| t.0 <= b);
                                let is = cs.times[i].is_some_and(|t| t.0 <= b);
                                is && !was
                            })
                            .collect()
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Comparison { base, scen, units })
}
