// What the command-line commands share: corpus-reading options and the default model.
#pragma once

#include <CLI/CLI.hpp>

#include <array>
#include <string>
#include <type_traits>

#include "data/corpus.h"
#include "data/encoding.h"
#include "ner/model/config.h"
#include "ner/model/settings.h"
#include "ner/training/distributed.h"
#include "ner/training/trainer.h"
#include "nn/profile.h"

namespace ner {

// How a command reads its corpora: the options of settings.h's read_settings().
struct CorpusOptions {
  data::ReadOptions read;

  void add_to(CLI::App& command);
  const data::ReadOptions& read_options() const { return read; }
};

// A numeric option's check: a value that is not a number says so ("'three' is not a number"), one outside
// [min, max] says the range.
template <typename T>
CLI::Validator in_range(T min, T max) {
  const std::string range = CLI::detail::to_string(min) + " to " + CLI::detail::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        T value{};
        if (!CLI::detail::lexical_cast(text, value))
          return "'" + text + "' is not " + (std::is_integral<T>::value ? "a whole number" : "a number");
        if (!(value >= min && value <= max)) return text + " is not in the range " + range;  // NaN is not either
        return "";
      },
      "in " + range);
}

// A named choice's check by the function that reads it (data::parse_scheme, ...): a value it refuses is a usage
// error with its message (exit 2, "see --help"), before any work.
template <typename Parse>
CLI::Validator read_by(Parse parse, const std::string& description) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        try {
          parse(text);
          return "";
        } catch (const std::exception& error) {
          return error.what();
        }
      },
      description);
}

// --encoding's check: auto or a name ICU knows.
CLI::Validator encoding_name();

// --precision for the commands that tag (see apply_precision), its default kDefaultPrecision.
void add_precision_option(CLI::App& command, std::string& precision);
// --dictionary FILE and --dictionary-mode force|prefer (ner tag, ner serve), the mode's default kDefaultDictionaryMode.
void add_dictionary_options(CLI::App& command, std::string& path, std::string& mode);


// Registers each command on the app; each keeps its options alive in its callback. Training records the command
// line that started it.
void add_stats_command(CLI::App& app);
void add_train_command(CLI::App& app, const std::string& command_line);
void add_tag_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_convert_command(CLI::App& app);
void add_lm_command(CLI::App& app);
void add_serve_command(CLI::App& app);

// SIGINT and SIGTERM ask a training command to save its state and stop after the current `step` ("batch"); a
// second one ends the process at once. stop_signal() is the signal received (0: none); restore_stop_signals
// gives the signals back their default action.
void catch_stop_signals(const char* step);
int stop_signal();
void restore_stop_signals();

// --collective-timeout of the training commands, which run data-parallel under mpirun (ner/training/distributed.h).
void add_collective_timeout_option(CLI::App& command, double& seconds);
// The job's group, joined (before any thread starts) with that timeout: this process alone, or one rank of an
// mpirun job. Only rank 0 prints.
Group& join_training_group(double timeout_seconds);

// `--profile`'s line after an epoch or a tagging run: "  profile (CPU s, all threads):  embedding 0.12 (3%)  ..."
// for every part that took any time.
std::string profile_line(const std::array<double, nn::profile::kParts>& seconds);

}  // namespace ner
