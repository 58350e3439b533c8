// The settings tables (ner/model/settings.h): the configurations' JSON keys stay those of the files already written,
// every value round-trips, a damaged or missing field is named, and an option's text is checked with the message
// the command line and the Python module give.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "data/error.h"
#include "ner/model/config.h"
#include "ner/model/settings.h"

namespace ner {
namespace {

// The leaf keys of a configuration's JSON, as JSON pointers.
std::set<std::string> keys(const nlohmann::json& json) {
  const nlohmann::json flat = json.flatten();
  std::set<std::string> found;
  for (const auto& [pointer, value] : flat.items()) found.insert(pointer);
  return found;
}

// What from_json says of `json`, "" when it reads it.
template <typename Config>
std::string refusal(const nlohmann::json& json) {
  try {
    Config::from_json(json, "file.ckpt");
    return "";
  } catch (const data::Error& e) {
    return e.what();
  }
}

TEST(Settings, TheJsonKeysAreThoseOfTheFilesAlreadyWritten) {
  EXPECT_EQ(keys(ModelConfig{}.to_json()),
            (std::set<std::string>{"/cell", "/layers", "/hidden", "/char_dim", "/bigram_dim", "/lexicon_dim", "/lexicon_pos",
                                   "/lm_features", "/lm_finetune", "/dropout", "/peepholes", "/lm_weight", "/constrained",
                                   "/scheme", "/normalize/nfkc", "/normalize/case_fold", "/normalize/digit_class",
                                   "/max_sentence_tokens"}));
  // dev_fraction only when used.
  EXPECT_EQ(keys(TrainConfig{}.to_json()),
            (std::set<std::string>{"/epochs", "/batch", "/optimizer", "/learning_rate", "/lr_decay", "/momentum",
                                   "/weight_decay", "/clip", "/patience", "/seed", "/threads", "/min_char_count",
                                   "/min_feature_count", "/unk_rate", "/average"}));
  TrainConfig held_out;
  held_out.dev_fraction = 0.1;
  EXPECT_EQ(held_out.to_json().at("dev_fraction"), 0.1);
  EXPECT_EQ(keys(LmConfig{}.to_json()), (std::set<std::string>{"/cell", "/layers", "/hidden", "/char_dim", "/classes",
                                                                "/normalize/nfkc", "/normalize/case_fold",
                                                                "/normalize/digit_class"}));
  // lr_decay only when used.
  EXPECT_EQ(keys(LmTrainConfig{}.to_json()), (std::set<std::string>{"/epochs", "/batch", "/bptt", "/learning_rate", "/clip",
                                                                     "/seed", "/threads", "/min_count", "/dev_fraction"}));
  EXPECT_EQ(ModelConfig{}.to_json().at("cell"), "lstm");
  EXPECT_EQ(ModelConfig{}.to_json().at("scheme"), "BIOES");
  EXPECT_EQ(TrainConfig{}.to_json().at("optimizer"), "adam");
}

TEST(Settings, EveryValueRoundTrips) {
  ModelConfig model;
  model.cell = nn::CellType::kGru;
  model.layers = 3;
  model.lexicon_pos = true;
  model.dropout = 0.25;
  model.constrained = false;
  model.scheme = data::Scheme::kBio;
  model.normalize.digit_class = true;
  model.max_sentence_tokens = 77;
  EXPECT_EQ(ModelConfig::from_json(model.to_json(), "m").to_json(), model.to_json());
  TrainConfig train;
  train.optimizer = nn::OptimizerKind::kSgd;
  train.seed = 18446744073709551615ull;
  train.lr_decay = 0.5;
  train.min_feature_count = 3;
  train.dev_fraction = 0.2;
  EXPECT_EQ(TrainConfig::from_json(train.to_json(), "c").to_json(), train.to_json());
  EXPECT_EQ(TrainConfig::from_json(train.to_json(), "c").seed, train.seed);
  LmConfig lm;
  lm.classes = 1;
  lm.normalize.case_fold = true;
  EXPECT_EQ(LmConfig::from_json(lm.to_json(), "l").to_json(), lm.to_json());
  LmTrainConfig lm_train;
  lm_train.lr_decay = 2;
  lm_train.bptt = 70;
  EXPECT_EQ(LmTrainConfig::from_json(lm_train.to_json(), "l").to_json(), lm_train.to_json());
  EXPECT_EQ(LmTrainConfig::from_json(lm_train.to_json(), "l").lr_decay, 2);
}

TEST(Settings, AMissingOrDamagedFieldIsNamedWithTheFile) {
  nlohmann::json json = ModelConfig{}.to_json();
  json.erase("hidden");
  EXPECT_EQ(refusal<ModelConfig>(json), "file.ckpt: damaged configuration (field 'hidden')");
  json = ModelConfig{}.to_json();
  json["layers"] = 9;
  EXPECT_EQ(refusal<ModelConfig>(json), "file.ckpt: damaged configuration (field 'layers': 9 is not in the range 1 to 8)");
  json["layers"] = "two";
  EXPECT_EQ(refusal<ModelConfig>(json), "file.ckpt: damaged configuration (field 'layers': 'two' is not a whole number)");
  json = ModelConfig{}.to_json();
  json["normalize"]["case_fold"] = 1;
  EXPECT_EQ(refusal<ModelConfig>(json),
            "file.ckpt: damaged configuration (field 'normalize/case_fold': '1' is not true or false)");
  json = ModelConfig{}.to_json();
  json["cell"] = "transformer";
  EXPECT_EQ(refusal<ModelConfig>(json),
            "file.ckpt: damaged configuration (field 'cell': unknown cell 'transformer' (expected lstm, gru, rnn, rnn-relu))");
  // Fields added after the first files were written may be absent: their default.
  json = ModelConfig{}.to_json();
  json.erase("lm_weight");
  EXPECT_EQ(refusal<ModelConfig>(json), "");
  // The defaults are read even where the option would refuse them (epochs 0: chosen by the corpus).
  EXPECT_EQ(refusal<TrainConfig>(TrainConfig{}.to_json()), "");
  nlohmann::json train = TrainConfig{}.to_json();
  train["epochs"] = -3;
  EXPECT_EQ(refusal<TrainConfig>(train), "file.ckpt: damaged configuration (field 'epochs': -3 is not in the range 1 to 100000)");
  train = TrainConfig{}.to_json();
  train["learning_rate"] = nullptr;
  EXPECT_EQ(refusal<TrainConfig>(train), "file.ckpt: damaged configuration (field 'learning_rate': 'null' is not a number)");
  // Every setting without a default for its absence is named when missing, in every table.
  for (const Setting<LmTrainConfig>& setting : lm_train_settings()) {
    nlohmann::json lm = LmTrainConfig{}.to_json();
    if (!lm.contains(setting.key.substr(1))) continue;
    lm.erase(setting.key.substr(1));
    EXPECT_EQ(refusal<LmTrainConfig>(lm), "file.ckpt: damaged configuration (field '" + setting.key.substr(1) + "')");
  }
}

TEST(Settings, AnOptionsTextIsCheckedAsTheCommandLineSaysIt) {
  const Setting<ModelConfig>& layers = *find_setting(model_settings(), "--layers");
  EXPECT_EQ(layers.check(layers.parse("3")), "");
  EXPECT_EQ(layers.check(layers.parse("9")), "9 is not in the range 1 to 8");
  EXPECT_EQ(layers.check(layers.parse("three")), "'three' is not a whole number");
  EXPECT_EQ(layers.check(layers.parse("2.5")), "'2.5' is not a whole number");
  const Setting<ModelConfig>& scheme = *find_setting(model_settings(), "scheme");  // a Python keyword
  EXPECT_EQ(scheme.parse("bio"), "BIO");
  EXPECT_EQ(scheme.check(scheme.parse("BMES")), "'BMES' is not one of BIOES, BIO");
  const Setting<TrainConfig>& lr = *find_setting(train_settings(), "--lr");
  EXPECT_EQ(lr.check(lr.parse("0.01")), "");
  EXPECT_EQ(lr.check(lr.parse("0")), "0 is not in the range 1e-30 to 1e+30");
  EXPECT_EQ(lr.check(lr.parse("nan")), "nan is not in the range 1e-30 to 1e+30");
  EXPECT_EQ(lr.check(lr.parse("0.01x")), "'0.01x' is not a number");
  ASSERT_NE(find_setting(train_settings(), "feature_min_count"), nullptr);  // the Python keyword of --feature-min-count
  EXPECT_EQ(find_setting(train_settings(), "feature_min_count")->key, "/min_feature_count");
  const Setting<TrainConfig>& seed = *find_setting(train_settings(), "--seed");
  EXPECT_EQ(seed.check(seed.parse("18446744073709551615")), "");
  EXPECT_EQ(seed.check(seed.parse("-1")), "-1 is not 0 or more");
  const Setting<ModelConfig>& constraints = *find_setting(model_settings(), "no_constraints");
  EXPECT_TRUE(constraints.inverted);
  EXPECT_EQ(constraints.parse("yes"), true);
  EXPECT_EQ(find_setting(model_settings(), "--transformer"), nullptr);
  EXPECT_EQ(find_setting(model_settings(), "max_sentence_tokens"), nullptr) << "a value only files hold is no option";
}

TEST(Settings, ResumeMayChangeTheEpochsPatienceAndThreadsOnly) {
  std::set<std::string> free;
  for (const Setting<TrainConfig>& setting : train_settings())
    if (setting.resume_may_change) free.insert(setting.flag);
  EXPECT_EQ(free, (std::set<std::string>{"--epochs", "--patience", "--threads"}));
  free.clear();
  for (const Setting<LmTrainConfig>& setting : lm_train_settings())
    if (setting.resume_may_change) free.insert(setting.flag);
  EXPECT_EQ(free, (std::set<std::string>{"--epochs", "--threads"}));
}

TEST(Settings, BothTrainersDecayTheLearningRateAlike) {
  EXPECT_EQ(epoch_learning_rate(0.002, 0, 7), 0.002);
  EXPECT_DOUBLE_EQ(epoch_learning_rate(0.1, 0.5, 2), 0.05);
  EXPECT_NE(find_setting(train_settings(), "--lr-decay"), nullptr);
  EXPECT_NE(find_setting(lm_train_settings(), "--lr-decay"), nullptr);
}

}  // namespace
}  // namespace ner
