// Settings of the emulated device, from the environment: the order in which runnable GPU threads
// (and blocks) run, how many OS threads run the blocks of a grid, and the fibers' stack size.
// Races and missing barriers show up as wrong results only under some orders; CI runs more than
// one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace splat::emu {

enum class ThreadOrder { forward, reverse, random };

struct EmuOptions {
  ThreadOrder order = ThreadOrder::forward;  // SPLAT_EMU_ORDER=forward|reverse|random[:SEED]
  std::uint64_t seed = 1;                    // of the random order
  unsigned threads = 1;                      // SPLAT_EMU_THREADS: OS threads per grid
  std::size_t stack_bytes = 64 * 1024;       // SPLAT_EMU_STACK: bytes, or with a K or M suffix
  // SPLAT_EMU_DEVICE_MEMORY (K, M or G suffix): the emulated device's memory. Not an H100's
  // 80 GiB: it is host memory, and "all the GPU has free" budgets take it whole.
  std::size_t device_memory_bytes = std::size_t{4} << 30;
  // SPLAT_EMU_COPY_DELAY_US: every asynchronous copy waits this long on its stream before it
  // moves a byte, as over a slow link, so work that should wait for a copy and does not reads
  // the old bytes (a missing event wait shows as a wrong result without ThreadSanitizer).
  unsigned copy_delay_us = 0;
};

// The current settings: from the environment on first use (std::invalid_argument naming the
// variable if one is malformed), or as set_options left them.
EmuOptions options();
// For tests: replaces the settings for the grids launched from now on.
void set_options(const EmuOptions& options);

// "forward", "reverse", "random" or "random:SEED"; throws std::invalid_argument.
void parse_order(const std::string& text, EmuOptions& options);

}  // namespace splat::emu
