// A YAML reader for tests that, unlike yaml-cpp's node API, rejects a mapping that repeats a key
// (YAML 1.2 requires unique keys; PyYAML and others silently keep the last one). It walks
// yaml-cpp's parser events, so it checks exactly the document a YAML reader sees.
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace splat::test {

class DuplicateKeyChecker : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark, "~"); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark, "*alias"); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string& value) override {
    node(mark, value);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    node(mark, "[sequence]");
    frames_.push_back({false, true, {}});
  }
  void OnSequenceEnd() override { frames_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    node(mark, "{mapping}");
    frames_.push_back({true, true, {}});
  }
  void OnMapEnd() override { frames_.pop_back(); }

 private:
  struct Frame {
    bool mapping;
    bool expecting_key = true;
    std::set<std::string> keys;
  };
  // Every node starts here; inside a mapping nodes alternate between key and value.
  void node(const YAML::Mark& mark, const std::string& text) {
    if (frames_.empty() || !frames_.back().mapping) return;
    Frame& frame = frames_.back();
    if (frame.expecting_key && !frame.keys.insert(text).second)
      throw std::runtime_error("line " + std::to_string(mark.line + 1) + ": key '" + text +
                               "' repeats a key of the same mapping");
    frame.expecting_key = !frame.expecting_key;
  }
  std::vector<Frame> frames_;
};

// Throws std::runtime_error naming the line of the first repeated key; YAML::Exception for
// text that is not YAML.
inline void require_unique_keys(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DuplicateKeyChecker checker;
  while (parser.HandleNextDocument(checker)) {
  }
}

}  // namespace splat::test
