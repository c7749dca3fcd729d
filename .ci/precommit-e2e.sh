#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml: installs pre-commit from PyPI into a temporary
# virtualenv and runs this repository's hook with `pre-commit try-repo` on a good and a bad
# environment file. Exits non-zero when the hook does not pass and fail as it should.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet pre-commit
export PRE_COMMIT_HOME="$work/cache"
# pre-commit builds the hook with `cargo install` (the release profile: fat LTO, one codegen
# unit, minutes on 2 cores). The hook's behaviour does not depend on optimization, so this test
# builds it the quick way to keep .ci/run under 20 minutes.
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=0

mkdir "$work/project"
cd "$work/project"
git init --quiet .
git config user.email ci@localhost
git config user.name ci
printf 'collaboration {\n    im-presence #true\n}\n' > good.lync.kdl
printf 'voice {\n    pbx-replacement #true\n}\n' > bad.lync.kdl
git add good.lync.kdl bad.lync.kdl

if ! "$work/venv/bin/pre-commit" try-repo "$repo" lync-lint --files good.lync.kdl > good.log 2>&1; then
    cat good.log
    tail -40 "$PRE_COMMIT_HOME/pre-commit.log" 2>/dev/null || true
    echo "pre-commit e2e: FAILED: the hook rejected a good file"
    exit 1
fi
if "$work/venv/bin/pre-commit" try-repo "$repo" lync-lint --files bad.lync.kdl > bad.log 2>&1; then
    cat bad.log
    echo "pre-commit e2e: FAILED: the hook accepted a file that rules Lync Online out"
    exit 1
fi
grep -q "enterprise-voice/pbx-replacement" bad.log || { cat bad.log; echo "pre-commit e2e: FAILED: no finding shown"; exit 1; }
echo "pre-commit e2e: passed (good file accepted, bad file rejected with its finding)"
