//! What the graphical and narrated renderers may draw of a source file, and how cheaply.
//!
//! miette reads the source through [`SourceCode::read_span`]; for `str` it scans from the
//! start of the file at every call and draws whole lines, however long. [`Drawn`] answers
//! from a line index (built once per file, [`shown`]), hands miette only a window of a few
//! lines, and shows control characters as visible ones of the same byte length (a lone
//! `\r` as a line break, as every other output counts it). [`plan`] decides which labels are
//! drawn: never a line longer than [`MAX_LINE_BYTES`] (miette panics on very long ones),
//! never a snippet of more than [`MAX_DRAWN_LINES`] lines or [`MAX_DRAWN_LABELS`] labels.
//! The others are listed in words by the caller. Nothing here panics on any span.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::{Arc, Mutex, Weak};

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use lync_lint_core::diag::{Label, SourceFile};

/// The longest line drawn, in bytes; a label on a longer line is described in words.
pub const MAX_LINE_BYTES: usize = 2_000;
/// The most lines one snippet may span (context lines included).
pub const MAX_DRAWN_LINES: usize = 40;
/// The most labels drawn in one diagnostic.
pub const MAX_DRAWN_LABELS: usize = 16;

/// A file as drawn: its text with control characters made visible, and its line starts.
pub struct Shown {
    /// `None` when the text needs no change.
    visible: Option<String>,
    /// Byte offset of the start of each line; lines end at `\n`, `\r\n` or a lone `\r`.
    starts: Vec<usize>,
    /// The last column computed: (line, offset, column), so that a run of labels along one
    /// long line costs one pass over it.
    memo: Mutex<(usize, usize, usize)>,
}

impl Shown {
    fn new(text: &str) -> Self {
        let starts = lync_lint_core::text::line_starts(text);
        let visible = match visible_text(text) {
            Cow::Borrowed(_) => None,
            Cow::Owned(s) => Some(s),
        };
        Self { visible, starts, memo: Mutex::new((0, 0, 0)) }
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    fn start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(0)
    }

    /// Where `line` ends, its line break included.
    fn end(&self, line: usize, len: usize) -> usize {
        self.starts.get(line + 1).copied().unwrap_or(len)
    }

    /// The 1-based line and column (in Unicode scalar values) of `offset` in `text`.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let mut memo = self.memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let column =
            lync_lint_core::text::column_from(text, *memo, line, self.start(line), offset, |s| s.chars().count());
        *memo = (line, offset, column);
        (line + 1, column + 1)
    }
}

thread_local! {
    /// The file rendered last: its diagnostics are rendered one after the other.
    static LAST: RefCell<Option<(Weak<SourceFile>, Arc<Shown>)>> = const { RefCell::new(None) };
}

/// The drawing of `file`, computed once for a run of diagnostics about it.
pub fn shown(file: &Arc<SourceFile>) -> Arc<Shown> {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((weak, shown)) = last.as_ref()
            && std::ptr::eq(weak.as_ptr(), Arc::as_ptr(file))
        {
            return shown.clone();
        }
        let shown = Arc::new(Shown::new(&file.text));
        *last = Some((Arc::downgrade(file), shown.clone()));
        shown
    })
}

/// The source code miette reads: windows of the visible text.
pub struct Drawn {
    pub file: Arc<SourceFile>,
    pub shown: Arc<Shown>,
}

impl Drawn {
    fn text(&self) -> &str {
        self.shown.visible.as_deref().unwrap_or(&self.file.text)
    }
}

impl SourceCode for Drawn {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = self.text();
        let (start, len) = (span.offset(), span.len());
        if start.checked_add(len).is_none_or(|end| end > text.len()) {
            return Err(MietteError::OutOfBounds);
        }
        let shown = &self.shown;
        // A window of whole lines with one line to spare on each side: miette's own reading
        // of it gives the same result as a reading of the whole text, offsets aside.
        let first = shown.line_of(start).saturating_sub(before + 1);
        let last = shown.line_of((start + len).saturating_sub(1).max(start)) + after + 2;
        let base = shown.start(first);
        let window = &text[base..shown.end(last, text.len()).max(base)];
        let inner = window.read_span(&SourceSpan::new((start - base).into(), len), before, after)?;
        let offset = base + inner.span().offset();
        let line_start = shown.start(shown.line_of(offset));
        let column = text.get(line_start..offset).map_or(0, |t| t.chars().count());
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            SourceSpan::new(offset.into(), inner.span().len()),
            inner.line() + first,
            column,
            inner.line_count() + first,
        )))
    }
}

/// Which labels of a diagnostic are drawn.
#[derive(Debug, Default)]
pub struct Plan {
    /// Indices of the drawn labels, the primary one first; empty when the primary label
    /// itself cannot be drawn.
    pub drawn: Vec<usize>,
    /// Indices of the labels described in words.
    pub described: Vec<usize>,
    /// Why the primary label is not drawn.
    pub why: Option<String>,
    /// The context lines drawn around each label.
    pub context: usize,
}

/// Decides which labels are drawn, with `context` lines around each: in order, each one
/// that keeps the snippet within the limits, as long as the primary label (the first) is
/// drawn.
pub fn plan(shown: &Shown, text_len: usize, labels: &[Label], context: usize) -> Plan {
    let mut plan = Plan { context, ..Plan::default() };
    let mut region: Option<(usize, usize)> = None;
    let last_line = shown.starts.len() - 1;
    for (i, label) in labels.iter().enumerate() {
        let start = label.span.start.min(text_len);
        let end = label.span.end.clamp(start, text_len);
        let (l0, l1) = (shown.line_of(start), shown.line_of(end.saturating_sub(1).max(start)));
        let (lo, hi) = (l0.saturating_sub(context), (l1 + context).min(last_line));
        let (lo, hi) = region.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi)));
        let too_long = || (lo..=hi).find(|&l| shown.end(l, text_len) - shown.start(l) > MAX_LINE_BYTES);
        let fits = (i == 0 || !plan.drawn.is_empty()) && plan.drawn.len() < MAX_DRAWN_LABELS;
        if fits && hi - lo < MAX_DRAWN_LINES && too_long().is_none() {
            plan.drawn.push(i);
            region = Some((lo, hi));
            continue;
        }
        if i == 0 {
            plan.why = Some(if hi - lo >= MAX_DRAWN_LINES {
                format!("it spans {} lines, too many to draw", l1 - l0 + 1)
            } else {
                let l = too_long().unwrap_or(l0);
                format!("line {} is {} bytes long, too long to draw", l + 1, shown.end(l, text_len) - shown.start(l))
            });
        }
        plan.described.push(i);
    }
    plan
}

/// A character shown instead of `c`, of the same length in UTF-8: control characters (but
/// tabs and line breaks) and bidirectional formatting characters would otherwise reach the
/// terminal as they are.
fn replacement(c: char, next: Option<char>) -> Option<char> {
    match c {
        '\t' | '\n' => None,
        '\r' => (next != Some('\n')).then_some('\n'),
        '\u{0}'..='\u{1f}' | '\u{7f}' => Some('?'),
        '\u{80}'..='\u{9f}' | '\u{61c}' => Some('\u{bf}'),
        '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// `text` with [`replacement`]s: byte offsets are unchanged.
/// Printable ASCII, tab and newline: shown as they are.
fn plain(text: &str) -> bool {
    text.bytes().all(|b| (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t')
}

/// `false` when no character of `text` needs escaping in [`printable`], from its bytes: C0
/// controls but tab and newline, DEL, C1 controls (`C2 80`-`C2 9F`), U+061C (`D8 9C`),
/// U+200E/F and U+202A-E (`E2 80 ..`), U+2066-9 (`E2 81 A6`-`A9`). A `true` is checked
/// character by character.
fn may_need_escapes(text: &str) -> bool {
    let b = text.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        i += 1;
        let flagged = match x {
            0x20..0x7f | b'\n' | b'\t' => false,
            0..0x20 | 0x7f => true,
            0xc2 => (0x80..0xa0).contains(&at(i)),
            0xd8 => at(i) == 0x9c,
            0xe2 => match at(i) {
                0x80 => matches!(at(i + 1), 0x8e | 0x8f | 0xaa..=0xae),
                0x81 => (0xa6..=0xa9).contains(&at(i + 1)),
                _ => false,
            },
            _ => false,
        };
        if flagged {
            return true;
        }
    }
    false
}

fn visible_text(text: &str) -> Cow<'_, str> {
    if plain(text) {
        return Cow::Borrowed(text);
    }
    let replaced = |(c, next): (char, Option<char>)| replacement(c, next).unwrap_or(c);
    let pairs = || text.chars().zip(text.chars().skip(1).map(Some).chain([None]));
    if pairs().all(|(c, next)| replacement(c, next).is_none()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(pairs().map(replaced).collect())
}

/// `text` safe for a terminal: control and bidirectional formatting characters (but line
/// breaks and tabs) are escaped as `\u{…}`.
pub fn printable(text: &str) -> Cow<'_, str> {
    let bad = |c: char| c != '\n' && c != '\t' && (c.is_control() || replacement(c, None).is_some());
    if !may_need_escapes(text) || !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if bad(c) { c.escape_unicode().to_string() } else { c.to_string() }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacements_keep_offsets() {
        for text in ["a\rb\r\nc\x1b[31m", "\u{85}x\u{202e}y\u{61c}", "plain\n"] {
            let shown = visible_text(text);
            assert_eq!(shown.len(), text.len(), "{text:?}");
            assert!(!shown.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r')), "{shown:?}");
        }
        assert!(matches!(visible_text("plain\r\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_byte_prefilter_misses_no_character_that_needs_escaping() {
        let bad = |c: char| c != '\n' && c != '\t' && (c.is_control() || replacement(c, None).is_some());
        for c in (0..0x3000).filter_map(char::from_u32).chain(['\u{10ffff}', '\u{1f642}']) {
            let text = format!("a{c}b");
            if bad(c) {
                assert!(may_need_escapes(&text), "{:?} (U+{:04X}) is not flagged", c, u32::from(c));
            }
        }
        assert!(!may_need_escapes("plain — text ’quoted’ Zürich 東京\n\t"));
    }

    #[test]
    fn nul_and_escape_are_shown_safely() {
        assert_eq!(visible_text("\0x"), "?x");
        assert_eq!(printable("a\u{1b}b"), "a\\u{1b}b");
    }
}
