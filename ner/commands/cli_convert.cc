// `ner convert INPUT --to conll|jsonl [--scheme BIO|BIOES|BMES] [--output FILE]`
#include <iostream>
#include <memory>

#include "data/output_file.h"
#include "data/conll.h"
#include "data/jsonl.h"
#include "data/tag_scheme.h"
#include "data/text_file.h"
#include "ner/commands/cli_common.h"

namespace ner {

void add_convert_command(CLI::App& app) {
  struct Options {
    std::string input;
    std::string to;
    std::string scheme = data::scheme_name(data::ReadOptions{}.jsonl_scheme);
    std::string output = "-";
    CorpusOptions corpus;
  };
  auto o = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "convert", "Convert an annotated corpus between CoNLL columns (in BIO, BIOES or BMES) and JSONL spans "
                 "({\"text\":...,\"entities\":[{\"start\":s,\"end\":e,\"type\":t}]}, code-point offsets). Entities "
                 "are read with conlleval's rules, so ill-formed tags come out well-formed.");
  command->add_option("INPUT", o->input, "corpus (CoNLL columns or JSONL spans; - for stdin)")->required();
  command->add_option("--to", o->to, "conll or jsonl")->required()->check(CLI::IsMember({"conll", "jsonl"}));
  command->add_option("--scheme", o->scheme, "tag scheme of the CoNLL output: BIO, BIOES or BMES")
      ->capture_default_str()->check(read_by(data::parse_scheme, "BIO, BIOES or BMES"));
  command->add_option("--output,-o", o->output, "output file (- for stdout); written atomically")->capture_default_str();
  o->corpus.add_to(*command);
  command->callback([o] {
    const data::Scheme scheme = data::parse_scheme(o->scheme);
    data::classify_output(o->output);
    data::check_not_an_input(o->output, {o->input});
    data::Corpus corpus = data::read_corpus(o->input, o->corpus.read_options());
    for (data::Sentence& sentence : corpus.sentences) sentence.tags = data::convert_tags(sentence.tags, scheme);
    data::write_output_file(o->output, o->to == "conll" ? data::format_conll(corpus.sentences) : data::format_jsonl(corpus.sentences));
  });
}

}  // namespace ner
