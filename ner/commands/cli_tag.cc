// `ner tag [INPUT ...] [--model FILE] [--output FILE] [--format jsonl|conll|inline|brat] [--input-format auto|text|conll|jsonl]
// [--dictionary FILE] ...`
#include <cstdio>
#include <memory>

#include "ner/commands/cli_common.h"
#include "ner/tagging/tag_files.h"

namespace ner {

void add_tag_command(CLI::App& app) {
  // The job's options, with the formats by name.
  struct Options {
    std::vector<std::string> inputs;
    TagJob job;
    std::string format = output_format_name(job.format);
    std::string input_format = data::input_format_name(job.input_format);
    bool keep_traditional = !job.simplify_traditional;
    std::string dictionary_mode;
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
             "line by line as it comes, and flushed at once.");
  command->add_option("INPUT", o->inputs, "text files (none or - for stdin)");
  command->add_option("--model", o->job.model_path, "model file")->capture_default_str();
  command->add_option("--output,-o", o->job.output_path, "output file (- for stdout); written atomically")->capture_default_str();
  command->add_option("--format", o->format,
                      "jsonl, conll, inline, or brat (standoff for annotation tools: --output NAME.ann, and the text "
                      "the offsets refer to in NAME.txt; an existing NAME.txt, such as the input, is left as it is and "
                      "must already be that text)")
      ->capture_default_str()->check(CLI::IsMember(output_format_names()));
  command->add_option("--input-format", o->input_format,
                      "auto (CoNLL columns and JSON lines with a \"text\" are recognised, with a note on stderr, "
                      "else text), text (a document per line), conll (a document per sentence: its first column, "
                      "joined), or jsonl (each object's \"text\")")
      ->capture_default_str()->check(CLI::IsMember(data::input_format_names()));
  command->add_option("--encoding", o->job.encoding, kEncodingHelp)
      ->capture_default_str()->check(encoding_name());
  command->add_flag("--no-t2s", o->keep_traditional,
                    "do not look up characters the model lacks by their simplified form (OpenCC t2s, one character to "
                    "one; the output always shows the original text)");
  command->add_flag("--verbose,-v", o->job.verbose, "say on stderr which encoding each input was read in, and the arithmetic (--precision) in use");
  command->add_option("--batch", o->job.batch, "sentences per batch")->capture_default_str()->check(in_range(1, 4096));
  command->add_option("--threads", o->job.threads, "threads, each tagging its own batches (the output keeps the input's order)")->capture_default_str()->check(in_range(1, 256));
  command->add_flag("--confidence", o->job.confidence,
                    "give each entity its confidence: the CRF's probability of that span with that type (forward-backward)");
  command->add_option("--nbest", o->job.nbest, "also give the K best tag paths of each line with their probabilities (jsonl)")
      ->check(in_range(1, kMaxNbestPaths));
  command->add_option("--min-confidence", o->job.min_confidence,
                      "drop entities whose confidence is below X (implies --confidence; the conll tags are kept)")
      ->check(in_range(0.0, 1.0));
  command->add_option("--window", o->job.window,
                      "most characters tagged at once (default: the model's, 250): a longer sentence is cut after "
                      "clause punctuation (，；：…) in the second half, or else tagged in windows that overlap by a "
                      "fifth and meet where no entity crosses")
      ->check(in_range<std::size_t>(5, 100000));
  add_dictionary_options(*command, o->job.dictionary_path, o->dictionary_mode);
  add_precision_option(*command, o->job.precision);
  command->add_flag("--profile", o->job.profile,
                    "at the end, say on stderr how many CPU seconds (all threads) went to each part: loading the "
                    "model, tokenizing, lexicon matching, embedding, input projection, recurrence, output layer, CRF "
                    "(Viterbi), writing output");
  command->callback([o] {
    TagJob job = o->job;
    job.format = parse_output_format(o->format);
    job.input_format = data::parse_input_format(o->input_format);
    job.simplify_traditional = !o->keep_traditional;
    job.prefer_dictionary = o->dictionary_mode == "prefer";
    tag_files(o->inputs.empty() ? std::vector<std::string>{"-"} : o->inputs, job);
    if (job.profile) std::fprintf(stderr, "%s\n", profile_line(nn::profile::seconds()).c_str());
  });
}

}  // namespace ner
