#include "ner/cli.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "data/error.h"
#include "ner/cli_common.h"

namespace ner {

void CorpusOptions::add_to(CLI::App& command) {
  command.add_option("--format", format, "corpus format: auto (JSONL if the first line starts with '{'), conll, jsonl")
      ->capture_default_str();
  command.add_option("--encoding", encoding, kEncodingHelp)
      ->capture_default_str();
  command.add_flag("--verbose,-v", verbose, "say on stderr which encoding each corpus was read in");
  command.add_option("--json-scheme", json_scheme, "tag scheme that JSONL spans become: BIO, BIOES or BMES")
      ->capture_default_str();
  command.add_flag("--strict", strict,
                   "refuse what is otherwise repaired with one warning per file: overlapping JSONL spans (else the "
                   "outermost, then the longer, then the earlier is kept) and byte-order marks inside a file (else "
                   "removed)");
}

data::ReadOptions CorpusOptions::read_options() const {
  data::ReadOptions options;
  options.format = data::parse_format(format);
  options.encoding = encoding;
  options.jsonl_scheme = data::parse_scheme(json_scheme);
  options.verbose = verbose;
  options.strict = strict;
  return options;
}

void add_precision_option(CLI::App& command, std::string& precision) {
  command.add_option("--precision", precision,
                     "arithmetic of the recurrent layers: bfloat16 (products of bfloat16-rounded weights and states "
                     "summed in float, about twice as fast; used only on CPUs with AMX, float elsewhere) or float")
      ->capture_default_str()->check(CLI::IsMember({"bfloat16", "float"}));
}

namespace {

// Levenshtein distance, for "did you mean".
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  // row[j] = distance(a[0..i), b[0..j)), one row of the table at a time
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The closest of `names` to `word` when it is close enough to be a typing slip, else "".
std::string closest(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& name : names) {
    const std::size_t d = edit_distance(word, name);
    if (d < best_distance || (d == best_distance && best.empty() && name.compare(0, word.size(), word) == 0)) {
      best = name;
      best_distance = d;
    }
  }
  return best;
}

// " (did you mean --format?)" for every unknown option among the arguments a command did not expect.
std::string suggestions(const CLI::App& command, const std::vector<std::string>& unexpected) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options())
    for (const std::string& name : option->get_lnames()) names.push_back("--" + name);
  std::string text;
  for (const std::string& argument : unexpected) {
    if (argument.size() < 3 || argument.compare(0, 2, "--") != 0) continue;
    const std::string name = argument.substr(0, argument.find('='));
    if (const std::string match = closest(name, names); !match.empty()) text += "; did you mean " + match + "?";
  }
  return text;
}

}  // namespace

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
  if (argc <= 1) {
    std::cout << app.help();
    return 0;
  }
  const std::string first = argv[1];
  if (first.empty() || first[0] != '-') {
    std::vector<std::string> commands;
    for (const CLI::App* command : app.get_subcommands({})) commands.push_back(command->get_name());
    if (std::find(commands.begin(), commands.end(), first) == commands.end()) {
      const std::string match = closest(first, commands);
      std::cerr << "ner: error: unknown command '" << first << "'" << (match.empty() ? "" : "; did you mean '" + match + "'?")
                << " (see ner --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Named after the command it concerns, with its help.
    const std::vector<CLI::App*> chosen = app.get_subcommands();
    std::string message = e.what(), help = "ner --help";
    if (!chosen.empty()) {
      help = "ner " + chosen.front()->get_name() + " --help";
      if (dynamic_cast<const CLI::ExtrasError*>(&e)) message += suggestions(*chosen.front(), chosen.front()->remaining());
    }
    std::cerr << "ner: error: " << message << " (see " << help << ")\n";
    return 2;
  } catch (const data::UsageError& e) {
    const std::vector<CLI::App*> chosen = app.get_subcommands();
    std::cerr << "ner: error: " << e.what() << " (see ner " << (chosen.empty() ? "" : chosen.front()->get_name() + " ") << "--help)\n";
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
