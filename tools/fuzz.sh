#!/usr/bin/env bash
# Builds the libFuzzer targets of the model-file parsers (clang, AddressSanitizer) and runs
# each for a few seconds from a seed corpus (written by the project's COLMAP writer, plus the
# real models in ../shared/data when present). Skips cleanly where clang or its libFuzzer
# runtime is missing. SPLAT_FUZZ_SECONDS sets the time per target (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SPLAT_FUZZ_SECONDS:-5}

if ! command -v clang++ >/dev/null; then
  echo "fuzz: skipped (no clang++)"
  exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  >"$probe/probe.cpp"
if ! clang++ -fsanitize=fuzzer,address "$probe/probe.cpp" -o "$probe/probe" 2>/dev/null; then
  echo "fuzz: skipped (clang++ has no libFuzzer runtime; install libclang-rt-14-dev)"
  exit 0
fi

cmake -S tests/fuzz -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release \
  >/dev/null
cmake --build build/fuzz -j"$(nproc)" >/dev/null

corpus="$probe/corpus"
build/fuzz/write_fuzz_seeds "$corpus"
data=../shared/data
for scene in bartoszek cake; do
  for file in cameras images points3D; do
    target=$(echo "$file" | tr 'A-Z' 'a-z')_bin
    [[ -f $data/$scene/sparse/0/$file.bin ]] && cp "$data/$scene/sparse/0/$file.bin" "$corpus/$target/$scene"
  done
done
[[ -f $data/lego/transforms_test.json ]] && cp "$data/lego/transforms_test.json" "$corpus/transforms_json/lego"

status=0
for target in cameras_bin images_bin points3d_bin cameras_txt images_txt points3d_txt \
  transforms_json; do
  # A fresh working copy, so new inputs found in this run do not accumulate anywhere.
  work="$probe/work_$target"
  cp -r "$corpus/$target" "$work"
  if build/fuzz/fuzz_"$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -malloc_limit_mb=256 -max_len=65536 -print_final_stats=1 -artifact_prefix="$probe/" "$work" \
    >"$probe/$target.log" 2>&1; then
    echo "fuzz: $target ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$probe/$target.log" \
      | grep -o '[0-9]*$' || echo '?') runs in ${seconds}s)"
  else
    echo "fuzz: $target FAILED" >&2
    tail -40 "$probe/$target.log" >&2
    status=1
  fi
done
exit $status
