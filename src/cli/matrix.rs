//! `regionlink matrix`: the travel-time matrix as CSV.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::MatrixArgs;
use crate::cli::output::write_atomic;
use crate::measures::par::{time_parts, travel_time_matrix};
use crate::model::UnitId;
use crate::network::NetworkKind;
use crate::route::Matrix;
use crate::route::TimeParts;

/// Run the subcommand.
pub fn run(a: &MatrixArgs, out: &mut dyn Write) -> Result<()> {
    let inputs = crate::cli::load(&a.input)?;
    let matrix = compute(&inputs, &a.scenario, a.network)?;
    // The split by source is only meaningful on a real network (not the composite).
    let parts = match (a.network, a.wide) {
        (NetworkKind::Composite, _) | (_, true) => None,
        (k, false) => Some(time_parts(
            &crate::cli::network(&inputs, &a.scenario, k)?.0,
            None,
        )),
    };
    let codes: Vec<&str> = inputs
        .region
        .units
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    let write = |w: &mut dyn Write| write_csv(w, &matrix, parts.as_deref(), &codes, a.wide);
    match &a.out {
        Some(p) => {
            write_atomic(
                p,
                &crate::cli::input_paths(&a.input, Some(&a.scenario)),
                write,
            )?;
            Ok(())
        }
        None => Ok(write(out)?),
    }
}

/// The matrix of a network kind (composite = √(road × rail)).
pub fn compute(
    inputs: &crate::load::Inputs,
    sc: &crate::cli::args::ScenarioArgs,
    kind: NetworkKind,
) -> Result<Matrix> {
    Ok(match kind {
        NetworkKind::Composite => {
            let (road, _) = crate::cli::network(inputs, sc, NetworkKind::Road)?;
            let (rail, _) = crate::cli::network(inputs, sc, NetworkKind::Rail)?;
            Matrix::composite(
                &travel_time_matrix(&road, None),
                &travel_time_matrix(&rail, None),
            )
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
/// followed, when `parts` is given, by `timetable_min,estimate_min,penalty_min` (the minutes on
/// timetable links, on estimated links, and of station access/egress); or wide (`from_code`
/// then one column per destination code).
pub fn write_csv(
    w: &mut dyn Write,
    m: &Matrix,
    parts: Option<&[Vec<Option<TimeParts>>]>,
    codes: &[&str],
    wide: bool,
) -> std::io::Result<()> {
    let n = codes.len();
    let mut c = csv::Writer::from_writer(w);
    let at = |i: usize, j: usize| cell(m.get(UnitId(i as u32), UnitId(j as u32)));
    if wide {
        c.write_record(std::iter::once("from_code").chain(codes.iter().copied()))?;
        for (i, code) in codes.iter().enumerate() {
            c.write_record(std::iter::once(code.to_string()).chain((0..n).map(|j| at(i, j))))?;
        }
    } else {
        let num = |x: f64| format!("{x:.2}");
        match parts {
            None => c.write_record(["from_code", "to_code", "minutes"])?,
            Some(_) => c.write_record([
                "from_code",
                "to_code",
                "minutes",
                "timetable_min",
                "estimate_min",
                "penalty_min",
            ])?,
        }
        for i in 0..n {
            for j in (0..n).filter(|&j| j != i) {
                let t = at(i, j);
                match parts.map(|p| p[i][j]) {
                    None => c.write_record([codes[i], codes[j], &t])?,
                    Some(None) => c.write_record([codes[i], codes[j], &t, "", "", ""])?,
                    Some(Some(p)) => c.write_record([
                        codes[i],
                        codes[j],
                        &t,
                        &num(p.timetable),
                        &num(p.estimate),
                        &num(p.penalty),
                    ])?,
                }
            }
        }
    }
    c.flush()
}
