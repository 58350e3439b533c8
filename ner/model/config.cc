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
#include "data/json_field.h"

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
  for (nn::CellType cell : {nn::CellType::kLstm, nn::CellType::kGru, nn::CellType::kRnnTanh, nn::CellType::kRnnRelu})
    if (nn::cell_name(cell) == name) return cell;
  throw data::Error("unknown cell '" + name + "' (expected lstm, gru, rnn or rnn-relu)");
}

nn::OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "adam") return nn::OptimizerKind::kAdam;
  if (name == "sgd") return nn::OptimizerKind::kSgd;
  throw data::Error("unknown optimizer '" + name + "' (expected adam or sgd)");
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

namespace {

nlohmann::json normalize_json(const data::NormalizeOptions& normalize) {
  return {{"nfkc", normalize.nfkc}, {"case_fold", normalize.case_fold}, {"digit_class", normalize.digit_class}};
}

}  // namespace

nlohmann::json ModelConfig::to_json() const {
  return {{"cell", nn::cell_name(cell)},
          {"layers", layers},
          {"hidden", hidden},
          {"char_dim", char_dim},
          {"bigram_dim", bigram_dim},
          {"lexicon_dim", lexicon_dim},
          {"lexicon_pos", lexicon_pos},
          {"lm_features", lm_features},
          {"lm_finetune", lm_finetune},
          {"dropout", dropout},
          {"peepholes", peepholes},
          {"lm_weight", lm_weight},
          {"constrained", constrained},
          {"scheme", data::scheme_name(scheme)},
          {"normalize", normalize_json(normalize)},
          {"max_sentence_tokens", max_sentence_tokens}};
}

namespace {

// json.at(key) as T, or a data::Error naming `origin` and the field.
template <typename T>
T field(const nlohmann::json& json, const char* key, const std::string& origin) {
  return data::json_field<T>(json, key, origin, "configuration");
}

// json[key] as T, `fallback` when absent, a data::Error when present but invalid.
template <typename T>
T optional_field(const nlohmann::json& json, const char* key, T fallback, const std::string& origin) {
  return data::optional_json_field<T>(json, key, fallback, origin, "configuration");
}

data::NormalizeOptions normalize_from_json(const nlohmann::json& json, const std::string& origin) {
  data::NormalizeOptions normalize;
  normalize.nfkc = field<bool>(json, "nfkc", origin);
  normalize.case_fold = field<bool>(json, "case_fold", origin);
  normalize.digit_class = field<bool>(json, "digit_class", origin);
  return normalize;
}

}  // namespace

ModelConfig ModelConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  ModelConfig config;
  config.cell = parse_cell(field<std::string>(json, "cell", origin));
  config.layers = field<int>(json, "layers", origin);
  config.hidden = field<int>(json, "hidden", origin);
  config.char_dim = field<int>(json, "char_dim", origin);
  // Fields added after format version 1 first shipped: absent means off.
  config.bigram_dim = optional_field<int>(json, "bigram_dim", 0, origin);
  config.lexicon_dim = optional_field<int>(json, "lexicon_dim", 0, origin);
  config.lexicon_pos = optional_field<bool>(json, "lexicon_pos", false, origin);
  config.lm_features = optional_field<int>(json, "lm_features", 0, origin);
  config.lm_finetune = optional_field<bool>(json, "lm_finetune", false, origin);
  config.dropout = field<double>(json, "dropout", origin);
  config.peepholes = field<bool>(json, "peepholes", origin);
  config.lm_weight = optional_field<double>(json, "lm_weight", 0.0, origin);
  config.constrained = field<bool>(json, "constrained", origin);
  config.scheme = data::parse_scheme(field<std::string>(json, "scheme", origin));
  config.normalize = normalize_from_json(field<nlohmann::json>(json, "normalize", origin), origin);
  config.max_sentence_tokens = field<std::size_t>(json, "max_sentence_tokens", origin);
  if (config.layers < 1 || config.hidden < 1 || config.char_dim < 1 || config.bigram_dim < 0 || config.lexicon_dim < 0 ||
      config.lm_features < 0 || config.max_sentence_tokens < 1)
    throw data::Error(origin + ": damaged configuration (sizes must be positive)");
  if (config.layers > 8 || config.hidden > 4096 || config.char_dim > 4096 || config.bigram_dim > 4096 || config.lexicon_dim > 4096 ||
      config.lm_features > 4096)
    throw data::Error(origin + ": damaged configuration (sizes above the limits of ner train)");
  if (!(config.lm_weight >= 0 && config.lm_weight <= kMaxLmWeight)) throw data::Error(origin + ": damaged configuration (lm_weight)");
  return config;
}

nlohmann::json LmConfig::to_json() const {
  return {{"cell", nn::cell_name(cell)}, {"layers", layers}, {"hidden", hidden}, {"char_dim", char_dim}, {"classes", classes},
          {"normalize", normalize_json(normalize)}};
}

LmConfig LmConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  LmConfig config;
  config.cell = parse_cell(field<std::string>(json, "cell", origin));
  config.layers = field<int>(json, "layers", origin);
  config.hidden = field<int>(json, "hidden", origin);
  config.char_dim = field<int>(json, "char_dim", origin);
  config.classes = field<int>(json, "classes", origin);
  config.normalize = normalize_from_json(field<nlohmann::json>(json, "normalize", origin), origin);
  if (config.layers < 1 || config.hidden < 1 || config.char_dim < 1 || config.classes < 0 || config.layers > 8 ||
      config.hidden > 4096 || config.char_dim > 4096)
    throw data::Error(origin + ": damaged configuration (sizes outside the limits of ner lm train)");
  return config;
}

nlohmann::json LmTrainConfig::to_json() const {
  return {{"epochs", epochs}, {"batch", batch}, {"bptt", bptt}, {"learning_rate", learning_rate}, {"clip", clip},
          {"seed", seed}, {"threads", threads}, {"min_count", min_count}, {"dev_fraction", dev_fraction}};
}

LmTrainConfig LmTrainConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  LmTrainConfig config;
  config.epochs = field<int>(json, "epochs", origin);
  config.batch = field<int>(json, "batch", origin);
  config.bptt = field<int>(json, "bptt", origin);
  config.learning_rate = field<double>(json, "learning_rate", origin);
  config.clip = field<double>(json, "clip", origin);
  config.seed = field<std::uint64_t>(json, "seed", origin);
  config.threads = field<int>(json, "threads", origin);
  config.min_count = field<std::size_t>(json, "min_count", origin);
  config.dev_fraction = field<double>(json, "dev_fraction", origin);
  return config;
}

nlohmann::json TrainConfig::to_json() const {
  nlohmann::json json = {{"epochs", epochs},           {"batch", batch},       {"optimizer", optimizer_name(optimizer)},
                         {"learning_rate", learning_rate}, {"lr_decay", lr_decay}, {"momentum", momentum},
                         {"weight_decay", weight_decay}, {"clip", clip},         {"patience", patience},
                         {"seed", seed},               {"threads", threads},   {"min_char_count", min_char_count},
                         {"unk_rate", unk_rate}, {"average", average}, {"min_feature_count", min_feature_count}};
  if (dev_fraction > 0) json["dev_fraction"] = dev_fraction;  // only when used, so other models keep their bytes
  return json;
}

TrainConfig TrainConfig::from_json(const nlohmann::json& json, const std::string& origin) {
  TrainConfig config;
  config.epochs = field<int>(json, "epochs", origin);
  config.batch = field<int>(json, "batch", origin);
  config.optimizer = parse_optimizer(field<std::string>(json, "optimizer", origin));
  config.learning_rate = field<double>(json, "learning_rate", origin);
  config.lr_decay = field<double>(json, "lr_decay", origin);
  config.momentum = field<double>(json, "momentum", origin);
  config.weight_decay = field<double>(json, "weight_decay", origin);
  config.clip = field<double>(json, "clip", origin);
  config.patience = field<int>(json, "patience", origin);
  config.seed = field<std::uint64_t>(json, "seed", origin);
  config.threads = field<int>(json, "threads", origin);
  config.min_char_count = field<std::size_t>(json, "min_char_count", origin);
  config.unk_rate = optional_field<double>(json, "unk_rate", 0.0, origin);
  config.average = optional_field<double>(json, "average", 0.0, origin);
  config.dev_fraction = optional_field<double>(json, "dev_fraction", 0.0, origin);
  config.min_feature_count = optional_field<std::size_t>(json, "min_feature_count", 1, origin);
  return config;
}

}  // namespace ner
