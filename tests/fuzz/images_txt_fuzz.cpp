// libFuzzer target: COLMAP images.txt, keypoints kept. Any input must parse or throw splat::Error;
// anything else is a finding (crash, sanitizer report, uncaught exception, huge allocation).
#include <cstddef>
#include <cstdint>

#include "core/error.hpp"
#include "io/colmap_text_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    splat::parse_colmap_images_text({reinterpret_cast<const char*>(data), size}, "images.txt",
                                    {true, true});
  } catch (const splat::Error&) {
  }
  return 0;
}
