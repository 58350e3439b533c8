// `ner tag [INPUT ...] [--model FILE] [--output FILE] [--format jsonl|conll|inline|brat] [--input-format auto|text|conll|jsonl]`
#include <cstdint>
#include <exception>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <thread>

#include "data/document_reader.h"
#include "data/encoding.h"
#include "data/error.h"
#include "ner/cli_common.h"
#include "ner/model_io.h"
#include "ner/output_writers.h"
#include "ner/progress.h"
#include "ner/tagger.h"

namespace ner {
namespace {

// Lines tagged together: enough to fill batches, few enough that memory stays small.
constexpr std::size_t kLinesPerChunk = 512;
constexpr std::size_t kBytesPerChunk = 1 << 18;
// Inputs from this size on (regular files) show their progress when stderr is a terminal.
constexpr std::uint64_t kProgressMinBytes = 1 << 20;

// A share of a chunk, tagged: formatted text, or for brat (whose ids and offsets run through the whole file) the
// tagged lines for the writer.
struct TaggedShare {
  std::string text;
  std::vector<TaggedLine> lines;
};

// Splits the lines into one contiguous share per tagger (about equal bytes), tags and formats the shares on as many
// threads, and returns the shares in order.
std::vector<TaggedShare> tag_in_parallel(const std::vector<std::unique_ptr<Tagger>>& taggers, std::vector<std::string> lines,
                                         OutputFormat format, bool confidence) {
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
      if (format == OutputFormat::kBrat) return;
      for (const TaggedLine& line : tagged[k].lines) tagged[k].text += format_line(line, format, confidence);
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

// Tags one input in chunks of kLinesPerChunk documents or kBytesPerChunk bytes; from a terminal or a pipe, of the
// documents already there, written and flushed at once. A large file's progress is shown on a terminal.
void tag_input(data::DocumentReader& reader, const std::vector<std::unique_ptr<Tagger>>& taggers, OutputFormat format,
               bool confidence, TagOutput& output) {
  const std::optional<std::uint64_t> size = reader.lines().size();
  const bool streaming = !size;
  std::optional<Progress> progress;
  if (size && *size >= kProgressMinBytes) progress.emplace(/*lines_off_terminal=*/false);
  std::vector<std::string> chunk;
  std::size_t chunk_bytes = 0;
  auto flush = [&] {
    std::string text;
    std::vector<TaggedLine> lines;
    for (TaggedShare& share : tag_in_parallel(taggers, std::move(chunk), format, confidence)) {
      text += share.text;
      lines.insert(lines.end(), std::make_move_iterator(share.lines.begin()), std::make_move_iterator(share.lines.end()));
    }
    output.write(text, lines);
    if (streaming) output.flush();
    if (progress) progress->update(static_cast<std::size_t>(1000 * reader.lines().fraction_read()), 1000, reader.lines().origin());
    chunk.clear();
    chunk_bytes = 0;
  };
  std::string document;
  while (reader.next(document)) {
    chunk_bytes += document.size();
    chunk.push_back(std::move(document));
    if (chunk.size() >= kLinesPerChunk || chunk_bytes >= kBytesPerChunk || (streaming && !reader.ready())) flush();
  }
  if (!chunk.empty()) flush();
  if (progress) progress->update(1000, 1000);
}

// The note on stderr when an input is read as something other than text lines.
std::string format_note(const data::DocumentReader& reader) {
  const std::string how = reader.format() == data::InputFormat::kConll ? "CoNLL columns (the first column is tagged)"
                                                                        : "JSON lines (their \"text\" is tagged)";
  return reader.lines().origin() + ": read as " + how + "; --input-format text to tag the lines as they are\n";
}

}  // namespace

void add_tag_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> inputs;
    std::string model = default_model_path();
    std::string output = "-";
    std::string format = "jsonl";
    std::string input_format = "auto";
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
             "\"confidence\" to each entity (conll: a third column, the confidence of the token's entity, - for O; "
             "inline: [李克强]PER|0.998; brat: an AnnotatorNotes line per entity); --nbest K adds "
             "\"nbest\":[{\"probability\":p,\"entities\":[...]},...]. Input from a terminal or a pipe is tagged "
             "line by line as it comes");
  command->add_option("INPUT", o->inputs, "text files (none or - for stdin)");
  command->add_option("--model", o->model, "model file")->capture_default_str();
  command->add_option("--output,-o", o->output, "output file (- for stdout); written atomically")->capture_default_str();
  command->add_option("--format", o->format,
                      "jsonl, conll, inline, or brat (standoff for annotation tools: --output NAME.ann, and the text "
                      "the offsets refer to in NAME.txt; an existing NAME.txt, such as the input, is left as it is and "
                      "must already be that text)")
      ->capture_default_str()->check(CLI::IsMember({"jsonl", "conll", "inline", "brat"}));
  command->add_option("--input-format", o->input_format,
                      "auto (CoNLL columns and JSON lines with a \"text\" are recognised, with a note on stderr, "
                      "else text), text (a document per line), conll (a document per sentence: its first column, "
                      "joined), or jsonl (each object's \"text\")")
      ->capture_default_str()->check(CLI::IsMember({"auto", "text", "conll", "jsonl"}));
  command->add_option("--encoding", o->encoding, kEncodingHelp)
      ->capture_default_str();
  command->add_flag("--no-t2s", o->keep_traditional,
                    "do not look up characters the model lacks by their simplified form (OpenCC t2s, one character to "
                    "one; the output always shows the original text)");
  command->add_flag("--verbose,-v", o->verbose, "say on stderr which encoding each input was read in, and the arithmetic (--precision) in use");
  command->add_option("--batch", o->batch, "sentences per batch")->capture_default_str()->check(in_range(1, 4096));
  command->add_option("--threads", o->threads, "threads, each tagging its own batches (the output keeps the input's order)")->capture_default_str()->check(in_range(1, 256));
  command->add_flag("--confidence", o->confidence,
                    "give each entity its confidence: the CRF's probability of that span with that type (forward-backward)");
  command->add_option("--nbest", o->nbest, "also give the K best tag paths of each line with their probabilities (jsonl)")
      ->check(in_range(1, 10000));
  command->add_option("--min-confidence", o->min_confidence,
                      "drop entities whose confidence is below X (implies --confidence; the conll tags are kept)")
      ->check(in_range(0.0, 1.0));
  add_precision_option(*command, o->precision);
  command->callback([o] {
    if (o->nbest > 0 && o->format != "jsonl") throw CLI::ValidationError("--nbest needs --format jsonl", CLI::ExitCodes::ValidationError);
    if (o->format == "brat" && (o->output.size() <= 4 || o->output.compare(o->output.size() - 4, 4, ".ann") != 0))
      throw CLI::ValidationError("--format brat needs --output NAME.ann (NAME.txt is written beside it)", CLI::ExitCodes::ValidationError);
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
    const OutputFormat format = parse_output_format(o->format);
    const data::InputFormat input_format = data::parse_input_format(o->input_format);
    // Standard output as we go, or atomic files renamed over --output (and for brat its .txt) at the end.
    std::vector<std::string> read_files = inputs;
    read_files.push_back(o->model);
    TagOutput output(o->output, format, tag_options.decode.confidence, read_files);
    for (const std::string& input : inputs) {
      data::DocumentReader reader(input, o->encoding, input_format);
      if (o->verbose)
        std::cerr << reader.lines().origin() << ": encoding " << reader.lines().encoding().name
                  << (o->encoding == data::kAutoEncoding ? " (detected, confidence " + std::to_string(reader.lines().encoding().confidence) + ")" : "")
                  << "\n";
      if (input_format == data::InputFormat::kAuto && reader.format() != data::InputFormat::kText) std::cerr << format_note(reader);
      tag_input(reader, taggers, format, tag_options.decode.confidence, output);
    }
    output.commit();
  });
}

}  // namespace ner
