// `ner lm train --raw FILE... --model LM ...` and `ner lm sample --model LM ...`
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "ner/commands/cli_common.h"
#include "ner/commands/setting_options.h"
#include "ner/commands/training_command.h"
#include "ner/lm/lm_file.h"
#include "ner/lm/lm_sample.h"
#include "ner/lm/lm_trainer.h"

namespace ner {
namespace {

// What --resume leaves to the command line besides the settings it may change: the checkpoint holds the files and
// every other setting.
const std::vector<std::string> kResumeMayGive = {"--resume", "--profile", "--collective-timeout"};

// Whether --resume may be given with `flag`.
bool resume_may_give(const std::string& flag) {
  if (std::find(kResumeMayGive.begin(), kResumeMayGive.end(), flag) != kResumeMayGive.end()) return true;
  const Setting<LmTrainConfig>* setting = find_setting(lm_train_settings(), flag);
  return setting != nullptr && setting->resume_may_change;
}

void add_train(CLI::App& lm) {
  struct Options {
    LmTrainJob job;
    std::string softmax = "class";
    double collective_timeout = Group::kDefaultTimeout;
  };
  auto o = std::make_shared<Options>();
  CLI::App* command = lm.add_subcommand(
      "train",
      "Train a character language model on raw text: a forward model (each character from the ones before it) and a "
      "backward model (from the ones after it), each an embedding, recurrent layers and a softmax, by truncated "
      "backpropagation through time. The text (each non-blank line followed by a line end, the files one after "
      "another) is cut into --batch parallel streams trained in windows of --bptt characters, the state carried "
      "from one window to the next. After every epoch: bits per character on held-out text, the model when they are "
      "the best so far, the metrics and a checkpoint (--resume continues it).");
  command->add_option("--raw", o->job.raw_paths, "raw text files (one paragraph or sentence per line); required unless --resume");
  command->add_option("--model", o->job.model_path, "where to write the language model; required unless --resume");
  command->add_option("--dev-raw", o->job.dev_path, "held-out text for bits per character (default: --dev-fraction of the lines)");
  command->add_option("--softmax", o->softmax,
                      "output layer: class (two-level: a softmax over classes of characters by frequency, then over the "
                      "characters of the class; exact probabilities, about 2·sqrt(V) instead of V products per character) "
                      "or full")
      ->capture_default_str()->check(CLI::IsMember({"class", "full"}));
  add_setting_options(*command, o->job.model, lm_settings());
  add_setting_options(*command, o->job.train, lm_train_settings());
  command->add_option("--encoding", o->job.encoding, kEncodingHelp)->capture_default_str()->check(encoding_name());
  command->add_option("--resume", o->job.resume_path,
                      "continue from this checkpoint (written after every epoch, and on Ctrl-C or SIGTERM between two "
                      "windows): its files and settings are used, and only --epochs (more), --threads and --profile may "
                      "be given; the result is the bytes of an uninterrupted run");
  command->add_flag("--overwrite", o->job.overwrite, "replace an existing model and checkpoint (else training refuses to start)");
  command->add_flag("--profile", o->job.profile,
                    "after each epoch, print the CPU seconds (summed over threads) spent in each part of the network");
  command->add_option("--checkpoint", o->job.checkpoint_path, "checkpoint written after every epoch (default: MODEL.ckpt)");
  command->add_option("--metrics", o->job.metrics_path, "JSON-lines metrics, one record per epoch (default: MODEL.metrics.jsonl)");
  add_collective_timeout_option(*command, o->collective_timeout);
  command->callback([o, command] {
    Group& group = join_training_group(o->collective_timeout);
    LmTrainJob job = o->job;
    if (!job.resume_path.empty()) {
      for (const CLI::Option* option : command->get_options()) {
        const std::string name = option->get_name();
        if (option->count() > 0 && !resume_may_give(name))
          throw CLI::ValidationError(name + ": with --resume the checkpoint's files and settings are used; only --epochs, "
                                     "--threads and --profile may be given", CLI::ExitCodes::ValidationError);
      }
      if (command->count("--epochs") == 0) job.train.epochs = 0;  // the checkpoint's
    } else {
      std::string missing;
      if (job.raw_paths.empty()) missing = "--raw";
      if (job.model_path.empty()) missing += std::string(missing.empty() ? "" : ", ") + "--model";
      if (!missing.empty())
        throw CLI::RequiredError(missing + (missing.find(',') == std::string::npos ? " is" : " are") + " required (or --resume CHECKPOINT)",
                                 CLI::ExitCodes::RequiredError);
      if (o->softmax == "full") {
        if (command->count("--classes") > 0) throw CLI::ValidationError("--classes goes with --softmax class", CLI::ExitCodes::ValidationError);
        job.model.classes = 1;
      }
      if (job.checkpoint_path.empty()) job.checkpoint_path = job.model_path + ".ckpt";
      if (job.metrics_path.empty()) job.metrics_path = job.model_path + ".metrics.jsonl";
    }
    LmTrainCallbacks callbacks;
    if (group.rank() == 0) {
      const bool profile = job.profile;
      callbacks.epoch_done = [profile](const LmEpochRecord& r) {
        std::fprintf(stderr, "epoch %d/%d  train bits/char %.4f %.4f  dev bits/char %.4f %.4f (forward, backward)  %.0f chars/s  %.1f s%s\n",
                     r.epoch, r.epochs, r.train_bits[0], r.train_bits[1], r.dev_bits[0], r.dev_bits[1], r.chars_per_s, r.seconds,
                     r.best ? "  *best" : "");
        if (profile) std::fprintf(stderr, "%s\n", profile_line(r.profile_seconds).c_str());
      };
    }
    const LmTrainResult result =
        run_training_command(group, "window", "bits/char", callbacks, [&](const LmTrainCallbacks& given) { return train_lm(job, given); });
    if (group.rank() != 0) return;
    std::fprintf(stderr, "best dev bits/char %.4f (mean of both directions) at epoch %d of %d\n", result.best_dev_bits,
                 result.best_epoch, result.epochs_run);
  });
}

void add_sample(CLI::App& lm) {
  struct Options {
    std::string model_path;
    SampleOptions sample;
  };
  auto o = std::make_shared<Options>();
  CLI::App* command = lm.add_subcommand(
      "sample",
      "Generate text with a language model of ner lm train, one character at a time: each drawn from the model's "
      "distribution given the text so far (the prefix, then what was drawn), after a line end. <unk> is never drawn; "
      "prefix characters the model does not know are read as <unk>; a line end is written as a newline.");
  command->add_option("--model", o->model_path, "language model file")->required();
  command->add_option("--prefix", o->sample.prefix, "text to start from (with --backward: to end with)");
  command->add_option("--length", o->sample.length, "characters to generate")->capture_default_str()->check(in_range(0, 100000000));
  command->add_option("--temperature", o->sample.temperature,
                      "the logits are divided by it: below 1 more likely characters, towards 0 always the likeliest, "
                      "above 1 more random")
      ->capture_default_str()->check(in_range(1e-6, 1e6));
  command->add_option("--seed", o->sample.seed, "random seed (the same seed gives the same text)")->capture_default_str();
  command->add_flag("--backward", o->sample.backward, "generate with the backward model: the text before the prefix, right to left");
  command->callback([o] {
    LoadedLm loaded = load_lm(o->model_path);
    std::cout << sample_text(*loaded.lm, o->sample) << "\n" << std::flush;
  });
}

}  // namespace

void add_lm_command(CLI::App& app) {
  CLI::App* lm = app.add_subcommand("lm", "Character language models on raw text: lm train, lm sample");
  lm->require_subcommand(1);
  add_train(*lm);
  add_sample(*lm);
}

}  // namespace ner
