#include "ner/evaluation/entity_errors.h"

namespace ner {
namespace {

bool overlap(const data::Span& a, const data::Span& b) { return a.begin < b.end && b.begin < a.end; }
bool same_span(const data::Span& a, const data::Span& b) { return a.begin == b.begin && a.end == b.end; }

}  // namespace

std::string error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kMissed: return "missed";
    case ErrorKind::kSpurious: return "spurious";
    case ErrorKind::kWrongType: return "wrong type";
    case ErrorKind::kWrongBoundary: return "wrong boundary";
  }
  return "";
}

std::vector<EntityError> entity_errors(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  const std::vector<data::Span> gold_spans = data::chunks(gold), predicted_spans = data::chunks(predicted);
  auto exact = [](const data::Span& a, const data::Span& b) { return same_span(a, b) && a.type == b.type; };
  std::vector<EntityError> errors;
  for (const data::Span& g : gold_spans) {
    std::optional<data::Span> same, overlapping;
    bool matched = false;
    for (const data::Span& p : predicted_spans) {
      matched = matched || exact(g, p);
      if (same_span(g, p)) same = p;
      else if (overlap(g, p) && !overlapping) overlapping = p;
    }
    if (matched) continue;
    if (same) errors.push_back({ErrorKind::kWrongType, g, same});
    else if (overlapping) errors.push_back({ErrorKind::kWrongBoundary, g, overlapping});
    else errors.push_back({ErrorKind::kMissed, g, std::nullopt});
  }
  for (const data::Span& p : predicted_spans) {
    bool touches_gold = false;
    for (const data::Span& g : gold_spans) touches_gold = touches_gold || overlap(g, p);
    if (!touches_gold) errors.push_back({ErrorKind::kSpurious, std::nullopt, p});
  }
  return errors;
}

}  // namespace ner
