//! Byte offsets to lines and columns: the one line index of every renderer, the language
//! server and the policy-test reports.
//!
//! Findings keep byte spans; this module is the one place that turns them into positions:
//!
//! - [`Position`]: 1-based line, 1-based column counted in Unicode scalar values (what the
//!   JSON, SARIF, GitHub, `JUnit` and Markdown outputs show, and what editors show as "Col").
//! - [`Utf16Position`]: 0-based line, 0-based column in UTF-16 code units (LSP's default).
//!
//! Lines end at `\r\n`, `\n` or a lone `\r` (as in LSP, KDL, and miette's line numbers). A
//! line ending is never a column: an offset on the `\r` or the `\n` of a `\r\n` is one past
//! the line's last character. Offsets past the end of the text are clamped to it; offsets
//! inside a multi-byte character are moved back to the character's start. Nothing here panics
//! on any offset.

use std::cell::Cell;

use crate::diag::Diagnostic;
use crate::doc::Span;

/// Line 1, column 1: where diagnostics about the whole file point.
pub const START: Position = Position { line: 1, column: 1 };

/// A 1-based line and a 1-based column in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// The line, counted from 1.
    pub line: usize,
    /// The column, counted from 1 in Unicode scalar values.
    pub column: usize,
}

/// A 0-based line and a 0-based column in UTF-16 code units (LSP `Position`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Utf16Position {
    /// The line, counted from 0.
    pub line: usize,
    /// The column, counted from 0 in UTF-16 code units.
    pub character: usize,
}

/// What an editor's columns count (LSP's position encodings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// UTF-16 code units (LSP's default).
    Utf16,
    /// Bytes of UTF-8.
    Utf8,
}

impl Units {
    fn width(self, c: char) -> usize {
        match self {
            Self::Utf16 => c.len_utf16(),
            Self::Utf8 => c.len_utf8(),
        }
    }
}

/// The start and end positions of a span; `end` is one past the span's last character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The position of the span's first character.
    pub start: Position,
    /// The position just past the span's last character.
    pub end: Position,
}

/// The byte offset of the start of each line of `text`, the first always 0; lines end at
/// `\r\n`, `\n` or a lone `\r`.
#[must_use]
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    if memchr::memchr(b'\r', bytes).is_some() {
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
    } else {
        // memchr's vectorized search: lines of a few dozen bytes make `str::match_indices`
        // pay its set-up once per line.
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    }
    starts
}

/// The 0-based column of `offset` on `line` (which starts at `start`), measured by `count`
/// from `memo`, the last `(line, offset, column)` computed, when it is on the same line:
/// forwards or backwards, so many lookups along one long line cost one pass over it.
pub fn column_from(
    text: &str,
    memo: (usize, usize, usize),
    line: usize,
    start: usize,
    offset: usize,
    count: fn(&str) -> usize,
) -> usize {
    let (memo_line, memo_offset, memo_column) = memo;
    let measure = |from: usize, to: usize| text.get(from..to).map_or(0, count);
    // A memo on the same line is at or after the line's start.
    if memo_line != line {
        measure(start, offset)
    } else if memo_offset <= offset {
        memo_column + measure(memo_offset, offset)
    } else {
        // Backwards along the line (a diagnostic's labels come after its range).
        memo_column - measure(offset, memo_offset)
    }
}

/// Line starts of one text, computed once, when first needed; each lookup is a binary search.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each line; the first is always 0.
    starts: std::cell::OnceCell<Vec<usize>>,
    /// The last column computed, in characters and in UTF-16 units: (line, offset, column).
    /// Each lookup counts only from the previous one, forwards or backwards, so many
    /// diagnostics on one long line cost one pass over it, not one pass each.
    chars: Cell<(usize, usize, usize)>,
    utf16: Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the lines of `text`.
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        Self { text, starts: std::cell::OnceCell::new(), chars: Cell::new((0, 0, 0)), utf16: Cell::new((0, 0, 0)) }
    }

    fn starts(&self) -> &[usize] {
        self.starts.get_or_init(|| line_starts(self.text))
    }

    /// The number of lines (a text ending in `\n` has an empty last line).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.starts().len()
    }

    /// The 1-based line and column of a byte offset.
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let (line, start, offset) = self.locate(offset);
        let column = self.column(&self.chars, line, start, offset, |s| s.chars().count()) + 1;
        Position { line: line + 1, column }
    }

    /// The 0-based line and UTF-16 column of a byte offset.
    #[must_use]
    pub fn utf16_position(&self, offset: usize) -> Utf16Position {
        let (line, start, offset) = self.locate(offset);
        let character = self.column(&self.utf16, line, start, offset, |s| s.encode_utf16().count());
        Utf16Position { line, character }
    }

    /// The 0-based line and column, in `units`, of a byte offset.
    #[must_use]
    pub fn units_position(&self, offset: usize, units: Units) -> Utf16Position {
        match units {
            Units::Utf16 => self.utf16_position(offset),
            Units::Utf8 => {
                let (line, start, offset) = self.locate(offset);
                Utf16Position { line, character: offset - start }
            }
        }
    }

    /// The byte offset of a 0-based line and a column in `units`: a column past the end of
    /// the line is its end, a line past the end of the text is the end of the text, and a
    /// column inside a character is that character's start.
    #[must_use]
    pub fn offset_at(&self, line: usize, column: usize, units: Units) -> usize {
        let Some(&start) = self.starts().get(line) else { return self.text.len() };
        let end = self.content_end(line).max(start);
        let mut counted = 0;
        for (i, c) in self.text.get(start..end).unwrap_or("").char_indices() {
            if counted >= column {
                return start + i;
            }
            counted += units.width(c);
        }
        end
    }

    fn column(
        &self,
        memo: &Cell<(usize, usize, usize)>,
        line: usize,
        start: usize,
        offset: usize,
        count: fn(&str) -> usize,
    ) -> usize {
        let column = column_from(self.text, memo.get(), line, start, offset, count);
        memo.set((line, offset, column));
        column
    }

    /// The positions of a span's start and end.
    #[must_use]
    pub fn range(&self, span: Span) -> Range {
        let start = self.position(span.start);
        let end = self.position(span.end.max(span.start));
        Range { start, end }
    }

    /// The range of a diagnostic's primary label; line 1, column 1 when it has no label.
    #[must_use]
    pub fn primary_range(&self, diag: &Diagnostic) -> Range {
        diag.labels.first().map_or(Range { start: START, end: START }, |l| self.range(l.span))
    }

    /// The text of a 1-based line, without its line ending (empty past the last line).
    #[must_use]
    pub fn line_text(&self, line: usize) -> &'a str {
        let Some(&start) = line.checked_sub(1).and_then(|i| self.starts().get(i)) else {
            return "";
        };
        let end = self.content_end(line - 1);
        self.text.get(start..end).unwrap_or("")
    }

    /// The text a span covers, clamped to the text and to character boundaries.
    #[must_use]
    pub fn slice(&self, span: Span) -> &'a str {
        let start = self.floor(span.start);
        let end = self.floor(span.end).max(start);
        self.text.get(start..end).unwrap_or("")
    }

    /// The 0-based line of `offset`, that line's start, and the offset clamped into the line's
    /// content (before its `\r\n` or `\n`) and onto a character boundary.
    fn locate(&self, offset: usize) -> (usize, usize, usize) {
        let offset = self.floor(offset);
        let line = self.starts().partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts().get(line).copied().unwrap_or(0);
        (line, start, offset.min(self.content_end(line)))
    }

    /// Where the content of 0-based `line` ends: before its line ending, or at the end of text.
    fn content_end(&self, line: usize) -> usize {
        let Some(&next) = self.starts().get(line + 1) else {
            return self.text.len();
        };
        let bytes = self.text.as_bytes();
        let ending = next - 1;
        let crlf = bytes.get(ending) == Some(&b'\n') && ending > 0 && bytes.get(ending - 1) == Some(&b'\r');
        if crlf { ending - 1 } else { ending }
    }

    /// `offset` clamped to the text and moved back to a character boundary.
    fn floor(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn editor_units_round_trip_on_every_line_ending() {
        let text = "a\rb\r\nc\nZ\u{fc}\u{1f680}x";
        let idx = LineIndex::new(text);
        let x = text.find('x').expect("x");
        assert_eq!(idx.units_position(x, Units::Utf16), Utf16Position { line: 3, character: 4 });
        assert_eq!(idx.units_position(x, Units::Utf8), Utf16Position { line: 3, character: 7 });
        for units in [Units::Utf16, Units::Utf8] {
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                let p = idx.units_position(offset, units);
                let back = idx.offset_at(p.line, p.character, units);
                // Offsets on a line ending map to the line's end.
                assert_eq!(back, offset.min(idx.offset_at(p.line, usize::MAX, units)), "{offset} {units:?}");
            }
        }
        assert_eq!(idx.offset_at(1, 0, Units::Utf16), 2, "a lone CR ends line 0");
        assert_eq!(idx.offset_at(9, 0, Units::Utf8), text.len());
        assert_eq!(idx.offset_at(3, 3, Units::Utf16), text.find('\u{1f680}').expect("rocket") + 4, "inside a pair");
    }

    #[test]
    fn ascii_lines() {
        let idx = LineIndex::new("ab\ncd\n");
        assert_eq!(idx.position(0), pos(1, 1));
        assert_eq!(idx.position(1), pos(1, 2));
        assert_eq!(idx.position(2), pos(1, 3));
        assert_eq!(idx.position(3), pos(2, 1));
        assert_eq!(idx.position(5), pos(2, 3));
        assert_eq!(idx.position(6), pos(3, 1));
        assert_eq!(idx.line_count(), 3);
    }

    #[test]
    fn crlf_is_not_a_column() {
        let text = "ab\r\ncd\r\nef";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(2), pos(1, 3), "on the \\r: one past `b`");
        assert_eq!(idx.position(3), pos(1, 3), "on the \\n: still one past `b`");
        assert_eq!(idx.position(4), pos(2, 1));
        assert_eq!(idx.position(9), pos(3, 2));
        assert_eq!(idx.line_text(1), "ab");
        assert_eq!(idx.line_text(2), "cd");
        assert_eq!(idx.line_text(3), "ef");
        assert_eq!(idx.line_text(4), "");
        assert_eq!(idx.utf16_position(3), Utf16Position { line: 0, character: 2 });
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let idx = LineIndex::new("a\rb\n\r\nc\r");
        assert_eq!(idx.position(1), pos(1, 2));
        assert_eq!(idx.position(2), pos(2, 1));
        assert_eq!(idx.line_text(1), "a");
        assert_eq!(idx.line_text(2), "b");
        assert_eq!(idx.line_text(3), "");
        assert_eq!(idx.position(6), pos(4, 1));
        assert_eq!(idx.line_text(4), "c");
        assert_eq!(idx.line_count(), 5);
    }

    #[test]
    fn multibyte_counts_scalar_values() {
        let text = "site \"Zürich\" x=1";
        let idx = LineIndex::new(text);
        let x = text.find('x').expect("x in text");
        assert_eq!(x, 15, "ü is two bytes");
        assert_eq!(idx.position(x), pos(1, 15));
        assert_eq!(idx.utf16_position(x), Utf16Position { line: 0, character: 14 });
    }

    #[test]
    fn emoji_is_one_column_and_two_utf16_units() {
        let text = "a\n🚀 b";
        let idx = LineIndex::new(text);
        let b = text.find('b').expect("b in text");
        assert_eq!(idx.position(b), pos(2, 3));
        assert_eq!(idx.utf16_position(b), Utf16Position { line: 1, character: 3 });
    }

    #[test]
    fn offsets_inside_a_character_move_back() {
        let text = "🚀x";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(2), pos(1, 1));
        assert_eq!(idx.position(4), pos(1, 2));
        assert_eq!(idx.slice(Span::new(1, 5)), "🚀x");
        assert_eq!(idx.slice(Span::new(1, 3)), "", "both ends move back to the rocket's start");
    }

    #[test]
    fn end_of_file_and_beyond() {
        let text = "ab\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(5), pos(2, 3));
        assert_eq!(idx.position(500), pos(2, 3));
        assert_eq!(idx.utf16_position(500), Utf16Position { line: 1, character: 2 });
        let empty = LineIndex::new("");
        assert_eq!(empty.position(0), pos(1, 1));
        assert_eq!(empty.position(3), pos(1, 1));
        assert_eq!(empty.line_text(1), "");
        assert_eq!(empty.line_text(0), "");
        // A text that starts with its first line break: the first line is empty.
        let blank_first = LineIndex::new("\nab");
        assert_eq!(blank_first.line_text(1), "");
        assert_eq!(blank_first.line_text(2), "ab");
    }

    #[test]
    fn ranges_and_slices() {
        let text = "x\n  ab \"é\"\n";
        let idx = LineIndex::new(text);
        let start = text.find("ab").expect("ab");
        let span = Span::new(start, start + "ab \"é\"".len());
        assert_eq!(idx.range(span), Range { start: pos(2, 3), end: pos(2, 9) });
        assert_eq!(idx.slice(span), "ab \"é\"");
        assert_eq!(idx.range(Span::new(4, 2)).end, pos(2, 3), "a reversed span ends at its start");
    }

    /// The remembered column gives the same answers as a fresh index, in any order of
    /// offsets (forwards along a line, backwards, across lines).
    #[test]
    fn remembered_columns_agree_with_fresh_ones() {
        let text = "aé🙂b\r\n\tZürich 東京 x\ry\nlast 🙂🙂 line";
        let offsets: Vec<usize> = (0..=text.len() + 2).collect();
        let mut orders = vec![offsets.clone(), offsets.iter().rev().copied().collect()];
        orders.push(offsets.iter().map(|&o| (o * 7) % (text.len() + 3)).collect());
        for order in orders {
            let idx = LineIndex::new(text);
            for &o in &order {
                let fresh = LineIndex::new(text);
                assert_eq!(idx.position(o), fresh.position(o), "offset {o}");
                assert_eq!(idx.utf16_position(o), fresh.utf16_position(o), "offset {o}");
            }
        }
    }
}
