//! The README's vocabulary reference is generated from the built-in vocabulary: it cannot drift.

use crate::common::builtin;

const START: &str = "<!-- vocabulary:start -->\n";
const END: &str = "<!-- vocabulary:end -->";

#[test]
fn the_readme_vocabulary_reference_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme.find(START).expect("start marker") + START.len();
    let end = readme.find(END).expect("end marker");
    let want = builtin().vocab.markdown();
    if readme[start..end] != want {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{want}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).expect("write README.md");
        } else {
            panic!("README.md's vocabulary reference is stale: run `UPDATE_README=1 cargo test`");
        }
    }
}
