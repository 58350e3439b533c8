// Tagging with a trained model: pre-tokenized sentences (evaluation) and raw text lines of any length (`ner tag`),
// with entities reported as code-point offsets into the original line.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "data/corpus.h"
#include "data/entity_dictionary.h"
#include "data/segment.h"
#include "data/tag_scheme.h"
#include "data/tokenizer.h"
#include "ner/model/model.h"

namespace ner {

// Sets the arithmetic of the model's recurrent layers: "bfloat16" multiplies by bfloat16 copies of their weights
// with the fastest kernel the CPU has (AMX, else AVX512_BF16; float where it has neither), "bfloat16-amx" and
// "bfloat16-avx512" with that kernel (a data::UsageError where the CPU lacks it), "float" keeps every product in
// float. Returns the kernel in use (kNone: float).
nn::Bf16Kernel apply_precision(Model& model, const std::string& precision);
// "bfloat16 (AMX)", "bfloat16 (AVX512_BF16)" or "float": what --verbose reports.
std::string arithmetic_name(nn::Bf16Kernel kernel);

// Most padded positions (sentences × longest length) in one inference batch: small enough that the workspaces
// stay in cache and memory stays bounded whatever the input, large enough for efficient products.
inline constexpr std::size_t kMaxBatchPositions = 512;

// Runs work(worker, item) for every item in [0, items) on `workers` threads, the calling thread being worker 0 and
// each thread taking the next item when it is done with one: how tagging, evaluation and training's evaluation
// share out their work. An exception on any thread stops the handing out; the first one is rethrown on the calling
// thread once every thread has stopped.
using ShareWork = std::function<void(std::size_t worker, std::size_t item)>;
void share_out(std::size_t items, std::size_t workers, const ShareWork& work);

// A model and threads − 1 replicas of it: the models that decode, predict_tags and Tagger share their
// work out to, one thread each.
class ModelReplicas {
 public:
  ModelReplicas(Model& model, int threads);
  const std::vector<Model*>& models() const { return models_; }

 private:
  std::vector<std::unique_ptr<Model>> owned_;
  std::vector<Model*> models_;
};

// Every sentence decoded (see Model::predict), in the given order; sentences are batched by length (at most
// `batch_size` sentences and kMaxBatchPositions padded positions per batch). The batches are shared out among
// `models` (replicas of one model: Model::replica), one thread each; the result does not depend on their number.
// Empty sentences get empty paths. `progress`, if given, is called (from one thread at a time) with the number of
// sentences decoded so far after each batch; an exception it throws ends the decoding and is rethrown.
using DecodeProgress = std::function<void(std::size_t sentences_done)>;
std::vector<Decoding> decode(const std::vector<Model*>& models, const std::vector<EncodedSentence>& sentences,
                             std::size_t batch_size, const DecodeOptions& options = {}, const DecodeProgress& progress = {});

// The model's tags for tokenized sentences.
std::vector<std::vector<std::string>> predict_tags(const std::vector<Model*>& models,
                                                    const std::vector<std::vector<std::string>>& sentences, std::size_t batch_size,
                                                    const DecodeProgress& progress = {});

// The model's tags for every sentence of `corpus`, written in the corpus's own tag scheme, so that they score
// against its gold tags like with like (and a predictions file reads like the corpus).
std::vector<std::vector<std::string>> predict_corpus_tags(const std::vector<Model*>& models, const data::Corpus& corpus,
                                                          std::size_t batch_size, const DecodeProgress& progress = {});

struct Entity {
  std::size_t start, end;            // code points of the line, end exclusive
  std::size_t byte_begin, byte_end;  // the same in bytes
  std::string type;
  std::string text;
  std::optional<double> confidence;  // P(this span with this type), when asked for
};

struct TaggedLine {
  std::string text;                 // the line as given (without its line break)
  std::vector<data::Token> tokens;  // every non-whitespace grapheme, with offsets into text
  std::vector<std::string_view> tags;  // one per token, in the model's scheme (views of the model's tag names)
  // With confidences asked for, one per token: the confidence of the best path's entity it is in (kept below the
  // minimum confidence too), none for O.
  std::vector<std::optional<double>> entity_confidence;
  std::vector<Entity> entities;     // of the best path (without those below the minimum confidence)
  struct Alternative {
    double probability;
    std::vector<Entity> entities;
  };
  std::vector<Alternative> nbest;  // the n best tag paths of the whole line, best first, when asked for
};

// What Tagger reports beyond the best path's entities.
struct TagOptions {
  DecodeOptions decode;
  double min_confidence = 0;  // entities of the best path below this confidence are dropped (needs decode.confidence)
  std::size_t window = 0;     // most tokens tagged at once (see data::Segmenter); 0: the model's max_sentence_tokens
  // Entries decoded as entities wherever they occur in a sentence (or with decode.prefer_dictionary favoured); its
  // types must be the model's.
  std::shared_ptr<const data::EntityDictionary> dictionary;
};

// Where two overlapping windows' tags meet: the line token in [right.begin, left.end] nearest the overlap's middle
// that no entity of either window crosses and no Latin word (`joined`, the left window's) spans; failing that, the
// one nearest the middle that no entity of the left window crosses (its end always qualifies). The right window's
// entities that begin before it are dropped.
std::size_t meeting_point(data::TokenRange left, const std::vector<data::Span>& left_spans, data::TokenRange right,
                          const std::vector<data::Span>& right_spans, const std::vector<char>& joined);

// Tags raw lines: each line is tokenized, split into sentences and windows of at most TagOptions::window tokens
// (data::Segmenter), and the sentences of all lines are batched together (see decode); overlapping windows are merged
// where no entity crosses, so that a line that fits one window is tagged as a whole. With n-best, a line's paths
// combine its sentences' (and windows') own n best as if they were independent. Lines must be valid UTF-8. The work
// is shared out among `models` (replicas of one model: ModelReplicas), one thread each; the result does not depend
// on their number.
class Tagger {
 public:
  Tagger(const std::vector<Model*>& models, std::size_t batch_size, const TagOptions& options = {});

  std::vector<TaggedLine> tag(const std::vector<std::string>& lines);
  // What the next tag() calls report (a server's requests each bring their own). A dictionary type the model does
  // not tag is a data::Error.
  void set_options(const TagOptions& options);

 private:
  // What one thread tokenizes and splits lines with.
  struct Splitter {
    data::Tokenizer tokenizer;
    data::Segmenter segmenter;
  };

  std::vector<Model*> models_;
  std::size_t batch_size_;
  TagOptions options_;
  std::vector<std::unique_ptr<Splitter>> splitters_;  // one per model
};

}  // namespace ner
