//! `regionlink matrix`: the travel-time matrix as CSV.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::MatrixArgs;
use crate::cli::progress::Bar;
use regionlink::analysis::{self, check_max_minutes, composite_not_phast};
use regionlink::export::od::{OdWriter, write_csv};
use regionlink::export::write::write_atomic;
use regionlink::model::{Minutes, UnitId};
use regionlink::network::NetworkKind;
use regionlink::route::{EngineKind, Matrix};

/// Writes the CSV to a stream.
type Writer<'a> = dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a;

/// Run the subcommand. Except for the composite (a combination of two networks' matrices),
/// rows are computed in parallel chunks of origins and written as they come, so the matrix is
/// never held in memory.
pub fn run(a: &MatrixArgs, quiet: bool, out: &mut dyn Write) -> Result<()> {
    check_max_minutes(a.max_minutes)?;
    let limit = a.max_minutes.map(Minutes);
    // Refuse `--engine phast` on the long format before loading anything (a large road graph
    // takes a while to load).
    a.engine
        .use_phast(0, limit, !a.wide)
        .map_err(regionlink::Error::Option)?;
    if a.network == NetworkKind::Composite && a.engine == EngineKind::Phast {
        return Err(regionlink::Error::Option(composite_not_phast()).into());
    }
    let (inputs, sc, prepared) = crate::cli::prepare::load(&a.input, &a.scenario, a.network)?;
    let codes: Vec<&str> = inputs
        .region
        .units
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    let write: Box<Writer<'_>> = match a.network {
        NetworkKind::Composite => {
            let mut matrix =
                analysis::matrix(&inputs, &sc, NetworkKind::Composite, a.scenario.time)?;
            if let Some(l) = limit {
                let n = matrix.len() as u32;
                matrix = Matrix::from_rows(
                    (0..n)
                        .map(|i| {
                            (0..n)
                                .map(|j| {
                                    if i == j {
                                        Some(Minutes::ZERO)
                                    } else {
                                        matrix.get(UnitId(i), UnitId(j)).filter(|t| t.0 <= l.0)
                                    }
                                })
                                .collect()
                        })
                        .collect(),
                );
            }
            let codes = codes.clone();
            Box::new(move |w| write_csv(w, &matrix, None, &codes, a.wide))
        }
        k => {
            let pb = Bar::new(quiet, codes.len() as u64);
            crate::cli::prepare::note(&prepared, &pb);
            let (net, report, hierarchy) = match prepared {
                Some(p) => (p.network, p.report, Some(p.hierarchy)),
                None => {
                    let (net, report) = analysis::build(&inputs, &sc, k, a.scenario.time)?;
                    (net, report, None)
                }
            };
            crate::cli::warn_snaps(&report, &inputs.region);
            let phast =
                analysis::prepare_engine_with(a.engine, &net, limit, !a.wide, hierarchy, &pb)?;
            let codes = codes.clone();
            Box::new(move |w| {
                let engine = analysis::engine(&net, &phast);
                let mut csv = OdWriter::new(w, &codes, a.wide)?;
                let r = analysis::stream_matrix(&engine, limit, !a.wide, &pb, |o, row| {
                    csv.row(o, &row)
                });
                pb.finish();
                r?;
                csv.finish()
            })
        }
    };
    match &a.out {
        Some(p) => {
            write_atomic(
                p,
                &crate::cli::input_paths(&inputs, Some(&a.scenario)),
                write,
            )?;
            Ok(())
        }
        None => Ok(write(out)?),
    }
}
