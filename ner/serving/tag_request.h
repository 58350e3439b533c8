// The body of `ner serve`'s POST /v1/tag and its answer. The request is a JSON object:
//   {"text": "..."} or {"texts": ["...", ...]}, with optional "confidence": true|false, "nbest": K (1 to kMaxNbest),
//   "min_confidence": X (0 to 1, implies confidence), as `ner tag`'s options of those names.
// The answer is `ner tag --format jsonl`'s line for each text: the line itself for "text", a JSON array of them for
// "texts" (the same bytes as `ner tag --input-format jsonl` writes for {"text": ...} lines).
#pragma once

#include <string>
#include <vector>

#include "ner/tagging/tagger.h"

namespace ner {

// The most paths a request may ask for, and the most paths × characters (the k best paths of a long text cost much
// more than its best path: 4,000 characters with 100 paths take most of a minute).
inline constexpr int kMaxNbest = 100;
inline constexpr std::size_t kMaxNbestWork = 20000;

struct TagRequest {
  std::vector<std::string> texts;
  bool single = true;  // {"text": ...}: the answer is one object
  TagOptions options;
};

// Why a body is refused: 400 (not JSON) or 422 (JSON, but not a request; too many paths for its texts), with a message
// that says what to send.
struct RequestError {
  int status;
  std::string message;
};

// Throws RequestError.
TagRequest parse_tag_request(const std::string& body);

std::string format_tag_response(const TagRequest& request, const std::vector<TaggedLine>& tagged);

// {"error": message}, with its line break.
std::string json_error(const std::string& message);

}  // namespace ner
