#include <catch2/catch.hpp>

#include "train/schedules.hpp"

using namespace splat;

TEST_CASE("schedules: position rate decays log-linearly to its final value", "[train]") {
  CHECK(exponential_decay(1.6e-4f, 1.6e-6f, 0, 30000) == Approx(1.6e-4f));
  CHECK(exponential_decay(1.6e-4f, 1.6e-6f, 15000, 30000) == Approx(1.6e-5f));  // geometric mean
  CHECK(exponential_decay(1.6e-4f, 1.6e-6f, 30000, 30000) == Approx(1.6e-6f));
  CHECK(exponential_decay(1.6e-4f, 1.6e-6f, 90000, 30000) == Approx(1.6e-6f));
}

TEST_CASE("schedules: SH degree rises every interval up to the maximum", "[train]") {
  CHECK(active_sh_degree(0, 1000, 3) == 0);
  CHECK(active_sh_degree(999, 1000, 3) == 0);
  CHECK(active_sh_degree(1000, 1000, 3) == 1);
  CHECK(active_sh_degree(2500, 1000, 3) == 2);
  CHECK(active_sh_degree(9000, 1000, 3) == 3);
  CHECK(active_sh_degree(9000, 1000, 1) == 1);
}

TEST_CASE("schedules: batch scaling of rates and betas", "[train]") {
  CHECK(batch_lr_factor(1, true) == 1.0f);
  CHECK(batch_lr_factor(4, true) == Approx(2.0f));
  CHECK(batch_lr_factor(4, false) == 1.0f);
  const AdamHyper one = batch_adam_hyper(1, true);
  CHECK(one.beta1 == 0.9f);
  const AdamHyper four = batch_adam_hyper(4, true);
  CHECK(four.beta1 == Approx(0.6561f));
  CHECK(four.beta2 == Approx(0.996006f));
}
