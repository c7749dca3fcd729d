//! Document symbols (`textDocument/documentSymbol`): the outline of a document, as a tree.
//!
//! - An environment file (and `lync-lint.kdl`): every node, nested as in the file: the
//!   sections (`voice`, `collaboration`, ...) with their needs inside, `site`s, `waiver`s.
//!   The name is the node's name, the detail its arguments and properties as written.
//! - A policy pack file: its policies (named by rule id, with the `title` as detail), its
//!   tests (named by their title), and the node declarations of a vocabulary, nested.
//!
//! A document that does not parse has no outline (an empty list) until it does again.

use std::io::Write;

use serde_json::{Value, json};

use super::Server;
use super::convert::Lines;
use super::requests::Failure;
use super::workspace::Kind;
use lync_lint_core::doc::{Node, Value as KdlValue};

impl<W: Write> Server<W> {
    pub(super) fn document_symbols(&self, p: &lsp_types::DocumentSymbolParams) -> Result<Value, Failure> {
        let doc = self.doc(&p.text_document.uri)?;
        Ok(Value::Array(symbols(&doc.text, doc.kind, &Lines::new(&doc.text, self.encoding))))
    }
}

/// The LSP `SymbolKind`s used here.
mod kind {
    pub const NAMESPACE: u8 = 3;
    pub const PROPERTY: u8 = 7;
    pub const FUNCTION: u8 = 12;
    pub const STRUCT: u8 = 23;
    pub const EVENT: u8 = 24;
    pub const METHOD: u8 = 6;
    pub const OBJECT: u8 = 19;
}

/// At most this many characters of a node's entries are shown as its detail.
const DETAIL_CHARS: usize = 80;

/// The outline of `text`, a document of kind `kind`, as `DocumentSymbol[]`.
#[must_use]
pub fn symbols(text: &str, kind: Kind, lines: &Lines<'_>) -> Vec<Value> {
    if kind == Kind::Other {
        return Vec::new();
    }
    let Ok(doc) = lync_lint_core::parse::parse(text) else { return Vec::new() };
    match kind {
        Kind::Policy => doc.nodes.iter().map(|n| pack_symbol(text, n, lines)).collect(),
        _ => doc.nodes.iter().map(|n| environment_symbol(text, n, lines)).collect(),
    }
}

/// A node of an environment (or configuration) file and everything inside it.
fn environment_symbol(text: &str, node: &Node, lines: &Lines<'_>) -> Value {
    let children: Vec<Value> = node.children().iter().map(|c| environment_symbol(text, c, lines)).collect();
    let kind = if node.name.value == "waiver" {
        kind::EVENT
    } else if node.children.is_some() {
        kind::NAMESPACE
    } else if node.name.value == "site" || node.name.value == "organization" {
        kind::OBJECT
    } else {
        kind::PROPERTY
    };
    symbol(&node.name.value, detail(text, node), kind, node, lines, children)
}

/// A top-level node of a pack file: a policy, a test, a vocabulary (with its node
/// declarations) or the pack's identity.
fn pack_symbol(text: &str, node: &Node, lines: &Lines<'_>) -> Value {
    let first = first_string(node);
    let child_text = |name: &str| node.children().iter().find(|c| c.name.value == name).and_then(first_string);
    match (node.name.value.as_str(), first) {
        ("policy", Some(id)) => {
            let title = child_text("title").unwrap_or_default();
            symbol(id, Some(title.to_owned()), kind::FUNCTION, node, lines, Vec::new())
        }
        ("test", Some(title)) => symbol(title, Some("test".to_owned()), kind::METHOD, node, lines, Vec::new()),
        ("vocabulary", name) => {
            let decls = node_decls(node, lines);
            symbol(name.unwrap_or("vocabulary"), Some("vocabulary".to_owned()), kind::NAMESPACE, node, lines, decls)
        }
        (name, _) => symbol(name, detail(text, node), kind::OBJECT, node, lines, Vec::new()),
    }
}

/// The `node "NAME"` declarations inside a vocabulary node, nested.
fn node_decls(parent: &Node, lines: &Lines<'_>) -> Vec<Value> {
    parent
        .children()
        .iter()
        .filter(|c| c.name.value == "node")
        .filter_map(|c| {
            let name = first_string(c)?;
            Some(symbol(name, Some("node".to_owned()), kind::STRUCT, c, lines, node_decls(c, lines)))
        })
        .collect()
}

fn first_string(node: &Node) -> Option<&str> {
    match &node.arg(0)?.value {
        KdlValue::String(s) => Some(s),
        _ => None,
    }
}

/// A node's entries as written, shortened.
fn detail(text: &str, node: &Node) -> Option<String> {
    let start = node.entries.first()?.span().start;
    let end = node.entries.iter().map(|e| e.span().end).max()?;
    let written = text.get(start..end)?;
    let mut out: String = written.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > DETAIL_CHARS {
        out = out.chars().take(DETAIL_CHARS - 1).collect::<String>() + "…";
    }
    Some(out)
}

fn symbol(name: &str, detail: Option<String>, kind: u8, node: &Node, lines: &Lines<'_>, children: Vec<Value>) -> Value {
    // An empty name is invalid in LSP (VS Code rejects the whole outline).
    let name = if name.trim().is_empty() { "\"\"" } else { name };
    let mut s = json!({
        "name": name,
        "kind": kind,
        "range": lines.range(node.span.join(node.name.span)),
        "selectionRange": lines.range(node.name.span),
    });
    if let Some(detail) = detail.filter(|d| !d.is_empty()) {
        s["detail"] = json!(detail);
    }
    if !children.is_empty() {
        s["children"] = Value::Array(children);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::convert::Encoding;

    fn names(symbols: &[Value]) -> Vec<String> {
        symbols.iter().map(|s| s["name"].as_str().unwrap_or("?").to_owned()).collect()
    }

    #[test]
    fn environment_outline_nests_needs_in_sections() {
        let text = "site \"HQ\" country=\"US\"\nvoice {\n    pbx-replacement #true\n    call-park #true\n}\n";
        let lines = Lines::new(text, Encoding::Utf16);
        let s = symbols(text, Kind::Environment, &lines);
        assert_eq!(names(&s), ["site", "voice"]);
        assert_eq!(s[0]["detail"], "\"HQ\" country=\"US\"");
        assert_eq!(names(s[1]["children"].as_array().expect("needs")), ["pbx-replacement", "call-park"]);
        assert_eq!(s[1]["children"][1]["range"]["start"]["line"], 3);
        assert_eq!(s[1]["range"]["end"]["line"], 4, "a section's range covers its block");
    }

    #[test]
    fn policy_outline_lists_policies_by_id() {
        let text = "policy \"a/b\" {\n    title \"A B\"\n}\npolicy \"a/c\" { title \"C\"; }\n";
        let lines = Lines::new(text, Encoding::Utf16);
        let s = symbols(text, Kind::Policy, &lines);
        assert_eq!(names(&s), ["a/b", "a/c"]);
        assert_eq!(s[0]["detail"], "A B");
        assert_eq!(s[1]["selectionRange"]["start"], json!({ "line": 3, "character": 0 }));
    }

    #[test]
    fn broken_and_other_documents_have_no_outline() {
        let lines = Lines::new("voice {", Encoding::Utf16);
        assert!(symbols("voice {", Kind::Environment, &lines).is_empty());
        let lines = Lines::new("a 1", Encoding::Utf16);
        assert!(symbols("a 1", Kind::Other, &lines).is_empty());
    }
}
