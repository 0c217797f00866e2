// Image files: PNG (8/16-bit gray, gray+alpha, RGB, RGBA, palette) and JPEG read through libpng
// and libjpeg; PNG written. Every failure is an Error naming the file and the problem.
#pragma once

#include <cstddef>
#include <string>

#include "io/image.hpp"
#include "io/image_resize.hpp"  // resize_area, which callers of the codecs use with them

namespace splat {

struct ImageSize {
  int width = 0;
  int height = 0;
};

// Decodes the whole file, keeping its channels.
Image read_image(const std::string& path);
// Reads only the header (a few kilobytes), for checking sizes of thousands of images quickly.
ImageSize read_image_size(const std::string& path);

// Decoders over bytes already in memory; `source` names them in errors.
Image decode_png(const unsigned char* data, std::size_t size, const std::string& source);
Image decode_jpeg(const unsigned char* data, std::size_t size, const std::string& source);
ImageSize png_image_size(const unsigned char* data, std::size_t size, const std::string& source);
ImageSize jpeg_image_size(const unsigned char* data, std::size_t size, const std::string& source);

// Writes 1 to 4 channels, values clamped to [0, 1] and rounded to `bit_depth` (8 or 16) bits.
// `compression` is zlib's level (1 fast .. 9 small). Written atomically.
void write_png(const std::string& path, const Image& image, int bit_depth = 8, int compression = 6);
// The PNG file's bytes; `path` only names the image in errors.
std::string encode_png(const Image& image, const std::string& path, int bit_depth = 8,
                       int compression = 6);

}  // namespace splat
