//! The only place that reads files from disk or standard input.
//!
//! The language server hands in editor buffers instead; everything downstream works on
//! [`SourceFile`]s.
//!
//! Every read is bounded: a file (or standard input) larger than [`MAX_FILE_SIZE`] is refused
//! with a [`ReadError`] before it is read, so no input can exhaust memory. A UTF-8 byte order
//! mark is dropped here, so that it is never a column; offsets in messages stay offsets in
//! the file on disk.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, SourceFile};
use crate::doc::Span;

/// The largest file `lync-lint` reads: 16 MiB. Environment files, policy packs and
/// configurations are a few kilobytes; a bigger file is refused (exit code 2), unread.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file that could not be read at all (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot read `{path}`: {source}")]
pub struct ReadError {
    /// The path as given (`<stdin>` for standard input).
    pub path: String,
    /// Why it could not be read: the I/O error, or one made here for a file that is too
    /// large, is not UTF-8 or holds a NUL byte.
    #[source]
    pub source: std::io::Error,
}

fn too_large(size: Option<u64>) -> std::io::Error {
    let size = size.map_or_else(|| "more than 16 MiB".to_owned(), |s| format!("{:.1} MiB", mebibytes(s)));
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!("the file is {size}, larger than the 16 MiB limit; is it the right file?"),
    )
}

#[allow(clippy::cast_precision_loss)] // a size shown with one decimal
fn mebibytes(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// How much the first read of a file asks for.
const FIRST_READ: usize = 8 * 1024;

/// Reads at most [`MAX_FILE_SIZE`] bytes from `reader`; more is an error.
fn read_bounded(mut reader: impl Read) -> std::io::Result<Vec<u8>> {
    // Most environment files fit in the first read; larger ones grow the buffer by doubling.
    let mut buf = Vec::with_capacity(FIRST_READ);
    (&mut reader).take(MAX_FILE_SIZE + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large(None));
    }
    Ok(buf)
}

/// Reads a file from disk, refusing files larger than [`MAX_FILE_SIZE`] (also those whose
/// size the file system does not know, like `/dev/zero`, once that much has been read).
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    // No `stat` first: reading tells a directory apart, and the bound tells a file too large
    // (one system call fewer per file, which counts over thousands of files).
    let file = std::fs::File::open(path)?;
    read_bounded(&file).map_err(|e| match e.kind() {
        std::io::ErrorKind::IsADirectory => std::io::Error::new(e.kind(), "it is a directory"),
        // Only now ask the size, for the message.
        std::io::ErrorKind::FileTooLarge => {
            too_large(file.metadata().ok().map(|m| m.len()).filter(|&n| n > MAX_FILE_SIZE))
        }
        _ => e,
    })
}

/// Reads a text file the tool itself needs (policy packs, config, baseline).
///
/// # Errors
/// When the file cannot be read, is larger than [`MAX_FILE_SIZE`], is not UTF-8 or holds a
/// NUL byte; the message gives the offending byte's offset.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let error = |source| ReadError { path: path.display().to_string(), source };
    let invalid = |what: String| error(std::io::Error::new(std::io::ErrorKind::InvalidData, what));
    let mut bytes = read_file(path).map_err(error)?;
    let skipped = strip_bom(&mut bytes);
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(invalid(format!("a NUL byte at byte {}: not a text file", pos + skipped)));
    }
    String::from_utf8(bytes)
        .map_err(|e| invalid(format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to() + skipped)))
}

/// Reads an environment file's bytes (`-` is standard input).
///
/// # Errors
/// When the path cannot be read, or is larger than [`MAX_FILE_SIZE`].
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    if path == Path::new("-") {
        return read_bounded(std::io::stdin().lock())
            .map_err(|source| ReadError { path: "<stdin>".to_owned(), source });
    }
    read_file(path).map_err(|source| ReadError { path: path.display().to_string(), source })
}

/// Drops a leading byte order mark; returns how many bytes were dropped.
fn strip_bom(bytes: &mut Vec<u8>) -> usize {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        BOM.len()
    } else {
        0
    }
}

/// Decodes an environment file. Binary content (a NUL byte, checked first) and invalid
/// UTF-8 are diagnostics on the file (with the byte offset in the file), not tool failures:
/// the rest of the run goes on. A leading byte order mark is dropped.
pub fn decode(name: &str, mut bytes: Vec<u8>) -> Result<Arc<SourceFile>, Box<(Arc<SourceFile>, Diagnostic)>> {
    let skipped = strip_bom(&mut bytes);
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        // Show the text before the NUL, and the NUL as its visible symbol for the label.
        let mut shown = String::from_utf8_lossy(&bytes[..pos]).into_owned();
        let at = shown.len();
        shown.push('\u{2400}');
        let d = Diagnostic::error(
            crate::codes::BINARY,
            format!("`{name}` looks like a binary file (NUL byte at offset {})", pos + skipped),
        )
        .with_label(Span::new(at, shown.len()), "NUL byte")
        .with_help("environment files are KDL text; check that the right file is selected");
        return Err(Box::new((SourceFile::new(name, shown), d)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let pos = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Show the valid prefix and one replacement character for the label to point at.
            let mut shown = String::from_utf8_lossy(&bytes[..pos]).into_owned();
            shown.push(char::REPLACEMENT_CHARACTER);
            let d = Diagnostic::error(
                crate::codes::ENCODING,
                format!("`{name}` is not valid UTF-8 (invalid byte at offset {})", pos + skipped),
            )
            .with_label(Span::new(pos, shown.len()), "invalid UTF-8 starts here")
            .with_help("KDL files must be UTF-8; re-save the file as UTF-8");
            Err(Box::new((SourceFile::new(name, shown), d)))
        }
    }
}
