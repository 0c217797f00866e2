#!/usr/bin/env bash
# Builds a folder that runs on a GPU machine without any of the build machine's packages:
# everything but glibc is linked statically (C++ runtime, OpenMP, yaml-cpp, image codecs,
# CUDA runtime). Output: portable/ with the binaries and run-gpu-suite.sh.
#   tools/build-portable.sh [cuda-architectures, default 90]
set -euo pipefail
cd "$(dirname "$0")/.."
archs=${1:-90}
./tools/setup-deps.sh
cmake -S . -B build/portable -DSPLAT_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$archs" \
  -DSPLAT_PORTABLE=ON -DSPLAT_ORACLE_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/portable -j"$(nproc)"

rm -rf portable
mkdir -p portable/bin
# Every executable the build made, except those that need libtorch (not portable).
find build/portable -type f -perm -u+x -not -path '*/CMakeFiles/*' -not -name '*.so*' \
  -not -name '*.sh' -exec cp {} portable/bin/ \;
cp tools/run-gpu-suite.sh portable/
git rev-parse HEAD >portable/COMMIT 2>/dev/null || true

# Only glibc may remain dynamic.
status=0
for binary in portable/bin/*; do
  extra=$(ldd "$binary" | awk '{print $1}' |
    grep -vE '^(linux-vdso|/lib64/ld-linux|libc\.so|libm\.so|libdl\.so|libpthread\.so|librt\.so)' || true)
  if [[ -n "$extra" ]]; then
    echo "error: $binary needs shared libraries the GPU machine lacks: $extra" >&2
    status=1
  fi
done
du -sh portable
exit $status
