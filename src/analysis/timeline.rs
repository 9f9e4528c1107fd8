//! The timeline: for each year, the network of the links in service then.

use crate::analysis::retime::{PreparedParts, retimer, with_engine};
use crate::analysis::{Options, build};
use crate::error::{Opt, OptionError, Result};
use crate::load::Inputs;
use crate::measures::{par, stats};
use crate::model::{Mass, UnitId};
use crate::network::{NetworkKind, Scenario};
use crate::prepared::Prepared;
use crate::route::{Engine, Matrix, Workspace, matrix::unit_row};

/// The most years one timeline computes (each is a whole network and matrix).
pub const MAX_YEARS: u64 = 1000;

/// Refuse a timeline of more than [`MAX_YEARS`] years.
///
/// # Errors
/// [`crate::Error::Option`] naming the years.
pub fn check_years(n: u64) -> Result<()> {
    if n > MAX_YEARS {
        return Err(OptionError::new()
            .text(format!("a timeline of {n} years is too long: "))
            .opt(Opt::Years, None)
            .text(format!(" may give at most {MAX_YEARS} years"))
            .into());
    }
    Ok(())
}

/// The figures of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct YearFigures {
    /// The year.
    pub year: i32,
    /// Links in service that year.
    pub links_in_service: usize,
    /// WATT per unit, minutes.
    pub watt: Vec<Option<f64>>,
    /// Per core (study order), the time to each unit, minutes.
    pub cores: Vec<Vec<Option<f64>>>,
    /// The time between the first two cores, minutes.
    pub t_cores_min: Option<f64>,
    /// The mean WATT over the units that have one, minutes.
    pub watt_mean_min: Option<f64>,
    /// The coefficient of variation of WATT ([`stats::cv`]).
    pub watt_cv: Option<f64>,
    /// How many units have a WATT.
    pub units_with_watt: usize,
}

/// The timeline of a range of years.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The years, in order.
    pub years: Vec<YearFigures>,
    /// The mass of WATT.
    pub mass: Mass,
}

/// The scenario of the year `y` of a timeline under `scenario`: the links in service that
/// year, with `scenario`'s dropped and added links.
pub fn year_scenario(scenario: &Scenario, y: i32) -> Scenario {
    Scenario {
        year: Some(y),
        with_planned: false,
        ..scenario.clone()
    }
}

/// The scenario of the largest network of a timeline of `years` under `scenario`: the last
/// year's (a link in service stays in service), whose network holds every other year's — what
/// `prepare --year <last> --retimable` prepares for `timeline --prepared`. `None` without years.
pub fn timeline_scenario(scenario: &Scenario, years: &[i32]) -> Option<Scenario> {
    years.iter().max().map(|&y| year_scenario(scenario, y))
}

/// For each of `years`, the network of the links in service that year (open links by opening
/// year, under-construction and planned links by planned year; the options' dropped and added
/// links apply every year), computed in parallel: WATT and the cores' times per unit, the
/// core-to-core time, the mean WATT and its coefficient of variation.
///
/// # Errors
/// The composite network (a combination of two matrices, not a network); a mass needing GDP
/// that units lack; a network that cannot be built.
pub fn timeline(inputs: &Inputs, options: &Options, years: &[i32]) -> Result<Timeline> {
    timeline_with(inputs, options, years, None)
}

/// [`timeline`] on a prepared network of the last year ([`timeline_scenario`]): each year's
/// network is a part of it ([`crate::analysis::build_part`]; no road graph is read), and its hierarchy, stored
/// re-timable (`prepare --retimable`), is re-timed for each year instead of contracted. The
/// caller checks that `prepared` is the network of the last year's scenario
/// ([`crate::prepared::Key`]). The same figures as [`timeline`].
///
/// # Errors
/// See [`timeline`]; a prepared network of another kind than the options', or without its
/// re-timable hierarchy while the engine is not Dijkstra.
pub fn timeline_with(
    inputs: &Inputs,
    options: &Options,
    years: &[i32],
    prepared: Option<Prepared>,
) -> Result<Timeline> {
    options.check()?;
    check_years(years.len() as u64)?;
    let region = &inputs.region;
    let mass = options.mass.values(region)?;
    if options.network == NetworkKind::Composite {
        return Err(OptionError::new()
            .text("timeline: ")
            .opt(Opt::Network, Some("composite"))
            .text(" is not supported; use combined, road or rail")
            .into());
    }
    let core_units: Vec<Vec<UnitId>> = inputs.study.cores.iter().map(|c| c.units(region)).collect();
    let in_year = |y: i32| year_scenario(&options.scenario, y);
    // On a road graph, the last year's network holds every earlier year's links (a link in
    // service stays in service): its hierarchy, contracted once (or prepared), is re-timed for
    // each year.
    let parts = prepared
        .map(|p| PreparedParts::new(p, options, "timeline"))
        .transpose()?;
    let built = match (&parts, timeline_scenario(&options.scenario, years)) {
        (None, Some(last)) => retimer(inputs, options, &last, &crate::progress::Silent)?,
        _ => None,
    };
    // With a prepared network re-timed, a year's hierarchy comes from the prepared network's
    // embedding with the year's missing links removed (as for a failure): the year's network
    // is never built.
    let failures = parts
        .as_ref()
        .and_then(PreparedParts::retimer)
        .and_then(|r| r.failures(r.network()));
    let rows = |e: &Engine<'_>, ws: &mut Workspace| {
        let rows = (0..e.network().unit_count() as u32)
            .map(|o| unit_row(e, ws, &[UnitId(o)]))
            .collect();
        let cores: Vec<Vec<Option<f64>>> = core_units
            .iter()
            .map(|c| unit_row(e, ws, c).iter().map(|t| t.map(|t| t.0)).collect())
            .collect();
        (Matrix::from_rows(rows), cores)
    };
    let results: Vec<Result<YearFigures>> = par::map_ordered(years, |&y| {
        let ((m, cores), rep) = match (&parts, &failures) {
            (Some(p), Some(f)) => {
                let (gone, rep) = p.part_links(inputs, &in_year(y), options.time)?;
                (f.with_engine(&gone, rows), rep)
            }
            // Dijkstra when there is no retimer (or the year's network is not part of the last
            // year's): the same rows either way.
            (Some(p), None) => {
                let (net, rep) = p.part(inputs, &in_year(y), options.time)?;
                (with_engine(p.retimer(), &net, rows), rep)
            }
            (None, _) => {
                let (net, rep) = build(inputs, &in_year(y), options.network, options.time)?;
                (with_engine(built.as_ref(), &net, rows), rep)
            }
        };
        let watt = crate::measures::access::watt(&m, &mass);
        let t_cores_min = match (cores.first(), core_units.get(1)) {
            (Some(a), Some(b)) => b.iter().filter_map(|u| a[u.index()]).min_by(f64::total_cmp),
            _ => None,
        };
        let w: Vec<f64> = watt.iter().flatten().copied().collect();
        Ok(YearFigures {
            year: y,
            links_in_service: rep.links_in_service,
            t_cores_min,
            watt_mean_min: stats::mean(&w),
            watt_cv: stats::cv(&w),
            units_with_watt: w.len(),
            watt,
            cores,
        })
    });
    Ok(Timeline {
        years: results.into_iter().collect::<Result<_>>()?,
        mass: options.mass,
    })
}
