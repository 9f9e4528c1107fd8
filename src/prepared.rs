//! Prepared networks: the frozen network of one study's inputs and options, its build report
//! and its contraction hierarchy in one versioned binary file (`regionlink prepare`), so that
//! later runs skip loading a road graph and contracting it.
//!
//! # The file
//! All integers little-endian:
//!
//! | part | bytes |
//! | --- | --- |
//! | magic | `RLNET\0\r\n` (8; the `\r\n` catches a text-mode copy) |
//! | format version | u32 ([`FORMAT_VERSION`]) |
//! | crate version | u32 length + UTF-8 (`0.1.0`) |
//! | header | u64 length + the [`Key`]: every input file's role, name and SHA-256, every parameter as key = value |
//! | header checksum | SHA-256 of the header (32) |
//! | payload | u64 length + the network's arrays and links, the build report, the hierarchy's arrays, a flag and (`--retimable`) each arc's slot and the triangles |
//! | payload checksum | SHA-256 of the payload (32) |
//!
//! [`read`] refuses, with one line naming the file: another magic (not a prepared network),
//! another format or crate version, a length that does not match the file's (truncated), a
//! checksum that does not match (corrupted), and a [`Key`] other than the run's — a parameter
//! (named by its key) or an input file (named by its role and path) that differs. Arrays are
//! decoded in one pass from a buffered reader with `from_le_bytes`, so the file's bytes are
//! never held twice, and checked ([`Network`] and [`Hierarchy`] bounds) before use, so even a
//! file forged with valid checksums cannot make a search index out of bounds.
//!
//! This module sits beside [`crate::analysis`]: its format holds both a [`Network`] and a
//! [`Hierarchy`], so it cannot live in `network` or `route`, and like the other formats it
//! reads and writes files.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::load::Study;
use crate::model::{LinkId, LinkStatus, Minutes, Mode, NodeId, TimeConvention, UnitId};
use crate::network::roads::{RoadReport, Snap};
use crate::network::{Arc, Attach, BuildReport, Link, Network, NetworkKind, Node, Scenario};
use crate::route::Hierarchy;

/// The first 8 bytes of a prepared-network file.
pub const MAGIC: [u8; 8] = *b"RLNET\0\r\n";

/// The version of the layout: a file of another version is refused.
pub const FORMAT_VERSION: u32 = 2;

/// The `[fields]` keys of the study that shape a network: see [`Key::params_of`].
const NETWORK_FIELDS: [&str; 5] = ["id", "parent", "codes_covered", "seat_lon", "seat_lat"];

/// One input file a prepared network was built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// What it is: `units`, `links`, `added links 1`, `road graph 1`, … (the study is not a
    /// file of the key: the settings of it that shape the network are its parameters, so a
    /// study that differs only in bands, cores or measures uses the same network).
    pub role: String,
    /// Its path as given (`<embedded>/data/…` for the shipped data).
    pub name: String,
    /// SHA-256 of its bytes.
    pub sha256: [u8; 32],
}

impl InputFile {
    /// The input `role` read from `path` (hashed in 1 MiB blocks).
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn of_file(role: &str, path: &Path) -> Result<InputFile> {
        Ok(InputFile {
            role: role.to_string(),
            name: path.display().to_string(),
            sha256: sha256_of_file(path)?,
        })
    }

    /// Its SHA-256 in lower-case hex.
    pub fn sha256_hex(&self) -> String {
        hex(&self.sha256)
    }

    /// The input `role` named `name` with these bytes (the embedded data).
    pub fn of_bytes(role: &str, name: &str, bytes: &[u8]) -> InputFile {
        InputFile {
            role: role.to_string(),
            name: name.to_string(),
            sha256: Sha256::digest(bytes).into(),
        }
    }
}

/// What a prepared network depends on: its input files and the parameters that shape it.
/// A run may use the file only when its own key is equal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Key {
    /// Every input file, in a fixed order of roles.
    pub inputs: Vec<InputFile>,
    /// (key, value) of every option and study setting the network depends on.
    pub params: Vec<(String, String)>,
}

impl Key {
    /// The parameters of a network of `kind` under `scenario`, timed by `time`, from a study
    /// loaded with `strict` validity checks: the options, then the study's `[fields]` that
    /// place nodes and attach links (id, parent, codes covered, seat), every setting of its
    /// `[network]` (speeds, station times, transfers,
    /// circuity, generated links) and `[roads]` (road speeds, connectors) as
    /// `study.<section>.<key>`. The `--add` files are inputs of the key, not parameters.
    pub fn params_of(
        study: &Study,
        scenario: &Scenario,
        kind: NetworkKind,
        time: TimeConvention,
        strict: bool,
    ) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = vec![
            ("network".into(), kind.as_str().into()),
            ("time".into(), time.as_str().into()),
            (
                "year".into(),
                scenario.year.map_or("none".into(), |y| y.to_string()),
            ),
            (
                "with".into(),
                if scenario.with_planned {
                    "planned"
                } else {
                    "none"
                }
                .into(),
            ),
            ("drop".into(), scenario.drop.join(",")),
            ("strict".into(), strict.to_string()),
        ];
        // Of the field mapping, what places the network's nodes and attaches its links: the
        // units' ids, parents and covered codes, and their seats. Names, population, GDP and
        // area are read afresh from the units layer on every run and shape no arc.
        let mut fields = Vec::new();
        flatten_debug("study.fields", &format!("{:#?}", study.fields), &mut fields);
        p.extend(fields.into_iter().filter(|(k, _)| {
            NETWORK_FIELDS
                .iter()
                .any(|f| k.strip_prefix("study.fields.") == Some(f))
        }));
        flatten_debug("study.network", &format!("{:#?}", study.network), &mut p);
        flatten_debug("study.roads", &format!("{:#?}", study.roads), &mut p);
        p
    }

    /// Whether a file with this key (`self`, from `file`) serves a run whose key is
    /// `expected`: parameters first (they name a key), then the input files.
    ///
    /// # Errors
    /// [`Error::Usage`] naming the first parameter or input that differs.
    pub fn check(&self, expected: &Key, file: &str) -> Result<()> {
        let refuse = |m: String| Err(Error::Usage(format!("{file}: {m}; run prepare again")));
        for (k, v) in &expected.params {
            match self.params.iter().find(|(pk, _)| pk == k) {
                Some((_, pv)) if pv == v => {}
                Some((_, pv)) => {
                    return refuse(format!(
                        "was prepared with {k} = {}, this run has {k} = {}",
                        shown(pv),
                        shown(v)
                    ));
                }
                None => return refuse(format!("was prepared without {k}, this run has {k} = {v}")),
            }
        }
        if let Some((k, _)) = self
            .params
            .iter()
            .find(|(k, _)| !expected.params.iter().any(|(e, _)| e == k))
        {
            return refuse(format!(
                "was prepared with {k}, which this run does not have"
            ));
        }
        for e in &expected.inputs {
            match self.inputs.iter().find(|i| i.role == e.role) {
                Some(i) if i.sha256 == e.sha256 => {}
                Some(i) => {
                    let base = Path::new(&i.name)
                        .file_name()
                        .map_or(i.name.clone(), |b| b.to_string_lossy().into_owned());
                    return refuse(format!(
                        "was prepared from another {base} (sha256 {}…), not {} (sha256 {}…)",
                        hex(&i.sha256[..6]),
                        e.name,
                        hex(&e.sha256[..6])
                    ));
                }
                None => {
                    return refuse(format!(
                        "was prepared without {} ({}), which this run reads",
                        e.name, e.role
                    ));
                }
            }
        }
        if let Some(i) = self
            .inputs
            .iter()
            .find(|i| !expected.inputs.iter().any(|e| e.role == i.role))
        {
            return refuse(format!(
                "was prepared with {} ({}), which this run does not read",
                i.name, i.role
            ));
        }
        Ok(())
    }
}

/// A value as written in a message (an empty list reads "nothing").
fn shown(v: &str) -> &str {
    if v.is_empty() { "(none)" } else { v }
}

/// The SHA-256 of the file at `path`, read in 1 MiB blocks. A process hashes each file once:
/// the digest is kept with the file's length and modification time, and a file changed since
/// is read again. (A sharded run on a prepared network checks its road graph against the
/// prepared file and records it in its part: one read of hundreds of MB, not two.)
///
/// # Errors
/// The file cannot be read.
pub fn sha256_of_file(path: &Path) -> Result<[u8; 32]> {
    type Seen = std::collections::HashMap<PathBuf, (u64, Option<std::time::SystemTime>, [u8; 32])>;
    static SEEN: std::sync::Mutex<Option<Seen>> = std::sync::Mutex::new(None);
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let stamp = (meta.len(), meta.modified().ok());
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let known = |seen: &Option<Seen>| {
        seen.as_ref()
            .and_then(|m| m.get(&key))
            .filter(|(len, time, _)| (*len, *time) == stamp)
            .map(|e| e.2)
    };
    if let Some(d) = known(
        &SEEN
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    ) {
        return Ok(d);
    }
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let k = f.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
    }
    let digest: [u8; 32] = h.finalize().into();
    SEEN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get_or_insert_with(Default::default)
        .insert(key, (stamp.0, stamp.1, digest));
    Ok(digest)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The leaves of a pretty-printed `Debug` value (`{:#?}`) as (`prefix.path.to.field`, value):
/// every field of a settings struct, nested structs and lists included, without listing them
/// by hand (a field added to the study is in the key the day it is added).
fn flatten_debug(prefix: &str, debug: &str, out: &mut Vec<(String, String)>) {
    let mut path: Vec<String> = vec![prefix.to_string()];
    let mut counters: Vec<usize> = vec![0];
    for line in debug.lines().skip(1) {
        let t = line.trim().trim_end_matches(',');
        if t.starts_with('}') || t.starts_with(']') || t.starts_with(')') {
            path.pop();
            counters.pop();
            continue;
        }
        let ident = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
        let (name, value) = match t.split_once(": ") {
            Some((n, v)) if ident(n) => (n.to_string(), v),
            _ => {
                let Some(c) = counters.last_mut() else {
                    continue;
                };
                *c += 1;
                ((*c - 1).to_string(), t)
            }
        };
        if value.ends_with('{') || value.ends_with('[') || value.ends_with('(') {
            path.push(name);
            counters.push(0);
        } else {
            out.push((format!("{}.{name}", path.join(".")), value.to_string()));
        }
    }
}

/// A prepared network, read back: what `build` and the contraction would have made.
#[derive(Debug)]
pub struct Prepared {
    /// The frozen network.
    pub network: Network,
    /// What building it did (links attached, road graph, snaps).
    pub report: BuildReport,
    /// Its contraction hierarchy (PHAST).
    pub hierarchy: Hierarchy,
    /// With `prepare --retimable`: what makes that hierarchy re-timable for the network with
    /// links removed ([`Prepared::into_retimable`]), which `resilience`, `timeline` and
    /// `scenario` need; checked against the hierarchy when read.
    retimable: Option<crate::route::Retiming>,
    /// What it was built from.
    pub key: Key,
}

impl Prepared {
    /// Whether it was prepared `--retimable`.
    pub fn is_retimable(&self) -> bool {
        self.retimable.is_some()
    }

    /// The network, its build report and its hierarchy made re-timable (the one hierarchy, not
    /// a copy).
    ///
    /// # Errors
    /// [`Error::Usage`] when it was prepared without `--retimable` (`command` re-times it for
    /// each of its networks), or when its hierarchy was replaced by one its re-timing arrays do
    /// not fit.
    pub fn into_retimable(
        self,
        command: &str,
    ) -> Result<(Network, BuildReport, crate::route::Customizable)> {
        let Some(r) = self.retimable else {
            return Err(Error::Usage(format!(
                "the prepared network was prepared without --retimable, and {command} re-times its hierarchy for each of its networks; run prepare again with --retimable"
            )));
        };
        let c = crate::route::Customizable::new(self.hierarchy, r, self.network.arc_count())
            .map_err(|e| Error::Usage(format!("the prepared network: {e}")))?;
        Ok((self.network, self.report, c))
    }
}

/// Write `network`, its build `report` and `hierarchy`, keyed by `key`, to `path` atomically
/// (a temporary file renamed when complete); `inputs` are paths the output must not replace.
/// Returns the bytes written.
///
/// # Errors
/// `path` is an input; writing fails.
pub fn write(
    path: &Path,
    inputs: &[PathBuf],
    network: &Network,
    report: &BuildReport,
    hierarchy: &Hierarchy,
    retimable: Option<&crate::route::Customizable>,
    key: &Key,
) -> Result<u64> {
    // The payload is encoded twice: once to count its bytes (its length comes first, so a
    // truncated file is told from a corrupted one), once into the file.
    let mut count = Out::new(std::io::sink());
    encode_payload(&mut count, network, report, hierarchy, retimable)
        .expect("writing to a sink cannot fail");
    let payload_len = count.len;
    let mut header = Out::new(Vec::new());
    encode_key(&mut header, key).expect("writing to a Vec cannot fail");
    let header = header.w;
    let mut total = 0;
    crate::export::write::write_atomic(path, inputs, |w| {
        let mut w = BufWriter::with_capacity(1 << 20, w);
        w.write_all(&MAGIC)?;
        w.write_all(&FORMAT_VERSION.to_le_bytes())?;
        let v = env!("CARGO_PKG_VERSION").as_bytes();
        w.write_all(&(v.len() as u32).to_le_bytes())?;
        w.write_all(v)?;
        w.write_all(&(header.len() as u64).to_le_bytes())?;
        w.write_all(&header)?;
        w.write_all(&Sha256::digest(&header))?;
        w.write_all(&payload_len.to_le_bytes())?;
        let mut out = Out::new(&mut w);
        out.hash = Some(Sha256::new());
        encode_payload(&mut out, network, report, hierarchy, retimable)?;
        let digest = out.hash.take().map(Sha256::finalize);
        if let Some(d) = digest {
            w.write_all(&d)?;
        }
        total = 8 + 4 + 4 + v.len() as u64 + 8 + header.len() as u64 + 32 + 8 + payload_len + 32;
        w.flush()
    })?;
    Ok(total)
}

/// Read a prepared network from `path`, refusing it unless it was written by this version
/// from inputs and parameters equal to `expected`'s.
///
/// # Errors
/// [`Error::Usage`] (one line naming the file) for anything but a complete, intact file of
/// this version with this key; [`Error::Io`] when reading fails.
pub fn read(path: &Path, expected: &Key) -> Result<Prepared> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let size = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut r = BufReader::with_capacity(1 << 20, file);
    let refuse = |m: &str| Error::Usage(format!("{name}: {m}"));
    let not_ours = || {
        refuse("not a prepared network (no RLNET signature; make one with `regionlink prepare`)")
    };
    let mut magic = [0u8; 8];
    r.read_exact(&mut magic).map_err(|_| not_ours())?;
    if magic != MAGIC {
        return Err(not_ours());
    }
    let mut fixed = In {
        r: &mut r,
        hash: None,
        left: size - 8,
        name: &name,
        short_is_truncated: true,
    };
    let version = fixed.u32()?;
    if version != FORMAT_VERSION {
        return Err(refuse(&format!(
            "prepared-network format version {version}, this regionlink reads version {FORMAT_VERSION}; run prepare again"
        )));
    }
    let vlen = fixed.u32()? as usize;
    if vlen > 64 {
        return Err(refuse(
            "corrupted: its version string is longer than 64 bytes",
        ));
    }
    let crate_version = fixed.bytes(vlen)?;
    let mine = env!("CARGO_PKG_VERSION");
    if crate_version != mine.as_bytes() {
        return Err(refuse(&format!(
            "written by regionlink {}, this is {mine}; run prepare again",
            String::from_utf8_lossy(&crate_version)
        )));
    }
    let header_len = fixed.u64()?;
    let before_header = 8 + 4 + 4 + vlen as u64 + 8;
    if header_len > size.saturating_sub(before_header + 32 + 8) {
        return Err(refuse(&format!(
            "truncated: {size} bytes, fewer than its header of {header_len} bytes needs"
        )));
    }
    let header = fixed.bytes(header_len as usize)?;
    let sum = fixed.bytes(32)?;
    if Sha256::digest(&header)[..] != sum[..] {
        return Err(refuse(
            "corrupted: the header's checksum does not match (the file was changed after it was written)",
        ));
    }
    let payload_len = fixed.u64()?;
    let total = (before_header + header_len + 32 + 8)
        .checked_add(payload_len)
        .and_then(|t| t.checked_add(32));
    match total {
        Some(t) if t == size => {}
        Some(t) if t > size => {
            return Err(refuse(&format!("truncated: {size} bytes, expected {t}")));
        }
        Some(t) => {
            return Err(refuse(&format!(
                "{size} bytes, expected {t}: data after the end of the prepared network"
            )));
        }
        None => return Err(refuse("corrupted: its payload length is impossible")),
    }
    let mut h = In {
        r: &mut header.as_slice(),
        hash: None,
        left: header_len,
        name: &name,
        short_is_truncated: false,
    };
    let key = decode_key(&mut h)?;
    key.check(expected, &name)?;
    let mut p = In {
        r: &mut r,
        hash: Some(Sha256::new()),
        left: payload_len,
        name: &name,
        short_is_truncated: false,
    };
    let decoded = decode_payload(&mut p);
    let left = p.left;
    let digest = p.hash.take().map(Sha256::finalize);
    let mut sum = [0u8; 32];
    r.read_exact(&mut sum).map_err(|_| refuse("truncated"))?;
    if left != 0 || digest.is_none_or(|d| d[..] != sum[..]) {
        return Err(refuse(
            "corrupted: the payload's checksum does not match (the file was changed after it was written)",
        ));
    }
    let (network, report, hierarchy, retimable) = decoded?;
    Ok(Prepared {
        network,
        report,
        hierarchy,
        retimable,
        key,
    })
}

/// A writer that counts (and optionally hashes) what it writes.
struct Out<W: Write> {
    w: W,
    hash: Option<Sha256>,
    len: u64,
}

type Io = std::io::Result<()>;

impl<W: Write> Out<W> {
    fn new(w: W) -> Self {
        Out {
            w,
            hash: None,
            len: 0,
        }
    }
    fn bytes(&mut self, b: &[u8]) -> Io {
        self.w.write_all(b)?;
        if let Some(h) = &mut self.hash {
            h.update(b);
        }
        self.len += b.len() as u64;
        Ok(())
    }
    fn u8(&mut self, v: u8) -> Io {
        self.bytes(&[v])
    }
    fn u32(&mut self, v: u32) -> Io {
        self.bytes(&v.to_le_bytes())
    }
    fn u64(&mut self, v: u64) -> Io {
        self.bytes(&v.to_le_bytes())
    }
    fn usize(&mut self, v: usize) -> Io {
        self.u64(v as u64)
    }
    fn f64(&mut self, v: f64) -> Io {
        self.bytes(&v.to_le_bytes())
    }
    fn str(&mut self, s: &str) -> Io {
        self.u32(s.len() as u32)?;
        self.bytes(s.as_bytes())
    }
    fn opt_str(&mut self, s: Option<&str>) -> Io {
        match s {
            Some(s) => {
                self.u8(1)?;
                self.str(s)
            }
            None => self.u8(0),
        }
    }
    fn opt_i32(&mut self, v: Option<i32>) -> Io {
        match v {
            Some(v) => {
                self.u8(1)?;
                self.bytes(&v.to_le_bytes())
            }
            None => self.u8(0),
        }
    }
    fn opt_f64(&mut self, v: Option<f64>) -> Io {
        match v {
            Some(v) => {
                self.u8(1)?;
                self.f64(v)
            }
            None => self.u8(0),
        }
    }
    /// A counted array of fixed-size records, encoded in blocks.
    fn records<T>(&mut self, v: &[T], size: usize, f: impl Fn(&T, &mut Vec<u8>)) -> Io {
        self.usize(v.len())?;
        let mut buf = Vec::with_capacity(size * 4096);
        for chunk in v.chunks(4096) {
            buf.clear();
            for x in chunk {
                f(x, &mut buf);
            }
            self.bytes(&buf)?;
        }
        Ok(())
    }
    fn u32s(&mut self, v: &[u32]) -> Io {
        self.records(v, 4, |x, b| b.extend_from_slice(&x.to_le_bytes()))
    }
    fn pairs(&mut self, v: &[(f64, u32)]) -> Io {
        self.records(v, 12, |(w, h), b| {
            b.extend_from_slice(&w.to_le_bytes());
            b.extend_from_slice(&h.to_le_bytes());
        })
    }
}

/// A reader of a bounded part of the file: every array's declared size is checked against
/// the bytes left before anything is allocated.
struct In<'a, R: Read> {
    r: &'a mut R,
    hash: Option<Sha256>,
    left: u64,
    name: &'a str,
    /// Whether running past `left` means the file is too short (its fixed part, bounded by
    /// the file's length) rather than corrupted (a part of a length it declares itself).
    short_is_truncated: bool,
}

impl<R: Read> In<'_, R> {
    fn corrupted(&self, what: &str) -> Error {
        Error::Usage(format!("{}: corrupted: {what}", self.name))
    }
    fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
        if buf.len() as u64 > self.left {
            if self.short_is_truncated {
                return Err(Error::Usage(format!("{}: truncated", self.name)));
            }
            return Err(self.corrupted("a field runs past the end of its part of the file"));
        }
        self.r.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Error::Usage(format!("{}: truncated", self.name)),
            _ => Error::Io {
                path: self.name.to_string(),
                source: e,
            },
        })?;
        if let Some(h) = &mut self.hash {
            h.update(&*buf);
        }
        self.left -= buf.len() as u64;
        Ok(())
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        self.fill(&mut b)?;
        Ok(b)
    }
    fn bytes(&mut self, n: usize) -> Result<Vec<u8>> {
        if n as u64 > self.left {
            if self.short_is_truncated {
                return Err(Error::Usage(format!("{}: truncated", self.name)));
            }
            return Err(self.corrupted("a field runs past the end of its part of the file"));
        }
        let mut b = vec![0u8; n];
        self.fill(&mut b)?;
        Ok(b)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn bool(&mut self) -> Result<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(self.corrupted("a flag is neither 0 nor 1")),
        }
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    fn usize(&mut self) -> Result<usize> {
        usize::try_from(self.u64()?).map_err(|_| self.corrupted("a count beyond this machine's"))
    }
    fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.array()?))
    }
    fn str(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        let b = self.bytes(n)?;
        String::from_utf8(b).map_err(|_| self.corrupted("a text is not UTF-8"))
    }
    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<Option<T>> {
        if self.bool()? {
            Ok(Some(f(self)?))
        } else {
            Ok(None)
        }
    }
    fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_le_bytes(self.array()?))
    }
    /// A count of records of `size` bytes each, no more than the bytes left can hold.
    fn count(&mut self, size: u64) -> Result<usize> {
        let n = self.u64()?;
        if n.checked_mul(size).is_none_or(|b| b > self.left) {
            return Err(self.corrupted("an array is longer than the file"));
        }
        Ok(n as usize)
    }
    /// A counted array of fixed-size records, decoded in blocks.
    fn records<T>(&mut self, size: usize, f: impl Fn(&[u8]) -> Option<T>) -> Result<Vec<T>> {
        let n = self.count(size as u64)?;
        let mut out = Vec::with_capacity(n);
        let mut buf = vec![0u8; size * n.clamp(1, 4096)];
        let mut done = 0;
        while done < n {
            let k = (n - done).min(4096);
            let b = &mut buf[..k * size];
            self.fill(b)?;
            for rec in b.chunks_exact(size) {
                out.push(f(rec).ok_or_else(|| self.corrupted("a record out of range"))?);
            }
            done += k;
        }
        Ok(out)
    }
    fn u32s(&mut self) -> Result<Vec<u32>> {
        self.records(4, |b| Some(u32::from_le_bytes(b.try_into().ok()?)))
    }
    fn pairs(&mut self) -> Result<Vec<(f64, u32)>> {
        self.records(12, |b| {
            Some((
                f64::from_le_bytes(b[..8].try_into().ok()?),
                u32::from_le_bytes(b[8..].try_into().ok()?),
            ))
        })
    }
}

const KINDS: [NetworkKind; 4] = [
    NetworkKind::Combined,
    NetworkKind::Road,
    NetworkKind::Rail,
    NetworkKind::Composite,
];
const ATTACH: [Attach; 3] = [Attach::Code, Attach::Location, Attach::Generated];

fn index_of<T: PartialEq>(all: &[T], x: &T) -> u8 {
    all.iter().position(|a| a == x).unwrap_or(0) as u8
}

fn encode_key<W: Write>(o: &mut Out<W>, key: &Key) -> Io {
    o.usize(key.inputs.len())?;
    for i in &key.inputs {
        o.str(&i.role)?;
        o.str(&i.name)?;
        o.bytes(&i.sha256)?;
    }
    o.usize(key.params.len())?;
    for (k, v) in &key.params {
        o.str(k)?;
        o.str(v)?;
    }
    Ok(())
}

fn decode_key<R: Read>(i: &mut In<'_, R>) -> Result<Key> {
    let n = i.count(4 + 4 + 32)?;
    let mut inputs = Vec::with_capacity(n);
    for _ in 0..n {
        inputs.push(InputFile {
            role: i.str()?,
            name: i.str()?,
            sha256: i.array()?,
        });
    }
    let n = i.count(8)?;
    let mut params = Vec::with_capacity(n);
    for _ in 0..n {
        params.push((i.str()?, i.str()?));
    }
    Ok(Key { inputs, params })
}

fn encode_payload<W: Write>(
    o: &mut Out<W>,
    net: &Network,
    r: &BuildReport,
    h: &Hierarchy,
    retimable: Option<&crate::route::Customizable>,
) -> Io {
    let n = net.to_parts();
    o.u8(index_of(&KINDS, &n.kind))?;
    o.records(n.nodes, 10, |node, b| {
        let (tag, mode, a, c) = match *node {
            Node::Unit(u) => (0u8, 0u8, u.0, 0u32),
            Node::Station(u, m, line) => (1, index_of(&Mode::ALL, &m), u.0, line),
            Node::Road(i) => (2, 0, i, 0),
        };
        b.push(tag);
        b.push(mode);
        b.extend_from_slice(&a.to_le_bytes());
        b.extend_from_slice(&c.to_le_bytes());
    })?;
    o.records(n.unit_nodes, 4, |u, b| {
        b.extend_from_slice(&u.0.to_le_bytes())
    })?;
    o.u32s(n.offsets)?;
    o.pairs(n.packed)?;
    // Each arc's link (its minutes are the packed array's): u32::MAX for none.
    o.records(n.arcs, 4, |a, b| {
        b.extend_from_slice(&a.link.map_or(u32::MAX, |l| l.0).to_le_bytes());
    })?;
    o.usize(n.links.len())?;
    for l in n.links {
        encode_link(o, l)?;
    }
    encode_report(o, r)?;
    let hp = h.to_parts();
    o.u32s(hp.up_offsets)?;
    o.pairs(hp.up)?;
    o.u32s(hp.down_offsets)?;
    o.pairs(hp.down)?;
    o.u32s(hp.position)?;
    o.usize(hp.shortcuts)?;
    o.usize(hp.rounds)?;
    match retimable {
        None => o.u8(0),
        Some(c) => {
            let (slots, triangles) = c.retiming().parts();
            o.u8(1)?;
            o.u32s(slots)?;
            o.records(triangles, 12, |t, b| {
                for x in t {
                    b.extend_from_slice(&x.to_le_bytes());
                }
            })
        }
    }
}

/// A prepared file's payload: the network, its build report, its hierarchy, and the re-timable
/// form of that hierarchy when it was prepared with `--retimable`.
type Payload = (
    Network,
    BuildReport,
    Hierarchy,
    Option<crate::route::Retiming>,
);

fn decode_payload<R: Read>(i: &mut In<'_, R>) -> Result<Payload> {
    let kind = *KINDS
        .get(i.u8()? as usize)
        .ok_or_else(|| i.corrupted("an unknown network kind"))?;
    let nodes = i.records(10, |b| {
        let a = UnitId(u32::from_le_bytes(b[2..6].try_into().ok()?));
        let c = u32::from_le_bytes(b[6..10].try_into().ok()?);
        match b[0] {
            0 => Some(Node::Unit(a)),
            1 => Some(Node::Station(a, *Mode::ALL.get(b[1] as usize)?, c)),
            2 => Some(Node::Road(a.0)),
            _ => None,
        }
    })?;
    let unit_nodes = i.u32s()?.into_iter().map(NodeId).collect::<Vec<NodeId>>();
    let offsets = i.u32s()?;
    let packed = i.pairs()?;
    let arc_links = i.u32s()?;
    if arc_links.len() != packed.len() {
        return Err(i.corrupted("the arc arrays differ in length"));
    }
    let arcs: Vec<Arc> = packed
        .iter()
        .zip(&arc_links)
        .map(|(&(minutes, _), &l)| Arc {
            minutes,
            link: (l != u32::MAX).then_some(LinkId(l)),
        })
        .collect();
    drop(arc_links);
    let n = i.count(1)?;
    let mut links = Vec::with_capacity(n);
    for _ in 0..n {
        links.push(decode_link(i)?);
    }
    let report = decode_report(i)?;
    let network = Network::from_parts(kind, nodes, unit_nodes, offsets, packed, arcs, links)
        .map_err(|e| i.corrupted(&e.to_string()))?;
    let up_offsets = i.u32s()?;
    let up = i.pairs()?;
    let down_offsets = i.u32s()?;
    let down = i.pairs()?;
    let position = i.u32s()?;
    let shortcuts = i.usize()?;
    let rounds = i.usize()?;
    if position.len() != network.node_count() {
        return Err(i.corrupted("the hierarchy has another node count than the network"));
    }
    let hierarchy = Hierarchy::from_parts(
        up_offsets,
        up,
        down_offsets,
        down,
        position,
        shortcuts,
        rounds,
    )
    .map_err(|e| i.corrupted(&e))?;
    let retimable = match i.u8()? {
        0 => None,
        1 => {
            let slots = i.u32s()?;
            let triangles = i.records(12, |b| {
                let at = |k: usize| Some(u32::from_le_bytes(b[k..k + 4].try_into().ok()?));
                Some([at(0)?, at(4)?, at(8)?])
            })?;
            Some(
                crate::route::Retiming::from_parts(
                    &hierarchy,
                    network.arc_count(),
                    slots,
                    triangles,
                )
                .map_err(|e| i.corrupted(&e))?,
            )
        }
        _ => return Err(i.corrupted("an unknown re-timing flag")),
    };
    Ok((network, report, hierarchy, retimable))
}

fn encode_link<W: Write>(o: &mut Out<W>, l: &Link) -> Io {
    o.u32(l.id.0)?;
    o.str(&l.link_id)?;
    o.opt_str(l.line_id.as_deref())?;
    o.opt_str(l.line_name.as_deref())?;
    o.opt_str(l.line_name_zh.as_deref())?;
    o.u32(l.from.0)?;
    o.u32(l.to.0)?;
    o.str(&l.from_code)?;
    o.str(&l.to_code)?;
    o.u8(index_of(&ATTACH, &l.attach.0))?;
    o.u8(index_of(&ATTACH, &l.attach.1))?;
    o.u8(index_of(&Mode::ALL, &l.mode))?;
    o.u8(index_of(&LinkStatus::ALL, &l.status))?;
    o.opt_i32(l.opening_year)?;
    o.opt_i32(l.planned_year)?;
    o.f64(l.minutes.0)?;
    o.str(&l.time_source)?;
    o.u8(u8::from(l.estimate))?;
    o.opt_f64(l.length_km)?;
    o.u8(u8::from(l.generated))
}

fn decode_link<R: Read>(i: &mut In<'_, R>) -> Result<Link> {
    let attach = |i: &mut In<'_, R>| -> Result<Attach> {
        let k = i.u8()? as usize;
        ATTACH
            .get(k)
            .copied()
            .ok_or_else(|| i.corrupted("an unknown link attachment"))
    };
    Ok(Link {
        id: LinkId(i.u32()?),
        link_id: i.str()?,
        line_id: i.opt(In::str)?,
        line_name: i.opt(In::str)?,
        line_name_zh: i.opt(In::str)?,
        from: UnitId(i.u32()?),
        to: UnitId(i.u32()?),
        from_code: i.str()?,
        to_code: i.str()?,
        attach: (attach(i)?, attach(i)?),
        mode: {
            let k = i.u8()? as usize;
            *Mode::ALL
                .get(k)
                .ok_or_else(|| i.corrupted("an unknown mode"))?
        },
        status: {
            let k = i.u8()? as usize;
            *LinkStatus::ALL
                .get(k)
                .ok_or_else(|| i.corrupted("an unknown link status"))?
        },
        opening_year: i.opt(In::i32)?,
        planned_year: i.opt(In::i32)?,
        minutes: Minutes(i.f64()?),
        time_source: i.str()?,
        estimate: i.bool()?,
        length_km: i.opt(In::f64)?,
        generated: i.bool()?,
    })
}

fn encode_report<W: Write>(o: &mut Out<W>, r: &BuildReport) -> Io {
    o.usize(r.links_in_file)?;
    o.usize(r.links_in_service)?;
    o.usize(r.ends_by_code)?;
    o.usize(r.ends_by_location.len())?;
    for (a, b, c) in &r.ends_by_location {
        o.str(a)?;
        o.str(b)?;
        o.str(c)?;
    }
    o.usize(r.collapsed.len())?;
    for c in &r.collapsed {
        o.str(c)?;
    }
    o.usize(r.parallel.len())?;
    for (a, b) in &r.parallel {
        o.str(a)?;
        o.str(b)?;
    }
    o.usize(r.by_mode.len())?;
    for (m, k) in &r.by_mode {
        o.str(m)?;
        o.usize(*k)?;
    }
    o.usize(r.generated_contiguity)?;
    o.usize(r.generated_nearest)?;
    match &r.roads {
        None => o.u8(0),
        Some(g) => {
            o.u8(1)?;
            o.str(&g.source)?;
            for v in [
                g.nodes_read,
                g.edges_read,
                g.edges_no_car,
                g.components,
                g.nodes_kept,
                g.nodes_dropped,
                g.arcs_kept,
            ] {
                o.usize(v)?;
            }
            o.records(&g.snaps, 32, |s, b| {
                b.extend_from_slice(&s.unit.0.to_le_bytes());
                b.extend_from_slice(&s.road_node.to_le_bytes());
                b.extend_from_slice(&s.road_node_id.to_le_bytes());
                b.extend_from_slice(&s.km.to_le_bytes());
                b.extend_from_slice(&s.minutes.to_le_bytes());
            })?;
            o.f64(g.snap_warn_km)
        }
    }
}

fn decode_report<R: Read>(i: &mut In<'_, R>) -> Result<BuildReport> {
    let links_in_file = i.usize()?;
    let links_in_service = i.usize()?;
    let ends_by_code = i.usize()?;
    let n = i.count(12)?;
    let mut ends_by_location = Vec::with_capacity(n);
    for _ in 0..n {
        ends_by_location.push((i.str()?, i.str()?, i.str()?));
    }
    let n = i.count(4)?;
    let mut collapsed = Vec::with_capacity(n);
    for _ in 0..n {
        collapsed.push(i.str()?);
    }
    let n = i.count(8)?;
    let mut parallel = Vec::with_capacity(n);
    for _ in 0..n {
        parallel.push((i.str()?, i.str()?));
    }
    let n = i.count(12)?;
    let mut by_mode = std::collections::BTreeMap::new();
    for _ in 0..n {
        let m = i.str()?;
        by_mode.insert(m, i.usize()?);
    }
    let generated_contiguity = i.usize()?;
    let generated_nearest = i.usize()?;
    let roads = i.opt(|i| {
        let source = i.str()?;
        let mut v = [0usize; 7];
        for x in &mut v {
            *x = i.usize()?;
        }
        let snaps = i.records(32, |b| {
            Some(Snap {
                unit: UnitId(u32::from_le_bytes(b[0..4].try_into().ok()?)),
                road_node: u32::from_le_bytes(b[4..8].try_into().ok()?),
                road_node_id: i64::from_le_bytes(b[8..16].try_into().ok()?),
                km: f64::from_le_bytes(b[16..24].try_into().ok()?),
                minutes: f64::from_le_bytes(b[24..32].try_into().ok()?),
            })
        })?;
        Ok(RoadReport {
            source,
            nodes_read: v[0],
            edges_read: v[1],
            edges_no_car: v[2],
            components: v[3],
            nodes_kept: v[4],
            nodes_dropped: v[5],
            arcs_kept: v[6],
            snaps,
            snap_warn_km: i.f64()?,
        })
    })?;
    Ok(BuildReport {
        links_in_file,
        links_in_service,
        ends_by_code,
        ends_by_location,
        collapsed,
        parallel,
        by_mode,
        generated_contiguity,
        generated_nearest,
        roads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_names_nested_fields() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Inner {
            speed_kmh: f64,
        }
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Outer {
            hsr: Inner,
            k: usize,
            list: Vec<String>,
            bbox: Option<[f64; 2]>,
        }
        let o = Outer {
            hsr: Inner { speed_kmh: 250.0 },
            k: 3,
            list: vec!["a: b".into()],
            bbox: Some([1.0, 2.0]),
        };
        let mut out = Vec::new();
        flatten_debug("s", &format!("{o:#?}"), &mut out);
        let keys: Vec<(&str, &str)> = out.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            keys,
            [
                ("s.hsr.speed_kmh", "250.0"),
                ("s.k", "3"),
                ("s.list.0", "\"a: b\""),
                ("s.bbox.0.0", "1.0"),
                ("s.bbox.0.1", "2.0"),
            ]
        );
    }
}
