//! Vocabulary validation: every `schema::*` code, with its span and did-you-mean.

use crate::common::{builtin, check_text, primary_text};

/// The (code, primary text, help) of every diagnostic for `text`.
fn diags(text: &str) -> Vec<(String, String, Option<String>)> {
    let packs = builtin();
    let r = check_text(&packs, text);
    assert!(r.verdict.is_none() || r.diagnostics.iter().all(|d| d.is_finding), "schema errors leave no verdict");
    r.diagnostics.iter().map(|d| (d.code.clone(), primary_text(&r.file, d), d.help.clone())).collect()
}

#[test]
fn unknown_node_suggests_the_closest_name() {
    let d = diags("voice {\n    pbx-replacment #true\n}\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].0, "schema::unknown-node");
    assert_eq!(d[0].1, "pbx-replacment");
    assert_eq!(d[0].2.as_deref(), Some("did you mean `pbx-replacement`?"));
}

#[test]
fn unknown_node_in_the_wrong_place_says_where_it_belongs() {
    let d = diags("call-park #true\n");
    assert_eq!(d[0].0, "schema::unknown-node");
    assert_eq!(d[0].2.as_deref(), Some("`call-park` belongs in `voice`"));
}

#[test]
fn unknown_property_suggests_the_closest_name() {
    let d = diags("site \"Oslo\" contry=\"NO\"\n");
    assert_eq!(d[0].0, "schema::unknown-property");
    assert_eq!(d[0].1, "contry");
    assert_eq!(d[0].2.as_deref(), Some("did you mean `country`?"));
}

#[test]
fn wrong_type_points_at_the_value() {
    let d = diags("voice {\n    pbx-replacement \"yes\"\n}\n");
    assert_eq!(d[0].0, "schema::type");
    assert_eq!(d[0].1, "\"yes\"");
    assert_eq!(d[0].2.as_deref(), Some("write `#true`"));
}

#[test]
fn value_outside_the_allowed_set_suggests_one() {
    let d = diags("management {\n    policies \"ful\"\n}\n");
    assert_eq!(d[0].0, "schema::value");
    assert_eq!(d[0].1, "\"ful\"");
    assert_eq!(d[0].2.as_deref(), Some("did you mean `\"full\"`?"));
}

#[test]
fn country_codes_and_dates_are_checked() {
    let d = diags("site \"Oslo\" country=\"no\"\n");
    assert_eq!((d[0].0.as_str(), d[0].1.as_str()), ("schema::value", "\"no\""));
    let d = diags("waiver \"federation/xmpp\" reason=\"partner\" expires=\"2026-02-30\"\n");
    assert_eq!((d[0].0.as_str(), d[0].1.as_str()), ("schema::value", "\"2026-02-30\""));
}

#[test]
fn duplicate_block_labels_both() {
    let packs = builtin();
    let r = check_text(&packs, "voice {\n}\nvoice {\n}\n");
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!(d.code, "schema::duplicate");
    let starts: Vec<usize> = d.labels.iter().map(|l| l.span.start).collect();
    assert_eq!(starts, vec![10, 0], "primary on the second, secondary on the first");
}

#[test]
fn repeatable_nodes_may_repeat() {
    let packs = builtin();
    let r = check_text(&packs, "site \"A\" country=\"US\"\nsite \"B\" country=\"JP\"\n");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn missing_and_extra_arguments() {
    let d = diags("site country=\"US\"\n");
    assert_eq!((d[0].0.as_str(), d[0].1.as_str()), ("schema::arity", "site"));
    let d = diags("organization \"A\" \"B\"\n");
    assert_eq!((d[0].0.as_str(), d[0].1.as_str()), ("schema::arity", "\"B\""));
    let d = diags("waiver \"federation/xmpp\"\n");
    assert_eq!(d[0].0, "schema::arity", "a waiver needs `reason=`");
}

#[test]
fn children_of_a_leaf_are_unknown() {
    let d = diags("voice {\n    call-park #true {\n        extra #true\n    }\n}\n");
    assert_eq!(d[0].0, "schema::unknown-node");
    assert_eq!(d[0].2.as_deref(), Some("`call-park` takes no children"));
}

#[test]
fn syntax_errors_have_spans() {
    let packs = builtin();
    let r = check_text(&packs, "voice {\n    call-park #true\n");
    assert!(r.verdict.is_none());
    assert!(r.diagnostics.iter().all(|d| d.code == "kdl::syntax"));
    assert!(!r.diagnostics.is_empty());
}

#[test]
fn kdl_v1_gets_one_clear_error() {
    let packs = builtin();
    let r = check_text(&packs, "voice {\n    call-park true\n}\n");
    assert_eq!(r.diagnostics.len(), 1);
    let d = &r.diagnostics[0];
    assert_eq!(d.code, "kdl::syntax");
    assert!(d.message.contains("KDL v1"), "{}", d.message);
    assert!(d.help.as_deref().unwrap_or("").contains("#true"));
    assert_eq!(crate::common::primary_text(&r.file, d), "true");
}

#[test]
fn an_empty_file_has_no_needs() {
    let packs = builtin();
    let r = check_text(&packs, "");
    assert!(r.diagnostics.is_empty());
    assert_eq!(r.verdict, Some(lync_lint_core::engine::Verdict::Viable));
    let r = check_text(&packs, "// only a comment\n/* and another */\n");
    assert!(r.diagnostics.is_empty());
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let packs = builtin();
    let deep = format!("{}{}", "a {".repeat(100_000), "}".repeat(100_000));
    let r = check_text(&packs, &deep);
    assert_eq!(r.diagnostics[0].code, "kdl::syntax");
    assert!(r.diagnostics[0].message.contains("nesting too deep"));
}

#[test]
fn a_control_character_is_named_not_mistaken_for_kdl_v1() {
    let packs = builtin();
    let r = check_text(&packs, "voice {\n    call-park \"\u{1b}[31mred\"\n}\n");
    assert_eq!(r.diagnostics.len(), 1);
    assert!(r.diagnostics[0].message.contains("U+001B"), "{}", r.diagnostics[0].message);
    assert!(!r.diagnostics[0].message.contains("KDL v1"));
}
