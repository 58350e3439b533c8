#include "ner/tagging/output_writers.h"

#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "data/error.h"
#include "data/utf8.h"

namespace ner {
namespace {

// Appends `text` (valid UTF-8) as a JSON string with the escapes nlohmann::json writes: \" \\ \b \f \n \r \t, other
// control characters as \u00xx, everything else as it is.
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// A probability with six decimals (0.998123, 1.000000, 0.000021).
std::string rounded(double p) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", p);
  return text;
}

// [{"start":s,"end":e,"type":t,"text":x[,"confidence":c]},...]
void append_entities(std::string& out, const std::vector<Entity>& entities) {
  out += '[';
  for (const Entity& e : entities) {
    if (out.back() != '[') out += ',';
    out += "{\"start\":" + std::to_string(e.start) + ",\"end\":" + std::to_string(e.end) + ",\"type\":";
    append_json_string(out, e.type);
    out += ",\"text\":";
    append_json_string(out, e.text);
    if (e.confidence) out += ",\"confidence\":" + rounded(*e.confidence);
    out += '}';
  }
  out += ']';
}

}  // namespace

const std::vector<std::string>& output_format_names() {
  static const std::vector<std::string> names = {"jsonl", "conll", "inline", "brat"};
  return names;
}

OutputFormat parse_output_format(const std::string& name) {
  const std::vector<std::string>& names = output_format_names();
  for (std::size_t k = 0; k < names.size(); ++k)
    if (names[k] == name) return static_cast<OutputFormat>(k);
  throw data::Error("unknown output format '" + name + "' (expected jsonl, conll, inline or brat)");
}

std::string output_format_name(OutputFormat format) { return output_format_names()[static_cast<std::size_t>(format)]; }

// JSONL is written directly (a line of a million characters would otherwise become a tree of JSON objects many
// times its size).
std::string format_line(const TaggedLine& line, OutputFormat format, bool confidence, const std::string& record) {
  if (format == OutputFormat::kConll) {
    // One `token tag [confidence]` line per token.
    std::string out;
    for (std::size_t t = 0; t < line.tokens.size(); ++t) {
      out += line.tokens[t].text(line.text);
      out += ' ';
      out += line.tags[t];
      if (confidence) out += line.entity_confidence[t] ? " " + rounded(*line.entity_confidence[t]) : std::string(" -");
      out += '\n';
    }
    return out + "\n";
  }
  if (format == OutputFormat::kInline) {
    // The original text with each entity wrapped as [text]TYPE or [text]TYPE|confidence.
    std::string out;
    std::size_t byte = 0;
    for (const Entity& entity : line.entities) {
      out.append(line.text, byte, entity.byte_begin - byte);
      out += "[" + entity.text + "]" + entity.type;
      if (confidence && entity.confidence) out += "|" + rounded(*entity.confidence);
      byte = entity.byte_end;
    }
    out.append(line.text, byte, std::string::npos);
    return out + "\n";
  }
  std::string out = "{\"text\":";
  append_json_string(out, line.text);
  if (!record.empty()) {
    // The record's fields in its order, the text as tagged, then the entities (replacing any the record had).
    out = "{";
    const nlohmann::ordered_json fields = nlohmann::ordered_json::parse(record);
    for (const auto& [key, value] : fields.items()) {
      if (key == "entities" || key == "nbest") continue;
      if (out.size() > 1) out += ',';
      append_json_string(out, key);
      out += ':';
      if (key == "text") append_json_string(out, line.text);
      else out += value.dump();
    }
  }
  out += ",\"entities\":";
  append_entities(out, line.entities);
  if (!line.nbest.empty()) {
    out += ",\"nbest\":[";
    for (const TaggedLine::Alternative& a : line.nbest) {
      if (out.back() != '[') out += ',';
      out += "{\"probability\":" + rounded(a.probability) + ",\"entities\":";
      append_entities(out, a.entities);
      out += '}';
    }
    out += ']';
  }
  return out + "}\n";
}

BratWriter::BratWriter(const std::string& ann_path, bool confidence, const std::vector<std::string>& inputs)
    : txt_path_(ann_path.substr(0, ann_path.size() - 4) + ".txt"), confidence_(confidence), ann_(ann_path) {
  struct stat info;
  if (::stat(txt_path_.c_str(), &info) != 0) {
    txt_ = std::make_unique<data::OutputFile>(txt_path_);
    return;
  }
  existing_is_input_ = data::is_an_input(txt_path_, inputs);
  existing_.open(txt_path_, std::ios::binary);
  if (!existing_) throw data::Error(txt_path_ + ": exists and cannot be read, so it cannot be checked to be the text the offsets refer to; give another --output");
}

void BratWriter::compare_with_existing(const std::string& txt) {
  // The existing file's next bytes against `txt`: the first that differs is remembered. A file that lacks only the
  // last line break holds the same offsets; one that ended so before more text differs.
  if (ended_without_newline_) {
    differs_ = true;
    return;
  }
  std::string bytes(txt.size(), '\0');
  existing_.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(existing_.gcount()));
  std::size_t same = 0;
  while (same < bytes.size() && bytes[same] == txt[same]) ++same;
  if (same + 1 == txt.size() && bytes.size() == same && txt.back() == '\n') ended_without_newline_ = true;
  else if (same < txt.size()) differs_ = true;
  txt_bytes_ += same;
}

void BratWriter::write(const std::vector<TaggedLine>& lines) {
  std::string ann, txt;
  // Each document's entities, its text a line of the .txt.
  for (const TaggedLine& line : lines) {
    for (const Entity& e : line.entities) {
      const std::string id = std::to_string(++entities_);
      ann += "T" + id + "\t" + e.type + " " + std::to_string(offset_ + e.start) + " " + std::to_string(offset_ + e.end) +
             "\t" + e.text + "\n";
      if (confidence_ && e.confidence) ann += "#" + id + "\tAnnotatorNotes T" + id + "\tconfidence " + rounded(*e.confidence) + "\n";
    }
    txt += line.text + "\n";
    offset_ += data::count_code_points(line.text) + 1;
  }
  ann_.write(ann);
  if (txt_) txt_->write(txt);
  else if (!differs_) compare_with_existing(txt);
}

void BratWriter::commit() {
  if (!txt_ && !differs_ && existing_.peek() != std::char_traits<char>::eof()) differs_ = true;  // it is longer
  if (differs_) {
    const std::string where = " (from byte " + std::to_string(txt_bytes_) + ")";
    if (existing_is_input_)
      throw data::Error(txt_path_ + ": is an input and not the text the offsets refer to" + where +
                        " (UTF-8, a line per document, LF line breaks: brat reads UTF-8 and counts a CR as a character); give "
                        "another --output");
    throw data::Error(txt_path_ + ": exists and is not the text the offsets refer to" + where +
                      "; give another --output, or remove it");
  }
  if (txt_) txt_->commit();
  ann_.commit();
}

TagOutput::TagOutput(const std::string& path, OutputFormat format, bool confidence, const std::vector<std::string>& inputs)
    : format_(format), confidence_(confidence) {
  data::check_not_an_input(path, inputs);
  if (format == OutputFormat::kBrat) brat_ = std::make_unique<BratWriter>(path, confidence, inputs);
  else if (path != "-") file_ = std::make_unique<data::OutputFile>(path);
}

void TagOutput::write(const std::vector<TaggedLine>& lines, const std::vector<std::string>& records) {
  if (brat_) return brat_->write(lines);
  std::string formatted;
  for (std::size_t i = 0; i < lines.size(); ++i)
    formatted += format_line(lines[i], format_, confidence_, i < records.size() ? records[i] : std::string());
  if (file_) file_->write(formatted);
  else if (!(std::cout << formatted)) throw data::Error("<stdout>: write failed");
}

void TagOutput::flush() {
  if (!file_ && !brat_ && !std::cout.flush()) throw data::Error("<stdout>: write failed");
}

void TagOutput::commit() {
  if (brat_) brat_->commit();
  else if (file_) file_->commit();
  else flush();
}

}  // namespace ner
