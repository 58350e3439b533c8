// `ner train --train FILE --dev FILE --model OUT ...`
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "data/output_file.h"
#include "ner/commands/cli_common.h"
#include "ner/evaluation/evaluate.h"
#include "ner/model/model_io.h"
#include "ner/commands/setting_options.h"
#include "ner/commands/training_command.h"
#include "ner/training/train_job.h"
#include "ner/training/trainer.h"

namespace ner {
namespace {

// The default configurations in words: "adam 0.002, batch 16, 1 bidirectional lstm layer of 128 units ...".
std::string default_recipe() {
  const TrainConfig train;
  const ModelConfig model;
  const auto number = [](double x) { return CLI::detail::to_string(x); };
  return optimizer_name(train.optimizer) + " " + number(train.learning_rate) + ", batch " + std::to_string(train.batch) + ", " +
         std::to_string(model.layers) + " bidirectional " + nn::cell_name(model.cell) + " layer of " +
         std::to_string(model.hidden) + " units per direction, " + std::to_string(model.char_dim) +
         "-dim character embeddings, dropout " + number(model.dropout) + " (" + number(kSmallCorpusDropout) +
         " for a training text under " + std::to_string(kSmallCorpusChars) + " characters), clip " + number(train.clip) + ", " +
         std::to_string(epochs_for_corpus(1)) + " epochs (patience " + std::to_string(patience_for_epochs(epochs_for_corpus(1))) +
         ") for a corpus the size of Resume NER, down to " + std::to_string(epochs_for_corpus(std::size_t{1} << 40)) +
         " (patience " + std::to_string(patience_for_epochs(epochs_for_corpus(std::size_t{1} << 40))) + ") for MSRA's";
}

// What ner train's command line sets.
struct TrainOptions {
  TrainJob job;
  double collective_timeout = Group::kDefaultTimeout;
};

// `ner train` and its options, parsed into `o`.
CLI::App* add_train_options(CLI::App& app, const std::shared_ptr<TrainOptions>& o) {
  CLI::App* command = app.add_subcommand(
      "train",
      "Train a character BiLSTM/GRU/RNN-CRF on an annotated corpus. The defaults are the best recipe found on Resume "
          "NER and MSRA: characters, bigrams and the words of a dictionary with their parts of speech (--features), " +
          default_recipe() + ". Keeps the model with the best "
          "dev F1, writes a checkpoint after every epoch (--resume continues it) and a JSON-lines metrics file.");
  add_setting_options(*command, o->job, train_job_settings());
  add_setting_options(*command, o->job.model, model_settings());
  add_setting_options(*command, o->job.train, train_settings());
  add_setting_options(*command, o->job.read, read_settings());
  add_collective_timeout_option(*command, o->collective_timeout);
  return command;
}

// The job the parsed options describe, completed (resolve_train_job).
TrainJob job_from_options(const TrainOptions& o, const CLI::App& command) {
  std::set<std::string> given;
  for (const CLI::Option* option : command.get_options())
    if (option->count() > 0) given.insert(option->get_name());
  return resolve_train_job(o.job, given, [](const std::string& warning) { std::cerr << "ner: warning: " << warning << "\n"; });
}

}  // namespace

void add_train_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* command = add_train_options(app, o);
  command->callback([o, command, command_line] {
    Group& group = join_training_group(o->collective_timeout);
    TrainJob job = job_from_options(*o, *command);
    job.command_line = command_line;

    TrainCallbacks callbacks;
    if (group.rank() == 0) {
      const bool profile = job.profile;
      callbacks.epoch_done = [profile](const EpochRecord& r) {
        std::fprintf(stderr, "epoch %d/%d  loss/char %.4f  %.0f chars/s  dev P %.2f R %.2f F1 %.2f  %.1f s%s\n", r.epoch, r.epochs,
                     r.loss, r.train_chars_per_s, r.dev_precision, r.dev_recall, r.dev_f1, r.seconds, r.best ? "  *best" : "");
        if (profile) std::fprintf(stderr, "%s\n", profile_line(r.profile_seconds).c_str());
      };
    }
    const TrainResult result =
        run_training_command(group, "batch", "loss/char", callbacks, [&](const TrainCallbacks& given) { return train(job, given); });
    if (group.rank() != 0) return;
    std::fprintf(stderr, "best dev F1 %.2f at epoch %d of %d; model: %s\n", result.best_dev_f1, result.best_epoch,
                 result.epochs_run, job.model_path.c_str());
    if (result.test) {
      std::cout << "test (" << job.test_path << "):\n" << conlleval_report(*result.test) << std::flush;
    }
  });
}

}  // namespace ner
