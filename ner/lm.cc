#include "ner/lm.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

#include "data/normalize.h"
#include "data/tokenizer.h"
#include "nn/profile.h"

namespace ner {

CharLm::CharLm(const std::string& name, const LmConfig& config, nn::Index V, const std::vector<nn::Index>& class_begins)
    : embedding_(name + ".embedding", V, config.char_dim), softmax_(name + ".softmax", config.hidden, V, class_begins) {
  for (int l = 0; l < config.layers; ++l)
    layers_.push_back(nn::make_recurrent(config.cell, name + "." + std::to_string(l), l == 0 ? config.char_dim : config.hidden,
                                         config.hidden, nn::Direction::kLeftToRight));
  carried_.resize(layers_.size());
  H_.resize(layers_.size());
}

void CharLm::init(nn::Rng& rng) {
  embedding_.init(rng);
  for (auto& layer : layers_) layer->init(rng);
  softmax_.init(rng);
}

nn::ParamList CharLm::params() {
  nn::ParamList list = embedding_.params();
  for (auto& layer : layers_) nn::append(list, layer->params());
  nn::append(list, softmax_.params());
  return list;
}

void CharLm::reset_state() {
  for (nn::RecurrentState& state : carried_) state = {};
}

void CharLm::run_layers(const nn::SequenceBatch& batch, bool training) {
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    // H_l = layer_l(H_{l−1}) from the carried state, whose place the layer's final state takes
    layers_[l]->set_initial_state(std::move(carried_[l]));
    layers_[l]->forward(l == 0 ? X_ : H_[l - 1], batch, H_[l], training);
    carried_[l] = layers_[l]->final_state(H_[l], batch);
  }
}

double CharLm::window(const std::vector<int>& inputs, const std::vector<int>& targets, nn::Index B, bool training) {
  const nn::Index N = static_cast<nn::Index>(inputs.size());
  assert(N % B == 0 && targets.size() == inputs.size());
  const nn::SequenceBatch batch(std::vector<int>(static_cast<std::size_t>(B), static_cast<int>(N / B)));
  {
    nn::profile::Scope scope(nn::profile::Part::kEmbedding);
    X_.resize(embedding_.dim(), N);
    embedding_.forward(inputs, X_);
  }
  run_layers(batch, training);
  const double loss = softmax_.forward(H_.back(), targets);
  if (!training) return loss;
  // Backward through the softmax, the layers from the top, and the embedding: dH_ is ∂loss/∂(the current layer's
  // output), then ∂loss/∂(its input).
  dH_.setZero(H_.back().rows(), N);
  softmax_.backward(H_.back(), targets, dH_);
  for (std::size_t l = layers_.size(); l-- > 0;) {
    const nn::Matrix& input = l == 0 ? X_ : H_[l - 1];
    dInput_.setZero(input.rows(), N);
    layers_[l]->backward(input, batch, dH_, dInput_);
    std::swap(dH_, dInput_);
  }
  nn::profile::Scope scope(nn::profile::Part::kEmbedding);
  embedding_.backward(inputs, dH_);
  return loss;
}

void CharLm::step(int id, nn::Vector& log_p) {
  X_.resize(embedding_.dim(), 1);
  step_input_[0] = id;
  embedding_.forward(step_input_, X_);
  run_layers(one_step_, /*training=*/false);
  log_p.resize(vocab_size());
  softmax_.log_probabilities(H_.back().col(0), log_p);
}

void CharLm::states(const std::vector<int>& ids, nn::Matrix& states) {
  reset_state();
  X_.resize(embedding_.dim(), static_cast<nn::Index>(ids.size()));
  embedding_.forward(ids, X_);
  run_layers(nn::SequenceBatch({static_cast<int>(ids.size())}), /*training=*/false);
  states = H_.back();
  reset_state();
}

namespace {

int line_end_id(const data::Vocab& vocab) {
  if (!vocab.contains(kLineEndKey)) throw std::invalid_argument("a language model's vocabulary needs " + kLineEndKey);
  return vocab.id(kLineEndKey);
}

}  // namespace

LanguageModel::LanguageModel(const LmConfig& config, data::Vocab vocab, std::vector<nn::Index> class_begins)
    : config_(config),
      vocab_(std::move(vocab)),
      class_begins_(std::move(class_begins)),
      line_end_(line_end_id(vocab_)),
      forward_("forward", config_, static_cast<nn::Index>(vocab_.size()), class_begins_),
      backward_("backward", config_, static_cast<nn::Index>(vocab_.size()), class_begins_) {}

void LanguageModel::init(nn::Rng& rng) {
  forward_.init(rng);
  backward_.init(rng);
}

nn::ParamList LanguageModel::params() {
  nn::ParamList list = forward_.params();
  nn::append(list, backward_.params());
  return list;
}

std::string LanguageModel::text_of(int id) const {
  if (id == line_end_) return "\n";
  const std::string& key = vocab_.key(id);
  const auto form = surface_forms_.find(key);
  return form == surface_forms_.end() ? key : form->second;
}

std::vector<int> LanguageModel::encode(std::string_view text) const {
  data::Tokenizer tokenizer;
  std::vector<int> ids;
  for (const data::Token& token : tokenizer.tokenize(text))
    ids.push_back(vocab_.id(data::normalize_key(token.text(text), config_.normalize)));
  return ids;
}

void LanguageModel::char_states(const std::vector<int>& ids, nn::Matrix& forward, nn::Matrix& backward) {
  const nn::Index n = static_cast<nn::Index>(ids.size());
  std::vector<int> read = {line_end_};
  read.insert(read.end(), ids.begin(), ids.end());
  nn::Matrix states;
  forward_.states(read, states);
  forward = states.rightCols(n);
  // The backward model reads </s>, c_{n−1}, ..., c_0: c_i is its (n − i)-th input.
  std::reverse(read.begin() + 1, read.end());
  backward_.states(read, states);
  backward.resize(states.rows(), n);
  for (nn::Index i = 0; i < n; ++i) backward.col(i) = states.col(n - i);
}

std::vector<nn::Index> frequency_classes(const std::vector<std::size_t>& counts, int classes) {
  std::vector<nn::Index> begins = {0};
  double total = 0;
  for (std::size_t count : counts) total += std::sqrt(static_cast<double>(count));
  if (classes <= 1 || total == 0) return begins;
  // id starts a new class when the √counts before it reach that class's share: ⌊C · Σ_{i<id} √count_i / Σ √count⌋
  double before = 0;
  for (std::size_t id = 0; id < counts.size(); ++id) {
    const auto share = static_cast<std::size_t>(static_cast<double>(classes) * before / total);
    if (share >= begins.size() && static_cast<nn::Index>(id) > begins.back()) begins.push_back(static_cast<nn::Index>(id));
    before += std::sqrt(static_cast<double>(counts[id]));
  }
  return begins;
}

}  // namespace ner
