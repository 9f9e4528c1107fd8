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
    /// A request that cannot be satisfied with valid data (for example an unknown unit name on
    /// the command line, or a measure that needs GDP where units lack it): exit code 1.
    #[error("{0}")]
    Usage(String),
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
        matches!(self, Error::Input(_) | Error::Usage(_))
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
