//! The project configuration, `lync-lint.kdl` (SPEC §6).
//!
//! Found by walking up from the working directory (stopping at a repository root or the
//! filesystem root), or given with `--config FILE`. Every mistake is a `config::*`
//! diagnostic with a span into the file. Paths and globs are relative to the file's directory.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lync_lint_core::diag::{FileDiagnostics, SourceFile, did_you_mean};
use lync_lint_core::doc::{Node, Span};
use lync_lint_core::engine::RuleSetting;
use lync_lint_core::read::Reader;

/// The config file's name.
pub const FILE_NAME: &str = "lync-lint.kdl";

/// The output formats `format` may name.
pub const FORMATS: &[&str] = crate::render::format::Format::NAMES;

const FIELDS: &[&str] = &["include", "exclude", "policies", "builtin", "rule", "format", "target", "select", "ignore"];

/// A value and the 1-based line of the config that set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub span: Span,
}

/// The decoded configuration (empty when there is no file).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file, when one was loaded.
    pub file: Option<Arc<SourceFile>>,
    /// The directory paths and globs are relative to.
    pub dir: PathBuf,
    pub include: Vec<Setting<String>>,
    pub exclude: Vec<Setting<String>>,
    pub policies: Vec<Setting<PathBuf>>,
    pub builtin: Option<Setting<bool>>,
    pub rules: Vec<Setting<(String, RuleSetting)>>,
    pub format: Option<Setting<String>>,
    pub target: Option<Setting<String>>,
    /// Codes and prefixes to report (`select "enterprise-voice/" ...`).
    pub select: Vec<Setting<String>>,
    /// Codes and prefixes never to report.
    pub ignore: Vec<Setting<String>>,
}

/// Why the configuration could not be used (exit code 2).
#[derive(Debug)]
pub enum ConfigError {
    Read(String),
    Invalid(FileDiagnostics),
}

/// Looks for `lync-lint.kdl` in `start` and its parents, stopping after a directory that
/// holds `.git` (the repository root).
#[must_use]
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

impl Config {
    /// An empty configuration rooted at `dir`.
    #[must_use]
    pub fn empty(dir: PathBuf) -> Self {
        Self { dir, ..Self::default() }
    }

    /// Reads and decodes a config file.
    ///
    /// # Errors
    /// When the file cannot be read, or has mistakes.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = lync_lint_core::source::read_text(path).map_err(|e| ConfigError::Read(e.to_string()))?;
        Self::from_text(path, text)
    }

    /// Decodes a config file's text (an editor's buffer, say) as if read from `path`.
    ///
    /// # Errors
    /// When the text has mistakes.
    pub fn from_text(path: &Path, text: String) -> Result<Self, ConfigError> {
        let file = SourceFile::new(path.display().to_string(), text);
        let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        let doc = lync_lint_core::parse::parse(&file.text).map_err(|errs| {
            ConfigError::Invalid(FileDiagnostics {
                file: file.clone(),
                diagnostics: errs.into_iter().map(lync_lint_core::parse::SyntaxError::into_diagnostic).collect(),
            })
        })?;
        let mut r = Reader::new("config");
        let mut config = Self { file: Some(file.clone()), dir, ..Self::default() };
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for node in &doc.nodes {
            let name = node.name.value.as_str();
            if !FIELDS.contains(&name) {
                r.unknown_child(node, "the configuration", FIELDS);
                continue;
            }
            if !matches!(name, "include" | "exclude" | "policies" | "rule" | "select" | "ignore") {
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                    r.duplicate(node, *first);
                    continue;
                }
                seen.push((name, node.name.span));
            }
            config.field(node, &mut r);
        }
        if r.has_errors() {
            return Err(ConfigError::Invalid(FileDiagnostics { file, diagnostics: r.diagnostics }));
        }
        Ok(config)
    }

    fn field(&mut self, node: &Node, r: &mut Reader) {
        let name = node.name.value.as_str();
        if name != "rule" {
            r.allow_props(node, &[]);
        }
        match name {
            "select" | "ignore" => {
                let values = strings(node, r);
                if values.is_empty() {
                    r.error("arity", format!("`{name}` needs at least one code or prefix"), node.name.span, "empty");
                }
                // Checked against the loaded packs' rules and the engine's codes later.
                let list = if name == "select" { &mut self.select } else { &mut self.ignore };
                list.extend(values.into_iter().map(|(value, span)| Setting { value, span }));
            }
            "include" | "exclude" | "policies" => {
                let values = strings(node, r);
                if values.is_empty() {
                    r.error("arity", format!("`{name}` needs at least one value"), node.name.span, "empty");
                }
                for (value, span) in values {
                    match name {
                        "include" => self.include.push(Setting { value: check_glob(value, span, r), span }),
                        "exclude" => self.exclude.push(Setting { value: check_glob(value, span, r), span }),
                        _ => self.policies.push(Setting { value: self.dir.join(value), span }),
                    }
                }
            }
            "builtin" => {
                if let Some(e) = node.arg(0) {
                    if let Some(b) = r.expect_bool(e, "`builtin`") {
                        self.builtin = Some(Setting { value: b, span: e.value_span() });
                    }
                } else {
                    r.error("arity", "`builtin` needs `#true` or `#false`", node.name.span, "value missing");
                }
            }
            "format" => {
                if let Some((f, span)) = r.string_arg(node, "a format") {
                    if FORMATS.contains(&f.as_str()) {
                        self.format = Some(Setting { value: f, span });
                    } else {
                        let help = did_you_mean(&f, FORMATS.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                        r.error_help("value", format!("unknown format `{f}`"), span, "not a format", help);
                    }
                }
            }
            "target" => {
                // Checked against the packs' target choices once they are loaded.
                if let Some((value, span)) = r.string_arg(node, "a target") {
                    self.target = Some(Setting { value, span });
                }
            }
            _ => self.rule(node, r),
        }
    }

    fn rule(&mut self, node: &Node, r: &mut Reader) {
        r.allow_props(node, &["severity"]);
        let Some((id, span)) = r.string_arg(node, "a rule id") else { return };
        let Some(e) = node.prop("severity") else {
            r.error("arity", format!("`rule \"{id}\"` needs `severity=`"), node.name.span, "severity missing");
            return;
        };
        let Some(s) = r.expect_string(e, "`severity`") else { return };
        let Some(setting) = RuleSetting::parse(&s) else {
            let help = did_you_mean(&s, RuleSetting::NAMES).map(|c| format!("did you mean `{c}`?"));
            r.error_help(
                "value",
                format!("unknown severity `{s}`"),
                e.value_span(),
                format!("expected {}", RuleSetting::choices()),
                help,
            );
            return;
        };
        self.rules.push(Setting { value: (id, setting), span });
    }
}

fn strings(node: &Node, r: &mut Reader) -> Vec<(String, Span)> {
    node.args().filter_map(|e| r.expect_string(e, "a value").map(|s| (s, e.value_span()))).collect()
}

fn check_glob(value: String, span: Span, r: &mut Reader) -> String {
    if let Err(e) = globset::Glob::new(&value) {
        r.error("glob", format!("invalid glob `{value}`"), span, e.kind().to_string());
    }
    value
}
