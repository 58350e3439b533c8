#include "ner/lm/lm.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

#include "data/normalize.h"
#include "data/tokenizer.h"
#include "nn/profile.h"
#include "nn/side_by_side.h"

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
  nn::ParamList list = state_params();
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
  // Backward through the softmax, the layers from the top, and the embedding.
  dH_.setZero(H_.back().rows(), N);
  softmax_.backward(H_.back(), targets, dH_);
  backward_layers(inputs, batch);
  return loss;
}

void CharLm::backward_layers(const std::vector<int>& inputs, const nn::SequenceBatch& batch) {
  // dH_ is ∂loss/∂(the current layer's output), then ∂loss/∂(its input)
  for (std::size_t l = layers_.size(); l-- > 0;) {
    const nn::Matrix& input = l == 0 ? X_ : H_[l - 1];
    dInput_.setZero(input.rows(), dH_.cols());
    layers_[l]->backward(input, batch, dH_, dInput_);
    std::swap(dH_, dInput_);
  }
  nn::profile::Scope scope(nn::profile::Part::kEmbedding);
  embedding_.backward(inputs, dH_);
}

void CharLm::step(int id, nn::Vector& log_p) {
  X_.resize(embedding_.dim(), 1);
  step_input_[0] = id;
  embedding_.forward(step_input_, X_);
  run_layers(one_step_, /*training=*/false);
  log_p.resize(vocab_size());
  softmax_.log_probabilities(H_.back().col(0), log_p);
}

const nn::Matrix& CharLm::batch_states(const std::vector<int>& ids, const nn::SequenceBatch& shape, bool training) {
  reset_state();
  {
    nn::profile::Scope scope(nn::profile::Part::kEmbedding);
    X_.resize(embedding_.dim(), shape.columns());
    embedding_.forward(ids, X_);
  }
  run_layers(shape, training);
  reset_state();
  return H_.back();
}

void CharLm::backward_states(const std::vector<int>& ids, const nn::SequenceBatch& shape, const nn::Matrix& d_states) {
  dH_ = d_states;
  backward_layers(ids, shape);
}

nn::ParamList CharLm::state_params() {
  nn::ParamList list = embedding_.params();
  for (auto& layer : layers_) nn::append(list, layer->params());
  return list;
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

nn::ParamList LanguageModel::state_params() {
  nn::ParamList list = forward_.state_params();
  nn::append(list, backward_.state_params());
  return list;
}

std::unique_ptr<LanguageModel> LanguageModel::clone() {
  auto copy = std::make_unique<LanguageModel>(config_, vocab_, class_begins_);
  copy->surface_forms_ = surface_forms_;
  const nn::ParamList from = params(), to = copy->params();
  for (std::size_t k = 0; k < from.size(); ++k) to[k]->value = from[k]->value;
  return copy;
}

void LanguageModel::char_states(const nn::SequenceBatch& shape, const std::vector<int>& ids, Eigen::Ref<nn::Matrix> features,
                                bool training, bool parallel) {
  const nn::Index B = shape.B, T = shape.T, H = config_.hidden;
  std::vector<int> lengths;
  for (nn::Index b = 0; b < B; ++b) lengths.push_back(shape.length(b) + 1);
  reading_.emplace(lengths);
  // forward reads c_t at step t + 1; backward reads it at step n − t (padding reads </s>)
  forward_ids_.assign(static_cast<std::size_t>(reading_->columns()), line_end_);
  backward_ids_.assign(forward_ids_.size(), line_end_);
  for (nn::Index b = 0; b < B; ++b) {
    const nn::Index n = shape.length(b);
    for (nn::Index t = 0; t < n; ++t) {
      const int id = ids[static_cast<std::size_t>(t * B + b)];
      forward_ids_[static_cast<std::size_t>((t + 1) * B + b)] = id;
      backward_ids_[static_cast<std::size_t>((n - t) * B + b)] = id;
    }
  }
  // features(0..H, t*B + b) = forward state at step t + 1: the forward states' columns B … (T+1)·B − 1
  auto run_forward = [&] { features.topRows(H) = forward_.batch_states(forward_ids_, *reading_, training).middleCols(B, T * B); };
  // features(H..2H, t*B + b) = backward state at step n − t; zero in padding (the forward rows there carry the last
  // state), which the tagger's layers multiply by a zero mask
  auto run_backward = [&] {
    const nn::Matrix& states = backward_.batch_states(backward_ids_, *reading_, training);
    for (nn::Index b = 0; b < B; ++b) {
      const nn::Index n = shape.length(b);
      for (nn::Index t = 0; t < n; ++t) features.col(t * B + b).bottomRows(H) = states.col((n - t) * B + b);
      for (nn::Index t = n; t < T; ++t) features.col(t * B + b).bottomRows(H).setZero();
    }
  };
  if (parallel) {
    nn::run_side_by_side(run_forward, run_backward);
  } else {
    run_forward();
    run_backward();
  }
}

void LanguageModel::backward_char_states(const Eigen::Ref<const nn::Matrix>& d_features, bool parallel) {
  const nn::SequenceBatch& reading = *reading_;
  const nn::Index B = reading.B, H = config_.hidden;
  // The features' gradients back at the steps they were read from (char_states's mapping); padding gets none.
  auto run_forward = [&] {
    d_forward_.setZero(H, reading.columns());
    for (nn::Index b = 0; b < B; ++b)
      for (nn::Index t = 0; t + 1 < reading.length(b); ++t) d_forward_.col((t + 1) * B + b) = d_features.col(t * B + b).topRows(H);
    forward_.backward_states(forward_ids_, reading, d_forward_);
  };
  auto run_backward = [&] {
    d_backward_.setZero(H, reading.columns());
    for (nn::Index b = 0; b < B; ++b) {
      const nn::Index n = reading.length(b) - 1;
      for (nn::Index t = 0; t < n; ++t) d_backward_.col((n - t) * B + b) = d_features.col(t * B + b).bottomRows(H);
    }
    backward_.backward_states(backward_ids_, reading, d_backward_);
  };
  if (parallel) {
    nn::run_side_by_side(run_forward, run_backward);
  } else {
    run_forward();
    run_backward();
  }
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
