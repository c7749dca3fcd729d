#!/usr/bin/env bash
# Packaging check (SPEC §11): `cargo package --locked` succeeds for both crates, and the
# lync-lint package holds what `cargo install lync-lint` needs (the build script, the built-in
# pack it embeds, the README and the licenses) and nothing of the repository's tests,
# benchmarks, fuzz corpora or build output.
#
# Both crates are packaged together, so lync-lint is verified (built from its .crate) against
# the packaged lync-lint-core, as `cargo publish --workspace` would. Exits non-zero with a
# `package-check: FAILED` line when something is missing or the build fails.
#
# The builds go to target/dist (shared with .ci/wheel-check.sh, which builds the same
# dependencies the same way). Cargo takes the packaged lync-lint-core for a registry crate,
# whose build it never checks for changes, so its last build is removed first, and so are
# cargo's unpacked copies of both crates in $CARGO_HOME/registry/src (see below): otherwise a
# second run would verify lync-lint against the core of the first. Two package checks must
# not run at once on one cargo home.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
export CARGO_TARGET_DIR="$repo/target/dist"

fail() {
    echo "package-check: FAILED: $*"
    exit 1
}

list="$(mktemp)"
trap 'rm -f "$list"' EXIT

# The file list of each package.
cargo package --list --locked --allow-dirty -p lync-lint 2>/dev/null > "$list" || fail "cargo package --list -p lync-lint"
echo "package-check: lync-lint has $(wc -l < "$list") files"
for f in Cargo.toml Cargo.lock build.rs README.md LICENSE-MIT LICENSE-APACHE src/main.rs src/lib.rs \
    policies/lync-2013/pack.kdl policies/lync-2013/vocabulary.kdl; do
    grep -qx "$f" "$list" || fail "lync-lint's package lacks $f"
done
# Every file of the built-in pack (build.rs embeds all of them).
while read -r f; do
    grep -qx "$f" "$list" || fail "lync-lint's package lacks $f (a file of the built-in pack)"
done < <(git ls-files policies)
grep -q '^policies/lync-2013/rules/.*\.kdl$' "$list" || fail "no rule files in the package"
if grep -E '^(fuzz|target|tests|benches|fixtures|\.ci)/' "$list"; then
    fail "lync-lint's package holds repository-only files (above)"
fi

cargo package --list --locked --allow-dirty -p lync-lint-core 2>/dev/null > "$list" || fail "cargo package --list -p lync-lint-core"
echo "package-check: lync-lint-core has $(wc -l < "$list") files"
for f in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE src/lib.rs src/vocab/engine.kdl; do
    grep -qx "$f" "$list" || fail "lync-lint-core's package lacks $f"
done

# Package and verify both: each .crate is unpacked and built on its own.
start=$SECONDS
cargo clean --quiet -p lync-lint-core 2>/dev/null || true
# Cargo unpacks the packaged crates from its temporary registry (target/dist/package/tmp-registry)
# into $CARGO_HOME/registry/src/-<hash of that path>/, and reuses what it finds there without
# comparing it to the new .crate. A checkout that always sits at the same path, with a cargo home
# kept between runs, would verify lync-lint against the lync-lint-core of an earlier run. Local
# registries are the directories whose name starts with "-"; crates.io's are never touched.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
for d in "$cargo_home"/registry/src/-*/lync-lint-core-* "$cargo_home"/registry/src/-*/lync-lint-[0-9]*; do
    if [ -d "$d" ]; then rm -rf "$d"; fi
done
if ! cargo package --locked --allow-dirty -p lync-lint-core -p lync-lint > "$list" 2>&1; then
    tail -40 "$list"
    fail "cargo package --locked -p lync-lint-core -p lync-lint"
fi
grep -E '^ *(Packaged|Verifying|Finished)' "$list" || true
for c in "$CARGO_TARGET_DIR"/package/lync-lint-core-*.crate "$CARGO_TARGET_DIR"/package/lync-lint-[0-9]*.crate; do
    [ -f "$c" ] || fail "no .crate written ($c)"
    echo "package-check: ${c#"$repo"/} ($(du -h "$c" | cut -f1))"
done
echo "package-check: ok (both crates packaged and verified in $((SECONDS - start)) s)"
