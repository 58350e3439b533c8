// The model file and the training checkpoint.
//
// Both are one container: 8-byte magic, u32 format version, u64 payload size, the payload, and the payload's
// CRC-32 (zlib's, by libdeflate). Numbers are little-endian; parameters are float32. A model payload holds a JSON header
// (configuration and training summary), the vocabularies (Vocabularies::save), and every parameter with its name and
// shape; a checkpoint payload holds a model payload, the training state as JSON, the optimizer's moments and the
// weight averages.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "data/binary_io.h"
#include "ner/model.h"
#include "nn/optimizer.h"

namespace ner {

// 2: the lexicon stores its trie (data::Lexicon::save); 3: compressed. Version 1 and 2 files are still read.
inline constexpr std::uint32_t kModelFormatVersion = 3;

// The kinds of file in the container: the magic, and what a file of the kind is called in messages.
struct FileKind {
  const char* magic;
  const char* name;
  const char* read_by;  // the command that reads this kind, for the message that refuses it elsewhere
};
inline constexpr FileKind kModelKind{data::kModelMagic.data(), "model", "ner tag --model"};
inline constexpr FileKind kCheckpointKind{data::kCheckpointMagic.data(), "checkpoint", "ner train --resume"};
inline constexpr FileKind kLmKind{data::kLmMagic.data(), "language model", "ner lm sample --model"};
inline constexpr FileKind kLmCheckpointKind{data::kLmCheckpointMagic.data(), "language-model checkpoint", "ner lm train --resume"};

// The model and checkpoint paths of a training run, checked before any work: each must be a file (a regular file or
// a new path) other than the checkpoint being resumed (`resume_path`), and an existing one is refused unless the run
// resumes or may `overwrite` it ("m.model: a model of that name exists; ..."). `kind`: the model's.
void check_model_outputs(const std::string& model_path, const std::string& checkpoint_path, const std::string& resume_path,
                         bool overwrite, const FileKind& kind);

// The container of `payload` as a file of `kind`.
std::string wrap_file(const FileKind& kind, const std::string& payload);
// The payload inside `bytes` (a view of them) after the container's checks: a file of another kind ("not a model
// file (it is a language model)"), a truncated, damaged or newer-format file is a data::Error naming `path`.
std::string_view unwrap_file(const FileKind& kind, const std::string& bytes, const std::string& path);

// A matrix as u32 rows, u32 cols and float32 values in column order; read_matrix reads one of m's shape (with
// `may_be_empty`, a 0x0 matrix too), else a data::Error naming `origin` and `name`.
void write_matrix(std::ostream& out, const nn::Matrix& m);
void read_matrix(std::istream& in, nn::Matrix& m, const std::string& origin, const std::string& name, bool may_be_empty = false);
// The values alone, as many as m's shape (which the caller has read).
void read_values(std::istream& in, nn::Matrix& m, const std::string& origin);
// The parameters' count, then each one's name and values; read_params reads them into `params`, whose names and
// shapes they must have.
void write_params(std::ostream& out, const nn::ParamList& params);
void read_params(std::istream& in, const nn::ParamList& params, const std::string& origin);
// An optimizer's moments: their count, then each parameter's first and second moment (empty for SGD's second);
// read_moments reads them into `optimizer`, shaped like `params`.
void write_moments(std::ostream& out, nn::Optimizer& optimizer);
void read_moments(std::istream& in, const nn::ParamList& params, std::vector<nn::Matrix>& first, std::vector<nn::Matrix>& second,
                  const std::string& origin);

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
