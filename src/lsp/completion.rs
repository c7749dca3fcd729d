//! Completion from the vocabulary: node names valid under the enclosing node, property names
//! of the node being written, and allowed values (enumerations, booleans).
//!
//! Every item carries an explicit replacement range (the partial word, or the partial value
//! after `=` or an opening quote), so clients do not guess word boundaries around `"`, `=`
//! and `#`.

use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, MarkupContent, MarkupKind, TextEdit,
};

use super::context;
use super::convert::Lines;
use super::hover::{node_doc, value_doc};
use lync_lint_core::doc::Span;
use lync_lint_core::vocab::{NodeDecl, ValueDecl, ValueType, Vocabulary};

/// The completion items at `offset`.
#[must_use]
pub fn complete(vocab: &Vocabulary, text: &str, offset: usize, lines: &Lines<'_>) -> Vec<CompletionItem> {
    let ctx = context::at(text, offset);
    let offset = offset.min(text.len()).max(ctx.statement_start);
    let statement = text.get(ctx.statement_start..offset).unwrap_or("");
    let item = |label: String, kind, new_text: String, start: usize, doc: String| CompletionItem {
        label,
        kind: Some(kind),
        detail: doc.lines().find(|l| !l.is_empty() && !l.starts_with("**")).map(str::to_owned),
        documentation: Some(Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: doc })),
        filter_text: Some(new_text.clone()),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit { range: lines.range(Span::new(start, offset)), new_text })),
        ..CompletionItem::default()
    };
    let head = statement.trim_start();
    let head = head.strip_prefix("/-").unwrap_or(head);
    if !head.contains(|c: char| c.is_whitespace() || c == '"' || c == '=') {
        let start = offset - trailing_word(statement).len();
        return context::children(vocab, &ctx.parents)
            .into_iter()
            .map(|d| item(d.name.to_string(), node_kind(d), d.name.to_string(), start, node_doc(d, &ctx.parents)))
            .collect();
    }
    let Some(node) = context::first_word(statement).and_then(|n| context::decl(vocab, &ctx.parents, &n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(quote) = open_quote(statement) {
        let before = &statement[..quote];
        let prop = before.strip_suffix('=').map(trailing_word);
        let values: Vec<&ValueDecl> = match prop {
            Some(p) => node.prop(p).into_iter().collect(),
            None => node.args.iter().collect(),
        };
        for v in values {
            out.extend(
                values_of(v, false).into_iter().map(|(t, doc)| {
                    item(t.clone(), CompletionItemKind::ENUM_MEMBER, t, ctx.statement_start + quote, doc)
                }),
            );
        }
        return out;
    }
    let last = trailing_token(statement);
    let last_start = offset - last.len();
    if let Some((prop, _)) = last.split_once('=') {
        if let Some(v) = node.prop(prop) {
            let start = last_start + prop.len() + 1;
            out.extend(
                values_of(v, true)
                    .into_iter()
                    .map(|(t, doc)| item(t.clone(), CompletionItemKind::ENUM_MEMBER, t, start, doc)),
            );
        }
        return out;
    }
    for p in node.props.iter().filter(|p| !statement.contains(&format!(" {}=", p.name))) {
        out.push(item(
            format!("{}=", p.name),
            CompletionItemKind::PROPERTY,
            format!("{}=", p.name),
            last_start,
            value_doc(p, true),
        ));
    }
    if node_args_missing(node, statement) {
        for a in &node.args {
            out.extend(
                values_of(a, true)
                    .into_iter()
                    .map(|(t, doc)| item(t.clone(), CompletionItemKind::ENUM_MEMBER, t, last_start, doc)),
            );
        }
    }
    out
}

fn node_kind(d: &NodeDecl) -> CompletionItemKind {
    if d.children.is_empty() { CompletionItemKind::FIELD } else { CompletionItemKind::MODULE }
}

/// The allowed values of `v` as inserted text (quoted choices; `#true`/`#false` for booleans,
/// only when `booleans`, since they cannot follow a quote).
fn values_of(v: &ValueDecl, booleans: bool) -> Vec<(String, String)> {
    if v.ty == ValueType::Boolean && booleans {
        return ["#true", "#false"].iter().map(|b| ((*b).to_owned(), v.description.to_string())).collect();
    }
    v.choices.iter().map(|c| (format!("\"{}\"", c.value), c.description.to_string())).collect()
}

/// Whether the statement has no argument yet after the node name (only then are argument
/// values offered).
fn node_args_missing(node: &NodeDecl, statement: &str) -> bool {
    let rest = statement.trim_start();
    let rest = rest.get(rest.find(char::is_whitespace).unwrap_or(rest.len())..).unwrap_or("");
    !node.args.is_empty() && rest.split_whitespace().filter(|t| !t.contains('=')).count() <= 1
}

/// The byte index of an unclosed `"` in the statement (the cursor is inside a string).
fn open_quote(statement: &str) -> Option<usize> {
    let mut open = None;
    let mut escaped = false;
    for (i, c) in statement.char_indices() {
        match c {
            '\\' if open.is_some() => escaped = !escaped,
            '"' if !escaped => open = if open.is_some() { None } else { Some(i) },
            _ => escaped = false,
        }
    }
    open
}

/// The identifier characters at the end of `s`.
fn trailing_word(s: &str) -> &str {
    let start =
        s.char_indices().rev().take_while(|(_, c)| context::is_word_char(*c)).last().map_or(s.len(), |(i, _)| i);
    &s[start..]
}

/// The last whitespace-separated token of `s` (empty after whitespace).
fn trailing_token(s: &str) -> &str {
    let start = s.char_indices().rev().take_while(|(_, c)| !c.is_whitespace()).last().map_or(s.len(), |(i, _)| i);
    &s[start..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsp::convert::Encoding;

    fn labels(text: &str) -> Vec<String> {
        let packs = crate::packs::load(&[crate::packs::builtin()]).expect("built-in pack");
        let lines = Lines::new(text, Encoding::Utf16);
        complete(&packs.vocab, text, text.len(), &lines).into_iter().map(|i| i.label).collect()
    }

    #[test]
    fn places() {
        let top = labels("");
        assert!(top.contains(&"voice".to_owned()) && top.contains(&"waiver".to_owned()), "{top:?}");
        let voice = labels("voice {\n    pbx");
        assert!(voice.contains(&"pbx-replacement".to_owned()) && !voice.contains(&"site".to_owned()), "{voice:?}");
        let props = labels("site \"HQ\" ");
        assert!(props.contains(&"country=".to_owned()) && props.contains(&"datacenter=".to_owned()), "{props:?}");
        assert!(!labels("site \"HQ\" country=\"US\" ").contains(&"country=".to_owned()));
        assert_eq!(
            labels("voice {\n  pbx-integration \"A\" method="),
            ["\"direct-sip\"", "\"gateway\"", "\"remote-call-control\""]
        );
        assert_eq!(
            labels("voice {\n  pbx-integration \"A\" method=\"ga"),
            ["\"direct-sip\"", "\"gateway\"", "\"remote-call-control\""]
        );
        assert_eq!(labels("voice { dial-plans "), ["users=", "\"default\"", "\"custom\""]);
        assert_eq!(labels("voice { call-park "), ["users=", "#true", "#false"]);
        assert_eq!(labels("nothing-known "), Vec::<String>::new());
    }
}
