// Self-contained HTML reports (inline CSS and SVG; no JavaScript, nothing fetched): the training curves beside a
// model, and an evaluation's per-type scores and error analysis. Both name a CJK font stack, so Chinese renders
// wherever one of the common CJK fonts is installed.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ner/evaluation/entity_errors.h"
#include "ner/evaluation/evaluate.h"
#include "ner/evaluation/stats.h"

namespace ner {

// What the training report shows: the run, its corpora, each epoch, and the best model's test score once known.
struct TrainingReport {
  std::string model_path;
  std::string command_line;      // as typed ("" when not run from the command line)
  nlohmann::json metrics;        // the epoch records, as in the metrics file
  nlohmann::json configuration;  // {"train": path, "dev": path, "model": ModelConfig, "training": TrainConfig}
  std::vector<std::pair<std::string, CorpusStats>> corpora;  // "train", "dev" and, when given, "test"
  std::optional<Evaluation> test;  // the best model on the test corpus, after training
};

// A summary (best epoch, epochs run and why training stopped, the test score), the best epoch's dev scores per
// type, the corpora, loss and dev precision/recall/F1 per epoch, the command line and the configuration.
std::string training_report_html(const TrainingReport& report);

// One sentence with errors, for the examples.
struct ErrorExample {
  std::size_t line = 0;                               // the sentence's first line in the corpus
  std::vector<std::string> tokens, gold, predicted;  // tags in any scheme
  std::vector<EntityError> errors;                   // all of the sentence's errors (entity_errors)
};

// Examples shown per error kind: at most this many sentences, and at most this many bytes of HTML.
inline constexpr std::size_t kExamplesPerKind = 200;
inline constexpr std::size_t kExampleBytesPerKind = 400000;

// Per-type precision/recall/F1 bars, counts of each error kind per type, a confusion table of types, and for each
// error kind the sentences that have one (each once, with its corpus line and all its errors marked).
std::string evaluation_report_html(const std::string& gold_path, const std::string& model_path, const Evaluation& evaluation,
                                   const std::vector<ErrorExample>& examples);

}  // namespace ner
