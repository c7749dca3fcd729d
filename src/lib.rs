//! `lync-lint`: a policy-as-code linter for Lync 2013 environment descriptions.
//!
//! The engine knows nothing about Lync: the vocabulary, the rules and their texts are data in
//! policy packs (the built-in one is `policies/lync-2013/`, embedded at build time). Data
//! flows one way:
//!
//! ```text
//! discover -> source (read once) -> parse (doc model) -> schema (vocabulary)
//!          -> eval (policies) -> engine (findings, verdict) -> render (human, ...)
//! ```

pub mod baseline;
pub mod cli;
pub mod config;
pub mod diag;
pub mod discover;
pub mod doc;
pub mod engine;
pub mod eval;
pub mod kql;
pub mod lsp;
pub mod pack;
pub mod packtest;
pub mod parse;
pub mod policy;
pub mod render;
pub mod schema;
pub mod source;
pub mod vocab;
pub mod waiver;
