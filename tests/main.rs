//! Integration tests: one binary (as ripgrep does), one module per area.

mod authoring;
mod cli;
mod common;
mod config;
mod docs;
mod fuzz_replay;
mod hostile;
mod kdl_suite;
mod lsp;
mod outputs;
mod packs;
mod policies;
mod props;
mod schema;
mod snapshots;
mod waivers;
