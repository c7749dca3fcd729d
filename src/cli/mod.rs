//! The command line: clap definitions and one module per command.

mod check;
mod explain;
mod rules;

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diag::FileDiagnostics;
use crate::pack::{PackSet, PackSource};
use crate::render::human::{Style, render_diagnostic};

/// The process exit status (SPEC §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// No error-severity diagnostic.
    Clean = 0,
    /// At least one error diagnostic in a linted file.
    Findings = 1,
    /// The tool could not do its job.
    Failure = 2,
}

/// Lint Lync 2013 environment descriptions against declarative policies.
#[derive(Debug, Parser)]
#[command(name = "lync-lint", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check environment files (default path: `.`)
    Check(check::CheckArgs),
    /// List every rule: id, severity, title
    Rules(rules::RulesArgs),
    /// Print a rule's full text: what, why, sources, an example, how to fix or waive
    Explain(explain::ExplainArgs),
    /// Print shell completions
    Completions {
        /// The shell to generate completions for
        shell: clap_complete::Shell,
    },
}

/// Which policy packs to load.
#[derive(Debug, Clone, Args)]
pub struct PackArgs {
    /// Add a policy pack directory (repeatable)
    #[arg(long = "policies", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Do not load the built-in `lync-2013` pack
    #[arg(long)]
    pub no_builtin: bool,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How the output of a command is drawn.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Use colour: auto (when stdout is a terminal and `NO_COLOR` is unset), always, never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Describe diagnostics in plain sentences, for screen readers (also `NO_GRAPHICS=1`)
    #[arg(long)]
    pub narrate: bool,
}

impl OutputArgs {
    /// Decides colour from the flag, `NO_COLOR`, and whether stdout (where we write) is a terminal.
    #[must_use]
    pub fn style(&self) -> Style {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && io::stdout().is_terminal(),
        };
        let narrate = self.narrate || std::env::var_os("NO_GRAPHICS").is_some_and(|v| !v.is_empty() && v != "0");
        let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).or(Some(100));
        Style { color, narrate, width }
    }
}

/// Runs the command line; I/O errors (a closed pipe) bubble up to `main`.
///
/// # Errors
/// When writing the output fails.
pub fn run(cli: Cli) -> io::Result<ExitStatus> {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "lync-lint", &mut io::stdout());
            Ok(ExitStatus::Clean)
        }
    }
}

/// Loads the packs the arguments select; on failure prints every diagnostic to stderr.
///
/// # Errors
/// When writing to stderr fails.
pub fn load_packs(args: &PackArgs, style: Style) -> io::Result<Option<PackSet>> {
    let mut sources = Vec::new();
    if !args.no_builtin {
        sources.push(PackSource::builtin());
    }
    for dir in &args.policies {
        match PackSource::from_dir(dir) {
            Ok(s) => sources.push(s),
            Err(e) => {
                writeln!(io::stderr(), "error: {e}")?;
                return Ok(None);
            }
        }
    }
    if sources.is_empty() {
        writeln!(io::stderr(), "error: no policy pack to check against (`--no-builtin` without `--policies DIR`)")?;
        return Ok(None);
    }
    match PackSet::load(&sources) {
        Ok(set) => Ok(Some(set)),
        Err(errors) => {
            print_file_diagnostics(&errors, style)?;
            let n: usize = errors.iter().map(|f| f.diagnostics.len()).sum();
            writeln!(io::stderr(), "error: the policy packs have {n} problem(s); nothing was checked")?;
            Ok(None)
        }
    }
}

/// Prints diagnostics about the tool's own files (packs, config) to stderr.
///
/// # Errors
/// When writing to stderr fails.
pub fn print_file_diagnostics(errors: &[FileDiagnostics], style: Style) -> io::Result<()> {
    let mut err = io::stderr().lock();
    for f in errors {
        for d in &f.diagnostics {
            writeln!(err, "{}", render_diagnostic(&f.file, d, style))?;
        }
    }
    Ok(())
}
