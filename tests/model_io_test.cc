// The model file: round trip, and clear refusals of foreign, truncated, damaged and newer files.
#include "ner/model/model_io.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include <sys/stat.h>

#include "data/error.h"
#include "data/text_file.h"
#include "tests/test_support.h"

namespace ner {
namespace {

std::unique_ptr<Model> tiny_model(std::uint64_t seed) {
  ModelConfig config;
  config.hidden = 4;
  config.char_dim = 3;
  config.layers = 2;
  config.scheme = data::Scheme::kBio;
  data::Vocab chars = data::Vocab::from_keys({"张", "伟", "北"}, true);
  data::Vocab tags = data::Vocab::from_keys(data::tag_set({"LOC", "PER"}, config.scheme), false);
  Vocabularies vocab;
  vocab.chars = std::move(chars);
  vocab.tags = std::move(tags);
  auto model = std::make_unique<Model>(config, std::move(vocab));
  nn::Rng rng(seed);
  model->init(rng);
  return model;
}

std::string error_of(const std::string& path) {
  try {
    load_model(path);
  } catch (const data::Error& e) {
    return e.what();
  }
  return "";
}

class ModelFile : public ::testing::Test {
 protected:
  std::string path_ = test_support::temp_path("model");
  void TearDown() override { std::remove(path_.c_str()); }
  void write(const std::string& bytes) { std::ofstream(path_, std::ios::binary) << bytes; }
};

TEST_F(ModelFile, RoundTripsEveryParameterVocabularyAndSetting) {
  auto model = tiny_model(3);
  save_model(*model, {{"best_epoch", 7}}, path_);
  LoadedModel loaded = load_model(path_);
  EXPECT_EQ(loaded.summary["best_epoch"], 7);
  EXPECT_EQ(loaded.model->config().to_json(), model->config().to_json());
  EXPECT_EQ(loaded.model->chars().keys(), model->chars().keys());
  EXPECT_EQ(loaded.model->tags().keys(), model->tags().keys());
  nn::ParamList a = model->params(), b = loaded.model->params();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t p = 0; p < a.size(); ++p) {
    EXPECT_EQ(a[p]->name, b[p]->name);
    EXPECT_EQ(a[p]->value, b[p]->value) << a[p]->name;
  }
  // Saving again gives the same bytes.
  std::string first = test_support::slurp(path_);
  save_model(*loaded.model, loaded.summary, path_);
  EXPECT_EQ(test_support::slurp(path_), first);
}

TEST_F(ModelFile, RefusesForeignTruncatedDamagedAndNewerFiles) {
  auto model = tiny_model(4);
  save_model(*model, {}, path_);
  const std::string good = test_support::slurp(path_);

  write("张 B-PER\n伟 I-PER\n");
  EXPECT_EQ(error_of(path_), path_ + ": not a model file");
  write("");
  EXPECT_EQ(error_of(path_), path_ + ": not a model file");
  write(good.substr(0, good.size() / 2));
  EXPECT_NE(error_of(path_).find("truncated"), std::string::npos) << error_of(path_);
  write(good.substr(0, 15));
  EXPECT_NE(error_of(path_).find("truncated"), std::string::npos) << error_of(path_);
  // One flipped byte anywhere in the payload.
  for (std::size_t at : {std::size_t{30}, good.size() / 2, good.size() - 10}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x40);
    write(flipped);
    EXPECT_EQ(error_of(path_), path_ + ": damaged model file (checksum mismatch)") << "byte " << at;
  }
  std::string newer = good;
  newer[8] = static_cast<char>(kModelFormatVersion + 1);
  write(newer);
  EXPECT_EQ(error_of(path_), path_ + ": model format version " + std::to_string(kModelFormatVersion + 1) +
                                 " is newer than this program reads (" + std::to_string(kModelFormatVersion) +
                                 "); update ner");
}

// A model read from a FIFO (as `--model <(...)` gives) is read whole, then checked like a file: the same model, and
// a truncated stream refused by its length.
TEST_F(ModelFile, IsReadFromAFifo) {
  auto model = tiny_model(5);
  save_model(*model, nlohmann::json::object(), path_);
  const std::string bytes = data::read_file(path_);
  const std::string fifo = test_support::temp_path("model.fifo");
  for (const std::string& sent : {bytes, bytes.substr(0, bytes.size() - 7), bytes + "x"}) {
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << sent; });
    std::string error;
    try {
      LoadedModel loaded = load_model(fifo);
      EXPECT_EQ(loaded.model->params().back()->value, model->params().back()->value);
    } catch (const data::Error& e) {
      error = e.what();
    }
    writer.join();
    std::remove(fifo.c_str());
    if (sent.size() == bytes.size()) EXPECT_EQ(error, "");
    else if (sent.size() < bytes.size())
      EXPECT_NE(error.find("truncated or damaged model file (" + std::to_string(sent.size()) + " bytes"), std::string::npos) << error;
    else EXPECT_EQ(error, fifo + ": damaged model file (more than the " + std::to_string(bytes.size()) + " bytes its header gives)");
  }
  // A device that never ends is refused by its first bytes.
  EXPECT_EQ(error_of("/dev/zero"), "/dev/zero: not a model file");
}

TEST_F(ModelFile, CheckpointIsNotAModelAndRoundTrips) {
  auto model = tiny_model(5);
  nn::OptimizerConfig config;
  nn::Optimizer adam(model->params(), config);
  nn::zero_grads(model->params());
  for (nn::Param* p : model->params()) p->grad.setConstant(0.5);
  adam.step();
  save_checkpoint(*model, adam, {}, {{"epoch", 3}}, path_);
  EXPECT_EQ(error_of(path_), path_ + ": not a model file (it is a checkpoint, which ner train --resume reads)");
  LoadedCheckpoint checkpoint = load_checkpoint(path_);
  EXPECT_EQ(checkpoint.state["epoch"], 3);
  EXPECT_EQ(checkpoint.optimizer_steps, 1);
  ASSERT_EQ(checkpoint.first_moments.size(), adam.first_moments().size());
  for (std::size_t p = 0; p < checkpoint.first_moments.size(); ++p) {
    EXPECT_EQ(checkpoint.first_moments[p], adam.first_moments()[p]);
    EXPECT_EQ(checkpoint.second_moments[p], adam.second_moments()[p]);
  }
}

TEST_F(ModelFile, SgdCheckpointHasNoSecondMoments) {
  auto model = tiny_model(6);
  nn::OptimizerConfig config;
  config.kind = nn::OptimizerKind::kSgd;
  nn::Optimizer sgd(model->params(), config);
  nn::zero_grads(model->params());
  for (nn::Param* p : model->params()) p->grad.setConstant(0.25);
  sgd.step();
  save_checkpoint(*model, sgd, {}, {{"epoch", 1}}, path_);
  LoadedCheckpoint checkpoint = load_checkpoint(path_);
  ASSERT_EQ(checkpoint.second_moments.size(), sgd.second_moments().size());
  for (std::size_t p = 0; p < checkpoint.second_moments.size(); ++p) {
    EXPECT_EQ(checkpoint.second_moments[p].size(), 0);
    EXPECT_EQ(checkpoint.first_moments[p], sgd.first_moments()[p]);
  }
}

}  // namespace
}  // namespace ner
