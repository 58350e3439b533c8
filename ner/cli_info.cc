// `ner info [MODEL]` (or --model MODEL)
#include <iostream>
#include <memory>

#include "ner/cli_common.h"
#include "ner/model_io.h"

namespace ner {

void add_info_command(CLI::App& app) {
  auto model_path = std::make_shared<std::string>(default_model_path());
  CLI::App* command = app.add_subcommand("info", "Print what a model file holds: configuration, sizes, tags, training summary");
  command->add_option("MODEL,--model", *model_path, "model file")->capture_default_str();
  command->callback([model_path] {
    LoadedModel loaded = load_model(*model_path);
    Model& model = *loaded.model;
    std::string tags;
    for (const std::string& tag : model.tags().keys()) tags += (tags.empty() ? "" : " ") + tag;
    std::cout << "model:          " << *model_path << "\n"
              << "configuration:  " << model.config().to_json().dump() << "\n"
              << "characters:     " << model.chars().size() << " keys (with <pad> and <unk>)\n"
              << "tags:           " << model.tags().size() << " (" << tags << ")\n"
              << "parameters:     " << nn::count_values(model.params()) << "\n";
    for (const nn::Param* p : model.params())
      std::cout << "  " << p->name << " " << p->value.rows() << "x" << p->value.cols() << "\n";
    std::cout << "training:       " << loaded.summary.dump() << "\n";
  });
}

}  // namespace ner
