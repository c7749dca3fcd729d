//! The `lync-lint` binary: parse arguments, run, map the exit status.

use std::process::ExitCode;

use clap::Parser;
use lync_lint::cli::{Cli, ExitStatus, run};

/// mimalloc: a run allocates and frees many small strings and vectors per file; glibc's
/// malloc was a quarter of the instructions of a `check`, and scales worse across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // On the main thread: nesting is capped at 128 levels in every file and nothing recurses
    // deeper, so its stack is plenty, and a process that checks one file stays single-
    // threaded (no thread to start; no TLB shootdowns when memory is unmapped). A panic is
    // still exit status 2.
    let result = std::panic::catch_unwind(move || run(cli)).unwrap_or(Ok(ExitStatus::Failure));
    match result {
        Ok(status) => ExitCode::from(status as u8),
        // A closed pipe (`| head`) is not an error: exit quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(ExitStatus::Failure as u8)
        }
    }
}
