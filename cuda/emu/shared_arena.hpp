// The shared memory of the block a BlockRunner is running: dynamic shared memory first (the
// launch's shared-bytes argument), then each static shared variable where the first thread to
// reach its declaration placed it. Refilled with 0xFF bytes before each block, so reading shared
// memory nobody wrote gives NaN, not the previous block's (or a zero) value. Under
// AddressSanitizer, the bytes between variables are poisoned.
#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "cuda/emu/handoff.hpp"

namespace splat::emu {

// H100: 48 KiB of static shared memory per block, 227 KiB with dynamic (opt-in) memory.
constexpr std::size_t kMaxStaticSharedBytes = 48 * 1024;
constexpr std::size_t kMaxSharedBytes = 227 * 1024;

class SharedArena {
 public:
  SharedArena();
  ~SharedArena();
  SharedArena(const SharedArena&) = delete;
  SharedArena& operator=(const SharedArena&) = delete;

  // Forgets the previous block's variables and poisons the bytes it used.
  void begin_block(std::size_t dynamic_bytes);
  void* dynamic() const { return base_; }
  // The storage of the variable `key` names, allocated on first use in this block. Null, with
  // `error` set, when the block would exceed the limits above.
  void* find_or_allocate(const void* key, std::size_t size, std::size_t align, std::string& error);

 private:
  static constexpr std::size_t kRedZone = 32;
  static constexpr std::size_t kMaxVariables = 64;
  static constexpr std::size_t kCapacity = 256 * 1024;  // the limit plus red zones

  struct Entry {
    Handoff<const void*> key;
    Handoff<std::size_t> offset;
  };

  char* base_ = nullptr;
  // Written by whichever fiber allocates: handoffs (see handoff.hpp). The first block poisons all.
  Handoff<std::size_t> dynamic_bytes_, end_{kCapacity}, static_bytes_, count_;
  std::array<Entry, kMaxVariables> entries_;
};

}  // namespace splat::emu
