// What the command-line commands share: corpus-reading options and the default model.
#pragma once

#include <CLI/CLI.hpp>

#include <array>
#include <string>
#include <type_traits>

#include "data/corpus.h"
#include "data/encoding.h"
#include "ner/model/config.h"
#include "ner/training/distributed.h"
#include "ner/training/trainer.h"
#include "nn/profile.h"

namespace ner {

// What --encoding means, for every command that reads text.
inline constexpr const char* kEncodingHelp =
    "input encoding: auto (a byte-order mark; else UTF-16 by its byte pairs; else UTF-8 if the first 64 KB are UTF-8 "
    "but for a few bad bytes; else GB18030/GBK or Big5 by ICU's charset detector), or a name: utf-8, gb18030, gbk, "
    "big5, utf-16le, ... (ICU names)";

struct CorpusOptions {
  std::string format = data::format_name(data::ReadOptions{}.format);
  std::string encoding = data::ReadOptions{}.encoding;
  std::string json_scheme = data::scheme_name(data::ReadOptions{}.jsonl_scheme);
  bool verbose = data::ReadOptions{}.verbose;
  bool strict = data::ReadOptions{}.strict;

  void add_to(CLI::App& command);
  data::ReadOptions read_options() const;
};

// The largest value a count option (--min-count, --pretrained-keys, ...) takes.
inline constexpr std::size_t kMaxCount = std::size_t{1} << 40;

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
inline constexpr const char* kDefaultDictionaryMode = "force";
void add_dictionary_options(CLI::App& command, std::string& path, std::string& mode);

// The arguments joined into one line that a POSIX shell reads back as the same arguments.
std::string shell_command_line(int argc, char** argv);

// Registers each command on the app; each keeps its options alive in its callback. Training records the command
// line that started it.
void add_stats_command(CLI::App& app);
void add_train_command(CLI::App& app, const std::string& command_line);
// The job `ner train ARGUMENTS` would run (the same options, checks and defaults), for the Python module's
// ner.train; a data::UsageError with CLI11's message for arguments ner train refuses.
TrainJob train_job_from_arguments(const std::vector<std::string>& arguments);
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
