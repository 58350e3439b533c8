#include "data/jsonl.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

#include "data/error.h"
#include "data/text_file.h"
#include "data/tokenizer.h"
#include "data/utf8.h"

namespace data {
namespace {

using nlohmann::json;

// A span in code points [start, end) before it is mapped to tokens; `line` for messages.
struct CodePointSpan {
  long long start, end;
  std::string type;
  std::string mention;  // empty when the layout gives none
};

std::vector<CodePointSpan> spans_of(const json& record, const std::string& origin, std::size_t line) {
  std::vector<CodePointSpan> spans;
  auto offset = [&](const json& value, const char* what) -> long long {
    if (!value.is_number_integer()) throw error_at(origin, line, std::string(what) + " must be an integer");
    return value.get<long long>();
  };
  if (record.contains("entities")) {
    if (!record["entities"].is_array()) throw error_at(origin, line, "\"entities\" must be an array");
    for (const json& entity : record["entities"]) {
      if (!entity.is_object() || !entity.contains("start") || !entity.contains("end") || !entity.contains("type") ||
          !entity["type"].is_string())
        throw error_at(origin, line, "each entity needs \"start\", \"end\" and a string \"type\"");
      std::string mention = entity.contains("text") && entity["text"].is_string() ? entity["text"].get<std::string>() : "";
      spans.push_back({offset(entity["start"], "\"start\""), offset(entity["end"], "\"end\""),
                       entity["type"].get<std::string>(), mention});
    }
  } else if (record.contains("label")) {
    if (!record["label"].is_object()) throw error_at(origin, line, "\"label\" must be an object");
    for (auto& [type, mentions] : record["label"].items()) {
      if (!mentions.is_object()) throw error_at(origin, line, "\"label\"." + type + " must be an object");
      for (auto& [mention, positions] : mentions.items()) {
        if (!positions.is_array()) throw error_at(origin, line, "positions of '" + mention + "' must be an array");
        for (const json& pair : positions) {
          if (!pair.is_array() || pair.size() != 2)
            throw error_at(origin, line, "each position of '" + mention + "' must be [start, end]");
          // CLUENER's end is inclusive.
          spans.push_back({offset(pair[0], "start"), offset(pair[1], "end") + 1, type, mention});
        }
      }
    }
  } else {
    throw error_at(origin, line, "expected \"entities\" or \"label\" beside \"text\"");
  }
  return spans;
}

// The spans of `spans` that do not overlap, chosen longest first, then the one starting earlier, then the type first
// in byte order (so of nested spans the outermost); sorted.
std::vector<Span> without_overlaps(const std::vector<Span>& spans) {
  std::vector<Span> by_priority = spans;
  std::sort(by_priority.begin(), by_priority.end(), [](const Span& a, const Span& b) {
    return std::tuple(b.end - b.begin, a.begin, a.type) < std::tuple(a.end - a.begin, b.begin, b.type);
  });
  std::vector<Span> kept;
  // Each span in turn is kept unless it overlaps one kept before it.
  for (const Span& span : by_priority)
    if (std::none_of(kept.begin(), kept.end(), [&](const Span& k) { return span.begin < k.end && k.begin < span.end; }))
      kept.push_back(span);
  std::sort(kept.begin(), kept.end());
  return kept;
}

}  // namespace

std::vector<Sentence> parse_jsonl(std::string_view text, const std::string& origin, Scheme scheme, Repairs* repairs) {
  std::vector<Sentence> sentences;
  Tokenizer tokenizer;
  for_each_line(text, [&](std::string_view line, std::size_t line_number) {
    line = without_byte_order_mark(line, origin, line_number, repairs);
    if (line.find_first_not_of(" \t") == std::string_view::npos) return;

    json record = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
    if (record.is_discarded()) throw error_at(origin, line_number, "invalid JSON");
    if (!record.is_object() || !record.contains("text") || !record["text"].is_string())
      throw error_at(origin, line_number, "expected an object with a string \"text\"");
    const std::string sentence_text = record["text"].get<std::string>();
    std::vector<Token> tokens = tokenizer.tokenize(sentence_text);

    // Code point -> byte offset, and code point -> token starting / ending there.
    std::vector<std::size_t> byte_of_cp;
    for (std::size_t b = 0; b < sentence_text.size(); ++b)
      if ((static_cast<unsigned char>(sentence_text[b]) & 0xC0) != 0x80) byte_of_cp.push_back(b);
    const std::size_t length = byte_of_cp.size();
    byte_of_cp.push_back(sentence_text.size());
    std::vector<long long> token_starting(length + 1, -1), token_ending(length + 1, -1);
    for (std::size_t t = 0; t < tokens.size(); ++t) {
      token_starting[tokens[t].cp_begin] = static_cast<long long>(t);
      token_ending[tokens[t].cp_end] = static_cast<long long>(t);
    }

    std::vector<Span> spans;
    for (const CodePointSpan& span : spans_of(record, origin, line_number)) {
      std::string where = "span [" + std::to_string(span.start) + ", " + std::to_string(span.end) + ") of type " + span.type;
      if (span.start < 0 || span.end > static_cast<long long>(length) || span.start >= span.end)
        throw error_at(origin, line_number, where + " is out of range for a text of " + std::to_string(length) + " characters");
      std::string covered = sentence_text.substr(byte_of_cp[span.start], byte_of_cp[span.end] - byte_of_cp[span.start]);
      if (!span.mention.empty() && covered != span.mention)
        throw error_at(origin, line_number, where + " covers '" + covered + "', not its mention '" + span.mention + "'");
      long long first = token_starting[span.start], last = token_ending[span.end];
      if (first < 0 || last < 0 || first > last)
        throw error_at(origin, line_number, where + " does not start and end on character boundaries");
      spans.push_back({static_cast<std::size_t>(first), static_cast<std::size_t>(last) + 1, span.type});
    }
    std::sort(spans.begin(), spans.end());
    std::vector<Span> kept = without_overlaps(spans);
    if (kept.size() < spans.size()) {
      // Strict: the first two neighbours in (begin, end, type) order that overlap are named.
      for (std::size_t i = 1; !repairs && i < spans.size(); ++i)
        if (spans[i].begin < spans[i - 1].end)
          throw error_at(origin, line_number, "spans of type " + spans[i - 1].type + " and " + spans[i].type + " overlap");
      repairs->overlapping_spans.add(line_number, spans.size() - kept.size());
    }

    if (tokens.empty()) return;
    Sentence sentence;
    sentence.line = line_number;
    sentence.token_per_line = false;
    for (const Token& token : tokens) sentence.tokens.emplace_back(token.text(sentence_text));
    sentence.tags = tags_from_spans(kept, tokens.size(), scheme);
    sentences.push_back(std::move(sentence));
  });
  return sentences;
}

std::string format_jsonl(const std::vector<Sentence>& sentences) {
  std::string out;
  for (const Sentence& sentence : sentences) {
    std::string text;
    std::vector<std::size_t> cp_start;  // code point offset of each token, and the end
    std::size_t cp = 0;
    for (const std::string& token : sentence.tokens) {
      cp_start.push_back(cp);
      text += token;
      cp += count_code_points(token);
    }
    cp_start.push_back(cp);
    // Keys in ner tag's order.
    nlohmann::ordered_json entities = nlohmann::ordered_json::array();
    for (const Span& span : chunks(sentence.tags))
      entities.push_back({{"start", cp_start[span.begin]}, {"end", cp_start[span.end]}, {"type", span.type}});
    const nlohmann::ordered_json record = {{"text", text}, {"entities", entities}};
    out += record.dump();
    out += '\n';
  }
  return out;
}

}  // namespace data
