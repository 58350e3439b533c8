#include "ner/tagger.h"

#include <algorithm>
#include <numeric>

#include "data/tag_scheme.h"

namespace ner {

std::vector<std::vector<int>> predict_tag_ids(Model& model, const std::vector<EncodedSentence>& sentences, std::size_t batch_size) {
  std::vector<std::vector<int>> paths(sentences.size());
  std::vector<std::size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sentences[a].chars.size() < sentences[b].chars.size(); });
  std::size_t next = 0;
  while (next < order.size() && sentences[order[next]].chars.empty()) ++next;  // empty sentences: empty paths
  std::vector<const EncodedSentence*> members;
  std::vector<std::size_t> indices;
  while (next < order.size()) {
    members.clear();
    indices.clear();
    // Sorted by length, so the sentence just added is the longest so far.
    while (next < order.size() && members.size() < batch_size &&
           (members.empty() || (members.size() + 1) * sentences[order[next]].chars.size() <= kMaxBatchPositions)) {
      members.push_back(&sentences[order[next]]);
      indices.push_back(order[next]);
      ++next;
    }
    std::vector<std::vector<int>> batch_paths = model.predict(Batch(members));
    for (std::size_t k = 0; k < indices.size(); ++k) paths[indices[k]] = std::move(batch_paths[k]);
  }
  return paths;
}

std::vector<std::vector<std::string>> predict_tags(Model& model, const std::vector<std::vector<std::string>>& sentences,
                                                    std::size_t batch_size) {
  std::vector<EncodedSentence> encoded(sentences.size());
  for (std::size_t s = 0; s < sentences.size(); ++s) encoded[s] = model.encode(sentences[s]);
  std::vector<std::vector<std::string>> tags(sentences.size());
  std::vector<std::vector<int>> paths = predict_tag_ids(model, encoded, batch_size);
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
  std::vector<std::vector<std::string>> tags = predict_tags(model_, sentences, batch_size_);
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
