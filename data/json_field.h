// Reading typed fields of JSON stored in files (model configurations, checkpoint states): a missing or mistyped
// field is a data::Error naming the file and the field, never the JSON library's own message.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "data/error.h"

namespace data {

// json.at(key) as T, or a data::Error "ORIGIN: damaged WHAT (field 'KEY')".
template <typename T>
T json_field(const nlohmann::json& json, const char* key, const std::string& origin, const char* what) {
  try {
    return json.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw data::Error(origin + ": damaged " + what + " (field '" + key + "')");
  }
}

// json[key] as T, `fallback` when absent, a data::Error when present but invalid.
template <typename T>
T optional_json_field(const nlohmann::json& json, const char* key, T fallback, const std::string& origin, const char* what) {
  return json.contains(key) ? json_field<T>(json, key, origin, what) : fallback;
}

}  // namespace data
