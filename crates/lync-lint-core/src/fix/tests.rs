//! Each fix kind, applying edits (order, overlaps, bytes outside the spans), line endings and
//! comments, and convergence.

use super::*;
use crate::diag::Diagnostic;
use crate::vocab::Vocabulary;

const VOCABULARY: &str = r#"vocabulary "t" {
    node "organization" {
        description "who"
        prop "users" type="integer" min=0 role="total-users" description="size"
    }
    node "site" repeat=#true {
        description "a site"
        arg "name" type="string" description="name"
        prop "country" type="country" description="code"
        prop "region" type="string" description="region"
    }
    node "voice" {
        description "telephony"
        node "pbx-replacement" {
            description "the PBX goes"
            prop "users" type="integer" min=1 role="need-users" description="who"
            arg "enabled" type="boolean" description="needed"
        }
        node "call-park" {
            description "park"
            arg "enabled" type="boolean" description="needed"
        }
        node "call-pack" {
            description "a name as close to `call-pak` as `call-park` is"
            arg "enabled" type="boolean" description="needed"
        }
    }
    node "management" {
        description "admin"
        node "policies" {
            description "policy control"
            arg "level" type="string" description="how much" {
                value "basic" description="basic"
                value "full" description="full"
            }
        }
    }
}
"#;

fn vocab() -> Vocabulary {
    crate::vocab::for_test(VOCABULARY)
}

/// The syntax or schema diagnostics of `text`.
fn check(vocab: &Vocabulary, text: &str) -> Vec<Diagnostic> {
    match crate::parse::parse(text) {
        Ok(doc) => crate::schema::validate(&doc, vocab),
        Err(errors) => errors.into_iter().map(crate::parse::SyntaxError::into_diagnostic).collect(),
    }
}

/// `text` fixed until stable.
fn fix(text: &str) -> Fixed {
    let vocab = vocab();
    fix_until_stable(text, &check(&vocab, text), |t| check(&vocab, t))
}

fn codes(vocab: &Vocabulary, text: &str) -> Vec<String> {
    check(vocab, text).into_iter().map(|d| d.code).collect()
}

// ------------------------------------------------------------------ applying edits

#[test]
fn edits_apply_in_span_order_and_touch_nothing_else() {
    let text = "a bb ccc // keep\r\n";
    let edits = [Edit::new(Span::new(5, 8), "C"), Edit::new(Span::new(0, 1), "AAA"), Edit::new(Span::new(2, 2), "+")];
    assert_eq!(apply(text, &edits), "AAA +bb C // keep\r\n");
}

#[test]
fn overlapping_outside_and_splitting_edits_are_dropped() {
    let text = "héllo world";
    let edits = [
        Edit::new(Span::new(0, 3), "HE"),     // kept: first in span order
        Edit::new(Span::new(1, 6), "x"),      // overlaps it
        Edit::new(Span::new(0, 3), "no"),     // same span as the first
        Edit::new(Span::new(2, 4), "y"),      // inside `é`... and overlapping
        Edit::new(Span::new(7, 99), "z"),     // past the end
        Edit::new(Span::new(7, 7), "W"),      // an insertion before `world`
        Edit::new(Span::new(7, 12), "world"), // changes nothing: not counted
    ];
    let fixed = apply_counted(text, &edits);
    assert_eq!(fixed.text, "HEllo Wworld");
    assert_eq!(fixed.fixes, 2);
    let split = [Edit::new(Span::new(2, 3), "e")];
    assert_eq!(apply(text, &split), text, "a span inside a character is dropped");
}

#[test]
fn adjacent_edits_and_an_insertion_at_an_edit_s_end_are_all_applied() {
    let text = "abcd";
    let edits = [Edit::new(Span::new(1, 2), "B"), Edit::new(Span::new(0, 1), "A"), Edit::new(Span::new(2, 2), "+")];
    assert_eq!(apply_counted(text, &edits), Fixed { text: "AB+cd".to_owned(), fixes: 3 });
}

#[test]
fn normalized_edits_are_those_applied_in_order() {
    let text = "héllo world";
    let edits = [
        Edit::new(Span::new(7, 12), "there"),
        Edit::new(Span::new(2, 3), "e"), // inside `é`
        Edit::new(Span::new(0, 1), "H"),
        Edit::new(Span::new(0, 3), "X"),   // overlaps `H`
        Edit::new(Span::new(1, 3), "é"),   // changes nothing
        Edit::new(Span::new(12, 12), "!"), // an insertion at the end
    ];
    let chosen = normalized(text, &edits);
    assert_eq!(chosen, [edits[2].clone(), edits[0].clone(), edits[5].clone()]);
    assert_eq!(apply(text, &chosen), apply(text, &edits));
    assert_eq!(apply(text, &chosen), "Héllo there!");
    assert_eq!(normalized(text, &[]), []);
}

#[test]
fn quoting_reads_back_as_the_value() {
    for s in
        ["plain", "with space", "q\"uote", "back\\slash", "line\nbreak\r\n", "\u{85}\u{2028}", "\u{7}", "", "#true"]
    {
        let quoted = quote(s);
        assert!(reads_as(&quoted, s), "{s:?} -> {quoted}");
    }
    assert!(is_bare_identifier("call-park"));
    for s in ["true", "1a", "-1", "a b", "a#b", "", "#x", "inf"] {
        assert!(!is_bare_identifier(s), "{s:?}");
    }
    assert_eq!(string_like(true, "full"), "full");
    assert_eq!(string_like(false, "full"), "\"full\"");
    assert_eq!(string_like(true, "a b"), "\"a b\"");
}

// ------------------------------------------------------------------ schema fixes

#[test]
fn a_misspelled_node_is_renamed() {
    let text = "voice {\n    pbx-replacment #true // the PBX goes\n}\n";
    let diags = check(&vocab(), text);
    let d = diags.iter().find(|d| d.code == crate::codes::UNKNOWN_NODE).expect("unknown node");
    let f = d.fix.as_ref().expect("a fix");
    assert_eq!(f.title, "Replace with `pbx-replacement`");
    assert_eq!(fix(text), Fixed { text: text.replace("replacment", "replacement"), fixes: 1 });
}

#[test]
fn a_quoted_name_stays_quoted() {
    let text = "voice {\n    \"pbx-replacment\" #true\n}\n";
    assert_eq!(fix(text).text, "voice {\n    \"pbx-replacement\" #true\n}\n");
}

#[test]
fn a_misspelled_property_is_renamed() {
    let text = "site \"Chicago\" contry=\"US\"\n";
    assert_eq!(fix(text).text, "site \"Chicago\" country=\"US\"\n");
}

#[test]
fn a_choice_keeps_its_quotes() {
    let text = "management {\n    policies \"ful\"\n}\n";
    assert_eq!(fix(text).text, "management {\n    policies \"full\"\n}\n");
    let bare = "management {\n    policies ful\n}\n";
    assert_eq!(fix(bare).text, "management {\n    policies full\n}\n");
    let raw = "management {\n    policies #\"ful\"#\n}\n";
    assert_eq!(fix(raw).text, "management {\n    policies \"full\"\n}\n");
}

#[test]
fn string_booleans_become_keywords() {
    for (s, k) in [("yes", "#true"), ("true", "#true"), ("no", "#false"), ("false", "#false")] {
        let text = format!("voice {{\n    call-park \"{s}\"\n}}\n");
        assert_eq!(fix(&text).text, format!("voice {{\n    call-park {k}\n}}\n"));
    }
    let other = "voice {\n    call-park \"maybe\"\n}\n";
    assert_eq!(fix(other).fixes, 0, "no fix without a clear meaning");
}

#[test]
fn no_fix_without_exactly_one_suggestion() {
    let v = vocab();
    // `call-pak` is one edit from both `call-park` and `call-pack`.
    let tie = "voice {\n    call-pak #true\n}\n";
    assert_eq!(codes(&v, tie), ["schema::unknown-node"]);
    assert_eq!(fix(tie).fixes, 0);
    let far = "voice {\n    conferencing #true\n}\n";
    assert_eq!(fix(far).fixes, 0);
}

#[test]
fn the_sole_suggestion_is_the_closest_without_a_tie() {
    use crate::diag::{closest, did_you_mean};
    let names = ["call-park", "call-pack", "voicemail"];
    assert_eq!(closest("call-pak", names), Some(("call-park", false)), "the first of the closest, tied");
    assert_eq!(did_you_mean("call-pak", names), Some("call-park"));
    assert_eq!(closest("call-prk", names), Some(("call-park", true)));
    assert_eq!(closest("call-park", ["call-park", "call-park"]), Some(("call-park", true)), "a name twice is one");
    assert_eq!(closest("telephone", names), None, "nothing close");
}

#[test]
fn a_rename_that_would_leave_a_new_problem_is_not_offered() {
    // Under its right name the node would take a string where a boolean belongs.
    let wrong_type = "voice {\n    pbx-replacment 5\n}\n";
    assert_eq!(fix(wrong_type).fixes, 0);
    // ...but a string boolean has its own fix: both are applied.
    let fixable = "voice {\n    pbx-replacment \"yes\"\n}\n";
    assert_eq!(fix(fixable), Fixed { text: "voice {\n    pbx-replacement #true\n}\n".to_owned(), fixes: 2 });
    // A duplicate: `call-park` is given already.
    let taken = "voice {\n    call-park #true\n    call-prk #true\n}\n";
    assert_eq!(fix(taken).fixes, 0);
    // Two misspellings of one name: the first is renamed, not the second.
    let twice = "voice {\n    call-prk #true\n    cal-park #true\n}\n";
    assert_eq!(fix(twice).text, "voice {\n    call-park #true\n    cal-park #true\n}\n");
    // A property given already, or a need for more users than the organization has.
    assert_eq!(fix("site \"a\" country=\"US\" contry=\"CA\"\n").fixes, 0);
    let users = "organization users=10\nvoice {\n    pbx-replacement #true user=50\n}\n";
    assert_eq!(fix(users).fixes, 0);
    let org = "organisation users=10\nvoice {\n    pbx-replacement #true users=50\n}\n";
    assert_eq!(fix(org).fixes, 0, "the size would make the need too large");
    let org_ok = "organisation users=100\nvoice {\n    pbx-replacement #true users=50\n}\n";
    assert_eq!(fix(org_ok).text, org_ok.replace("organisation", "organization"));
}

#[test]
fn fixed_files_have_no_more_problems_and_fixing_again_changes_nothing() {
    let v = vocab();
    let text = "// header\r\nsite Chicago contry=US region=\"x\" // note\r\nvoice {\r\n    pbx-replacment \"no\"\r\n    call-park yes\r\n    wat 1\r\n}\r\nmanagement { policies \"ful\"; }\r\n";
    let before = check(&v, text).len();
    let once = fix(text);
    assert_eq!(
        once.text,
        "// header\r\nsite Chicago country=US region=\"x\" // note\r\nvoice {\r\n    pbx-replacement #false\r\n    call-park #true\r\n    wat 1\r\n}\r\nmanagement { policies \"full\"; }\r\n"
    );
    assert_eq!(once.fixes, 5);
    assert_eq!(codes(&v, &once.text), ["schema::unknown-node"], "`wat` has no fix; was {before} problems");
    assert_eq!(fix(&once.text).fixes, 0);
}

// ------------------------------------------------------------------ KDL v1 -> v2

#[test]
fn v1_keywords_names_and_raw_strings_are_rewritten() {
    let v1 = "node true false null prop=true\r\n(ty)inf #a#b=1 r\"raw\" r#\"has \"quote\"\"# \"esc\\/aped\" 1.5 -2\n";
    let v2 = apply(v1, &v1_to_v2(v1));
    assert_eq!(
        v2,
        "node #true #false #null prop=#true\r\n(ty)\"inf\" \"#a#b\"=1 #\"raw\"# #\"has \"quote\"\"# \"esc/aped\" 1.5 -2\n"
    );
    assert!(crate::parse::parse(&v2).is_ok(), "{v2}");
}

#[test]
fn v1_names_that_are_keywords_are_quoted_not_made_keywords() {
    assert_eq!(v2("true 1\nnode null=false\n(null)n 1\n"), "\"true\" 1\nnode \"null\"=#false\n(\"null\")n 1\n");
}

/// `v1` rewritten.
fn v2(v1: &str) -> String {
    apply(v1, &v1_to_v2(v1))
}

#[test]
fn a_node_starts_after_a_newline_a_semicolon_and_braces() {
    // A keyword is quoted where it names a node, and becomes `#...` where it is a value.
    assert_eq!(v2("a 1\ntrue 2\r\nnull 3\n"), "a 1\n\"true\" 2\r\n\"null\" 3\n");
    assert_eq!(v2("a 1; true 2;null 3"), "a 1; \"true\" 2;\"null\" 3");
    assert_eq!(v2("a {true 1}\nb { null; false }"), "a {\"true\" 1}\nb { \"null\"; \"false\" }");
    assert_eq!(v2("a {\n    b\n} \nfalse"), "a {\n    b\n} \n\"false\"");
}

#[test]
fn type_annotations_are_names_and_the_value_after_them_a_value() {
    assert_eq!(v2("node (true)1 x=(null)false\n"), "node (\"true\")1 x=(\"null\")#false\n");
    assert_eq!(v2("(t)n true\n"), "(t)n #true\n");
    assert_eq!(v2("(  t  )n null"), "(  t  )n #null");
}

#[test]
fn slashdash_comments_out_what_follows_which_is_still_rewritten() {
    assert_eq!(v2("node /-true\n"), "node /-#true\n");
    assert_eq!(v2("/-true 1\n"), "/-\"true\" 1\n");
    assert_eq!(v2("node /-x=null\n"), "node /-x=#null\n");
}

#[test]
fn a_type_annotation_does_not_end_the_node_name_it_annotates() {
    assert_eq!(v2("(t)true 1\n"), "(t)\"true\" 1\n");
    assert_eq!(v2("n (t)true"), "n (t)#true");
}

#[test]
fn a_line_continuation_keeps_the_node_going() {
    assert_eq!(v2("a \\\n true"), "a \\\n #true");
    assert_eq!(v2("a \\  \r\n true"), "a \\  \r\n #true");
    assert_eq!(v2("a \\ // note\n true"), "a \\ // note\n #true");
    assert_eq!(v2("a \\\u{2028}true"), "a \\\u{2028}#true");
    assert_eq!(v2("a \\"), "a \\");
}

#[test]
fn comments_run_to_their_end_and_unterminated_ones_to_the_end_of_the_text() {
    assert_eq!(v2("a /* x */ true // null\nnull"), "a /* x */ #true // null\n\"null\"");
    assert_eq!(v2("a /* é */ true"), "a /* é */ #true");
    assert_eq!(v2("long-node-name /**/ true"), "long-node-name /**/ #true");
    assert_eq!(v2("long-node-name /*/**/*/ true"), "long-node-name /*/**/*/ #true");
    assert_eq!(v1_to_v2("a /* true"), []);
    assert_eq!(v1_to_v2("a /* /* */ true"), []);
    assert_eq!(v1_to_v2("a // true"), []);
}

#[test]
fn characters_that_are_no_token_are_stepped_over() {
    assert_eq!(v2("a [ true ]null"), "a [ #true ]#null");
    assert_eq!(v2("a[b] true"), "a[b] #true");
}

#[test]
fn a_hash_inside_a_bare_word_makes_it_a_v1_name_to_quote() {
    assert_eq!(v2("a#b c#d=1 e#"), "\"a#b\" \"c#d\"=1 \"e#\"");
    assert_eq!(v2("n #x true"), "n \"#x\" #true");
    assert_eq!(v2("n #true ##\"raw\"## #nan"), "n #true ##\"raw\"## #nan", "v2 keywords and raw strings stay");
}

#[test]
fn quoted_strings_keep_their_escapes_and_end_at_their_closing_quote() {
    assert_eq!(v2("a \"x\\\"y\" true"), "a \"x\\\"y\" #true");
    assert_eq!(v2("a \"x\\\\\" true"), "a \"x\\\\\" #true");
    assert_eq!(v2("a \"\\/\\n\\/\" null"), "a \"/\\n/\" #null");
    // v2's whitespace escape may span lines: it is kept, not rewritten.
    assert_eq!(v2("a \"x\\\n   y\" true"), "a \"x\\\n   y\" #true");
    assert_eq!(v2("a \"x\\ \t y\" true"), "a \"x\\ \t y\" #true");
    assert_eq!(v2("a \"x\\  \n  y\" true"), "a \"x\\  \n  y\" #true");
    assert_eq!(v2("a \"x\\ \u{2028} y\" true"), "a \"x\\ \u{2028} y\" #true");
    // A literal newline is escaped, and so is one after an escape.
    assert_eq!(v2("a \"\\/\ny\" true"), "a \"/\\ny\" #true");
    assert_eq!(v2("a \"é\ny\" true"), "a \"é\\ny\" #true");
    // v2 multi-line strings stay; unterminated strings are not rewritten.
    assert_eq!(v2("a \"\"\"\n  true\n  \"\"\" true"), "a \"\"\"\n  true\n  \"\"\" #true");
    assert_eq!(v1_to_v2("a true \"x\\/"), [Edit::new(Span::new(2, 6), "#true")]);
    assert_eq!(v1_to_v2("a \"x\\"), []);
    assert_eq!(v1_to_v2("a \"\"\"\n  x"), []);
}

#[test]
fn raw_strings_keep_their_fences() {
    assert_eq!(v2("n r##\"a\"#b\"## true"), "n ##\"a\"#b\"## #true");
    assert_eq!(v2("n r#\"a\"# r\"b\" true"), "n #\"a\"# #\"b\"# #true");
    assert_eq!(v2("n r\"é\" true"), "n #\"é\"# #true");
    assert_eq!(v1_to_v2("n r#\"a\" true"), [], "unterminated");
    assert_eq!(v2("n r# true"), "n \"r#\" #true", "`r#` without a quote is a v1 name");
}

#[test]
fn numbers_are_left_alone() {
    assert_eq!(v1_to_v2("n 1 +2 -3 .5 1e3 0x1f 1_000 1.5e-3"), []);
    assert_eq!(v2("n +x -y true"), "n +x -y #true");
    // A word that only starts like a number is quoted like any other v1 name.
    assert_eq!(v2("n -a#b +# a1# .b#"), "n \"-a#b\" \"+#\" \"a1#\" \".b#\"");
}

#[test]
fn bare_words_that_start_with_r_are_not_raw_strings() {
    assert_eq!(v2("node rate=true r 1 rr=null\n"), "node rate=#true r 1 rr=#null\n");
    assert_eq!(v2("r true\n"), "r #true\n");
}

#[test]
fn v1_multi_line_strings_become_escapes() {
    let v1 = "node \"one\r\ntwo\" r\"three\nfour\"\n";
    let v2 = apply(v1, &v1_to_v2(v1));
    assert_eq!(v2, "node \"one\\r\\ntwo\" \"three\\nfour\"\n");
    let doc = crate::parse::parse(&v2).expect("parses");
    let values: Vec<_> = doc.nodes[0].entries.iter().map(|e| e.value.clone()).collect();
    assert_eq!(values, [Value::String("one\r\ntwo".into()), Value::String("three\nfour".into())]);
}

#[test]
fn comments_continuations_and_line_endings_are_kept() {
    let v1 = "\u{FEFF}/* true /* nested null */ */ node \\ // false\r\n    true /- false { child null; }\r\n// null\r\nother \"s\" { x true }";
    let v2 = apply(v1, &v1_to_v2(v1));
    assert_eq!(
        v2,
        "\u{FEFF}/* true /* nested null */ */ node \\ // false\r\n    #true /- #false { child #null; }\r\n// null\r\nother \"s\" { x #true }"
    );
}

#[test]
fn a_mix_of_v1_keywords_and_v2_bare_strings_is_fixed() {
    let mixed = "voice {\n    call-park true\n}\nsite Chicago country=US datacenter=false\n";
    let fixed = fix(mixed);
    assert_eq!(fixed.text, "voice {\n    call-park #true\n}\nsite Chicago country=US datacenter=#false\n");
    assert_eq!(fixed.fixes, 2);
    assert_eq!(fix(&fixed.text).fixes, 0);
}

#[test]
fn v1_then_schema_fixes_in_one_run() {
    let v1 = "voice {\n    pbx-replacment true\n}\n";
    let fixed = fix(v1);
    assert_eq!(fixed.text, "voice {\n    pbx-replacement #true\n}\n");
    assert_eq!(fixed.fixes, 2);
}

#[test]
fn valid_v2_gets_no_v1_edit() {
    let v2 = "node #true #null #-inf 1e3 0x1F bare \"q\\\"\" #\"raw\"# ##\"r\"#\"## x=(t)\"\"\"\n    multi\n    \"\"\" {\n    - 1; child\n}\n";
    assert!(crate::parse::parse(v2).is_ok(), "the sample is valid KDL v2");
    assert_eq!(v1_to_v2(v2), []);
}

#[test]
fn a_broken_file_that_is_not_v1_gets_no_fix() {
    let v = vocab();
    let text = "voice {\n    call-park true\n    \"unterminated\n";
    assert_eq!(fixes_for(text, &check(&v, text)), []);
    assert_eq!(fix(text).fixes, 0);
}
