//! The direct drawing of diagnostics (`render/human/fast.rs`) against miette's: byte for
//! byte the same wherever it applies, and it applies to nearly every diagnostic of a run.

use std::sync::Arc;

use lync_lint::render::human::render_diagnostic_both;
use lync_lint_core::diag::{Diagnostic, Label, Severity, SourceFile};
use lync_lint_core::doc::Span;
use lync_lint_core::engine::check;
use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::common::builtin;
use crate::corpus;

/// Compares both drawings of every diagnostic; returns (drawn directly, all).
fn compare(file: &Arc<SourceFile>, diagnostics: &[Diagnostic]) -> (usize, usize) {
    let mut direct = 0;
    for d in diagnostics {
        for width in [None, Some(40), Some(100)] {
            let (fast, miette) = render_diagnostic_both(file, d, width);
            if let Some(fast) = fast {
                assert_eq!(fast, miette, "{} in {} (width {width:?})", d.code, file.name);
                direct += usize::from(width.is_none());
            }
        }
    }
    (direct, diagnostics.len())
}

#[test]
fn the_direct_drawing_is_miettes_on_the_fixtures_and_the_bench_corpus() {
    let packs = builtin();
    let mut texts: Vec<(String, String)> = Vec::new();
    for entry in walkdir::WalkDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")) {
        let entry = entry.expect("readable");
        if entry.path().to_string_lossy().ends_with(".kdl") {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            texts.push((entry.path().display().to_string(), text));
        }
    }
    let fixtures = texts.len();
    texts.extend((1..=300).map(|i| {
        let env = corpus::environment(i);
        (env.name, env.text)
    }));
    let (mut direct, mut all) = (0, 0);
    for (i, (name, text)) in texts.into_iter().enumerate() {
        let report = check(SourceFile::new(name, text), &packs, &lync_lint::settings::check_options());
        let (d, a) = compare(&report.file, &report.diagnostics);
        if i >= fixtures {
            direct += d;
            all += a;
        }
    }
    assert!(all > 300, "{all} diagnostics in the corpus");
    // The corpus is what `check` meets most: it must take the direct path.
    assert!(direct * 100 >= all * 95, "only {direct} of {all} corpus diagnostics drawn directly");
}

/// Lines of printable ASCII (some empty), with or without a final newline.
fn ascii_text() -> impl Strategy<Value = String> {
    (prop::collection::vec("[ -~]{0,30}", 1..12), any::<bool>()).prop_map(|(lines, newline)| {
        let mut text = lines.join("\n");
        if newline {
            text.push('\n');
        }
        text
    })
}

/// A diagnostic with one to four labels anywhere in `len` bytes, some empty, some bare.
fn diagnostic(len: usize) -> impl Strategy<Value = Diagnostic> {
    let label = (0..=len, 0..8usize, prop::option::of("[a-z ]{1,12}")).prop_map(move |(start, n, text)| {
        let span = Span::new(start, (start + n).min(len));
        Label { span, text }
    });
    (prop::collection::vec(label, 1..5), 0..3u8, prop::option::of("[a-z ]{1,60}")).prop_map(|(labels, sev, help)| {
        let mut d = Diagnostic::error("test::code", "something is wrong here").with_help_opt(help);
        d.severity = [Severity::Error, Severity::Warning, Severity::Advice][usize::from(sev)];
        d.labels = labels;
        d
    })
}

proptest! {
    #![proptest_config(Config { cases: 512, failure_persistence: None, ..Config::default() })]

    #[test]
    fn the_direct_drawing_is_miettes_on_any_labels(
        (text, d) in ascii_text().prop_flat_map(|t| { let len = t.len(); (Just(t), diagnostic(len)) })
    ) {
        let file = SourceFile::new("gen.lync.kdl", text);
        for width in [None, Some(30)] {
            let (fast, miette) = render_diagnostic_both(&file, &d, width);
            if let Some(fast) = fast {
                prop_assert_eq!(fast, miette);
            }
        }
    }
}

/// (line, column, length, label text) of each label.
type Case<'a> = Vec<(usize, usize, usize, Option<&'a str>)>;

/// Edge cases the direct drawing must cover, and draw as miette does: the first and the last
/// line (with and without a final newline), several labels on one line, labels on adjacent
/// lines and a few lines apart (miette's rule for merging snippets), empty and bare labels.
#[test]
fn edge_cases_are_drawn_directly_and_identically() {
    let lines: Vec<String> = (1..=14).map(|i| format!("line{i} key=\"value {i}\"")).collect();
    let at = |text: &str, line: usize, col: usize, len: usize| {
        let start: usize = text.split_inclusive('\n').take(line - 1).map(str::len).sum::<usize>() + col;
        Span::new(start, start + len)
    };
    for text in [lines.join("\n"), lines.join("\n") + "\n", lines[..1].join("\n")] {
        let n = text.lines().count();
        let cases: Vec<Case> = vec![
            vec![(1, 0, 5, Some("first line"))],
            vec![(n, 0, 5, Some("last line"))],
            vec![(n, 6, 0, Some("empty"))],
            vec![(1, 0, 5, Some("a")), (1, 6, 3, Some("b")), (1, 10, 2, None)],
            vec![(n.min(3), 0, 5, Some("a")), (n.min(4), 0, 5, Some("b"))],
            vec![(n.min(2), 0, 5, Some("a")), (n.min(6), 0, 5, Some("b")), (n.min(13), 0, 5, Some("c"))],
            vec![(n.min(9), 6, 3, None), (n.min(5), 0, 5, Some("primary later in the file"))],
        ];
        let file = SourceFile::new("edge.lync.kdl", text.clone());
        for case in cases {
            let mut d = Diagnostic::warning("test::edge", "an edge case");
            let mut seen = std::collections::HashSet::new();
            for (line, col, len, label) in case {
                let span = at(&text, line, col, len);
                if seen.insert(span.start) {
                    d.labels.push(Label { span, text: label.map(str::to_owned) });
                }
            }
            let (fast, miette) = render_diagnostic_both(&file, &d, Some(100));
            let fast = fast.unwrap_or_else(|| panic!("not drawn directly: {:?}\n{miette}", d.labels));
            assert_eq!(fast, miette, "{:?}", d.labels);
        }
    }
}
