//! Diagnostics as plain data: what every check produces and every renderer consumes.
//!
//! Spans stay byte offsets here; line/column conversion happens only in `render/` and `lsp/`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::doc::Span;

/// A diagnostic's severity, after configuration and target adjustments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    /// Reported for information only; never fails a run.
    Advice,
    /// Fails a run only when warnings are denied (`--deny-warnings`).
    Warning,
    /// Fails the run.
    Error,
}

impl Severity {
    /// Every severity's policy-language spelling, most severe first.
    pub const NAMES: [&str; 3] = ["error", "warning", "advice"];

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

    /// The policy-language spelling: `error`, `warning` or `advice`.
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
    /// The bytes of the file the label points at.
    pub span: Span,
    /// The text shown at the span; `None` for a label that only marks the place.
    pub text: Option<String>,
}

impl Label {
    /// A label with `text` at `span`.
    #[must_use]
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Self { span, text: Some(text.into()) }
    }

    /// A label without text that only marks `span`.
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
    /// The severity it is reported with, after rule settings and the target have adjusted it.
    pub severity: Severity,
    /// The one-line summary of the problem.
    pub message: String,
    /// Primary label first, then the secondary ones. May be empty for whole-file problems.
    pub labels: Vec<Label>,
    /// What to do about it; `None` when there is no advice.
    pub help: Option<String>,
    /// A link to read more: for a finding, the first of its rule's sources that has one;
    /// `None` when there is none.
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
    /// For a finding: the users its needs concern (the largest `users=` among its evidence
    /// nodes that are needs); `None`: the whole organization.
    pub need_users: Option<u64>,
    /// The safe fix of this diagnostic (SPEC §7.1), applied by `--fix` and offered by the
    /// language server; `None` when there is none. Its spans point into the same text.
    pub fix: Option<Fix>,
}

/// One replacement of the bytes `span` with `text` (an insertion when `span` is empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    /// The bytes replaced.
    pub span: Span,
    /// What replaces them.
    pub text: String,
}

impl Edit {
    /// Replaces `span` with `text`.
    #[must_use]
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Self { span, text: text.into() }
    }
}

/// A safe fix: edits that cannot change what the user meant (SPEC §7.1). `crate::fix`
/// applies them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for people: ``Replace with `call-park` ``.
    pub title: String,
    /// The edits, in any order, never overlapping.
    pub edits: Vec<Edit>,
}

impl Fix {
    /// Replaces `span` with `text`, titled ``Replace with `TEXT` ``.
    #[must_use]
    pub fn replace(span: Span, text: impl Into<String>) -> Self {
        let text = text.into();
        Self { title: format!("Replace with `{text}`"), edits: vec![Edit::new(span, text)] }
    }
}

impl Diagnostic {
    /// An error with `code` and `message`, with no labels, help or finding data.
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
            need_users: None,
            fix: None,
        }
    }

    /// A warning with `code` and `message`, with no labels, help or finding data.
    #[must_use]
    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, message) }
    }

    /// Adds a label with `text` at `span` after the existing ones (the first one added is
    /// the primary label).
    #[must_use]
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label::new(span, text));
        self
    }

    /// Sets the help text.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help text, or removes it when `help` is `None`.
    #[must_use]
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Sets the fix, or removes it when `fix` is `None`.
    #[must_use]
    pub fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
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
    /// The waiver's `reason` (never empty: a waiver without one suppresses nothing).
    pub reason: String,
    /// The waiver's `expires` date (`YYYY-MM-DD`); `None` when it never expires.
    pub expires: Option<String>,
    /// The waiver's `owner`; `None` when not given.
    pub owner: Option<String>,
    /// The waiver's `ticket`; `None` when not given.
    pub ticket: Option<String>,
    /// The waiver node, in the same file.
    pub span: Span,
}

/// A source file's display name and text, shared by everything that points into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The name messages show for the file: its path, `<stdin>` (or the name given for
    /// standard input), or a description of embedded text.
    pub name: String,
    /// The whole text (without a byte order mark); spans are byte offsets into it. Borrowed
    /// for text embedded in the program (the built-in pack's files), which is then not copied
    /// at every start.
    pub text: Cow<'static, str>,
}

impl SourceFile {
    /// A shared source file named `name` holding `text`.
    #[must_use]
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Self::with_text(name, Cow::Owned(text.into()))
    }

    /// A shared source file named `name` holding `text`, borrowed when it is embedded.
    #[must_use]
    pub fn with_text(name: impl Into<String>, text: Cow<'static, str>) -> Arc<Self> {
        Arc::new(Self { name: name.into(), text })
    }
}

/// Diagnostics about one file (used for pack, policy and config files).
#[derive(Debug, Clone)]
pub struct FileDiagnostics {
    /// The file the diagnostics point into.
    pub file: Arc<SourceFile>,
    /// The diagnostics about it.
    pub diagnostics: Vec<Diagnostic>,
}

/// `items` as a message lists them: `a`, `a or b`, `a, b or c`.
#[must_use]
pub fn or_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} or {}", init.join(", "), last.as_ref())
        }
    }
}

/// The closest candidate to `name` by edit distance, if it is close enough to be a typo.
#[must_use]
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest(name, candidates).map(|(c, _)| c)
}

/// The first closest candidate within the typo limit ([`did_you_mean`]'s), and whether no
/// other candidate is as close (only then may a fix rename to it, SPEC §7.1); one pass over
/// the candidates.
#[must_use]
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<(&'a str, bool)> {
    let len = name.chars().count();
    let limit = (len / 3).max(2);
    let mut best: Option<(usize, &str, bool)> = None;
    // Names whose lengths differ by more than the limit cannot be close; skipping them keeps
    // a huge misspelled name from costing a full edit distance per candidate.
    for c in candidates.into_iter().filter(|c| c.chars().count().abs_diff(len) <= limit) {
        let d = strsim::levenshtein(name, c);
        best = match best {
            _ if d > limit => best,
            Some((b, first, _)) if d == b && first != c => Some((b, first, false)),
            Some((b, ..)) if d >= b => best,
            _ => Some((d, c, true)),
        };
    }
    best.map(|(_, c, sole)| (c, sole))
}
