// `ner tag [INPUT ...] [--model FILE] [--output FILE] [--format jsonl|conll|inline|brat]`
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <thread>

#include "data/output_file.h"
#include "data/encoding.h"
#include "data/error.h"
#include "data/line_reader.h"
#include "data/text_file.h"
#include "data/utf8.h"
#include "ner/cli_common.h"
#include "ner/model_io.h"
#include "ner/tagger.h"

namespace ner {
namespace {

// Lines tagged together: enough to fill batches, few enough that memory stays small.
constexpr std::size_t kLinesPerChunk = 512;
constexpr std::size_t kBytesPerChunk = 1 << 18;

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

// A probability rounded to six decimals, as nlohmann::json prints a double.
std::string rounded(double p) { return nlohmann::json(std::round(p * 1e6) / 1e6).dump(); }

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

// One line of output. JSONL is written directly (a line of a million characters would otherwise become a tree of
// JSON objects many times its size).
std::string format_line(const TaggedLine& line, const std::string& format) {
  if (format == "conll") {
    std::string out;
    for (std::size_t t = 0; t < line.tokens.size(); ++t) {
      out += line.tokens[t].text(line.text);
      out += ' ';
      out += line.tags[t];
      out += '\n';
    }
    return out + "\n";
  }
  if (format == "inline") {
    // The original text with each entity wrapped as [text]TYPE.
    std::string out;
    std::size_t byte = 0;
    for (const Entity& entity : line.entities) {
      out.append(line.text, byte, entity.byte_begin - byte);
      out += "[" + entity.text + "]" + entity.type;
      byte = entity.byte_end;
    }
    out.append(line.text, byte, std::string::npos);
    return out + "\n";
  }
  std::string out = "{\"text\":";
  append_json_string(out, line.text);
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

// BRAT standoff: the text the offsets refer to (UTF-8 lines ending in \n) in NAME.txt, and one `T<id>\tTYPE start
// end\ttext` line per entity in NAME.ann, with code-point offsets into the whole .txt (as brat counts them).
class BratWriter {
 public:
  explicit BratWriter(const std::string& ann_path)
      : ann_(ann_path), txt_(ann_path.substr(0, ann_path.size() - 4) + ".txt") {}

  void write(const std::vector<TaggedLine>& lines) {
    std::string ann, txt;
    for (const TaggedLine& line : lines) {
      for (const Entity& e : line.entities)
        ann += "T" + std::to_string(++entities_) + "\t" + e.type + " " + std::to_string(offset_ + e.start) + " " +
               std::to_string(offset_ + e.end) + "\t" + e.text + "\n";
      txt += line.text + "\n";
      offset_ += data::count_code_points(line.text) + 1;
    }
    ann_.write(ann);
    txt_.write(txt);
  }
  void commit() {
    txt_.commit();
    ann_.commit();
  }

 private:
  data::OutputFile ann_, txt_;
  std::size_t entities_ = 0, offset_ = 0;
};

// A share of a chunk, tagged: formatted text, or for brat (whose ids and offsets run through the whole file) the
// tagged lines for the writer.
struct TaggedShare {
  std::string text;
  std::vector<TaggedLine> lines;
};

// Splits the lines into one contiguous share per tagger (about equal bytes), tags and formats the shares on as many
// threads, and returns the shares in order.
std::vector<TaggedShare> tag_in_parallel(const std::vector<std::unique_ptr<Tagger>>& taggers, std::vector<std::string> lines,
                                         const std::string& format) {
  std::size_t total = 0;
  for (const std::string& line : lines) total += line.size() + 1;
  std::vector<std::vector<std::string>> shares(taggers.size());
  std::size_t done = 0, share = 0;
  for (std::string& line : lines) {
    while (share + 1 < shares.size() && done * shares.size() >= total * (share + 1)) ++share;
    done += line.size() + 1;
    shares[share].push_back(std::move(line));
  }
  std::vector<TaggedShare> tagged(shares.size());
  std::vector<std::exception_ptr> errors(shares.size());
  auto work = [&](std::size_t k) {
    try {
      tagged[k].lines = taggers[k]->tag(shares[k]);
      if (format == "brat") return;
      for (const TaggedLine& line : tagged[k].lines) tagged[k].text += format_line(line, format);
      tagged[k].lines.clear();
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t k = 1; k < shares.size(); ++k)
    if (!shares[k].empty()) helpers.emplace_back(work, k);
  work(0);
  for (std::thread& helper : helpers) helper.join();
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);
  return tagged;
}

}  // namespace

void add_tag_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> inputs;
    std::string model = default_model_path();
    std::string output = "-";
    std::string format = "jsonl";
    std::string encoding = data::kAutoEncoding;
    bool verbose = false;
    bool keep_traditional = false;
    std::size_t batch = 32;
    int threads = default_threads();
    bool confidence = false;
    int nbest = 0;
    double min_confidence = 0;
    std::string precision = "bfloat16";
  };
  auto o = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "tag", "Tag entities in raw text, one document per line (any length: long lines are split into sentences "
             "internally). jsonl: {\"text\":...,\"entities\":[{\"start\":s,\"end\":e,\"type\":t,\"text\":...}]} with "
             "code-point offsets into the line, end exclusive; conll: one 'character tag' per line, a blank line "
             "after each input line; inline: the text with entities marked like [李克强]PER. --confidence adds "
             "\"confidence\" to each entity; --nbest K adds \"nbest\":[{\"probability\":p,\"entities\":[...]},...]");
  command->add_option("INPUT", o->inputs, "text files (none or - for stdin)");
  command->add_option("--model", o->model, "model file")->capture_default_str();
  command->add_option("--output,-o", o->output, "output file (- for stdout); written atomically")->capture_default_str();
  command->add_option("--format", o->format,
                      "jsonl, conll, inline, or brat (standoff for annotation tools: --output NAME.ann, and the text "
                      "the offsets refer to in NAME.txt)")
      ->capture_default_str()->check(CLI::IsMember({"jsonl", "conll", "inline", "brat"}));
  command->add_option("--encoding", o->encoding,
                      "input encoding: auto (a byte-order mark for UTF-8 or UTF-16, else UTF-8 if the first 64 KB are "
                      "UTF-8 but for a few bad bytes, else GB18030/GBK or Big5 by ICU's charset detector), or a name: "
                      "utf-8, gb18030, gbk, big5, utf-16, ...")
      ->capture_default_str();
  command->add_flag("--no-t2s", o->keep_traditional,
                    "do not look up characters the model lacks by their simplified form (OpenCC t2s, one character to "
                    "one; the output always shows the original text)");
  command->add_flag("--verbose,-v", o->verbose, "say on stderr which encoding each input was read in, and the arithmetic (--precision) in use");
  command->add_option("--batch", o->batch, "sentences per batch")->capture_default_str()->check(CLI::Range(1, 4096));
  command->add_option("--threads", o->threads, "threads, each tagging its own batches (the output keeps the input's order)")->capture_default_str()->check(CLI::Range(1, 256));
  command->add_flag("--confidence", o->confidence,
                    "give each entity its confidence: the CRF's probability of that span with that type (forward-backward)");
  command->add_option("--nbest", o->nbest, "also give the K best tag paths of each line with their probabilities (jsonl)")
      ->check(CLI::Range(1, 10000));
  command->add_option("--min-confidence", o->min_confidence,
                      "drop entities whose confidence is below X (implies --confidence; the conll tags are kept)")
      ->check(CLI::Range(0.0, 1.0));
  add_precision_option(*command, o->precision);
  command->callback([o] {
    if (o->nbest > 0 && o->format != "jsonl") throw data::Error("--nbest needs --format jsonl");
    if (o->format == "brat" && (o->output.size() <= 4 || o->output.compare(o->output.size() - 4, 4, ".ann") != 0))
      throw data::Error("--format brat needs --output NAME.ann (NAME.txt is written beside it)");
    TagOptions tag_options;
    tag_options.decode.confidence = o->confidence || o->min_confidence > 0;
    tag_options.decode.nbest = o->nbest;
    tag_options.min_confidence = o->min_confidence;
    LoadedModel loaded = load_model(o->model);
    loaded.model->set_simplify_traditional(!o->keep_traditional);
    const bool bfloat16 = apply_precision(*loaded.model, o->precision);
    if (o->verbose) std::cerr << o->model << ": recurrent layers in " << (bfloat16 ? "bfloat16 (AMX)" : "float") << "\n";
    // One tagger per thread; each tags a contiguous share of every chunk of lines.
    ModelReplicas replicas(*loaded.model, o->threads);
    std::vector<std::unique_ptr<Tagger>> taggers;
    for (Model* model : replicas.models()) taggers.push_back(std::make_unique<Tagger>(*model, o->batch, tag_options));
    std::vector<std::string> inputs = o->inputs.empty() ? std::vector<std::string>{"-"} : o->inputs;

    // Output: standard output as we go, or atomic files renamed over --output (and for brat its .txt) at the end
    // (removed on error).
    const bool to_stdout = o->output == "-";
    std::unique_ptr<data::OutputFile> file;
    std::unique_ptr<BratWriter> brat;
    if (o->format == "brat") brat = std::make_unique<BratWriter>(o->output);
    else if (!to_stdout) file = std::make_unique<data::OutputFile>(o->output);
    std::vector<std::string> chunk;
    std::size_t chunk_bytes = 0;
    auto flush = [&] {
      std::string text;
      for (TaggedShare& share : tag_in_parallel(taggers, std::move(chunk), o->format)) {
        if (brat) brat->write(share.lines);
        text += share.text;
      }
      if (file) {
        file->write(text);
      } else if (!brat && !(std::cout << text)) {
        throw data::Error("<stdout>: write failed");
      }
      chunk.clear();
      chunk_bytes = 0;
    };
    for (const std::string& input : inputs) {
      data::LineReader reader(input, o->encoding);
      if (o->verbose)
        std::cerr << reader.origin() << ": encoding " << reader.encoding().name
                  << (o->encoding == data::kAutoEncoding ? " (detected, confidence " + std::to_string(reader.encoding().confidence) + ")" : "")
                  << "\n";
      std::string line;
      while (reader.next(line)) {
        chunk_bytes += line.size();
        chunk.push_back(std::move(line));
        if (chunk.size() >= kLinesPerChunk || chunk_bytes >= kBytesPerChunk) flush();
      }
    }
    flush();
    if (brat) brat->commit();
    else if (file) file->commit();
    else std::cout.flush();
  });
}

}  // namespace ner
