//! Shortest paths on the frozen [`crate::network::Network`]: a reusable Dijkstra workspace, a
//! contraction hierarchy with PHAST sweeps for many origins, one [`Engine`] API over both, and
//! the travel-time matrix type. No parallelism here: [`crate::measures::par`] fans out.

pub mod ch;
pub mod dijkstra;
pub mod engine;
pub mod matrix;

pub use ch::{Customizable, Hierarchy, Phast, PhastTimes, Retiming, Sweep};
pub use dijkstra::{Dijkstra, Leg, TimeParts, Tree};
pub use engine::{Engine, EngineKind, Times, Workspace};
pub use matrix::Matrix;
