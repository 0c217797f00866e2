// The disk tier of the store: which chunks are in host memory, paging them in and out of the
// spill file, pins for a batch, and reading ahead in whole-model passes.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <thread>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "offload/gaussian_store.hpp"

namespace splat {

namespace {
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

void GaussianStore::enable_spill(std::unique_ptr<SpillFile> file, std::size_t resident_limit) {
  SPLAT_REQUIRE(resident_limit >= 4,
                "the disk tier needs room for at least 4 chunks in host "
                "memory (densification holds a few at once)");
  SPLAT_REQUIRE(file->slot_bytes() == chunk_bytes_, "spill slots of ", file->slot_bytes(),
                " bytes for chunks of ", chunk_bytes_);
  finish_read_ahead();
  spill_ = std::move(file);
  resident_limit_ = resident_limit;
  resident_count_ = 0;
  for (const Chunk& c : chunks_) resident_count_ += c.memory.empty() ? 0 : 1;
  next_use_.assign(chunks_.size(), std::numeric_limits<std::uint32_t>::max());
  while (resident_count_ > resident_limit_) evict_one({});
}

void GaussianStore::set_next_use(const std::vector<std::size_t>& chunks_in_order) {
  next_use_.assign(chunks_.size(), std::numeric_limits<std::uint32_t>::max());
  for (std::size_t i = chunks_in_order.size(); i-- > 0;)
    if (chunks_in_order[i] < chunks_.size())
      next_use_[chunks_in_order[i]] = static_cast<std::uint32_t>(i);
}

Buffer GaussianStore::take_buffer() const {
  if (!free_buffers_.empty()) {
    Buffer b = std::move(free_buffers_.back());
    free_buffers_.pop_back();
    return b;
  }
  return Buffer::allocate(backend_, MemorySpace::PinnedHost, chunk_bytes_);
}

void GaussianStore::write_out(Chunk& chunk) const {
  if (chunk.slot == kNoSlot) chunk.slot = spill_->take_slot();
  const auto start = std::chrono::steady_clock::now();
  spill_->write(chunk.slot, chunk.memory.data());
  stats_.write_seconds += seconds_since(start);
  stats_.write_bytes += chunk_bytes_;
  chunk.dirty = false;
}

void GaussianStore::evict_one(const std::vector<std::size_t>& keep, bool spare_recent) const {
  // Belady over what is announced: an unlisted chunk first (least recently used), else the one
  // needed last. Pinned chunks, `keep` and the last few used on demand stay.
  std::size_t victim = kNoSlot;
  std::uint32_t victim_rank = 0;
  std::uint64_t victim_use = 0;
  for (std::size_t c = 0; c < chunks_.size(); ++c) {
    const Chunk& ch = chunks_[c];
    if (ch.memory.empty() || ch.pins > 0) continue;
    if (std::find(keep.begin(), keep.end(), c) != keep.end()) continue;
    if (spare_recent && (c == recent_[0] || c == recent_[1] || c == recent_[2])) continue;
    if (ch.reading_ahead) continue;  // a flag, not a search of ahead_: this loop runs per eviction
    const std::uint32_t rank =
        c < next_use_.size() ? next_use_[c] : std::numeric_limits<std::uint32_t>::max();
    if (victim == kNoSlot || rank > victim_rank ||
        (rank == victim_rank && ch.last_use < victim_use)) {
      victim = c, victim_rank = rank, victim_use = ch.last_use;
    }
  }
  if (victim == kNoSlot) {
    std::size_t pinned = 0, resident = 0;
    for (const Chunk& ch : chunks_) {
      pinned += ch.pins > 0 ? 1 : 0;
      resident += ch.memory.empty() ? 0 : 1;
    }
    fail("offload.host_budget holds ", resident_limit_, " store chunks, and every one of them is ",
         "in use (", pinned, " pinned, ", resident, " resident, ", ahead_.size(),
         " being read ahead, ", resident_count_, " counted): raise offload.host_budget");
  }
  Chunk& ch = chunks_[victim];
  if (ch.dirty || ch.slot == kNoSlot) write_out(ch);
  free_buffers_.push_back(std::move(ch.memory));
  --resident_count_;
  for (std::size_t& r : recent_)
    if (r == victim) r = kNoSlot;
}

void GaussianStore::page_in(std::size_t chunk, const std::vector<std::size_t>& keep) const {
  SPLAT_REQUIRE(!omp_in_parallel(), "store chunk ", chunk,
                " paged in from a parallel loop (it should have been pinned)");
  Chunk& ch = chunks_[chunk];
  if (ch.reading_ahead) {  // the next batch's, needed now (densification between batches)
    finish_read_ahead();
    if (!ch.memory.empty()) return;
  }
  while (resident_count_ >= resident_limit_) evict_one(keep);
  ch.memory = take_buffer();
  if (ch.slot == kNoSlot) {
    std::memset(ch.memory.data(), 0, chunk_bytes_);  // never written: a new chunk's zeros
    ch.dirty = true;
  } else {
    const auto start = std::chrono::steady_clock::now();
    spill_->read(ch.slot, ch.memory.data());
    stats_.read_seconds += seconds_since(start);
    stats_.read_bytes += chunk_bytes_;
    ++stats_.chunk_reads;
  }
  ++resident_count_;
  stats_.peak_resident_chunks = std::max(stats_.peak_resident_chunks, resident_count_);
}

float* GaussianStore::chunk_data(std::size_t chunk, bool writes) const {
  Chunk& ch = chunks_[chunk];
  // Pinned (a batch, a pass) or no disk tier: used from any thread as it is.
  if (!spill_ || ch.pins > 0) return ch.memory.as<float>();
  if (chunk != recent_[0]) {
    if (ch.memory.empty()) page_in(chunk, {});
    recent_[2] = recent_[1], recent_[1] = recent_[0], recent_[0] = chunk;
  }
  ch.last_use = ++clock_;
  if (writes) ch.dirty = true;
  return ch.memory.as<float>();
}

void GaussianStore::pin(const std::vector<std::size_t>& chunks, bool writes, bool counted) {
  if (!spill_) return;
  std::vector<std::size_t> wanted(chunks);
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  std::size_t pinned_now = 0;
  for (const Chunk& c : chunks_) pinned_now += c.pins > 0 ? 1 : 0;
  std::size_t extra = 0;
  for (std::size_t c : wanted) extra += chunks_[c].pins > 0 ? 0 : 1;
  if (pinned_now + extra > resident_limit_)
    throw BudgetRefusal(str_cat(
        "offload.host_budget (", format_bytes(resident_limit_ * chunk_bytes_), ", ",
        resident_limit_, " store chunks of ", format_bytes(chunk_bytes_), ") cannot hold the ",
        pinned_now + extra,
        " chunks this batch's cameras see: raise offload.host_budget to at "
        "least ",
        format_bytes(((pinned_now + extra) * 5 / 4 + 4) * chunk_bytes_),
        " (a quarter more for the model's growth and other batches), lower train.batch_size, or "
        "make chunks smaller (offload.chunk_rows)"));
  // Pinned first, so that making room never evicts one of them; then the missing ones read on
  // a few threads (the device serves several requests at once).
  finish_read_ahead();
  std::vector<std::size_t> missing;
  for (std::size_t c : wanted) {
    Chunk& ch = chunks_[c];
    ++ch.pins;
    pinned_.push_back(c);
    ch.last_use = ++clock_;
    if (counted) ++stats_.chunk_uses;
    if (ch.memory.empty())
      missing.push_back(c);
    else if (counted)
      ++stats_.chunk_hits;
    if (writes) ch.dirty = true;
  }
  std::vector<std::size_t> reads;
  for (std::size_t c : missing) {
    while (resident_count_ >= resident_limit_) evict_one({}, /*spare_recent=*/false);
    Chunk& ch = chunks_[c];
    ch.memory = take_buffer();
    ++resident_count_;
    if (ch.slot == kNoSlot) {
      std::memset(ch.memory.data(), 0, chunk_bytes_);
      ch.dirty = true;
    } else {
      reads.push_back(c);
    }
  }
  stats_.peak_resident_chunks = std::max(stats_.peak_resident_chunks, resident_count_);
  if (reads.empty()) return;
  const std::size_t threads = std::min<std::size_t>(4, reads.size());
  std::vector<double> seconds(threads, 0);
  std::vector<std::thread> workers;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  for (std::size_t t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (std::size_t k = t; k < reads.size(); k += threads) {
        try {
          const auto start = std::chrono::steady_clock::now();
          Chunk& ch = chunks_[reads[k]];
          spill_->read(ch.slot, ch.memory.data());
          seconds[t] += seconds_since(start);
        } catch (...) {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (!failure) failure = std::current_exception();
        }
      }
    });
  for (std::thread& w : workers) w.join();
  if (failure) std::rethrow_exception(failure);
  for (double s : seconds) stats_.read_seconds += s;
  stats_.read_bytes += reads.size() * chunk_bytes_;
  stats_.chunk_reads += reads.size();
}

void GaussianStore::unpin_all() {
  for (std::size_t c : pinned_)
    if (c < chunks_.size() && chunks_[c].pins > 0) --chunks_[c].pins;
  pinned_.clear();
}

void GaussianStore::start_read_ahead(std::size_t chunk, std::size_t keep) {
  Chunk& ch = chunks_[chunk];
  if (!ch.memory.empty() || ch.slot == kNoSlot || ch.reading_ahead) return;
  while (resident_count_ >= resident_limit_) evict_one({keep}, /*spare_recent=*/false);
  ch.reading_ahead = true;
  ReadAhead a;
  a.chunk = chunk;
  a.buffer = take_buffer();
  ++resident_count_;  // counted from now: its buffer is taken
  void* target = a.buffer.data();
  const std::size_t slot = ch.slot;
  SpillFile* file = spill_.get();
  a.done = std::async(std::launch::async, [file, slot, target] {
    const auto start = std::chrono::steady_clock::now();
    file->read(slot, target);
    return seconds_since(start);
  });
  ahead_.push_back(std::move(a));
}

void GaussianStore::finish_read_ahead() const {
  std::exception_ptr failure;
  for (ReadAhead& a : ahead_) {
    chunks_[a.chunk].reading_ahead = false;
    try {
      const double seconds = a.done.get();  // rethrows a failed read
      Chunk& ch = chunks_[a.chunk];
      ch.memory = std::move(a.buffer);
      ch.dirty = false;
      stats_.read_seconds += seconds;
      stats_.read_bytes += chunk_bytes_;
      ++stats_.chunk_reads;
    } catch (...) {
      free_buffers_.push_back(std::move(a.buffer));
      --resident_count_;
      if (!failure) failure = std::current_exception();
    }
  }
  ahead_.clear();
  stats_.peak_resident_chunks = std::max(stats_.peak_resident_chunks, resident_count_);
  if (failure) std::rethrow_exception(failure);
}

void GaussianStore::prefetch(const std::vector<std::size_t>& chunks) {
  if (!spill_) return;
  for (std::size_t c : chunks) {
    if (c >= chunks_.size()) continue;
    if (!chunks_[c].memory.empty() || chunks_[c].slot == kNoSlot) continue;
    // Room only: an unpinned chunk that is not announced (or announced after this one) may go.
    bool room = resident_count_ < resident_limit_;
    if (!room)
      for (std::size_t v = 0; v < chunks_.size() && !room; ++v)
        room = !chunks_[v].memory.empty() && chunks_[v].pins == 0 && next_use_[v] > next_use_[c];
    if (!room) break;
    start_read_ahead(c, c);
  }
}

void GaussianStore::drop_chunk(Chunk& chunk) {
  if (!chunk.memory.empty()) {
    if (spill_) {
      free_buffers_.push_back(std::move(chunk.memory));
      --resident_count_;
    } else {
      chunk.memory = Buffer();
    }
  }
  if (chunk.slot != kNoSlot) spill_->give_back(chunk.slot);
  chunk.slot = kNoSlot;
  chunk.dirty = false;
  chunk.pins = 0;
}

void GaussianStore::permute_spilled(const std::vector<std::uint32_t>& new_to_old) {
  // Destination by destination into new chunks after the old ones, so no row is overwritten
  // before it is read; the sources of a destination chunk come from a few runs (the sorted
  // model and the sorted appended rows), which the few chunks kept on demand cover.
  const std::size_t old_chunks = chunks_.size();
  const std::size_t base = old_chunks * chunk_rows_;
  chunks_.resize(2 * old_chunks);
  next_use_.assign(chunks_.size(), std::numeric_limits<std::uint32_t>::max());
  for (std::size_t i = 0; i < new_to_old.size(); ++i) {
    const std::size_t from = new_to_old[i], to = base + i;
    for (ParamGroup group : {ParamGroup::Geometry, ParamGroup::Appearance})
      for (ParamState state :
           {ParamState::Value, ParamState::FirstMoment, ParamState::SecondMoment}) {
        const float* src = row(group, state, from);
        std::memcpy(row(group, state, to), src, width(group) * sizeof(float));
      }
    const std::int32_t steps = adam_steps(from);
    adam_steps(to) = steps;
  }
  for (std::size_t c = 0; c < old_chunks; ++c) drop_chunk(chunks_[c]);
  chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<long>(old_chunks));
  for (std::size_t& r : recent_) r = kNoSlot;
  next_use_.assign(chunks_.size(), std::numeric_limits<std::uint32_t>::max());
}

}  // namespace splat
