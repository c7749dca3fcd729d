//! Evaluating conditions against a document: whether a policy fires and on what evidence.

use crate::doc::{Node, Value};
use crate::kql::Index;
use crate::policy::Condition;

/// A node that made a positive leaf condition true.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// The node (its head is what the label points at).
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
                Some(keys) => {
                    // `distinct="country,region"` counts distinct tuples; a node counts when it
                    // has at least one of the keys (a missing one is part of its tuple).
                    let keys: Vec<&str> = keys.split(',').map(str::trim).collect();
                    let mut values = foldhash::HashSet::default();
                    let counted: Vec<&Node> = nodes
                        .into_iter()
                        .filter(|node| {
                            let tuple: Vec<Option<Key<'_>>> = keys
                                .iter()
                                .map(|k| if *k == "val()" { node.arg(0) } else { node.prop(k) })
                                .map(|v| v.map(|e| value_key(&e.value)))
                                .collect();
                            let counts = tuple.iter().any(Option::is_some);
                            if counts {
                                values.insert(tuple);
                            }
                            counts
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

/// A value as `distinct=` compares it: by type, then by value, floats by their bits (`"1"`,
/// `1` and `1.0` are three values; `1` and `0x1` one; `0.0` and `-0.0` two), without
/// formatting it.
#[derive(PartialEq, Eq, Hash)]
enum Key<'a> {
    Str(&'a str),
    Int(i128),
    Float(u64),
    Bool(bool),
    Null,
}

fn value_key(v: &Value) -> Key<'_> {
    match v {
        Value::String(s) => Key::Str(s),
        Value::Integer(i) => Key::Int(i.get()),
        // By its bits: `0.0` and `-0.0` differ, as written; `#nan` is always the same NaN.
        Value::Float(x) => Key::Float(x.to_bits()),
        Value::Bool(b) => Key::Bool(*b),
        Value::Null => Key::Null,
    }
}

/// Removes repeated nodes, keeping each at its first occurrence. A node that several leaves
/// found keeps the first `label=` and the first count that any of them gave, so a rule may
/// count nodes with one leaf and label them, case by case, with others.
#[must_use]
pub fn dedup(evidence: Vec<Evidence<'_>>) -> Vec<Evidence<'_>> {
    let mut out: Vec<Evidence<'_>> = Vec::with_capacity(evidence.len());
    let mut seen = foldhash::HashMap::with_capacity_and_hasher(evidence.len(), foldhash::fast::RandomState::default());
    for e in evidence {
        if let Some(&i) = seen.get(&std::ptr::from_ref(e.node)) {
            let first: &mut Evidence<'_> = &mut out[i];
            first.label = first.label.or(e.label);
            first.count = first.count.or(e.count);
        } else {
            seen.insert(std::ptr::from_ref(e.node), out.len());
            out.push(e);
        }
    }
    out
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
            "name" => node.map(|n| n.name.value.to_string()),
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
        Value::String(s) => s.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Evidence, dedup, eval, interpolate};
    use crate::doc::Document;
    use crate::kql::{Index, Query};
    use crate::policy::{Condition, Sel};
    use crate::strings::Text;

    fn matching(text: &str, label: Option<&str>) -> Condition {
        Condition::Match { query: sel(text), label: label.map(Text::from) }
    }

    /// The first arguments of the evidence nodes of `cond`, when it holds.
    fn evidence(cond: &Condition, text: &str) -> Option<Vec<String>> {
        let d = doc(text);
        let index = Index::new(&d);
        eval(cond, &index)
            .map(|ev| ev.iter().map(|e| e.node.arg(0).map_or("-".into(), |a| a.value.to_string())).collect())
    }

    fn sel(text: &str) -> Sel {
        Sel { query: Query::parse(text).expect("valid KQL"), text: text.into(), missing: None }
    }

    fn count(min: Option<i128>, max: Option<i128>, distinct: Option<&str>) -> Condition {
        Condition::Count {
            query: sel("top() > site[datacenter = #true]"),
            min,
            max,
            distinct: distinct.map(Text::from),
            label: None,
        }
    }

    fn doc(text: &str) -> Document {
        crate::parse::parse(text).expect("parses")
    }

    /// What `cond` counted, when it holds.
    fn counted(cond: &Condition, text: &str) -> Option<usize> {
        let d = doc(text);
        let index = Index::new(&d);
        eval(cond, &index).map(|ev| ev.first().and_then(|e| e.count).unwrap_or(0))
    }

    const TWO_REGIONS_ONE_COUNTRY: &str = "site \"US East\" country=\"US\" region=\"east\" datacenter=#true\n\
         site \"US West\" country=\"US\" region=\"west\" datacenter=#true\n";

    #[test]
    fn max_bounds_the_count() {
        let text = "site \"A\" datacenter=#true\nsite \"B\" datacenter=#true\nsite \"C\" datacenter=#true\n";
        assert_eq!(counted(&count(None, Some(3), None), text), Some(3));
        assert_eq!(counted(&count(None, Some(2), None), text), None);
        assert_eq!(counted(&count(Some(2), Some(3), None), text), Some(3));
        assert_eq!(counted(&count(Some(4), Some(9), None), text), None);
    }

    #[test]
    fn max_zero_holds_when_nothing_matches() {
        assert_eq!(counted(&count(None, Some(0), None), "site \"Office\"\n"), Some(0));
    }

    #[test]
    fn a_single_key_counts_distinct_values() {
        assert_eq!(counted(&count(Some(2), None, Some("country")), TWO_REGIONS_ONE_COUNTRY), None);
        assert_eq!(counted(&count(Some(1), None, Some("country")), TWO_REGIONS_ONE_COUNTRY), Some(1));
    }

    #[test]
    fn distinct_values_differ_by_type_and_as_written_and_all_nans_are_one() {
        let sites = |values: &[&str]| -> String {
            values.iter().map(|v| ["site \"S\" country=", v, " datacenter=#true\n"].concat()).collect()
        };
        let distinct = |values: &[&str]| counted(&count(Some(1), None, Some("country")), &sites(values));
        // A string, an integer and a float that all read `1` are three values.
        assert_eq!(distinct(&["\"1\"", "1", "1.0"]), Some(3));
        assert_eq!(distinct(&["1", "0x1", "1"]), Some(1));
        assert_eq!(distinct(&["1.0", "1.0", "10e-1"]), Some(1));
        assert_eq!(distinct(&["#nan", "#nan"]), Some(1));
        assert_eq!(distinct(&["0.0", "-0.0", "#inf", "#-inf"]), Some(4));
        assert_eq!(distinct(&["#true", "#false", "#true", "#null", "#null"]), Some(3));
        assert_eq!(distinct(&["\"US\"", "US", "\"us\""]), Some(2));
    }

    #[test]
    fn a_tuple_counts_distinct_pairs() {
        assert_eq!(counted(&count(Some(2), None, Some("country,region")), TWO_REGIONS_ONE_COUNTRY), Some(2));
        // Two datacenters at one place are one place.
        let one_place = "site \"A\" country=\"US\" region=\"east\" datacenter=#true\n\
                         site \"B\" country=\"US\" region=\"east\" datacenter=#true\n";
        assert_eq!(counted(&count(Some(2), None, Some("country,region")), one_place), None);
        assert_eq!(counted(&count(Some(1), Some(1), Some("country,region")), one_place), Some(1));
    }

    #[test]
    fn a_node_with_one_key_of_the_tuple_counts_and_one_with_none_does_not() {
        let text = "site \"A\" country=\"US\" datacenter=#true\n\
                    site \"B\" country=\"US\" region=\"east\" datacenter=#true\n\
                    site \"C\" region=\"east\" datacenter=#true\n\
                    site \"D\" datacenter=#true\n";
        let d = doc(text);
        let index = Index::new(&d);
        let cond = count(Some(3), Some(3), Some("country, region"));
        let ev = eval(&cond, &index).expect("three places");
        let names: Vec<String> = ev.iter().filter_map(|e| e.node.arg(0)).map(|a| a.value.to_string()).collect();
        assert_eq!(names, ["\"A\"", "\"B\"", "\"C\""], "D has neither key and is not evidence");
        assert!(ev.iter().all(|e| e.count == Some(3)));
    }

    #[test]
    fn a_tuple_can_include_the_argument() {
        let text = "xmpp \"a.example\" \nxmpp \"a.example\"\nxmpp \"b.example\"\n";
        let cond = Condition::Count {
            query: sel("top() > xmpp"),
            min: Some(2),
            max: Some(2),
            distinct: Some("val(),region".into()),
            label: None,
        };
        assert_eq!(counted(&cond, text), Some(2));
    }

    #[test]
    fn dedup_keeps_the_first_place_and_fills_label_and_count() {
        let d = doc("site \"A\"\nsite \"B\"\n");
        let (a, b) = (&d.nodes[0], &d.nodes[1]);
        let ev = vec![
            Evidence { node: a, label: None, count: Some(2) },
            Evidence { node: b, label: None, count: Some(2) },
            Evidence { node: a, label: Some("first label"), count: None },
            Evidence { node: a, label: Some("second label"), count: Some(9) },
        ];
        let out = dedup(ev);
        assert_eq!(out.len(), 2);
        assert!(std::ptr::eq(out[0].node, a) && std::ptr::eq(out[1].node, b));
        assert_eq!(out[0].label, Some("first label"));
        assert_eq!(out[0].count, Some(2));
        assert_eq!(out[1].label, None);
    }

    const SITES: &str = "site \"A\" region=\"east\"\nsite \"B\"\nvoice\n";

    #[test]
    fn a_match_holds_when_a_node_matches_and_each_node_is_evidence() {
        assert_eq!(evidence(&matching("top() > site", None), SITES), Some(vec!["\"A\"".into(), "\"B\"".into()]));
        assert_eq!(evidence(&matching("top() > xmpp", None), SITES), None, "nothing matched: no finding");
        let d = doc(SITES);
        let index = Index::new(&d);
        let cond = matching("top() > site[region]", Some("here"));
        let ev = eval(&cond, &index).expect("A has a region");
        assert_eq!((ev.len(), ev[0].label, ev[0].count), (1, Some("here"), None));
    }

    #[test]
    fn all_needs_every_child_and_gives_all_their_evidence() {
        let both = Condition::All(vec![matching("top() > site", None), matching("top() > voice", None)]);
        assert_eq!(evidence(&both, SITES), Some(vec!["\"A\"".into(), "\"B\"".into(), "-".into()]));
        let one_fails = Condition::All(vec![matching("top() > site", None), matching("top() > xmpp", None)]);
        assert_eq!(evidence(&one_fails, SITES), None);
        assert_eq!(evidence(&Condition::All(Vec::new()), SITES), Some(Vec::new()), "an empty `all` holds");
    }

    #[test]
    fn any_needs_one_child_and_gives_the_evidence_of_those_that_hold() {
        let cond = Condition::Any(vec![
            matching("top() > xmpp", None),
            matching("top() > voice", None),
            matching("top() > site[region]", None),
        ]);
        assert_eq!(evidence(&cond, SITES), Some(vec!["-".into(), "\"A\"".into()]));
        let none = Condition::Any(vec![matching("top() > xmpp", None), matching("top() > pbx", None)]);
        assert_eq!(evidence(&none, SITES), None);
        assert_eq!(evidence(&Condition::Any(Vec::new()), SITES), None, "an empty `any` does not hold");
    }

    #[test]
    fn not_inverts_and_gives_no_evidence() {
        let absent = Condition::Not(Box::new(matching("top() > xmpp", None)));
        assert_eq!(evidence(&absent, SITES), Some(Vec::new()));
        let present = Condition::Not(Box::new(matching("top() > site", None)));
        assert_eq!(evidence(&present, SITES), None);
    }

    #[test]
    fn min_bounds_the_count_from_below() {
        let text = "site \"A\" datacenter=#true\nsite \"B\" datacenter=#true\n";
        assert_eq!(counted(&count(Some(2), None, None), text), Some(2), "min is inclusive");
        assert_eq!(counted(&count(Some(3), None, None), text), None);
        assert_eq!(counted(&count(None, None, None), ""), Some(0), "no bound: always holds");
    }

    /// One evidence node, `site "A"`, counted `count` times.
    fn with_site<R>(count: Option<usize>, f: impl FnOnce(&Evidence<'_>) -> R) -> R {
        let d = doc("site \"Main office\" region=\"east\" users=40 remote=#true\n");
        f(&Evidence { node: &d.nodes[0], label: None, count })
    }

    #[test]
    fn interpolation_fills_value_name_count_and_properties() {
        let text = with_site(Some(3), |ev| {
            interpolate(
                "{name} `{value}` is one of {count}, in {prop:region} for {prop:users} ({prop:remote})",
                Some(ev),
            )
        });
        assert_eq!(text, "site `Main office` is one of 3, in east for 40 (#true)");
    }

    #[test]
    fn interpolation_of_name_alone() {
        assert_eq!(with_site(None, |ev| interpolate("{name}", Some(ev))), "site");
        assert_eq!(with_site(None, |ev| interpolate("a {name}: {name}.", Some(ev))), "a site: site.");
    }

    #[test]
    fn interpolation_marks_what_is_missing_with_a_question_mark() {
        let text = with_site(None, |ev| interpolate("{count} {prop:country} {unknown} {val} {prop:}", Some(ev)));
        assert_eq!(text, "? ? ? ? ?");
        assert_eq!(interpolate("{value} at {name}, {count} {prop:region}", None), "? at ?, ? ?");
        let d = doc("voice\n");
        let bare = Evidence { node: &d.nodes[0], label: None, count: Some(0) };
        assert_eq!(interpolate("[{value}] {count}", Some(&bare)), "[?] 0");
    }

    #[test]
    fn interpolation_keeps_plain_text_and_an_unclosed_brace() {
        assert_eq!(interpolate("", None), "");
        assert_eq!(interpolate("no placeholders", None), "no placeholders");
        assert_eq!(with_site(None, |ev| interpolate("x{name}y{name}z", Some(ev))), "xsiteysitez");
        assert_eq!(with_site(None, |ev| interpolate("{name}} {", Some(ev))), "site} {");
        assert_eq!(with_site(None, |ev| interpolate("ab {name", Some(ev))), "ab {name");
        assert_eq!(with_site(None, |ev| interpolate("{name}{value}", Some(ev))), "siteMain office");
    }
}
