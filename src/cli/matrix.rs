//! `regionlink matrix`: the travel-time matrix as CSV.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::MatrixArgs;
use crate::cli::output::write_atomic;
use crate::measures::par::travel_time_matrix;
use crate::model::UnitId;
use crate::network::NetworkKind;
use crate::route::Matrix;

/// Run the subcommand.
pub fn run(a: &MatrixArgs, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&a.input)?;
    let matrix = compute(&inputs, &a.scenario, a.network)?;
    let codes: Vec<&str> = inputs.region.units.iter().map(|u| u.code.as_str()).collect();
    let write = |w: &mut dyn Write| write_csv(w, &matrix, &codes, a.wide);
    match &a.out {
        Some(p) => {
            write_atomic(p, &crate::cli::input_paths(&a.input, Some(&a.scenario)), write)?;
            Ok(())
        }
        None => Ok(write(out)?),
    }
}

/// The matrix of a network kind (composite = √(road × rail)).
pub fn compute(inputs: &crate::load::Inputs, sc: &crate::cli::args::ScenarioArgs, kind: NetworkKind) -> Result<Matrix> {
    Ok(match kind {
        NetworkKind::Composite => {
            let (road, _) = crate::cli::network(inputs, sc, NetworkKind::Road)?;
            let (rail, _) = crate::cli::network(inputs, sc, NetworkKind::Rail)?;
            Matrix::composite(&travel_time_matrix(&road, None), &travel_time_matrix(&rail, None))
        }
        k => {
            let (net, _) = crate::cli::network(inputs, sc, k)?;
            travel_time_matrix(&net, None)
        }
    })
}

/// Minutes with two decimals; empty (CSV null) when unreachable.
fn cell(m: Option<crate::Minutes>) -> String {
    m.map_or_else(String::new, |m| format!("{:.2}", m.0))
}

/// Long format `from_code,to_code,minutes` (every ordered pair, `i ≠ j`, unreachable = empty),
/// or wide (`from_code` then one column per destination code).
pub fn write_csv(w: &mut dyn Write, m: &Matrix, codes: &[&str], wide: bool) -> std::io::Result<()> {
    let n = codes.len();
    let mut c = csv::Writer::from_writer(w);
    let at = |i: usize, j: usize| cell(m.get(UnitId(i as u32), UnitId(j as u32)));
    if wide {
        c.write_record(std::iter::once("from_code").chain(codes.iter().copied()))?;
        for i in 0..n {
            c.write_record(std::iter::once(codes[i].to_string()).chain((0..n).map(|j| at(i, j))))?;
        }
    } else {
        c.write_record(["from_code", "to_code", "minutes"])?;
        for i in 0..n {
            for j in (0..n).filter(|&j| j != i) {
                c.write_record([codes[i], codes[j], &at(i, j)])?;
            }
        }
    }
    c.flush()
}
