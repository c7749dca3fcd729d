#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/<target>/) from fixtures/, policies/, the configuration guide's
config example and tests/data/kdl-test-cases/. Called by fuzz/run.sh; safe to re-run."""
import hashlib, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
suite = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else root / "tests" / "data" / "kdl-test-cases")
corpus = root / "fuzz" / "corpus"

def put(target, data: bytes):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)

kdl = sorted(p for p in (root / "fixtures").rglob("*.kdl")) + sorted((root / "policies").rglob("*.kdl"))
suite_inputs = sorted((suite / "input").glob("*.kdl")) if (suite / "input").is_dir() else []
envs = sorted((root / "fixtures").glob("*.lync.kdl"))

for p in kdl + suite_inputs:
    put("parse", p.read_bytes())
for p in envs + suite_inputs:
    put("check", p.read_bytes())

# KQL: each selector of the policies, followed by an environment to run it on.
queries = set()
for p in (root / "policies").rglob("*.kdl"):
    for m in re.finditer(r'(?:match|count|when)\s+(#*)"(.*?)"\1', p.read_text(), re.S):
        queries.add(m.group(2).replace('\\"', '"'))
for i, q in enumerate(sorted(queries)):
    put("kql", q.encode() + b"\n" + envs[i % len(envs)].read_bytes())

# Pack files, with the role byte fuzz/harness.rs reads.
for p in sorted((root / "policies").rglob("*.kdl")) + sorted((root / "fixtures" / "packs").rglob("*.kdl")):
    name = p.name
    role = 2 if name.endswith(".test.kdl") else 1 if name == "vocabulary.kdl" else 3 if name == "pack.kdl" else 0
    put("pack", bytes([role]) + p.read_bytes())

# Config: docs/configuration.md's `lync-lint.kdl` example and a few variations.
readme = (root / "docs" / "configuration.md").read_text()
m = re.search(r"# Configuration: `lync-lint.kdl`.*?```kdl\n(.*?)```", readme, re.S)
if m:
    put("config", m.group(1).encode())
put("config", b'include "**/*.lync.kdl"\nexclude "vendor/**"\nrule "LYNC-V001" severity="off"\ntarget "online"\nformat "sarif"\n')
put("config", b'policies "fixtures/packs/acme"\nbuiltin #false\n')
print(f"seeded {corpus}")
for q in ["node", "a > b", "a >> b", "a + b", "a ~ b", "[]", "[val()]", "[val(1) != 2]", "[prop = \"x\"]",
          "(t)a", "a[name() ^= \"x\"][name() $= \"y\"][name() *= \"z\"]", "top() > a || b", "[val() > 1]"]:
    put("kql", q.encode() + b"\na 1 prop=\"x\" {\n    b 2\n    (t)c #true\n}\n")
