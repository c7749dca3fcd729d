//! Loading policy packs for the binary: the embedded built-in pack (compiled at build time by
//! `build.rs`, see `lync_lint_core::pack::compiled`) and packs from directories, with syntax
//! errors explained by [`crate::syntax::explain`].

use std::borrow::Cow;

use lync_lint_core::diag::FileDiagnostics;
use lync_lint_core::pack::{PackSet, PackSource, compiled};

// The built-in pack's files (`BUILTIN`) and its compiled form (`COMPILED`), from `build.rs`.
include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// The built-in `lync-2013` pack's files; their texts are borrowed from the binary.
#[must_use]
pub fn builtin() -> PackSource {
    PackSource {
        origin: "builtin".to_owned(),
        files: BUILTIN.iter().map(|(p, t)| (format!("policies/{p}"), Cow::Borrowed(*t))).collect(),
    }
}

/// Whether `source` holds exactly the embedded built-in pack's files, as [`builtin`] makes
/// them (not a copy, nor one with a text replaced): then its compiled form may be loaded.
fn is_embedded(source: &PackSource) -> bool {
    source.files.len() == BUILTIN.len()
        && source.files.iter().zip(BUILTIN).all(|((path, text), (rel, embedded))| {
            matches!(text, Cow::Borrowed(t) if std::ptr::eq(*t, *embedded))
                && path.strip_prefix("policies/") == Some(*rel)
        })
}

/// The built-in pack from its compiled form.
#[must_use]
pub fn compiled_builtin() -> Option<PackSet> {
    compiled::decode(COMPILED, STRINGS, |name| {
        let rel = name.strip_prefix("policies/")?;
        BUILTIN.iter().find(|(p, _)| *p == rel).map(|(_, text)| *text)
    })
}

/// Loads packs in order; every mistake in any file is reported.
///
/// # Errors
/// The diagnostics of every broken file.
pub fn load(sources: &[PackSource]) -> Result<PackSet, Vec<FileDiagnostics>> {
    let (set, errors) = load_partial(sources);
    if errors.is_empty() { Ok(set) } else { Err(errors) }
}

/// Loads packs in order, keeping whatever decoded despite mistakes (see
/// [`PackSet::decode`]). The built-in pack alone (the usual case) is loaded from its
/// compiled form; with other packs everything is decoded together, since the vocabularies
/// merge before any policy is decoded.
#[must_use]
pub fn load_partial(sources: &[PackSource]) -> (PackSet, Vec<FileDiagnostics>) {
    if let [source] = sources
        && is_embedded(source)
        && let Some(set) = compiled_builtin()
    {
        return (set, Vec::new());
    }
    PackSet::decode(sources, crate::syntax::explain)
}
