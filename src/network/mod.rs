//! The transport network: links attached to units, generated road links, the scenario, and the
//! frozen compact (CSR) graph that [`crate::route`] searches.
//!
//! # The model
//! - one **unit node** per unit (its seat);
//! - for every mode with an access or egress penalty (by default rail and HSR), a **station
//!   node** per unit served by that mode, joined to the unit node by the access penalty
//!   (unit → station) and the egress penalty (station → unit). Riding through a station costs
//!   nothing extra; changing mode at a unit pays egress + access;
//! - each link is two arcs (both directions) between the nodes of its mode at its two ends.

mod attach;
pub mod build;
pub mod embed;
pub mod generate;
pub mod graph;
pub mod roads;
pub mod scenario;
pub(crate) mod union_find;

pub use build::{BuildOptions, BuildReport, build_network, part_links};
pub use embed::{Embedding, embed, line_keys, variable_arcs};
pub use graph::{Arc, Attach, Link, LinkMask, Network, NetworkKind, Node, components};
pub use scenario::{AddedLinks, Scenario};
