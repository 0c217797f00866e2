#include "io/colmap_text_reader.hpp"

#include <limits>
#include <unordered_set>

#include "core/error.hpp"
#include "io/colmap_validation.hpp"
#include "io/text_tokens.hpp"

namespace splat {

namespace {
std::int32_t parse_i32(std::string_view token, std::string_view what, const std::string& where) {
  const std::int64_t value = parse_int(token, what, where);
  if (value < std::numeric_limits<std::int32_t>::min() ||
      value > std::numeric_limits<std::int32_t>::max())
    fail(where, ": ", what, " ", value, " does not fit in 32 bits");
  return static_cast<std::int32_t>(value);
}

void require_tokens(const std::vector<std::string_view>& tokens, std::size_t at_least,
                    const char* what, const std::string& where) {
  if (tokens.size() < at_least)
    fail(where, ": ", what, " needs at least ", at_least, " fields, found ", tokens.size());
}
}  // namespace

std::vector<ColmapCamera> parse_colmap_cameras_text(std::string_view text,
                                                    const std::string& source) {
  TextLines lines(text, source);
  std::vector<ColmapCamera> cameras;
  std::unordered_set<std::int32_t> ids;
  std::string_view line;
  while (lines.next_data_line(line)) {
    const std::string where = lines.where();
    const auto tokens = split_tokens(line);
    require_tokens(tokens, 4, "a camera line", where);
    ColmapCamera camera;
    camera.id = parse_i32(tokens[0], "the camera id", where);
    const CameraModelInfo* info = find_camera_model(tokens[1]);
    if (info == nullptr)
      fail(where, ": camera ", camera.id, " has unknown camera model '", tokens[1].substr(0, 40),
           "'");
    camera.model = info->model;
    camera.width = parse_uint(tokens[2], "the width", where);
    camera.height = parse_uint(tokens[3], "the height", where);
    if (tokens.size() != 4 + static_cast<std::size_t>(info->param_count))
      fail(where, ": camera ", camera.id, " (", info->name, ") has ", tokens.size() - 4,
           " parameters, the model has ", info->param_count);
    for (std::size_t i = 4; i < tokens.size(); ++i)
      camera.params.push_back(parse_double(tokens[i], "a camera parameter", where));
    validate_camera(camera, where);
    require_unique_id(ids, camera.id, "camera", where);
    cameras.push_back(std::move(camera));
  }
  return cameras;
}

std::vector<ColmapImage> parse_colmap_images_text(std::string_view text, const std::string& source,
                                                  const ColmapReadOptions& options) {
  TextLines lines(text, source);
  std::vector<ColmapImage> images;
  std::unordered_set<std::int32_t> ids;
  std::string_view line;
  while (lines.next_data_line(line)) {
    const std::string where = lines.where();
    const auto tokens = split_tokens(line);
    // The name is the rest of the line after nine fields; COLMAP names have no spaces, but
    // other tools' may, so everything after the camera id belongs to it.
    require_tokens(tokens, 10, "an image line", where);
    ColmapImage image;
    image.id = parse_i32(tokens[0], "the image id", where);
    for (int i = 0; i < 4; ++i) image.rotation[i] = parse_double(tokens[1 + i], "qvec", where);
    for (int i = 0; i < 3; ++i) image.translation[i] = parse_double(tokens[5 + i], "tvec", where);
    image.camera_id = parse_i32(tokens[8], "the camera id", where);
    const std::size_t name_start = static_cast<std::size_t>(tokens[9].data() - line.data());
    image.name = std::string(line.substr(name_start));
    while (!image.name.empty() && (image.name.back() == ' ' || image.name.back() == '\t'))
      image.name.pop_back();
    validate_image(image, where);
    require_unique_id(ids, image.id, "image", where);

    // The keypoint line always follows, possibly empty.
    std::string_view keypoint_line;
    if (lines.next(keypoint_line) && options.keep_points2d) {
      const std::string keypoint_where = lines.where();
      const auto values = split_tokens(keypoint_line);
      if (values.size() % 3 != 0)
        fail(keypoint_where, ": keypoints of image ", image.id, " have ", values.size(),
             " fields, not a multiple of 3 (X, Y, POINT3D_ID)");
      image.points2d.resize(values.size() / 3);
      for (std::size_t k = 0; k < image.points2d.size(); ++k) {
        image.points2d[k].x = parse_double(values[3 * k], "a keypoint x", keypoint_where);
        image.points2d[k].y = parse_double(values[3 * k + 1], "a keypoint y", keypoint_where);
        image.points2d[k].point3d_id = parse_int(values[3 * k + 2], "a point id", keypoint_where);
      }
    }
    images.push_back(std::move(image));
  }
  return images;
}

std::vector<ColmapPoint3D> parse_colmap_points3d_text(std::string_view text,
                                                      const std::string& source,
                                                      const ColmapReadOptions& options) {
  TextLines lines(text, source);
  std::vector<ColmapPoint3D> points;
  std::string_view line;
  while (lines.next_data_line(line)) {
    const std::string where = lines.where();
    const auto tokens = split_tokens(line);
    require_tokens(tokens, 8, "a point line", where);
    ColmapPoint3D point;
    point.id = parse_uint(tokens[0], "the point id", where);
    for (int i = 0; i < 3; ++i) point.position[i] = parse_double(tokens[1 + i], "XYZ", where);
    for (int i = 0; i < 3; ++i) {
      const std::uint64_t c = parse_uint(tokens[4 + i], "RGB", where);
      if (c > 255) fail(where, ": colour component ", c, " is above 255");
      point.color[i] = static_cast<std::uint8_t>(c);
    }
    point.error = parse_double(tokens[7], "the error", where);
    if ((tokens.size() - 8) % 2 != 0)
      fail(where, ": the track of point ", point.id, " has ", tokens.size() - 8,
           " fields, not pairs of (IMAGE_ID, POINT2D_IDX)");
    if (options.keep_tracks) {
      point.track.resize((tokens.size() - 8) / 2);
      for (std::size_t k = 0; k < point.track.size(); ++k) {
        point.track[k].image_id = parse_i32(tokens[8 + 2 * k], "a track image id", where);
        point.track[k].point2d_index = parse_i32(tokens[9 + 2 * k], "a track index", where);
      }
    }
    validate_point(point, where);
    points.push_back(std::move(point));
  }
  return points;
}

}  // namespace splat
