//! The study as one call: [`Options`] (plain values, defaults from the study file) in,
//! [`Analysis`] (typed results of every measure family) out.
//!
//! ```
//! use regionlink::analysis::{Analysis, Options};
//! use regionlink::load::{load_inputs, LoadOptions};
//! use regionlink::progress::Silent;
//!
//! let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())?;
//! let options = Options::from_study(&inputs.study)?;
//! let an = Analysis::run(&inputs, &options, &Silent)?;
//! // Chengdu is a core of the default study: its time to itself is 0.
//! let chengdu = an.cores.iter().find(|c| c.name == "Chengdu").expect("a core");
//! let i = inputs.region.by_code("510100").expect("Chengdu").id.index();
//! assert_eq!(chengdu.times[i].map(|t| t.0), Some(0.0));
//! // Every unit has a WATT on the connected default network.
//! assert!(an.watt.iter().all(Option::is_some));
//! let linkage = an.linkage()?;
//! assert_eq!(linkage.membership.centres[0], "Chengdu");
//! # Ok::<(), regionlink::Error>(())
//! ```
//!
//! [`compare`] runs a baseline against a scenario, [`timeline`] one network per year, and
//! [`resilience`] one network per failed link; [`route`] finds the fastest path between two
//! places. The results become layers, tables and reports in [`crate::export`].

mod compare;
pub mod headline;
mod resilience;
pub mod retime;
mod route;
mod timeline;

pub use compare::{
    Comparison, CoreDelta, UnitDelta, compare, compare_with, every_link_scenario, pct_change,
    scenario_side,
};
pub use headline::{Headline, headline, headline_on};
pub use resilience::{
    MAX_SAMPLES, MonteCarlo, MonteCarloResult, Resilience, failure_figures, failure_figures_with,
    failure_sets, resilience, resilience_of,
};
pub use route::{Place, Route, place, route, route_on};
pub use timeline::{
    MAX_YEARS, Timeline, YearFigures, check_years, timeline, timeline_scenario, timeline_with,
    year_scenario,
};

use crate::error::{Error, Opt, OptionError, Result};
use crate::load::Inputs;
use crate::measures::access::{
    AccessRow, AccessSpec, Daily, daily_of, internal_time_min, matrix_times, watt_coefficient,
};
use crate::measures::betweenness::{Centrality, PairWeights};
use crate::measures::corridor::{Corridor, corridor, corridor_on_network};
use crate::measures::equity::{Better, Equity, EquityInput, GroupBy, equity, group_labels};
use crate::measures::gravity::{
    ClassMethod, Distance, Gravity, GravityParams, KFactor, StrengthCuts, gravity,
};
use crate::measures::membership::{Centre, Membership, membership};
use crate::measures::par::{accessibility_of, travel_time_matrix};
use crate::measures::places::{Group, Places, merge};
use crate::measures::reach::{CoreTimes, core_times};
use crate::measures::structure::{BinaryNetwork, Structure, Threshold, structure};
use crate::model::{Decay, Mass, Minutes, Mode, TimeConvention, UnitId};
use crate::network::{BuildOptions, BuildReport, Network, NetworkKind, Scenario, build_network};
use crate::progress::Progress;
use crate::route::{EngineKind, Hierarchy, Matrix, Sweep};

pub use crate::load::study::MAX_BANDS;

/// Options of the gravity model, the linkage network and the lists of strongest links.
#[derive(Debug, Clone, PartialEq)]
pub struct GravityOptions {
    /// D in R = K·M_i·M_j / D^b.
    pub distance: Distance,
    /// The distance-decay exponent b.
    pub b: f64,
    /// K: 1, or the asymmetric G_i / (G_i + G_j).
    pub k: KFactor,
    /// How many of the strongest links to list.
    pub top: usize,
    /// Threshold of the binary linkage network.
    pub threshold: Threshold,
    /// How the strength classes are cut.
    pub classes: ClassMethod,
}

impl Default for GravityOptions {
    fn default() -> Self {
        GravityOptions {
            distance: Distance::Time,
            b: 2.0,
            k: KFactor::One,
            top: 20,
            threshold: Threshold::Mean,
            classes: ClassMethod::NaturalBreaks,
        }
    }
}

/// Everything that decides an analysis, as plain values. [`Options::from_study`] fills in
/// the study file's defaults; change any field before [`Analysis::run`].
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Which network the travel times come from.
    pub network: NetworkKind,
    /// Which minutes a time counts: door to door (station access, egress and transfers
    /// included) or in the vehicle only.
    pub time: TimeConvention,
    /// Which links are in service (year, planned links, dropped and added links).
    pub scenario: Scenario,
    /// Time bands, minutes, increasing.
    pub bands: Vec<f64>,
    /// The mass of accessibility and gravity measures.
    pub mass: Mass,
    /// Decay functions of potential accessibility.
    pub decays: Vec<Decay>,
    /// Whether each unit's own mass counts in its potential (at its internal time).
    pub self_potential: bool,
    /// Corridor tolerance ε.
    pub epsilon: f64,
    /// The kernel of the accessibility searches.
    pub engine: EngineKind,
    /// Stop each accessibility search at this many minutes (potentials then count the units
    /// within it, WATT is left empty).
    pub max_minutes: Option<f64>,
    /// Keep the unit × unit matrix (the corridor, the gravity model and the centrality need
    /// it); without it the accessibility is streamed, one origin's tree at a time.
    pub matrix: bool,
    /// The gravity model.
    pub gravity: GravityOptions,
    /// The language of labels, lists and report text.
    pub lang: crate::model::Lang,
}

impl Options {
    /// The study file's defaults: its bands and `[measures]`; the combined network, today's
    /// open links, Dijkstra, the matrix kept.
    ///
    /// # Errors
    /// A decay of the study that does not parse (the study loader checks them first).
    pub fn from_study(study: &crate::load::Study) -> Result<Options> {
        let m = &study.measures;
        Ok(Options {
            network: NetworkKind::Combined,
            time: TimeConvention::DoorToDoor,
            scenario: Scenario::default(),
            bands: study.bands_min.clone(),
            mass: m.mass,
            decays: m.parsed_decays().map_err(Error::Usage)?,
            self_potential: m.self_potential,
            epsilon: m.corridor_epsilon,
            engine: EngineKind::Dijkstra,
            max_minutes: None,
            matrix: true,
            gravity: GravityOptions::default(),
            lang: crate::model::Lang::En,
        })
    }

    /// Check the values that the types do not.
    ///
    /// # Errors
    /// Bands that are not positive and increasing; a cut-off that is not positive or below the
    /// largest band; PHAST on the composite network.
    pub fn check(&self) -> Result<()> {
        for (i, b) in self.bands.iter().enumerate() {
            if !(b.is_finite() && *b > 0.0) || (i > 0 && *b <= self.bands[i - 1]) {
                return Err(OptionError::new()
                    .opt(Opt::Bands, None)
                    .text(format!(
                        ": {} is not a positive number of minutes greater than the band before it",
                        crate::error::show_number(*b)
                    ))
                    .into());
            }
            if *b > crate::load::study::MAX_BAND_MIN {
                return Err(OptionError::new()
                    .opt(Opt::Bands, None)
                    .text(format!(
                        ": {} min is over a week ({} min), the longest band",
                        crate::error::show_number(*b),
                        crate::load::study::MAX_BAND_MIN
                    ))
                    .into());
            }
        }
        if self.bands.is_empty() {
            return Err(OptionError::new()
                .opt(Opt::Bands, None)
                .text(": expected at least one band in minutes")
                .into());
        }
        check_max_minutes(self.max_minutes)?;
        if let Some(l) = self.max_minutes
            && let Some(b) = self.bands.iter().find(|b| **b > l)
        {
            return Err(OptionError::new()
                .opt(Opt::MaxMinutes, Some(&l.to_string()))
                .text(format!(
                    " is below the band of {b} minutes: the population within that band would be undercounted; raise "
                ))
                .opt(Opt::MaxMinutes, None)
                .text(" or lower ")
                .opt(Opt::Bands, None)
                .into());
        }
        if let Some((a, b)) = crate::model::decay::clash(&self.decays) {
            return Err(OptionError::new()
                .opt(Opt::Decay, None)
                .text(format!(": {a} and {b} both give the column {}", a.column()))
                .into());
        }
        if self.bands.len() > MAX_BANDS {
            return Err(OptionError::new()
                .opt(Opt::Bands, None)
                .text(format!(
                    ": {} bands, expected at most {MAX_BANDS} (each is a column of every table)",
                    self.bands.len()
                ))
                .into());
        }
        if self.network == NetworkKind::Composite && self.engine == EngineKind::Phast {
            return Err(composite_not_phast().into());
        }
        Ok(())
    }
}

/// A cut-off must be a positive number of minutes.
///
/// # Errors
/// An option error naming the value.
pub fn check_max_minutes(v: Option<f64>) -> Result<()> {
    match v {
        Some(l) if !(l.is_finite() && l > 0.0) => Err(OptionError::new()
            .opt(Opt::MaxMinutes, Some(&l.to_string()))
            .text(": expected a positive number of minutes")
            .into()),
        _ => Ok(()),
    }
}

/// Why PHAST cannot serve the composite network.
pub fn composite_not_phast() -> OptionError {
    OptionError::new()
        .opt(Opt::Engine, Some("phast"))
        .text(": the composite network's times combine two networks' full matrices; use ")
        .opt(Opt::Engine, Some("auto"))
        .text(" or dijkstra")
}

/// The network of `kind` for the inputs under `scenario` (its added links included), timed by
/// `time` (in-vehicle: station access, egress and transfers at 0).
///
/// # Errors
/// See [`build_network`] and [`Scenario::select`].
pub fn build(
    inputs: &Inputs,
    scenario: &Scenario,
    kind: NetworkKind,
    time: TimeConvention,
) -> Result<(Network, BuildReport)> {
    build_scaled(inputs, scenario, kind, time.penalty_factor())
}

/// The network of `scenario` as a part of `sup` (with its build report `sup_report`), a network
/// built before by [`build`] from the same inputs, `kind` and `time` for a scenario that has
/// every link this one has — a prepared network's ([`crate::prepared`]): no road graph is read.
/// Its times are [`build`]'s; see [`crate::network::part_links`].
///
/// # Errors
/// See [`crate::network::part_links`].
pub fn build_part(
    inputs: &Inputs,
    scenario: &Scenario,
    sup: &Network,
    sup_report: &BuildReport,
    time: TimeConvention,
) -> Result<(Network, BuildReport)> {
    let (gone, report) = part_links(inputs, scenario, sup, sup_report, time)?;
    Ok((sup.without(&gone), report))
}

/// What [`build_part`] removes from `sup` for `scenario`, and the report, without building
/// the part ([`crate::network::part_links`]).
///
/// # Errors
/// See [`build_part`].
pub fn part_links(
    inputs: &Inputs,
    scenario: &Scenario,
    sup: &Network,
    sup_report: &BuildReport,
    time: TimeConvention,
) -> Result<(Vec<crate::model::LinkId>, BuildReport)> {
    let params = scaled_params(inputs, time.penalty_factor());
    crate::network::part_links(
        sup,
        sup_report,
        &inputs.region,
        &inputs.links,
        BuildOptions {
            params: &params,
            scenario,
            kind: sup.kind(),
            roads: None,
            gazetteer: Some(inputs.gazetteer),
        },
    )
}

fn scaled_params(inputs: &Inputs, factor: f64) -> crate::load::NetworkParams {
    if factor == 1.0 {
        inputs.study.network.clone()
    } else {
        inputs.study.network.scaled_penalties(factor)
    }
}

/// The network with station access, egress and transfer times at `factor` of the study's
/// (for the sensitivity of a measure to those assumptions).
///
/// # Errors
/// See [`build`].
pub fn build_scaled(
    inputs: &Inputs,
    scenario: &Scenario,
    kind: NetworkKind,
    factor: f64,
) -> Result<(Network, BuildReport)> {
    let params = scaled_params(inputs, factor);
    build_network(
        &inputs.region,
        &inputs.links,
        BuildOptions {
            params: &params,
            scenario,
            kind,
            roads: inputs.roads.as_ref().map(|g| (g, &inputs.study.roads)),
            gazetteer: Some(inputs.gazetteer),
        },
    )
}

/// The unit × unit matrix of a network kind (composite = √(road × rail) per pair).
///
/// # Errors
/// See [`build`].
pub fn matrix(
    inputs: &Inputs,
    scenario: &Scenario,
    kind: NetworkKind,
    time: TimeConvention,
) -> Result<Matrix> {
    matrix_scaled(inputs, scenario, kind, time.penalty_factor())
}

/// [`matrix`] with station access, egress and transfer times at `factor` of the study's.
///
/// # Errors
/// See [`build`].
pub fn matrix_scaled(
    inputs: &Inputs,
    scenario: &Scenario,
    kind: NetworkKind,
    factor: f64,
) -> Result<Matrix> {
    Ok(match kind {
        NetworkKind::Composite => {
            let (road, _) = build_scaled(inputs, scenario, NetworkKind::Road, factor)?;
            let (rail, _) = build_scaled(inputs, scenario, NetworkKind::Rail, factor)?;
            Matrix::composite(
                &travel_time_matrix(&road, None),
                &travel_time_matrix(&rail, None),
            )
        }
        k => {
            let (net, _) = build_scaled(inputs, scenario, k, factor)?;
            travel_time_matrix(&net, None)
        }
    })
}

/// A contraction hierarchy and its sweep restricted to the unit nodes, for PHAST runs.
pub type PhastData = (Hierarchy, Sweep);

/// A source of hierarchies for networks built on the way ([`Analysis::run_retimed`]).
type HierarchyOf<'f> = &'f dyn Fn(&Network) -> Option<Hierarchy>;

/// What `kind` needs for one search per unit of `net`: `None` for Dijkstra, else the
/// contraction hierarchy (on the rayon pool, counted on `progress` as nodes contracted) and its
/// sweep restricted to the unit nodes (RPHAST). The choice and its cost go to
/// [`Progress::note`].
///
/// # Errors
/// PHAST asked for where it cannot serve ([`EngineKind::use_phast`]).
pub fn prepare_engine(
    kind: EngineKind,
    net: &Network,
    limit: Option<Minutes>,
    needs_paths: bool,
    progress: &dyn Progress,
) -> Result<Option<PhastData>> {
    prepare_engine_with(kind, net, limit, needs_paths, None, progress)
}

/// [`prepare_engine`] with the hierarchy of `net` when one was built before (a
/// [`crate::prepared`] file): then PHAST only restricts its sweep to the unit nodes.
///
/// # Errors
/// See [`prepare_engine`].
pub fn prepare_engine_with(
    kind: EngineKind,
    net: &Network,
    limit: Option<Minutes>,
    needs_paths: bool,
    hierarchy: Option<Hierarchy>,
    progress: &dyn Progress,
) -> Result<Option<PhastData>> {
    if !kind.use_phast(net.unit_count(), limit, needs_paths)? {
        return Ok(None);
    }
    if let Some(h) = hierarchy {
        let sweep = h.restrict(net.unit_nodes());
        progress.note(&format!(
            "PHAST: contraction hierarchy of {} nodes, {} shortcuts, made before (a prepared network, or re-timed from one contraction); each origin sweeps {} nodes",
            h.node_count(),
            h.shortcut_count(),
            sweep.node_count()
        ));
        return Ok(Some((h, sweep)));
    }
    let t = std::time::Instant::now();
    let h = crate::measures::par::contract(net, progress);
    let sweep = h.restrict(net.unit_nodes());
    progress.note(&format!(
        "PHAST: contraction hierarchy of {} nodes, {} shortcuts in {} rounds, built in {:.1} s; each origin sweeps {} nodes",
        h.node_count(),
        h.shortcut_count(),
        h.rounds(),
        t.elapsed().as_secs_f64(),
        sweep.node_count()
    ));
    Ok(Some((h, sweep)))
}

/// The engine over `net`, PHAST when `phast` holds its data.
pub fn engine<'a>(net: &'a Network, phast: &'a Option<PhastData>) -> crate::route::Engine<'a> {
    match phast {
        Some((hierarchy, sweep)) => crate::route::Engine::Phast {
            net,
            hierarchy,
            sweep,
        },
        None => crate::route::Engine::Dijkstra(net),
    }
}

/// One origin's row of a matrix: the time to each destination and, when paths are kept, its
/// split into timetable, estimated and penalty minutes.
pub type OdRow = Vec<(Option<Minutes>, Option<crate::route::TimeParts>)>;

/// The unit × unit matrix of `engine`'s network streamed to `sink` one origin row at a time,
/// in origin order, never held whole: origins are searched in parallel chunks. With `split`,
/// each time carries its split (a path is needed: Dijkstra only; PHAST leaves it `None`).
/// `progress` counts the origins written.
///
/// # Errors
/// The first error of `sink`.
pub fn stream_matrix<E>(
    engine: &crate::route::Engine<'_>,
    limit: Option<Minutes>,
    split: bool,
    progress: &dyn Progress,
    sink: impl FnMut(UnitId, OdRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let n = engine.network().unit_count() as u32;
    stream_matrix_of(engine, 0..n, limit, split, progress, sink)
}

/// [`stream_matrix`] of the origins `origins` only (a slice of the unit order, for sharded
/// runs): the rows [`stream_matrix`] gives those origins.
///
/// # Errors
/// The first error of `sink`.
pub fn stream_matrix_of<E>(
    engine: &crate::route::Engine<'_>,
    origins: std::ops::Range<u32>,
    limit: Option<Minutes>,
    split: bool,
    progress: &dyn Progress,
    mut sink: impl FnMut(UnitId, OdRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let net = engine.network();
    let n = net.unit_count() as u32;
    progress.stage("origins written", origins.len() as u64);
    crate::measures::par::stream_rows_of(
        engine,
        origins,
        limit,
        crate::measures::par::default_chunk(),
        |o, times| -> OdRow {
            (0..n)
                .map(|d| {
                    let node = net.unit_node(UnitId(d));
                    if o.0 == d {
                        (Some(Minutes::ZERO), None)
                    } else if split {
                        (times.time(node), times.tree().and_then(|t| t.parts(node)))
                    } else {
                        (times.time(node), None)
                    }
                })
                .collect()
        },
        |o, row| {
            progress.advance(1);
            sink(o, row)
        },
    )
}

/// The results of a study: travel times, the reach of each core, accessibility and the
/// corridor. [`Analysis::linkage`] adds the gravity model, membership and centrality.
#[derive(Debug)]
pub struct Analysis<'a> {
    /// The inputs.
    pub inputs: &'a Inputs,
    /// The options it was computed with.
    pub options: Options,
    /// The network (for `composite`, the combined network; times come from the matrix).
    pub net: Network,
    /// What building the network did.
    pub build: BuildReport,
    /// The unit × unit travel-time matrix (`None` when [`Options::matrix`] is off).
    pub matrix: Option<Matrix>,
    /// The kernel that computed the accessibility rows ("Dijkstra" or PHAST).
    pub engine: &'static str,
    /// Times from each core (multi-source).
    pub cores: Vec<CoreTimes>,
    /// WATT per unit, minutes.
    pub watt: Vec<Option<f64>>,
    /// WATT / mean WATT.
    pub watt_coef: Vec<Option<f64>>,
    /// Potential per decay, per unit.
    pub potentials: Vec<(Decay, Vec<f64>)>,
    /// Internal times of the self-potential, minutes (`None` when off).
    pub self_times: Option<Vec<f64>>,
    /// Daily accessibility per unit and band.
    pub daily: Vec<Vec<Daily>>,
    /// The corridor between the first two cores (when there are two and the matrix is kept).
    pub corridor: Option<Corridor>,
    /// Which links are in service, in words.
    pub scenario: String,
}

impl<'a> Analysis<'a> {
    /// Run the study: build the network, compute the travel times, the cores' times, the
    /// accessibility of every unit and the corridor. `progress` counts the nodes contracted
    /// (PHAST) and the origins searched.
    ///
    /// # Errors
    /// Options that do not fit the inputs (see [`Options::check`]; a mass needing GDP that
    /// units lack; a power decay with a zero internal time), or a network that cannot be built.
    pub fn run(inputs: &'a Inputs, o: &Options, progress: &dyn Progress) -> Result<Analysis<'a>> {
        Analysis::run_with(inputs, o, None, progress)
    }

    /// [`Analysis::run`] on a network built before (a [`crate::prepared`] file) instead of
    /// building it: its hierarchy serves PHAST without contracting again. The caller checks
    /// that it is the network of these inputs and options ([`crate::prepared::Key`]).
    ///
    /// # Errors
    /// See [`Analysis::run`]; a prepared network of another kind than [`Options::network`],
    /// or for the composite network (two networks).
    pub fn run_with(
        inputs: &'a Inputs,
        o: &Options,
        prepared: Option<crate::prepared::Prepared>,
        progress: &dyn Progress,
    ) -> Result<Analysis<'a>> {
        Self::run_rows(inputs, o, prepared.map(Given::from), None, progress, None)
    }

    /// [`Analysis::run`] on `net` (with its build report), a network of these inputs and options
    /// built before — a part of a prepared network ([`build_part`]) — instead of building it:
    /// PHAST takes the hierarchy `hierarchy_of` gives for it and contracts only when it gives
    /// none. The caller checks that it is the network of the options' scenario.
    ///
    /// # Errors
    /// See [`Analysis::run_with`].
    pub fn run_on(
        inputs: &'a Inputs,
        o: &Options,
        net: Network,
        report: BuildReport,
        hierarchy_of: &dyn Fn(&Network) -> Option<Hierarchy>,
        progress: &dyn Progress,
    ) -> Result<Analysis<'a>> {
        let given = Given {
            net,
            report,
            hierarchy: None,
        };
        Self::run_rows(inputs, o, Some(given), Some(hierarchy_of), progress, None)
    }

    /// [`Analysis::run`] where PHAST takes the hierarchy `hierarchy_of` gives for the network
    /// built (a hierarchy re-timed from one contracted before, [`retime::Retimer`]), and
    /// contracts only when it gives none.
    ///
    /// # Errors
    /// See [`Analysis::run`].
    pub fn run_retimed(
        inputs: &'a Inputs,
        o: &Options,
        hierarchy_of: &dyn Fn(&Network) -> Option<Hierarchy>,
        progress: &dyn Progress,
    ) -> Result<Analysis<'a>> {
        Self::run_rows(inputs, o, None, Some(hierarchy_of), progress, None)
    }

    /// [`Analysis::run`] with the accessibility rows given, one per unit in unit order (the rows
    /// of sharded runs joined, see [`access_rows`]), instead of searched: everything else is
    /// computed as [`Analysis::run`] does, so the results are the same.
    ///
    /// # Errors
    /// See [`Analysis::run`]; rows that are not one per unit.
    pub fn with_access_rows(
        inputs: &'a Inputs,
        o: &Options,
        prepared: Option<crate::prepared::Prepared>,
        progress: &dyn Progress,
        rows: Vec<AccessRow>,
    ) -> Result<Analysis<'a>> {
        if rows.len() != inputs.region.len() {
            return Err(Error::Usage(format!(
                "{} accessibility rows for {} units",
                rows.len(),
                inputs.region.len()
            )));
        }
        Self::run_rows(
            inputs,
            o,
            prepared.map(Given::from),
            None,
            progress,
            Some(rows),
        )
    }

    fn run_rows(
        inputs: &'a Inputs,
        o: &Options,
        prepared: Option<Given>,
        hierarchy_of: Option<HierarchyOf<'_>>,
        progress: &dyn Progress,
        given: Option<Vec<AccessRow>>,
    ) -> Result<Analysis<'a>> {
        let mut b = Base::new(inputs, o, prepared)?;
        let mut hierarchy = b.hierarchy.take();
        if let (None, Some(f), None) = (&hierarchy, hierarchy_of, &given)
            && o.network != NetworkKind::Composite
            && o.engine
                .use_phast(b.net.unit_count(), o.max_minutes.map(Minutes), false)?
        {
            hierarchy = f(&b.net);
        }
        let spec = b.spec(o);
        let (rows, phast) = match given {
            Some(rows) => {
                let limit = o.max_minutes.map(Minutes);
                let phast = o.network != NetworkKind::Composite
                    && o.engine.use_phast(b.net.unit_count(), limit, false)?;
                (rows, phast)
            }
            None => b.rows(o, &spec, 0..inputs.region.len(), hierarchy, progress)?,
        };
        let Base {
            net,
            report,
            matrix,
            cores,
            self_times,
            ..
        } = b;
        let watt: Vec<Option<f64>> = rows.iter().map(|r| r.watt).collect();
        let watt_coef = watt_coefficient(&watt);
        let potentials = o
            .decays
            .iter()
            .enumerate()
            .map(|(k, &d)| (d, rows.iter().map(|r| r.potentials[k]).collect()))
            .collect();
        let daily = rows
            .iter()
            .map(|r| daily_of(&r.within, &inputs.region, &o.bands))
            .collect();
        // The corridor at each unit's best node (seat or station); the composite network has
        // no nodes of its own, so there it is measured at the seats.
        let corridor = match (cores.as_slice(), &matrix, o.network) {
            ([c, q, ..], Some(m), NetworkKind::Composite) => Some(corridor(m, c, q, o.epsilon)?),
            ([c, q, ..], _, _) => Some(corridor_on_network(&net, c, q, o.epsilon)?),
            _ => None,
        };
        Ok(Analysis {
            inputs,
            options: o.clone(),
            net,
            build: report,
            matrix,
            engine: EngineKind::describe(phast),
            cores,
            watt,
            watt_coef,
            potentials,
            self_times,
            daily,
            corridor,
            scenario: o.scenario.describe(),
        })
    }

    /// The travel-time matrix.
    ///
    /// # Errors
    /// When the analysis was computed without it ([`Options::matrix`] off).
    pub fn matrix(&self) -> Result<&Matrix> {
        self.matrix
            .as_ref()
            .ok_or_else(|| Error::Usage("this analysis was computed without the OD matrix".into()))
    }

    /// The study's centres for membership: each core (all of its units), then each unit of the
    /// centre roles ([`crate::load::study::MeasureParams::centre_roles`]; the default study's
    /// sub-centres and regional centres) on its own. A code that a core or an earlier role
    /// also lists keeps that first role (as in the units' roles) and is no centre of the later
    /// role.
    pub fn centres(&self) -> Vec<Centre> {
        let region = &self.inputs.region;
        let mut out: Vec<Centre> = self
            .cores
            .iter()
            .map(|c| Centre {
                name: c.name.clone(),
                units: c.units.clone(),
            })
            .collect();
        let study = &self.inputs.study;
        for role in study.measures.centre_roles(&study.roles) {
            for code in study.roles.codes(role) {
                // A unit listed by a core or an earlier role has that role (the first listing
                // wins): it is not also a centre of this one.
                let units: Vec<UnitId> = crate::load::members_of(region, code)
                    .into_iter()
                    .filter(|&u| region.unit(u).role.as_str() == role)
                    .collect();
                if units.is_empty() {
                    continue;
                }
                let name = match (region.by_code(code), self.inputs.gazetteer.name(code)) {
                    (Some(u), _) => u.name.clone(),
                    (None, Some(n)) => n.to_string(),
                    (None, None) => format!("centre {code}"),
                };
                out.push(Centre { name, units });
            }
        }
        out
    }

    /// The output key of each centre of [`Analysis::centres`] (`membership_<key>`): a core's
    /// key, else the name written in lower-case ASCII, else the first unit's code; a key that
    /// another centre already has gets the code appended.
    pub fn centre_keys(&self) -> Vec<String> {
        let region = &self.inputs.region;
        let mut keys: Vec<String> = Vec::new();
        for (i, c) in self.centres().iter().enumerate() {
            let code = c
                .units
                .first()
                .map(|u| crate::load::study::field_key(&region.unit(*u).code))
                .unwrap_or_default();
            let mut k = match self.cores.get(i) {
                Some(core) => core.key.clone(),
                None => crate::load::study::field_key(&c.name),
            };
            if k.is_empty() {
                k.clone_from(&code);
            }
            if keys.contains(&k) {
                k = format!("{k}_{code}");
            }
            keys.push(k);
        }
        keys
    }

    /// The gravity model, membership in the centres, the structure of the linkage network and
    /// the centrality of the transport network ([`Options::gravity`]). Every multi-unit centre
    /// (a core; a prefecture-level centre on the county layer) counts as one place in the
    /// centre measures ([`crate::measures::places`]): the gravity linkage between places, its
    /// strength classes (on the centres' linkages with the other places), the membership and
    /// the strongest linkages. Pairs inside one such place are the intra-centre linkage. The
    /// unit-level linkage stays for the structure of the linkage network and the flows.
    ///
    /// # Errors
    /// Without the matrix; a mass (or K) needing GDP that units lack; a bad exponent.
    pub fn linkage(&self) -> Result<Linkage> {
        let g = &self.options.gravity;
        let p = GravityParams {
            mass: self.options.mass,
            distance: g.distance,
            b: g.b,
            k: g.k,
        };
        let region = &self.inputs.region;
        let matrix = self.matrix()?;
        let gravity = gravity(region, matrix, &p)?;
        let centres = self.centres();
        let keys = self.centre_keys();
        let groups: Vec<Group> = centres
            .iter()
            .zip(&keys)
            .enumerate()
            .filter(|(_, (c, _))| c.units.len() > 1)
            .map(|(i, (c, k))| Group {
                key: k.clone(),
                name: c.name.clone(),
                name_zh: self
                    .cores
                    .get(i)
                    .and_then(|core| core.name_zh.clone())
                    .or_else(|| {
                        region
                            .unit(c.units[0])
                            .name_zh
                            .clone()
                            .filter(|_| c.units.len() == 1)
                    }),
                units: c.units.clone(),
            })
            .collect();
        let places = merge(region, matrix, &groups);
        let place_centres: Vec<Centre> = centres
            .iter()
            .map(|c| {
                let mut units: Vec<UnitId> =
                    c.units.iter().map(|u| places.place_of[u.index()]).collect();
                units.sort();
                units.dedup();
                Centre {
                    name: c.name.clone(),
                    units,
                }
            })
            .collect();
        let pg = crate::measures::gravity::gravity(&places.region, &places.matrix, &p)?;
        // Strength classes on the pooled linkages of the centres with the other places.
        let mut pool = Vec::new();
        for c in &place_centres {
            for &pc in &c.units {
                for j in 0..places.region.len() {
                    let j = UnitId(j as u32);
                    if !c.units.contains(&j) {
                        pool.push(pg.get(pc, j));
                    }
                }
            }
        }
        let pg = pg.with_cuts(StrengthCuts::of(&pool, g.classes));
        let membership = membership(&pg, &place_centres)?;
        let mut intra = Vec::new();
        for (gi, members) in places.members.iter().enumerate().take(places.groups) {
            for (a, &u) in members.iter().enumerate() {
                for &v in &members[a + 1..] {
                    let r = gravity.get(u, v);
                    if r > 0.0 {
                        intra.push(IntraPair {
                            place: UnitId(gi as u32),
                            from: u,
                            to: v,
                            r,
                        });
                    }
                }
            }
        }
        intra.sort_by(|a, b| {
            b.r.total_cmp(&a.r)
                .then(a.from.cmp(&b.from))
                .then(a.to.cmp(&b.to))
        });
        let structure = structure(&BinaryNetwork::from_gravity(&gravity, g.threshold)?);
        let centrality = crate::measures::par::betweenness(&self.net, None);
        Ok(Linkage {
            gravity,
            places,
            place_gravity: pg,
            membership,
            intra,
            structure,
            centrality,
        })
    }

    /// The inequality of a per-unit measure across the units, grouped by `by`, population as
    /// the weight.
    ///
    /// # Errors
    /// See [`equity`].
    pub fn equity(&self, values: &[Option<f64>], by: GroupBy, better: Better) -> Result<Equity> {
        let region = &self.inputs.region;
        let weights: Vec<f64> = region.units.iter().map(|u| u.population_10k).collect();
        let groups = group_labels(region, by);
        equity(&EquityInput {
            values,
            weights: &weights,
            groups: &groups,
            better,
        })
    }
}

/// The accessibility rows of the units `origins` (a slice of the unit order), as
/// [`Analysis::run`] computes them for every unit: one search per origin of the slice. The rows
/// of every slice, joined in order, are what [`Analysis::with_access_rows`] takes.
///
/// # Errors
/// See [`Analysis::run`]; a slice beyond the units.
pub fn access_rows(
    inputs: &Inputs,
    o: &Options,
    prepared: Option<crate::prepared::Prepared>,
    origins: std::ops::Range<usize>,
    progress: &dyn Progress,
) -> Result<Vec<AccessRow>> {
    if origins.end > inputs.region.len() || origins.start > origins.end {
        return Err(Error::Usage(format!(
            "origins {}..{} of {} units",
            origins.start,
            origins.end,
            inputs.region.len()
        )));
    }
    let mut b = Base::new(inputs, o, prepared.map(Given::from))?;
    let hierarchy = b.hierarchy.take();
    let spec = b.spec(o);
    Ok(b.rows(o, &spec, origins, hierarchy, progress)?.0)
}

/// A network built before, for [`Base::new`]: a prepared network's (with its hierarchy) or a
/// part of one.
struct Given {
    net: Network,
    report: BuildReport,
    hierarchy: Option<Hierarchy>,
}

impl From<crate::prepared::Prepared> for Given {
    fn from(p: crate::prepared::Prepared) -> Given {
        Given {
            net: p.network,
            report: p.report,
            hierarchy: Some(p.hierarchy),
        }
    }
}

/// What every accessibility row needs: the network (and the matrix, when kept), the cores'
/// times, the masses, the populations and the internal times.
struct Base {
    masses: Vec<f64>,
    pop: Vec<f64>,
    net: Network,
    report: BuildReport,
    matrix: Option<Matrix>,
    cores: Vec<CoreTimes>,
    self_times: Option<Vec<f64>>,
    /// The hierarchy of a prepared network (PHAST then skips the contraction).
    hierarchy: Option<Hierarchy>,
}

impl Base {
    fn new(inputs: &Inputs, o: &Options, prepared: Option<Given>) -> Result<Base> {
        o.check()?;
        if let Some(p) = &prepared
            && p.net.kind() != o.network
        {
            return Err(Error::Usage(format!(
                "the prepared network is the {} network, not the {} network",
                p.net.kind().as_str(),
                o.network.as_str()
            )));
        }
        let mut hierarchy = None;
        let study = &inputs.study;
        let masses = o.mass.values(&inputs.region)?;
        let (net, report, matrix, cores) = match o.network {
            NetworkKind::Composite => {
                let m = self::matrix(inputs, &o.scenario, NetworkKind::Composite, o.time)?;
                let (net, report) = build(inputs, &o.scenario, NetworkKind::Combined, o.time)?;
                // Core times on the composite: the minimum over the core's units of the matrix.
                let cores =
                    headline::composite_core_times(core_times(&net, &inputs.region, study), &m);
                (net, report, Some(m), cores)
            }
            k => {
                let (net, report) = match prepared {
                    Some(p) => {
                        hierarchy = p.hierarchy;
                        (p.net, p.report)
                    }
                    None => build(inputs, &o.scenario, k, o.time)?,
                };
                let m = o.matrix.then(|| travel_time_matrix(&net, None));
                let cores = core_times(&net, &inputs.region, study);
                (net, report, m, cores)
            }
        };
        let road_speed = study.network.mode(Mode::Road).speed_kmh;
        let self_times = o.self_potential.then(|| {
            inputs
                .region
                .units
                .iter()
                .map(|u| internal_time_min(u.area_km2, road_speed))
                .collect::<Vec<_>>()
        });
        if let Some(st) = &self_times
            && o.decays.iter().any(Decay::infinite_at_zero)
            && let Some((i, _)) = st.iter().enumerate().find(|(_, t)| **t <= 0.0)
        {
            let u = &inputs.region.units[i];
            return Err(OptionError::new()
                .text(format!(
                    "unit {} ({}) has area 0 km², so its self-potential under a power decay is infinite; use ",
                    u.name, u.code
                ))
                .opt(Opt::SelfPotential, Some("off"))
                .text(" (point layers have no area)")
                .into());
        }
        let pop: Vec<f64> = inputs
            .region
            .units
            .iter()
            .map(|u| u.population_10k)
            .collect();
        Ok(Base {
            masses,
            pop,
            net,
            report,
            matrix,
            cores,
            self_times,
            hierarchy,
        })
    }

    fn spec<'s>(&'s self, o: &'s Options) -> AccessSpec<'s> {
        AccessSpec {
            mass: &self.masses,
            pop: &self.pop,
            decays: &o.decays,
            bands: &o.bands,
            self_times: self.self_times.as_deref(),
        }
    }

    /// The rows of `origins`, and whether PHAST computed them. One reduction per origin: from
    /// the matrix for the composite (a combination of two networks' times), otherwise streamed
    /// from each origin's tree.
    fn rows(
        &self,
        o: &Options,
        spec: &AccessSpec<'_>,
        origins: std::ops::Range<usize>,
        hierarchy: Option<Hierarchy>,
        progress: &dyn Progress,
    ) -> Result<(Vec<AccessRow>, bool)> {
        Ok(match (&self.matrix, o.network) {
            (Some(m), NetworkKind::Composite) => (
                origins
                    .map(|i| AccessRow::reduce(i, &matrix_times(m, i), spec))
                    .collect::<Result<Vec<_>>>()?,
                false,
            ),
            _ => {
                let limit = o.max_minutes.map(Minutes);
                let data =
                    prepare_engine_with(o.engine, &self.net, limit, false, hierarchy, progress)?;
                let range = origins.start as u32..origins.end as u32;
                let rows =
                    accessibility_of(&engine(&self.net, &data), spec, limit, range, progress)?;
                (rows, data.is_some())
            }
        })
    }
}

/// A whole study: the analysis, its linkage, the gravity-weighted flow on each link and the
/// split of every unit-to-unit time (what `regionlink run` writes).
#[derive(Debug)]
pub struct Run<'a> {
    /// Times, reach, accessibility, corridor.
    pub analysis: Analysis<'a>,
    /// Gravity, membership, structure, centrality.
    pub linkage: Linkage,
    /// Link betweenness weighted by the gravity interaction of each pair, per link.
    pub flow: Vec<f64>,
    /// For every ordered pair of units, the time split into timetable, estimated and penalty
    /// minutes (`None` for the composite network, whose times combine two networks).
    pub parts: Option<Vec<Vec<Option<crate::route::TimeParts>>>>,
    /// The headline figures under both conventions of time, with the sensitivity of the
    /// 60-minute reach to the station times.
    pub headline: Headline,
}

/// Run every measure family of a study ([`Analysis::run`], [`Analysis::linkage`], the flow
/// and the time split).
///
/// # Errors
/// See [`Analysis::run`] and [`Analysis::linkage`].
pub fn run<'a>(inputs: &'a Inputs, options: &Options, progress: &dyn Progress) -> Result<Run<'a>> {
    run_with(inputs, options, None, progress)
}

/// [`run`] on a prepared network ([`Analysis::run_with`]): the headline's networks at the other
/// station times are derived from it ([`headline::headline_on`]), so no road graph is read.
///
/// # Errors
/// See [`run`]; a prepared network of the in-vehicle convention (the headline needs the
/// door-to-door times too, which it does not hold).
pub fn run_with<'a>(
    inputs: &'a Inputs,
    options: &Options,
    prepared: Option<crate::prepared::Prepared>,
    progress: &dyn Progress,
) -> Result<Run<'a>> {
    let o = Options {
        matrix: true,
        ..options.clone()
    };
    let from_prepared = prepared.is_some();
    if from_prepared && o.time != TimeConvention::DoorToDoor {
        return Err(Error::Usage(format!(
            "a prepared network timed {} cannot give the headline's door-to-door times (its stations are joined at 0 min); prepare the network door-to-door, or run without a prepared network",
            o.time.as_str()
        )));
    }
    progress.stage("travel times", 1);
    let analysis = Analysis::run_with(inputs, &o, prepared, progress)?;
    progress.stage("linkage and centrality", 1);
    let linkage = analysis.linkage()?;
    let flow = linkage.weighted_link_betweenness(&analysis.net)?;
    let parts = match analysis.options.network {
        NetworkKind::Composite => None,
        _ => Some(crate::measures::par::time_parts(&analysis.net, None)),
    };
    progress.stage("headline under both conventions", 1);
    let known = (analysis.options.time.penalty_factor(), &analysis.cores[..]);
    let headline = headline::headline_on(
        inputs,
        &analysis.options,
        Some(known),
        from_prepared.then_some(&analysis.net),
    )?;
    Ok(Run {
        analysis,
        linkage,
        flow,
        parts,
        headline,
    })
}

/// A linkage between two units of one multi-unit centre (see [`Analysis::linkage`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntraPair {
    /// The centre's place.
    pub place: UnitId,
    /// One unit.
    pub from: UnitId,
    /// The other.
    pub to: UnitId,
    /// R between them (unit-level gravity).
    pub r: f64,
}

/// Gravity, membership and the transport-network centrality of an analysis.
#[derive(Debug)]
pub struct Linkage {
    /// The gravity model between units (the linkage network's structure and the flows).
    pub gravity: Gravity,
    /// The places: every multi-unit centre merged into one.
    pub places: Places,
    /// The gravity model between places, with strength classes on the centres' linkages.
    pub place_gravity: Gravity,
    /// Membership of the places in the centres (place order; a unit's is its place's).
    pub membership: Membership,
    /// Linkages inside the multi-unit centres, strongest first.
    pub intra: Vec<IntraPair>,
    /// The binary linkage network's structure.
    pub structure: Structure,
    /// Centrality on the transport network (betweenness weighted by nothing).
    pub centrality: Centrality,
}

impl Linkage {
    /// The place of unit `u`.
    pub fn place(&self, u: UnitId) -> UnitId {
        self.places.place_of[u.index()]
    }

    /// Link betweenness weighted by the gravity interaction of each pair.
    ///
    /// # Errors
    /// When the gravity matrix does not fit the network's units.
    pub fn weighted_link_betweenness(&self, net: &Network) -> Result<Vec<f64>> {
        let w = PairWeights::new(net, self.gravity.matrix())?;
        Ok(crate::measures::par::betweenness(net, Some(w)).link_betweenness)
    }
}
