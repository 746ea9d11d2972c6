#!/usr/bin/env bash
# `make check-fresh`: proves that scripts/install-system-deps.sh names every Debian package
# the suite relies on. In a clean Debian bookworm (debootstrap's minbase: dpkg, apt, bash,
# coreutils, nothing else) a copy of the working tree runs only that script, then `make`
# builds .venv from Debian's python3 and the tests that call system tools run there. A
# package missing from the script makes a tool missing there, and the run fails.
#
# The clean Debian is built once into $JIUJIN_FRESH_CACHE (default /var/cache/jiujin-fresh)
# and never changed: each run writes into an overlay above it, in memory (up to 4 GB). apt's
# downloads and pip's cache are kept there too, so a repeated run downloads nothing. The run
# lives in its own mount and PID namespaces: when it ends, however it ends, the kernel drops
# its mounts and stops what it started (the test PostgreSQL). Needs root, debootstrap and
# the network (deb.debian.org, PyPI).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${JIUJIN_FRESH_CACHE:-/var/cache/jiujin-fresh}"
suite=bookworm
mirror=http://deb.debian.org/debian
base="$cache/$suite-minbase"
# The tests that call system tools: fontconfig, poppler, PostgreSQL, the SQLCipher opener,
# headless Chromium.
system_tests=(tests/system tests/reports tests/sync/test_ingest.py tests/station/core/test_at_rest.py
              tests/e2e/test_citizens_browser.py)

if [[ $(id -u) -ne 0 ]]; then
    echo "check-fresh: needs root (debootstrap, chroot, mounts)" >&2
    exit 1
fi

build_base() {
    command -v debootstrap >/dev/null || {
        echo "check-fresh: debootstrap is missing; run scripts/install-system-deps.sh dev" >&2
        exit 1
    }
    echo "check-fresh: building a clean Debian $suite in $base (once)"
    rm -rf "$base.tmp"
    debootstrap --variant=minbase "$suite" "$base.tmp" "$mirror" >"$cache/debootstrap.log"
    cat >"$base.tmp/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb http://deb.debian.org/debian-security $suite-security main
EOF
    # As in a container: packages install, but their services do not start (the test
    # PostgreSQL is started by scripts/test-services.sh, as on a developer's machine).
    printf '#!/bin/sh\nexit 101\n' >"$base.tmp/usr/sbin/policy-rc.d"
    chmod 0755 "$base.tmp/usr/sbin/policy-rc.d"
    mv "$base.tmp" "$base"
}

# Runs inside the private namespaces: mount the overlay and the caches, then the check.
inside() {
    local run="$1" root="$1/root"
    # The overlay's writes (packages, .venv) live in memory and go with the namespace.
    mount -t tmpfs -o size=4g tmpfs "$run"
    mkdir "$run/upper" "$run/work" "$root"
    mount -t overlay overlay -o "lowerdir=$base,upperdir=$run/upper,workdir=$run/work" "$root"
    trap "umount -R -l '$root' 2>/dev/null || true" EXIT
    mount -t proc proc "$root/proc"
    mount --bind /dev "$root/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
    mkdir -p "$root/var/cache/apt/archives/partial" "$root/root/.cache/pip"
    mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
    mount --bind "$cache/pip" "$root/root/.cache/pip"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    # This network may inspect HTTPS with its own authority: pip trusts what the host trusts.
    local ca="${PIP_CERT:-${SSL_CERT_FILE:-}}" ca_env=()
    if [[ -n "$ca" && -f "$ca" ]]; then
        cp "$ca" "$root/etc/host-ca.pem"
        ca_env=(PIP_CERT=/etc/host-ca.pem)
    fi
    mkdir "$root/jiujin"
    (cd "$here" && git ls-files -z --cached --others --exclude-standard \
        | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$root/jiujin"
    chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root \
        LANG=C.UTF-8 TERM=dumb "${ca_env[@]}" bash -euo pipefail -c '
        cd /jiujin
        bash scripts/install-system-deps.sh dev
        make -s .venv/.installed translations
        # A port of its own: the network is the host'"'"'s, where make test may run one.
        export JIUJIN_PG_PORT="$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])")"
        export JIUJIN_TEST_POSTGRES_URL="$(bash scripts/test-services.sh | tail -n 1)"
        .venv/bin/python -m pytest -q -p no:cacheprovider -rfEs "$@" | tee /tmp/pytest.out
        if grep -q "^SKIPPED" /tmp/pytest.out; then
            echo "check-fresh: a test skipped for want of something the script did not install" >&2
            exit 1
        fi' check-fresh "${system_tests[@]}"
}

if [[ "${1:-}" == --inside ]]; then
    inside "$2"
    exit
fi

mkdir -p "$cache/apt-archives" "$cache/pip"
# One run at a time on a machine: runs share the clean Debian and apt's download folder.
exec 9>"$cache/.lock"
flock 9
[[ -d "$base" ]] || build_base
run="$(mktemp -d /var/tmp/jiujin-fresh.XXXXXX)"
# The namespaces' mounts are never seen out here, so removing the run folder cannot reach
# through them into the caches or the working tree.
trap 'rm -rf "$run"' EXIT
started=$SECONDS
unshare --mount --pid --fork --propagation private bash "$0" --inside "$run"
echo "check-fresh: passed in a clean Debian $suite in $((SECONDS - started)) s"
