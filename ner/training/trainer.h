// Training the tagger: the corpora, vocabularies, pretrained vectors and a new model (or one to start from),
// shuffled length-bucketed minibatches, Adam or SGD with gradient clipping, and dev F1 after every epoch. The run
// around it (the best model kept on disk, early stopping, the metrics file, a checkpoint after every epoch from which
// --resume continues to exactly the result of an uninterrupted run) is ner/training/training_run.h's. The trainer
// reports through callbacks and prints nothing itself (what a failed data-parallel job says comes from
// ner/training/distributed.h).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "data/corpus.h"
#include "data/error.h"
#include "ner/model/config.h"
#include "ner/evaluation/evaluate.h"
#include "ner/training/training_run.h"
#include "nn/profile.h"
#include "nn/random.h"

namespace ner {

struct TrainJob {
  std::string train_path, dev_path, test_path;  // test is optional ("")
  std::string model_path;
  std::string metrics_path;     // JSON lines, one record per epoch
  std::string checkpoint_path;  // written after every epoch
  std::string report_path;      // HTML training report, written after every epoch ("" for none)
  std::string resume_path;      // a checkpoint to continue from ("" to start afresh)
  std::string init_path;        // a trained model to start from (init_model.h; "" for a new model)
  std::string command_line;     // the command that started the run, for the report
  std::string lexicon_path;     // word dictionary for lexicon features (with model.lexicon_dim > 0)
  bool lexicon_pos_if_any = false;  // model.lexicon_pos only when the dictionary gives parts of speech (else it must)
  // Pretrained embeddings in word2vec text format (optional): of characters, bigrams and the lexicon's words.
  std::string char_vectors_path, bigram_vectors_path, word_vectors_path;
  std::string lm_path;  // a character language model (ner lm train) whose states become input features ("" for none)
  FeatureSet features = kDefaultFeatures;  // the recipe of the options not given (resolve_train_job, train_job.h)
  std::size_t pretrained_keys = kDefaultPretrainedKeys;  // of each vectors file, keys the training text lacks that join
  data::ReadOptions read;
  ModelConfig model;
  TrainConfig train;
  bool profile = false;  // time the parts of the network (EpochRecord::profile_seconds)
  bool skip_nonfinite = false;  // skip a batch whose loss or gradient is NaN or infinite (else stop with an error)
  bool overwrite = false;  // replace an existing model and checkpoint (else refused unless resuming)

  // The job's files: each one's key in a checkpoint, its ner train option, and the member that holds it.
  struct PathField {
    const char* key;
    const char* option;
    std::string TrainJob::*path;
  };
  static const std::vector<PathField>& path_fields();

  // The paths and reading options, stored in checkpoints so that --resume alone continues.
  nlohmann::json paths_json() const;
  void set_paths_from_json(const nlohmann::json& json, const std::string& origin);
};

struct EpochRecord {
  int epoch = 0;  // 1-based
  int epochs = 0;  // of at most this many
  double loss = 0;  // the training loss (CRF negative log-likelihood) per character of the epoch's batches
  double train_chars_per_s = 0, dev_precision = 0, dev_recall = 0, dev_f1 = 0, seconds = 0;
  double learning_rate = 0, gradient_norm = 0;
  std::map<std::string, ChunkCounts> dev_per_type;  // the dev scores of each entity type
  int skipped_batches = 0;  // batches skipped for a non-finite loss or gradient (with job.skip_nonfinite)
  bool best = false;
  std::array<double, nn::profile::kParts> profile_seconds{};  // CPU seconds per part while training (with job.profile)
};

// Where an epoch stands after some of its batches: what the rest of it continues from (RunState::in_epoch).
struct EpochProgress {
  std::size_t batch = 0;       // batches done
  double loss_sum = 0;         // of the batches trained (skipped ones not counted)
  double norm_sum = 0;         // their gradient norms
  int skipped = 0;             // batches skipped for a non-finite loss or gradient
  std::size_t chars_done = 0;  // characters of the batches trained
  std::string start_rng;       // the generator at the epoch's start, which reshuffles the same batches

  nlohmann::json to_json() const;
  // Reads what to_json writes; a missing or invalid field is a data::Error naming `origin` and the field.
  static EpochProgress from_json(const nlohmann::json& json, const std::string& origin);
};

struct TrainCallbacks {
  std::function<void(const std::string&)> log;                                       // one line, no newline
  // During an epoch: the characters trained of all, and the loss per character so far.
  std::function<void(std::size_t chars_done, std::size_t chars_total, double loss)> progress;
  std::function<void(const EpochRecord&)> epoch_done;
  // Asked before every batch: true saves the state in the checkpoint mid-epoch and stops with Interrupted
  // (ner/training/training_run.h).
  std::function<bool()> should_stop;
};

struct TrainResult {
  int epochs_run = 0, best_epoch = 0;
  double best_dev_f1 = 0;
  std::optional<Evaluation> test;  // the best model on the test file, when one was given
};

TrainResult train(const TrainJob& job, const TrainCallbacks& callbacks);

// The JSON line of one epoch in the metrics file (after the epochs, a run with a test corpus adds one line
// {"test": ...} with the best model's test scores).
std::string metrics_line(const EpochRecord& record);

}  // namespace ner
