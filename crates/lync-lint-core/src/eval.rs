//! Evaluating conditions against a document: whether a policy fires and on what evidence.

use std::collections::HashSet;

use crate::doc::{Node, Value};
use crate::kql::Index;
use crate::policy::Condition;

/// A node that made a positive leaf condition true.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    pub node: &'a Node,
    /// The condition's own `label=`, overriding the policy's label.
    pub label: Option<&'a str>,
    /// What the `count` condition that produced this evidence counted.
    pub count: Option<usize>,
}

/// Evaluates `cond`; `Some(evidence)` when it is true.
#[must_use]
pub fn eval<'a>(cond: &'a Condition, doc: &Index<'a>) -> Option<Vec<Evidence<'a>>> {
    match cond {
        Condition::Match { query, label } => {
            let nodes = query.select_in(doc);
            (!nodes.is_empty()).then(|| {
                nodes.into_iter().map(|node| Evidence { node, label: label.as_deref(), count: None }).collect()
            })
        }
        Condition::Count { query, min, max, distinct, label } => {
            let nodes = query.select_in(doc);
            let (counted, n) = match distinct {
                None => {
                    let n = nodes.len();
                    (nodes, n)
                }
                Some(key) => {
                    let mut values = HashSet::new();
                    let counted: Vec<&Node> = nodes
                        .into_iter()
                        .filter(|node| {
                            let v = if key == "val()" { node.arg(0) } else { node.prop(key) };
                            v.is_some_and(|e| {
                                values.insert(value_key(&e.value));
                                true
                            })
                        })
                        .collect();
                    (counted, values.len())
                }
            };
            let n128 = i128::try_from(n).unwrap_or(i128::MAX);
            let ok = min.is_none_or(|m| n128 >= m) && max.is_none_or(|m| n128 <= m);
            ok.then(|| {
                counted.into_iter().map(|node| Evidence { node, label: label.as_deref(), count: Some(n) }).collect()
            })
        }
        Condition::All(children) => {
            let mut all = Vec::new();
            for c in children {
                all.extend(eval(c, doc)?);
            }
            Some(all)
        }
        Condition::Any(children) => {
            let mut any = None::<Vec<Evidence<'a>>>;
            for c in children {
                if let Some(ev) = eval(c, doc) {
                    any.get_or_insert_with(Vec::new).extend(ev);
                }
            }
            any
        }
        Condition::Not(child) => match eval(child, doc) {
            Some(_) => None,
            None => Some(Vec::new()),
        },
    }
}

/// A hashable identity for a value: its type and its KDL text.
fn value_key(v: &Value) -> (&'static str, String) {
    (v.type_name(), v.to_string())
}

/// Removes repeated nodes, keeping the first occurrence.
#[must_use]
pub fn dedup(evidence: Vec<Evidence<'_>>) -> Vec<Evidence<'_>> {
    let mut seen = HashSet::new();
    evidence.into_iter().filter(|e| seen.insert(std::ptr::from_ref(e.node))).collect()
}

/// Renders `{value}`, `{count}`, `{name}` and `{prop:NAME}` for one evidence node.
#[must_use]
pub fn interpolate(template: &str, ev: Option<&Evidence<'_>>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let key = &rest[open + 1..open + close];
        let node = ev.map(|e| e.node);
        let text = match key {
            "value" => node.and_then(|n| n.arg(0)).map(|e| plain(&e.value)),
            "name" => node.map(|n| n.name.value.clone()),
            "count" => ev.and_then(|e| e.count).map(|c| c.to_string()),
            _ => key.strip_prefix("prop:").and_then(|p| node.and_then(|n| n.prop(p))).map(|e| plain(&e.value)),
        };
        out.push_str(text.as_deref().unwrap_or("?"));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// A value as users read it in a message: strings without quotes.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
