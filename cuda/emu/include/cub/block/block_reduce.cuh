// cub::BlockReduce for the CPU emulation (SPLAT_CUDA=EMU) is part of the emulated device side.
#pragma once

#include "../../../block_reduce.hpp"
