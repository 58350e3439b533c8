#include "ner/evaluate.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <set>

#include "data/conll.h"
#include "data/error.h"
#include "data/tag_scheme.h"
#include "data/text_file.h"

namespace ner {

double ChunkCounts::precision() const { return found ? 100.0 * static_cast<double>(correct) / static_cast<double>(found) : 0.0; }
double ChunkCounts::recall() const { return gold ? 100.0 * static_cast<double>(correct) / static_cast<double>(gold) : 0.0; }
double ChunkCounts::f1() const {
  double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

std::string bio_view(std::string_view tag) {
  data::TagParts parts = data::split_tag(tag);
  if (parts.prefix == 'O') return "O";
  char prefix = parts.prefix == 'S' || parts.prefix == 'B' ? 'B' : 'I';
  return std::string(1, prefix) + "-" + std::string(parts.type);
}

double Evaluation::accuracy() const {
  return tokens_ ? 100.0 * static_cast<double>(correct_tags_) / static_cast<double>(tokens_) : 0.0;
}

void Evaluation::add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  assert(gold.size() == predicted.size());
  std::vector<std::string> gold_bio, predicted_bio;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    gold_bio.push_back(bio_view(gold[i]));
    predicted_bio.push_back(bio_view(predicted[i]));
    correct_tags_ += gold_bio.back() == predicted_bio.back();
  }
  tokens_ += gold.size();
  std::vector<data::Span> gold_spans = data::chunks(gold_bio), found_spans = data::chunks(predicted_bio);
  for (const data::Span& span : gold_spans) ++per_type_[span.type].gold;
  for (const data::Span& span : found_spans) ++per_type_[span.type].found;
  // Exact matches: both lists are in sentence order.
  std::set<data::Span> gold_set(gold_spans.begin(), gold_spans.end());
  for (const data::Span& span : found_spans)
    if (gold_set.count(span)) ++per_type_[span.type].correct;
  total_.gold += gold_spans.size();
  total_.found += found_spans.size();
  total_.correct += static_cast<std::size_t>(
      std::count_if(found_spans.begin(), found_spans.end(), [&](const data::Span& s) { return gold_set.count(s) > 0; }));
}

Evaluation score_conll_predictions(std::string_view text, const std::string& origin) {
  Evaluation evaluation;
  std::vector<std::string> gold, predicted;
  auto flush = [&] {
    if (!gold.empty()) evaluation.add(gold, predicted);
    gold.clear();
    predicted.clear();
  };
  data::for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    std::vector<std::string_view> columns = data::split_columns(line);
    if (columns.empty() || columns[0] == "-X-") {
      flush();
      return;
    }
    if (columns.size() < 3)
      throw data::error_at(origin, line_number,
                           "expected at least 3 columns (token, gold tag, predicted tag), got " + std::to_string(columns.size()));
    for (std::size_t c = columns.size() - 2; c < columns.size(); ++c)
      if (!data::is_valid_tag(columns[c]))
        throw data::error_at(origin, line_number, "malformed tag '" + std::string(columns[c]) + "' (expected O or B-/I-/M-/E-/S-TYPE)");
    gold.emplace_back(columns[columns.size() - 2]);
    predicted.emplace_back(columns.back());
  });
  flush();
  return evaluation;
}

std::string conlleval_report(const Evaluation& evaluation) {
  const ChunkCounts& total = evaluation.total();
  char buffer[512];
  std::string out;
  std::snprintf(buffer, sizeof buffer, "processed %zu tokens with %zu phrases; found: %zu phrases; correct: %zu.\n",
                evaluation.tokens(), total.gold, total.found, total.correct);
  out += buffer;
  if (evaluation.tokens() > 0) {
    std::snprintf(buffer, sizeof buffer, "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n",
                  evaluation.accuracy(), total.precision(), total.recall(), total.f1());
    out += buffer;
  }
  for (const auto& [type, counts] : evaluation.per_type()) {
    std::snprintf(buffer, sizeof buffer, "%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %zu\n", type.c_str(),
                  counts.precision(), counts.recall(), counts.f1(), counts.found);
    out += buffer;
  }
  return out;
}

std::string json_report(const Evaluation& evaluation) {
  auto counts_json = [](const ChunkCounts& c) {
    return nlohmann::json{{"gold", c.gold},           {"found", c.found},   {"correct", c.correct},
                          {"precision", c.precision()}, {"recall", c.recall()}, {"f1", c.f1()}};
  };
  nlohmann::json report = counts_json(evaluation.total());
  report["tokens"] = evaluation.tokens();
  report["accuracy"] = evaluation.accuracy();
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [type, counts] : evaluation.per_type()) types[type] = counts_json(counts);
  report["types"] = types;
  return report.dump();
}

}  // namespace ner
