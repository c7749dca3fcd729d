//! The only place that reads files from disk or standard input.
//!
//! The language server hands in editor buffers instead; everything downstream works on
//! [`SourceFile`]s.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, SourceFile};
use crate::doc::Span;

/// A file that could not be read at all (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("cannot read `{path}`: {source}")]
pub struct ReadError {
    pub path: String,
    #[source]
    pub source: std::io::Error,
}

/// Reads a text file the tool itself needs (policy packs, config).
///
/// # Errors
/// When the file cannot be read or is not UTF-8.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    let bytes = std::fs::read(path).map_err(|source| ReadError { path: path.display().to_string(), source })?;
    String::from_utf8(bytes).map_err(|e| ReadError {
        path: path.display().to_string(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        ),
    })
}

/// Reads an environment file's bytes (`-` is standard input).
///
/// # Errors
/// When the path cannot be read.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map_err(|source| ReadError { path: "<stdin>".to_owned(), source })?;
        return Ok(buf);
    }
    std::fs::read(path).map_err(|source| ReadError { path: path.display().to_string(), source })
}

/// Decodes an environment file. Invalid UTF-8 and binary content are diagnostics on the
/// file (with the byte offset), not tool failures: the rest of the run goes on.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<Arc<SourceFile>, Box<(Arc<SourceFile>, Diagnostic)>> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            if let Some(pos) = text.find('\0') {
                let d = Diagnostic::error(
                    "source::binary",
                    format!("`{name}` looks like a binary file (NUL byte at offset {pos})"),
                )
                .with_label(Span::new(pos, pos + '\u{2400}'.len_utf8()), "NUL byte")
                .with_help("environment files are KDL text; check that the right file is selected");
                // Shown as the visible symbol for NUL; the label covers the first one.
                let shown = text.replace('\0', "\u{2400}");
                return Err(Box::new((SourceFile::new(name, shown), d)));
            }
            Ok(SourceFile::new(name, text))
        }
        Err(e) => {
            let pos = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Show the valid prefix and one replacement character for the label to point at.
            let mut shown = String::from_utf8_lossy(&bytes[..pos]).into_owned();
            shown.push(char::REPLACEMENT_CHARACTER);
            let d = Diagnostic::error(
                "source::encoding",
                format!("`{name}` is not valid UTF-8 (invalid byte at offset {pos})"),
            )
            .with_label(Span::new(pos, shown.len()), "invalid UTF-8 starts here")
            .with_help("KDL files must be UTF-8; re-save the file as UTF-8");
            Err(Box::new((SourceFile::new(name, shown), d)))
        }
    }
}
