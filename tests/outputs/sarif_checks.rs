//! SARIF: the official schema, rule indexes, regions, related locations, fingerprints.

use serde_json::Value;

use super::{
    UNICODE, all_fixtures, assert_valid, builtin, fixture, report, result, results, root, sarif_of, sarif_range, schema,
};
use lync_lint::render::sarif;

#[test]
fn sarif_validates_against_the_official_schema() {
    let schema = schema(&root().join("tests/data/sarif/sarif-schema-2.1.0.json"));
    let mut reports = all_fixtures();
    reports.push(report("unicode.lync.kdl", UNICODE, &builtin()));
    reports.push(report("dir with space/broken.lync.kdl", "site \"x\" {\n", &builtin()));
    let doc = sarif_of(&reports);
    assert_valid(&schema, &doc);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "lync-lint");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().expect("%SRCROOT%");
    assert!(base.starts_with("file:///") && base.ends_with('/'), "{base}");
    let broken = results(&doc).iter().find(|r| r["ruleId"] == "kdl::syntax").expect("syntax errors are results");
    let artifact = &broken["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(artifact["uri"], "dir%20with%20space/broken.lync.kdl");
    assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
}

#[test]
fn sarif_rule_indexes_resolve() {
    let packs = builtin();
    let doc = sarif_of(&all_fixtures());
    let rules = doc["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    for p in &packs.policies {
        let rule = rules.iter().find(|r| r["id"] == p.id.as_str()).expect("every policy is a rule");
        assert_eq!(rule["shortDescription"]["text"], p.title.as_str());
        assert!(rule["help"]["markdown"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert!(results(&doc).len() > 10);
    for r in results(&doc) {
        let i = usize::try_from(r["ruleIndex"].as_u64().expect("ruleIndex")).expect("small");
        assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex {i} of {r}");
    }
    assert!(rules.iter().any(|r| r["id"] == "schema::unknown-node"), "codes that occur have rules");
}

#[test]
fn sarif_regions_and_related_locations() {
    let doc = sarif_of(&[fixture("multinational")]);
    let r = result(&doc, "multi-regional/regional-servers");
    assert_eq!(r["level"], "error");
    assert_eq!(sarif_range(&r["locations"][0]), (7, 1, 7, 82));
    assert_eq!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "fixtures/multinational.lync.kdl");
    let related = r["relatedLocations"].as_array().expect("relatedLocations");
    let lines: Vec<_> = related.iter().map(|l| sarif_range(l).0).collect();
    assert_eq!(lines, [8, 9, 13]);
    assert_eq!(sarif_range(&related[2]), (13, 5, 13, 27));
    assert_eq!(related[2]["message"]["text"], "servers are run per region here");
    let ids: Vec<_> = related.iter().map(|l| l["id"].as_u64()).collect();
    assert_eq!(ids, [Some(1), Some(2), Some(3)]);

    let unicode = sarif_of(&[report("unicode.lync.kdl", UNICODE, &builtin())]);
    let r = result(&unicode, "enterprise-voice/pbx-replacement");
    assert_eq!(sarif_range(&r["locations"][0]), (3, 24, 3, 45));
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"], "pbx-replacement #true");
}

#[test]
fn sarif_advice_is_a_note() {
    let doc = sarif_of(&[fixture("on-premises-declared")]);
    assert!(results(&doc).iter().any(|r| r["level"] == "note"));
    assert!(results(&doc).iter().all(|r| r["level"] != "error"));
}

fn fingerprints(doc: &Value) -> Vec<(String, String)> {
    results(doc)
        .iter()
        .map(|r| {
            let fp = r["partialFingerprints"][sarif::FINGERPRINT_KEY].as_str().expect("fingerprint");
            (r["ruleId"].as_str().unwrap_or_default().to_owned(), fp.to_owned())
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_unrelated_edits() {
    let packs = builtin();
    let text = std::fs::read_to_string(root().join("fixtures/contact-centre.lync.kdl")).expect("fixture");
    let name = "fixtures/contact-centre.lync.kdl";
    let before = sarif_of(&[report(name, &text, &packs)]);
    let edited = format!("// a new comment\n\n{text}");
    let after = sarif_of(&[report(name, &edited, &packs)]);
    assert_eq!(fingerprints(&before), fingerprints(&after));
    let first = |doc: &Value| sarif_range(&results(doc)[0]["locations"][0]).0;
    assert_eq!(first(&after), first(&before) + 2, "the lines did move");

    let mut fps: Vec<String> = fingerprints(&before).into_iter().map(|(_, fp)| fp).collect();
    assert!(fps.len() > 2);
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), fingerprints(&before).len(), "two findings never share a fingerprint");
    let other = sarif_of(&[report("other.lync.kdl", &text, &packs)]);
    assert_ne!(fingerprints(&other), fingerprints(&before), "the path is part of it");
}
