#include "io/colmap_writer.hpp"

#include <charconv>
#include <cstring>
#include <filesystem>

#include "core/atomic_file.hpp"
#include "core/error.hpp"

namespace splat {

namespace {
template <class T>
void put(std::string& out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}

// Shortest text that reads back to the same double, so text round trips are exact.
void put_number(std::string& out, double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}
}  // namespace

std::string colmap_cameras_binary(const ColmapModel& model) {
  std::string out;
  put<std::uint64_t>(out, model.cameras.size());
  for (const ColmapCamera& camera : model.cameras) {
    put<std::int32_t>(out, camera.id);
    put<std::int32_t>(out, static_cast<std::int32_t>(camera.model));
    put<std::uint64_t>(out, camera.width);
    put<std::uint64_t>(out, camera.height);
    for (double p : camera.params) put<double>(out, p);
  }
  return out;
}

std::string colmap_images_binary(const ColmapModel& model) {
  std::string out;
  put<std::uint64_t>(out, model.images.size());
  for (const ColmapImage& image : model.images) {
    put<std::int32_t>(out, image.id);
    for (double q : image.rotation) put<double>(out, q);
    for (double t : image.translation) put<double>(out, t);
    put<std::int32_t>(out, image.camera_id);
    out.append(image.name);
    out.push_back('\0');
    put<std::uint64_t>(out, image.points2d.size());
    for (const ColmapPoint2D& p : image.points2d) {
      put<double>(out, p.x);
      put<double>(out, p.y);
      put<std::int64_t>(out, p.point3d_id);
    }
  }
  return out;
}

std::string colmap_points3d_binary(const ColmapModel& model) {
  std::string out;
  put<std::uint64_t>(out, model.points.size());
  for (const ColmapPoint3D& point : model.points) {
    put<std::uint64_t>(out, point.id);
    for (double x : point.position) put<double>(out, x);
    for (std::uint8_t c : point.color) put<std::uint8_t>(out, c);
    put<double>(out, point.error);
    put<std::uint64_t>(out, point.track.size());
    for (const ColmapTrackElement& element : point.track) {
      put<std::int32_t>(out, element.image_id);
      put<std::int32_t>(out, element.point2d_index);
    }
  }
  return out;
}

std::string colmap_cameras_text(const ColmapModel& model) {
  std::string out =
      "# Camera list with one line of data per camera:\n"
      "#   CAMERA_ID, MODEL, WIDTH, HEIGHT, PARAMS[]\n";
  out += str_cat("# Number of cameras: ", model.cameras.size(), "\n");
  for (const ColmapCamera& camera : model.cameras) {
    out += str_cat(camera.id, " ", camera_model_info(camera.model).name, " ", camera.width, " ",
                   camera.height);
    for (double p : camera.params) {
      out.push_back(' ');
      put_number(out, p);
    }
    out.push_back('\n');
  }
  return out;
}

std::string colmap_images_text(const ColmapModel& model) {
  std::string out =
      "# Image list with two lines of data per image:\n"
      "#   IMAGE_ID, QW, QX, QY, QZ, TX, TY, TZ, CAMERA_ID, NAME\n"
      "#   POINTS2D[] as (X, Y, POINT3D_ID)\n";
  out += str_cat("# Number of images: ", model.images.size(), "\n");
  for (const ColmapImage& image : model.images) {
    out += str_cat(image.id);
    for (double q : image.rotation) {
      out.push_back(' ');
      put_number(out, q);
    }
    for (double t : image.translation) {
      out.push_back(' ');
      put_number(out, t);
    }
    out += str_cat(" ", image.camera_id, " ", image.name, "\n");
    for (std::size_t k = 0; k < image.points2d.size(); ++k) {
      if (k > 0) out.push_back(' ');
      put_number(out, image.points2d[k].x);
      out.push_back(' ');
      put_number(out, image.points2d[k].y);
      out += str_cat(" ", image.points2d[k].point3d_id);
    }
    out.push_back('\n');
  }
  return out;
}

std::string colmap_points3d_text(const ColmapModel& model) {
  std::string out =
      "# 3D point list with one line of data per point:\n"
      "#   POINT3D_ID, X, Y, Z, R, G, B, ERROR, TRACK[] as (IMAGE_ID, POINT2D_IDX)\n";
  out += str_cat("# Number of points: ", model.points.size(), "\n");
  for (const ColmapPoint3D& point : model.points) {
    out += str_cat(point.id);
    for (double x : point.position) {
      out.push_back(' ');
      put_number(out, x);
    }
    out +=
        str_cat(" ", int(point.color[0]), " ", int(point.color[1]), " ", int(point.color[2]), " ");
    put_number(out, point.error);
    for (const ColmapTrackElement& element : point.track)
      out += str_cat(" ", element.image_id, " ", element.point2d_index);
    out.push_back('\n');
  }
  return out;
}

void write_colmap_model(const std::string& folder, const ColmapModel& model, ColmapFormat format) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) fail(folder, ": cannot create the model folder: ", error.message());
  const std::filesystem::path root(folder);
  if (format == ColmapFormat::Binary) {
    write_file_atomically((root / "cameras.bin").string(), colmap_cameras_binary(model));
    write_file_atomically((root / "images.bin").string(), colmap_images_binary(model));
    write_file_atomically((root / "points3D.bin").string(), colmap_points3d_binary(model));
  } else {
    write_file_atomically((root / "cameras.txt").string(), colmap_cameras_text(model));
    write_file_atomically((root / "images.txt").string(), colmap_images_text(model));
    write_file_atomically((root / "points3D.txt").string(), colmap_points3d_text(model));
  }
}

}  // namespace splat
