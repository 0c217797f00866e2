#include "train/run_outputs.hpp"

#include <filesystem>
#include <system_error>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "io/gaussian_ply.hpp"
#include "io/image_codec.hpp"

namespace splat {

namespace fs = std::filesystem;

namespace {

void make_folder(const fs::path& path) {
  std::error_code error;
  fs::create_directories(path, error);
  SPLAT_REQUIRE(!error && fs::is_directory(path), path.string(),
                ": cannot create the output folder: ", error.message());
}

Image to_image(const ViewImage& view) {
  Image image(view.width, view.height, 3);
  image.pixels = view.rgb;
  return image;
}

}  // namespace

std::string png_path_for_view(const std::string& folder, const std::string& view_name) {
  fs::path relative(view_name);
  relative.replace_extension(".png");
  // Names come from dataset files; never let one climb out of the output folder.
  SPLAT_REQUIRE(!relative.is_absolute() && relative.lexically_normal().string().rfind("..", 0) != 0,
                "view name '", view_name, "' is not a relative path inside the dataset");
  return (fs::path(folder) / relative).string();
}

RunOutputs::RunOutputs(std::string folder) : folder_(std::move(folder)) {
  make_folder(folder_);
  make_folder(fs::path(folder_) / "checkpoints");
}

void RunOutputs::make_snapshot_folder() const {
  make_folder(fs::path(folder_) / "snapshot");
}

void RunOutputs::write_config(const std::string& yaml) const {
  write_file_atomically(config_path(), yaml);
}

void RunOutputs::write_model(const GaussianModel& model) const {
  write_gaussian_ply(model_path(), model);
}

void RunOutputs::write_run_info(const std::string& json) const {
  write_file_atomically(run_info_path(), json);
}

void RunOutputs::write_metrics(const std::string& json) const {
  write_file_atomically(metrics_path(), json);
}

void RunOutputs::write_snapshot_metrics(const std::string& json) const {
  write_file_atomically(snapshot_metrics_path(), json);
}

void RunOutputs::write_test_render(const std::string& view_name, const ViewImage& render,
                                   const ViewImage& truth) const {
  write_render_pair(folder_ + "/test", view_name, render, truth);
}

void write_render_pair(const std::string& folder, const std::string& view_name,
                       const ViewImage& render, const ViewImage& truth) {
  const std::string render_path = png_path_for_view(folder + "/renders", view_name);
  const std::string truth_path = png_path_for_view(folder + "/gt", view_name);
  make_folder(fs::path(render_path).parent_path());
  make_folder(fs::path(truth_path).parent_path());
  write_png(render_path, to_image(render));
  write_png(truth_path, to_image(truth));
}

}  // namespace splat
