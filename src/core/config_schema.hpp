// Typed, documented configuration keys bound to variables. A YAML file and `key=value`
// overrides are applied through the schema; unknown keys, wrong types and out-of-range values
// are Errors that name the key (and the file). The variables' initial values are the defaults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace YAML {
class Node;
}

namespace splat {

class ConfigSchema {
 public:
  void add_int(std::string key, int* target, long long min, long long max, std::string doc);
  void add_uint64(std::string key, std::uint64_t* target, std::string doc);
  void add_float(std::string key, float* target, double min, double max, std::string doc);
  void add_bool(std::string key, bool* target, std::string doc);
  // `allowed` empty means any string.
  void add_string(std::string key, std::string* target, std::vector<std::string> allowed,
                  std::string doc);
  // Accepts "8GiB", "512MB" or a plain byte count.
  void add_bytes(std::string key, std::size_t* target, std::size_t min, std::string doc);
  // A count such as 100000, "200k", "1.5M" or "2B" (powers of 1000).
  void add_count(std::string key, std::size_t* target, std::string doc);
  void add_int_list(std::string key, std::vector<int>* target, long long min, long long max,
                    std::string doc);

  // Applies every key of a YAML mapping (nested maps give dotted keys).
  void load_yaml_file(const std::string& path);
  void load_yaml_text(std::string_view text, const std::string& source_name);
  // "train.iterations=7000"; the value is read as YAML ("[1000, 7000]" for lists).
  void apply_override(std::string_view assignment);

  bool has_key(std::string_view key) const;
  // Whether a file or an override gave `key` a value (defaults derived later, such as scaled
  // step schedules, must leave such keys alone).
  bool was_set(std::string_view key) const;
  // Where `key`'s value came from: the file or source name it was loaded from, "--set" for an
  // override, empty for the default.
  std::string set_by(std::string_view key) const;
  // The effective configuration as nested YAML, each key with its documentation.
  std::string to_yaml() const;

 private:
  struct Entry {
    std::string key;
    std::string doc;
    std::string type_name;
    std::function<void(const YAML::Node&, const std::string& where)> set;
    std::function<std::string()> get;  // flow-style YAML text of the current value
    std::string set_by = {};           // empty: the default
  };
  void add(Entry entry);
  void write_section(std::ostream& out, const std::vector<std::string>& section) const;
  void apply_node(const YAML::Node& node, const std::string& prefix, const std::string& source);
  Entry& find(std::string_view key, const std::string& source);

  std::vector<Entry> entries_;
};

}  // namespace splat
