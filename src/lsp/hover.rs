//! Hover: on a node that carries a finding, the rule's explanation (what `lync-lint explain`
//! prints); on a vocabulary node, property or allowed value, its meaning and allowed values;
//! on the rule id of a `waiver`, that rule's explanation.

use std::fmt::Write as _;

use super::context::{self, Context};
use lync_lint_core::diag::Diagnostic;
use lync_lint_core::pack::PackSet;
use lync_lint_core::vocab::{NodeDecl, ValueDecl, ValueType};

/// The Markdown to show at `offset` and the byte span it is about.
#[must_use]
pub fn hover(packs: &PackSet, text: &str, findings: &[Diagnostic], offset: usize) -> Option<(String, (usize, usize))> {
    let word = context::word_at(text, offset)?;
    let ctx = context::at(text, word.0);
    let before = text.get(ctx.statement_start..word.0).unwrap_or("");
    let mut parts: Vec<String> = Vec::new();
    for d in findings.iter().filter(|d| d.is_finding) {
        let span = d.primary_span();
        if let (true, Some(p)) = (span.start <= offset && offset <= span.end, packs.policy(&d.code)) {
            parts.push(crate::explain::explain_rule(p, packs));
        }
    }
    let in_string = before.ends_with('"');
    if in_string && context::first_word(before).as_deref() == Some("waiver") && ctx.parents.is_empty() {
        let id = text.get(word.0..word.1).unwrap_or("");
        if let Some(p) = packs.policy(id) {
            parts.push(crate::explain::explain_rule(p, packs));
        }
    }
    if let Some(doc) = vocabulary(packs, text, &ctx, before, word) {
        parts.push(doc);
    }
    if parts.is_empty() { None } else { Some((parts.join("\n---\n\n"), word)) }
}

/// The vocabulary's documentation of the word: a node name, a property name, or a value.
fn vocabulary(packs: &PackSet, text: &str, ctx: &Context, before: &str, word: (usize, usize)) -> Option<String> {
    let name = text.get(word.0..word.1)?;
    let head = before.trim();
    let head = head.strip_prefix("/-").unwrap_or(head).trim();
    if head.is_empty() || (head.starts_with('(') && head.ends_with(')')) {
        return context::decl(&packs.vocab, &ctx.parents, name).map(|d| node_doc(d, &ctx.parents));
    }
    let node = context::decl(&packs.vocab, &ctx.parents, &context::first_word(before)?)?;
    if text.get(word.1..).is_some_and(|rest| rest.starts_with('=')) {
        return node.prop(name).map(|p| value_doc(p, true));
    }
    if before.ends_with('"') {
        return node.args.iter().chain(&node.props).find_map(|v| {
            let c = v.choices.iter().find(|c| c.value == name)?;
            Some(format!("`\"{}\"`: {}\n\n(a value of {})", c.value, c.description, value_name(v, node)))
        });
    }
    None
}

fn value_name(v: &ValueDecl, node: &NodeDecl) -> String {
    if node.props.iter().any(|p| std::ptr::eq(p, v)) { format!("`{}=`", v.name) } else { format!("`{}`", node.name) }
}

/// A node's documentation: name, place, meaning, arguments, properties and children.
#[must_use]
pub fn node_doc(d: &NodeDecl, parents: &[String]) -> String {
    let place = if parents.is_empty() { "top level".to_owned() } else { format!("in `{}`", parents.join(" > ")) };
    let mut s =
        format!("**`{}`** ({place}{})\n\n{}\n", d.name, if d.repeat { ", may repeat" } else { "" }, d.description);
    for a in &d.args {
        let _ = write!(s, "\n- {}", value_doc(a, false));
    }
    for p in &d.props {
        let _ = write!(s, "\n- {}", value_doc(p, true));
    }
    if !d.children.is_empty() {
        let names: Vec<String> = d.children.iter().map(|c| format!("`{}`", c.name)).collect();
        let _ = write!(s, "\n\nchildren: {}", names.join(", "));
    }
    s
}

/// An argument's or property's documentation, with its allowed values.
#[must_use]
pub fn value_doc(v: &ValueDecl, prop: bool) -> String {
    let name = if prop { format!("`{}=`", v.name) } else { format!("argument `{}`", v.name) };
    let ty = if v.ty == ValueType::Boolean { "`#true` or `#false`" } else { v.ty.as_str() };
    let mut s = format!("{name} ({ty}{}): {}", if prop && v.required { ", required" } else { "" }, v.description);
    for c in &v.choices {
        let _ = write!(s, "\n  - `\"{}\"`: {}", c.value, c.description);
    }
    s
}
