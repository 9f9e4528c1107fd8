//! Line numbers of CSV records, whatever the line endings.
//!
//! The `csv` crate gives each record the position where reading it began: just after the
//! previous record's terminator. With CRLF endings that terminator is the `\r` (the `\n` is
//! read with the next record), and with blank lines before a record it is the first of their
//! line feeds, so its `line()` is one (or more) too small. [`LineReader`] wraps the input,
//! notes the first byte of every non-blank line as it passes, and gives the line of the first
//! such byte at or after a record's start.

use std::collections::VecDeque;
use std::io::Read;

/// A reader that remembers where its non-blank lines start (`\n`, `\r\n` and a lone `\r`
/// each end a line).
///
/// Only lines not yet asked about are kept: with offsets asked in increasing order (as a CSV
/// reader's records come) the memory is bounded by the reader's look-ahead.
#[derive(Debug)]
pub(crate) struct LineReader<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// The current line (1-based).
    line: u64,
    /// The next byte starts a line.
    at_line_start: bool,
    /// The last byte was `\r` (a `\n` next ends the same line).
    after_cr: bool,
    /// (offset of the first byte, line) of the non-blank lines not yet passed.
    starts: VecDeque<(u64, u64)>,
    /// Quoting as RFC 4180 (and the `csv` crate's defaults) reads it, to tell a file that ends
    /// inside a quoted field (cut short) from a whole one: the `csv` crate accepts both.
    quote: Quote,
    /// The line of the quote that opened the current quoted field.
    quote_line: u64,
}

/// Where a byte stands in RFC 4180 quoting.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Quote {
    /// At the start of a field: a `"` opens a quoted field.
    FieldStart,
    /// In an unquoted field: a `"` is an ordinary character.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a `"` in a quoted field: it ends the field unless another `"` follows.
    ClosingOrDoubled,
}

impl<R> LineReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        LineReader {
            inner,
            offset: 0,
            line: 1,
            at_line_start: true,
            after_cr: false,
            starts: VecDeque::new(),
            quote: Quote::FieldStart,
            quote_line: 0,
        }
    }

    /// When everything read so far ends inside a quoted field: the line where that field's
    /// opening quote is. Asked at the end of the file, it tells a file cut short inside a
    /// quoted field (which the `csv` crate reads as if the field ended there).
    pub(crate) fn unterminated_quote(&self) -> Option<u64> {
        (self.quote == Quote::Quoted).then_some(self.quote_line)
    }

    fn note_quote(&mut self, b: u8) {
        self.quote = match (self.quote, b) {
            (Quote::ClosingOrDoubled, b'"') => Quote::Quoted,
            (Quote::Quoted, b'"') => Quote::ClosingOrDoubled,
            (Quote::Quoted, _) => Quote::Quoted,
            (Quote::FieldStart, b'"') => {
                self.quote_line = self.line;
                Quote::Quoted
            }
            // A UTF-8 byte-order mark at the very start (the readers skip it).
            (Quote::FieldStart, 0xef | 0xbb | 0xbf) if self.offset < 3 => Quote::FieldStart,
            (_, b',' | b'\n' | b'\r') => Quote::FieldStart,
            _ => Quote::Unquoted,
        };
    }

    /// The line of the record that starts at byte `offset` (a `csv::Position::byte`): the line
    /// of the first non-blank line at or after it. Offsets must be asked in increasing order.
    pub(crate) fn line_at(&mut self, offset: u64) -> u64 {
        while self.starts.front().is_some_and(|&(o, _)| o < offset) {
            self.starts.pop_front();
        }
        match self.starts.front() {
            Some(&(_, line)) => line,
            // Nothing but line ends after `offset` (the end of the file).
            None => self.line,
        }
    }

    fn note(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.note_quote(b);
            match b {
                b'\n' => {
                    if !self.after_cr {
                        self.line += 1;
                    }
                    self.at_line_start = true;
                    self.after_cr = false;
                }
                b'\r' => {
                    self.line += 1;
                    self.at_line_start = true;
                    self.after_cr = true;
                }
                _ => {
                    if self.at_line_start {
                        self.starts.push_back((self.offset, self.line));
                        self.at_line_start = false;
                    }
                    self.after_cr = false;
                }
            }
            self.offset += 1;
        }
    }
}

impl<R: Read> Read for LineReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.note(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<u64> {
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineReader::new(text.as_bytes()));
        let mut out = Vec::new();
        let mut rec = csv::ByteRecord::new();
        loop {
            let pos = rdr.position().clone();
            if !rdr.read_byte_record(&mut rec).unwrap() {
                break;
            }
            out.push(rdr.get_mut().line_at(pos.byte()));
        }
        out
    }

    #[test]
    fn every_line_ending() {
        assert_eq!(lines("a\nb\nc\n"), [1, 2, 3]);
        assert_eq!(lines("a\r\nb\r\nc\r\n"), [1, 2, 3]);
        assert_eq!(lines("a\rb\rc"), [1, 2, 3]);
        assert_eq!(lines("a\n\n\nb\r\n\r\nc"), [1, 4, 6]);
        // A quoted field over two lines: the next record is on line 3.
        assert_eq!(lines("\"a\r\nb\",x\r\nc\r\n"), [1, 3]);
    }

    fn unterminated(text: &[u8]) -> Option<u64> {
        let mut r = LineReader::new(text);
        std::io::copy(&mut r, &mut std::io::sink()).expect("reads from memory");
        r.unterminated_quote()
    }

    #[test]
    fn a_file_cut_inside_a_quoted_field_is_told_from_a_whole_one() {
        // Issue #16 (red team): a links file cut short inside a quoted field loaded silently.
        assert_eq!(unterminated(b"a,b\n1,\"x y\n"), Some(2));
        assert_eq!(unterminated(b"a,b\n1,2\n3,\"multi\nline"), Some(3));
        // Whole files: closed quotes, doubled quotes, quotes inside an unquoted field, a BOM.
        assert_eq!(unterminated(b"a,b\n1,\"x, y\"\n"), None);
        assert_eq!(unterminated(b"a,b\r\n1,\"say \"\"hi\"\"\"\r\n"), None);
        assert_eq!(unterminated(b"a,b\n1,5\" pipe\n"), None);
        assert_eq!(unterminated(b"\xef\xbb\xbf\"a\",b\n1,2\n"), None);
        assert_eq!(unterminated(b"\xef\xbb\xbf\"a,b\n1,2\n"), Some(1));
        // A field ending in a quote at the very end of the file is closed.
        assert_eq!(unterminated(b"a\n\"x\""), None);
    }
}
