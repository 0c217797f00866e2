// cub::DeviceRadixSort for the CPU emulation (SPLAT_CUDA=EMU): SortPairs (the overload with
// separate input and output arrays), with CUB's signature and temp-storage protocol. A stable
// LSD radix sort on bits [begin_bit, end_bit), 8 bits a pass, ping-ponging through the
// temporary storage as CUB's does. Unlike CUB, a key with a bit set outside [begin_bit,
// end_bit) is a device fault (sticky cudaErrorLaunchFailure naming the key): CUB would sort it
// silently by the bits it looks at, and the project relies on its keys fitting.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <type_traits>

#include "../../../cub_device_support.hpp"

namespace cub {

struct DeviceRadixSort {
  template <typename KeyT, typename ValueT, typename NumItemsT>
  static cudaError_t SortPairs(void* d_temp_storage, std::size_t& temp_storage_bytes,
                               const KeyT* d_keys_in, KeyT* d_keys_out, const ValueT* d_values_in,
                               ValueT* d_values_out, NumItemsT num_items, int begin_bit = 0,
                               int end_bit = sizeof(KeyT) * 8, cudaStream_t stream = 0) {
    static_assert(std::is_unsigned_v<KeyT>,
                  "the emulated radix sort handles unsigned integer keys (what the project sorts)");
    namespace support = splat::emu::cub_support;
    constexpr const char* kCall = "cub::DeviceRadixSort::SortPairs";
    constexpr int kKeyBits = sizeof(KeyT) * 8;
    const std::size_t n = support::item_count(num_items);
    // Alternate key and value buffers, plus room for the digit histograms.
    const std::size_t keys_bytes = support::align_up(n * sizeof(KeyT));
    const std::size_t required =
        keys_bytes + support::align_up(n * sizeof(ValueT)) + support::kAlignment;
    if (d_temp_storage == nullptr) {
      temp_storage_bytes = required;
      return cudaSuccess;
    }
    if (support::negative(num_items)) return support::misuse(kCall, "num_items is negative");
    if (begin_bit < 0 || begin_bit > end_bit || end_bit > kKeyBits)
      return support::misuse(kCall, "the bit range is not within the key");
    if (const cudaError_t e =
            support::check_temp_storage(kCall, d_temp_storage, temp_storage_bytes, required))
      return e;
    if (n == 0) return cudaSuccess;
    for (const auto& [name, p, bytes] :
         {Argument{"d_keys_in", d_keys_in, n * sizeof(KeyT)},
          Argument{"d_keys_out", d_keys_out, n * sizeof(KeyT)},
          Argument{"d_values_in", d_values_in, n * sizeof(ValueT)},
          Argument{"d_values_out", d_values_out, n * sizeof(ValueT)}})
      if (const cudaError_t e = splat::emu::check_device_accessible(kCall, name, p, bytes))
        return e;
    if (overlap(d_keys_in, d_keys_out, n) || overlap(d_values_in, d_values_out, n))
      return support::misuse(kCall, "input and output overlap (use the DoubleBuffer overload)");

    return splat::emu::submit_device_work(
        stream,
        [=] {
          check_keys_fit(d_keys_in, n, begin_bit, end_bit);
          auto* temp = static_cast<unsigned char*>(d_temp_storage);
          support::scribble(temp, required);
          KeyT* alt_keys = reinterpret_cast<KeyT*>(temp);
          ValueT* alt_values = reinterpret_cast<ValueT*>(temp + keys_bytes);
          const int passes = (end_bit - begin_bit + 7) / 8;
          if (passes == 0) {
            std::copy(d_keys_in, d_keys_in + n, d_keys_out);
            std::copy(d_values_in, d_values_in + n, d_values_out);
            return;
          }
          const KeyT* keys = d_keys_in;
          const ValueT* values = d_values_in;
          for (int pass = 0; pass < passes; ++pass) {
            // The last pass lands in the output; earlier ones alternate back from it.
            const bool to_output = (passes - 1 - pass) % 2 == 0;
            KeyT* keys_to = to_output ? d_keys_out : alt_keys;
            ValueT* values_to = to_output ? d_values_out : alt_values;
            const int shift = begin_bit + 8 * pass;
            const int width = std::min(8, end_bit - shift);
            counting_pass(keys, values, n, shift, (1u << width) - 1, keys_to, values_to);
            keys = keys_to;
            values = values_to;
          }
        },
        kCall);
  }

 private:
  struct Argument {
    const char* name;
    const void* p;
    std::size_t bytes;
  };

  template <typename T>
  static bool overlap(const T* a, const T* b, std::size_t n) {
    return a < b + n && b < a + n;
  }

  template <typename KeyT>
  static void check_keys_fit(const KeyT* keys, std::size_t n, int begin_bit, int end_bit) {
    constexpr int kKeyBits = sizeof(KeyT) * 8;
    const KeyT ones = static_cast<KeyT>(~KeyT{0});
    const KeyT below_end = end_bit >= kKeyBits ? ones : static_cast<KeyT>((KeyT{1} << end_bit) - 1);
    const KeyT below_begin =
        begin_bit >= kKeyBits ? ones : static_cast<KeyT>((KeyT{1} << begin_bit) - 1);
    const KeyT outside = static_cast<KeyT>(~(below_end & ~below_begin));
    for (std::size_t i = 0; i < n; ++i) {
      if ((keys[i] & outside) == 0) continue;
      char why[200];
      std::snprintf(why, sizeof why, "key 0x%llx at index %zu has bits outside [%d, %d)",
                    static_cast<unsigned long long>(keys[i]), i, begin_bit, end_bit);
      throw std::runtime_error(why);
    }
  }

  // One stable counting-sort pass on the digit (key >> shift) & mask.
  template <typename KeyT, typename ValueT>
  static void counting_pass(const KeyT* keys, const ValueT* values, std::size_t n, int shift,
                            unsigned mask, KeyT* keys_to, ValueT* values_to) {
    std::size_t start[257] = {};
    for (std::size_t i = 0; i < n; ++i) ++start[((keys[i] >> shift) & mask) + 1];
    for (int d = 1; d < 257; ++d) start[d] += start[d - 1];
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = start[(keys[i] >> shift) & mask]++;
      keys_to[at] = keys[i];
      values_to[at] = values[i];
    }
  }
};

}  // namespace cub
