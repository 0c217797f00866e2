#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "strict_yaml.hpp"
#include "train/planned_growth.hpp"
#include "train/train_config.hpp"

using namespace splat;
using Catch::Contains;

TEST_CASE("train config: the public keys exist with the reference defaults", "[config]") {
  TrainConfig config;
  ConfigSchema schema;
  bind_train_config(schema, config);
  for (const char* key :
       {"backend", "mode", "seed", "data.images", "data.resolution", "train.iterations",
        "train.batch_size", "train.eval_at", "model.sh_degree"})
    CHECK(schema.has_key(key));
  CHECK(config.iterations == 30000);
  CHECK(config.lr.sh_rest == Approx(1.25e-4f));
  CHECK(config.densify.grad_threshold == Approx(2e-4f));
  schema.apply_override("train.iterations=7000");
  schema.apply_override("train.eval_at=[1000,7000]");
  schema.apply_override("densify.max_gaussians=2M");
  CHECK(config.densify.max_gaussians == 2'000'000);
  validate_train_config(config);
  CHECK_THROWS_WITH(schema.apply_override("model.sh_degree=4"), Contains("model.sh_degree"));
  CHECK_THROWS_WITH(schema.apply_override("backend=gpu"), Contains("backend"));
  schema.apply_override("offload.resident=geometry");
  CHECK(config.offload.resident == "geometry");
  CHECK_THROWS_WITH(schema.apply_override("offload.resident=all"), Contains("offload.resident"));
  schema.apply_override("train.eval_at=9000");
  CHECK_THROWS_WITH(validate_train_config(config), Contains("train.eval_at: step 9000"));
}

namespace {
TrainConfig load_preset(const std::filesystem::path& file) {
  TrainConfig config;
  ConfigSchema schema;
  bind_train_config(schema, config);
  schema.load_yaml_file(file.string());
  validate_train_config(config);
  return config;
}
}  // namespace

// A preset that stops loading (a renamed key, a value out of range) fails here, not in a
// user's run.
TEST_CASE("train config: every file in configs/ loads through the schema", "[config]") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SPLAT_SOURCE_DIR) + "/configs"))
    files.push_back(entry.path());
  REQUIRE(files.size() >= 6);
  for (const auto& file : files) {
    INFO(file);
    CHECK(file.extension() == ".yaml");
    CHECK_NOTHROW(load_preset(file));
  }
}

// The presets the docs promise say what they are for.
TEST_CASE("train config: the memory presets set what their names say", "[config]") {
  const std::string dir = std::string(SPLAT_SOURCE_DIR) + "/configs/";
  CHECK(load_preset(dir + "resident.yaml").mode == "resident");
  const TrainConfig offload = load_preset(dir + "offload.yaml");
  CHECK(offload.mode == "offload");
  CHECK(offload.offload.gpu_budget == std::size_t{8} << 30);
  const TrainConfig small = load_preset(dir + "offload-4gb.yaml");
  CHECK(small.mode == "offload");
  CHECK(small.offload.gpu_budget == std::size_t{4} << 30);
  const TrainConfig geometry = load_preset(dir + "offload-geometry.yaml");
  CHECK(geometry.mode == "offload");
  CHECK(geometry.offload.resident == "geometry");
  const TrainConfig city = load_preset(dir + "city-100m.yaml");
  CHECK(city.mode == "offload");
  CHECK(city.offload.gpu_budget <= std::size_t{16} << 30);
  CHECK(city.densify.max_gaussians == 100'000'000);
}

namespace {
struct Resolved {
  TrainConfig config;
  std::string line;
  std::string yaml;
};
// As `train` resolves its configuration: a file (if any), then the overrides.
Resolved resolve_file(const std::string& file, const std::vector<std::string>& overrides) {
  Resolved r;
  ConfigSchema schema;
  bind_train_config(schema, r.config);
  if (!file.empty()) schema.load_yaml_file(file);
  const ScheduleRecipe recipe = schedule_recipe_of(schema, r.config, file);
  for (const std::string& o : overrides) schema.apply_override(o);
  r.line = finish_train_config(r.config, schema, recipe);
  r.yaml = schema.to_yaml();
  return r;
}
Resolved resolve(const std::vector<std::string>& overrides) {
  return resolve_file({}, overrides);
}
}  // namespace

TEST_CASE("train config: a short run needs only train.iterations", "[config]") {
  // The default evaluation steps (7000, 30000) follow the run: scaled, then cut at its end.
  const Resolved short_run = resolve({"train.iterations=1000"});
  CHECK(short_run.config.eval_at == std::vector<int>{233, 1000});
  CHECK(resolve({"train.iterations=1234"}).config.eval_at == std::vector<int>{288, 1234});
  // Unscaled, the defaults past the end are dropped and the last step is still evaluated.
  CHECK(resolve({"train.iterations=1000", "train.schedule_scale=1"}).config.eval_at ==
        std::vector<int>{1000});
  CHECK(resolve({"train.iterations=9000", "train.schedule_scale=1"}).config.eval_at ==
        std::vector<int>{7000, 9000});
  CHECK(resolve({}).config.eval_at == std::vector<int>{7000, 30000});
  // Steps the user asked for past the end stay an error.
  CHECK_THROWS_WITH(resolve({"train.iterations=1000", "train.eval_at=[500, 7000]"}),
                    Contains("train.eval_at: step 7000 is after the last step"));
  CHECK(resolve({"train.iterations=1000", "train.eval_at=[500]"}).config.eval_at ==
        std::vector<int>{500});
}

TEST_CASE("train config: step schedules scale with the run unless set by hand", "[config]") {
  const Resolved full = resolve({});
  CHECK(full.line.empty());
  CHECK(full.config.densify.from_step == 500);
  CHECK(full.config.sh_increase_every == 1000);

  const Resolved short_run = resolve({"train.iterations=1000"});
  const DensifyConfig& d = short_run.config.densify;
  CHECK(d.from_step == 17);                 // 500 / 30
  CHECK(d.until_step == 500);               // 15000 / 30
  CHECK(d.interval == 100);                 // floored: gradient statistics need views
  CHECK(d.opacity_reset_interval == 3000);  // floored: a reset needs steps to recover
  CHECK(short_run.config.sh_increase_every == 33);
  CHECK_THAT(short_run.line, Contains("factor 0.03333") && Contains("densify.until 500"));

  // A key set by hand keeps its value; the others still scale.
  const Resolved mixed = resolve({"train.iterations=1000", "densify.until=800"});
  CHECK(mixed.config.densify.until_step == 800);
  CHECK(mixed.config.densify.from_step == 17);

  // A factor scales at any length, up as well as down.
  const Resolved doubled = resolve({"train.schedule_scale=2", "train.iterations=60000"});
  CHECK(doubled.config.densify.until_step == 30000);
  CHECK(doubled.config.densify.interval == 200);
  CHECK(doubled.config.densify.opacity_reset_interval == 6000);
  CHECK(doubled.config.eval_at == std::vector<int>{14000, 60000});
  CHECK(resolve({"train.iterations=50000"}).config.densify.until_step == 15000);  // auto: 1

  CHECK_THROWS_WITH(resolve({"train.schedule_scale=fast"}), Contains("train.schedule_scale"));
  CHECK_THROWS_WITH(resolve({"train.schedule_scale=0"}), Contains("train.schedule_scale"));
  CHECK_THROWS_WITH(resolve({"train.schedule_scale=-1"}), Contains("train.schedule_scale"));
}

TEST_CASE("train config: a preset's schedules follow a shorter run", "[config]") {
  const std::string dir = std::string(SPLAT_SOURCE_DIR) + "/configs/";
  // Every preset states its length, so a short run of it needs only train.iterations.
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    INFO(file.path());
    const Resolved r = resolve_file(file.path().string(), {"train.iterations=500"});
    CHECK(r.config.eval_at.back() == 500);
    CHECK(r.config.densify.until_step <= 500);
  }
  // The offload preset's [7000, 30000] at 1000 steps: as the defaults.
  CHECK(resolve_file(dir + "offload.yaml", {"train.iterations=1000"}).config.eval_at ==
        std::vector<int>{233, 1000});
  // The quickstart recipe is written for 3000 steps: at 500 every schedule is a sixth.
  const Resolved quick = resolve_file(dir + "quickstart.yaml", {"train.iterations=500"});
  CHECK(quick.config.eval_at == std::vector<int>{167, 500});
  CHECK(quick.config.densify.from_step == 50);
  CHECK(quick.config.densify.until_step == 417);
  CHECK(quick.config.sh_increase_every == 83);
  CHECK_THAT(quick.line, Contains("factor 0.1667"));
  // At its own length a recipe is taken as written; a longer run still evaluates its end.
  const Resolved full = resolve_file(dir + "quickstart.yaml", {});
  CHECK(full.line.empty());
  CHECK(full.config.eval_at == std::vector<int>{1000, 3000});
  const Resolved longer = resolve_file(dir + "quickstart.yaml", {"train.iterations=6000"});
  CHECK(longer.config.eval_at == std::vector<int>{1000, 3000, 6000});
  CHECK(longer.config.densify.until_step == 2500);
  // A key given with --set is still taken as it is.
  CHECK_THROWS_WITH(
      resolve_file(dir + "offload.yaml", {"train.iterations=1000", "train.eval_at=[7000]"}),
      Contains("train.eval_at: step 7000 is after the last step"));
}

TEST_CASE("train config: a file that does not state its length is taken as written", "[config]") {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "splat_schedule_no_length.yaml";
  {
    std::ofstream out(file);
    out << "train:\n  eval_at: [100, 200]\ndensify:\n  until: 150\n";
  }
  const Resolved fits = resolve_file(file.string(), {"train.iterations=200"});
  CHECK(fits.config.eval_at == std::vector<int>{100, 200});
  CHECK(fits.config.densify.until_step == 150);
  CHECK(fits.config.densify.from_step == 3);  // unset: the default 500 scaled by 200/30000
  CHECK_THROWS_WITH(resolve_file(file.string(), {"train.iterations=150"}),
                    Contains("train.eval_at: step 200 is after the last step"));
  std::filesystem::remove(file);
}

// What a run writes as config.yaml: every key once (strict YAML readers such as PyYAML keep only
// a repeated key's last value), reading back to the same configuration, which then stays as it
// is (every key in it counts as set by hand, so nothing is scaled twice).
TEST_CASE("train config: the effective configuration is strict YAML and reads back", "[config]") {
  const Resolved run = resolve({"train.iterations=1000", "scheduler.order=sampled"});
  CHECK_NOTHROW(test::require_unique_keys(run.yaml));
  TrainConfig reread;
  ConfigSchema schema;
  bind_train_config(schema, reread);
  schema.load_yaml_text(run.yaml, "config.yaml");
  CHECK(finish_train_config(reread, schema).empty());
  CHECK(schema.to_yaml() == run.yaml);
  CHECK(reread.iterations == 1000);
  CHECK(reread.offload.order == "sampled");
  CHECK(reread.densify.from_step == 17);
}

TEST_CASE("planned growth: the last densification step and the size planned for", "[config]") {
  TrainConfig c;
  c.iterations = 30000;
  CHECK(last_densification_step(c) == 14900);  // from 500, until 15000, every 100
  c.iterations = 7000;
  CHECK(last_densification_step(c) == 7000);
  c.densify.from_step = 7000;
  CHECK(last_densification_step(c) == 0);  // nothing after `from` within the run
  c.densify.from_step = 500;
  c.densify.until_step = 500;
  CHECK(last_densification_step(c) == 0);
  c.densify.until_step = 15000;
  c.offload.plan_growth = 3;
  CHECK(planned_growth(c).planned(1000, 0) == 3000);
  CHECK(planned_growth(c).planned(1000, 7000) == 1000);
  c.densify.max_gaussians = 1500;
  CHECK(planned_growth(c).planned(1000, 0) == 1500);
}
