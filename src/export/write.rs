//! Writing output files safely: each to a temporary file in the same directory, then renamed,
//! so a failed run never leaves a half-written file; never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::export::geojson::{Geom, Layer, to_geojson};
use crate::export::table::Table;

/// The temporary files being written now, so that an interrupted process can remove them
/// ([`remove_temporaries`]).
static TEMPORARIES: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARIES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Remove every temporary file still being written (call it when the process is interrupted:
/// the command line does on SIGINT and SIGTERM). Files already renamed into place stay.
pub fn remove_temporaries() {
    for t in temporaries().drain(..) {
        let _ = std::fs::remove_file(t);
    }
}

/// `.<name>.tmp-<pid>` beside `path`, registered for [`remove_temporaries`].
fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    temporaries().push(tmp.clone());
    tmp
}

/// Forget a temporary file (renamed into place, or removed).
fn done(tmp: &Path) {
    temporaries().retain(|t| t != tmp);
}

/// Write `tmp` with what `f` writes, synced to disk.
fn write_file(
    tmp: &Path,
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let file = std::fs::File::create(tmp)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    f(&mut w)?;
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()
}

/// An error when `path` exists and is not a file that can be replaced (a directory).
fn refuse_directory(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "{}: is a directory, not a file; remove it or choose another output path",
            path.display()
        )));
    }
    // Writing is a rename over the target: a device, a pipe, a socket or a symbolic link would
    // be replaced by a plain file, so only a regular file (or nothing) may be there.
    if let Ok(m) = std::fs::symlink_metadata(path) {
        let kind = if m.file_type().is_symlink() {
            Some("a symbolic link")
        } else if !m.is_file() {
            Some("not a regular file (a device, pipe or socket)")
        } else {
            None
        };
        if let Some(kind) = kind {
            return Err(Error::Usage(format!(
                "{}: is {kind}, which an output would replace; choose a regular file path",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Write `path` atomically (temporary file + rename) with what `f` writes. Refuses a path that
/// is one of `inputs`.
///
/// # Errors
/// [`Error::Usage`] for an input path; [`Error::Io`] when writing fails (the temporary file is
/// removed).
pub fn write_atomic(
    path: &Path,
    inputs: &[PathBuf],
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        source: e,
    };
    refuse_inputs(path, inputs)?;
    refuse_directory(path)?;
    create_parent(path)?;
    let tmp = temporary(path);
    let result = write_file(&tmp, f).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done(&tmp);
    result.map_err(io)
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() && !d.is_dir() => {
            std::fs::create_dir_all(d).map_err(|e| Error::io(d, e))
        }
        _ => Ok(()),
    }
}

/// An error when `path` is one of `inputs` (checked before anything is written).
///
/// # Errors
/// [`Error::Usage`] naming the path.
pub fn refuse_inputs(path: &Path, inputs: &[PathBuf]) -> Result<()> {
    if inputs.iter().any(|i| same_file(i, path)) {
        return Err(Error::Usage(format!(
            "{}: refusing to overwrite an input file; choose another output path",
            path.display()
        )));
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// One output file, fully built in memory before anything is written.
#[derive(Debug, Clone, PartialEq)]
pub struct OutFile {
    /// File name inside the output directory.
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

/// The files of a run, built before anything is written, and the layers left out (with why).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outputs {
    /// The files, in the order they are listed.
    pub files: Vec<OutFile>,
    /// Layers not written, each with the reason (`isochrones.geojson: …`).
    pub skipped: Vec<String>,
}

impl Outputs {
    /// A file with these bytes.
    pub fn push(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.push(OutFile {
            name: name.into(),
            bytes,
        });
    }

    /// A table as CSV.
    pub fn csv(&mut self, name: impl Into<String>, t: &Table) {
        let mut b = Vec::new();
        t.write_csv(&mut b)
            .expect("writing CSV to memory cannot fail");
        self.push(name, b);
    }

    /// A layer `<name>.geojson` with its style `<name>.qml`, or a note in
    /// [`Outputs::skipped`] when it has no features.
    ///
    /// # Errors
    /// See [`to_geojson`].
    pub fn layer(
        &mut self,
        name: &str,
        table: &Table,
        geoms: Vec<Geom>,
        style: String,
    ) -> Result<()> {
        match to_geojson(&Layer { table, geoms })? {
            Some(bytes) => {
                self.push(format!("{name}.geojson"), bytes);
                self.push(format!("{name}.qml"), style.into_bytes());
            }
            None => self.skipped.push(format!("{name}.geojson: no features")),
        }
        Ok(())
    }

    /// Write every file into `dir` (created when missing), all or nothing: after checking that
    /// none of them is one of `inputs` or a directory, every file is written to a temporary
    /// file beside its place, and only when all are written are they renamed into place. A
    /// failure before that removes the temporary files and leaves `dir` as it was.
    ///
    /// # Errors
    /// [`Error::Usage`] for an input or a directory in the way; [`Error::Io`] when writing
    /// fails.
    pub fn write_to(&self, dir: &Path, inputs: &[PathBuf]) -> Result<()> {
        for f in &self.files {
            let p = dir.join(&f.name);
            refuse_inputs(&p, inputs)?;
            refuse_directory(&p)?;
        }
        if !dir.is_dir() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(self.files.len());
        let unstage = |staged: &[(PathBuf, PathBuf)]| {
            for (tmp, _) in staged {
                let _ = std::fs::remove_file(tmp);
                done(tmp);
            }
        };
        for f in &self.files {
            let p = dir.join(&f.name);
            let tmp = temporary(&p);
            staged.push((tmp.clone(), p.clone()));
            if let Err(e) = write_file(&tmp, |w| w.write_all(&f.bytes)) {
                unstage(&staged);
                return Err(Error::io(&p, e));
            }
        }
        for (k, (tmp, p)) in staged.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, p) {
                unstage(&staged[k..]);
                return Err(Error::io(p, e));
            }
            done(tmp);
        }
        Ok(())
    }
}
