// The tagger's input features in one place: characters, left and right character bigrams, lexicon word bags (with
// their parts of speech). For each feature: the keys a sentence's tokens give it (sentence_keys, used both to build
// the vocabularies and to encode), its vocabulary (counted, frozen, saved and loaded by Vocabularies), its ids
// (encode_keys) and its rows in the network's input (input_width).
//
// Adding a feature: its size in ModelConfig (0: off), its keys in SentenceKeys and sentence_keys, its vocabulary in
// Vocabularies (count, freeze, save, load, embedding_values), its ids in EncodedSentence and encode_keys, its rows in
// input_width, its flag in cli_train.cc, and its embedding layer in Model.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "data/lexicon.h"
#include "data/vocab.h"
#include "ner/model/config.h"
#include "nn/bag_embedding.h"

namespace ner {

inline const std::string kNoWord = "<none>";
// A part of speech's entry in the word vocabulary, e.g. "<pos:nr>" (with lexicon_pos).
inline std::string part_of_speech_key(const std::string& part_of_speech) { return "<pos:" + part_of_speech + ">"; }
inline constexpr int kLexiconGroups = 4;  // the words a character begins, is inside, ends, is alone

// Each feature's keys of one sentence; a feature that is off has none.
struct SentenceKeys {
  std::vector<std::string> chars;                 // normalized character keys
  std::vector<std::string> left_bigrams, right_bigrams;  // (c_{i−1} c_i) and (c_i c_{i+1}), "<s>" and "</s>" at the ends
  std::vector<data::Lexicon::Match> words;        // the dictionary words in the sentence
};

// Everything that maps text to ids.
struct Vocabularies {
  data::Vocab chars;
  data::Vocab tags{/*with_specials=*/false};
  data::Vocab bigrams;   // empty unless bigram features are on
  data::Lexicon lexicon;  // empty unless lexicon features are on
  data::Vocab words;     // lexicon words with embeddings (others are <unk>); "<none>" marks an empty group; with
                         // lexicon_pos, also the parts of speech (part_of_speech_key)

  // Counts one training sentence's keys (before freeze).
  void count(const SentenceKeys& keys, const ModelConfig& config);
  // Assigns the ids: keys seen fewer than the training configuration's minimum counts become <unk>.
  void freeze(const ModelConfig& config, const TrainConfig& train);
  // The vocabularies of the features `config` turns on, in the model file's order.
  void save(std::ostream& out, const ModelConfig& config) const;
  static Vocabularies load(std::istream& in, const ModelConfig& config, const std::string& origin);
  // The values of the embedding tables of `config`'s features.
  std::uint64_t embedding_values(const ModelConfig& config) const;
  // With lexicon_pos: the lexicon's part-of-speech index -> its word id (-1 for "none given"); else empty.
  std::vector<int> part_of_speech_ids(const ModelConfig& config) const;
};

// Bigram keys of a sentence's character keys: left (c_{i−1} c_i, "<s>" before the first) and right (c_i c_{i+1},
// "</s>" after the last).
std::vector<std::string> left_bigram_keys(const std::vector<std::string>& keys);
std::vector<std::string> right_bigram_keys(const std::vector<std::string>& keys);

// Every feature's keys of a tokenized sentence. With `simplify_traditional`, a character the vocabulary lacks is
// read as its simplified form (OpenCC t2s, one character to one) when the vocabulary has that (the bigrams and
// words then see the simplified form too); counting the training text passes false.
SentenceKeys sentence_keys(const std::vector<std::string>& tokens, const ModelConfig& config, const Vocabularies& vocab,
                           bool simplify_traditional);

// A sentence as ids; `tags` is empty when the gold tags are unknown.
struct EncodedSentence {
  std::vector<int> chars;
  std::vector<int> tags;
  std::vector<int> left_bigrams, right_bigrams;  // empty without bigram features
  std::vector<int> lm_chars;  // ids in the language model's vocabulary; empty without language-model features
  // Per character: 1 when it and the next one are one Latin word (data::joined_latin_words), so that decoding puts
  // no entity boundary between them; empty: none known (training).
  std::vector<char> joined;
  // Per character: the tag a dictionary entry gives it (Tagger with TagOptions::dictionary), −1 none; empty: none.
  std::vector<int> dictionary_tags;
  // Per character and group (bag t * kLexiconGroups + g), the matched words and their weights; no groups without
  // lexicon features. (One flat list: a vector per bag cost about 220 bytes a character.)
  nn::Bags lexicon;
};

// The ids of a sentence's keys (tags left empty); `part_of_speech_ids` as Vocabularies::part_of_speech_ids gives.
EncodedSentence encode_keys(const SentenceKeys& keys, const ModelConfig& config, const Vocabularies& vocab,
                            const std::vector<int>& part_of_speech_ids);

// The rows of the network's input column: [character; left bigram; right bigram; forward and backward language-model
// states; kLexiconGroups word bags].
inline std::int64_t input_width(const ModelConfig& config) {
  return std::int64_t{config.char_dim} + 2 * std::int64_t{config.bigram_dim} + 2 * std::int64_t{config.lm_features} +
         kLexiconGroups * std::int64_t{config.lexicon_dim};
}

}  // namespace ner
