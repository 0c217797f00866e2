// libFuzzer target: transforms JSON (Blender, instant-ngp, nerfstudio). Any input must parse or
// throw splat::Error; anything else is a finding (crash, sanitizer report, uncaught exception, huge
// allocation).
#include <cstddef>
#include <cstdint>

#include "core/error.hpp"
#include "io/transforms_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    splat::parse_transforms_json({reinterpret_cast<const char*>(data), size}, "transforms.json");
  } catch (const splat::Error&) {
  }
  return 0;
}
