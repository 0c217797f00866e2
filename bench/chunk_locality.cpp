// How much the row order of a model buys the offload store: per camera of a dataset, how many
// spheres chunk culling tests (the 4,096-row blocks whose bound the camera meets) and how many
// rows of 65,536-row store chunks hold its visible Gaussians (what a disk tier reads), against
// the visible rows themselves, for the model as loaded, its rows shuffled, and Morton order.
// Usage: chunk_locality --model PLY --data DIR [--resolution N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "io/gaussian_ply.hpp"
#include "io/scene.hpp"
#include "math/frustum.hpp"
#include "model/spatial_order.hpp"
#include "model/trainable_gaussians.hpp"
#include "offload/chunk_culling.hpp"
#include "offload/gaussian_store.hpp"

namespace {

using namespace splat;

struct Locality {
  double tested = 0, visible = 0, chunk_rows = 0, seconds = 0;
  std::size_t cameras = 0;
};

Locality measure(const GaussianModel& model, const std::vector<PinholeCamera>& cameras) {
  ChunkCuller culler;
  culler.resize(model.size());
  float* s = culler.spheres();
  for (std::size_t i = 0; i < model.size(); ++i) {
    for (int a = 0; a < 3; ++a) s[i * 4 + a] = model.means[i * 3 + a];
    s[i * 4 + 3] = culling_radius(&model.log_scales[i * 3]);
  }
  culler.refresh_bounds();
  Locality l;
  const auto start = std::chrono::steady_clock::now();
  for (const PinholeCamera& camera : cameras) {
    ChunkCullingStats stats;
    const VisibleSet visible = culler.cull({camera}, &stats)[0];
    l.tested += stats.candidate_rows;
    l.visible += visible.size();
    std::size_t last = SIZE_MAX;
    for (std::uint32_t id : visible)
      if (id / GaussianStore::kChunkRows != last) {
        last = id / GaussianStore::kChunkRows;
        l.chunk_rows +=
            std::min(GaussianStore::kChunkRows, model.size() - last * GaussianStore::kChunkRows);
      }
  }
  l.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  l.cameras = cameras.size();
  return l;
}

void print(const char* order, const Locality& l, std::size_t n) {
  std::printf("| %s | %.1f%% | %.1f%% | %.2f | %.2f | %.1f |\n", order,
              100.0 * l.visible / (l.cameras * double(n)),
              100.0 * l.tested / (l.cameras * double(n)), l.tested / std::max(l.visible, 1.0),
              l.chunk_rows / std::max(l.visible, 1.0), 1e3 * l.seconds / l.cameras);
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_path, data_dir;
  int resolution = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--model")
      model_path = argv[i + 1];
    else if (key == "--data")
      data_dir = argv[i + 1];
    else if (key == "--resolution")
      resolution = std::atoi(argv[i + 1]);
  }
  if (model_path.empty() || data_dir.empty()) {
    std::fprintf(stderr, "usage: chunk_locality --model PLY --data DIR [--resolution N]\n");
    return 2;
  }
  try {
    DataOptions options;
    options.resolution = resolution;
    const Scene scene = load_scene(data_dir, options);
    std::vector<PinholeCamera> cameras;
    for (const auto* views : {&scene.train, &scene.test})
      for (const SceneView& v : *views) cameras.push_back(v.camera);
    GaussianModel model = read_gaussian_ply(model_path);
    const std::size_t n = model.size();
    std::printf("%zu Gaussians, %zu cameras; blocks of %zu rows, store chunks of %zu rows\n\n", n,
                cameras.size(), ChunkCuller::kBlockRows, GaussianStore::kChunkRows);
    std::printf(
        "| row order | visible | spheres tested | tested / visible | chunk rows / visible "
        "| ms per camera |\n|---|---|---|---|---|---|\n");
    print("as loaded", measure(model, cameras), n);
    std::vector<std::uint32_t> shuffle(n);
    std::iota(shuffle.begin(), shuffle.end(), 0u);
    std::shuffle(shuffle.begin(), shuffle.end(), std::mt19937(1));
    GaussianModel shuffled = model;
    permute_rows(shuffled, shuffle);
    print("shuffled", measure(shuffled, cameras), n);
    permute_rows(shuffled, morton_order(shuffled.means.data(), n));
    print("morton", measure(shuffled, cameras), n);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chunk_locality: %s\n", e.what());
    return 1;
  }
  return 0;
}
