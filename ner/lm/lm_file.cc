#include "ner/lm/lm_file.h"

#include <sstream>
#include <stdexcept>

#include "data/binary_io.h"
#include "data/output_file.h"
#include "data/text_file.h"
#include "ner/model/file_container.h"

namespace ner {

std::string lm_payload(LanguageModel& lm, const nlohmann::json& summary) {
  std::ostringstream out;
  const nlohmann::json header = {{"config", lm.config().to_json()}, {"classes", lm.class_begins()},
                                 {"surface_forms", lm.surface_forms()}, {"summary", summary}};
  data::write_string(out, header.dump());
  lm.vocab().save(out);
  write_params(out, lm.params());
  return out.str();
}

LoadedLm parse_lm_payload(std::string_view payload, const std::string& origin) {
  data::ViewStream in(payload);
  const nlohmann::json header = nlohmann::json::parse(data::read_string(in, origin, 1u << 24), nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("config") || !header.contains("classes"))
    throw data::Error(origin + ": damaged (unreadable header)");
  const LmConfig config = LmConfig::from_json(header["config"], origin);
  data::Vocab vocab = data::Vocab::load(in, origin);
  // The classes: ascending ids from 0, inside the vocabulary, as many as the configuration says.
  std::vector<nn::Index> classes;
  try {
    classes = header["classes"].get<std::vector<nn::Index>>();
  } catch (const nlohmann::json::exception&) {
    throw data::Error(origin + ": damaged (the softmax classes)");
  }
  for (std::size_t c = 0; c < classes.size(); ++c)
    if ((c == 0 ? classes[c] != 0 : classes[c] <= classes[c - 1]) || classes[c] >= static_cast<nn::Index>(vocab.size()))
      throw data::Error(origin + ": damaged (the softmax classes)");
  if (classes.empty() || static_cast<int>(classes.size()) != config.classes) throw data::Error(origin + ": damaged (the softmax classes)");
  if (static_cast<std::uint64_t>(vocab.size()) * static_cast<std::uint64_t>(config.hidden) > payload.size() / sizeof(float))
    throw data::Error(origin + ": damaged (the configuration needs more parameters than the file holds)");
  LoadedLm loaded;
  try {
    loaded.lm = std::make_unique<LanguageModel>(config, std::move(vocab), std::move(classes));
  } catch (const std::invalid_argument& e) {
    throw data::Error(origin + ": damaged (" + e.what() + ")");
  }
  try {
    loaded.lm->set_surface_forms(header.value("surface_forms", nlohmann::json::object()).get<std::map<std::string, std::string>>());
  } catch (const nlohmann::json::exception&) {
    throw data::Error(origin + ": damaged (the surface forms)");
  }
  loaded.summary = header.value("summary", nlohmann::json::object());
  read_params(in, loaded.lm->params(), origin);
  if (static_cast<std::size_t>(in.tellg()) != payload.size()) throw data::Error(origin + ": damaged (trailing bytes)");
  return loaded;
}

void save_lm(LanguageModel& lm, const nlohmann::json& summary, const std::string& path) {
  data::write_output_file(path, wrap_file(kLmKind, lm_payload(lm, summary)));
}

LoadedLm load_lm(const std::string& path) {
  const std::string bytes = data::read_file(path);
  return parse_lm_payload(unwrap_file(kLmKind, bytes, path), path);
}

void save_lm_checkpoint(LanguageModel& lm, nn::Optimizer& forward, nn::Optimizer& backward, const nlohmann::json& state,
                        const std::string& path) {
  std::ostringstream out;
  data::write_string(out, lm_payload(lm, nlohmann::json::object()));
  nlohmann::json full = state;
  full["optimizer_steps"] = {forward.steps(), backward.steps()};
  data::write_string(out, full.dump());
  write_moments(out, forward);
  write_moments(out, backward);
  for (CharLm* model : {&lm.forward_model(), &lm.backward_model()}) {
    data::write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(model->carried_state().size()));
    for (const nn::RecurrentState& state : model->carried_state()) {
      write_matrix(out, state.h);
      write_matrix(out, state.c);
    }
  }
  data::write_output_file(path, wrap_file(kLmCheckpointKind, out.str()));
}

LoadedLmCheckpoint load_lm_checkpoint(const std::string& path) {
  const std::string bytes = data::read_file(path);
  data::ViewStream in(unwrap_file(kLmCheckpointKind, bytes, path));
  LoadedLmCheckpoint checkpoint;
  checkpoint.lm = parse_lm_payload(data::read_string(in, path, 1u << 31), path).lm;
  checkpoint.state = nlohmann::json::parse(data::read_string(in, path, 1u << 30), nullptr, false);
  if (checkpoint.state.is_discarded() || !checkpoint.state.is_object()) throw data::Error(path + ": damaged (unreadable state)");
  read_moments(in, checkpoint.lm->forward_model().params(), checkpoint.first_moments[0], checkpoint.second_moments[0], path);
  read_moments(in, checkpoint.lm->backward_model().params(), checkpoint.first_moments[1], checkpoint.second_moments[1], path);
  // Each layer's h and c: (H, B), or empty (zero state; c of the cells other than the LSTM).
  const LmConfig& config = checkpoint.lm->config();
  for (std::vector<nn::RecurrentState>& carried : checkpoint.carried) {
    if (data::read_pod<std::uint32_t>(in, path) != static_cast<std::uint32_t>(config.layers))
      throw data::Error(path + ": damaged (the carried states do not match the model)");
    carried.resize(static_cast<std::size_t>(config.layers));
    for (nn::RecurrentState& state : carried)
      for (nn::Matrix* m : {&state.h, &state.c}) {
        const auto rows = data::read_pod<std::uint32_t>(in, path), cols = data::read_pod<std::uint32_t>(in, path);
        if ((rows != 0 || cols != 0) && (rows != static_cast<std::uint32_t>(config.hidden) || cols > (1u << 20)))
          throw data::Error(path + ": damaged (a carried state of " + std::to_string(rows) + "x" + std::to_string(cols) + ")");
        m->resize(rows, cols);
        read_values(in, *m, path);
      }
  }
  return checkpoint;
}

}  // namespace ner
