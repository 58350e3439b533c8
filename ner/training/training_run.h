// A training run as both trainers (ner/training/trainer.h, ner/lm/lm_trainer.h) run it: the outputs checked before
// any work; the state kept between two steps and its JSON; paths relative to the run's folder; the epoch loop, which
// keeps the model of the best epoch by a score (higher is better), stops early, and after every epoch writes the
// metrics file and the checkpoint; and a checkpoint at a stop asked for between two steps. In a data-parallel job
// only rank 0 writes files. What differs between the trainers is their Trainee.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/error.h"
#include "ner/model/file_container.h"
#include "ner/training/distributed.h"
#include "nn/random.h"

namespace ner {

// The state of a run between two steps, kept in the checkpoint.
struct RunState {
  int epoch = 0;           // epochs completed
  int best_epoch = 0;      // 1-based; 0: no epoch scored yet
  double best_score = 0;   // the score of best_epoch
  int bad_epochs = 0;      // epochs since the best one
  nlohmann::json metrics = nlohmann::json::array();  // the metrics file's records of the epochs so far
  nn::Rng rng;             // the trainer's generator, now
  std::optional<nlohmann::json> in_epoch;  // the trainer's position when the run stopped inside epoch `epoch` + 1

  nlohmann::json to_json() const;
  // Reads what to_json writes (and the states of earlier versions); a missing or invalid field is a data::Error
  // naming `origin` and the field.
  static RunState from_json(const nlohmann::json& json, const std::string& origin);
};

// What a checkpoint's state says when it is damaged: "ORIGIN: damaged checkpoint state (field 'KEY')".
data::Error damaged_state(const std::string& origin, const std::string& key);

// Thrown when the run was asked to stop between two steps; the message names the checkpoint and how to continue.
class Interrupted : public data::Error {
 public:
  using data::Error::Error;
};

class TrainingRun;

// The part of a run that differs between the trainers.
class Trainee {
 public:
  virtual ~Trainee() = default;
  // Trains epoch state.epoch + 1, or the rest of it when state.in_epoch is set (which it clears), asking
  // run.stop_asked before every step (and calling run.stop when it says so).
  virtual void train_epoch(TrainingRun& run, RunState& state) = 0;
  // The score on held-out data (higher is better) of epoch state.epoch + 1, just trained in `train_seconds`; the
  // same on every rank.
  virtual double score_epoch(const RunState& state, double train_seconds) = 0;
  // Saves the model as the best so far, of epoch state.best_epoch (only on the rank that writes files).
  virtual void save_best(const RunState& state) = 0;
  // The metrics file's record of the epoch just scored, which took `seconds`.
  virtual nlohmann::json epoch_record(bool best, double seconds) = 0;
  // Saves the checkpoint: `state` (RunState's JSON) and what the trainer needs to continue.
  virtual void save_checkpoint(nlohmann::json state) = 0;
  // After the epoch's metrics and checkpoint: the trainer's own files (when `writes_files`) and its callback.
  virtual void epoch_done(const RunState& state, bool writes_files) = 0;
};

// The files of a run.
struct RunFiles {
  std::string model, checkpoint, metrics;  // checkpoint and metrics optional ("")
  std::string resume;                      // the checkpoint the run continues ("" for a new run)
  std::vector<std::pair<std::string, std::string>> more_outputs;  // option and path of each other output
  std::vector<std::string> inputs;         // which no output may be
  bool overwrite = false;                  // replace an existing model and checkpoint
  FileKind kind = kModelKind;              // of the model file
  FileKind checkpoint_kind = kCheckpointKind;  // of the checkpoint (whose read_by continues the run)
};

class TrainingRun {
 public:
  // Checks every output first: writable, none of them an input, and an existing model or checkpoint kept unless the
  // run continues it or may replace it.
  TrainingRun(Trainee& trainee, RunFiles files, std::function<void(const std::string&)> log, std::function<bool()> should_stop);

  // Whether this process writes the run's files: the only one, or rank 0 of a data-parallel job.
  bool writes_files() const { return group_.rank() == 0; }
  void log(const std::string& line) const;

  // Whether to stop before the next step: asked by the callbacks (a data-parallel job never stops mid-epoch: mpirun
  // ends it, and it resumes from its last epoch).
  bool stop_asked() const { return should_stop_ && !group_.distributed() && should_stop_(); }
  // Saves `state` with the epoch's `position` in the checkpoint and throws Interrupted, saying that `done` of
  // `count` steps (batches, windows) of the epoch were trained.
  [[noreturn]] void stop(const RunState& state, nlohmann::json position, const std::string& steps, std::size_t done,
                         std::size_t count);

  // Trains epochs until state.epoch is `epochs`, or until `patience` epochs (when positive) have brought no better
  // score than the best (`score_name` says which in the log).
  void run(RunState& state, int epochs, int patience, const std::string& score_name);

  // The metrics file's lines so far.
  const std::string& metrics() const { return metrics_; }

 private:
  void write_checkpoint(const RunState& state);

  Trainee& trainee_;
  RunFiles files_;
  std::function<void(const std::string&)> log_;
  std::function<bool()> should_stop_;
  Group& group_ = Group::world();
  std::string metrics_;
};

// A path of a run that `folder` was the working directory of, as seen from here: kept when relative and the run
// continues in the same folder (the paths recorded stay those an uninterrupted run records), else made absolute.
std::string path_from_folder(const std::filesystem::path& folder, const std::string& path);

}  // namespace ner
