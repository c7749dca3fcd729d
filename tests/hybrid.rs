//! Hybrid sizing (SPEC §4.1) through the binary: exact numbers on hand-computed cases, in the
//! human summary, JSON, Markdown and SARIF.

use std::path::Path;

use crate::common::{run, run_in};

fn json(args: &[&str], dir: &Path) -> serde_json::Value {
    let out = run_in(dir, args, None);
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr))
}

/// Checks `env` (written as `e.lync.kdl` in a fresh directory, with `config` as its
/// `lync-lint.kdl` when given) and returns its `hybrid`.
fn hybrid_with(env: &str, config: Option<&str>, extra: &[&str]) -> serde_json::Value {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join(".git")).expect("the configuration's root");
    std::fs::write(tmp.path().join("e.lync.kdl"), env).expect("write");
    if let Some(c) = config {
        std::fs::write(tmp.path().join("lync-lint.kdl"), c).expect("write");
    }
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    args.push("e.lync.kdl");
    json(&args, tmp.path())["files"][0]["hybrid"].clone()
}

fn hybrid_of(env: &str, extra: &[&str]) -> serde_json::Value {
    hybrid_with(env, None, extra)
}

fn range(v: &serde_json::Value) -> (u64, u64) {
    (v["min"].as_u64().expect("min"), v["max"].as_u64().expect("max"))
}

#[test]
fn the_hybrid_fixture_homes_120_to_160_of_2500_on_premises() {
    let out = run(&["check", "fixtures/hybrid.lync.kdl"]);
    assert_eq!(out.code, 0, "advice only (target hybrid): {}", out.stdout);
    assert!(
        out.stdout.contains(
            "    hybrid: home 120 to 160 of 2,500 users on Lync Server 2013; the other 2,340 to 2,380 can be homed in Lync Online\n    largest needs: `persistent-chat/server` (120 users), `federation/xmpp` (40 users)\n"
        ),
        "{}",
        out.stdout
    );
    let doc = json(&["check", "--format", "json", "fixtures/hybrid.lync.kdl"], Path::new(env!("CARGO_MANIFEST_DIR")));
    let h = &doc["files"][0]["hybrid"];
    assert_eq!(h["users"], 2500);
    assert_eq!(range(&h["on_premises"]), (120, 160));
    assert_eq!(range(&h["online"]), (2340, 2380));
    assert_eq!(
        h["needs"],
        serde_json::json!([{"rule": "persistent-chat/server", "users": 120}, {"rule": "federation/xmpp", "users": 40}])
    );
}

#[test]
fn an_organization_wide_need_homes_everyone_on_premises() {
    let out = run(&["check", "fixtures/all-on-premises.lync.kdl"]);
    assert!(out.stdout.contains("    hybrid: home all 800 users on Lync Server 2013\n"), "{}", out.stdout);
    assert!(
        out.stdout.contains("`enterprise-voice/pbx-replacement` (800 users), `enterprise-voice/call-park` (25 users)")
    );
    let h = hybrid_of(&std::fs::read_to_string("fixtures/all-on-premises.lync.kdl").expect("fixture"), &[]);
    assert_eq!((range(&h["on_premises"]), range(&h["online"])), ((800, 800), (0, 0)));
}

#[test]
fn one_number_when_the_bounds_meet() {
    let env = "organization \"O\" users=3000\nvoice {\n    call-park #true users=120\n}\n";
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("e.lync.kdl"), env).expect("write");
    let out = run_in(tmp.path(), &["check", "--no-config", "e.lync.kdl"], None);
    assert!(
        out.stdout.contains(
            "hybrid: home 120 of 3,000 users on Lync Server 2013; the other 2,880 can be homed in Lync Online"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn waived_findings_warnings_and_advice_do_not_count() {
    let env = "organization \"O\" users=1000\n\
               voice {\n    call-park #true users=100\n    response-groups #true users=300\n    pstn-calling #true users=900\n}\n\
               waiver \"enterprise-voice/response-groups\" reason=\"the help desk moves to the carrier's queues\"\n";
    let h = hybrid_of(env, &[]);
    // response-groups is waived, pstn-calling is a warning: only call-park counts.
    assert_eq!(h["needs"], serde_json::json!([{"rule": "enterprise-voice/call-park", "users": 100}]));
    assert_eq!(range(&h["on_premises"]), (100, 100));
    // A rule turned into a warning by configuration does not count either; a rule set to
    // error by configuration does.
    let h = hybrid_with(env, Some("rule \"enterprise-voice/call-park\" severity=\"warning\"\n"), &[]);
    assert!(h.is_null(), "nothing rules Lync Online out any more: {h}");
    let h = hybrid_with(env, Some("rule \"enterprise-voice/pstn-calling\" severity=\"error\"\n"), &[]);
    assert_eq!(range(&h["on_premises"]), (900, 1000));
}

#[test]
fn a_site_is_a_head_count_not_a_need() {
    // Regional servers across two places: the evidence is the sites and the need; sites'
    // users= do not count, so the finding is organization-wide unless the need says users=.
    let sites = "organization \"O\" users=500\nsite \"A\" country=\"US\" datacenter=#true users=10\nsite \"B\" country=\"JP\" datacenter=#true users=20\n";
    let wide = hybrid_of(&format!("{sites}management {{\n    regional-servers #true\n}}\n"), &[]);
    assert_eq!(range(&wide["on_premises"]), (500, 500), "{wide}");
    let some = hybrid_of(&format!("{sites}management {{\n    regional-servers #true users=70\n}}\n"), &[]);
    assert_eq!(range(&some["on_premises"]), (70, 70), "{some}");
}

#[test]
fn no_sizing_without_the_organization_size_or_a_ruled_out_verdict() {
    assert!(hybrid_of("voice {\n    call-park #true users=5\n}\n", &[]).is_null());
    assert!(
        hybrid_of("organization \"O\" users=10\ncollaboration {\n    im-presence #true users=5\n}\n", &[]).is_null()
    );
}

#[test]
fn users_beyond_the_organization_is_a_value_error_on_the_property() {
    let tmp = tempfile::tempdir().expect("tmp");
    let env = "organization \"O\" users=100\nchat {\n    persistent #true users=250\n}\n";
    std::fs::write(tmp.path().join("e.lync.kdl"), env).expect("write");
    let doc = json(&["check", "--no-config", "--format", "json", "e.lync.kdl"], tmp.path());
    let file = &doc["files"][0];
    assert!(file["verdict"].is_null() && file["hybrid"].is_null(), "{file}");
    let d = &file["diagnostics"][0];
    assert_eq!(d["code"], "schema::value");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64(), d["end_column"].as_u64()),
        (Some(3), Some(28), Some(31)),
        "{d}"
    );
    assert!(d["message"].as_str().unwrap_or("").contains("more than the organization's 100 users"), "{d}");
    // users=0 on a need is out of range too; sites' head counts are not compared.
    let zero = hybrid_of("organization \"O\" users=100\nchat {\n    persistent #true users=0\n}\n", &[]);
    assert!(zero.is_null());
    let site = "organization \"O\" users=10\nsite \"HQ\" users=5000\nchat {\n    persistent #true\n}\n";
    assert_eq!(hybrid_of(site, &[])["users"], 10);
}

#[test]
fn markdown_and_sarif_carry_the_sizing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let md = run_in(root, &["check", "--format", "markdown", "fixtures/hybrid.lync.kdl"], None).stdout;
    assert!(md.contains("\nhybrid: home 120 to 160 of 2,500 users on Lync Server 2013;"), "{md}");
    let sarif = json(&["check", "--format", "sarif", "fixtures/hybrid.lync.kdl"], root);
    let files = &sarif["runs"][0]["properties"]["lync-lint/files"];
    assert_eq!(files[0]["verdict"], "online-ruled-out");
    assert_eq!(range(&files[0]["hybrid"]["on_premises"]), (120, 160));
}

/// The example user pack declares `users=` on a need of its own: the engine sizes it like a
/// built-in need, together with the built-in ones.
#[test]
fn the_example_user_pack_gets_sizing_from_its_own_vocabulary() {
    let env =
        "organization \"ACME\" users=1000\ntrader-turrets #true users=60\nchat {\n    persistent #true users=200\n}\n";
    let acme = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/packs/acme");
    let h = hybrid_of(env, &["--policies", acme.to_str().expect("utf-8")]);
    assert_eq!(range(&h["on_premises"]), (200, 260), "{h}");
    assert_eq!(h["needs"][1], serde_json::json!({"rule": "acme/trader-turrets", "users": 60}));
}
