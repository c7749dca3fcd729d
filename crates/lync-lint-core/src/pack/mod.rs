//! Loading policy packs: the embedded built-in pack and directories given by the user.
//!
//! A pack is a directory with `pack.kdl`, an optional `vocabulary.kdl`, policy files (every
//! other `*.kdl`) and policy tests (`*.test.kdl`). All vocabularies are loaded before any
//! policy, so a user pack's policies may use the built-in vocabulary and vice versa. Every
//! mistake in every file is collected: one broken file never hides the others' problems.
//! Decoding the files' contents belongs to `vocab`, `policy` and `packtest`.

pub mod compiled;
mod decision;

pub use decision::Decision;

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, FileDiagnostics, SourceFile};
use crate::doc::{Document, Span};
use crate::parse::Explain;
use crate::policy::{self, Policy};
use crate::read::Reader;
use crate::strings::Text;
use crate::vocab::{self, Vocabulary};

/// A pack's identity from its `pack.kdl`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PackInfo {
    /// The pack's name (`pack "NAME"`); empty when `pack.kdl` is missing or does not parse.
    pub name: Text,
    /// The pack's `version`, e.g. `2.0.0`; empty when not given.
    pub version: Text,
    /// The pack's `description`; empty when not given.
    pub description: Text,
    /// The date of the facts the pack encodes (`as-of`, `YYYY-MM-DD`); empty when not given.
    pub as_of: Text,
    /// Where it came from: `builtin` or the directory.
    pub origin: Text,
    /// What the pack's verdict decides (`decision` in `pack.kdl`).
    pub decision: Option<Decision>,
}

/// The files of one pack, before decoding.
#[derive(Debug, Clone)]
pub struct PackSource {
    /// Where the pack comes from: `builtin` or the directory as given.
    pub origin: String,
    /// (display path, text), sorted by path. The built-in pack's texts are borrowed from
    /// the binary.
    pub files: Vec<(String, Cow<'static, str>)>,
}

impl PackSource {
    /// A pack from files read elsewhere: (display path, text).
    #[must_use]
    pub fn new(origin: String, files: Vec<(String, String)>) -> Self {
        Self { origin, files: files.into_iter().map(|(path, text)| (path, Cow::Owned(text))).collect() }
    }

    /// Reads every `*.kdl` file under `dir`.
    ///
    /// # Errors
    /// When the directory or one of its files cannot be read.
    pub fn from_dir(dir: &Path) -> Result<Self, String> {
        if !dir.is_dir() {
            return Err(format!("policy pack `{}` is not a directory", dir.display()));
        }
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| format!("cannot read policy pack `{}`: {e}", dir.display()))?;
            let path = entry.path();
            if entry.file_type().is_file() && path.extension().is_some_and(|x| x == "kdl") {
                let text = crate::source::read_text(path).map_err(|e| e.to_string())?;
                files.push((path.display().to_string(), text));
            }
        }
        Ok(Self::new(dir.display().to_string(), files))
    }
}

/// Every loaded pack, their merged vocabulary and their policies.
#[derive(Debug, Default)]
pub struct PackSet {
    /// The packs, in load order.
    pub packs: Vec<PackInfo>,
    /// The vocabularies of every pack, merged.
    pub vocab: Vocabulary,
    /// The policies of every pack, in load order; a policy whose id is already taken is
    /// left out (and reported).
    pub policies: Vec<Policy>,
    /// Policy files, indexed by [`Policy::file`].
    pub files: Vec<Arc<SourceFile>>,
    /// The pack (index into `packs`) of each policy file, parallel to `files`.
    pub file_packs: Vec<usize>,
    /// Policy test files (`*.test.kdl`).
    pub tests: Vec<Arc<SourceFile>>,
    /// The pack (index into `packs`) of each test file, parallel to `tests`.
    pub test_packs: Vec<usize>,
    /// A vocabulary file did not parse (only in a set from [`PackSet::decode`]): names
    /// cannot be checked against the vocabulary.
    pub vocab_broken: bool,
}

/// What kind of file a pack file is, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Info,
    Vocabulary,
    Policy,
    Test,
}

impl Kind {
    fn of(path: &str) -> Self {
        match Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or("") {
            "pack.kdl" => Self::Info,
            "vocabulary.kdl" => Self::Vocabulary,
            n if n.ends_with(".test.kdl") => Self::Test,
            _ => Self::Policy,
        }
    }
}

/// A policy file parsed in the first pass, decoded once every vocabulary is known.
struct PendingPolicies {
    file: Arc<SourceFile>,
    doc: Document,
    pack: usize,
}

/// The state of [`PackSet::decode`] between its two passes.
#[derive(Default)]
struct Loader {
    set: PackSet,
    errors: Vec<FileDiagnostics>,
    pending: Vec<PendingPolicies>,
    /// A vocabulary file failed to parse: selectors cannot be checked against it.
    vocab_broken: bool,
    /// The index of a pack whose name was already loaded.
    duplicate_pack: Option<usize>,
    /// How syntax errors are explained (the parser's first error when `None`).
    explain: Option<Explain>,
}

impl PackSet {
    /// The policy with the rule id `id`; `None` when no loaded pack has it.
    #[must_use]
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// What the verdict decides: the first loaded pack's `decision` that has one.
    #[must_use]
    pub fn decision(&self) -> Option<&Decision> {
        self.packs.iter().find_map(|p| p.decision.as_ref())
    }

    /// The targets a file may choose: the allowed values of the first argument of the node
    /// the decision names (`deployment > target`: `online`, `on-premises`, `hybrid`).
    #[must_use]
    pub fn target_choices(&self) -> Vec<&str> {
        let Some(decision) = self.decision() else { return Vec::new() };
        let mut decls = &self.vocab.nodes[..];
        let mut node = None;
        for name in &decision.target {
            let Some(d) = decls.iter().find(|d| d.name == *name) else { return Vec::new() };
            decls = &d.children;
            node = Some(d);
        }
        node.and_then(|n| n.args.first())
            .map(|a| a.choices.iter().map(|c| c.value.as_str()).collect())
            .unwrap_or_default()
    }

    /// The verdict names of the decision (ruled out first), empty without a decision.
    #[must_use]
    pub fn verdict_names(&self) -> Vec<&str> {
        self.decision().map(|d| vec![d.ruled_out.as_str(), d.viable.as_str()]).unwrap_or_default()
    }

    /// The pack (index into `packs`) a policy belongs to.
    #[must_use]
    pub fn pack_of(&self, p: &Policy) -> Option<usize> {
        self.file_packs.get(p.file).copied()
    }

    /// Loads packs in order; every mistake in any file is reported. `explain` explains the
    /// syntax errors of files that do not parse.
    ///
    /// # Errors
    /// The diagnostics of every broken file.
    pub fn load(sources: &[PackSource], explain: Explain) -> Result<Self, Vec<FileDiagnostics>> {
        let (set, errors) = Self::decode(sources, explain);
        if errors.is_empty() { Ok(set) } else { Err(errors) }
    }

    /// Loads packs in order, keeping whatever decoded despite mistakes: the set (possibly
    /// incomplete) and the diagnostics of every broken file. Lets a caller go on to report
    /// the mistakes of files that depend on the packs (tests) in the same run.
    #[must_use]
    pub fn decode(sources: &[PackSource], explain: Explain) -> (Self, Vec<FileDiagnostics>) {
        let mut l = Loader { explain: Some(explain), ..Loader::default() };
        for source in sources {
            l.load_source(source);
        }
        for pending in std::mem::take(&mut l.pending) {
            l.load_policies(pending);
        }
        l.set.vocab_broken = l.vocab_broken;
        (l.set, l.errors)
    }
}

impl Loader {
    fn report(&mut self, file: &Arc<SourceFile>, diagnostics: Vec<Diagnostic>) {
        if !diagnostics.is_empty() {
            self.errors.push(FileDiagnostics { file: file.clone(), diagnostics });
        }
    }

    /// First pass over one pack: `pack.kdl`, the vocabulary, and parsing the other files.
    fn load_source(&mut self, source: &PackSource) {
        let pack = self.set.packs.len();
        let mut info = None;
        let mut files = Vec::new();
        for (path, text) in &source.files {
            let file = SourceFile::with_text(path.clone(), text.clone());
            let kind = Kind::of(path);
            if kind == Kind::Test {
                self.set.tests.push(file);
                self.set.test_packs.push(pack);
                continue;
            }
            let doc = match crate::parse::parse_explained(text, self.explain.unwrap_or(crate::parse::first_error)) {
                Ok(doc) => doc,
                Err(errs) => {
                    self.vocab_broken |= kind == Kind::Vocabulary;
                    info = info.or((kind == Kind::Info).then(PackInfo::default));
                    self.report(&file, errs.into_iter().map(crate::parse::SyntaxError::into_diagnostic).collect());
                    continue;
                }
            };
            files.push((file, doc, kind));
        }
        for (file, doc, kind) in files {
            let mut r = Reader::new(match kind {
                Kind::Info => "pack",
                Kind::Vocabulary => "vocabulary",
                Kind::Policy | Kind::Test => "policy",
            });
            match kind {
                Kind::Info => info = Some(self.load_info(&file, &doc, &mut r, &source.origin)),
                Kind::Vocabulary => self.set.vocab.merge(vocab::load(&doc, &mut r)),
                Kind::Policy | Kind::Test => self.pending.push(PendingPolicies { file: file.clone(), doc, pack }),
            }
            self.report(&file, r.diagnostics);
        }
        if info.is_none() {
            self.report(
                &SourceFile::new(format!("{}/pack.kdl", source.origin), ""),
                vec![
                    Diagnostic::error("pack::missing", format!("`{}` has no `pack.kdl`", source.origin))
                        .with_help("a pack directory needs `pack \"NAME\" { version \"1.0.0\" }` in `pack.kdl`"),
                ],
            );
        }
        self.drop_if_duplicate(pack);
        let mut info = info.unwrap_or_default();
        info.origin = source.origin.as_str().into();
        self.set.packs.push(info);
    }

    /// Leaves out the policies and tests of a pack whose name was already loaded.
    fn drop_if_duplicate(&mut self, pack: usize) {
        if self.duplicate_pack.take() == Some(pack) {
            self.pending.retain(|p| p.pack != pack);
            while self.set.test_packs.last() == Some(&pack) {
                self.set.test_packs.pop();
                self.set.tests.pop();
            }
        }
    }

    /// Decodes `pack.kdl`; a pack name already loaded is an error naming both origins, and
    /// the second pack's policies and tests are left out (they would all be duplicates).
    fn load_info(&mut self, file: &Arc<SourceFile>, doc: &Document, r: &mut Reader, origin: &str) -> PackInfo {
        let (info, name_span) = decode_info(doc, r, origin);
        if let (Some(span), Some(other)) = (name_span, self.set.packs.iter().find(|p| p.name == info.name)) {
            self.duplicate_pack = Some(self.set.packs.len());
            r.error_help(
                "duplicate-name",
                format!("pack `{}` is loaded twice: from `{}` and from `{origin}`", info.name, other.origin),
                span,
                "loaded again here",
                Some(format!("give each pack its own name, or load `{}` only once", file.name)),
            );
        }
        info
    }

    /// Second pass: one policy file, against the vocabulary of every pack.
    fn load_policies(&mut self, pending: PendingPolicies) {
        let PendingPolicies { file, doc, pack } = pending;
        let mut r = Reader::new("policy");
        let index = self.set.files.len();
        let loaded = policy::load_file(&file.text, &doc.nodes, index, &self.set.vocab, &mut r);
        for p in loaded {
            if let Some(first) = self.set.policies.iter().find(|q| q.id == p.id) {
                let d = self.duplicate_id(&p, first, &file, pack);
                r.push(d);
            } else {
                self.set.policies.push(p);
            }
        }
        if self.vocab_broken {
            // Names cannot be checked against a vocabulary that did not parse: no cascade.
            r.diagnostics.retain(|d| d.code != "policy::unknown-node" && d.code != "policy::unknown-property");
        }
        self.report(&file, r.diagnostics);
        self.set.files.push(file);
        self.set.file_packs.push(pack);
    }

    /// `policy::duplicate-id`, naming both places (pack, file and line).
    fn duplicate_id(&self, p: &Policy, first: &Policy, file: &Arc<SourceFile>, pack: usize) -> Diagnostic {
        let place = |f: &SourceFile, span: Span, pack: Option<usize>| {
            let name = pack.and_then(|i| self.set.packs.get(i)).map_or("", |i| i.name.as_str());
            let line = crate::text::LineIndex::new(&f.text).position(span.start).line;
            if name.is_empty() {
                format!("`{}:{line}`", f.name)
            } else {
                format!("`{}:{line}` (pack `{name}`)", f.name)
            }
        };
        let here = place(file, p.id_span, Some(pack));
        let there = self
            .set
            .files
            .get(first.file)
            .map_or_else(|| "another file".to_owned(), |f| place(f, first.id_span, self.set.pack_of(first)));
        Diagnostic::error("policy::duplicate-id", format!("rule `{}` is defined twice: in {there} and in {here}", p.id))
            .with_label(p.id_span, "defined again here")
            .with_help(format!("rule ids must be unique across packs; rename one, e.g. `{}-2`", p.id))
    }
}

const INFO_FIELDS: &[&str] = &["version", "description", "as-of", "decision"];

/// Decodes the fields of the `pack` node; `false` when it has no `version`.
fn info_fields(node: &crate::doc::Node, info: &mut PackInfo, r: &mut Reader) -> bool {
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for f in node.children() {
        let key = f.name.value.as_str();
        if !INFO_FIELDS.contains(&key) {
            r.unknown_child(f, "pack", INFO_FIELDS);
            continue;
        }
        if let Some((_, at)) = seen.iter().find(|(k, _)| *k == key) {
            r.duplicate(f, *at);
            continue;
        }
        seen.push((key, f.name.span));
        if key == "decision" {
            info.decision = decision::decode(f, r);
            continue;
        }
        r.allow_props(f, &[]);
        let Some((v, span)) = r.string_arg(f, "a string") else { continue };
        if key == "as-of" && !crate::vocab::is_date(&v) {
            r.error("type", "`as-of` must be a date `YYYY-MM-DD`", span, "not a date");
        }
        match key {
            "version" => info.version = v.into(),
            "description" => info.description = v.into(),
            _ => info.as_of = v.into(),
        }
    }
    seen.iter().any(|(k, _)| *k == "version")
}

/// Decodes `pack.kdl`: the info, and the span of the pack's name.
fn decode_info(doc: &Document, r: &mut Reader, origin: &str) -> (PackInfo, Option<Span>) {
    let mut info = PackInfo { origin: origin.into(), ..PackInfo::default() };
    let mut name_span = None;
    let mut first: Option<Span> = None;
    for node in &doc.nodes {
        if node.name.value != "pack" {
            r.unknown_child(node, "pack.kdl", &["pack"]);
            continue;
        }
        if let Some(f) = first {
            r.duplicate(node, f);
            continue;
        }
        first = Some(node.name.span);
        r.allow_props(node, &[]);
        if let Some((name, span)) = r.string_arg(node, "the pack's name") {
            info.name = name.into();
            name_span = Some(span);
        }
        if !info_fields(node, &mut info, r) {
            r.error("missing-field", "the pack has no `version`", node.name.span, "add `version \"1.0.0\"`");
        }
    }
    if first.is_none() && doc.nodes.is_empty() {
        r.error("missing-field", "`pack.kdl` declares no pack", Span::new(0, 0), "add `pack \"NAME\" { ... }`");
    }
    (info, name_span)
}
