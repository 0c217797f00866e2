// `splatstream plan`: the memory plan of every training mode for a dataset and its initial
// model, without training: what a budget holds, the smallest budget for the whole run, and the
// largest visible set it rests on.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "train/budget_report.hpp"

namespace splat::app {

namespace {

struct PlanOptions {
  std::string data_dir, config_file, checkpoint;
  std::vector<std::string> overrides;
  bool json = false;
};

int run_plan(const PlanOptions& o) {
  const DatasetPlan plan = plan_dataset(o.data_dir, o.config_file, o.overrides, o.checkpoint);
  if (o.json) {
    std::fputs(plan.report.json().c_str(), stdout);
  } else {
    std::printf("dataset: %s, %zu training and %zu test cameras\n", o.data_dir.c_str(),
                plan.train_views, plan.test_views);
    std::fputs(plan.report.text().c_str(), stdout);
  }
  return 0;
}

}  // namespace

void register_plan_command(CLI::App& app) {
  add_command(app, "plan",
              "print the memory plan of each mode (resident, naive, offload, offload with "
              "resident geometry) for a dataset and its initial model, without training",
              [](CLI::App& sub) {
                auto o = std::make_shared<PlanOptions>();
                sub.add_option("--data", o->data_dir, "dataset folder")->required();
                sub.add_option("--config", o->config_file, "YAML preset (see configs/)");
                sub.add_option("--set", o->overrides,
                               "override a key: --set offload.gpu_budget=8GiB");
                sub.add_option("--resume-from", o->checkpoint,
                               "plan for the model and configuration of this checkpoint");
                sub.add_flag("--json", o->json, "print JSON (for scripts)");
                return [o] { return run_plan(*o); };
              });
}

}  // namespace splat::app
