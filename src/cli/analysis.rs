//! The measures of the reach / access / corridor commands, computed once from the options.

use anyhow::Result;
use clap::Args;

use crate::cli::args::{InputArgs, ScenarioArgs};
use regionlink::export::table::{Cell, Table};
use regionlink::load::Inputs;
use regionlink::measures::access::{
    AccessRow, AccessSpec, Daily, daily_of, internal_time_min, matrix_times, watt_coefficient,
};
use regionlink::measures::corridor::{Corridor, corridor};
use regionlink::measures::par::{accessibility, travel_time_matrix};
use regionlink::measures::reach::{CoreTimes, core_times};
use regionlink::model::Decay;
use regionlink::model::Mass;
use regionlink::model::Mode;
use regionlink::network::{Network, NetworkKind};
use regionlink::route::{EngineKind, Matrix};

/// Options of the measures (each overrides the study's `[measures]` / `bands_min`).
#[derive(Debug, Clone, Args)]
pub struct MeasureArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Scenario.
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Which network the travel times come from (composite = √(road × rail)).
    #[arg(long, value_enum, default_value_t = NetworkKind::Combined)]
    pub network: NetworkKind,
    /// Time bands, minutes, comma-separated [default: the study's bands_min, 60,120,180].
    #[arg(long, value_name = "MIN,…", value_delimiter = ',')]
    pub bands: Vec<f64>,
    /// Mass of accessibility measures: pop (10⁴ people), gdp (10⁸ yuan), pop_gdp = √(GDP·POP)
    /// [default: the study's measures.mass, pop].
    #[arg(long, value_enum)]
    pub mass: Option<Mass>,
    /// Decay functions of potential accessibility, comma-separated: power:a, exp:β, gauss:σ,
    /// logistic:t0:k, step:T (minutes) [default: the study's, power:1,power:1.5].
    #[arg(long, value_name = "SPEC,…", value_delimiter = ',')]
    pub decay: Vec<String>,
    /// Include each unit's own mass at its internal time ⅓·√(area/π) at road speed
    /// [default: the study's measures.self_potential, on].
    #[arg(long, value_name = "on|off", value_parser = parse_on_off)]
    pub self_potential: Option<bool>,
    /// Corridor tolerance ε: T(C→i) + T(i→Q) ≤ (1 + ε) T(C→Q) [default: the study's, 0.25].
    #[arg(long, value_name = "ε")]
    pub epsilon: Option<f64>,
}

fn parse_on_off(s: &str) -> std::result::Result<bool, String> {
    match s {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("\"{s}\": expected on or off")),
    }
}

/// Why `--engine phast` is refused on the composite network.
pub const COMPOSITE_NOT_PHAST: &str = "--engine phast: the composite network's times combine two networks' full matrices; use --engine auto or dijkstra";

/// Everything the measure commands show, computed once.
#[derive(Debug)]
pub struct Analysis {
    /// The inputs.
    pub inputs: Inputs,
    /// The network (for `composite`, the combined network; times come from the matrix).
    pub net: Network,
    /// The travel-time matrix (`None` for the streaming accessibility of `access`).
    pub matrix: Option<Matrix>,
    /// The search cut-off of the accessibility measures, minutes (`access --max-minutes`).
    pub limit: Option<f64>,
    /// The kernel that computed the accessibility rows ("Dijkstra" or PHAST).
    pub engine: &'static str,
    /// Times from each core (multi-source).
    pub cores: Vec<CoreTimes>,
    /// The bands, minutes.
    pub bands: Vec<f64>,
    /// The mass used.
    pub mass: Mass,
    /// WATT per unit, minutes.
    pub watt: Vec<Option<f64>>,
    /// WATT / mean WATT.
    pub watt_coef: Vec<Option<f64>>,
    /// Potential per decay, per unit.
    pub potentials: Vec<(Decay, Vec<f64>)>,
    /// Internal times of the self-potential, minutes (`None` when off).
    pub self_times: Option<Vec<f64>>,
    /// Daily accessibility per unit and band.
    pub daily: Vec<Vec<Daily>>,
    /// The corridor between the first two cores (when there are two).
    pub corridor: Option<Corridor>,
    /// Which network the times come from.
    pub network: NetworkKind,
    /// Which links are in service, in words.
    pub scenario: String,
}

impl Analysis {
    /// Compute everything from the options, the unit × unit travel-time matrix included.
    pub fn compute(a: &MeasureArgs) -> Result<Analysis> {
        Analysis::compute_with(
            a,
            true,
            None,
            EngineKind::Dijkstra,
            &regionlink::progress::Silent,
        )
    }

    /// The travel-time matrix.
    ///
    /// # Errors
    /// When the analysis was computed without it (streaming accessibility).
    pub fn matrix(&self) -> regionlink::Result<&Matrix> {
        self.matrix.as_ref().ok_or_else(|| {
            regionlink::Error::Usage("this analysis was computed without the OD matrix".into())
        })
    }

    /// Compute the accessibility measures (and core times), streaming: each origin's tree is
    /// reduced at once to its row, no matrix is kept (`with_matrix` false), and each search
    /// stops at `limit` minutes, with the kernel `engine` chooses (see
    /// [`crate::cli::prepare_engine`]; notes on stderr unless `quiet`). `progress` counts the
    /// nodes contracted (PHAST), then the origins searched.
    pub fn compute_with(
        a: &MeasureArgs,
        with_matrix: bool,
        limit: Option<f64>,
        engine: EngineKind,
        progress: &dyn regionlink::progress::Progress,
    ) -> Result<Analysis> {
        if a.network == NetworkKind::Composite && engine == EngineKind::Phast {
            return Err(regionlink::Error::Usage(COMPOSITE_NOT_PHAST.into()).into());
        }
        let inputs = crate::cli::load(&a.input)?;
        let study = &inputs.study;
        let bands = if a.bands.is_empty() {
            study.bands_min.clone()
        } else {
            a.bands.clone()
        };
        for (i, b) in bands.iter().enumerate() {
            if !(b.is_finite() && *b > 0.0) || (i > 0 && *b <= bands[i - 1]) {
                return Err(regionlink::Error::Usage(format!("--bands: {b} is not a positive number of minutes greater than the band before it")).into());
            }
        }
        let mass = a.mass.unwrap_or(study.measures.mass);
        let decays: Vec<Decay> = if a.decay.is_empty() {
            study
                .measures
                .parsed_decays()
                .map_err(regionlink::Error::Usage)?
        } else {
            a.decay
                .iter()
                .map(|d| d.parse::<Decay>())
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| regionlink::Error::Usage(format!("--decay: {e}")))?
        };
        let self_on = a.self_potential.unwrap_or(study.measures.self_potential);
        let epsilon = a.epsilon.unwrap_or(study.measures.corridor_epsilon);
        let masses = mass.values(&inputs.region)?;
        let (net, matrix, cores) = match a.network {
            NetworkKind::Composite => {
                let m = crate::cli::matrix::compute(&inputs, &a.scenario, NetworkKind::Composite)?;
                let (net, _) = crate::cli::network(&inputs, &a.scenario, NetworkKind::Combined)?;
                // Core times on the composite: the minimum over the core's units of the matrix.
                let cores = core_times(&net, &inputs.region, study)
                    .into_iter()
                    .map(|mut c| {
                        c.times = (0..m.len())
                            .map(|j| {
                                c.units
                                    .iter()
                                    .filter_map(|&u| {
                                        if u.index() == j {
                                            Some(regionlink::Minutes::ZERO)
                                        } else {
                                            m.get(u, regionlink::UnitId(j as u32))
                                        }
                                    })
                                    .min_by(|x, y| x.total_cmp(y))
                            })
                            .collect();
                        c
                    })
                    .collect();
                (net, Some(m), cores)
            }
            k => {
                let (net, report) = crate::cli::network(&inputs, &a.scenario, k)?;
                crate::cli::warn_snaps(&report, &inputs.region);
                let m = with_matrix.then(|| travel_time_matrix(&net, None));
                let cores = core_times(&net, &inputs.region, study);
                (net, m, cores)
            }
        };
        let road_speed = study.network.mode(Mode::Road).speed_kmh;
        let self_times = self_on.then(|| {
            inputs
                .region
                .units
                .iter()
                .map(|u| internal_time_min(u.area_km2, road_speed))
                .collect::<Vec<_>>()
        });
        if let Some(st) = &self_times
            && decays.iter().any(Decay::infinite_at_zero)
            && let Some((i, _)) = st.iter().enumerate().find(|(_, t)| **t <= 0.0)
        {
            let u = &inputs.region.units[i];
            return Err(regionlink::Error::Usage(format!(
                        "unit {} ({}) has area 0 km², so its self-potential under a power decay is infinite; use --self-potential off (point layers have no area)",
                        u.name, u.code
                    ))
                    .into());
        }
        if let Some(l) = limit
            && let Some(b) = bands.iter().find(|b| **b > l)
        {
            return Err(regionlink::Error::Usage(format!(
                "--max-minutes {l} is below the band of {b} minutes: the population within that band would be undercounted; raise --max-minutes or lower --bands"
            ))
            .into());
        }
        let pop: Vec<f64> = inputs
            .region
            .units
            .iter()
            .map(|u| u.population_10k)
            .collect();
        let spec = AccessSpec {
            mass: &masses,
            pop: &pop,
            decays: &decays,
            bands: &bands,
            self_times: self_times.as_deref(),
        };
        // One reduction for every origin: from the matrix for the composite (a combination of
        // two networks' times), otherwise streamed from each origin's tree.
        let mut phast = false;
        let rows = match (&matrix, a.network) {
            (Some(m), NetworkKind::Composite) => (0..m.len())
                .map(|i| AccessRow::reduce(i, &matrix_times(m, i), &spec))
                .collect::<regionlink::Result<Vec<_>>>()?,
            _ => {
                let limit = limit.map(regionlink::Minutes);
                let data = crate::cli::prepare_engine(engine, &net, limit, false, progress)?;
                phast = data.is_some();
                accessibility(&crate::cli::engine(&net, &data), &spec, limit, progress)?
            }
        };
        let w: Vec<Option<f64>> = rows.iter().map(|r| r.watt).collect();
        let watt_coef = watt_coefficient(&w);
        let potentials = decays
            .iter()
            .enumerate()
            .map(|(k, &d)| (d, rows.iter().map(|r| r.potentials[k]).collect()))
            .collect();
        let daily = rows
            .iter()
            .map(|r| daily_of(&r.within, &inputs.region, &bands))
            .collect();
        let corridor = match (cores.as_slice(), &matrix) {
            ([c, q, ..], Some(m)) => Some(corridor(m, c, q, epsilon)?),
            _ => None,
        };
        Ok(Analysis {
            inputs,
            net,
            matrix,
            limit,
            engine: EngineKind::describe(phast),
            cores,
            bands,
            mass,
            watt: w,
            watt_coef,
            potentials,
            self_times,
            daily,
            corridor,
            scenario: a.scenario.scenario().describe(),
            network: a.network,
        })
    }

    /// The first columns of every per-unit table: code, name, name_zh.
    pub fn unit_table(&self, extra: &[(&str, usize)]) -> Table {
        let mut cols = vec![("code", 0), ("name", 0), ("name_zh", 0)];
        cols.extend_from_slice(extra);
        Table::new(&cols)
    }

    /// The first cells of unit `i`'s row.
    pub fn unit_cells(&self, i: usize) -> Vec<Cell> {
        let u = &self.inputs.region.units[i];
        vec![
            u.code.clone().into(),
            u.name.clone().into(),
            u.name_zh.clone().unwrap_or_default().into(),
        ]
    }

    /// Band label for column names: `120` for 120.0, `90_5` for 90.5.
    pub fn band_key(b: f64) -> String {
        format!("{b}").replace('.', "_")
    }
}

/// Print `table` to `out`, or write it as CSV to `--out` (atomically).
pub fn emit(
    table: &Table,
    out_path: Option<&std::path::Path>,
    a: &MeasureArgs,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    if let Some(p) = out_path {
        crate::cli::output::write_atomic(
            p,
            &crate::cli::input_paths(&a.input, Some(&a.scenario)),
            |w| table.write_csv(w),
        )?;
        writeln!(out, "wrote {}", p.display())?;
    }
    Ok(())
}
