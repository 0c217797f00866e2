#!/usr/bin/env bash
# Builds the page `splatstream view` serves: installs the locked npm packages (three.js, Spark,
# uPlot; esbuild, playwright-core and pngjs for the build and the browser tests) and bundles
# viewer/src into viewer/dist. Needs Node and npm (tools/setup-deps.sh installs them). Safe to
# run again: npm ci runs only when the lock file changed.
set -euo pipefail
cd "$(dirname "$0")/../viewer"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node build.mjs
