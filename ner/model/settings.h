// The settings of the configurations (config.h), each described once, in one table per configuration: its key in the
// configuration's JSON, its command-line option (and so its Python keyword), the values it takes, its help and
// whether --resume may change it. The configurations' JSON, the options of ner train and ner lm train with their
// checks and help, the Python module's keywords and resume's rules all come from these tables.
#pragma once

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <type_traits>
#include <utility>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "data/error.h"
#include "ner/model/config.h"

namespace ner {

enum class SettingKind { kInteger, kReal, kSwitch, kChoice, kText };

template <typename Config>
struct Setting {
  std::string key;   // JSON pointer into the configuration: "/learning_rate", "/normalize/case_fold"
  std::string flag;  // the option, "--lr" ("" for a value only files hold); its Python keyword is "lr"
  std::string help;  // the option's help; when the default depends on the run (hides_default) it says which
  SettingKind kind = SettingKind::kInteger;
  std::string type_name;             // in help: INT, UINT, FLOAT, TEXT (a switch: "")
  double min = 0, max = 0;           // kInteger, kReal: what the option takes (a file may also hold the default);
                                     // min == max: any value of the type
  std::vector<std::string> choices;  // kChoice: the names the option takes
  // kChoice: the name a text reads as ("bio" → "conll"), by the configuration's reader, which throws data::Error
  // with its message for a text it does not know.
  std::function<std::string(const std::string&)> canonical;
  std::function<std::string(const std::string&)> accepts;  // kText: "" or why a text is refused (none: any text)
  std::string aliases;               // more names of the option: ",-v"
  bool hides_default = false;        // help does not show the default value (the help says what it is)
  bool inverted = false;             // kSwitch: the option sets false (--no-constraints)
  bool negatable = false;            // kSwitch: also --no-NAME
  bool optional = false;             // files written before it existed lack it: the default
  bool omitted_at_default = false;   // written only when not the default, so that other files keep their bytes
  bool resume_may_change = false;    // a resumed run may give another value
  std::function<nlohmann::json(const Config&)> get;
  std::function<void(Config&, const nlohmann::json&)> put;  // a value that check() accepts

  // "" when `value` is one this setting's option takes, else why not: "'three' is not a number", "9 is not in the
  // range 1 to 8", "'xyz' is not one of lstm, gru, rnn, rnn-relu".
  std::string check(const nlohmann::json& value) const;
  // The option's text as this setting's value ("3" → 3, "true" → true, "bio" → "BIO"), unchecked; a switch's
  // "true", "false", "1", "0", "yes", "no".
  nlohmann::json parse(const std::string& text) const;
  // The range or choices the option takes, for its help: "1 to 8", "lstm, gru, rnn, rnn-relu".
  std::string values() const;
  // A value as the option's text would give it: 5 for 5.0, 1e-05, BIO.
  std::string text(const nlohmann::json& value) const;
  // The Python keyword: the flag without its dashes, '-' as '_'.
  std::string keyword() const;
  // Puts an option's value, checked, into `config`: a switch's given value is the member's, or its negation when the
  // setting is inverted (--no-constraints true: constrained false).
  void set(Config& config, const nlohmann::json& value) const {
    put(config, kind == SettingKind::kSwitch ? nlohmann::json(value.get<bool>() != inverted) : value);
  }
};

template <typename Config>
using Settings = std::vector<Setting<Config>>;

// The settings of a table: of the member `access` reaches (a member pointer, or a function of the configuration
// returning a reference), read and written as its type T.
template <typename Config, typename Access>
Setting<Config> make_setting(SettingKind kind, std::string key, std::string flag, Access access, std::string help) {
  using T = std::decay_t<decltype(std::invoke(access, std::declval<Config&>()))>;
  Setting<Config> s;
  s.kind = kind;
  s.type_name = kind == SettingKind::kSwitch   ? ""
                : kind == SettingKind::kChoice || kind == SettingKind::kText ? "TEXT"
                : std::is_floating_point_v<T>  ? "FLOAT"
                : std::is_unsigned_v<T>        ? "UINT"
                                               : "INT";
  s.key = std::move(key);
  s.flag = std::move(flag);
  s.help = std::move(help);
  s.get = [access](const Config& config) { return nlohmann::json(std::invoke(access, config)); };
  s.put = [access](Config& config, const nlohmann::json& value) { std::invoke(access, config) = value.get<T>(); };
  return s;
}

// A number the option takes in [min, max]: whole for an integer member.
template <typename Config, typename Access>
Setting<Config> number_setting(std::string key, std::string flag, Access access, double min, double max, std::string help) {
  using T = std::decay_t<decltype(std::invoke(access, std::declval<Config&>()))>;
  Setting<Config> s = make_setting<Config>(std::is_integral_v<T> ? SettingKind::kInteger : SettingKind::kReal, std::move(key),
                                      std::move(flag), access, std::move(help));
  s.min = min;
  s.max = max;
  return s;
}

template <typename Config, typename Access>
Setting<Config> switch_setting(std::string key, std::string flag, Access access, std::string help) {
  return make_setting<Config>(SettingKind::kSwitch, std::move(key), std::move(flag), access, std::move(help));
}

// One of `choices`, E written by `name` and read by `parse`.
template <typename Config, typename Access, typename E>
Setting<Config> choice_setting(std::string key, std::string flag, Access access, const std::vector<E>& choices,
                       std::string (*name)(E), E (*parse)(const std::string&), std::string help) {
  Setting<Config> s = make_setting<Config>(SettingKind::kChoice, std::move(key), std::move(flag), access, std::move(help));
  for (E value : choices) s.choices.push_back(name(value));
  s.canonical = [parse, name](const std::string& text) { return name(parse(text)); };
  s.get = [access, name](const Config& config) { return nlohmann::json(name(std::invoke(access, config))); };
  s.put = [access, parse](Config& config, const nlohmann::json& value) {
    std::invoke(access, config) = parse(value.get<std::string>());
  };
  return s;
}

template <typename Config, typename Access>
Setting<Config> text_setting(std::string key, std::string flag, Access access, std::string help) {
  return make_setting<Config>(SettingKind::kText, std::move(key), std::move(flag), access, std::move(help));
}

// A limit or value in words: whole numbers (and every value of an integer setting) in full, others in the fewest
// digits that read back the same, as an option's text would give them (5, 0.002, 1e+30).
std::string number_text(long double x, bool integer = false);

const Settings<ModelConfig>& model_settings();
const Settings<TrainConfig>& train_settings();
const Settings<LmConfig>& lm_settings();
const Settings<LmTrainConfig>& lm_train_settings();
// How every command that reads a corpus reads it (--format, --encoding, --json-scheme, --verbose, --strict).
const Settings<data::ReadOptions>& read_settings();

// "" when `name` is an encoding ner reads (auto, or a name ICU knows), else why not.
std::string unknown_encoding(const std::string& name);

// What --encoding means, for every command that reads text.
inline constexpr const char* kEncodingHelp =
    "input encoding: auto (a byte-order mark; else UTF-16 by its byte pairs; else UTF-8 if the first 64 KB are UTF-8 "
    "but for a few bad bytes; else GB18030/GBK or Big5 by ICU's charset detector), or a name: utf-8, gb18030, gbk, "
    "big5, utf-16le, ... (ICU names)";

// Sets the setting of `settings` named `flag_or_keyword` in `config` from an option's text; false when the table has
// no such setting. A text the setting refuses is a data::UsageError "--FLAG: WHY". Returns the flag through `flag`.
template <typename Config>
bool set_setting(Config& config, const Settings<Config>& settings, const std::string& flag_or_keyword, const std::string& text,
                 std::string& flag);

// The configuration as JSON (every setting at its key, those omitted at their default left out) and back: a missing
// setting (unless optional) or one the table refuses (neither a value its option takes nor the default) is a
// data::Error "ORIGIN: damaged configuration (field 'KEY': WHY)".
template <typename Config>
nlohmann::json settings_json(const Config& config, const Settings<Config>& settings);
template <typename Config>
Config settings_from_json(const nlohmann::json& json, const Settings<Config>& settings, const std::string& origin);

// The setting of a flag ("--lr") or Python keyword ("lr"), nullptr when the table has none.
template <typename Config>
const Setting<Config>* find_setting(const Settings<Config>& settings, const std::string& flag_or_keyword);

// The definitions of the templates above (tables of configurations in other libraries, such as TrainJob's, use them).

namespace setting_detail {
inline std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}
}  // namespace setting_detail

template <typename Config>
std::string Setting<Config>::check(const nlohmann::json& value) const {
  const std::string text = this->text(value);
  switch (kind) {
    case SettingKind::kInteger:
      if (!value.is_number_integer()) return "'" + text + "' is not a whole number";
      break;
    case SettingKind::kReal:
      if (!value.is_number()) return "'" + text + "' is not a number";
      break;
    case SettingKind::kSwitch:
      return value.is_boolean() ? "" : "'" + text + "' is not true or false";
    case SettingKind::kChoice:
      if (value.is_string() && std::find(choices.begin(), choices.end(), text) != choices.end()) return "";
      try {
        if (value.is_string() && canonical) canonical(text);
      } catch (const data::Error& e) {
        return e.what();
      }
      return "'" + text + "' is not one of " + values();
    case SettingKind::kText:
      if (!value.is_string()) return "'" + text + "' is not a text";
      return accepts ? accepts(text) : "";
  }
  const long double number = value.is_number_unsigned() ? static_cast<long double>(value.get<std::uint64_t>())
                             : value.is_number_integer() ? static_cast<long double>(value.get<std::int64_t>())
                                                         : static_cast<long double>(value.get<double>());
  if (min == max) return type_name == "UINT" && number < 0 ? text + " is not 0 or more" : "";  // no range
  if (!(number >= min && number <= max)) return text + " is not in the range " + values();  // NaN is not either
  return "";
}

template <typename Config>
nlohmann::json Setting<Config>::parse(const std::string& text) const {
  const char* begin = text.data();
  const char* end = begin + text.size();
  switch (kind) {
    case SettingKind::kInteger: {
      if (!text.empty() && text[0] != '-') {
        std::uint64_t value = 0;
        if (auto [at, error] = std::from_chars(begin, end, value); error == std::errc() && at == end) return value;
      } else {
        std::int64_t value = 0;
        if (auto [at, error] = std::from_chars(begin, end, value); error == std::errc() && at == end) return value;
      }
      return text;
    }
    case SettingKind::kReal: {
      char* at = nullptr;
      const double value = text.empty() || std::isspace(static_cast<unsigned char>(text[0])) ? 0 : std::strtod(begin, &at);
      return at == end && !text.empty() ? nlohmann::json(value) : nlohmann::json(text);
    }
    case SettingKind::kSwitch: {
      const std::string word = setting_detail::lowercase(text);
      if (word == "true" || word == "1" || word == "yes" || word == "on") return true;
      if (word == "false" || word == "0" || word == "no" || word == "off") return false;
      return text;
    }
    case SettingKind::kChoice:
      for (const std::string& name : choices)
        if (setting_detail::lowercase(name) == setting_detail::lowercase(text)) return name;
      try {
        return canonical ? canonical(text) : text;
      } catch (const data::Error&) {
        return text;
      }
    case SettingKind::kText:
      return text;
  }
  return text;
}

template <typename Config>
std::string Setting<Config>::values() const {
  if (kind == SettingKind::kChoice) {
    std::string names;
    for (const std::string& name : choices) names += (names.empty() ? "" : ", ") + name;
    return names;
  }
  if (min == max) return "";
  return number_text(min, kind == SettingKind::kInteger) + " to " + number_text(max, kind == SettingKind::kInteger);
}

template <typename Config>
std::string Setting<Config>::text(const nlohmann::json& value) const {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_float()) return number_text(value.get<double>());
  return value.dump();
}

template <typename Config>
std::string Setting<Config>::keyword() const {
  std::string word = flag.substr(flag.find_first_not_of('-'));
  std::replace(word.begin(), word.end(), '-', '_');
  return word;
}

template <typename Config>
nlohmann::json settings_json(const Config& config, const Settings<Config>& settings) {
  static const Config defaults;
  nlohmann::json json = nlohmann::json::object();
  for (const Setting<Config>& setting : settings) {
    const nlohmann::json value = setting.get(config);
    if (!setting.omitted_at_default || value != setting.get(defaults)) json[nlohmann::json::json_pointer(setting.key)] = value;
  }
  return json;
}

template <typename Config>
Config settings_from_json(const nlohmann::json& json, const Settings<Config>& settings, const std::string& origin) {
  static const Config defaults;
  Config config;
  for (const Setting<Config>& setting : settings) {
    const nlohmann::json::json_pointer pointer(setting.key);
    const auto damaged = [&](const std::string& why) {
      return data::Error(origin + ": damaged configuration (field '" + setting.key.substr(1) + "'" +
                         (why.empty() ? "" : ": " + why) + ")");
    };
    if (!json.is_object() || !json.contains(pointer)) {
      if (setting.optional || setting.omitted_at_default) continue;
      throw damaged("");
    }
    const nlohmann::json& value = json[pointer];
    if (value != setting.get(defaults))
      if (const std::string why = setting.check(value); !why.empty()) throw damaged(why);
    setting.put(config, value);
  }
  return config;
}

template <typename Config>
const Setting<Config>* find_setting(const Settings<Config>& settings, const std::string& flag_or_keyword) {
  for (const Setting<Config>& setting : settings)
    if (!setting.flag.empty() && (setting.flag == flag_or_keyword || setting.keyword() == flag_or_keyword)) return &setting;
  return nullptr;
}

template <typename Config>
bool set_setting(Config& config, const Settings<Config>& settings, const std::string& flag_or_keyword, const std::string& text,
                 std::string& flag) {
  const Setting<Config>* setting = find_setting(settings, flag_or_keyword);
  if (setting == nullptr) return false;
  flag = setting->flag;
  const nlohmann::json value = setting->parse(text);
  if (const std::string why = setting->check(value); !why.empty()) throw data::UsageError(flag + ": " + why);
  setting->set(config, value);
  return true;
}

}  // namespace ner
