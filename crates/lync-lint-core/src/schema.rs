//! Validation of environment files against the vocabulary (SPEC §2.2).
//!
//! Produces `schema::*` diagnostics with a span on the offending token. It only reads the
//! vocabulary; it knows nothing about any particular pack.
//!
//! It also attaches the safe fixes of SPEC §7.1 to the diagnostics that have one (see
//! `crate::fix`): a rename to the one close name or choice, and `#true`/`#false` for a string
//! boolean. A rename is offered only when it leaves no new problem that has no fix of its own
//! (the renamed node's entries and children, a duplicate, users beyond the organization's).

use std::collections::HashSet;

use crate::diag::{Diagnostic, Fix, closest};
use crate::doc::{Document, Entry, Node, Value};
use crate::fix::string_like;
use crate::vocab::{NodeDecl, Role, ValueDecl, ValueType, Vocabulary, is_date};

/// Validates `doc`; an empty result means the file's needs are known.
#[must_use]
pub fn validate(doc: &Document, vocab: &Vocabulary) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ctx = Ctx { doc, vocab, total: total_users(doc, vocab) };
    check_siblings(&doc.nodes, &vocab.nodes, None, &ctx, &mut out);
    out
}

/// What every check of one document may consult.
struct Ctx<'a> {
    doc: &'a Document,
    vocab: &'a Vocabulary,
    /// The organization's size, when the file gives it.
    total: Option<i128>,
}

impl Ctx<'_> {
    /// Whether the file would still be free of users beyond the organization's if a fix made
    /// `value` the organization's size (when the file gives none yet).
    fn total_ok(&self, value: &Value) -> bool {
        match (self.total, value.as_int()) {
            (None, Some(total)) => {
                largest_need(&self.doc.nodes, &self.vocab.nodes).is_none_or(|largest| largest <= total)
            }
            _ => true,
        }
    }
}

/// The organization's size: the value of the top-level property the vocabulary declares with
/// `role="total-users"` (`organization users=`), when the file gives it.
#[must_use]
pub fn total_users(doc: &Document, vocab: &Vocabulary) -> Option<i128> {
    doc.nodes.iter().find_map(|n| {
        let decl = vocab.top(&n.name.value)?;
        let prop = decl.props.iter().find(|p| p.role == Some(Role::TotalUsers))?;
        n.prop(&prop.name)?.value.as_int()
    })
}

/// The users a need concerns (`role="need-users"`): `None` when the node is not a need (its
/// declaration has no such property), `Some(None)` for a need of the whole organization.
#[must_use]
pub fn need_users(node: &Node, decl: &NodeDecl) -> Option<Option<i128>> {
    let prop = decl.props.iter().find(|p| p.role == Some(Role::NeedUsers))?;
    Some(node.prop(&prop.name).and_then(|e| e.value.as_int()))
}

/// The largest `users=` any need of `nodes` (declared by `decls`) and their children gives.
fn largest_need(nodes: &[Node], decls: &[NodeDecl]) -> Option<i128> {
    nodes
        .iter()
        .filter_map(|node| {
            let decl = decls.iter().find(|d| d.name == node.name.value)?;
            need_users(node, decl).flatten().into_iter().chain(largest_need(node.children(), &decl.children)).max()
        })
        .max()
}

fn check_siblings(
    nodes: &[Node],
    decls: &[NodeDecl],
    parent: Option<&NodeDecl>,
    ctx: &Ctx<'_>,
    out: &mut Vec<Diagnostic>,
) {
    // At most one entry per declared name (duplicates are not added): a short list.
    let mut seen: Vec<(&str, &Node)> = Vec::new();
    // The names of `nodes`, gathered when a rename needs them, and the names that may not
    // repeat that a rename was tried to (a second rename to one would make a duplicate): a
    // file of many misspellings costs one lookup each.
    let mut names: Option<HashSet<&str>> = None;
    let mut tried: Vec<&str> = Vec::new();
    for node in nodes {
        let name = node.name.value.as_str();
        // The engine's own nodes (`waiver`) are known at the top level of every file.
        let core = if parent.is_none() { crate::vocab::engine_decls() } else { &[] };
        let Some(decl) = decls.iter().chain(core).find(|d| d.name == name) else {
            let guess = closest(name, decls.iter().map(|d| d.name.as_str()));
            let mut d = unknown_node(node, decls, guess.map(|(s, _)| s), parent, ctx.vocab);
            let to = guess.filter(|(_, sole)| *sole).and_then(|(s, _)| decls.iter().find(|d| d.name == s));
            if let Some(to) = to {
                let free = to.repeat || {
                    let names = names.get_or_insert_with(|| nodes.iter().map(|n| n.name.value.as_str()).collect());
                    let free = !names.contains(to.name.as_str()) && !tried.contains(&to.name.as_str());
                    tried.push(&to.name);
                    free
                };
                if free {
                    d = d.with_fix(rename_node(node, to, parent.is_none(), ctx));
                }
            }
            out.push(d);
            continue;
        };
        if !decl.repeat {
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                out.push(
                    Diagnostic::error(crate::codes::DUPLICATE, format!("`{name}` is given twice"))
                        .with_label(node.name.span, "given again here")
                        .with_label(first.name.span, "first given here")
                        .with_help(format!("`{name}` may appear once here; merge the two into one")),
                );
                continue;
            }
            seen.push((name, node));
        }
        check_entries(node, decl, parent.is_none(), ctx, out);
        check_siblings(node.children(), &decl.children, Some(decl), ctx, out);
    }
}

/// The fix of an unknown node: the rename to `decl`'s name (the one close name), when the
/// node is fine under that name (what is not has fixes of its own).
fn rename_node(node: &Node, decl: &NodeDecl, top: bool, ctx: &Ctx<'_>) -> Option<Fix> {
    let mut scratch = Vec::new();
    check_entries(node, decl, top, ctx, &mut scratch);
    check_siblings(node.children(), &decl.children, Some(decl), ctx, &mut scratch);
    if scratch.iter().any(|d| d.fix.is_none()) || (top && !defines_total_ok(node, decl, ctx)) {
        return None;
    }
    Some(Fix::replace(node.name.span, string_like(is_bare(&node.name.value, node.name.span), &decl.name)))
}

/// Whether the token at `span` holding the string `value` was written bare: a quoted or raw
/// string is always longer than its value (quotes, and escapes longer than what they stand for).
fn is_bare(value: &str, span: crate::doc::Span) -> bool {
    span.len() == value.len()
}

/// Whether `node`, declared by `decl` at the top level, leaves the file free of users beyond
/// the organization's if it gives the organization's size.
fn defines_total_ok(node: &Node, decl: &NodeDecl, ctx: &Ctx<'_>) -> bool {
    decl.props
        .iter()
        .filter(|p| p.role == Some(Role::TotalUsers))
        .all(|p| node.prop(&p.name).is_none_or(|e| ctx.total_ok(&e.value)))
}

/// `guess`: the closest name among `decls`, if any is close.
fn unknown_node(
    node: &Node,
    decls: &[NodeDecl],
    guess: Option<&str>,
    parent: Option<&NodeDecl>,
    vocab: &Vocabulary,
) -> Diagnostic {
    let name = &node.name.value;
    let place = parent.map_or_else(|| "at the top level".to_owned(), |p| format!("in `{}`", p.name));
    let help = if decls.is_empty() {
        parent.map(|p| format!("`{}` takes no children", p.name))
    } else if let Some(s) = guess {
        Some(format!("did you mean `{s}`?"))
    } else if let Some((path, _)) = vocab.all().into_iter().find(|(_, d)| d.name == *name) {
        Some(if path.is_empty() {
            format!("`{name}` belongs at the top level")
        } else {
            format!("`{name}` belongs in `{}`", path.join(" > "))
        })
    } else {
        let names: Vec<String> = decls.iter().map(|d| format!("`{}`", d.name)).collect();
        Some(format!("known here: {}", names.join(", ")))
    };
    Diagnostic::error(crate::codes::UNKNOWN_NODE, format!("unknown node `{name}` {place}"))
        .with_label(node.name.span, "not in the vocabulary")
        .with_help_opt(help)
}

/// Checks the arguments and properties of `node`, declared by `decl` (`top`: at the top level).
fn check_entries(node: &Node, decl: &NodeDecl, top: bool, ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    // The node's arguments, matched in order to the declared ones: `next` is the first not
    // yet matched.
    let mut args = node.args();
    let mut next = args.next();
    for a in &decl.args {
        if a.repeat {
            if a.required && next.is_none() {
                out.push(missing_arg(node, a));
            }
            while let Some(e) = next {
                check_value(node, decl, e, a, ctx, out);
                next = args.next();
            }
        } else if let Some(e) = next {
            check_value(node, decl, e, a, ctx, out);
            next = args.next();
        } else if a.required {
            out.push(missing_arg(node, a));
        }
    }
    for extra in next.into_iter().chain(args) {
        let expected = match decl.args.len() {
            0 => "no arguments".to_owned(),
            1 => "one argument".to_owned(),
            n => format!("{n} arguments"),
        };
        out.push(
            Diagnostic::error(crate::codes::ARITY, format!("`{}` takes {expected}", node.name.value))
                .with_label(extra.span(), "unexpected argument")
                .with_help_opt((!decl.props.is_empty()).then(|| {
                    let props: Vec<String> = decl.props.iter().map(|p| format!("`{}=`", p.name)).collect();
                    format!("properties of `{}`: {}", decl.name, props.join(", "))
                })),
        );
    }
    // The names a rename was tried to: a second rename to one would give it twice.
    let mut tried: Vec<&str> = Vec::new();
    for p in node.props() {
        let Some(pname) = &p.name else { continue };
        if let Some(pd) = decl.prop(&pname.value) {
            check_value(node, decl, p, pd, ctx, out);
        } else {
            let guess = closest(&pname.value, decl.props.iter().map(|d| d.name.as_str()));
            let to = guess.filter(|(_, sole)| *sole).and_then(|(s, _)| decl.prop(s));
            let fix = to.filter(|to| !tried.contains(&to.name.as_str())).and_then(|to| {
                tried.push(&to.name);
                rename_prop(node, decl, p, to, top, ctx)
            });
            {
                let help = guess.map(|(s, _)| format!("did you mean `{s}`?")).or_else(|| {
                    if decl.props.is_empty() {
                        Some(format!("`{}` takes no properties", decl.name))
                    } else {
                        let names: Vec<String> = decl.props.iter().map(|d| format!("`{}`", d.name)).collect();
                        Some(format!("properties of `{}`: {}", decl.name, names.join(", ")))
                    }
                });
                out.push(
                    Diagnostic::error(
                        crate::codes::UNKNOWN_PROPERTY,
                        format!("unknown property `{}` on `{}`", pname.value, node.name.value),
                    )
                    .with_label(pname.span, "not in the vocabulary")
                    .with_help_opt(help)
                    .with_fix(fix),
                );
            }
        }
    }
    for pd in decl.props.iter().filter(|p| p.required) {
        if node.prop(&pd.name).is_none() {
            out.push(
                Diagnostic::error(
                    crate::codes::ARITY,
                    format!("`{}` needs the property `{}=`", node.name.value, pd.name),
                )
                .with_label(node.name.span, format!("`{}=` missing", pd.name))
                .with_help(format!("`{}`: {}", pd.name, pd.description)),
            );
        }
    }
}

/// The fix of an unknown property `p` of `node`: the rename to `pd`'s name (the one close
/// property name of `decl`), when `node` does not give that property already and `p`'s value
/// is fine there (or has a fix of its own).
fn rename_prop(node: &Node, decl: &NodeDecl, p: &Entry, pd: &ValueDecl, top: bool, ctx: &Ctx<'_>) -> Option<Fix> {
    let name = p.name.as_ref()?;
    if node.prop(&pd.name).is_some() {
        return None;
    }
    let mut scratch = Vec::new();
    check_value(node, decl, p, pd, ctx, &mut scratch);
    let users_ok = match (pd.role, &p.value) {
        (Some(Role::TotalUsers), value) if top => ctx.total_ok(value),
        _ => true,
    };
    if !users_ok || scratch.iter().any(|d| d.fix.is_none()) {
        return None;
    }
    Some(Fix::replace(name.span, string_like(is_bare(&name.value, name.span), &pd.name)))
}

fn missing_arg(node: &Node, a: &ValueDecl) -> Diagnostic {
    Diagnostic::error(crate::codes::ARITY, format!("`{}` needs an argument: {}", node.name.value, a.name))
        .with_label(node.name.span, format!("`{}` missing", a.name))
        .with_help(format!("`{}` is {}: {}", a.name, a.ty.article(), a.description))
}

fn check_value(
    node: &Node,
    decl: &NodeDecl,
    entry: &Entry,
    decl_value: &ValueDecl,
    ctx: &Ctx<'_>,
    out: &mut Vec<Diagnostic>,
) {
    // How messages name the value; built only for a message (most values are fine).
    let what = || match &entry.name {
        Some(n) => format!("`{}`", n.value),
        None if decl.args.len() == 1 => format!("`{}`", node.name.value),
        None => format!("the {} of `{}`", decl_value.name, node.name.value),
    };
    let type_ok = matches!(
        (decl_value.ty, &entry.value),
        (ValueType::String | ValueType::Country | ValueType::Date, Value::String(_))
            | (ValueType::Integer, Value::Integer(_))
            | (ValueType::Float, Value::Integer(_) | Value::Float(_))
            | (ValueType::Boolean, Value::Bool(_))
    );
    if !type_ok {
        let mut fix = None;
        let help = match (&entry.value, decl_value.ty) {
            (Value::String(s), ValueType::Boolean) if matches!(s.as_str(), "yes" | "true" | "no" | "false") => {
                let keyword = if matches!(s.as_str(), "yes" | "true") { "#true" } else { "#false" };
                fix = Some(Fix::replace(entry.value_span(), keyword));
                Some(format!("write `{keyword}`"))
            }
            (Value::String(s), ValueType::Integer) if s.parse::<i128>().is_ok() => {
                Some(format!("write `{s}` without quotes"))
            }
            _ => None,
        };
        out.push(
            Diagnostic::error(crate::codes::TYPE, format!("{} must be {}", what(), decl_value.ty.article()))
                .with_label(
                    entry.value_span(),
                    format!("expected {}, found {}", decl_value.ty.as_str(), entry.value.type_name()),
                )
                .with_help_opt(help.or_else(|| Some(format!("{}: {}", decl_value.name, decl_value.description))))
                .with_fix(fix),
        );
        return;
    }
    match &entry.value {
        Value::String(s) => check_string(entry, decl_value, s, &what, out),
        Value::Integer(int) => {
            let int = int.get();
            let low = decl_value.min.is_some_and(|m| int < m);
            let high = decl_value.max.is_some_and(|m| int > m);
            if low || high {
                let range = match (decl_value.min, decl_value.max) {
                    (Some(a), Some(b)) => format!("between {a} and {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                out.push(
                    Diagnostic::error(crate::codes::VALUE, format!("{} must be {range}", what()))
                        .with_label(entry.value_span(), format!("`{int}` is out of range")),
                );
            }
            // A need concerns at most the whole organization.
            if let Some(total) = ctx.total.filter(|t| int > *t && decl_value.role == Some(Role::NeedUsers)) {
                let prop = &decl_value.name;
                out.push(
                    Diagnostic::error(crate::codes::VALUE, format!("`{prop}={int}` is more than the organization's {total} users"))
                        .with_label(entry.value_span(), format!("more than {total}"))
                        .with_help(format!("a need concerns at most the whole organization: write at most `{prop}={total}`, or leave `{prop}=` out for everyone")),
                );
            }
        }
        _ => {}
    }
}

fn check_string(e: &Entry, d: &ValueDecl, s: &str, what: &dyn Fn() -> String, out: &mut Vec<Diagnostic>) {
    if !d.choices.is_empty() && !d.choices.iter().any(|c| c.value == s) {
        let quoted: Vec<String> = d.choices.iter().map(|c| format!("`\"{}\"`", c.value)).collect();
        let expected = crate::diag::or_list(&quoted);
        let guess = closest(s, d.choices.iter().map(|c| c.value.as_str()));
        let help = guess.map(|(c, _)| format!("did you mean `\"{c}\"`?"));
        let fix = guess
            .filter(|(_, sole)| *sole)
            .map(|(c, _)| Fix::replace(e.value_span(), string_like(is_bare(s, e.value_span()), c)));
        out.push(
            Diagnostic::error(crate::codes::VALUE, format!("{} must be {expected}", what()))
                .with_label(e.value_span(), format!("`\"{s}\"` is not allowed"))
                .with_help_opt(help)
                .with_fix(fix),
        );
        return;
    }
    let bad = match d.ty {
        ValueType::Country => !(s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase())),
        ValueType::Date => !is_date(s),
        _ => false,
    };
    if bad {
        let help = if d.ty == ValueType::Country && s.len() == 2 {
            Some(format!("country codes are upper case: `\"{}\"`", s.to_ascii_uppercase()))
        } else {
            None
        };
        out.push(
            Diagnostic::error(crate::codes::VALUE, format!("{} must be {}", what(), d.ty.article()))
                .with_label(e.value_span(), format!("`\"{s}\"` is not {}", d.ty.article()))
                .with_help_opt(help),
        );
    }
}

#[cfg(test)]
mod tests;
