//! Link-failure resilience: every curated link removed in turn, and optionally a Monte Carlo of
//! simultaneous failures.

use crate::analysis::Analysis;
use crate::analysis::retime::{Retimer, use_retime, with_engine};
use crate::error::{Opt, OptionError, Result};
use crate::measures::par;
use crate::measures::resilience::{
    Damage, Distribution, Figures, Setting, damage, distribution, figures, sample_failures,
    worse_first,
};
use crate::model::{LinkId, UnitId};

/// The Monte Carlo of simultaneous failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonteCarlo {
    /// Number of samples.
    pub samples: u64,
    /// Links failing at once in each sample.
    pub k: usize,
    /// Seed of the SplitMix64 streams (one per sample: the figures do not depend on the thread
    /// count).
    pub seed: u64,
}

/// The most Monte Carlo samples one resilience run draws.
pub const MAX_SAMPLES: u64 = 1_000_000;

/// The samples and their damage.
#[derive(Debug, Clone)]
pub struct MonteCarloResult {
    /// The settings.
    pub settings: MonteCarlo,
    /// Each sample's failed links.
    pub sets: Vec<Vec<LinkId>>,
    /// Each sample's damage.
    pub damage: Vec<Damage>,
    /// The distribution of each damage figure over the samples: Δ population-weighted WATT,
    /// Δ core-to-core time, Δ units beyond the band, units cut off.
    pub distributions: [(&'static str, Distribution); 4],
}

/// What each failure does.
#[derive(Debug, Clone)]
pub struct Resilience {
    /// The intact network's figures.
    pub base: Figures,
    /// The band of `units_beyond_band`, minutes.
    pub band: f64,
    /// The curated links failed in turn (generated road links stand for the whole road mesh
    /// and are not failed).
    pub candidates: Vec<LinkId>,
    /// Each candidate with its figures and damage, worst first ([`worse_first`], then link).
    pub ranked: Vec<(LinkId, Figures, Damage)>,
    /// The Monte Carlo, when asked for.
    pub monte_carlo: Option<MonteCarloResult>,
}

/// Remove each curated link of the analysis's network in turn (in parallel) and recompute the
/// population-weighted WATT, the core-to-core time and the units beyond the largest band; with
/// `mc`, also samples of simultaneous random failures.
///
/// The same in three steps, for sharded runs: [`failure_sets`] lists every network to
/// evaluate, [`failure_figures`] evaluates any slice of them, [`resilience_of`] ranks and
/// summarises the figures of all of them.
///
/// # Errors
/// A mass needing GDP that units lack; Monte Carlo settings out of range.
pub fn resilience(an: &Analysis<'_>, mc: Option<MonteCarlo>) -> Result<Resilience> {
    let sets = failure_sets(an, mc)?;
    let figs = failure_figures(an, &sets)?;
    resilience_of(an, mc, &sets, figs)
}

/// The curated links, those that fail (generated road links stand for the whole road mesh).
fn candidates(an: &Analysis<'_>) -> Vec<LinkId> {
    an.net
        .links()
        .iter()
        .filter(|l| !l.generated)
        .map(|l| l.id)
        .collect()
}

/// Every set of failed links a resilience run evaluates, in order: none (the intact network),
/// each curated link alone, then each Monte Carlo sample.
///
/// # Errors
/// Monte Carlo settings out of range.
pub fn failure_sets(an: &Analysis<'_>, mc: Option<MonteCarlo>) -> Result<Vec<Vec<LinkId>>> {
    let candidates = candidates(an);
    if let Some(m) = mc.filter(|m| m.samples > 0) {
        if m.samples > MAX_SAMPLES {
            return Err(OptionError::new()
                .opt(Opt::Samples, Some(&m.samples.to_string()))
                .text(format!(" is too many: at most {MAX_SAMPLES} samples"))
                .into());
        }
        if m.k == 0 || m.k > candidates.len() {
            return Err(OptionError::new()
                .opt(Opt::Failures, Some(&m.k.to_string()))
                .text(format!(
                    " simultaneous failures: expected 1 to {}, the curated links of the network",
                    candidates.len()
                ))
                .into());
        }
    }
    let mut sets: Vec<Vec<LinkId>> = vec![vec![]];
    sets.extend(candidates.iter().map(|&l| vec![l]));
    if let Some(m) = mc.filter(|m| m.samples > 0) {
        sets.extend((0..m.samples).map(|s| sample_failures(&candidates, m.k, m.seed, s)));
    }
    Ok(sets)
}

/// The figures of the analysis's network with each of `sets` failed (in parallel, in order).
/// On a road graph ([`use_retime`] with the options' engine) one hierarchy is contracted and
/// re-timed for each failure; see [`failure_figures_with`] to give it.
///
/// # Errors
/// A mass needing GDP that units lack.
pub fn failure_figures(an: &Analysis<'_>, sets: &[Vec<LinkId>]) -> Result<Vec<Figures>> {
    let retimer = use_retime(an.options.engine, &an.net)
        .then(|| Retimer::new(an.net.clone(), &crate::progress::Silent));
    failure_figures_with(an, sets, retimer.as_ref())
}

/// [`failure_figures`] with the hierarchy of `retimer` (contracted from the analysis's network,
/// [`Retimer::new`]) re-timed for each failure — exact, no search of the
/// contraction — or, without one, one Dijkstra search per unit and failure.
///
/// # Errors
/// A mass needing GDP that units lack.
pub fn failure_figures_with(
    an: &Analysis<'_>,
    sets: &[Vec<LinkId>],
    retimer: Option<&Retimer>,
) -> Result<Vec<Figures>> {
    let region = &an.inputs.region;
    let mass = an.options.mass.values(region)?;
    let pop: Vec<f64> = region.units.iter().map(|u| u.population_10k).collect();
    let cores: Vec<Vec<UnitId>> = an.cores.iter().map(|c| c.units.clone()).collect();
    let setting = Setting {
        mass: &mass,
        pop: &pop,
        cores: &cores,
        band: band(an),
    };
    // Re-timed from the intact network's embedding, computed once: a failed network has the
    // intact network's nodes, so its hierarchy is indexed by them and no failed network is
    // built; without a retimer (or an embedding), Dijkstra on the failed network.
    let failures = retimer.and_then(|r| r.failures(&an.net));
    Ok(par::map_ordered(sets, |failed| match &failures {
        Some(f) => f.with_engine(failed, |e, ws| figures(e, ws, &setting)),
        None => {
            let sub = an.net.without(failed);
            with_engine(None, &sub, |e, ws| figures(e, ws, &setting))
        }
    }))
}

fn band(an: &Analysis<'_>) -> f64 {
    an.options.bands.last().copied().unwrap_or(180.0)
}

/// The resilience of the figures `figs` of every set of [`failure_sets`] (`sets`, in order):
/// the damage of each, the ranking, the Monte Carlo distributions.
///
/// # Errors
/// Figures that are not one per set.
pub fn resilience_of(
    an: &Analysis<'_>,
    mc: Option<MonteCarlo>,
    sets: &[Vec<LinkId>],
    figs: Vec<Figures>,
) -> Result<Resilience> {
    let candidates = candidates(an);
    let mc = mc.filter(|m| m.samples > 0);
    let samples = mc.map_or(0, |m| m.samples as usize);
    if figs.len() != sets.len() || sets.len() != 1 + candidates.len() + samples {
        return Err(crate::Error::Usage(format!(
            "{} resilience figures for {} failure sets",
            figs.len(),
            sets.len()
        )));
    }
    let base = figs[0];
    let mut ranked: Vec<(LinkId, Figures, Damage)> = candidates
        .iter()
        .zip(&figs[1..=candidates.len()])
        .map(|(&l, f)| (l, *f, damage(&base, f)))
        .collect();
    ranked.sort_by(|a, b| worse_first(&a.2, &b.2).then(a.0.cmp(&b.0)));
    let first = 1 + candidates.len();
    let monte_carlo = mc.map(|m| {
        let dmg: Vec<Damage> = figs[first..].iter().map(|f| damage(&base, f)).collect();
        let of = |f: &dyn Fn(&Damage) -> f64| distribution(&dmg.iter().map(f).collect::<Vec<_>>());
        let distributions = [
            ("d_watt_pop_min", of(&|d| d.d_watt_pop_min)),
            ("d_t_cores_min", of(&|d| d.d_t_cores_min)),
            ("d_units_beyond", of(&|d| d.d_units_beyond as f64)),
            ("units_cut_off", of(&|d| d.d_units_cut_off as f64)),
        ];
        MonteCarloResult {
            settings: m,
            sets: sets[first..].to_vec(),
            damage: dmg,
            distributions,
        }
    });
    Ok(Resilience {
        base,
        band: band(an),
        candidates,
        ranked,
        monte_carlo,
    })
}
