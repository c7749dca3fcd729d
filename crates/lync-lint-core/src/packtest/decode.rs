//! Decoding `*.test.kdl` files into [`PackTest`]s (SPEC §9).
//!
//! Every mistake is a `test::*` diagnostic with a span into the test file: unknown fields and
//! rules (with did-you-mean), bad values, a test that asserts nothing, duplicate test names,
//! and an `env` block that is not a valid environment (its `schema::*` diagnostics).
//! Decoding goes on after a mistake, so one run reports them all.

use std::sync::Arc;

use crate::diag::{Diagnostic, Label, SourceFile, did_you_mean};
use crate::doc::{Document, Node, Span};
use crate::pack::PackSet;
use crate::parse::Explain;
use crate::read::Reader;

use super::{Expect, PackTest, line_of};

const TEST_FIELDS: &[&str] = &["env", "fires", "quiet", "verdict", "target"];

/// Decodes the tests of one test file; mistakes are reported with spans.
pub fn load(file: &Arc<SourceFile>, packs: &PackSet, explain: Explain, r: &mut Reader) -> Vec<PackTest> {
    let doc = match crate::parse::parse_explained(&file.text, explain) {
        Ok(d) => d,
        Err(errs) => {
            r.diagnostics.extend(errs.into_iter().map(crate::parse::SyntaxError::into_diagnostic));
            return Vec::new();
        }
    };
    let mut out: Vec<PackTest> = Vec::new();
    for node in &doc.nodes {
        if node.name.value != "test" {
            r.unknown_child(node, "a test file", &["test"]);
            continue;
        }
        let Some(t) = load_test(file, node, packs, r) else { continue };
        if let Some(first) = out.iter().find(|o| o.name == t.name) {
            r.push(
                Diagnostic::error("test::duplicate", format!("two tests are named `{}`", t.name))
                    .with_label(t.name_span, "named again here")
                    .with_label(first.name_span, "first named here")
                    .with_help("give each test its own name: failures and reports name tests"),
            );
            continue;
        }
        out.push(t);
    }
    out
}

fn rule_name(n: &Node, packs: &PackSet, r: &mut Reader) -> Option<(String, Span)> {
    let (rule, span) = r.string_arg(n, "a rule id")?;
    if packs.policy(&rule).is_none() {
        let help = did_you_mean(&rule, packs.policies.iter().map(|p| p.id.as_str()))
            .map_or_else(|| "`lync-lint rules` lists the loaded rules".to_owned(), |s| format!("did you mean `{s}`?"));
        r.error_help("unknown-rule", format!("unknown rule `{rule}`"), span, "no such rule", Some(help));
        return None;
    }
    Some((rule, span))
}

/// A string argument that must be one of `allowed`, with a did-you-mean.
fn one_of(f: &Node, what: &str, allowed: &[&str], r: &mut Reader) -> Option<(String, Span)> {
    r.allow_props(f, &[]);
    let (value, span) = r.string_arg(f, what)?;
    if allowed.contains(&value.as_str()) {
        return Some((value, span));
    }
    let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
    let help = did_you_mean(&value, allowed.iter().copied()).map(|s| format!("did you mean `{s}`?"));
    r.error_help("value", format!("unknown {what} `{value}`"), span, format!("expected {}", list.join(" or ")), help);
    None
}

/// What a test block holds while it is decoded.
#[derive(Default)]
struct Fields {
    env: Option<(Document, usize, Span)>,
    target: Option<String>,
    expects: Vec<Expect>,
    seen: Vec<(String, Span)>,
}

fn load_test(file: &Arc<SourceFile>, node: &Node, packs: &PackSet, r: &mut Reader) -> Option<PackTest> {
    r.allow_props(node, &[]);
    let errors_before = r.diagnostics.len();
    let name = r.string_arg(node, "a test name");
    let mut fields = Fields::default();
    for f in node.children() {
        field(file, f, packs, &mut fields, r);
    }
    let (name, name_span) = name?;
    let Some((env, env_line, env_span)) = fields.env else {
        r.error("missing-field", format!("test `{name}` has no `env` block"), node.name.span, "add `env { ... }`");
        return None;
    };
    let schema = crate::schema::validate(&env, &packs.vocab);
    let broken = !schema.is_empty() || r.diagnostics.len() > errors_before;
    r.diagnostics.extend(schema.into_iter().map(|mut d| {
        d.labels.push(Label::new(env_span, format!("in the environment of test `{name}`")));
        d
    }));
    if fields.expects.is_empty() && !broken {
        r.error_help(
            "missing-field",
            format!("test `{name}` expects nothing"),
            name_span,
            "a test that asserts nothing always passes",
            Some("add `fires \"RULE-ID\"`, `quiet \"RULE-ID\"` or `verdict \"...\"`".to_owned()),
        );
    }
    if broken || fields.expects.is_empty() {
        return None;
    }
    Some(PackTest {
        name,
        file: file.clone(),
        span: node.span,
        name_span,
        env,
        env_line,
        target: fields.target,
        expects: fields.expects,
    })
}

/// A `line=` value: 1-based, counted from the line after `env {`.
fn env_line(e: &crate::doc::Entry, r: &mut Reader) -> Option<usize> {
    let l = r.expect_int(e, "`line`")?;
    let ok = usize::try_from(l).ok().filter(|l| *l >= 1);
    if ok.is_none() {
        r.error("value", "`line` counts from 1, the line after `env {`", e.value_span(), "not a line");
    }
    ok
}

/// Decodes one field of a test block into `t`.
fn field(file: &Arc<SourceFile>, f: &Node, packs: &PackSet, t: &mut Fields, r: &mut Reader) {
    let key = f.name.value.as_str();
    if !TEST_FIELDS.contains(&key) {
        r.unknown_child(f, "test", TEST_FIELDS);
        return;
    }
    if matches!(key, "env" | "verdict" | "target") {
        if let Some((_, first)) = t.seen.iter().find(|(k, _)| k == key) {
            r.duplicate(f, *first);
            return;
        }
        t.seen.push((key.to_owned(), f.name.span));
    }
    match key {
        "env" => {
            r.allow_props(f, &[]);
            if let Some(extra) = f.args().next() {
                r.error("arity", "`env` takes a block, not arguments", extra.span(), "unexpected argument");
            }
            let doc = Document { nodes: f.children().to_vec() };
            t.env = Some((doc, line_of(&file.text, f.span.start), f.name.span));
        }
        "fires" => {
            r.allow_props(f, &["line"]);
            let line = f.prop("line").and_then(|e| env_line(e, r));
            if let Some((rule, span)) = rule_name(f, packs, r) {
                t.expects.push(Expect::Fires { rule, line, span });
            }
        }
        "quiet" => {
            r.allow_props(f, &[]);
            if let Some((rule, span)) = rule_name(f, packs, r) {
                t.expects.push(Expect::Quiet { rule, span });
            }
        }
        "verdict" => {
            if let Some((verdict, span)) = one_of(f, "verdict", &packs.verdict_names(), r) {
                t.expects.push(Expect::Verdict { verdict, span });
            }
        }
        _ => {
            if let Some((target, _)) = one_of(f, "target", &packs.target_choices(), r) {
                t.target = Some(target);
            }
        }
    }
}
