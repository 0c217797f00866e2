// Settings a dataset is meant to be read with, carried in the dataset folder as
// `splatstream.yaml`: data.far_plane, data.background, data.test_every and data.images (what
// describes the dataset; never the machine's settings or the user's choices). A generated
// street-level city writes its draw distance there as data.far_plane: its images show nothing
// beyond it, so training, evaluation and rendering must not draw or stream what lies past it. They
// apply before a checkpoint's configuration, a preset and --set, so each of those overrides them.
#pragma once

#include <string>

namespace splat {

class ConfigSchema;

inline constexpr const char* kDatasetDefaultsFile = "splatstream.yaml";

// Loads DATA_DIR/splatstream.yaml into `schema` if the dataset has one. Returns what it set, as
// "data.far_plane=187.5" (several separated by spaces), or empty. Any other key or a bad value
// is an Error naming the file.
std::string apply_dataset_defaults(ConfigSchema& schema, const std::string& data_dir);

// Writes DATA_DIR/splatstream.yaml (atomically) with `data_yaml`, the lines of the data: mapping
// (for example "far_plane: 187.5").
void write_dataset_defaults(const std::string& data_dir, const std::string& data_yaml);

}  // namespace splat
