// The decoded-image cache: budget, least-recently-used eviction, prefetch, errors, threads, and
// the on-disk cache of undistorted images.
#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "io/colmap_writer.hpp"
#include "io/image_cache.hpp"
#include "io/image_codec.hpp"
#include "io/view_image_loader.hpp"
#include "io_test_support.hpp"
#include "temp_dir.hpp"

using namespace splat;
namespace fs = std::filesystem;

namespace {

Scene pinhole_scene(const test::TempDir& dir, int images) {
  ColmapModel model = test::make_test_model(images, 3);
  model.cameras.resize(2);
  for (std::size_t i = 0; i < model.images.size(); ++i)
    model.images[i].camera_id = model.cameras[i % 2].id;
  test::write_colmap_dataset(dir.path().string(), model, ColmapFormat::Binary);
  DataOptions options;
  options.test_every = 0;
  return load_scene(dir.path().string(), options);
}

// Options without the disk cache of undistorted images.
ImageCacheOptions memory_only(std::size_t budget, int threads) {
  ImageCacheOptions options;
  options.budget_bytes = budget;
  options.threads = threads;
  options.disk_cache = false;
  return options;
}

constexpr std::size_t kImageBytes = 64 * 48 * 3 * sizeof(float);

}  // namespace

TEST_CASE("image cache delivers the camera-resolution RGB of every view") {
  test::TempDir dir("cache-basic");
  const Scene scene = pinhole_scene(dir, 4);
  ImageCache cache(scene.train, memory_only(1 << 20, 2));
  REQUIRE(cache.count() == 4);
  for (std::size_t i = 0; i < cache.count(); ++i) {
    const auto image = cache.image(i);
    CHECK(image->width == cache.camera(i).width);
    CHECK(image->height == cache.camera(i).height);
    const Image expected = test::make_pattern(64, 48);
    REQUIRE(image->rgb.size() == expected.pixels.size());
    for (std::size_t k = 0; k < expected.pixels.size(); k += 97)
      REQUIRE(std::abs(image->rgb[k] - expected.pixels[k]) <= 0.5f / 255 + 1e-6f);
  }
  CHECK(cache.image(0) == cache.image(0));  // served from memory
  const ImageCacheStats stats = cache.stats();
  CHECK(stats.decoded == 4);
  CHECK(stats.hits == 2);
}

TEST_CASE("image cache stays within its budget and evicts the least recently used") {
  test::TempDir dir("cache-lru");
  const Scene scene = pinhole_scene(dir, 5);
  ImageCache cache(scene.train, memory_only(2 * kImageBytes + 100, 1));
  cache.image(0);
  cache.image(1);
  cache.image(0);  // 1 is now the least recently used
  cache.image(2);  // evicts 1
  ImageCacheStats stats = cache.stats();
  CHECK(stats.evictions == 1);
  CHECK(stats.resident_bytes == 2 * kImageBytes);
  cache.image(0);
  CHECK(cache.stats().hits == stats.hits + 1);  // 0 survived
  cache.image(1);
  stats = cache.stats();
  CHECK(stats.decoded == 4);  // 1 had to be decoded again
  CHECK(stats.peak_bytes <= 2 * kImageBytes + 100);
}

TEST_CASE("image cache prefetch decodes in the background, each image once") {
  test::TempDir dir("cache-prefetch");
  const Scene scene = pinhole_scene(dir, 8);
  ImageCache cache(scene.train, memory_only(64 << 20, 3));
  cache.prefetch({0, 1, 2, 3, 4, 5, 6, 7, 99, -1});  // out-of-range hints are ignored
  for (std::size_t i = 0; i < 8; ++i) cache.image(i);
  const ImageCacheStats stats = cache.stats();
  CHECK(stats.decoded == 8);
  CHECK(stats.requests == 8);
  CHECK(stats.decode_seconds > 0);
  CHECK(cache.summary().find("8 decoded") != std::string::npos);
}

TEST_CASE("image cache prefetch never plans more than the budget holds") {
  test::TempDir dir("cache-prefetch-budget");
  const Scene scene = pinhole_scene(dir, 6);
  ImageCache cache(scene.train, memory_only(2 * kImageBytes, 2));
  cache.prefetch({0, 1, 2, 3, 4, 5});
  cache.image(0);
  cache.image(1);
  // Without the limit the later prefetches would have evicted 0 and 1 before their use.
  const ImageCacheStats stats = cache.stats();
  CHECK(stats.evictions == 0);
  CHECK(stats.decoded == 2);
}

TEST_CASE("image cache is safe under concurrent requests and hands out one copy") {
  test::TempDir dir("cache-threads");
  const Scene scene = pinhole_scene(dir, 6);
  ImageCache cache(scene.train, memory_only(64 << 20, 2));
  std::vector<std::shared_ptr<const ViewImage>> seen(4 * 6);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 6; ++i) seen[t * 6 + (i + t) % 6] = cache.image((i + t) % 6);
    });
  for (auto& thread : threads) thread.join();
  for (int t = 1; t < 4; ++t)
    for (int i = 0; i < 6; ++i) CHECK(seen[t * 6 + i] == seen[i]);
  CHECK(cache.stats().decoded == 6);
}

TEST_CASE("image cache reports a failed decode as an Error naming the file") {
  test::TempDir dir("cache-error");
  const Scene scene = pinhole_scene(dir, 3);
  ImageCache cache(scene.train, memory_only(64 << 20, 1));
  // The file changes after the scene was loaded.
  write_png(scene.train[1].image_path, test::make_pattern(10, 10));
  fs::remove(scene.train[2].image_path);
  cache.prefetch({1, 2});
  test::require_error([&] { cache.image(1); }, {scene.train[1].image_path, "10x10"});
  test::require_error([&] { cache.image(2); }, {scene.train[2].image_path});
  CHECK(cache.image(0)->width == 64);
}

TEST_CASE("undistorted images are cached on disk, reused, and skipped when not writable") {
  test::TempDir dir("cache-disk");
  ColmapModel model = test::make_test_model(5, 3);
  test::write_colmap_dataset(dir.path().string(), model, ColmapFormat::Binary);
  DataOptions options;
  options.test_every = 0;
  const Scene scene = load_scene(dir.path().string(), options);
  const SceneView* distorted = nullptr;
  for (const SceneView& view : scene.train)
    if (view.lens.has_distortion()) distorted = &view;
  REQUIRE(distorted != nullptr);

  UndistortedImageCache disk((dir / "cache").string());
  const std::string stored = disk.path_for(*distorted);
  CHECK(stored.rfind((dir / "cache" / "undistorted").string(), 0) == 0);
  CHECK_FALSE(fs::exists(stored));
  const ViewImage first = load_view_image(*distorted, &disk);
  REQUIRE(fs::exists(stored));
  // A cache folder that cannot be created (its parent is a file): images still load.
  std::ofstream(dir / "blocker") << "x";
  UndistortedImageCache blocked((dir / "blocker" / "cache").string());
  const ViewImage uncached = load_view_image(*distorted, &blocked);
  CHECK(uncached.width == first.width);
  CHECK_FALSE(blocked.load(*distorted).has_value());
  // The second load reads the stored result: garble the source (same size and time, so the
  // same key) to prove it is not decoded again.
  const auto stamp = fs::last_write_time(distorted->image_path);
  const auto size = fs::file_size(distorted->image_path);
  std::ofstream(distorted->image_path, std::ios::binary | std::ios::trunc)
      << std::string(size, 'x');
  fs::last_write_time(distorted->image_path, stamp);
  CHECK(disk.load(*distorted).has_value());
  const ViewImage second = load_view_image(*distorted, &disk);
  REQUIRE(second.rgb.size() == first.rgb.size());
  for (std::size_t i = 0; i < first.rgb.size(); ++i)
    REQUIRE(std::abs(second.rgb[i] - first.rgb[i]) <= 0.5f / 65535 + 1e-6f);
  // Another background is another key.
  SceneView black = *distorted;
  black.background = {0, 0, 0};
  CHECK(disk.path_for(black) != stored);
}

TEST_CASE("image cache options come from the data.* keys") {
  DataOptions data;
  data.image_cache = 123456;
  data.decode_threads = 3;
  data.cache_dir = "/somewhere";
  const ImageCacheOptions options = image_cache_options(data);
  CHECK(options.budget_bytes == 123456);
  CHECK(options.threads == 3);
  CHECK(options.undistort_cache_dir == "/somewhere");
}
