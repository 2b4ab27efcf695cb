#!/usr/bin/env bash
# `npm run test:image`: builds the container image from
# deploy/container/Dockerfile as the README tells users to (podman build),
# then runs it the way deploy/kubernetes/daemonset.yaml does and checks it
# end to end: the helper container with NET_ADMIN alone, the exporter as
# uid 65534 with no capabilities and no_new_privs, a shared socket directory,
# read-only roots, one network namespace made here (with a veth for ethtool
# and conntrack entries). Fails unless the exporter scrapes through the
# helper. Needs root; installs what it needs, like scripts/setup.sh.
#
# Registries are unreachable on CI machines: when a base image cannot be
# pulled, scripts/image-standin.sh builds a stand-in under the same name, so
# the Dockerfile itself is built unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $(id -u) -ne 0 ]]; then
	echo "test-image: needs root (podman, network namespaces)" >&2
	exit 1
fi

APT_PACKAGES=(podman buildah runc uidmap mmdebstrap)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
	echo "test-image: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# ethtool, conntrack, promtool, curl and the built gRPC health client.
bash scripts/setup.sh

IMAGE=${ETHTRACK_IMAGE:-ethtrack:latest}
# Debian's podman here: crun refuses (RLIMIT_NOFILE, cgroups v1 hybrid
# mode), runc with explicit limits works. See README "Container image".
PODMAN=(podman --runtime runc --cgroup-manager cgroupfs)
ULIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=4096:4096)
# The pod's fsGroup, runAsGroup and --allow-gid in daemonset.yaml.
GID=10160

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "test-image: $*" >&2; }
fail() {
	say "FAIL: $*"
	exit 1
}

# --- Base images ------------------------------------------------------------

# The names the Dockerfile's FROM lines give, with its ARG defaults applied,
# in order (the last is the runtime stage's base).
base_images() {
	local -A args=() stages=()
	local line name value
	while read -r line; do
		if [[ $line =~ ^ARG[[:space:]]+([A-Za-z_]+)=(.*)$ ]]; then
			args[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
		elif [[ $line =~ ^FROM[[:space:]]+([^[:space:]]+)([[:space:]]+AS[[:space:]]+([^[:space:]]+))? ]]; then
			value=${BASH_REMATCH[1]}
			[[ -n ${BASH_REMATCH[3]} ]] && stages[${BASH_REMATCH[3]}]=1
			# A stage built from an earlier stage is not an image to fetch.
			[[ -n ${stages[$value]:-} ]] && continue
			for name in "${!args[@]}"; do value=${value//\$\{$name\}/${args[$name]}}; done
			[[ $value == */* ]] || value=docker.io/library/$value
			echo "$value"
		fi
	done <deploy/container/Dockerfile | awk '!seen[$0]++'
}

start=$(now)
unpullable=()
while read -r base; do
	if ! "${PODMAN[@]}" image exists "$base"; then
		"${PODMAN[@]}" pull --quiet "$base" >/dev/null 2>&1 || unpullable+=("$base")
		continue
	fi
	# A stand-in from an earlier run: the stand-in script rebuilds it only
	# when its inputs changed. A real image is used as it is.
	label=$("${PODMAN[@]}" image inspect --format '{{index .Labels "org.ethtrack.standin"}}' "$base")
	[[ -z $label || $label == "<no value>" ]] || unpullable+=("$base")
done < <(base_images)
if ((${#unpullable[@]})); then
	say "base images not pullable here, using local stand-ins (cached when built before): ${unpullable[*]}"
	bash scripts/image-standin.sh "${unpullable[@]}"
fi
say "base images ready in $(elapsed "$start") s"

# --- Build ------------------------------------------------------------------

# What the README says, plus this machine's runtime flags: layers from an
# earlier build are reused, nothing is pulled (the bases are local now).
start=$(now)
"${PODMAN[@]}" build --isolation chroot --network host --pull=never "${ULIMITS[@]}" \
	-f deploy/container/Dockerfile -t "$IMAGE" . >/tmp/ethtrack-image-build.log 2>&1 ||
	{
		tail -40 /tmp/ethtrack-image-build.log >&2
		fail "podman build failed (log: /tmp/ethtrack-image-build.log)"
	}
build_seconds=$(elapsed "$start")
size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE")
runtime_base=$(base_images | tail -1)
base_size=$("${PODMAN[@]}" image inspect --format '{{.Size}}' "$runtime_base")
say "built $IMAGE in $build_seconds s; image size $((size / 1000000)) MB" \
	"($((base_size / 1000000)) MB of it $runtime_base)"

# --- Run as the DaemonSet does ------------------------------------------------

suffix=$$-$RANDOM
NS=ethtrack-img-$suffix
HELPER=ethtrack-img-helper-$suffix
EXPORTER=ethtrack-img-exporter-$suffix
SOCKDIR=$(mktemp -d /run/ethtrack-img.XXXXXX)
WORK=$(mktemp -d)

cleanup() {
	local rc=$?
	if ((rc != 0)); then
		for c in "$HELPER" "$EXPORTER"; do
			say "--- logs of $c"
			"${PODMAN[@]}" logs "$c" 2>&1 | tail -30 >&2 || true
		done
	fi
	"${PODMAN[@]}" rm --force --time 0 "$EXPORTER" "$HELPER" >/dev/null 2>&1 || true
	ip netns pids "$NS" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$SOCKDIR" "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { ip netns exec "$NS" "$@"; }

# The node: a network namespace with a veth pair (named so the default
# device filter, which leaves out veth*, keeps it) and a few conntrack
# entries, so both collectors have something to report.
ip netns add "$NS"
in_ns ip link set lo up
in_ns ip link add eimg0 type veth peer name eimg1
in_ns ip addr add 10.89.0.1/24 dev eimg0
in_ns ip addr add 10.89.0.2/24 dev eimg1
in_ns ip link set eimg0 up
in_ns ip link set eimg1 up
for port in 80 443 8080; do
	in_ns conntrack -I -p tcp -s 10.89.0.1 -d 10.89.0.2 --sport $((40000 + port)) --dport "$port" \
		--state ESTABLISHED -u ASSURED -t 600 >/dev/null 2>&1
done
in_ns conntrack -I -p udp -s 10.89.0.1 -d 10.89.0.2 --sport 5353 --dport 53 -t 600 >/dev/null 2>&1

# The emptyDir with fsGroup: group $GID, setgid, writable by all.
chown "0:$GID" "$SOCKDIR"
chmod 2777 "$SOCKDIR"

COMMON=(--network "ns:/run/netns/$NS" --read-only --read-only-tmpfs=false
	--security-opt no-new-privileges "${ULIMITS[@]}"
	-v "$SOCKDIR:/run/ethtrack")
# The kubelet does not wait for the helper's socket; the exporter starts
# first here, so it usually finds no socket yet and must cope.
"${PODMAN[@]}" run -d --name "$EXPORTER" "${COMMON[@]}" \
	--user "65534:$GID" --cap-drop ALL --memory 256m --cpus 1 \
	--entrypoint /opt/ethtrack/dist/src/cli.js "$IMAGE" \
	--no-helper.spawn --helper.socket=unix:///run/ethtrack/helper.sock \
	--web.listen-address=:10160 --grpc.listen-address=:10161 >/dev/null
"${PODMAN[@]}" run -d --name "$HELPER" "${COMMON[@]}" \
	--user 0:0 --group-add "$GID" --cap-drop ALL --cap-add NET_ADMIN --memory 64m --cpus 1 \
	--entrypoint /usr/local/bin/ethtrack-helper "$IMAGE" \
	--socket /run/ethtrack/helper.sock --allow-gid "$GID" >/dev/null

readyz() { in_ns curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:10160/readyz || true; }
helper_up() {
	in_ns curl -sf http://127.0.0.1:10160/metrics 2>/dev/null | awk '$1 == "ethtrack_helper_up" { print $2 }' || true
}
# wait_for WHAT SECONDS CONDITION: CONDITION is evaluated on every try.
wait_for() {
	local what=$1 seconds=$2 condition=$3
	local deadline=$((SECONDS + seconds))
	until eval "$condition"; do
		((SECONDS < deadline)) || fail "$what within $seconds s (readyz $(readyz), helper_up $(helper_up))"
		sleep 0.5
	done
}

start=$(now)
wait_for "/readyz 200" 60 '[[ $(readyz) == 200 ]]'
say "ready $(elapsed "$start") s after start"

in_ns curl -sf http://127.0.0.1:10160/metrics >"$WORK/metrics" || fail "GET /metrics"
grep -q '^ethtrack_nic_stat{.*device="eimg0"' "$WORK/metrics" || fail "no ethtool series for eimg0"
grep -q '^ethtrack_conntrack_entries ' "$WORK/metrics" || fail "no conntrack series"
grep -q '^ethtrack_helper_up 1' "$WORK/metrics" || fail "helper not up"
promtool check metrics <"$WORK/metrics" >"$WORK/promtool" 2>&1 || true
[[ ! -s $WORK/promtool ]] || fail "promtool check metrics: $(cat "$WORK/promtool")"
say "/metrics: $(grep -c '^ethtrack_nic_stat{' "$WORK/metrics") ethtool series," \
	"$(grep -c '^ethtrack_conntrack_' "$WORK/metrics") conntrack series, promtool silent"

# What the kernel says each container's first process holds: the helper's
# bounding set is NET_ADMIN (bit 12) alone, the exporter holds nothing, both
# run with no_new_privs under a seccomp filter.
status_of() { cat "/proc/$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' "$1")/status"; }
field() { awk -v f="$1:" '$1 == f { print $2 }'; }
helper_status=$(status_of "$HELPER")
exporter_status=$(status_of "$EXPORTER")
[[ $(field CapBnd <<<"$helper_status") == 0000000000001000 ]] ||
	fail "helper bounding set $(field CapBnd <<<"$helper_status"), not NET_ADMIN alone"
# After serving the scrapes above, NET_ADMIN is permitted but effective in no
# thread: the helper raises it only around the call that needs it.
helper_pid=$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' "$HELPER")
for task in /proc/"$helper_pid"/task/*/status; do
	[[ $(field CapPrm <"$task") == 0000000000001000 && $(field CapEff <"$task") == 0000000000000000 ]] ||
		fail "helper thread $task: CapPrm $(field CapPrm <"$task"), CapEff $(field CapEff <"$task")"
done
for f in CapBnd CapPrm CapEff CapAmb; do
	[[ $(field "$f" <<<"$exporter_status") == 0000000000000000 ]] || fail "exporter $f $(field "$f" <<<"$exporter_status")"
done
[[ $(field Uid <<<"$exporter_status") == 65534 && $(field Gid <<<"$exporter_status") == "$GID" ]] ||
	fail "exporter runs as $(field Uid <<<"$exporter_status"):$(field Gid <<<"$exporter_status")"
for st in "$helper_status" "$exporter_status"; do
	[[ $(field NoNewPrivs <<<"$st") == 1 && $(field Seccomp <<<"$st") == 2 ]] || fail "no_new_privs or seccomp missing"
done
say "privileges: helper bounding set NET_ADMIN, permitted only (CapEff 0 in every thread), exporter none as 65534:$GID, both no_new_privs + seccomp"

in_ns curl -sf -o /dev/null http://127.0.0.1:10160/healthz || fail "/healthz (the liveness probe)"
health=$(in_ns node dist/test/support/grpc-health-check.js 127.0.0.1:10161) || fail "gRPC health: $health"
say "gRPC health Check: $health"

say "resident: $("${PODMAN[@]}" stats --no-stream --format '{{.Name}} {{.MemUsage}};' "$HELPER" "$EXPORTER" | tr '\n' ' ')"

# The helper dies: the exporter says so, keeps serving, and recovers.
"${PODMAN[@]}" kill "$HELPER" >/dev/null
wait_for "helper reported down" 30 '[[ $(helper_up) == 0 ]]'
[[ $(readyz) == 503 ]] || fail "/readyz $(readyz) with the helper down"
say "helper killed: ethtrack_helper_up 0, /readyz 503"
"${PODMAN[@]}" start "$HELPER" >/dev/null
wait_for "helper reported back" 60 '[[ $(helper_up) == 1 ]]'
wait_for "/readyz 200 again" 60 '[[ $(readyz) == 200 ]]'
say "helper restarted: ethtrack_helper_up 1, /readyz 200"

# A clean stop: SIGTERM ends both well before the pod's grace period.
start=$(now)
"${PODMAN[@]}" stop --time 15 "$EXPORTER" "$HELPER" >/dev/null
for c in "$EXPORTER" "$HELPER"; do
	code=$("${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' "$c")
	[[ $code == 0 ]] || fail "$c exited $code on SIGTERM"
done
say "both stopped cleanly in $(elapsed "$start") s"
say "PASS: image $IMAGE, $((size / 1000000)) MB, built in $build_seconds s"
