#!/usr/bin/env bash
# Builds local stand-ins for the official `node:<version>-bookworm[-slim]`
# base images and tags them with the same names, for machines that cannot
# reach a container registry (CI here): the Dockerfile is then built
# unchanged. Called by scripts/test-image.sh only after a pull has failed.
#
#   scripts/image-standin.sh docker.io/library/node:20-bookworm ...
#
# A stand-in is Debian bookworm's minbase (mmdebstrap, from Debian's archive)
# with the machine's own Node.js and npm where the official image keeps them
# (/usr/local/bin, /usr/local/lib/node_modules) and the official Debian
# images' apt clean-up configuration, so sizes compare. It also carries the
# machine's CA bundle and points NODE_EXTRA_CA_CERTS at it, because TLS to
# the npm registry goes through a proxy with its own certificate authority
# here; the official image needs no such thing on an ordinary network.
#
# The root file system is cached as a tarball in $ETHTRACK_IMAGE_CACHE
# (default /var/cache/ethtrack-image), keyed by everything that goes into it,
# so a second run only re-imports it, and usually not even that: the images
# stay in podman's storage, labelled with the same key.
set -euo pipefail

CACHE=${ETHTRACK_IMAGE_CACHE:-/var/cache/ethtrack-image}
PODMAN=(podman --runtime runc --cgroup-manager cgroupfs)
# Bump when the recipe below changes, so cached stand-ins are rebuilt.
RECIPE=2
SUITE=bookworm
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

node_bin=$(readlink -f "$(command -v node)")
npm_dir=$(dirname "$(readlink -f "$(command -v npm)")")/..
npm_dir=$(readlink -f "$npm_dir")
node_version=$("$node_bin" --version)

key=$(
	{
		echo "recipe $RECIPE $SUITE node $node_version"
		sha256sum "$node_bin" "$CA_BUNDLE"
	} | sha256sum | cut -c1-16
)
rootfs="$CACHE/node-$SUITE-$key.tar"

major=${node_version#v}
major=${major%%.*}
for image in "$@"; do
	# The stand-in has the machine's Node.js; a tag asking for another major
	# version would be a lie.
	if [[ ! $image =~ :${major}(-|$) ]]; then
		echo "image-standin: $image asks for another Node.js than this machine's $node_version" >&2
		exit 1
	fi
done

build_rootfs() {
	mkdir -p "$CACHE"
	local tmp="$rootfs.partial"
	rm -f "$tmp"
	echo "image-standin: building $SUITE minbase with Node.js $node_version into $rootfs" >&2
	local extra_certs=()
	for cert in /usr/local/share/ca-certificates/*.crt; do
		[[ -e $cert ]] && extra_certs+=("$cert")
	done
	# Hooks run on this machine with the new root in $1. The extra
	# certificates also go where update-ca-certificates looks, so a build
	# step that installs ca-certificates keeps them in the bundle.
	mmdebstrap --quiet --variant=minbase --format=tar \
		--customize-hook="install -D -m 0755 '$node_bin' \"\$1/usr/local/bin/node\"" \
		--customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && cp -a '$npm_dir' \"\$1/usr/local/lib/node_modules/npm\"" \
		--customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
		--customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
		--customize-hook="install -D -m 0644 '$CA_BUNDLE' \"\$1$CA_BUNDLE\"" \
		--customize-hook="mkdir -p \"\$1/usr/local/share/ca-certificates\"${extra_certs[*]:+ && cp ${extra_certs[*]} \"\$1/usr/local/share/ca-certificates/\"}" \
		--customize-hook='cat > "$1/etc/apt/apt.conf.d/docker-clean" <<EOF
# As in the official Debian images: no package files or caches left behind.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF' \
		"$SUITE" "$tmp" \
		"deb http://deb.debian.org/debian $SUITE main" \
		"deb http://deb.debian.org/debian $SUITE-updates main" \
		"deb http://deb.debian.org/debian-security $SUITE-security main"
	mv "$tmp" "$rootfs"
	# Older stand-ins are of no further use.
	find "$CACHE" -maxdepth 1 -name "node-$SUITE-*.tar" ! -path "$rootfs" -delete
}

label=org.ethtrack.standin
[[ -f $rootfs ]] || build_rootfs
imported=""
for image in "$@"; do
	current=$("${PODMAN[@]}" image inspect --format "{{index .Labels \"$label\"}}" "$image" 2>/dev/null || true)
	if [[ $current == "$key" ]]; then
		continue
	fi
	if [[ -z $imported ]]; then
		echo "image-standin: importing $rootfs as $image" >&2
		"${PODMAN[@]}" import --quiet \
			--change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
			--change "ENV NODE_VERSION=${node_version#v}" \
			--change "ENV NODE_EXTRA_CA_CERTS=$CA_BUNDLE" \
			--change "LABEL $label=$key" \
			--change 'CMD ["node"]' \
			"$rootfs" "$image" >/dev/null
		imported=$image
	else
		"${PODMAN[@]}" tag "$imported" "$image"
	fi
done
