// What the optimizer does with Gaussians no camera of a batch saw (`optimizer.untouched`).
#pragma once

#include <string>

namespace splat {

enum class UntouchedPolicy {
  Dense,     // every Gaussian takes every step, with a zero gradient when unseen (plain Adam)
  Skip,      // unseen Gaussians keep their state; each row counts its own steps (sparse Adam)
  Deferred,  // the skipped zero-gradient steps are replayed when a Gaussian is next needed:
             // the same values as Dense, with the work only for rows that are used
};

UntouchedPolicy parse_untouched_policy(const std::string& name);
const char* untouched_policy_name(UntouchedPolicy policy);

}  // namespace splat
