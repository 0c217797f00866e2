// The emulated CUB device-wide algorithms, called the way cuda/tile_binning.cu and
// cuda/frustum_culling.cu call them: the temp-storage protocol, stream order, stability, and
// the radix sort's check that keys fit the bit range.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <algorithm>
#include <cstdint>
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>
#include <cub/device/device_select.cuh>
#include <numeric>
#include <random>
#include <vector>

#include "runtime_test_support.hpp"

using namespace splat::emu::testing;

namespace {

struct WidenToU64 {
  __host__ __device__ std::uint64_t operator()(std::uint32_t v) const { return v; }
};
using WidenedCounts = thrust::transform_iterator<WidenToU64, const std::uint32_t*>;

// Selects ids whose flag (in device memory) is set, like the frustum test reads spheres.
struct FlagSet {
  const std::uint8_t* flags;
  __device__ bool operator()(std::uint32_t id) const { return flags[id] != 0; }
};

std::size_t sort_bytes(std::uint32_t n, int end_bit) {
  std::size_t bytes = 0;
  REQUIRE_CUDA(cub::DeviceRadixSort::SortPairs(
      nullptr, bytes, static_cast<const std::uint64_t*>(nullptr),
      static_cast<std::uint64_t*>(nullptr), static_cast<const std::uint32_t*>(nullptr),
      static_cast<std::uint32_t*>(nullptr), n, 0, end_bit));
  return bytes;
}

// Keys like tile binning's: tile id above bit 32, depth bits below, many equal keys.
std::vector<std::uint64_t> tile_keys(std::size_t n, int tiles, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint64_t> keys(n);
  for (auto& k : keys)
    k = static_cast<std::uint64_t>(rng() % tiles) << 32 | (rng() % 50) * 0x01000001u;
  return keys;
}

}  // namespace

TEST_CASE("emu cub: the size query writes the bytes and runs nothing", "[emu][cub]") {
  Array<std::uint32_t> in(1000), out(1000), count(1);
  std::size_t scan = 0, select = 0;
  REQUIRE_CUDA(cub::DeviceScan::InclusiveSum(nullptr, scan, in.data(), out.data(), 1000));
  REQUIRE_CUDA(cub::DeviceSelect::If(nullptr, select, thrust::counting_iterator<std::uint32_t>(0),
                                     out.data(), count.data(), 1000, FlagSet{nullptr}));
  REQUIRE(scan > 0);
  REQUIRE(select > 0);
  REQUIRE(sort_bytes(1000, 40) >= 1000 * (8 + 4));  // the alternate key and value buffers
  REQUIRE(sort_bytes(0, 40) > 0);
  REQUIRE_CUDA(cudaDeviceSynchronize());
  for (std::uint32_t v : out.download()) REQUIRE(v == 0xFFFFFFFFu);  // still the poison
}

TEST_CASE("emu cub: too little temporary storage is an invalid value", "[emu][cub]") {
  Stream stream;
  constexpr std::uint32_t n = 5000;
  Array<std::uint64_t> keys(n), keys_out(n);
  Array<std::uint32_t> values(n), values_out(n), count(1);
  const std::size_t needed = sort_bytes(n, 40);
  Array<char> temp(needed);
  std::size_t too_few = needed - 1;
  REQUIRE(cub::DeviceRadixSort::SortPairs(temp.data(), too_few, keys.data(), keys_out.data(),
                                          values.data(), values_out.data(), n, 0, 40,
                                          stream) == cudaErrorInvalidValue);
  std::size_t scan_bytes = 0;
  REQUIRE_CUDA(
      cub::DeviceScan::InclusiveSum(nullptr, scan_bytes, values.data(), values_out.data(), n));
  --scan_bytes;
  REQUIRE(cub::DeviceScan::InclusiveSum(temp.data(), scan_bytes, values.data(), values_out.data(),
                                        n, stream) == cudaErrorInvalidValue);
  std::size_t select_bytes = 0;
  REQUIRE_CUDA(cub::DeviceSelect::If(nullptr, select_bytes,
                                     thrust::counting_iterator<std::uint32_t>(0), values_out.data(),
                                     count.data(), n, FlagSet{nullptr}));
  --select_bytes;
  REQUIRE(cub::DeviceSelect::If(temp.data(), select_bytes,
                                thrust::counting_iterator<std::uint32_t>(0), values_out.data(),
                                count.data(), n, FlagSet{nullptr},
                                stream) == cudaErrorInvalidValue);
}

TEST_CASE("emu cub: temporary storage and arguments must be device memory", "[emu][cub]") {
  constexpr std::uint32_t n = 64;
  std::vector<std::uint64_t> host_keys(n, 1);
  Array<std::uint64_t> keys_in(n), keys_out(n);
  Array<std::uint32_t> values(n), values_out(n);
  std::size_t bytes = sort_bytes(n, 8);
  Array<char> temp(bytes);
  std::vector<char> host_temp(bytes);
  REQUIRE(cub::DeviceRadixSort::SortPairs(host_temp.data(), bytes, keys_in.data(), keys_out.data(),
                                          values.data(), values_out.data(), n, 0,
                                          8) == cudaErrorInvalidValue);
  REQUIRE(cub::DeviceRadixSort::SortPairs(temp.data(), bytes, host_keys.data(), keys_out.data(),
                                          values.data(), values_out.data(), n, 0,
                                          8) == cudaErrorInvalidValue);
  REQUIRE(cub::DeviceRadixSort::SortPairs(temp.data(), bytes, keys_out.data(), keys_out.data(),
                                          values.data(), values_out.data(), n, 0, 8) ==
          cudaErrorInvalidValue);  // in place needs the DoubleBuffer overload
}

TEST_CASE("emu cub: radix sort orders by bits begin_bit..end_bit, equal keys kept in order",
          "[emu][cub]") {
  Stream stream;
  constexpr std::uint32_t n = 20000;
  // 40 bits: 5 passes, 41: 6 (the last pass lands in the output either way); tile ids fill
  // the bits above 32.
  const int end_bit = GENERATE(40, 41);
  const int tiles = end_bit == 40 ? 256 : 300;
  auto keys = tile_keys(n, tiles, 7 + end_bit);
  std::vector<std::uint32_t> ids(n);
  std::iota(ids.begin(), ids.end(), 0u);
  Array<std::uint64_t> keys_in(n), keys_out(n);
  Array<std::uint32_t> ids_in(n), ids_out(n);
  keys_in.upload(keys);
  ids_in.upload(ids);
  std::size_t bytes = sort_bytes(n, end_bit);
  Array<char> temp(bytes);
  REQUIRE_CUDA(cub::DeviceRadixSort::SortPairs(temp.data(), bytes, keys_in.data(), keys_out.data(),
                                               ids_in.data(), ids_out.data(), n, 0, end_bit,
                                               stream));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));

  std::vector<std::uint32_t> expected = ids;
  std::stable_sort(expected.begin(), expected.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  const auto sorted_ids = ids_out.download();
  const auto sorted_keys = keys_out.download();
  REQUIRE(sorted_ids == expected);
  for (std::uint32_t i = 0; i < n; ++i) REQUIRE(sorted_keys[i] == keys[expected[i]]);
  REQUIRE(keys_in.download() == keys);  // the input is left alone
}

TEST_CASE("emu cub: radix sort with begin_bit above 0 and an empty bit range", "[emu][cub]") {
  Stream stream;
  constexpr std::uint32_t n = 1000;
  std::mt19937 rng(3);
  std::vector<std::uint32_t> keys(n), values(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    keys[i] = (rng() % 64) << 8;  // bits [8, 14)
    values[i] = i;
  }
  Array<std::uint32_t> keys_in(n), keys_out(n), values_in(n), values_out(n);
  keys_in.upload(keys);
  values_in.upload(values);
  for (const auto& [begin_bit, end_bit] : {std::pair{8, 14}, std::pair{8, 8}}) {
    std::size_t bytes = 0;
    REQUIRE_CUDA(cub::DeviceRadixSort::SortPairs(nullptr, bytes, keys_in.data(), keys_out.data(),
                                                 values_in.data(), values_out.data(), n, begin_bit,
                                                 32));
    Array<char> temp(bytes);
    if (begin_bit == end_bit) {
      // No bits to sort by: only zero keys fit, and the order stays as it is.
      std::vector<std::uint32_t> zeros(n, 0);
      keys_in.upload(zeros);
    }
    REQUIRE_CUDA(cub::DeviceRadixSort::SortPairs(temp.data(), bytes, keys_in.data(),
                                                 keys_out.data(), values_in.data(),
                                                 values_out.data(), n, begin_bit, end_bit, stream));
    REQUIRE_CUDA(cudaStreamSynchronize(stream));
    std::vector<std::uint32_t> expected = values;
    if (begin_bit != end_bit)
      std::stable_sort(expected.begin(), expected.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
    REQUIRE(values_out.download() == expected);
  }
}

TEST_CASE("emu cub: a key with bits outside begin_bit..end_bit is a device fault", "[emu][cub]") {
  Stream stream;
  constexpr std::uint32_t n = 100;
  std::vector<std::uint64_t> keys(n, 5);
  keys[42] = std::uint64_t{1} << 40;  // a tile id one bit too wide
  Array<std::uint64_t> keys_in(n), keys_out(n);
  Array<std::uint32_t> ids_in(n), ids_out(n);
  keys_in.upload(keys);
  std::size_t bytes = sort_bytes(n, 40);
  Array<char> temp(bytes);
  REQUIRE_CUDA(cub::DeviceRadixSort::SortPairs(temp.data(), bytes, keys_in.data(), keys_out.data(),
                                               ids_in.data(), ids_out.data(), n, 0, 40, stream));
  REQUIRE(cudaStreamSynchronize(stream) == cudaErrorLaunchFailure);
  recover_from_fault();
}

TEST_CASE("emu cub: inclusive sum of 32-bit counts widened to 64 bits", "[emu][cub]") {
  Stream stream;
  constexpr std::uint32_t n = 3000;
  std::vector<std::uint32_t> counts(n);
  for (std::uint32_t i = 0; i < n; ++i) counts[i] = 0xFFFF0000u + i;  // sums pass 2^32
  Array<std::uint32_t> counts_in(n);
  Array<std::uint64_t> ends(n);
  counts_in.upload(counts);
  std::size_t bytes = 0;
  REQUIRE_CUDA(cub::DeviceScan::InclusiveSum(
      nullptr, bytes, WidenedCounts(static_cast<const std::uint32_t*>(nullptr), WidenToU64{}),
      static_cast<std::uint64_t*>(nullptr), n));
  Array<char> temp(bytes);
  REQUIRE_CUDA(cub::DeviceScan::InclusiveSum(
      temp.data(), bytes, WidenedCounts(counts_in.data(), WidenToU64{}), ends.data(), n, stream));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  std::vector<std::uint64_t> expected(n);
  std::uint64_t sum = 0;
  for (std::uint32_t i = 0; i < n; ++i) expected[i] = sum += counts[i];
  REQUIRE(ends.download() == expected);
}

TEST_CASE("emu cub: inclusive sum in place, ordered after earlier work on its stream",
          "[emu][cub]") {
  Stream stream;
  constexpr std::uint32_t n = 777;
  Array<std::uint32_t> data(n);
  std::size_t bytes = 0;
  REQUIRE_CUDA(cub::DeviceScan::InclusiveSum(nullptr, bytes, data.data(), data.data(), n));
  Array<char> temp(bytes);
  Gate gate;
  gate.block(stream);
  REQUIRE_CUDA(cudaMemsetAsync(data.data(), 0x01, n * sizeof(std::uint32_t), stream));
  REQUIRE_CUDA(
      cub::DeviceScan::InclusiveSum(temp.data(), bytes, data.data(), data.data(), n, stream));
  gate.open();
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  const auto sums = data.download();
  for (std::uint32_t i = 0; i < n; ++i) REQUIRE(sums[i] == 0x01010101u * (i + 1));
}

TEST_CASE("emu cub: select keeps the selected ids in order and writes their count", "[emu][cub]") {
  Stream stream;
  constexpr std::uint32_t n = 10000;
  std::mt19937 rng(11);
  std::vector<std::uint8_t> flags(n);
  for (auto& f : flags) f = rng() % 3 == 0;
  Array<std::uint8_t> device_flags(n);
  Array<std::uint32_t> selected(n), count(1);
  device_flags.upload(flags);
  std::size_t bytes = 0;
  REQUIRE_CUDA(cub::DeviceSelect::If(nullptr, bytes, thrust::counting_iterator<std::uint32_t>(0),
                                     static_cast<std::uint32_t*>(nullptr),
                                     static_cast<std::uint32_t*>(nullptr), n, FlagSet{nullptr}));
  Array<char> temp(bytes);
  REQUIRE_CUDA(cub::DeviceSelect::If(temp.data(), bytes,
                                     thrust::counting_iterator<std::uint32_t>(0), selected.data(),
                                     count.data(), n, FlagSet{device_flags.data()}, stream));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 0; i < n; ++i)
    if (flags[i]) expected.push_back(i);
  const std::uint32_t got = count.download()[0];
  REQUIRE(got == expected.size());
  auto ids = selected.download();
  ids.resize(got);
  REQUIRE(ids == expected);

  // No items: the count is still written.
  REQUIRE_CUDA(cub::DeviceSelect::If(temp.data(), bytes,
                                     thrust::counting_iterator<std::uint32_t>(0), selected.data(),
                                     count.data(), 0u, FlagSet{device_flags.data()}, stream));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  REQUIRE(count.download()[0] == 0);
}
