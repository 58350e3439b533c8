#include "ner/commands/cli.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include "data/error.h"
#include "data/output_file.h"
#include "data/tag_scheme.h"
#include "ner/commands/cli_common.h"
#include "ner/commands/setting_options.h"
#include "ner/training/train_job.h"

namespace ner {

void CorpusOptions::add_to(CLI::App& command) { add_setting_options(command, read, read_settings()); }

CLI::Validator encoding_name() {
  return CLI::Validator([](std::string& name) { return unknown_encoding(name); }, "auto or an ICU encoding name");
}

void add_precision_option(CLI::App& command, std::string& precision) {
  command.add_option("--precision", precision,
                     "arithmetic of the recurrent layers: bfloat16 (products of bfloat16-rounded weights and states "
                     "summed in float, about twice as fast; by AMX where the CPU has it, else by AVX512_BF16, else "
                     "float), bfloat16-amx or bfloat16-avx512 (that kernel, an error where the CPU lacks it), or float")
      ->capture_default_str()->check(CLI::IsMember({"bfloat16", "bfloat16-amx", "bfloat16-avx512", "float"}));
}

void add_dictionary_options(CLI::App& command, std::string& path, std::string& mode) {
  mode = kDefaultDictionaryMode;
  command.add_option("--dictionary", path,
                     "entities to tag wherever they occur, whatever the model says: lines surface<TAB>TYPE (TYPE one of "
                     "the model's, e.g. PER, LOC, ORG; # comments), matched character for character; where two overlap, "
                     "the longer");
  command.add_option("--dictionary-mode", mode,
                     "force: every occurrence is that entity (confidence 1); prefer: its tags only gain a bonus (e^6, "
                     "about 400 times the odds per character), so that a strong reading of the context can still "
                     "overrule it")
      ->capture_default_str()->check(CLI::IsMember({"force", "prefer"}));
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

volatile std::sig_atomic_t g_stop_signal = 0;
char g_stop_message[96];  // written by the handler, so composed beforehand
std::size_t g_stop_message_size = 0;

void on_stop_signal(int signal) {
  if (g_stop_signal != 0) {
    data::remove_temporaries();
    std::signal(signal, SIG_DFL);
    std::raise(signal);
    return;
  }
  g_stop_signal = signal;
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, g_stop_message, g_stop_message_size);
}

// The innermost command chosen (`lm train` within `lm`), or the app itself.
const CLI::App* chosen_command(const CLI::App& app) {
  const CLI::App* command = &app;
  for (std::vector<const CLI::App*> chosen; !(chosen = command->get_subcommands([](const CLI::App* c) { return c->parsed(); })).empty();)
    command = chosen.front();
  return command;
}

// "ner", "ner train", "ner lm sample": what the chosen command is called.
std::string command_name(const CLI::App& app) {
  std::string name;
  for (const CLI::App* command = chosen_command(app); command != &app; command = command->get_parent()) name = " " + command->get_name() + name;
  return "ner" + name;
}

}  // namespace

void catch_stop_signals(const char* step) {
  const int n = std::snprintf(g_stop_message, sizeof g_stop_message,
                              "\nner: stopping at the next %s, with the state saved (again to quit at once)\n", step);
  g_stop_message_size = static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof g_stop_message) - 1));
  g_stop_signal = 0;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

int stop_signal() { return g_stop_signal; }

void restore_stop_signals() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

void add_collective_timeout_option(CLI::App& command, double& seconds) {
  command.add_option("--collective-timeout", seconds,
                     "under mpirun: seconds a process may wait for the others at a step before the whole job ends with "
                     "an error naming the ranks it waited for (a rank that dies ends the job at once)")
      ->capture_default_str()->check(in_range(0.1, 1e6));
}

Group& join_training_group(double timeout_seconds) {
  Group& group = Group::world();
  group.set_timeout(timeout_seconds);
  return group;
}

std::string profile_line(const std::array<double, nn::profile::kParts>& seconds) {
  double total = 0;
  for (double s : seconds) total += s;
  std::string line = "  profile (CPU s, all threads):";
  for (std::size_t p = 0; p < nn::profile::kParts; ++p) {
    if (seconds[p] == 0) continue;
    char part[96];
    std::snprintf(part, sizeof part, "  %s %.2f (%.0f%%)", nn::profile::part_name(static_cast<nn::profile::Part>(p)).c_str(),
                  seconds[p], total > 0 ? 100 * seconds[p] / total : 0.0);
    line += part;
  }
  return line;
}

namespace {

// Prints the error line "ner: error: MESSAGE" and returns `status`. In a data-parallel job the job's group reports it
// once for all ranks and ends the job; before a job forms, every rank makes the same usage error, and rank 0 says so.
int report_error(const std::string& message, int status) {
  if (Group* group = Group::joined(); group && group->distributed()) group->fail(message, status);
  if (Group::launched_rank() == 0 || status != 2) std::cerr << "ner: error: " << message << "\n";
  return status;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app("ner: Chinese named-entity recognition with a character BiLSTM/GRU-CRF.\n"
               "Errors go to stderr as one line starting with 'ner: error:'; the exit status is 1 (2 for usage).",
               "ner");
  app.require_subcommand(1);
  app.set_version_flag("--version", "ner 0.1");
  add_train_command(app, shell_command_line(std::vector<std::string>(argv, argv + argc)));
  add_tag_command(app);
  add_eval_command(app);
  add_score_command(app);
  add_info_command(app);
  add_convert_command(app);
  add_stats_command(app);
  add_lm_command(app);
  add_serve_command(app);
  if (argc <= 1) {
    std::cout << app.help();
    return 0;
  }
  // A command's first argument names one of its own commands when it has any (`ner lm train`).
  std::string name = "ner";
  const CLI::App* parent = &app;
  int i = 1;
  for (; i < argc; ++i) {
    const std::vector<const CLI::App*> children = parent->get_subcommands([](const CLI::App*) { return true; });
    const std::string word = argv[i];
    if (children.empty() || (!word.empty() && word[0] == '-')) break;
    std::vector<std::string> commands;
    for (const CLI::App* command : children) commands.push_back(command->get_name());
    const auto found = std::find(commands.begin(), commands.end(), word);
    if (found == commands.end()) {
      const std::string match = closest(word, commands);
      std::cerr << "ner: error: unknown command '" << word << "'" << (match.empty() ? "" : "; did you mean '" + match + "'?")
                << " (see " << name << " --help)\n";
      return 2;
    }
    parent = children[static_cast<std::size_t>(found - commands.begin())];
    name += " " + word;
  }
  if (i == argc && !parent->get_subcommands([](const CLI::App*) { return true; }).empty()) {  // `ner lm` alone
    std::cout << parent->help(name.substr(0, name.rfind(' ')));
    return 0;
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
    const CLI::App* chosen = chosen_command(app);
    std::string message = e.what();
    if (chosen != &app && dynamic_cast<const CLI::ExtrasError*>(&e)) message += suggestions(*chosen, chosen->remaining());
    return report_error(message + " (see " + command_name(app) + " --help)", 2);
  } catch (const data::UsageError& e) {
    return report_error(e.what() + (" (see " + command_name(app) + " --help)"), 2);
  } catch (const data::Error& e) {
    return report_error(e.what(), 1);
  } catch (const std::bad_alloc&) {
    return report_error("out of memory", 1);
  } catch (const std::exception& e) {
    return report_error(e.what(), 1);
  }
  return 0;
}

}  // namespace ner
