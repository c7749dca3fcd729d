//! Machine outputs (JSON, SARIF, GitHub, `JUnit`, Markdown), rendered through the library on
//! the fixtures: schema validation, positions, cross-references, fingerprints, escaping.

use std::path::Path;

use lync_lint::render::{github, json, junit, markdown, sarif};
use lync_lint_core::diag::{Severity, SourceFile};
use lync_lint_core::engine::{FileReport, check};
use lync_lint_core::pack::PackSet;
use serde_json::Value;

use crate::common::{FIXTURES, builtin};
use junit_checks::{attr, xml_elements};

mod junit_checks;
mod sarif_checks;

/// `pbx-replacement` is on line 3 after `Zürich` and an emoji: column 24 in scalar values
/// (25 in UTF-16 code units, 28 in bytes).
const UNICODE: &str = "organization \"Zürich AG\" users=10\r\n\
                       site \"Zürich 🚀\" country=\"CH\" users=10\r\n\
                       voice { /* Zürich 🚀 */ pbx-replacement #true; }\r\n";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> FileReport {
    let path = format!("fixtures/{name}.lync.kdl");
    let text = std::fs::read_to_string(root().join(&path)).expect("fixture readable");
    check(SourceFile::new(path, text), &builtin(), &lync_lint::settings::check_options())
}

fn report(name: &str, text: &str, packs: &PackSet) -> FileReport {
    check(SourceFile::new(name, text), packs, &lync_lint::settings::check_options())
}

fn all_fixtures() -> Vec<FileReport> {
    FIXTURES.iter().map(|f| fixture(f)).collect()
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).expect("the output is JSON")
}

fn schema(path: &Path) -> Value {
    parse(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn assert_valid(schema: &Value, doc: &Value) {
    let validator =
        jsonschema::options().should_validate_formats(true).build(schema).expect("the schema is a valid schema");
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "schema violations:\n{}", errors.join("\n"));
}

fn json_of(reports: &[FileReport]) -> Value {
    parse(&json::render(reports, &builtin()))
}

fn sarif_of(reports: &[FileReport]) -> Value {
    parse(&sarif::render(reports, &builtin()))
}

/// `(line, column, end_line, end_column)` of a JSON diagnostic or label.
fn json_range(v: &Value) -> (u64, u64, u64, u64) {
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("`{k}` in {v}"));
    (n("line"), n("column"), n("end_line"), n("end_column"))
}

fn sarif_range(v: &Value) -> (u64, u64, u64, u64) {
    let r = &v["physicalLocation"]["region"];
    let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("`{k}` in {r}"));
    (n("startLine"), n("startColumn"), n("endLine"), n("endColumn"))
}

fn diagnostic<'a>(doc: &'a Value, file: usize, code: &str) -> &'a Value {
    let diags = doc["files"][file]["diagnostics"].as_array().expect("diagnostics");
    diags.iter().find(|d| d["code"] == code).unwrap_or_else(|| panic!("no `{code}` in {diags:?}"))
}

fn results(doc: &Value) -> &Vec<Value> {
    doc["runs"][0]["results"].as_array().expect("results")
}

fn result<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    results(doc).iter().find(|r| r["ruleId"] == rule).unwrap_or_else(|| panic!("no result for `{rule}`"))
}

// ---------------------------------------------------------------- JSON

#[test]
fn json_validates_against_the_projects_schema() {
    let schema = schema(&root().join("docs/lync-lint-output.schema.json"));
    let mut reports = all_fixtures();
    reports.push(report("unicode.lync.kdl", UNICODE, &builtin()));
    reports.push(report("broken.lync.kdl", "site \"x\" {\n", &builtin()));
    assert_valid(&schema, &json_of(&reports));
}

#[test]
fn json_columns_count_scalar_values() {
    let doc = json_of(&[report("unicode.lync.kdl", UNICODE, &builtin())]);
    let d = diagnostic(&doc, 0, "enterprise-voice/pbx-replacement");
    assert_eq!(json_range(d), (3, 24, 3, 45), "`pbx-replacement #true` after `Zürich 🚀`");
    assert_eq!(json_range(&d["labels"][0]), (3, 24, 3, 45));
    assert_eq!(d["labels"][0]["primary"], true);
    assert_eq!(d["severity"], "error");
    assert_eq!(d["rules_out"], "online");
    assert_eq!(d["waived"], Value::Null);
}

#[test]
fn json_secondary_labels_have_their_own_positions() {
    let doc = json_of(&[fixture("multinational")]);
    let d = diagnostic(&doc, 0, "multi-regional/regional-servers");
    let labels = d["labels"].as_array().expect("labels");
    let got: Vec<_> = labels.iter().map(|l| (json_range(l), l["primary"].as_bool(), l["message"].clone())).collect();
    assert_eq!(got.len(), 4);
    assert_eq!(got[0], ((7, 1, 7, 82), Some(true), Value::from("datacenter in `US`, region `north-america`")));
    assert_eq!(got[1].0.0, 8);
    assert_eq!(got[2].0.0, 9);
    assert_eq!(got[3], ((13, 5, 13, 27), Some(false), Value::from("servers are run per region here")));
    assert_eq!(json_range(d), (7, 1, 7, 82), "the diagnostic is at its primary label");
}

#[test]
fn json_summary_and_verdicts() {
    let reports = all_fixtures();
    let doc = json_of(&reports);
    let count = |s: Severity| {
        reports.iter().flat_map(|r| &r.diagnostics).filter(|d| d.waived.is_none() && d.severity == s).count() as u64
    };
    let summary = &doc["summary"];
    assert_eq!(summary["files"], crate::common::FIXTURES.len());
    assert_eq!(summary["errors"], count(Severity::Error));
    assert_eq!(summary["warnings"], count(Severity::Warning));
    assert_eq!(summary["advice"], count(Severity::Advice));
    assert!(summary["errors"].as_u64() > Some(0) && summary["advice"].as_u64() > Some(0));
    assert_eq!(summary["waived"], 0);
    assert_eq!(summary["verdicts"], serde_json::json!({"online-ruled-out": 9, "online-viable": 1, "none": 1}));
    let verdict = |i: usize| doc["files"][i]["verdict"].clone();
    assert_eq!(verdict(0), "online-viable");
    assert_eq!(verdict(1), "online-ruled-out");
    assert_eq!(verdict(crate::common::FIXTURES.iter().position(|f| *f == "typos").expect("typos")), Value::Null);
    assert_eq!(doc["files"][1]["path"], "fixtures/multinational.lync.kdl");
    assert!(doc["files"][1]["ruled_out_by"].as_array().is_some_and(|a| a.contains(&"control/upgrade-timing".into())));
    assert!(doc["files"][0]["workloads"].as_array().is_some_and(|a| !a.is_empty()));
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "lync-lint");
}

#[test]
fn json_diagnostic_without_labels_is_at_the_start() {
    let file = SourceFile::new("bin.lync.kdl", "x");
    let d = lync_lint_core::diag::Diagnostic::error("source::encoding", "bad");
    let doc = json_of(&[FileReport::unknown(file, vec![d])]);
    let d = diagnostic(&doc, 0, "source::encoding");
    assert_eq!(json_range(d), (1, 1, 1, 1));
    assert_eq!(d["labels"], serde_json::json!([]));
}

// ---------------------------------------------------------------- GitHub

#[test]
fn github_one_command_per_diagnostic() {
    let reports = all_fixtures();
    let out = github::render(&reports, &builtin());
    let commands: Vec<&str> = out.lines().filter(|l| l.starts_with("::")).collect();
    assert_eq!(commands.len(), reports.iter().flat_map(|r| &r.diagnostics).filter(|d| d.waived.is_none()).count());
    assert!(commands.iter().any(|c| c.starts_with("::notice file=fixtures/on-premises-declared.lync.kdl,")));
    assert!(commands.iter().any(|c| c.starts_with("::warning ")));
    assert!(commands.contains(
        &"::error file=fixtures/multinational.lync.kdl,line=14,col=5,endLine=14,endColumn=20,title=control/full-policy-control::`policies` is `full`: the full set of server and client policies needs Lync Server 2013 on premises%0Ahelp: On premises you get the full set of server and client policies; Lync Online exposes only a subset of them. Plan Lync Server 2013 on premises and declare `deployment { target \"on-premises\" }` (or `\"hybrid\"`), or use `policies \"basic\"` if the online subset is enough."
    ), "{out}");
    assert!(commands.iter().any(|c| c.contains("title=schema%3A%3Aunknown-node::")));
    assert!(out.contains(&format!("checked {} files", crate::common::FIXTURES.len())), "followed by the summary");
}

#[test]
fn github_escaping() {
    assert_eq!(github::escape_data("50% a\r\nb: c,d"), "50%25 a%0D%0Ab: c,d");
    assert_eq!(github::escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
}

/// Human, JSON, SARIF and GitHub outputs agree on where a finding after non-ASCII text is.
#[test]
fn positions_agree_across_formats() {
    let packs = builtin();
    let reports = [report("unicode.lync.kdl", UNICODE, &packs)];
    let code = "enterprise-voice/pbx-replacement";
    let json = json_of(&reports);
    let sarif = sarif_of(&reports);
    assert_eq!(json_range(diagnostic(&json, 0, code)), sarif_range(&result(&sarif, code)["locations"][0]));
    let gh = github::render(&reports, &packs);
    assert!(gh.contains(
        "file=unicode.lync.kdl,line=3,col=24,endLine=3,endColumn=45,title=enterprise-voice/pbx-replacement::"
    ));
    let d = reports[0].diagnostics.iter().find(|d| d.code == code).expect("finding");
    let style = lync_lint::render::human::Style { color: false, narrate: false, width: Some(100) };
    let human = lync_lint::render::human::render_diagnostic(&reports[0].file, d, style);
    assert!(human.contains("[unicode.lync.kdl:3:24]"), "{human}");
}

// ---------------------------------------------------------------- Markdown

#[test]
fn markdown_decision_tables() {
    let packs = builtin();
    let out = markdown::render(
        &[fixture("multinational"), fixture("small-business"), fixture("on-premises-declared")],
        &packs,
    );
    assert!(out.starts_with("## lync-lint\n"), "{out}");
    assert!(out.contains("### `fixtures/multinational.lync.kdl`: online-ruled-out\n"));
    assert!(out.contains("| need | rule | severity | line | verdict |\n| --- | --- | --- | --- | --- |\n"));
    assert!(
        out.contains(
            "| `policies \"full\"` | [`control/full-policy-control`](<https://technet.microsoft.com/en-us/library/JJ204979(v=OCS.15)>) | error | 14 | rules out Lync Online |\n"
        ),
        "{out}"
    );
    assert!(out.contains(
        "| `site \"Seattle HQ\" country=\"US\" region=\"north-america\" datac…` | [`multi-regional/regional-servers`]"
    ));
    assert!(out.contains("### `fixtures/small-business.lync.kdl`: online-viable\n\nno findings: Lync Online serves "));
    let advice = out.lines().filter(|l| l.contains("| advice | ")).collect::<Vec<_>>();
    assert!(!advice.is_empty() && advice.iter().all(|l| l.ends_with("| rules out Lync Online |")), "{out}");
}

// ---------------------------------------------------------------- Waivers

/// The multinational fixture with `control/upgrade-timing` waived on its last line (37).
fn waived() -> FileReport {
    let text = std::fs::read_to_string(root().join("fixtures/multinational.lync.kdl")).expect("fixture");
    let text = format!("{text}waiver \"control/upgrade-timing\" reason=\"contract: yearly window\" owner=\"ops\"\n");
    report("fixtures/multinational.lync.kdl", &text, &builtin())
}

#[test]
fn waived_findings_in_every_format() {
    let packs = builtin();
    let reports = [waived()];
    let line = u64::try_from(reports[0].file.text.lines().count()).expect("small");
    let doc = json_of(&reports);
    assert_valid(&schema(&root().join("docs/lync-lint-output.schema.json")), &doc);
    let w = &diagnostic(&doc, 0, "control/upgrade-timing")["waived"];
    assert_eq!(
        (w["reason"].as_str(), w["owner"].as_str(), w["expires"].clone()),
        (Some("contract: yearly window"), Some("ops"), Value::Null)
    );
    assert_eq!(json_range(w).0, line);
    assert_eq!((doc["summary"]["waived"].as_u64(), doc["summary"]["errors"].as_u64()), (Some(1), Some(3)));

    let sarif = sarif_of(&reports);
    assert_valid(&schema(&root().join("tests/data/sarif/sarif-schema-2.1.0.json")), &sarif);
    let s = &result(&sarif, "control/upgrade-timing")["suppressions"];
    assert_eq!(
        (s[0]["kind"].as_str(), s[0]["justification"].as_str()),
        (Some("inSource"), Some("contract: yearly window"))
    );
    assert_eq!(sarif_range(&s[0]["location"]).0, line);
    assert!(result(&sarif, "control/call-quality-reports").get("suppressions").is_none());

    let gh = github::render(&reports, &packs);
    assert!(!gh.contains("title=control/upgrade-timing"), "{gh}");
    assert_eq!(gh.lines().filter(|l| l.starts_with("::error ")).count(), 3);

    let xml = junit::render(&reports, &packs);
    let els = xml_elements(&xml);
    let skipped = els.iter().find(|e| e.0 == "skipped").expect("skipped");
    assert_eq!(attr(skipped, "message"), "waived: contract: yearly window");
    let suite = els.iter().find(|e| e.0 == "testsuite").expect("suite");
    assert_eq!((attr(suite, "failures"), attr(suite, "skipped")), ("3", "1"));
    assert_eq!(els.iter().filter(|e| e.0 == "failure").count(), 3);

    let md = markdown::render(&reports, &packs);
    assert!(md.lines().any(|l| l.contains("[`control/upgrade-timing`]") && l.ends_with("| 17 | waived |")), "{md}");
    assert!(md.contains("3 errors, 0 warnings, 0 advice, 1 waived"));
}

/// A message may hold any character a KDL string can (a user pack's `{value}`), NUL included:
/// the streamed text formats still keep each file's lines apart from its summary line.
#[test]
fn a_nul_in_a_message_does_not_split_the_streamed_text_formats() {
    use lync_lint::render::format::{Format, writer};
    let packs = builtin();
    let mut r = fixture("online-but-needs-voice");
    r.diagnostics[0].message = "before\0after".to_owned();
    let style = lync_lint::render::human::Style { color: false, narrate: false, width: Some(100) };
    for format in [Format::Concise, Format::Human, Format::Github] {
        let mut w = writer(format, &packs, false, style);
        let text = lync_lint::render::stream::render_all(&mut *w, std::slice::from_ref(&r), None);
        let (lines, summary) = text.split_once("checked 1 file").unwrap_or_else(|| panic!("{format:?}: {text}"));
        // Shown as each format shows control characters, but whole, and before the summary.
        assert!(lines.contains("before") && lines.contains("after"), "{format:?}: {text}");
        assert!(!summary.contains("after"), "{format:?}: nothing of it after the summary's first line: {text}");
        assert!(summary.contains("online-but-needs-voice.lync.kdl: online-ruled-out"), "{format:?}: {text}");
    }
}
