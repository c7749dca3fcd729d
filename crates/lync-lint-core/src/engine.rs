//! Checking one environment file: parse, validate, evaluate every policy, and stamp the
//! findings (severity, target semantics, verdict) in one place.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use crate::baseline::{Applied, ByFile};
use crate::diag::{Diagnostic, Label, Severity, SourceFile};
use crate::doc::{Document, Node, Span, Value};
use crate::eval::{self, Evidence};
use crate::hybrid::Hybrid;
use crate::kql::Index;
use crate::pack::{Decision, PackSet};
use crate::parse::{Explain, SyntaxError};
use crate::policy::Policy;
use crate::select::CodeSelection;
use crate::strings::Text;
use crate::vocab::{NodeDecl, Vocabulary};
use crate::waiver::Today;

/// Counts of diagnostics by severity; waived findings are counted apart and nowhere else.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Error diagnostics, unwaived.
    pub errors: usize,
    /// Warnings, unwaived.
    pub warnings: usize,
    /// Advice, unwaived.
    pub advice: usize,
    /// Waived findings, whatever their severity.
    pub waived: usize,
}

impl Counts {
    #[must_use]
    /// The counts of every report.
    pub fn of(reports: &[FileReport]) -> Self {
        let mut c = Self::default();
        for r in reports {
            c.add(Self::of_diagnostics(&r.diagnostics));
        }
        c
    }

    #[must_use]
    /// The counts of one report's diagnostics.
    pub fn of_diagnostics(diagnostics: &[Diagnostic]) -> Self {
        let mut c = Self::default();
        for d in diagnostics {
            match (&d.waived, d.severity) {
                (Some(_), _) => c.waived += 1,
                (None, Severity::Error) => c.errors += 1,
                (None, Severity::Warning) => c.warnings += 1,
                (None, Severity::Advice) => c.advice += 1,
            }
        }
        c
    }

    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: Self) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.advice += other.advice;
        self.waived += other.waived;
    }
}

/// Whether an unwaived error finding rules the pack's option out (see [`Decision`]; the
/// decision names the verdicts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// An unwaived error finding rules the option out.
    RuledOut,
    /// Nothing rules the option out.
    Viable,
}

impl Verdict {
    /// The verdict's name in `decision`'s words (`online-ruled-out`, `online-viable`).
    #[must_use]
    pub fn name(self, decision: &Decision) -> &str {
        match self {
            Self::RuledOut => &decision.ruled_out,
            Self::Viable => &decision.viable,
        }
    }
}

/// The result of checking one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The checked file.
    pub file: Arc<SourceFile>,
    /// `None` when syntax or schema errors leave the needs unknown.
    pub verdict: Option<Verdict>,
    /// Every diagnostic of the file, waived findings included.
    pub diagnostics: Vec<Diagnostic>,
    /// For `online-viable` files: the workloads that serve the declared needs.
    pub workloads: Vec<String>,
    /// The rules whose findings decided `online-ruled-out`.
    pub ruled_out_by: Vec<String>,
    /// What the baseline hid in this file.
    pub baseline: Applied,
    /// Hybrid sizing (SPEC §4.1): for a ruled-out file whose organization size is known.
    pub hybrid: Option<Hybrid>,
}

impl FileReport {
    /// The unwaived findings of this file, as baseline entries.
    #[must_use]
    pub fn baseline_entries(&self) -> Vec<crate::baseline::Entry> {
        crate::baseline::entries(&self.file.name, &self.diagnostics)
    }

    /// A report without verdict: the file's needs are unknown.
    #[must_use]
    pub fn unknown(file: Arc<SourceFile>, diagnostics: Vec<Diagnostic>) -> Self {
        Self {
            file,
            verdict: None,
            diagnostics,
            workloads: Vec::new(),
            ruled_out_by: Vec::new(),
            baseline: Applied::default(),
            hybrid: None,
        }
    }
}

/// A rule's configured severity (`rule "ID" severity="..."` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    /// The rule takes no part.
    Off,
    /// The rule takes part with this severity.
    Severity(Severity),
}

impl RuleSetting {
    /// Every setting's name, as `--rule ID=LEVEL` and the configuration's `severity=` spell it.
    pub const NAMES: [&str; 4] = ["error", "warning", "advice", "off"];

    /// The setting named `name` (one of [`RuleSetting::NAMES`]).
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        if name == "off" { Some(Self::Off) } else { Severity::parse(name).map(Self::Severity) }
    }

    /// The setting's name, as [`RuleSetting::parse`] reads it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Severity(s) => s.as_str(),
        }
    }

    /// The names, as a message lists them: "error, warning, advice or off".
    #[must_use]
    pub fn choices() -> String {
        crate::diag::or_list(&Self::NAMES)
    }
}

/// What the command line and the configuration add to every file.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Overrides the files' own target (the node the pack's decision names), e.g. `hybrid`.
    pub target: Option<String>,
    /// Today's date, for waiver expiry.
    pub today: Today,
    /// How a rejected file's syntax errors are explained.
    pub explain: Explain,
    /// Severity overrides by rule id.
    pub rules: HashMap<String, RuleSetting>,
    /// Known findings to hide (`--baseline`), by file name.
    pub baseline: Option<Arc<ByFile>>,
    /// Which codes are reported (`--select`, `--ignore`); a rule not enabled does not run.
    pub select: CodeSelection,
}

impl CheckOptions {
    /// Whether rule `id` runs: selected, and not set `off`.
    #[must_use]
    pub fn runs(&self, id: &str) -> bool {
        self.select.enabled(id) && self.rules.get(id) != Some(&RuleSetting::Off)
    }

    /// The severity rule `id` reports at: its setting's, else `default` (the policy's own);
    /// `None` when the rule does not run (see [`CheckOptions::runs`]).
    #[must_use]
    pub fn severity_of(&self, id: &str, default: Severity) -> Option<Severity> {
        if !self.runs(id) {
            return None;
        }
        match self.rules.get(id) {
            Some(RuleSetting::Severity(s)) => Some(*s),
            _ => Some(default),
        }
    }
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            target: None,
            today: Today::default(),
            explain: crate::parse::first_error,
            rules: HashMap::new(),
            baseline: None,
            select: CodeSelection::default(),
        }
    }
}

/// Checks one environment file against every loaded policy.
#[must_use]
pub fn check(file: Arc<SourceFile>, packs: &PackSet, opts: &CheckOptions) -> FileReport {
    let doc = match crate::parse::parse_explained(&file.text, opts.explain) {
        Ok(doc) => doc,
        Err(errors) => {
            let diagnostics = errors.into_iter().map(SyntaxError::into_diagnostic).collect();
            return finish(FileReport::unknown(file, diagnostics), opts);
        }
    };
    check_doc(file, &doc, packs, opts)
}

/// Checks an already parsed document whose spans point into `file`.
#[must_use]
pub fn check_doc(file: Arc<SourceFile>, doc: &Document, packs: &PackSet, opts: &CheckOptions) -> FileReport {
    finish(check_needs(file, doc, packs, opts), opts)
}

/// The report as users see it: only the codes the selection enables, in source order (line,
/// then column, then code), in every output.
fn finish(mut report: FileReport, opts: &CheckOptions) -> FileReport {
    if !opts.select.is_everything() {
        report.diagnostics.retain(|d| opts.select.enabled(&d.code));
    }
    report.diagnostics.sort_by(|a, b| (a.primary_span().start, &a.code).cmp(&(b.primary_span().start, &b.code)));
    report
}

/// Validates the document, evaluates the policies, applies suppression and decides.
fn check_needs(file: Arc<SourceFile>, doc: &Document, packs: &PackSet, opts: &CheckOptions) -> FileReport {
    // Schema codes the selection leaves out do not stop the check.
    let mut schema = crate::schema::validate(doc, &packs.vocab);
    schema.retain(|d| opts.select.enabled(&d.code));
    if !schema.is_empty() {
        return FileReport::unknown(file, schema);
    }
    let decision = packs.decision();
    let target_node = decision.and_then(|d| find_target(&doc.nodes, &d.target));
    let target = opts
        .target
        .clone()
        .or_else(|| target_node.and_then(|n| n.arg(0)).and_then(|e| e.value.as_str()).map(str::to_owned));
    let index = Index::new(doc);
    // Suppression, in one place and in a fixed order: selection, severity overrides and `off`
    // (here), waivers, the baseline, then (after the verdict, which it never changes) the
    // target; what the selection leaves out is dropped last (`finish`).
    let running = |id: &str| opts.runs(id);
    let mut diagnostics: Vec<Diagnostic> = packs
        .policies
        .iter()
        .filter_map(|p| finding(p, doc, &index, opts.severity_of(&p.id, p.severity)?, &packs.vocab))
        .collect();
    crate::waiver::apply(doc, &mut diagnostics, packs, &opts.today, &running);
    let baseline =
        opts.baseline.as_ref().map(|b| crate::baseline::apply(b, &file.name, &mut diagnostics)).unwrap_or_default();
    // A pack set that decides nothing gives no verdict (`unknown` has none).
    let Some(decision) = decision else {
        return FileReport { baseline, ..FileReport::unknown(file, diagnostics) };
    };
    let rules_out = |d: &Diagnostic| d.rules_out.as_deref() == Some(decision.option.as_str());
    // The findings that decide the verdict: errors that rule the option out, not waived.
    let deciding: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_finding && d.waived.is_none() && d.severity == Severity::Error && rules_out(d))
        .collect();
    let ruled_out_by: Vec<String> = deciding.iter().map(|d| d.code.clone()).collect();
    let verdict = if ruled_out_by.is_empty() { Verdict::Viable } else { Verdict::RuledOut };
    // Sized from the findings that decided the verdict, before the target makes them advice.
    let hybrid = (verdict == Verdict::RuledOut)
        .then(|| crate::schema::total_users(doc, &packs.vocab))
        .flatten()
        .and_then(|n| u64::try_from(n).ok())
        .map(|n| {
            let counted: Vec<(&str, Option<u64>)> = deciding.iter().map(|d| (d.code.as_str(), d.need_users)).collect();
            crate::hybrid::size(n, &counted)
        });
    apply_target(&mut diagnostics, decision, target.as_deref(), target_node, verdict);
    let workloads = if verdict == Verdict::Viable { workloads(&doc.nodes, &packs.vocab.nodes) } else { Vec::new() };
    FileReport { file, verdict: Some(verdict), diagnostics, workloads, ruled_out_by, baseline, hybrid }
}

/// The node at `path` (names from the top level down), the first of each name.
fn find_target<'a>(nodes: &'a [Node], path: &[Text]) -> Option<&'a Node> {
    let (first, rest) = path.split_first()?;
    let node = nodes.iter().find(|n| n.name.value == *first)?;
    if rest.is_empty() { Some(node) } else { find_target(node.children(), rest) }
}

/// Target semantics (SPEC §4): they change how findings are reported, never the verdict.
/// Choosing the option labels the target node on the findings that rule it out; any other
/// choice makes those findings advice, and when nothing rules the option out, a warning says
/// so.
fn apply_target(
    diags: &mut Vec<Diagnostic>,
    decision: &Decision,
    target: Option<&str>,
    node: Option<&Node>,
    verdict: Verdict,
) {
    let Some(target) = target else { return };
    let span = node.map(Node::head_span);
    let rules_out = |d: &&mut Diagnostic| d.rules_out.as_deref() == Some(decision.option.as_str());
    if target == decision.option {
        if let Some(span) = span {
            for d in diags.iter_mut().filter(rules_out) {
                d.labels.push(Label::new(span, format!("{} chosen here", decision.option_name)));
            }
        }
        return;
    }
    for d in diags.iter_mut().filter(rules_out) {
        d.severity = Severity::Advice;
    }
    if verdict == Verdict::Viable {
        let mut d = Diagnostic::warning(crate::codes::ONLINE_VIABLE, decision.viable_message.clone());
        if !decision.viable_help.is_empty() {
            d.help = Some(decision.viable_help.to_string());
        }
        if let Some(span) = span {
            d.labels.push(Label::new(span, decision.viable_label.clone()));
        }
        diags.push(d);
    }
}

/// Evaluates one policy; the finding when it fires.
fn finding<'a>(
    p: &'a Policy,
    doc: &'a Document,
    index: &Index<'a>,
    severity: Severity,
    vocab: &Vocabulary,
) -> Option<Diagnostic> {
    let evidence = eval::dedup(eval::eval(&p.when, index)?);
    let first = evidence.first();
    let labels = evidence
        .iter()
        .map(|ev| {
            let text = ev.label.or(p.label.as_deref()).map(|t| eval::interpolate(t, Some(ev)));
            Label { span: evidence_span(ev), text }
        })
        .collect();
    let help = p.helps.iter().find(|h| h.when.as_ref().is_none_or(|q| !q.select_in(index).is_empty()));
    Some(Diagnostic {
        code: p.id.to_string(),
        severity,
        message: eval::interpolate(&p.message, first),
        labels,
        help: help.map(|h| h.text.to_string()),
        url: p.sources.iter().find_map(|s| s.url.as_ref().map(Text::to_string)),
        rules_out: p.rules_out.as_ref().map(Text::to_string),
        is_finding: true,
        source: p.sources.first().map(|s| match &s.date {
            Some(d) => format!("{} ({d})", s.title),
            None => s.title.to_string(),
        }),
        waived: None,
        node_path: first.and_then(|ev| node_path(&doc.nodes, &vocab.nodes, ev.node)),
        need_users: need_users(&evidence, doc, vocab),
        fix: None,
    })
}

/// The users a finding's needs concern: the largest `users=` among its evidence nodes that
/// are needs; `None` (the whole organization) when one of them says nothing, or when none is
/// a need (sites are head counts, not needs).
fn need_users(evidence: &[Evidence<'_>], doc: &Document, vocab: &Vocabulary) -> Option<u64> {
    let mut largest: Option<u64> = None;
    for ev in evidence {
        let Some((_, Some(decl))) = locate(&doc.nodes, &vocab.nodes, ev.node) else { continue };
        match crate::schema::need_users(ev.node, decl) {
            None => {}
            Some(None) => return None,
            Some(Some(u)) => largest = largest.max(u64::try_from(u).ok()),
        }
    }
    largest
}

/// The path of `target` in the document: node names joined by `/`, with a 1-based index
/// among same-named siblings for nodes the vocabulary lets repeat (`site[2]/...`). It
/// identifies a finding across edits that do not touch the node's place.
fn node_path(nodes: &[Node], decls: &[NodeDecl], target: &Node) -> Option<String> {
    locate(nodes, decls, target).map(|(path, _)| path)
}

/// The path of `target` (see [`node_path`]) and its declaration.
fn locate<'v>(nodes: &[Node], decls: &'v [NodeDecl], target: &Node) -> Option<(String, Option<&'v NodeDecl>)> {
    let contains = |n: &Node| n.span.start <= target.span.start && target.span.end <= n.span.end;
    let (mut nodes, mut decls) = (nodes, decls);
    let mut path = String::new();
    loop {
        // The sibling that is the target or holds it (a node's span covers its children).
        let i = nodes.iter().position(|n| std::ptr::eq(n, target)).or_else(|| nodes.iter().position(contains))?;
        let n = &nodes[i];
        let decl = decls.iter().find(|d| d.name == n.name.value);
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(&n.name.value);
        if decl.is_some_and(|d| d.repeat) {
            let index = nodes[..=i].iter().filter(|m| m.name.value == n.name.value).count();
            let _ = write!(path, "[{index}]");
        }
        if std::ptr::eq(n, target) {
            return Some((path, decl));
        }
        nodes = n.children();
        decls = decl.map_or(&[][..], |d| &d.children[..]);
    }
}

/// The node's head (name and entries), which is what users read as "this line".
fn evidence_span(ev: &Evidence<'_>) -> Span {
    ev.node.head_span()
}

/// The workloads of the declared nodes that carry one, unless switched off with `#false`,
/// and of the allowed values (of arguments and properties) that carry one: a need that Lync
/// Online serves only for some of its values (`dial-in-conferencing "acp"`, not
/// `"own-bridge"`) names its workload on those values alone.
fn workloads(nodes: &[Node], decls: &[NodeDecl]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let add = |w: &str, out: &mut Vec<String>| {
        if !out.iter().any(|o| o == w) {
            out.push(w.to_owned());
        }
    };
    for n in nodes {
        let Some(decl) = decls.iter().find(|d| d.name == n.name.value) else {
            continue;
        };
        let off = matches!(n.arg(0).map(|e| &e.value), Some(Value::Bool(false)));
        if let (Some(w), false) = (&decl.workload, off) {
            add(w, &mut out);
        }
        let args = n.args().zip(&decl.args);
        let props = decl.props.iter().filter_map(|p| n.prop(&p.name).map(|e| (e, p)));
        for (entry, value_decl) in args.chain(props) {
            let Some(given) = entry.value.as_str() else { continue };
            if let Some(w) = value_decl.choices.iter().find(|c| c.value == given).and_then(|c| c.workload.as_ref()) {
                add(w, &mut out);
            }
        }
        for w in workloads(n.children(), &decl.children) {
            add(&w, &mut out);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests;
