#include "ner/serving/tag_request.h"

#include <nlohmann/json.hpp>

#include "data/utf8.h"
#include "ner/tagging/output_writers.h"

namespace ner {
namespace {

RequestError unprocessable(const std::string& message) { return RequestError{422, message}; }

}  // namespace

TagRequest parse_tag_request(const std::string& body) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // The parser's reason ("... - invalid string: ill-formed UTF-8 byte; last read: ..."), at e.byte (1-based).
    std::string reason = e.what();
    const std::size_t dash = reason.find(" - ");
    reason = dash == std::string::npos ? "syntax error" : reason.substr(dash + 3, reason.find("; last read") - dash - 3);
    throw RequestError{400, "the body is not JSON (byte " + std::to_string(e.byte) + ": " + reason + "): send {\"text\": \"...\"}"};
  } catch (const nlohmann::json::exception&) {  // a number too large for a double, say
    throw RequestError{400, "the body is not JSON that can be read (a number out of range?): send {\"text\": \"...\"}"};
  }
  if (!json.is_object()) throw unprocessable("the body must be a JSON object: {\"text\": \"...\"} or {\"texts\": [...]}");
  TagRequest request;
  bool has_text = false;
  // Each field, checked for its type and range.
  for (const auto& [key, value] : json.items()) {
    if (key == "text") {
      if (!value.is_string()) throw unprocessable("\"text\" must be a string");
      request.texts.push_back(value.get<std::string>());
      has_text = true;
    } else if (key == "texts") {
      if (!value.is_array()) throw unprocessable("\"texts\" must be an array of strings");
      for (const auto& text : value) {
        if (!text.is_string()) throw unprocessable("\"texts\" must be an array of strings");
        request.texts.push_back(text.get<std::string>());
      }
      request.single = false;
    } else if (key == "confidence") {
      if (!value.is_boolean()) throw unprocessable("\"confidence\" must be true or false");
      request.options.decode.confidence = request.options.decode.confidence || value.get<bool>();
    } else if (key == "nbest") {
      if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > kMaxNbest)
        throw unprocessable("\"nbest\" must be a whole number from 1 to " + std::to_string(kMaxNbest));
      request.options.decode.nbest = value.get<int>();
    } else if (key == "min_confidence") {
      if (!value.is_number() || !(value.get<double>() >= 0 && value.get<double>() <= 1))
        throw unprocessable("\"min_confidence\" must be a number from 0 to 1");
      request.options.min_confidence = value.get<double>();
      request.options.decode.confidence = request.options.decode.confidence || request.options.min_confidence > 0;
    } else {
      throw unprocessable("unknown field \"" + key + "\" (text, texts, confidence, nbest, min_confidence)");
    }
  }
  const bool has_texts = !request.single;
  if (has_text == has_texts)
    throw unprocessable("give either \"text\" (a string) or \"texts\" (an array of strings)");
  if (request.options.decode.nbest > 1) {
    std::size_t work = 0;
    for (const std::string& text : request.texts) work += data::count_code_points(text) * static_cast<std::size_t>(request.options.decode.nbest);
    if (work > kMaxNbestWork)
      throw unprocessable("\"nbest\" × the characters of the texts is " + std::to_string(work) + ", more than " +
                          std::to_string(kMaxNbestWork) + ": ask for fewer paths or send shorter texts");
  }
  return request;
}

std::string format_tag_response(const TagRequest& request, const std::vector<TaggedLine>& tagged) {
  const bool confidence = request.options.decode.confidence;
  if (request.single) return format_line(tagged.at(0), OutputFormat::kJsonl, confidence);
  std::string body = "[";
  for (std::size_t i = 0; i < tagged.size(); ++i) {
    std::string line = format_line(tagged[i], OutputFormat::kJsonl, confidence);
    line.pop_back();  // its line break
    body += (i ? "," : "") + line;
  }
  return body + "]\n";
}

std::string json_error(const std::string& message) {
  // Invalid UTF-8 (a request's path, say) is replaced, never an exception.
  return nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace ner
