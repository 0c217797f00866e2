// The tile blending kernels compiled for avx512 (flags in src/render/CMakeLists.txt).
#define SPLAT_BLEND_ISA avx512
#define SPLAT_BLEND_ISA_NAME "avx512"
#include "render/tile_blend_kernels.inc"
