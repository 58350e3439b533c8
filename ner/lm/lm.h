// The character language model of `ner lm`: a forward model that predicts each character from the ones before it
// and a backward model that predicts it from the ones after it. Each is Embedding → N recurrent layers (LSTM, GRU or
// RNN) reading its own direction → a full or class-factored softmax over the characters (nn/class_softmax.h). Both
// share one vocabulary of normalized character keys (as the tagger's, data/normalize) with <unk> for rare
// characters and </s> for the end of a line. Text is one stream of characters, each line followed by </s>; the
// backward model reads that stream from its end.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/vocab.h"
#include "ner/model/config.h"
#include "nn/class_softmax.h"
#include "nn/embedding.h"
#include "nn/recurrent.h"
#include "nn/sequence_batch.h"

namespace ner {

// The key of the line end in the vocabulary (a grapheme is never that).
inline const std::string kLineEndKey = "</s>";

// One direction: reads ids in its own order and predicts the next one. Carries its recurrent state from one call
// of `window` to the next (truncated backpropagation through time) until reset_state.
class CharLm {
 public:
  CharLm(const std::string& name, const LmConfig& config, nn::Index V, const std::vector<nn::Index>& class_begins);

  void init(nn::Rng& rng);
  nn::ParamList params();

  // B streams, one window of T steps (inputs and targets at column t*B + b): from the carried state, returns
  // Σ −log P(target | inputs so far) and carries the final state on. With `training`, also adds the gradient of that
  // sum to the parameters' gradients, treating the carried state as a constant.
  double window(const std::vector<int>& inputs, const std::vector<int>& targets, nn::Index B, bool training);
  void reset_state();  // the next window starts from zero
  // The state carried to the next window, per layer (empty: zero).
  const std::vector<nn::RecurrentState>& carried_state() const { return carried_; }
  void set_carried_state(std::vector<nn::RecurrentState> state) { carried_ = std::move(state); }

  // Sampling one sequence: reads `id` after the carried state (one stream) and gives log P(next) over the vocabulary.
  void step(int id, nn::Vector& log_p);

  // The top layer's state at every step of a padded batch of sequences (ids at column t*B + b of `shape`), each read
  // from zero state; with `training`, keeps what backward_states needs.                         returns (H, T*B)
  const nn::Matrix& batch_states(const std::vector<int>& ids, const nn::SequenceBatch& shape, bool training);
  // Backward for the last batch_states with `training`: given d_states = ∂loss/∂states (H, T*B), adds ∂loss/∂params
  // to the embedding's and the layers' gradients.
  void backward_states(const std::vector<int>& ids, const nn::SequenceBatch& shape, const nn::Matrix& d_states);
  // What batch_states reads: the embedding and the layers (not the softmax).
  nn::ParamList state_params();

  nn::Index vocab_size() const { return embedding_.vocab_size(); }

 private:
  // The layers over X for `batch`, from the carried state, which becomes their final state.
  void run_layers(const nn::SequenceBatch& batch, bool training);
  // Backward through the layers from the top and the embedding, from dH_ = ∂loss/∂(the top layer's output).
  void backward_layers(const std::vector<int>& inputs, const nn::SequenceBatch& batch);

  nn::Embedding embedding_;
  std::vector<std::unique_ptr<nn::Recurrent>> layers_;
  nn::ClassSoftmax softmax_;
  std::vector<nn::RecurrentState> carried_;  // per layer; empty: zero

  nn::Matrix X_;                 // (E, T*B): the embedded inputs
  std::vector<nn::Matrix> H_;    // (H, T*B) per layer: its output
  nn::Matrix dH_, dInput_;       // (H, T*B), (D, T*B): backward workspace
  std::vector<int> step_input_ = {0};                // step's id
  const nn::SequenceBatch one_step_{std::vector<int>{1}};  // step's batch: one stream, one step
};

class LanguageModel {
 public:
  // `class_begins`: the softmax's classes (consecutive ids; {0} for a full softmax); config.classes is their count.
  LanguageModel(const LmConfig& config, data::Vocab vocab, std::vector<nn::Index> class_begins);

  void init(nn::Rng& rng);  // the forward model, then the backward one
  nn::ParamList params();   // the forward model's, then the backward one's
  // A copy with its own workspace, for another thread.
  std::unique_ptr<LanguageModel> clone();

  const LmConfig& config() const { return config_; }
  const data::Vocab& vocab() const { return vocab_; }
  const std::vector<nn::Index>& class_begins() const { return class_begins_; }
  int line_end() const { return line_end_; }
  // How the training text most often wrote a key, where not as the key itself (NFKC's "," for "，"): what sampling
  // writes.
  const std::map<std::string, std::string>& surface_forms() const { return surface_forms_; }
  void set_surface_forms(std::map<std::string, std::string> forms) { surface_forms_ = std::move(forms); }
  // The text of an id: its surface form, else its key; "\n" for the line end.
  std::string text_of(int id) const;
  CharLm& forward_model() { return forward_; }
  CharLm& backward_model() { return backward_; }

  // The ids of a text's characters (graphemes, whitespace skipped, normalized keys; <unk> for keys the vocabulary
  // lacks). `text` must be valid UTF-8.
  std::vector<int> encode(std::string_view text) const;

  // Per character of a padded batch of sentences (ids at column t*B + b of `shape`), what the tagger reads as
  // features (contextual character embeddings): rows 0..H the forward model's top state after reading </s> and the
  // sentence up to and including the character, rows H..2H the backward model's after reading </s> and the sentence
  // from its last character back to this one. Padding columns hold finite values of no meaning. With `training`, keeps
  // what backward_char_states needs; with `parallel`, the two directions run side by side.    features: (2H, T*B)
  void char_states(const nn::SequenceBatch& shape, const std::vector<int>& ids, Eigen::Ref<nn::Matrix> features,
                   bool training, bool parallel);
  // Backward for the last char_states with `training`: adds ∂loss/∂params of both directions' embeddings and layers
  // given d_features = ∂loss/∂features (2H, T*B).
  void backward_char_states(const Eigen::Ref<const nn::Matrix>& d_features, bool parallel);
  nn::ParamList state_params();  // what char_states reads: the forward model's, then the backward one's

 private:
  LmConfig config_;
  data::Vocab vocab_;
  std::vector<nn::Index> class_begins_;
  int line_end_;
  std::map<std::string, std::string> surface_forms_;
  CharLm forward_, backward_;

  // char_states's reading of its batch: each sentence of n characters as n + 1 steps from </s>, forward
  // (</s> c_0 … c_{n−1}) and backward (</s> c_{n−1} … c_0), and the gradients of their top states.
  std::optional<nn::SequenceBatch> reading_;
  std::vector<int> forward_ids_, backward_ids_;
  nn::Matrix d_forward_, d_backward_;
};

// The softmax classes of a vocabulary whose ids come by falling count (data::Vocab): `count` consecutive ids per
// class so that each class holds about an equal share of Σ √count(id) (frequent characters get small classes);
// at most `classes` of them, never an empty one.
std::vector<nn::Index> frequency_classes(const std::vector<std::size_t>& counts, int classes);

}  // namespace ner
