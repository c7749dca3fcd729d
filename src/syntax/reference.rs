//! The `kdl` crate path: the reference the fast parser is tested against, and the source of
//! the diagnostics for rejected documents.
//!
//! [`parse`] is what parsing was before the fast parser: it is kept for the
//! differential tests and the benchmarks, not used on the hot path. This is the only file
//! that touches `kdl` types, with its parent module.

use lync_lint_core::doc::{Document, Entry, Ident, Node, Span, Value};
use lync_lint_core::parse::{MAX_DEPTH, SyntaxError, clamp, trim, value_span};

/// Parses `src` with the `kdl` crate and converts the result to the document model.
///
/// # Errors
/// Every error the crate reports, one error for a KDL v1 document, or one error for a
/// document with more than [`MAX_DEPTH`] braces open at once.
pub fn parse(src: &str) -> Result<Document, Vec<SyntaxError>> {
    if let Some(err) = too_deep(src) {
        return Err(vec![err]);
    }
    match kdl::KdlDocument::parse_v2(src) {
        Ok(doc) => Ok(Document { nodes: doc.nodes().iter().map(|n| convert_node(src, n)).collect() }),
        Err(err) => {
            if kdl::KdlDocument::parse_v1(src).is_ok() {
                return Err(vec![v1_error(src)]);
            }
            let mut out = convert_errors(src, err);
            if out.is_empty() {
                out.push(SyntaxError {
                    message: "invalid KDL".to_owned(),
                    label: None,
                    help: None,
                    span: Span::new(0, 0),
                });
            }
            Err(out)
        }
    }
}

/// The crate's diagnostics as [`SyntaxError`]s, spans clamped into `src`, duplicates removed.
pub(crate) fn convert_errors(src: &str, err: kdl::KdlError) -> Vec<SyntaxError> {
    let mut out: Vec<SyntaxError> = err
        .diagnostics
        .into_iter()
        .map(|d| SyntaxError {
            message: d.message.unwrap_or_else(|| "invalid KDL".to_owned()),
            label: d.label,
            help: d.help,
            span: clamp(src, Span::new(d.span.offset(), d.span.offset() + d.span.len())),
        })
        .collect();
    out.dedup();
    out
}

/// A cheap pre-scan that refuses documents with more than [`MAX_DEPTH`] braces open,
/// so the recursive `kdl` parser cannot overflow the stack. Braces inside strings and
/// comments are counted too, which can only make the scan stricter.
pub(crate) fn too_deep(src: &str) -> Option<SyntaxError> {
    let mut depth = 0usize;
    for (i, b) in src.bytes().enumerate() {
        match b {
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(lync_lint_core::parse::too_deep_error(Span::new(i, i + 1)));
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

pub(crate) fn v1_error(src: &str) -> SyntaxError {
    let span = first_v1_token(src).unwrap_or_else(|| Span::new(0, 0));
    SyntaxError {
        message: "this file is KDL v1; lync-lint reads KDL v2".to_owned(),
        label: Some("KDL v1 syntax here".to_owned()),
        help: Some(
            "write `true`/`false`/`null` as `#true`/`#false`/`#null`, and quote strings that are \
             not valid identifiers; `r\"...\"` raw strings become `#\"...\"#`"
                .to_owned(),
        ),
        span,
    }
}

/// The first bare `true`, `false` or `null` word, or `r"`/`r#"` raw string, to point at.
fn first_v1_token(src: &str) -> Option<Span> {
    let bytes = src.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    for word in ["true", "false", "null"] {
        let mut from = 0;
        while let Some(pos) = src[from..].find(word) {
            let start = from + pos;
            let end = start + word.len();
            let before_ok = start == 0 || !(is_word(bytes[start - 1]) || bytes[start - 1] == b'#');
            let after_ok = end == bytes.len() || !is_word(bytes[end]);
            if before_ok && after_ok {
                return Some(Span::new(start, end));
            }
            from = end;
        }
    }
    src.find("r\"").or_else(|| src.find("r#\"")).map(|s| Span::new(s, s + 2))
}

fn to_span(s: miette::SourceSpan) -> Span {
    Span::new(s.offset(), s.offset() + s.len())
}

fn ident(id: &kdl::KdlIdentifier) -> Ident {
    Ident { value: id.value().into(), span: to_span(id.span()) }
}

fn convert_value(v: &kdl::KdlValue) -> Value {
    match v {
        kdl::KdlValue::String(s) => Value::String(s.as_str().into()),
        kdl::KdlValue::Integer(i) => Value::int(*i),
        kdl::KdlValue::Float(f) => Value::Float(*f),
        kdl::KdlValue::Bool(b) => Value::Bool(*b),
        kdl::KdlValue::Null => Value::Null,
    }
}

fn convert_entry(src: &str, e: &kdl::KdlEntry) -> Entry {
    let span = trim(src, clamp(src, to_span(e.span())));
    let name = e.name().map(ident);
    let ty = e.ty().map(ident);
    let value_span = value_span(src, span, name.as_ref(), ty.as_ref());
    Entry::new(name, ty.map(Box::new), convert_value(e.value()), value_span, span)
}

fn convert_node(src: &str, n: &kdl::KdlNode) -> Node {
    let name = ident(n.name());
    let ty = n.ty().map(ident);
    let entries: Vec<Entry> = n.entries().iter().map(|e| convert_entry(src, e)).collect();
    let children = n.children().map(|d| d.nodes().iter().map(|c| convert_node(src, c)).collect());
    let raw = trim(src, clamp(src, to_span(n.span())));
    // The crate's node span starts at the annotation's `(` or at the name; its end can
    // include trailing whitespace, which `trim` drops.
    let start = if ty.is_some() { raw.start } else { name.span.start };
    let span = Span::new(start.min(raw.end), raw.end.max(name.span.end));
    Node { ty: ty.map(Box::new), name, entries, children, span }
}
