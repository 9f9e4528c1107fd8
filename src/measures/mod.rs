//! Indicators computed on the network, one file per family. `par` is where rayon fans out.
//!
//! Shared vocabulary: the [`Mass`] of a unit (population, GDP or their geometric mean) used by
//! accessibility, gravity and weighting.

pub mod access;
pub mod centrality;
pub mod corridor;
pub mod decay;
pub mod equity;
pub mod linkage;
pub mod par;
pub mod reach;
pub mod resilience;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::Region;

/// The "mass" (size) of a unit in accessibility and gravity measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Mass {
    /// Population, 10⁴ people (complete in the default data).
    #[default]
    Pop,
    /// GDP, 10⁸ yuan.
    Gdp,
    /// √(GDP · POP), GDP in 10⁸ yuan and POP in 10⁴ people.
    #[value(name = "pop_gdp")]
    PopGdp,
}

impl Mass {
    /// The lower-case name used in options and output columns.
    pub fn as_str(self) -> &'static str {
        match self {
            Mass::Pop => "pop",
            Mass::Gdp => "gdp",
            Mass::PopGdp => "pop_gdp",
        }
    }

    /// What the mass is, with its unit, for reports.
    pub fn describe(self) -> &'static str {
        match self {
            Mass::Pop => "population (10⁴ people)",
            Mass::Gdp => "GDP (10⁸ yuan)",
            Mass::PopGdp => "√(GDP · population) (GDP in 10⁸ yuan, population in 10⁴ people)",
        }
    }

    /// Whether this mass needs GDP.
    pub fn needs_gdp(self) -> bool {
        !matches!(self, Mass::Pop)
    }
}

/// The mass of every unit, in unit order.
///
/// # Errors
/// [`Error::Usage`] naming every unit without GDP when the mass needs GDP, with a hint to use
/// `--mass pop`.
pub fn masses(region: &Region, mass: Mass) -> Result<Vec<f64>> {
    if mass.needs_gdp() {
        let missing: Vec<String> = region
            .units
            .iter()
            .filter(|u| u.gdp_100m_cny.is_none())
            .map(|u| format!("{} ({})", u.name, u.code))
            .collect();
        if !missing.is_empty() {
            return Err(Error::Usage(format!(
                "--mass {} needs GDP, but {} of {} units have none: {}; use --mass pop, or add their GDP to {}",
                mass.as_str(),
                missing.len(),
                region.len(),
                missing.join(", "),
                region.source
            )));
        }
    }
    Ok(region
        .units
        .iter()
        .map(|u| {
            let g = u.gdp_100m_cny.unwrap_or(0.0);
            match mass {
                Mass::Pop => u.population_10k,
                Mass::Gdp => g,
                Mass::PopGdp => (g * u.population_10k).sqrt(),
            }
        })
        .collect())
}
