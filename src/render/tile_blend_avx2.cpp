// The tile blending kernels compiled for avx2 (flags in src/render/CMakeLists.txt).
#define SPLAT_BLEND_ISA avx2
#define SPLAT_BLEND_ISA_NAME "avx2"
#include "render/tile_blend_kernels.inc"
