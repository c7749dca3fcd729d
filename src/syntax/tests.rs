//! The fast parser against the `kdl` crate, and the errors of rejected documents.

use lync_lint_core::doc::Span;

use super::{parse, reference};

#[test]
fn spans_match_the_reference_on_a_typical_file() {
    let src = "organization \"Contoso\" users=12000 // who\n\
               (t)site \"A\" country=(iso)\"US\" datacenter=#true ;\n\
               voice {\n    pbx-replacement #true /- call-park\n    sip-trunk #\"X\"# /-{ gone }\n}\n";
    let fast = parse(src).expect("valid");
    let reference = reference::parse(src).expect("valid");
    assert_eq!(fast, reference);
    assert_eq!(fast.nodes[1].span, Span::new(42, 88));
    assert_eq!(fast.nodes[2].children()[1].span.end, src.find(" }").unwrap() + 2);
}

#[test]
fn deep_document_with_an_early_error_never_reaches_the_kdl_crate() {
    let src = format!("a \"unterminated\n{}", "b {".repeat(50_000));
    let errs = parse(&src).unwrap_err();
    assert_eq!(errs.len(), 1);
}

#[test]
fn v1_documents_get_the_v1_hint() {
    let errs = parse("node true\nother null").unwrap_err();
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.contains("KDL v1"), "{errs:?}");
    assert_eq!(errs[0].span, Span::new(5, 9));
}

#[test]
fn errors_are_the_kdl_crate_diagnostics() {
    let src = "a \"x\"1\nb {";
    assert_eq!(parse(src).unwrap_err(), reference::parse(src).unwrap_err());
}

#[test]
fn invalid_documents_the_kdl_crate_accepts_get_our_error() {
    // U+007F is forbidden by the specification; the `kdl` crate accepts it.
    assert!(reference::parse("node \"a\u{7f}\"").is_ok());
    let errs = parse("node \"a\u{7f}\"").unwrap_err();
    assert_eq!(errs.len(), 1);
    assert!(errs[0].message.contains("U+007F"), "{errs:?}");
    assert_eq!(errs[0].span, Span::new(7, 8));
}
