#include "ner/tagger.h"

#include <algorithm>
#include <atomic>
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

std::vector<std::vector<int>> predict_tag_ids(const std::vector<Model*>& models, const std::vector<EncodedSentence>& sentences,
                                              std::size_t batch_size) {
  std::vector<std::size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sentences[a].chars.size() < sentences[b].chars.size(); });
  // Batches of consecutive sentences in length order; sorted, so the sentence just added is the longest so far.
  std::vector<std::vector<std::size_t>> batches;
  std::size_t next = 0;
  while (next < order.size() && sentences[order[next]].chars.empty()) ++next;  // empty sentences: empty paths
  while (next < order.size()) {
    std::vector<std::size_t>& batch = batches.emplace_back();
    while (next < order.size() && batch.size() < batch_size &&
           (batch.empty() || (batch.size() + 1) * sentences[order[next]].chars.size() <= kMaxBatchPositions))
      batch.push_back(order[next++]);
  }
  std::vector<std::vector<int>> paths(sentences.size());
  std::atomic<std::size_t> next_batch{0};
  auto work = [&](Model& model) {
    std::vector<const EncodedSentence*> members;
    for (std::size_t b; (b = next_batch++) < batches.size();) {
      members.clear();
      for (std::size_t index : batches[b]) members.push_back(&sentences[index]);
      std::vector<std::vector<int>> batch_paths = model.predict(Batch(members));
      for (std::size_t k = 0; k < batches[b].size(); ++k) paths[batches[b][k]] = std::move(batch_paths[k]);
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t m = 1; m < models.size() && m < batches.size(); ++m) helpers.emplace_back(work, std::ref(*models[m]));
  work(*models.front());
  for (std::thread& helper : helpers) helper.join();
  return paths;
}

std::vector<std::vector<std::string>> predict_tags(const std::vector<Model*>& models,
                                                    const std::vector<std::vector<std::string>>& sentences, std::size_t batch_size) {
  const Model& model = *models.front();
  std::vector<EncodedSentence> encoded(sentences.size());
  for (std::size_t s = 0; s < sentences.size(); ++s) encoded[s] = model.encode(sentences[s]);
  std::vector<std::vector<std::string>> tags(sentences.size());
  std::vector<std::vector<int>> paths = predict_tag_ids(models, encoded, batch_size);
  for (std::size_t s = 0; s < sentences.size(); ++s)
    for (int id : paths[s]) tags[s].push_back(model.tags().key(id));
  return tags;
}

std::vector<TaggedLine> Tagger::tag(const std::vector<std::string>& lines) {
  std::vector<TaggedLine> tagged(lines.size());
  // Every sentence of every line: which line, and which of its tokens.
  struct Piece {
    std::size_t line;
    data::TokenRange range;
  };
  std::vector<Piece> pieces;
  std::vector<std::vector<std::string>> sentences;
  for (std::size_t l = 0; l < lines.size(); ++l) {
    TaggedLine& out = tagged[l];
    out.text = lines[l];
    out.tokens = tokenizer_.tokenize(out.text);
    out.tags.assign(out.tokens.size(), "O");
    for (data::TokenRange range : segmenter_.split(out.text, out.tokens)) {
      pieces.push_back({l, range});
      std::vector<std::string> tokens;
      for (std::size_t t = range.begin; t < range.end; ++t) tokens.emplace_back(out.tokens[t].text(out.text));
      sentences.push_back(std::move(tokens));
    }
  }
  std::vector<std::vector<std::string>> tags = predict_tags({&model_}, sentences, batch_size_);
  for (std::size_t p = 0; p < pieces.size(); ++p)
    std::copy(tags[p].begin(), tags[p].end(), tagged[pieces[p].line].tags.begin() + static_cast<std::ptrdiff_t>(pieces[p].range.begin));
  for (TaggedLine& out : tagged) {
    for (const data::Span& span : data::chunks(out.tags)) {
      const data::Token& first = out.tokens[span.begin];
      const data::Token& last = out.tokens[span.end - 1];
      out.entities.push_back({first.cp_begin, last.cp_end, first.byte_begin, last.byte_end, span.type,
                              out.text.substr(first.byte_begin, last.byte_end - first.byte_begin)});
    }
  }
  return tagged;
}

}  // namespace ner
