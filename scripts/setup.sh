#!/usr/bin/env bash
# Brings a fresh Debian machine to the point where ethtrack builds, runs and
# tests: system packages (when root), node modules, the build. Quick and
# silent when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
	# helper build
	gcc make pkg-config libgrpc-dev protobuf-c-compiler libprotobuf-c-dev
	libmnl-dev libcap-dev libseccomp-dev
	# helper hardening tests: libFuzzer (clang), setcap, setpriv
	clang-14 libclang-rt-14-dev libcap2-bin util-linux
	# tests and benchmarks: the oracles nobody here wrote
	ethtool iproute2 iptables conntrack iputils-ping prometheus prometheus-node-exporter curl python3 strace
	# the status page in a real browser (headless --dump-dom and --screenshot)
	chromium
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$pkg")
	fi
done
if ((${#missing[@]})); then
	if [[ $(id -u) -eq 0 ]]; then
		echo "setup: installing ${missing[*]}" >&2
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		echo "setup: missing Debian packages (run as root to install): ${missing[*]}" >&2
	fi
fi

# The deploy tests build the kustomize manifests with kubectl's kustomize.
# Debian's kubernetes-client (1.20) is too old for components, so it is not
# installed here; without kubectl those tests skip, and fail under CI=true.
if ! command -v kubectl >/dev/null; then
	echo "setup: kubectl not found (1.27+ from pkgs.k8s.io): deploy tests will skip, or fail under CI=true" >&2
fi

# Node modules: reinstall only when the lock file changed since the last install.
if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
	echo "setup: installing node modules" >&2
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

npm run -s build
