#include "ner/cli.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <new>
#include <string>

#include "data/error.h"
#include "ner/cli_common.h"
#include "ner/model.h"

namespace ner {

void CorpusOptions::add_to(CLI::App& command) {
  command.add_option("--format", format, "corpus format: auto (JSONL if the first line starts with '{'), conll, jsonl")
      ->capture_default_str();
  command.add_option("--encoding", encoding, "input encoding: utf-8, gb18030, gbk, big5, utf-16, ... (ICU names)")
      ->capture_default_str();
  command.add_option("--json-scheme", json_scheme, "tag scheme that JSONL spans become: BIO, BIOES or BMES")
      ->capture_default_str();
}

data::ReadOptions CorpusOptions::read_options() const {
  data::ReadOptions options;
  options.format = data::parse_format(format);
  options.encoding = encoding;
  options.jsonl_scheme = data::parse_scheme(json_scheme);
  return options;
}

void add_precision_option(CLI::App& command, std::string& precision) {
  command.add_option("--precision", precision,
                     "arithmetic of the recurrent layers: bfloat16 (products of bfloat16-rounded weights and states "
                     "summed in float, about twice as fast; used only on CPUs with AMX, float elsewhere) or float")
      ->capture_default_str()->check(CLI::IsMember({"bfloat16", "float"}));
}

bool apply_precision(Model& model, const std::string& precision) { return model.set_bfloat16(precision == "bfloat16"); }

std::string default_model_path() {
  const char* from_env = std::getenv("NER_MODEL");
  return from_env && *from_env ? from_env : NER_DEFAULT_MODEL;
}

std::string shell_command_line(int argc, char** argv) {
  std::string line;
  // Each argument as the shell would need it: as it is when it holds only safe characters, else in single quotes.
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool safe = !arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                            "0123456789_-+=.,/:@%") == std::string::npos;
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += (i ? " " : "") + (safe ? arg : quoted + "'");
  }
  return line;
}

int run_cli(int argc, char** argv) {
  CLI::App app("ner: Chinese named-entity recognition with a character BiLSTM/GRU-CRF.\n"
               "Errors go to stderr as one line starting with 'ner: error:'; the exit status is 1 (2 for usage).",
               "ner");
  app.require_subcommand(1);
  app.set_version_flag("--version", "ner 0.1");
  add_train_command(app, shell_command_line(argc, argv));
  add_tag_command(app);
  add_eval_command(app);
  add_score_command(app);
  add_info_command(app);
  add_convert_command(app);
  add_stats_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ner: error: " << e.what() << " (see ner --help)\n";
    return 2;
  } catch (const data::Error& e) {
    std::cerr << "ner: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "ner: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ner: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace ner
