//! `lync-lint lsp`: the language server on stdio (SPEC §10). The server is `crate::lsp`; this
//! module only maps the command line onto it.

use std::io;

use clap::Args;

use super::{ExitStatus, PackArgs};

#[derive(Debug, Args)]
pub struct LspArgs {
    #[command(flatten)]
    pub packs: PackArgs,
    /// Accepted for editor clients that pass it; the server always speaks on stdio
    #[arg(long, hide = true)]
    pub stdio: bool,
}

/// Serves until the client says `exit`: status 0 after a `shutdown` request, 1 otherwise (as
/// LSP specifies).
///
/// # Errors
/// When stdout is closed.
pub fn run(args: &LspArgs) -> io::Result<ExitStatus> {
    Ok(if crate::lsp::run_stdio(args.packs.flags(None))? { ExitStatus::Clean } else { ExitStatus::Findings })
}
