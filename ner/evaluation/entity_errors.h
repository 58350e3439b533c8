// What went wrong with each entity a prediction did not get exactly right, for error analysis: every gold entity
// without an exact match is a wrong type (same span, other type), a wrong boundary (it overlaps a predicted entity
// with another span) or missed (nothing predicted overlaps it); every predicted entity that overlaps no gold
// entity is spurious.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "data/tag_scheme.h"

namespace ner {

enum class ErrorKind { kMissed, kSpurious, kWrongType, kWrongBoundary };
inline constexpr int kErrorKinds = 4;
std::string error_kind_name(ErrorKind kind);  // "missed", "spurious", "wrong type", "wrong boundary"

struct EntityError {
  ErrorKind kind;
  std::optional<data::Span> gold;       // all but spurious
  std::optional<data::Span> predicted;  // the overlapping prediction (wrong type, wrong boundary), or the spurious one
};

// The errors of one sentence, gold entities first, in order (tags in any scheme; same length).
std::vector<EntityError> entity_errors(const std::vector<std::string>& gold, const std::vector<std::string>& predicted);

}  // namespace ner
