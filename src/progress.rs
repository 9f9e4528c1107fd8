//! Progress of long computations, reported to whoever runs them.
//!
//! The library announces each counted stage ("origins searched", "nodes contracted") and
//! advances it; it never prints. [`Silent`] ignores everything (the default); the command-line
//! tool draws a progress bar and prints the notes above it.

/// Receives the progress of a computation. Every method has a do-nothing default, and the
/// calls may come from several threads at once.
pub trait Progress: Sync {
    /// A stage of `len` steps begins; `what` says what a step is ("origins searched").
    fn stage(&self, what: &str, len: u64) {
        let _ = (what, len);
    }

    /// `n` more steps of the current stage are done.
    fn advance(&self, n: u64) {
        let _ = n;
    }

    /// Something the user should know about how the result was computed (for example the size
    /// and build time of a contraction hierarchy).
    fn note(&self, message: &str) {
        let _ = message;
    }
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    struct Count(AtomicU64);

    impl Progress for Count {
        fn advance(&self, n: u64) {
            self.0.fetch_add(n, Ordering::Relaxed);
        }
    }

    #[test]
    fn defaults_do_nothing_and_overrides_are_called() {
        Silent.stage("x", 3);
        Silent.advance(1);
        Silent.note("n");
        let c = Count(AtomicU64::new(0));
        let p: &dyn Progress = &c;
        p.stage("x", 2);
        p.advance(2);
        assert_eq!(c.0.load(Ordering::Relaxed), 2);
    }
}
