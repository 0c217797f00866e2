#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "offload/cpu_adam.hpp"

using namespace splat;

namespace {
// Textbook Adam in double precision (Kingma & Ba, with PyTorch's placement of epsilon).
void reference_adam(std::vector<double>& p, std::vector<double>& m, std::vector<double>& v,
                    const std::vector<double>& g, double lr, int t, const AdamHyper& h) {
  for (std::size_t i = 0; i < p.size(); ++i) {
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
    const double m_hat = m[i] / (1 - std::pow(double(h.beta1), t));
    const double v_hat = v[i] / (1 - std::pow(double(h.beta2), t));
    p[i] -= lr * m_hat / (std::sqrt(v_hat) + h.epsilon);
  }
}
}  // namespace

TEST_CASE("cpu adam: matches textbook Adam over many steps", "[adam]") {
  const std::size_t n = 100'003;  // several OpenMP chunks and a ragged tail
  std::mt19937 rng(12);
  std::normal_distribution<float> normal;
  std::vector<float> p(n), m(n, 0), v(n, 0), g(n);
  for (auto& x : p) x = normal(rng);
  std::vector<double> rp(p.begin(), p.end()), rm(n, 0), rv(n, 0), rg(n);
  AdamHyper hyper;
  hyper.epsilon = 1e-8f;
  for (int t = 1; t <= 20; ++t) {
    for (std::size_t i = 0; i < n; ++i) rg[i] = g[i] = normal(rng) * (i % 7 == 0 ? 1e-4f : 1.0f);
    adam_step_cpu({p.data(), m.data(), v.data(), g.data(), n}, AdamRates::uniform(1e-2f), t, hyper);
    reference_adam(rp, rm, rv, rg, 1e-2, t, hyper);
  }
  // Margins sit at float rounding of O(1) values accumulated over 20 steps; a wrong bias
  // correction or epsilon placement is off by more than 1e-4.
  for (std::size_t i = 0; i < n; ++i) {
    REQUIRE(p[i] == Approx(rp[i]).epsilon(1e-5).margin(1e-5));
    REQUIRE(m[i] == Approx(rm[i]).epsilon(1e-5).margin(1e-6));
    REQUIRE(v[i] == Approx(rv[i]).epsilon(1e-5).margin(1e-6));
  }
}

TEST_CASE("cpu adam: the first step moves each parameter by lr against its gradient sign",
          "[adam]") {
  std::vector<float> p = {1, 1, 1}, m(3, 0), v(3, 0), g = {3, -0.001f, 0};
  adam_step_cpu({p.data(), m.data(), v.data(), g.data(), 3}, AdamRates::uniform(0.1f), 1,
                AdamHyper{});
  CHECK(p[0] == Approx(0.9f));
  CHECK(p[1] == Approx(1.1f));
  CHECK(p[2] == 1.0f);  // a zero gradient leaves it (epsilon 1e-15 keeps 0/0 away)
}

TEST_CASE("cpu adam: row heads and tails take their own rates", "[adam]") {
  // Rows of 12 like SH degree 1: 3 DC values at 0.1, 9 others at 0.01.
  const std::size_t rows = 5000, width = 12;
  std::vector<float> p(rows * width, 0), m(p.size(), 0), v(p.size(), 0), g(p.size(), 1);
  adam_step_cpu({p.data(), m.data(), v.data(), g.data(), p.size()}, {0.1f, 0.01f, width, 3}, 1,
                AdamHyper{});
  for (std::size_t i = 0; i < p.size(); ++i)
    REQUIRE(p[i] == Approx(i % width < 3 ? -0.1f : -0.01f));
  REQUIRE_THROWS(adam_step_cpu({p.data(), m.data(), v.data(), g.data(), 7}, {0.1f, 0.01f, 3, 1}, 1,
                               AdamHyper{}));
}
