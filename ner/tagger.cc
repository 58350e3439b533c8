#include "ner/tagger.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <thread>

#include "data/tag_scheme.h"

namespace ner {

ModelReplicas::ModelReplicas(Model& model, int threads) : models_{&model} {
  for (int t = 1; t < threads; ++t) {
    owned_.push_back(model.replica());
    models_.push_back(owned_.back().get());
  }
}

std::vector<Decoding> decode(const std::vector<Model*>& models, const std::vector<EncodedSentence>& sentences,
                             std::size_t batch_size, const DecodeOptions& options, const DecodeProgress& progress) {
  std::vector<std::size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sentences[a].chars.size() < sentences[b].chars.size(); });
  // Batches of consecutive sentences in length order; sorted, so the sentence just added is the longest so far.
  std::vector<std::vector<std::size_t>> batches;
  std::size_t next = 0;
  while (next < order.size() && sentences[order[next]].chars.empty()) ++next;  // empty sentences: empty paths
  const std::size_t empty_sentences = next;
  while (next < order.size()) {
    std::vector<std::size_t>& batch = batches.emplace_back();
    while (next < order.size() && batch.size() < batch_size &&
           (batch.empty() || (batch.size() + 1) * sentences[order[next]].chars.size() <= kMaxBatchPositions))
      batch.push_back(order[next++]);
  }
  std::vector<Decoding> decoded(sentences.size());
  std::atomic<std::size_t> next_batch{0};
  std::mutex progress_mutex;
  std::size_t sentences_done = empty_sentences;  // they need no decoding
  auto work = [&](Model& model) {
    std::vector<const EncodedSentence*> members;
    for (std::size_t b; (b = next_batch++) < batches.size();) {
      members.clear();
      for (std::size_t index : batches[b]) members.push_back(&sentences[index]);
      std::vector<Decoding> batch_decoded = model.predict(Batch(members), options);
      for (std::size_t k = 0; k < batches[b].size(); ++k) decoded[batches[b][k]] = std::move(batch_decoded[k]);
      if (!progress) continue;
      std::lock_guard<std::mutex> lock(progress_mutex);
      progress(sentences_done += batches[b].size());
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t m = 1; m < models.size() && m < batches.size(); ++m) helpers.emplace_back(work, std::ref(*models[m]));
  work(*models.front());
  for (std::thread& helper : helpers) helper.join();
  return decoded;
}

std::vector<std::vector<std::string>> predict_tags(const std::vector<Model*>& models,
                                                    const std::vector<std::vector<std::string>>& sentences, std::size_t batch_size,
                                                    const DecodeProgress& progress) {
  const Model& model = *models.front();
  std::vector<EncodedSentence> encoded(sentences.size());
  for (std::size_t s = 0; s < sentences.size(); ++s) encoded[s] = model.encode(sentences[s]);
  std::vector<std::vector<std::string>> tags(sentences.size());
  std::vector<Decoding> decoded = decode(models, encoded, batch_size, {}, progress);
  for (std::size_t s = 0; s < sentences.size(); ++s)
    for (int id : decoded[s].tags) tags[s].push_back(model.tags().key(id));
  return tags;
}

namespace {

// The entities of a sentence's tag ids (tokens [first, first + n) of the line), with their confidences if known;
// those are also given to the entity's tokens in `token_confidence` if that is not null.
std::vector<Entity> entities_of(const TaggedLine& line, std::size_t first, const std::vector<int>& tags,
                                const std::vector<double>& confidences, const data::Vocab& tag_names,
                                std::vector<std::optional<double>>* token_confidence = nullptr) {
  std::vector<std::string> names;
  for (int id : tags) names.push_back(tag_names.key(id));
  std::vector<Entity> entities;
  const std::vector<data::Span> spans = data::chunks(names);
  for (std::size_t k = 0; k < spans.size(); ++k) {
    const data::Token& begin = line.tokens[first + spans[k].begin];
    const data::Token& last = line.tokens[first + spans[k].end - 1];
    Entity& e = entities.emplace_back(Entity{begin.cp_begin, last.cp_end, begin.byte_begin, last.byte_end, spans[k].type,
                                             line.text.substr(begin.byte_begin, last.byte_end - begin.byte_begin), std::nullopt});
    if (confidences.empty()) continue;
    e.confidence = confidences[k];
    if (token_confidence)
      std::fill(token_confidence->begin() + static_cast<std::ptrdiff_t>(first + spans[k].begin),
                token_confidence->begin() + static_cast<std::ptrdiff_t>(first + spans[k].end), e.confidence);
  }
  return entities;
}

// The k best of every pairing of `line` (the best paths of the sentences so far) with `sentence` (the next
// sentence's): sentences are decoded independently, so probabilities multiply and entities concatenate.
std::vector<TaggedLine::Alternative> pair_best(const std::vector<TaggedLine::Alternative>& line,
                                               const std::vector<TaggedLine::Alternative>& sentence, std::size_t k) {
  std::vector<TaggedLine::Alternative> paired;
  for (const auto& a : line)
    for (const auto& b : sentence) {
      TaggedLine::Alternative& both = paired.emplace_back(TaggedLine::Alternative{a.probability * b.probability, a.entities});
      both.entities.insert(both.entities.end(), b.entities.begin(), b.entities.end());
    }
  std::stable_sort(paired.begin(), paired.end(), [](const auto& x, const auto& y) { return x.probability > y.probability; });
  if (paired.size() > k) paired.resize(k);
  return paired;
}

}  // namespace

std::vector<TaggedLine> Tagger::tag(const std::vector<std::string>& lines) {
  std::vector<TaggedLine> tagged(lines.size());
  // Every sentence of every line: which line, and which of its tokens.
  struct Piece {
    std::size_t line;
    data::TokenRange range;
  };
  std::vector<Piece> pieces;
  std::vector<EncodedSentence> sentences;
  std::vector<std::string> tokens;
  for (std::size_t l = 0; l < lines.size(); ++l) {
    TaggedLine& out = tagged[l];
    out.text = lines[l];
    out.tokens = tokenizer_.tokenize(out.text);
    out.tags.assign(out.tokens.size(), "O");
    if (options_.decode.confidence) out.entity_confidence.assign(out.tokens.size(), std::nullopt);
    if (options_.decode.nbest > 0) out.nbest.push_back({1.0, {}});
    for (data::TokenRange range : segmenter_.split(out.text, out.tokens)) {
      pieces.push_back({l, range});
      tokens.clear();
      for (std::size_t t = range.begin; t < range.end; ++t) tokens.emplace_back(out.tokens[t].text(out.text));
      sentences.push_back(model_.encode(tokens));
    }
  }
  const std::vector<Decoding> decoded = decode({&model_}, sentences, batch_size_, options_.decode);
  const data::Vocab& tag_names = model_.tags();
  for (std::size_t p = 0; p < pieces.size(); ++p) {
    TaggedLine& out = tagged[pieces[p].line];
    const std::size_t first = pieces[p].range.begin;
    const Decoding& d = decoded[p];
    for (std::size_t t = 0; t < d.tags.size(); ++t) out.tags[first + t] = tag_names.key(d.tags[t]);
    for (Entity& e : entities_of(out, first, d.tags, d.confidences, tag_names, &out.entity_confidence))
      if (!e.confidence || *e.confidence >= options_.min_confidence) out.entities.push_back(std::move(e));
    if (options_.decode.nbest == 0) continue;
    std::vector<TaggedLine::Alternative> alternatives;
    for (const Decoding::Path& path : d.nbest)
      alternatives.push_back({path.probability, entities_of(out, first, path.tags, path.confidences, tag_names)});
    out.nbest = pair_best(out.nbest, alternatives, static_cast<std::size_t>(options_.decode.nbest));
  }
  return tagged;
}

}  // namespace ner
