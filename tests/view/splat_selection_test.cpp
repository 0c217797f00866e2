// What `splatstream view` sends past viewer.max_splats: exactly that many Gaussians, the ones
// with the largest opacity x volume, the same ones every time, as a PLY that reads back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "io/gaussian_ply.hpp"
#include "temp_dir.hpp"
#include "view/splat_selection.hpp"

using namespace splat;

namespace {

GaussianModel random_model(std::size_t n) {
  GaussianModel m;
  m.sh_degree = 1;
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  for (std::size_t i = 0; i < n; ++i) {
    for (int a = 0; a < 3; ++a) m.means.push_back(normal(rng));
    for (int a = 0; a < 3; ++a) m.log_scales.push_back(-3.0f + normal(rng));
    m.rotations.insert(m.rotations.end(), {1, 0, 0, 0});
    m.opacity_logits.push_back(2.0f * normal(rng));
    for (int c = 0; c < 12; ++c) m.sh.push_back(0.3f * normal(rng));
  }
  return m;
}

std::string streamed(const GaussianPlyFile& file, const SplatSelection& s) {
  std::string bytes;
  stream_splats(file, s, [&](const char* data, std::size_t n) {
    bytes.append(data, n);
    return true;
  });
  return bytes;
}

}  // namespace

TEST_CASE("splat selection: the whole model up to max_splats, else the largest opacity x volume") {
  const test::TempDir dir("splat-selection-test");
  const std::string path = (dir.path() / "model.ply").string();
  const GaussianModel model = random_model(150'000);  // more than one read of 65536 rows
  write_gaussian_ply(path, model);
  const GaussianPlyFile file(path);

  const SplatSelection all = select_splats(file, 200'000);
  CHECK_FALSE(all.subset);
  CHECK(all.sent == model.size());
  {
    const std::string out = (dir.path() / "all.ply").string();
    std::FILE* f = std::fopen(out.c_str(), "wb");
    const std::string bytes = streamed(file, all);
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    const GaussianModel back = read_gaussian_ply(out);
    CHECK(back.means == model.means);
    CHECK(back.sh == model.sh);
  }

  const std::size_t k = 40'000;
  const SplatSelection some = select_splats(file, k);
  CHECK(some.subset);
  CHECK(some.sent == k);
  const std::string bytes = streamed(file, some);
  CHECK(bytes == streamed(file, select_splats(file, k)));  // deterministic
  const std::string out = (dir.path() / "subset.ply").string();
  std::FILE* f = std::fopen(out.c_str(), "wb");
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  const GaussianModel subset = read_gaussian_ply(out);
  REQUIRE(subset.size() == k);
  // Every Gaussian left out scores no higher than every one sent, up to one histogram bin.
  int lowest_sent = 1 << 30, highest_left = -1;
  for (std::size_t i = 0; i < subset.size(); ++i)
    lowest_sent =
        std::min(lowest_sent, splat_score_bin(subset.opacity_logits[i], &subset.log_scales[i * 3]));
  std::size_t above_lowest = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const int bin = splat_score_bin(model.opacity_logits[i], &model.log_scales[i * 3]);
    if (bin > lowest_sent) ++above_lowest;
    if (bin < lowest_sent) highest_left = std::max(highest_left, bin);
  }
  CHECK(highest_left < lowest_sent);
  CHECK(above_lowest <= k);  // all of those were sent
  // A higher score really means more opacity x volume.
  const float small[3] = {-5, -5, -5}, large[3] = {-1, -1, -1};
  CHECK(splat_score_bin(0.0f, large) > splat_score_bin(0.0f, small));
  CHECK(splat_score_bin(3.0f, small) > splat_score_bin(-3.0f, small));
}
