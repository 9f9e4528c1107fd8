//! Equity across regions: how evenly a per-unit measure (a travel time, an accessibility
//! potential, …) is spread over the units, and which units lag behind.
//!
//! [`equity`] summarises one measure: coefficient of variation, Gini coefficient (unweighted
//! and population-weighted), Theil T with its exact within/between decomposition by group,
//! per-group mean and median, and the lagging units (the worst decile) with their group.
//! [`group_labels`] reads the grouping field from the units: by default the planning region
//! ([`GroupBy::Region`]), which in the embedded data is Sichuan's five economic zones and
//! Chongqing's three urban groups.
//!
//! # Conventions
//! - A missing value (`None`, e.g. an unreachable unit) is left out of every statistic and
//!   counted in [`Equity::n_missing`] and [`GroupStats::n_missing`].
//! - Gini and Theil are defined for values `x ≥ 0`; negative values are an error. Theil uses
//!   `0 · ln 0 = 0` (the limit of `x ln x` as `x → 0⁺`), so zeros are allowed.
//! - When every value is 0 the mean is 0 and the ratios CV, Gini and Theil are 0/0; they are
//!   reported as 0: the values are all equal, so there is no inequality to measure.
//! - Inequality indices do not know which direction is good; [`Better`] only decides which
//!   units are lagging.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::measures::stats;
use crate::model::{Region, UnitId};

/// The group name given to units without a group.
pub const NO_GROUP: &str = "(none)";

/// Which direction is "better" for a measure; decides which units are lagging.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Higher is better (accessibility potential, population reached): the lowest values lag.
    Higher,
    /// Lower is better (travel times): the highest values lag.
    Lower,
}

/// The unit attribute that groups units into regions for [`equity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// The planning region ([`Unit::region`](crate::model::Unit::region)); in the embedded data,
    /// Sichuan's five economic zones and Chongqing's three urban groups.
    #[default]
    Region,
    /// The planning region in Chinese ([`Unit::region_zh`](crate::model::Unit::region_zh)).
    RegionZh,
    /// The province ([`Unit::province`](crate::model::Unit::province)).
    Province,
    /// The unit type ([`Unit::unit_type`](crate::model::Unit::unit_type)).
    UnitType,
    /// The parent unit's code ([`Unit::parent_code`](crate::model::Unit::parent_code)).
    Parent,
}

impl GroupBy {
    /// The lower-case name used in options and output columns.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Region => "region",
            GroupBy::RegionZh => "region_zh",
            GroupBy::Province => "province",
            GroupBy::UnitType => "unit_type",
            GroupBy::Parent => "parent",
        }
    }
}

/// The group of every unit, in unit order, read from the field `by`.
///
/// # Arguments
/// - `region`: the units.
/// - `by`: the attribute to group on.
///
/// # Returns
/// One entry per unit (`[i]` is the group of `UnitId(i)`); `None` when the unit has no value
/// for the field ([`equity`] puts those units in the group [`NO_GROUP`]).
///
/// # Units
/// None: labels, as spelled in the data.
///
/// # Complexity
/// O(n) in the number of units.
///
/// # Examples
/// ```
/// use regionlink::load::{load_inputs, LoadOptions};
/// use regionlink::measures::equity::{group_labels, GroupBy};
///
/// let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())?;
/// let mut groups = group_labels(&inputs.region, GroupBy::Region);
/// groups.sort();
/// groups.dedup();
/// // Sichuan's five economic zones and Chongqing's three urban groups.
/// assert_eq!(groups.len(), 8);
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn group_labels(region: &Region, by: GroupBy) -> Vec<Option<String>> {
    region
        .units
        .iter()
        .map(|u| match by {
            GroupBy::Region => u.region.clone(),
            GroupBy::RegionZh => u.region_zh.clone(),
            GroupBy::Province => u.province.clone(),
            GroupBy::UnitType => u.unit_type.clone(),
            GroupBy::Parent => u.parent_code.clone(),
        })
        .collect()
}

/// The input of [`equity`]: one entry per unit in each slice, in the same order.
#[derive(Debug, Clone, Copy)]
pub struct EquityInput<'a> {
    /// The measure per unit; `None` = missing (e.g. unreachable), left out and counted.
    /// Values must be finite and `≥ 0`.
    pub values: &'a [Option<f64>],
    /// The weight per unit for the weighted statistics, usually population (10⁴ people).
    /// Finite and `≥ 0`; only the ratios between weights matter.
    pub weights: &'a [f64],
    /// The group (region) per unit, e.g. from [`group_labels`]; `None` → [`NO_GROUP`].
    pub groups: &'a [Option<String>],
    /// Which direction is better; decides [`Equity::lagging`].
    pub better: Better,
}

/// Theil T and its decomposition into a within-group and a between-group part.
///
/// `total = within + between` is an algebraic identity (Shorrocks 1980); computed values agree
/// up to floating-point rounding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Theil {
    /// Theil T over all units with a value.
    pub total: f64,
    /// Σ_g s_g T_g, with s_g the group's share of the total (see [`equity`]).
    pub within: f64,
    /// Σ_g s_g ln(μ_g / μ).
    pub between: f64,
}

impl Theil {
    /// The between-group part as a share of the total (0 when the total is 0).
    pub fn between_share(&self) -> f64 {
        if self.total > 0.0 {
            self.between / self.total
        } else {
            0.0
        }
    }
}

/// Statistics of one group of units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    /// The group's name ([`NO_GROUP`] for units without one).
    pub name: String,
    /// Units of the group with a value.
    pub n: usize,
    /// Units of the group without a value.
    pub n_missing: usize,
    /// Mean of the group's values; `None` when it has none.
    pub mean: Option<f64>,
    /// Median of the group's values (mean of the two middle ones for an even count).
    pub median: Option<f64>,
    /// Weighted mean of the group's values; `None` when their weights sum to 0.
    pub weighted_mean: Option<f64>,
    /// The group's share of the units with a value, n_g / n.
    pub share_n: f64,
    /// The group's share of the weight of the units with a value, W_g / W.
    pub share_pop: f64,
    /// The group's own (unweighted) Theil T, T_g; `None` when it has no values.
    pub theil: Option<f64>,
    /// The group's part of [`Theil::within`]: s_g T_g, with s_g = (n_g/n)(μ_g/μ).
    pub theil_within: f64,
    /// The group's part of [`Theil::between`]: s_g ln(μ_g/μ).
    pub theil_between: f64,
}

/// A lagging unit: one of the worst decile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lagging {
    /// The unit: its position in the input slices (its id when they are in region order).
    pub unit: UnitId,
    /// Its value.
    pub value: f64,
    /// Its group.
    pub group: String,
}

/// The equity summary of one measure; see [`equity`] for the definitions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Equity {
    /// Which direction is better (as given).
    pub better: Better,
    /// Units with a value.
    pub n: usize,
    /// Units without a value.
    pub n_missing: usize,
    /// Total weight of the units without a value (e.g. population unreached).
    pub weight_missing: f64,
    /// Mean μ.
    pub mean: f64,
    /// Median (mean of the two middle values for an even count).
    pub median: f64,
    /// Weighted mean μ_w = Σ w_i x_i / W.
    pub weighted_mean: f64,
    /// Population standard deviation σ = √(Σ (x_i − μ)² / n).
    pub sd: f64,
    /// Coefficient of variation σ / μ.
    pub cv: f64,
    /// Gini coefficient, unweighted.
    pub gini: f64,
    /// Gini coefficient, weighted.
    pub gini_weighted: f64,
    /// Theil T, unweighted, decomposed by group (the main Theil figure).
    pub theil: Theil,
    /// Theil T, weighted, decomposed by group.
    pub theil_weighted: Theil,
    /// Per-group statistics, ordered by name.
    pub groups: Vec<GroupStats>,
    /// The worst ⌈n/10⌉ units, worst first; ties broken by unit index.
    pub lagging: Vec<Lagging>,
}

/// Equity of a per-unit measure: dispersion, Gini, Theil T by group, and the lagging units.
///
/// Over the n units with a value x_i ≥ 0, with weights w_i, W = Σ w_i, mean μ = Σ x_i / n and
/// weighted mean μ_w = Σ w_i x_i / W:
///
/// - **Coefficient of variation** CV = σ / μ with the *population* standard deviation
///   σ = √(Σ (x_i − μ)² / n): the units are the whole region, not a sample. The sample
///   version is CV · √(n / (n − 1)).
/// - **Gini coefficient** (Gini 1912; the mean-difference form, e.g. Cowell 2011,
///   *Measuring Inequality*, §2.2): G = Σ_i Σ_j |x_i − x_j| / (2 n² μ). Equal values give 0;
///   one unit holding everything gives (n − 1)/n. Weighted:
///   G_w = Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ_w) (with integer weights, the Gini of
///   each unit repeated w_i times). Both are computed in O(n log n) from the sorted values as
///   Σ_k (x₍ₖ₊₁₎ − x₍ₖ₎) · W_≤k · W_>k / (W² μ_w), a sum of non-negative terms.
/// - **Theil T** (Theil 1967, *Economics and Information Theory*):
///   T = (1/n) Σ_i (x_i/μ) ln(x_i/μ), with 0 · ln 0 = 0. For groups g with n_g units and mean
///   μ_g, and the group's share of the total s_g = (n_g/n)(μ_g/μ) (Shorrocks 1980,
///   *Econometrica* 48(3)):
///   T = T_within + T_between, T_within = Σ_g s_g T_g, T_between = Σ_g s_g ln(μ_g/μ),
///   where T_g is Theil T within group g. The weighted Theil replaces 1/n by w_i/W, μ by μ_w
///   and n_g/n by W_g/W; the same identity holds.
/// - **Median**: the middle value, or the mean of the two middle values for an even count.
/// - **Lagging units**: the ⌈n/10⌉ worst units (the lowest values when [`Better::Higher`],
///   the highest when [`Better::Lower`]), worst first, ties broken by the lower index.
/// - **Groups** are ordered by name (byte order); units without a group form [`NO_GROUP`]
///   (a real group of that name would merge with it). A group whose units all lack a value
///   is listed with `n = 0` and no mean.
///
/// When all values are 0 (or all positively weighted ones, for the weighted figures), CV,
/// Gini and Theil are 0 by convention (no inequality among equal values).
///
/// # Arguments
/// - `input`: values, weights and groups per unit (slices of the same length) and the good
///   direction; see [`EquityInput`].
///
/// # Returns
/// The [`Equity`] summary.
///
/// # Errors
/// [`Error::Usage`] when the slices differ in length, fewer than 2 units have a value, a
/// value is negative or not finite, a weight is negative or not finite, or the weights of
/// the units with a value sum to 0.
///
/// # Units
/// CV, Gini and Theil are dimensionless (Theil in nats, 0 ≤ T ≤ ln n); means, medians and
/// [`Equity::sd`] are in the unit of the measure; weights only enter as ratios.
///
/// # Complexity
/// O(n log n) time (sorting) and O(n) memory for n units.
///
/// # Examples
/// ```
/// use regionlink::measures::equity::{equity, Better, EquityInput};
///
/// // Four units in two regions: A = {1, 2}, B = {3, 6}; one unit unreachable.
/// let values = [Some(1.0), Some(2.0), Some(3.0), Some(6.0), None];
/// let weights = [1.0; 5];
/// let groups = ["A", "A", "B", "B", "B"].map(|g| Some(g.to_string()));
/// let e = equity(&EquityInput { values: &values, weights: &weights, groups: &groups, better: Better::Higher })?;
/// assert_eq!((e.n, e.n_missing), (4, 1));
/// assert!((e.gini - 1.0 / 3.0).abs() < 1e-12);
/// assert!((e.theil.within + e.theil.between - e.theil.total).abs() < 1e-12);
/// assert_eq!(e.groups[1].median, Some(4.5));
/// assert_eq!(e.lagging[0].unit.index(), 0); // ⌈4/10⌉ = 1 unit: the lowest value
/// # Ok::<(), regionlink::Error>(())
/// ```
pub fn equity(input: &EquityInput) -> Result<Equity> {
    let len = input.values.len();
    if input.weights.len() != len || input.groups.len() != len {
        return Err(Error::Usage(format!(
            "equity: {len} values but {} weights and {} groups; give one of each per unit",
            input.weights.len(),
            input.groups.len()
        )));
    }
    if u32::try_from(len).is_err() {
        return Err(Error::Usage(format!(
            "equity: {len} units is more than unit ids can number"
        )));
    }
    for (i, &w) in input.weights.iter().enumerate() {
        if !w.is_finite() || w < 0.0 {
            return Err(Error::Usage(format!(
                "equity: unit #{i} has weight {w}; weights must be finite and ≥ 0"
            )));
        }
    }

    // Groups by name (BTreeMap: ordered by name), including units without a value.
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for g in input.groups {
        names.insert(g.as_deref().unwrap_or(NO_GROUP), 0);
    }
    for (k, slot) in names.values_mut().enumerate() {
        *slot = k;
    }
    let group_of = |i: usize| names[input.groups[i].as_deref().unwrap_or(NO_GROUP)];
    let mut group_missing = vec![0usize; names.len()];

    // The units with a value: index, value, weight, group.
    let mut units: Vec<(usize, f64, f64, usize)> = Vec::with_capacity(len);
    let mut weight_missing = 0.0;
    for (i, v) in input.values.iter().enumerate() {
        match *v {
            None => {
                group_missing[group_of(i)] += 1;
                weight_missing += input.weights[i];
            }
            Some(x) if !x.is_finite() || x < 0.0 => {
                return Err(Error::Usage(format!(
                    "equity: unit #{i} has value {x}; Gini and Theil need finite values ≥ 0 \
                     (use None for a missing value)"
                )));
            }
            Some(x) => units.push((i, x, input.weights[i], group_of(i))),
        }
    }
    let n = units.len();
    if n < 2 {
        return Err(Error::Usage(format!(
            "equity: {n} of {len} units have a value; inequality needs at least 2"
        )));
    }
    let xs: Vec<f64> = units.iter().map(|u| u.1).collect();
    let ws: Vec<f64> = units.iter().map(|u| u.2).collect();
    let gs: Vec<usize> = units.iter().map(|u| u.3).collect();
    let ones = vec![1.0; n];
    let total_w: f64 = ws.iter().sum();
    if total_w <= 0.0 {
        return Err(Error::Usage(format!(
            "equity: the weights of the {n} units with a value sum to 0; weighted statistics \
             need a positive total"
        )));
    }

    let nf = n as f64;
    let mean = stats::mean(&xs).expect("n ≥ 2 values");
    let weighted_mean = xs.iter().zip(&ws).map(|(x, w)| x * w).sum::<f64>() / total_w;
    let sd = stats::sd(&xs, mean);
    let cv = stats::cv(&xs).unwrap_or(0.0);
    let (theil, group_theil) = theil_decomposition(&xs, &ones, &gs, names.len());
    let (theil_weighted, _) = theil_decomposition(&xs, &ws, &gs, names.len());

    let mut groups = Vec::with_capacity(names.len());
    for (k, (name, parts)) in names.keys().zip(group_theil).enumerate() {
        let members: Vec<(f64, f64)> = units
            .iter()
            .filter(|u| u.3 == k)
            .map(|u| (u.1, u.2))
            .collect();
        let n_g = members.len();
        let w_g: f64 = members.iter().map(|m| m.1).sum();
        let mut values: Vec<f64> = members.iter().map(|m| m.0).collect();
        groups.push(GroupStats {
            name: (*name).to_string(),
            n: n_g,
            n_missing: group_missing[k],
            mean: (n_g > 0).then(|| values.iter().sum::<f64>() / n_g as f64),
            median: stats::median(&mut values),
            weighted_mean: (w_g > 0.0)
                .then(|| members.iter().map(|(x, w)| x * w).sum::<f64>() / w_g),
            share_n: n_g as f64 / nf,
            share_pop: w_g / total_w,
            theil: parts.theil,
            theil_within: parts.within,
            theil_between: parts.between,
        });
    }

    // Worst first: ascending values when higher is better, descending otherwise; then index.
    let mut order: Vec<&(usize, f64, f64, usize)> = units.iter().collect();
    order.sort_by(|a, b| {
        let by_value = match input.better {
            Better::Higher => a.1.total_cmp(&b.1),
            Better::Lower => b.1.total_cmp(&a.1),
        };
        by_value.then(a.0.cmp(&b.0))
    });
    let group_names: Vec<&str> = names.keys().copied().collect();
    let lagging = order
        .iter()
        .take(n.div_ceil(10))
        .map(|&&(i, x, _, g)| Lagging {
            unit: UnitId(u32::try_from(i).expect("checked above: the count fits in u32")),
            value: x,
            group: group_names[g].to_string(),
        })
        .collect();

    let mut sorted = xs.clone();
    Ok(Equity {
        better: input.better,
        n,
        n_missing: len - n,
        weight_missing,
        mean,
        median: stats::median(&mut sorted).expect("n ≥ 2 values"),
        weighted_mean,
        sd,
        cv,
        gini: gini(&xs, &ones),
        gini_weighted: gini(&xs, &ws),
        theil,
        theil_weighted,
        groups,
        lagging,
    })
}

/// The median of `values` (sorted in place); the mean of the two middle values for an even
/// count; `None` when empty.
/// Weighted Gini Σ_i Σ_j w_i w_j |x_i − x_j| / (2 W² μ_w), computed from the sorted values as
/// Σ_k (x₍ₖ₊₁₎ − x₍ₖ₎) W_≤k W_>k / (W · Σ w x): each pair (i < j in sorted order) is counted
/// once per gap between them. All terms are ≥ 0, so equal values give exactly 0.
fn gini(xs: &[f64], ws: &[f64]) -> f64 {
    let mut xw: Vec<(f64, f64)> = xs.iter().copied().zip(ws.iter().copied()).collect();
    xw.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total_w: f64 = ws.iter().sum();
    let total_wx: f64 = xw.iter().map(|(x, w)| x * w).sum();
    if total_wx <= 0.0 || total_w <= 0.0 {
        return 0.0; // all (positively weighted) values are 0: no inequality
    }
    // above[k] = Σ_{j > k} w_j, summed from the top to avoid W − W_≤k cancelling.
    let mut above = vec![0.0; xw.len()];
    for k in (0..xw.len().saturating_sub(1)).rev() {
        above[k] = above[k + 1] + xw[k + 1].1;
    }
    let mut below = 0.0;
    let mut sum = 0.0;
    for k in 0..xw.len().saturating_sub(1) {
        below += xw[k].1;
        sum += (xw[k + 1].0 - xw[k].0) * below * above[k];
    }
    sum / (total_w * total_wx)
}

/// One group's part of a Theil decomposition.
struct GroupTheil {
    /// T_g, `None` when the group has no weight.
    theil: Option<f64>,
    /// s_g T_g.
    within: f64,
    /// s_g ln(μ_g / μ).
    between: f64,
}

/// x ln x with 0 ln 0 = 0.
fn x_ln_x(x: f64) -> f64 {
    if x > 0.0 { x * x.ln() } else { 0.0 }
}

/// Weighted Theil T of `xs` with weights `ws`, decomposed over the groups `gs` (indices below
/// `n_groups`). With all weights 1 this is the unweighted Theil T. Shares s_g = S_g / S with
/// S = Σ w x, which equals (W_g/W)(μ_g/μ).
fn theil_decomposition(
    xs: &[f64],
    ws: &[f64],
    gs: &[usize],
    n_groups: usize,
) -> (Theil, Vec<GroupTheil>) {
    let total_w: f64 = ws.iter().sum();
    let total_wx: f64 = xs.iter().zip(ws).map(|(x, w)| x * w).sum();
    let mut group_w = vec![0.0; n_groups];
    let mut group_wx = vec![0.0; n_groups];
    for ((x, w), &g) in xs.iter().zip(ws).zip(gs) {
        group_w[g] += w;
        group_wx[g] += x * w;
    }
    if total_wx <= 0.0 {
        // All (positively weighted) values are 0: no inequality, within or between.
        let parts = group_w
            .iter()
            .map(|&w| GroupTheil {
                theil: (w > 0.0).then_some(0.0),
                within: 0.0,
                between: 0.0,
            })
            .collect();
        let zero = Theil {
            total: 0.0,
            within: 0.0,
            between: 0.0,
        };
        return (zero, parts);
    }
    let mean = total_wx / total_w;
    let group_mean: Vec<f64> = group_wx
        .iter()
        .zip(&group_w)
        .map(|(wx, w)| if *w > 0.0 { wx / w } else { 0.0 })
        .collect();

    let mut total = 0.0;
    let mut group_sum = vec![0.0; n_groups]; // Σ_{i∈g} w_i (x_i/μ_g) ln(x_i/μ_g)
    for ((x, w), &g) in xs.iter().zip(ws).zip(gs) {
        total += w * x_ln_x(x / mean);
        if group_mean[g] > 0.0 {
            group_sum[g] += w * x_ln_x(x / group_mean[g]);
        }
    }
    let total = total / total_w;

    let parts: Vec<GroupTheil> = (0..n_groups)
        .map(|g| {
            if group_w[g] <= 0.0 {
                return GroupTheil {
                    theil: None,
                    within: 0.0,
                    between: 0.0,
                };
            }
            let t_g = group_sum[g] / group_w[g]; // 0 when the group's values are all 0
            let share = group_wx[g] / total_wx;
            let between = if group_mean[g] > 0.0 {
                share * (group_mean[g] / mean).ln()
            } else {
                0.0
            };
            GroupTheil {
                theil: Some(t_g),
                within: share * t_g,
                between,
            }
        })
        .collect();
    let within = parts.iter().map(|p| p.within).sum();
    let between = parts.iter().map(|p| p.between).sum();
    (
        Theil {
            total,
            within,
            between,
        },
        parts,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(gs: &[&str]) -> Vec<Option<String>> {
        gs.iter().map(|g| Some(g.to_string())).collect()
    }

    fn run(values: &[Option<f64>], weights: &[f64], groups: &[Option<String>]) -> Equity {
        equity(&EquityInput {
            values,
            weights,
            groups,
            better: Better::Higher,
        })
        .unwrap()
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    /// Brute-force O(n²) weighted Gini, straight from the definition.
    fn gini_brute(xs: &[f64], ws: &[f64]) -> f64 {
        let w: f64 = ws.iter().sum();
        let mu = xs.iter().zip(ws).map(|(x, w)| x * w).sum::<f64>() / w;
        let mut s = 0.0;
        for i in 0..xs.len() {
            for j in 0..xs.len() {
                s += ws[i] * ws[j] * (xs[i] - xs[j]).abs();
            }
        }
        s / (2.0 * w * w * mu)
    }

    #[test]
    fn equal_values_have_no_inequality() {
        // x = 0.1 seven times: every |x_i − x_j| = 0 so G = 0 exactly (each sorted gap is 0);
        // x_i/μ = 1 up to rounding so T ≈ 0; σ ≈ 0 so CV ≈ 0.
        let values = vec![Some(0.1); 7];
        let e = run(
            &values,
            &[2.0; 7],
            &names(&["A", "A", "B", "B", "B", "C", "C"]),
        );
        assert_eq!(e.gini, 0.0);
        assert_eq!(e.gini_weighted, 0.0);
        assert!(e.theil.total.abs() < 1e-15);
        assert!(e.theil.within.abs() < 1e-15 && e.theil.between.abs() < 1e-15);
        assert!(e.cv.abs() < 1e-15);
        close(e.median, 0.1);
    }

    #[test]
    fn all_zero_values_count_as_equal() {
        // μ = 0: CV, Gini and Theil are 0/0, reported as 0 (documented convention).
        let e = run(&[Some(0.0); 3], &[1.0; 3], &names(&["A", "B", "B"]));
        assert_eq!((e.cv, e.gini, e.gini_weighted), (0.0, 0.0, 0.0));
        assert_eq!(e.theil.total, 0.0);
        assert_eq!(e.groups[0].theil, Some(0.0));
    }

    #[test]
    fn one_unit_holding_everything() {
        // x = (0, 0, 0, 8), n = 4, μ = 2. Pairs with |x_i − x_j| ≠ 0: (i, 4) for i = 1..3, each
        // 8, counted twice in Σ_i Σ_j: 48. G = 48 / (2 · 16 · 2) = 3/4 = (n − 1)/n.
        // Theil: (1/4)(3 · 0 ln 0 + 4 ln 4) = ln 4 (the maximum, ln n).
        // σ² = (3 · 4 + 36)/4 = 12, CV = √12 / 2 = √3.
        let values = [Some(0.0), Some(0.0), Some(0.0), Some(8.0)];
        let e = run(&values, &[1.0; 4], &names(&["A", "A", "B", "B"]));
        close(e.gini, 0.75);
        close(e.gini_weighted, 0.75);
        close(e.theil.total, 4f64.ln());
        close(e.cv, 3f64.sqrt());
        close(e.theil.within + e.theil.between, e.theil.total);
    }

    #[test]
    fn two_regions_worked_by_hand() {
        // x = 1, 2 (A) and 3, 6 (B); n = 4, μ = 3; x/μ = 1/3, 2/3, 1, 2.
        // T = (1/4)[(1/3)ln(1/3) + (2/3)ln(2/3) + 1·ln 1 + 2 ln 2]
        //   = (1/4)[(8/3) ln 2 − ln 3] = (2/3) ln 2 − (1/4) ln 3 ≈ 0.187445.
        // μ_A = 1.5, μ_B = 4.5; s_A = (2/4)(1.5/3) = 1/4, s_B = (2/4)(4.5/3) = 3/4.
        // Between = (1/4) ln(1/2) + (3/4) ln(3/2) = −ln 2 + (3/4) ln 3 ≈ 0.130812.
        // T_A: x/μ_A = 2/3, 4/3 → (1/2)[(2/3)ln(2/3) + (4/3)ln(4/3)] = (5/3) ln 2 − ln 3;
        // T_B: x/μ_B = 2/3, 4/3 → the same. Within = (1/4 + 3/4) T_A = (5/3) ln 2 − ln 3.
        // Check: within + between = (2/3) ln 2 − (1/4) ln 3 = T.
        // Gini: |differences| 1, 2, 5, 1, 4, 3 sum to 16, twice in Σ_i Σ_j: 32 / (2·16·3) = 1/3.
        // σ² = (4 + 1 + 0 + 9)/4 = 3.5, CV = √3.5 / 3. Median = (2 + 3)/2 = 2.5.
        let (ln2, ln3) = (2f64.ln(), 3f64.ln());
        let values = [Some(1.0), Some(2.0), Some(3.0), Some(6.0)];
        let e = run(&values, &[1.0; 4], &names(&["A", "A", "B", "B"]));
        close(e.theil.total, 2.0 / 3.0 * ln2 - ln3 / 4.0);
        close(e.theil.between, -ln2 + 0.75 * ln3);
        close(e.theil.within, 5.0 / 3.0 * ln2 - ln3);
        close(e.gini, 1.0 / 3.0);
        close(e.cv, 3.5f64.sqrt() / 3.0);
        close(e.median, 2.5);
        let [a, b] = &e.groups[..] else {
            panic!("two groups")
        };
        assert_eq!((a.name.as_str(), b.name.as_str()), ("A", "B"));
        assert_eq!(
            (a.mean, a.median, b.mean, b.median),
            (Some(1.5), Some(1.5), Some(4.5), Some(4.5))
        );
        close(a.theil.unwrap(), 5.0 / 3.0 * ln2 - ln3);
        close(a.theil_within, (5.0 / 3.0 * ln2 - ln3) / 4.0);
        close(a.theil_between, -ln2 / 4.0);
        close(b.theil_between, 0.75 * (ln3 - ln2));
        close(a.share_n, 0.5);
        // Equal weights: the weighted figures equal the unweighted ones.
        close(e.theil_weighted.total, e.theil.total);
        close(e.gini_weighted, e.gini);
    }

    #[test]
    fn weighted_gini_by_hand() {
        // x = 1, 2, 4 with weights 1, 2, 1: W = 4, μ_w = (1 + 4 + 4)/4 = 9/4.
        // Pairs i < j: w_i w_j |x_i − x_j| = 1·2·1 + 1·1·3 + 2·1·2 = 9, doubled 18.
        // G_w = 18 / (2 · 16 · 9/4) = 18/72 = 1/4 (= the Gini of 1, 2, 2, 4).
        // Unweighted: differences 1 + 3 + 2 = 6, doubled 12; μ = 7/3; G = 12/(2·9·7/3) = 2/7.
        let values = [Some(1.0), Some(2.0), Some(4.0)];
        let e = run(&values, &[1.0, 2.0, 1.0], &names(&["A", "A", "B"]));
        close(e.gini_weighted, 0.25);
        close(e.gini, 2.0 / 7.0);
        close(e.weighted_mean, 2.25);
        close(e.groups[0].weighted_mean.unwrap(), 5.0 / 3.0);
        close(e.groups[0].share_pop, 0.75);
    }

    #[test]
    fn lagging_decile_depends_on_direction() {
        // 20 units, v_i = 10 + i, except three 0s (units 15, 3, 8) and three 100s (17, 5, 12).
        // ⌈20/10⌉ = 2 lagging units. Higher is better: the lowest, 0 at 3, 8, 15 → ties broken
        // by index: 3, 8. Lower is better: the highest, 100 at 5, 12, 17 → 5, 12.
        let mut v: Vec<Option<f64>> = (0..20).map(|i| Some(10.0 + i as f64)).collect();
        for i in [15, 3, 8] {
            v[i] = Some(0.0);
        }
        for i in [17, 5, 12] {
            v[i] = Some(100.0);
        }
        let groups: Vec<Option<String>> = (0..20)
            .map(|i| (i < 10).then(|| "west".to_string()))
            .collect();
        let w = vec![1.0; 20];
        let lag = |better| {
            let input = EquityInput {
                values: &v,
                weights: &w,
                groups: &groups,
                better,
            };
            let e = equity(&input).unwrap();
            e.lagging
                .iter()
                .map(|l| (l.unit.index(), l.value, l.group.clone()))
                .collect::<Vec<_>>()
        };
        let west = || "west".to_string();
        assert_eq!(
            lag(Better::Higher),
            vec![(3, 0.0, west()), (8, 0.0, west())]
        );
        assert_eq!(
            lag(Better::Lower),
            vec![(5, 100.0, west()), (12, 100.0, NO_GROUP.to_string())]
        );
    }

    #[test]
    fn missing_values_are_excluded_and_counted() {
        // Values 1, –, 3, – , 5 with weights 1, 10, 1, 20, 2: n = 3, mean 3, 2 missing with
        // weight 30; group B has only a missing value: listed with n = 0 and no mean.
        // ⌈3/10⌉ = 1 lagging unit: the lowest, unit 0.
        let values = [Some(1.0), None, Some(3.0), None, Some(5.0)];
        let e = run(
            &values,
            &[1.0, 10.0, 1.0, 20.0, 2.0],
            &names(&["A", "A", "C", "B", "C"]),
        );
        assert_eq!((e.n, e.n_missing), (3, 2));
        close(e.weight_missing, 30.0);
        close(e.mean, 3.0);
        close(e.median, 3.0);
        let counts: Vec<_> = e
            .groups
            .iter()
            .map(|g| (g.name.as_str(), g.n, g.n_missing, g.mean))
            .collect();
        assert_eq!(
            counts,
            vec![
                ("A", 1, 1, Some(1.0)),
                ("B", 0, 1, None),
                ("C", 2, 0, Some(4.0))
            ]
        );
        assert_eq!(e.lagging.len(), 1);
        assert_eq!(e.lagging[0].unit, UnitId(0));
    }

    #[test]
    fn units_without_group_form_none_group() {
        let values = [Some(1.0), Some(2.0), Some(3.0)];
        let groups = [None, Some("Z".to_string()), None];
        let e = run(&values, &[1.0; 3], &groups);
        let names: Vec<_> = e.groups.iter().map(|g| (g.name.as_str(), g.n)).collect();
        assert_eq!(names, vec![(NO_GROUP, 2), ("Z", 1)]);
    }

    #[test]
    fn bad_input_is_a_usage_error() {
        let g = names(&["A", "A"]);
        // (values, weights, expected words in the message)
        type Case<'a> = (&'a [Option<f64>], &'a [f64], &'a str);
        let cases: [Case; 6] = [
            (&[Some(1.0), None], &[1.0, 1.0], "1 of 2 units have a value"),
            (
                &[Some(1.0), Some(-2.0)],
                &[1.0, 1.0],
                "unit #1 has value -2",
            ),
            (
                &[Some(f64::NAN), Some(2.0)],
                &[1.0, 1.0],
                "unit #0 has value NaN",
            ),
            (
                &[Some(1.0), Some(2.0)],
                &[1.0, -1.0],
                "unit #1 has weight -1",
            ),
            (&[Some(1.0), Some(2.0)], &[0.0, 0.0], "sum to 0"),
            (&[Some(1.0), Some(2.0)], &[1.0], "2 values but 1 weights"),
        ];
        for (values, weights, message) in cases {
            let input = EquityInput {
                values,
                weights,
                groups: &g,
                better: Better::Lower,
            };
            match equity(&input) {
                Err(Error::Usage(m)) => assert!(m.contains(message), "{m}"),
                other => panic!("expected a usage error with {message:?}, got {other:?}"),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            rng_seed: proptest::test_runner::RngSeed::Fixed(7),
            cases: 256,
            ..Default::default()
        })]

        /// within + between = total (to 1e-12 relative to max(1, T)); 0 ≤ G < 1; the sorted
        /// Gini equals the O(n²) definition; integer weights = repeating units.
        #[test]
        fn decomposition_and_gini_bounds(
            units in prop::collection::vec(
                (prop_oneof![Just(0.0), 0.0..1000.0f64], 1u32..5, 0usize..4), 2..60)
        ) {
            let values: Vec<Option<f64>> = units.iter().map(|u| Some(u.0)).collect();
            let weights: Vec<f64> = units.iter().map(|u| f64::from(u.1)).collect();
            let groups: Vec<Option<String>> = units.iter().map(|u| Some(format!("g{}", u.2))).collect();
            let e = run(&values, &weights, &groups);
            for t in [e.theil, e.theil_weighted] {
                let tol = 1e-12 * t.total.abs().max(1.0);
                prop_assert!((t.within + t.between - t.total).abs() <= tol, "{t:?}");
                prop_assert!(t.total >= -1e-12 && t.within >= -1e-12);
            }
            let parts: f64 = e.groups.iter().map(|g| g.theil_within + g.theil_between).sum();
            prop_assert!((parts - e.theil.total).abs() <= 1e-12 * e.theil.total.max(1.0));
            prop_assert!((0.0..1.0).contains(&e.gini) && (0.0..1.0).contains(&e.gini_weighted));

            let xs: Vec<f64> = units.iter().map(|u| u.0).collect();
            if xs.iter().any(|&x| x > 0.0) {
                prop_assert!((e.gini - gini_brute(&xs, &vec![1.0; xs.len()])).abs() < 1e-12);
                prop_assert!((e.gini_weighted - gini_brute(&xs, &weights)).abs() < 1e-12);
            }
            // Repeat each unit w_i times: its unweighted figures are the weighted ones.
            let (mut rv, mut rg) = (Vec::new(), Vec::new());
            for (v, g, w) in values.iter().zip(&groups).zip(&units).map(|((v, g), u)| (v, g, u.1)) {
                for _ in 0..w {
                    rv.push(*v);
                    rg.push(g.clone());
                }
            }
            let r = run(&rv, &vec![1.0; rv.len()], &rg);
            prop_assert!((r.gini - e.gini_weighted).abs() < 1e-12);
            prop_assert!((r.theil.total - e.theil_weighted.total).abs() < 1e-12);
            prop_assert!((r.theil.between - e.theil_weighted.between).abs() < 1e-12);
            prop_assert!((r.mean - e.weighted_mean).abs() < 1e-9);
        }
    }
}
