#!/usr/bin/env bash
# Builds the container image of deploy/Containerfile with podman, then
# checks it: the image's `briefing build --each` of the example articles
# must give files byte-identical to this checkout's own release binary.
#
# Usage: scripts/build-image.sh [--local-bases] [TAG]
#
# --local-bases: build on base images made here from Debian's packages
# (debootstrap from the mirror apt already uses) instead of the registry
# images the Containerfile names, for a machine that reaches no container
# registry. The build base gets this machine's Rust toolchain and its
# certificate bundle (cargo fetches the crates through whatever this
# machine trusts); the runtime base is a minimal Debian. Both are kept in
# podman's store and made once.
#
# BRIEFING_PODMAN: the podman command with its global options; where
# podman's defaults do not work (no systemd, cgroups v1, no right to raise
# resource limits) give for example
#   BRIEFING_PODMAN="podman --runtime runc --cgroup-manager cgroupfs"
# BRIEFING_PODMAN_RUN: options for `podman run` (resource limits).
#
# Not run by CI: a release build inside the image took 10 to 11 minutes on
# two shared cores, which would take CI past its half-hour budget.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
local_bases=false
if [[ ${1:-} == --local-bases ]]; then
    local_bases=true
    shift
fi
tag=${1:-localhost/briefing:check}
podman_cmd=(${BRIEFING_PODMAN:-podman})
run_options=(${BRIEFING_PODMAN_RUN:-})

bash "$root/scripts/debian-package.sh" podman podman
build_args=()
if $local_bases; then
    bash "$root/scripts/debian-package.sh" debootstrap debootstrap
    build_base=localhost/briefing-build-base:trixie
    run_base=localhost/briefing-run-base:trixie
    build_args=(--build-arg "BUILD_IMAGE=$build_base" --build-arg "RUNTIME_IMAGE=$run_base")
fi

# The mirror apt is configured with, from a deb822 or a one-line source.
apt_mirror() {
    local mirror
    mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
    if [[ -z $mirror ]]; then
        mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
    fi
    [[ -n $mirror ]] || { echo "build-image: no Debian mirror found in apt's sources" >&2; exit 1; }
    echo "$mirror"
}

# Makes base image $1 from a minimal Debian with the packages $2 (a comma
# list, may be empty), then runs $3 (a function) on its folder; once.
make_base() {
    local image=$1 packages=$2 finish=$3 folder
    if "${podman_cmd[@]}" image exists "$image"; then
        return
    fi
    folder=$(mktemp -d)
    debootstrap --variant=minbase ${packages:+--include="$packages"} trixie "$folder" "$(apt_mirror)" >"$folder.log" 2>&1 ||
        { tail -5 "$folder.log" >&2; exit 1; }
    rm -f "$folder.log"
    $finish "$folder"
    tar -C "$folder" -c . | "${podman_cmd[@]}" import --quiet - "$image" >/dev/null
    rm -rf "$folder"
}

# The build base: this machine's toolchain, on the PATH, and its
# certificates.
add_toolchain() {
    local folder=$1 sysroot
    sysroot=$(rustc --print sysroot)
    mkdir -p "$folder/usr/local/rust"
    cp -a "$sysroot/bin" "$sysroot/lib" "$sysroot/libexec" "$folder/usr/local/rust/"
    ln -s ../rust/bin/cargo "$folder/usr/local/bin/cargo"
    ln -s ../rust/bin/rustc "$folder/usr/local/bin/rustc"
    cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$folder/etc/ssl/certs/ca-certificates.crt"
}

nothing() { :; }

if $local_bases; then
    make_base "$build_base" gcc,libc6-dev,ca-certificates add_toolchain
    make_base "$run_base" "" nothing
fi

mkdir -p "$root/output"
start=$(date +%s)
# chroot isolation: the build's RUN steps need no cgroups nor namespaces.
"${podman_cmd[@]}" build --isolation=chroot --network=host "${build_args[@]}" \
    -f "$root/deploy/Containerfile" -t "$tag" "$root" >"$root/output/build-image.log" 2>&1 ||
    { tail -20 "$root/output/build-image.log" >&2; exit 1; }
echo "build-image: built $tag in $(($(date +%s) - start)) s ($("${podman_cmd[@]}" image inspect "$tag" --format '{{.Size}}') bytes)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/image" "$work/here"
chmod 777 "$work/image"
# The same paths inside and out: a manifest names its articles' files.
articles=$root/examples/articles
"${podman_cmd[@]}" run --rm --network=none "${run_options[@]}" \
    -v "$articles:$articles:ro" -v "$work/image:$work/image" "$tag" build --each "$articles" -o "$work/image"
(cd "$root" && cargo build --release --quiet --bin briefing)
XDG_CACHE_HOME="$work/cache" "$root/target/release/briefing" build --each "$articles" -o "$work/here"
count=0
for file in "$work/here"/*; do
    cmp "$file" "$work/image/$(basename "$file")"
    count=$((count + 1))
done
[[ $count -gt 0 && $(ls "$work/image" | wc -l) -eq $count ]]
echo "build-image: the image's $count files are byte-identical to this checkout's"
