// Tile binning on the GPU: every (Gaussian, tile) pair a projected Gaussian covers, sorted by
// tile and, within a tile, front to back by depth and then by Gaussian id: the order of the CPU
// reference (src/render/tile_bins.cpp), so both backends blend in the same order.
//
// Steps, all on one stream:
//   1. launch_scan_tile_counts: inclusive sum of the per-Gaussian tile counts (64-bit);
//      the last element is the number of pairs, which the caller reads to size the pair arrays.
//   2. launch_emit_tile_keys: pairs in Gaussian order, key = tile << 32 | depth bits.
//   3. launch_sort_tile_keys: stable radix sort of the keys (ties keep Gaussian order).
//   4. launch_tile_ranges: [begin, end) of every tile in the sorted pairs.
//
// A view with more pairs than the renderer may hold is binned in bands: runs of consecutive
// tiles (row-major ids) whose pairs fit. launch_tile_pair_histogram counts every tile's pairs;
// for each band, launch_count_band_pairs replaces step 1's input with the band's share of each
// Gaussian, and steps 1 to 4 run on the band alone. A tile's list is the same in a band as in
// the whole view (same pairs, same stable order), so every pixel blends exactly as it would.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "cuda/render_arrays.cuh"

namespace splat::cuda {

// Scratch bytes for step 1 over `count` Gaussians.
std::size_t scan_tile_counts_scratch_bytes(std::uint32_t count);
void launch_scan_tile_counts(const std::uint32_t* tile_count, std::uint64_t* pair_end,
                             std::uint32_t count, void* scratch, std::size_t scratch_bytes,
                             cudaStream_t stream);

// tile_rect: N x 4 (x0, y0, x1, y1); pair_end: step 1's output over the band's counts. Writes
// keys and Gaussian ids of every pair whose tile is in `band`, tiles of one Gaussian in
// row-major order.
void launch_emit_tile_keys(const std::int32_t* tile_rect, const float* depth,
                           const std::uint64_t* pair_end, std::uint32_t count, int tiles_x,
                           TileBand band, std::uint64_t* keys, std::uint32_t* gaussian_ids,
                           cudaStream_t stream);

// Pairs per tile, as row differences: for tile row y, row_diff[y * (tiles_x + 1) + x] summed over
// x' <= x (in 32-bit wrap-around arithmetic) is the pair count of tile (x, y). row_diff holds
// tiles_y * (tiles_x + 1) counters; it is cleared first.
void launch_tile_pair_histogram(const std::int32_t* tile_rect, std::uint32_t count, int tiles_x,
                                int tiles_y, std::uint32_t* row_diff, cudaStream_t stream);

// Each Gaussian's pairs with tiles in `band` (the band's step-1 input).
void launch_count_band_pairs(const std::int32_t* tile_rect, std::uint32_t count, int tiles_x,
                             TileBand band, std::uint32_t* band_count, cudaStream_t stream);

// Key bits the sort has to look at for an image of `tiles` tiles: 32 depth bits and as many
// tile bits as the largest tile id needs.
int tile_key_bits(int tiles);
std::size_t sort_tile_keys_scratch_bytes(std::uint32_t pairs, int tiles);
void launch_sort_tile_keys(const std::uint64_t* keys_in, std::uint64_t* keys_out,
                           const std::uint32_t* ids_in, std::uint32_t* ids_out, std::uint32_t pairs,
                           int tiles, void* scratch, std::size_t scratch_bytes,
                           cudaStream_t stream);

// tile_ranges: tiles x 2 (begin, end) into the sorted pairs; tiles no pair falls in get [0, 0).
void launch_tile_ranges(const std::uint64_t* sorted_keys, std::uint32_t pairs, int tiles,
                        std::uint32_t* tile_ranges, cudaStream_t stream);

}  // namespace splat::cuda
