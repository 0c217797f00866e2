// cub::DeviceScan for the CPU emulation (SPLAT_CUDA=EMU): InclusiveSum, with CUB's signature,
// temp-storage protocol and accumulator type, run in stream order. In place (d_in == d_out)
// works, as in CUB.
#pragma once

#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

#include "../../../cub_device_support.hpp"

namespace cub {

struct DeviceScan {
  template <typename InputIteratorT, typename OutputIteratorT, typename NumItemsT>
  static cudaError_t InclusiveSum(void* d_temp_storage, std::size_t& temp_storage_bytes,
                                  InputIteratorT d_in, OutputIteratorT d_out, NumItemsT num_items,
                                  cudaStream_t stream = 0) {
    namespace support = splat::emu::cub_support;
    constexpr const char* kCall = "cub::DeviceScan::InclusiveSum";
    if (const auto ended =
            support::start_call(kCall, d_temp_storage, temp_storage_bytes, d_in, d_out, num_items))
      return *ended;
    const std::size_t n = support::item_count(num_items);
    const std::size_t required = support::tile_state_bytes(n);
    if (n == 0) return cudaSuccess;
    // CUB accumulates in the type of input + input (the input's value type after promotion).
    using Input = typename std::iterator_traits<InputIteratorT>::value_type;
    using Accum = std::decay_t<decltype(std::declval<Input>() + std::declval<Input>())>;
    return splat::emu::submit_device_work(
        stream,
        [=] {
          support::scribble(d_temp_storage, required);
          Accum sum = d_in[0];
          d_out[0] = sum;
          for (std::ptrdiff_t i = 1; i < static_cast<std::ptrdiff_t>(n); ++i) {
            sum = sum + static_cast<Accum>(d_in[i]);
            d_out[i] = sum;
          }
        },
        kCall);
  }
};

}  // namespace cub
