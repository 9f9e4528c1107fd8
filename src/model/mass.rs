//! The "mass" (size) of a unit in accessibility and gravity measures.

use serde::{Deserialize, Serialize};

use crate::error::{Opt, OptionError, Result};
use crate::model::Region;

/// The "mass" (size) of a unit in accessibility and gravity measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Mass {
    /// Population, 10⁴ people (complete in the default data).
    #[default]
    Pop,
    /// GDP, 10⁸ yuan.
    Gdp,
    /// √(GDP · POP), GDP in 10⁸ yuan and POP in 10⁴ people.
    #[cfg_attr(feature = "cli", value(name = "pop_gdp"))]
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

impl Mass {
    /// The mass of every unit, in unit order.
    ///
    /// # Errors
    /// [`crate::Error::Option`] naming every unit without GDP when the mass needs GDP.
    pub fn values(self, region: &Region) -> Result<Vec<f64>> {
        let mass = self;
        if mass.needs_gdp() {
            let missing: Vec<String> = region
                .units
                .iter()
                .filter(|u| u.gdp_100m_cny.is_none())
                .map(|u| format!("{} ({})", u.name, u.code))
                .collect();
            if !missing.is_empty() {
                return Err(OptionError::new()
                    .opt(Opt::Mass, Some(mass.as_str()))
                    .text(format!(
                        " needs GDP, but {} of {} units have none: {}; use ",
                        missing.len(),
                        region.len(),
                        missing.join(", ")
                    ))
                    .opt(Opt::Mass, Some(Mass::Pop.as_str()))
                    .text(format!(", or add their GDP to {}", region.source))
                    .into());
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
}
