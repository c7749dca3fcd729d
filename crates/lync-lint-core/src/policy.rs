//! The policy language (SPEC §3): decoding `policy` nodes into [`Policy`] data.
//!
//! Every mistake is a `policy::*` diagnostic with a span into the policy file, and decoding
//! goes on after one, so a single run reports every mistake. Conditions and selectors are
//! decoded in `when`, where selectors are checked against the vocabulary so a misspelled node
//! name cannot make a rule silently dead. Evaluation is `eval`'s job, not this module's.

mod when;

use crate::diag::{Severity, did_you_mean};
use crate::doc::{Node, Span};
use crate::kql::Query;
use crate::read::{Reader, inner_span};
use crate::strings::Text;
use crate::vocab::Vocabulary;

/// A condition of `when` (SPEC §3).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub enum Condition {
    /// `match "KQL"` (or `when "KQL"`): holds when the selector matches at least one node;
    /// every matched node is evidence.
    Match {
        /// The selector.
        query: Sel,
        /// The `label=` text of this condition's evidence, used instead of the policy's
        /// `label`; `None` to use the policy's.
        label: Option<Text>,
    },
    /// `count "KQL"`: holds when the number of matched nodes (or of their distinct values) is
    /// between `min` and `max`; the counted nodes are the evidence, and the number is `{count}`.
    Count {
        /// The selector.
        query: Sel,
        /// The smallest number that holds (inclusive); `None` for no lower bound.
        min: Option<i128>,
        /// The largest number that holds (inclusive); `None` for no upper bound.
        max: Option<i128>,
        /// `distinct="KEY,..."`: count the distinct tuples of these keys (property names, or
        /// `val()` for the first argument) instead of nodes; a node with none of the keys is
        /// not counted. `None` counts nodes.
        distinct: Option<Text>,
        /// The `label=` text of this condition's evidence, used instead of the policy's
        /// `label`; `None` to use the policy's.
        label: Option<Text>,
    },
    /// `all { ... }`: holds when every condition holds; the evidence of all of them.
    All(Vec<Condition>),
    /// `any { ... }`: holds when at least one condition holds; the evidence of those that hold.
    Any(Vec<Condition>),
    /// `not { ... }`: holds when the condition does not hold; it gives no evidence.
    Not(Box<Condition>),
}

/// A parsed selector with the text it was written as.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Sel {
    /// The parsed query.
    pub query: Query,
    /// The selector as written in the policy file.
    pub text: Text,
    /// Extension: `missing="PROP"` on `match`/`count` keeps only the selected nodes that lack
    /// property `PROP` (or, for `missing="val()"`, any argument). KQL itself cannot select
    /// by absence.
    pub missing: Option<Text>,
}

impl Sel {
    /// The nodes the selector matches (without the `missing=` property, when one is given).
    #[must_use]
    pub fn select<'a>(&self, doc: &'a crate::doc::Document) -> Vec<&'a Node> {
        self.select_in(&crate::kql::Index::new(doc))
    }

    /// Like [`Sel::select`], on a document already flattened.
    #[must_use]
    pub fn select_in<'a>(&self, index: &crate::kql::Index<'a>) -> Vec<&'a Node> {
        let mut nodes = self.query.select_in(index);
        if let Some(key) = &self.missing {
            nodes.retain(|n| if key == "val()" { n.arg(0).is_none() } else { n.prop(key).is_none() });
        }
        nodes
    }
}

/// A cited source.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    /// The title of the cited document.
    pub title: Text,
    /// Where to read it (`url=`); `None` when not given.
    pub url: Option<Text>,
    /// Its publication date (`date=`, `YYYY-MM-DD`); `None` when not given.
    pub date: Option<Text>,
}

/// A help text, used when its selector matches (or always, without one).
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Help {
    /// The selector (`when=`) that must match a node of the file for the text to apply;
    /// `None` for a text that always applies.
    pub when: Option<Sel>,
    /// The help text.
    pub text: Text,
}

/// One policy: a rule with its documentation attached.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Policy {
    /// The rule id, e.g. `federation/xmpp`: the code of its findings, unique across packs.
    pub id: Text,
    /// The id's span in the policy file.
    pub id_span: Span,
    /// The index of its policy file in [`PackSet::files`](crate::pack::PackSet::files).
    pub file: usize,
    /// A one-line title (`title`).
    pub title: Text,
    /// The severity of its findings before rule settings and the target adjust it
    /// (`severity`; `error` when not given).
    pub severity: Severity,
    /// The deployment target its findings rule out (`rules-out`, e.g. `online`); `None` when
    /// they rule nothing out.
    pub rules_out: Option<Text>,
    /// Whether a waiver may suppress its finding (`waivable`; `true` when not given).
    pub waivable: bool,
    /// The condition under which the rule fires (`when`).
    pub when: Condition,
    /// The finding's message (`message`), with placeholders filled from the first evidence.
    pub message: Text,
    /// The text of each evidence label (`label`), unless the condition gives its own; `None`
    /// for labels without text.
    pub label: Option<Text>,
    /// The help texts (`help`), in order: the first that applies becomes the finding's help.
    pub helps: Vec<Help>,
    /// The cited sources (`source`), in order: the first is the finding's source, and the
    /// first with a URL gives its `url`.
    pub sources: Vec<Source>,
    /// An environment file (`example`) that must make the rule fire, checked by the policy
    /// tests; `None` when not given.
    pub example: Option<Text>,
    /// The `example` field's span in the policy file.
    pub example_span: Option<Span>,
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

/// The policy's id; a malformed one is reported (and kept, so its fields are still checked).
fn policy_id(node: &Node, r: &mut Reader) -> Option<(String, Span)> {
    let (id, span) = r.string_arg(node, "a rule id")?;
    let valid = |part: &str| {
        !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if !id.split('/').all(valid) {
        r.error_help(
            "id",
            format!("`{id}` is not a valid rule id"),
            span,
            "invalid id",
            Some("rule ids are lowercase words, digits and `-`, grouped with `/`: `acme/datacenter-country`".into()),
        );
    }
    Some((id, span))
}

impl Policy {
    /// A policy with an id and defaults, before its fields are decoded.
    fn new(id: String, id_span: Span, file: usize) -> Self {
        Self {
            id: id.into(),
            id_span,
            file,
            title: Text::default(),
            severity: Severity::Error,
            rules_out: None,
            waivable: true,
            when: Condition::All(Vec::new()),
            message: Text::default(),
            label: None,
            helps: Vec::new(),
            sources: Vec::new(),
            example: None,
            example_span: None,
        }
    }
}

/// Decodes one policy. Without a usable id its fields are still checked, then it is dropped.
fn load_policy(src: &str, node: &Node, file: usize, vocab: &Vocabulary, r: &mut Reader) -> Option<Policy> {
    r.allow_props(node, &[]);
    let (id, id_span) = policy_id(node, r).unwrap_or_default();
    let mut p = Policy::new(id, id_span, file);
    let mut seen: Vec<(&str, Span)> = Vec::new();
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
        field(src, f, &mut p, vocab, r);
    }
    for field in ["title", "message", "when"] {
        if !seen.iter().any(|(n, _)| *n == field) {
            let what = if p.id.is_empty() { "this policy".to_owned() } else { format!("policy `{}`", p.id) };
            r.error("missing-field", format!("{what} has no `{field}`"), node.name.span, format!("add `{field}`"));
        }
    }
    (!p.id.is_empty()).then_some(p)
}

/// Decodes one field of a policy into `p`.
fn field(src: &str, f: &Node, p: &mut Policy, vocab: &Vocabulary, r: &mut Reader) {
    match f.name.value.as_str() {
        "title" => p.title = text_field(f, r).unwrap_or_default(),
        "message" => p.message = text_field(f, r).inspect(|m| check_template(src, f, m, vocab, r)).unwrap_or_default(),
        "label" => p.label = text_field(f, r).inspect(|m| check_template(src, f, m, vocab, r)),
        "example" => {
            p.example = text_field(f, r);
            p.example_span = Some(f.head_span());
        }
        "rules-out" => p.rules_out = rules_out(f, vocab, r),
        "severity" => {
            r.allow_props(f, &[]);
            if let Some((s, span)) = r.string_arg(f, "a severity") {
                match Severity::parse(&s) {
                    Some(sev) => p.severity = sev,
                    None => r.error_help(
                        "severity",
                        format!("unknown severity `{s}`"),
                        span,
                        "not a severity",
                        Some(did_you_mean(&s, Severity::NAMES).map_or_else(
                            || {
                                let names: Vec<String> = Severity::NAMES.iter().map(|n| format!("`{n}`")).collect();
                                format!("severities: {}", names.join(", "))
                            },
                            |s| format!("did you mean `{s}`?"),
                        )),
                    ),
                }
            }
        }
        "waivable" => {
            r.allow_props(f, &[]);
            if let Some(e) = r.single_arg(f, "`#true` or `#false`") {
                p.waivable = r.expect_bool(e, "`waivable`").unwrap_or(true);
            }
        }
        "when" => {
            if let Some(c) = when::load_when(src, f, vocab, r) {
                p.when = c;
            }
        }
        "help" => {
            r.allow_props(f, &["when"]);
            let cond = f.prop("when").and_then(|e| when::query(src, e, vocab, r));
            if let Some((text, _)) = r.string_arg(f, "a help text") {
                p.helps.push(Help { when: cond, text: text.into() });
            }
        }
        "source" => source(f, p, r),
        _ => {}
    }
}

fn source(f: &Node, p: &mut Policy, r: &mut Reader) {
    r.allow_props(f, &["url", "date"]);
    let url = f.prop("url").and_then(|e| r.expect_string(e, "`url`")).map(Text::from);
    let date = f.prop("date").and_then(|e| r.expect_string(e, "`date`")).map(Text::from);
    if let (Some(d), Some(e)) = (&date, f.prop("date"))
        && !crate::vocab::is_date(d)
    {
        r.error("type", "`date` must be `YYYY-MM-DD`", e.value_span(), "not a date");
    }
    if let Some((title, _)) = r.string_arg(f, "a source title") {
        p.sources.push(Source { title: title.into(), url, date });
    }
}

/// A field holding one string: title, message, label, example.
fn text_field(f: &Node, r: &mut Reader) -> Option<Text> {
    r.allow_props(f, &[]);
    r.string_arg(f, "a string").map(|(s, _)| s.into())
}

/// `rules-out`: one of the deployment targets the vocabulary declares, when it declares them.
fn rules_out(f: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<Text> {
    r.allow_props(f, &[]);
    let (value, span) = r.string_arg(f, "a deployment target")?;
    let choices: Vec<&str> = vocab
        .top("deployment")
        .and_then(|d| d.child("target"))
        .and_then(|t| t.args.first())
        .map(|a| a.choices.iter().map(|c| c.value.as_str()).collect())
        .unwrap_or_default();
    if !choices.is_empty() && !choices.contains(&value.as_str()) {
        let help = did_you_mean(&value, choices.iter().copied()).map_or_else(
            || format!("targets: {}", choices.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        r.error_help("rules-out", format!("unknown deployment target `{value}`"), span, "not a target", Some(help));
    }
    Some(value.into())
}

/// Checks the `{...}` placeholders of a message or label (the entry's string is `text`).
pub(crate) fn check_template(src: &str, f: &Node, text: &str, vocab: &Vocabulary, r: &mut Reader) {
    if let Some(entry) = f.arg(0) {
        check_template_entry(src, entry, text, vocab, r);
    }
}

/// Like [`check_template`], for any string entry (also a condition's `label=`).
pub(crate) fn check_template_entry(
    src: &str,
    entry: &crate::doc::Entry,
    text: &str,
    vocab: &Vocabulary,
    r: &mut Reader,
) {
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        let key = &rest[open + 1..open + close];
        let span = inner_span(src, entry, Span::new(offset + open, offset + open + close + 1));
        match key.strip_prefix("prop:") {
            _ if matches!(key, "value" | "count" | "name") => {}
            Some(prop) if vocab.knows_prop(prop) => {}
            Some(prop) => {
                let props = vocab.prop_names();
                let help = did_you_mean(prop, props.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{{prop:{s}}}`?"));
                r.error_help(
                    "unknown-property",
                    format!("the vocabulary has no property `{prop}`"),
                    span,
                    "unknown property",
                    help,
                );
            }
            None => r.error_help(
                "template",
                format!("unknown placeholder `{{{key}}}`"),
                span,
                "unknown placeholder",
                Some(did_you_mean(key, ["value", "count", "name"]).map_or_else(
                    || "placeholders: `{value}`, `{count}`, `{name}`, `{prop:NAME}`".to_owned(),
                    |s| format!("did you mean `{{{s}}}`?"),
                )),
            ),
        }
        offset += open + close + 1;
        rest = &rest[open + close + 1..];
    }
}
