// JPEG through libjpeg. libjpeg reports errors through error_exit, which must not return; it
// longjmps back here. A file that ends early is an error (libjpeg would pad it with grey).
#include <cstdio>  // jpeglib.h needs FILE and size_t first

#include <jerror.h>
#include <jpeglib.h>

#include <csetjmp>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/image_codec.hpp"
#include "io/image_limits.hpp"

namespace splat {

namespace {

struct JpegErrorState {
  jpeg_error_mgr manager;  // first member: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  std::string message;
  bool truncated = false;
};

void on_error_exit(j_common_ptr info) {
  auto* state = reinterpret_cast<JpegErrorState*>(info->err);
  char buffer[JMSG_LENGTH_MAX];
  info->err->format_message(info, buffer);
  state->message = buffer;
  std::longjmp(state->jump, 1);
}

void on_message(j_common_ptr info, int level) {
  auto* state = reinterpret_cast<JpegErrorState*>(info->err);
  if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) state->truncated = true;
}

struct JpegDecodeState {
  jpeg_decompress_struct info{};
  JpegErrorState error;
  std::vector<unsigned char> raw;
  bool created = false;
};

// Runs libjpeg up to the header (and the pixels when `decode`).
void run_jpeg(JpegDecodeState& s, const unsigned char* data, std::size_t size,
              const std::string& source, bool decode) {
  s.info.err = jpeg_std_error(&s.error.manager);
  s.error.manager.error_exit = on_error_exit;
  s.error.manager.emit_message = on_message;
  if (setjmp(s.error.jump)) {
    jpeg_destroy_decompress(&s.info);
    fail(source, ": not a readable JPEG: ", s.error.message);
  }
  jpeg_create_decompress(&s.info);
  jpeg_mem_src(&s.info, data, static_cast<unsigned long>(size));
  jpeg_read_header(&s.info, TRUE);
  if (static_cast<std::uint64_t>(s.info.image_width) * s.info.image_height > kMaxImagePixels ||
      s.info.image_width > kMaxImageSide || s.info.image_height > kMaxImageSide) {
    jpeg_destroy_decompress(&s.info);
    fail(source, ": the JPEG is larger than the supported maximum");
  }
  if (!decode) {
    jpeg_destroy_decompress(&s.info);
    return;
  }
  if (s.info.jpeg_color_space == JCS_CMYK || s.info.jpeg_color_space == JCS_YCCK) {
    jpeg_destroy_decompress(&s.info);
    fail(source, ": CMYK JPEGs are not supported");
  }
  s.info.out_color_space = s.info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&s.info);
  const std::size_t row_bytes =
      static_cast<std::size_t>(s.info.output_width) * s.info.output_components;
  s.raw.resize(row_bytes * s.info.output_height);
  while (s.info.output_scanline < s.info.output_height) {
    JSAMPROW row = s.raw.data() + s.info.output_scanline * row_bytes;
    jpeg_read_scanlines(&s.info, &row, 1);
  }
  jpeg_finish_decompress(&s.info);
  jpeg_destroy_decompress(&s.info);
  if (s.error.truncated) fail(source, ": the JPEG ends early (truncated)");
}

}  // namespace

Image decode_jpeg(const unsigned char* data, std::size_t size, const std::string& source) {
  const auto state = std::make_unique<JpegDecodeState>();
  run_jpeg(*state, data, size, source, true);
  Image image(static_cast<int>(state->info.output_width),
              static_cast<int>(state->info.output_height), state->info.output_components);
  for (std::size_t i = 0; i < image.pixels.size(); ++i)
    image.pixels[i] = state->raw[i] * (1.0f / 255.0f);
  return image;
}

ImageSize jpeg_image_size(const unsigned char* data, std::size_t size, const std::string& source) {
  const auto state = std::make_unique<JpegDecodeState>();
  run_jpeg(*state, data, size, source, false);
  return {static_cast<int>(state->info.image_width), static_cast<int>(state->info.image_height)};
}

}  // namespace splat
