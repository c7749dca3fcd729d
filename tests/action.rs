//! The GitHub Action (`action.yml`, SPEC §11), run as a runner would: its steps in order, with
//! their `if:` conditions, `env:` expressions and step outputs, and GitHub's variables
//! (`GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`, `GITHUB_PATH`, `GITHUB_WORKSPACE`, `RUNNER_TEMP`,
//! `GITHUB_ACTION_PATH`) pointed at temporary files. `uses:` steps (the cache) are recorded,
//! not run. A flagged workspace fails with annotations, a summary and SARIF; a clean one
//! passes; without `lync-lint` on `PATH` the action installs it with `cargo install` (a stand-in
//! `cargo` here, which records its arguments).
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Map, Value, json};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Parses the subset of YAML that `action.yml` uses: block mappings, block sequences of
/// mappings, plain and quoted scalars, comments. Anything else fails the test, so the
/// action stays in what this runner understands.
fn yaml(text: &str) -> Value {
    let lines: Vec<(usize, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| (l.len() - l.trim_start().len(), l.trim().to_owned()))
        .collect();
    let mut i = 0;
    let v = block(&lines, &mut i, 0);
    assert_eq!(i, lines.len(), "action.yml: cannot read line {:?}", lines.get(i));
    v
}

fn scalar(s: &str) -> Value {
    // A comment after a plain scalar.
    let s = if s.trim_start().starts_with(['\'', '"']) { s } else { s.split(" #").next().unwrap_or(s) };
    let s = s.trim();
    let unquoted = s
        .strip_prefix('\'')
        .and_then(|r| r.strip_suffix('\''))
        .or_else(|| s.strip_prefix('"').and_then(|r| r.strip_suffix('"')));
    Value::String(unquoted.unwrap_or(s).to_owned())
}

fn block(lines: &[(usize, String)], i: &mut usize, indent: usize) -> Value {
    let Some((first, text)) = lines.get(*i) else { return Value::Null };
    assert!(*first >= indent, "action.yml: bad indentation at {text:?}");
    let indent = *first;
    if text.starts_with("- ") {
        let mut items = Vec::new();
        while let Some((n, text)) = lines.get(*i) {
            if *n != indent || !text.starts_with("- ") {
                break;
            }
            // An item's first key sits two columns right of the dash: parse it as a mapping
            // at that indentation.
            let mut item_lines = vec![(indent + 2, text[2..].to_owned())];
            let mut j = *i + 1;
            while let Some((m, t)) = lines.get(j) {
                if *m <= indent {
                    break;
                }
                item_lines.push((*m, t.clone()));
                j += 1;
            }
            let mut k = 0;
            items.push(block(&item_lines, &mut k, indent + 2));
            *i = j;
        }
        return Value::Array(items);
    }
    let mut map = Map::new();
    while let Some((n, text)) = lines.get(*i) {
        if *n < indent {
            break;
        }
        assert_eq!(*n, indent, "action.yml: bad indentation at {text:?}");
        let (key, rest) = text.split_once(':').unwrap_or_else(|| panic!("action.yml: not `key: value`: {text:?}"));
        *i += 1;
        let value = if rest.trim().is_empty() { block(lines, i, indent + 1) } else { scalar(rest) };
        map.insert(key.trim().to_owned(), value);
    }
    Value::Object(map)
}

/// What a run of the action left.
struct Run {
    status: i32,
    stdout: String,
    summary: String,
    /// The outputs of each step with an `id`.
    outputs: BTreeMap<String, BTreeMap<String, String>>,
    /// The `uses:` steps reached, with their `with:` after expansion.
    used: Vec<(String, Value)>,
    /// What was run, in order ("run STEP" / "skip STEP").
    trace: Vec<String>,
}

struct Runner {
    action: Value,
    inputs: BTreeMap<String, String>,
    workspace: PathBuf,
    temp: tempfile::TempDir,
    path: String,
}

impl Runner {
    fn new(workspace: &Path, path: String) -> Self {
        let action = yaml(&std::fs::read_to_string(repo().join("action.yml")).expect("action.yml"));
        assert_eq!(action["runs"]["using"], "composite", "a composite action");
        let inputs: BTreeMap<String, String> = action["inputs"]
            .as_object()
            .expect("inputs")
            .iter()
            .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").to_owned()))
            .collect();
        Self { action, inputs, workspace: workspace.to_path_buf(), temp: tempfile::tempdir().expect("tmp"), path }
    }

    fn input(mut self, name: &str, value: &str) -> Self {
        assert!(self.inputs.contains_key(name), "action.yml has no input `{name}`");
        self.inputs.insert(name.to_owned(), value.to_owned());
        self
    }

    /// `${{ ... }}` expressions: inputs, step outputs and `runner.temp`.
    fn expand(&self, s: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            let expr = rest[start + 3..end].trim();
            out.push_str(&self.eval(expr, outputs));
            rest = &rest[end + 2..];
        }
        out + rest
    }

    fn eval(&self, expr: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>) -> String {
        if let Some(name) = expr.strip_prefix("inputs.") {
            return self.inputs.get(name).unwrap_or_else(|| panic!("no input `{name}`")).clone();
        }
        if let Some(rest) = expr.strip_prefix("steps.") {
            let (id, name) = rest.split_once(".outputs.").unwrap_or_else(|| panic!("unsupported `{expr}`"));
            return outputs.get(id).and_then(|o| o.get(name)).cloned().unwrap_or_default();
        }
        match expr {
            "runner.temp" => self.temp.path().display().to_string(),
            _ => panic!("action.yml: unsupported expression `{expr}`"),
        }
    }

    /// `if:` conditions of the forms `steps.ID.outputs.NAME == 'V'` and `!= 'V'`.
    fn condition(&self, cond: &str, outputs: &BTreeMap<String, BTreeMap<String, String>>) -> bool {
        let cond = cond.trim().trim_start_matches("${{").trim_end_matches("}}").trim();
        let (lhs, rhs, equal) = if let Some((l, r)) = cond.split_once("!=") {
            (l, r, false)
        } else if let Some((l, r)) = cond.split_once("==") {
            (l, r, true)
        } else {
            panic!("action.yml: unsupported condition `{cond}`")
        };
        let rhs = rhs.trim().trim_matches('\'');
        (self.eval(lhs.trim(), outputs) == rhs) == equal
    }

    fn run(self) -> Run {
        let steps = self.action["runs"]["steps"].as_array().expect("steps").clone();
        let summary = self.temp.path().join("step_summary.md");
        let gh_path = self.temp.path().join("github_path");
        std::fs::write(&summary, "").expect("summary");
        std::fs::write(&gh_path, "").expect("path file");
        let runner_temp = self.temp.path().join("runner_temp");
        std::fs::create_dir_all(&runner_temp).expect("runner temp");
        let mut outputs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let (mut used, mut trace, mut stdout, mut status) = (Vec::new(), Vec::new(), String::new(), 0);
        for (n, step) in steps.iter().enumerate() {
            let name = step["id"].as_str().map_or_else(|| format!("#{n}"), str::to_owned);
            if let Some(cond) = step["if"].as_str()
                && !self.condition(cond, &outputs)
            {
                trace.push(format!("skip {name}"));
                continue;
            }
            trace.push(format!("run {name}"));
            if let Some(uses) = step["uses"].as_str() {
                let mut with = step["with"].clone();
                for v in with.as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
                    *v = json!(self.expand(v.as_str().unwrap_or(""), &outputs));
                }
                used.push((uses.to_owned(), with));
                continue;
            }
            assert_eq!(step["shell"], "bash", "step {name}: run steps use bash");
            let script = step["run"].as_str().unwrap_or_else(|| panic!("step {name}: neither run nor uses"));
            let output_file = self.temp.path().join(format!("output-{n}"));
            std::fs::write(&output_file, "").expect("output file");
            // Directories added to GITHUB_PATH by earlier steps come first, as on a runner.
            let added: Vec<String> =
                std::fs::read_to_string(&gh_path).expect("path file").lines().rev().map(str::to_owned).collect();
            let path = added.into_iter().chain([self.path.clone()]).collect::<Vec<_>>().join(":");
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                .current_dir(&self.workspace)
                .env_clear()
                .env("PATH", path)
                .env("HOME", self.temp.path())
                .env("GITHUB_ACTION_PATH", repo())
                .env("GITHUB_WORKSPACE", &self.workspace)
                .env("GITHUB_OUTPUT", &output_file)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_PATH", &gh_path)
                .env("RUNNER_TEMP", &runner_temp)
                .env("RUNNER_OS", "Linux")
                .env("RUNNER_ARCH", "X64")
                .env("LYNC_LINT_TODAY", "2025-01-01");
            for (k, v) in step["env"].as_object().into_iter().flatten() {
                cmd.env(k, self.expand(v.as_str().unwrap_or(""), &outputs));
            }
            let out = cmd.output().expect("bash runs");
            stdout.push_str(&String::from_utf8_lossy(&out.stdout));
            stdout.push_str(&String::from_utf8_lossy(&out.stderr));
            if let Some(id) = step["id"].as_str() {
                let text = std::fs::read_to_string(&output_file).expect("outputs");
                let map = text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.into(), v.into())).collect();
                outputs.insert(id.to_owned(), map);
            }
            status = out.status.code().unwrap_or(-1);
            if status != 0 {
                break;
            }
        }
        let summary = std::fs::read_to_string(&summary).expect("summary");
        Run { status, stdout, summary, outputs, used, trace }
    }
}

/// The directory of the binary under test, then the system's.
fn path_with_binary() -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_lync-lint")).parent().expect("bin dir");
    format!("{}:/usr/bin:/bin", bin.display())
}

fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("workspace");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    for (name, fixture) in files {
        std::fs::copy(repo().join("fixtures").join(fixture), dir.path().join(name)).expect("copy fixture");
    }
    dir
}

#[test]
fn a_flagged_workspace_fails_with_annotations_summary_and_sarif() {
    let ws =
        workspace(&[("voice.lync.kdl", "online-but-needs-voice.lync.kdl"), ("ok.lync.kdl", "small-business.lync.kdl")]);
    let run = Runner::new(ws.path(), path_with_binary()).input("sarif", "lync-lint.sarif").run();
    assert_eq!(run.status, 1, "findings fail the job:\n{}", run.stdout);
    assert_eq!(run.trace, ["run locate", "skip #1", "skip #2", "run run"], "lync-lint on PATH: no install");
    assert_eq!(run.outputs["locate"]["found"], "true");
    assert_eq!(run.outputs["run"]["exit-code"], "1");
    assert_eq!(run.outputs["run"]["sarif"], "lync-lint.sarif");
    assert!(
        run.stdout.contains("::error file=voice.lync.kdl,line=14,col=5")
            && run.stdout.contains("title=enterprise-voice/pbx-replacement::"),
        "annotations with paths relative to the workspace:\n{}",
        run.stdout
    );
    assert!(!run.stdout.contains("file=ok.lync.kdl"), "the clean file has no annotation");
    assert!(run.summary.starts_with("## lync-lint"), "the Markdown report is the summary:\n{}", run.summary);
    assert!(run.summary.contains("`voice.lync.kdl`: online-ruled-out"), "{}", run.summary);
    assert!(run.summary.contains("`ok.lync.kdl`: online-viable"), "{}", run.summary);
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(ws.path().join("lync-lint.sarif")).expect("SARIF in the workspace"),
    )
    .expect("SARIF parses");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == "enterprise-voice/pbx-replacement"), "{results:?}");
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn a_clean_workspace_passes() {
    let ws = workspace(&[("ok.lync.kdl", "small-business.lync.kdl")]);
    let run = Runner::new(ws.path(), path_with_binary()).input("sarif", "out/lync-lint.sarif").run();
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert_eq!(run.outputs["run"]["exit-code"], "0");
    assert!(!run.stdout.contains("::error") && !run.stdout.contains("::warning"), "{}", run.stdout);
    assert!(run.summary.contains("`ok.lync.kdl`: online-viable"), "{}", run.summary);
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path().join("out/lync-lint.sarif")).expect("SARIF written"))
            .expect("SARIF parses");
    assert_eq!(sarif["runs"][0]["results"], json!([]), "no results");
}

#[test]
fn args_decide_and_the_summary_can_be_turned_off() {
    let ws = workspace(&[("voice.lync.kdl", "online-but-needs-voice.lync.kdl")]);
    // Declaring on premises turns the findings into advice: the job passes.
    let run = Runner::new(ws.path(), path_with_binary())
        .input("args", "check --target 'on-premises' .")
        .input("summary", "false")
        .run();
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("::notice file=voice.lync.kdl"), "advice as notices:\n{}", run.stdout);
    assert_eq!(run.summary, "", "no summary when `summary: false`");
    assert!(!ws.path().join("lync-lint.sarif").exists(), "no SARIF unless asked");

    // A format of the user's own replaces the annotations; other commands pass through.
    let run = Runner::new(ws.path(), path_with_binary()).input("args", "check --format json").run();
    assert_eq!(run.status, 1);
    let json_start = run.stdout.find('{').expect("JSON output");
    assert!(run.stdout[json_start..].contains("\"verdict\""), "{}", run.stdout);
    let run = Runner::new(ws.path(), path_with_binary()).input("args", "explain enterprise-voice/voicemail").run();
    assert_eq!(run.status, 0, "{}", run.stdout);
    assert!(run.stdout.contains("enterprise-voice/voicemail"), "{}", run.stdout);
    assert_eq!(run.summary, "", "only `check` writes a summary");
}

#[test]
fn without_lync_lint_on_path_the_action_installs_it_with_cargo_and_a_cache() {
    let ws = workspace(&[("voice.lync.kdl", "online-but-needs-voice.lync.kdl")]);
    // A stand-in `cargo` that records its arguments and "installs" the binary under test.
    let fake = tempfile::tempdir().expect("fake bin");
    let log = fake.path().join("cargo.log");
    let script = format!(
        "#!/bin/sh\necho \"$@\" >> '{log}'\nwhile [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
         mkdir -p \"$root/bin\" && cp '{bin}' \"$root/bin/lync-lint\"\n",
        log = log.display(),
        bin = env!("CARGO_BIN_EXE_lync-lint"),
    );
    let cargo = fake.path().join("cargo");
    std::fs::write(&cargo, script).expect("fake cargo");
    std::fs::set_permissions(&cargo, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    let run = Runner::new(ws.path(), format!("{}:/usr/bin:/bin", fake.path().display())).run();
    assert_eq!(run.trace, ["run locate", "run #1", "run #2", "run run"], "{}", run.stdout);
    assert_eq!(run.outputs["locate"]["found"], "false");
    let version = run.outputs["locate"]["version"].clone();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let key = &run.outputs["locate"]["cache-key"];
    assert!(key.starts_with(&format!("lync-lint-Linux-X64-{version}-")), "{key}");
    let root = &run.outputs["locate"]["root"];
    assert_eq!(run.used.len(), 1);
    assert!(run.used[0].0.starts_with("actions/cache@"), "{:?}", run.used);
    assert_eq!(run.used[0].1, json!({ "path": root, "key": key }), "the cache holds the install root");
    let args = std::fs::read_to_string(&log).expect("cargo ran");
    assert_eq!(args.trim(), format!("install --locked --path {} --root {root}", repo().display()));
    assert_eq!(run.status, 1, "the installed binary ran and found the findings:\n{}", run.stdout);
    assert!(run.stdout.contains("::error file=voice.lync.kdl"), "{}", run.stdout);

    // Same sources, same key; the digest covers the sources.
    let again = Runner::new(ws.path(), format!("{}:/usr/bin:/bin", fake.path().display())).run();
    assert_eq!(&again.outputs["locate"]["cache-key"], key);
}

#[test]
fn the_example_workflow_uses_the_action_with_its_inputs() {
    let action = yaml(&std::fs::read_to_string(repo().join("action.yml")).expect("action.yml"));
    let text = std::fs::read_to_string(repo().join("docs/examples/github-actions.yml")).expect("example");
    let workflow = yaml(&text);
    let steps = workflow["jobs"]["lint"]["steps"].as_array().expect("steps");
    let lint = steps.iter().find(|s| s["uses"] == "OWNER/lync-lint@v1").expect("a step that uses the action");
    for (input, _) in lint["with"].as_object().expect("with") {
        assert!(action["inputs"].get(input).is_some(), "`{input}` is not an input of action.yml");
    }
    let upload = steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.contains("upload-sarif"))).expect("upload");
    assert_eq!(upload["with"]["sarif_file"], lint["with"]["sarif"], "the SARIF uploaded is the one written");
    assert_eq!(upload["if"], "always()", "SARIF is uploaded when findings fail the job");
    assert_eq!(lint["with"]["args"], action["inputs"]["args"]["default"]);
    assert!(!text.contains("example.invalid"));
}
