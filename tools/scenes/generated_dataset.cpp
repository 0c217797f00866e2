#include "tools/scenes/generated_dataset.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/colmap_from_cameras.hpp"
#include "io/colmap_writer.hpp"
#include "io/gaussian_ply.hpp"
#include "io/image_codec.hpp"
#include "train/render_backend.hpp"

namespace splat {

void write_generated_dataset(const std::string& folder, const GeneratedScene& scene,
                             const DatasetWriteOptions& options) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(fs::path(folder) / "images", error);
  SPLAT_REQUIRE(!error, folder, ": cannot create the dataset folder: ", error.message());

  const ColmapModel model =
      colmap_model_from_cameras(scene.cameras, scene.image_names, scene.points, scene.colors);

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
