//! Shortest paths on the frozen [`crate::network::Network`]: a reusable Dijkstra workspace and
//! the travel-time matrix type. No parallelism here: [`crate::measures::par`] fans out.

pub mod dijkstra;
pub mod matrix;

pub use dijkstra::{Dijkstra, Leg, TimeParts, Tree};
pub use matrix::Matrix;
