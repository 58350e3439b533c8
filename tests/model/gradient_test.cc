// The application's network (ner::Model, built with Real = double) against central finite differences: every
// parameter's gradient from Model::train_step, with characters, left and right bigrams, lexicon words with their
// parts of speech, the auxiliary language-model objective, every dropout on (the same masks in each forward), on one
// thread and on two; without a pretrained language model's states as features, with them fixed, and fine-tuned (its
// embeddings and layers checked too).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "ner/model/model.h"
#include "tests/nn/nn_test_util.h"

namespace ner {
namespace {

static_assert(sizeof(nn::Real) == sizeof(double), "gradient checks need Real = double");

// Sentences of unequal lengths (one of a single character), BIOES tags.
struct Tagged {
  std::vector<std::string> tokens, tags;
};
const std::vector<Tagged> kSentences = {
    {{"张", "三", "在", "北", "京", "大", "学"}, {"B-PER", "E-PER", "O", "B-ORG", "I-ORG", "I-ORG", "E-ORG"}},
    {{"李", "四", "去", "北", "京"}, {"B-PER", "E-PER", "O", "B-LOC", "E-LOC"}},
    {{"京", "大", "学"}, {"S-LOC", "O", "O"}},
    {{"好"}, {"O"}},
};

// A dictionary whose words overlap (北京, 北京大学, 大学, 京) and cover every group: begin, inside, end, alone. Every
// word but 大学 has a part of speech; 张三 is left out of the word vocabulary, so it reads as <unk>.
Vocabularies tiny_vocabularies() {
  Vocabularies vocab;
  vocab.lexicon.add({"北", "京"}, 120, "ns");
  vocab.lexicon.add({"北", "京", "大", "学"}, 30, "nt");
  vocab.lexicon.add({"大", "学"}, 80);
  vocab.lexicon.add({"京"}, 4, "ns");
  vocab.lexicon.add({"张", "三"}, 2, "nr");
  vocab.lexicon.add({"李", "四"}, 1, "nr");
  for (const Tagged& sentence : kSentences) {
    for (const std::string& token : sentence.tokens) vocab.chars.count(token);
    for (const std::string& key : left_bigram_keys(sentence.tokens)) vocab.bigrams.count(key);
    for (const std::string& key : right_bigram_keys(sentence.tokens)) vocab.bigrams.count(key);
    for (const std::string& tag : sentence.tags) vocab.tags.count(tag);
  }
  vocab.chars.freeze();
  vocab.bigrams.freeze();
  vocab.tags.freeze();
  vocab.words = data::Vocab::from_keys({"北京", "北京大学", "大学", "京", "李四", part_of_speech_key("ns"),
                                        part_of_speech_key("nt"), part_of_speech_key("nr"), kNoWord},
                                       /*with_specials=*/true);
  return vocab;
}

ModelConfig tiny_config() {
  ModelConfig config;
  config.layers = 2;  // so the dropout between layers is checked too
  config.hidden = 3;
  config.char_dim = 3;
  config.bigram_dim = 2;
  config.lexicon_dim = 2;
  config.lexicon_pos = true;
  config.dropout = 0.3;
  config.lm_weight = 0.7;  // the auxiliary objective too
  return config;
}

// Relative error allowed. In double precision the fourth-order central difference with ε = 1e-3 has a truncation
// error of order ε⁴·|f⁽⁵⁾| ≈ 1e-12 and a rounding error of order 1e-16·|loss| / ε ≈ 1e-12 for a loss of about 10;
// against the floor of 1e-5 on |analytic| + |numeric| that is at most about 1e-7. The network is smooth in every
// parameter once the dropout masks are fixed (tanh, sigmoid, log-sum-exp; embeddings and dropout are linear), so
// a correct gradient stays well inside 1e-6 (the worst here is about 5e-8), while a missing or misrouted one is
// off by a relative error near 1.
constexpr double kTolerance = 1e-6;

// A character language model of two layers over the sentences' characters but 好 (which it reads as <unk>).
std::unique_ptr<LanguageModel> tiny_language_model(nn::Rng& rng) {
  LmConfig config;
  config.layers = 2;
  config.hidden = 3;
  config.char_dim = 2;
  config.classes = 1;
  std::vector<std::string> keys = {kLineEndKey};
  for (const Tagged& sentence : kSentences)
    for (const std::string& token : sentence.tokens)
      if (token != "好" && std::find(keys.begin(), keys.end(), token) == keys.end()) keys.push_back(token);
  auto lm = std::make_unique<LanguageModel>(config, data::Vocab::from_keys(keys, /*with_specials=*/true), std::vector<nn::Index>{0});
  lm->init(rng);
  nn::test::randomize(lm->params(), rng);
  return lm;
}

enum class LmFeatures { kNone, kFixed, kFinetuned };
struct GradientCase {
  int threads;
  LmFeatures lm;
};

class ModelGradient : public ::testing::TestWithParam<GradientCase> {};

TEST_P(ModelGradient, EveryParameterMatchesFiniteDifferences) {
  const int threads = GetParam().threads;
  ModelConfig config = tiny_config();
  nn::Rng lm_rng(5);
  std::unique_ptr<LanguageModel> lm;
  if (GetParam().lm != LmFeatures::kNone) {
    lm = tiny_language_model(lm_rng);
    config.lm_features = lm->config().hidden;
    config.lm_finetune = GetParam().lm == LmFeatures::kFinetuned;
  }
  Model model(config, tiny_vocabularies(), std::move(lm));
  model.set_threads(threads);
  nn::Rng rng(7);
  model.init(rng);
  nn::test::randomize(model.params(), rng);  // off the initial zero biases and forget bias of 1

  std::vector<EncodedSentence> encoded;
  for (const Tagged& sentence : kSentences) {
    encoded.push_back(model.encode(sentence.tokens));
    encoded.back().tags = model.encode_tags(sentence.tags, "a test sentence");
  }
  std::vector<const EncodedSentence*> pointers;
  for (const EncodedSentence& sentence : encoded) pointers.push_back(&sentence);
  const Batch batch(pointers);
  ASSERT_FALSE(batch.left_bigrams.empty());
  ASSERT_GT(batch.lexicon.groups, 0);
  ASSERT_EQ(batch.lm_chars.empty(), GetParam().lm == LmFeatures::kNone);

  const nn::ParamList params = model.params();
  nn::zero_grads(params);  // allocates them: train_step adds into them

  // The loss with the dropout masks of seed `masks`: each forward draws them from a fresh Rng in the same state.
  constexpr std::uint64_t kMasks = 11;
  auto loss_with_masks = [&](std::uint64_t masks) {
    nn::Rng same(masks);
    return model.train_step(batch, same);
  };
  ASSERT_NE(loss_with_masks(kMasks), loss_with_masks(kMasks + 1)) << "dropout must be on";

  // The analytic gradients, kept aside: each finite-difference forward runs train_step again, which adds into them.
  nn::zero_grads(params);
  loss_with_masks(kMasks);
  std::vector<nn::Matrix> gradients;
  for (const nn::Param* param : params) gradients.push_back(param->grad);
  std::vector<nn::Checked> checked;
  for (std::size_t k = 0; k < params.size(); ++k) {
    checked.push_back({params[k]->name, &params[k]->value, &gradients[k]});
    EXPECT_GT(gradients[k].norm(), 0) << params[k]->name << " has no gradient";
  }

  double worst = 0;
  const std::vector<nn::GradMismatch> mismatches =
      nn::check_gradients([&] { return loss_with_masks(kMasks); }, checked, kTolerance, &worst);
  EXPECT_TRUE(mismatches.empty()) << nn::test::describe(mismatches);
  std::cout << "worst relative error: " << worst << "\n";
}

// The auxiliary objective's pairs: sentences of 3 characters (10 11 12) and of 1 (20), padded time-major.
TEST(LanguageModelPairs, ForwardStatesPredictTheNextCharacterBackwardOnesThePrevious) {
  const nn::SequenceBatch shape({3, 1});
  const std::vector<int> chars = {10, 20, 11, 0, 12, 0};
  std::vector<nn::Index> columns;
  std::vector<int> targets;
  language_model_pairs(shape, chars, +1, columns, targets);
  EXPECT_EQ(columns, (std::vector<nn::Index>{0, 2}));
  EXPECT_EQ(targets, (std::vector<int>{11, 12}));
  language_model_pairs(shape, chars, -1, columns, targets);
  EXPECT_EQ(columns, (std::vector<nn::Index>{2, 4}));
  EXPECT_EQ(targets, (std::vector<int>{10, 11}));
}

std::string case_name(const ::testing::TestParamInfo<GradientCase>& info) {
  const char* lm[] = {"", "FixedLmStates", "FinetunedLmStates"};
  return std::to_string(info.param.threads) + "Threads" + lm[static_cast<int>(info.param.lm)];
}

INSTANTIATE_TEST_SUITE_P(Cases, ModelGradient,
                         ::testing::Values(GradientCase{1, LmFeatures::kNone}, GradientCase{2, LmFeatures::kNone},
                                           GradientCase{1, LmFeatures::kFixed}, GradientCase{1, LmFeatures::kFinetuned},
                                           GradientCase{2, LmFeatures::kFinetuned}),
                         case_name);

}  // namespace
}  // namespace ner
