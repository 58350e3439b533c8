#include "ner/model/model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "data/error.h"
#include "nn/profile.h"

namespace ner {

Batch::Batch(const std::vector<const EncodedSentence*>& sentences)
    : shape([&] {
        std::vector<int> lengths;
        for (const EncodedSentence* s : sentences) lengths.push_back(static_cast<int>(s->chars.size()));
        return lengths;
      }()) {
  const std::size_t B = static_cast<std::size_t>(shape.B), N = static_cast<std::size_t>(shape.columns());
  const EncodedSentence& first = *sentences.front();
  chars.assign(N, data::Vocab::kPad);
  if (!first.tags.empty()) tags.assign(N, 0);
  if (!first.left_bigrams.empty()) {
    left_bigrams.assign(N, data::Vocab::kPad);
    right_bigrams.assign(N, data::Vocab::kPad);
  }
  if (!first.lm_chars.empty()) lm_chars.assign(N, data::Vocab::kPad);
  for (const EncodedSentence* s : sentences) {
    if (!s->joined.empty()) joined.assign(N, 0);
    if (!s->dictionary_tags.empty()) dictionary_tags.assign(N, -1);
  }
  for (std::size_t b = 0; b < B; ++b) {
    const EncodedSentence& s = *sentences[b];
    for (std::size_t t = 0; t < s.chars.size(); ++t) {
      const std::size_t col = t * B + b;
      chars[col] = s.chars[t];
      if (!tags.empty()) tags[col] = s.tags[t];
      if (!left_bigrams.empty()) {
        left_bigrams[col] = s.left_bigrams[t];
        right_bigrams[col] = s.right_bigrams[t];
      }
      if (!lm_chars.empty()) lm_chars[col] = s.lm_chars[t];
      if (!s.joined.empty()) joined[col] = s.joined[t];
      if (!s.dictionary_tags.empty()) dictionary_tags[col] = s.dictionary_tags[t];
    }
  }
  if (first.lexicon.groups > 0) {
    // Bags in column order; padding gets empty bags (zero vectors).
    lexicon.groups = kLexiconGroups;
    for (std::size_t col = 0; col < N; ++col) {
      const std::size_t t = col / B, b = col % B;
      const EncodedSentence& s = *sentences[b];
      for (int g = 0; g < kLexiconGroups; ++g) {
        if (t < s.chars.size()) lexicon.add_bag(s.lexicon, t * kLexiconGroups + static_cast<std::size_t>(g));
        else lexicon.add_empty_bag();
      }
    }
  }
}

Model::Model(const ModelConfig& config, Vocabularies vocabularies, std::unique_ptr<LanguageModel> lm)
    : Model(config, std::make_shared<const Vocabularies>(std::move(vocabularies)), std::move(lm)) {}

Model::Model(const ModelConfig& config, std::shared_ptr<const Vocabularies> vocabularies, std::unique_ptr<LanguageModel> lm,
             const Model* tables_of)
    : config_(config),
      vocab_(std::move(vocabularies)),
      embedding_("embedding", tables_of ? 0 : static_cast<nn::Index>(vocab_->chars.size()), config.char_dim),
      bigram_embedding_("bigram_embedding", tables_of ? 0 : static_cast<nn::Index>(vocab_->bigrams.size()), config.bigram_dim),
      word_embedding_("word_embedding", tables_of ? 0 : static_cast<nn::Index>(vocab_->words.size()), config.lexicon_dim),
      lm_(std::move(lm)),
      embedding_dropout_(static_cast<nn::Real>(config.dropout)),
      rnn_(config.cell, "rnn", static_cast<nn::Index>(input_width(config_)), config.hidden, config.layers, static_cast<nn::Real>(config.dropout), config.peepholes),
      output_dropout_(static_cast<nn::Real>(config.dropout)),
      output_("output", 2 * config.hidden, static_cast<nn::Index>(vocab_->tags.size())),
      crf_("crf", static_cast<nn::Index>(vocab_->tags.size())) {
  // Unknown characters, bigrams and words map to <unk>, so those vocabularies need their specials.
  if (config.lm_weight > 0) {
    const nn::Index V = static_cast<nn::Index>(vocab_->chars.size());
    next_char_.emplace("next_char", config.hidden, V, std::vector<nn::Index>{0});
    previous_char_.emplace("previous_char", config.hidden, V, std::vector<nn::Index>{0});
  }
  if (tables_of) {
    embedding_.share_table(tables_of->embedding_);
    bigram_embedding_.share_table(tables_of->bigram_embedding_);
    word_embedding_.share_table(tables_of->word_embedding_);
  }
  if (!vocab_->chars.with_specials()) throw data::Error("the character vocabulary has no <pad> and <unk>");
  if (config.bigram_dim > 0 && !vocab_->bigrams.with_specials()) throw data::Error("bigram features need a bigram vocabulary");
  if (config.lexicon_dim > 0 && (vocab_->lexicon.size() == 0 || !vocab_->words.with_specials() || !vocab_->words.contains(kNoWord)))
    throw data::Error("lexicon features need a dictionary");
  if (config.lexicon_pos && config.lexicon_dim == 0) throw data::Error("part-of-speech features need lexicon features");
  if ((config.lm_features > 0) != (lm_ != nullptr) || (lm_ && lm_->config().hidden != config.lm_features))
    throw data::Error("language-model features need a language model of " + std::to_string(config.lm_features) + " units");
  if (config.lm_finetune && !lm_) throw data::Error("--lm-finetune needs language-model features (--lm)");
  if (lm_ && !(lm_->config().normalize == config.normalize))
    throw data::Error("the language model's character keys are normalized otherwise than the tagger's (--case-fold, --digit-class)");
  part_of_speech_ids_ = vocab_->part_of_speech_ids(config);
  for (const std::string& tag : vocab_->tags.keys())
    if (!data::is_valid_tag(tag)) throw data::Error("'" + tag + "' is not a tag (O, or B-, I-, M-, E-, S- and a type)");
  if (config.constrained) {
    const nn::Index L = static_cast<nn::Index>(vocab_->tags.size());
    nn::BoolMatrix allowed(L, L);
    nn::BoolVector start(L), end(L);
    for (nn::Index i = 0; i < L; ++i) {
      const std::string& from = vocab_->tags.key(static_cast<int>(i));
      start(i) = data::can_start(from, config.scheme);
      end(i) = data::can_end(from, config.scheme);
      for (nn::Index j = 0; j < L; ++j) allowed(i, j) = data::can_follow(from, vocab_->tags.key(static_cast<int>(j)), config.scheme);
    }
    crf_.constrain(allowed, start, end);
  }
}

std::unique_ptr<Model> Model::replica() {
  std::unique_ptr<Model> copy(new Model(config_, vocab_, lm_ ? lm_->clone() : nullptr, this));
  copy->simplify_traditional_ = simplify_traditional_;
  nn::ParamList from = params(), to = copy->params();
  for (std::size_t k = 0; k < from.size(); ++k)
    if (!to[k]->shared) to[k]->value = from[k]->value;
  copy->set_bfloat16(bfloat16_);
  return copy;
}

void Model::init(nn::Rng& rng) {
  embedding_.init(rng);
  if (config_.bigram_dim > 0) bigram_embedding_.init(rng);
  if (config_.lexicon_dim > 0) word_embedding_.init(rng);
  rnn_.init(rng);
  output_.init(rng);
  crf_.init(rng);
  if (next_char_) {
    next_char_->init(rng);
    previous_char_->init(rng);
  }
}

nn::ParamList Model::params() {
  nn::ParamList list = embedding_.params();
  if (config_.bigram_dim > 0) nn::append(list, bigram_embedding_.params());
  if (config_.lexicon_dim > 0) nn::append(list, word_embedding_.params());
  if (config_.lm_finetune) nn::append(list, lm_->state_params());
  nn::append(list, rnn_.params());
  nn::append(list, output_.params());
  nn::append(list, crf_.params());
  if (next_char_) {
    nn::append(list, next_char_->params());
    nn::append(list, previous_char_->params());
  }
  return list;
}

void Model::set_threads(int threads) {
  parallel_ = threads >= 2;
  rnn_.set_parallel(parallel_);
}

nn::Bf16Kernel Model::set_bfloat16(nn::Bf16Kernel kernel) {
  bfloat16_ = nn::Bf16Matrix::supported(kernel) ? kernel : nn::Bf16Kernel::kNone;
  rnn_.set_bfloat16(bfloat16_);
  return bfloat16_;
}

EncodedSentence Model::encode(const std::vector<std::string>& tokens) const {
  const SentenceKeys keys = sentence_keys(tokens, config_, *vocab_, simplify_traditional_);
  EncodedSentence encoded = encode_keys(keys, config_, *vocab_, part_of_speech_ids_);
  if (lm_)
    for (const std::string& key : keys.chars) encoded.lm_chars.push_back(lm_->vocab().id(key));
  return encoded;
}

std::vector<int> Model::encode_tags(const std::vector<std::string>& tags, const std::string& where) const {
  std::vector<int> ids;
  ids.reserve(tags.size());
  for (const std::string& tag : tags) {
    int id = vocab_->tags.id(tag);
    if (id == data::Vocab::kMissing) throw data::Error(where + ": tag " + tag + " is not one of the model's tags");
    ids.push_back(id);
  }
  return ids;
}

void Model::forward(const Batch& batch, bool training, nn::Rng& rng) {
  using nn::profile::Part;
  // embedded = [E_char(c); E_bigram(left); E_bigram(right); LM states(c); lexicon bags]
  const nn::Index N = batch.shape.columns(), E = config_.char_dim, Db = config_.bigram_dim;
  std::optional<nn::profile::Scope> scope(Part::kEmbedding);
  embedded_.resize(static_cast<nn::Index>(input_width(config_)), N);
  embedding_.forward(batch.chars, embedded_.topRows(E));
  if (Db > 0) {
    bigram_embedding_.forward(batch.left_bigrams, embedded_.middleRows(E, Db));
    bigram_embedding_.forward(batch.right_bigrams, embedded_.middleRows(E + Db, Db));
  }
  if (config_.lexicon_dim > 0) word_embedding_.forward(batch.lexicon, embedded_.bottomRows(kLexiconGroups * config_.lexicon_dim));
  scope.reset();
  if (lm_) lm_->char_states(batch.shape, batch.lm_chars, embedded_.middleRows(E + 2 * Db, 2 * config_.lm_features),
                            training && config_.lm_finetune, parallel_);
  if (!training) {  // inference: no dropout, no copies
    rnn_.forward(embedded_, batch.shape, training, rng, hidden_);
    scope.emplace(Part::kOutput);
    output_.forward(hidden_, emissions_);
    return;
  }
  scope.emplace(Part::kDropout);
  embedding_dropout_.forward(embedded_, dropped_embedded_, training, rng, parallel_);
  scope.reset();
  rnn_.forward(dropped_embedded_, batch.shape, training, rng, hidden_);
  scope.emplace(Part::kDropout);
  output_dropout_.forward(hidden_, dropped_hidden_, training, rng, parallel_);
  scope.emplace(Part::kOutput);
  output_.forward(dropped_hidden_, emissions_, parallel_);
}

double Model::train_step(const Batch& batch, nn::Rng& rng) {
  using nn::profile::Part;
  forward(batch, /*training=*/true, rng);
  // Backward: the forward reversed.
  std::optional<nn::profile::Scope> scope(Part::kCrf);
  d_emissions_.setZero(emissions_.rows(), emissions_.cols());
  double loss = crf_.nll(emissions_, batch.shape, batch.tags, &d_emissions_);
  scope.emplace(Part::kOutput);
  d_hidden_.setZero(dropped_hidden_.rows(), dropped_hidden_.cols());
  output_.backward(dropped_hidden_, d_emissions_, d_hidden_, parallel_);
  if (next_char_) loss += language_model_step(batch);
  scope.emplace(Part::kDropout);
  output_dropout_.backward(d_hidden_, d_hidden_, parallel_);
  d_embedded_.setZero(dropped_embedded_.rows(), dropped_embedded_.cols());
  scope.reset();
  rnn_.backward(dropped_embedded_, batch.shape, d_hidden_, d_embedded_);
  scope.emplace(Part::kDropout);
  embedding_dropout_.backward(d_embedded_, d_embedded_, parallel_);
  scope.emplace(Part::kEmbedding);
  const nn::Index E = config_.char_dim, Db = config_.bigram_dim;
  embedding_.backward(batch.chars, d_embedded_.topRows(E));
  if (Db > 0) {
    bigram_embedding_.backward(batch.left_bigrams, d_embedded_.middleRows(E, Db));
    bigram_embedding_.backward(batch.right_bigrams, d_embedded_.middleRows(E + Db, Db));
  }
  if (config_.lexicon_dim > 0)
    word_embedding_.backward(batch.lexicon, d_embedded_.bottomRows(kLexiconGroups * config_.lexicon_dim));
  scope.reset();
  if (config_.lm_finetune) lm_->backward_char_states(d_embedded_.middleRows(E + 2 * Db, 2 * config_.lm_features), parallel_);
  return loss;
}

void language_model_pairs(const nn::SequenceBatch& shape, const std::vector<int>& chars, int offset,
                          std::vector<nn::Index>& columns, std::vector<int>& targets) {
  // sentence b's state at t predicts its character at t + offset, where there is one
  columns.clear();
  targets.clear();
  for (nn::Index b = 0; b < shape.B; ++b) {
    const int n = shape.length(b);
    for (int t = std::max(0, -offset); t < std::min(n, n - offset); ++t) {
      columns.push_back(t * shape.B + b);
      targets.push_back(chars[static_cast<std::size_t>((t + offset) * shape.B + b)]);
    }
  }
}

double Model::language_model_step(const Batch& batch) {
  const nn::Index H = config_.hidden;
  const std::vector<int>& chars = batch.true_chars.empty() ? batch.chars : batch.true_chars;
  double loss = 0;
  for (int direction = 0; direction < 2; ++direction) {
    // Forward states (rows 0..H) predict the character after theirs, backward states (rows H..2H) the one before.
    language_model_pairs(batch.shape, chars, direction == 0 ? 1 : -1, lm_columns_, lm_targets_);
    if (lm_columns_.empty()) continue;  // one-character sentences only
    const nn::Index K = static_cast<nn::Index>(lm_columns_.size());
    lm_states_.resize(H, K);
    for (nn::Index k = 0; k < K; ++k) lm_states_.col(k) = dropped_hidden_.col(lm_columns_[static_cast<std::size_t>(k)]).segment(direction * H, H);
    nn::ClassSoftmax& softmax = direction == 0 ? *next_char_ : *previous_char_;
    // loss += w · Σ_k −log P(target_k | state_k); d_hidden_ += w · ∂/∂states
    loss += config_.lm_weight * softmax.forward(lm_states_, lm_targets_);
    d_lm_states_.setZero(H, K);
    softmax.backward(lm_states_, lm_targets_, d_lm_states_, static_cast<nn::Real>(config_.lm_weight));
    for (nn::Index k = 0; k < K; ++k) d_hidden_.col(lm_columns_[static_cast<std::size_t>(k)]).segment(direction * H, H) += d_lm_states_.col(k);
  }
  return loss;
}

std::vector<Decoding> Model::predict(const Batch& batch, const DecodeOptions& options) {
  nn::Rng unused(0);
  forward(batch, /*training=*/false, unused);
  nn::profile::Scope scope(nn::profile::Part::kCrf);
  forbid_boundaries_inside_words(batch);
  apply_dictionary(batch, options.prefer_dictionary);
  std::vector<std::vector<int>> paths = crf_.viterbi(emissions_, batch.shape);
  std::vector<Decoding> decoded(paths.size());
  for (std::size_t b = 0; b < paths.size(); ++b) decoded[b].tags = std::move(paths[b]);
  if (!options.confidence && options.nbest == 0) return decoded;
  const nn::Crf::Posterior posterior = crf_.posterior(emissions_, batch.shape);
  std::vector<std::vector<nn::Crf::ScoredPath>> nbest;
  if (options.nbest > 0) nbest = crf_.nbest(emissions_, batch.shape, options.nbest);
  for (std::size_t b = 0; b < decoded.size(); ++b) {
    const nn::Index sentence = static_cast<nn::Index>(b);
    if (options.confidence) decoded[b].confidences = entity_confidences(posterior, sentence, decoded[b].tags);
    if (options.nbest == 0) continue;
    for (nn::Crf::ScoredPath& path : nbest[b]) {
      // P(path) = exp(score − log Z)
      Decoding::Path& out = decoded[b].nbest.emplace_back();
      out.probability = std::exp(path.score - posterior.log_z(sentence));
      if (options.confidence) out.confidences = entity_confidences(posterior, sentence, path.tags);
      out.tags = std::move(path.tags);
    }
  }
  return decoded;
}

void Model::forbid_boundaries_inside_words(const Batch& batch) {
  if (batch.joined.empty() || !crf_.constrained()) return;
  // Between characters t and t+1 of one word no entity may end (t takes no E-, S-) nor start (t+1 no B-, S-): with
  // the scheme's transitions, what is left continues an entity or stays outside. E(tag, column) = −∞ for those.
  // (BIO has no end tag: there only the start is forbidden.)
  const nn::Index B = batch.shape.B;
  for (std::size_t col = 0; col < batch.joined.size(); ++col) {
    const nn::Index here = static_cast<nn::Index>(col), next = here + B;
    if (!batch.joined[col] || next >= emissions_.cols()) continue;
    for (nn::Index tag = 0; tag < emissions_.rows(); ++tag) {
      const char prefix = vocab_->tags.key(static_cast<int>(tag))[0];
      if (prefix == 'E' || prefix == 'S') emissions_(tag, here) = -std::numeric_limits<nn::Real>::infinity();
      if (prefix == 'B' || prefix == 'S') emissions_(tag, next) = -std::numeric_limits<nn::Real>::infinity();
    }
  }
}

void Model::apply_dictionary(const Batch& batch, bool prefer) {
  const nn::Index B = batch.shape.B;
  constexpr nn::Real kNever = -std::numeric_limits<nn::Real>::infinity();
  for (std::size_t col = 0; col < batch.dictionary_tags.size(); ++col) {
    const int given = batch.dictionary_tags[col];
    if (given < 0) continue;
    const nn::Index here = static_cast<nn::Index>(col), next = here + B;
    if (prefer) {
      emissions_(given, here) += kDictionaryBonus;
      continue;
    }
    // E(tag, here) = −∞ for tag ≠ given.
    for (nn::Index tag = 0; tag < emissions_.rows(); ++tag)
      if (tag != given) emissions_(tag, here) = kNever;
    // After the entry's last character (the next one has no dictionary tag): no I-, E-, M- of its type, which would
    // continue it. (Padding's emissions are never read.)
    if (next >= emissions_.cols() || batch.dictionary_tags[static_cast<std::size_t>(next)] >= 0) continue;
    const std::string_view type = std::string_view(vocab_->tags.key(given)).substr(2);
    for (nn::Index tag = 0; tag < emissions_.rows(); ++tag) {
      const std::string& key = vocab_->tags.key(static_cast<int>(tag));
      if (key.size() > 2 && key[0] != 'B' && key[0] != 'S' && std::string_view(key).substr(2) == type)
        emissions_(tag, next) = kNever;
    }
  }
}

std::vector<double> Model::entity_confidences(const nn::Crf::Posterior& posterior, nn::Index b, const std::vector<int>& tags) const {
  std::vector<std::string> keys;
  for (int id : tags) keys.push_back(vocab_->tags.key(id));
  std::vector<double> confidences;
  for (const data::Span& span : data::chunks(keys)) {
    // The entity's own tags, in the model's scheme.
    const std::size_t length = span.end - span.begin;
    std::vector<int> own = encode_tags(data::tags_from_spans({{0, length, span.type}}, length, config_.scheme), "an entity");
    double p = posterior.probability(b, static_cast<nn::Index>(span.begin), own);
    // In BIO the entity ends only if the next tag does not continue it: subtract the paths where it does.
    if (config_.scheme == data::Scheme::kBio && span.end < tags.size()) {
      own.push_back(vocab_->tags.id("I-" + span.type));
      p -= posterior.probability(b, static_cast<nn::Index>(span.begin), own);
    }
    confidences.push_back(std::clamp(p, 0.0, 1.0));
  }
  return confidences;
}

}  // namespace ner
