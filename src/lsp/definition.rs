//! Go to definition (`textDocument/definition`): from a finding, or from a rule id written
//! in a string (a `waiver "RULE"`, a `rule "RULE"` of `lync-lint.kdl`, a policy test's
//! `fires "RULE"`), to the `policy` node that defines the rule.
//!
//! A policy of a pack directory is in its file. The built-in pack is embedded in the binary,
//! so the server writes a read-only copy of its files to the user's cache directory
//! (`$XDG_CACHE_HOME/lync-lint/VERSION/policies/...`, or `~/.cache/...`), once per version:
//! a file is rewritten only when its text differs from the embedded one.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lsp_server::ErrorCode;
use lsp_types::{Location, Uri};
use serde_json::Value;

use super::Server;
use super::convert::{Encoding, Lines};
use super::requests::{Failure, to_value};
use lync_lint_core::diag::Diagnostic;
use lync_lint_core::pack::PackSet;
use lync_lint_core::policy::Policy;

impl<W: Write> Server<W> {
    /// A `Location`, a `Location[]` when several findings meet at the cursor, or `null`.
    pub(super) fn definition(&self, p: &lsp_types::GotoDefinitionParams) -> Result<Value, Failure> {
        let at = &p.text_document_position_params;
        let doc = self.doc(&at.text_document.uri)?;
        let offset = Lines::new(&doc.text, self.encoding).offset(at.position);
        let findings = if doc.checked == Some(doc.version) { &doc.diagnostics[..] } else { &[] };
        let mut found = definitions(&self.ws.packs, &doc.text, findings, offset, self.encoding)
            .map_err(|e| (ErrorCode::RequestFailed, e))?;
        match found.len() {
            0 => Ok(Value::Null),
            1 => to_value(&found.remove(0)),
            _ => to_value(&found),
        }
    }
}

/// The locations of the policies behind what is at `offset` in `text`: the findings whose
/// primary span holds it, else the rule id of the string around it. Empty when there is none.
///
/// # Errors
/// When the built-in pack's copy cannot be written.
pub fn definitions(
    packs: &PackSet,
    text: &str,
    findings: &[Diagnostic],
    offset: usize,
    encoding: Encoding,
) -> Result<Vec<Location>, String> {
    let mut ids: Vec<&str> = findings
        .iter()
        .filter(|d| d.is_finding && d.primary_span().start <= offset && offset <= d.primary_span().end)
        .map(|d| d.code.as_str())
        .collect();
    if ids.is_empty() {
        ids.extend(string_at(text, offset));
    }
    ids.dedup();
    let mut out = Vec::new();
    for id in ids {
        if let Some(p) = packs.policy(id) {
            out.extend(location(packs, p, encoding)?);
        }
    }
    Ok(out)
}

/// Where `p` is defined: its rule id in its file (the built-in pack's copy for its policies).
///
/// # Errors
/// When the built-in pack's copy cannot be written.
pub fn location(packs: &PackSet, p: &Policy, encoding: Encoding) -> Result<Option<Location>, String> {
    let Some(file) = packs.files.get(p.file) else { return Ok(None) };
    let builtin = packs.pack_of(p).and_then(|i| packs.packs.get(i)).is_some_and(|info| info.origin == "builtin");
    let path = if builtin { builtin_copy()?.join(&file.name) } else { absolute(Path::new(&file.name)) };
    let Some(uri) = path_to_uri(&path) else { return Ok(None) };
    let range = Lines::new(&file.text, encoding).range(p.id_span);
    Ok(Some(Location::new(uri, range)))
}

/// The contents of the string literal (`"..."`, on one line, without escapes) around `offset`.
#[must_use]
pub fn string_at(text: &str, offset: usize) -> Option<&str> {
    let offset = offset.min(text.len());
    let line_start = text.get(..offset)?.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = text.get(offset..)?.find(['\n', '\r']).map_or(text.len(), |i| offset + i);
    let line = text.get(line_start..line_end)?;
    let mut open: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        let at = line_start + i;
        match (open, c) {
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(start), '"') if !escaped => {
                if start <= offset && offset <= at {
                    return text.get(start..at);
                }
                open = None;
            }
            (None, '"') => open = Some(at + 1),
            (None, '/') if line[i..].starts_with("//") => return None,
            _ => {}
        }
        escaped = false;
    }
    None
}

/// The directory that holds the copy of the built-in pack (`.../lync-lint/VERSION`), written
/// on first use by this process.
///
/// # Errors
/// When there is no cache directory or a file cannot be written.
pub fn builtin_copy() -> Result<&'static Path, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let root = cache_dir().ok_or("no cache directory: neither XDG_CACHE_HOME nor HOME is set")?;
        let dir = root.join("lync-lint").join(env!("CARGO_PKG_VERSION"));
        write_builtin(&dir)?;
        Ok(dir)
    });
    dir.as_deref().map_err(Clone::clone)
}

/// `$XDG_CACHE_HOME` when it is an absolute path, else `$HOME/.cache`.
fn cache_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).filter(|p| p.is_absolute());
    xdg.or_else(|| {
        let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
        Some(PathBuf::from(home).join(".cache"))
    })
}

/// Writes the embedded pack's files under `dir` (as `policies/lync-2013/...`), read-only.
/// Files that already hold the same text are left alone; each write is a rename of a complete
/// temporary file, so a reader never sees half a file.
fn write_builtin(dir: &Path) -> Result<(), String> {
    for (name, text) in &crate::packs::builtin().files {
        let path = dir.join(name);
        if std::fs::read(&path).is_ok_and(|on_disk| on_disk == text.as_bytes()) {
            continue;
        }
        let fail = |e: std::io::Error| format!("cannot write the built-in pack's copy `{}`: {e}", path.display());
        let parent = path.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(fail)?;
        let file_name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let tmp = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text.as_bytes()).map_err(fail)?;
        let mut perms = std::fs::metadata(&tmp).map_err(fail)?.permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&tmp, perms).map_err(fail)?;
        if let Err(e) = std::fs::rename(&tmp, &path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail(e));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The `file:` URI of an absolute path, percent-encoded.
#[must_use]
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let path = path.to_str()?.replace('\\', "/");
    let mut out = String::from("file://");
    if !path.starts_with('/') {
        out.push('/');
    }
    for (i, b) in path.bytes().enumerate() {
        // `:` stays only in a Windows drive letter (`C:/...`).
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || (b == b':' && i == 1) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_string_around_the_cursor() {
        let text = "voice { x #true }\nwaiver \"enterprise-voice/call-park\" reason=\"a \\\"b\\\"\"\n";
        let at = text.find("call-park").expect("id");
        assert_eq!(string_at(text, at), Some("enterprise-voice/call-park"));
        assert_eq!(string_at(text, text.find("waiver").expect("w")), None, "not in a string");
        assert_eq!(string_at(text, text.find("b\\").expect("b")), Some("a \\\"b\\\""), "escaped quotes");
        assert_eq!(string_at("// \"a\"", 4), None, "in a comment");
        assert_eq!(string_at("x \"unclosed", 5), None);
    }

    #[test]
    fn file_uris_are_percent_encoded() {
        let uri = path_to_uri(Path::new("/tmp/a b/ü.kdl")).expect("uri");
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%BC.kdl");
        assert_eq!(super::super::convert::uri_to_path(uri.as_str()), Some(PathBuf::from("/tmp/a b/ü.kdl")));
    }
}
