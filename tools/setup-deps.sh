#!/usr/bin/env bash
# Installs the Debian packages splatstream builds and tests with. Idempotent: installs only
# what is missing and refreshes the package lists only when an install needs them.
set -euo pipefail

packages=(
  cmake g++ make ccache pkg-config
  libyaml-cpp-dev catch2 nlohmann-json3-dev libcli11-dev
  libpng-dev libjpeg62-turbo-dev zlib1g-dev
  clang libclang-rt-14-dev  # fuzz targets (libFuzzer) and sanitizers
  python3                   # the GPU check's folder (trimmed dataset) and the mode tables
  libcpp-httplib-dev libssl-dev libbrotli-dev  # `splatstream view`'s server (cpp-httplib)
  chromium                  # the viewer's browser tests (headless, software GL)
)
# The viewer's page is built with Node and npm: Debian's, unless the machine has its own.
if ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
# libtorch is only for the gradient-oracle tests; SPLAT_SKIP_TORCH=1 leaves it out.
if [[ "${SPLAT_SKIP_TORCH:-0}" != "1" ]]; then packages+=(libtorch-dev); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "setup: installing ${missing[*]}"
# Try with the current package lists first; refresh them only if that fails.
if ! $sudo apt-get install -y -qq "${missing[@]}" >/tmp/splat-apt.log 2>&1; then
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" >/tmp/splat-apt.log 2>&1 ||
    { tail -20 /tmp/splat-apt.log; echo "setup: apt-get install failed" >&2; exit 1; }
fi
echo "setup: done"
