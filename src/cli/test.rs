//! `lync-lint test [PACK-DIRS]...`: runs policy packs' tests (SPEC §9) and reports failures,
//! coverage and a closing `N passed, M failed` line.
//!
//! Without PACK-DIRS the packs under test are every loaded pack (the built-in one, the
//! configuration's and `--policies`'). With PACK-DIRS only those packs' tests run and only
//! their rules count for coverage; they are loaded with the built-in pack (unless
//! `--no-builtin`) and the `--policies` packs, whose vocabularies and rules they may use, but
//! without the configuration's packs; a broken pack under test gets its test files' mistakes
//! reported in the same run. Running and coverage live in `packtest`; this module
//! only selects packs and draws the results.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{ExitStatus, OutputArgs, PackArgs, load_packs, print_file_diagnostics};
use crate::packtest_report::{self as report, produced_lines};
use crate::render::human::{Style, render_diagnostic};
use lync_lint_core::engine::CheckOptions;
use lync_lint_core::pack::{PackSet, PackSource};
use lync_lint_core::packtest::{Outcome, RunOptions, TestResult, decode_selected, run_selected};

/// How `test` prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    Human,
    Json,
    Junit,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Pack directories whose tests to run (default: every loaded pack)
    #[arg(value_name = "PACK-DIRS")]
    pub dirs: Vec<PathBuf>,
    /// Exit 1 when a rule has no test that makes it fire, or none that keeps it quiet
    #[arg(long)]
    pub require_coverage: bool,
    /// Run only the tests (and rule examples) whose name contains TEXT
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = TestFormat::Human)]
    pub format: TestFormat,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &TestArgs) -> io::Result<ExitStatus> {
    let style = args.output.style();
    let Some((packs, selected)) = load(args, style)? else {
        return Ok(ExitStatus::Failure);
    };
    let today = match crate::settings::today() {
        Ok(t) => t,
        Err(e) => {
            writeln!(io::stderr(), "error: {e}")?;
            return Ok(ExitStatus::Failure);
        }
    };
    let check = CheckOptions { today, ..crate::settings::check_options() };
    let opts = RunOptions { packs: selected.clone(), filter: args.filter.clone(), check };
    let outcome = match run_selected(&packs, &opts) {
        Ok(o) => o,
        Err(errors) => {
            print_file_diagnostics(&errors, style)?;
            let n: usize = errors.iter().map(|f| f.diagnostics.len()).sum();
            writeln!(io::stderr(), "error: the test files have {n} problem(s); no test was run")?;
            return Ok(ExitStatus::Failure);
        }
    };
    let under_test: Vec<_> = packs
        .packs
        .iter()
        .enumerate()
        .filter(|(i, _)| selected.as_ref().is_none_or(|s| s.contains(i)))
        .map(|(_, p)| p)
        .collect();
    let mut out = io::stdout().lock();
    match args.format {
        TestFormat::Json => {
            let doc = report::json(&outcome, &under_test);
            writeln!(out, "{}", serde_json::to_string_pretty(&doc).unwrap_or_default())?;
        }
        TestFormat::Junit => write!(out, "{}", report::junit(&outcome, args.require_coverage))?,
        TestFormat::Human => {
            let names: Vec<&str> = under_test.iter().map(|p| p.name.as_str()).collect();
            human(&mut out, &outcome, &names, style)?;
        }
    }
    out.flush()?;
    let uncovered = args.require_coverage && report::uncovered(&outcome) > 0;
    Ok(if outcome.failed() > 0 || uncovered { ExitStatus::Findings } else { ExitStatus::Clean })
}

/// Loads the packs, and which of them are under test (`None`: all). Prints every problem.
fn load(args: &TestArgs, style: Style) -> io::Result<Option<(PackSet, Option<Vec<usize>>)>> {
    if args.dirs.is_empty() {
        return Ok(load_packs(&args.packs, style)?.map(|p| (p, None)));
    }
    let key = |d: &PathBuf| d.canonicalize().unwrap_or_else(|_| d.clone());
    let mut dirs: Vec<PathBuf> = Vec::new();
    for d in &args.dirs {
        if !dirs.iter().any(|x| key(x) == key(d)) {
            dirs.push(d.clone());
        }
    }
    let others = args.packs.policies.iter().filter(|p| !dirs.iter().any(|d| key(d) == key(p)));
    let mut sources = Vec::new();
    if !args.packs.no_builtin {
        sources.push(crate::packs::builtin());
    }
    let first_dir = others.clone().count() + sources.len();
    for dir in others.chain(&dirs) {
        match PackSource::from_dir(dir) {
            Ok(s) => sources.push(s),
            Err(e) => {
                writeln!(io::stderr(), "error: {e}")?;
                return Ok(None);
            }
        }
    }
    let selected: Vec<usize> = (first_dir..sources.len()).collect();
    let (packs, mut errors) = crate::packs::load_partial(&sources);
    if errors.is_empty() {
        return Ok(Some((packs, Some(selected))));
    }
    // Report the test files' mistakes too, in the same run.
    errors.extend(
        decode_selected(
            &packs,
            &RunOptions { packs: Some(selected), filter: None, check: crate::settings::check_options() },
        )
        .1,
    );
    print_file_diagnostics(&errors, style)?;
    let n: usize = errors.iter().map(|f| f.diagnostics.len()).sum();
    writeln!(io::stderr(), "error: the packs under test have {n} problem(s); no test was run")?;
    Ok(None)
}

fn paint(color: bool, code: &str, s: &str) -> String {
    if color { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_owned() }
}

/// The human report: each failed test with its failures and what was produced, coverage,
/// and the closing `N passed, M failed` line.
fn human(out: &mut impl Write, outcome: &Outcome, packs: &[&str], style: Style) -> io::Result<()> {
    for r in outcome.results.iter().filter(|r| !r.failures.is_empty()) {
        failed_test(out, r, style)?;
    }
    if outcome.results.is_empty() {
        writeln!(out, "no test to run")?;
    }
    coverage(out, outcome, packs, style.color)?;
    writeln!(out, "\n{} passed, {} failed", outcome.passed, outcome.failed())
}

fn failed_test(out: &mut impl Write, r: &TestResult, style: Style) -> io::Result<()> {
    let line = lync_lint_core::text::LineIndex::new(&r.file.text).position(r.span.start).line;
    writeln!(out, "{} `{}` ({}:{line})", paint(style.color, "1;31", "FAIL"), r.name, r.file.name)?;
    for f in &r.failures {
        writeln!(out, "{}", render_diagnostic(&f.file, &f.diagnostic, style))?;
    }
    let Some(first) = r.failures.first() else { return Ok(()) };
    if first.report.verdict.is_none() {
        // The environment itself is broken: show its diagnostics in full.
        for d in &first.report.diagnostics {
            writeln!(out, "{}", render_diagnostic(&first.report.file, d, style))?;
        }
        return Ok(());
    }
    let lines = produced_lines(first);
    if lines.is_empty() {
        writeln!(out, "  nothing was produced for this environment\n")?;
    } else {
        writeln!(out, "  produced for this environment:")?;
        for l in lines {
            writeln!(out, "    {l}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn coverage(out: &mut impl Write, outcome: &Outcome, packs: &[&str], color: bool) -> io::Result<()> {
    if outcome.filtered {
        return writeln!(out, "coverage: not computed, `--filter` ran only some tests");
    }
    let n = outcome.rules.len();
    let rules = if n == 1 { "rule" } else { "rules" };
    let of = format!("coverage of {n} {rules} ({})", packs.join(", "));
    if outcome.never_fired.is_empty() && outcome.never_quiet.is_empty() {
        return writeln!(out, "{of}: every rule fires in a test and stays quiet in a test");
    }
    let (fired, quiet) = (n - outcome.never_fired.len(), n - outcome.never_quiet.len());
    writeln!(out, "{of}: {fired} of {n} fire in a test, {quiet} of {n} stay quiet in a test")?;
    for (what, ids) in [("never fires:", &outcome.never_fired), ("never quiet:", &outcome.never_quiet)] {
        for id in ids {
            writeln!(out, "  {} {id}", paint(color, "33", what))?;
        }
    }
    Ok(())
}
