// PNG through libpng. libpng reports errors by longjmp; the state that must survive the jump
// lives on the heap behind a pointer that is not modified after setjmp.
#include <png.h>

#include <csetjmp>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/image_codec.hpp"
#include "io/image_limits.hpp"

namespace splat {

namespace {

struct PngReadState {
  const unsigned char* data = nullptr;
  std::size_t size = 0;
  std::size_t offset = 0;
  std::string message;
  std::vector<unsigned char> raw;
  std::vector<png_bytep> rows;
};

void on_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<PngReadState*>(png_get_error_ptr(png));
  if (state != nullptr) state->message = message;
  png_longjmp(png, 1);
}
void on_warning(png_structp, png_const_charp) {}  // e.g. harmless colour-profile remarks

void read_from_memory(png_structp png, png_bytep out, png_size_t length) {
  auto* state = static_cast<PngReadState*>(png_get_io_ptr(png));
  if (length > state->size - state->offset) png_error(png, "the file ends early (truncated)");
  std::memcpy(out, state->data + state->offset, length);
  state->offset += length;
}

}  // namespace

Image decode_png(const unsigned char* data, std::size_t size, const std::string& source) {
  const auto state = std::make_unique<PngReadState>();
  state->data = data;
  state->size = size;
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, state.get(), on_error, on_warning);
  if (png == nullptr) fail(source, ": cannot start the PNG decoder");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
    fail(source, ": not a readable PNG: ", state->message.empty() ? "corrupt" : state->message);
  }
  png_set_read_fn(png, state.get(), read_from_memory);
  png_set_user_limits(png, kMaxImageSide, kMaxImageSide);
  png_read_info(png, info);
  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  if (static_cast<std::uint64_t>(width) * height > kMaxImagePixels)
    png_error(png, "the image is larger than the supported maximum");
  const int color_type = png_get_color_type(png, info);
  const int depth = png_get_bit_depth(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (depth == 16) png_set_swap(png);  // host (little-endian) order
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  const int channels = png_get_channels(png, info);
  const int out_depth = png_get_bit_depth(png, info);
  const std::size_t row_bytes = png_get_rowbytes(png, info);
  state->raw.resize(row_bytes * height);
  state->rows.resize(height);
  for (png_uint_32 y = 0; y < height; ++y) state->rows[y] = state->raw.data() + y * row_bytes;
  png_read_image(png, state->rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);

  Image image(static_cast<int>(width), static_cast<int>(height), channels);
  const std::size_t samples = image.pixels.size();
  if (out_depth == 16) {
    const auto* in = reinterpret_cast<const std::uint16_t*>(state->raw.data());
    for (std::size_t i = 0; i < samples; ++i) image.pixels[i] = in[i] * (1.0f / 65535.0f);
  } else {
    for (std::size_t i = 0; i < samples; ++i) image.pixels[i] = state->raw[i] * (1.0f / 255.0f);
  }
  return image;
}

namespace {
void write_to_string(png_structp png, png_bytep data, png_size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), length);
}
void flush_nothing(png_structp) {}
}  // namespace

void write_png(const std::string& path, const Image& image, int bit_depth, int compression) {
  write_file_atomically(path, encode_png(image, path, bit_depth, compression));
}

std::string encode_png(const Image& image, const std::string& path, int bit_depth,
                       int compression) {
  SPLAT_REQUIRE(image.channels >= 1 && image.channels <= 4 && image.width > 0 && image.height > 0,
                path, ": cannot write an image of ", image.width, "x", image.height, "x",
                image.channels);
  SPLAT_REQUIRE(bit_depth == 8 || bit_depth == 16, path, ": PNG bit depth must be 8 or 16");
  static constexpr int kColorTypes[] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                        PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
  const std::size_t samples = image.pixels.size();
  const std::size_t bytes_per_sample = bit_depth / 8;
  std::vector<unsigned char> raw(samples * bytes_per_sample);
  const float max_value = bit_depth == 16 ? 65535.0f : 255.0f;
  for (std::size_t i = 0; i < samples; ++i) {
    float v = image.pixels[i];
    v = v > 0 ? (v < 1 ? v : 1) : 0;  // also maps NaN to 0
    const unsigned value = static_cast<unsigned>(v * max_value + 0.5f);
    if (bit_depth == 16) {
      raw[2 * i] = static_cast<unsigned char>(value >> 8);  // PNG is big-endian
      raw[2 * i + 1] = static_cast<unsigned char>(value & 0xff);
    } else {
      raw[i] = static_cast<unsigned char>(value);
    }
  }
  const std::size_t row_bytes =
      static_cast<std::size_t>(image.width) * image.channels * bytes_per_sample;
  const auto out = std::make_unique<std::string>();
  const auto state = std::make_unique<PngReadState>();  // only its message is used
  std::vector<png_bytep> rows(static_cast<std::size_t>(image.height));
  for (int y = 0; y < image.height; ++y) rows[y] = raw.data() + y * row_bytes;

  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, state.get(), on_error, on_warning);
  if (png == nullptr) fail(path, ": cannot start the PNG encoder");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, info ? &info : nullptr);
    fail(path, ": cannot encode PNG: ", state->message);
  }
  png_set_write_fn(png, out.get(), write_to_string, flush_nothing);
  png_set_compression_level(png, compression);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width),
               static_cast<png_uint_32>(image.height), bit_depth, kColorTypes[image.channels - 1],
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  png_write_image(png, rows.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return std::move(*out);
}

}  // namespace splat
