//! Writing output files safely: each to a temporary file in the same directory, then renamed,
//! so a failed run never leaves a half-written file; never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::export::geojson::{Geom, Layer, to_geojson};
use crate::export::table::Table;

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
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        std::fs::create_dir_all(&dir).map_err(io)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        f(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(())
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

    /// Write every file into `dir` (created when missing), each atomically, after checking
    /// that none of them is one of `inputs`.
    ///
    /// # Errors
    /// See [`write_atomic`].
    pub fn write_to(&self, dir: &Path, inputs: &[PathBuf]) -> Result<()> {
        for f in &self.files {
            refuse_inputs(&dir.join(&f.name), inputs)?;
        }
        for f in &self.files {
            write_atomic(&dir.join(&f.name), inputs, |w| w.write_all(&f.bytes))?;
        }
        Ok(())
    }
}
