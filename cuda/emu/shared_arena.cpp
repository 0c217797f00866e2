#include "cuda/emu/shared_arena.hpp"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cuda/emu/sanitizers.hpp"

namespace splat::emu {

namespace {

void poison(void* p, std::size_t bytes) {
#if defined(SPLAT_EMU_ASAN)
  ASAN_POISON_MEMORY_REGION(p, bytes);
#else
  (void)p, (void)bytes;
#endif
}

void unpoison(void* p, std::size_t bytes) {
#if defined(SPLAT_EMU_ASAN)
  ASAN_UNPOISON_MEMORY_REGION(p, bytes);
#else
  (void)p, (void)bytes;
#endif
}

std::size_t round_up(std::size_t n, std::size_t to) {
  return (n + to - 1) / to * to;
}

}  // namespace

SharedArena::SharedArena() {
  void* p = mmap(nullptr, kCapacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    std::perror("splat::emu: cannot map shared memory");
    std::abort();
  }
  base_ = static_cast<char*>(p);
}

SharedArena::~SharedArena() {
  unpoison(base_, kCapacity);
  munmap(base_, kCapacity);
}

void SharedArena::begin_block(std::size_t dynamic_bytes) {
  const std::size_t dirty = end_.get();  // the previous block's variables end here
  unpoison(base_, dirty);
  std::memset(base_, 0xFF, dirty);
  poison(base_, kCapacity);
  unpoison(base_, dynamic_bytes);
  dynamic_bytes_.set(dynamic_bytes);
  end_.set(dynamic_bytes);
  static_bytes_.set(0);
  count_.set(0);
}

void* SharedArena::find_or_allocate(const void* key, std::size_t size, std::size_t align,
                                    std::string& error) {
  const std::size_t count = count_.get();
  for (std::size_t i = 0; i < count; ++i)
    if (entries_[i].key.get() == key) return base_ + entries_[i].offset.get();
  if (count == kMaxVariables) {
    error = "more than " + std::to_string(kMaxVariables) + " shared variables in one kernel";
    return nullptr;
  }
  const std::size_t static_bytes = static_bytes_.get() + size;
  if (static_bytes > kMaxStaticSharedBytes) {
    error = "static shared memory of " + std::to_string(static_bytes) +
            " bytes exceeds the 48 KiB a block may declare";
    return nullptr;
  }
  if (static_bytes + dynamic_bytes_.get() > kMaxSharedBytes) {
    error = "static (" + std::to_string(static_bytes) + ") plus dynamic (" +
            std::to_string(dynamic_bytes_.get()) + ") shared memory exceeds 227 KiB";
    return nullptr;
  }
  std::size_t offset = round_up(end_.get(), align < 16 ? 16 : align);
#if defined(SPLAT_EMU_ASAN)
  offset = round_up(offset + kRedZone, align < 16 ? 16 : align);
#endif
  if (offset + size > kCapacity) {
    error = "shared memory arena exhausted";
    return nullptr;
  }
  unpoison(base_ + offset, size);
  entries_[count].key.set(key);
  entries_[count].offset.set(offset);
  count_.set(count + 1);
  static_bytes_.set(static_bytes);
  end_.set(offset + size);
  return base_ + offset;
}

}  // namespace splat::emu
