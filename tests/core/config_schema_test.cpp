#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "strict_yaml.hpp"

using namespace splat;
using Catch::Contains;

namespace {
struct Settings {
  int iterations = 30000;
  float lr = 1.6e-4f;
  bool verbose = false;
  std::string mode = "resident";
  std::size_t budget = 1 << 20;
  std::vector<int> eval_at{7000, 30000};
  std::uint64_t seed = 0;
  std::size_t cap = 0;
};

ConfigSchema schema_for(Settings& s) {
  ConfigSchema schema;
  schema.add_int("train.iterations", &s.iterations, 1, 10'000'000, "optimizer steps");
  schema.add_float("train.lr", &s.lr, 0.0, 1.0, "learning rate");
  schema.add_bool("verbose", &s.verbose, "more output");
  schema.add_string("mode", &s.mode, {"resident", "offload", "naive"}, "where parameters live");
  schema.add_bytes("offload.gpu_budget", &s.budget, 1024, "device memory budget");
  schema.add_int_list("train.eval_at", &s.eval_at, 0, 10'000'000, "evaluation steps");
  schema.add_uint64("seed", &s.seed, "random seed");
  schema.add_count("cap", &s.cap, "most Gaussians");
  return schema;
}
}  // namespace

TEST_CASE("config: YAML files and overrides set typed values", "[config]") {
  Settings s;
  auto schema = schema_for(s);
  schema.load_yaml_text(
      "train:\n  iterations: 7000\n  eval_at: [100, 200]\nmode: offload\n"
      "offload: {gpu_budget: 8GiB}\nverbose: true\nseed: 42\n",
      "preset.yaml");
  CHECK(s.iterations == 7000);
  CHECK(s.eval_at == std::vector<int>{100, 200});
  CHECK(s.mode == "offload");
  CHECK(s.budget == 8ull << 30);
  CHECK(s.verbose);
  CHECK(s.seed == 42);
  schema.apply_override("train.lr=0.001");
  schema.apply_override("train.eval_at=500");
  schema.apply_override("mode=naive");
  CHECK(s.lr == Approx(0.001f));
  CHECK(s.eval_at == std::vector<int>{500});
  CHECK(s.mode == "naive");
  schema.apply_override("cap=1.5M");
  CHECK(s.cap == 1'500'000);
  schema.apply_override("cap=200k");
  CHECK(s.cap == 200'000);
  CHECK_THROWS_WITH(schema.apply_override("cap=3MiB"), Contains("expected a count"));
  CHECK_THROWS_WITH(schema.apply_override("cap=-4"), Contains("expected a count"));
}

TEST_CASE("config: mistakes name the key and the source", "[config]") {
  Settings s;
  auto schema = schema_for(s);
  CHECK_THROWS_WITH(schema.load_yaml_text("train:\n  iteratons: 5\n", "a.yaml"),
                    Contains("a.yaml") && Contains("unknown config key 'train.iteratons'") &&
                        Contains("did you mean 'train.iterations'"));
  CHECK_THROWS_WITH(schema.apply_override("train.iterations=many"),
                    Contains("key 'train.iterations'") && Contains("expected an integer"));
  CHECK_THROWS_WITH(schema.apply_override("train.iterations=0"), Contains("out of range"));
  CHECK_THROWS_WITH(schema.apply_override("train.lr=nan"), Contains("finite number"));
  CHECK_THROWS_WITH(schema.apply_override("mode=gpu"),
                    Contains("'gpu' is not one of resident, offload, naive"));
  CHECK_THROWS_WITH(schema.apply_override("offload.gpu_budget=lots"), Contains("gpu_budget"));
  CHECK_THROWS_WITH(schema.apply_override("verbose=maybe"), Contains("true or false"));
  CHECK_THROWS_WITH(schema.apply_override("verbose"), Contains("expected key=value"));
  CHECK_THROWS_WITH(schema.load_yaml_text("train: [1, 2", "b.yaml"),
                    Contains("b.yaml: not valid YAML: line"));
  CHECK_THROWS_WITH(schema.load_yaml_text("- 1\n- 2\n", "c.yaml"), Contains("mapping"));
  CHECK_THROWS_WITH(schema.load_yaml_text("train:\n  iterations:\n", "d.yaml"),
                    Contains("got nothing"));
  CHECK(s.iterations == 30000);  // failed assignments changed nothing
}

TEST_CASE("config: a missing file is a clear error", "[config]") {
  Settings s;
  auto schema = schema_for(s);
  CHECK_THROWS_WITH(schema.load_yaml_file("/nonexistent/preset.yaml"),
                    Contains("/nonexistent/preset.yaml: cannot open"));
}

TEST_CASE("config: the effective configuration reads back identically", "[config]") {
  Settings s;
  auto schema = schema_for(s);
  schema.apply_override("train.lr=0.000123");
  schema.apply_override("offload.gpu_budget=3GiB");
  const std::string yaml = schema.to_yaml();
  CHECK_THAT(yaml, Contains("train:\n  iterations: 30000  # optimizer steps"));
  Settings t;
  auto reread = schema_for(t);
  reread.load_yaml_text(yaml, "effective.yaml");
  CHECK(t.lr == s.lr);
  CHECK(t.budget == s.budget);
  CHECK(t.eval_at == s.eval_at);
  CHECK(t.mode == s.mode);
}

TEST_CASE("config: a strict YAML reader rejects repeated keys", "[config]") {
  CHECK_NOTHROW(test::require_unique_keys("a:\n  b: 1\n  c: [1, 2]\nd: {e: 1}\n"));
  CHECK_THROWS_WITH(test::require_unique_keys("a:\n  b: 1\nc: 2\na:\n  d: 3\n"),
                    Contains("line 4: key 'a'"));
  CHECK_THROWS_WITH(test::require_unique_keys("a: {b: 1, b: 2}\n"), Contains("key 'b'"));
}

// Sections registered apart (scheduler.* among the offload keys and among train's) are written
// once each, where they first appear.
TEST_CASE("config: the effective configuration writes each section once", "[config]") {
  int a = 1, b = 2, c = 3, d = 4, e = 5;
  ConfigSchema schema;
  schema.add_int("train.iterations", &a, 0, 10, "steps");
  schema.add_int("scheduler.order", &b, 0, 10, "order");
  schema.add_int("seed", &c, 0, 10, "seed");
  schema.add_int("train.batch_size", &d, 0, 10, "batch");
  schema.add_int("scheduler.batches", &e, 0, 10, "batches");
  const std::string yaml = schema.to_yaml();
  CHECK_NOTHROW(test::require_unique_keys(yaml));
  CHECK(yaml ==
        "train:\n  iterations: 1  # steps\n  batch_size: 4  # batch\n"
        "scheduler:\n  order: 2  # order\n  batches: 5  # batches\nseed: 3  # seed\n");
  int a2 = 0, b2 = 0, c2 = 0, d2 = 0, e2 = 0;
  ConfigSchema reread;
  reread.add_int("train.iterations", &a2, 0, 10, "steps");
  reread.add_int("scheduler.order", &b2, 0, 10, "order");
  reread.add_int("seed", &c2, 0, 10, "seed");
  reread.add_int("train.batch_size", &d2, 0, 10, "batch");
  reread.add_int("scheduler.batches", &e2, 0, 10, "batches");
  reread.load_yaml_text(yaml, "effective.yaml");
  CHECK((a2 == a && b2 == b && c2 == c && d2 == d && e2 == e));
}
