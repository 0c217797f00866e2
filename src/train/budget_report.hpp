// `splatstream plan`: what each training mode needs of device and host memory for a scene and
// its initial model, from the same survey, plan and need the offload engine makes when it
// starts, without allocating anything or training.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "model/model_reader.hpp"
#include "offload/disk_tier_plan.hpp"
#include "offload/visibility_survey.hpp"
#include "train/train_config.hpp"

namespace splat {

struct ModePlan {
  std::string mode;        // resident, naive, offload, offload-chunks, offload-geometry
  std::string budget_key;  // the key whose budget it is planned against
  std::size_t budget = 0;  // that key's value as a run takes it
  std::size_t device_bytes_per_gaussian = 0;  // N-sized device memory
  std::size_t device_bytes_per_row = 0;       // per working-set row (0: resident)
  std::size_t host_bytes_per_gaussian = 0;
  std::size_t working_set = 0;        // rows the budget holds (resident: the model)
  std::size_t allocated_bytes = 0;    // what the run lays out in the budget at the start
  std::size_t minimum_budget = 0;     // for the whole run (the planned size)
  std::size_t largest_gaussians = 0;  // the most this budget holds at the visible fraction
  bool fits = false;                  // budget >= minimum_budget
};

struct BudgetReport {
  std::string backend;
  std::size_t gaussians = 0;
  int sh_degree = 0;
  VisibilitySurvey survey;
  std::size_t planned_gaussians = 0;
  std::string growth;
  double visible_fraction = 0;  // largest share one camera sees
  std::vector<ModePlan> modes;
  DiskTierPlan disk;  // offload.host_budget's split of the offload store at the planned size
  std::string text() const;
  std::string json() const;  // the same, for scripts
};

// `cameras`: every training and evaluation camera; `step`: the steps already done (a resume).
// `budget` is the arena a streamed mode takes (offload_budget), `resident_budget` a resident run's
// (0 on the CPU backend: no device).
BudgetReport make_budget_report(const TrainConfig& config, BackendKind backend, std::size_t budget,
                                std::size_t resident_budget, const ModelReader& model,
                                const std::vector<SurveyCamera>& cameras, int step = 0);

// What `splatstream plan` prints: the dataset loaded with the run's configuration (a checkpoint's,
// the preset, the overrides), the model the run would start from, every training and test
// camera surveyed, and the report for the backend the configuration selects.
struct DatasetPlan {
  std::size_t train_views = 0, test_views = 0;
  BudgetReport report;
};
DatasetPlan plan_dataset(const std::string& data_dir, const std::string& config_file,
                         const std::vector<std::string>& overrides,
                         const std::string& checkpoint_path);

}  // namespace splat
