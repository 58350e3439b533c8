#include "ner/model/config.h"

#include <dlfcn.h>
#include <link.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "data/error.h"
#include "ner/model/settings.h"

namespace ner {

int default_threads() {
  cpu_set_t cores;
  if (::sched_getaffinity(0, sizeof cores, &cores) == 0) return std::max(1, CPU_COUNT(&cores));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

namespace {

// The file this code was loaded from, symbolic links resolved: the executable, or the shared object (the Python
// module) it is linked into.
std::filesystem::path loaded_from() {
  Dl_info info{};
  link_map* object = nullptr;
  std::error_code error;
  if (::dladdr1(reinterpret_cast<void*>(&default_model_path), &info, reinterpret_cast<void**>(&object), RTLD_DL_LINKMAP) != 0 &&
      object != nullptr && object->l_name != nullptr && *object->l_name != '\0')
    return std::filesystem::weakly_canonical(object->l_name, error);
  return std::filesystem::read_symlink("/proc/self/exe", error);  // the main program's link map has no name
}

}  // namespace

std::string default_model_path() {
  const char* from_env = std::getenv("NER_MODEL");
  return from_env && *from_env ? from_env : shipped_model_path();
}

std::string shipped_model_path() {
  // In this build tree (the file sits in the build folder or its python/, as configured): the sources' model.
  // Elsewhere, relative to that file's folder: installed from bin/, then from the Python folder (CMakeLists.txt).
  const std::filesystem::path folder = loaded_from().parent_path();
  std::error_code error;
  for (const char* build_folder : {NER_BUILD_FOLDERS})
    if (std::filesystem::weakly_canonical(build_folder, error) == folder) return NER_SOURCE_MODEL;
  static const char* const kInstalledPlaces[] = {NER_INSTALLED_MODEL_PLACES};
  for (const char* place : kInstalledPlaces) {
    const std::filesystem::path model = (folder / place).lexically_normal();
    if (std::filesystem::is_regular_file(model, error)) return model.string();
  }
  return (folder / kInstalledPlaces[0]).lexically_normal().string();  // where an installed ner looks: what the error names
}

nn::CellType parse_cell(const std::string& name) {
  std::string names;
  for (nn::CellType cell : nn::kCellTypes) {
    if (nn::cell_name(cell) == name) return cell;
    names += (names.empty() ? "" : ", ") + nn::cell_name(cell);
  }
  throw data::Error("unknown cell '" + name + "' (expected " + names + ")");
}

nn::OptimizerKind parse_optimizer(const std::string& name) {
  std::string names;
  for (nn::OptimizerKind kind : nn::kOptimizerKinds) {
    if (optimizer_name(kind) == name) return kind;
    names += (names.empty() ? "" : ", ") + optimizer_name(kind);
  }
  throw data::Error("unknown optimizer '" + name + "' (expected " + names + ")");
}

std::string optimizer_name(nn::OptimizerKind kind) { return kind == nn::OptimizerKind::kAdam ? "adam" : "sgd"; }

FeatureSet parse_features(const std::string& name) {
  for (FeatureSet features : {FeatureSet::kChar, FeatureSet::kBigram, FeatureSet::kLexicon})
    if (features_name(features) == name) return features;
  throw data::Error("unknown feature set '" + name + "' (expected char, bigram or lexicon)");
}

std::string features_name(FeatureSet features) {
  switch (features) {
    case FeatureSet::kChar: return "char";
    case FeatureSet::kBigram: return "bigram";
    case FeatureSet::kLexicon: return "lexicon";
  }
  return "?";
}

std::string default_lexicon_path() {
  const char* from_env = std::getenv("NER_LEXICON");
  if (from_env && *from_env) return from_env;
  std::error_code error;
  return std::filesystem::is_regular_file(kJiebaDictionary, error) ? kJiebaDictionary : "";
}

int epochs_for_corpus(std::size_t train_chars) {
  // epochs = clamp(round(2·10⁷ / characters), 15, 50)
  const double epochs = std::round(2e7 / static_cast<double>(std::max<std::size_t>(train_chars, 1)));
  return static_cast<int>(std::clamp(epochs, 15.0, 50.0));
}

int patience_for_epochs(int epochs) { return std::max(4, epochs / 5); }

double dropout_for_corpus(std::size_t train_chars) {
  return train_chars < kSmallCorpusChars ? kSmallCorpusDropout : ModelConfig{}.dropout;
}

nlohmann::json ModelConfig::to_json() const { return settings_json(*this, model_settings()); }
ModelConfig ModelConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  return settings_from_json(json, model_settings(), origin);
}

nlohmann::json LmConfig::to_json() const { return settings_json(*this, lm_settings()); }
LmConfig LmConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  return settings_from_json(json, lm_settings(), origin);
}

nlohmann::json LmTrainConfig::to_json() const { return settings_json(*this, lm_train_settings()); }
LmTrainConfig LmTrainConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  return settings_from_json(json, lm_train_settings(), origin);
}

nlohmann::json TrainConfig::to_json() const { return settings_json(*this, train_settings()); }
TrainConfig TrainConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  return settings_from_json(json, train_settings(), origin);
}

double epoch_learning_rate(double rate, double decay, int epoch) { return rate / (1 + decay * epoch); }

}  // namespace ner
