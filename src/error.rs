//! The library's error type.
//!
//! Every error that comes from bad input carries what a user needs to fix it: the file, the
//! place in the file (feature index and id, or CSV line), the field and the offending value.

use std::fmt;

/// Where in an input file a problem was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The whole file.
    File,
    /// A 1-based line (and optional 1-based column) of a text file.
    Line {
        /// 1-based line number.
        line: u64,
        /// 1-based column, when known.
        column: Option<u64>,
    },
    /// A GeoJSON feature: its 0-based index and, when known, its id.
    Feature {
        /// 0-based index in the `features` array.
        index: usize,
        /// The feature's id (for example its division code), when it could be read.
        id: Option<String>,
    },
    /// A named section or key of a configuration file.
    Key(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => Ok(()),
            Location::Line { line, column: None } => write!(f, "line {line}"),
            Location::Line {
                line,
                column: Some(c),
            } => write!(f, "line {line}, column {c}"),
            Location::Feature { index, id: None } => write!(f, "feature #{index}"),
            Location::Feature {
                index,
                id: Some(id),
            } => write!(f, "feature #{index} ({id})"),
            Location::Key(k) => write!(f, "{k}"),
        }
    }
}

/// A problem with an input file, precise enough to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The file (as the user named it, or `<embedded default>/…` for the shipped data).
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// The message, naming the field and the value.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Location::File => write!(f, "{}: {}", self.file, self.message),
            _ => write!(f, "{}: {}: {}", self.file, self.location, self.message),
        }
    }
}

/// The error type of every fallible function in this crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input data: the binary exits with code 1.
    #[error("{0}")]
    Input(Box<InputError>),
    /// A request that cannot be satisfied with valid data (for example an unknown unit name):
    /// exit code 1.
    #[error("{0}")]
    Usage(String),
    /// An analysis option whose value cannot be used with these inputs (for example a mass that
    /// needs GDP where units lack it): exit code 1. The message names options by
    /// [`Opt::key`]; a command-line tool renders them as its flags with
    /// [`OptionError::render`].
    #[error("{}", .0.render(|o, v| o.describe(v)))]
    Option(OptionError),
    /// Reading or writing a file failed: exit code 2.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A bad-input error at `location` of `file`.
    pub fn input(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Error::Input(Box::new(InputError {
            file: file.into(),
            location,
            message: message.into(),
        }))
    }

    /// True when the error is the user's input (exit code 1) rather than the environment.
    pub fn is_input(&self) -> bool {
        matches!(self, Error::Input(_) | Error::Usage(_) | Error::Option(_))
    }

    /// An I/O error on `path`; a missing file is the user's mistake ([`Error::Usage`], exit
    /// code 1: "`path`: no such file"), anything else the environment's ([`Error::Io`]).
    ///
    /// A directory where a file is needed, or a file where a directory is, is the user's
    /// mistake too, and says so in words.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        use std::io::ErrorKind;
        let shown = path.display().to_string();
        match source.kind() {
            ErrorKind::NotFound => Error::Usage(format!("{shown}: no such file")),
            ErrorKind::IsADirectory => {
                Error::Usage(format!("{shown}: is a directory, expected a file"))
            }
            ErrorKind::NotADirectory => Error::Usage(format!(
                "{shown}: a part of this path is a file, where a directory is needed"
            )),
            ErrorKind::AlreadyExists if path.is_file() => {
                Error::Usage(format!("{shown}: is a file, where a directory is needed"))
            }
            _ => Error::Io {
                path: shown,
                source,
            },
        }
    }
}

/// An option of an analysis, as named in an [`OptionError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Opt {
    /// The mass of accessibility and gravity measures.
    Mass,
    /// The time bands.
    Bands,
    /// The decay functions.
    Decay,
    /// Whether a unit's own mass counts in its potential.
    SelfPotential,
    /// The corridor tolerance ε.
    Epsilon,
    /// The search cut-off in minutes.
    MaxMinutes,
    /// The shortest-path kernel.
    Engine,
    /// The network kind.
    Network,
    /// The long (per-pair split) or wide output of a matrix.
    Wide,
    /// Links removed from the scenario.
    Drop,
    /// Links added to the scenario.
    Add,
    /// The study file.
    Study,
    /// The number of road nodes of a synthetic network.
    Nodes,
    /// The number of units of a synthetic network.
    Units,
    /// The per-unit measure of an equity analysis.
    Measure,
    /// The years of a timeline.
    Years,
    /// The number of Monte Carlo samples of a resilience analysis.
    Samples,
    /// The number of simultaneous failures per Monte Carlo sample.
    Failures,
}

impl Opt {
    /// The option's name in the library (`max_minutes`).
    pub fn key(self) -> &'static str {
        match self {
            Opt::Mass => "mass",
            Opt::Bands => "bands",
            Opt::Decay => "decay",
            Opt::SelfPotential => "self_potential",
            Opt::Epsilon => "epsilon",
            Opt::MaxMinutes => "max_minutes",
            Opt::Engine => "engine",
            Opt::Network => "network",
            Opt::Wide => "wide",
            Opt::Drop => "drop",
            Opt::Add => "add",
            Opt::Study => "study",
            Opt::Nodes => "nodes",
            Opt::Units => "units",
            Opt::Measure => "measure",
            Opt::Years => "years",
            Opt::Samples => "samples",
            Opt::Failures => "failures",
        }
    }

    /// The library's wording of the option with a value: `mass = pop`, or the option's key.
    pub fn describe(self, value: Option<&str>) -> String {
        match value {
            Some(v) => format!("{} = {v}", self.key()),
            None => format!("option {}", self.key()),
        }
    }
}

/// One piece of an [`OptionError`] message.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Opt(Opt, Option<String>),
}

/// A message about analysis options that names each option in a way its reader can render: the
/// library writes `mass = pop`, the command line `--mass pop`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OptionError {
    pieces: Vec<Piece>,
}

impl OptionError {
    /// An empty message; add pieces with [`OptionError::opt`] and [`OptionError::text`].
    pub fn new() -> Self {
        OptionError::default()
    }

    /// Append a reference to `option`, with a value when there is one.
    pub fn opt(mut self, option: Opt, value: Option<&str>) -> Self {
        self.pieces
            .push(Piece::Opt(option, value.map(str::to_string)));
        self
    }

    /// Append plain text.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.pieces.push(Piece::Text(text.into()));
        self
    }

    /// The options this message refers to, first first.
    pub fn options(&self) -> impl Iterator<Item = Opt> + '_ {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Opt(o, _) => Some(*o),
            Piece::Text(_) => None,
        })
    }

    /// The message, each option written by `name(option, value)`.
    pub fn render(&self, name: impl Fn(Opt, Option<&str>) -> String) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Opt(o, v) => name(*o, v.as_deref()),
            })
            .collect()
    }
}

impl From<OptionError> for Error {
    fn from(e: OptionError) -> Self {
        Error::Option(e)
    }
}

/// A number for a message, short at any magnitude: Rust's shortest round-trip form (`{}`,
/// `1440`, `0.25`, `-5`) from 10⁻⁶ to 10¹⁵, scientific notation beyond with at most six
/// significant digits (`1e300`, `2.5e-9`, `2.60870e299` as `2.6087e299`), so that `1e300` is
/// not written as 301 digits. `NaN`, `inf` and `-inf` as such.
///
/// # Examples
///
/// ```
/// use regionlink::error::show_number;
///
/// assert_eq!(show_number(1440.0), "1440");
/// assert_eq!(show_number(-0.25), "-0.25");
/// assert_eq!(show_number(1e300), "1e300");
/// assert_eq!(show_number(-1.5e20), "-1.5e20");
/// assert_eq!(show_number(2.5e-9), "2.5e-9");
/// assert_eq!(show_number(1e300 / 230.0 * 60.0), "2.6087e299");
/// assert_eq!(show_number(f64::INFINITY), "inf");
/// ```
pub fn show_number(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && a.is_finite() && !(1e-6..=1e15).contains(&a) {
        let s = format!("{x:.5e}");
        match s.split_once('e') {
            Some((mantissa, exp)) if mantissa.contains('.') => {
                let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
                format!("{mantissa}e{exp}")
            }
            _ => s,
        }
    } else {
        format!("{x}")
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
