// cub::DeviceSelect for the CPU emulation (SPLAT_CUDA=EMU): If, with CUB's signature and
// temp-storage protocol. Stable, as CUB's is: selected items keep their input order. The count
// is written to device memory, also when nothing (or no item) is selected.
#pragma once

#include <cstddef>

#include "../../../cub_device_support.hpp"

namespace cub {

struct DeviceSelect {
  template <typename InputIteratorT, typename OutputIteratorT, typename NumSelectedIteratorT,
            typename SelectOp, typename NumItemsT>
  static cudaError_t If(void* d_temp_storage, std::size_t& temp_storage_bytes, InputIteratorT d_in,
                        OutputIteratorT d_out, NumSelectedIteratorT d_num_selected_out,
                        NumItemsT num_items, SelectOp select_op, cudaStream_t stream = 0) {
    namespace support = splat::emu::cub_support;
    constexpr const char* kCall = "cub::DeviceSelect::If";
    if (const auto ended =
            support::start_call(kCall, d_temp_storage, temp_storage_bytes, d_in, d_out, num_items))
      return *ended;
    const std::size_t n = support::item_count(num_items);
    const std::size_t required = support::tile_state_bytes(n);
    if (const cudaError_t e =
            support::check_range(kCall, "d_num_selected_out", d_num_selected_out, 1))
      return e;
    return splat::emu::submit_device_work(
        stream,
        [=] {
          support::scribble(d_temp_storage, required);
          std::ptrdiff_t selected = 0;
          for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(n); ++i) {
            const auto item = d_in[i];
            if (select_op(item)) d_out[selected++] = item;
          }
          *d_num_selected_out = selected;
        },
        kCall);
  }
};

}  // namespace cub
