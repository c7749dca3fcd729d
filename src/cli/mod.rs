//! The command line: clap definitions and one module per command.

pub mod check;
pub mod explain;
pub mod init;
pub mod lsp;
pub mod rules;
pub mod test;

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, ConfigError};
use crate::render::human::{Style, render_diagnostic};
use crate::settings::{Flags, Settings, SettingsError};
use lync_lint_core::diag::FileDiagnostics;
use lync_lint_core::pack::{PackSet, PackSource};

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
    /// Run the policy packs' tests and report failures and rule coverage
    Test(test::TestArgs),
    /// Write a commented starter environment file generated from the vocabulary
    Init(init::InitArgs),
    /// Run the language server on stdio
    Lsp(lsp::LspArgs),
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
    /// Use this configuration file instead of the discovered `lync-lint.kdl`
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Ignore any `lync-lint.kdl`
    #[arg(long)]
    pub no_config: bool,
}

impl PackArgs {
    /// These flags as settings flags (`target` is `check`'s own flag).
    #[must_use]
    pub fn flags(&self, target: Option<String>) -> Flags {
        Flags {
            config: self.config.clone(),
            no_config: self.no_config,
            no_builtin: self.no_builtin,
            policies: self.policies.clone(),
            target,
            ..Flags::default()
        }
    }
}

/// The resolved settings and the packs they select.
#[derive(Debug)]
pub struct Setup {
    pub settings: Settings,
    pub packs: PackSet,
}

/// Finds and loads the configuration (`--config`, discovery, or none).
fn load_config(flags: &Flags, style: Style) -> io::Result<Option<Config>> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let Some(path) = flags.config_path(&cwd) else { return Ok(Some(Config::empty(cwd))) };
    match Config::load(&path) {
        Ok(c) => Ok(Some(c)),
        Err(ConfigError::Read(e)) => {
            writeln!(io::stderr(), "error: {e}")?;
            Ok(None)
        }
        Err(ConfigError::Invalid(f)) => {
            print_file_diagnostics(std::slice::from_ref(&f), style)?;
            writeln!(io::stderr(), "error: the configuration `{}` has mistakes; nothing was checked", path.display())?;
            Ok(None)
        }
    }
}

/// Loads the configuration, then the packs it and the arguments select, then checks the
/// config's rule ids against them. Prints every problem to stderr.
///
/// # Errors
/// When writing to stderr fails.
pub fn load_setup(flags: &Flags, style: Style) -> io::Result<Option<Setup>> {
    let Some(config) = load_config(flags, style)? else { return Ok(None) };
    let settings = Settings::resolve(config, flags);
    let dirs: Vec<PathBuf> = settings.policies.iter().map(|p| p.value.clone()).collect();
    let Some(packs) = load_pack_dirs(settings.builtin.value, &dirs, style)? else { return Ok(None) };
    match settings.check(&packs) {
        Ok(()) => {}
        Err(SettingsError::Config(f)) => {
            print_file_diagnostics(std::slice::from_ref(&f), style)?;
            let what = if f.diagnostics.iter().all(|d| d.code == "config::unknown-rule") {
                "names unknown rules"
            } else {
                "has mistakes"
            };
            writeln!(io::stderr(), "error: the configuration {what}; nothing was checked")?;
            return Ok(None);
        }
        Err(SettingsError::Flag(message)) => {
            writeln!(io::stderr(), "error: {message}")?;
            return Ok(None);
        }
    }
    Ok(Some(Setup { settings, packs }))
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
        Command::Test(args) => test::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            // Into a buffer first: clap_complete panics on a write error such as a closed pipe.
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "lync-lint", &mut buf);
            io::stdout().lock().write_all(&buf)?;
            Ok(ExitStatus::Clean)
        }
    }
}

/// Loads the packs the arguments select; on failure prints every diagnostic to stderr.
///
/// # Errors
/// When writing to stderr fails.
pub fn load_packs(args: &PackArgs, style: Style) -> io::Result<Option<PackSet>> {
    Ok(load_setup(&args.flags(None), style)?.map(|s| s.packs))
}

fn load_pack_dirs(builtin: bool, dirs: &[PathBuf], style: Style) -> io::Result<Option<PackSet>> {
    let mut sources = Vec::new();
    if builtin {
        sources.push(crate::packs::builtin());
    }
    for dir in dirs {
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
    match crate::packs::load(&sources) {
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
