#include "io/colmap_binary_reader.hpp"

#include <unordered_set>

#include "core/error.hpp"
#include "io/byte_reader.hpp"
#include "io/colmap_validation.hpp"

namespace splat {

namespace {
// Smallest possible records, used to bound counts by the file size.
constexpr std::size_t kCameraHeaderBytes = 4 + 4 + 8 + 8;
constexpr std::size_t kImageMinBytes = 4 + 7 * 8 + 4 + 1 + 8;  // empty name, no keypoints
constexpr std::size_t kPoint2dBytes = 8 + 8 + 8;
constexpr std::size_t kPointMinBytes = 8 + 3 * 8 + 3 + 8 + 8;  // empty track
constexpr std::size_t kTrackElementBytes = 4 + 4;
}  // namespace

std::vector<ColmapCamera> parse_colmap_cameras_binary(const unsigned char* data, std::size_t size,
                                                      const std::string& source) {
  ByteReader in(data, size, source);
  const std::uint64_t count = in.u64();
  in.require_records(count, kCameraHeaderBytes, "cameras");
  std::vector<ColmapCamera> cameras(count);
  std::unordered_set<std::int32_t> ids;
  for (ColmapCamera& camera : cameras) {
    camera.id = in.i32();
    const std::int32_t model_id = in.i32();
    const CameraModelInfo* info = find_camera_model(model_id);
    if (info == nullptr)
      fail(source, ": camera ", camera.id, " has unknown camera model id ", model_id);
    camera.model = info->model;
    camera.width = in.u64();
    camera.height = in.u64();
    camera.params.resize(static_cast<std::size_t>(info->param_count));
    for (double& p : camera.params) p = in.f64();
    validate_camera(camera, source);
    require_unique_id(ids, camera.id, "camera", source);
  }
  in.require_end("camera");
  return cameras;
}

std::vector<ColmapImage> parse_colmap_images_binary(const unsigned char* data, std::size_t size,
                                                    const std::string& source,
                                                    const ColmapReadOptions& options) {
  ByteReader in(data, size, source);
  const std::uint64_t count = in.u64();
  in.require_records(count, kImageMinBytes, "images");
  std::vector<ColmapImage> images(count);
  std::unordered_set<std::int32_t> ids;
  for (ColmapImage& image : images) {
    image.id = in.i32();
    for (double& q : image.rotation) q = in.f64();
    for (double& t : image.translation) t = in.f64();
    image.camera_id = in.i32();
    image.name = in.c_string();
    const std::uint64_t keypoints = in.u64();
    if (options.keep_points2d) {
      in.require_records(keypoints, kPoint2dBytes, "keypoints");
      image.points2d.resize(keypoints);
      for (ColmapPoint2D& p : image.points2d) {
        p.x = in.f64();
        p.y = in.f64();
        p.point3d_id = in.i64();
      }
    } else {
      in.skip(keypoints, kPoint2dBytes, "keypoints");
    }
    validate_image(image, source);
    require_unique_id(ids, image.id, "image", source);
  }
  in.require_end("image");
  return images;
}

std::vector<ColmapPoint3D> parse_colmap_points3d_binary(const unsigned char* data, std::size_t size,
                                                        const std::string& source,
                                                        const ColmapReadOptions& options) {
  ByteReader in(data, size, source);
  const std::uint64_t count = in.u64();
  in.require_records(count, kPointMinBytes, "points");
  std::vector<ColmapPoint3D> points(count);
  // Point ids are not checked for uniqueness: nothing downstream looks them up, and a set of
  // millions of ids would cost more memory than the points.
  for (ColmapPoint3D& point : points) {
    point.id = in.u64();
    for (double& x : point.position) x = in.f64();
    for (std::uint8_t& c : point.color) c = in.u8();
    point.error = in.f64();
    const std::uint64_t track_length = in.u64();
    if (options.keep_tracks) {
      in.require_records(track_length, kTrackElementBytes, "track elements");
      point.track.resize(track_length);
      for (ColmapTrackElement& element : point.track) {
        element.image_id = in.i32();
        element.point2d_index = in.i32();
      }
    } else {
      in.skip(track_length, kTrackElementBytes, "track elements");
    }
    validate_point(point, source);
  }
  in.require_end("point");
  return points;
}

}  // namespace splat
