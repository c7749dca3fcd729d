//! The checking core of `lync-lint`: everything between an environment file's text and its
//! diagnostics and verdict, as plain data.
//!
//! The core knows nothing about Lync either: the vocabulary, the rules and their texts are
//! data in policy packs. It knows nothing of the command line, the terminal, the editor or
//! the clock: today's date and the explanation of syntax errors come in as arguments.
//!
//! Modules, from the bottom up; each uses only those above it in this list (tests aside):
//!
//! ```text
//! doc       spans and the document model
//! strings   the strings of a pack (owned, or borrowed from a compiled pack)
//! diag      diagnostics, severities, fixes as edits
//! codes     the registry of the engine's own codes
//! text      the line index (lines, columns, UTF-16)
//! parse     the KDL v2 parser and its one lexer
//! fix       the safe fixes: edits, KDL v1 -> v2
//! kql       the KDL Query Language
//! source    reading files (bounded)
//! read      decoding helpers for pack files
//! vocab     vocabularies (what a file may say)
//! schema    validating a file against them
//! select    which codes a run reports
//! policy    policy files and conditions
//! pack      loading packs; what a pack decides
//! eval      evaluating conditions (evidence)
//! waiver    waivers
//! baseline  baselines
//! hybrid    hybrid sizing
//! engine    checking a file: findings, suppression, verdict
//! packtest  policy tests
//! ```

#![warn(missing_docs)]

pub mod baseline;
pub mod codes;
pub mod diag;
pub mod doc;
pub mod engine;
pub(crate) mod eval;
pub mod fix;
pub mod hybrid;
pub mod kql;
pub mod pack;
pub mod packtest;
pub mod parse;
pub mod policy;
pub mod read;
pub mod schema;
pub mod select;
pub mod source;
pub mod strings;
pub mod text;
pub mod vocab;
pub mod waiver;
