#!/usr/bin/env bash
# Installs the Debian packages Jiujin needs, skipping what is present.
#
#   scripts/install-system-deps.sh station   what a station needs to run Jiujin
#   scripts/install-system-deps.sh [dev]     the station's packages plus what the tests use
#
# A station (nothing here needs a compiler, npm or a server):
# - python3, python3-venv: Python 3.11 and the venv Jiujin is installed into.
# - fonts-wqy-microhei: the CJK font embedded in every PDF.
# - fontconfig: fc-match, which finds that font (the font only recommends it, and we
#   install without recommends).
# A developer machine and CI, besides:
# - make: `make run` and `make test`.
# - poppler-utils: pdftoppm, used by tests to render PDFs.
# - poppler-data: the Adobe-GB1 CMaps poppler needs to render the non-embedded
#   STSong-Light fallback font (libpoppler only recommends it).
# - postgresql: the hub's production database, used by the hub's tests.
# - nginx: the reverse proxy of the deployed hub (deploy/nginx); a test runs it in front
#   of several hub processes.
# - debootstrap: `make check-fresh` builds the clean Debian it checks this list in.
# - chromium, chromium-driver: the headless browser (and its WebDriver, the same build) that
#   drives the citizens' page at phone size in tests/e2e/test_citizens_browser.py.
# - a SQLCipher 4 opener at .tools/bin/sqlcipher, which tests use to prove the key opens
#   the store without the project's code: Debian's `sqlcipher` shell where apt offers
#   SQLCipher 4 (bookworm has only 3.4, which cannot open SQLCipher 4 files), otherwise
#   scripts/sqlcipher-shell.py in its own venv (.tools/sqlcipher) over a pinned
#   sqlcipher3-binary wheel, a SQLCipher release other than the project's.
#
# As root it installs with apt-get; otherwise it prints exactly what to run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tools="$here/.tools"
role="${1:-dev}"

station_packages=(python3 python3-venv fonts-wqy-microhei fontconfig)
dev_packages=(make poppler-utils poppler-data postgresql nginx debootstrap chromium chromium-driver)
opener_wheel="sqlcipher3-binary==0.5.4"

case "$role" in
    station) packages=("${station_packages[@]}") ;;
    dev) packages=("${station_packages[@]}" "${dev_packages[@]}") ;;
    *) echo "usage: $0 [station|dev]" >&2; exit 2 ;;
esac

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

apt_install() {
    local missing=() pkg
    for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done
    ((${#missing[@]})) || return 0
    if [[ $(id -u) -ne 0 ]]; then
        echo "jiujin: missing system packages; run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
    fi
    echo "jiujin: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# True when apt offers Debian's sqlcipher package at version 4 or later.
debian_has_sqlcipher4() {
    local candidate
    candidate="$(apt-cache policy sqlcipher 2>/dev/null | awk '/Candidate:/ {print $2}')"
    [[ -n "$candidate" && "$candidate" != "(none)" ]] && dpkg --compare-versions "$candidate" ge 4
}

install_sqlcipher_opener() {
    local opener="$tools/bin/sqlcipher" source_file="$tools/sqlcipher.source" source
    if debian_has_sqlcipher4; then source="debian"; else source="$opener_wheel"; fi
    [[ -x "$opener" && "$(cat "$source_file" 2>/dev/null)" == "$source" ]] && return 0
    echo "jiujin: installing the SQLCipher 4 opener ($source) into $opener"
    mkdir -p "$tools/bin"
    rm -f "$opener"
    if [[ "$source" == debian ]]; then
        apt_install sqlcipher
        ln -s /usr/bin/sqlcipher "$opener"
    else
        rm -rf "$tools/sqlcipher"
        python3 -m venv "$tools/sqlcipher"
        "$tools/sqlcipher/bin/python" -m pip install -q --no-deps --only-binary=:all: "$opener_wheel"
        printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' \
            "$tools/sqlcipher/bin/python" "$here/scripts/sqlcipher-shell.py" >"$opener"
        chmod 0755 "$opener"
    fi
    echo "$source" >"$source_file"
}

apt_install "${packages[@]}"
if [[ "$role" == dev ]]; then
    install_sqlcipher_opener
fi
