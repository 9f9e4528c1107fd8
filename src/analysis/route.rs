//! The fastest path between two places, leg by leg.

use crate::analysis::build;
use crate::error::{Error, Result};
use crate::load::Inputs;
use crate::model::{Minutes, UnitId};
use crate::network::{Network, NetworkKind, Scenario};
use crate::route::{Dijkstra, Leg};

/// A place of a trip: a core (several units) or one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Display name.
    pub label: String,
    /// Its units.
    pub units: Vec<UnitId>,
}

/// Resolve a place by name: a core name (English or Chinese), a unit code, or a unit name in
/// either language (with or without its suffix).
///
/// # Errors
/// [`Error::Usage`] when nothing matches, or several units do.
pub fn place(inputs: &Inputs, q: &str) -> Result<Place> {
    // Spaces around a name or code are not part of it (the units loader trims codes too).
    let q = q.trim();
    let region = &inputs.region;
    for c in &inputs.study.cores {
        if c.is_called(q) {
            let units = c.units(region);
            return Ok(Place {
                label: format!("core {} ({})", c.name, crate::export::n_units(units.len())),
                units,
            });
        }
    }
    let found = region.find(q);
    match found.as_slice() {
        [u] => {
            let u = region.unit(*u);
            Ok(Place {
                label: u.label_code(),
                units: vec![u.id],
            })
        }
        [] => {
            let near = closest_names(inputs, q);
            Err(Error::Usage(format!(
                "\"{q}\" matches no unit code, unit name or core name of {}{}",
                region.source,
                if near.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean {}?", near.join(", "))
                }
            )))
        }
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|&u| format!("{} ({})", region.unit(u).name, region.unit(u).code))
                .collect();
            Err(Error::Usage(format!(
                "\"{q}\" is ambiguous: {}; use a code",
                names.join(", ")
            )))
        }
    }
}

/// Up to three names of the study's places closest to `q` (normalised Levenshtein similarity
/// of at least 0.5 over core names, aliases, unit names in both languages and codes), best
/// first, each quoted.
fn closest_names(inputs: &Inputs, q: &str) -> Vec<String> {
    let q = q.trim().to_lowercase();
    let mut names: Vec<&str> = Vec::new();
    for c in &inputs.study.cores {
        names.push(&c.name);
        names.extend(c.name_zh.as_deref());
        names.extend(c.aliases.iter().map(String::as_str));
    }
    for u in &inputs.region.units {
        names.push(&u.name);
        names.extend(u.name_zh.as_deref());
        names.push(&u.code);
    }
    let mut scored: Vec<(f64, &str)> = names
        .into_iter()
        .map(|n| (strsim::normalized_levenshtein(&q, &n.to_lowercase()), n))
        .filter(|(s, _)| *s >= 0.5)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| format!("\"{n}\""))
        .collect()
}

/// The fastest trip between two places.
#[derive(Debug)]
pub struct Route {
    /// The network searched (legs refer to its links).
    pub net: Network,
    /// Which network.
    pub kind: NetworkKind,
    /// Which minutes the times count.
    pub time: crate::model::TimeConvention,
    /// Which links are in service, in words.
    pub scenario: String,
    /// Where from.
    pub from: Place,
    /// Where to.
    pub to: Place,
    /// The time and the unit of `to` reached first; `None` when unreachable.
    pub best: Option<(Minutes, UnitId)>,
    /// The legs of the fastest path (empty when unreachable).
    pub legs: Vec<Leg>,
}

/// The fastest path from `from` (all of its units at once) to the nearest unit of `to`.
///
/// # Errors
/// The composite network (it has no paths); a network that cannot be built.
pub fn route(
    inputs: &Inputs,
    from: Place,
    to: Place,
    scenario: &Scenario,
    kind: NetworkKind,
    time: crate::model::TimeConvention,
) -> Result<Route> {
    if kind == NetworkKind::Composite {
        return Err(crate::error::OptionError::new()
            .opt(crate::error::Opt::Network, Some("composite"))
            .text(" is a combination of two matrices and has no paths; use road or rail")
            .into());
    }
    let (net, _) = build(inputs, scenario, kind, time)?;
    route_on(net, from, to, scenario, time)
}

/// [`route`] on a network built before (a [`crate::prepared`] file) for `scenario` and `time`.
///
/// # Errors
/// None yet; a `Result` like [`route`]'s.
pub fn route_on(
    net: Network,
    from: Place,
    to: Place,
    scenario: &Scenario,
    time: crate::model::TimeConvention,
) -> Result<Route> {
    let kind = net.kind();
    let mut dj = Dijkstra::new(net.node_count());
    let sources: Vec<_> = from
        .units
        .iter()
        .map(|&u| (net.unit_node(u), Minutes::ZERO))
        .collect();
    let tree = dj.run(&net, &sources, None);
    let best = to
        .units
        .iter()
        .filter_map(|&u| tree.time(net.unit_node(u)).map(|t| (t, u)))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let legs = match best {
        Some((_, dest)) => tree
            .legs(net.unit_node(dest))
            .expect("a reachable node has a path"),
        None => vec![],
    };
    Ok(Route {
        net,
        kind,
        time,
        scenario: scenario.describe(),
        from,
        to,
        best,
        legs,
    })
}
