// The tagger network: [character embedding; left and right character-bigram embeddings; language-model states; lexicon
// word bags] → Dropout → N × BiRNN (LSTM|GRU|RNN) → Dropout → Linear → CRF, with the vocabularies and dictionary that
// turn text into ids (ner/model/features.h). Bigram, language-model and lexicon features are optional (their sizes in the
// configuration are 0 when off). The language-model states are a pretrained character language model's (ner/lm/lm.h)
// forward and backward top states at each character, which the model carries; they are fixed inputs unless
// ModelConfig::lm_finetune, when training backpropagates into that model's embeddings and layers. With
// ModelConfig::lm_weight w > 0, training adds an auxiliary language-model objective (Rei 2017): the top layer's forward
// state at each character predicts the next character and its backward state the previous one,
//   loss = CRF NLL + w · Σ_sentences Σ_t [−log P(c_{t+1} | h→_t) − log P(c_{t−1} | h←_t)]
// through two softmax layers over the character vocabulary that tagging never runs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ner/model/config.h"
#include "ner/model/features.h"
#include "ner/lm/lm.h"
#include "nn/bag_embedding.h"
#include "nn/class_softmax.h"
#include "nn/crf.h"
#include "nn/dropout.h"
#include "nn/embedding.h"
#include "nn/linear.h"
#include "nn/sequence_batch.h"
#include "nn/stacked.h"

namespace ner {

// Sentences padded into one time-major batch (column t*B + b; padding is id 0).
struct Batch {
  explicit Batch(const std::vector<const EncodedSentence*>& sentences);

  nn::SequenceBatch shape;
  std::vector<int> chars;  // (T*B)
  std::vector<int> true_chars;  // (T*B) when training replaced some of `chars` by <unk>: what the auxiliary
                                // language-model objective predicts (else it predicts `chars`)
  std::vector<int> tags;   // (T*B), empty when the sentences have no tags
  std::vector<int> left_bigrams, right_bigrams;  // (T*B), empty without bigram features
  std::vector<int> lm_chars;  // (T*B) ids in the language model's vocabulary, empty without one
  std::vector<char> joined;   // (T*B) EncodedSentence::joined, empty when no sentence has it
  std::vector<int> dictionary_tags;  // (T*B) EncodedSentence::dictionary_tags (−1 elsewhere), empty when none has it
  nn::Bags lexicon;        // T*B positions × kLexiconGroups, empty without lexicon features
};

// What --dictionary-mode prefer adds to the emission of a dictionary entry's tags: e^6 ≈ 400 times the odds per
// character, so that a name the model has never seen is tagged but a strong reading of the context still wins.
inline constexpr float kDictionaryBonus = 6;

// What decoding can say about a sentence beyond its best path.
struct DecodeOptions {
  bool confidence = false;  // each entity's probability
  int nbest = 0;            // the k best paths with their probabilities (0: none)
  // The sentences' dictionary_tags are forced (every path has them), or with prefer_dictionary only favoured: their
  // emissions gain kDictionaryBonus.
  bool prefer_dictionary = false;
};

// One sentence, decoded.
struct Decoding {
  std::vector<int> tags;            // the best path
  std::vector<double> confidences;  // with options.confidence: P(entity) for each entity of `tags`, in data::chunks order
  struct Path {
    std::vector<int> tags;
    double probability;
    std::vector<double> confidences;  // with options.confidence, as above
  };
  std::vector<Path> nbest;  // with options.nbest = k: the k best paths, best first (fewer if fewer are allowed)
};

// The auxiliary language-model objective's pairs in a batch of characters (column t*B + b) for one direction:
// offset +1, each forward state and the next character; −1, each backward state and the previous one. `columns` are
// the states' columns, `targets` the characters they predict.
void language_model_pairs(const nn::SequenceBatch& shape, const std::vector<int>& chars, int offset,
                          std::vector<nn::Index>& columns, std::vector<int>& targets);

class Model {
 public:
  // `lm`: the language model whose states are features, when config.lm_features > 0 (its hidden size).
  Model(const ModelConfig& config, Vocabularies vocabularies, std::unique_ptr<LanguageModel> lm = nullptr);

  // Another model for tagging on another thread: the same vocabularies and embedding tables (shared, read-only;
  // they are most of a feature model) and a copy of the other parameters.
  std::unique_ptr<Model> replica();

  void init(nn::Rng& rng);
  nn::ParamList params();
  // In training, two or more threads run the two directions of every layer side by side, and each half of the
  // dropouts and the output layer. (Inference spreads batches over replicas instead: see ner/tagging/tagger.h.)
  void set_threads(int threads);
  // Inference multiplies by bfloat16 copies of the recurrent layers' weights, made now, with `kernel` where the CPU
  // supports it (nn::Bf16Matrix); returns the kernel in use (kNone: float). Call once the weights are final; training
  // always runs in float.
  nn::Bf16Kernel set_bfloat16(nn::Bf16Kernel kernel);

  const ModelConfig& config() const { return config_; }
  const Vocabularies& vocabularies() const { return *vocab_; }
  const data::Vocab& chars() const { return vocab_->chars; }
  const data::Vocab& tags() const { return vocab_->tags; }
  LanguageModel* language_model() const { return lm_.get(); }  // null without language-model features

  // Every input feature of a tokenized sentence (tags left empty). A character the vocabulary lacks is looked up
  // by its simplified form (OpenCC t2s, one character to one) when the vocabulary has that, so a model trained on
  // simplified text reads traditional text; set_simplify_traditional(false) turns this off.
  EncodedSentence encode(const std::vector<std::string>& tokens) const;
  void set_simplify_traditional(bool on) { simplify_traditional_ = on; }
  // Tag ids of tags in the model's scheme; a tag the model does not know is a data::Error naming `where`.
  std::vector<int> encode_tags(const std::vector<std::string>& tags, const std::string& where) const;

  // Tables of the embeddings, for loading pretrained vectors.
  nn::Param& char_table() { return embedding_.table(); }
  nn::Param& bigram_table() { return bigram_embedding_.table(); }
  nn::Param& word_table() { return word_embedding_.table(); }

  // Forward with dropout, CRF negative log-likelihood (plus the weighted language-model loss) summed over the batch,
  // backward: adds the gradients into the parameters and returns the loss.
  double train_step(const Batch& batch, nn::Rng& rng);
  // The best tag path of every sentence and, as asked, entity confidences and n-best paths (inference: no dropout,
  // nothing kept for backward).
  std::vector<Decoding> predict(const Batch& batch, const DecodeOptions& options = {});

 private:
  // With `tables_of`, the embedding layers read that model's tables and hold none.
  Model(const ModelConfig& config, std::shared_ptr<const Vocabularies> vocabularies, std::unique_ptr<LanguageModel> lm,
        const Model* tables_of = nullptr);
  // emissions_ = Linear(drop(RNN(drop([embeddings]))))
  void forward(const Batch& batch, bool training, nn::Rng& rng);
  // P(entity) for each entity of sentence b's `tags` (length n): the probability of the entity's own tags there
  // (S-/B-, I-, E- in BIOES; B-, I- in BIO, where the next tag must not be I- of the same type).
  std::vector<double> entity_confidences(const nn::Crf::Posterior& posterior, nn::Index b, const std::vector<int>& tags) const;
  // Makes the emissions forbid an entity boundary inside a word of batch.joined (a constrained CRF only).
  void forbid_boundaries_inside_words(const Batch& batch);
  // Makes the emissions give batch.dictionary_tags: −∞ for every other tag there and, after an entry, for the tags
  // that would continue it; with `prefer`, kDictionaryBonus on them instead.
  void apply_dictionary(const Batch& batch, bool prefer);
  // The auxiliary objective on the last training forward: returns w · its loss and adds its gradient into d_hidden_
  // and the two softmax layers.
  double language_model_step(const Batch& batch);

  ModelConfig config_;
  std::shared_ptr<const Vocabularies> vocab_;
  bool simplify_traditional_ = true;
  nn::Bf16Kernel bfloat16_ = nn::Bf16Kernel::kNone;
  bool parallel_ = false;  // training on two threads (set_threads)
  std::vector<int> part_of_speech_ids_;  // with lexicon_pos: the lexicon's part-of-speech index -> its word id
  nn::Embedding embedding_;
  nn::Embedding bigram_embedding_;
  nn::BagEmbedding word_embedding_;
  std::unique_ptr<LanguageModel> lm_;  // with lm_features > 0
  nn::Dropout embedding_dropout_;
  nn::Stacked rnn_;
  nn::Dropout output_dropout_;
  nn::Linear output_;
  nn::Crf crf_;
  std::optional<nn::ClassSoftmax> next_char_, previous_char_;  // with lm_weight > 0: (H → characters)

  // Workspace, reused across batches.
  nn::Matrix embedded_, dropped_embedded_;  // (input_width, T*B): [chars; left bigrams; right bigrams; LM states; words]
  nn::Matrix hidden_, dropped_hidden_;      // (2H, T*B)
  nn::Matrix emissions_;                    // (L, T*B)
  nn::Matrix d_emissions_, d_hidden_, d_embedded_;
  nn::Matrix lm_states_, d_lm_states_;  // (H, predicted characters): one direction's states that predict one
  std::vector<nn::Index> lm_columns_;   // their columns in hidden_
  std::vector<int> lm_targets_;         // the characters they predict
};

}  // namespace ner
