// Self-contained HTML reports (inline CSS and SVG; no JavaScript, nothing fetched): the training curves beside a
// model, and an evaluation's per-type scores and error analysis.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "ner/entity_errors.h"
#include "ner/evaluate.h"

namespace ner {

// Loss and dev precision/recall/F1 per epoch (records as in the metrics file), and the configuration.
std::string training_report_html(const std::string& model_path, const nlohmann::json& metrics, const nlohmann::json& configuration);

// One sentence with an error, for the examples.
struct ErrorExample {
  std::vector<std::string> tokens, gold, predicted;  // tags in any scheme
  EntityError error;
};

// Per-type precision/recall/F1 bars, counts of each error kind per type, and examples of each kind with the gold
// and predicted entities highlighted.
std::string evaluation_report_html(const std::string& gold_path, const std::string& model_path, const Evaluation& evaluation,
                                   const std::vector<ErrorExample>& examples);

}  // namespace ner
