//! `regionlink matrix`: the travel-time matrix as CSV.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::MatrixArgs;
use crate::cli::merge::{PartSpec, check_inputs, write_part};
use crate::cli::progress::Bar;
use regionlink::analysis::{self, check_max_minutes, composite_not_phast};
use regionlink::export::od::{OdWriter, write_csv};
use regionlink::export::shard::{MatrixRow, Merged};
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
    run_with(a, quiet, out, None)
}

/// [`run`]; with `--shard`, the rows of the shard's origins to a part file; with `merged`, the
/// rows of the parts, written as a single run writes them.
pub fn run_with(
    a: &MatrixArgs,
    quiet: bool,
    out: &mut dyn Write,
    merged: Option<&Merged>,
) -> Result<()> {
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
    let total = codes.len();
    let part = |shard| PartSpec {
        command: "matrix",
        shard,
        total,
        dir: a.out.as_deref(),
    };
    let merged_rows = match merged {
        Some(m) => {
            check_inputs(m, &inputs, &a.scenario)?;
            Some(m.rows::<MatrixRow>(total)?)
        }
        None => None,
    };
    let write: Box<Writer<'_>> = match (a.network, merged_rows) {
        (NetworkKind::Composite, rows) => {
            let matrix = match rows {
                Some(rows) => Matrix::from_rows(
                    rows.into_iter()
                        .map(|r| r.0.into_iter().map(|(t, _)| t).collect())
                        .collect(),
                ),
                None => composite(&inputs, &sc, a, limit)?,
            };
            if let Some(shard) = a.shard.shard {
                let r = shard.slice(total);
                return write_part(part(shard), &inputs, &a.scenario, out, |w| {
                    r.clone().try_for_each(|i| {
                        let row = (0..total)
                            .map(|j| (matrix.get(UnitId(i as u32), UnitId(j as u32)), None))
                            .collect();
                        w.row(&MatrixRow(row))
                    })
                });
            }
            let codes = codes.clone();
            Box::new(move |w| write_csv(w, &matrix, None, &codes, a.wide))
        }
        (_, Some(rows)) => {
            let codes = codes.clone();
            Box::new(move |w| {
                let mut csv = OdWriter::new(w, &codes, a.wide)?;
                for (o, row) in rows.iter().enumerate() {
                    csv.row(UnitId(o as u32), &row.0)?;
                }
                csv.finish()
            })
        }
        (k, None) => {
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
            if let Some(shard) = a.shard.shard {
                let r = shard.slice(total);
                let origins = r.start as u32..r.end as u32;
                return write_part(part(shard), &inputs, &a.scenario, out, |w| {
                    let engine = analysis::engine(&net, &phast);
                    let res = analysis::stream_matrix_of(
                        &engine,
                        origins,
                        limit,
                        !a.wide,
                        &pb,
                        |_, row| w.row(&MatrixRow(row)),
                    );
                    pb.finish();
                    res
                });
            }
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

/// The composite matrix, cut at `limit` as the searches of the other networks are.
fn composite(
    inputs: &regionlink::load::Inputs,
    sc: &regionlink::network::Scenario,
    a: &MatrixArgs,
    limit: Option<Minutes>,
) -> Result<Matrix> {
    let mut matrix = analysis::matrix(inputs, sc, NetworkKind::Composite, a.scenario.time)?;
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
    Ok(matrix)
}
