// Decoding under a user dictionary (Model::predict with EncodedSentence::dictionary_tags): forced entries are on the
// best path and on every one of the n best, exactly (never extended by the tag after them), with confidence 1; in
// BIO and BIOES, with the scheme's constraints and without. Random weights, scaled up so that the network's own
// preferences are strong and the constraint, not the weights, has to put the entries there.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "data/tag_scheme.h"
#include "ner/model/model.h"
#include "tests/nn/nn_test_util.h"

namespace ner {
namespace {

const std::vector<std::string> kChars = {"北", "京", "大", "学", "张", "三", "在", "了"};

std::unique_ptr<Model> random_model(data::Scheme scheme, bool constrained) {
  ModelConfig config;
  config.hidden = 4;
  config.char_dim = 3;
  config.scheme = scheme;
  config.constrained = constrained;
  Vocabularies vocab;
  vocab.chars = data::Vocab::from_keys(kChars, true);
  vocab.tags = data::Vocab::from_keys(data::tag_set({"LOC", "ORG", "PER"}, scheme), false);
  auto model = std::make_unique<Model>(config, std::move(vocab));
  nn::Rng rng(7);
  model->init(rng);
  nn::test::randomize(model->params(), rng, 3.0);
  return model;
}

struct Case {
  data::Scheme scheme;
  bool constrained;
};

class DictionaryDecoding : public ::testing::TestWithParam<Case> {};

TEST_P(DictionaryDecoding, ForcedEntriesAreOnEveryPathExactly) {
  std::unique_ptr<Model> model = random_model(GetParam().scheme, GetParam().constrained);
  nn::Rng rng(11);
  const std::vector<std::string> types = {"LOC", "ORG", "PER"};
  std::size_t entries_checked = 0, extended_without_dictionary = 0;
  for (int trial = 0; trial < 60; ++trial) {
    // A sentence of 3 to 12 random characters with up to three random entries, apart or touching.
    const std::size_t n = 3 + rng.below(10);
    std::vector<std::string> tokens;
    for (std::size_t t = 0; t < n; ++t) tokens.push_back(kChars[rng.below(kChars.size())]);
    std::vector<data::Span> entries;
    for (std::size_t at = rng.below(3); at < n && entries.size() < 3;) {
      const std::size_t length = std::min<std::size_t>(1 + rng.below(3), n - at);
      entries.push_back({at, at + length, types[rng.below(types.size())]});
      at += length + rng.below(3);
    }
    EncodedSentence sentence = model->encode(tokens);
    EncodedSentence plain = sentence;
    const std::vector<std::string> tags = data::tags_from_spans(entries, n, GetParam().scheme);
    sentence.dictionary_tags.assign(n, -1);
    for (const data::Span& entry : entries)
      for (std::size_t t = entry.begin; t < entry.end; ++t) sentence.dictionary_tags[t] = model->tags().id(tags[t]);

    DecodeOptions options;
    options.confidence = true;
    options.nbest = 5;
    const Decoding decoded = model->predict(Batch({&sentence}), options).front();
    auto spans_of = [&](const std::vector<int>& ids) {
      std::vector<std::string> names;
      for (int id : ids) names.push_back(model->tags().key(id));
      return data::chunks(names);
    };
    auto check = [&](const std::vector<int>& path, const std::vector<double>& confidences, const std::string& which) {
      const std::vector<data::Span> spans = spans_of(path);
      for (const data::Span& entry : entries) {
        const auto found = std::find(spans.begin(), spans.end(), entry);
        ASSERT_NE(found, spans.end()) << which << ": entry " << entry.begin << "-" << entry.end << " " << entry.type;
        EXPECT_NEAR(confidences[static_cast<std::size_t>(found - spans.begin())], 1.0, 1e-6) << which;
        ++entries_checked;
      }
    };
    check(decoded.tags, decoded.confidences, "best path");
    ASSERT_FALSE(decoded.nbest.empty());
    for (const Decoding::Path& path : decoded.nbest) check(path.tags, path.confidences, "an n-best path");
    // What the weights alone say: entries' spans are often not there, so the constraint did the work.
    const Decoding free = model->predict(Batch({&plain}), options).front();
    const std::vector<data::Span> free_spans = spans_of(free.tags);
    for (const data::Span& entry : entries)
      if (std::find(free_spans.begin(), free_spans.end(), entry) == free_spans.end()) ++extended_without_dictionary;
  }
  EXPECT_GT(entries_checked, 300u);
  EXPECT_GT(extended_without_dictionary, 30u) << "the weights alone rarely give the entries";
}

// With prefer_dictionary the entries' tags only gain kDictionaryBonus: P_with(path) ∝ P_without(path) ·
// e^(bonus · k), k the dictionary tags the path takes, so log(P_with / P_without) − bonus · k is one constant
// (log Z_without − log Z_with) over every path (three characters: at most 13³ paths, all of them listed).
TEST_P(DictionaryDecoding, PreferredEntriesOnlyGainTheBonus) {
  std::unique_ptr<Model> model = random_model(GetParam().scheme, GetParam().constrained);
  const std::vector<std::string> tokens = {"北", "京", "大"};
  EncodedSentence sentence = model->encode(tokens);
  EncodedSentence plain = sentence;
  sentence.dictionary_tags.assign(tokens.size(), -1);
  const std::vector<std::string> tags = data::tags_from_spans({{0, 2, "ORG"}}, tokens.size(), GetParam().scheme);
  for (std::size_t t = 0; t < 2; ++t) sentence.dictionary_tags[t] = model->tags().id(tags[t]);
  DecodeOptions prefer;
  prefer.prefer_dictionary = true;
  prefer.nbest = 2500;
  const Decoding with = model->predict(Batch({&sentence}), prefer).front();
  const Decoding without = model->predict(Batch({&plain}), prefer).front();
  std::vector<double> offsets;
  std::size_t most_taken = 0;
  for (const Decoding::Path& path : with.nbest) {
    const auto same = std::find_if(without.nbest.begin(), without.nbest.end(),
                                   [&](const Decoding::Path& p) { return p.tags == path.tags; });
    if (same == without.nbest.end()) continue;
    std::size_t taken = 0;
    for (std::size_t t = 0; t < tokens.size(); ++t) taken += path.tags[t] == sentence.dictionary_tags[t];
    most_taken = std::max(most_taken, taken);
    offsets.push_back(std::log(path.probability / same->probability) - kDictionaryBonus * static_cast<double>(taken));
  }
  EXPECT_EQ(offsets.size(), with.nbest.size()) << "both list every path";
  EXPECT_EQ(most_taken, 2u) << "paths with and without the entries' tags are compared";
  for (double offset : offsets) EXPECT_NEAR(offset, offsets.front(), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Schemes, DictionaryDecoding,
                         ::testing::Values(Case{data::Scheme::kBioes, true}, Case{data::Scheme::kBioes, false},
                                           Case{data::Scheme::kBio, true}, Case{data::Scheme::kBio, false}),
                         [](const auto& info) {
                           return std::string(info.param.scheme == data::Scheme::kBio ? "Bio" : "Bioes") +
                                  (info.param.constrained ? "Constrained" : "Free");
                         });

}  // namespace
}  // namespace ner
