//! Part files of sharded runs (`--shard I/N`) and the checks that join them (`regionlink merge`).
//!
//! A sharded run computes one contiguous slice of its rows (origins of `access` and `matrix`,
//! failure sets of `resilience`, years of `timeline`) and writes a part: one JSON line of
//! [`Manifest`] (format version, crate version, command, the arguments that shape the results,
//! the SHA-256 of every input file, `I/N`, the slice `[start, end)` of `total` rows and the row
//! count), then one JSON line per row. Rows carry the raw results at full precision: every
//! `f64` as its bit pattern (a `u64`), so a merged run computes its whole-population figures
//! (WATT coefficients, CV, rankings, …) from exactly the numbers a single run has, and writes
//! byte-identical files. A [`PartRow`] maps a result row to and from that form.
//!
//! Writing and reading live in this one module, beside each other, because they are one format:
//! a change to one is a change to the other, with [`VERSION`] bumped. Nothing here touches the
//! file system: the command line reads and writes the bytes.

use std::ops::Range;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::analysis::{OdRow, YearFigures};
use crate::error::{Error, Result};
use crate::measures::access::AccessRow;
use crate::measures::resilience::Figures;
use crate::model::Minutes;
use crate::route::TimeParts;

/// The `format` of every part file.
pub const FORMAT: &str = "regionlink-part";

/// The version of the part format; parts of another version are refused.
pub const VERSION: u32 = 1;

/// Shard `index` of `count` (`--shard I/N`, `0 ≤ I < N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// I, from 0.
    pub index: usize,
    /// N, at least 1.
    pub count: usize,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `I/N` with `0 ≤ I < N` (Slurm's `$SLURM_ARRAY_TASK_ID`, Kubernetes'
    /// `$JOB_COMPLETION_INDEX`, both from 0).
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("\"{s}\": expected I/N, shard I (from 0) of N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if count == 0 {
            return Err(format!("\"{s}\": N must be at least 1"));
        }
        if index >= count {
            return Err(format!(
                "\"{s}\": shard {index} does not exist, shards of {count} are 0 to {}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The contiguous rows of this shard out of `total`, in input order:
    /// `[I·total/N, (I+1)·total/N)`. Shards of more than `total` can be empty.
    pub fn slice(&self, total: usize) -> Range<usize> {
        let at = |i: usize| ((i as u128 * total as u128) / self.count as u128) as usize;
        at(self.index)..at(self.index + 1)
    }
}

/// One input file and the SHA-256 of its bytes (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputHash {
    /// The path as given on the command line.
    pub file: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// The first line of a part file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] of the writer.
    pub version: u32,
    /// The crate version that wrote the part (the embedded data and every formula come with
    /// it).
    pub crate_version: String,
    /// The subcommand (`access`, `matrix`, `resilience`, `timeline`).
    pub command: String,
    /// Its arguments that shape the results, as given (without `--shard`, `--out`, `--threads`
    /// and `--quiet`).
    pub args: Vec<String>,
    /// Every input file read, with its hash (none for the embedded dataset).
    pub inputs: Vec<InputHash>,
    /// `I/N`.
    pub shard: Shard,
    /// First row of the slice.
    pub start: usize,
    /// One past the last row of the slice.
    pub end: usize,
    /// Rows of the whole run.
    pub total: usize,
    /// Rows in this part (`end - start`).
    pub rows: usize,
}

impl Manifest {
    /// The manifest of shard `shard` of a run of `command` over `total` rows.
    pub fn new(
        command: &str,
        args: Vec<String>,
        inputs: Vec<InputHash>,
        shard: Shard,
        total: usize,
    ) -> Manifest {
        let r = shard.slice(total);
        Manifest {
            format: FORMAT.into(),
            version: VERSION,
            crate_version: env!("CARGO_PKG_VERSION").into(),
            command: command.into(),
            args,
            inputs,
            shard,
            start: r.start,
            end: r.end,
            total,
            rows: r.len(),
        }
    }

    /// The file name of this part: `<command>.part-<I>-of-<N>.jsonl`.
    pub fn file_name(&self) -> String {
        file_name(&self.command, self.shard)
    }
}

/// `<command>.part-<I>-of-<N>.jsonl`.
pub fn file_name(command: &str, shard: Shard) -> String {
    format!(
        "{command}.part-{}-of-{}.{EXTENSION}",
        shard.index, shard.count
    )
}

/// The extension of part files (JSON lines).
pub const EXTENSION: &str = "jsonl";

/// Whether a file name looks like a part's ([`file_name`]).
pub fn is_part_name(name: &str) -> bool {
    name.contains(".part-") && name.ends_with(&format!(".{EXTENSION}"))
}

/// A result row that a part file carries, at full precision.
pub trait PartRow: Sized {
    /// The serialised form (every `f64` as its bits).
    type Repr: Serialize + DeserializeOwned;
    /// To the serialised form.
    fn to_repr(&self) -> Self::Repr;
    /// From the serialised form.
    fn from_repr(r: Self::Repr) -> Self;
}

fn bits(x: f64) -> u64 {
    x.to_bits()
}

fn float(b: u64) -> f64 {
    f64::from_bits(b)
}

fn obits(x: Option<f64>) -> Option<u64> {
    x.map(bits)
}

fn ofloat(b: Option<u64>) -> Option<f64> {
    b.map(float)
}

/// An [`AccessRow`]: WATT, units reached, potential per decay, (units, population) per band.
#[derive(Serialize, Deserialize)]
pub struct AccessRepr(Option<u64>, usize, Vec<u64>, Vec<(usize, u64)>);

impl PartRow for AccessRow {
    type Repr = AccessRepr;
    fn to_repr(&self) -> AccessRepr {
        AccessRepr(
            obits(self.watt),
            self.reached,
            self.potentials.iter().copied().map(bits).collect(),
            self.within.iter().map(|&(u, p)| (u, bits(p))).collect(),
        )
    }
    fn from_repr(r: AccessRepr) -> AccessRow {
        AccessRow {
            watt: ofloat(r.0),
            reached: r.1,
            potentials: r.2.into_iter().map(float).collect(),
            within: r.3.into_iter().map(|(u, p)| (u, float(p))).collect(),
        }
    }
}

/// One origin's row of a matrix: per destination the minutes and the split (timetable,
/// estimate, penalty).
#[derive(Serialize, Deserialize)]
pub struct OdRepr(Vec<(Option<u64>, Option<[u64; 3]>)>);

/// One origin's row of a matrix, in origin order.
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRow(pub OdRow);

impl PartRow for MatrixRow {
    type Repr = OdRepr;
    fn to_repr(&self) -> OdRepr {
        OdRepr(
            self.0
                .iter()
                .map(|(t, p)| {
                    (
                        t.map(|t| bits(t.0)),
                        p.map(|p| [bits(p.timetable), bits(p.estimate), bits(p.penalty)]),
                    )
                })
                .collect(),
        )
    }
    fn from_repr(r: OdRepr) -> MatrixRow {
        MatrixRow(
            r.0.into_iter()
                .map(|(t, p)| {
                    (
                        t.map(|t| Minutes(float(t))),
                        p.map(|[a, b, c]| TimeParts {
                            timetable: float(a),
                            estimate: float(b),
                            penalty: float(c),
                        }),
                    )
                })
                .collect(),
        )
    }
}

/// The [`Figures`] of one failure set.
#[derive(Serialize, Deserialize)]
pub struct FiguresRepr(Option<u64>, usize, Option<u64>, usize);

impl PartRow for Figures {
    type Repr = FiguresRepr;
    fn to_repr(&self) -> FiguresRepr {
        FiguresRepr(
            obits(self.watt_pop_min),
            self.units_without_watt,
            obits(self.t_cores_min),
            self.units_beyond_band,
        )
    }
    fn from_repr(r: FiguresRepr) -> Figures {
        Figures {
            watt_pop_min: ofloat(r.0),
            units_without_watt: r.1,
            t_cores_min: ofloat(r.2),
            units_beyond_band: r.3,
        }
    }
}

/// The [`YearFigures`] of one year.
#[derive(Serialize, Deserialize)]
pub struct YearRepr {
    year: i32,
    links_in_service: usize,
    watt: Vec<Option<u64>>,
    cores: Vec<Vec<Option<u64>>>,
    t_cores_min: Option<u64>,
    watt_mean_min: Option<u64>,
    watt_cv: Option<u64>,
    units_with_watt: usize,
}

impl PartRow for YearFigures {
    type Repr = YearRepr;
    fn to_repr(&self) -> YearRepr {
        YearRepr {
            year: self.year,
            links_in_service: self.links_in_service,
            watt: self.watt.iter().copied().map(obits).collect(),
            cores: self
                .cores
                .iter()
                .map(|c| c.iter().copied().map(obits).collect())
                .collect(),
            t_cores_min: obits(self.t_cores_min),
            watt_mean_min: obits(self.watt_mean_min),
            watt_cv: obits(self.watt_cv),
            units_with_watt: self.units_with_watt,
        }
    }
    fn from_repr(r: YearRepr) -> YearFigures {
        YearFigures {
            year: r.year,
            links_in_service: r.links_in_service,
            watt: r.watt.into_iter().map(ofloat).collect(),
            cores: r
                .cores
                .into_iter()
                .map(|c| c.into_iter().map(ofloat).collect())
                .collect(),
            t_cores_min: ofloat(r.t_cores_min),
            watt_mean_min: ofloat(r.watt_mean_min),
            watt_cv: ofloat(r.watt_cv),
            units_with_watt: r.units_with_watt,
        }
    }
}

/// Writes a part: the manifest line, then one line per row.
pub struct PartWriter<'w> {
    w: &'w mut dyn std::io::Write,
}

impl<'w> PartWriter<'w> {
    /// Write the manifest line.
    ///
    /// # Errors
    /// Writing fails.
    pub fn new(w: &'w mut dyn std::io::Write, m: &Manifest) -> std::io::Result<Self> {
        serde_json::to_writer(&mut *w, m)?;
        w.write_all(b"\n")?;
        Ok(PartWriter { w })
    }

    /// Write one row.
    ///
    /// # Errors
    /// Writing fails.
    pub fn row<R: PartRow>(&mut self, r: &R) -> std::io::Result<()> {
        serde_json::to_writer(&mut *self.w, &r.to_repr())?;
        self.w.write_all(b"\n")
    }
}

/// A part read back: its file, its manifest and its row lines, not yet decoded.
#[derive(Debug, Clone)]
pub struct Part {
    /// The file it was read from (for messages).
    pub file: String,
    /// The manifest.
    pub manifest: Manifest,
    body: String,
}

impl Part {
    /// Read a part from its bytes; `file` names it in errors.
    ///
    /// # Errors
    /// Not a part file, of another format version or crate version, or a manifest that does not
    /// hold together.
    pub fn read(bytes: Vec<u8>, file: &str) -> Result<Part> {
        let bad = |m: String| Error::Usage(format!("{file}: {m}"));
        let text = String::from_utf8(bytes)
            .map_err(|_| bad("not a regionlink part file (not UTF-8 text)".into()))?;
        let (first, body) = text.split_once('\n').unwrap_or((&text, ""));
        let v: serde_json::Value = serde_json::from_str(first).map_err(|_| {
            bad("not a regionlink part file (its first line is not a JSON manifest)".into())
        })?;
        if v.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(bad(format!(
                "not a regionlink part file (no \"format\": \"{FORMAT}\" in its first line)"
            )));
        }
        let version = v.get("version").and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(VERSION)) {
            return Err(bad(format!(
                "part format version {}, this regionlink reads version {VERSION}; rerun the shard with this version",
                version.map_or_else(|| "missing".into(), |x| x.to_string())
            )));
        }
        let m: Manifest = serde_json::from_value(v)
            .map_err(|e| bad(format!("the manifest (first line) is malformed: {e}")))?;
        if m.crate_version != env!("CARGO_PKG_VERSION") {
            return Err(bad(format!(
                "written by regionlink {}, this is {}; rerun the shard with this version",
                m.crate_version,
                env!("CARGO_PKG_VERSION")
            )));
        }
        let r = m.shard.slice(m.total);
        if m.shard.count == 0
            || m.shard.index >= m.shard.count
            || (m.start, m.end) != (r.start, r.end)
            || m.rows != r.len()
        {
            return Err(bad(format!(
                "the manifest's slice [{}, {}) of {} rows, {} rows, is not shard {} of {} rows (expected [{}, {}))",
                m.start, m.end, m.total, m.rows, m.shard, m.total, r.start, r.end
            )));
        }
        let lines = body.lines().filter(|l| !l.is_empty()).count();
        if lines != m.rows {
            return Err(bad(format!(
                "{lines} rows, the manifest says {} (truncated or appended to?)",
                m.rows
            )));
        }
        let body = body.to_string();
        Ok(Part {
            file: file.into(),
            manifest: m,
            body,
        })
    }

    /// The rows, decoded.
    ///
    /// # Errors
    /// A row that is not of the manifest's command.
    pub fn rows<R: PartRow>(&self) -> Result<Vec<R>> {
        self.body
            .lines()
            .filter(|l| !l.is_empty())
            .enumerate()
            .map(|(k, l)| {
                serde_json::from_str::<R::Repr>(l)
                    .map(R::from_repr)
                    .map_err(|e| {
                        Error::Usage(format!(
                            "{}: line {}: not a {} row: {e}",
                            self.file,
                            k + 2,
                            self.manifest.command
                        ))
                    })
            })
            .collect()
    }
}

/// Parts checked to make one whole run: same command, arguments, inputs and N; every shard
/// `0..N` once, slices contiguous over every row. In shard order.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The parts, shard 0 first.
    pub parts: Vec<Part>,
}

impl Merged {
    /// Check that `parts` (any order) make one whole run.
    ///
    /// # Errors
    /// No parts; a part of another command, other arguments, other inputs, another N or
    /// another row total; a shard twice or missing; slices that overlap or leave a gap.
    pub fn check(mut parts: Vec<Part>) -> Result<Merged> {
        let Some(first) = parts.first() else {
            return Err(Error::Usage("merge: no part files given".into()));
        };
        let a = first.manifest.clone();
        let fa = first.file.clone();
        for p in &parts[1..] {
            let b = &p.manifest;
            let other = |what: String| {
                Error::Usage(format!("{}: not the same run as {fa}: {what}", p.file))
            };
            if b.command != a.command {
                return Err(other(format!(
                    "a part of `{}`, not of `{}`",
                    b.command, a.command
                )));
            }
            if b.args != a.args {
                return Err(other(format!(
                    "other options: {} instead of {}",
                    shown(&b.args),
                    shown(&a.args)
                )));
            }
            if b.inputs != a.inputs {
                return Err(other(format!(
                    "from other inputs: {}",
                    inputs_differ(&a.inputs, &b.inputs)
                )));
            }
            if b.shard.count != a.shard.count {
                return Err(other(format!(
                    "shard {} where {fa} is shard {}: N differs",
                    b.shard, a.shard
                )));
            }
            if b.total != a.total {
                return Err(other(format!("{} rows in all, not {}", b.total, a.total)));
            }
        }
        parts.sort_by_key(|p| p.manifest.shard.index);
        for w in parts.windows(2) {
            if w[0].manifest.shard.index == w[1].manifest.shard.index {
                return Err(Error::Usage(format!(
                    "{} and {}: both are shard {}: overlapping slices [{}, {})",
                    w[0].file,
                    w[1].file,
                    w[0].manifest.shard,
                    w[1].manifest.start,
                    w[1].manifest.end
                )));
            }
        }
        let n = a.shard.count;
        let missing: Vec<String> = (0..n)
            .filter(|i| !parts.iter().any(|p| p.manifest.shard.index == *i))
            .map(|i| format!("{i}/{n}"))
            .collect();
        if !missing.is_empty() {
            return Err(Error::Usage(format!(
                "merge: missing shard {} of the parts of `{}` (found {} of {n})",
                missing.join(", "),
                a.command,
                parts.len()
            )));
        }
        let mut next = 0;
        for p in &parts {
            if p.manifest.start != next {
                return Err(Error::Usage(format!(
                    "{}: slice [{}, {}) does not follow row {next}",
                    p.file, p.manifest.start, p.manifest.end
                )));
            }
            next = p.manifest.end;
        }
        if next != a.total {
            return Err(Error::Usage(format!(
                "merge: the parts cover rows [0, {next}) of {}",
                a.total
            )));
        }
        Ok(Merged { parts })
    }

    /// The manifest every part shares (shard 0's).
    pub fn manifest(&self) -> &Manifest {
        &self.parts[0].manifest
    }

    /// Every row, in order, after checking that the run has `total` rows (what the inputs
    /// give now).
    ///
    /// # Errors
    /// Another number of rows than the parts have; a row that does not decode.
    pub fn rows<R: PartRow>(&self, total: usize) -> Result<Vec<R>> {
        let m = self.manifest();
        if total != m.total {
            return Err(Error::Usage(format!(
                "{}: the parts have {} rows in all, these inputs and options give {total}",
                self.parts[0].file, m.total
            )));
        }
        let mut out = Vec::with_capacity(total);
        for p in &self.parts {
            out.extend(p.rows::<R>()?);
        }
        Ok(out)
    }

    /// Check that the inputs read now are the ones the parts were computed from.
    ///
    /// # Errors
    /// A file that differs, is missing or is new.
    pub fn check_inputs(&self, now: &[InputHash]) -> Result<()> {
        let m = self.manifest();
        if now != m.inputs.as_slice() {
            return Err(Error::Usage(format!(
                "{}: the inputs changed since the parts were computed: {}",
                self.parts[0].file,
                inputs_differ(&m.inputs, now)
            )));
        }
        Ok(())
    }
}

/// Arguments in backquotes, or "no options".
fn shown(args: &[String]) -> String {
    if args.is_empty() {
        "no options".into()
    } else {
        format!("`{}`", args.join(" "))
    }
}

/// Which input differs between two lists, in words.
fn inputs_differ(a: &[InputHash], b: &[InputHash]) -> String {
    let short = |h: &str| h.chars().take(12).collect::<String>();
    for x in a {
        match b.iter().find(|y| y.file == x.file) {
            None => return format!("{} is not among the other's inputs", x.file),
            Some(y) if y.sha256 != x.sha256 => {
                return format!(
                    "{} has sha256 {}…, not {}…",
                    x.file,
                    short(&y.sha256),
                    short(&x.sha256)
                );
            }
            Some(_) => {}
        }
    }
    match b.iter().find(|y| !a.iter().any(|x| x.file == y.file)) {
        Some(y) => format!("{} is an input of one only", y.file),
        None => "the inputs are listed in another order".into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn slices_are_contiguous_and_cover_every_row() {
        for total in [0usize, 1, 7, 59, 1000] {
            for n in [1usize, 2, 3, 8, 100] {
                let mut next = 0;
                for i in 0..n {
                    let r = Shard { index: i, count: n }.slice(total);
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn shard_parses_and_refuses() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        assert!(
            "4/4"
                .parse::<Shard>()
                .unwrap_err()
                .contains("does not exist")
        );
        assert!("0/0".parse::<Shard>().unwrap_err().contains("at least 1"));
        for bad in ["", "1", "a/b", "1/", "-1/3", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rows_round_trip_bit_for_bit() {
        let r = AccessRow {
            watt: Some(0.1 + 0.2),
            reached: 3,
            potentials: vec![f64::MIN_POSITIVE, 1e300, -0.0, f64::INFINITY],
            within: vec![(1, 1.0 / 3.0)],
        };
        let back = AccessRow::from_repr(
            serde_json::from_str(&serde_json::to_string(&r.to_repr()).unwrap()).unwrap(),
        );
        assert_eq!(back.watt.unwrap().to_bits(), r.watt.unwrap().to_bits());
        for (a, b) in back.potentials.iter().zip(&r.potentials) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        assert_eq!(back.within[0].1.to_bits(), r.within[0].1.to_bits());
    }
}
