//! The policy language (SPEC §3): decoding `policy` nodes into [`Policy`] data.
//!
//! Every mistake is a `policy::*` diagnostic with a span into the policy file; selectors are
//! checked against the vocabulary so a misspelled node name cannot make a rule silently dead.

use crate::diag::{Severity, did_you_mean};
use crate::doc::{Entry, Node, Span};
use crate::kql::Query;
use crate::pack::read::{Reader, inner_span};
use crate::vocab::Vocabulary;

/// A condition of `when` (SPEC §3).
#[derive(Debug)]
pub enum Condition {
    Match { query: Sel, label: Option<String> },
    Count { query: Sel, min: Option<i128>, max: Option<i128>, distinct: Option<String>, label: Option<String> },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// A parsed selector with the text it was written as.
#[derive(Debug)]
pub struct Sel {
    pub query: Query,
    pub text: String,
}

impl Sel {
    #[must_use]
    pub fn select<'a>(&self, doc: &'a crate::doc::Document) -> Vec<&'a Node> {
        self.query.select(doc)
    }
}

/// A cited source.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub title: String,
    pub url: Option<String>,
    pub date: Option<String>,
}

/// A help text, used when its selector matches (or always, without one).
#[derive(Debug)]
pub struct Help {
    pub when: Option<Sel>,
    pub text: String,
}

/// One policy: a rule with its documentation attached.
#[derive(Debug)]
pub struct Policy {
    pub id: String,
    /// The id's span in the policy file, and that file's index in the pack.
    pub id_span: Span,
    pub file: usize,
    pub title: String,
    pub severity: Severity,
    pub rules_out: Option<String>,
    pub waivable: bool,
    pub when: Condition,
    pub message: String,
    pub label: Option<String>,
    pub helps: Vec<Help>,
    pub sources: Vec<Source>,
    pub example: Option<String>,
}

const FIELDS: &[&str] =
    &["title", "severity", "rules-out", "waivable", "when", "message", "label", "help", "source", "example"];
const REPEATABLE: &[&str] = &["help", "source"];

/// Decodes every `policy` node of a policy file.
pub fn load_file(src: &str, nodes: &[Node], file: usize, vocab: &Vocabulary, r: &mut Reader) -> Vec<Policy> {
    let mut out = Vec::new();
    for node in nodes {
        if node.name.value != "policy" {
            r.unknown_child(node, "a policy file", &["policy"]);
            continue;
        }
        if let Some(p) = load_policy(src, node, file, vocab, r) {
            out.push(p);
        }
    }
    out
}

fn load_policy(src: &str, node: &Node, file: usize, vocab: &Vocabulary, r: &mut Reader) -> Option<Policy> {
    r.allow_props(node, &[]);
    let (id, id_span) = r.string_arg(node, "a rule id")?;
    if !id
        .split('/')
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    {
        r.error("id", format!("`{id}` is not a valid rule id"), id_span, "invalid id");
    }
    let mut seen: Vec<(&str, Span)> = Vec::new();
    let mut p = Policy {
        id,
        id_span,
        file,
        title: String::new(),
        severity: Severity::Error,
        rules_out: None,
        waivable: true,
        when: Condition::All(Vec::new()),
        message: String::new(),
        label: None,
        helps: Vec::new(),
        sources: Vec::new(),
        example: None,
    };
    let mut has_when = false;
    for f in node.children() {
        let name = f.name.value.as_str();
        if !FIELDS.contains(&name) {
            r.unknown_child(f, "policy", FIELDS);
            continue;
        }
        if !REPEATABLE.contains(&name) {
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                r.duplicate(f, *first);
                continue;
            }
            seen.push((name, f.name.span));
        }
        match name {
            "title" => p.title = text_field(f, r).unwrap_or_default(),
            "message" => p.message = text_field(f, r).inspect(|m| check_template(src, f, m, r)).unwrap_or_default(),
            "label" => p.label = text_field(f, r).inspect(|m| check_template(src, f, m, r)),
            "example" => p.example = text_field(f, r),
            "rules-out" => p.rules_out = text_field(f, r),
            "severity" => {
                if let Some((s, span)) = r.string_arg(f, "a severity") {
                    match Severity::parse(&s) {
                        Some(sev) => p.severity = sev,
                        None => r.error_help(
                            "severity",
                            format!("unknown severity `{s}`"),
                            span,
                            "not a severity",
                            Some(did_you_mean(&s, ["error", "warning", "advice"]).map_or_else(
                                || "severities: `error`, `warning`, `advice`".to_owned(),
                                |s| format!("did you mean `{s}`?"),
                            )),
                        ),
                    }
                }
            }
            "waivable" => {
                r.allow_props(f, &[]);
                if let Some(e) = f.arg(0) {
                    p.waivable = r.expect_bool(e, "`waivable`").unwrap_or(true);
                }
            }
            "when" => {
                has_when = true;
                if let Some(c) = load_when(src, f, vocab, r) {
                    p.when = c;
                }
            }
            "help" => {
                r.allow_props(f, &["when"]);
                let when = f.prop("when").and_then(|e| query(src, e, vocab, r));
                if let Some((text, _)) = r.string_arg(f, "a help text") {
                    p.helps.push(Help { when, text });
                }
            }
            "source" => {
                r.allow_props(f, &["url", "date"]);
                let url = f.prop("url").and_then(|e| r.expect_string(e, "`url`"));
                let date = f.prop("date").and_then(|e| r.expect_string(e, "`date`"));
                if let (Some(d), Some(e)) = (&date, f.prop("date"))
                    && !crate::schema::is_date(d)
                {
                    r.error("type", "`date` must be `YYYY-MM-DD`", e.value_span, "not a date");
                }
                if let Some((title, _)) = r.string_arg(f, "a source title") {
                    p.sources.push(Source { title, url, date });
                }
            }
            _ => {}
        }
    }
    for (field, present) in [("title", !p.title.is_empty()), ("message", !p.message.is_empty()), ("when", has_when)] {
        if !present {
            r.error(
                "missing-field",
                format!("policy `{}` has no `{field}`", p.id),
                node.name.span,
                format!("add `{field}`"),
            );
        }
    }
    Some(p)
}

/// A field holding one string: title, message, label, example, rules-out.
fn text_field(f: &Node, r: &mut Reader) -> Option<String> {
    r.allow_props(f, &[]);
    r.string_arg(f, "a string").map(|(s, _)| s)
}

/// Checks the `{...}` placeholders of a message or label.
fn check_template(src: &str, f: &Node, text: &str, r: &mut Reader) {
    let Some(entry) = f.arg(0) else { return };
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        let key = &rest[open + 1..open + close];
        let ok = matches!(key, "value" | "count" | "name") || key.strip_prefix("prop:").is_some_and(|p| !p.is_empty());
        if !ok {
            let span = inner_span(src, entry, Span::new(offset + open, offset + open + close + 1));
            r.error_help(
                "template",
                format!("unknown placeholder `{{{key}}}`"),
                span,
                "unknown placeholder",
                Some("placeholders: `{value}`, `{count}`, `{name}`, `{prop:NAME}`".to_owned()),
            );
        }
        offset += open + close + 1;
        rest = &rest[open + close + 1..];
    }
}

fn load_when(src: &str, f: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<Condition> {
    r.allow_props(f, &[]);
    if let Some(e) = f.arg(0) {
        if f.children.is_some() {
            r.error("when", "`when` takes a selector or a block, not both", f.name.span, "both given");
        }
        return query(src, e, vocab, r).map(|query| Condition::Match { query, label: None });
    }
    one_condition(src, f, vocab, r)
}

/// The single condition inside a `when` or `not` block.
fn one_condition(src: &str, f: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<Condition> {
    match f.children() {
        [one] => condition(src, one, vocab, r),
        [] => {
            r.error("when", format!("`{}` needs one condition", f.name.value), f.name.span, "empty");
            None
        }
        [_, extra, ..] => {
            r.error_help(
                "when",
                format!("`{}` takes exactly one condition", f.name.value),
                extra.name.span,
                "extra condition",
                Some("combine conditions with `all { ... }` or `any { ... }`".to_owned()),
            );
            None
        }
    }
}

const CONDITIONS: &[&str] = &["match", "count", "all", "any", "not"];

fn condition(src: &str, n: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<Condition> {
    let label = |r: &mut Reader| n.prop("label").and_then(|e| r.expect_string(e, "`label`"));
    match n.name.value.as_str() {
        "match" => {
            r.allow_props(n, &["label"]);
            let query = selector_arg(src, n, vocab, r)?;
            Some(Condition::Match { query, label: label(r) })
        }
        "count" => {
            r.allow_props(n, &["min", "max", "distinct", "label"]);
            let query = selector_arg(src, n, vocab, r)?;
            let min = n.prop("min").and_then(|e| r.expect_int(e, "`min`"));
            let max = n.prop("max").and_then(|e| r.expect_int(e, "`max`"));
            let distinct = n.prop("distinct").and_then(|e| r.expect_string(e, "`distinct`"));
            if let (Some(d), Some(e)) = (&distinct, n.prop("distinct"))
                && d != "val()"
                && !vocab.knows_prop(d)
            {
                r.error(
                    "unknown-property",
                    format!("the vocabulary has no property `{d}`"),
                    e.value_span,
                    "unknown property",
                );
            }
            Some(Condition::Count { query, min, max, distinct, label: label(r) })
        }
        "all" | "any" => {
            r.allow_props(n, &[]);
            let kids: Vec<Condition> = n.children().iter().filter_map(|c| condition(src, c, vocab, r)).collect();
            if n.children().is_empty() {
                r.error("when", format!("`{}` needs at least one condition", n.name.value), n.name.span, "empty");
            }
            Some(if n.name.value == "all" { Condition::All(kids) } else { Condition::Any(kids) })
        }
        "not" => {
            r.allow_props(n, &[]);
            one_condition(src, n, vocab, r).map(|c| Condition::Not(Box::new(c)))
        }
        _ => {
            r.unknown_child(n, "when", CONDITIONS);
            None
        }
    }
}

fn selector_arg(src: &str, n: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<Sel> {
    let mut args = n.args();
    let Some(e) = args.next() else {
        r.error("arity", format!("`{}` needs a selector", n.name.value), n.name.span, "selector missing");
        return None;
    };
    for extra in args {
        r.error("arity", format!("`{}` takes one selector", n.name.value), extra.span, "unexpected argument");
    }
    query(src, e, vocab, r)
}

/// Parses a KQL string and checks its names against the vocabulary.
fn query(src: &str, e: &Entry, vocab: &Vocabulary, r: &mut Reader) -> Option<Sel> {
    let text = r.expect_string(e, "a selector")?;
    match Query::parse(&text) {
        Ok(q) => {
            for (name, span) in q.node_names() {
                if !vocab.knows_node(&name) {
                    let names: Vec<String> = vocab.all().iter().map(|(_, d)| d.name.clone()).collect();
                    let help =
                        did_you_mean(&name, names.iter().map(String::as_str)).map(|s| format!("did you mean `{s}`?"));
                    r.error_help(
                        "unknown-node",
                        format!("the vocabulary has no node `{name}`"),
                        inner_span(src, e, span),
                        "unknown node",
                        help,
                    );
                }
            }
            for (name, span) in q.prop_names() {
                if !vocab.knows_prop(&name) {
                    r.error(
                        "unknown-property",
                        format!("the vocabulary has no property `{name}`"),
                        inner_span(src, e, span),
                        "unknown property",
                    );
                }
            }
            Some(Sel { query: q, text })
        }
        Err(err) => {
            r.error_help(
                "kql",
                format!("invalid selector: {}", err.message),
                inner_span(src, e, err.span),
                "here",
                err.help,
            );
            None
        }
    }
}
