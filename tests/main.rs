//! Integration tests: one binary (as ripgrep does), one module per area.

mod cli;
mod common;
mod docs;
mod packs;
mod policies;
mod schema;
mod snapshots;
