#!/usr/bin/env bash
# Runs every test on node's own test runner: unit tests, then integration
# tests against real namespaces, veths, conntrack entries, ethtool, promtool
# and Prometheus. Needs root (network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s -C src/helper asan
if [[ $(id -u) -ne 0 ]]; then
	echo "test: integration tests need root (network namespaces); run as root" >&2
	exit 1
fi
if (($#)); then set -- "$@"; else set -- dist/test/*.test.js; fi
exec node --test --test-concurrency=2 --test-timeout=600000 "$@"
