// The disk tier: the spill file (round trips, slot reuse, clear errors for missing, unusable and
// full folders) and the store with most of its chunks in it, which must hold exactly what an
// all-in-memory store holds through every whole-model operation, never keep more chunks in host
// memory than its limit, and refuse a pin beyond it.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <numeric>
#include <random>

#include "core/cpu_backend.hpp"
#include "core/error.hpp"
#include "offload/gaussian_store.hpp"
#include "offload/spill_file.hpp"
#include "random_trainable.hpp"
#include "temp_dir.hpp"

using namespace splat;

namespace {

constexpr std::size_t kSmallChunk = 1024;  // many chunks on a small model

void require_same(const TrainableGaussians& a, const TrainableGaussians& b) {
  REQUIRE(a.size() == b.size());
  REQUIRE(a.adam_steps == b.adam_steps);
  const GaussianModel* left[] = {&a.params, &a.adam_m, &a.adam_v};
  const GaussianModel* right[] = {&b.params, &b.adam_m, &b.adam_v};
  for (int s = 0; s < 3; ++s) {
    REQUIRE(left[s]->means == right[s]->means);
    REQUIRE(left[s]->log_scales == right[s]->log_scales);
    REQUIRE(left[s]->rotations == right[s]->rotations);
    REQUIRE(left[s]->opacity_logits == right[s]->opacity_logits);
    REQUIRE(left[s]->sh == right[s]->sh);
  }
}

}  // namespace

TEST_CASE("spill file: slots round-trip and are reused", "[disk]") {
  const test::TempDir dir("splat-spill");
  SpillFile file(dir.path().string(), 2 * SpillFile::kAlignment);
  std::vector<char> a(file.slot_bytes(), 'a'), b(file.slot_bytes(), 'b'), back(file.slot_bytes());
  const std::size_t s0 = file.take_slot(), s1 = file.take_slot();
  file.write(s1, b.data());
  file.write(s0, a.data());  // an unaligned caller's buffer goes through a bounce buffer
  file.read(s1, back.data());
  REQUIRE(back == b);
  file.read(s0, back.data());
  REQUIRE(back == a);
  file.give_back(s0);
  REQUIRE(file.take_slot() == s0);
  REQUIRE(file.file_slots() == 2);
  REQUIRE(file.slots_in_use() == 2);
  // Nothing is left in the folder: the file has no name.
  REQUIRE(std::filesystem::is_empty(dir.path()));
  REQUIRE(file.measure_read_bytes_per_second(4) > 0);
}

TEST_CASE("spill file: unusable folders are clear errors", "[disk]") {
  const test::TempDir dir("splat-spill");
  REQUIRE_THROWS_WITH(SpillFile((dir / "missing").string(), SpillFile::kAlignment),
                      Catch::Contains("offload.spill_dir") && Catch::Contains("does not exist"));
  std::ofstream(dir / "a-file") << "x";
  REQUIRE_THROWS_WITH(SpillFile((dir / "a-file").string(), SpillFile::kAlignment),
                      Catch::Contains("is not a folder"));
  // A file system that takes no files (read-only to everyone, root included).
  REQUIRE_THROWS_WITH(SpillFile("/proc/self", SpillFile::kAlignment),
                      Catch::Contains("cannot create the spill file in /proc/self"));
  // A folder that fills up: writes past a size limit fail with the file's folder named.
  SpillFile file(dir.path().string(), SpillFile::kAlignment);
  std::vector<char> data(file.slot_bytes(), 1);
  file.write(file.take_slot(), data.data());
  struct rlimit before {};
  getrlimit(RLIMIT_FSIZE, &before);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit tight = before;
  tight.rlim_cur = file.slot_bytes();
  setrlimit(RLIMIT_FSIZE, &tight);
  const std::size_t slot = file.take_slot();
  std::string message;
  try {
    file.write(slot, data.data());
  } catch (const Error& e) {
    message = e.what();
  }
  setrlimit(RLIMIT_FSIZE, &before);
  std::signal(SIGXFSZ, old_handler);
  REQUIRE_THAT(message, Catch::Contains("spill file in " + dir.path().string()) &&
                            Catch::Contains("writing a chunk"));
}

TEST_CASE("store with a disk tier holds what an in-memory store holds", "[disk]") {
  const test::TempDir dir("splat-spill");
  CpuBackend backend;
  const std::size_t n = 20 * kSmallChunk + 300;  // 21 chunks, 5 of them in memory at most
  TrainableGaussians host = test::random_trainable(n, 1, 7);
  GaussianStore memory(backend, 1, kSmallChunk), spilled(backend, 1, kSmallChunk);
  spilled.enable_spill(std::make_unique<SpillFile>(dir.path().string(), spilled.chunk_bytes()), 5);
  memory.load(host);
  spilled.load(host);
  REQUIRE(spilled.resident_chunks() <= 5);
  require_same(memory.to_trainable(), spilled.to_trainable());

  // Densification's edits, on demand from one thread: appends (sources from every chunk),
  // compaction, a long permutation, an opacity cap.
  std::vector<std::size_t> copies;
  for (std::size_t i = 0; i < n; i += 7) copies.push_back(i);
  for (std::size_t i = 0; i < n; i += 11) copies.push_back(i);
  memory.append_copies(copies);
  spilled.append_copies(copies);
  std::vector<std::uint8_t> keep(memory.size());
  std::mt19937 rng(3);
  for (auto& k : keep) k = rng() % 5 != 0;
  memory.keep_rows(keep);
  spilled.keep_rows(keep);
  std::vector<std::uint32_t> order(memory.size());
  std::iota(order.begin(), order.end(), 0u);
  // Runs merged, as a spatial reorder after appends gives: a few sources per destination chunk.
  std::stable_partition(order.begin(), order.end(), [](std::uint32_t i) { return i % 3 == 0; });
  memory.permute_rows(order);
  spilled.permute_rows(order);
  require_same(memory.to_trainable(), spilled.to_trainable());
  REQUIRE(spilled.spill_stats().peak_resident_chunks <= 5);
  REQUIRE(spilled.spill_stats().write_bytes > 0);
  REQUIRE(spilled.spill_file()->slots_in_use() >= spilled.chunk_count() - 5);

  // A batch's pins: rows of pinned chunks are used from any thread; more than the limit is a
  // refusal naming the budget, before anything is pinned.
  spilled.pin({0, 3, 9});
  std::vector<std::uint32_t> ids = {5, 3 * kSmallChunk + 1, 9 * kSmallChunk + 2};
  std::vector<float> a(ids.size() * 11), b(ids.size() * 11);
  memory.gather(ParamGroup::Geometry, ParamState::Value, ids.data(), ids.size(), a.data());
  spilled.gather(ParamGroup::Geometry, ParamState::Value, ids.data(), ids.size(), b.data());
  REQUIRE(a == b);
  REQUIRE_THROWS_AS(spilled.pin({1, 2, 4}), BudgetRefusal);
  REQUIRE_THROWS_WITH(spilled.pin({1, 2, 4}), Catch::Contains("offload.host_budget"));
  spilled.unpin_all();
  REQUIRE_NOTHROW(spilled.pin({1, 2, 4, 5, 6}));
  spilled.unpin_all();
  // Shrinking releases the chunks past the end, in memory and in the file.
  spilled.resize(2 * kSmallChunk);
  REQUIRE(spilled.chunk_count() == 2);
  REQUIRE(spilled.spill_file()->slots_in_use() <= 2);
  REQUIRE_THROWS(GaussianStore(backend, 1, 1000));  // not a multiple of 1024
}

// The next batch's chunks are read ahead while this batch trains; densification can run before
// that batch pins them, editing their rows on demand and changing the chunks. A chunk being read
// ahead is then finished, not read a second time (the late read would overwrite the edits and
// count the chunk twice), and no read lands in a chunk that was dropped or moved.
TEST_CASE("store with a disk tier: edits between a read-ahead and the next pin", "[disk]") {
  const test::TempDir dir("splat-spill");
  CpuBackend backend;
  const std::size_t n = 12 * kSmallChunk;
  TrainableGaussians host = test::random_trainable(n, 1, 9);
  GaussianStore memory(backend, 1, kSmallChunk), spilled(backend, 1, kSmallChunk);
  spilled.enable_spill(std::make_unique<SpillFile>(dir.path().string(), spilled.chunk_bytes()), 4);
  memory.load(host);
  spilled.load(host);
  const auto announce = [&](std::vector<std::size_t> next) {
    spilled.set_next_use(next);
    spilled.prefetch(next);
  };
  const auto edit = [](GaussianStore& s, std::size_t row, float value) {
    const std::uint32_t id = static_cast<std::uint32_t>(row);
    std::vector<float> v(s.width(ParamGroup::Geometry), value);
    s.scatter(ParamGroup::Geometry, ParamState::Value, &id, 1, v.data());
  };

  // Rows of chunks being read ahead edited on demand (the opacity reset, a clone's source).
  announce({7, 8, 9});
  for (GaussianStore* s : {&memory, &spilled}) {
    edit(*s, 7 * kSmallChunk + 3, 1.5f);
    edit(*s, 9 * kSmallChunk + 1, -2.5f);
  }
  REQUIRE(spilled.resident_chunks() <= 4);
  spilled.pin({7, 8, 9});
  REQUIRE(spilled.resident_chunks() <= 4);
  spilled.unpin_all();
  require_same(memory.to_trainable(), spilled.to_trainable());

  // The store compacted and reordered while reads are under way.
  announce({10, 11, 2});
  std::vector<std::uint8_t> keep(n, 1);
  for (std::size_t i = 0; i < n; i += 3) keep[i] = 0;
  memory.keep_rows(keep);
  spilled.keep_rows(keep);
  announce({5, 6, 7});
  std::vector<std::uint32_t> order(memory.size());
  std::iota(order.rbegin(), order.rend(), 0u);
  memory.permute_rows(order);
  spilled.permute_rows(order);
  announce({0, 1});
  spilled.resize(2 * kSmallChunk);
  memory.resize(2 * kSmallChunk);
  spilled.pin({0, 1});
  spilled.unpin_all();
  REQUIRE(spilled.resident_chunks() <= 4);
  require_same(memory.to_trainable(), spilled.to_trainable());
}
