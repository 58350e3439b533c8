#include "ner/evaluation/evaluate.h"

#include <nlohmann/json.hpp>

#include <cassert>
#include <cstdio>
#include <iterator>

#include "data/conll.h"
#include "data/error.h"
#include "data/text_file.h"

namespace ner {

double ChunkCounts::precision() const { return found ? 100.0 * static_cast<double>(correct) / static_cast<double>(found) : 0.0; }
double ChunkCounts::recall() const { return gold ? 100.0 * static_cast<double>(correct) / static_cast<double>(gold) : 0.0; }
double ChunkCounts::f1() const {
  double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

namespace {

// Whether `prefix` is one of the characters of `prefixes`.
bool one_of(char prefix, std::string_view prefixes) { return prefixes.find(prefix) != std::string_view::npos; }

}  // namespace

bool is_scored_tag(std::string_view tag) {
  if (tag == "O") return true;
  return tag.size() >= 3 && tag[1] == '-' && one_of(tag[0], "BIMES[].");
}

ScoredTag read_scored_tag(std::string_view tag) {
  assert(is_scored_tag(tag));
  if (tag == "O") return {};
  std::string_view type = tag.substr(2);
  return {tag[0], type == "0" ? std::string() : std::string(type)};
}

// conlleval's rules by prefix pair; a prefix with no rule (M) ends or starts a chunk only where the type changes.
bool chunk_ends(const ScoredTag& previous, const ScoredTag& tag) {
  if (one_of(previous.prefix, "[]")) return true;  // bracket chunks are one token long
  if (!one_of(previous.prefix, "O.") && previous.type != tag.type) return true;
  switch (previous.prefix) {
    case 'B':
    case 'I': return one_of(tag.prefix, "BSO");
    case 'E':
    case 'S': return one_of(tag.prefix, "BIESO");
    default: return false;
  }
}

bool chunk_starts(const ScoredTag& previous, const ScoredTag& tag) {
  if (one_of(tag.prefix, "[]")) return true;
  if (!one_of(tag.prefix, "O.") && previous.type != tag.type) return true;
  switch (tag.prefix) {
    case 'B':
    case 'S': return one_of(previous.prefix, "BIOES");
    case 'I':
    case 'E': return one_of(previous.prefix, "OES");
    default: return false;
  }
}

double Evaluation::accuracy() const {
  return tokens_ ? 100.0 * static_cast<double>(correct_tags_) / static_cast<double>(tokens_) : 0.0;
}

void Evaluation::add(const std::vector<std::string>& gold, const std::vector<std::string>& predicted) {
  assert(gold.size() == predicted.size());
  // Token by token, in sentence order.
  for (std::size_t i = 0; i < gold.size(); ++i) add_token(gold[i], predicted[i]);
  add_boundary();
}

void Evaluation::add_token(std::string_view gold, std::string_view predicted) {
  ScoredTag gold_tag = read_scored_tag(gold), predicted_tag = read_scored_tag(predicted);
  correct_tags_ += gold_tag.prefix == predicted_tag.prefix && gold_tag.type == predicted_tag.type;
  ++tokens_;
  step(gold_tag, predicted_tag);
}

void Evaluation::add_boundary() { step(ScoredTag(), ScoredTag()); }

void Evaluation::step(const ScoredTag& gold, const ScoredTag& predicted) {
  if (in_correct_) {
    const bool gold_ends = chunk_ends(last_gold_, gold), predicted_ends = chunk_ends(last_predicted_, predicted);
    if (gold_ends && predicted_ends && last_predicted_.type == last_gold_.type) {
      in_correct_ = false;
      ++total_.correct;
      ++per_type_[last_gold_.type].correct;
    } else if (gold_ends != predicted_ends || predicted.type != gold.type) {
      in_correct_ = false;
    }
  }
  const bool gold_starts = chunk_starts(last_gold_, gold), predicted_starts = chunk_starts(last_predicted_, predicted);
  if (gold_starts && predicted_starts && predicted.type == gold.type) in_correct_ = true;
  if (gold_starts) {
    ++total_.gold;
    ++per_type_[gold.type].gold;
  }
  if (predicted_starts) {
    ++total_.found;
    ++per_type_[predicted.type].found;
  }
  last_gold_ = gold;
  last_predicted_ = predicted;
}

ChunkCounts Evaluation::total() const {
  ChunkCounts counts = total_;
  counts.correct += in_correct_;
  return counts;
}

std::map<std::string, ChunkCounts> Evaluation::per_type() const {
  std::map<std::string, ChunkCounts> counts = per_type_;
  if (in_correct_) ++counts[last_gold_.type].correct;
  // A correct chunk can end on a type that started none (conlleval's . tags do not start or end one when the type
  // changes): such a type is counted in the total only.
  for (auto it = counts.begin(); it != counts.end();) it = it->second.gold || it->second.found ? std::next(it) : counts.erase(it);
  return counts;
}

Evaluation score_conll_predictions(std::string_view text, const std::string& origin) {
  Evaluation evaluation;
  data::for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    std::vector<std::string_view> columns = data::split_columns(line);
    if (columns.empty() || columns[0] == "-X-") {
      evaluation.add_boundary();
      return;
    }
    if (columns.size() < 3)
      throw data::error_at(origin, line_number,
                           "expected at least 3 columns (token, gold tag, predicted tag), got " + std::to_string(columns.size()));
    for (std::size_t c = columns.size() - 2; c < columns.size(); ++c)
      if (!is_scored_tag(columns[c]))
        throw data::error_at(origin, line_number,
                             "malformed tag '" + std::string(columns[c]) + "' (expected O or B-/I-/M-/E-/S-/[-/]-/.-TYPE)");
    evaluation.add_token(columns[columns.size() - 2], columns.back());
  });
  return evaluation;
}

namespace {

// printf into a string, however long the arguments are.
template <typename... Args>
std::string printed(const char* format, Args... args) {
  const int size = std::snprintf(nullptr, 0, format, args...);
  std::string out(static_cast<std::size_t>(size), '\0');
  std::snprintf(out.data(), out.size() + 1, format, args...);
  return out;
}

}  // namespace

std::string conlleval_report(const Evaluation& evaluation) {
  const ChunkCounts total = evaluation.total();
  std::string out = printed("processed %zu tokens with %zu phrases; found: %zu phrases; correct: %zu.\n", evaluation.tokens(),
                            total.gold, total.found, total.correct);
  if (evaluation.tokens() > 0)
    out += printed("accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n", evaluation.accuracy(),
                   total.precision(), total.recall(), total.f1());
  // One line per type; conlleval merges a type's repeats in its sorted list of gold and found types except for the
  // empty type (Perl's false), which gets a line for each side it occurs on.
  for (const auto& [type, counts] : evaluation.per_type()) {
    const std::string line = printed("%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %zu\n", type.c_str(),
                                     counts.precision(), counts.recall(), counts.f1(), counts.found);
    const int repeats = type.empty() ? (counts.gold > 0) + (counts.found > 0) : 1;
    for (int r = 0; r < repeats; ++r) out += line;
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
