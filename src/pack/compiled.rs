//! The built-in pack, precompiled: loading it costs a deserialization instead of parsing and
//! decoding 37 KB of KDL at every start (most of a one-file `check`).
//!
//! `src/pack/builtin.postcard` holds the decoded pack (postcard), after an 8-byte key:
//! `build.rs` hashes the pack's files and the code that loads packs, and the precompiled form
//! is used only when its key is that hash. So editing a policy, or the loader, can never run
//! a stale pack: it is decoded from its files instead (slower, same result) until the
//! snapshot is rewritten. `cargo test` checks that the snapshot is what decoding gives today
//! and, outside CI, rewrites it when it is not (see `tests/pack_snapshot.rs`).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{BUILTIN, COMPILED, COMPILED_KEY, PackInfo, PackSet, PackSource};
use crate::diag::SourceFile;
use crate::policy::Policy;
use crate::vocab::Vocabulary;

/// Where the snapshot lives, relative to the repository root.
pub const PATH: &str = super::COMPILED_PATH;

/// A [`PackSet`] with its files named, not copied: their texts are in the binary already.
#[derive(Serialize, Deserialize)]
struct Compiled {
    packs: Vec<PackInfo>,
    vocab: Vocabulary,
    policies: Vec<Policy>,
    files: Vec<String>,
    file_packs: Vec<usize>,
    tests: Vec<String>,
    test_packs: Vec<usize>,
}

/// The snapshot's bytes for the built-in pack as decoding its files gives it now, or `None`
/// when the pack has mistakes (then there is nothing to precompile).
#[must_use]
pub fn snapshot() -> Option<Vec<u8>> {
    let (set, errors) = PackSet::decode(&[PackSource::builtin()]);
    if !errors.is_empty() || set.vocab_broken {
        return None;
    }
    let names = |files: &[Arc<SourceFile>]| files.iter().map(|f| f.name.clone()).collect();
    let compiled = Compiled {
        files: names(&set.files),
        tests: names(&set.tests),
        packs: set.packs,
        vocab: set.vocab,
        policies: set.policies,
        file_packs: set.file_packs,
        test_packs: set.test_packs,
    };
    let mut bytes = COMPILED_KEY.to_le_bytes().to_vec();
    bytes.extend(postcard::to_stdvec(&compiled).ok()?);
    Some(bytes)
}

/// Whether the embedded snapshot is fresh (its key is this build's).
#[must_use]
pub fn is_fresh() -> bool {
    COMPILED.get(..8).is_some_and(|k| k == COMPILED_KEY.to_le_bytes())
}

/// The built-in pack from the embedded snapshot, when it is fresh.
#[must_use]
pub fn load() -> Option<PackSet> {
    if !is_fresh() {
        return None;
    }
    let c: Compiled = postcard::from_bytes(&COMPILED[8..]).ok()?;
    let source = |name: &String| {
        let rel = name.strip_prefix("policies/")?;
        let (_, text) = BUILTIN.iter().find(|(p, _)| *p == rel)?;
        Some(SourceFile::new(name.clone(), *text))
    };
    Some(PackSet {
        packs: c.packs,
        vocab: c.vocab,
        policies: c.policies,
        files: c.files.iter().map(source).collect::<Option<_>>()?,
        file_packs: c.file_packs,
        tests: c.tests.iter().map(source).collect::<Option<_>>()?,
        test_packs: c.test_packs,
        vocab_broken: false,
    })
}
