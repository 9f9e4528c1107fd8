//! A typed table: one row per unit (or link, or year), written as CSV or printed for people.
//! `None` is an empty CSV cell and `–` on screen, never 0.

use std::io::Write;

/// `x` rounded half away from zero to `decimals` decimals, `-0.0` written as `0.0`. The one
/// rounding of the crate: table cells, report figures and coordinates all go through it.
///
/// # Examples
/// ```
/// use regionlink::export::table::round;
/// assert_eq!(round(2.345678, 2), 2.35);
/// assert_eq!(round(-0.0001, 2).to_bits(), 0.0f64.to_bits());
/// ```
pub fn round(x: f64, decimals: i32) -> f64 {
    let p = 10f64.powi(decimals);
    (x * p).round() / p + 0.0
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number (rounded to the column's decimals on output); `None` = missing.
    Num(Option<f64>),
    /// An integer; `None` = missing.
    Int(Option<i64>),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<Option<f64>> for Cell {
    fn from(x: Option<f64>) -> Cell {
        Cell::Num(x.filter(|x| x.is_finite()))
    }
}

impl From<f64> for Cell {
    fn from(x: f64) -> Cell {
        Cell::Num(Some(x).filter(|x| x.is_finite()))
    }
}

impl From<usize> for Cell {
    fn from(x: usize) -> Cell {
        Cell::Int(Some(x as i64))
    }
}

impl From<bool> for Cell {
    fn from(x: bool) -> Cell {
        Cell::Int(Some(i64::from(x)))
    }
}

/// A column: its name (snake_case, with the unit in it, e.g. `watt_min`) and the decimals of
/// its numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Name.
    pub name: String,
    /// Decimals for numbers.
    pub decimals: usize,
}

/// A table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// A table with these columns (name, decimals).
    pub fn new(columns: &[(&str, usize)]) -> Table {
        Table {
            columns: columns
                .iter()
                .map(|(n, d)| Column {
                    name: n.to_string(),
                    decimals: *d,
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    /// Add a column (to every row a missing value is *not* added: add columns before rows).
    pub fn column(&mut self, name: impl Into<String>, decimals: usize) {
        self.columns.push(Column {
            name: name.into(),
            decimals,
        });
    }

    /// Add a row.
    ///
    /// # Panics
    /// When the row's length differs from the number of columns (a programming error).
    pub fn push(&mut self, row: Vec<Cell>) {
        assert_eq!(row.len(), self.columns.len(), "row length = column count");
        self.rows.push(row);
    }

    /// Display width: CJK and other wide characters take two terminal columns.
    fn width(s: &str) -> usize {
        s.chars()
            .map(|c| {
                if ('\u{1100}'..='\u{115F}').contains(&c)
                    || ('\u{2E80}'..='\u{A4CF}').contains(&c)
                    || ('\u{AC00}'..='\u{D7A3}').contains(&c)
                    || ('\u{F900}'..='\u{FAFF}').contains(&c)
                    || ('\u{FE30}'..='\u{FE4F}').contains(&c)
                    || ('\u{FF00}'..='\u{FF60}').contains(&c)
                {
                    2
                } else {
                    1
                }
            })
            .sum()
    }

    fn text(&self, c: usize, cell: &Cell, missing: &str) -> String {
        match cell {
            Cell::Text(s) => s.clone(),
            Cell::Num(Some(x)) => format!("{:.*}", self.columns[c].decimals, x),
            Cell::Int(Some(i)) => i.to_string(),
            Cell::Num(None) | Cell::Int(None) => missing.to_string(),
        }
    }

    /// Write as CSV (RFC 4180 quoting); missing values are empty cells.
    pub fn write_csv(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(self.columns.iter().map(|c| c.name.as_str()))?;
        for r in &self.rows {
            c.write_record(r.iter().enumerate().map(|(i, cell)| self.text(i, cell, "")))?;
        }
        c.flush()
    }

    /// Print aligned for a terminal: text left-aligned, numbers right-aligned, `–` for missing.
    pub fn print(&self, w: &mut dyn Write) -> std::io::Result<()> {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(i, c)| self.text(i, c, "–"))
                    .collect()
            })
            .collect();
        let width = |i: usize| {
            cells
                .iter()
                .map(|r| Self::width(&r[i]))
                .chain(std::iter::once(Self::width(&self.columns[i].name)))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.columns.len()).map(width).collect();
        let is_text: Vec<bool> = (0..self.columns.len())
            .map(|i| self.rows.iter().any(|r| matches!(r[i], Cell::Text(_))))
            .collect();
        let line = |vals: Vec<&str>| -> String {
            let parts: Vec<String> = vals
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let pad = widths[i].saturating_sub(Self::width(v));
                    if is_text[i] {
                        format!("{v}{}", " ".repeat(pad))
                    } else {
                        format!("{}{v}", " ".repeat(pad))
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        writeln!(
            w,
            "{}",
            line(self.columns.iter().map(|c| c.name.as_str()).collect())
        )?;
        for r in &cells {
            writeln!(w, "{}", line(r.iter().map(String::as_str).collect()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_print() {
        let mut t = Table::new(&[("code", 0), ("watt_min", 1)]);
        t.push(vec!["A".into(), Cell::from(12.345)]);
        t.push(vec!["B,C".into(), Cell::Num(None)]);
        let mut csv = Vec::new();
        t.write_csv(&mut csv).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "code,watt_min\nA,12.3\n\"B,C\",\n"
        );
        let mut p = Vec::new();
        t.print(&mut p).unwrap();
        assert_eq!(
            String::from_utf8(p).unwrap(),
            "code  watt_min\nA         12.3\nB,C          –\n"
        );
    }
}
