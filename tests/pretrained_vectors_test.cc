// Pretrained vectors (--char-vectors, --bigram-vectors, --word-vectors) are where the embedding tables start: after
// training with a learning rate too small to move a float, each key's column in the saved model is its vector, value
// for value, for keys of the training text and for the keys only the vectors file has among its first
// --pretrained-keys (of the dictionary's words, for word vectors).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ner/model/model_io.h"
#include "tests/test_support.h"

namespace ner {
namespace {

using test_support::run_ner;
using test_support::write_file;

using KeyedVectors = std::map<std::string, std::vector<float>>;

// word2vec's text format with its `count dim` header.
std::string vectors_file(const KeyedVectors& vectors) {
  std::string text = std::to_string(vectors.size()) + " " + std::to_string(vectors.begin()->second.size()) + "\n";
  for (const auto& [key, values] : vectors) {
    text += key;
    for (float value : values) text += " " + std::to_string(value);
    text += "\n";
  }
  return text;
}

// Every key's column of `table` is its vector.
void expect_columns(const nn::Param& table, const data::Vocab& vocab, const KeyedVectors& vectors) {
  for (const auto& [key, values] : vectors) {
    ASSERT_TRUE(vocab.contains(key)) << key;
    for (std::size_t row = 0; row < values.size(); ++row)
      EXPECT_EQ(table.value(static_cast<nn::Index>(row), vocab.id(key)), values[row]) << key << " row " << row;
  }
}

TEST(PretrainedVectors, ReachTheEmbeddingTables) {
  // 张 and the bigrams <s>张 and 张伟 are in the sample; 鑫 and 鑫鑫 are not. Values a float holds exactly, a different
  // one in every entry, none near zero (where even a tiny step would show).
  const KeyedVectors chars = {{"张", {0.5f, -0.25f, 0.75f, -1.5f}}, {"鑫", {1.25f, -0.625f, 2.5f, -0.875f}}};
  const KeyedVectors bigrams = {{"<s>张", {0.375f, -2.25f, 1.75f}},
                                {"张伟", {-0.125f, 0.625f, -1.125f}},
                                {"鑫鑫", {3.5f, -0.5f, 0.875f}}};
  const std::string dir = test_support::temp_path("dir") + "/";
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  write_file(dir + "chars.vec", vectors_file(chars));
  write_file(dir + "bigrams.vec", vectors_file(bigrams));
  const std::string sample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
  // Adam moves a weight by at most a few times the learning rate a step: 1e-12 is far below half a float's spacing
  // near these values (about 3e-8 at 0.5).
  const auto trained = run_ner("train --train " + sample + " --dev " + sample + " --model " + dir + "v.model" +
                               " --epochs 1 --lr 1e-12 --char-dim 4 --bigram-dim 3 --hidden 4 --seed 1 --char-vectors " +
                               dir + "chars.vec --bigram-vectors " + dir + "bigrams.vec --pretrained-keys 10");
  ASSERT_EQ(trained.status, 0) << trained.err;

  LoadedModel loaded = load_model(dir + "v.model");
  expect_columns(loaded.model->char_table(), loaded.model->chars(), chars);
  expect_columns(loaded.model->bigram_table(), loaded.model->vocabularies().bigrams, bigrams);
  std::system(("rm -rf " + dir).c_str());
}

TEST(PretrainedVectors, OnlyTheFirstKeysJoinAndWordVectorsOnlyForDictionaryWords) {
  const std::string dir = test_support::temp_path("dir") + "/";
  ASSERT_EQ(std::system(("mkdir -p " + dir).c_str()), 0);
  // 北京 and 网球 are in the sample; 长城 and 鑫鑫 are not; 火星 is not in the dictionary.
  write_file(dir + "dict.txt", "北京 100 ns\n网球 50 n\n长城 20 ns\n鑫鑫 10 nr\n");
  // With --pretrained-keys 3, of the file's first three vectors (fastText's order: the most frequent first) 长城
  // joins, and 火星 does not, being no dictionary word; 鑫鑫, the fourth, does not join.
  const std::string words = "5 2\n北京 0.5 -0.25\n火星 1.5 2.5\n长城 -0.75 1.25\n鑫鑫 2.25 -1.75\n网球 0.375 -0.625\n";
  write_file(dir + "words.vec", words);
  write_file(dir + "chars.vec", "2 2\n鑫 0.5 1.5\n张 -0.5 0.25\n");
  const std::string sample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
  const auto trained = run_ner("train --train " + sample + " --dev " + sample + " --model " + dir + "w.model" +
                               " --epochs 1 --lr 1e-12 --char-dim 2 --bigram-dim 2 --lexicon-dim 2 --hidden 4 --seed 1 "
                               "--feature-min-count 1 --lexicon " + dir + "dict.txt --word-vectors " + dir + "words.vec " +
                               "--char-vectors " + dir + "chars.vec --pretrained-keys 3");
  ASSERT_EQ(trained.status, 0) << trained.err;
  EXPECT_NE(trained.err.find(dir + "words.vec: 2 of the training text's words have vectors; 1 more join the "
                                   "vocabulary (from the file's first 3 vectors, --pretrained-keys)"),
            std::string::npos)
      << trained.err;
  LoadedModel loaded = load_model(dir + "w.model");
  const data::Vocab& vocab = loaded.model->vocabularies().words;
  expect_columns(loaded.model->word_table(), vocab,
                 {{"北京", {0.5f, -0.25f}}, {"网球", {0.375f, -0.625f}}, {"长城", {-0.75f, 1.25f}}});
  EXPECT_FALSE(vocab.contains("火星"));
  EXPECT_FALSE(vocab.contains("鑫鑫"));
  expect_columns(loaded.model->char_table(), loaded.model->chars(), {{"鑫", {0.5f, 1.5f}}, {"张", {-0.5f, 0.25f}}});
  std::system(("rm -rf " + dir).c_str());
}

// scripts/vectors.sh trains the three vectors files on raw text (here the sample's, every key kept) in the shape
// ner train's default sizes expect, and training takes them.
TEST(PretrainedVectors, TheScriptTrainsVectorsThatTrainingTakes) {
  if (std::system("command -v fasttext >/dev/null") != 0) GTEST_SKIP() << "fasttext is not installed (scripts/setup.sh installs it)";
  const std::string dir = test_support::temp_path("dir") + "/";
  const std::string source = std::string(NER_SOURCE_DIR);
  const std::string script = "MIN_COUNT=1 EPOCHS=1 bash " + source + "/scripts/vectors.sh " + source + "/examples/sample.txt " +
                             dir + " >" + dir + "log 2>&1";
  ASSERT_EQ(std::system(("mkdir -p " + dir + " && " + script).c_str()), 0) << test_support::slurp(dir + "log");
  const auto header = [&](const std::string& name) { return test_support::lines_of(test_support::slurp(dir + name)).at(0); };
  EXPECT_EQ(header("chars.vec").substr(header("chars.vec").find(' ')), " 100");
  EXPECT_EQ(header("bigrams.vec").substr(header("bigrams.vec").find(' ')), " 50");
  EXPECT_EQ(header("words.vec").substr(header("words.vec").find(' ')), " 50");
  const std::string sample = source + "/examples/sample.bio";
  const auto trained = run_ner("train --train " + sample + " --dev " + sample + " --model " + dir + "m.model --epochs 1 " +
                               "--lr 1e-12 --feature-min-count 1 --char-vectors " + dir + "chars.vec --bigram-vectors " + dir +
                               "bigrams.vec --word-vectors " + dir + "words.vec");
  ASSERT_EQ(trained.status, 0) << trained.err;
  // The raw text is the sample's: each of its characters and bigrams (with ner's sentence marks) has a vector, and
  // so has each dictionary word of the training text that jieba's segmentation also gives, 上海 among them.
  LoadedModel loaded = load_model(dir + "m.model");
  const Vocabularies& vocab = loaded.model->vocabularies();
  for (const auto& [file, what, keys] : {std::tuple{"chars.vec", "characters", vocab.chars.size()},
                                         std::tuple{"bigrams.vec", "bigrams", vocab.bigrams.size()}})
    EXPECT_NE(trained.err.find(dir + file + ": " + std::to_string(keys - 2) + " of the training text's " + what + " have vectors"),
              std::string::npos) << trained.err;
  EXPECT_NE(trained.err.find(dir + "words.vec: "), std::string::npos) << trained.err;
  const std::string words = test_support::slurp(dir + "words.vec");
  ASSERT_NE(words.find("\n上海 "), std::string::npos);
  ASSERT_TRUE(vocab.words.contains("上海"));
  const float first = std::stof(words.substr(words.find("\n上海 ") + std::string("\n上海 ").size()));
  EXPECT_NEAR(loaded.model->word_table().value(0, vocab.words.id("上海")), first, 1e-9);  // Adam moves it by about --lr
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace ner
