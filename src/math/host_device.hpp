// SPLAT_HD marks inline math that both backends compile: __host__ __device__ under nvcc,
// nothing for the host compiler.
#pragma once

#if defined(__CUDACC__)
#define SPLAT_HD __host__ __device__ __forceinline__
#else
#define SPLAT_HD inline
#endif
