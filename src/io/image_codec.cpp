#include "io/image_codec.hpp"

#include <cstring>

#include "core/error.hpp"
#include "io/image_limits.hpp"
#include "io/mapped_file.hpp"

namespace splat {

namespace {
enum class ImageFormat { Png, Jpeg };

ImageFormat detect_format(const MappedFile& file) {
  static constexpr unsigned char kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (file.size() == 0) fail(file.path(), ": the image file is empty (0 bytes)");
  if (file.size() >= 8 && std::memcmp(file.data(), kPngSignature, 8) == 0) return ImageFormat::Png;
  if (file.size() >= 3 && file.data()[0] == 0xff && file.data()[1] == 0xd8 &&
      file.data()[2] == 0xff)
    return ImageFormat::Jpeg;
  fail(file.path(), ": not a PNG or JPEG image (unrecognised file signature)");
}

std::uint32_t big_endian_u32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
}  // namespace

ImageSize png_image_size(const unsigned char* data, std::size_t size, const std::string& source) {
  // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4).
  if (size < 24 || std::memcmp(data + 12, "IHDR", 4) != 0)
    fail(source, ": not a readable PNG: no image header");
  const std::uint32_t width = big_endian_u32(data + 16);
  const std::uint32_t height = big_endian_u32(data + 20);
  if (width == 0 || height == 0 || width > kMaxImageSide || height > kMaxImageSide ||
      std::uint64_t{width} * height > kMaxImagePixels)
    fail(source, ": the PNG header gives an impossible size ", width, "x", height);
  return {static_cast<int>(width), static_cast<int>(height)};
}

Image read_image(const std::string& path) {
  const MappedFile file(path);
  return detect_format(file) == ImageFormat::Png ? decode_png(file.data(), file.size(), path)
                                                 : decode_jpeg(file.data(), file.size(), path);
}

ImageSize read_image_size(const std::string& path) {
  const MappedFile file(path);
  return detect_format(file) == ImageFormat::Png ? png_image_size(file.data(), file.size(), path)
                                                 : jpeg_image_size(file.data(), file.size(), path);
}

}  // namespace splat
