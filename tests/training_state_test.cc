// The training state a checkpoint keeps: typed, read back exactly, and a damaged one named by its file; and the
// loss that the epoch record, the metrics file and the progress report all give per character.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <functional>
#include <sstream>

#include "data/error.h"
#include "ner/model/model_io.h"
#include "ner/training/trainer.h"
#include "tests/test_support.h"

namespace {

using test_support::run_ner;
using test_support::slurp;

const std::string kSample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";

class TrainingState : public ::testing::Test {
 protected:
  std::string dir_ = test_support::temp_path("dir") + "/";
  void SetUp() override { ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0); }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }

  ner::TrainJob small_job(const std::string& name) const {
    ner::TrainJob job;
    job.train_path = job.dev_path = kSample;
    job.model.hidden = job.model.char_dim = 8;
    job.train.batch = 2;
    job.train.epochs = 2;
    job.train.threads = 1;
    job.model_path = dir_ + name + ".model";
    job.checkpoint_path = dir_ + name + ".ckpt";
    job.metrics_path = dir_ + name + ".jsonl";
    return job;
  }
};

std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const data::Error& e) {
    return e.what();
  }
  return "";
}

// The state with a position inside an epoch, as ner train keeps it.
ner::RunState mid_epoch_state() {
  ner::RunState state;
  state.epoch = 3;
  state.best_epoch = 2;
  state.best_score = 71.5;
  state.bad_epochs = 1;
  state.metrics = nlohmann::json::array({{{"epoch", 1}}, {{"epoch", 2}}, {{"epoch", 3}}});
  state.rng = nn::Rng(7);
  state.rng.uniform();
  ner::EpochProgress progress;
  progress.batch = 5;
  progress.loss_sum = 12.25;
  progress.norm_sum = 3.5;
  progress.skipped = 1;
  progress.chars_done = 40;
  progress.start_rng = nn::Rng(9).state();
  state.in_epoch = progress.to_json();
  return state;
}

TEST_F(TrainingState, RoundTripsWithTheMidEpochFields) {
  const ner::RunState state = mid_epoch_state();
  const ner::RunState back = ner::RunState::from_json(state.to_json(), "run.ckpt");
  EXPECT_EQ(back.to_json(), state.to_json());
  EXPECT_EQ(back.rng.state(), state.rng.state());
  EXPECT_EQ(back.best_score, 71.5);
  ASSERT_TRUE(back.in_epoch);
  const ner::EpochProgress progress = ner::EpochProgress::from_json(*back.in_epoch, "run.ckpt");
  EXPECT_EQ(progress.chars_done, 40u);
  EXPECT_EQ(progress.batch, 5u);
  EXPECT_EQ(progress.skipped, 1);
  EXPECT_EQ(progress.loss_sum, 12.25);
  EXPECT_EQ(progress.norm_sum, 3.5);
  EXPECT_EQ(progress.start_rng, nn::Rng(9).state());
  EXPECT_EQ(progress.to_json(), *back.in_epoch);
  // Before the first epoch's end there is no best score, whatever the file says.
  nlohmann::json fresh = ner::RunState().to_json();
  fresh["best_score"] = -1.0;
  EXPECT_EQ(ner::RunState::from_json(fresh, "run.ckpt").best_score, 0.0);
}

// Earlier versions named the best score by what it measured: ner train's F1, and ner lm train's bits per character
// (lower was better, and no early stopping kept bad epochs).
TEST_F(TrainingState, ReadsTheEarlierNamesOfTheBestScore) {
  nlohmann::json ner_state = mid_epoch_state().to_json();
  ner_state.erase("best_score");
  ner_state["best_f1"] = 80.25;
  EXPECT_EQ(ner::RunState::from_json(ner_state, "run.ckpt").best_score, 80.25);
  nlohmann::json lm_state = mid_epoch_state().to_json();
  lm_state.erase("best_score");
  lm_state.erase("bad_epochs");
  lm_state["best_bits"] = 4.5;
  const ner::RunState lm = ner::RunState::from_json(lm_state, "run.ckpt");
  EXPECT_EQ(lm.best_score, -4.5);
  EXPECT_EQ(lm.bad_epochs, 0);
}

TEST_F(TrainingState, ADamagedFieldIsNamedWithTheCheckpoint) {
  const nlohmann::json good = mid_epoch_state().to_json();
  ASSERT_EQ(error_of([&] { ner::RunState::from_json(good, "run.ckpt"); }), "");
  auto damaged = [&](const char* key, const nlohmann::json& value) {
    nlohmann::json json = good;
    if (value.is_null()) json.erase(key);
    else json[key] = value;
    return error_of([&] { ner::RunState::from_json(json, "run.ckpt"); });
  };
  EXPECT_EQ(damaged("epoch", "three"), "run.ckpt: damaged checkpoint state (field 'epoch')");
  EXPECT_EQ(damaged("epoch", nullptr), "run.ckpt: damaged checkpoint state (field 'epoch')");
  EXPECT_EQ(damaged("best_epoch", "two"), "run.ckpt: damaged checkpoint state (field 'best_epoch')");
  EXPECT_EQ(damaged("best_score", "high"), "run.ckpt: damaged checkpoint state (field 'best_score')");
  EXPECT_EQ(damaged("best_score", nullptr), "run.ckpt: damaged checkpoint state (field 'best_score')");
  EXPECT_EQ(damaged("bad_epochs", nullptr), "run.ckpt: damaged checkpoint state (field 'bad_epochs')");
  EXPECT_EQ(damaged("metrics", nullptr), "run.ckpt: damaged checkpoint state (field 'metrics')");
  EXPECT_EQ(damaged("rng", "not a generator"), "run.ckpt: damaged checkpoint state (field 'rng')");
  EXPECT_EQ(damaged("rng", 5), "run.ckpt: damaged checkpoint state (field 'rng')");
  EXPECT_EQ(damaged("in_epoch", 5), "run.ckpt: damaged checkpoint state (field 'in_epoch')");
  EXPECT_EQ(damaged("best_epoch", 4), "run.ckpt: damaged checkpoint state (the epochs do not add up)");
  EXPECT_EQ(damaged("epoch", -1), "run.ckpt: damaged checkpoint state (the epochs do not add up)");
  EXPECT_EQ(damaged("bad_epochs", -2), "run.ckpt: damaged checkpoint state (the epochs do not add up)");
  EXPECT_EQ(damaged("metrics", 1), "run.ckpt: damaged checkpoint state (the epochs do not add up)");
  // The position inside the epoch, field by field.
  for (const char* key : {"batch", "loss_sum", "norm_sum", "skipped", "chars_done", "start_rng"}) {
    nlohmann::json position = *mid_epoch_state().in_epoch;
    position.erase(key);
    EXPECT_EQ(error_of([&] { ner::EpochProgress::from_json(position, "run.ckpt"); }),
              std::string("run.ckpt: damaged checkpoint state (field '") + key + "')");
  }
  nlohmann::json position = *mid_epoch_state().in_epoch;
  position["start_rng"] = "not a generator";
  EXPECT_EQ(error_of([&] { ner::EpochProgress::from_json(position, "run.ckpt"); }),
            "run.ckpt: damaged checkpoint state (field 'start_rng')");
}

// A checkpoint written mid-epoch by an earlier version (the best score named best_f1, the epoch's generator beside
// the position) resumes to the bytes of an uninterrupted run.
TEST_F(TrainingState, AMidEpochCheckpointOfTheEarlierFormResumes) {
  ner::TrainJob job = small_job("whole");
  ner::train(job, {});
  job = small_job("part");
  ner::TrainCallbacks stop_in_epoch_2;
  int asked = 0;
  stop_in_epoch_2.should_stop = [&] { return ++asked == 4 + 2; };  // before batch 2 of epoch 2 (4 batches an epoch)
  EXPECT_THROW(ner::train(job, stop_in_epoch_2), ner::Interrupted);
  ner::LoadedCheckpoint checkpoint = ner::load_checkpoint(job.checkpoint_path);
  nlohmann::json state = checkpoint.state;
  ASSERT_TRUE(state.contains("in_epoch"));
  state["best_f1"] = state["best_score"];
  state.erase("best_score");
  state["epoch_rng"] = state["in_epoch"]["start_rng"];
  state["in_epoch"].erase("start_rng");
  nn::ParamList params = checkpoint.model->params();
  nn::Optimizer optimizer(params, nn::OptimizerConfig{});
  optimizer.set_steps(checkpoint.optimizer_steps);
  optimizer.first_moments() = checkpoint.first_moments;
  optimizer.second_moments() = checkpoint.second_moments;
  const std::string earlier = dir_ + "earlier.ckpt";
  ner::save_checkpoint(*checkpoint.model, optimizer, checkpoint.averages, state, earlier);
  job.resume_path = earlier;
  job.overwrite = true;  // the model and checkpoint of the stopped run
  ner::train(job, {});
  EXPECT_TRUE(slurp(dir_ + "whole.model") == slurp(dir_ + "part.model"));
}

// A checkpoint whose state was damaged (yet whose checksum is right) stops --resume with one line naming it.
TEST_F(TrainingState, ResumingADamagedStateNamesTheCheckpoint) {
  ner::TrainJob job = small_job("m");
  job.train.epochs = 1;
  ner::train(job, {});
  ner::LoadedCheckpoint checkpoint = ner::load_checkpoint(job.checkpoint_path);
  nlohmann::json state = checkpoint.state;
  state["epoch"] = "one";
  nn::ParamList params = checkpoint.model->params();
  nn::Optimizer optimizer(params, nn::OptimizerConfig{});
  const std::string damaged = dir_ + "damaged.ckpt";
  ner::save_checkpoint(*checkpoint.model, optimizer, {}, state, damaged);
  auto resumed = run_ner("train --resume " + damaged + " --epochs 2");
  EXPECT_EQ(resumed.status, 1);
  EXPECT_EQ(resumed.err, "ner: error: " + damaged + ": damaged checkpoint state (field 'epoch')\n");
}

// The epoch's loss is per character, as the progress report's: the last progress of an epoch gives its record's loss,
// which the metrics file keeps.
TEST_F(TrainingState, TheEpochLossIsPerCharacterLikeTheProgress) {
  ner::TrainJob job = small_job("m");
  std::vector<double> last_progress, epoch_losses;
  ner::TrainCallbacks callbacks;
  callbacks.progress = [&](std::size_t done, std::size_t total, double loss) {
    if (done == total) last_progress.push_back(loss);
  };
  callbacks.epoch_done = [&](const ner::EpochRecord& record) { epoch_losses.push_back(record.loss); };
  ner::train(job, callbacks);
  ASSERT_EQ(epoch_losses.size(), 2u);
  ASSERT_EQ(last_progress.size(), 2u);
  std::istringstream metrics(slurp(job.metrics_path));
  for (std::size_t e = 0; e < 2; ++e) {
    EXPECT_DOUBLE_EQ(epoch_losses[e], last_progress[e]) << "epoch " << e + 1;
    std::string line;
    ASSERT_TRUE(std::getline(metrics, line));
    EXPECT_DOUBLE_EQ(nlohmann::json::parse(line).at("loss").get<double>(), epoch_losses[e]);
  }
}

}  // namespace
