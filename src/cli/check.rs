//! `lync-lint check`: discover, read, check and report.

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;

use super::{ExitStatus, OutputArgs, PackArgs, load_packs};
use crate::diag::Severity;
use crate::engine::{CheckOptions, FileReport, Target};
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
    #[command(flatten)]
    pub packs: PackArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: &CheckArgs) -> io::Result<ExitStatus> {
    let style = args.output.style();
    let Some(packs) = load_packs(&args.packs, style)? else {
        return Ok(ExitStatus::Failure);
    };
    let found = crate::discover::discover(&args.paths);
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
    let opts = CheckOptions { target: args.target };
    let mut reports = Vec::new();
    for path in &found.files {
        let name = if path.as_os_str() == "-" {
            args.stdin_filename.clone().unwrap_or_else(|| "<stdin>".to_owned())
        } else {
            let shown = path.display().to_string();
            shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
        };
        let bytes = match crate::source::read_bytes(path) {
            Ok(b) => b,
            Err(e) => {
                writeln!(io::stderr(), "error: {e}")?;
                failed = true;
                continue;
            }
        };
        reports.push(match crate::source::decode(&name, bytes) {
            Ok(file) => crate::engine::check(file, &packs, &opts),
            Err(bad) => FileReport::unknown(bad.0, vec![bad.1]),
        });
    }
    let mut out = io::stdout().lock();
    for r in &reports {
        for d in &r.diagnostics {
            writeln!(out, "{}", render_diagnostic(&r.file, d, style))?;
        }
    }
    if !args.quiet {
        write!(out, "{}", summary(&reports, style.color))?;
    }
    out.flush()?;
    let any = |s: Severity| reports.iter().flat_map(|r| &r.diagnostics).any(|d| d.severity == s);
    Ok(if failed {
        ExitStatus::Failure
    } else if any(Severity::Error) || (args.deny_warnings && any(Severity::Warning)) {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
