// What a model file holds, as JSON: `ner info --json` and `ner serve`'s GET /info.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "ner/model/model_io.h"

namespace ner {

// {"model": path, "configuration": {...}, "characters": keys, "tags": [...], "parameters": n,
//  "training": the file's training summary}
nlohmann::json model_info(const std::string& path, const LoadedModel& loaded);

}  // namespace ner
