//! Indicators computed on the network. `par` is where rayon fans out over origins.

pub mod par;
