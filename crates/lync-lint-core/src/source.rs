//! The only place that reads files from disk or standard input.
//!
//! The language server hands in editor buffers instead; everything downstream works on
//! [`SourceFile`]s.
//!
//! Every read is bounded: a file (or standard input) larger than [`MAX_FILE_SIZE`] is refused
//! with a [`ReadError`] as soon as its size says so, or once more than that has been read
//! when its size is not known, so no input can exhaust memory. A UTF-8 byte order
//! mark is dropped here, so that it is never a column; offsets in messages stay offsets in
//! the file on disk.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, SourceFile};
use crate::doc::Span;

/// The largest file `lync-lint` reads: 16 MiB. Environment files, policy packs and
/// configurations are a few kilobytes; a bigger file is refused (exit code 2), unread past
/// its first 8 KiB when its size is known.
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

/// How much the first read of a file asks for (8 KiB): a capacity, not a limit.
const FIRST_READ: usize = 8192;

/// Reads at most [`MAX_FILE_SIZE`] bytes from `reader`; more is an error. `size` is what
/// the reader holds, when known: a reader past the limit is then refused without reading on,
/// and the buffer of one within it is allocated once.
fn read_bounded(reader: impl Read, size: impl FnOnce() -> Option<u64>) -> std::io::Result<Vec<u8>> {
    let mut reader = reader.take(MAX_FILE_SIZE + 1);
    // Most environment files fit in the first read.
    let mut buf = Vec::with_capacity(FIRST_READ);
    (&mut reader).take(FIRST_READ as u64).read_to_end(&mut buf)?;
    if buf.len() == FIRST_READ {
        // More to read: sized once if the size is known (a large file's buffer is then not
        // grown by doubling, which leaves copies behind), else grown as it comes.
        match size() {
            Some(n) if n > MAX_FILE_SIZE => return Err(too_large(Some(n))),
            // Within the limit, so within `usize`.
            Some(n) => buf.reserve_exact(usize::try_from(n).unwrap_or(0).saturating_sub(FIRST_READ)),
            None => {}
        }
        reader.read_to_end(&mut buf)?;
    } else {
        // A file of a few hundred bytes keeps its text until its output is written, with
        // those of the other files checked alongside it: not in 8 KiB each.
        buf.shrink_to_fit();
    }
    if buf.len() as u64 > MAX_FILE_SIZE {
        return Err(too_large(None));
    }
    Ok(buf)
}

/// Reads a file from disk, refusing files larger than [`MAX_FILE_SIZE`] (also those whose
/// size the file system does not know, like `/dev/zero`, once that much has been read).
fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    // No `stat` first: reading tells a directory apart, and the bound tells a file too large
    // (one system call fewer per file, which counts over thousands of files). The size is
    // asked only of a file larger than the first read.
    let file = std::fs::File::open(path)?;
    read_bounded(&file, || file.metadata().ok().map(|m| m.len())).map_err(|e| match e.kind() {
        std::io::ErrorKind::IsADirectory => std::io::Error::new(e.kind(), "it is a directory"),
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
        return read_bounded(std::io::stdin().lock(), || None)
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

#[cfg(test)]
mod tests {
    use std::io::ErrorKind;
    use std::path::PathBuf;

    use super::{FIRST_READ, MAX_FILE_SIZE, decode, read_bounded, read_bytes, read_text};

    /// A scratch directory under the system's temporary directory, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!("lync-lint-core-source-{name}-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("scratch directory");
            Self(dir)
        }

        fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, bytes).expect("write");
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn files_are_read_whole_below_and_above_the_first_read() {
        let dir = Scratch::new("whole");
        let small = b"voice {\n    call-park #true\n}\n";
        let read = read_bytes(&dir.file("small.lync.kdl", small)).expect("reads");
        assert_eq!(read, small);
        // Within the first read, the buffer is no larger than the file.
        assert_eq!(read.capacity(), small.len());
        let big: Vec<u8> = (0..100_000u32).map(|i| b"abcdefghij\n"[(i % 11) as usize]).collect();
        let read = read_bytes(&dir.file("big.lync.kdl", &big)).expect("reads");
        assert_eq!(read, big);
        // Past the first read, the buffer is sized once, from the file's size.
        assert_eq!(read.capacity(), big.len());
        for len in [FIRST_READ - 1, FIRST_READ, FIRST_READ + 1, 2 * FIRST_READ] {
            let name = format!("{len}.lync.kdl");
            assert_eq!(read_bytes(&dir.file(&name, &big[..len])).expect("reads"), &big[..len], "{len} bytes");
        }
    }

    #[test]
    fn a_directory_is_refused_with_a_plain_message() {
        let dir = Scratch::new("dir");
        let e = read_bytes(&dir.0).expect_err("a directory");
        assert_eq!(e.source.kind(), ErrorKind::IsADirectory);
        assert_eq!(e.source.to_string(), "it is a directory");
    }

    #[test]
    fn the_size_limit_is_inclusive_and_the_message_gives_the_size() {
        let dir = Scratch::new("limit");
        let sized = |name: &str, len: u64| {
            let path = dir.0.join(name);
            // Sparse: no disk space, read as zeros.
            std::fs::File::create(&path).and_then(|f| f.set_len(len)).expect("sparse file");
            path
        };
        let at_limit = read_bytes(&sized("at.lync.kdl", MAX_FILE_SIZE)).expect("exactly the limit is read");
        assert_eq!(at_limit.len() as u64, MAX_FILE_SIZE);
        assert_eq!(at_limit.capacity() as u64, MAX_FILE_SIZE, "sized once");
        let e = read_bytes(&sized("over.lync.kdl", 20 * 1024 * 1024)).expect_err("over the limit");
        assert_eq!(e.source.kind(), ErrorKind::FileTooLarge);
        assert_eq!(e.source.to_string(), "the file is 20.0 MiB, larger than the 16 MiB limit; is it the right file?");
        let e = read_bytes(&sized("just-over.lync.kdl", MAX_FILE_SIZE + 1)).expect_err("one byte over");
        assert!(e.source.to_string().starts_with("the file is 16.0 MiB"), "{e}");
        // Of unknown size (standard input, `/dev/zero`): refused once one byte past the limit
        // has been read.
        let unknown = |len: u64| read_bounded(std::io::Read::take(std::io::repeat(b'a'), len), || None);
        assert_eq!(unknown(MAX_FILE_SIZE).expect("exactly the limit is read").len() as u64, MAX_FILE_SIZE);
        let e = unknown(MAX_FILE_SIZE + 1).expect_err("one byte over");
        assert_eq!(e.to_string(), "the file is more than 16 MiB, larger than the 16 MiB limit; is it the right file?");
    }

    #[test]
    fn tool_files_must_be_text() {
        let dir = Scratch::new("text");
        assert_eq!(read_text(&dir.file("bom.kdl", b"\xEF\xBB\xBFa 1\n")).expect("text"), "a 1\n");
        let e = read_text(&dir.file("nul.kdl", b"\xEF\xBB\xBFab\0")).expect_err("a NUL byte");
        assert_eq!(e.source.to_string(), "a NUL byte at byte 5: not a text file");
        let e = read_text(&dir.file("latin1.kdl", b"caf\xE9")).expect_err("not UTF-8");
        assert_eq!(e.source.to_string(), "not valid UTF-8 (byte 3)");
    }

    #[test]
    fn environment_files_that_are_not_text_are_diagnostics_with_offsets_in_the_file() {
        let ok = decode("e.lync.kdl", b"\xEF\xBB\xBFa 1\n".to_vec()).expect("text");
        assert_eq!(ok.text, "a 1\n");
        let (file, d) = *decode("bin.lync.kdl", b"\xEF\xBB\xBFab\0c".to_vec()).expect_err("binary");
        assert_eq!(
            (d.code.as_str(), d.message.as_str()),
            (crate::codes::BINARY, "`bin.lync.kdl` looks like a binary file (NUL byte at offset 5)")
        );
        assert_eq!(file.text, "ab\u{2400}");
        let (file, d) = *decode("enc.lync.kdl", b"caf\xE9!".to_vec()).expect_err("not UTF-8");
        assert_eq!(d.code, crate::codes::ENCODING);
        assert!(d.message.ends_with("(invalid byte at offset 3)"), "{}", d.message);
        assert_eq!(file.text, "caf\u{FFFD}");
        assert_eq!(d.labels[0].span, crate::doc::Span::new(3, 6));
    }
}
