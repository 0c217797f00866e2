// Saving from the store: a checkpoint and a PLY written chunk by chunk from the pinned store
// are byte for byte the files written from the same model on the host; a model without
// optimizer state loads with zero moments.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <limits>
#include <random>

#include "core/backend_select.hpp"
#include "io/checkpoint.hpp"
#include "io/gaussian_ply.hpp"
#include "io/gaussian_ply_stream.hpp"
#include "offload/gaussian_store.hpp"
#include "offload/store_model_reader.hpp"
#include "random_trainable.hpp"
#include "temp_dir.hpp"

using namespace splat;

namespace {

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("store reader: checkpoint and PLY equal the host model's files", "[offload]") {
  const test::TempDir dir("splat-store-reader");
  auto backend = make_backend("cpu");
  // Two store chunks and two writer chunks, the last ones partial.
  const std::size_t n = GaussianStore::kChunkRows + 1234;
  const TrainableGaussians host = test::random_trainable(n, 3, 21);
  GaussianStore store(*backend, 3);
  store.load(host);

  TrainingCheckpoint c;
  c.step = 321;
  c.config_yaml = "mode: offload\n";
  c.sampler_state = "sampler";
  c.densify.arrays = {{1, 2, 3}, {4}};
  c.densify.rng = "rng";
  c.gaussians = host;
  const std::string from_host = (dir / "host.ckpt").string();
  const std::string from_store = (dir / "store.ckpt").string();
  write_checkpoint(from_host, c);
  write_checkpoint(from_store, c.step, c.config_yaml, c.sampler_state, c.densify,
                   StoreModelReader(store));
  REQUIRE(bytes_of(from_host).size() > n * 3 * 59 * sizeof(float));
  REQUIRE(bytes_of(from_host) == bytes_of(from_store));
  const TrainingCheckpoint back = read_checkpoint(from_store);
  REQUIRE(back.gaussians.adam_v.sh == host.adam_v.sh);
  REQUIRE(back.gaussians.adam_steps == host.adam_steps);

  write_gaussian_ply((dir / "host.ply").string(), host.params);
  write_gaussian_ply((dir / "store.ply").string(), StoreModelReader(store));
  REQUIRE(bytes_of((dir / "host.ply").string()) == bytes_of((dir / "store.ply").string()));
}

TEST_CASE("store: a model without optimizer state loads with zero moments and steps", "[offload]") {
  auto backend = make_backend("cpu");
  TrainableGaussians full = test::random_trainable(500, 1, 21);
  GaussianStore store(*backend, 1);
  store.load(full);  // rows now hold nonzero moments, which the next load must not keep
  TrainableGaussians fresh;
  fresh.params = full.params;
  fresh.adam_m.sh_degree = fresh.adam_v.sh_degree = 1;
  store.load(fresh);
  const TrainableGaussians back = store.to_trainable();
  REQUIRE(back.params.sh == full.params.sh);
  REQUIRE(back.params.means == full.params.means);
  for (const GaussianModel* m : {&back.adam_m, &back.adam_v})
    for (const RowArrayRef& a : row_arrays(const_cast<GaussianModel&>(*m)))
      for (float v : *a.values) REQUIRE(v == 0.0f);
  for (std::int32_t s : back.adam_steps) REQUIRE(s == 0);
  // Moments for only some rows are a caller's bug, not a fresh start.
  fresh.adam_m.resize(10);
  REQUIRE_THROWS(store.load(fresh));
}

TEST_CASE("store: loads a mapped checkpoint's model as the host model loads", "[offload]") {
  const test::TempDir dir("splat-store-reader");
  auto backend = make_backend("cpu");
  const std::size_t n = GaussianStore::kChunkRows + 77;
  TrainingCheckpoint c;
  c.step = 9;
  c.gaussians = test::random_trainable(n, 2, 21);
  const std::string path = (dir / "model.ckpt").string();
  write_checkpoint(path, c);
  const CheckpointFile file(path);
  REQUIRE(file.step() == 9);
  REQUIRE(file.model().size() == n);
  GaussianStore store(*backend, 2);
  store.load(file.model());
  GaussianStore expected(*backend, 2);
  expected.load(c.gaussians);
  const TrainableGaussians a = store.to_trainable(), b = expected.to_trainable();
  REQUIRE(a.adam_steps == b.adam_steps);
  REQUIRE(a.params.means == b.params.means);
  REQUIRE(a.params.sh == b.params.sh);
  REQUIRE(a.adam_m.rotations == b.adam_m.rotations);
  REQUIRE(a.adam_v.opacity_logits == b.adam_v.opacity_logits);
  REQUIRE(a.adam_v.sh == b.adam_v.sh);

  // A non-finite value is found when the model is read, and the error names the file.
  c.gaussians.adam_v.sh[12345] = std::numeric_limits<float>::quiet_NaN();
  write_checkpoint(path, c);
  const CheckpointFile bad(path);
  REQUIRE_THROWS_WITH(store.load(bad.model()),
                      Catch::Contains(path) && Catch::Contains("second moments"));
}
