#!/usr/bin/env bash
# Installs the system packages Jiujin needs, skipping what is present.
#
# - fonts-wqy-microhei: the CJK font embedded in every PDF.
# - poppler-utils: pdftoppm, used by tests to render PDFs.
# - poppler-data: the Adobe-GB1 CMaps poppler needs to render the non-embedded
#   STSong-Light fallback font (libpoppler only recommends it, and we install
#   without recommends).
# - postgresql: the hub's production database, used by the hub's tests.
# - nginx: the reverse proxy of the deployed hub (deploy/nginx); a test runs it in front
#   of several hub processes.
# - a SQLCipher 4 command-line shell: Debian ships SQLCipher 3.4, which cannot open
#   SQLCipher 4 files, so the shell is built from the SQLCipher 4 amalgamation published
#   on the npm registry (@journeyapps/sqlcipher) and SQLite's shell.c (from the sqlite3
#   npm package), into .tools/bin/sqlcipher. Tests use it to prove the key opens the store.
#
# As root it installs with apt-get; otherwise it prints exactly what to run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
tools="$here/.tools"

debian_packages=(fonts-wqy-microhei poppler-utils poppler-data postgresql gcc libssl-dev npm nginx)
missing=()
for pkg in "${debian_packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        # A working npm from another source (nodesource, nvm) is as good as Debian's.
        if [[ "$pkg" == npm ]] && command -v npm >/dev/null; then continue; fi
        missing+=("$pkg")
    fi
done

if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "jiujin: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "jiujin: missing system packages; run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi

sqlcipher_shell="$tools/bin/sqlcipher"
if [[ ! -x "$sqlcipher_shell" ]]; then
    echo "jiujin: building the SQLCipher 4 shell into $sqlcipher_shell"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    (
        cd "$work"
        npm pack --silent @journeyapps/sqlcipher@6.0.0 >/dev/null
        npm pack --silent sqlite3@5.1.7 >/dev/null
        mkdir cipher sqlite
        tar xzf journeyapps-sqlcipher-6.0.0.tgz -C cipher
        tar xzf sqlite3-5.1.7.tgz -C sqlite
        tar xzf sqlite/package/deps/sqlite-autoconf-3440200.tar.gz sqlite-autoconf-3440200/shell.c
        amalgamation=cipher/package/deps/sqlcipher-amalgamation
        gcc -O1 -w -D_GNU_SOURCE -include stdint.h \
            -DSQLITE_HAS_CODEC -DSQLCIPHER_CRYPTO_OPENSSL -DSQLITE_TEMP_STORE=2 \
            -DSQLITE_EXTRA_INIT=sqlcipher_extra_init \
            -DSQLITE_EXTRA_SHUTDOWN=sqlcipher_extra_shutdown \
            -I"$amalgamation" sqlite-autoconf-3440200/shell.c "$amalgamation/sqlite3.c" \
            -o sqlcipher -lcrypto -lpthread -ldl -lm
    )
    mkdir -p "$tools/bin"
    install -m 0755 "$work/sqlcipher" "$sqlcipher_shell"
fi
