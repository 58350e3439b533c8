#include "ner/training/train_job.h"

#include <filesystem>
#include <map>

#include "data/error.h"
#include "ner/model/model_io.h"

namespace ner {
namespace {

// `--resume CHECKPOINT`: what the command line leaves out comes from the checkpoint (its files and settings);
// what it gives must agree with the model's shape there (the trainer checks the training settings).
void complete_from_checkpoint(TrainJob& job, const std::set<std::string>& given) {
  const nlohmann::json saved = read_checkpoint_state(job.resume_path);
  if (saved.contains("job")) {
    TrainJob stored;
    stored.set_paths_from_json(saved["job"], job.resume_path);
    for (const TrainJob::PathField& field : TrainJob::path_fields()) {
      std::string& path = job.*field.path;
      const std::string& from = stored.*field.path;
      if (given.count(field.option) == 0)
        path = from;
      else if (path.empty() != from.empty() || (!from.empty() && std::filesystem::absolute(path) != std::filesystem::absolute(from)))
        throw data::UsageError(job.resume_path + ": the checkpoint's run has " +
                                       (from.empty() ? std::string("no ") + field.option : std::string(field.option) + " " + from) +
                                       ", not " + path +
                                       "; resume with the same files (leave " + field.option + " out)");
    }
    if (given.count("--format") == 0) job.read.format = stored.read.format;
    if (given.count("--encoding") == 0) job.read.encoding = stored.read.encoding;
    if (given.count("--json-scheme") == 0) job.read.jsonl_scheme = stored.read.jsonl_scheme;
    if (given.count("--skip-nonfinite") == 0) job.skip_nonfinite = stored.skip_nonfinite;
  }
  if (saved.contains("train_config")) {
    nlohmann::json config = job.train.to_json();
    for (const Setting<TrainConfig>& setting : train_settings()) {
      const nlohmann::json::json_pointer key(setting.key);
      if (given.count(setting.flag) == 0 && saved["train_config"].contains(key)) config[key] = saved["train_config"][key];
    }
    job.train = TrainConfig::from_json(config, job.resume_path);
  }
  if (saved.contains("model_config")) {
    const ModelConfig model = ModelConfig::from_json(saved["model_config"], job.resume_path);
    const FeatureSet set = model.lexicon_dim > 0 ? FeatureSet::kLexicon : model.bigram_dim > 0 ? FeatureSet::kBigram : FeatureSet::kChar;
    if (given.count("--features") > 0 && job.features != set)
      throw data::UsageError(job.resume_path + ": the checkpoint's model has --features " + features_name(set) + ", not " +
                                     features_name(job.features) + "; a resumed model keeps its shape (leave --features out)");
    const nlohmann::json shape = job.model.to_json();
    for (const Setting<ModelConfig>& setting : model_settings()) {
      const nlohmann::json::json_pointer pointer(setting.key);
      if (!setting.flag.empty() && given.count(setting.flag) > 0 &&
          saved["model_config"].value(pointer, nlohmann::json()) != shape[pointer])
        throw data::UsageError(job.resume_path + ": the checkpoint's model has " + setting.key.substr(1) + " = " +
                                       saved["model_config"][pointer].dump() + ", not " + shape[pointer].dump() +
                                       "; a resumed model keeps its shape (leave " + setting.flag + " out)");
    }
  }
}

// --init: the trained model gives the shape, the features and the dictionary.
void refuse_shape_options(const std::set<std::string>& given) {
  std::vector<std::string> options = {"--features",       "--lexicon",      "--char-vectors",
                                      "--bigram-vectors", "--word-vectors", "--pretrained-keys", "--lm"};
  for (const Setting<ModelConfig>& setting : model_settings())
    if (!setting.flag.empty()) options.push_back(setting.flag);
  for (const std::string& option : options)
    if (given.count(option) > 0)
      throw data::UsageError(option + " shapes a new model; with --init the trained model's shape and "
                                 "features are kept (leave " + option + " out)");
}

// --features: the feature set's settings for every option the command line does not give. The lexicon set without
// a dictionary (none given, none found) trains without lexicon features and says so.
// With --init the model's shape is the trained model's: only the set's training settings apply.
void apply_features(const std::set<std::string>& given_options, TrainJob& job, const std::function<void(const std::string&)>& warn) {
  const auto given = [&](const char* option) { return given_options.count(option) > 0; };
  const bool shape = job.init_path.empty();
  if (job.features == FeatureSet::kChar) return;
  if (!given("--bigram-dim") && shape) job.model.bigram_dim = kRecipeBigramDim;
  if (!given("--unk-rate")) job.train.unk_rate = kRecipeUnkRate;
  if (job.features != FeatureSet::kLexicon) return;
  if (!given("--average")) job.train.average = kRecipeAverage;
  if (!shape) return;
  if (!given("--dropout")) job.model.dropout = -1;  // dropout_for_corpus
  if (!given("--lexicon")) job.lexicon_path = default_lexicon_path();
  if (job.lexicon_path.empty()) {
    warn(std::string("no dictionary found (give --lexicon FILE, set NER_LEXICON, or install python3-jieba for ") +
         kJiebaDictionary + "): training without lexicon features");
    return;
  }
  if (!given("--lexicon-pos")) {
    job.model.lexicon_pos = true;
    job.lexicon_pos_if_any = true;
  }
}

}  // namespace

TrainJob resolve_train_job(TrainJob job, const std::set<std::string>& given, const std::function<void(const std::string&)>& warn) {
  if (!job.init_path.empty() && job.resume_path.empty()) refuse_shape_options(given);
  if (job.resume_path.empty())
    apply_features(given, job, warn);
  else
    complete_from_checkpoint(job, given);
  if (!job.lexicon_path.empty() && job.model.lexicon_dim == 0) job.model.lexicon_dim = kDefaultLexiconDim;
  std::string missing;
  for (auto [option, path] : {std::pair<const char*, const std::string*>{"--train", &job.train_path}, {"--dev", &job.dev_path}, {"--model", &job.model_path}})
    if (path->empty() && !(path == &job.dev_path && job.train.dev_fraction > 0))
      missing += std::string(missing.empty() ? "" : ", ") + (path == &job.dev_path ? "--dev (or --dev-fraction)" : option);
  if (!missing.empty())
    throw data::UsageError(missing + (missing.find(',') == std::string::npos ? " is" : " are") + " required (or --resume CHECKPOINT)");
  if (job.metrics_path.empty()) job.metrics_path = job.model_path + ".metrics.jsonl";
  if (job.checkpoint_path.empty()) job.checkpoint_path = job.model_path + ".ckpt";
  if (job.report_path.empty()) job.report_path = job.model_path + ".report.html";
  return job;
}


const Settings<TrainJob>& train_job_settings() {
  using C = TrainJob;
  static const Settings<C> settings = [] {
    const std::map<std::string, std::string> path_help = {
      {"--train", "training corpus (CoNLL columns or JSONL spans); required unless --resume"},
      {"--dev", "development corpus: chooses the best epoch; required unless --dev-fraction or --resume"},
      {"--test", "test corpus: the best model is scored on it at the end (printed, and kept in the model's summary, "
                      "the metrics file's last line and the report)"},
      {"--model", "where to write the best model; required unless --resume"},
      {"--init", "start from this trained model (e.g. the shipped one) instead of random weights: its shape, features, "
                      "dictionary and weights are kept, the training text's new characters, bigrams and words and the "
                      "corpora's new entity types are added with fresh weights (the model's own types stay), and the "
                      "default set's training settings apply"},
      {"--lexicon", "word dictionary ('word frequency [part-of-speech]' per line, e.g. jieba's dict.txt) for lexicon "
                      "features: each character gets the words it begins, is inside, ends or forms, weighted by "
                      "frequency (default with --features lexicon: $NER_LEXICON, else " + std::string(kJiebaDictionary) + ")"},
      {"--char-vectors", "pretrained character vectors (word2vec text format)"},
      {"--bigram-vectors", "pretrained bigram vectors (word2vec text format)"},
      {"--word-vectors", "pretrained vectors of the dictionary's words for lexicon features (word2vec text format; "
                      "scripts/vectors.sh trains all three on raw text)"},
      {"--lm", "a character language model (ner lm train): its forward and backward states at each character "
                      "become input features; the model file carries it, so ner tag needs nothing more"},
      {"--metrics", "JSON-lines metrics, one record per epoch, then {\"test\": ...} with --test (default: "
                      "MODEL.metrics.jsonl)"},
      {"--checkpoint", "checkpoint written after every epoch (default: MODEL.ckpt)"},
      {"--report", "HTML report written after every epoch (default: MODEL.report.html): the best epoch and why "
                      "training stopped, its dev P/R/F1 per type, the corpora, loss and dev P/R/F1 per epoch, the "
                      "command line and configuration, and at the end the test score"},
    };
    Settings<C> s;
    for (const TrainJob::PathField& field : TrainJob::path_fields())
      s.push_back(text_setting<C>(std::string("/") + field.key, field.option, field.path, path_help.at(field.option)));
    s.push_back(text_setting<C>("/resume", "--resume", &C::resume_path, "continue from this checkpoint (written after every epoch, and on Ctrl-C or SIGTERM mid-epoch): "
                      "its files and settings are used unless given; only --epochs, --patience and --threads may differ, "
                      "and the model's shape comes from the checkpoint"));
    s.push_back(choice_setting<C>("/features", "--features", &C::features,
                                  std::vector<FeatureSet>{FeatureSet::kChar, FeatureSet::kBigram, FeatureSet::kLexicon},
                                  features_name, parse_features, "input features with their training settings: char (characters alone), bigram (with character "
                      "bigrams, --bigram-dim " + std::to_string(kRecipeBigramDim) + ", and word dropout, --unk-rate " +
                          number_text(kRecipeUnkRate) + "), lexicon (with the words of a dictionary, --lexicon, "
                          "default $NER_LEXICON or " + kJiebaDictionary + ", and their parts of speech when it has them, "
                          "--lexicon-pos, a weight average, --average " + number_text(kRecipeAverage) +
                          ", and --dropout " + number_text(kSmallCorpusDropout) + " for a training text under " +
                          std::to_string(kSmallCorpusChars) + " characters); an option given by itself overrides its set's value"));
    s.push_back(number_setting<C>("/pretrained_keys", "--pretrained-keys", &C::pretrained_keys, 0, kMaxCount, "keys of the training text get their pretrained vectors; of each vectors file's other keys, the first "
                      "N (fastText lists the most frequent first) join the vocabulary too, for text unseen in training"));
    s.push_back(switch_setting<C>("/overwrite", "--overwrite", &C::overwrite, "replace an existing model and checkpoint (else they are kept and training refuses to start)"));
    s.push_back(switch_setting<C>("/skip_nonfinite", "--skip-nonfinite", &C::skip_nonfinite, "skip a batch whose loss or gradient is NaN or infinite, with a message naming it (default: stop "
                    "with an error; the best model so far is kept either way)"));
    s.push_back(switch_setting<C>("/profile", "--profile", &C::profile, "after each epoch, print the CPU seconds (summed over threads) spent in each part of the network"));
    return s;
  }();
  return settings;
}

std::string set_train_option(TrainJob& job, const std::string& flag_or_keyword, const std::string& text) {
  std::string flag;
  if (set_setting(job, train_job_settings(), flag_or_keyword, text, flag) ||
      set_setting(job.model, model_settings(), flag_or_keyword, text, flag) ||
      set_setting(job.train, train_settings(), flag_or_keyword, text, flag) ||
      set_setting(job.read, read_settings(), flag_or_keyword, text, flag))
    return flag;
  std::string option = flag_or_keyword.rfind("--", 0) == 0 ? flag_or_keyword : "--" + flag_or_keyword;
  for (char& c : option)
    if (c == '_') c = '-';
  throw data::UsageError("ner train has no option " + option + " (see ner train --help)");
}

std::string shell_command_line(const std::vector<std::string>& words) {
  std::string line;
  // Each word as the shell would need it: as it is when it holds only safe characters, else in single quotes.
  for (const std::string& word : words) {
    const bool safe = !word.empty() && word.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                              "0123456789_-+=.,/:@%") == std::string::npos;
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += (line.empty() ? "" : " ") + (safe ? word : quoted + "'");
  }
  return line;
}

}  // namespace ner
