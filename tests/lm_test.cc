// The character language model trained and sampled through the library: a tiny model memorises a tiny text,
// training is deterministic and resumes to the same bytes, sampling is deterministic and never draws <unk>.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "data/utf8.h"
#include "ner/lm/lm_file.h"
#include "ner/lm/lm_sample.h"
#include "ner/lm/lm_trainer.h"
#include "ner/training/trainer.h"
#include "tests/test_support.h"

namespace ner {
namespace {

using test_support::slurp;
using test_support::temp_path;
using test_support::write_file;

// Four lines, ten times over in the same order: 37 characters, each line's order all there is to learn.
std::string tiny_text() {
  const std::string lines = "张伟在北京大学读书。\n李娜是湖北人。\n上海的天气很好，我们去公园吧。\n他说：“明天见！”\n";
  std::string text;
  for (int k = 0; k < 10; ++k) text += lines;
  return text;
}

struct TinyRun {
  std::string text_path = temp_path("raw.txt"), model_path = temp_path("m.lm");

  LmTrainJob job(int epochs) const {
    LmTrainJob job;
    job.raw_paths = {text_path};
    job.dev_path = text_path;
    job.model_path = model_path;
    job.checkpoint_path = model_path + ".ckpt";
    job.overwrite = true;
    job.model.hidden = 24;
    job.model.char_dim = 12;
    job.model.classes = 4;
    job.train.batch = 4;
    job.train.bptt = 12;
    job.train.learning_rate = 0.02;
    job.train.epochs = epochs;
    job.train.threads = 1;
    return job;
  }
};

class Lm : public ::testing::Test {
 protected:
  void SetUp() override { write_file(run_.text_path, tiny_text()); }
  TinyRun run_;
};

TEST_F(Lm, MemorisesATinyText) {
  // Uniform over the 40 keys would be log2(40) = 5.32 bits per character and the characters' own frequencies
  // (unigram entropy) give 5.12: below 0.5 bits the model predicts almost every character from the ones before it.
  std::vector<LmEpochRecord> records;
  LmTrainCallbacks callbacks;
  callbacks.epoch_done = [&](const LmEpochRecord& r) { records.push_back(r); };
  const LmTrainResult result = train_lm(run_.job(40), callbacks);
  ASSERT_EQ(records.size(), 40u);
  EXPECT_GT(records.front().dev_bits[0], 4.0);
  EXPECT_LT(records.back().dev_bits[0], 0.5);
  EXPECT_LT(records.back().dev_bits[1], 0.5);
  EXPECT_EQ(result.best_epoch, 40);
  const LoadedLm loaded = load_lm(run_.model_path);
  EXPECT_EQ(loaded.lm->vocab().size(), 40u);  // <pad>, <unk>, </s> and 37 characters
  EXPECT_EQ(loaded.summary["best_epoch"], 40);
  // The keys are NFKC; sampling writes what the text wrote.
  const LanguageModel& lm = *loaded.lm;
  EXPECT_EQ(lm.text_of(lm.vocab().id(",")), "，");
  EXPECT_EQ(lm.text_of(lm.vocab().id("明")), "明");
  EXPECT_EQ(lm.text_of(lm.line_end()), "\n");
}

TEST_F(Lm, SameSeedSameBytesOnOneOrTwoThreads) {
  train_lm(run_.job(2), {});
  const std::string first = slurp(run_.model_path);
  LmTrainJob two = run_.job(2);
  two.train.threads = 2;
  train_lm(two, {});
  EXPECT_TRUE(slurp(run_.model_path) == first) << "the models of one and two threads differ";
  LmTrainJob other = run_.job(2);
  other.train.seed = 2;
  train_lm(other, {});
  EXPECT_NE(slurp(run_.model_path), first);
}

TEST_F(Lm, ResumedAfterAnEpochGivesTheSameBytes) {
  train_lm(run_.job(3), {});
  const std::string uninterrupted = slurp(run_.model_path);
  train_lm(run_.job(1), {});
  LmTrainJob resumed;
  resumed.resume_path = run_.model_path + ".ckpt";
  resumed.train.epochs = 3;
  resumed.train.threads = 1;
  const LmTrainResult result = train_lm(resumed, {});
  EXPECT_EQ(result.epochs_run, 3);
  EXPECT_TRUE(slurp(run_.model_path) == uninterrupted) << "the resumed run's model differs";
}

TEST_F(Lm, TheLearningRateDecaysPerEpochAndAResumedRunKeepsTheDecay) {
  train_lm(run_.job(3), {});
  const std::string constant = slurp(run_.model_path);
  std::vector<double> rates;
  LmTrainCallbacks callbacks;
  callbacks.epoch_done = [&](const LmEpochRecord& record) { rates.push_back(record.learning_rate); };
  LmTrainJob decayed = run_.job(3);
  decayed.train.lr_decay = 1;
  train_lm(decayed, callbacks);
  const std::string uninterrupted = slurp(run_.model_path);
  EXPECT_NE(uninterrupted, constant);
  // lr / (1 + decay · e) for epochs e = 0, 1, 2.
  ASSERT_EQ(rates.size(), 3u);
  EXPECT_DOUBLE_EQ(rates[0], 0.02);
  EXPECT_DOUBLE_EQ(rates[1], 0.01);
  EXPECT_DOUBLE_EQ(rates[2], 0.02 / 3);
  EXPECT_EQ(load_lm(run_.model_path).summary["train_config"].value("lr_decay", 0.0), 1.0) << "the model's summary lacks the decay";

  decayed.train.epochs = 1;
  train_lm(decayed, {});
  LmTrainJob resumed;
  resumed.resume_path = run_.model_path + ".ckpt";
  resumed.train.epochs = 3;
  resumed.train.threads = 1;
  train_lm(resumed, {});
  EXPECT_TRUE(slurp(run_.model_path) == uninterrupted) << "the resumed run's model differs";
}

TEST_F(Lm, StoppedMidEpochAndResumedGivesTheSameBytes) {
  train_lm(run_.job(2), {});
  const std::string uninterrupted = slurp(run_.model_path);
  // Stopped before the 4th window of the second epoch (an epoch is 10 windows: 451 symbols, 4 streams of 112 steps,
  // windows of 12): the state, with the carried recurrent states, is in the checkpoint.
  int asked = 0;
  LmTrainCallbacks callbacks;
  callbacks.should_stop = [&] { return ++asked == 14; };
  try {
    train_lm(run_.job(2), callbacks);
    FAIL() << "not interrupted";
  } catch (const Interrupted& e) {
    EXPECT_NE(std::string(e.what()).find("interrupted in epoch 2 after window 3 of 10"), std::string::npos) << e.what();
  }
  LmTrainJob resumed;
  resumed.resume_path = run_.model_path + ".ckpt";
  resumed.train.epochs = 0;  // the checkpoint's
  resumed.train.threads = 2;
  train_lm(resumed, {});
  EXPECT_TRUE(slurp(run_.model_path) == uninterrupted) << "the resumed run's model differs";
}

TEST_F(Lm, SamplingIsDeterministicAndNeverDrawsUnk) {
  // Half the text's characters are seen once, hence <unk> (--min-count 2): the model gives <unk> much probability.
  std::string text;
  for (char32_t c = U'一'; c < U'一' + 300; ++c) {
    std::string rare;
    data::append_utf8(c, rare);
    text += rare + "的" + (c % 7 == 0 ? "\n" : "");
  }
  write_file(run_.text_path, text + "\n");
  LmTrainJob job = run_.job(5);
  train_lm(job, {});
  LoadedLm loaded = load_lm(run_.model_path);
  LanguageModel& lm = *loaded.lm;
  nn::Vector log_p;
  lm.forward_model().reset_state();
  lm.forward_model().step(lm.vocab().id("的"), log_p);
  ASSERT_GT(std::exp(log_p(data::Vocab::kUnk)), 0.5) << "the test needs a model that expects <unk>";
  SampleOptions options;
  options.length = 400;
  options.temperature = 2;
  const std::string a = sample_text(lm, options);
  EXPECT_EQ(a, sample_text(lm, options));
  EXPECT_EQ(a.find("<unk>"), std::string::npos);
  EXPECT_EQ(a.find("<pad>"), std::string::npos);
  EXPECT_EQ(data::count_code_points(a), 400u);
  options.seed = 2;
  EXPECT_NE(sample_text(lm, options), a);
  options.backward = true;
  EXPECT_EQ(sample_text(lm, options).find("<unk>"), std::string::npos);
}

TEST_F(Lm, PrefixCharactersTheModelLacksAreReadAsUnk) {
  train_lm(run_.job(3), {});
  LoadedLm loaded = load_lm(run_.model_path);
  SampleOptions options;
  options.length = 30;
  options.prefix = "张伟𠀀";
  const std::string a = sample_text(*loaded.lm, options);
  ASSERT_EQ(a.compare(0, options.prefix.size(), options.prefix), 0);  // the prefix as given
  options.prefix = "张伟𠀁";                                           // another character it lacks
  const std::string b = sample_text(*loaded.lm, options);
  EXPECT_EQ(a.substr(options.prefix.size()), b.substr(options.prefix.size()));
  options.prefix = "张伟在";
  EXPECT_NE(sample_text(*loaded.lm, options).substr(options.prefix.size()), a.substr(options.prefix.size()));
}

TEST_F(Lm, TemperatureTowardsZeroIsGreedy) {
  train_lm(run_.job(40), {});
  LoadedLm loaded = load_lm(run_.model_path);
  SampleOptions options;
  // The text's first line, as the stream starts with it after a line end.
  options.prefix = "张伟";
  options.length = 9;
  options.temperature = 1e-6;
  const std::string greedy = sample_text(*loaded.lm, options);
  EXPECT_EQ(greedy, "张伟在北京大学读书。\n");
  options.seed = 7;
  EXPECT_EQ(sample_text(*loaded.lm, options), greedy);
}

TEST_F(Lm, CharStatesReadEachDirectionOfEveryPaddedSentence) {
  train_lm(run_.job(1), {});
  LoadedLm loaded = load_lm(run_.model_path);
  LanguageModel& lm = *loaded.lm;
  const nn::Index H = lm.config().hidden;
  // 北京大学 and 大学 in one padded batch (column t*2 + b).
  const std::vector<int> ids = lm.encode("北京大学"), other = lm.encode("大学");
  const nn::SequenceBatch shape({4, 2});
  std::vector<int> batch_ids(8, lm.line_end());
  for (std::size_t t = 0; t < 4; ++t) batch_ids[t * 2] = ids[t];
  for (std::size_t t = 0; t < 2; ++t) batch_ids[t * 2 + 1] = other[t];
  for (bool parallel : {false, true}) {
    // Whatever the tagger's workspace held before (NaN here), padding ends up finite: its layers multiply it by 0.
    nn::Matrix features = nn::Matrix::Constant(2 * H, 8, std::numeric_limits<nn::Real>::quiet_NaN());
    lm.char_states(shape, batch_ids, features, /*training=*/false, parallel);
    EXPECT_TRUE(features.allFinite());
    // The forward state of 京 is the forward model's after </s> 北 京; the backward one's after </s> 学 大 京.
    const nn::SequenceBatch one3({3}), one4({4}), one2({2});
    nn::Matrix forward = lm.forward_model().batch_states({lm.line_end(), ids[0], ids[1]}, one3, false);
    EXPECT_TRUE(features.col(1 * 2).topRows(H).isApprox(forward.col(2), nn::Real(1e-6)));
    nn::Matrix backward = lm.backward_model().batch_states({lm.line_end(), ids[3], ids[2], ids[1]}, one4, false);
    EXPECT_TRUE(features.col(1 * 2).bottomRows(H).isApprox(backward.col(3), nn::Real(1e-6)));
    // The shorter sentence reads as if alone: 学's backward state is after </s> 学, its forward one after </s> 大 学.
    backward = lm.backward_model().batch_states({lm.line_end(), other[1]}, one2, false);
    EXPECT_TRUE(features.col(1 * 2 + 1).bottomRows(H).isApprox(backward.col(1), nn::Real(1e-6)));
    forward = lm.forward_model().batch_states({lm.line_end(), other[0], other[1]}, one3, false);
    EXPECT_TRUE(features.col(1 * 2 + 1).topRows(H).isApprox(forward.col(2), nn::Real(1e-6)));
  }
}

}  // namespace
}  // namespace ner
