//! `lync-lint check`: discover, read, check and report.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::{ExitStatus, OutputArgs, PackArgs, Setup, load_setup};
use crate::baseline::{Applied, Baseline};
use crate::config::Config;
use crate::discover::Selection;
use crate::engine::{CheckOptions, Counts, FileReport, RuleSetting, Target};
use crate::render::human::{render_diagnostic, summary};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input
    #[arg(value_name = "PATHS", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Treat every file as if it declared this deployment target
    #[arg(long, value_enum)]
    pub target: Option<Target>,
    /// Exit 1 when there are warnings, too
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print diagnostics only, without the summary
    #[arg(long, short)]
    pub quiet: bool,
    /// The name to show for standard input
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,
    /// Print the effective configuration and where each value came from, then exit
    #[arg(long)]
    pub show_config: bool,
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
    let Some(Setup { config, packs }) = load_setup(&args.packs, style)? else {
        return Ok(ExitStatus::Failure);
    };
    if args.show_config {
        write!(io::stdout().lock(), "{}", show_config(&config, args))?;
        return Ok(ExitStatus::Clean);
    }
    let baseline = match args.baseline.as_deref().map(read_baseline).transpose() {
        Ok(b) => b,
        Err(e) => {
            writeln!(io::stderr(), "error: {e}")?;
            return Ok(ExitStatus::Failure);
        }
    };
    let today = match crate::waiver::today() {
        Ok(t) => t,
        Err(e) => {
            writeln!(io::stderr(), "error: {e}")?;
            return Ok(ExitStatus::Failure);
        }
    };
    let include: Vec<String> = config.include.iter().map(|s| s.value.clone()).collect();
    let exclude: Vec<String> = config.exclude.iter().map(|s| s.value.clone()).collect();
    let found = crate::discover::discover(&args.paths, &Selection::new(config.dir.clone(), &include, &exclude));
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
        target: args.target.or(config.target.as_ref().map(|t| t.value)),
        today,
        rules: config.rules.iter().map(|s| s.value.clone()).collect(),
    };
    let (mut reports, unreadable) = check_files(&found.files, args, &packs, &opts)?;
    failed |= unreadable;
    if let Some(path) = &args.write_baseline {
        let text = Baseline::record(&reports).to_json();
        if let Err(e) = std::fs::write(path, text) {
            writeln!(io::stderr(), "error: cannot write baseline `{}`: {e}", path.display())?;
            return Ok(ExitStatus::Failure);
        }
    }
    let applied = baseline.map(|b| b.apply(&mut reports));
    let mut out = io::stdout().lock();
    for r in &reports {
        for d in r.diagnostics.iter().filter(|d| d.waived.is_none()) {
            writeln!(out, "{}", render_diagnostic(&r.file, d, style))?;
        }
    }
    if !args.quiet {
        write!(out, "{}", summary(&reports, style.color))?;
        if let Some(a) = &applied {
            write!(out, "{}", baseline_summary(a))?;
        }
    }
    out.flush()?;
    let counts = Counts::of(&reports);
    Ok(if failed {
        ExitStatus::Failure
    } else if counts.errors > 0 || (args.deny_warnings && counts.warnings > 0) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}

/// Reads and checks every file; `true` in the result when some could not be read.
fn check_files(
    files: &[PathBuf],
    args: &CheckArgs,
    packs: &crate::pack::PackSet,
    opts: &CheckOptions,
) -> io::Result<(Vec<FileReport>, bool)> {
    let mut reports = Vec::new();
    let mut unreadable = false;
    for path in files {
        let name = if path.as_os_str() == "-" {
            args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".to_owned())
        } else {
            display_path(path)
        };
        let bytes = match crate::source::read_bytes(path) {
            Ok(b) => b,
            Err(e) => {
                writeln!(io::stderr(), "error: {e}")?;
                unreadable = true;
                continue;
            }
        };
        reports.push(match crate::source::decode(&name, bytes) {
            Ok(file) => crate::engine::check(file, packs, opts),
            Err(bad) => FileReport::unknown(bad.0, vec![bad.1]),
        });
    }
    Ok((reports, unreadable))
}

/// A path as users read it: without a leading `./`.
fn display_path(path: &Path) -> String {
    let shown = path.display().to_string();
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

fn read_baseline(path: &Path) -> Result<Baseline, String> {
    let text = crate::source::read_text(path).map_err(|e| e.to_string())?;
    Baseline::parse(&text).map_err(|e| format!("`{}`: {e}", path.display()))
}

fn baseline_summary(a: &Applied) -> String {
    use std::fmt::Write as _;
    let mut s = format!("baseline: {} known finding(s) not shown, {} fixed since\n", a.baselined, a.fixed.len());
    for e in &a.fixed {
        let _ = writeln!(s, "  fixed: `{}` in {} at {}", e.rule, e.file, e.path);
    }
    s
}

/// `--show-config`: every setting with its value and origin.
fn show_config(config: &Config, args: &CheckArgs) -> String {
    use std::fmt::Write as _;
    let origin = |span: crate::doc::Span| match &config.file {
        Some(f) => format!("{}:{}", f.name, crate::packtest::line_of(&f.text, span.start)),
        None => "?".to_owned(),
    };
    let mut s = String::new();
    let _ = writeln!(s, "config: {}", config.file.as_ref().map_or("none (defaults)", |f| f.name.as_str()));
    let _ = writeln!(s, "root: {}", config.dir.display());
    let list = |name: &str, items: Vec<(String, String)>, default: &str, s: &mut String| {
        if items.is_empty() {
            let _ = writeln!(s, "{name}: {default} (default)");
        }
        for (v, o) in items {
            let _ = writeln!(s, "{name}: {v} ({o})");
        }
    };
    list("include", config.include.iter().map(|i| (i.value.clone(), origin(i.span))).collect(), "*.lync.kdl", &mut s);
    list("exclude", config.exclude.iter().map(|i| (i.value.clone(), origin(i.span))).collect(), "none", &mut s);
    let mut policies: Vec<(String, String)> =
        config.policies.iter().map(|p| (p.value.display().to_string(), origin(p.span))).collect();
    policies.extend(args.packs.policies.iter().map(|p| (p.display().to_string(), "command line".to_owned())));
    list("policies", policies, "none", &mut s);
    let builtin = match (&config.builtin, args.packs.no_builtin) {
        (_, true) => "false (command line)".to_owned(),
        (Some(b), false) => format!("{} ({})", b.value, origin(b.span)),
        (None, false) => "true (default)".to_owned(),
    };
    let _ = writeln!(s, "builtin: {builtin}");
    let rules = config.rules.iter().map(|r| {
        let sev = match r.value.1 {
            RuleSetting::Off => "off",
            RuleSetting::Severity(sev) => sev.as_str(),
        };
        (format!("{} = {sev}", r.value.0), origin(r.span))
    });
    list("rule", rules.collect(), "no overrides", &mut s);
    let format =
        config.format.as_ref().map_or("human (default)".to_owned(), |f| format!("{} ({})", f.value, origin(f.span)));
    let _ = writeln!(s, "format: {format}");
    let target = match (args.target, &config.target) {
        (Some(t), _) => format!("{} (command line)", t.as_str()),
        (None, Some(t)) => format!("{} ({})", t.value.as_str(), origin(t.span)),
        (None, None) => "from each file (default)".to_owned(),
    };
    let _ = writeln!(s, "target: {target}");
    s
}
