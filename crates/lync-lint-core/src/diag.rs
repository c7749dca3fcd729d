//! Diagnostics as plain data: what every check produces and every renderer consumes.
//!
//! Spans stay byte offsets here; line/column conversion happens only in `render/` and `lsp/`.

use std::fmt;
use std::sync::Arc;

use crate::doc::Span;

/// A diagnostic's severity, after configuration and target adjustments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Advice,
    Warning,
    Error,
}

impl Severity {
    /// Parses the policy-language spelling (`error`, `warning`, `advice`).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "error" => Some(Self::Error),
            "warning" => Some(Self::Warning),
            "advice" => Some(Self::Advice),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Advice => "advice",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A labelled span. The first label of a diagnostic is its primary one.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: Option<String>,
}

impl Label {
    #[must_use]
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Self { span, text: Some(text.into()) }
    }

    #[must_use]
    pub fn bare(span: Span) -> Self {
        Self { span, text: None }
    }
}

/// One diagnostic about one source file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// `kdl::syntax`, `schema::type`, a rule id, ...
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// Primary label first, then the secondary ones. May be empty for whole-file problems.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub url: Option<String>,
    /// What a rule finding rules out (`online`), `None` for other diagnostics.
    pub rules_out: Option<String>,
    /// `true` when this is a policy finding (its code is a rule id).
    pub is_finding: bool,
    /// The cited source, as people read it: `Title (date)`.
    pub source: Option<String>,
    /// Set when a waiver suppresses this finding.
    pub waived: Option<Box<Waived>>,
    /// A finding's identity inside its file, for baselines: `voice/pbx-integration[1]`.
    pub node_path: Option<String>,
}

impl Diagnostic {
    #[must_use]
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            url: None,
            rules_out: None,
            is_finding: false,
            source: None,
            waived: None,
            node_path: None,
        }
    }

    #[must_use]
    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, message) }
    }

    #[must_use]
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label::new(span, text));
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The primary span (the start of the file when there is no label).
    #[must_use]
    pub fn primary_span(&self) -> Span {
        self.labels.first().map_or(Span::new(0, 0), |l| l.span)
    }
}

/// Why a finding is suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Waived {
    pub reason: String,
    pub expires: Option<String>,
    pub owner: Option<String>,
    pub ticket: Option<String>,
    /// The waiver node, in the same file.
    pub span: Span,
}

/// A source file's display name and text, shared by everything that points into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    #[must_use]
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self { name: name.into(), text: text.into() })
    }
}

/// Diagnostics about one file (used for pack, policy and config files).
#[derive(Debug, Clone)]
pub struct FileDiagnostics {
    pub file: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The closest candidate to `name` by edit distance, if it is close enough to be a typo.
#[must_use]
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = name.chars().count();
    let limit = (len / 3).max(2);
    candidates
        .into_iter()
        // Names whose lengths differ by more than the limit cannot be close; skipping them
        // keeps a huge misspelled name from costing a full edit distance per candidate.
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
