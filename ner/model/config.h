// Every default of the application, defined once. ModelConfig travels inside the model file; TrainConfig inside
// checkpoints. Their settings' JSON keys, options, limits and help are settings.h's tables.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "data/normalize.h"
#include "data/segment.h"
#include "data/tag_scheme.h"
#include "nn/optimizer.h"
#include "nn/recurrent.h"

namespace ner {

struct ModelConfig {
  nn::CellType cell = nn::CellType::kLstm;
  int layers = 1;             // stacked bidirectional layers
  int hidden = 128;           // units per direction
  int char_dim = 100;         // character embedding size
  int bigram_dim = 0;         // character-bigram embedding size (0: no bigram features)
  int lexicon_dim = 0;        // lexicon word embedding size (0: no lexicon features)
  bool lexicon_pos = false;   // lexicon words also bring the embedding of their part of speech
  int lm_features = 0;        // rows per direction of a language model's states (its hidden size; 0: none, --lm)
  bool lm_finetune = false;   // training also updates that language model's embeddings and layers
  double dropout = 0.5;       // on the embeddings, between layers and before the output layer (negative:
                              // dropout_for_corpus, resolved before the model is made)
  bool peepholes = false;     // LSTM only
  double lm_weight = 0;       // training also minimizes this weight × the auxiliary language-model loss (ner/model/model.h;
                              // 0: none)
  bool constrained = true;    // CRF forbids the scheme's invalid transitions
  data::Scheme scheme = data::Scheme::kBioes;  // the tags the model predicts
  data::NormalizeOptions normalize;             // how characters become vocabulary keys
  std::size_t max_sentence_tokens = data::kDefaultMaxSentenceTokens;  // tagging splits longer sentences

  nlohmann::json to_json() const;
  // Throws data::Error naming `origin` on a missing or invalid field.
  static ModelConfig from_json(const nlohmann::json& json, const std::string& origin);
};

// The largest ModelConfig::lm_weight (--lm-weight).
inline constexpr double kMaxLmWeight = 100;

// The default of every --threads: the cores this process may run on.
int default_threads();

// The default of every --model that reads one: $NER_MODEL, else the shipped model, found relative to the ner binary or
// the Python module (installed: PREFIX/share/ner/msra.model; in a build tree: the sources' models/msra.model).
std::string default_model_path();
// The shipped model alone: the sources' model for a build tree's own binaries, else the first installed place that
// holds it, else the installed place (which errors name).
std::string shipped_model_path();

// How `ner tag --dictionary`, ner serve and the Python module's Tagger apply a user dictionary by default: force
// (every occurrence is that entity) or prefer (a bonus only).
inline constexpr const char* kDefaultDictionaryMode = "force";

// The most tag paths `ner tag --nbest` and the Python module's Tagger.nbest give.
inline constexpr int kMaxNbestPaths = 10000;

// Sentences per inference batch: `ner tag`'s, and `ner eval`'s and training's dev and test evaluation's.
inline constexpr std::size_t kTagBatch = 32;
inline constexpr std::size_t kEvalBatch = 64;

// The arithmetic of the recurrent layers when tagging: "bfloat16" (bfloat16 copies of the weights, by the fastest
// kernel the CPU has; float where it has none) or "float" (see apply_precision).
inline constexpr const char* kDefaultPrecision = "bfloat16";

// Of each pretrained vectors file, the most frequent keys the training text lacks that join the vocabulary.
inline constexpr std::size_t kDefaultPretrainedKeys = 0;

// The lexicon word embedding size when a lexicon is given and ModelConfig::lexicon_dim is 0.
inline constexpr int kDefaultLexiconDim = 50;

// The feature sets of `ner train --features`, each with the training settings chosen on Resume and MSRA dev for it
// (docs/experiments.md): characters alone; with character bigrams and word dropout; and, the default, with the words
// of a dictionary and their parts of speech too, and a weight average.
enum class FeatureSet { kChar, kBigram, kLexicon };
inline constexpr FeatureSet kDefaultFeatures = FeatureSet::kLexicon;
inline constexpr int kRecipeBigramDim = 50;       // bigram and lexicon sets
inline constexpr double kRecipeUnkRate = 0.2;     // bigram and lexicon sets
inline constexpr double kRecipeAverage = 0.999;   // lexicon set
FeatureSet parse_features(const std::string& name);  // char, bigram, lexicon; throws data::Error
std::string features_name(FeatureSet features);

// The dictionary of the lexicon set when none is given: $NER_LEXICON, else jieba's dict.txt where Debian's
// python3-jieba installs it; "" when neither names a file.
std::string default_lexicon_path();
inline constexpr const char* kJiebaDictionary = "/usr/lib/python3/dist-packages/jieba/dict.txt";

// The epoch budget when TrainConfig::epochs is 0: about 20 million training characters (so 50 epochs up to 400,000
// characters, as Resume NER's 124,099 want, and at least 15, as MSRA's 2 million do), and when TrainConfig::patience
// is negative, a fifth of the epochs, at least 4.
int epochs_for_corpus(std::size_t train_chars);
int patience_for_epochs(int epochs);

// The lexicon set's dropout: more for a training text under a million characters than the usual 0.5 (chosen on the
// dev sets of Resume NER, 124,099 characters, and MSRA, 2 million: docs/experiments.md).
inline constexpr std::size_t kSmallCorpusChars = 1000000;
inline constexpr double kSmallCorpusDropout = 0.6;
double dropout_for_corpus(std::size_t train_chars);

struct TrainConfig {
  int epochs = 0;                    // most epochs (0: epochs_for_corpus)
  int batch = 16;                    // sentences per minibatch (bucketed by length)
  nn::OptimizerKind optimizer = nn::OptimizerKind::kAdam;
  double learning_rate = 2e-3;       // Adam; SGD usually wants about 0.015
  double lr_decay = 0;               // learning rate at epoch e (0-based): lr / (1 + lr_decay · e)
  double momentum = 0.9;             // SGD
  double weight_decay = 0;
  double clip = 5.0;                 // global gradient-norm limit (0: none)
  int patience = -1;                 // stop after this many epochs without a better dev F1 (0: never; negative: patience_for_epochs)
  std::uint64_t seed = 1;
  int threads = default_threads();  // training shares out its work on two; evaluation uses them all
  std::size_t min_char_count = 1;    // rarer characters become <unk>
  std::size_t min_feature_count = 1; // rarer bigrams and lexicon words become <unk> (smaller models)
  double unk_rate = 0;               // training only: each character, bigram and word id becomes <unk> with this probability
  double average = 0;                // decay of the weight average that is evaluated and saved (0: the last weights)
  double dev_fraction = 0;           // without a dev file: this share of the training sentences is held out as dev

  nlohmann::json to_json() const;
  static TrainConfig from_json(const nlohmann::json& json, const std::string& origin);
};

// The character language model of `ner lm train` (ner/lm/lm.h): its shape travels inside the LM file.
struct LmConfig {
  nn::CellType cell = nn::CellType::kLstm;
  int layers = 1;      // stacked layers, all in the model's reading direction
  int hidden = 256;    // units per layer
  int char_dim = 64;   // character embedding size
  int classes = 0;     // softmax classes: 1 is a full softmax; 0 (before training) chooses ⌈√V⌉
  data::NormalizeOptions normalize;  // how characters become vocabulary keys

  nlohmann::json to_json() const;
  static LmConfig from_json(const nlohmann::json& json, const std::string& origin);
};

// How `ner lm train` trains (inside its checkpoints).
struct LmTrainConfig {
  int epochs = 5;
  int batch = 32;                    // parallel streams the text is cut into
  int bptt = 35;                     // steps per window of truncated backpropagation through time
  double learning_rate = 2e-3;       // Adam
  double lr_decay = 0;               // learning rate at epoch e (0-based): lr / (1 + lr_decay · e)
  double clip = 1.0;                 // global gradient-norm limit of each direction's window mean (0: none)
  std::uint64_t seed = 1;
  int threads = default_threads();  // the forward and the backward model train side by side on two
  std::size_t min_count = 2;         // rarer characters become <unk>
  double dev_fraction = 0.01;        // without --dev-raw: this share of the lines, evenly spaced, is held out

  nlohmann::json to_json() const;
  static LmTrainConfig from_json(const nlohmann::json& json, const std::string& origin);
};

// `ner lm sample`'s defaults.
inline constexpr int kDefaultSampleLength = 200;
inline constexpr double kDefaultTemperature = 1.0;

// The learning rate of epoch `epoch` (0-based) of both trainers: rate / (1 + decay · epoch).
double epoch_learning_rate(double rate, double decay, int epoch);

// The largest value a count option (--min-count, --pretrained-keys, ...) takes.
inline constexpr std::size_t kMaxCount = std::size_t{1} << 40;

nn::CellType parse_cell(const std::string& name);  // lstm, gru, rnn, rnn-relu; throws data::Error
nn::OptimizerKind parse_optimizer(const std::string& name);  // adam, sgd; throws data::Error
std::string optimizer_name(nn::OptimizerKind kind);

}  // namespace ner
