// The lexicon features a model gives each character: the dictionary words around it in four groups, and with
// lexicon_pos their parts of speech beside them; and both survive the model file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>

#include "ner/model/model.h"
#include "ner/model/model_io.h"
#include "tests/test_support.h"

namespace ner {
namespace {

std::unique_ptr<Model> lexicon_model(bool parts_of_speech) {
  ModelConfig config;
  config.hidden = 3;
  config.char_dim = 2;
  config.lexicon_dim = 2;
  config.lexicon_pos = parts_of_speech;
  Vocabularies vocab;
  vocab.chars = data::Vocab::from_keys({"北", "京", "大", "学"}, true);
  vocab.tags = data::Vocab::from_keys(data::tag_set({"LOC", "ORG"}, config.scheme), false);
  vocab.lexicon.add({"北", "京"}, 500, "ns");
  vocab.lexicon.add({"北", "京", "大", "学"}, 100, "nt");
  vocab.lexicon.add({"大", "学"}, 200);  // no part of speech given
  std::vector<std::string> words = {"北京", "北京大学", "大学", kNoWord};
  if (parts_of_speech) words.insert(words.end(), {part_of_speech_key("ns"), part_of_speech_key("nt")});
  vocab.words = data::Vocab::from_keys(words, true);
  auto model = std::make_unique<Model>(config, std::move(vocab));
  nn::Rng rng(1);
  model->init(rng);
  return model;
}

// The members of character `position`'s group `group` as word key -> weight.
std::map<std::string, double> bag(const Model& model, const EncodedSentence& e, std::size_t position, int group) {
  std::map<std::string, double> members;
  const std::size_t k = position * kLexiconGroups + static_cast<std::size_t>(group);
  for (int i = e.lexicon.offsets[k]; i < e.lexicon.offsets[k + 1]; ++i)
    members[model.vocabularies().words.key(e.lexicon.ids[static_cast<std::size_t>(i)])] = e.lexicon.weights[static_cast<std::size_t>(i)];
  return members;
}

void expect_bag(const std::map<std::string, double>& actual, const std::map<std::string, double>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [key, weight] : actual) {
    ASSERT_EQ(expected.count(key), 1u) << key;
    EXPECT_NEAR(weight, expected.at(key), 1e-6) << key;
  }
}

TEST(LexiconFeatures, PartsOfSpeechJoinTheirWordsGroupsWithTheSameWeight) {
  const std::vector<std::string> text = {"北", "京", "大", "学"};
  auto plain = lexicon_model(false);
  auto tagged = lexicon_model(true);
  // 北 begins 北京 (z = 1 + ln 501) and 北京大学 (z = 1 + ln 101); it is in no other word.
  const double z_bj = 1 + std::log1p(500.0), z_bjdx = 1 + std::log1p(100.0);
  EncodedSentence e = plain->encode(text);
  expect_bag(bag(*plain, e, 0, 0), {{"北京", 4 * z_bj / (z_bj + z_bjdx)}, {"北京大学", 4 * z_bjdx / (z_bj + z_bjdx)}});
  expect_bag(bag(*plain, e, 0, 1), {{kNoWord, 1.0}});
  // With parts of speech each word's weight is shared with its part of speech's entry.
  e = tagged->encode(text);
  const double total = 2 * (z_bj + z_bjdx);
  expect_bag(bag(*tagged, e, 0, 0), {{"北京", 4 * z_bj / total}, {"<pos:ns>", 4 * z_bj / total},
                                     {"北京大学", 4 * z_bjdx / total}, {"<pos:nt>", 4 * z_bjdx / total}});
  // 学 ends 大学 (no part of speech) and 北京大学 (nt).
  EXPECT_EQ(bag(*tagged, e, 3, 2).size(), 3u);
  EXPECT_EQ(bag(*tagged, e, 3, 2).count("<pos:nt>"), 1u);

  // The model file keeps the parts of speech only when the model uses them.
  const std::string path = test_support::temp_path("pos.model");
  for (Model* model : {plain.get(), tagged.get()}) {
    save_model(*model, {}, path);
    LoadedModel loaded = load_model(path);
    EXPECT_EQ(loaded.model->config().lexicon_pos, model->config().lexicon_pos);
    EXPECT_EQ(loaded.model->vocabularies().lexicon.parts_of_speech().size(), model->config().lexicon_pos ? 3u : 1u);
    EncodedSentence before = model->encode(text), after = loaded.model->encode(text);
    EXPECT_EQ(after.lexicon.ids, before.lexicon.ids);
    EXPECT_EQ(after.lexicon.weights, before.lexicon.weights);
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ner
