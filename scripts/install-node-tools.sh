#!/usr/bin/env bash
# Test-only tools from the npm registry, into .tools/node: tus-js-client, the reference tus
# client, which the suite drives against the hub to prove tus 1.0 conformance. Stations never
# need node; only a developer's or CI's machine runs this (the Makefile does, for make test).
#
# As root it installs Debian's nodejs and npm when no npm is on the PATH; otherwise it
# prints exactly what to run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$here/.tools/node"
tus_js_client=4.3.1

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    if [[ $(id -u) -eq 0 ]]; then
        echo "jiujin: installing nodejs npm (test tools only)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    else
        echo "jiujin: the test tools need node and npm; run:" >&2
        echo "  sudo apt-get update && sudo apt-get install -y nodejs npm" >&2
        exit 1
    fi
fi

installed="$prefix/node_modules/tus-js-client/package.json"
if [[ ! -f "$installed" ]] || ! grep -q "\"version\": \"$tus_js_client\"" "$installed"; then
    echo "jiujin: installing tus-js-client $tus_js_client into $prefix"
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --prefix "$prefix" "tus-js-client@$tus_js_client" >/dev/null
fi
