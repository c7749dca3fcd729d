//! The checking core of `lync-lint`: everything between an environment file's text and its
//! diagnostics and verdict, as plain data.
//!
//! The core knows nothing about Lync either: the vocabulary, the rules and their texts are
//! data in policy packs. It knows nothing of the command line, the terminal, the editor or
//! the clock: today's date and the explanation of syntax errors come in as arguments.
//!
//! Modules, from the bottom up; each may use only those above it in this list:
//!
//! ```text
//! doc      spans and the document model         text     line index (lines, columns, UTF-16)
//! diag     diagnostics, severities               parse    the KDL v2 parser
//! kql      the KDL Query Language                source   reading files (bounded)
//! read     decoding helpers for pack files       fix      safe fixes: applying edits, KDL v1 -> v2
//! vocab    vocabularies (what a file may say)
//! schema   validating a file against them        policy   policy files and conditions
//! pack     loading packs                          eval     evaluating conditions (evidence)
//! waiver   waivers                                baseline baselines
//! engine   checking a file: findings, suppression, verdict
//! packtest policy tests
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
pub mod text;
pub mod vocab;
pub mod waiver;
