//! The `lync-lint` binary: parse arguments, run, map the exit status.

use std::process::ExitCode;

use clap::Parser;
use lync_lint::cli::{Cli, ExitStatus, run};

/// mimalloc: a run allocates and frees many small strings and vectors per file; glibc's
/// malloc was a quarter of the instructions of a `check`, and scales worse across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stack for the worker thread: deep but bounded input must never overflow it.
const STACK: usize = 64 * 1024 * 1024;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let worker = std::thread::Builder::new().stack_size(STACK).spawn(move || run(cli));
    let result = match worker {
        Ok(handle) => handle.join().unwrap_or(Ok(ExitStatus::Failure)),
        Err(e) => Err(e),
    };
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
