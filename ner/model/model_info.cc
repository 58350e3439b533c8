#include "ner/model/model_info.h"

namespace ner {

nlohmann::json model_info(const std::string& path, const LoadedModel& loaded) {
  Model& model = *loaded.model;
  return {{"model", path},
          {"configuration", model.config().to_json()},
          {"characters", model.chars().size()},
          {"tags", model.tags().keys()},
          {"parameters", nn::count_values(model.params())},
          {"training", loaded.summary}};
}

}  // namespace ner
