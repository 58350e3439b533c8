// Starting from a trained model (ner train --init): its weights kept for every key and tag it knows, the new ones
// added with fresh weights, and the model's own entity types kept beside the new ones.
#include "ner/model/init_model.h"

#include <gtest/gtest.h>

#include <map>

#include "data/tag_scheme.h"

namespace ner {
namespace {

// A trained model's stand-in: characters 北 京 大, the bigrams they form, the words 北京 and 大学 (ns, nt), types LOC
// and PER, random weights.
std::unique_ptr<Model> trained_model() {
  ModelConfig config;
  config.hidden = 3;
  config.char_dim = 2;
  config.bigram_dim = 2;
  config.lexicon_dim = 2;
  config.lexicon_pos = true;
  Vocabularies vocab;
  vocab.chars = data::Vocab::from_keys({"北", "京", "大"}, true);
  vocab.bigrams = data::Vocab::from_keys({"<s>北", "北京", "京大", "大</s>"}, true);
  vocab.lexicon.add({"北", "京"}, 500, "ns");
  vocab.lexicon.add({"大", "学"}, 200, "nt");
  vocab.words = data::Vocab::from_keys({"北京", kNoWord, part_of_speech_key("ns")}, true);
  vocab.tags = data::Vocab::from_keys(data::tag_set({"LOC", "PER"}, config.scheme), false);
  auto model = std::make_unique<Model>(config, std::move(vocab));
  nn::Rng rng(1);
  model->init(rng);
  return model;
}

std::map<std::string, const nn::Param*> by_name(const nn::ParamList& params) {
  std::map<std::string, const nn::Param*> map;
  for (const nn::Param* p : params) map[p->name] = p;
  return map;
}

TEST(InitModel, KeepsWhatTheTrainedModelKnowsAndAddsTheRestFresh) {
  std::unique_ptr<Model> trained = trained_model();
  // The new training text: 大学 (a known and a new character, a new bigram, the word 大学 with nt) and the type ORG.
  Vocabularies counted;
  counted.lexicon = trained->vocabularies().lexicon;
  for (const char* key : {"大", "学"}) counted.chars.count(key);
  for (const char* key : {"<s>大", "大学", "学</s>"}) counted.bigrams.count(key);
  for (const std::string& key : {std::string("大学"), part_of_speech_key("nt")}) counted.words.count(key);
  counted.freeze(trained->config(), TrainConfig{});
  nn::Rng rng(7);
  std::unique_ptr<Model> model = model_from_trained(*trained, counted, {"ORG", "LOC"}, rng);

  const Vocabularies& known = trained->vocabularies();
  const Vocabularies& vocab = model->vocabularies();
  EXPECT_EQ(vocab.chars.keys(), (std::vector<std::string>{"<pad>", "<unk>", "北", "京", "大", "学"}));
  EXPECT_EQ(vocab.bigrams.size(), known.bigrams.size() + 3);
  EXPECT_TRUE(vocab.words.contains("大学") && vocab.words.contains(part_of_speech_key("nt")) && vocab.words.contains(kNoWord));
  EXPECT_EQ(vocab.words.size(), known.words.size() + 2);
  EXPECT_EQ(vocab.tags.keys(), data::tag_set({"LOC", "ORG", "PER"}, model->config().scheme)) << "the trained types stay";
  EXPECT_EQ(vocab.lexicon.size(), known.lexicon.size());

  const auto old_params = by_name(trained->params()), new_params = by_name(model->params());
  ASSERT_EQ(old_params.size(), new_params.size());
  // Embedding columns: a known key's copied, a new key's fresh (not a copy of any old column).
  const std::vector<std::tuple<const char*, const data::Vocab*, const data::Vocab*>> tables = {
      {"embedding", &known.chars, &vocab.chars}, {"bigram_embedding", &known.bigrams, &vocab.bigrams},
      {"word_embedding", &known.words, &vocab.words}};
  for (const auto& [name, from, to] : tables) {
    const nn::Matrix& old_table = old_params.at(name)->value;
    const nn::Matrix& new_table = new_params.at(name)->value;
    for (int id = 0; id < static_cast<int>(to->size()); ++id) {
      const std::string& key = to->key(id);
      if (from->contains(key)) {
        EXPECT_EQ(new_table.col(id), old_table.col(from->id(key))) << name << " " << key;
      } else {
        for (int old = 0; old < static_cast<int>(from->size()); ++old)
          EXPECT_NE(new_table.col(id), old_table.col(old)) << name << " " << key << " is fresh";
      }
    }
  }
  // Output rows and CRF scores by tag; a new tag's are fresh.
  for (const char* name : {"output.weight", "output.bias", "crf.start", "crf.end"}) {
    for (int tag = 0; tag < static_cast<int>(vocab.tags.size()); ++tag) {
      const std::string& key = vocab.tags.key(tag);
      if (known.tags.contains(key)) {
        EXPECT_EQ(new_params.at(name)->value.row(tag), old_params.at(name)->value.row(known.tags.id(key))) << name << " " << key;
      }
    }
  }
  const nn::Matrix& old_trans = old_params.at("crf.trans")->value;
  const nn::Matrix& new_trans = new_params.at("crf.trans")->value;
  const int b_org = vocab.tags.id("B-ORG");
  for (int i = 0; i < static_cast<int>(vocab.tags.size()); ++i)
    for (int j = 0; j < static_cast<int>(vocab.tags.size()); ++j) {
      const std::string &from = vocab.tags.key(i), &to = vocab.tags.key(j);
      if (known.tags.contains(from) && known.tags.contains(to)) {
        EXPECT_EQ(new_trans(i, j), old_trans(known.tags.id(from), known.tags.id(to))) << from << " -> " << to;
      }
    }
  EXPECT_NE(new_trans(b_org, vocab.tags.id("O")), 0) << "a new tag's transitions start as a new model's (random)";
  // The recurrent layers whole.
  for (const auto& [name, param] : new_params) {
    if (name.rfind("rnn.", 0) == 0) {
      EXPECT_EQ(param->value, old_params.at(name)->value) << name;
    }
  }
}

}  // namespace
}  // namespace ner
