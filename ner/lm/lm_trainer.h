// Training the character language model (ner/lm/lm.h) by truncated backpropagation through time. The raw text, every
// non-blank line followed by </s>, is one stream of characters (the files one after another), cut into B equal
// parallel streams. Each epoch runs them from zero state in windows of T steps: the recurrent state is carried from
// one window to the next, the gradient stops at the window's start. The forward model reads the streams as written,
// the backward model from the end; with two threads the two train side by side, each with its own Adam, which gives
// the bytes of one thread. After every epoch: the bits per character of held-out text, the model when they are the
// best so far, the metrics file and the checkpoint, from which --resume continues to the bytes of an uninterrupted
// run; so does a checkpoint saved between two windows when callbacks.should_stop asks (with the carried states).
// The epoch loop and the checkpoints are ner/training/training_run.h's. The library reports through callbacks and
// never prints.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/error.h"
#include "ner/model/config.h"
#include "nn/profile.h"

namespace ner {

struct LmTrainJob {
  std::vector<std::string> raw_paths;  // the training text
  std::string dev_path;                // held-out text ("": config.dev_fraction of the training lines)
  std::string model_path, checkpoint_path, metrics_path;  // checkpoint and metrics optional ("")
  std::string resume_path;             // a checkpoint to continue from ("" to start afresh)
  std::string encoding = "auto";       // of every input (data/encoding.h)
  LmConfig model;
  LmTrainConfig train;
  bool profile = false;    // time the parts of the network (LmEpochRecord::profile_seconds)
  bool overwrite = false;  // replace an existing model and checkpoint (else refused unless resuming)

  // The files, the encoding and both configurations, as a checkpoint keeps them (paths relative to `folder`, the
  // working directory of the run: resumed elsewhere, they are made absolute).
  nlohmann::json to_json() const;
  static LmTrainJob from_json(const nlohmann::json& json, const std::string& origin);
};

struct LmEpochRecord {
  int epoch = 0, epochs = 0;  // 1-based, of at most `epochs`
  // Bits per character (a line end counts as one) of the training windows and of the held-out text, per direction.
  double train_bits[2] = {0, 0}, dev_bits[2] = {0, 0};  // forward, backward
  double chars_per_s = 0;  // characters of training text per second (each trained in both directions)
  double learning_rate = 0;  // the epoch's (LmTrainConfig::lr_decay)
  double seconds = 0;
  bool best = false;       // the lowest mean dev bits per character so far: the model was saved
  std::array<double, nn::profile::kParts> profile_seconds{};  // CPU seconds per part while training (with job.profile)
};

struct LmTrainCallbacks {
  std::function<void(const std::string&)> log;  // one line, no newline
  // During an epoch: the characters trained of all, and the forward model's bits per character so far.
  std::function<void(std::size_t chars_done, std::size_t chars_total, double bits)> progress;
  std::function<void(const LmEpochRecord&)> epoch_done;
  // Asked before every window: true saves the state in the checkpoint and stops with Interrupted
  // (ner/training/training_run.h).
  std::function<bool()> should_stop;
};

struct LmTrainResult {
  int epochs_run = 0, best_epoch = 0;
  double best_dev_bits = 0;  // the mean of the two directions' at best_epoch
};

// With job.resume_path, the checkpoint's job is run, with job.train.epochs when positive (0: the checkpoint's),
// job.train.threads and job.profile.
LmTrainResult train_lm(const LmTrainJob& job, const LmTrainCallbacks& callbacks);

}  // namespace ner
