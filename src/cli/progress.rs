//! The progress bar on stderr (indicatif): shown only when stderr is a terminal and not
//! `--quiet`; the library's notes are printed above it unless `--quiet`.

use std::io::IsTerminal;

use regionlink::progress::Progress;

/// A progress bar that receives the library's [`Progress`].
pub struct Bar {
    pb: indicatif::ProgressBar,
    quiet: bool,
}

impl Bar {
    /// A bar of `steps` steps (hidden unless stderr is a terminal and not `quiet`).
    pub fn new(quiet: bool, steps: u64) -> Bar {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar {
                pb: indicatif::ProgressBar::hidden(),
                quiet,
            };
        }
        let pb = indicatif::ProgressBar::new(steps);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
        {
            pb.set_style(style.progress_chars("=> "));
        }
        Bar { pb, quiet }
    }

    /// Remove the bar.
    pub fn finish(&self) {
        self.pb.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&self, what: &str, len: u64) {
        self.pb.set_message(what.to_string());
        self.pb.set_length(len);
        self.pb.set_position(0);
    }

    fn advance(&self, n: u64) {
        self.pb.inc(n);
    }

    fn note(&self, message: &str) {
        if !self.quiet {
            // Above the progress bar, not through it.
            self.pb.suspend(|| eprintln!("regionlink: note: {message}"));
        }
    }
}
