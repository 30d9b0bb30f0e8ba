#!/usr/bin/env bash
# Builds the JavaScript plugin of the PluginHost example:
#
#   src/plugin.js + ../wit  ->  ../plugins/title-case.wasm   (about 12 MB; not committed)
#
# Needs node and npm (registry access only the first time, for `npm install`); takes about 20 s. The host loads
# every component in its plugins folder, so after this `dotnet run --project examples/PluginHost` runs both plugins
# (the first run compiles the JS plugin, 15-20 s on two cores; later runs load it from the compiled-component cache).
#
# Features disabled: random, clocks, http, fetch-event (the plugin needs none; without them the component imports
# only the WASI interfaces of stdio). `stdio` stays, so console.log reaches wasi:cli/stdout, which the host logs.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

if [ ! -d node_modules/@bytecodealliance/componentize-js ]; then
  # `npm ci` follows package-lock.json exactly; where the registry mirror lacks an optional platform package the
  # lock lists, fall back to an install that honours the lock for the rest and never rewrites it.
  npm ci --no-audit --no-fund || npm install --no-save --no-audit --no-fund
fi

out="$here/../plugins/title-case.wasm"
npx --no-install componentize-js \
  --wit "$here/../wit" \
  --world-name text-plugin \
  --disable random clocks http fetch-event \
  -o "$out" \
  "$here/src/plugin.js"
echo "built $out ($(stat -c %s "$out") bytes)"
