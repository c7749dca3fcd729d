//! The edge between byte spans and the protocol: LSP positions (UTF-16 or UTF-8 code units,
//! as negotiated), `file:` URIs, and diagnostics.
//!
//! Lines end at `\r\n`, `\n` or a lone `\r`, as LSP and [`LineIndex`] say. A
//! position past the end of a line is clamped to the line's end, a line past the end of the
//! text to the end of the text; a byte offset inside a character moves back to its start.
//! Nothing here panics on any input.

use std::path::PathBuf;
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Position, Range, Uri,
};

use lync_lint_core::diag::{Diagnostic, Severity};
use lync_lint_core::doc::Span;
use lync_lint_core::text::LineIndex;

/// How LSP `character` offsets count.
pub use lync_lint_core::text::Units as Encoding;

/// One text's line index ([`LineIndex`], the one every renderer uses), speaking LSP
/// positions in the negotiated encoding.
#[derive(Debug)]
pub struct Lines<'a> {
    index: LineIndex<'a>,
    text_len: usize,
    encoding: Encoding,
}

impl<'a> Lines<'a> {
    #[must_use]
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        Self { index: LineIndex::new(text), text_len: text.len(), encoding }
    }

    /// The LSP position of a byte offset.
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let p = self.index.units_position(offset, self.encoding);
        Position::new(to_u32(p.line), to_u32(p.character))
    }

    /// The byte offset of an LSP position (clamped, never inside a character).
    #[must_use]
    pub fn offset(&self, pos: Position) -> usize {
        let line = usize::try_from(pos.line).unwrap_or(usize::MAX);
        let column = usize::try_from(pos.character).unwrap_or(usize::MAX);
        self.index.offset_at(line, column, self.encoding)
    }

    /// The LSP range of a byte span.
    #[must_use]
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end.max(span.start)))
    }

    /// The byte span of an LSP range.
    #[must_use]
    pub fn span(&self, range: Range) -> Span {
        let start = self.offset(range.start);
        Span::new(start, self.offset(range.end).max(start))
    }

    /// The position just past the last character.
    #[must_use]
    pub fn end(&self) -> Position {
        self.position(self.text_len)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The local path of a `file:` URI (percent-decoded); `None` for other schemes.
#[must_use]
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let path = if rest.starts_with('/') { rest } else { &rest[rest.find('/')?..] };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

/// How advice is shown in editors: `Information`, so it is listed in problem panels (a
/// `Hint` is often only a faint underline) without failing anything.
pub const ADVICE: DiagnosticSeverity = DiagnosticSeverity::INFORMATION;

/// Converts one diagnostic: the primary label is the range, the message is the CLI's message
/// (with its `help:` as a second paragraph), secondary labels are related information.
#[must_use]
pub fn diagnostic(d: &Diagnostic, lines: &Lines<'_>, uri: &Uri) -> lsp_types::Diagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Advice => ADVICE,
    };
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\n\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .skip(1)
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(l.span)),
            message: l.text.clone().unwrap_or_else(|| "related".to_owned()),
        })
        .collect();
    lsp_types::Diagnostic {
        range: lines.range(d.primary_span()),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.code.clone())),
        code_description: d.url.as_deref().and_then(|u| Uri::from_str(u).ok()).map(|href| CodeDescription { href }),
        source: Some("lync-lint".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_columns() {
        let text = "site \"Zürich 🚀\"; voice { call-park #true }\n";
        let at = text.find("call-park").expect("node");
        let u16 = Lines::new(text, Encoding::Utf16);
        let u8 = Lines::new(text, Encoding::Utf8);
        let want16 = text[..at].encode_utf16().count();
        assert_eq!(u16.position(at), Position::new(0, to_u32(want16)));
        assert_eq!(u8.position(at), Position::new(0, to_u32(at)));
        assert_eq!(u16.offset(u16.position(at)), at);
        assert_eq!(u8.offset(u8.position(at)), at);
    }

    #[test]
    fn clamps_everything() {
        let text = "ab\r\ncd";
        let l = Lines::new(text, Encoding::Utf16);
        assert_eq!(l.offset(Position::new(0, 99)), 2, "past the line's end: before the \\r\\n");
        assert_eq!(l.offset(Position::new(9, 0)), text.len());
        assert_eq!(l.position(999), Position::new(1, 2));
        assert_eq!(l.position(3), Position::new(0, 2), "on the \\n of \\r\\n");
        let emoji = Lines::new("🚀x", Encoding::Utf16);
        assert_eq!(emoji.offset(Position::new(0, 1)), 4, "inside a surrogate pair: after the character");
        assert_eq!(emoji.position(2), Position::new(0, 0));
        assert_eq!(Lines::new("", Encoding::Utf8).end(), Position::new(0, 0));
    }

    #[test]
    fn file_uris() {
        assert_eq!(uri_to_path("file:///tmp/a%20b/x.kdl"), Some(PathBuf::from("/tmp/a b/x.kdl")));
        assert_eq!(uri_to_path("file://localhost/etc/x"), Some(PathBuf::from("/etc/x")));
        assert_eq!(uri_to_path("untitled:Untitled-1"), None);
        assert_eq!(uri_to_path("file:///%"), Some(PathBuf::from("/%")));
    }
}
