#!/usr/bin/env bash
# Builds the folder a GPU machine runs tools/gpu-check.sh from, without any of the build
# machine's packages: everything but glibc is linked statically (C++ runtime, OpenMP, yaml-cpp,
# image codecs, CUDA runtime) and the binaries are stripped. It holds bin/ (splatstream,
# gpu_tests, model_spread), gpu-check.sh, the mode-table scripts and presets, a trimmed copy of
# lego (24 training and 6 test views) in data/, and COMMIT; at most 48 MiB.
#   tools/build-portable.sh [--archs 90] [--out portable]
#   tools/build-portable.sh --emu [--out portable-emu]   # the same folder from the emulated
#                                                         # CUDA build, for a dry run here
set -euo pipefail
cd "$(dirname "$0")/.."
archs=90
emu=0
out=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --archs) archs=$2; shift 2 ;;
    --emu) emu=1; shift ;;
    --out) out=$2; shift 2 ;;
    [0-9]*) archs=$1; shift ;;  # the old positional form
    *) echo "usage: tools/build-portable.sh [--archs 90] [--emu] [--out DIR]" >&2; exit 2 ;;
  esac
done
limit_mib=48
targets=(splatstream gpu_tests model_spread)

./tools/setup-deps.sh
if ((emu)); then
  build=build/emu
  out=${out:-portable-emu}
  cmake -S . -B "$build" -DSPLAT_CUDA=EMU -DSPLAT_ORACLE_TESTS=OFF -DSPLAT_VIEWER=OFF \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
else
  build=build/portable
  out=${out:-portable}
  cmake -S . -B "$build" -DSPLAT_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$archs" \
    -DSPLAT_PORTABLE=ON -DSPLAT_ORACLE_TESTS=OFF -DSPLAT_VIEWER=OFF -DCMAKE_BUILD_TYPE=Release \
    >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}"

rm -rf "$out"
mkdir -p "$out/bin" "$out/bench" "$out/data/lego/train" "$out/data/lego/test"
for target in "${targets[@]}"; do
  binary=$(find "$build" -type f -perm -u+x -name "$target" -not -path '*/CMakeFiles/*' | head -1)
  [[ -n $binary ]] || { echo "error: $target was not built in $build" >&2; exit 1; }
  strip -o "$out/bin/$target" "$binary"
done
cp tools/gpu-check.sh "$out/"
cp bench/compare_modes.sh bench/mode_table.py "$out/bench/"
cp -r configs "$out/"
git rev-parse HEAD >"$out/COMMIT" 2>/dev/null || echo unknown >"$out/COMMIT"

# The datasets live beside the repository; the GPU machine gets a trimmed lego: the first 24
# training and 6 test views of the same cameras, full-size images.
lego=${SPLAT_SHARED_DATA:-../shared/data}/lego
[[ -f $lego/transforms_train.json ]] || { echo "error: no lego dataset at $lego" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: trimming the dataset needs python3" >&2; exit 1; }
python3 - "$lego" "$out/data/lego" <<'PY'
import json, shutil, sys
source, target = sys.argv[1], sys.argv[2]
for split, keep in (("train", 24), ("test", 6)):
    with open(f"{source}/transforms_{split}.json") as f:
        scene = json.load(f)
    scene["frames"] = scene["frames"][:keep]
    for frame in scene["frames"]:
        name = frame["file_path"].lstrip("./")
        shutil.copy(f"{source}/{name}.png", f"{target}/{name}.png")
    with open(f"{target}/transforms_{split}.json", "w") as f:
        json.dump(scene, f, indent=1)
PY
cp "$lego/PROVENANCE.txt" "$out/data/lego/" 2>/dev/null || true

status=0
# Only glibc may remain dynamic.
for binary in "$out"/bin/*; do
  extra=$(ldd "$binary" | awk '{print $1}' |
    grep -vE '^(linux-vdso|/lib64/ld-linux|libc\.so|libm\.so|libdl\.so|libpthread\.so|librt\.so)' || true)
  if [[ -n "$extra" ]]; then
    echo "error: $binary needs shared libraries the GPU machine lacks: $extra" >&2
    status=1
  fi
done
size_mib=$(du -sm "$out" | cut -f1)
echo "$out: ${size_mib} MiB (limit ${limit_mib} MiB)"
if ((size_mib > limit_mib)); then
  echo "error: $out is ${size_mib} MiB, more than the ${limit_mib} MiB a GPU slot carries" >&2
  status=1
fi
exit $status
