// The model file and the training checkpoint.
//
// Both are in the container of ner/model/file_container.h. A model payload holds a JSON header
// (configuration and training summary), the vocabularies (Vocabularies::save), and every parameter with its name and
// shape; a checkpoint payload holds a model payload, the training state as JSON, the optimizer's moments and the
// weight averages.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "ner/model/file_container.h"
#include "ner/model/model.h"
#include "nn/optimizer.h"

namespace ner {

// The model and checkpoint paths of a training run, checked before any work: each must be a file (a regular file or
// a new path) other than the checkpoint being resumed (`resume_path`), and an existing one is refused unless the run
// resumes or may `overwrite` it ("m.model: a model of that name exists; ..."). `kind`: the model's.
void check_model_outputs(const std::string& model_path, const std::string& checkpoint_path, const std::string& resume_path,
                         bool overwrite, const FileKind& kind);

// Writes the model atomically (temporary file, then rename). `summary` is free-form training information.
void save_model(Model& model, const nlohmann::json& summary, const std::string& path);

struct LoadedModel {
  std::unique_ptr<Model> model;
  nlohmann::json summary;
};

// Reads and checks a model file: a foreign, truncated, damaged or newer-format file is a data::Error.
LoadedModel load_model(const std::string& path);
// The same from the file's bytes, and from the payload alone (after the container's checks); `origin` names the
// source in errors.
LoadedModel parse_model(const std::string& bytes, const std::string& origin);
LoadedModel parse_model_payload(std::string_view payload, const std::string& origin);

// A checkpoint: the model, the trainer's state as JSON (its own business), the optimizer's moments and the weight
// averages (empty when the run keeps none).
void save_checkpoint(Model& model, nn::Optimizer& optimizer, const std::vector<nn::Matrix>& averages,
                     const nlohmann::json& state, const std::string& path);

struct LoadedCheckpoint {
  std::unique_ptr<Model> model;
  nlohmann::json state;
  std::vector<nn::Matrix> first_moments, second_moments, averages;
  long optimizer_steps = 0;
};

LoadedCheckpoint load_checkpoint(const std::string& path);

// Only the trainer's state of a checkpoint (what `ner train --resume` alone needs to know before training).
nlohmann::json read_checkpoint_state(const std::string& path);

}  // namespace ner
