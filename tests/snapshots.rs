//! Snapshots of what users see, at a fixed width without colour. The plain assertions in
//! the other modules keep a careless `cargo insta accept` from hiding a regression.

use crate::common::run;

fn snapshot(name: &str, args: &[&str]) {
    let out = run(args);
    let text = format!("exit: {}\n--- stdout\n{}--- stderr\n{}", out.code, out.stdout, out.stderr);
    insta::assert_snapshot!(name, text);
}

#[test]
fn fixtures_human() {
    for f in crate::common::FIXTURES {
        snapshot(f, &["check", "--color", "never", &format!("fixtures/{f}.lync.kdl")]);
    }
}

#[test]
fn explain_regional() {
    snapshot("explain-regional", &["explain", "multi-regional/regional-servers"]);
}

#[test]
fn rules_list() {
    snapshot("rules", &["rules"]);
}

/// Every machine format on the same fixtures, with the checkout's path and the version masked.
#[test]
fn machine_formats() {
    let root = env!("CARGO_MANIFEST_DIR");
    for format in ["json", "sarif", "github", "junit", "markdown"] {
        let out = run(&[
            "check",
            "--format",
            format,
            "fixtures/multinational.lync.kdl",
            "fixtures/hybrid.lync.kdl",
            "fixtures/typos.lync.kdl",
        ]);
        let text = format!("exit: {}\n{}", out.code, out.stdout)
            .replace(root, "[ROOT]")
            .replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
        insta::assert_snapshot!(format!("format-{format}"), text);
    }
}
