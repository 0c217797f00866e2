#include "core/config_schema.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/byte_size.hpp"
#include "core/error.hpp"

namespace splat {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string scalar_of(const YAML::Node& node, const std::string& where, const char* expected) {
  SPLAT_REQUIRE(node.IsScalar(), where, ": expected ", expected, ", got ",
                node.IsNull() ? "nothing" : (node.IsSequence() ? "a list" : "a mapping"));
  return node.Scalar();
}

long long parse_integer(const YAML::Node& node, const std::string& where, long long min,
                        long long max) {
  const std::string text = scalar_of(node, where, "an integer");
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  SPLAT_REQUIRE(ec == std::errc() && end == text.data() + text.size(), where,
                ": expected an integer, got '", text, "'");
  SPLAT_REQUIRE(value >= min && value <= max, where, ": ", value, " is out of range [", min, ", ",
                max, "]");
  return value;
}

std::string flow(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

}  // namespace

void ConfigSchema::add(Entry entry) {
  SPLAT_REQUIRE(!has_key(entry.key), "config key '", entry.key, "' registered twice");
  entries_.push_back(std::move(entry));
}

void ConfigSchema::add_int(std::string key, int* target, long long min, long long max,
                           std::string doc) {
  add({key, std::move(doc), "integer",
       [=](const YAML::Node& node, const std::string& where) {
         *target = static_cast<int>(parse_integer(node, where, min, max));
       },
       [=] { return std::to_string(*target); }});
}

void ConfigSchema::add_uint64(std::string key, std::uint64_t* target, std::string doc) {
  add({key, std::move(doc), "integer",
       [=](const YAML::Node& node, const std::string& where) {
         const std::string text = scalar_of(node, where, "a non-negative integer");
         std::uint64_t value = 0;
         const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
         SPLAT_REQUIRE(ec == std::errc() && end == text.data() + text.size(), where,
                       ": expected a non-negative integer, got '", text, "'");
         *target = value;
       },
       [=] { return std::to_string(*target); }});
}

void ConfigSchema::add_float(std::string key, float* target, double min, double max,
                             std::string doc) {
  add({key, std::move(doc), "number",
       [=](const YAML::Node& node, const std::string& where) {
         const std::string text = scalar_of(node, where, "a number");
         double value = 0;
         const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
         SPLAT_REQUIRE(
             ec == std::errc() && end == text.data() + text.size() && std::isfinite(value), where,
             ": expected a finite number, got '", text, "'");
         SPLAT_REQUIRE(value >= min && value <= max, where, ": ", text, " is out of range [", min,
                       ", ", max, "]");
         *target = static_cast<float>(value);
       },
       [=] {
         char text[32];  // shortest text that reads back as the same float
         const auto result = std::to_chars(text, text + sizeof text, *target);
         return std::string(text, result.ptr);
       }});
}

void ConfigSchema::add_bool(std::string key, bool* target, std::string doc) {
  add({key, std::move(doc), "boolean",
       [=](const YAML::Node& node, const std::string& where) {
         const std::string text = scalar_of(node, where, "true or false");
         bool value = false;
         SPLAT_REQUIRE(YAML::convert<bool>::decode(node, value), where,
                       ": expected true or false, got '", text, "'");
         *target = value;
       },
       [=] { return std::string(*target ? "true" : "false"); }});
}

void ConfigSchema::add_string(std::string key, std::string* target,
                              std::vector<std::string> allowed, std::string doc) {
  add({key, std::move(doc), "string",
       [=](const YAML::Node& node, const std::string& where) {
         const std::string text = scalar_of(node, where, "a string");
         if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
           std::string choices;
           for (const auto& a : allowed) choices += (choices.empty() ? "" : ", ") + a;
           fail(where, ": '", text, "' is not one of ", choices);
         }
         *target = text;
       },
       [=] { return flow(YAML::Node(*target)); }});
}

void ConfigSchema::add_bytes(std::string key, std::size_t* target, std::size_t min,
                             std::string doc) {
  add({key, std::move(doc), "byte size",
       [=](const YAML::Node& node, const std::string& where) {
         const std::string text = scalar_of(node, where, "a byte size such as 8GiB");
         std::size_t value = 0;
         try {
           value = parse_bytes(text);
         } catch (const Error& e) {
           fail(where, ": ", e.what());
         }
         SPLAT_REQUIRE(value >= min, where, ": ", text, " is below the minimum of ",
                       format_bytes(min));
         *target = value;
       },
       [=] {
         // Exact, so the effective config reads back to the same value.
         for (const auto& [unit, size] :
              {std::pair{"TiB", 1ull << 40}, std::pair{"GiB", 1ull << 30},
               std::pair{"MiB", 1ull << 20}, std::pair{"KiB", 1ull << 10}})
           if (*target != 0 && *target % size == 0) return str_cat(*target / size, unit);
         return std::to_string(*target);
       }});
}

void ConfigSchema::add_count(std::string key, std::size_t* target, std::string doc) {
  add({key, std::move(doc), "count",
       [=](const YAML::Node& node, const std::string& where) {
         const std::string text = scalar_of(node, where, "a count such as 5000 or 2M");
         double value = 0;
         const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
         const std::string_view suffix(end, text.data() + text.size() - end);
         double factor = 0;
         if (suffix.empty()) factor = 1;
         if (suffix == "k" || suffix == "K") factor = 1e3;
         if (suffix == "M") factor = 1e6;
         if (suffix == "B" || suffix == "G") factor = 1e9;
         SPLAT_REQUIRE(ec == std::errc() && factor > 0 && value >= 0 && value * factor < 1e18,
                       where, ": expected a count such as 5000, 200k or 2M, got '", text, "'");
         *target = static_cast<std::size_t>(std::llround(value * factor));
       },
       [=] { return std::to_string(*target); }});
}

void ConfigSchema::add_int_list(std::string key, std::vector<int>* target, long long min,
                                long long max, std::string doc) {
  add({key, std::move(doc), "list of integers",
       [=](const YAML::Node& node, const std::string& where) {
         std::vector<int> values;
         if (node.IsSequence()) {
           for (std::size_t i = 0; i < node.size(); ++i)
             values.push_back(
                 static_cast<int>(parse_integer(node[i], str_cat(where, "[", i, "]"), min, max)));
         } else {
           values.push_back(static_cast<int>(parse_integer(node, where, min, max)));
         }
         *target = std::move(values);
       },
       [=] {
         std::string text = "[";
         for (std::size_t i = 0; i < target->size(); ++i)
           text += (i ? ", " : "") + std::to_string((*target)[i]);
         return text + "]";
       }});
}

bool ConfigSchema::has_key(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.key == key; });
}

bool ConfigSchema::was_set(std::string_view key) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const Entry& e) { return e.key == key && !e.set_by.empty(); });
}

std::string ConfigSchema::set_by(std::string_view key) const {
  for (const Entry& e : entries_)
    if (e.key == key) return e.set_by;
  return {};
}

ConfigSchema::Entry& ConfigSchema::find(std::string_view key, const std::string& source) {
  const Entry* closest = nullptr;
  std::size_t best = 4;  // suggest only near misses
  for (Entry& entry : entries_) {
    if (entry.key == key) return entry;
    const std::size_t distance = edit_distance(entry.key, key);
    if (distance < best) best = distance, closest = &entry;
  }
  fail(source, ": unknown config key '", key, "'",
       closest ? str_cat(" (did you mean '", closest->key, "'?)") : std::string());
}

void ConfigSchema::apply_node(const YAML::Node& node, const std::string& prefix,
                              const std::string& source) {
  if (node.IsMap() && !has_key(prefix)) {
    for (const auto& item : node) {
      const std::string name = item.first.as<std::string>();
      apply_node(item.second, prefix.empty() ? name : prefix + "." + name, source);
    }
    return;
  }
  SPLAT_REQUIRE(!prefix.empty(), source, ": expected a mapping of config keys");
  Entry& entry = find(prefix, source);
  entry.set(node, str_cat(source, ": key '", prefix, "'"));
  entry.set_by = source;
}

void ConfigSchema::load_yaml_text(std::string_view text, const std::string& source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    fail(source_name, ": not valid YAML: line ", e.mark.line + 1, ", column ", e.mark.column + 1,
         ": ", e.msg);
  }
  if (root.IsNull()) return;  // an empty file changes nothing
  SPLAT_REQUIRE(root.IsMap(), source_name, ": expected a mapping of config keys at the top level");
  apply_node(root, "", source_name);
}

void ConfigSchema::load_yaml_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  SPLAT_REQUIRE(file.good(), path, ": cannot open config file");
  std::ostringstream text;
  text << file.rdbuf();
  load_yaml_text(text.str(), path);
}

void ConfigSchema::apply_override(std::string_view assignment) {
  const auto equals = assignment.find('=');
  SPLAT_REQUIRE(equals != std::string_view::npos && equals > 0, "--set '", assignment,
                "': expected key=value");
  const std::string key(assignment.substr(0, equals));
  const std::string value(assignment.substr(equals + 1));
  Entry& entry = find(key, "--set");
  YAML::Node node;
  try {
    node = YAML::Load(value);
  } catch (const YAML::Exception&) {
    node = YAML::Node(value);  // not YAML: take the text as a plain string
  }
  entry.set(node, str_cat("--set: key '", key, "'"));
  entry.set_by = "--set";
}

namespace {

std::vector<std::string> key_parts(const std::string& key) {
  std::vector<std::string> parts;
  std::stringstream split(key);
  for (std::string part; std::getline(split, part, '.');) parts.push_back(part);
  return parts;
}

}  // namespace

// Keys are registered in the order that reads best, which interleaves sections (scheduler.order
// sits with the offload keys, scheduler.batches with train's); YAML allows each key once per
// mapping, so a section is written whole where it first appears.
void ConfigSchema::write_section(std::ostream& out, const std::vector<std::string>& section) const {
  const std::size_t depth = section.size();
  std::vector<std::string> written;  // subsections of `section` already written
  for (const Entry& entry : entries_) {
    const std::vector<std::string> parts = key_parts(entry.key);
    if (parts.size() <= depth || !std::equal(section.begin(), section.end(), parts.begin()))
      continue;
    const std::string indent(2 * depth, ' ');
    if (parts.size() == depth + 1) {
      out << indent << parts.back() << ": " << entry.get() << "  # " << entry.doc << "\n";
      continue;
    }
    const std::string& child = parts[depth];
    if (std::find(written.begin(), written.end(), child) != written.end()) continue;
    written.push_back(child);
    out << indent << child << ":\n";
    std::vector<std::string> deeper = section;
    deeper.push_back(child);
    write_section(out, deeper);
  }
}

std::string ConfigSchema::to_yaml() const {
  std::ostringstream out;
  write_section(out, {});
  return out.str();
}

}  // namespace splat
