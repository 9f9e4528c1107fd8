//! # regionlink
//!
//! Region-linkage analysis: how well does a transport network tie a region's units together,
//! and what does a new line change? The default dataset is the Chengdu–Chongqing twin-city
//! economic circle (59 city units, or 219 county-level units), embedded in the crate.
//!
//! The crate reads as the pipeline it runs: **load → network → route → measures → export**,
//! with [`analysis`] running a whole study in one call:
//!
//! ```
//! use regionlink::analysis::{self, Analysis, Options};
//! use regionlink::load::{load_inputs, LoadOptions};
//! use regionlink::progress::Silent;
//!
//! // load: the embedded default dataset (59 units, the curated links, the default study).
//! let inputs = load_inputs(None, None, None, |_| {}, LoadOptions::default())?;
//! assert_eq!(inputs.region.len(), 59);
//! // 2020 census: 115,729,025 people in Sichuan and Chongqing.
//! assert!((inputs.region.population_10k_total() - 11_572.9025).abs() < 1e-6);
//!
//! // network: the links in service attached to units, generated roads, station nodes.
//! let options = Options::from_study(&inputs.study)?;
//! let (net, _report) = analysis::build(&inputs, &options.scenario, options.network, options.time)?;
//!
//! // route: a multi-source search from Chengdu's unit(s).
//! let chengdu = analysis::place(&inputs, "Chengdu")?;
//! let mut dj = regionlink::route::Dijkstra::new(net.node_count());
//! let sources: Vec<_> = chengdu.units.iter().map(|&u| (net.unit_node(u), regionlink::Minutes::ZERO)).collect();
//! let tree = dj.run(&net, &sources, None);
//! let mianyang = inputs.region.by_code("510700").expect("Mianyang").id;
//! assert!(tree.time(net.unit_node(mianyang)).is_some());
//!
//! // measures: every family at once (travel times, reach, accessibility, corridor) …
//! let an = Analysis::run(&inputs, &options, &Silent)?;
//! assert!(an.watt.iter().all(Option::is_some));
//! // … and the gravity linkage, membership and centrality.
//! let linkage = an.linkage()?;
//! // Chongqing's nine central districts count as one place: 51 places from 59 units.
//! assert_eq!(linkage.places.region.len(), 51);
//! assert_eq!(linkage.membership.units.len(), 51);
//!
//! // export: layers, tables and the report of a whole study, in memory until written.
//! let run = analysis::run(&inputs, &options, &Silent)?;
//! let files = regionlink::export::run::outputs(&run)?;
//! assert!(files.files.iter().any(|f| f.name == "units.geojson"));
//! let dir = std::env::temp_dir().join(format!("regionlink-doc-{}", std::process::id()));
//! files.write_to(&dir, &[])?;
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), regionlink::Error>(())
//! ```
//!
//! | module | what it holds |
//! | --- | --- |
//! | [`load`] | reading and checking units, links, study files and road graphs; the embedded data |
//! | [`model`] | typed ids, [`Minutes`], units and regions, modes, roles, mass and decay |
//! | [`network`] | attaching links to units, generated roads, scenarios, the frozen graph |
//! | [`route`] | the Dijkstra kernel, the contraction hierarchy and PHAST, matrices |
//! | [`measures`] | one file per measure family; `par` is where rayon fans out |
//! | [`analysis`] | a study as one call: options with the study's defaults → typed results |
//! | [`prepared`] | a network and its contraction hierarchy in one versioned file, keyed by its inputs |
//! | [`export`] | results → layers, tables, reports and printed summaries; atomic writing |
//! | [`progress`] | the [`progress::Progress`] trait the long computations report to |
//! | [`synth`] | seeded synthetic road networks for benchmarks and examples |
//!
//! The command-line tool `regionlink` (feature `cli`, on by default) only maps its flags onto
//! [`analysis::Options`], writes the files and prints; `cargo build --lib
//! --no-default-features` builds the library without clap, anyhow or indicatif.

pub mod analysis;
pub mod error;
pub mod export;
pub mod load;
pub mod measures;
pub mod model;
pub mod network;
pub mod prepared;
pub mod progress;
pub mod route;
pub mod synth;

pub use error::{Error, InputError, Location, Result};
pub use model::{LinkId, Minutes, Mode, NodeId, Region, Role, Unit, UnitId};
