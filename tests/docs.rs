//! The documentation cannot drift from the code: the vocabulary reference
//! (`docs/vocabulary.md`) is generated from the built-in vocabulary, and every relative link
//! of the README and `docs/` resolves.

use std::path::{Path, PathBuf};

use crate::common::builtin;

const START: &str = "<!-- vocabulary:start -->\n";
const END: &str = "<!-- vocabulary:end -->";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A test never writes into the repository: a stale section's fresh text goes to
/// `target/docs/`, for the developer to copy.
fn stale(name: &str, fresh: &str) -> ! {
    let out = root().join("target/docs").join(name);
    let _ = std::fs::create_dir_all(out.parent().expect("a parent"));
    let _ = std::fs::write(&out, fresh);
    panic!("{name} is stale: the current text is in {}; copy it between the markers", out.display());
}

#[test]
fn the_vocabulary_reference_is_current() {
    let path = root().join("docs/vocabulary.md");
    let text = std::fs::read_to_string(&path).expect("docs/vocabulary.md");
    let start = text.find(START).expect("start marker") + START.len();
    let end = text.find(END).expect("end marker");
    let want = builtin().vocab.markdown();
    if text[start..end] != want {
        stale("vocabulary.md", &want);
    }
}

/// Every Markdown file a user reads: the README, `docs/`, `CONTRIBUTING.md` and the other
/// READMEs of the repository.
fn documents() -> Vec<PathBuf> {
    let mut out = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    for dir in ["docs", "benches", "fixtures", "crates/lync-lint-core", "tests/data", "benches/peers"] {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else { continue };
        let mut md: Vec<PathBuf> =
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "md")).collect();
        md.sort();
        out.extend(md);
    }
    out
}

/// The targets of `[text](target)` links in `text`.
fn links(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        if let Some(end) = rest.find(')') {
            out.push(&rest[..end]);
        }
    }
    out
}

/// GitHub's anchor of a heading: lowercase, spaces to `-`, punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[test]
fn every_relative_link_resolves() {
    let mut broken = Vec::new();
    let docs = documents();
    assert!(docs.len() >= 8, "{docs:?}");
    for doc in &docs {
        let text = std::fs::read_to_string(doc).expect("readable");
        for link in links(&text) {
            let link = link.split_whitespace().next().unwrap_or("");
            if link.is_empty() || link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target = if path.is_empty() { doc.clone() } else { doc.parent().expect("a parent").join(path) };
            if !target.exists() {
                broken.push(format!("{}: {link}", doc.display()));
                continue;
            }
            if !fragment.is_empty() && target.extension().is_some_and(|x| x == "md") {
                let body = std::fs::read_to_string(&target).expect("readable");
                let found = body
                    .lines()
                    .filter_map(|l| l.trim_start_matches('#').strip_prefix(' '))
                    .any(|h| anchor(h) == fragment);
                if !found {
                    broken.push(format!("{}: {link} (no such heading)", doc.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_checker_finds_links_and_anchors() {
    assert_eq!(links("see [a](docs/a.md) and [b](#x-y) (not a link)"), ["docs/a.md", "#x-y"]);
    assert_eq!(anchor("Verdict and target: `check`"), "verdict-and-target-check");
}

#[test]
fn the_readme_is_short() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    assert!(readme.lines().count() <= 300, "README.md has {} lines", readme.lines().count());
}

/// The README's table of engine codes is the registry's (`lync_lint_core::codes`): same codes,
/// same order, same summaries.
#[test]
fn the_readme_code_table_is_the_registry() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let start = readme.find("<!-- codes:start -->").expect("start marker");
    let end = readme.find("<!-- codes:end -->").expect("end marker");
    let rows: Vec<(String, String)> = readme[start..end]
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .map(|l| {
            let (code, rest) = l.split_once("` | ").expect("| `code` | summary |");
            (code.to_owned(), rest.trim_end_matches(" |").to_owned())
        })
        .collect();
    let want: Vec<(String, String)> =
        lync_lint_core::codes::CODES.iter().map(|c| (c.code.to_owned(), c.summary.to_owned())).collect();
    if rows != want {
        let rows: Vec<String> = want.iter().map(|(code, summary)| format!("| `{code}` | {summary} |")).collect();
        let fresh = format!("| code | what it means |\n|---|---|\n{}\n", rows.join("\n"));
        stale("readme-codes.md", &fresh);
    }
}
