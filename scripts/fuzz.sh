#!/usr/bin/env bash
# Fuzzes the helper's request decoding and validation (src/helper/fuzz/) for
# SECONDS seconds (default 300), keeping the corpus in build/helper/fuzz-corpus
# between runs. A crash leaves its input in build/helper/fuzz-crashes and
# exits non-zero. Extra arguments go to libFuzzer.
#   scripts/fuzz.sh [seconds] [libFuzzer flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
shift || true

make -s -C src/helper fuzz
corpus=build/helper/fuzz-corpus
crashes=build/helper/fuzz-crashes
mkdir -p "$corpus" "$crashes"

# Seeds: one well-formed request per RPC (first byte picks the RPC, as in
# fuzz_requests.c), so mutation starts from the shapes the service sends.
seed() { printf "$2" >"$corpus/seed-$1"; }
seed info '\x00'
seed list '\x01'
seed stats '\x02\x0a\x08\x0a\x04eth0\x10\x01\x0a\x04\x0a\x02lo'
seed summary '\x03\x08\x01'
seed breakdown '\x04\x08\xe8\x07\x10\x01\x18\x07'
seed dump '\x05\x08\x80\x04\x10\xe8\x07'
seed delete '\x06\x0a\x0d\x08\x06\x12\x09time_wait\x0a\x0d\x08\x11\x12\x09unreplied\x30\x0a\x38\x01\x40\x64'
seed settings '\x07\x08\x01\x10\x01\x18\x01\x20\x01\x28\x01'
seed standard '\x08\x08\x0f'
seed module '\x09\x0a\x04eth0\x12\x05\x08\x50\x28\x80\x01\x18\x64'
seed health '\x0a\x0a\x19ethtrack.helper.v1.Helper'
# ethtool netlink replies (first byte 0xf0-0xff, see fuzz_reply()): a header
# naming eth0 (ifindex 4), then the kind's attributes.
hdr='\x18\x00\x01\x00\x08\x00\x01\x00\x04\x00\x00\x00\x09\x00\x02\x00eth0\x00\x00\x00\x00'
seed reply-channels "\xf0$hdr\x08\x00\x05\x00\x01\x00\x00\x00\x08\x00\x09\x00\x01\x00\x00\x00"
# coalescing with a nest among its u32s (as 6.11+ kernels send RX_PROFILE)
seed reply-coalesce-nest "\xf2$hdr\x08\x00\x02\x00\x32\x00\x00\x00\x0c\x00\x19\x80\x08\x00\x01\x00\x07\x00\x00\x00\x08\x00\x06\x00\x3c\x00\x00\x00"
seed reply-pause "\xf3$hdr\x05\x00\x02\x00\x01\x00\x00\x00\x10\x00\x05\x00\x0c\x00\x03\x00\x07\x00\x00\x00\x00\x00\x00\x00"
seed reply-fec "\xf4$hdr\x10\x00\x05\x00\x14\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00"
seed reply-stats "\xf5$hdr\x20\x00\x04\x00\x08\x00\x02\x00\x01\x00\x00\x00\x10\x00\x04\x00\x0c\x00\x04\x00\x05\x00\x00\x00\x00\x00\x00\x00"
seed reply-module "\xf6$hdr\x08\x00\x07\x00\x03\x04\x07\x10"

exec build/helper/fuzz_requests -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$crashes/" -print_final_stats=1 "$@" "$corpus"
