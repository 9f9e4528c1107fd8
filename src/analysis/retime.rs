//! One contraction for many networks: `scenario`, `timeline` and `resilience` compute several
//! networks that differ only in their links. On a road graph, contracting each of them would
//! be most of the run; instead the hierarchy of the largest of them (every link any of them has)
//! is contracted once so that it can be re-timed ([`crate::route::Customizable`]), and each
//! network gets its hierarchy by re-timing: its arcs' times, +∞ for the links (and the stations
//! only they serve) it lacks, no search. Exact for every network embedded in the large one
//! ([`crate::network::embed()`]); one that is not falls back to Dijkstra.

use crate::analysis::{Options, build, build_part};
use crate::error::Result;
use crate::load::Inputs;
use crate::measures::par;
use std::collections::HashMap;

use crate::model::{LinkId, NodeId, TimeConvention};
use crate::network::{BuildReport, LinkMask, Network, NetworkKind, Scenario, embed, variable_arcs};
use crate::prepared::Prepared;
use crate::progress::Progress;
use crate::route::{Customizable, Engine, EngineKind, Hierarchy, Sweep, Workspace};

/// The fewest nodes for which [`EngineKind::Auto`] re-times a hierarchy in the commands of
/// several networks: below it (the default data's networks have about 600 nodes) one Dijkstra
/// search per unit is a millisecond or less and contracting would not pay.
pub const RETIME_MIN_NODES: usize = 10_000;

/// Whether a command of several networks over `net` (the largest) re-times one hierarchy:
/// always with `phast`, never with `dijkstra`, with `auto` from [`RETIME_MIN_NODES`] nodes.
pub fn use_retime(kind: EngineKind, net: &Network) -> bool {
    match kind {
        EngineKind::Dijkstra => false,
        EngineKind::Phast => true,
        EngineKind::Auto => net.node_count() >= RETIME_MIN_NODES,
    }
}

/// A hierarchy contracted once, to be re-timed for each network embedded in `net`.
#[derive(Debug)]
pub struct Retimer {
    net: Network,
    variable: Vec<bool>,
    ch: Customizable,
}

impl Retimer {
    /// Contract `net` (on the rayon pool) so that it can be re-timed for any network that
    /// lacks some of its links; the cost goes to [`Progress::note`].
    pub fn new(net: Network, progress: &dyn Progress) -> Retimer {
        let t = std::time::Instant::now();
        let variable = variable_arcs(&net);
        let ch = par::contract_customizable(&net, &variable, progress);
        progress.note(&format!(
            "PHAST: one contraction hierarchy of {} nodes, {} shortcuts in {} rounds, built in {:.1} s, re-timed for each network ({} triangles a network, no search)",
            ch.hierarchy().node_count(),
            ch.hierarchy().shortcut_count(),
            ch.hierarchy().rounds(),
            t.elapsed().as_secs_f64(),
            ch.triangle_count()
        ));
        Retimer { net, variable, ch }
    }

    /// A retimer from a hierarchy contracted before for `net` (a prepared network's,
    /// `prepare --retimable`).
    pub fn from_customizable(net: Network, ch: Customizable) -> Retimer {
        Retimer {
            variable: variable_arcs(&net),
            net,
            ch,
        }
    }

    /// The network contracted.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The hierarchy of the network contracted, as built.
    pub fn contracted(&self) -> &Hierarchy {
        self.ch.hierarchy()
    }

    /// The hierarchy of `sub` by re-timing, `None` when `sub` is not embedded in the network
    /// contracted ([`embed()`]).
    pub fn hierarchy_for(&self, sub: &Network) -> Option<Hierarchy> {
        let e = embed(&self.net, sub, &|j| !self.variable[j])?;
        Some(self.ch.customize(&e.minutes, Some(&e.index)))
    }

    /// [`Retimer::hierarchy_for`] with its sweep restricted to `sub`'s unit nodes.
    pub fn phast_for(&self, sub: &Network) -> Option<(Hierarchy, Sweep)> {
        let h = self.hierarchy_for(sub)?;
        let sweep = h.restrict(sub.unit_nodes());
        Some((h, sweep))
    }
}

/// The failures of links of one network embedded in a retimer's ([`Retimer::failures`]): the
/// hierarchy of the network without some of its links, re-timed from the embedding computed
/// once, without building the failed network or embedding it again.
#[derive(Debug)]
pub struct Failures<'a> {
    retimer: &'a Retimer,
    intact: &'a Network,
    /// The embedding of the intact network.
    minutes: Vec<f64>,
    index: Vec<u32>,
    /// For each arc of the retimer's network, the intact network's link it belongs to.
    link: Vec<Option<LinkId>>,
}

impl Retimer {
    /// The failures of `intact`'s links, `None` when `intact` is not embedded in the network
    /// contracted. The network contracted itself (a prepared network's) embeds as it is, with
    /// no search.
    pub fn failures<'a>(&'a self, intact: &'a Network) -> Option<Failures<'a>> {
        let arcs = || (0..self.net.node_count()).flat_map(|t| self.net.out_arcs(NodeId(t as u32)));
        if std::ptr::eq(intact, &self.net) {
            return Some(Failures {
                retimer: self,
                intact,
                minutes: arcs().map(|(_, _, a)| a.minutes).collect(),
                index: (0..intact.node_count() as u32).collect(),
                link: arcs().map(|(_, _, a)| a.link).collect(),
            });
        }
        let e = embed(&self.net, intact, &|j| !self.variable[j])?;
        let ids: HashMap<&str, LinkId> = intact
            .links()
            .iter()
            .map(|l| (l.link_id.as_str(), l.id))
            .collect();
        let link = arcs()
            .map(|(j, _, a)| {
                a.link
                    .filter(|_| e.minutes[j].is_finite())
                    .and_then(|l| ids.get(self.net.link(l).link_id.as_str()).copied())
            })
            .collect();
        Some(Failures {
            retimer: self,
            intact,
            minutes: e.minutes,
            index: e.index,
            link,
        })
    }
}

impl Failures<'_> {
    /// The hierarchy of the intact network without the links `failed` (what
    /// [`Retimer::phast_for`] gives for `intact.without(failed)`), with its sweep restricted to
    /// the unit nodes; the intact network's node numbers index it.
    pub fn phast_without(&self, failed: &[LinkId]) -> (Hierarchy, Sweep) {
        let gone = LinkMask::of(failed);
        let minutes: Vec<f64> = self
            .minutes
            .iter()
            .zip(&self.link)
            .map(|(&m, l)| match l {
                Some(l) if gone.has(*l) => f64::INFINITY,
                _ => m,
            })
            .collect();
        let h = self.retimer.ch.customize(&minutes, Some(&self.index));
        let sweep = h.restrict(self.intact.unit_nodes());
        (h, sweep)
    }

    /// The intact network.
    pub fn intact(&self) -> &Network {
        self.intact
    }

    /// `f` with PHAST over the hierarchy of the intact network without the links `failed`
    /// ([`Failures::phast_without`]).
    pub fn with_engine<R>(
        &self,
        failed: &[LinkId],
        f: impl FnOnce(&Engine<'_>, &mut Workspace) -> R,
    ) -> R {
        let (hierarchy, sweep) = self.phast_without(failed);
        let e = Engine::Phast {
            net: self.intact,
            hierarchy: &hierarchy,
            sweep: &sweep,
        };
        let mut ws = e.workspace();
        f(&e, &mut ws)
    }
}

/// `f` with the engine for `sub`: PHAST over `retimer`'s hierarchy re-timed for it, or
/// Dijkstra without a retimer or when `sub` is not embedded in its network.
pub fn with_engine<R>(
    retimer: Option<&Retimer>,
    sub: &Network,
    f: impl FnOnce(&Engine<'_>, &mut Workspace) -> R,
) -> R {
    match retimer.and_then(|r| r.phast_for(sub)) {
        Some((hierarchy, sweep)) => {
            let e = Engine::Phast {
                net: sub,
                hierarchy: &hierarchy,
                sweep: &sweep,
            };
            let mut ws = e.workspace();
            f(&e, &mut ws)
        }
        None => {
            let e = Engine::Dijkstra(sub);
            let mut ws = e.workspace();
            f(&e, &mut ws)
        }
    }
}

/// The [`Retimer`] of a command of several networks, all of them parts of the network of
/// `scenario` (the largest one): `None` when [`use_retime`] says no for it, or for the
/// composite network (a combination of two matrices).
///
/// # Errors
/// A network that cannot be built.
pub fn retimer(
    inputs: &Inputs,
    o: &Options,
    scenario: &Scenario,
    progress: &dyn Progress,
) -> Result<Option<Retimer>> {
    if o.network == NetworkKind::Composite || o.engine == EngineKind::Dijkstra {
        return Ok(None);
    }
    let (net, _) = build(inputs, scenario, o.network, o.time)?;
    Ok(use_retime(o.engine, &net).then(|| Retimer::new(net, progress)))
}

/// A prepared network ([`crate::prepared`]) serving a command of several networks, each a part
/// of it ([`build_part`]): the networks of a timeline's years from the last year's, or a
/// scenario's baseline and scenario from the network of every link. Its stored re-timable
/// hierarchy is re-timed for each part, with no contraction.
#[derive(Debug)]
pub struct PreparedParts {
    held: Held,
    report: BuildReport,
}

#[derive(Debug)]
enum Held {
    /// PHAST: the retimer of the stored hierarchy (it holds the network).
    Retimer(Box<Retimer>),
    /// Dijkstra (`--engine dijkstra`): the network only.
    Network(Network),
}

impl PreparedParts {
    /// The parts of `p` for `command` with options `o`: re-timed unless its engine is
    /// Dijkstra.
    ///
    /// # Errors
    /// [`crate::Error::Usage`] when `p` was prepared without `--retimable`, or is a network of
    /// another kind than `o`'s.
    pub fn new(p: Prepared, o: &Options, command: &str) -> Result<Self> {
        if p.network.kind() != o.network {
            return Err(crate::Error::Usage(format!(
                "the prepared network is the {} network, not the {} network",
                p.network.kind().as_str(),
                o.network.as_str()
            )));
        }
        let (net, report, c) = p.into_retimable(command)?;
        let held = if o.engine == EngineKind::Dijkstra {
            Held::Network(net)
        } else {
            Held::Retimer(Box::new(Retimer::from_customizable(net, c)))
        };
        Ok(PreparedParts { held, report })
    }

    /// The prepared network.
    pub fn network(&self) -> &Network {
        match &self.held {
            Held::Retimer(r) => r.network(),
            Held::Network(n) => n,
        }
    }

    /// The retimer of its hierarchy (`None` with Dijkstra).
    pub fn retimer(&self) -> Option<&Retimer> {
        match &self.held {
            Held::Retimer(r) => Some(r),
            Held::Network(_) => None,
        }
    }

    /// The network of `scenario` (timed by `time`) as a part of the prepared one.
    ///
    /// # Errors
    /// See [`build_part`].
    pub fn part(
        &self,
        inputs: &Inputs,
        scenario: &Scenario,
        time: TimeConvention,
    ) -> Result<(Network, BuildReport)> {
        build_part(inputs, scenario, self.network(), &self.report, time)
    }

    /// What [`PreparedParts::part`] removes from the prepared network for `scenario` (its
    /// curated links that `scenario` lacks), and the build report, without building the part.
    ///
    /// # Errors
    /// See [`build_part`].
    pub fn part_links(
        &self,
        inputs: &Inputs,
        scenario: &Scenario,
        time: TimeConvention,
    ) -> Result<(Vec<LinkId>, BuildReport)> {
        crate::analysis::part_links(inputs, scenario, self.network(), &self.report, time)
    }
}
