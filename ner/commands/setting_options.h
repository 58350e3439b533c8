// The command-line options of a settings table (ner/model/settings.h): one per setting with a flag, its help, its
// check and its default from the table, writing the setting into a configuration.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "ner/model/settings.h"

namespace ner {

// Adds the options of `settings` to `command`; each given one writes `config` (which outlives the command).
template <typename Config>
void add_setting_options(CLI::App& command, Config& config, const Settings<Config>& settings) {
  static const Config defaults;
  for (const Setting<Config>& setting : settings) {
    if (setting.flag.empty()) continue;
    const Setting<Config>* s = &setting;  // the tables live as long as the program
    if (setting.kind == SettingKind::kSwitch) {
      const std::string names = setting.flag + setting.aliases + (setting.negatable ? ",!--no-" + setting.flag.substr(2) : "");
      command.add_flag_function(names, [s, &config](std::int64_t count) { s->set(config, count > 0); },
                                setting.help);
      continue;
    }
    CLI::Option* option = command.add_option_function<std::string>(
        setting.flag + setting.aliases, [s, &config](const std::string& text) { s->set(config, s->parse(text)); }, setting.help);
    const std::string values = setting.values();
    option->check(CLI::Validator([s](std::string& text) { return s->check(s->parse(text)); },
                                 values.empty() ? "" : (setting.kind == SettingKind::kChoice ? "one of " : "in ") + values));
    option->type_name(setting.type_name);
    if (!setting.hides_default) option->default_str(setting.text(setting.get(defaults)));
  }
}

}  // namespace ner
