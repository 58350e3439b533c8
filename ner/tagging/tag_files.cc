#include "ner/tagging/tag_files.h"

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <optional>

#include "data/error.h"
#include "data/text_file.h"
#include "ner/model/model_io.h"
#include "ner/tagging/progress.h"
#include "ner/tagging/tagger.h"
#include "nn/profile.h"

namespace ner {
namespace {

// Lines tagged together: enough to fill batches, few enough that memory stays small.
constexpr std::size_t kLinesPerChunk = 512;
constexpr std::size_t kBytesPerChunk = 1 << 18;
// Inputs from this size on (regular files) show their progress when stderr is a terminal.
constexpr std::uint64_t kProgressMinBytes = 1 << 20;

// Tags one input in chunks of kLinesPerChunk documents or kBytesPerChunk bytes; from a terminal or a pipe, of the
// documents already there, written and flushed at once. A large file's progress is shown on a terminal.
void tag_input(data::DocumentReader& reader, Tagger& tagger, TagOutput& output) {
  const std::optional<std::uint64_t> size = reader.lines().size();
  const bool streaming = !size;
  std::optional<Progress> progress;
  if (size && *size >= kProgressMinBytes) progress.emplace(/*lines_off_terminal=*/false);
  std::vector<std::string> chunk, records;  // records: JSON lines' own, whose other fields the output keeps
  std::size_t chunk_bytes = 0;
  auto flush = [&] {
    const std::vector<TaggedLine> tagged = tagger.tag(chunk);
    nn::profile::Scope scope(nn::profile::Part::kWriting);
    output.write(tagged, records);
    if (streaming) output.flush();
    if (progress) progress->update(static_cast<std::size_t>(1000 * reader.lines().fraction_read()), 1000, reader.lines().origin());
    chunk.clear();
    records.clear();
    chunk_bytes = 0;
  };
  std::string document;
  // The input's documents, a chunk at a time.
  while (reader.next(document)) {
    chunk_bytes += document.size();
    chunk.push_back(std::move(document));
    if (reader.format() == data::InputFormat::kJsonl) records.push_back(reader.record());
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

void tag_files(const std::vector<std::string>& inputs, const TagJob& job) {
  if (job.nbest > 0 && job.format != OutputFormat::kJsonl) throw data::UsageError("--nbest needs --format jsonl");
  const std::string& out = job.output_path;
  if (job.format == OutputFormat::kBrat && (out.size() <= 4 || out.compare(out.size() - 4, 4, ".ann") != 0))
    throw data::UsageError("--format brat needs --output NAME.ann (NAME.txt is written beside it)");
  if (job.model_path == "-" && std::find(inputs.begin(), inputs.end(), "-") != inputs.end())
    throw data::UsageError("--model - and the text both read standard input: give the text as a file");
  // Every named input exists and is no directory, before any output (on standard output, a later input's error
  // would come after the earlier inputs' results).
  for (const std::string& input : inputs)
    if (input != "-") data::check_input_file(input);
  if (job.dictionary_path == "-" && std::find(inputs.begin(), inputs.end(), "-") != inputs.end())
    throw data::UsageError("--dictionary - and the text both read standard input: give the text as a file");
  if (!job.dictionary_path.empty() && job.dictionary_path != "-") data::check_input_file(job.dictionary_path);
  // Standard output as we go, or atomic files renamed over the output (and for brat its .txt) at the end; checked
  // before any work, and never one of the files read.
  std::vector<std::string> read_files = inputs;
  read_files.push_back(job.model_path);
  if (!job.dictionary_path.empty()) read_files.push_back(job.dictionary_path);
  TagOutput output(out, job.format, job.confidence || job.min_confidence > 0, read_files);
  TagOptions tag_options;
  tag_options.decode.confidence = job.confidence || job.min_confidence > 0;
  tag_options.decode.nbest = job.nbest;
  tag_options.min_confidence = job.min_confidence;
  tag_options.window = job.window;
  tag_options.decode.prefer_dictionary = job.prefer_dictionary;
  if (!job.dictionary_path.empty())
    tag_options.dictionary = std::make_shared<const data::EntityDictionary>(data::EntityDictionary::read(job.dictionary_path));
  nn::profile::set_enabled(job.profile);
  std::optional<nn::profile::Scope> loading(nn::profile::Part::kLoading);
  LoadedModel loaded = load_model(job.model_path);
  loaded.model->set_simplify_traditional(job.simplify_traditional);
  const nn::Bf16Kernel kernel = apply_precision(*loaded.model, job.precision);
  if (job.verbose) std::cerr << job.model_path << ": recurrent layers in " << arithmetic_name(kernel) << "\n";
  ModelReplicas replicas(*loaded.model, job.threads);
  Tagger tagger(replicas.models(), job.batch, tag_options);
  loading.reset();
  // Each input's documents, in order.
  for (const std::string& input : inputs) {
    data::DocumentReader reader(input, job.encoding, job.input_format);
    if (job.verbose)
      std::cerr << data::describe_encoding(reader.lines().origin(), reader.lines().encoding()) << "\n";
    if (job.input_format == data::InputFormat::kAuto && reader.format() != data::InputFormat::kText) std::cerr << format_note(reader);
    tag_input(reader, tagger, output);
  }
  output.commit();
}

}  // namespace ner
