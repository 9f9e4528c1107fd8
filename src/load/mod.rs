//! Reading inputs: units layers, links files, study files, and the embedded default dataset.
//!
//! Everything here validates as it reads and reports problems as [`crate::Error::Input`] with the
//! file, the feature or line, the field and the value.

pub mod dataset;
mod lines;
pub mod links;
pub mod roads;
pub mod study;
pub mod units;

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::Region;
pub use links::{RawLink, load_links};
pub use study::{
    CoreDef, FieldMap, ModeParams, NetworkParams, PopulationUnit, RoadParams, Study, TransferParams,
};
pub use units::{LoadOptions, load_units, members_of};

/// A file given by the user, or the embedded default.
#[derive(Debug, Clone)]
pub enum Source<'a> {
    /// A path on disk.
    Path(&'a Path),
    /// Embedded content with its display name.
    Embedded(&'static str, &'static str),
}

impl Source<'_> {
    /// Read the bytes and the name used in messages.
    pub fn read(&self) -> Result<(std::borrow::Cow<'static, [u8]>, String)> {
        match self {
            Source::Path(p) => {
                let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
                Ok((bytes.into(), p.display().to_string()))
            }
            Source::Embedded(name, text) => Ok((
                text.as_bytes().into(),
                format!("{}{name}", dataset::EMBEDDED_PREFIX),
            )),
        }
    }
}

/// The inputs of a study, loaded and checked.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The study.
    pub study: Study,
    /// Where the study came from.
    pub study_file: String,
    /// The units with their roles.
    pub region: Region,
    /// The links as read (not yet attached to units).
    pub links: Vec<RawLink>,
    /// Where the links came from.
    pub links_file: String,
    /// The road graph (`--roads`), when given: see [`Inputs::with_roads`].
    pub roads: Option<roads::RoadGraph>,
    /// Seats and names of the embedded 59-unit layer, to attach prefecture-level links to
    /// another layer.
    pub gazetteer: &'static dataset::Gazetteer,
    /// Every file read from disk (units, links, study, each file of the road graph): outputs
    /// must never replace one of them.
    pub read: Vec<std::path::PathBuf>,
}

impl Inputs {
    /// Read a road graph (timed with the study's `[roads]` speeds) into the inputs.
    ///
    /// # Errors
    /// See [`roads::load_roads`].
    pub fn with_roads(mut self, path: &Path) -> Result<Inputs> {
        self.roads = Some(roads::load_roads(path, &self.study.roads)?);
        self.read.extend(roads::files_of(path)?);
        Ok(self)
    }
}

/// Load a study, its units and its links; `None` means the embedded default for that part.
pub fn load_inputs(
    units: Option<&Path>,
    links: Option<&Path>,
    study: Option<&Path>,
    adjust: impl FnOnce(&mut Study),
    opts: LoadOptions,
) -> Result<Inputs> {
    let read: Vec<std::path::PathBuf> = [units, links, study]
        .into_iter()
        .flatten()
        .map(Path::to_path_buf)
        .collect();
    let study_src = study.map_or(
        Source::Embedded("study.toml", dataset::STUDY_TOML),
        Source::Path,
    );
    let (bytes, study_file) = study_src.read()?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        Error::input(
            &study_file,
            crate::Location::File,
            format!("not UTF-8: invalid byte at byte offset {}", e.valid_up_to()),
        )
    })?;
    let mut study = Study::from_toml(text, &study_file)?;
    adjust(&mut study);
    let units_src = units.map_or(
        Source::Embedded("units.geojson", dataset::UNITS_GEOJSON),
        Source::Path,
    );
    let (bytes, units_file) = units_src.read()?;
    let region = load_units(&bytes, &units_file, &study, opts)?;
    let links_src = links.map_or(
        Source::Embedded("links.csv", dataset::LINKS_CSV),
        Source::Path,
    );
    let (bytes, links_file) = links_src.read()?;
    let links = load_links(&bytes, &links_file)?;
    Ok(Inputs {
        study,
        study_file,
        region,
        links,
        links_file,
        roads: None,
        gazetteer: dataset::Gazetteer::embedded()?,
        read,
    })
}
