//! Streaming output: every format writes each file's part as soon as it is ready, in
//! discovery order, so memory does not grow with the number of files (SPEC §8).
//!
//! A format whose header needs totals (the Markdown counts, `JUnit`'s root counts, SARIF's rule
//! table before its results) writes its parts to a [`Spill`] (memory up to a small limit,
//! then a temporary file) and assembles the document at the end: the bytes are the same as
//! rendering every report at once.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use lync_lint_core::baseline::Applied;
use lync_lint_core::engine::{Counts, FileReport};

/// A format's writer. [`Writer::part`] is pure (it may run on worker threads); [`Writer::file`]
/// and [`Writer::finish`] run in discovery order.
pub trait Writer: Sync {
    /// The file's rendered part, when it can be made without the run's state.
    fn part(&self, _r: &FileReport) -> Option<String> {
        None
    }

    /// Writes one file's part (`part` is what [`Writer::part`] made of it).
    ///
    /// # Errors
    /// When writing fails.
    fn file(&mut self, out: &mut dyn Write, r: &FileReport, part: Option<String>) -> io::Result<()>;

    /// Writes the end of the document.
    ///
    /// # Errors
    /// When writing fails.
    fn finish(&mut self, out: &mut dyn Write, end: &End<'_>) -> io::Result<()>;
}

/// What the end of a document may need besides the files: the run's totals, counted once
/// by the run rather than by each writer.
#[derive(Debug, Clone, Copy)]
pub struct End<'a> {
    /// What the baseline did, when one was applied.
    pub applied: Option<&'a Applied>,
    /// How many files were given to [`Writer::file`].
    pub files: usize,
    /// The totals of their findings.
    pub counts: Counts,
}

/// The buffer of every file the output is streamed to: standard output, `--report` files and
/// spilled parts (256 KiB). Output goes in few, large writes: on 10,000 files `--format json`
/// writes 20 MB, and as 2,500 writes of 8 KiB to a file (on the thread the next chunk waits
/// for) it took 6 to 8% longer.
pub const WRITE_BUFFER: usize = 1 << 18;

/// Text kept in memory up to a limit, then in a temporary file (removed when dropped).
pub struct Spill {
    mem: Vec<u8>,
    file: Option<(BufWriter<File>, PathBuf)>,
    limit: usize,
}

/// Parts are kept in memory up to this size, then spilled to disk.
const SPILL_LIMIT: usize = 1 << 20;

impl Default for Spill {
    fn default() -> Self {
        Self::with_limit(SPILL_LIMIT)
    }
}

impl Spill {
    /// A spill that moves to disk past `limit` bytes.
    #[must_use]
    pub fn with_limit(limit: usize) -> Self {
        Self { mem: Vec::new(), file: None, limit }
    }

    /// Whether nothing was written.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.mem.is_empty() && self.file.is_none()
    }

    /// Appends `s`.
    ///
    /// # Errors
    /// When the temporary file cannot be created or written.
    pub fn push(&mut self, s: &str) -> io::Result<()> {
        if let Some((f, _)) = &mut self.file {
            return f.write_all(s.as_bytes());
        }
        self.mem.extend_from_slice(s.as_bytes());
        if self.mem.len() > self.limit {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let name = format!("lync-lint-{}-{}.part", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
            let path = std::env::temp_dir().join(name);
            let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)?;
            let mut w = BufWriter::with_capacity(WRITE_BUFFER, file);
            w.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some((w, path));
        }
        Ok(())
    }

    /// Copies everything written to `out`.
    ///
    /// # Errors
    /// When reading the temporary file or writing `out` fails.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match &mut self.file {
            None => out.write_all(&self.mem),
            Some((w, _)) => {
                w.flush()?;
                let f = w.get_mut();
                f.seek(SeekFrom::Start(0))?;
                let mut buf = vec![0u8; WRITE_BUFFER];
                loop {
                    let n = f.read(&mut buf)?;
                    if n == 0 {
                        return Ok(());
                    }
                    out.write_all(&buf[..n])?;
                }
            }
        }
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Some((_, path)) = self.file.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A value pretty-printed as `serde_json` does.
#[must_use]
pub fn pretty(v: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(v).expect("plain structs of strings and numbers serialize")
}

/// A value pretty-printed as `serde_json` does when it stands `depth` levels deep in a
/// document (two spaces a level): its inner lines are indented for that depth, its first line
/// is not. Written directly, without re-indenting a string afterwards.
#[must_use]
pub fn pretty_at(v: &impl serde::Serialize, depth: usize) -> String {
    written(Vec::with_capacity(PART_CAPACITY), v, depth)
}

/// A value as an array item `depth` levels deep: [`pretty_at`] with its first line indented.
#[must_use]
pub fn pretty_item(v: &impl serde::Serialize, depth: usize) -> String {
    let mut out = Vec::with_capacity(PART_CAPACITY);
    out.extend(std::iter::repeat_n(b' ', 2 * depth));
    written(out, v, depth)
}

/// Room for a typical file's part (a file with a few findings), so that most parts are
/// written without growing the buffer.
const PART_CAPACITY: usize = 4096;

/// `out` with `v` appended, pretty-printed `depth` levels deep: `serde_json`'s own pretty
/// formatter, first taken `depth` levels in (writing nothing).
fn written(mut out: Vec<u8>, v: &impl serde::Serialize, depth: usize) -> String {
    use serde_json::ser::Formatter as _;
    let mut formatter = serde_json::ser::PrettyFormatter::new();
    for _ in 0..depth {
        formatter.begin_object(&mut io::sink()).expect("a sink takes anything");
    }
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    v.serialize(&mut ser).expect("plain structs of strings and numbers serialize");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Runs a writer over `reports` into a string (what a whole-run render is), `applied` being
/// what the baseline did, when one was applied.
#[must_use]
pub fn render_all(w: &mut dyn Writer, reports: &[FileReport], applied: Option<&Applied>) -> String {
    let mut out: Vec<u8> = Vec::new();
    for r in reports {
        let part = w.part(r);
        w.file(&mut out, r, part).expect("writing to memory");
    }
    let end = End { applied, files: reports.len(), counts: Counts::of(reports) };
    w.finish(&mut out, &end).expect("writing to memory");
    String::from_utf8(out).expect("every renderer writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spill_moves_to_disk_and_gives_back_every_byte() {
        let mut s = Spill::with_limit(10);
        assert!(s.is_empty());
        let parts = ["héllo ", "wörld, ", "more than ten bytes\n", "and the rest"];
        for p in parts {
            s.push(p).expect("push");
        }
        let path = s.file.as_ref().map(|(_, p)| p.clone()).expect("spilled to disk");
        let mut out = Vec::new();
        s.copy_to(&mut out).expect("copy");
        assert_eq!(String::from_utf8(out).expect("utf-8"), parts.concat());
        drop(s);
        assert!(!path.exists(), "the temporary file is removed");
        let mut small = Spill::default();
        small.push("x").expect("push");
        let mut out = Vec::new();
        small.copy_to(&mut out).expect("copy");
        assert_eq!(out, b"x");
    }

    /// Nested pretty-printing is `serde_json`'s pretty-printing of the whole document.
    #[test]
    fn nested_values_print_as_in_the_whole_document() {
        let inner = serde_json::json!({"a": [1, {"b": []}, {}], "c": {"d": "e\nf"}, "g": []});
        let whole = serde_json::json!({"x": [inner.clone(), inner.clone()]});
        let expected = pretty(&whole);
        let items = [pretty_item(&inner, 2), pretty_item(&inner, 2)].join(",\n");
        assert_eq!(format!("{{\n  \"x\": [\n{items}\n  ]\n}}"), expected);
        assert_eq!(pretty_at(&inner, 0), pretty(&inner));
        assert_eq!(pretty_at(&serde_json::json!([]), 3), "[]");
    }
}
