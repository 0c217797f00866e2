// What ThreadSanitizer sees of the emulated runtime: exactly the happens-before edges CUDA
// guarantees, no more.
//
// The runtime's own locks (stream queues, completion counters, registries) order threads in
// ways CUDA does not promise. Example: stream A's worker finishes a copy and takes A's queue
// lock for its next item; the host then takes the same lock to enqueue on A, so TSan would see
// the host ordered after the copy, and through the host, stream B's next kernel too -- and a
// missing cudaStreamWaitEvent between A and B would never be reported. So inside an
// InternalScope TSan ignores this thread's synchronization and memory accesses, and the edges
// CUDA does guarantee are declared with release()/acquire() on the object that carries them
// (a point in a stream's order). Shared<T> is a shared_ptr whose reference counting stays
// hidden too: dropping the last reference is an acquire, which would order whoever drops it
// after every thread that dropped one earlier.
//
// Without TSan all of this compiles to nothing and the locks alone give the ordering.
#pragma once

#include <memory>
#include <utility>

#include "cuda/emu/sanitizers.hpp"

#if defined(SPLAT_EMU_TSAN)
extern "C" {  // in libtsan, not declared by <sanitizer/tsan_interface.h>
void __tsan_ignore_thread_begin();
void __tsan_ignore_thread_end();
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
}
#endif

namespace splat::emu {

// The runtime's bookkeeping: invisible to TSan (see above). Scopes nest.
class InternalScope {
 public:
#if defined(SPLAT_EMU_TSAN)
  InternalScope() {
    __tsan_ignore_thread_begin();
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  }
  ~InternalScope() {
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
    __tsan_ignore_thread_end();
  }
#else
  // User-provided, so that a scope that only marks a region is not an unused variable.
  InternalScope() {}
  ~InternalScope() {}
#endif
  InternalScope(const InternalScope&) = delete;
  InternalScope& operator=(const InternalScope&) = delete;
};

// Everything this thread did so far happens before whatever follows a later acquire(sync).
inline void release([[maybe_unused]] const void* sync) {
#if defined(SPLAT_EMU_TSAN)
  __tsan_release(const_cast<void*>(sync));
#endif
}

inline void acquire([[maybe_unused]] const void* sync) {
#if defined(SPLAT_EMU_TSAN)
  __tsan_acquire(const_cast<void*>(sync));
#endif
}

// shared_ptr with its reference counting inside an InternalScope.
template <class T>
class Shared {
 public:
  Shared() = default;
  Shared(std::nullptr_t) {}
  template <class... Args>
  static Shared make(Args&&... args) {
    Shared s;
    InternalScope scope;
    s.ptr_ = std::make_shared<T>(std::forward<Args>(args)...);
    return s;
  }
  Shared(const Shared& other) {
    InternalScope scope;
    ptr_ = other.ptr_;
  }
  Shared(Shared&& other) noexcept {
    InternalScope scope;
    ptr_ = std::move(other.ptr_);
  }
  Shared& operator=(Shared other) noexcept {
    InternalScope scope;
    ptr_.swap(other.ptr_);
    return *this;
  }
  ~Shared() {
    InternalScope scope;
    ptr_.reset();
  }

  T* get() const { return ptr_.get(); }
  T* operator->() const { return ptr_.get(); }
  T& operator*() const { return *ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }

 private:
  std::shared_ptr<T> ptr_;
};

}  // namespace splat::emu
