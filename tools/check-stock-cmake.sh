#!/usr/bin/env bash
# Configures the CUDA build against Debian's unpatched CMake modules. Build machines may carry a
# patched FindCUDAToolkit.cmake that hides defects a stock Debian 12 machine hits (cmake-data
# 3.25.1 fails on CUDA 13 without libnvToolsExt), so this fetches the stock modules of the
# installed CMake version from Debian's archive (apt-get download, dpkg -x) and puts them first
# on the module path. Configure only: nothing is built.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
version=$(dpkg-query -W -f='${Version}' cmake-data)
download() {
  (cd "$work" && apt-get download -o APT::Sandbox::User=root "cmake-data=$version" >/dev/null 2>&1)
}
if ! download; then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  download || { echo "error: cannot download Debian's cmake-data $version" >&2; exit 1; }
fi
dpkg -x "$work"/cmake-data_*.deb "$work/root"
modules=$(echo "$work"/root/usr/share/cmake-*/Modules)
[[ -f "$modules/FindCUDAToolkit.cmake" ]] || { echo "error: no FindCUDAToolkit.cmake in $modules" >&2; exit 1; }

if ! cmake -S . -B "$work/build" -DSPLAT_CUDA=ON -DSPLAT_ORACLE_TESTS=OFF \
  -DCMAKE_MODULE_PATH="$modules" >"$work/configure.log" 2>&1; then
  cat "$work/configure.log" >&2
  echo "error: the CUDA build does not configure with Debian's stock cmake-data $version" >&2
  exit 1
fi
echo "stock cmake-data $version: the CUDA build configures"
