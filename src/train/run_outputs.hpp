// The output folder of a training run and what goes in it: config.yaml (the effective
// configuration), run.json (the dataset), point_cloud.ply (the model), metrics.json, test/ (renders
// beside their ground truth), checkpoints/ and, when asked for, snapshot/. Every file is written
// atomically, so an interrupted write never replaces a good file with half of one.
#pragma once

#include <string>

#include "model/gaussian_model.hpp"
#include "train/view_source.hpp"

namespace splat {

class RunOutputs {
 public:
  // Creates the folder and its subfolders; an existing run's files are replaced one by one.
  explicit RunOutputs(std::string folder);

  const std::string& folder() const { return folder_; }
  std::string checkpoint_path() const { return checkpoint_path_in(folder_); }
  static std::string checkpoint_path_in(const std::string& folder) {
    return folder + "/checkpoints/latest.ckpt";
  }
  std::string model_path() const { return folder_ + "/point_cloud.ply"; }
  std::string metrics_path() const { return folder_ + "/metrics.json"; }
  std::string config_path() const { return folder_ + "/config.yaml"; }
  // run.json: what the run trains on ({"dataset": folder}), written when it starts, so that a
  // viewer opened before the first metrics finds the cameras.
  std::string run_info_path() const { return folder_ + "/run.json"; }
  // What a viewer follows during training (train.snapshot_every): the model, then the metrics
  // naming its step, each replaced atomically, so a reader of metrics.json finds the model of
  // that step or a later one.
  std::string snapshot_model_path() const { return folder_ + "/snapshot/point_cloud.ply"; }
  std::string snapshot_metrics_path() const { return folder_ + "/snapshot/metrics.json"; }
  void make_snapshot_folder() const;
  void write_snapshot_metrics(const std::string& json) const;

  void write_config(const std::string& yaml) const;
  void write_run_info(const std::string& json) const;
  void write_model(const GaussianModel& model) const;
  void write_metrics(const std::string& json) const;
  // test/renders/<view>.png and test/gt/<view>.png (the view's name with its extension
  // replaced; folders in names are kept).
  void write_test_render(const std::string& view_name, const ViewImage& render,
                         const ViewImage& truth) const;

 private:
  std::string folder_;
};

// <folder>/renders/<view>.png and <folder>/gt/<view>.png.
void write_render_pair(const std::string& folder, const std::string& view_name,
                       const ViewImage& render, const ViewImage& truth);

// A view name as a PNG file name under `folder`: "dir/img.jpg" -> "<folder>/dir/img.png".
std::string png_path_for_view(const std::string& folder, const std::string& view_name);

}  // namespace splat
