#include "tools/scenes/city_dataset.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/log.hpp"
#include "io/colmap_from_cameras.hpp"
#include "io/colmap_writer.hpp"
#include "io/dataset_defaults.hpp"
#include "io/gaussian_ply_stream.hpp"
#include "io/image_codec.hpp"
#include "math/frustum.hpp"
#include "offload/frustum_culling.hpp"
#include "tools/scenes/city_block_cache.hpp"
#include "tools/scenes/city_block_gaussians.hpp"
#include "tools/scenes/city_view_blocks.hpp"
#include "tools/scenes/gaussian_view_render.hpp"
#include "tools/scenes/generation_progress.hpp"

namespace splat {

namespace {

namespace fs = std::filesystem;

std::size_t sparse_point_count(const CityDatasetOptions& o) {
  if (o.sparse_points > 0) return std::min(o.sparse_points, o.city.gaussians);
  return std::min<std::size_t>(std::clamp<std::size_t>(o.city.gaussians / 100, 1000, 200000),
                               o.city.gaussians);
}

// Streams every block into ground_truth.ply in order, a batch of blocks (one per thread) at a
// time, and samples the sparse cloud from each block while it is in memory.
void write_ground_truth(const std::string& path, const CityLayout& city,
                        const CityDatasetOptions& o, std::vector<float>& points,
                        std::vector<std::uint8_t>& colors, CityDatasetReport& report) {
  const std::size_t total_points = sparse_point_count(o);
  const std::size_t batch = static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
  GenerationProgress progress("ground truth", "blocks", city.blocks.size(), stdout_is_terminal(),
                              o.quiet);
  write_gaussian_ply_chunked(path, o.city.gaussians, o.city.sh_degree, [&](GaussianPlyChunks& out) {
    std::vector<GaussianModel> made(batch);
    for (std::size_t first = 0; first < city.blocks.size(); first += batch) {
      const std::size_t count = std::min(batch, city.blocks.size() - first);
#pragma omp parallel for schedule(dynamic, 1)
      for (long i = 0; i < static_cast<long>(count); ++i)
        made[i] = generate_city_block(city, first + i);
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t b = first + i;
        out.append(made[i]);
        // The block's share of the sparse cloud, rounded so the shares add up to the total.
        const CityBlock& block = city.blocks[b];
        const auto share = [&](std::size_t rows) {
          return static_cast<std::size_t>(static_cast<double>(total_points) * rows /
                                          static_cast<double>(o.city.gaussians));
        };
        const std::size_t n = share(block.first_row + block.gaussians) - share(block.first_row);
        sample_city_block_points(city, b, made[i], n, points, colors);
        made[i] = GaussianModel();  // release it before the next batch is made
      }
      progress.update(first + count, out.written());
    }
  });
  report.ply_seconds = progress.finish(o.city.gaussians);
}

bool row_in_frustum(const GaussianModel& m, std::size_t i, const CullingFrustum& frustum) {
  const float* s = &m.log_scales[3 * i];
  const float radius = culling_radius(s);
  const float* p = &m.means[3 * i];
  return sphere_in_frustum(frustum, p[0], p[1], p[2], radius);
}

// The rows of the held blocks whose 3-sigma sphere reaches into the (widened) frustum, in block
// order, copied into `target` sized exactly (a growing vector could hold twice the view).
void gather_rows_in_frustum(const CityBlockCache& cache, const std::vector<std::size_t>& blocks,
                            const CullingFrustum& frustum, GaussianModel& target) {
  std::vector<std::vector<std::uint8_t>> keep(blocks.size());
  std::size_t total = 0;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const GaussianModel& m = cache.block(blocks[b]);
    keep[b].resize(m.size());
#pragma omp parallel for reduction(+ : total)
    for (long i = 0; i < static_cast<long>(m.size()); ++i) {
      keep[b][i] = row_in_frustum(m, i, frustum);
      total += keep[b][i];
    }
  }
  target.resize(total);
  const std::size_t k = static_cast<std::size_t>(target.sh_coefficients()) * 3;
  std::size_t row = 0;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const GaussianModel& m = cache.block(blocks[b]);
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (!keep[b][i]) continue;
      std::copy_n(&m.means[3 * i], 3, &target.means[3 * row]);
      std::copy_n(&m.log_scales[3 * i], 3, &target.log_scales[3 * row]);
      std::copy_n(&m.rotations[4 * i], 4, &target.rotations[4 * row]);
      target.opacity_logits[row] = m.opacity_logits[i];
      std::copy_n(&m.sh[k * i], k, &target.sh[k * row]);
      ++row;
    }
  }
}

}  // namespace

float city_draw_distance(const CityLayout& city, const CityDatasetOptions& o) {
  if (o.camera_set == CityCameraSet::Aerial) return 0;
  return o.street_draw_distance > 0 ? o.street_draw_distance : 2.5f * city.pitch;
}

CityDatasetReport write_city_dataset(const std::string& folder, const CityDatasetOptions& o) {
  const CityLayout city = plan_city(o.city);
  const CityCameras cameras =
      make_city_cameras(city, o.camera_set, o.views, o.width, o.height, o.city.seed);
  std::error_code error;
  fs::create_directories(fs::path(folder) / "images", error);
  SPLAT_REQUIRE(!error, folder, ": cannot create the dataset folder: ", error.message());

  CityDatasetReport report;
  report.gaussians = o.city.gaussians;
  report.views = cameras.cameras.size();
  report.draw_distance = city_draw_distance(city, o);
  report.blocks = city.blocks.size();
  if (!o.quiet)
    log_info("city: ", city.blocks_x, " x ", city.blocks_z, " blocks of ", city.pitch,
             " m, splat size ", city.splat_size, " m, tallest ", city.tallest, " m");

  std::vector<float> points;
  std::vector<std::uint8_t> colors;
  write_ground_truth((fs::path(folder) / "ground_truth.ply").string(), city, o, points, colors,
                     report);
  report.points = points.size() / 3;
  write_colmap_model(
      (fs::path(folder) / "sparse" / "0").string(),
      colmap_model_from_cameras(cameras.cameras, cameras.image_names, points, colors),
      ColmapFormat::Binary);
  points = {};
  colors = {};
  // Its views show nothing beyond the draw distance: training with a far plane there streams only
  // what an image can show (without it a street camera "sees" most of the city).
  if (report.draw_distance > 0)
    write_dataset_defaults(folder, str_cat("far_plane: ", report.draw_distance));
  else
    fs::remove(fs::path(folder) / kDatasetDefaultsFile, error);  // a street city's, written before

  TrainConfig config;
  config.backend = o.backend;
  auto backend = make_render_backend(config);
  report.renderer = backend->description();
  CityBlockCache cache(city);
  GaussianModel visible;
  visible.sh_degree = o.city.sh_degree;
  const float draw_distance = city_draw_distance(city, o);
  GenerationProgress progress("views", "views", cameras.cameras.size(), stdout_is_terminal(),
                              o.quiet);
  std::size_t rendered = 0;
  for (std::size_t v = 0; v < cameras.cameras.size(); ++v) {
    const PinholeCamera& camera = cameras.cameras[v];
    const auto blocks = city_blocks_in_view(city, camera, draw_distance);
    cache.hold(blocks);
    report.most_gaussians_held = std::max(report.most_gaussians_held, cache.gaussians_held());
    gather_rows_in_frustum(cache, blocks, make_culling_frustum(camera), visible);
    report.rendered_per_view.push_back(visible.size());
    rendered += visible.size();
    const Image image = render_gaussian_view(*backend, visible, camera, o.background);
    write_png((fs::path(folder) / "images" / cameras.image_names[v]).string(), image);
    progress.update(v + 1, rendered);
  }
  report.view_seconds = progress.finish(rendered);
  report.blocks_generated_for_views = cache.blocks_generated();
  if (!o.quiet)
    log_info("wrote ", report.views, " ", city_camera_set_name(o.camera_set), " views, ",
             report.points, " points and ", report.gaussians, " ground-truth Gaussians to ", folder,
             " (rendered on ", report.renderer, ")");
  return report;
}

}  // namespace splat
