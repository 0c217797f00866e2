#include "offload/untouched_policy.hpp"

#include "core/error.hpp"

namespace splat {

UntouchedPolicy parse_untouched_policy(const std::string& name) {
  if (name == "dense") return UntouchedPolicy::Dense;
  if (name == "skip") return UntouchedPolicy::Skip;
  if (name == "deferred") return UntouchedPolicy::Deferred;
  fail("optimizer.untouched: unknown value '", name, "' (expected dense, skip or deferred)");
}

const char* untouched_policy_name(UntouchedPolicy policy) {
  switch (policy) {
    case UntouchedPolicy::Dense:
      return "dense";
    case UntouchedPolicy::Skip:
      return "skip";
    case UntouchedPolicy::Deferred:
      return "deferred";
  }
  return "unknown";
}

}  // namespace splat
