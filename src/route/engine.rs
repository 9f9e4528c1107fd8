//! One API over the two one-to-all kernels: plain [`Dijkstra`] (the reference, and the only
//! one with paths) and [`Phast`] sweeps over a contraction [`Hierarchy`] (times only, after a
//! preprocessing that pays off over many origins). `measures::par` fans out over either.

use crate::model::{Minutes, NodeId};
use crate::network::Network;
use crate::route::ch::{Hierarchy, Phast, PhastTimes, Sweep};
use crate::route::dijkstra::{Dijkstra, Tree};

/// Which kernel computes the times of a many-origin run (`access`, `matrix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum EngineKind {
    /// PHAST when it pays off (500 origins or more, no cut-off, no paths needed), Dijkstra
    /// otherwise.
    #[default]
    Auto,
    /// Plain Dijkstra, one search per origin (the reference).
    Dijkstra,
    /// A contraction hierarchy built once, then one PHAST sweep per origin.
    Phast,
}

/// The fewest origins for which [`EngineKind::Auto`] builds a hierarchy. Building one costs
/// about as much as 150–250 plain searches on one graph (on the README's 1M-node road graph,
/// ~27 s on 2 threads against ~0.17 s a search), and a sweep is 15–300 times cheaper than a
/// search (full or restricted to the units), so 500 origins leave a clear margin.
pub const AUTO_MIN_ORIGINS: usize = 500;

impl EngineKind {
    /// The kernel to use for `origins` searches: `Ok(true)` for PHAST.
    ///
    /// # Errors
    /// PHAST asked for where it cannot serve: `needs_paths` (per-pair splits of the time into
    /// timetable, estimate and penalty minutes come from a path; PHAST gives times only).
    pub fn use_phast(
        self,
        origins: usize,
        limit: Option<Minutes>,
        needs_paths: bool,
    ) -> Result<bool, crate::error::OptionError> {
        match self {
            EngineKind::Dijkstra => Ok(false),
            EngineKind::Phast if needs_paths => Err(crate::error::OptionError::new()
                .opt(crate::error::Opt::Engine, Some("phast"))
                .text(" gives travel times only, and this output splits each time by the path taken (timetable / estimate / penalty); use ")
                .opt(crate::error::Opt::Wide, None)
                .text(", or ")
                .opt(crate::error::Opt::Engine, Some("dijkstra"))),
            EngineKind::Phast => Ok(true),
            EngineKind::Auto => Ok(!needs_paths && limit.is_none() && origins >= AUTO_MIN_ORIGINS),
        }
    }

    /// The name used in reports.
    pub fn describe(phast: bool) -> &'static str {
        if phast {
            "PHAST over a contraction hierarchy"
        } else {
            "Dijkstra"
        }
    }
}

/// A one-to-all kernel bound to its network: create one [`Workspace`] per thread with
/// [`Engine::workspace`], then [`Engine::run`] per origin.
#[derive(Debug, Clone, Copy)]
pub enum Engine<'a> {
    /// Plain Dijkstra on the network.
    Dijkstra(&'a Network),
    /// PHAST sweeps of `sweep` (the full one, or one restricted to the nodes whose times are
    /// read) over `hierarchy`, a hierarchy of `net`.
    Phast {
        /// The network.
        net: &'a Network,
        /// Its hierarchy.
        hierarchy: &'a Hierarchy,
        /// The sweep.
        sweep: &'a Sweep,
    },
}

/// The per-thread buffers of an [`Engine`].
#[derive(Debug)]
pub enum Workspace {
    /// For [`Engine::Dijkstra`].
    Dijkstra(Dijkstra),
    /// For [`Engine::Phast`].
    Phast(Phast),
}

/// The times from one run of an [`Engine`].
#[derive(Debug)]
pub enum Times<'a> {
    /// A shortest-path tree (times and paths).
    Tree(Tree<'a>),
    /// PHAST times.
    Phast(PhastTimes<'a>),
}

impl Times<'_> {
    /// The shortest time to `n`, `None` when unreachable or beyond the limit (for a restricted
    /// sweep, also for nodes outside it).
    #[inline]
    pub fn time(&self, n: NodeId) -> Option<Minutes> {
        match self {
            Times::Tree(t) => t.time(n),
            Times::Phast(p) => p.time(n),
        }
    }

    /// The tree, when the kernel keeps paths (Dijkstra).
    pub fn tree(&self) -> Option<&Tree<'_>> {
        match self {
            Times::Tree(t) => Some(t),
            Times::Phast(_) => None,
        }
    }
}

impl<'a> Engine<'a> {
    /// The network searched.
    pub fn network(&self) -> &'a Network {
        match self {
            Engine::Dijkstra(net) | Engine::Phast { net, .. } => net,
        }
    }

    /// Buffers for one thread.
    pub fn workspace(&self) -> Workspace {
        match self {
            Engine::Dijkstra(net) => Workspace::Dijkstra(Dijkstra::new(net.node_count())),
            Engine::Phast { hierarchy, .. } => Workspace::Phast(Phast::new(hierarchy)),
        }
    }

    /// Times from `sources` (each with a start offset, minutes ≥ 0), pruned at `limit`.
    ///
    /// # Panics
    /// When `ws` was made by an engine of the other kind.
    pub fn run<'w>(
        &self,
        ws: &'w mut Workspace,
        sources: &[(NodeId, Minutes)],
        limit: Option<Minutes>,
    ) -> Times<'w>
    where
        'a: 'w,
    {
        match (self, ws) {
            (Engine::Dijkstra(net), Workspace::Dijkstra(dj)) => {
                Times::Tree(dj.run(net, sources, limit))
            }
            (
                Engine::Phast {
                    hierarchy, sweep, ..
                },
                Workspace::Phast(ph),
            ) => Times::Phast(ph.run(hierarchy, sweep, sources, limit)),
            _ => panic!("a workspace is used with the engine that made it"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_uses_phast_only_for_many_origins_without_cut_off_or_paths() {
        let k = EngineKind::Auto;
        assert_eq!(k.use_phast(AUTO_MIN_ORIGINS, None, false), Ok(true));
        assert_eq!(k.use_phast(AUTO_MIN_ORIGINS - 1, None, false), Ok(false));
        assert_eq!(
            k.use_phast(AUTO_MIN_ORIGINS, Some(Minutes(60.0)), false),
            Ok(false)
        );
        assert_eq!(k.use_phast(AUTO_MIN_ORIGINS, None, true), Ok(false));
        assert_eq!(
            EngineKind::Dijkstra.use_phast(10_000, None, false),
            Ok(false)
        );
        assert_eq!(
            EngineKind::Phast.use_phast(2, Some(Minutes(1.0)), false),
            Ok(true)
        );
        assert!(EngineKind::Phast.use_phast(2, None, true).is_err());
    }
}
