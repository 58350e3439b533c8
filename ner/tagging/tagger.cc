#include "ner/tagging/tagger.h"

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

// The entity spans of a decoded sentence or window whose first token is the line's token `first`, in line tokens.
std::vector<data::Span> line_spans(const std::vector<int>& tags, std::size_t first, const data::Vocab& tag_names) {
  std::vector<std::string> names;
  for (int id : tags) names.push_back(tag_names.key(id));
  std::vector<data::Span> spans = data::chunks(names);
  for (data::Span& span : spans) span.begin += first, span.end += first;
  return spans;
}

// The entities of a sentence's spans (line_spans) that lie in the line's tokens `keep`, with their confidences if
// known; those are also given to the entity's tokens in `token_confidence` if that is not null.
std::vector<Entity> entities_of(const TaggedLine& line, const std::vector<data::Span>& spans,
                                const std::vector<double>& confidences, data::TokenRange keep,
                                std::vector<std::optional<double>>* token_confidence = nullptr) {
  std::vector<Entity> entities;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    if (spans[k].begin < keep.begin || spans[k].end > keep.end) continue;
    const data::Token& begin = line.tokens[spans[k].begin];
    const data::Token& last = line.tokens[spans[k].end - 1];
    Entity& e = entities.emplace_back(Entity{begin.cp_begin, last.cp_end, begin.byte_begin, last.byte_end, spans[k].type,
                                             line.text.substr(begin.byte_begin, last.byte_end - begin.byte_begin), std::nullopt});
    if (confidences.empty()) continue;
    e.confidence = confidences[k];
    if (token_confidence)
      std::fill(token_confidence->begin() + static_cast<std::ptrdiff_t>(spans[k].begin),
                token_confidence->begin() + static_cast<std::ptrdiff_t>(spans[k].end), e.confidence);
  }
  return entities;
}

// The n best alternatives with equal entities merged, their probabilities summed (windows' paths that differ only
// outside the part kept).
std::vector<TaggedLine::Alternative> merge_equal(std::vector<TaggedLine::Alternative> alternatives) {
  auto same = [](const Entity& a, const Entity& b) { return a.start == b.start && a.end == b.end && a.type == b.type; };
  std::vector<TaggedLine::Alternative> merged;
  for (TaggedLine::Alternative& a : alternatives) {
    auto equal = std::find_if(merged.begin(), merged.end(), [&](const TaggedLine::Alternative& m) {
      return std::equal(m.entities.begin(), m.entities.end(), a.entities.begin(), a.entities.end(), same);
    });
    if (equal == merged.end()) merged.push_back(std::move(a));
    else equal->probability += a.probability;
  }
  std::stable_sort(merged.begin(), merged.end(), [](const auto& x, const auto& y) { return x.probability > y.probability; });
  return merged;
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

// The tags of the dictionary's entries in a sentence (`tokens`, encoded in `sentence`), in the model's scheme.
void give_dictionary_tags(const data::EntityDictionary& dictionary, const Model& model, const std::vector<std::string>& tokens,
                          EncodedSentence& sentence) {
  const std::vector<data::Span> entries = dictionary.match(tokens, sentence.joined);
  sentence.dictionary_tags.assign(tokens.size(), -1);
  const std::vector<std::string> tags = data::tags_from_spans(entries, tokens.size(), model.config().scheme);
  for (const data::Span& entry : entries)
    for (std::size_t t = entry.begin; t < entry.end; ++t) sentence.dictionary_tags[t] = model.tags().id(tags[t]);
}

}  // namespace

std::size_t meeting_point(data::TokenRange left, const std::vector<data::Span>& left_spans, data::TokenRange right,
                          const std::vector<data::Span>& right_spans, const std::vector<char>& joined) {
  auto crosses = [](const std::vector<data::Span>& spans, std::size_t at) {
    return std::any_of(spans.begin(), spans.end(), [at](const data::Span& s) { return s.begin < at && at < s.end; });
  };
  const std::size_t middle = (right.begin + left.end) / 2;
  std::optional<std::size_t> both, left_only;
  auto nearer = [middle](std::optional<std::size_t> best, std::size_t at) {
    auto distance = [middle](std::size_t x) { return x > middle ? x - middle : middle - x; };
    return !best || distance(at) < distance(*best) ? std::optional<std::size_t>(at) : best;
  };
  for (std::size_t at = right.begin; at <= left.end; ++at) {
    if (crosses(left_spans, at)) continue;
    left_only = nearer(left_only, at);
    if (!crosses(right_spans, at) && (at == left.end || !joined[at - 1 - left.begin])) both = nearer(both, at);
  }
  return both ? *both : *left_only;
}

Tagger::Tagger(const std::vector<Model*>& models, std::size_t batch_size, const TagOptions& options)
    : models_(models), batch_size_(batch_size) {
  set_options(options);
  for (std::size_t m = 0; m < models_.size(); ++m)
    splitters_.push_back(std::make_unique<Splitter>());
}

void Tagger::set_options(const TagOptions& options) {
  if (options.dictionary && options.dictionary != options_.dictionary) {
    const data::Vocab& tags = models_.front()->tags();
    std::string model_types;
    for (const std::string& tag : tags.keys())
      if (tag.rfind("B-", 0) == 0) model_types += (model_types.empty() ? "" : ", ") + tag.substr(2);
    for (const std::string& type : options.dictionary->types())
      if (!tags.contains("B-" + type))
        throw data::Error(options.dictionary->origin() + ": type " + type + " is not one the model tags (" + model_types + ")");
  }
  options_ = options;
}

std::vector<TaggedLine> Tagger::tag(const std::vector<std::string>& lines) {
  std::vector<TaggedLine> tagged(lines.size());
  const std::size_t window = options_.window > 0 ? options_.window : models_.front()->config().max_sentence_tokens;
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
    ranges[l] = splitter.segmenter.split(out.text, out.tokens, window);
    const std::vector<char> joined = data::joined_latin_words(out.text, out.tokens);
    std::vector<std::string> tokens;
    // The sentence's tokens, encoded, with the Latin words inside it.
    for (data::TokenRange range : ranges[l]) {
      tokens.clear();
      for (std::size_t t = range.begin; t < range.end; ++t) tokens.emplace_back(out.tokens[t].text(out.text));
      EncodedSentence& sentence = encoded[l].emplace_back(models_[worker]->encode(tokens));
      sentence.joined.assign(joined.begin() + static_cast<std::ptrdiff_t>(range.begin), joined.begin() + static_cast<std::ptrdiff_t>(range.end));
      if (!sentence.joined.empty()) sentence.joined.back() = 0;  // the sentence ends here
      if (options_.dictionary) give_dictionary_tags(*options_.dictionary, *models_[worker], tokens, sentence);
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
  // Each line's tags, entities and alternatives from its sentences' decodings, in order; of two overlapping windows,
  // each gives what lies on its side of their meeting point.
  share_out(lines.size(), models_.size(), [&](std::size_t, std::size_t l) {
    TaggedLine& out = tagged[l];
    const std::vector<data::TokenRange>& range = ranges[l];
    std::vector<data::Span> spans, next_spans;
    if (!range.empty()) next_spans = line_spans(decoded[first_sentence[l]].tags, range[0].begin, tag_names);
    std::size_t keep_begin = range.empty() ? 0 : range[0].begin;
    for (std::size_t p = 0; p < range.size(); ++p) {
      const std::size_t first = range[p].begin;
      const Decoding& d = decoded[first_sentence[l] + p];
      spans = std::move(next_spans);
      std::size_t keep_end = range[p].end;
      if (p + 1 < range.size()) {
        next_spans = line_spans(decoded[first_sentence[l] + p + 1].tags, range[p + 1].begin, tag_names);
        if (range[p + 1].begin < range[p].end)
          keep_end = meeting_point(range[p], spans, range[p + 1], next_spans, sentences[first_sentence[l] + p].joined);
      }
      const data::TokenRange keep{keep_begin, keep_end};
      for (std::size_t t = keep.begin; t < keep.end; ++t) out.tags[t] = tag_names.key(d.tags[t - first]);
      // An entity that begins before the part kept (in the window before) leaves O tags behind in it.
      for (const data::Span& span : spans)
        if (span.begin < keep.begin)
          for (std::size_t t = keep.begin; t < std::min(span.end, keep.end); ++t) out.tags[t] = "O";
      for (Entity& e : entities_of(out, spans, d.confidences, keep, &out.entity_confidence))
        if (!e.confidence || *e.confidence >= options_.min_confidence) out.entities.push_back(std::move(e));
      keep_begin = keep_end;
      if (options_.decode.nbest == 0) continue;
      std::vector<TaggedLine::Alternative> alternatives;
      for (const Decoding::Path& path : d.nbest)
        alternatives.push_back(
            {path.probability, entities_of(out, line_spans(path.tags, first, tag_names), path.confidences, keep)});
      if (keep.begin != range[p].begin || keep.end != range[p].end) alternatives = merge_equal(std::move(alternatives));
      out.nbest = pair_best(out.nbest, alternatives, static_cast<std::size_t>(options_.decode.nbest));
    }
  });
  return tagged;
}

}  // namespace ner
