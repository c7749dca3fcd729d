//! Settings: what the configuration file, the command line (or the editor) and the
//! environment say, resolved once into the values the checking core takes ([`Settings`]).
//!
//! Today's date is read here (the core reads no clock): `LYNC_LINT_TODAY` when set (tests use
//! it), else the local date, looked up only when a waiver has an expiry date.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lync_lint_core::codes;
use lync_lint_core::diag::{Diagnostic, FileDiagnostics, SourceFile, did_you_mean};
use lync_lint_core::doc::Span;
use lync_lint_core::engine::{CheckOptions, RuleSetting};
use lync_lint_core::pack::PackSet;
use lync_lint_core::select::{self, CodeSelection};
use lync_lint_core::text::LineIndex;
use lync_lint_core::vocab::is_date;
use lync_lint_core::waiver::Today;

use crate::config::{Config, Setting};
use crate::discover::Selection;

/// The local date, computed once per process.
fn local_today() -> String {
    static TODAY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TODAY.get_or_init(|| jiff::ZonedDateTime::now().date().to_string()).clone()
}

/// Today's date for waiver expiry: `LYNC_LINT_TODAY` when set, else the local date.
///
/// # Errors
/// When `LYNC_LINT_TODAY` is not a valid date.
pub fn today() -> Result<Today, String> {
    match std::env::var("LYNC_LINT_TODAY") {
        Ok(d) if is_date(&d) => Ok(Today::date(d)),
        Ok(d) => Err(format!("LYNC_LINT_TODAY=`{d}` is not a date (`YYYY-MM-DD`)")),
        Err(_) => Ok(Today::clock(local_today)),
    }
}

/// Today's date as a date, `LYNC_LINT_TODAY` when it is valid (for waiver quick fixes).
#[must_use]
pub fn today_date() -> String {
    today().unwrap_or_else(|_| Today::clock(local_today)).get()
}

/// The check options every command starts from: syntax errors explained by the `kdl` crate
/// ([`crate::syntax::explain`]), no target, no rule overrides, no waiver expired.
#[must_use]
pub fn check_options() -> CheckOptions {
    CheckOptions { explain: crate::syntax::explain, ..CheckOptions::default() }
}

/// What is wrong with the settings, given the packs.
#[derive(Debug)]
pub enum SettingsError {
    /// Problems in the configuration file.
    Config(FileDiagnostics),
    /// A flag's problem (exit code 2).
    Flag(String),
}

/// Where a resolved setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Nobody said: the default.
    Default,
    /// The command line (or the editor's initialization options).
    Flags,
    /// `lync-lint.kdl`, at this span.
    Config(Span),
}

/// A resolved setting and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Resolved<T> {
    fn new(value: T, origin: Origin) -> Self {
        Self { value, origin }
    }
}

/// What the user says outside `lync-lint.kdl`: flags of the command line, or the language
/// server's initialization options.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--no-config`.
    pub no_config: bool,
    /// `--no-builtin`.
    pub no_builtin: bool,
    /// `--policies DIR` (repeatable).
    pub policies: Vec<PathBuf>,
    /// `--target`.
    pub target: Option<String>,
    /// `--select` (comma lists split); empty: the configuration's.
    pub select: Vec<String>,
    /// `--ignore` (comma lists split); empty: the configuration's.
    pub ignore: Vec<String>,
    /// `--rule ID=LEVEL`, in order; they override the configuration's `rule` nodes.
    pub rules: Vec<(String, RuleSetting)>,
}

impl Flags {
    /// The configuration file these flags select: `--config`, else `lync-lint.kdl` found by
    /// walking up from `start`; none with `--no-config`.
    #[must_use]
    pub fn config_path(&self, start: &Path) -> Option<PathBuf> {
        if self.no_config { None } else { self.config.clone().or_else(|| crate::config::discover(start)) }
    }
}

/// Every setting, resolved once from `lync-lint.kdl` and the flags (the flags win), for
/// `check`, `test`, `init`, `rules`, `explain`, the language server and `--show-config`.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file, when one was loaded (its text, for origins).
    pub file: Option<Arc<SourceFile>>,
    /// The directory paths and globs are relative to.
    pub root: PathBuf,
    pub include: Vec<Resolved<String>>,
    pub exclude: Vec<Resolved<String>>,
    /// Policy pack directories, the configuration's first.
    pub policies: Vec<Resolved<PathBuf>>,
    /// Whether the built-in pack is loaded.
    pub builtin: Resolved<bool>,
    /// Severity overrides by rule id.
    pub rules: Vec<Resolved<(String, RuleSetting)>>,
    /// The default output format's name (`--format` wins over it).
    pub format: Resolved<Option<String>>,
    /// A target every file is checked as if it declared.
    pub target: Resolved<Option<String>>,
    /// Codes and prefixes to report (empty: every code).
    pub select: Vec<Resolved<String>>,
    /// Codes and prefixes never to report.
    pub ignore: Vec<Resolved<String>>,
}

impl Settings {
    /// Resolves `config` and `flags` into one value.
    #[must_use]
    pub fn resolve(config: Config, flags: &Flags) -> Self {
        let from = |span: Span| Origin::Config(span);
        let strings =
            |list: &[Setting<String>]| list.iter().map(|s| Resolved::new(s.value.clone(), from(s.span))).collect();
        let mut policies: Vec<Resolved<PathBuf>> =
            config.policies.iter().map(|p| Resolved::new(p.value.clone(), from(p.span))).collect();
        policies.extend(flags.policies.iter().map(|p| Resolved::new(p.clone(), Origin::Flags)));
        let builtin = match (&config.builtin, flags.no_builtin) {
            (_, true) => Resolved::new(false, Origin::Flags),
            (Some(b), false) => Resolved::new(b.value, from(b.span)),
            (None, false) => Resolved::new(true, Origin::Default),
        };
        let target = match (&flags.target, &config.target) {
            (Some(t), _) => Resolved::new(Some(t.clone()), Origin::Flags),
            (None, Some(t)) => Resolved::new(Some(t.value.clone()), from(t.span)),
            (None, None) => Resolved::new(None, Origin::Default),
        };
        let format = config
            .format
            .as_ref()
            .map_or(Resolved::new(None, Origin::Default), |f| Resolved::new(Some(f.value.clone()), from(f.span)));
        // The flags win: `--select` replaces the configuration's `select`, and so on.
        let codes = |flag: &[String], config: &[Setting<String>]| -> Vec<Resolved<String>> {
            if flag.is_empty() {
                strings(config)
            } else {
                flag.iter().map(|s| Resolved::new(s.clone(), Origin::Flags)).collect()
            }
        };
        let mut rules: Vec<Resolved<(String, RuleSetting)>> =
            config.rules.iter().map(|r| Resolved::new(r.value.clone(), from(r.span))).collect();
        for (id, level) in &flags.rules {
            rules.retain(|r| r.value.0 != *id);
            rules.push(Resolved::new((id.clone(), *level), Origin::Flags));
        }
        Self {
            include: strings(&config.include),
            exclude: strings(&config.exclude),
            select: codes(&flags.select, &config.select),
            ignore: codes(&flags.ignore, &config.ignore),
            rules,
            file: config.file,
            root: config.dir,
            policies,
            builtin,
            format,
            target,
        }
    }

    /// The settings against the loaded packs: every rule the configuration names must exist,
    /// and a target must be one the packs' vocabulary allows.
    ///
    /// # Errors
    /// The configuration's problems as diagnostics in its file (`config::unknown-rule`,
    /// `config::value`), or a flag's problem as a message.
    pub fn check(&self, packs: &PackSet) -> Result<(), SettingsError> {
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        for s in self.rules.iter().filter(|s| packs.policy(&s.value.0).is_none()) {
            let id = &s.value.0;
            let suggestion = did_you_mean(id, packs.policies.iter().map(|p| p.id.as_str()));
            match s.origin {
                Origin::Config(span) => diagnostics.push(
                    Diagnostic::error("config::unknown-rule", format!("unknown rule `{id}`"))
                        .with_label(span, "no such rule")
                        .with_help(suggestion.map_or_else(
                            || "`lync-lint rules` lists the rule ids".to_owned(),
                            |c| format!("did you mean `{c}`?"),
                        )),
                ),
                Origin::Flags | Origin::Default => {
                    let hint = suggestion.map_or_else(
                        || "; `lync-lint rules` lists the rule ids".to_owned(),
                        |c| format!("; did you mean `{c}`?"),
                    );
                    return Err(SettingsError::Flag(format!("`--rule`: unknown rule `{id}`{hint}")));
                }
            }
        }
        // Only a run that selects or ignores something pays for the list of what it may name.
        let known = if self.select.is_empty() && self.ignore.is_empty() {
            Vec::new()
        } else {
            select::known_patterns(
                packs.policies.iter().map(|p| p.id.as_str()).chain(codes::CODES.iter().map(|c| c.code)),
            )
        };
        for (what, list) in [("select", &self.select), ("ignore", &self.ignore)] {
            for s in list.iter().filter(|s| !known.contains(&s.value)) {
                let code = &s.value;
                let suggestion = did_you_mean(code, known.iter().map(String::as_str));
                let message = format!("unknown code or prefix `{code}`");
                match s.origin {
                    Origin::Config(span) => diagnostics.push(
                        Diagnostic::error("config::unknown-code", message)
                            .with_label(span, "no rule or engine code")
                            .with_help(suggestion.map_or_else(
                                || "a rule id, an engine code, or a prefix ending in `/` or `::`".to_owned(),
                                |c| format!("did you mean `{c}`?"),
                            )),
                    ),
                    Origin::Flags | Origin::Default => {
                        let hint = suggestion.map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
                        return Err(SettingsError::Flag(format!("`--{what}`: {message}{hint}")));
                    }
                }
            }
        }
        if let Some(target) = &self.target.value {
            let choices = packs.target_choices();
            if !choices.contains(&target.as_str()) {
                let listed: Vec<String> = choices.iter().map(|c| format!("`{c}`")).collect();
                let expected = if listed.is_empty() {
                    "the loaded packs declare no target".to_owned()
                } else {
                    format!("one of {}", listed.join(", "))
                };
                let suggestion = did_you_mean(target, choices.iter().copied());
                match self.target.origin {
                    Origin::Config(span) => diagnostics.push(
                        Diagnostic::error("config::value", format!("unknown target `{target}`"))
                            .with_label(span, format!("expected {expected}"))
                            .with_help_opt(suggestion.map(|s| format!("did you mean `{s}`?"))),
                    ),
                    Origin::Flags | Origin::Default => {
                        let hint = suggestion.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
                        return Err(SettingsError::Flag(format!(
                            "unknown target `{target}` (expected {expected}){hint}"
                        )));
                    }
                }
            }
        }
        match (&self.file, diagnostics.is_empty()) {
            (Some(file), false) => Err(SettingsError::Config(FileDiagnostics { file: file.clone(), diagnostics })),
            _ => Ok(()),
        }
    }

    /// The check options of these settings, with today's date.
    #[must_use]
    pub fn check_options(&self, today: Today) -> CheckOptions {
        CheckOptions {
            target: self.target.value.clone(),
            today,
            rules: self.rules.iter().map(|r| r.value.clone()).collect(),
            select: CodeSelection {
                select: self.select.iter().map(|s| s.value.clone()).collect(),
                ignore: self.ignore.iter().map(|s| s.value.clone()).collect(),
            },
            ..check_options()
        }
    }

    /// Which files are environment files.
    #[must_use]
    pub fn selection(&self) -> Selection {
        let values = |list: &[Resolved<String>]| list.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
        Selection::new(self.root.clone(), &values(&self.include), &values(&self.exclude))
    }

    /// Where a setting came from, as `--show-config` prints it.
    fn origin(&self, origin: Origin) -> String {
        match (origin, &self.file) {
            (Origin::Default, _) => "default".to_owned(),
            (Origin::Flags, _) => "command line".to_owned(),
            (Origin::Config(span), Some(f)) => {
                format!("{}:{}", f.name, LineIndex::new(&f.text).position(span.start).line)
            }
            (Origin::Config(_), None) => "?".to_owned(),
        }
    }

    /// `--show-config`: every setting with its value and origin.
    #[must_use]
    pub fn show(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "config: {}", self.file.as_ref().map_or("none (defaults)", |f| f.name.as_str()));
        let _ = writeln!(s, "root: {}", self.root.display());
        let origin = |o: Origin| self.origin(o);
        let include = self.include.iter().map(|i| (i.value.clone(), origin(i.origin))).collect();
        list(&mut s, "include", include, "*.lync.kdl");
        list(&mut s, "exclude", self.exclude.iter().map(|i| (i.value.clone(), origin(i.origin))).collect(), "none");
        let policies = self.policies.iter().map(|p| (p.value.display().to_string(), origin(p.origin))).collect();
        list(&mut s, "policies", policies, "none");
        let _ = writeln!(s, "builtin: {} ({})", self.builtin.value, origin(self.builtin.origin));
        let rules = self.rules.iter().map(|r| (format!("{} = {}", r.value.0, r.value.1.as_str()), origin(r.origin)));
        list(&mut s, "rule", rules.collect(), "no overrides");
        list(&mut s, "select", self.select.iter().map(|c| (c.value.clone(), origin(c.origin))).collect(), "every code");
        list(&mut s, "ignore", self.ignore.iter().map(|c| (c.value.clone(), origin(c.origin))).collect(), "none");
        let format = self.format.value.as_deref().unwrap_or("human");
        let _ = writeln!(s, "format: {format} ({})", origin(self.format.origin));
        let _ = match &self.target.value {
            Some(t) => writeln!(s, "target: {t} ({})", origin(self.target.origin)),
            None => writeln!(s, "target: from each file (default)"),
        };
        s
    }
}

/// One `--show-config` line per value (with its origin), or the default.
fn list(s: &mut String, name: &str, items: Vec<(String, String)>, default: &str) {
    if items.is_empty() {
        let _ = writeln!(s, "{name}: {default} (default)");
    }
    for (v, o) in items {
        let _ = writeln!(s, "{name}: {v} ({o})");
    }
}
