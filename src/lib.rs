//! `lync-lint`: a policy-as-code linter for Lync 2013 environment descriptions.
//!
//! This crate is the program around the checking core (`lync_lint_core`): it resolves
//! settings (configuration file and flags), finds and reads the files, renders diagnostics
//! in every output format, and serves the language server. Data flows one way:
//!
//! ```text
//! discover -> source (read once) -> core: parse -> schema -> eval -> engine (findings, verdict)
//!          -> render (human, json, sarif, ...) | lsp
//! ```
//!
//! The core knows nothing of this crate; this crate's modules may use the core and those
//! listed before them: `syntax`, `settings`, `packs`, `config`, `discover`, `explain`, `fix`,
//! `render`, `packtest_report`, `lsp`, `cli`.

pub mod cli;
pub mod config;
pub(crate) mod discover;
pub(crate) mod explain;
pub mod fix;
pub(crate) mod lsp;
pub mod packs;
pub(crate) mod packtest_report;
pub mod render;
pub mod settings;
pub mod syntax;
