//! Integration tests: one binary (as ripgrep does), one module per area.

mod action;
mod authoring;
mod cli;
mod common;
mod config;
/// The benchmark's corpus generator (and its random numbers), shared by tests.
#[path = "../benches/corpus/mod.rs"]
#[allow(dead_code)]
mod corpus;
mod docs;
mod fix;
mod flags;
mod fuzz_replay;
mod hostile;
mod hybrid;
mod kdl_suite;
mod lsp;
mod lsp_navigation;
mod outputs;
mod packs;
mod policies;
mod props;
mod render_fast;
mod schema;
mod snapshots;
mod streaming;
mod waivers;
