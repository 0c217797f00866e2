#include "tools/scenes/generated_dataset.hpp"

#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/colmap_writer.hpp"
#include "io/gaussian_ply.hpp"
#include "io/image_codec.hpp"
#include "train/render_backend.hpp"

namespace splat {

void rotation_to_quaternion(const float R[9], double q[4]) {
  // Shepperd's method: start from the largest of the four squared components for stability.
  const double m00 = R[0], m01 = R[1], m02 = R[2], m10 = R[3], m11 = R[4], m12 = R[5],
               m20 = R[6], m21 = R[7], m22 = R[8];
  const double trace = m00 + m11 + m22;
  if (trace > 0) {
    const double s = 2 * std::sqrt(1 + trace);
    q[0] = 0.25 * s, q[1] = (m21 - m12) / s, q[2] = (m02 - m20) / s, q[3] = (m10 - m01) / s;
  } else if (m00 > m11 && m00 > m22) {
    const double s = 2 * std::sqrt(1 + m00 - m11 - m22);
    q[0] = (m21 - m12) / s, q[1] = 0.25 * s, q[2] = (m01 + m10) / s, q[3] = (m02 + m20) / s;
  } else if (m11 > m22) {
    const double s = 2 * std::sqrt(1 + m11 - m00 - m22);
    q[0] = (m02 - m20) / s, q[1] = (m01 + m10) / s, q[2] = 0.25 * s, q[3] = (m12 + m21) / s;
  } else {
    const double s = 2 * std::sqrt(1 + m22 - m00 - m11);
    q[0] = (m10 - m01) / s, q[1] = (m02 + m20) / s, q[2] = (m12 + m21) / s, q[3] = 0.25 * s;
  }
  if (q[0] < 0)
    for (int i = 0; i < 4; ++i) q[i] = -q[i];
}

void write_generated_dataset(const std::string& folder, const GeneratedScene& scene,
                             const DatasetWriteOptions& options) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(fs::path(folder) / "images", error);
  SPLAT_REQUIRE(!error, folder, ": cannot create the dataset folder: ", error.message());

  ColmapModel model;
  for (std::size_t v = 0; v < scene.cameras.size(); ++v) {
    const PinholeCamera& c = scene.cameras[v];
    ColmapCamera camera;
    camera.id = static_cast<std::int32_t>(v + 1);
    camera.model = CameraModel::Pinhole;
    camera.width = static_cast<std::uint64_t>(c.width);
    camera.height = static_cast<std::uint64_t>(c.height);
    camera.params = {c.fx, c.fy, c.cx, c.cy};
    model.cameras.push_back(camera);
    ColmapImage image;
    image.id = camera.id;
    image.camera_id = camera.id;
    image.name = scene.image_names[v];
    double q[4];
    rotation_to_quaternion(c.R, q);
    image.rotation = {q[0], q[1], q[2], q[3]};
    image.translation = {c.t[0], c.t[1], c.t[2]};
    model.images.push_back(image);
  }
  for (std::size_t p = 0; p * 3 < scene.points.size(); ++p) {
    ColmapPoint3D point;
    point.id = p + 1;
    point.position = {scene.points[p * 3], scene.points[p * 3 + 1], scene.points[p * 3 + 2]};
    point.color = {scene.colors[p * 3], scene.colors[p * 3 + 1], scene.colors[p * 3 + 2]};
    model.points.push_back(point);
  }

  TrainConfig config;
  config.backend = options.backend;
  auto backend = make_render_backend(config);
  TrainableGaussians truth;
  truth.params = scene.model;
  truth.reset_optimizer_state();
  auto store = backend->make_store(truth);
  ViewImage render;
  for (std::size_t v = 0; v < scene.cameras.size(); ++v) {
    backend->renderer().forward(store->params(), scene.cameras[v], scene.model.sh_degree,
                                options.background);
    backend->renderer().read_image(render);
    Image image(render.width, render.height, 3);
    image.pixels = render.rgb;
    write_png((fs::path(folder) / "images" / scene.image_names[v]).string(), image);
  }
  write_colmap_model((fs::path(folder) / "sparse" / "0").string(), model, ColmapFormat::Binary);
  write_gaussian_ply((fs::path(folder) / "ground_truth.ply").string(), scene.model);
  log_info("wrote ", scene.cameras.size(), " views, ", model.points.size(), " points and ",
           scene.model.size(), " ground-truth Gaussians to ", folder, " (rendered on ",
           backend->description(), ")");
}

}  // namespace splat
