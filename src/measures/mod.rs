//! Indicators computed on the network, one file per family. `par` is where rayon fans out.
//!
//! The shared vocabulary (the [`Mass`](crate::model::Mass) of a unit, the
//! [`Decay`](crate::model::Decay) functions) lives in [`crate::model`].

pub mod access;
pub mod betweenness;
pub mod corridor;
pub mod equity;
pub mod gravity;
pub mod membership;
pub mod par;
pub mod places;
pub mod reach;
pub mod resilience;
pub mod stats;
pub mod structure;
