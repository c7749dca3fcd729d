//! Validation against a small vocabulary: each diagnostic, its message, label, help and fix,
//! the engine's own `waiver` node, and users beyond the organization's.

use super::*;
use crate::vocab::Vocabulary;

const VOCABULARY: &str = r#"vocabulary "s" {
    node "organization" {
        description "who"
        prop "users" type="integer" min=1 role="total-users" description="the organization's size"
    }
    node "site" repeat=#true {
        description "a site"
        arg "name" type="string" description="the site's name"
        prop "country" type="country" description="ISO code"
        prop "opened" type="date" description="when"
        prop "ratio" type="float" description="a ratio"
        prop "floors" type="integer" min=1 max=99 description="floors"
        prop "rooms" type="integer" min=0 description="rooms"
        prop "desks" type="integer" max=500 description="desks"
        prop "remote" type="boolean" description="working from home"
        prop "tier" type="string" description="tier" {
            value "gold"
            value "silver"
            value "bronze"
        }
        prop "kind" type="string" description="kind" {
            value "office"
        }
        prop "grade" type="string" description="grade" {
            value "aa"
            value "ab"
        }
    }
    node "voice" {
        description "telephony"
        node "pbx" repeat=#true {
            description "a PBX"
            arg "name" type="string" description="name"
            prop "users" type="integer" min=1 role="need-users" description="who"
        }
        node "fax" {
            description "a need whose users are called seats"
            prop "line" type="string" description="the line"
            prop "seats" type="integer" role="need-users" description="who"
        }
        node "switchboard" {
            description "a nested size, which is not the organization's"
            prop "staff" type="integer" role="total-users" description="operators"
        }
        node "park" {
            description "call park"
            arg "enabled" type="boolean" description="needed"
        }
        node "trunk" {
            description "a trunk"
            arg "carrier" type="string" description="the carrier"
            arg "lines" type="integer" optional=#true description="how many"
        }
    }
    node "aliases" {
        description "other names"
        arg "alias" type="string" repeat=#true description="a name"
    }
    node "tags" {
        description "tags"
        arg "tag" type="string" repeat=#true optional=#true description="a tag"
    }
    node "flag" {
        description "a flag"
    }
    node "contact" {
        description "who to call"
        prop "email" type="string" required=#true description="mail"
        prop "phone" type="string" description="phone"
    }
}
"#;

fn vocab() -> Vocabulary {
    crate::vocab::for_test(VOCABULARY)
}

fn validated(text: &str) -> Vec<Diagnostic> {
    let doc = crate::parse::parse(text).unwrap_or_else(|e| panic!("{text:?} parses: {e:?}"));
    validate(&doc, &vocab())
}

/// One diagnostic's code, message, primary label (the text under it, and its text) and help.
#[derive(Debug, PartialEq)]
struct Seen {
    code: String,
    message: String,
    at: String,
    label: String,
    help: Option<String>,
}

fn seen(text: &str) -> Vec<Seen> {
    validated(text)
        .into_iter()
        .map(|d| {
            let l = d.labels.first().expect("a label");
            Seen {
                code: d.code.clone(),
                message: d.message.clone(),
                at: text[l.span.start..l.span.end].to_owned(),
                label: l.text.clone().unwrap_or_default(),
                help: d.help.clone(),
            }
        })
        .collect()
}

/// The only diagnostic of `text`.
fn one(text: &str) -> Seen {
    let mut all = seen(text);
    assert_eq!(all.len(), 1, "{text:?}: {all:#?}");
    all.remove(0)
}

fn codes(text: &str) -> Vec<String> {
    validated(text).into_iter().map(|d| d.code).collect()
}

/// `text` with the fixes of its diagnostics applied (one round).
fn fixed(text: &str) -> String {
    crate::fix::apply(text, &crate::fix::fixes_for(text, &validated(text)))
}

fn has_fix(text: &str) -> Vec<bool> {
    validated(text).iter().map(|d| d.fix.is_some()).collect()
}

const VALID: &str = r#"organization users=100
site "HQ" country="US" opened="2020-01-31" ratio=0.5 floors=3 rooms=0 desks=500 remote=#true tier="gold" kind="office"
site "Branch" ratio=1
voice {
    pbx "a" users=100
    pbx "b"
    park #false
    trunk "other" 3
}
aliases "x" "y" "z"
tags
flag
contact email="a@b"
waiver "t/rule" reason="r" expires="2030-01-01" owner="me" ticket="T-1"
waiver "t/rule" reason="again"
"#;

#[test]
fn a_valid_file_has_no_diagnostic() {
    assert_eq!(validated(VALID), []);
    assert_eq!(validated(""), []);
}

// ------------------------------------------------------------------ nodes

#[test]
fn an_unknown_node_at_the_top_level() {
    let d = one("sitte \"a\"\n");
    assert_eq!(d.code, "schema::unknown-node");
    assert_eq!(
        (d.message.as_str(), d.at.as_str(), d.label.as_str()),
        ("unknown node `sitte` at the top level", "sitte", "not in the vocabulary")
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `site`?"));
    let d = one("zzzzzzzz\n");
    assert_eq!(
        d.help.as_deref(),
        Some("known here: `organization`, `site`, `voice`, `aliases`, `tags`, `flag`, `contact`"),
        "the engine's `waiver` is not suggested"
    );
}

#[test]
fn an_unknown_node_inside_another() {
    let d = one("voice {\n    pbxx \"a\"\n}\n");
    assert_eq!((d.message.as_str(), d.at.as_str()), ("unknown node `pbxx` in `voice`", "pbxx"));
    assert_eq!(d.help.as_deref(), Some("did you mean `pbx`?"));
    assert_eq!(
        one("voice {\n    zzzzzz\n}\n").help.as_deref(),
        Some("known here: `pbx`, `fax`, `switchboard`, `park`, `trunk`")
    );
    assert_eq!(one("flag {\n    x\n}\n").help.as_deref(), Some("`flag` takes no children"));
    assert_eq!(one("flag {\n    x\n}\n").message, "unknown node `x` in `flag`");
}

#[test]
fn a_node_in_the_wrong_place_says_where_it_belongs() {
    assert_eq!(one("park #true\n").help.as_deref(), Some("`park` belongs in `voice`"));
    assert_eq!(
        one("voice {\n    organization users=1\n}\n").help.as_deref(),
        Some("`organization` belongs at the top level")
    );
    // Only at the top level is the engine's `waiver` known.
    let d = one("voice {\n    waiver \"t/rule\" reason=\"r\"\n}\n");
    assert_eq!((d.code.as_str(), d.message.as_str()), ("schema::unknown-node", "unknown node `waiver` in `voice`"));
}

#[test]
fn no_vocabulary_knows_nothing_but_waivers() {
    let doc = crate::parse::parse("site \"a\"\nwaiver \"t/rule\" reason=\"r\"\n").expect("parses");
    let out = validate(&doc, &Vocabulary::default());
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].message.as_str(), out[0].help.as_deref()), ("unknown node `site` at the top level", None));
    let doc = crate::parse::parse("waiver \"t/rule\"\n").expect("parses");
    let out = validate(&doc, &Vocabulary::default());
    assert_eq!(
        out.iter().map(|d| d.code.as_str()).collect::<Vec<_>>(),
        ["schema::arity"],
        "the waiver's own declaration is checked"
    );
}

#[test]
fn a_node_that_may_appear_once_given_twice() {
    let text = "flag\nsite \"a\"\nflag\nsite \"b\"\nflag\n";
    let all = seen(text);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].code, "schema::duplicate");
    assert_eq!(all[0].message, "`flag` is given twice");
    assert_eq!(all[0].help.as_deref(), Some("`flag` may appear once here; merge the two into one"));
    let d = &validated(text)[0];
    let spans: Vec<(usize, &str)> = d.labels.iter().map(|l| (l.span.start, l.text.as_deref().unwrap_or(""))).collect();
    assert_eq!(spans, [(14, "given again here"), (0, "first given here")]);
    // A duplicate is not checked further; the first one is.
    assert_eq!(codes("park #true\nvoice {\n    park 1\n}\nvoice {\n    park 2\n}\n").len(), 3);
    assert_eq!(codes("voice {\n    park #true\n    park #false\n}\n"), ["schema::duplicate"]);
    // The same name in two parents is no duplicate.
    assert_eq!(codes("voice {\n    park #true\n}\ncontact email=\"x\" {\n}\n"), Vec::<String>::new());
}

// ------------------------------------------------------------------ arguments

#[test]
fn missing_and_extra_arguments() {
    let d = one("voice {\n    park\n}\n");
    assert_eq!((d.code.as_str(), d.message.as_str()), ("schema::arity", "`park` needs an argument: enabled"));
    assert_eq!((d.at.as_str(), d.label.as_str()), ("park", "`enabled` missing"));
    assert_eq!(d.help.as_deref(), Some("`enabled` is a boolean (`#true` or `#false`): needed"));
    let d = one("voice {\n    park #true #false\n}\n");
    assert_eq!(
        (d.message.as_str(), d.at.as_str(), d.label.as_str()),
        ("`park` takes one argument", "#false", "unexpected argument")
    );
    assert_eq!(d.help, None, "`park` has no properties to suggest");
    let d = one("flag 1\n");
    assert_eq!(d.message, "`flag` takes no arguments");
    let d = one("voice {\n    trunk \"c\" 1 2\n}\n");
    assert_eq!((d.message.as_str(), d.at.as_str()), ("`trunk` takes 2 arguments", "2"));
    let d = one("contact 1 email=\"x\"\n");
    assert_eq!(d.help.as_deref(), Some("properties of `contact`: `email=`, `phone=`"));
    assert_eq!(codes("voice {\n    trunk\n}\n"), ["schema::arity"], "the optional second argument is not missing");
}

#[test]
fn repeated_arguments() {
    assert_eq!(codes("aliases \"a\"\n"), Vec::<String>::new());
    assert_eq!(codes("aliases \"a\" \"b\" \"c\" \"d\"\n"), Vec::<String>::new());
    let d = one("aliases\n");
    assert_eq!(d.message, "`aliases` needs an argument: alias");
    assert_eq!(codes("tags\n"), Vec::<String>::new());
    assert_eq!(codes("tags \"a\" \"b\"\n"), Vec::<String>::new());
    // Every repeated argument is checked.
    let all = seen("aliases \"a\" 2 \"c\" #true\n");
    assert_eq!(all.iter().map(|s| s.at.as_str()).collect::<Vec<_>>(), ["2", "#true"]);
    assert!(all.iter().all(|s| s.code == "schema::type"));
}

// ------------------------------------------------------------------ properties

#[test]
fn unknown_properties() {
    let d = one("site \"a\" contry=\"US\"\n");
    assert_eq!(d.code, "schema::unknown-property");
    assert_eq!(
        (d.message.as_str(), d.at.as_str(), d.label.as_str()),
        ("unknown property `contry` on `site`", "contry", "not in the vocabulary")
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `country`?"));
    let d = one("voice {\n    park #true x=1\n}\n");
    assert_eq!(d.help.as_deref(), Some("`park` takes no properties"));
    let d = one("contact email=\"a\" zzzzzzzz=1\n");
    assert_eq!(d.help.as_deref(), Some("properties of `contact`: `email`, `phone`"));
}

#[test]
fn required_properties() {
    let d = one("contact phone=\"1\"\n");
    assert_eq!((d.code.as_str(), d.message.as_str()), ("schema::arity", "`contact` needs the property `email=`"));
    assert_eq!((d.at.as_str(), d.label.as_str()), ("contact", "`email=` missing"));
    assert_eq!(d.help.as_deref(), Some("`email`: mail"));
}

// ------------------------------------------------------------------ values

#[test]
fn types() {
    let d = one("site \"a\" floors=\"3\"\n");
    assert_eq!((d.code.as_str(), d.message.as_str()), ("schema::type", "`floors` must be an integer"));
    assert_eq!((d.at.as_str(), d.label.as_str()), ("\"3\"", "expected integer, found string"));
    assert_eq!(d.help.as_deref(), Some("write `3` without quotes"));
    let d = one("site \"a\" floors=\"three\"\n");
    assert_eq!(d.help.as_deref(), Some("floors: floors"));
    let d = one("site 1\n");
    assert_eq!((d.message.as_str(), d.label.as_str()), ("`site` must be a string", "expected string, found integer"));
    let d = one("voice {\n    trunk \"c\" \"x\"\n}\n");
    assert_eq!(d.message, "the lines of `trunk` must be an integer", "a node of several arguments names the argument");
    for (text, ok) in [
        ("site \"a\" ratio=1", true),
        ("site \"a\" ratio=1.5", true),
        ("site \"a\" ratio=\"1\"", false),
        ("site \"a\" ratio=#true", false),
        ("site \"a\" floors=1.0", false),
        ("site \"a\" floors=#null", false),
        ("site \"a\" remote=#false", true),
        ("site \"a\" remote=1", false),
        ("site \"a\" country=\"US\"", true),
        ("site \"a\" country=1", false),
        ("site \"a\" opened=\"2020-02-02\"", true),
        ("site \"a\" opened=#null", false),
        ("site \"a\" tier=#true", false),
    ] {
        assert_eq!(codes(text).is_empty(), ok, "{text}: {:?}", codes(text));
    }
}

#[test]
fn string_booleans_get_a_fix() {
    for (word, keyword) in [("yes", "#true"), ("true", "#true"), ("no", "#false"), ("false", "#false")] {
        let text = format!("site \"a\" remote=\"{word}\"\n");
        let d = one(&text);
        assert_eq!(d.help, Some(format!("write `{keyword}`")));
        assert_eq!(fixed(&text), format!("site \"a\" remote={keyword}\n"));
    }
    let d = one("site \"a\" remote=\"maybe\"\n");
    assert_eq!(d.help.as_deref(), Some("remote: working from home"));
    assert_eq!(has_fix("site \"a\" remote=\"maybe\"\n"), [false]);
    assert_eq!(has_fix("site \"a\" floors=\"3\"\n"), [false], "no fix changes a string into a number");
}

#[test]
fn integer_ranges() {
    let d = one("site \"a\" floors=0\n");
    assert_eq!((d.code.as_str(), d.message.as_str()), ("schema::value", "`floors` must be between 1 and 99"));
    assert_eq!((d.at.as_str(), d.label.as_str()), ("0", "`0` is out of range"));
    assert_eq!(one("site \"a\" floors=100\n").message, "`floors` must be between 1 and 99");
    assert_eq!(codes("site \"a\" floors=1 rooms=0 desks=500\n"), Vec::<String>::new(), "bounds are inclusive");
    assert_eq!(codes("site \"a\" floors=99\n"), Vec::<String>::new());
    assert_eq!(one("site \"a\" rooms=-1\n").message, "`rooms` must be at least 0");
    assert_eq!(one("site \"a\" desks=501\n").message, "`desks` must be at most 500");
    assert_eq!(codes("site \"a\" rooms=1000000 desks=-1000000\n"), Vec::<String>::new());
}

#[test]
fn choices() {
    let d = one("site \"a\" tier=\"gould\"\n");
    assert_eq!(
        (d.code.as_str(), d.message.as_str()),
        ("schema::value", "`tier` must be `\"gold\"`, `\"silver\"` or `\"bronze\"`")
    );
    assert_eq!((d.at.as_str(), d.label.as_str()), ("\"gould\"", "`\"gould\"` is not allowed"));
    assert_eq!(d.help.as_deref(), Some("did you mean `\"gold\"`?"));
    assert_eq!(fixed("site \"a\" tier=\"gould\"\n"), "site \"a\" tier=\"gold\"\n");
    assert_eq!(fixed("site \"a\" tier=gould\n"), "site \"a\" tier=gold\n", "a bare value stays bare");
    let d = one("site \"a\" kind=\"home\"\n");
    assert_eq!((d.message.as_str(), d.help.as_deref()), ("`kind` must be `\"office\"`", None));
    assert_eq!(one("site \"a\" grade=\"a\"\n").message, "`grade` must be `\"aa\"` or `\"ab\"`");
    assert_eq!(has_fix("site \"a\" grade=\"ac\"\n"), [false], "two choices are as close: no fix");
    assert_eq!(one("site \"a\" grade=\"ac\"\n").help.as_deref(), Some("did you mean `\"aa\"`?"));
}

#[test]
fn countries_and_dates() {
    let d = one("site \"a\" country=\"us\"\n");
    assert_eq!(
        (d.code.as_str(), d.message.as_str()),
        ("schema::value", "`country` must be an ISO 3166-1 alpha-2 country code")
    );
    assert_eq!((d.at.as_str(), d.label.as_str()), ("\"us\"", "`\"us\"` is not an ISO 3166-1 alpha-2 country code"));
    assert_eq!(d.help.as_deref(), Some("country codes are upper case: `\"US\"`"));
    for bad in ["USA", "U", "", "U1", "Us"] {
        let text = format!("site \"a\" country=\"{bad}\"\n");
        assert_eq!(codes(&text), ["schema::value"], "{bad}");
    }
    assert_eq!(one("site \"a\" country=\"USA\"\n").help, None);
    let d = one("site \"a\" opened=\"2020-13-01\"\n");
    assert_eq!(
        (d.message.as_str(), d.label.as_str(), d.help.as_deref()),
        ("`opened` must be a date (`YYYY-MM-DD`)", "`\"2020-13-01\"` is not a date (`YYYY-MM-DD`)", None)
    );
    assert_eq!(codes("site \"a\" tier=\"US\"\n"), ["schema::value"], "a plain string is no country");
}

// ------------------------------------------------------------------ users

#[test]
fn the_organization_size_and_the_users_of_needs() {
    let doc = crate::parse::parse("site \"a\"\norganization users=250\n").expect("parses");
    assert_eq!(total_users(&doc, &vocab()), Some(250));
    let doc = crate::parse::parse("organization\n").expect("parses");
    assert_eq!(total_users(&doc, &vocab()), None);
    let doc = crate::parse::parse("organization users=\"x\"\n").expect("parses");
    assert_eq!(total_users(&doc, &vocab()), None);
    let doc = crate::parse::parse("site \"a\" users=3\nzz users=4\n").expect("parses");
    assert_eq!(total_users(&doc, &vocab()), None, "only the property with the role counts");
    let v = vocab();
    let pbx = v.top("voice").and_then(|d| d.child("pbx")).expect("pbx");
    let site = v.top("site").expect("site");
    let doc = crate::parse::parse("pbx \"a\" users=40\npbx \"b\"\npbx \"c\" users=\"x\"\n").expect("parses");
    assert_eq!(need_users(&doc.nodes[0], pbx), Some(Some(40)));
    assert_eq!(need_users(&doc.nodes[1], pbx), Some(None));
    assert_eq!(need_users(&doc.nodes[2], pbx), Some(None));
    assert_eq!(need_users(&doc.nodes[0], site), None, "a site is not a need");
}

#[test]
fn a_need_of_more_users_than_the_organization_has() {
    let text = "organization users=100\nvoice {\n    pbx \"a\" users=101\n    pbx \"b\" users=100\n}\n";
    let d = one(text);
    assert_eq!(
        (d.code.as_str(), d.message.as_str()),
        ("schema::value", "`users=101` is more than the organization's 100 users")
    );
    assert_eq!((d.at.as_str(), d.label.as_str()), ("101", "more than 100"));
    assert_eq!(
        d.help.as_deref(),
        Some(
            "a need concerns at most the whole organization: write at most `users=100`, or leave `users=` out for everyone"
        )
    );
    assert_eq!(codes("voice {\n    pbx \"a\" users=101\n}\n"), Vec::<String>::new(), "no size: nothing to compare");
    // The property is the one the vocabulary gives the role, whatever its name.
    let d = one("organization users=10\nvoice {\n    fax line=\"x\" seats=11\n}\n");
    assert_eq!((d.message.as_str(), d.at.as_str()), ("`seats=11` is more than the organization's 10 users", "11"));
    assert!(d.help.is_some_and(|h| h.contains("`seats=10`")));
    // Needs are found wherever they are declared, not in undeclared nodes.
    assert_eq!(codes("organization users=5\nvoice {\n    pbx \"a\" users=6\n    pbx \"b\" users=7\n}\n").len(), 2);
    assert_eq!(codes("organization users=5\nzz {\n    pbx \"a\" users=6\n}\n"), ["schema::unknown-node"]);
}

// ------------------------------------------------------------------ fixes

#[test]
fn renames_of_nodes() {
    assert_eq!(fixed("sitte \"a\"\n"), "site \"a\"\n");
    assert_eq!(fixed("\"sitte\" \"a\"\n"), "\"site\" \"a\"\n", "a quoted name stays quoted");
    assert_eq!(fixed("voice {\n    pak #true\n}\n"), "voice {\n    park #true\n}\n");
    // A rename that would leave a problem without a fix of its own is not offered.
    assert_eq!(has_fix("voice {\n    pak 1\n}\n"), [false]);
    assert_eq!(has_fix("voice {\n    pak \"yes\"\n}\n"), [true], "its value has a fix of its own");
    assert_eq!(has_fix("voice {\n    pak #true x=1\n}\n"), [false]);
    assert_eq!(has_fix("contactt\n"), [false], "`email=` would be missing");
    assert_eq!(has_fix("voic {\n    zz\n}\n"), [false], "a child would be unknown");
    assert_eq!(has_fix("voic {\n    pak #true\n}\n"), [true], "a child would be renamed too");
    // Nor one that makes a duplicate, nor two renames to one name.
    assert_eq!(has_fix("flag\nflgg\n"), [false]);
    assert_eq!(has_fix("flgg\nflag\n"), [false]);
    assert_eq!(has_fix("flgg\nflaag\n"), [true, false]);
    assert_eq!(
        has_fix("sitte \"a\"\nsite \"b\"\nsitte \"c\"\n"),
        [true, true],
        "a node that repeats may be renamed to again"
    );
}

#[test]
fn renames_against_the_organization_size() {
    let organization = "organization users=10\n";
    assert_eq!(
        has_fix(&format!("{organization}voice {{\n    pbx \"a\" userss=20\n}}\n")),
        [false],
        "users beyond the organization's"
    );
    assert_eq!(has_fix(&format!("{organization}voice {{\n    pbx \"a\" userss=10\n}}\n")), [true]);
    assert_eq!(has_fix("voice {\n    pbx \"a\" userss=20\n}\n"), [true], "no size, nothing to exceed");
    // A renamed `organization` must not make a need exceed its size.
    assert_eq!(has_fix("organizatio users=10\nvoice {\n    pbx \"a\" users=20\n}\n"), [false]);
    assert_eq!(has_fix("organizatio users=30\nvoice {\n    pbx \"a\" users=20\n}\n"), [true]);
    assert_eq!(
        has_fix("organizatio users=\"x\"\nvoice {\n    pbx \"a\" users=20\n}\n"),
        [false],
        "the value has no fix"
    );
    assert_eq!(has_fix("organization userss=10\nvoice {\n    pbx \"a\" users=20\n}\n"), [false]);
    assert_eq!(has_fix("organization userss=30\nvoice {\n    pbx \"a\" users=20\n}\n"), [true]);
    // Only the top level gives the organization's size: a nested one limits nothing.
    let nested = "voice {\n    pbx \"a\" users=50\n    switchboard staf=10\n}\n";
    assert_eq!(has_fix(nested), [true]);
    assert_eq!(codes(&fixed(nested)), Vec::<String>::new());
    // A renamed need beyond the size of the file's organization.
    assert_eq!(has_fix(&format!("{organization}voice {{\n    pbxx \"a\" users=20\n}}\n")), [false]);
    assert_eq!(has_fix(&format!("{organization}voice {{\n    pbxx \"a\" users=5\n}}\n")), [true]);
}

#[test]
fn renames_of_properties() {
    assert_eq!(fixed("site \"a\" contry=\"US\"\n"), "site \"a\" country=\"US\"\n");
    assert_eq!(fixed("site \"a\" \"contry\"=\"US\"\n"), "site \"a\" \"country\"=\"US\"\n");
    assert_eq!(has_fix("site \"a\" contry=\"us\"\n"), [false], "its value would be wrong, without a fix");
    assert_eq!(has_fix("site \"a\" remot=\"yes\"\n"), [true], "its value has a fix of its own");
    assert_eq!(has_fix("site \"a\" country=\"US\" contry=\"FR\"\n"), [false], "the property is given already");
    assert_eq!(has_fix("site \"a\" contry=\"US\" countr=\"FR\"\n"), [true, false], "one rename to one name");
}

#[test]
fn is_bare_compares_the_token_with_its_value() {
    assert!(is_bare("abc", crate::doc::Span::new(4, 7)));
    assert!(!is_bare("abc", crate::doc::Span::new(4, 9)));
}
