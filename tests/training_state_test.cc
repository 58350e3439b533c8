// The training state a checkpoint keeps: typed, read back exactly, and a damaged one named by its file; and the
// loss that the epoch record, the metrics file and the progress report all give per character.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

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

std::string error_of(const nlohmann::json& json) {
  try {
    ner::TrainState::from_json(json, "run.ckpt");
  } catch (const data::Error& e) {
    return e.what();
  }
  return "";
}

TEST_F(TrainingState, RoundTripsWithTheMidEpochFields) {
  ner::TrainState state;
  state.epoch = 3;
  state.best_epoch = 2;
  state.best_dev_f1 = 71.5;
  state.bad_epochs = 1;
  state.metrics = nlohmann::json::array({{{"epoch", 1}}, {{"epoch", 2}}, {{"epoch", 3}}});
  state.rng = nn::Rng(7);
  state.rng.uniform();
  ner::EpochProgress& progress = state.in_epoch.emplace();
  progress.batch = 5;
  progress.loss_sum = 12.25;
  progress.norm_sum = 3.5;
  progress.skipped = 1;
  progress.chars_done = 40;
  progress.start_rng = nn::Rng(9).state();
  const ner::TrainState back = ner::TrainState::from_json(state.to_json(), "run.ckpt");
  EXPECT_EQ(back.to_json(), state.to_json());
  EXPECT_EQ(back.rng.state(), state.rng.state());
  ASSERT_TRUE(back.in_epoch);
  EXPECT_EQ(back.in_epoch->chars_done, 40u);
  EXPECT_EQ(back.in_epoch->start_rng, progress.start_rng);
  // Before the first epoch's end there is no best score, whatever the file says (earlier versions wrote -1).
  nlohmann::json fresh = ner::TrainState().to_json();
  fresh["best_f1"] = -1.0;
  EXPECT_EQ(ner::TrainState::from_json(fresh, "run.ckpt").best_epoch, 0);
}

TEST_F(TrainingState, ADamagedFieldIsNamedWithTheCheckpoint) {
  const nlohmann::json good = [] {
    ner::TrainState state;
    state.in_epoch.emplace().start_rng = state.rng.state();
    return state.to_json();
  }();
  ASSERT_EQ(error_of(good), "");
  auto damaged = [&](const char* key, const nlohmann::json& value) {
    nlohmann::json json = good;
    if (value.is_null()) json.erase(key);
    else json[key] = value;
    return error_of(json);
  };
  EXPECT_EQ(damaged("epoch", "three"), "run.ckpt: damaged checkpoint state (field 'epoch')");
  EXPECT_EQ(damaged("bad_epochs", nullptr), "run.ckpt: damaged checkpoint state (field 'bad_epochs')");
  EXPECT_EQ(damaged("rng", "not a generator"), "run.ckpt: damaged checkpoint state (field 'rng')");
  EXPECT_EQ(damaged("epoch_rng", 5), "run.ckpt: damaged checkpoint state (field 'epoch_rng')");
  EXPECT_EQ(damaged("in_epoch", nlohmann::json{{"batch", 1}}), "run.ckpt: damaged checkpoint state (field 'loss_sum')");
  EXPECT_EQ(damaged("best_epoch", 4), "run.ckpt: damaged checkpoint state (the epochs do not add up)");
  EXPECT_EQ(damaged("metrics", 1), "run.ckpt: damaged checkpoint state (the epochs do not add up)");
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
