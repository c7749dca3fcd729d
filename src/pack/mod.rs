//! Loading policy packs: the embedded built-in pack and directories given by the user.
//!
//! A pack is a directory with `pack.kdl`, an optional `vocabulary.kdl`, policy files (every
//! other `*.kdl`) and policy tests (`*.test.kdl`). All vocabularies are loaded before any
//! policy, so a user pack's policies may use the built-in vocabulary and vice versa.

pub mod read;

use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, FileDiagnostics, SourceFile};
use crate::policy::{self, Policy};
use crate::vocab::{self, Vocabulary};
use read::Reader;

/// The built-in pack's files, embedded at build time: (path relative to `policies/`, text).
const BUILTIN: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// A pack's identity from its `pack.kdl`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PackInfo {
    pub name: String,
    pub version: String,
    pub description: String,
    pub as_of: String,
    /// Where it came from: `builtin` or the directory.
    pub origin: String,
}

/// The files of one pack, before decoding.
#[derive(Debug, Clone)]
pub struct PackSource {
    pub origin: String,
    /// (display path, text), sorted by path.
    pub files: Vec<(String, String)>,
}

impl PackSource {
    /// The built-in `lync-2013` pack.
    #[must_use]
    pub fn builtin() -> Self {
        Self {
            origin: "builtin".to_owned(),
            files: BUILTIN.iter().map(|(p, t)| (format!("policies/{p}"), (*t).to_owned())).collect(),
        }
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
        Ok(Self { origin: dir.display().to_string(), files })
    }
}

/// Every loaded pack, their merged vocabulary and their policies.
#[derive(Debug, Default)]
pub struct PackSet {
    pub packs: Vec<PackInfo>,
    pub vocab: Vocabulary,
    pub policies: Vec<Policy>,
    /// Policy files, indexed by [`Policy::file`].
    pub files: Vec<Arc<SourceFile>>,
    /// Policy test files (`*.test.kdl`).
    pub tests: Vec<Arc<SourceFile>>,
}

impl PackSet {
    #[must_use]
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }

    /// Loads packs in order; every mistake in any file is reported.
    ///
    /// # Errors
    /// The diagnostics of every broken file.
    pub fn load(sources: &[PackSource]) -> Result<Self, Vec<FileDiagnostics>> {
        let mut set = Self::default();
        let mut errors = Vec::new();
        let mut policy_docs = Vec::new();
        for source in sources {
            let mut info = PackInfo { origin: source.origin.clone(), ..PackInfo::default() };
            for (path, text) in &source.files {
                let file = SourceFile::new(path.clone(), text.clone());
                let name = Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.ends_with(".test.kdl") {
                    set.tests.push(file);
                    continue;
                }
                let doc = match crate::parse::parse(text) {
                    Ok(doc) => doc,
                    Err(errs) => {
                        errors.push(FileDiagnostics {
                            file,
                            diagnostics: errs.into_iter().map(crate::engine::syntax_diagnostic).collect(),
                        });
                        continue;
                    }
                };
                let mut r = Reader::new(match name {
                    "pack.kdl" => "pack",
                    "vocabulary.kdl" => "vocabulary",
                    _ => "policy",
                });
                match name {
                    "pack.kdl" => info = load_info(&doc, &mut r, &source.origin),
                    "vocabulary.kdl" => set.vocab.merge(vocab::load(&doc, &mut r)),
                    _ => policy_docs.push((file.clone(), doc)),
                }
                if r.has_errors() {
                    errors.push(FileDiagnostics { file, diagnostics: r.diagnostics });
                }
            }
            if info.name.is_empty() {
                errors.push(FileDiagnostics {
                    file: SourceFile::new(format!("{}/pack.kdl", source.origin), ""),
                    diagnostics: vec![
                        Diagnostic::error("pack::missing", format!("`{}` has no `pack.kdl`", source.origin))
                            .with_help("a pack directory needs `pack \"NAME\" { version \"1.0.0\" }` in `pack.kdl`"),
                    ],
                });
            }
            set.packs.push(info);
        }
        for (file, doc) in policy_docs {
            let mut r = Reader::new("policy");
            let index = set.files.len();
            let loaded = policy::load_file(&file.text, &doc.nodes, index, &set.vocab, &mut r);
            for p in loaded {
                if let Some(first) = set.policies.iter().find(|q| q.id == p.id) {
                    let other = &set.files.get(first.file).map_or(file.name.clone(), |f| f.name.clone());
                    r.error_help(
                        "duplicate-id",
                        format!("rule `{}` is defined twice", p.id),
                        p.id_span,
                        "defined again here",
                        Some(format!("it is first defined in `{other}`; rule ids must be unique across packs")),
                    );
                } else {
                    set.policies.push(p);
                }
            }
            if r.has_errors() {
                errors.push(FileDiagnostics { file: file.clone(), diagnostics: r.diagnostics });
            }
            set.files.push(file);
        }
        if errors.is_empty() { Ok(set) } else { Err(errors) }
    }
}

fn load_info(doc: &crate::doc::Document, r: &mut Reader, origin: &str) -> PackInfo {
    let mut info = PackInfo { origin: origin.to_owned(), ..PackInfo::default() };
    for node in &doc.nodes {
        if node.name.value != "pack" {
            r.unknown_child(node, "pack.kdl", &["pack"]);
            continue;
        }
        r.allow_props(node, &[]);
        if let Some((name, _)) = r.string_arg(node, "the pack's name") {
            info.name = name;
        }
        for f in node.children() {
            let slot = match f.name.value.as_str() {
                "version" => &mut info.version,
                "description" => &mut info.description,
                "as-of" => &mut info.as_of,
                _ => {
                    r.unknown_child(f, "pack", &["version", "description", "as-of"]);
                    continue;
                }
            };
            if let Some((v, _)) = r.string_arg(f, "a string") {
                *slot = v;
            }
        }
    }
    info
}
