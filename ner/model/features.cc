#include "ner/model/features.h"

#include <algorithm>
#include <cmath>

#include "data/error.h"
#include "data/normalize.h"
#include "data/traditional.h"
#include "nn/profile.h"

namespace ner {

void Vocabularies::count(const SentenceKeys& keys, const ModelConfig& config) {
  for (const std::string& key : keys.chars) chars.count(key);
  // Every bigram of the sentence once: the left ones, and the right one past the last character.
  for (const std::string& key : keys.left_bigrams) bigrams.count(key);
  if (!keys.right_bigrams.empty()) bigrams.count(keys.right_bigrams.back());
  // Each matched word, and with lexicon_pos its part of speech.
  for (const data::Lexicon::Match& m : keys.words) {
    words.count(lexicon.word(m.word));
    const std::size_t part_of_speech = lexicon.part_of_speech(m.word);
    if (config.lexicon_pos && part_of_speech > 0) words.count(part_of_speech_key(lexicon.parts_of_speech()[part_of_speech]));
  }
}

void Vocabularies::freeze(const ModelConfig& config, const TrainConfig& train) {
  chars.freeze(train.min_char_count);
  if (config.bigram_dim > 0) bigrams.freeze(train.min_feature_count);
  if (config.lexicon_dim > 0) {
    words.freeze(train.min_feature_count);
    words.add(kNoWord);
  }
}

void Vocabularies::save(std::ostream& out, const ModelConfig& config) const {
  chars.save(out);
  tags.save(out);
  if (config.bigram_dim > 0) bigrams.save(out);
  if (config.lexicon_dim > 0) {
    lexicon.save(out, config.lexicon_pos);
    words.save(out);
  }
}

Vocabularies Vocabularies::load(std::istream& in, const ModelConfig& config, const std::string& origin) {
  Vocabularies vocab;
  vocab.chars = data::Vocab::load(in, origin);
  vocab.tags = data::Vocab::load(in, origin);
  if (vocab.chars.size() < 2 || vocab.tags.size() < 1) throw data::Error(origin + ": damaged (empty vocabulary)");
  if (config.bigram_dim > 0) vocab.bigrams = data::Vocab::load(in, origin);
  if (config.lexicon_dim > 0) {
    vocab.lexicon = data::Lexicon::load(in, origin, config.lexicon_pos);
    vocab.words = data::Vocab::load(in, origin);
  }
  return vocab;
}

std::uint64_t Vocabularies::embedding_values(const ModelConfig& config) const {
  return chars.size() * static_cast<std::uint64_t>(config.char_dim) + bigrams.size() * static_cast<std::uint64_t>(config.bigram_dim) +
         words.size() * static_cast<std::uint64_t>(config.lexicon_dim);
}

std::vector<int> Vocabularies::part_of_speech_ids(const ModelConfig& config) const {
  std::vector<int> ids;
  if (!config.lexicon_pos) return ids;
  for (const std::string& part_of_speech : lexicon.parts_of_speech())
    ids.push_back(part_of_speech.empty() ? -1 : words.id(part_of_speech_key(part_of_speech)));
  return ids;
}

std::vector<std::string> left_bigram_keys(const std::vector<std::string>& keys) {
  std::vector<std::string> bigrams;
  for (std::size_t i = 0; i < keys.size(); ++i) bigrams.push_back((i == 0 ? std::string("<s>") : keys[i - 1]) + keys[i]);
  return bigrams;
}

std::vector<std::string> right_bigram_keys(const std::vector<std::string>& keys) {
  std::vector<std::string> bigrams;
  for (std::size_t i = 0; i < keys.size(); ++i) bigrams.push_back(keys[i] + (i + 1 == keys.size() ? std::string("</s>") : keys[i + 1]));
  return bigrams;
}

SentenceKeys sentence_keys(const std::vector<std::string>& tokens, const ModelConfig& config, const Vocabularies& vocab,
                           bool simplify_traditional) {
  SentenceKeys keys;
  keys.chars = data::normalize_keys(tokens, config.normalize);
  // Characters the vocabulary lacks, by their simplified form when it has that.
  if (simplify_traditional)
    for (std::string& key : keys.chars)
      if (!vocab.chars.contains(key)) {
        std::string simplified = data::simplified_character(key);
        if (vocab.chars.contains(simplified)) key = std::move(simplified);
      }
  if (config.bigram_dim > 0) {
    keys.left_bigrams = left_bigram_keys(keys.chars);
    keys.right_bigrams = right_bigram_keys(keys.chars);
  }
  if (config.lexicon_dim > 0) {
    nn::profile::Scope scope(nn::profile::Part::kLexicon);
    keys.words = vocab.lexicon.match(keys.chars);
  }
  return keys;
}

namespace {

// The lexicon bags of a sentence of `length` characters. Each matched word joins the groups of its characters (B:
// first, M: inside, E: last, S: a one-character word) with weight z = 1 + ln(1 + frequency), and with lexicon_pos its
// part of speech joins them too, with the same weight; each character's weights are then scaled by 4 / Σz over its
// groups. A bag without words holds the no-word entry with weight 1. Built in two passes over the matches: bag
// sizes and Σz, then the members.
nn::Bags lexicon_bags(const std::vector<data::Lexicon::Match>& matches, std::size_t length, const ModelConfig& config,
                      const Vocabularies& vocab, const std::vector<int>& part_of_speech_ids) {
  auto for_each_member = [&](auto&& visit) {  // visit(position, group, id, z)
    auto join_groups = [&](const data::Lexicon::Match& m, int id, double z) {
      if (m.end - m.begin == 1) {
        visit(m.begin, 3, id, z);
        return;
      }
      visit(m.begin, 0, id, z);
      for (std::size_t p = m.begin + 1; p + 1 < m.end; ++p) visit(p, 1, id, z);
      visit(m.end - 1, 2, id, z);
    };
    for (const data::Lexicon::Match& m : matches) {
      const double z = 1 + std::log1p(vocab.lexicon.frequency(m.word));
      join_groups(m, vocab.words.id(vocab.lexicon.word(m.word)), z);
      if (config.lexicon_pos && vocab.lexicon.part_of_speech(m.word) > 0)
        join_groups(m, part_of_speech_ids[vocab.lexicon.part_of_speech(m.word)], z);
    }
  };
  const std::size_t bags = length * kLexiconGroups;
  std::vector<int> sizes(bags, 0);
  std::vector<double> total(length, 0.0);
  for_each_member([&](std::size_t p, int g, int, double z) {
    ++sizes[p * kLexiconGroups + static_cast<std::size_t>(g)];
    total[p] += z;
  });
  nn::Bags lexicon;
  lexicon.groups = kLexiconGroups;
  lexicon.offsets.resize(bags + 1);
  for (std::size_t k = 0; k < bags; ++k) lexicon.offsets[k + 1] = lexicon.offsets[k] + std::max(sizes[k], 1);
  lexicon.ids.assign(static_cast<std::size_t>(lexicon.offsets.back()), vocab.words.id(kNoWord));
  lexicon.weights.assign(lexicon.ids.size(), nn::Real(1));
  std::vector<int> next(lexicon.offsets.begin(), lexicon.offsets.end() - 1);
  for_each_member([&](std::size_t p, int g, int id, double z) {
    const auto slot = static_cast<std::size_t>(next[p * kLexiconGroups + static_cast<std::size_t>(g)]++);
    lexicon.ids[slot] = id;
    lexicon.weights[slot] = static_cast<nn::Real>(kLexiconGroups * static_cast<nn::Real>(z) / total[p]);
  });
  return lexicon;
}

}  // namespace

EncodedSentence encode_keys(const SentenceKeys& keys, const ModelConfig& config, const Vocabularies& vocab,
                            const std::vector<int>& part_of_speech_ids) {
  EncodedSentence e;
  for (const std::string& key : keys.chars) e.chars.push_back(vocab.chars.id(key));
  for (const std::string& key : keys.left_bigrams) e.left_bigrams.push_back(vocab.bigrams.id(key));
  for (const std::string& key : keys.right_bigrams) e.right_bigrams.push_back(vocab.bigrams.id(key));
  if (config.lexicon_dim > 0) e.lexicon = lexicon_bags(keys.words, keys.chars.size(), config, vocab, part_of_speech_ids);
  return e;
}

}  // namespace ner
