// libFuzzer target: COLMAP points3D.bin, tracks kept. Any input must parse or throw splat::Error;
// anything else is a finding (crash, sanitizer report, uncaught exception, huge allocation).
#include <cstddef>
#include <cstdint>

#include "core/error.hpp"
#include "io/colmap_binary_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    splat::parse_colmap_points3d_binary(data, size, "points3D.bin", {true, true});
  } catch (const splat::Error&) {
  }
  return 0;
}
