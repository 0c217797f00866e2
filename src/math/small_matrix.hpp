// Tiny fixed-size matrix helpers for the per-Gaussian math (row-major arrays). Templated on the
// scalar so the CPU reference can run in double for gradient checks.
#pragma once

#include "math/host_device.hpp"

namespace splat {

// out (r x c) = a (r x k) * b (k x c)
template <int r, int k, int c, class S>
SPLAT_HD void mat_mul(const S* a, const S* b, S* out) {
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < c; ++j) {
      S sum = 0;
      for (int l = 0; l < k; ++l) sum += a[i * k + l] * b[l * c + j];
      out[i * c + j] = sum;
    }
}

// out (r x c) = a (r x k) * b^T, b is (c x k)
template <int r, int k, int c, class S>
SPLAT_HD void mat_mul_bt(const S* a, const S* b, S* out) {
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < c; ++j) {
      S sum = 0;
      for (int l = 0; l < k; ++l) sum += a[i * k + l] * b[j * k + l];
      out[i * c + j] = sum;
    }
}

// out (r x c) = a^T * b, a is (k x r), b is (k x c)
template <int r, int k, int c, class S>
SPLAT_HD void mat_mul_at(const S* a, const S* b, S* out) {
  for (int i = 0; i < r; ++i)
    for (int j = 0; j < c; ++j) {
      S sum = 0;
      for (int l = 0; l < k; ++l) sum += a[l * r + i] * b[l * c + j];
      out[i * c + j] = sum;
    }
}

}  // namespace splat
