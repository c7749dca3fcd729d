//! Parsing: source text to the internal [`Document`] model, with byte spans.
//!
//! Every document is parsed by our own KDL v2 parser (`fast`): iterative (no recursion,
//! so no stack overflow at any depth), one pass, allocations proportional to nodes. Its spans
//! are, by construction and by differential tests, the ones the `kdl` crate produces: node span from the type annotation's `(` or the name to the end of the
//! node's last element (children block included, terminator excluded); name and annotation
//! spans on the string token (quotes included); entry span from the property name (or the
//! annotation, or the value) to the end of the value; `value_span` on the value token.
//!
//! A rejected document's errors are what an [`Explain`] makes of the parser's first error:
//! the core reports that error alone ([`first_error`]); the binary asks the `kdl` crate for
//! every error it finds, and names the fix for KDL v1 files.

// Errors are boxed to keep the `Result`s of the hot paths small.
pub mod chars;
#[allow(clippy::unnecessary_box_returns)]
mod fast;
#[allow(clippy::unnecessary_box_returns)]
mod scan;
#[allow(clippy::unnecessary_box_returns)]
mod string;

pub use fast::too_deep_error;

use crate::diag::Diagnostic;
use crate::doc::{Document, Ident, Span, Value};

/// One syntax problem, with its span in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What is wrong, in one line.
    pub message: String,
    /// The text shown at `span`; `None` shows `here`.
    pub label: Option<String>,
    /// How to fix it; `None` when there is no advice.
    pub help: Option<String>,
    /// The offending bytes in the source.
    pub span: Span,
}

impl SyntaxError {
    /// This error as a `kdl::syntax` diagnostic.
    #[must_use]
    pub fn into_diagnostic(self) -> Diagnostic {
        let label = self.label.unwrap_or_else(|| "here".to_owned());
        Diagnostic::error(crate::codes::KDL_SYNTAX, self.message).with_label(self.span, label).with_help_opt(self.help)
    }
}

/// A value token lexed by the document lexer (see [`lex_value`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// The value: a string, number or keyword.
    pub value: Value,
    /// Where it is.
    pub span: Span,
    /// An identifier string, written without quotes.
    pub bare: bool,
}

/// Lexes the KDL string, number or keyword that starts at byte `pos` of `src`, as documents
/// lex them: the KDL Query Language's literals are the document's.
///
/// # Errors
/// The lexer's error (an unterminated string, an invalid number or escape, a bare keyword).
pub fn lex_value(src: &str, pos: usize) -> Result<Token, SyntaxError> {
    let mut c = scan::Cursor::new(src);
    c.pos = pos.min(src.len());
    let bare = !matches!(c.peek(), Some(b'"' | b'#'));
    let value = c.value().map_err(|e| *e)?;
    Ok(Token { value, span: Span::new(pos, c.pos), bare })
}

/// The first code point KDL forbids anywhere in `src` (a byte order mark is allowed only at
/// the start), as `(offset, length)`.
#[must_use]
pub fn find_disallowed(src: &str) -> Option<(usize, usize)> {
    scan::find_disallowed(src)
}

/// Maximum nesting of children blocks: a deeper document is refused with one error at the
/// brace that goes too deep (the tree is walked recursively downstream).
pub const MAX_DEPTH: usize = 128;

/// Explains why a document was rejected: given the text and the parser's first error, the
/// errors to report. The core has only its own parser's error ([`first_error`]); a caller
/// with a richer explanation (the binary asks the `kdl` crate) passes its own.
pub type Explain = fn(&str, SyntaxError) -> Vec<SyntaxError>;

/// The [`Explain`] that reports the parser's own first error.
#[must_use]
pub fn first_error(_src: &str, error: SyntaxError) -> Vec<SyntaxError> {
    vec![error]
}

/// Parses `src` as KDL v2 into the document model.
///
/// # Errors
/// The parser's first error (one error for a document nested deeper than [`MAX_DEPTH`]).
pub fn parse(src: &str) -> Result<Document, Vec<SyntaxError>> {
    parse_explained(src, first_error)
}

/// Parses `src` as KDL v2; a rejected document's errors are those `explain` gives.
///
/// # Errors
/// What `explain` makes of the parser's first error.
pub fn parse_explained(src: &str, explain: Explain) -> Result<Document, Vec<SyntaxError>> {
    fast::parse(src).map_err(|err| explain(src, *err))
}

/// Whether the parser refused `error`'s document for nesting deeper than [`MAX_DEPTH`].
#[must_use]
pub fn is_too_deep(error: &SyntaxError) -> bool {
    error.message.starts_with(fast::TOO_DEEP)
}

/// Clamps a span into `src`, on character boundaries.
#[must_use]
pub fn clamp(src: &str, span: Span) -> Span {
    let mut start = span.start.min(src.len());
    while !src.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, src.len());
    while !src.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

/// Shrinks a span so it starts and ends on non-whitespace.
#[must_use]
pub fn trim(src: &str, span: Span) -> Span {
    let text = &src[span.start..span.end];
    let start = span.start + (text.len() - text.trim_start().len());
    let end = span.start + text.trim_end().len();
    Span::new(start, end.max(start))
}

/// The span of an entry's value token, from the entry's span: after the property's `=` and
/// after the annotation's `)`. Both parsers use this one definition.
#[must_use]
pub fn value_span(src: &str, span: Span, name: Option<&Ident>, ty: Option<&Ident>) -> Span {
    let mut value_start = span.start;
    if let Some(n) = name {
        let rest = &src[n.span.end.min(span.end)..span.end];
        value_start = n.span.end + rest.bytes().position(|b| b == b'=').map_or(0, |p| p + 1);
    }
    if let Some(t) = ty {
        let rest = &src[t.span.end.min(span.end)..span.end];
        value_start = value_start.max(t.span.end + rest.bytes().position(|b| b == b')').map_or(0, |p| p + 1));
    }
    trim(src, Span::new(value_start.min(span.end), span.end))
}

#[cfg(test)]
mod tests;
