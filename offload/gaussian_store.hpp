// Every Gaussian's parameters and Adam state in pinned host memory. Rows are grouped by what
// streams together — geometry (mean, log-scale, rotation, opacity: 11 floats) and appearance
// (SH: (d+1)^2 x 3 floats) — so a gather of one group reads one contiguous row per Gaussian.
// Storage is a list of fixed-size chunks: growing by densification adds chunks and never
// copies the store.
//
// The disk tier (offload.host_budget): with a spill file, at most resident_limit() chunks are in
// host memory and the others in the file. Rows of a pinned chunk are used from any thread with
// no check (a batch pins its chunks first); any other row access pages its chunk in on demand
// from the one thread that edits the store (densification, checkpoints), evicting by the next
// use the engine announced (set_next_use), else the least recently used; a whole-model pass
// goes chunk by chunk (for_each_chunk), the next chunk read while this one is worked on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "model/model_reader.hpp"
#include "model/trainable_gaussians.hpp"
#include "offload/spill_file.hpp"

namespace splat {

enum class ParamGroup { Geometry = 0, Appearance = 1 };

// What the disk tier moved, and how often a chunk a batch needed was already in host memory.
struct SpillStats {
  std::size_t read_bytes = 0, write_bytes = 0;
  double read_seconds = 0, write_seconds = 0;  // summed over the I/O threads
  // Chunks pinned, those already in host memory then (read ahead included), and reads in all.
  std::size_t chunk_uses = 0, chunk_hits = 0, chunk_reads = 0;
  std::size_t peak_resident_chunks = 0;
};
enum class ParamState { Value = 0, FirstMoment = 1, SecondMoment = 2 };

constexpr std::size_t kGeometryWidth = 11;  // mean 3, log-scale 3, rotation 4, opacity 1

class GaussianStore {
 public:
  // Rows per chunk unless told otherwise (offload.chunk_rows): the disk tier's unit of I/O.
  static constexpr std::size_t kChunkRows = std::size_t{1} << 16;
  // Chunk sizes must keep a chunk's bytes a multiple of the spill file's alignment.
  static constexpr std::size_t kChunkRowsMultiple = 1024;

  GaussianStore(Backend& backend, int sh_degree, std::size_t chunk_rows = kChunkRows);

  std::size_t size() const { return size_; }
  int sh_degree() const { return sh_degree_; }
  std::size_t width(ParamGroup group) const;
  // Grows (adding zeroed chunks) or shrinks (releasing whole unused chunks).
  void resize(std::size_t rows);

  float* row(ParamGroup group, ParamState state, std::size_t index);
  const float* row(ParamGroup group, ParamState state, std::size_t index) const;
  std::int32_t& adam_steps(std::size_t index);
  std::int32_t adam_steps(std::size_t index) const;

  // Copies the rows `ids[0..count)` of one group's values into `out` (count x width floats),
  // in parallel.
  void gather(ParamGroup group, ParamState state, const std::uint32_t* ids, std::size_t count,
              float* out) const;
  // The inverse: writes count x width floats from `in` into the rows `ids`.
  void scatter(ParamGroup group, ParamState state, const std::uint32_t* ids, std::size_t count,
               const float* in);

  // Densification in place: no second copy of the store is ever made.
  // Appends copies of `rows` (values; zero moments; the source rows' step counts).
  void append_copies(const std::vector<std::size_t>& rows);
  // Keeps the rows whose mask entry is nonzero, in order (compaction within the chunks; whole
  // chunks past the new end are released).
  void keep_rows(const std::vector<std::uint8_t>& keep);

  // Moves row new_to_old[i] to row i for every row, in place (cycle by cycle, one row held
  // aside): a reordering costs no second copy of the store.
  void permute_rows(const std::vector<std::uint32_t>& new_to_old);

  // Whole-model conversion, for checkpoints, export and pushing an edited model.
  void load(const TrainableGaussians& g);
  // The same from a model held elsewhere (a mapped checkpoint), chunk by chunk.
  void load(const ModelReader& model);
  TrainableGaussians to_trainable() const;

  // Host bytes each Gaussian costs (values and both moments of both groups, plus its step).
  std::size_t bytes_per_gaussian() const;
  // Host bytes the chunks take now (resident ones only, with a spill file).
  std::size_t reserved_bytes() const;
  std::size_t chunk_bytes() const { return chunk_bytes_; }
  std::size_t chunk_count() const { return chunks_.size(); }
  std::size_t chunk_rows() const { return chunk_rows_; }
  std::size_t chunk_of(std::size_t row) const { return row / chunk_rows_; }

  // The disk tier: from now on at most `resident_limit` chunks (at least 4) stay in host memory,
  // the rest in `file`. Chunks beyond the limit are written out at once.
  void enable_spill(std::unique_ptr<SpillFile> file, std::size_t resident_limit);
  bool spills() const { return spill_ != nullptr; }
  std::size_t resident_limit() const { return resident_limit_; }
  std::size_t resident_chunks() const { return resident_count_; }
  const SpillFile* spill_file() const { return spill_.get(); }
  // The order in which chunks are needed next (first needed first); eviction keeps those needed
  // soonest (Belady) and drops unlisted ones first. Replaces the previous announcement.
  void set_next_use(const std::vector<std::size_t>& chunks_in_order);
  // Makes `chunks` resident, reading the missing ones in parallel, and pins them until
  // unpin_all(): meanwhile any thread may read and write their rows. Fails naming the budget
  // when they are more than resident_limit(). `writes`: their rows may change (written back when
  // evicted).
  // `counted`: a batch's pin, counted in the hit rate (a whole-model pass's is not).
  void pin(const std::vector<std::size_t>& chunks, bool writes = true, bool counted = true);
  void unpin_all();
  // Calls fn(begin, end) for the rows of each chunk in turn (of [first_row, last_row)), that
  // chunk pinned meanwhile and the next one read ahead; `writes`: fn may change the rows.
  template <class Fn>
  void for_each_chunk(bool writes, Fn&& fn, std::size_t first_row = 0,
                      std::size_t last_row = SIZE_MAX);
  // Starts reading the missing ones of `chunks` (in order) in the background, into the room
  // left beside the pinned chunks without evicting a chunk announced before them; they land at
  // the next pin or pass. The next batch's chunks, read while this one trains.
  void prefetch(const std::vector<std::size_t>& chunks);
  const SpillStats& spill_stats() const { return stats_; }

 private:
  static constexpr std::size_t kNoSlot = SIZE_MAX;
  struct Chunk {
    Buffer memory;  // [group][state] blocks of chunk_rows x width floats, then the steps;
                    // empty while the chunk is only in the spill file
    std::size_t slot = kNoSlot;  // its slot in the spill file, once written there
    bool dirty = false;          // memory newer than the slot
    int pins = 0;
    bool reading_ahead = false;  // a read into a buffer of ahead_ is under way
    std::uint64_t last_use = 0;  // for least-recently-used eviction among unlisted chunks
  };
  std::size_t block_offset(ParamGroup group, ParamState state) const;
  // The chunk's memory, paged in if needed (and marked changed when `writes`).
  float* chunk_data(std::size_t chunk, bool writes) const;
  void page_in(std::size_t chunk, const std::vector<std::size_t>& keep) const;
  // `spare_recent`: keep the chunks used last on demand (a caller of row() may still hold a
  // pointer into them); pins, passes and read-ahead start with no such pointer alive.
  void evict_one(const std::vector<std::size_t>& keep, bool spare_recent = true) const;
  void write_out(Chunk& chunk) const;
  Buffer take_buffer() const;
  void drop_chunk(Chunk& chunk);
  void permute_spilled(const std::vector<std::uint32_t>& new_to_old);
  void start_read_ahead(std::size_t chunk, std::size_t keep);
  // Every read started ahead: landed in its chunk. Called before a chunk being read ahead is
  // paged in on demand (it would be read twice, and the late read would overwrite edits) and
  // before the chunks change (a read must not land in a chunk that was dropped or moved).
  void finish_read_ahead() const;

  Backend& backend_;
  int sh_degree_;
  std::size_t appearance_width_;
  std::size_t chunk_rows_;
  std::size_t chunk_bytes_;
  std::size_t size_ = 0;
  // Mutable: paging a chunk in on a const read changes where it lives, not what it holds.
  mutable std::vector<Chunk> chunks_;

  std::unique_ptr<SpillFile> spill_;
  std::size_t resident_limit_ = SIZE_MAX;
  mutable std::size_t resident_count_ = 0;
  mutable std::vector<Buffer> free_buffers_;  // pinned chunk buffers kept for reuse
  mutable std::uint64_t clock_ = 0;
  mutable std::size_t recent_[3] = {kNoSlot, kNoSlot, kNoSlot};  // last chunks used on demand
  std::vector<std::uint32_t> next_use_;  // per chunk: rank in the announced order, or max
  std::vector<std::size_t> pinned_;
  struct ReadAhead {
    std::size_t chunk = kNoSlot;
    Buffer buffer;
    std::future<double> done;  // the read's seconds
  };
  mutable std::vector<ReadAhead> ahead_;
  mutable SpillStats stats_;
};

template <class Fn>
void GaussianStore::for_each_chunk(bool writes, Fn&& fn, std::size_t first_row,
                                   std::size_t last_row) {
  last_row = std::min(last_row, size_);
  if (first_row >= last_row) return;
  const std::size_t first = chunk_of(first_row), last = chunk_of(last_row - 1);
  for (std::size_t c = first; c <= last; ++c) {
    if (spill_) {
      pin({c}, writes, /*counted=*/false);
      if (c < last) start_read_ahead(c + 1, c);
    }
    fn(std::max(first_row, c * chunk_rows_), std::min(last_row, (c + 1) * chunk_rows_));
    if (spill_) {
      --chunks_[c].pins;
      pinned_.pop_back();
    }
  }
  if (spill_) finish_read_ahead();
}

}  // namespace splat
