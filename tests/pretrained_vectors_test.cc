// Pretrained vectors (--char-vectors, --bigram-vectors) are where the embedding tables start: after training with
// a learning rate too small to move a float, each key's column in the saved model is its vector, value for value,
// for keys of the training text and for keys only the vectors file has.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "ner/model_io.h"
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
                               dir + "chars.vec --bigram-vectors " + dir + "bigrams.vec");
  ASSERT_EQ(trained.status, 0) << trained.err;

  LoadedModel loaded = load_model(dir + "v.model");
  expect_columns(loaded.model->char_table(), loaded.model->chars(), chars);
  expect_columns(loaded.model->bigram_table(), loaded.model->vocabularies().bigrams, bigrams);
  std::system(("rm -rf " + dir).c_str());
}

}  // namespace
}  // namespace ner
