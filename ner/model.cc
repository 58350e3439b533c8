#include "ner/model.h"

#include <algorithm>

#include "data/error.h"

namespace ner {

Batch::Batch(const std::vector<const EncodedSentence*>& sentences)
    : shape([&] {
        std::vector<int> lengths;
        for (const EncodedSentence* s : sentences) lengths.push_back(static_cast<int>(s->chars.size()));
        return lengths;
      }()) {
  const nn::Index B = shape.B;
  const bool tagged = !sentences.front()->tags.empty();
  chars.assign(static_cast<std::size_t>(shape.columns()), data::Vocab::kPad);
  if (tagged) tags.assign(chars.size(), 0);
  for (nn::Index b = 0; b < B; ++b) {
    const EncodedSentence& s = *sentences[static_cast<std::size_t>(b)];
    for (std::size_t t = 0; t < s.chars.size(); ++t) {
      const std::size_t col = t * static_cast<std::size_t>(B) + static_cast<std::size_t>(b);
      chars[col] = s.chars[t];
      if (tagged) tags[col] = s.tags[t];
    }
  }
}

Model::Model(const ModelConfig& config, data::Vocab chars, data::Vocab tags)
    : config_(config),
      chars_(std::move(chars)),
      tags_(std::move(tags)),
      embedding_("embedding", static_cast<nn::Index>(chars_.size()), config.char_dim),
      embedding_dropout_(static_cast<nn::Real>(config.dropout)),
      rnn_(config.cell, "rnn", config.char_dim, config.hidden, config.layers, static_cast<nn::Real>(config.dropout),
           config.peepholes),
      output_dropout_(static_cast<nn::Real>(config.dropout)),
      output_("output", 2 * config.hidden, static_cast<nn::Index>(tags_.size())),
      crf_("crf", static_cast<nn::Index>(tags_.size())) {
  if (config.constrained) {
    const nn::Index L = static_cast<nn::Index>(tags_.size());
    nn::BoolMatrix allowed(L, L);
    nn::BoolVector start(L), end(L);
    for (nn::Index i = 0; i < L; ++i) {
      start(i) = data::can_start(tags_.key(static_cast<int>(i)), config.scheme);
      end(i) = data::can_end(tags_.key(static_cast<int>(i)), config.scheme);
      for (nn::Index j = 0; j < L; ++j)
        allowed(i, j) = data::can_follow(tags_.key(static_cast<int>(i)), tags_.key(static_cast<int>(j)), config.scheme);
    }
    crf_.constrain(allowed, start, end);
  }
}

void Model::init(nn::Rng& rng) {
  embedding_.init(rng);
  rnn_.init(rng);
  output_.init(rng);
  crf_.init(rng);
}

nn::ParamList Model::params() {
  nn::ParamList list = embedding_.params();
  nn::append(list, rnn_.params());
  nn::append(list, output_.params());
  nn::append(list, crf_.params());
  return list;
}

void Model::set_threads(int threads) { rnn_.set_parallel(threads >= 2); }

std::vector<int> Model::encode_chars(const std::vector<std::string>& tokens) const {
  std::vector<int> ids;
  ids.reserve(tokens.size());
  for (const std::string& token : tokens) ids.push_back(chars_.id(data::normalize_key(token, config_.normalize)));
  return ids;
}

std::vector<int> Model::encode_tags(const std::vector<std::string>& tags, const std::string& where) const {
  std::vector<int> ids;
  ids.reserve(tags.size());
  for (const std::string& tag : tags) {
    int id = tags_.id(tag);
    if (id == data::Vocab::kMissing) throw data::Error(where + ": tag " + tag + " is not one of the model's tags");
    ids.push_back(id);
  }
  return ids;
}

void Model::forward(const Batch& batch, bool training, nn::Rng& rng) {
  embedding_.forward(batch.chars, embedded_);
  embedding_dropout_.forward(embedded_, dropped_embedded_, training, rng);
  rnn_.forward(dropped_embedded_, batch.shape, training, rng, hidden_);
  output_dropout_.forward(hidden_, dropped_hidden_, training, rng);
  output_.forward(dropped_hidden_, emissions_);
}

double Model::train_step(const Batch& batch, nn::Rng& rng) {
  forward(batch, /*training=*/true, rng);
  // Backward: the forward reversed.
  d_emissions_.setZero(emissions_.rows(), emissions_.cols());
  double loss = crf_.nll(emissions_, batch.shape, batch.tags, &d_emissions_);
  d_hidden_.setZero(dropped_hidden_.rows(), dropped_hidden_.cols());
  output_.backward(dropped_hidden_, d_emissions_, d_hidden_);
  output_dropout_.backward(d_hidden_, d_hidden_);
  d_embedded_.setZero(dropped_embedded_.rows(), dropped_embedded_.cols());
  rnn_.backward(dropped_embedded_, batch.shape, d_hidden_, d_embedded_);
  embedding_dropout_.backward(d_embedded_, d_embedded_);
  embedding_.backward(batch.chars, d_embedded_);
  return loss;
}

std::vector<std::vector<int>> Model::predict(const Batch& batch) {
  nn::Rng unused(0);
  forward(batch, /*training=*/false, unused);
  return crf_.viterbi(emissions_, batch.shape);
}

}  // namespace ner
