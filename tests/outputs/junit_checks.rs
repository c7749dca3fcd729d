//! `JUnit`: well-formed XML that a strict parser reads, and the counts CI servers show.

use super::{builtin, fixture, report};
use lync_lint::render::junit;

/// Parses the XML fully; returns (element name, attributes) of every start or empty tag.
pub(super) fn xml_elements(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
    use quick_xml::XmlVersion;
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("invalid XML at {}: {e}", reader.buffer_position())) {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("well-formed attribute");
                        let value =
                            a.normalized_value(XmlVersion::Explicit1_0).expect("escaped attribute").into_owned();
                        (AsRef::<str>::as_ref(&a.key).to_owned(), value)
                    })
                    .collect();
                out.push((AsRef::<str>::as_ref(&e.name()).to_owned(), attrs));
            }
            Event::GeneralRef(r) => {
                let known = ["amp", "lt", "gt", "quot", "apos"].contains(&&*r);
                assert!(known || r.resolve_char_ref().is_ok_and(|c| c.is_some()), "unknown entity {r:?}");
            }
            _ => {}
        }
    }
    out
}

pub(super) fn attr<'a>(el: &'a (String, Vec<(String, String)>), key: &str) -> &'a str {
    el.1.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
}

#[test]
fn junit_counts_and_well_formedness() {
    let packs = builtin();
    let reports = [fixture("multinational"), fixture("typos"), fixture("small-business")];
    let xml = junit::render(&reports, &packs);
    let els = xml_elements(&xml);
    let count = |name: &str| els.iter().filter(|e| e.0 == name).count();
    let policies = packs.policies.len();
    let typos = reports[1].diagnostics.len();
    assert_eq!(count("testsuite"), 3);
    assert_eq!(count("testcase"), policies * 2 + typos);
    assert_eq!(count("failure"), 4, "the multinational file's four error findings");
    assert_eq!(count("error"), typos, "no rule was evaluated on the file with schema errors");
    let top = &els[0];
    assert_eq!((attr(top, "tests"), attr(top, "failures")), (&*(policies * 2 + typos).to_string(), "4"));
    assert_eq!(attr(top, "errors"), typos.to_string());
    let suite = els.iter().find(|e| e.0 == "testsuite").expect("suite");
    assert_eq!(attr(suite, "name"), "fixtures/multinational.lync.kdl");
    assert_eq!((attr(suite, "tests"), attr(suite, "failures")), (&*policies.to_string(), "4"));
    let failure = els.iter().find(|e| e.0 == "failure").expect("failure");
    assert_eq!(attr(failure, "type"), "multi-regional/regional-servers");
    assert!(xml.contains(">fixtures/multinational.lync.kdl:7:1: error: datacenters in 3 places"));
}

#[test]
fn junit_escapes_hostile_text() {
    let packs = builtin();
    let hostile = "site \"<&>\\\"'\u{1}\" {\n";
    let xml = junit::render(&[report("a&b<c>.lync.kdl", hostile, &packs)], &packs);
    let els = xml_elements(&xml);
    let suite = els.iter().find(|e| e.0 == "testsuite").expect("suite");
    assert_eq!(attr(suite, "name"), "a&b<c>.lync.kdl");
    assert!(els.iter().any(|e| e.0 == "error"));
}
