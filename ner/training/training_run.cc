#include "ner/training/training_run.h"

#include <chrono>

#include "data/json_field.h"
#include "data/output_file.h"
#include "ner/model/model_io.h"
#include "nn/profile.h"

namespace ner {
namespace {

constexpr const char* kStateWhat = "checkpoint state";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

data::Error damaged_state(const std::string& origin, const std::string& key) {
  return data::Error(origin + ": damaged " + kStateWhat + " (field '" + key + "')");
}

nlohmann::json RunState::to_json() const {
  nlohmann::json json = {{"epoch", epoch},           {"best_epoch", best_epoch}, {"best_score", best_score},
                         {"bad_epochs", bad_epochs}, {"metrics", metrics},       {"rng", rng.state()}};
  if (in_epoch) json["in_epoch"] = *in_epoch;
  return json;
}

RunState RunState::from_json(const nlohmann::json& json, const std::string& origin) {
  auto field = [&](const char* key, auto kind) { return data::json_field<decltype(kind)>(json, key, origin, kStateWhat); };
  RunState state;
  state.epoch = field("epoch", int{});
  state.best_epoch = field("best_epoch", int{});
  // Before the first epoch's end there is no best score. Earlier versions named it by what it measured: best_f1
  // (ner train, -1 before the first epoch) and best_bits (ner lm train: lower was better, and it never stopped
  // early, so it kept no bad_epochs).
  const bool lm_before = !json.contains("best_score") && json.contains("best_bits");
  const bool ner_before = !json.contains("best_score") && json.contains("best_f1");
  if (state.best_epoch > 0)
    state.best_score = lm_before ? -field("best_bits", double{}) : field(ner_before ? "best_f1" : "best_score", double{});
  state.bad_epochs = lm_before ? 0 : field("bad_epochs", int{});
  state.metrics = field("metrics", nlohmann::json{});
  if (state.epoch < 0 || state.best_epoch < 0 || state.best_epoch > state.epoch || state.bad_epochs < 0 || !state.metrics.is_array())
    throw data::Error(origin + ": damaged " + kStateWhat + " (the epochs do not add up)");
  try {
    state.rng.set_state(field("rng", std::string{}));
  } catch (const std::invalid_argument&) {
    throw damaged_state(origin, "rng");
  }
  if (json.contains("in_epoch")) {
    state.in_epoch = json.at("in_epoch");
    if (!state.in_epoch->is_object()) throw damaged_state(origin, "in_epoch");
  }
  return state;
}

TrainingRun::TrainingRun(Trainee& trainee, RunFiles files, std::function<void(const std::string&)> log,
                         std::function<bool()> should_stop)
    : trainee_(trainee), files_(std::move(files)), log_(std::move(log)), should_stop_(std::move(should_stop)) {
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"--model", files_.model}, {"--metrics", files_.metrics}, {"--checkpoint", files_.checkpoint}};
  outputs.insert(outputs.end(), files_.more_outputs.begin(), files_.more_outputs.end());
  data::check_outputs(outputs, files_.inputs);
  check_model_outputs(files_.model, files_.checkpoint, files_.resume, files_.overwrite, files_.kind);
}

void TrainingRun::log(const std::string& line) const {
  if (log_) log_(line);
}

void TrainingRun::write_checkpoint(const RunState& state) { trainee_.save_checkpoint(state.to_json()); }

void TrainingRun::stop(const RunState& state, nlohmann::json position, const std::string& steps, std::size_t done,
                       std::size_t count) {
  const std::string where = "interrupted in epoch " + std::to_string(state.epoch + 1) + " after " + steps + " " +
                            std::to_string(done) + " of " + std::to_string(count);
  if (files_.checkpoint.empty()) throw Interrupted(where + "; no checkpoint was asked for, so nothing is saved");
  RunState stopped = state;
  stopped.in_epoch = std::move(position);
  write_checkpoint(stopped);
  throw Interrupted(where + "; the state is saved in " + files_.checkpoint + ": continue with `" +
                    files_.checkpoint_kind.read_by + " " + files_.checkpoint + "`");
}

void TrainingRun::run(RunState& state, int epochs, int patience, const std::string& score_name) {
  metrics_.clear();
  for (const nlohmann::json& record : state.metrics) metrics_ += record.dump() + "\n";
  while (state.epoch < epochs) {
    const auto started = std::chrono::steady_clock::now();
    nn::profile::reset();
    trainee_.train_epoch(*this, state);
    // The best epoch's model is kept: best when its score beats every earlier one's.
    const double score = trainee_.score_epoch(state, seconds_since(started));
    const bool best = state.best_epoch == 0 || score > state.best_score;
    if (best) {
      state.best_epoch = state.epoch + 1;
      state.best_score = score;
      state.bad_epochs = 0;
      if (writes_files()) trainee_.save_best(state);
    } else {
      ++state.bad_epochs;
    }
    const nlohmann::json record = trainee_.epoch_record(best, seconds_since(started));
    ++state.epoch;
    state.metrics.push_back(record);
    metrics_ += record.dump() + "\n";
    if (writes_files()) {
      if (!files_.metrics.empty()) data::write_output_file(files_.metrics, metrics_);
      if (!files_.checkpoint.empty()) write_checkpoint(state);
    }
    if (!files_.checkpoint.empty()) group_.set_checkpoint(files_.checkpoint);  // named if the job fails
    trainee_.epoch_done(state, writes_files());
    if (patience > 0 && state.bad_epochs >= patience) {
      log("early stop: no better " + score_name + " for " + std::to_string(patience) + " epochs");
      return;
    }
  }
}

std::string path_from_folder(const std::filesystem::path& folder, const std::string& path) {
  if (path.empty() || path == "-" || path.front() == '/' || folder == std::filesystem::current_path()) return path;
  return (folder / path).string();
}

}  // namespace ner
