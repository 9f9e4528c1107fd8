//! Link-failure resilience: every curated link removed in turn, and optionally a Monte Carlo of
//! simultaneous failures.

use crate::analysis::Analysis;
use crate::error::{Opt, OptionError, Result};
use crate::measures::par;
use crate::measures::resilience::{
    Damage, Distribution, Figures, Setting, damage, distribution, sample_failures, worse_first,
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
/// # Errors
/// A mass needing GDP that units lack.
pub fn resilience(an: &Analysis<'_>, mc: Option<MonteCarlo>) -> Result<Resilience> {
    let region = &an.inputs.region;
    let net = &an.net;
    let mass = an.options.mass.values(region)?;
    let pop: Vec<f64> = region.units.iter().map(|u| u.population_10k).collect();
    let cores: Vec<Vec<UnitId>> = an.cores.iter().map(|c| c.units.clone()).collect();
    let band = an.options.bands.last().copied().unwrap_or(180.0);
    let setting = Setting {
        mass: &mass,
        pop: &pop,
        cores: &cores,
        band,
    };
    let candidates: Vec<LinkId> = net
        .links()
        .iter()
        .filter(|l| !l.generated)
        .map(|l| l.id)
        .collect();
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
    let figs = par::failures(net, &setting, &sets);
    let base = figs[0];
    let mut ranked: Vec<(LinkId, Figures, Damage)> = candidates
        .iter()
        .zip(&figs[1..])
        .map(|(&l, f)| (l, *f, damage(&base, f)))
        .collect();
    ranked.sort_by(|a, b| worse_first(&a.2, &b.2).then(a.0.cmp(&b.0)));
    let monte_carlo = mc.filter(|m| m.samples > 0).map(|m| {
        let sets: Vec<Vec<LinkId>> = (0..m.samples)
            .map(|s| sample_failures(&candidates, m.k, m.seed, s))
            .collect();
        let figs = par::failures(net, &setting, &sets);
        let dmg: Vec<Damage> = figs.iter().map(|f| damage(&base, f)).collect();
        let of = |f: &dyn Fn(&Damage) -> f64| distribution(&dmg.iter().map(f).collect::<Vec<_>>());
        let distributions = [
            ("d_watt_pop_min", of(&|d| d.d_watt_pop_min)),
            ("d_t_cores_min", of(&|d| d.d_t_cores_min)),
            ("d_units_beyond", of(&|d| d.d_units_beyond as f64)),
            ("units_cut_off", of(&|d| d.d_units_cut_off as f64)),
        ];
        MonteCarloResult {
            settings: m,
            sets,
            damage: dmg,
            distributions,
        }
    });
    Ok(Resilience {
        base,
        band,
        candidates,
        ranked,
        monte_carlo,
    })
}
