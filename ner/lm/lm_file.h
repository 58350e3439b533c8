// The language-model file and its training checkpoint, in the container of ner/model/model_io.h.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "ner/lm/lm.h"
#include "nn/optimizer.h"

namespace ner {

// The LM file (magic NERLMOD1): a JSON header (configuration, classes, training summary), the vocabulary and every
// parameter, written atomically.
void save_lm(LanguageModel& lm, const nlohmann::json& summary, const std::string& path);
struct LoadedLm {
  std::unique_ptr<LanguageModel> lm;
  nlohmann::json summary;
};
LoadedLm load_lm(const std::string& path);
// The payload of an LM file, and the model back from it (for checkpoints).
std::string lm_payload(LanguageModel& lm, const nlohmann::json& summary);
LoadedLm parse_lm_payload(std::string_view payload, const std::string& origin);

// The checkpoint of `ner lm train` (magic NERLMCK1): the model, the trainer's state as JSON (its own business),
// each direction's optimizer moments and the state each direction carries to its next window, forward first.
void save_lm_checkpoint(LanguageModel& lm, nn::Optimizer& forward, nn::Optimizer& backward, const nlohmann::json& state,
                        const std::string& path);
struct LoadedLmCheckpoint {
  std::unique_ptr<LanguageModel> lm;
  nlohmann::json state;
  std::vector<nn::Matrix> first_moments[2], second_moments[2];  // forward, backward
  std::vector<nn::RecurrentState> carried[2];                    // per layer; empty between epochs
};
LoadedLmCheckpoint load_lm_checkpoint(const std::string& path);

}  // namespace ner
