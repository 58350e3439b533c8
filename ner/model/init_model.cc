#include "ner/model/init_model.h"

#include <cassert>
#include <set>
#include <unordered_map>

#include "data/tag_scheme.h"

namespace ner {
namespace {

// `base` with the keys of `more` it lacks added after its own, in `more`'s order.
data::Vocab extended(const data::Vocab& base, const data::Vocab& more) {
  data::Vocab vocab = base;
  for (const std::string& key : more.keys())
    if (!vocab.contains(key)) vocab.add(key);
  return vocab;
}

// The entity types of a tag vocabulary ("B-PER" → PER).
std::set<std::string> types_of(const data::Vocab& tags) {
  std::set<std::string> types;
  for (const std::string& tag : tags.keys())
    if (tag != "O") types.insert(tag.substr(2));
  return types;
}

// For each index of `to`, the index of the same key in `from`, or -1.
std::vector<int> index_map(const data::Vocab& from, const data::Vocab& to) {
  std::vector<int> map(to.size(), -1);
  for (std::size_t k = 0; k < to.size(); ++k)
    if (from.contains(to.key(static_cast<int>(k)))) map[k] = from.id(to.key(static_cast<int>(k)));
  return map;
}

}  // namespace

std::unique_ptr<Model> model_from_trained(Model& trained, const Vocabularies& counted, const std::vector<std::string>& types,
                                          nn::Rng& rng) {
  const ModelConfig& config = trained.config();
  const Vocabularies& known = trained.vocabularies();
  Vocabularies vocab;
  vocab.chars = extended(known.chars, counted.chars);
  if (config.bigram_dim > 0) vocab.bigrams = extended(known.bigrams, counted.bigrams);
  if (config.lexicon_dim > 0) {
    vocab.lexicon = known.lexicon;
    vocab.words = extended(known.words, counted.words);
  }
  std::set<std::string> all_types = types_of(known.tags);
  all_types.insert(types.begin(), types.end());
  vocab.tags = data::Vocab::from_keys(data::tag_set({all_types.begin(), all_types.end()}, config.scheme), /*with_specials=*/false);

  // Which old column (embeddings) or row (output layer, CRF) each new one copies.
  const std::vector<int> tag_map = index_map(known.tags, vocab.tags);
  const std::unordered_map<std::string, std::vector<int>> column_maps = {
      {"embedding", index_map(known.chars, vocab.chars)},
      {"bigram_embedding", config.bigram_dim > 0 ? index_map(known.bigrams, vocab.bigrams) : std::vector<int>{}},
      {"word_embedding", config.lexicon_dim > 0 ? index_map(known.words, vocab.words) : std::vector<int>{}}};
  const std::set<std::string> tag_rows = {"output.weight", "output.bias", "crf.trans", "crf.start", "crf.end"};

  LanguageModel* lm = trained.language_model();
  auto model = std::make_unique<Model>(config, std::move(vocab), lm ? lm->clone() : nullptr);
  model->init(rng);
  nn::ParamList to = model->params(), from = trained.params();  // the same configuration: the same order
  for (std::size_t p = 0; p < to.size(); ++p) {
    nn::Matrix& value = to[p]->value;
    const nn::Matrix& old = from[p]->values();
    assert(to[p]->name == from[p]->name);
    if (auto columns = column_maps.find(to[p]->name); columns != column_maps.end()) {
      for (std::size_t c = 0; c < columns->second.size(); ++c)
        if (columns->second[c] >= 0) value.col(static_cast<nn::Index>(c)) = old.col(columns->second[c]);
    } else if (tag_rows.count(to[p]->name) > 0) {
      const bool square = to[p]->name == "crf.trans";  // trans(i, j): from tag i to tag j
      for (std::size_t i = 0; i < tag_map.size(); ++i) {
        if (tag_map[i] < 0) continue;
        if (!square) {
          value.row(static_cast<nn::Index>(i)) = old.row(tag_map[i]);
          continue;
        }
        for (std::size_t j = 0; j < tag_map.size(); ++j)
          if (tag_map[j] >= 0) value(static_cast<nn::Index>(i), static_cast<nn::Index>(j)) = old(tag_map[i], tag_map[j]);
      }
    } else {
      value = old;  // the recurrent layers: the same shape
    }
  }
  return model;
}

}  // namespace ner
