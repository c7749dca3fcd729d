//! Parsing: the only module that touches the `kdl` crate.
//!
//! It turns source text into the internal [`Document`] model with byte spans, and turns
//! the parser's errors into [`SyntaxError`]s. A file that fails as KDL v2 but parses as KDL v1
//! gets a single error that says so and names the fix. Nothing else in the crate may use
//! `kdl` types: a faster parser can replace this module without touching the rest.

use crate::doc::{Document, Entry, Ident, Node, Span, Value};

/// One syntax problem, with its span in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    pub span: Span,
}

/// Maximum nesting of children blocks accepted before parsing (the `kdl` parser recurses).
pub const MAX_DEPTH: usize = 128;

/// Parses `src` as KDL v2 into the document model.
///
/// # Errors
/// Every error the parser reports, or one error for a KDL v1 document.
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
            if out.is_empty() {
                out.push(SyntaxError {
                    message: "invalid KDL".to_owned(),
                    label: None,
                    help: None,
                    span: Span::new(0, 0),
                });
            }
            out.dedup();
            Err(out)
        }
    }
}

/// A cheap pre-scan that refuses documents nested deeper than [`MAX_DEPTH`], so the
/// recursive parser cannot overflow the stack. Braces inside strings and comments are
/// counted too, which can only make the scan stricter on pathological input.
fn too_deep(src: &str) -> Option<SyntaxError> {
    let mut depth = 0usize;
    for (i, b) in src.bytes().enumerate() {
        match b {
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(SyntaxError {
                        message: format!("nesting too deep: more than {MAX_DEPTH} levels of children"),
                        label: Some("this block is too deep".to_owned()),
                        help: Some("environment files are shallow; flatten the structure".to_owned()),
                        span: Span::new(i, i + 1),
                    });
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn v1_error(src: &str) -> SyntaxError {
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

fn clamp(src: &str, span: Span) -> Span {
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

fn to_span(s: miette::SourceSpan) -> Span {
    Span::new(s.offset(), s.offset() + s.len())
}

/// Shrinks a span so it starts and ends on non-whitespace.
fn trim(src: &str, span: Span) -> Span {
    let text = &src[span.start..span.end];
    let start = span.start + (text.len() - text.trim_start().len());
    let end = span.start + text.trim_end().len();
    Span::new(start, end.max(start))
}

fn ident(id: &kdl::KdlIdentifier) -> Ident {
    Ident { value: id.value().to_owned(), span: to_span(id.span()) }
}

fn convert_value(v: &kdl::KdlValue) -> Value {
    match v {
        kdl::KdlValue::String(s) => Value::String(s.clone()),
        kdl::KdlValue::Integer(i) => Value::Integer(*i),
        kdl::KdlValue::Float(f) => Value::Float(*f),
        kdl::KdlValue::Bool(b) => Value::Bool(*b),
        kdl::KdlValue::Null => Value::Null,
    }
}

fn convert_entry(src: &str, e: &kdl::KdlEntry) -> Entry {
    let span = trim(src, clamp(src, to_span(e.span())));
    let name = e.name().map(ident);
    let ty = e.ty().map(ident);
    // The value starts after the name's `=` and after the annotation's `)`.
    let mut value_start = span.start;
    if let Some(n) = &name {
        let rest = &src[n.span.end.min(span.end)..span.end];
        value_start = n.span.end + rest.find('=').map_or(0, |p| p + 1);
    }
    if let Some(t) = &ty {
        let rest = &src[t.span.end.min(span.end)..span.end];
        value_start = value_start.max(t.span.end + rest.find(')').map_or(0, |p| p + 1));
    }
    let value_span = trim(src, Span::new(value_start.min(span.end), span.end));
    Entry { name, ty, value: convert_value(e.value()), value_span, span }
}

fn convert_node(src: &str, n: &kdl::KdlNode) -> Node {
    let name = ident(n.name());
    let ty = n.ty().map(ident);
    let entries: Vec<Entry> = n.entries().iter().map(|e| convert_entry(src, e)).collect();
    let children = n.children().map(|d| d.nodes().iter().map(|c| convert_node(src, c)).collect());
    let start = ty.as_ref().map_or(name.span.start, |t| t.span.start.saturating_sub(1));
    let raw = trim(src, clamp(src, to_span(n.span())));
    // The kdl node span can include the terminator; keep it from the annotation or name on.
    let span = Span::new(start.min(raw.end), raw.end.max(name.span.end));
    Node { ty, name, entries, children, span }
}
