//! `regionlink matrix`: the travel-time matrix as CSV.

use std::io::Write;

use anyhow::Result;

use crate::cli::args::MatrixArgs;
use crate::cli::output::write_atomic;
use regionlink::measures::par::travel_time_matrix;
use regionlink::model::UnitId;
use regionlink::network::NetworkKind;
use regionlink::route::Matrix;
use regionlink::route::TimeParts;

/// Run the subcommand. Except for the composite (a combination of two networks' matrices),
/// rows are computed in parallel chunks of origins and written as they come, so the matrix is
/// never held in memory.
pub fn run(a: &MatrixArgs, quiet: bool, out: &mut dyn Write) -> Result<()> {
    crate::cli::check_max_minutes(a.max_minutes)?;
    let limit = a.max_minutes.map(regionlink::Minutes);
    // Refuse `--engine phast` on the long format before loading anything (a large road graph
    // takes a while to load).
    a.engine
        .use_phast(0, limit, !a.wide)
        .map_err(regionlink::Error::Option)?;
    let inputs = crate::cli::load(&a.input)?;
    let codes: Vec<&str> = inputs
        .region
        .units
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    let write: Box<Writer<'_>> = match a.network {
        NetworkKind::Composite if a.engine == regionlink::route::EngineKind::Phast => {
            return Err(
                regionlink::Error::Usage(crate::cli::analysis::COMPOSITE_NOT_PHAST.into()).into(),
            );
        }
        NetworkKind::Composite => {
            let mut matrix = compute(&inputs, &a.scenario, NetworkKind::Composite)?;
            if let Some(l) = limit {
                matrix = Matrix::from_rows(
                    (0..matrix.len() as u32)
                        .map(|i| {
                            (0..matrix.len() as u32)
                                .map(|j| {
                                    if i == j {
                                        Some(regionlink::Minutes::ZERO)
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
            let (net, report) = crate::cli::network(&inputs, &a.scenario, k)?;
            crate::cli::warn_snaps(&report, &inputs.region);
            let pb = crate::cli::progress::Bar::new(quiet, codes.len() as u64);
            let phast = crate::cli::prepare_engine(a.engine, &net, limit, !a.wide, &pb)?;
            let codes = codes.clone();
            Box::new(move |w| {
                regionlink::progress::Progress::stage(&pb, "origins written", codes.len() as u64);
                let engine = crate::cli::engine(&net, &phast);
                let r = stream_csv(w, &engine, limit, &codes, a.wide, &pb);
                pb.finish();
                r
            })
        }
    };
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

/// Writes the CSV to a stream.
type Writer<'a> = dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a;

/// One origin's row: time and its split per destination.
type Row = Vec<(Option<regionlink::Minutes>, Option<TimeParts>)>;

/// Write the matrix of the engine's network as [`write_csv`] does, searching origins with
/// `engine` in parallel chunks and writing each chunk's rows in origin order as soon as it is
/// done; `progress` counts the origins written. The long format's split of each time needs
/// paths, so it needs a Dijkstra engine (with PHAST its columns are empty).
pub fn stream_csv(
    w: &mut dyn Write,
    engine: &regionlink::route::Engine<'_>,
    limit: Option<regionlink::Minutes>,
    codes: &[&str],
    wide: bool,
    progress: &crate::cli::progress::Bar,
) -> std::io::Result<()> {
    let n = codes.len();
    let mut c = csv::Writer::from_writer(w);
    if wide {
        c.write_record(std::iter::once("from_code").chain(codes.iter().copied()))?;
    } else {
        c.write_record(LONG_HEADER)?;
    }
    let chunk = 32 * rayon::current_num_threads();
    let net = engine.network();
    regionlink::measures::par::stream_rows(
        engine,
        limit,
        chunk,
        |o, times| -> Row {
            (0..n as u32)
                .map(|d| {
                    let node = net.unit_node(UnitId(d));
                    if o.0 == d {
                        (Some(regionlink::Minutes::ZERO), None)
                    } else if wide {
                        (times.time(node), None)
                    } else {
                        (times.time(node), times.tree().and_then(|t| t.parts(node)))
                    }
                })
                .collect()
        },
        |o, row| {
            let i = o.index();
            progress.inc(1);
            if wide {
                c.write_record(
                    std::iter::once(codes[i].to_string()).chain(row.iter().map(|(t, _)| cell(*t))),
                )
            } else {
                for (j, (t, p)) in row.iter().enumerate().filter(|(j, _)| *j != i) {
                    write_long(&mut c, codes[i], codes[j], *t, *p)?;
                }
                Ok(())
            }
        },
    )
    .map_err(std::io::Error::from)?;
    c.flush()
}

const LONG_HEADER: [&str; 6] = [
    "from_code",
    "to_code",
    "minutes",
    "timetable_min",
    "estimate_min",
    "penalty_min",
];

fn write_long<W: Write>(
    c: &mut csv::Writer<W>,
    from: &str,
    to: &str,
    t: Option<regionlink::Minutes>,
    p: Option<TimeParts>,
) -> csv::Result<()> {
    let num = |x: f64| format!("{x:.2}");
    match p {
        None => c.write_record([from, to, &cell(t), "", "", ""]),
        Some(p) => c.write_record([
            from,
            to,
            &cell(t),
            &num(p.timetable),
            &num(p.estimate),
            &num(p.penalty),
        ]),
    }
}

/// The matrix of a network kind (composite = √(road × rail)).
pub fn compute(
    inputs: &regionlink::load::Inputs,
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
fn cell(m: Option<regionlink::Minutes>) -> String {
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
        match parts {
            None => c.write_record(&LONG_HEADER[..3])?,
            Some(_) => c.write_record(LONG_HEADER)?,
        }
        for i in 0..n {
            for j in (0..n).filter(|&j| j != i) {
                let t = m.get(UnitId(i as u32), UnitId(j as u32));
                match parts {
                    None => c.write_record([codes[i], codes[j], &cell(t)])?,
                    Some(p) => write_long(&mut c, codes[i], codes[j], t, p[i][j])?,
                }
            }
        }
    }
    c.flush()
}
