//! A decoded pack set, serialized: a program that embeds packs (the binary embeds the
//! built-in one) compiles them once, at build time, and loads them at start with one
//! deserialization instead of parsing and decoding every file.
//!
//! The files' texts are not in the serialized form, only their names: the caller keeps the
//! texts (the binary has them embedded) and hands them back to [`decode`]. Nor are the
//! set's strings: they go to a string table ([`crate::strings`]) that the caller embeds
//! beside the serialized form, so that loading borrows them instead of copying each.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{PackInfo, PackSet};
use crate::diag::SourceFile;
use crate::policy::Policy;
use crate::vocab::Vocabulary;

/// A [`PackSet`] with its files named, not copied.
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

/// A set, compiled: its serialized form, and the table of its strings.
pub struct Encoded {
    /// The serialized set, each string a range of `strings`.
    pub bytes: Vec<u8>,
    /// Every string of the set, each once.
    pub strings: String,
}

/// The compiled form of a set; `None` for a set whose vocabulary did not parse (there is
/// nothing sound to compile).
#[must_use]
pub fn encode(set: PackSet) -> Option<Encoded> {
    if set.vocab_broken {
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
    let (bytes, strings) = crate::strings::writing(|| postcard::to_stdvec(&compiled));
    Some(Encoded { bytes: bytes.ok()?, strings })
}

/// The set [`encode`] compiled into `bytes` and `strings` (whose strings it borrows), each
/// file's text looked up by its name with `text_of`; `None` when the bytes do not decode
/// (or name a string outside the table) or a file's text is missing.
#[must_use]
pub fn decode(bytes: &[u8], strings: &'static str, text_of: impl Fn(&str) -> Option<&'static str>) -> Option<PackSet> {
    let c: Compiled = crate::strings::reading(strings, || postcard::from_bytes(bytes)).ok()?;
    let source = |name: String| {
        let text = text_of(&name)?;
        Some(SourceFile::with_text(name, Cow::Borrowed(text)))
    };
    Some(PackSet {
        packs: c.packs,
        vocab: c.vocab,
        policies: c.policies,
        files: c.files.into_iter().map(source).collect::<Option<_>>()?,
        file_packs: c.file_packs,
        tests: c.tests.into_iter().map(source).collect::<Option<_>>()?,
        test_packs: c.test_packs,
        vocab_broken: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::tests::leak;

    #[test]
    fn a_set_compiles_and_decodes_to_itself_borrowing_its_strings() {
        let set = crate::engine::tests::packs();
        let texts: Vec<(String, &'static str)> =
            set.files.iter().chain(&set.tests).map(|f| (f.name.clone(), leak(f.text.to_string()))).collect();
        let text_of = |name: &str| texts.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
        let want = format!("{set:#?}");
        let Encoded { bytes, strings } = encode(set).expect("compiles");
        let strings = leak(strings);
        let back = decode(&bytes, strings, text_of).expect("decodes");
        assert_eq!(format!("{back:#?}"), want);
        assert!(!back.policies.is_empty());
        assert!(back.policies.iter().all(|p| p.id.is_borrowed() && p.title.is_borrowed() && p.message.is_borrowed()));
        // Another table, or a file whose text is missing: no set, and no panic.
        assert!(decode(&bytes, "", text_of).is_none());
        assert!(decode(&bytes, strings, |_| None).is_none());
        assert!(decode(&bytes[..bytes.len() / 2], strings, text_of).is_none());
    }

    #[test]
    fn a_set_whose_vocabulary_did_not_parse_does_not_compile() {
        let mut set = crate::engine::tests::packs();
        set.vocab_broken = true;
        assert!(encode(set).is_none());
    }
}
