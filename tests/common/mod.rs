//! Helpers shared by the integration tests: running the binary, the shipped data, CSV reading.
//! Each test crate uses a subset, hence the `dead_code` allowance.

#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The `regionlink` binary built for this test run.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_regionlink"))
}

/// A file of the shipped `data/` folder.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// A file of the repository (relative to the manifest directory).
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// What a run of the binary printed, and its exit code.
#[derive(Debug)]
pub struct Out {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

/// Run the binary in `dir` with `args`.
pub fn run_in(dir: &Path, args: &[&str]) -> Out {
    let o = bin().current_dir(dir).args(args).output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Run the binary in a fresh empty directory.
pub fn run(args: &[&str]) -> Out {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), args)
}

impl Out {
    /// (exit code, stdout, stderr).
    pub fn parts(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

/// Run in a fresh directory and insist on exit code 0.
pub fn ok(args: &[&str]) -> Out {
    let o = run(args);
    assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
    o
}

/// Run in `dir` and insist on exit code 0.
pub fn ok_in(dir: &Path, args: &[&str]) -> Out {
    let o = run_in(dir, args);
    assert_eq!(o.code, 0, "regionlink {args:?}: {}", o.stderr);
    o
}

/// The header and rows of a CSV file.
pub fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (h, rows)
}

/// Great-circle distance in km (haversine, R = 6371.0088 km), written out independently of
/// the library so tests can use it as an oracle.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (l1, p1, l2, p2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((p2 - p1) / 2.0).sin().powi(2) + p1.cos() * p2.cos() * ((l2 - l1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}
