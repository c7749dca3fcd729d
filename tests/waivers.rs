//! Waivers (SPEC §5): every `waiver::*` code, expiry on both sides of the date, and how
//! waived findings are counted.

use std::path::Path;

use assert_cmd::Command;

fn check(dir: &Path, today: &str, args: &[&str]) -> (i32, String) {
    let out = Command::cargo_bin("lync-lint")
        .expect("binary")
        .current_dir(dir)
        .arg("check")
        .args(args)
        .env("LYNC_LINT_TODAY", today)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

fn env_with(waiver: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = format!("voice {{\n    pstn-calling #true\n    call-park #true\n}}\n{waiver}\n");
    std::fs::write(tmp.path().join("e.lync.kdl"), text).expect("write");
    tmp
}

#[test]
fn a_waiver_suppresses_the_finding_and_is_counted() {
    let tmp = env_with(
        "waiver \"enterprise-voice/call-park\" reason=\"parked calls stay on the old PBX\" expires=\"2027-01-31\" owner=\"uc-team\" ticket=\"UC-42\"",
    );
    let (code, out) = check(tmp.path(), "2026-11-27", &[]);
    assert_eq!(code, 0, "the only error is waived: {out}");
    assert!(!out.contains("× `call-park`"), "a waived finding is not drawn: {out}");
    assert!(out.contains("1 waived"), "{out}");
    assert!(
        out.contains("waived `enterprise-voice/call-park`: parked calls stay on the old PBX (owner uc-team, until 2027-01-31, ticket UC-42)"),
        "{out}"
    );
    assert!(out.contains("online-viable"), "a waived finding does not rule Lync Online out: {out}");
}

#[test]
fn a_waiver_holds_on_its_last_day_and_expires_the_day_after() {
    let tmp = env_with("waiver \"enterprise-voice/call-park\" reason=\"until the migration\" expires=\"2026-11-27\"");
    let (code, out) = check(tmp.path(), "2026-11-27", &[]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("waiver::expired"));
    let (code, out) = check(tmp.path(), "2026-11-28", &[]);
    assert_eq!(code, 1);
    assert!(out.contains("waiver::expired"), "{out}");
    assert!(out.contains("expired on 2026-11-27"), "{out}");
    assert!(out.contains("enterprise-voice/call-park (http"), "the finding comes back: {out}");
}

#[test]
fn an_empty_reason_is_an_error() {
    let tmp = env_with("waiver \"enterprise-voice/call-park\" reason=\"  \"");
    let (code, out) = check(tmp.path(), "2026-11-27", &[]);
    assert_eq!(code, 1);
    assert!(out.contains("waiver::missing-reason"), "{out}");
}

#[test]
fn a_missing_reason_is_a_schema_error() {
    let tmp = env_with("waiver \"enterprise-voice/call-park\"");
    let (code, out) = check(tmp.path(), "2026-11-27", &[]);
    assert_eq!(code, 1);
    assert!(out.contains("schema::arity"), "{out}");
}

#[test]
fn an_unknown_rule_gets_a_suggestion() {
    let tmp = env_with("waiver \"enterprise-voice/call-prk\" reason=\"typo\"");
    let (code, out) = check(tmp.path(), "2026-11-27", &[]);
    assert_eq!(code, 1);
    assert!(out.contains("waiver::unknown-rule"), "{out}");
    assert!(out.contains("did you mean `enterprise-voice/call-park`?"), "{out}");
}

#[test]
fn a_waiver_that_suppresses_nothing_is_a_warning() {
    let tmp = env_with("waiver \"media-quality/qos\" reason=\"not needed\"");
    let (code, out) = check(tmp.path(), "2026-11-27", &[]);
    assert_eq!(code, 1, "call-park still fires");
    assert!(out.contains("waiver::unused"), "{out}");
    assert!(out.contains("⚠ the waiver of `media-quality/qos` suppresses nothing"), "{out}");
}

#[test]
fn a_malformed_expiry_date_is_a_schema_error() {
    let tmp = env_with("waiver \"enterprise-voice/call-park\" reason=\"r\" expires=\"31/12/2026\"");
    let (code, out) = check(tmp.path(), "2026-11-27", &[]);
    assert_eq!(code, 1);
    assert!(out.contains("schema::value"), "{out}");
}

#[test]
fn a_rule_marked_not_waivable_refuses_waivers() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = tmp.path().join("pack");
    std::fs::create_dir(&pack).expect("mkdir");
    std::fs::write(pack.join("pack.kdl"), "pack \"strict\" {\n    version \"1\"\n}\n").expect("write");
    std::fs::write(
        pack.join("rules.kdl"),
        "policy \"strict/no-xmpp\" {\n    title \"t\"\n    severity \"error\"\n    waivable #false\n    when \"top() > federation > xmpp\"\n    message \"no XMPP\"\n}\n",
    )
    .expect("write");
    std::fs::write(
        tmp.path().join("e.lync.kdl"),
        "federation {\n    xmpp \"a.example\"\n}\nwaiver \"strict/no-xmpp\" reason=\"please\"\n",
    )
    .expect("write");
    let (code, out) = check(tmp.path(), "2026-11-27", &["--policies", "pack"]);
    assert_eq!(code, 1);
    assert!(out.contains("waiver::not-waivable"), "{out}");
    assert!(out.contains("strict/no-xmpp (") || out.contains("× no XMPP"), "the finding stays: {out}");
}

#[test]
fn a_bad_lync_lint_today_is_a_tool_error() {
    let tmp = env_with("");
    let (code, _) = check(tmp.path(), "tomorrow", &[]);
    assert_eq!(code, 2);
}
