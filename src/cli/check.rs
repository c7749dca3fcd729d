//! `lync-lint check`: discover, read, check and report.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{ExitStatus, OutputArgs, PackArgs, Setup, load_setup};
use crate::render::format::{Format, writer};
use crate::render::human::Style;
use crate::render::stream::{End, WRITE_BUFFER, Writer};
use lync_lint_core::baseline::{Applied, Baseline};
use lync_lint_core::diag::did_you_mean;
use lync_lint_core::engine::{CheckOptions, Counts, FileReport, RuleSetting};

use crate::fix::{self, FixOutcome, FixSummary, Fixing};
use crate::settings::Flags;
use lync_lint_core::pack::PackSet;

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // command-line switches are booleans
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input
    #[arg(value_name = "PATHS", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Treat every file as if it declared this deployment target (with the built-in pack:
    /// online, on-premises or hybrid)
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// Exit 1 when there are warnings, too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Report only these codes: rule ids, engine codes, or prefixes ending in `/` or `::`
    /// (repeatable, comma lists); a rule that is not selected does not run
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Never report these codes or prefixes (repeatable, comma lists); ignore wins over select
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Set a rule's severity: error, warning, advice or off (repeatable); overrides the config
    #[arg(long = "rule", value_name = "ID=LEVEL", value_parser = parse_rule_level)]
    pub rules: Vec<(String, RuleSetting)>,
    /// Exit 0 even when errors are found (the tool's own failures still exit 2)
    #[arg(long)]
    pub exit_zero: bool,
    /// Instead of diagnostics, print one line per code: count, severity and title
    #[arg(long)]
    pub statistics: bool,
    /// Apply the safe fixes in place (typos with one suggestion, KDL v1 syntax, string
    /// booleans), then report what remains; with `-`, print the fixed text instead
    #[arg(long, conflicts_with_all = ["diff", "statistics"])]
    pub fix: bool,
    /// Print the safe fixes as a unified diff and nothing else; write nothing; exit 1 if there
    /// is any fix
    #[arg(long, conflicts_with = "statistics")]
    pub diff: bool,
    /// Print diagnostics only, without the summary
    #[arg(long, short)]
    pub quiet: bool,
    /// The name to show for standard input
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Print the effective configuration and where each value came from, then exit
    #[arg(long)]
    pub show_config: bool,
    /// Output format on stdout (default: the config's `format`, else human)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Also write a report in FORMAT to PATH (repeatable), e.g. `--report sarif=lync.sarif`
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_report)]
    pub report: Vec<(Format, PathBuf)>,
    /// Report only findings that are not in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &CheckArgs) -> io::Result<ExitStatus> {
    let style = args.output.style();
    let flags = Flags {
        select: args.select.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
        ignore: args.ignore.iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect(),
        rules: args.rules.clone(),
        ..args.packs.flags(args.target.clone())
    };
    let Some(Setup { settings, packs }) = load_setup(&flags, style)? else {
        return Ok(ExitStatus::Failure);
    };
    if args.show_config {
        write!(io::stdout().lock(), "{}", settings.show())?;
        return Ok(ExitStatus::Clean);
    }
    let baseline = match args.baseline.as_deref().map(read_baseline).transpose() {
        Ok(b) => b,
        Err(e) => {
            writeln!(io::stderr(), "error: {e}")?;
            return Ok(ExitStatus::Failure);
        }
    };
    let today = match crate::settings::today() {
        Ok(t) => t,
        Err(e) => {
            writeln!(io::stderr(), "error: {e}")?;
            return Ok(ExitStatus::Failure);
        }
    };
    if !args.diff
        && let Some((first, again)) = repeated_report(&args.report)
    {
        // Two reports in one file would leave only the last: refused before any work.
        let named = if first == again {
            format!("`{}` twice", first.display())
        } else {
            format!("one file twice, as `{}` and as `{}`", first.display(), again.display())
        };
        writeln!(io::stderr(), "error: `--report` names {named}; give each report its own file")?;
        return Ok(ExitStatus::Failure);
    }
    let found = crate::discover::discover(&args.paths, &settings.selection());
    let mut failed = false;
    for e in &found.errors {
        writeln!(io::stderr(), "error: {e}")?;
        failed = true;
    }
    if found.files.is_empty() {
        let dirs: Vec<String> = found.empty_dirs.iter().map(|d| format!("`{}`", d.display())).collect();
        if !dirs.is_empty() {
            writeln!(
                io::stderr(),
                "error: no environment file (`*{}`) found under {}",
                crate::discover::SUFFIX,
                dirs.join(", ")
            )?;
        }
        return Ok(ExitStatus::Failure);
    }
    let opts = CheckOptions {
        baseline: baseline.clone().map(|b| std::sync::Arc::new(b.by_file())),
        ..settings.check_options(today)
    };
    let format =
        args.format.or_else(|| settings.format.value.as_deref().and_then(Format::parse)).unwrap_or(Format::Human);
    // Every output streams: stdout's writer and one per `--report`, each fed every file's
    // part in discovery order (parts are rendered on the worker threads).
    let mut outputs: Vec<Output> = Vec::new();
    // With --fix on standard input, stdout gets the fixed text alone: the diagnostics go to
    // stderr. With --diff, stdout gets the diffs alone, and nothing is written.
    let stdin_fix = args.fix && args.paths.iter().any(|p| p.as_os_str() == "-");
    if !args.statistics && !args.diff {
        let to = if stdin_fix { Target::Stderr } else { Target::Stdout };
        outputs.push(Output { writer: writer(format, &packs, args.quiet, style), to });
    }
    for (format, path) in args.report.iter().filter(|_| !args.diff) {
        let file = match ReportFile::create(path) {
            Ok(f) => f,
            Err(e) => {
                writeln!(io::stderr(), "error: cannot write the {} report `{}`: {e}", format.as_str(), path.display())?;
                return Ok(ExitStatus::Failure);
            }
        };
        let style = Style { color: false, ..style };
        outputs.push(Output { writer: writer(*format, &packs, args.quiet, style), to: Target::File(file) });
    }
    let mut out = io::BufWriter::with_capacity(WRITE_BUFFER, io::stdout().lock());
    let mut run = Run { record: args.write_baseline.is_some(), statistics: args.statistics, ..Run::default() };
    run.fix = if args.diff {
        FixMode::Diff
    } else if args.fix {
        FixMode::Write
    } else {
        FixMode::None
    };
    for chunk in found.files.chunks(CHUNK) {
        failed |= check_chunk(&chunk, args, &packs, &opts, &mut outputs, &mut run, &mut out)?;
    }
    if let Some(path) = &args.write_baseline {
        let text = Baseline::from_entries(std::mem::take(&mut run.recorded)).to_json();
        if let Err(e) = std::fs::write(path, text) {
            writeln!(io::stderr(), "error: cannot write baseline `{}`: {e}", path.display())?;
            return Ok(ExitStatus::Failure);
        }
    }
    run.applied.fixed.sort();
    let end = End { applied: baseline.is_some().then_some(&run.applied), files: run.files, counts: run.counts };
    for o in &mut outputs {
        let written = match &mut o.to {
            Target::Stdout => o.writer.finish(&mut out, &end),
            Target::Stderr => o.writer.finish(&mut io::stderr().lock(), &end),
            Target::File(f) => o.writer.finish(&mut f.out, &end).and_then(|()| f.commit()),
        };
        if let (Err(e), Target::File(f)) = (&written, &o.to) {
            writeln!(io::stderr(), "error: cannot write the report `{}`: {e}", f.path.display())?;
            failed = true;
        } else {
            written?;
        }
    }
    failed |= run.fix_failed;
    if !args.quiet {
        let line = if args.diff { run.fixes.would() } else { run.fixes.summary() };
        if let Some(line) = line {
            // After the human summary on stdout; on stderr when stdout is a machine format,
            // the fixed text or the diff.
            // The line ends with its own line break.
            if matches!(format, Format::Human | Format::Concise) && !stdin_fix && !args.diff && !args.statistics {
                out.write_all(line.as_bytes())?;
            } else {
                out.flush()?;
                io::stderr().write_all(line.as_bytes())?;
            }
        }
    }
    if args.statistics {
        let stats = std::mem::take(&mut run.tally).into_stats(&packs);
        let text = if format == Format::Json {
            crate::render::statistics::json(&stats)
        } else {
            crate::render::statistics::human(&stats)
        };
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    // The process ends after this: freeing the packs' thousands of allocations one by one
    // would only delay the exit (a twentieth of a one-file run's instructions).
    drop(outputs);
    std::mem::forget(packs);
    let counts = run.counts;
    Ok(if failed {
        ExitStatus::Failure
    } else if args.diff {
        if run.fixes.fixes > 0 { ExitStatus::Findings } else { ExitStatus::Clean }
    } else if args.exit_zero {
        ExitStatus::Clean
    } else if counts.errors > 0 || (args.deny_warnings && counts.warnings > 0) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// Files are checked in chunks of this many, in parallel within a chunk; each chunk's output
/// is written before the next starts, so memory does not grow with the number of files.
const CHUNK: usize = 256;

/// One output of the run: stdout (or stderr, when stdout carries a fixed text), or a
/// `--report` file.
struct Output<'a> {
    writer: Box<dyn Writer + 'a>,
    to: Target,
}

/// Where an output goes.
enum Target {
    Stdout,
    Stderr,
    File(ReportFile),
}

/// What `--fix` and `--diff` do.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum FixMode {
    #[default]
    None,
    /// `--fix`: write the fixed files (standard input: print the fixed text).
    Write,
    /// `--diff`: print the fixes as a diff, write nothing.
    Diff,
}

/// A `--report` file: written to a temporary file beside it, renamed when complete, so a
/// report is written completely or not at all.
struct ReportFile {
    out: io::BufWriter<std::fs::File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl ReportFile {
    fn create(path: &Path) -> io::Result<Self> {
        // A temporary file of its own, even when two reports name the same path.
        let (tmp, file) = crate::fix::create_temp(path, "report")?;
        Ok(Self { out: io::BufWriter::with_capacity(WRITE_BUFFER, file), tmp, path: path.to_path_buf() })
    }

    fn commit(&mut self) -> io::Result<()> {
        self.out.flush()?;
        std::fs::rename(&self.tmp, &self.path)
    }
}

impl Drop for ReportFile {
    fn drop(&mut self) {
        // Renamed already when complete; otherwise the partial report goes.
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// What the run has gathered so far, in discovery order: only totals and what must be
/// written at the end (baseline entries), never the reports.
#[derive(Default)]
struct Run {
    /// The files reported so far, and the totals of their findings.
    files: usize,
    counts: Counts,
    applied: Applied,
    record: bool,
    recorded: Vec<lync_lint_core::baseline::Entry>,
    statistics: bool,
    /// `--statistics`: the codes counted so far.
    tally: crate::render::statistics::Tally,
    fix: FixMode,
    /// The fixes applied (or shown) so far.
    fixes: FixSummary,
    /// A file could not be fixed (exit 2).
    fix_failed: bool,
}

/// One file's report and its parts for each output.
struct Checked {
    report: FileReport,
    parts: Vec<Option<String>>,
    /// What `--fix` or `--diff` did to the file.
    fixed: Fixed,
}

/// What `--fix` or `--diff` did to one file.
#[derive(Default)]
enum Fixed {
    #[default]
    Nothing,
    /// Written (or, for standard input, the text to print), with its count.
    Applied(FixSummary, Option<String>),
    /// The diff to print, with its count.
    Diff(FixSummary, String),
    /// Changed on disk while it was checked: left alone.
    Changed(String),
    /// Could not be written.
    Failed(String),
}

/// A file of at least this many bytes is read on a worker thread and checked on the main
/// thread (see [`check_parallel`]).
const LARGE_FILE: usize = 512 * 1024;

/// Checks `files` on the worker threads and returns their results in order. A file of
/// [`LARGE_FILE`] bytes or more is only read there: this thread, idle otherwise, checks it as
/// soon as it is read, while the workers go on with the others. Checking a file takes about
/// ten times its size in memory, and the allocator keeps for each thread what that thread's
/// largest file needed: were large files checked on every worker, every worker would keep
/// that much.
fn check_parallel<F>(files: &[PathBuf], check: &F) -> Vec<Result<Checked, lync_lint_core::source::ReadError>>
where
    F: Fn(&Path, Vec<u8>) -> Checked + Sync,
{
    use rayon::prelude::*;
    let (large_tx, large_rx) = std::sync::mpsc::channel();
    let mut results = Vec::new();
    let large: Vec<(usize, Checked)> = rayon::in_place_scope(|s| {
        s.spawn(|_| {
            // Moved in: dropped when the workers are done, which ends the loop below.
            let large_tx = large_tx;
            results = files
                .par_iter()
                .enumerate()
                .map(|(i, path)| {
                    let bytes = lync_lint_core::source::read_bytes(path)?;
                    if bytes.len() < LARGE_FILE {
                        return Ok(Some(check(path, bytes)));
                    }
                    large_tx.send((i, bytes)).expect("the main thread receives until the workers are done");
                    Ok(None)
                })
                .collect::<Vec<_>>();
        });
        large_rx.iter().map(|(i, bytes)| (i, check(&files[i], bytes))).collect()
    });
    for (i, checked) in large {
        results[i] = Ok(Some(checked));
    }
    results.into_iter().map(|r| r.map(|c| c.expect("every large file was checked"))).collect()
}

/// Checks one file's bytes, and renders its parts.
fn check_one(
    path: &Path,
    bytes: Vec<u8>,
    args: &CheckArgs,
    packs: &lync_lint_core::pack::PackSet,
    opts: &CheckOptions,
    outputs: &[Output<'_>],
    mode: FixMode,
) -> Checked {
    let name = if path.as_os_str() == "-" {
        args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".to_owned())
    } else {
        display_path(path)
    };
    let mut report = match lync_lint_core::source::decode(&name, bytes) {
        Ok(file) => lync_lint_core::engine::check(file, packs, opts),
        Err(bad) => FileReport::unknown(bad.0, vec![bad.1]),
    };
    let fixed = fix_one(path, &mut report, packs, opts, mode);
    let parts = outputs.iter().map(|o| o.writer.part(&report)).collect();
    Checked { report, parts, fixed }
}

/// `--fix` or `--diff` on one checked file; `report` becomes the check of the fixed text.
fn fix_one(path: &Path, report: &mut FileReport, packs: &PackSet, opts: &CheckOptions, mode: FixMode) -> Fixed {
    let counted = |f: &Fixing| {
        let mut s = FixSummary::default();
        s.add_diff(f);
        s
    };
    match mode {
        FixMode::None => Fixed::Nothing,
        FixMode::Diff => match fix::fixed(report, packs, opts) {
            Some(f) => Fixed::Diff(counted(&f), fix::diff(&report.file.name, &report.file.text, &f.text)),
            None => Fixed::Nothing,
        },
        FixMode::Write if path.as_os_str() == "-" => match fix::fixed(report, packs, opts) {
            Some(f) => {
                let summary = counted(&f);
                let text = f.text;
                *report = f.report;
                Fixed::Applied(summary, Some(text))
            }
            None => Fixed::Applied(FixSummary::default(), Some(report.file.text.to_string())),
        },
        FixMode::Write => match fix::fix_file(path, report, packs, opts) {
            Ok(FixOutcome::Clean) => Fixed::Nothing,
            Ok(FixOutcome::Fixed(f)) => {
                let summary = counted(&f);
                *report = f.report;
                Fixed::Applied(summary, None)
            }
            Ok(FixOutcome::Changed) => Fixed::Changed(report.file.name.clone()),
            Err(e) => Fixed::Failed(format!("cannot fix `{}`: {e}", report.file.name)),
        },
    }
}

/// Checks a chunk of files (see [`check_parallel`]), then writes their parts to every output and adds
/// them to `run` in discovery order, as a single-threaded run would. `true` when some file
/// could not be read.
fn check_chunk(
    files: &[PathBuf],
    args: &CheckArgs,
    packs: &lync_lint_core::pack::PackSet,
    opts: &CheckOptions,
    outputs: &mut [Output<'_>],
    run: &mut Run,
    out: &mut impl Write,
) -> io::Result<bool> {
    let results = {
        let shared: &[Output<'_>] = outputs;
        let mode = run.fix;
        let check = |path: &Path, bytes| check_one(path, bytes, args, packs, opts, shared, mode);
        // One file (pre-commit's usual call) is checked here: starting the thread pool would
        // cost more than the check.
        if let [path] = files {
            vec![lync_lint_core::source::read_bytes(path).map(|bytes| check(path, bytes))]
        } else {
            check_parallel(files, &check)
        }
    };
    let mut unreadable = false;
    for r in results {
        match r {
            Ok(Checked { mut report, parts, fixed }) => {
                match fixed {
                    Fixed::Nothing => {}
                    Fixed::Applied(s, text) => {
                        run.fixes.merge(&s);
                        if let Some(text) = text {
                            out.write_all(text.as_bytes())?;
                        }
                    }
                    Fixed::Diff(s, diff) => {
                        run.fixes.merge(&s);
                        out.write_all(diff.as_bytes())?;
                    }
                    Fixed::Changed(name) => {
                        run.fixes.changed += 1;
                        out.flush()?;
                        writeln!(io::stderr(), "warning: `{name}` changed while it was checked; it was not fixed")?;
                    }
                    Fixed::Failed(message) => {
                        out.flush()?;
                        writeln!(io::stderr(), "error: {message}")?;
                        run.fix_failed = true;
                    }
                }
                let applied = std::mem::take(&mut report.baseline);
                if run.record {
                    run.recorded.extend(report.baseline_entries());
                    run.recorded.extend(applied.hidden.iter().cloned());
                }
                run.applied.add(applied);
                run.files += 1;
                run.counts.add(Counts::of_diagnostics(&report.diagnostics));
                if run.statistics {
                    run.tally.add(&report);
                }
                for (o, part) in outputs.iter_mut().zip(parts) {
                    match &mut o.to {
                        Target::Stdout => o.writer.file(out, &report, part)?,
                        Target::Stderr => o.writer.file(&mut io::stderr().lock(), &report, part)?,
                        Target::File(f) => o.writer.file(&mut f.out, &report, part)?,
                    }
                }
            }
            Err(e) => {
                // What was written so far goes out first: the error lands after its file's
                // predecessors, as in a single-threaded run.
                out.flush()?;
                writeln!(io::stderr(), "error: {e}")?;
                unreadable = true;
            }
        }
    }
    Ok(unreadable)
}

/// The first `--report` path that lands in the same file as an earlier one, with that one: the same
/// directory (`a/../b`, `.`, a symbolic link to a directory all resolved) and file name.
/// A report is renamed onto its path, so a path that is a symbolic link to another report's
/// file replaces the link, not that file.
fn repeated_report(reports: &[(Format, PathBuf)]) -> Option<(&Path, &Path)> {
    let mut seen: Vec<(PathBuf, &Path)> = Vec::new();
    for (_, path) in reports {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        let resolved = match (absolute.parent(), absolute.file_name()) {
            (Some(dir), Some(name)) => std::fs::canonicalize(dir).map_or_else(|_| absolute.clone(), |d| d.join(name)),
            _ => absolute,
        };
        if let Some((_, first)) = seen.iter().find(|(r, _)| *r == resolved) {
            return Some((first, path));
        }
        seen.push((resolved, path));
    }
    None
}

/// `--rule ID=LEVEL`; the id is checked against the packs once they are loaded.
fn parse_rule_level(s: &str) -> Result<(String, RuleSetting), String> {
    let (id, level) = s.split_once('=').ok_or_else(|| format!("expected ID=LEVEL, got `{s}`"))?;
    let setting = RuleSetting::parse(level).ok_or_else(|| {
        let hint =
            did_you_mean(level, RuleSetting::NAMES).map_or_else(String::new, |c| format!("; did you mean `{c}`?"));
        format!("unknown level `{level}` ({}){hint}", RuleSetting::choices())
    })?;
    Ok((id.trim().to_owned(), setting))
}

fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (f, path) = s.split_once('=').ok_or_else(|| format!("expected FORMAT=PATH, got `{s}`"))?;
    let format = Format::parse(f).ok_or_else(|| {
        let names: Vec<&str> = crate::config::FORMATS.to_vec();
        format!("unknown format `{f}` (one of {})", names.join(", "))
    })?;
    if path.is_empty() {
        return Err("the report path is empty".to_owned());
    }
    Ok((format, PathBuf::from(path)))
}

/// A path as users read it: without a leading `./`.
fn display_path(path: &Path) -> String {
    let shown = path.display().to_string();
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let text = lync_lint_core::source::read_text(path).map_err(|e| e.to_string())?;
    Baseline::parse(&text).map_err(|e| format!("`{}`: {e}", path.display()))
}
