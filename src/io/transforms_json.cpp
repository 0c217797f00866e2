#include "io/transforms_json.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

#include "core/error.hpp"

namespace splat {

using nlohmann::json;

namespace {

std::optional<double> optional_number(const json& object, const char* key,
                                      const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) fail(where, ": '", key, "' must be a number");
  const double value = it->get<double>();
  if (!std::isfinite(value)) fail(where, ": '", key, "' is not finite");
  return value;
}

TransformsIntrinsics read_intrinsics(const json& object, const std::string& where) {
  TransformsIntrinsics in;
  in.camera_angle_x = optional_number(object, "camera_angle_x", where);
  in.camera_angle_y = optional_number(object, "camera_angle_y", where);
  in.fl_x = optional_number(object, "fl_x", where);
  in.fl_y = optional_number(object, "fl_y", where);
  in.cx = optional_number(object, "cx", where);
  in.cy = optional_number(object, "cy", where);
  in.w = optional_number(object, "w", where);
  in.h = optional_number(object, "h", where);
  in.k1 = optional_number(object, "k1", where);
  in.k2 = optional_number(object, "k2", where);
  in.k3 = optional_number(object, "k3", where);
  in.k4 = optional_number(object, "k4", where);
  in.p1 = optional_number(object, "p1", where);
  in.p2 = optional_number(object, "p2", where);
  const auto model = object.find("camera_model");
  if (model != object.end() && !model->is_null()) {
    if (!model->is_string()) fail(where, ": 'camera_model' must be a string");
    in.camera_model = model->get<std::string>();
  }
  return in;
}

std::array<double, 16> read_matrix(const json& frame, const std::string& where) {
  const auto it = frame.find("transform_matrix");
  if (it == frame.end()) fail(where, ": has no 'transform_matrix'");
  const json& rows = *it;
  // 4x4, or 3x4 with the implied last row (0 0 0 1).
  if (!rows.is_array() || (rows.size() != 4 && rows.size() != 3))
    fail(where, ": 'transform_matrix' must be a 4x4 (or 3x4) array of numbers");
  std::array<double, 16> m{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (!rows[r].is_array() || rows[r].size() != 4)
      fail(where, ": 'transform_matrix' must be a 4x4 (or 3x4) array of numbers");
    for (std::size_t c = 0; c < 4; ++c) {
      if (!rows[r][c].is_number()) fail(where, ": 'transform_matrix' holds a non-number");
      m[4 * r + c] = rows[r][c].get<double>();
      if (!std::isfinite(m[4 * r + c]))
        fail(where, ": 'transform_matrix' holds a NaN or infinite value");
    }
  }
  return m;
}

}  // namespace

TransformsIntrinsics TransformsIntrinsics::merged(const TransformsIntrinsics& o) const {
  TransformsIntrinsics out = *this;
  const auto take = [](std::optional<double>& into, const std::optional<double>& from) {
    if (from) into = from;
  };
  take(out.camera_angle_x, o.camera_angle_x);
  take(out.camera_angle_y, o.camera_angle_y);
  take(out.fl_x, o.fl_x);
  take(out.fl_y, o.fl_y);
  take(out.cx, o.cx);
  take(out.cy, o.cy);
  take(out.w, o.w);
  take(out.h, o.h);
  take(out.k1, o.k1);
  take(out.k2, o.k2);
  take(out.k3, o.k3);
  take(out.k4, o.k4);
  take(out.p1, o.p1);
  take(out.p2, o.p2);
  if (o.camera_model) out.camera_model = o.camera_model;
  return out;
}

TransformsFile parse_transforms_json(std::string_view text, const std::string& source) {
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    fail(source, ": malformed JSON: ", e.what());
  }
  if (!document.is_object()) fail(source, ": expected a JSON object at the top level");
  TransformsFile file;
  file.intrinsics = read_intrinsics(document, source);
  const auto frames = document.find("frames");
  if (frames == document.end() || !frames->is_array()) fail(source, ": has no 'frames' array");
  file.frames.reserve(frames->size());
  for (std::size_t i = 0; i < frames->size(); ++i) {
    const json& frame = (*frames)[i];
    const std::string where = str_cat(source, ": frame ", i);
    if (!frame.is_object()) fail(where, ": is not an object");
    TransformsFrame out;
    const auto path = frame.find("file_path");
    if (path == frame.end() || !path->is_string() || path->get<std::string>().empty())
      fail(where, ": needs a non-empty 'file_path' string");
    out.file_path = path->get<std::string>();
    out.camera_to_world = read_matrix(frame, where);
    out.intrinsics = read_intrinsics(frame, where);
    file.frames.push_back(std::move(out));
  }
  return file;
}

bool opengl_camera_to_world_to_opencv_pose(const std::array<double, 16>& m, double R[9],
                                           double t[3]) {
  // OpenGL camera axes to OpenCV ones: negate the y and z columns of camera-to-world.
  double c2w[9];
  for (int r = 0; r < 3; ++r) {
    c2w[3 * r + 0] = m[4 * r + 0];
    c2w[3 * r + 1] = -m[4 * r + 1];
    c2w[3 * r + 2] = -m[4 * r + 2];
  }
  const double centre[3] = {m[3], m[7], m[11]};
  // The rotation part may carry a uniform scale in some exports; invert it in general form.
  const double a = c2w[0], b = c2w[1], c = c2w[2], d = c2w[3], e = c2w[4], f = c2w[5], g = c2w[6],
               h = c2w[7], k = c2w[8];
  const double det = a * (e * k - f * h) - b * (d * k - f * g) + c * (d * h - e * g);
  if (!std::isfinite(det) || std::abs(det) < 1e-12) return false;
  R[0] = (e * k - f * h) / det;
  R[1] = (c * h - b * k) / det;
  R[2] = (b * f - c * e) / det;
  R[3] = (f * g - d * k) / det;
  R[4] = (a * k - c * g) / det;
  R[5] = (c * d - a * f) / det;
  R[6] = (d * h - e * g) / det;
  R[7] = (b * g - a * h) / det;
  R[8] = (a * e - b * d) / det;
  for (int r = 0; r < 3; ++r)
    t[r] = -(R[3 * r] * centre[0] + R[3 * r + 1] * centre[1] + R[3 * r + 2] * centre[2]);
  return true;
}

}  // namespace splat
