//! The origin–destination matrix as CSV: long (one row per ordered pair, with the split of
//! each time into timetable, estimated and penalty minutes) or wide (one row per origin).

use std::io::Write;

use crate::model::{Minutes, UnitId};
use crate::route::{Matrix, TimeParts};

/// The columns of the long format.
pub const LONG_HEADER: [&str; 6] = [
    "from_code",
    "to_code",
    "minutes",
    "timetable_min",
    "estimate_min",
    "penalty_min",
];

pub use crate::analysis::OdRow as Row;

/// Minutes with two decimals; empty (CSV null) when unreachable.
fn cell(m: Option<Minutes>) -> String {
    m.map_or_else(String::new, |m| format!("{:.2}", m.0))
}

fn write_long<W: Write>(
    c: &mut csv::Writer<W>,
    from: &str,
    to: &str,
    t: Option<Minutes>,
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

/// A matrix CSV written one origin row at a time (rows in origin order).
pub struct OdWriter<'c, W: Write> {
    c: csv::Writer<W>,
    codes: &'c [&'c str],
    wide: bool,
}

impl<'c, W: Write> OdWriter<'c, W> {
    /// Write the header: the long format with the split columns, or the wide format.
    ///
    /// # Errors
    /// Writing fails.
    pub fn new(w: W, codes: &'c [&'c str], wide: bool) -> std::io::Result<Self> {
        let mut c = csv::Writer::from_writer(w);
        if wide {
            c.write_record(std::iter::once("from_code").chain(codes.iter().copied()))?;
        } else {
            c.write_record(LONG_HEADER)?;
        }
        Ok(OdWriter { c, codes, wide })
    }

    /// Write origin `o`'s row.
    ///
    /// # Errors
    /// Writing fails.
    pub fn row(&mut self, o: UnitId, row: &Row) -> std::io::Result<()> {
        let i = o.index();
        if self.wide {
            self.c.write_record(
                std::iter::once(self.codes[i].to_string()).chain(row.iter().map(|(t, _)| cell(*t))),
            )?;
        } else {
            for (j, (t, p)) in row.iter().enumerate().filter(|(j, _)| *j != i) {
                write_long(&mut self.c, self.codes[i], self.codes[j], *t, *p)?;
            }
        }
        Ok(())
    }

    /// Flush.
    ///
    /// # Errors
    /// Writing fails.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.c.flush()
    }
}

/// Long format `from_code,to_code,minutes` (every ordered pair, `i ≠ j`, unreachable = empty),
/// followed, when `parts` is given, by `timetable_min,estimate_min,penalty_min` (the minutes on
/// timetable links, on estimated links, and of station access/egress); or wide (`from_code`
/// then one column per destination code).
///
/// # Errors
/// Writing fails.
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
