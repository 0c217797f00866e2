#include "cuda/emu/grid_runner.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

namespace splat::emu {

namespace {

std::uint64_t mix(std::uint64_t z) {  // splitmix64's finaliser
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Maps a position in the run order to a linear block index: identity, reversed, or a seeded
// pseudo-random permutation that needs no table (grids may have 2^31 blocks): a bijection of the
// smallest power-of-two range, walked until it lands inside the grid.
class BlockOrder {
 public:
  BlockOrder(std::uint64_t blocks, ThreadOrder order, std::uint64_t seed)
      : blocks_(blocks), order_(order) {
    while ((std::uint64_t{1} << bits_) < blocks) ++bits_;
    mask_ = (std::uint64_t{1} << bits_) - 1;
    shift_ = bits_ / 2 > 0 ? bits_ / 2 : 1;
    multiplier_ = mix(seed) | 1;
    increment_ = mix(seed + 1);
  }

  std::uint64_t operator()(std::uint64_t position) const {
    switch (order_) {
      case ThreadOrder::forward:
        return position;
      case ThreadOrder::reverse:
        return blocks_ - 1 - position;
      case ThreadOrder::random:
        break;
    }
    std::uint64_t x = position;
    do {
      x = (x * multiplier_ + increment_) & mask_;  // each step is a bijection of [0, 2^bits)
      x ^= x >> shift_;
      x = (x * multiplier_) & mask_;
    } while (x >= blocks_);
    return x;
  }

 private:
  std::uint64_t blocks_;
  ThreadOrder order_;
  unsigned bits_ = 0;
  unsigned shift_ = 1;
  std::uint64_t mask_ = 0, multiplier_ = 1, increment_ = 0;
};

std::string dims(dim3 d) {
  char text[40];  // snprintf: GCC 12 warns falsely (-Wrestrict) on "(" + std::to_string(...)
  std::snprintf(text, sizeof text, "(%u, %u, %u)", d.x, d.y, d.z);
  return text;
}

std::atomic<std::uint64_t> launch_counter{0};

}  // namespace

std::string check_launch_config(dim3 grid, dim3 block, std::size_t dynamic_shared_bytes) {
  if (grid.x == 0 || grid.y == 0 || grid.z == 0) return "zero-size grid " + dims(grid);
  if (block.x == 0 || block.y == 0 || block.z == 0) return "zero-size block " + dims(block);
  if (grid.x > 0x7fffffffu || grid.y > 65535 || grid.z > 65535)
    return "grid " + dims(grid) + " exceeds (2^31 - 1, 65535, 65535)";
  if (block.x > 1024 || block.y > 1024 || block.z > 64)
    return "block " + dims(block) + " exceeds (1024, 1024, 64)";
  if (std::uint64_t{block.x} * block.y * block.z > kMaxBlockThreads)
    return "block " + dims(block) + " has more than 1024 threads";
  if (dynamic_shared_bytes > kMaxSharedBytes)
    return "dynamic shared memory of " + std::to_string(dynamic_shared_bytes) +
           " bytes exceeds 227 KiB";
  return {};
}

void run_grid(const char* kernel_name, dim3 grid, dim3 block, std::size_t dynamic_shared_bytes,
              KernelBody body) {
  const std::string why = check_launch_config(grid, block, dynamic_shared_bytes);
  if (!why.empty()) throw LaunchConfigError(std::string("kernel ") + kernel_name + ": " + why);
  const EmuOptions o = options();
  const GridLaunch launch{kernel_name, grid,    block,        dynamic_shared_bytes,
                          body,        o.order, o.stack_bytes};
  const std::uint64_t blocks = std::uint64_t{grid.x} * grid.y * grid.z;
  // With a fixed seed, the n-th launch of a run always gets the same order.
  const std::uint64_t seed = mix(o.seed ^ mix(launch_counter.fetch_add(1)));
  const BlockOrder order(blocks, o.order, seed);

  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex fault_mutex;
  std::string fault;
  auto work = [&] {
    BlockRunner& runner = BlockRunner::for_this_thread();
    while (!stop.load(std::memory_order_relaxed)) {
      const std::uint64_t position = next.fetch_add(1);
      if (position >= blocks) return;
      const std::uint64_t linear = order(position);
      const uint3 block_idx{static_cast<unsigned>(linear % grid.x),
                            static_cast<unsigned>(linear / grid.x % grid.y),
                            static_cast<unsigned>(linear / (std::uint64_t{grid.x} * grid.y))};
      std::string message = runner.run(launch, block_idx, mix(seed ^ linear));
      if (!message.empty()) {
        std::lock_guard lock(fault_mutex);
        if (fault.empty()) fault = std::move(message);
        stop.store(true);
        return;
      }
    }
  };
  const auto workers = static_cast<unsigned>(std::min<std::uint64_t>(o.threads, blocks));
  if (workers <= 1) {
    work();
  } else {
    // Each helper has its own runner (fibers, shared memory); they take blocks from one counter.
    std::vector<std::thread> helpers;
    for (unsigned i = 1; i < workers; ++i) helpers.emplace_back(work);
    work();
    for (std::thread& t : helpers) t.join();
  }
  if (!fault.empty()) throw KernelFault(fault);
}

}  // namespace splat::emu
