//! Property tests (issue 9): on generated text, spans stay inside the text and on character
//! boundaries, rendering in every format never panics, and every machine format puts each
//! diagnostic at the line and column the README documents (1-based, columns in Unicode scalar
//! values, lines ending at `\r\n`, `\n` or a lone `\r`, a line ending never a column).
//!
//! Failures are not persisted to files (`failure_persistence: None`): proptest prints the
//! minimal failing input, which belongs in a regular test once understood.

use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};

use lync_lint::render::format::{Format, render};
use lync_lint::render::human::{Style, render_diagnostic, render_file};
use lync_lint::render::{github, json, sarif};
use lync_lint_core::diag::SourceFile;
use lync_lint_core::doc::Span;
use lync_lint_core::engine::{CheckOptions, FileReport, check};
use lync_lint_core::pack::PackSet;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::ValueTree;
use proptest::test_runner::Config;
use serde_json::Value;

use crate::common::builtin;
use crate::fuzz_replay::harness::{bad_span, document_problems, label_problems};

/// The built-in pack, loaded once for the whole module.
fn packs() -> &'static PackSet {
    static PACKS: OnceLock<PackSet> = OnceLock::new();
    PACKS.get_or_init(builtin)
}

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

const FORMATS: [Format; 8] = [
    Format::Human,
    Format::Concise,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
    Format::Markdown,
];

// ------------------------------------------------------------------ generators

/// Pieces of KDL and of things that break it: names, strings (raw, multi-line, unterminated),
/// keywords, slashdash, comments, every line ending, whitespace KDL knows and characters it
/// forbids, multi-byte text.
const TOKENS: &[&str] = &[
    "voice",
    "site",
    "call-park",
    "pbx-replacement",
    "target",
    "deployment",
    "node",
    "a",
    "-",
    "_",
    "0",
    "1",
    "-1.5e3",
    "0x1F",
    "0b101",
    "1_000",
    "\"",
    "\"Zürich\"",
    "\"a\\\"b\"",
    "\"\\u{1F680}\"",
    "\"\\",
    "\"\"\"",
    "#\"",
    "\"#",
    "#\"raw \"quoted\" text\"#",
    "\"\"\"\n  multi\n  \"\"\"",
    "{",
    "}",
    "(",
    ")",
    "(ty)",
    "[",
    "]",
    "#true",
    "#false",
    "#null",
    "#inf",
    "#-inf",
    "#nan",
    "#",
    "true",
    "null",
    "/-",
    "//",
    "// Zürich 🚀\n",
    "/*",
    "*/",
    "/* 🚀 */",
    "=",
    "==",
    ";",
    "\\",
    "\\\n",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\u{85}",
    "\u{2028}",
    "\u{FEFF}",
    "\u{202E}",
    "\u{7F}",
    "\u{0}",
    "\u{B}",
    "Zürich",
    "東京",
    "🚀",
    "e\u{301}",
    "users=",
    "country=\"CH\"",
    "datacenter=#true",
];

/// Text made of [`TOKENS`], of arbitrary characters, or of arbitrary strings.
pub(crate) fn kdlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        6 => pick(TOKENS).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
        1 => "\\PC{0,6}",
    ];
    prop_oneof![
        4 => prop::collection::vec(token, 0..60).prop_map(|t| t.concat()),
        1 => any::<String>(),
    ]
}

/// One of `items`.
fn pick(items: &'static [&'static str]) -> impl Strategy<Value = &'static str> + Clone {
    select(items)
}

const BOOLS: &[&str] = &["#true", "#false"];
/// Names with multi-byte characters (2, 3 and 4 bytes in UTF-8; the emoji is 2 UTF-16 units),
/// a combining accent, a tab and an escape.
const NAMES: &[&str] = &["HQ", "Zürich", "東京 office", "🚀 launch", "e\u{301}cole", "a\tb", "x\\u{E9}y", "Seattle"];
const COUNTRIES: &[&str] = &["US", "JP", "DE", "CH", "FR", "XX", "us"];

fn str_lit() -> impl Strategy<Value = String> {
    pick(NAMES).prop_map(|n| format!("\"{n}\""))
}

/// One child line of a block: (parent, strategy for its children).
fn children_of(parent: &'static str) -> BoxedStrategy<String> {
    let b = || pick(BOOLS);
    match parent {
        "voice" => prop_oneof![
            (
                pick(&[
                    "pstn-calling",
                    "pbx-replacement",
                    "response-groups",
                    "call-park",
                    "group-call-pickup",
                    "delegation",
                    "unassigned-numbers",
                    "media-bypass",
                    "branch-survivability",
                    "location-based-routing",
                    "voicemail",
                    "attendant-console",
                    "common-area-phones",
                    "analog-devices",
                    "private-line",
                ]),
                b()
            )
                .prop_map(|(n, v)| format!("{n} {v}")),
            (str_lit(), pick(&["direct-sip", "gateway", "remote-call-control", "fax"]))
                .prop_map(|(n, m)| format!("pbx-integration {n} method=\"{m}\"")),
            str_lit().prop_map(|n| format!("sip-trunk {n}")),
            pick(&["default", "custom"]).prop_map(|v| format!("dial-plans \"{v}\"")),
            (pick(&["e911", "basic"]), pick(COUNTRIES))
                .prop_map(|(k, c)| format!("emergency-calling \"{k}\" country=\"{c}\"")),
        ]
        .boxed(),
        "media-quality" => {
            (pick(&["call-admission-control", "qos"]), b()).prop_map(|(n, v)| format!("{n} {v}")).boxed()
        }
        "chat" => (pick(&["persistent", "compliance"]), b()).prop_map(|(n, v)| format!("{n} {v}")).boxed(),
        "applications" => prop_oneof![
            (str_lit(), pick(&["ucma", "mspl", "other"])).prop_map(|(n, a)| format!("server-app {n} api=\"{a}\"")),
            str_lit().prop_map(|n| format!("client-app {n}")),
        ]
        .boxed(),
        "management" => prop_oneof![
            (pick(&["regional-servers", "client-version-control"]), b()).prop_map(|(n, v)| format!("{n} {v}")),
            pick(&["basic", "full"]).prop_map(|v| format!("policies \"{v}\"")),
            pick(&["usage", "call-quality"]).prop_map(|v| format!("reports \"{v}\"")),
            pick(&["provider", "customer"]).prop_map(|v| format!("upgrade-timing \"{v}\"")),
        ]
        .boxed(),
        "collaboration" => prop_oneof![
            (
                pick(&[
                    "im-presence",
                    "peer-audio-video",
                    "mobile-clients",
                    "outlook-integration",
                    "sharepoint-presence",
                    "skill-search"
                ]),
                b()
            )
                .prop_map(|(n, v)| format!("{n} {v}")),
            (0..1500u32).prop_map(|n| format!("meetings max-participants={n}")),
            pick(&["acp", "own-bridge"]).prop_map(|v| format!("dial-in-conferencing \"{v}\"")),
            (0..400u32).prop_map(|n| format!("contact-list-max {n}")),
        ]
        .boxed(),
        "federation" => prop_oneof![
            (pick(&["lync-partners", "skype-consumer"]), b()).prop_map(|(n, v)| format!("{n} {v}")),
            pick(&["jabber.example", "partner.例え.jp"]).prop_map(|d| format!("xmpp \"{d}\"")),
        ]
        .boxed(),
        "compliance" => prop_oneof![
            pick(&["archiving \"im\"", "archiving \"im\" \"meetings\"", "archiving-critical-mode #true"])
                .prop_map(str::to_owned),
            pick(&["exchange-online", "exchange-onprem", "sql"]).prop_map(|v| format!("archive-store \"{v}\"")),
            pick(COUNTRIES).prop_map(|c| format!("data-residency country=\"{c}\"")),
        ]
        .boxed(),
        "clients" => prop_oneof![
            pick(&[
                "legacy-clients \"communicator-2007\"",
                "legacy-clients \"communicator-2007\" \"communicator-2007-r2\""
            ])
            .prop_map(str::to_owned),
            b().prop_map(|v| format!("vdi {v}")),
        ]
        .boxed(),
        _ => pick(&["online", "on-premises", "hybrid"]).prop_map(|t| format!("target \"{t}\"")).boxed(),
    }
}

/// Nodes that may be given more than once in one parent.
const REPEAT: &[&str] = &["site", "waiver", "pbx-integration", "sip-trunk", "server-app", "client-app", "xmpp"];

/// `items` without the second and later of same-named nodes that may not repeat (mostly
/// valid files get findings; duplicates would stop them at the schema).
fn unique<T: AsRef<str>>(items: Vec<T>) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|i| {
            let name = i.as_ref().split(' ').next().unwrap_or_default().to_owned();
            REPEAT.contains(&name.as_str()) || seen.insert(name)
        })
        .collect()
}

/// A top-level item as lines (a block is its opening line, its children, `}`).
fn item() -> impl Strategy<Value = Vec<String>> {
    let block = |name: &'static str| {
        prop::collection::vec(children_of(name), 0..5).prop_map(move |children| {
            let mut lines = vec![format!("{name} {{")];
            lines.extend(unique(children).into_iter().map(|c| format!("\u{1}{c}")));
            lines.push("}".to_owned());
            lines
        })
    };
    prop_oneof![
        (str_lit(), 0..20_000u32).prop_map(|(n, u)| vec![format!("organization {n} users={u}")]),
        (str_lit(), pick(COUNTRIES), pick(BOOLS), 0..5000u32)
            .prop_map(|(n, c, d, u)| vec![format!("site {n} country=\"{c}\" datacenter={d} users={u}")]),
        pick(&["federation/xmpp", "control/upgrade-timing", "nope/none"])
            .prop_map(|r| vec![format!("waiver \"{r}\" reason=\"Zürich 🚀 says so\" expires=\"2999-12-31\"")]),
        block("voice"),
        block("media-quality"),
        block("chat"),
        block("applications"),
        block("management"),
        block("collaboration"),
        block("federation"),
        block("compliance"),
        block("clients"),
        block("deployment"),
    ]
}

/// An item's lines, named by its first line.
struct Lines(Vec<String>);

impl AsRef<str> for Lines {
    fn as_ref(&self) -> &str {
        self.0.first().map_or("", String::as_str)
    }
}

/// How each line is laid out: its ending, its indentation, a comment after it, a slashdash,
/// and whether a block is written on one line (`voice { /* 🚀 */ call-park #true; }`).
#[derive(Debug, Clone)]
struct Layout {
    eol: &'static str,
    indent: &'static str,
    comment: Option<&'static str>,
    slashdash: bool,
    one_line: bool,
}

const COMMENTS: &[&str] = &["// Zürich 🚀", "/* 東京\t*/", "// \u{e9}t\u{e9}", "/*\t*/"];

fn layout() -> impl Strategy<Value = Layout> {
    (
        pick(&["\n", "\r\n", "\r", "\n", "\r\n"]),
        pick(&["    ", "\t", " \t", "\t\t"]),
        prop::option::weighted(0.3, pick(COMMENTS)),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(eol, indent, comment, slashdash, one_line)| Layout {
            eol,
            indent,
            comment,
            slashdash,
            one_line,
        })
}

/// An environment file built from the vocabulary: mostly valid, with findings, multi-byte
/// characters, tabs and mixed line endings.
pub(crate) fn environment() -> impl Strategy<Value = String> {
    (prop::collection::vec(item(), 0..8), prop::collection::vec(layout(), 1..16)).prop_map(|(items, layouts)| {
        let items: Vec<Vec<String>> = unique(items.into_iter().map(Lines).collect()).into_iter().map(|l| l.0).collect();
        let mut out = String::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            &layouts[n % layouts.len()]
        };
        for lines in &items {
            let l = next();
            if l.slashdash && lines.len() > 1 {
                out.push_str("/-");
            }
            if l.one_line && lines.len() > 1 {
                // `name {`, then `/* comment */ child;` for each child, then `}`.
                out.push_str(&lines[0]);
                for child in &lines[1..lines.len() - 1] {
                    let _ = write!(out, " /* 🚀 Zürich{} */ {};", l.indent, &child[1..]);
                }
                out.push_str(" }");
                out.push_str(l.eol);
                continue;
            }
            for line in lines {
                let l = next();
                if let Some(child) = line.strip_prefix('\u{1}') {
                    out.push_str(l.indent);
                    out.push_str(child);
                } else {
                    out.push_str(line);
                }
                if let Some(c) = l.comment {
                    out.push_str(l.indent);
                    out.push_str(c);
                }
                out.push_str(l.eol);
            }
        }
        out
    })
}

/// One edit: insert a token, or delete up to 8 characters, at a position in the text.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, String),
    Delete(Index, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), pick(TOKENS).prop_map(str::to_owned)).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<Index>(), "\\PC{1,3}").prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<Index>(), 1..8usize).prop_map(|(i, n)| Edit::Delete(i, n)),
    ]
}

/// `text` with `edits` applied, each at a character boundary.
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match e {
            Edit::Insert(at, t) => {
                let at = at.index(chars.len() + 1);
                chars.splice(at..at, t.chars());
            }
            Edit::Delete(at, n) if !chars.is_empty() => {
                let at = at.index(chars.len());
                let end = (at + n).min(chars.len());
                chars.drain(at..end);
            }
            Edit::Delete(..) => {}
        }
    }
    chars.into_iter().collect()
}

/// A generated environment, left as it is or mutated (about half the time).
pub(crate) fn mutated_environment() -> impl Strategy<Value = String> {
    (environment(), prop::collection::vec(edit(), 0..4), any::<bool>())
        .prop_map(|(text, edits, keep)| if keep { text } else { mutate(&text, &edits) })
}

// ------------------------------------------------------------------ a. spans

fn check_file(text: &str) -> FileReport {
    check(SourceFile::new("env.lync.kdl", text), packs(), &lync_lint::settings::check_options())
}

/// Parses `text` and checks it; every span of the result must be a span of `text`.
fn span_problems(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    match lync_lint::syntax::parse(text) {
        Ok(doc) => out.extend(document_problems(text, &doc)),
        Err(errors) => {
            if errors.is_empty() {
                out.push("rejected without an error".to_owned());
            }
            out.extend(errors.iter().filter_map(|e| bad_span(text, e.span, &format!("error {:?}", e.message))));
        }
    }
    out.extend(label_problems(text, &check_file(text).diagnostics));
    out
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn spans_of_arbitrary_text_are_inside_it_on_char_boundaries(text in kdlish()) {
        let problems = span_problems(&text);
        prop_assert!(problems.is_empty(), "{text:?}:\n{}", problems.join("\n"));
    }

    #[test]
    fn spans_of_generated_environments_are_inside_them(text in mutated_environment()) {
        let problems = span_problems(&text);
        prop_assert!(problems.is_empty(), "{text:?}:\n{}", problems.join("\n"));
    }
}

// ------------------------------------------------------------------ b. rendering

fn target() -> impl Strategy<Value = Option<String>> {
    select(vec![None, Some("online".to_owned()), Some("on-premises".to_owned()), Some("hybrid".to_owned())])
}

fn style() -> impl Strategy<Value = Style> {
    (any::<bool>(), prop::bool::weighted(0.25), select(vec![None, Some(1), Some(20), Some(100)]))
        .prop_map(|(color, narrate, width)| Style { color, narrate, width })
}

/// Asserts `xml` is well-formed.
fn assert_xml(xml: &str) -> Result<(), TestCaseError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return Ok(()),
            Ok(_) => {}
            Err(e) => {
                return Err(TestCaseError::fail(format!(
                    "JUnit is not XML at {}: {e}\n{xml}",
                    reader.error_position()
                )));
            }
        }
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Rendering never panics (through the library, so a panic fails the test), whatever
    /// the file, target, colour, narration and width; JSON and SARIF are JSON, JUnit is XML.
    #[test]
    fn every_format_renders_any_file(
        texts in prop::collection::vec(mutated_environment(), 1..4),
        target in target(),
        style in style(),
        quiet in any::<bool>(),
    ) {
        let opts = CheckOptions { target, ..lync_lint::settings::check_options() };
        let reports: Vec<FileReport> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| check(SourceFile::new(format!("dir/env {i}.lync.kdl"), t.as_str()), packs(), &opts))
            .collect();
        for r in &reports {
            let human = render_file(r, style);
            let shown = r.diagnostics.iter().filter(|d| d.waived.is_none()).count();
            prop_assert_eq!(shown == 0, human.is_empty(), "{}", human);
        }
        for format in FORMATS {
            let out = render(format, &reports, packs(), None, quiet, style);
            match format {
                Format::Json | Format::Sarif | Format::Gitlab => {
                    let doc: Result<Value, _> = serde_json::from_str(&out);
                    prop_assert!(doc.is_ok(), "{} output is not JSON: {:?}\n{}", format.as_str(), doc.err(), out);
                }
                Format::Junit => assert_xml(&out)?,
                Format::Human | Format::Concise | Format::Github | Format::Markdown => {
                    prop_assert!(!out.is_empty() || quiet, "no {} output", format.as_str());
                }
            }
        }
    }

    /// Arbitrary text, not only environment-like files, renders in every format.
    #[test]
    fn every_format_renders_arbitrary_text(text in kdlish(), style in style()) {
        let reports = [check_file(&text)];
        let shown = reports[0].diagnostics.iter().filter(|d| d.waived.is_none()).count();
        prop_assert!(render_file(&reports[0], style).len() >= shown);
        for format in FORMATS {
            let out = render(format, &reports, packs(), None, false, style);
            if matches!(format, Format::Json | Format::Sarif) {
                prop_assert!(serde_json::from_str::<Value>(&out).is_ok(), "{} output is not JSON:\n{}", format.as_str(), out);
            }
        }
    }
}

// ------------------------------------------------------------------ c. positions agree

/// The documented position of byte `offset` in `text`: 1-based line and column, columns in
/// Unicode scalar values, lines ending at `\r\n`, `\n` or a lone `\r`, a line ending never a
/// column. Written independently of the crate's line index.
fn documented_position(text: &str, offset: usize) -> (u64, u64) {
    let (mut line, mut column) = (1, 1);
    let mut chars = text[..offset].chars().peekable();
    while let Some(c) = chars.next() {
        let crlf = c == '\r' && chars.peek().map_or(text[offset..].starts_with('\n'), |n| *n == '\n');
        match c {
            '\n' => (line, column) = (line + 1, 1),
            '\r' if !crlf => (line, column) = (line + 1, 1),
            '\r' => {}
            _ => column += 1,
        }
    }
    (line, column)
}

type Range = (u64, u64, u64, u64);

fn documented_range(text: &str, span: Span) -> Range {
    let (l1, c1) = documented_position(text, span.start);
    let (l2, c2) = documented_position(text, span.end);
    (l1, c1, l2, c2)
}

fn num(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or_else(|| panic!("`{key}` in {v}"))
}

/// `(line, column, end_line, end_column)` of each diagnostic of the JSON output, with its
/// code and whether it is waived.
fn json_ranges(doc: &Value) -> Vec<(String, bool, Range)> {
    let diags = doc["files"][0]["diagnostics"].as_array().expect("diagnostics");
    diags
        .iter()
        .map(|d| {
            let range = (num(d, "line"), num(d, "column"), num(d, "end_line"), num(d, "end_column"));
            (d["code"].as_str().expect("code").to_owned(), !d["waived"].is_null(), range)
        })
        .collect()
}

fn sarif_ranges(doc: &Value) -> Vec<(String, Range)> {
    let results = doc["runs"][0]["results"].as_array().expect("results");
    results
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            let range = (
                num(region, "startLine"),
                num(region, "startColumn"),
                num(region, "endLine"),
                num(region, "endColumn"),
            );
            (r["ruleId"].as_str().expect("ruleId").to_owned(), range)
        })
        .collect()
}

/// The `title` (unescaped) and position properties of each workflow command.
fn github_ranges(out: &str) -> Vec<(String, Range)> {
    out.lines()
        .filter(|l| l.starts_with("::"))
        .map(|l| {
            let (_, rest) = l.split_once(' ').expect("command and properties");
            let (props, _) = rest.split_once("::").expect("properties then message");
            let prop = |k: &str| {
                props
                    .split(',')
                    .find_map(|p| p.strip_prefix(k).and_then(|p| p.strip_prefix('=')))
                    .unwrap_or_else(|| panic!("no `{k}` in {l}"))
            };
            let n = |k: &str| prop(k).parse::<u64>().unwrap_or_else(|e| panic!("`{k}` in {l}: {e}"));
            let title = prop("title").replace("%3A", ":").replace("%2C", ",").replace("%25", "%");
            (title, (n("line"), n("col"), n("endLine"), n("endColumn")))
        })
        .collect()
}

proptest! {
    #![proptest_config(config(128))]

    /// JSON, SARIF, GitHub annotations and the human output put every diagnostic at the same
    /// line and column, and that is the documented position of its primary label.
    #[test]
    fn positions_agree_across_formats_and_with_the_readme(text in mutated_environment()) {
        let file = SourceFile::new("env.lync.kdl", text.as_str());
        let report = check(Arc::clone(&file), packs(), &lync_lint::settings::check_options());
        let reports = [report];
        let expected: Vec<(String, bool, Range)> = reports[0]
            .diagnostics
            .iter()
            .map(|d| {
                let range = if d.labels.is_empty() { (1, 1, 1, 1) } else { documented_range(&text, d.primary_span()) };
                (d.code.clone(), d.waived.is_some(), range)
            })
            .collect();
        let packs = packs();
        let json = json_ranges(&serde_json::from_str(&json::render(&reports, packs)).expect("JSON"));
        prop_assert_eq!(&json, &expected, "JSON positions of {:?}", text);
        let sarif = sarif_ranges(&serde_json::from_str(&sarif::render(&reports, packs)).expect("SARIF"));
        let all: Vec<(String, Range)> = expected.iter().map(|(c, _, r)| (c.clone(), *r)).collect();
        prop_assert_eq!(&sarif, &all, "SARIF positions of {:?}", text);
        let unwaived: Vec<(String, Range)> =
            expected.iter().filter(|(_, waived, _)| !waived).map(|(c, _, r)| (c.clone(), *r)).collect();
        prop_assert_eq!(&github_ranges(&github::render(&reports, packs)), &unwaived, "GitHub positions of {:?}", text);
        let plain = Style { color: false, narrate: false, width: Some(100) };
        for (d, (code, _, (line, column, ..))) in reports[0].diagnostics.iter().zip(&expected) {
            if d.labels.is_empty() || d.waived.is_some() {
                continue;
            }
            let human = render_diagnostic(&file, d, plain);
            let at = format!("env.lync.kdl:{line}:{column}");
            prop_assert!(human.contains(&at), "`{}` is at {} in the other formats:\n{}\n{:?}", code, at, human, text);
        }
    }
}

/// The generators produce what the properties above rely on: findings after multi-byte
/// characters and tabs on their line, every line ending, syntax and schema errors. Without
/// this, a generator gone wrong would make the properties pass vacuously.
#[test]
fn generated_environments_cover_the_interesting_cases() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = mutated_environment();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..256 {
        let text = strategy.new_tree(&mut runner).expect("a value").current();
        let report = check_file(&text);
        for d in &report.diagnostics {
            let start = d.primary_span().start;
            let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let before = &text[line_start..start];
            let kind = if d.is_finding { "finding" } else { d.code.split("::").next().unwrap_or("?") };
            seen.insert(kind.to_owned());
            if before.contains('\t') {
                seen.insert(format!("{kind} after a tab"));
            }
            if before.chars().any(|c| c.len_utf8() > 2) && before.chars().any(|c| c.len_utf16() == 2) {
                seen.insert(format!("{kind} after 3- and 4-byte characters"));
            }
            if text[..start].contains("\r\n") && text[..start].contains('\r') {
                seen.insert(format!("{kind} after CRLF"));
            }
            if text[..start].replace("\r\n", "").contains('\r') {
                seen.insert(format!("{kind} after a lone CR"));
            }
        }
    }
    let wanted = [
        "finding",
        "finding after a tab",
        "finding after 3- and 4-byte characters",
        "finding after CRLF",
        "finding after a lone CR",
        "kdl",
        "kdl after 3- and 4-byte characters",
        "schema",
        "schema after a tab",
        "waiver",
        "deployment",
    ];
    let missing: Vec<&str> = wanted.iter().copied().filter(|w| !seen.contains(*w)).collect();
    assert!(missing.is_empty(), "never generated: {missing:?}; seen: {seen:?}");
}
