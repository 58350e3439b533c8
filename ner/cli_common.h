// What the command-line commands share: corpus-reading options and the default model.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "data/corpus.h"

namespace ner {

struct CorpusOptions {
  std::string format = "auto";
  std::string encoding = "utf-8";
  std::string json_scheme = "BIOES";

  void add_to(CLI::App& command);
  data::ReadOptions read_options() const;
};

class Model;

// --precision for the commands that tag: "bfloat16" (the default) multiplies by bfloat16 copies of the recurrent
// layers' weights where the CPU has AMX, and in float elsewhere; "float" keeps every product in float.
void add_precision_option(CLI::App& command, std::string& precision);
// Applies it to a loaded model; returns whether bfloat16 is in use.
bool apply_precision(Model& model, const std::string& precision);

// $NER_MODEL, else the model shipped in the repository's models/ folder.
std::string default_model_path();

// The arguments joined into one line that a POSIX shell reads back as the same arguments.
std::string shell_command_line(int argc, char** argv);

// Registers each command on the app; each keeps its options alive in its callback. Training records the command
// line that started it.
void add_stats_command(CLI::App& app);
void add_train_command(CLI::App& app, const std::string& command_line);
void add_tag_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_score_command(CLI::App& app);
void add_info_command(CLI::App& app);
void add_convert_command(CLI::App& app);

}  // namespace ner
