#include "ner/tagger.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <iterator>
#include <mutex>
#include <numeric>
#include <thread>

#include "data/error.h"
#include "data/tag_scheme.h"
#include "data/tokenizer.h"
#include "nn/profile.h"

namespace ner {

nn::Bf16Kernel apply_precision(Model& model, const std::string& precision) {
  if (precision == "float") return model.set_bfloat16(nn::Bf16Kernel::kNone);
  if (precision == "bfloat16") return model.set_bfloat16(nn::Bf16Matrix::fastest());
  if (precision != "bfloat16-amx" && precision != "bfloat16-avx512")
    throw data::UsageError("--precision " + precision + ": expected bfloat16, bfloat16-amx, bfloat16-avx512 or float");
  const nn::Bf16Kernel kernel = precision == "bfloat16-amx" ? nn::Bf16Kernel::kAmx : nn::Bf16Kernel::kAvx512;
  if (!nn::Bf16Matrix::supported(kernel))
    throw data::UsageError("--precision " + precision + ": this CPU (or its operating system) has no " +
                           nn::kernel_name(kernel) + "; --precision bfloat16 uses what it has");
  return model.set_bfloat16(kernel);
}

std::string arithmetic_name(nn::Bf16Kernel kernel) {
  return kernel == nn::Bf16Kernel::kNone ? "float" : "bfloat16 (" + nn::kernel_name(kernel) + ")";
}

void share_out(std::size_t items, std::size_t workers, const ShareWork& work) {
  std::atomic<std::size_t> next_item{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  // One thread's part: items in turn until none is left or a thread has failed.
  auto run = [&](std::size_t worker) {
    try {
      for (std::size_t item; !failed && (item = next_item++) < items;) work(worker, item);
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      failed = true;
    }
  };
  std::vector<std::thread> helpers;
  try {
    for (std::size_t w = 1; w < workers && w < items; ++w) helpers.emplace_back(run, w);
  } catch (...) {
    // A thread that could not start: the started ones stop at their next item and are joined first.
    failed = true;
    for (std::thread& helper : helpers) helper.join();
    throw;
  }
  run(0);
  for (std::thread& helper : helpers) helper.join();
  if (first_error) std::rethrow_exception(first_error);
}

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
  std::mutex progress_mutex;
  std::size_t sentences_done = empty_sentences;  // they need no decoding
  // Batch b decoded by the worker's model.
  share_out(batches.size(), models.size(), [&](std::size_t worker, std::size_t b) {
    std::vector<const EncodedSentence*> members;
    for (std::size_t index : batches[b]) members.push_back(&sentences[index]);
    std::vector<Decoding> batch_decoded = models[worker]->predict(Batch(members), options);
    for (std::size_t k = 0; k < batches[b].size(); ++k) decoded[batches[b][k]] = std::move(batch_decoded[k]);
    if (!progress) return;
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress(sentences_done += batches[b].size());
  });
  return decoded;
}

std::vector<std::vector<std::string>> predict_tags(const std::vector<Model*>& models,
                                                    const std::vector<std::vector<std::string>>& sentences, std::size_t batch_size,
                                                    const DecodeProgress& progress) {
  const Model& model = *models.front();
  std::vector<EncodedSentence> encoded(sentences.size());
  for (std::size_t s = 0; s < sentences.size(); ++s) {
    encoded[s] = model.encode(sentences[s]);
    // A corpus's tokens touch (it has no spaces between them): consecutive Latin-word tokens are one word.
    encoded[s].joined.assign(sentences[s].size(), 0);
    for (std::size_t t = 0; t + 1 < sentences[s].size(); ++t)
      encoded[s].joined[t] = data::is_latin_word_grapheme(sentences[s][t]) && data::is_latin_word_grapheme(sentences[s][t + 1]);
  }
  std::vector<std::vector<std::string>> tags(sentences.size());
  std::vector<Decoding> decoded = decode(models, encoded, batch_size, {}, progress);
  for (std::size_t s = 0; s < sentences.size(); ++s)
    for (int id : decoded[s].tags) tags[s].push_back(model.tags().key(id));
  return tags;
}

std::vector<std::vector<std::string>> predict_corpus_tags(const std::vector<Model*>& models, const data::Corpus& corpus,
                                                          std::size_t batch_size, const DecodeProgress& progress) {
  std::vector<std::vector<std::string>> tokens;
  for (const data::Sentence& sentence : corpus.sentences) tokens.push_back(sentence.tokens);
  std::vector<std::vector<std::string>> predicted = predict_tags(models, tokens, batch_size, progress);
  const data::Scheme corpus_scheme = data::detect_scheme(corpus.distinct_tags());
  for (std::vector<std::string>& tags : predicted) tags = data::convert_tags(tags, corpus_scheme);
  return predicted;
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

Tagger::Tagger(const std::vector<Model*>& models, std::size_t batch_size, const TagOptions& options)
    : models_(models), batch_size_(batch_size), options_(options) {
  for (std::size_t m = 0; m < models_.size(); ++m)
    splitters_.push_back(std::make_unique<Splitter>(models_.front()->config().max_sentence_tokens));
}

std::vector<TaggedLine> Tagger::tag(const std::vector<std::string>& lines) {
  std::vector<TaggedLine> tagged(lines.size());
  // Each line tokenized and split into sentences, which are encoded.
  std::vector<std::vector<data::TokenRange>> ranges(lines.size());
  std::vector<std::vector<EncodedSentence>> encoded(lines.size());
  share_out(lines.size(), models_.size(), [&](std::size_t worker, std::size_t l) {
    nn::profile::Scope scope(nn::profile::Part::kTokenizing);
    Splitter& splitter = *splitters_[worker];
    TaggedLine& out = tagged[l];
    out.text = lines[l];
    out.tokens = splitter.tokenizer.tokenize(out.text);
    out.tags.assign(out.tokens.size(), "O");
    if (options_.decode.confidence) out.entity_confidence.assign(out.tokens.size(), std::nullopt);
    if (options_.decode.nbest > 0) out.nbest.push_back({1.0, {}});
    ranges[l] = splitter.segmenter.split(out.text, out.tokens);
    const std::vector<char> joined = data::joined_latin_words(out.text, out.tokens);
    std::vector<std::string> tokens;
    // The sentence's tokens, encoded, with the Latin words inside it.
    for (data::TokenRange range : ranges[l]) {
      tokens.clear();
      for (std::size_t t = range.begin; t < range.end; ++t) tokens.emplace_back(out.tokens[t].text(out.text));
      EncodedSentence& sentence = encoded[l].emplace_back(models_[worker]->encode(tokens));
      sentence.joined.assign(joined.begin() + static_cast<std::ptrdiff_t>(range.begin), joined.begin() + static_cast<std::ptrdiff_t>(range.end));
      if (!sentence.joined.empty()) sentence.joined.back() = 0;  // the sentence ends here
    }
  });
  // Every sentence of every line, in order; line l's begin at first_sentence[l].
  std::vector<EncodedSentence> sentences;
  std::vector<std::size_t> first_sentence(lines.size());
  for (std::size_t l = 0; l < lines.size(); ++l) {
    first_sentence[l] = sentences.size();
    sentences.insert(sentences.end(), std::make_move_iterator(encoded[l].begin()), std::make_move_iterator(encoded[l].end()));
  }
  const std::vector<Decoding> decoded = decode(models_, sentences, batch_size_, options_.decode);
  const data::Vocab& tag_names = models_.front()->tags();
  // Each line's tags, entities and alternatives from its sentences' decodings, in order.
  share_out(lines.size(), models_.size(), [&](std::size_t, std::size_t l) {
    TaggedLine& out = tagged[l];
    for (std::size_t p = 0; p < ranges[l].size(); ++p) {
      const std::size_t first = ranges[l][p].begin;
      const Decoding& d = decoded[first_sentence[l] + p];
      for (std::size_t t = 0; t < d.tags.size(); ++t) out.tags[first + t] = tag_names.key(d.tags[t]);
      for (Entity& e : entities_of(out, first, d.tags, d.confidences, tag_names, &out.entity_confidence))
        if (!e.confidence || *e.confidence >= options_.min_confidence) out.entities.push_back(std::move(e));
      if (options_.decode.nbest == 0) continue;
      std::vector<TaggedLine::Alternative> alternatives;
      for (const Decoding::Path& path : d.nbest)
        alternatives.push_back({path.probability, entities_of(out, first, path.tags, path.confidences, tag_names)});
      out.nbest = pair_best(out.nbest, alternatives, static_cast<std::size_t>(options_.decode.nbest));
    }
  });
  return tagged;
}

}  // namespace ner
