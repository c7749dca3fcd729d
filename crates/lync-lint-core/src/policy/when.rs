//! Decoding `when` and its conditions (`match`, `count`, `all`, `any`, `not`), and the KQL
//! selectors inside them, checked against the vocabulary with did-you-mean suggestions.

use crate::diag::did_you_mean;
use crate::doc::{Entry, Node};
use crate::kql::Query;
use crate::read::{Reader, inner_span};
use crate::strings::Text;
use crate::vocab::Vocabulary;

use super::{Condition, Sel, check_template_entry};

const CONDITIONS: &[&str] = &["match", "count", "all", "any", "not"];

/// `when "KQL"` or `when { CONDITION }`.
pub(super) fn load_when(src: &str, f: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<Condition> {
    r.allow_props(f, &[]);
    if f.arg(0).is_some() {
        if f.children.is_some() {
            r.error("when", "`when` takes a selector or a block, not both", f.name.span, "both given");
        }
        let query = selector_arg(src, f, vocab, r)?;
        return Some(Condition::Match { query, label: None });
    }
    if f.children.is_none() {
        r.error_help(
            "when",
            "`when` needs a selector or a block",
            f.name.span,
            "empty",
            Some("write `when \"top() > voice > call-park[val() = #true]\"` or `when { all { ... } }`".to_owned()),
        );
        return None;
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
            // Decode them all anyway, so their own mistakes are reported too.
            for c in f.children() {
                condition(src, c, vocab, r);
            }
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

fn condition(src: &str, n: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<Condition> {
    match n.name.value.as_str() {
        "match" => {
            r.allow_props(n, &["label", "missing"]);
            let label = label(src, n, vocab, r);
            let query = selector_arg(src, n, vocab, r)?;
            Some(Condition::Match { query, label: label.map(Text::from) })
        }
        "count" => {
            r.allow_props(n, &["min", "max", "distinct", "label", "missing"]);
            let label = label(src, n, vocab, r);
            let min = n.prop("min").and_then(|e| r.expect_int(e, "`min`"));
            let max = n.prop("max").and_then(|e| r.expect_int(e, "`max`"));
            if let (Some(lo), Some(hi), Some(e)) = (min, max, n.prop("max"))
                && lo > hi
            {
                r.error("when", format!("`max={hi}` is below `min={lo}`: this never holds"), e.value_span(), "too low");
            }
            let distinct = n.prop("distinct").and_then(|e| distinct_ref(e, vocab, r));
            let query = selector_arg(src, n, vocab, r)?;
            Some(Condition::Count { query, min, max, distinct: distinct.map(Text::from), label: label.map(Text::from) })
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

/// A condition's own `label="..."`, with its placeholders checked.
fn label(src: &str, n: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<String> {
    let e = n.prop("label")?;
    let text = r.expect_string(e, "`label`")?;
    check_template_entry(src, e, &text, vocab, r);
    Some(text)
}

/// A property name given as a value (`missing=`): `val()` or a vocabulary property.
fn prop_ref(e: &Entry, what: &str, vocab: &Vocabulary, r: &mut Reader) -> Option<String> {
    let d = r.expect_string(e, &format!("`{what}`"))?;
    check_key(&d, e, vocab, r);
    Some(d)
}

/// `distinct=`: one key (`"country"`, `"val()"`) or a comma-separated tuple of them
/// (`"country,region"`), each `val()` or a vocabulary property, none twice.
fn distinct_ref(e: &Entry, vocab: &Vocabulary, r: &mut Reader) -> Option<String> {
    let d = r.expect_string(e, "`distinct`")?;
    let keys: Vec<&str> = d.split(',').map(str::trim).collect();
    for (i, key) in keys.iter().enumerate() {
        if key.is_empty() {
            r.error_help(
                "when",
                format!("`distinct=\"{d}\"` has an empty key"),
                e.value_span(),
                "empty key",
                Some("write one key (`\"country\"`) or several separated by commas (`\"country,region\"`)".to_owned()),
            );
        } else if keys[..i].contains(key) {
            r.error("when", format!("`distinct=` names `{key}` twice"), e.value_span(), "repeated key");
        } else {
            check_key(key, e, vocab, r);
        }
    }
    Some(keys.join(","))
}

/// Reports `key` unless it is `val()` or a property of the vocabulary.
fn check_key(key: &str, e: &Entry, vocab: &Vocabulary, r: &mut Reader) {
    if key != "val()" && !vocab.knows_prop(key) {
        let props = vocab.prop_names();
        let help = did_you_mean(key, props.iter().map(String::as_str))
            .map_or_else(|| "`val()` or a property of the vocabulary".to_owned(), |s| format!("did you mean `{s}`?"));
        r.error_help(
            "unknown-property",
            format!("the vocabulary has no property `{key}`"),
            e.value_span(),
            "unknown property",
            Some(help),
        );
    }
}

/// The selector argument of `when`, `match` or `count`, with its `missing=` filter.
fn selector_arg(src: &str, n: &Node, vocab: &Vocabulary, r: &mut Reader) -> Option<Sel> {
    let e = r.single_arg(n, "a selector")?;
    let missing = n.prop("missing").and_then(|m| prop_ref(m, "missing", vocab, r));
    let mut sel = query(src, e, vocab, r)?;
    sel.missing = missing.map(Text::from);
    Some(sel)
}

/// Parses a KQL string and checks its names against the vocabulary.
pub(super) fn query(src: &str, e: &Entry, vocab: &Vocabulary, r: &mut Reader) -> Option<Sel> {
    let text = r.expect_string(e, "a selector")?;
    match Query::parse(&text) {
        Ok(q) => {
            for (name, span) in q.node_names() {
                if !vocab.knows_node(&name) {
                    let names: Vec<&str> = vocab.all().iter().map(|(_, d)| d.name.as_str()).collect();
                    let help = did_you_mean(&name, names.iter().copied()).map(|s| format!("did you mean `{s}`?"));
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
                    let props = vocab.prop_names();
                    let help =
                        did_you_mean(&name, props.iter().map(String::as_str)).map(|s| format!("did you mean `{s}`?"));
                    r.error_help(
                        "unknown-property",
                        format!("the vocabulary has no property `{name}`"),
                        inner_span(src, e, span),
                        "unknown property",
                        help,
                    );
                }
            }
            Some(Sel { query: q, text: text.into(), missing: None })
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
