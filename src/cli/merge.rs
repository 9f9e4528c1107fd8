//! Sharded runs: `--shard I/N` of `access`, `matrix`, `resilience` and `timeline` writes a part
//! file ([`regionlink::export::shard`]); `regionlink merge PARTS… --out` checks the parts and
//! writes what a single run writes. The merge parses the parts' own arguments again and runs
//! the command with the parts' rows in place of the computed ones: the same code writes the
//! files, so the whole-population figures (coefficients, CV, rankings) are computed once, over
//! every row, exactly as in a single run.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::{Args, Parser};

use crate::cli::args::{Cli, Command, ScenarioArgs};
use regionlink::Error;
use regionlink::export::shard::{InputHash, Manifest, Merged, Part, PartWriter, Shard};
use regionlink::export::write::write_atomic;
use regionlink::load::Inputs;

/// `--shard I/N`.
#[derive(Debug, Clone, Args)]
pub struct ShardArgs {
    /// Compute only shard I of N (I from 0: a contiguous slice of the origins, failure sets or
    /// years) and write it as a part file into the --out directory; `regionlink merge` joins
    /// the N parts into the files of a single run.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
}

/// `regionlink merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The part files of one `--shard I/N` run (all N of them), or directories holding them.
    #[arg(required = true, value_name = "PARTS")]
    pub parts: Vec<PathBuf>,
    /// The output, as --out of the parts' command: a CSV file for access and matrix (stdout
    /// without it, as there), a directory for resilience and timeline [default: regionlink-out].
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// The part files named by `paths`: files as given, directories by their part files (sorted).
fn part_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.file_name().is_some_and(|n| {
                            regionlink::export::shard::is_part_name(&n.to_string_lossy())
                        })
                })
                .collect();
            if found.is_empty() {
                return Err(Error::Usage(format!(
                    "{}: no part files (*.part-I-of-N.jsonl) in this directory",
                    p.display()
                ))
                .into());
            }
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// `regionlink merge`: read and check the parts, then run their command on their rows.
pub fn run(a: &MergeArgs, quiet: bool, out: &mut dyn Write) -> Result<()> {
    let parts = part_files(&a.parts)?
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).map_err(|e| Error::io(f, e))?;
            Ok(Part::read(bytes, &f.display().to_string())?)
        })
        .collect::<Result<Vec<_>>>()?;
    let merged = Merged::check(parts)?;
    let m = merged.manifest();
    let mut argv: Vec<std::ffi::OsString> = vec!["regionlink".into(), m.command.clone().into()];
    argv.extend(m.args.iter().map(Into::into));
    if let Some(o) = &a.out {
        argv.push("--out".into());
        argv.push(o.into());
    }
    let file = &merged.parts[0].file;
    let cli = Cli::try_parse_from(argv).map_err(|e| {
        let e = e.to_string();
        Error::Usage(format!(
            "{file}: the part's arguments do not parse: {}",
            e.lines().next().unwrap_or_default()
        ))
    })?;
    match cli.command {
        Command::Access(c) => crate::cli::measures::access_with(&c, quiet, out, Some(&merged)),
        Command::Matrix(c) => crate::cli::matrix::run_with(&c, quiet, out, Some(&merged)),
        Command::Resilience(c) => crate::cli::resilience::run_with(&c, out, Some(&merged)),
        Command::Timeline(c) => crate::cli::timeline::run_with(&c, out, Some(&merged)),
        _ => Err(Error::Usage(format!("{file}: `{}` has no sharded runs", m.command)).into()),
    }
}

/// The SHA-256 of every input file of a run (the files read and the `--add` files).
fn input_hashes(inputs: &Inputs, sc: &ScenarioArgs) -> Result<Vec<InputHash>> {
    crate::cli::input_paths(inputs, Some(sc))
        .iter()
        .map(|p| {
            let sha256 = regionlink::prepared::InputFile::of_file("input", p)?.sha256_hex();
            Ok(InputHash {
                file: p.display().to_string(),
                sha256,
            })
        })
        .collect()
}

/// Check that the inputs read for a merge are those of its parts.
pub fn check_inputs(m: &Merged, inputs: &Inputs, sc: &ScenarioArgs) -> Result<()> {
    Ok(m.check_inputs(&input_hashes(inputs, sc)?)?)
}

/// This process's arguments that shape the results of `command`: every argument after the
/// subcommand's name but `--shard`, `--out`, `--threads` and `--quiet` (and their values).
fn shaping_args() -> Vec<String> {
    let mut out = Vec::new();
    let mut raw = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    let mut seen_command = false;
    while let Some(a) = raw.next() {
        match a.as_str() {
            "--shard" | "--out" | "--threads" => {
                raw.next();
            }
            "--quiet" | "-q" => {}
            s if ["--shard=", "--out=", "--threads="]
                .iter()
                .any(|p| s.starts_with(p)) => {}
            _ if !seen_command => seen_command = true,
            _ => out.push(a),
        }
    }
    out
}

/// Where a part goes, and what it is a part of.
pub struct PartSpec<'a> {
    /// The subcommand.
    pub command: &'static str,
    /// I/N.
    pub shard: Shard,
    /// Rows of the whole run.
    pub total: usize,
    /// The directory of part files (`--out`).
    pub dir: Option<&'a Path>,
}

/// Write a part file of `spec` into its directory (atomically): the manifest, then what `rows`
/// writes (the rows of the shard's slice, in order); then say so.
pub fn write_part(
    spec: PartSpec<'_>,
    inputs: &Inputs,
    sc: &ScenarioArgs,
    out: &mut dyn Write,
    rows: impl FnOnce(&mut PartWriter<'_>) -> std::io::Result<()>,
) -> Result<()> {
    let Some(dir) = spec.dir else {
        return Err(Error::Usage(format!(
            "--shard {}: give --out DIR, the directory the part file is written into",
            spec.shard
        ))
        .into());
    };
    if dir.is_file() {
        return Err(Error::Usage(format!(
            "--shard {}: --out {} is a file; with --shard, --out is the directory of the part files",
            spec.shard,
            dir.display()
        ))
        .into());
    }
    let m = Manifest::new(
        spec.command,
        shaping_args(),
        input_hashes(inputs, sc)?,
        spec.shard,
        spec.total,
    );
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let path = dir.join(m.file_name());
    let protected = crate::cli::input_paths(inputs, Some(sc));
    write_atomic(&path, &protected, |w| {
        let mut pw = PartWriter::new(w, &m)?;
        rows(&mut pw)
    })?;
    writeln!(
        out,
        "wrote shard {} of {}: rows [{}, {}) of {} to {}",
        m.shard,
        m.command,
        m.start,
        m.end,
        m.total,
        path.display()
    )?;
    Ok(())
}
