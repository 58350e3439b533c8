// The input features as one unit: the keys a sentence gives each feature are the ones its vocabulary counted, the
// vocabularies save and load themselves, and the network's input is as wide as the features' rows.
#include "ner/model/features.h"

#include <gtest/gtest.h>

#include <sstream>

#include "ner/model/model.h"

namespace ner {
namespace {

const std::vector<std::string> kText = {"北", "京", "大", "学"};

ModelConfig every_feature() {
  ModelConfig config;
  config.hidden = 3;
  config.char_dim = 2;
  config.bigram_dim = 3;
  config.lexicon_dim = 2;
  config.lexicon_pos = true;
  return config;
}

// Vocabularies counted from kText alone.
Vocabularies counted(const ModelConfig& config) {
  Vocabularies vocab;
  vocab.tags = data::Vocab::from_keys(data::tag_set({"ORG"}, config.scheme), false);
  vocab.lexicon.add({"北", "京"}, 500, "ns");
  vocab.lexicon.add({"大", "学"}, 200);
  vocab.count(sentence_keys(kText, config, vocab, /*simplify_traditional=*/false), config);
  vocab.freeze(config, TrainConfig{});
  return vocab;
}

TEST(Features, ASentenceGivesEachFeatureItsKeys) {
  const ModelConfig config = every_feature();
  const Vocabularies vocab = counted(config);
  const SentenceKeys keys = sentence_keys(kText, config, vocab, false);
  EXPECT_EQ(keys.chars, kText);
  EXPECT_EQ(keys.left_bigrams, (std::vector<std::string>{"<s>北", "北京", "京大", "大学"}));
  EXPECT_EQ(keys.right_bigrams, (std::vector<std::string>{"北京", "京大", "大学", "学</s>"}));
  ASSERT_EQ(keys.words.size(), 2u);
  ModelConfig characters_only = config;
  characters_only.bigram_dim = characters_only.lexicon_dim = 0;
  characters_only.lexicon_pos = false;
  const SentenceKeys plain = sentence_keys(kText, characters_only, vocab, false);
  EXPECT_TRUE(plain.left_bigrams.empty() && plain.right_bigrams.empty() && plain.words.empty());
}

// Whatever the training text gives a feature is in its vocabulary: encoding that text finds no <unk>.
TEST(Features, EncodingTheCountedTextFindsEveryKey) {
  const ModelConfig config = every_feature();
  const Model model(config, counted(config));
  const EncodedSentence e = model.encode(kText);
  for (const std::vector<int>* ids : {&e.chars, &e.left_bigrams, &e.right_bigrams, &e.lexicon.ids}) {
    ASSERT_FALSE(ids->empty());
    for (int id : *ids) EXPECT_NE(id, data::Vocab::kUnk);
  }
  const data::Vocab& words = model.vocabularies().words;
  EXPECT_TRUE(words.contains("北京") && words.contains("大学") && words.contains(part_of_speech_key("ns")));
  EXPECT_FALSE(words.contains(part_of_speech_key(""))) << "a word without a part of speech brings none";
}

TEST(Features, VocabulariesSaveAndLoadTheFeaturesOfTheConfiguration) {
  const ModelConfig config = every_feature();
  const Vocabularies vocab = counted(config);
  std::stringstream all;
  vocab.save(all, config);
  const Vocabularies loaded = Vocabularies::load(all, config, "test");
  EXPECT_EQ(loaded.chars.keys(), vocab.chars.keys());
  EXPECT_EQ(loaded.tags.keys(), vocab.tags.keys());
  EXPECT_EQ(loaded.bigrams.keys(), vocab.bigrams.keys());
  EXPECT_EQ(loaded.words.keys(), vocab.words.keys());
  EXPECT_EQ(loaded.lexicon.size(), vocab.lexicon.size());
  EXPECT_EQ(all.peek(), std::char_traits<char>::eof()) << "load reads all that save wrote";
  // Without bigram and lexicon features, only characters and tags.
  ModelConfig characters_only = config;
  characters_only.bigram_dim = characters_only.lexicon_dim = 0;
  characters_only.lexicon_pos = false;
  std::stringstream some;
  vocab.save(some, characters_only);
  const Vocabularies fewer = Vocabularies::load(some, characters_only, "test");
  EXPECT_EQ(fewer.chars.keys(), vocab.chars.keys());
  EXPECT_EQ(fewer.bigrams.size(), data::Vocab().size());
  EXPECT_EQ(some.peek(), std::char_traits<char>::eof());
}

// The first recurrent layer reads exactly the rows the features fill.
TEST(Features, TheInputIsAsWideAsTheFeaturesRows) {
  const ModelConfig config = every_feature();
  EXPECT_EQ(input_width(config), 2 + 2 * 3 + kLexiconGroups * 2);
  Model model(config, counted(config));
  int first_layers = 0;
  for (nn::Param* param : model.params())
    if (param->name == "rnn.0.fwd.Wx" || param->name == "rnn.0.bwd.Wx") {
      EXPECT_EQ(param->value.cols(), input_width(config)) << param->name;
      ++first_layers;
    }
  EXPECT_EQ(first_layers, 2);
}

}  // namespace
}  // namespace ner
