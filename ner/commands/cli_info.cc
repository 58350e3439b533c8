// `ner info [MODEL]` (or --model MODEL)
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "ner/commands/cli_common.h"
#include "ner/lm/lm_file.h"
#include "ner/model/model_info.h"
#include "ner/model/model_io.h"

namespace ner {
namespace {

// A language model of ner lm train: its configuration, vocabulary, classes, parameters and training summary.
void print_lm(const std::string& path) {
  LoadedLm loaded = load_lm(path);
  LanguageModel& lm = *loaded.lm;
  std::cout << "language model: " << path << "\n"
            << "configuration:  " << lm.config().to_json().dump() << "\n"
            << "characters:     " << lm.vocab().size() << " keys (with <pad>, <unk> and " << kLineEndKey << ")\n"
            << "softmax:        " << (lm.config().classes == 1 ? std::string("full") : std::to_string(lm.config().classes) + " classes")
            << "\n"
            << "parameters:     " << nn::count_values(lm.params()) << "\n";
  for (const nn::Param* p : lm.params()) std::cout << "  " << p->name << " " << p->value.rows() << "x" << p->value.cols() << "\n";
  std::cout << "training:       " << loaded.summary.dump() << "\n";
}

// A number with two decimals.
std::string two_decimals(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", x);
  return text;
}

// What an NER model's training summary says, readably: its corpora, dev and test scores and the files it was made
// from; then the whole summary as JSON (the recipe's settings among them).
void print_training(const nlohmann::json& summary) {
  auto text = [&](const char* key) { return summary.contains(key) && summary[key].is_string() ? summary[key].get<std::string>() : ""; };
  if (summary.contains("train_sentences") && summary.contains("dev_f1") && summary.contains("best_epoch")) {
    std::cout << "trained on:     " << text("train") << " (" << summary["train_sentences"] << " sentences, "
              << summary["train_chars"] << " characters), dev " << (text("dev").empty() ? "held out of it" : text("dev"))
              << "; best dev F1 " << two_decimals(summary["dev_f1"].get<double>()) << " at epoch " << summary["best_epoch"] << "\n";
    if (summary.contains("test") && summary["test"].contains("f1"))
      std::cout << "test F1:        " << two_decimals(summary["test"]["f1"].get<double>()) << " (precision "
                << two_decimals(summary["test"]["precision"].get<double>()) << ", recall "
                << two_decimals(summary["test"]["recall"].get<double>()) << ")"
                << (text("test_corpus").empty() ? "" : " on " + text("test_corpus")) << ", scored at the end of training\n";
    else
      std::cout << "test F1:        not scored at training (train with --test FILE, or run ner eval MODEL FILE)\n";
    std::string sources;
    for (const auto& [key, name] : {std::pair<const char*, const char*>{"char_vectors", "character vectors"},
                                    {"bigram_vectors", "bigram vectors"}, {"word_vectors", "word vectors"},
                                    {"lexicon", "lexicon"}, {"lm", "language model"}, {"init", "started from"}})
      if (!text(key).empty()) sources += (sources.empty() ? "" : ", ") + std::string(name) + " " + text(key);
    if (!sources.empty()) std::cout << "made from:      " << sources << "\n";
  }
  std::cout << "training:       " << summary.dump() << "\n";
}

bool is_lm_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(data::kLmMagic.size(), '\0');
  return in.read(head.data(), static_cast<std::streamsize>(head.size())) && head == data::kLmMagic;
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto model_path = std::make_shared<std::string>(default_model_path());
  auto json = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand(
      "info", "Print what a model file holds: configuration, sizes, tags, training summary (of a language model too)");
  auto positional = std::make_shared<std::string>();
  command->add_option("MODEL", *positional, "model file (the same as --model)");
  command->add_option("--model", *model_path, "model file")->capture_default_str();
  command->add_flag("--json", *json, "one JSON object instead (an NER model's; what ner serve's GET /info gives)");
  command->callback([command, model_path, positional, json] {
    if (command->count("MODEL") > 0) {
      if (command->count("--model") > 0) throw data::UsageError("give the model once: as MODEL or as --model");
      *model_path = *positional;
    }
    if (is_lm_file(*model_path)) {
      if (*json) throw data::UsageError(*model_path + " is a language model: --json describes NER models");
      return print_lm(*model_path);
    }
    LoadedModel loaded = load_model(*model_path);
    if (*json) {
      std::cout << model_info(*model_path, loaded).dump() << "\n";
      return;
    }
    Model& model = *loaded.model;
    std::string tags;
    for (const std::string& tag : model.tags().keys()) tags += (tags.empty() ? "" : " ") + tag;
    std::cout << "model:          " << *model_path << "\n"
              << "configuration:  " << model.config().to_json().dump() << "\n"
              << "characters:     " << model.chars().size() << " keys (with <pad> and <unk>)\n"
              << "tags:           " << model.tags().size() << " (" << tags << ")\n"
              << "parameters:     " << nn::count_values(model.params()) << "\n";
    for (const nn::Param* p : model.params())
      std::cout << "  " << p->name << " " << p->value.rows() << "x" << p->value.cols() << "\n";
    if (LanguageModel* lm = model.language_model())
      std::cout << "language model: " << lm->vocab().size() << " character keys, " << nn::count_values(lm->params())
                << " parameters, " << lm->config().to_json().dump() << "; its states are "
                << (model.config().lm_finetune ? "fine-tuned" : "fixed") << " features\n";
    print_training(loaded.summary);
  });
}

}  // namespace ner
