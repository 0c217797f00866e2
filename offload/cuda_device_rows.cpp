// The CUDA backend's DeviceRows: the row kernels (cuda/row_kernels.cuh) and the culling kernel,
// all on the compute stream, with every device scratch array from the engine's arena so that
// offload.gpu_budget bounds it. Host lists (slots, moves, sphere rows) reach the device in
// pieces of at most a transfer chunk's size through one device scratch block; pieces of
// engine-owned temporaries (slot and move lists) are first copied into a ring of pinned pieces,
// each reused only once the copy that last read it has run (an event per piece), so the host
// never overwrites bytes a queued copy has yet to read and seldom waits for the GPU.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cmath>  // math/frustum.hpp uses sqrtf and does not include it
#include <cstring>
#include <limits>

#include "core/error.hpp"
#include "cuda/frustum_culling.cuh"
#include "cuda/row_kernels.cuh"
#include "model/gaussian_model.hpp"
#include "offload/device_rows.hpp"
#include "offload/frustum_culling.hpp"
#include "offload/gaussian_store.hpp"

namespace splat {

namespace {

static_assert(cuda::kGeometryRowWidth == kGeometryWidth);

constexpr int kPinnedPieces = 4;
// Device list scratch per transfer-chunk row: a sphere row and its id (20 bytes), which also
// holds 5 slots or 2.5 moves per chunk row (a pack list is at most one chunk).
constexpr std::size_t kScratchPerChunkRow = 4 * sizeof(float) + sizeof(std::uint32_t);
// The arena rounds every allocation up to its alignment; reserve() makes four.
constexpr std::size_t kScratchAllocations = 4;

std::size_t cull_temp_bytes(std::size_t gaussians) {
  return std::max<std::size_t>(cuda::cull_scratch_bytes(static_cast<std::uint32_t>(gaussians)), 1);
}

cuda::SlotArrays slot_arrays(const GaussianArrays& a) {
  return {a.means,     a.log_scales,
          a.rotations, a.opacity_logits,
          a.sh,        static_cast<std::uint32_t>(sh_coefficient_count(a.sh_degree) * 3)};
}

cuda::GeometryRows geometry_rows(const GeometryTable& t) {
  return {t.values, t.first_moment, t.second_moment, t.gradients, t.steps, t.touched, t.rows};
}

class CudaDeviceRows final : public DeviceRows {
 public:
  CudaDeviceRows(Backend& backend, DeviceArena& arena, Stream& compute)
      : backend_(backend),
        arena_(arena),
        compute_(compute),
        native_(static_cast<cudaStream_t>(compute.native_handle())),
        host_count_(Buffer::allocate(backend, MemorySpace::PinnedHost, sizeof(std::uint32_t))) {
    SPLAT_REQUIRE(native_ != nullptr, "the CUDA device rows need a CUDA compute stream");
    for (auto& event : piece_copied_) event = backend.create_event();
  }

  ~CudaDeviceRows() override {
    try {
      compute_.synchronize();  // queued kernels may still use the scratch given back here
    } catch (...) {
    }
  }

  DeviceRowsScratch scratch(std::size_t culled_gaussians) const override {
    return cuda_device_rows_scratch(culled_gaussians);
  }

  void reserve(std::size_t culled_gaussians, std::size_t chunk_rows) override {
    release();
    SPLAT_REQUIRE(culled_gaussians < std::numeric_limits<std::uint32_t>::max(),
                  "the CUDA culler indexes Gaussians in 32 bits; ", culled_gaussians,
                  " are too many");
    SPLAT_REQUIRE(chunk_rows > 0, "device rows need transfer chunks of at least one row");
    culled_ = culled_gaussians;
    if (culled_ > 0) {
      ids_ = arena_.allocate(culled_ * sizeof(std::uint32_t), "offload: visible ids");
      count_ = arena_.allocate(sizeof(std::uint32_t), "offload: visible count");
      cull_temp_ = arena_.allocate(cull_temp_bytes(culled_), "offload: culling scratch");
      // Host memory, pinned so the id lists come back at full speed; it only grows.
      if (host_ids_.bytes() < ids_.bytes())
        host_ids_ = Buffer::allocate(backend_, MemorySpace::PinnedHost, ids_.bytes());
    }
    piece_bytes_ = chunk_rows * kScratchPerChunkRow;
    lists_ = arena_.allocate(piece_bytes_, "offload: slot lists");
    for (Buffer& piece : pinned_)
      if (piece.bytes() < piece_bytes_)
        piece = Buffer::allocate(backend_, MemorySpace::PinnedHost, piece_bytes_);
  }

  void release() override {
    compute_.synchronize();  // queued kernels may still read the scratch
    ids_ = Buffer();
    count_ = Buffer();
    cull_temp_ = Buffer();
    lists_ = Buffer();
    culled_ = 0;
    piece_bytes_ = 0;
  }

  // One culling pass per camera; the id list of camera c comes back while camera c + 1 is
  // culled into the same device array (stream order keeps the copy ahead of the overwrite),
  // so the host waits once per camera, for the count that sizes the copy.
  std::vector<VisibleSet> cull(const float* spheres, std::size_t count,
                               const std::vector<PinholeCamera>& cameras) override {
    std::vector<VisibleSet> visible(cameras.size());
    if (count == 0 || cameras.empty()) return visible;
    SPLAT_REQUIRE(count <= culled_, "device culling of ", count,
                  " Gaussians needs reserve() for them (reserved for ", culled_, ")");
    const auto n = static_cast<std::uint32_t>(count);
    const std::uint32_t* host_ids = host_ids_.as<std::uint32_t>();
    std::size_t pending = 0;  // ids of camera c - 1 on their way into host_ids_
    for (std::size_t c = 0; c < cameras.size(); ++c) {
      cuda::launch_cull_visible(spheres, n, make_culling_frustum(cameras[c]),
                                ids_.as<std::uint32_t>(), count_.as<std::uint32_t>(),
                                cull_temp_.data(), cull_temp_.bytes(), native_);
      compute_.copy_async(host_count_.data(), count_.data(), sizeof(std::uint32_t));
      compute_.synchronize();
      if (c > 0) visible[c - 1].assign(host_ids, host_ids + pending);
      pending = *host_count_.as<std::uint32_t>();
      SPLAT_REQUIRE(pending <= count, "device culling returned ", pending, " ids of ", count);
      if (pending > 0)
        compute_.copy_async(host_ids_.data(), ids_.data(), pending * sizeof(std::uint32_t));
    }
    compute_.synchronize();
    visible.back().assign(host_ids, host_ids + pending);
    return visible;
  }

  void unpack(const float* geometry, const float* appearance, std::size_t count,
              std::size_t first_slot, const GaussianArrays& params) override {
    SPLAT_REQUIRE(first_slot + count <= params.count, "unpack into slots ", first_slot, "..",
                  first_slot + count, " of a working set of ", params.count);
    cuda::launch_unpack_rows(geometry, appearance, count, first_slot, slot_arrays(params), native_);
  }

  void pack_gradients(const std::vector<std::uint32_t>& slots, const GaussianArrays& grads,
                      float* geometry, float* appearance) override {
    const cuda::SlotArrays arrays = slot_arrays(grads);
    const std::size_t per_piece = piece_bytes_ / sizeof(std::uint32_t);
    SPLAT_REQUIRE(slots.empty() || per_piece > 0, "pack_gradients needs reserve() first");
    for (std::size_t begin = 0; begin < slots.size(); begin += per_piece) {
      const std::size_t n = std::min(per_piece, slots.size() - begin);
      const std::uint32_t* device = stage(slots.data() + begin, nullptr, n);
      cuda::launch_pack_rows(device, n, arrays,
                             geometry ? geometry + begin * kGeometryWidth : nullptr,
                             appearance + begin * arrays.sh_width, native_);
    }
  }

  void unpack_geometry(const float* table, const std::uint32_t* ids, std::size_t count,
                       std::size_t first_slot, const GaussianArrays& arrays) override {
    SPLAT_REQUIRE(first_slot + count <= arrays.count, "geometry into slots ", first_slot, "..",
                  first_slot + count, " of a working set of ", arrays.count);
    cuda::launch_gather_geometry(table, ids, count, first_slot, slot_arrays(arrays), native_);
  }

  void store_geometry_gradients(const std::vector<std::uint32_t>& slots, const std::uint32_t* ids,
                                const GaussianArrays& grads,
                                const GeometryTable& geometry) override {
    const std::size_t per_piece = piece_bytes_ / (2 * sizeof(std::uint32_t));
    SPLAT_REQUIRE(slots.empty() || per_piece > 0, "store_geometry_gradients needs reserve() first");
    for (std::size_t begin = 0; begin < slots.size(); begin += per_piece) {
      const std::size_t n = std::min(per_piece, slots.size() - begin);
      const std::uint32_t* device = stage(slots.data() + begin, ids + begin, n);
      cuda::launch_store_geometry_gradients(device, device + n, n, slot_arrays(grads),
                                            geometry_rows(geometry), native_);
    }
  }

  void adam_geometry(const GeometryTable& geometry, const GeometryAdamStep& s) override {
    cuda::launch_geometry_adam(geometry_rows(geometry), s.rates, s.hyper, s.step, s.sparse,
                               s.grad_scale, s.dense, native_);
  }

  void geometry_spheres(const GeometryTable& geometry, float* spheres) override {
    cuda::launch_geometry_spheres(geometry_rows(geometry), spheres, native_);
  }

  // In list order, as the CPU backend copies them: each launch takes a run of moves in which
  // no slot is written that another move of the run reads or writes, so the parallel copy
  // equals the sequential one. Moves from ResidencyMap::evict read only slots at or past the
  // new size and write only holes below it, so they form one run (split only by piece size).
  void move(const SlotMoves& moves, const GaussianArrays& params,
            const GaussianArrays& grads) override {
    const std::size_t count = moves.from.size();
    SPLAT_REQUIRE(moves.to.size() == count, "slot moves: ", count, " sources but ", moves.to.size(),
                  " targets");
    if (count == 0) return;
    const std::size_t per_piece = piece_bytes_ / (2 * sizeof(std::uint32_t));
    SPLAT_REQUIRE(per_piece > 0, "move needs reserve() first");
    const auto launch = [&](std::size_t begin, std::size_t end) {
      const std::size_t n = end - begin;
      const std::uint32_t* device = stage(moves.from.data() + begin, moves.to.data() + begin, n);
      cuda::launch_move_slots(device, device + n, n, slot_arrays(params), slot_arrays(grads),
                              native_);
    };
    std::size_t begin = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint32_t from = moves.from[i], to = moves.to[i];
      SPLAT_REQUIRE(from < params.count && to < params.count, "slot move ", from, " -> ", to,
                    " outside a working set of ", params.count);
      if (marks_.size() <= std::max(from, to)) marks_.resize(std::size_t{std::max(from, to)} + 1);
      const bool conflict =
          (marks_[from] & kWritten) || (marks_[to] & (kRead | kWritten)) || i - begin == per_piece;
      if (conflict) {
        launch(begin, i);
        clear_marks();
        begin = i;
      }
      marks_[from] |= kRead;
      marks_[to] |= kWritten;
      marked_.push_back(from);
      marked_.push_back(to);
    }
    launch(begin, count);
    clear_marks();
  }

  // The engine keeps `ids` and `spheres` valid until it synchronises the compute stream, so
  // they are copied from where they are, piece by piece through the device scratch.
  void write_spheres(const std::uint32_t* ids, const float* spheres, std::size_t count,
                     float* spheres_out) override {
    const std::size_t per_piece = piece_bytes_ / kScratchPerChunkRow;
    SPLAT_REQUIRE(count == 0 || per_piece > 0, "write_spheres needs reserve() first");
    // Spheres first: the kernel reads them as 16-byte vectors from the 256-aligned block.
    auto* device_spheres = lists_.as<float>();
    for (std::size_t begin = 0; begin < count; begin += per_piece) {
      const std::size_t n = std::min(per_piece, count - begin);
      auto* device_ids = reinterpret_cast<std::uint32_t*>(device_spheres + n * 4);
      compute_.copy_async(device_spheres, spheres + begin * 4, n * 4 * sizeof(float));
      compute_.copy_async(device_ids, ids + begin, n * sizeof(std::uint32_t));
      cuda::launch_scatter_spheres(device_ids, device_spheres, n, spheres_out, native_);
    }
  }

 private:
  static constexpr std::uint8_t kRead = 1, kWritten = 2;

  // Copies `n` entries of `first` (then `n` of `second`, if given) to the device scratch
  // through the next pinned piece; returns the device copy. Stream-ordered: the kernel that
  // reads it must be enqueued on the compute stream before the next stage() call's copy.
  const std::uint32_t* stage(const std::uint32_t* first, const std::uint32_t* second,
                             std::size_t n) {
    const std::size_t bytes = n * sizeof(std::uint32_t) * (second ? 2 : 1);
    SPLAT_REQUIRE(bytes <= piece_bytes_, "device rows: a list piece of ", bytes,
                  " bytes exceeds the ", piece_bytes_, "-byte scratch (reserve() first)");
    const std::size_t p = next_piece_++ % kPinnedPieces;
    piece_copied_[p]->synchronize();  // the copy that last read this piece has run
    auto* host = pinned_[p].as<std::uint32_t>();
    std::memcpy(host, first, n * sizeof(std::uint32_t));
    if (second) std::memcpy(host + n, second, n * sizeof(std::uint32_t));
    compute_.copy_async(lists_.data(), host, bytes);
    piece_copied_[p]->record(compute_);
    return lists_.as<std::uint32_t>();
  }

  void clear_marks() {
    for (std::uint32_t slot : marked_) marks_[slot] = 0;
    marked_.clear();
  }

  Backend& backend_;
  DeviceArena& arena_;
  Stream& compute_;
  cudaStream_t native_;
  std::size_t culled_ = 0, piece_bytes_ = 0;
  Buffer ids_, count_, cull_temp_, lists_;  // device (arena)
  Buffer host_ids_, host_count_;            // pinned
  std::array<Buffer, kPinnedPieces> pinned_;
  std::array<std::unique_ptr<Event>, kPinnedPieces> piece_copied_;
  std::size_t next_piece_ = 0;
  std::vector<std::uint8_t> marks_;  // per slot: read / written by the current run of moves
  std::vector<std::uint32_t> marked_;
};

}  // namespace

DeviceRowsScratch cuda_device_rows_scratch(std::size_t culled_gaussians) {
  DeviceRowsScratch s;
  s.per_chunk_row = kScratchPerChunkRow;
  s.fixed = kScratchAllocations * DeviceArena::kAlignment;
  if (culled_gaussians > 0) s.fixed += cull_temp_bytes(culled_gaussians) + sizeof(std::uint32_t);
  return s;
}

std::unique_ptr<DeviceRows> make_cuda_device_rows(Backend& backend, DeviceArena& arena,
                                                  Stream& compute) {
  return std::make_unique<CudaDeviceRows>(backend, arena, compute);
}

}  // namespace splat
