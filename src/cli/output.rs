//! Writing output files safely: to a temporary file in the same directory, then renamed, so a
//! failed run never leaves a half-written file; refusing to overwrite an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use regionlink::error::Error;

/// Write `bytes` to `path` atomically (temporary file + rename). Refuses a path that is one of
/// `inputs`.
pub fn write_atomic(
    path: &Path,
    inputs: &[PathBuf],
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> regionlink::Result<()> {
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
        let mut w = std::io::BufWriter::new(file);
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
pub fn refuse_inputs(path: &Path, inputs: &[PathBuf]) -> regionlink::Result<()> {
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
