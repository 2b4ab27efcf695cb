#!/usr/bin/env bash
# Runs the tests on node's own test runner. As root (and in CI): every suite,
# the unit tests under test/<part>/ and the integration tests under
# test/integration/ against real namespaces, veths, conntrack entries,
# ethtool, promtool and Prometheus. As any other user: every suite that needs
# no root (unit tests, golden expositions from recorded helper replies, and
# the integration suites that only run promtool or kubectl), and one line
# naming the suites it skipped and why. UPDATE_GOLDEN=1 (or -u) rewrites the
# golden expositions; `npm run fixtures:record` (root) records their replies.
set -euo pipefail
cd "$(dirname "$0")/.."

# Integration suites that need no root: they read files and run promtool/kubectl.
ROOTLESS_INTEGRATION=(dashboards rules deploy kustomize)

# -u (node_exporter's end-to-end-test.sh -u): rewrite the golden expositions
# under test/fixtures/golden/ instead of comparing against them.
args=()
for arg in "$@"; do
	if [[ $arg == -u ]]; then export UPDATE_GOLDEN=1; else args+=("$arg"); fi
done
set -- ${args[@]+"${args[@]}"}

if (($#)); then
	[[ $(id -u) -eq 0 ]] && make -s -C src/helper asan
	exec node --test --test-concurrency=2 --test-timeout=600000 "$@"
fi

mapfile -t unit < <(find dist/test -name '*.test.js' -not -path 'dist/test/integration/*' | sort)
if [[ $(id -u) -eq 0 ]]; then
	make -s -C src/helper asan
	mapfile -t integration < <(find dist/test/integration -name '*.test.js' | sort)
	exec node --test --test-concurrency=2 --test-timeout=600000 "${unit[@]}" "${integration[@]}"
fi

integration=()
skipped=()
for file in dist/test/integration/*.test.js; do
	name=$(basename "$file" .test.js)
	if [[ " ${ROOTLESS_INTEGRATION[*]} " == *" $name "* ]]; then integration+=("$file"); else skipped+=("$name"); fi
done
echo "test: not root, so skipping ${#skipped[@]} integration suites that need network namespaces, capabilities or the setuid helper: ${skipped[*]}" >&2
exec node --test --test-concurrency=2 --test-timeout=600000 "${unit[@]}" "${integration[@]}"
