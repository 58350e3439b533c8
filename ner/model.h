// The tagger network: Embedding → Dropout → N × BiRNN (LSTM|GRU|RNN) → Dropout → Linear → CRF, with the
// vocabularies that turn characters and tags into ids.
#pragma once

#include <string>
#include <vector>

#include "data/vocab.h"
#include "ner/config.h"
#include "nn/crf.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/sequence_batch.h"
#include "nn/stacked.h"

namespace ner {

// A sentence as ids; `tags` is empty when the gold tags are unknown.
struct EncodedSentence {
  std::vector<int> chars;
  std::vector<int> tags;
};

// Sentences padded into one time-major batch (column t*B + b; padding is id 0).
struct Batch {
  explicit Batch(const std::vector<const EncodedSentence*>& sentences);

  nn::SequenceBatch shape;
  std::vector<int> chars;  // (T*B)
  std::vector<int> tags;   // (T*B), empty when the sentences have no tags
};

class Model {
 public:
  Model(const ModelConfig& config, data::Vocab chars, data::Vocab tags);

  void init(nn::Rng& rng);
  nn::ParamList params();
  // Two or more threads run the two directions of every layer side by side.
  void set_threads(int threads);

  const ModelConfig& config() const { return config_; }
  const data::Vocab& chars() const { return chars_; }
  const data::Vocab& tags() const { return tags_; }

  // Character ids of tokens (by normalized key; unknown characters are <unk>).
  std::vector<int> encode_chars(const std::vector<std::string>& tokens) const;
  // Tag ids of tags in the model's scheme; a tag the model does not know is a data::Error naming `where`.
  std::vector<int> encode_tags(const std::vector<std::string>& tags, const std::string& where) const;

  // Forward with dropout, CRF negative log-likelihood summed over the batch, backward: adds the gradients into
  // the parameters and returns the loss.
  double train_step(const Batch& batch, nn::Rng& rng);
  // The best tag path of every sentence (inference: no dropout, nothing kept for backward).
  std::vector<std::vector<int>> predict(const Batch& batch);

 private:
  // emissions_ = Linear(drop(RNN(drop(Embedding(chars)))))
  void forward(const Batch& batch, bool training, nn::Rng& rng);

  ModelConfig config_;
  data::Vocab chars_, tags_;
  nn::Embedding embedding_;
  nn::Dropout embedding_dropout_;
  nn::Stacked rnn_;
  nn::Dropout output_dropout_;
  nn::Linear output_;
  nn::Crf crf_;

  // Workspace, reused across batches.
  nn::Matrix embedded_, dropped_embedded_;  // (E, T*B)
  nn::Matrix hidden_, dropped_hidden_;      // (2H, T*B)
  nn::Matrix emissions_;                    // (L, T*B)
  nn::Matrix d_emissions_, d_hidden_, d_embedded_;
};

}  // namespace ner
