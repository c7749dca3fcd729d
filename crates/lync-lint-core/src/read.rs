//! Helpers for decoding lync-lint's own KDL files (pack, vocabulary, policies, tests) into
//! data, collecting diagnostics with spans instead of stopping at the first mistake.
//!
//! Every code is `AREA::WHAT` (`policy::unknown-field`, `vocabulary::type`, ...); unknown
//! names get a did-you-mean from the names allowed in that place.

use crate::diag::{Diagnostic, did_you_mean};
use crate::doc::{Entry, Node, Span, Value};

/// Collects the diagnostics of one file while its nodes are decoded.
#[derive(Debug, Default)]
pub struct Reader {
    /// The diagnostics reported so far, in the order they were reported.
    pub diagnostics: Vec<Diagnostic>,
    /// The prefix of this file's codes: `policy`, `vocabulary`, `pack`.
    pub area: &'static str,
}

impl Reader {
    /// A reader with no diagnostics whose codes start with `area`.
    #[must_use]
    pub fn new(area: &'static str) -> Self {
        Self { diagnostics: Vec::new(), area }
    }

    /// Adds a diagnostic built elsewhere, with its code unchanged.
    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    /// An error coded `AREA::WHAT` with one label.
    pub fn error(&mut self, what: &str, message: impl Into<String>, span: Span, label: impl Into<String>) {
        let code = format!("{}::{what}", self.area);
        self.diagnostics.push(Diagnostic::error(&code, message).with_label(span, label));
    }

    /// Like [`Reader::error`], with a help text.
    pub fn error_help(
        &mut self,
        what: &str,
        message: impl Into<String>,
        span: Span,
        label: impl Into<String>,
        help: Option<String>,
    ) {
        self.error(what, message, span, label);
        if let Some(last) = self.diagnostics.last_mut() {
            last.help = help;
        }
    }

    /// `true` when any diagnostic has been reported.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        !self.diagnostics.is_empty()
    }

    /// The node's single argument, of any type; reports a missing or extra one.
    pub fn single_arg<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n Entry> {
        let mut args = node.args();
        let first = args.next();
        for extra in args {
            self.error(
                "arity",
                format!("`{}` takes one argument", node.name.value),
                extra.span(),
                "unexpected argument",
            );
        }
        if first.is_none() {
            self.error(
                "arity",
                format!("`{}` needs {what}", node.name.value),
                node.name.span,
                format!("{what} missing"),
            );
        }
        first
    }

    /// The node's single string argument; reports a missing, extra or mistyped one.
    pub fn string_arg(&mut self, node: &Node, what: &str) -> Option<(String, Span)> {
        let first = self.single_arg(node, what)?;
        self.expect_string(first, what).map(|s| (s, first.value_span()))
    }

    /// The entry's value as a string, or an error on the value.
    pub fn expect_string(&mut self, entry: &Entry, what: &str) -> Option<String> {
        if let Value::String(s) = &entry.value {
            Some(s.to_string())
        } else {
            self.error(
                "type",
                format!("{what} must be a string"),
                entry.value_span(),
                format!("found {}", entry.value.type_name()),
            );
            None
        }
    }

    /// A boolean argument or property value.
    pub fn expect_bool(&mut self, entry: &Entry, what: &str) -> Option<bool> {
        if let Value::Bool(b) = entry.value {
            Some(b)
        } else {
            self.error(
                "type",
                format!("{what} must be `#true` or `#false`"),
                entry.value_span(),
                format!("found {}", entry.value.type_name()),
            );
            None
        }
    }

    /// An integer argument or property value.
    pub fn expect_int(&mut self, entry: &Entry, what: &str) -> Option<i128> {
        if let Some(i) = entry.value.as_int() {
            Some(i)
        } else {
            self.error(
                "type",
                format!("{what} must be an integer"),
                entry.value_span(),
                format!("found {}", entry.value.type_name()),
            );
            None
        }
    }

    /// Reports every property of `node` not in `allowed`, with a did-you-mean.
    pub fn allow_props(&mut self, node: &Node, allowed: &[&str]) {
        for p in node.props() {
            let Some(name) = &p.name else { continue };
            if !allowed.contains(&name.value.as_str()) {
                let help = did_you_mean(&name.value, allowed.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some(allowed_list("properties", allowed)));
                self.error_help(
                    "unknown-field",
                    format!("unknown property `{}` on `{}`", name.value, node.name.value),
                    name.span,
                    "unknown property",
                    help,
                );
            }
        }
    }

    /// Reports a child node whose name is not in `allowed`, with a did-you-mean.
    pub fn unknown_child(&mut self, child: &Node, parent: &str, allowed: &[&str]) {
        let help = did_you_mean(&child.name.value, allowed.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| Some(allowed_list("fields", allowed)));
        self.error_help(
            "unknown-field",
            format!("unknown field `{}` in `{parent}`", child.name.value),
            child.name.span,
            "unknown field",
            help,
        );
    }

    /// Reports that `child` was given more than once.
    pub fn duplicate(&mut self, child: &Node, first: Span) {
        let code = format!("{}::duplicate", self.area);
        self.diagnostics.push(
            Diagnostic::error(&code, format!("`{}` is given twice", child.name.value))
                .with_label(child.name.span, "given again here")
                .with_label(first, "first given here"),
        );
    }
}

fn allowed_list(what: &str, allowed: &[&str]) -> String {
    let names: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
    format!("known {what}: {}", names.join(", "))
}

/// Maps a byte range inside a string value's *content* to a span in the file, when the
/// string is written without escapes (plain, raw or identifier string on one line).
/// Returns the whole value span otherwise.
#[must_use]
pub fn inner_span(src: &str, entry: &Entry, inner: Span) -> Span {
    let whole = entry.value_span();
    let Value::String(content) = &entry.value else {
        return whole;
    };
    let raw = src.get(whole.start..whole.end).unwrap_or("");
    let hashes = raw.bytes().take_while(|b| *b == b'#').count();
    let open = if raw[hashes..].starts_with('"') && !raw[hashes..].starts_with("\"\"\"") {
        hashes + 1
    } else if hashes == 0 && !raw.starts_with('"') {
        0
    } else {
        return whole;
    };
    let close = if open == 0 { 0 } else { open };
    let body = raw.get(open..raw.len().saturating_sub(close)).unwrap_or("");
    if body != content.as_str() {
        return whole;
    }
    let start = whole.start + open + inner.start.min(body.len());
    let end = whole.start + open + inner.end.min(body.len());
    Span::new(start, end.max(start))
}
