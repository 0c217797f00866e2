// The CUDA DeviceRows against the CPU one on random data: every operation is a copy, so the
// results must be equal bit for bit. Outputs start as 0xFF bytes (NaN) on both sides, so an
// element one side leaves unwritten or writes out of place shows. Lists are longer than one
// scratch piece, and moves include chains (a slot written, then read or written again), which
// the CUDA side must split into order-safe launches.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "cache/residency_map.hpp"
#include "core/cpu_backend.hpp"
#include "core/cuda_backend.hpp"
#include "core/device_arena.hpp"
#include "gpu/gpu_compare.hpp"
#include "model/gaussian_model.hpp"
#include "offload/device_rows.hpp"
#include "offload/frustum_culling.hpp"
#include "offload/gaussian_store.hpp"

using namespace splat;
using test::from_device;
using test::to_device;

namespace {

// Small chunks, so every list below spans several device scratch pieces.
constexpr std::size_t kChunkRows = 256;

std::vector<float> random_floats(std::size_t n, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> values(n);
  for (float& x : values) x = normal(rng);
  return values;
}

std::vector<float> poison_floats(std::size_t n) {
  std::vector<float> values(n);
  if (n > 0) std::memset(values.data(), 0xFF, n * sizeof(float));
  return values;
}

template <class T>
void require_same_bits(const std::string& what, const std::vector<T>& got,
                       const std::vector<T>& want) {
  INFO(what);
  REQUIRE(got.size() == want.size());
  std::size_t differ = 0, first = got.size();
  for (std::size_t i = 0; i < got.size(); ++i)
    if (std::memcmp(&got[i], &want[i], sizeof(T)) != 0) {
      if (differ++ == 0) first = i;
    }
  INFO(differ << " of " << got.size() << " elements differ, the first at " << first);
  CHECK(differ == 0);
}

// Working-set arrays (means, log_scales, rotations, opacity_logits, sh) of `capacity` slots:
// the CPU reference's in host vectors, the CUDA side's in the arena, with equal contents.
class SlotArrays {
 public:
  SlotArrays(DeviceArena& arena, Stream& stream, std::size_t capacity, int sh_degree,
             std::mt19937* rng)  // null: poisoned
      : capacity_(capacity), sh_degree_(sh_degree) {
    const std::size_t widths[5] = {3, 3, 4, 1,
                                   static_cast<std::size_t>(sh_coefficient_count(sh_degree)) * 3};
    for (int a = 0; a < 5; ++a) {
      const std::size_t n = capacity * widths[a];
      host_[a] = rng ? random_floats(n, *rng) : poison_floats(n);
      device_[a] = to_device(arena, stream, host_[a]);
    }
  }
  GaussianArrays host() {
    return {host_[0].data(), host_[1].data(), host_[2].data(), host_[3].data(),
            host_[4].data(), capacity_,       sh_degree_};
  }
  GaussianArrays device() {
    return {device_[0].as<float>(),
            device_[1].as<float>(),
            device_[2].as<float>(),
            device_[3].as<float>(),
            device_[4].as<float>(),
            capacity_,
            sh_degree_};
  }
  void require_equal(Stream& stream, const std::string& what) {
    const char* names[5] = {"means", "log_scales", "rotations", "opacity_logits", "sh"};
    for (int a = 0; a < 5; ++a)
      require_same_bits(what + " " + names[a],
                        from_device<float>(stream, device_[a].data(), host_[a].size()), host_[a]);
  }

 private:
  std::size_t capacity_;
  int sh_degree_;
  std::array<std::vector<float>, 5> host_;
  std::array<Buffer, 5> device_;
};

// Both implementations side by side.
struct Rows {
  CudaBackend cuda{0};
  DeviceArena arena{cuda, std::size_t{256} << 20};
  std::unique_ptr<Stream> compute = cuda.create_stream();
  std::unique_ptr<DeviceRows> device = make_cuda_device_rows(cuda, arena, *compute);
  CpuBackend cpu;
  std::unique_ptr<Stream> cpu_compute = cpu.create_stream();
  std::unique_ptr<DeviceRows> reference = make_cpu_device_rows(*cpu_compute);

  void synchronize() {
    compute->synchronize();
    cpu_compute->synchronize();
  }
};

// World-to-camera rotation about the vertical axis by `yaw`, camera at the origin.
PinholeCamera camera_turned(float yaw) {
  PinholeCamera camera{};
  const float R[9] = {std::cos(yaw), 0, -std::sin(yaw), 0, 1, 0, std::sin(yaw), 0, std::cos(yaw)};
  std::copy(R, R + 9, camera.R);
  camera.fx = camera.fy = 500;
  camera.width = 960;
  camera.height = 540;
  camera.cx = 480;
  camera.cy = 270;
  camera.near_plane = 0.2f;
  return camera;
}

}  // namespace

TEST_CASE("cuda device rows: unpack, pack and moves equal the cpu rows bit for bit", "[gpu]") {
  for (int sh_degree : {0, 3}) {
    INFO("SH degree " << sh_degree);
    Rows rows;
    rows.device->reserve(0, kChunkRows);
    std::mt19937 rng(7 + sh_degree);
    const std::size_t capacity = 6000;
    const std::size_t aw = static_cast<std::size_t>(sh_coefficient_count(sh_degree)) * 3;
    SlotArrays params(rows.arena, *rows.compute, capacity, sh_degree, nullptr);
    SlotArrays grads(rows.arena, *rows.compute, capacity, sh_degree, &rng);

    // Streamed rows into slots [700, 5700); the slots around stay poisoned on both sides.
    const std::size_t count = 5000, first = 700;
    const auto geometry = random_floats(count * kGeometryWidth, rng);
    const auto appearance = random_floats(count * aw, rng);
    const Buffer device_geometry = to_device(rows.arena, *rows.compute, geometry);
    const Buffer device_appearance = to_device(rows.arena, *rows.compute, appearance);
    rows.reference->unpack(geometry.data(), appearance.data(), count, first, params.host());
    rows.device->unpack(device_geometry.as<float>(), device_appearance.as<float>(), count, first,
                        params.device());
    rows.synchronize();
    params.require_equal(*rows.compute, "unpacked");

    // Gradient rows of 3000 slots in a random order (three scratch pieces).
    std::vector<std::uint32_t> slots(capacity);
    std::iota(slots.begin(), slots.end(), 0u);
    std::shuffle(slots.begin(), slots.end(), rng);
    slots.resize(3000);
    auto packed_geometry = poison_floats(slots.size() * kGeometryWidth);
    auto packed_appearance = poison_floats(slots.size() * aw);
    Buffer out_geometry = to_device(rows.arena, *rows.compute, packed_geometry);
    Buffer out_appearance = to_device(rows.arena, *rows.compute, packed_appearance);
    rows.reference->pack_gradients(slots, grads.host(), packed_geometry.data(),
                                   packed_appearance.data());
    rows.device->pack_gradients(slots, grads.device(), out_geometry.as<float>(),
                                out_appearance.as<float>());
    rows.synchronize();
    require_same_bits(
        "packed geometry",
        from_device<float>(*rows.compute, out_geometry.data(), packed_geometry.size()),
        packed_geometry);
    require_same_bits(
        "packed appearance",
        from_device<float>(*rows.compute, out_appearance.data(), packed_appearance.size()),
        packed_appearance);

    // Moves as eviction makes them: 5700 resident, 2000 of them leave.
    ResidencyMap residency(capacity);
    std::vector<std::uint32_t> ids(first + count);
    std::iota(ids.begin(), ids.end(), 100u);
    residency.admit(ids);
    std::shuffle(ids.begin(), ids.end(), rng);
    ids.resize(2000);
    std::vector<std::uint32_t> evicted_slots;
    SlotMoves eviction = residency.evict(ids, evicted_slots);
    REQUIRE(eviction.from.size() > 1000);
    // Chains the CUDA side must run in order: a shift down (each move overwrites the previous
    // move's source), a shift up (each move reads the previous move's target), and random
    // pairs with repeated targets and moves onto themselves.
    SlotMoves down, up, random;
    for (std::uint32_t i = 0; i < 1000; ++i) {
      down.from.push_back(11 + i), down.to.push_back(10 + i);
      up.from.push_back(2000 + i), up.to.push_back(2001 + i);
    }
    std::uniform_int_distribution<std::uint32_t> small_slot(0, 599);
    for (int i = 0; i < 4000; ++i) {
      random.from.push_back(small_slot(rng));
      random.to.push_back(i % 97 == 0 ? random.from.back() : small_slot(rng));
    }
    for (SlotMoves* moves : {&eviction, &down, &up, &random}) {
      rows.reference->move(*moves, params.host(), grads.host());
      rows.device->move(*moves, params.device(), grads.device());
      rows.synchronize();
      params.require_equal(*rows.compute, "moved parameters");
      grads.require_equal(*rows.compute, "moved gradients");
    }
    rows.device->release();
  }
}

TEST_CASE("cuda device rows: culling spheres and several cameras as the cpu culler", "[gpu]") {
  Rows rows;
  const std::size_t n = 300'000;
  const std::size_t before = rows.arena.in_use();
  rows.device->reserve(n, kChunkRows);
  // What reserve() took is what the plan counts: 4 B per Gaussian for the ids, the scratch.
  const DeviceRowsScratch scratch = rows.device->scratch(n);
  CHECK(rows.arena.in_use() - before <=
        n * sizeof(std::uint32_t) + scratch.fixed + kChunkRows * scratch.per_chunk_row);

  std::mt19937 rng(5);
  std::uniform_real_distribution<float> position(-20, 20), radius(0, 0.5f);
  std::vector<float> spheres(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    for (int a = 0; a < 3; ++a) spheres[i * 4 + a] = position(rng);
    spheres[i * 4 + 3] = radius(rng);
  }
  // Every sphere once in a random order, then 70,000 of them replaced.
  std::vector<std::uint32_t> ids(n);
  std::iota(ids.begin(), ids.end(), 0u);
  std::shuffle(ids.begin(), ids.end(), rng);
  std::vector<float> host_set = poison_floats(n * 4);
  Buffer device_set = to_device(rows.arena, *rows.compute, host_set);
  rows.reference->write_spheres(ids.data(), spheres.data(), n, host_set.data());
  rows.device->write_spheres(ids.data(), spheres.data(), n, device_set.as<float>());
  rows.synchronize();  // the host arrays are read until here
  std::vector<std::uint32_t> some(ids.begin(), ids.begin() + 70'000);
  std::shuffle(some.begin(), some.end(), rng);
  std::vector<float> replaced(some.size() * 4);
  for (std::size_t i = 0; i < some.size(); ++i) {
    for (int a = 0; a < 3; ++a) replaced[i * 4 + a] = position(rng);
    replaced[i * 4 + 3] = radius(rng);
  }
  rows.reference->write_spheres(some.data(), replaced.data(), some.size(), host_set.data());
  rows.device->write_spheres(some.data(), replaced.data(), some.size(), device_set.as<float>());
  rows.synchronize();
  require_same_bits("culling set", from_device<float>(*rows.compute, device_set.data(), n * 4),
                    host_set);

  // Four directions, a camera behind the near plane of everything (empty), and one again.
  std::vector<PinholeCamera> cameras;
  for (float yaw : {0.0f, 1.3f, 2.9f, -1.7f}) cameras.push_back(camera_turned(yaw));
  PinholeCamera away = camera_turned(0.4f);
  away.t[2] = -100;  // everything is behind it
  cameras.push_back(away);
  cameras.push_back(camera_turned(0.4f));
  const auto want = cull_cameras_cpu(host_set.data(), n, cameras);
  const auto got = rows.device->cull(device_set.as<float>(), n, cameras);
  REQUIRE(got.size() == cameras.size());
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    INFO("camera " << c << ": " << got[c].size() << " ids, the CPU culler " << want[c].size());
    CHECK(got[c] == want[c]);
  }
  CHECK(want[0].size() > 10'000);
  CHECK(want[4].empty());
  CHECK(rows.device->cull(device_set.as<float>(), 0, cameras)[0].empty());
  device_set = Buffer();
  rows.device->release();
  CHECK(rows.arena.in_use() == before);
}

// `offload.resident: geometry`: appearance-only rows, geometry gathered from and gradients
// stored into N-sized device rows (copies: bit for bit), and geometry Adam and culling spheres
// computed on each side (the device may contract to FMA and its expf may differ in the last
// bit, so those within a tolerance a wrong rate, step or row cannot meet).
TEST_CASE("cuda device rows: resident geometry as the cpu rows", "[gpu]") {
  Rows rows;
  rows.device->reserve(0, kChunkRows);
  std::mt19937 rng(11);
  const int sh_degree = 1;
  const std::size_t aw = 12, capacity = 3000, n = 20'000;
  SlotArrays params(rows.arena, *rows.compute, capacity, sh_degree, nullptr);
  SlotArrays grads(rows.arena, *rows.compute, capacity, sh_degree, &rng);

  // Appearance only: the geometry of the slots stays poisoned on both sides.
  const std::size_t count = 2000, first = 500;
  const auto appearance = random_floats(count * aw, rng);
  const Buffer device_appearance = to_device(rows.arena, *rows.compute, appearance);
  rows.reference->unpack(nullptr, appearance.data(), count, first, params.host());
  rows.device->unpack(nullptr, device_appearance.as<float>(), count, first, params.device());
  // Geometry of random distinct rows of an N-sized table into the same slots.
  std::vector<std::uint32_t> ids(n);
  std::iota(ids.begin(), ids.end(), 0u);
  std::shuffle(ids.begin(), ids.end(), rng);
  ids.resize(count);
  const auto table = random_floats(n * kGeometryWidth, rng);
  const Buffer device_table = to_device(rows.arena, *rows.compute, table);
  const Buffer device_ids = to_device(rows.arena, *rows.compute, ids);
  rows.reference->unpack_geometry(table.data(), ids.data(), count, first, params.host());
  rows.device->unpack_geometry(device_table.as<float>(), device_ids.as<std::uint32_t>(), count,
                               first, params.device());
  rows.synchronize();
  params.require_equal(*rows.compute, "appearance and gathered geometry");

  // Appearance-only packing of 1200 slots (several scratch pieces).
  std::vector<std::uint32_t> slots(capacity);
  std::iota(slots.begin(), slots.end(), 0u);
  std::shuffle(slots.begin(), slots.end(), rng);
  slots.resize(1200);
  auto packed = poison_floats(slots.size() * aw);
  Buffer device_packed = to_device(rows.arena, *rows.compute, packed);
  rows.reference->pack_gradients(slots, grads.host(), nullptr, packed.data());
  rows.device->pack_gradients(slots, grads.device(), nullptr, device_packed.as<float>());
  rows.synchronize();
  require_same_bits("packed appearance",
                    from_device<float>(*rows.compute, device_packed.data(), packed.size()), packed);

  for (bool sparse : {false, true}) {
    INFO((sparse ? "sparse" : "dense") << " Adam");
    // The same table on both sides: random values and moments (v > 0), zero gradients, steps
    // between 1 and 20, no marks.
    std::array<std::vector<float>, 4> host;
    host[0] = random_floats(n * kGeometryWidth, rng);
    host[1] = random_floats(n * kGeometryWidth, rng);
    host[2] = random_floats(n * kGeometryWidth, rng);
    for (float& v : host[2]) v = v * v;
    host[3].assign(n * kGeometryWidth, 0.0f);
    std::vector<std::int32_t> steps(n);
    std::uniform_int_distribution<int> step(1, 20);
    for (auto& s : steps) s = step(rng);
    std::vector<std::uint8_t> touched(n, 0);
    std::array<Buffer, 4> device;
    for (int a = 0; a < 4; ++a) device[a] = to_device(rows.arena, *rows.compute, host[a]);
    Buffer device_steps = to_device(rows.arena, *rows.compute, steps);
    Buffer device_touched = to_device(rows.arena, *rows.compute, touched);
    GeometryTable h{host[0].data(),
                    host[1].data(),
                    host[2].data(),
                    host[3].data(),
                    sparse ? steps.data() : nullptr,
                    sparse ? touched.data() : nullptr,
                    n};
    GeometryTable d{device[0].as<float>(),
                    device[1].as<float>(),
                    device[2].as<float>(),
                    device[3].as<float>(),
                    sparse ? device_steps.as<std::int32_t>() : nullptr,
                    sparse ? device_touched.as<std::uint8_t>() : nullptr,
                    n};
    // Gradients of 3000 slots stored into the rows of 3000 distinct ids.
    std::vector<std::uint32_t> leaving(n);
    std::iota(leaving.begin(), leaving.end(), 0u);
    std::shuffle(leaving.begin(), leaving.end(), rng);
    leaving.resize(capacity);
    std::vector<std::uint32_t> all_slots(capacity);
    std::iota(all_slots.begin(), all_slots.end(), 0u);
    std::shuffle(all_slots.begin(), all_slots.end(), rng);
    rows.reference->store_geometry_gradients(all_slots, leaving.data(), grads.host(), h);
    rows.device->store_geometry_gradients(all_slots, leaving.data(), grads.device(), d);
    rows.synchronize();
    require_same_bits("stored gradients",
                      from_device<float>(*rows.compute, d.gradients, host[3].size()), host[3]);
    if (sparse)
      require_same_bits("marks", from_device<std::uint8_t>(*rows.compute, d.touched, n), touched);

    GeometryAdamStep s;
    s.rates = {1.6e-4f, 5e-3f, 1e-3f, 5e-2f};
    s.step = 21;
    s.sparse = sparse;
    s.grad_scale = 0.25f;
    s.dense = geometry_step_sizes(s.rates, s.hyper, s.step);
    const auto before = host[0];
    rows.reference->adam_geometry(h, s);
    rows.device->adam_geometry(d, s);
    rows.synchronize();
    const char* names[3] = {"values", "first moments", "second moments"};
    for (int a = 0; a < 3; ++a)
      test::require_close(std::string("after Adam: ") + names[a],
                          from_device<float>(*rows.compute, device[a].data(), host[a].size()),
                          host[a], 1e-6);
    require_same_bits("gradients reset",
                      from_device<float>(*rows.compute, d.gradients, host[3].size()), host[3]);
    // Dense moves every row; sparse only the 3000 marked ones, each a step further.
    std::size_t moved = 0;
    for (std::size_t r = 0; r < n; ++r)
      moved += !std::equal(before.begin() + r * kGeometryWidth,
                           before.begin() + (r + 1) * kGeometryWidth,
                           host[0].begin() + r * kGeometryWidth);
    CHECK(moved == (sparse ? capacity : n));
    if (sparse) {
      require_same_bits("steps", from_device<std::int32_t>(*rows.compute, d.steps, n), steps);
      require_same_bits("marks cleared", from_device<std::uint8_t>(*rows.compute, d.touched, n),
                        std::vector<std::uint8_t>(n, 0));
    }

    auto spheres = poison_floats(n * 4);
    Buffer device_spheres = to_device(rows.arena, *rows.compute, spheres);
    rows.reference->geometry_spheres(h, spheres.data());
    rows.device->geometry_spheres(d, device_spheres.as<float>());
    rows.synchronize();
    test::require_close("culling spheres",
                        from_device<float>(*rows.compute, device_spheres.data(), n * 4), spheres,
                        1e-6);
  }
  rows.device->release();
}
