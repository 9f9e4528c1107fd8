//! # regionlink
//!
//! Region-linkage analysis: how well does a transport network tie a region's units together,
//! and what does a new line change? The default dataset is the Chengdu–Chongqing twin-city
//! economic circle (59 city units, or 219 county-level units), embedded in the crate.
//!
//! The crate reads as the pipeline it runs: **load → network → route → measures → export**.
//!
//! ```
//! use regionlink::load::{load_inputs, LoadOptions};
//!
//! // The embedded default dataset: 59 units, the curated links, the default study.
//! let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())?;
//! assert_eq!(inputs.region.len(), 59);
//! // 2020 census: 115,729,025 people in Sichuan and Chongqing.
//! assert!((inputs.region.population_10k_total() - 11_572.9025).abs() < 1e-6);
//! # Ok::<(), regionlink::Error>(())
//! ```

pub mod analysis;
pub mod error;
pub mod export;
pub mod load;
pub mod model;

pub use error::{Error, InputError, Location, Result};
pub use model::{LinkId, Minutes, Mode, NodeId, Region, Role, Unit, UnitId};
pub mod measures;
pub mod network;
pub mod progress;
pub mod route;
pub mod synth;
