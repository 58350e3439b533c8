// `ner stats FILE... [--against FILE]`
#include <iostream>
#include <memory>

#include "ner/commands/cli_common.h"
#include "ner/evaluation/stats.h"

namespace ner {

void add_stats_command(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::string against;
    CorpusOptions corpus;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "stats", "Describe annotated corpora: sentences, characters, entities per type, tag scheme, ill-formed tags");
  command->add_option("FILE", options->files, "corpus files (CoNLL columns or JSONL spans; - for stdin)")->required();
  command->add_option("--against", options->against, "also print the OOV rate of each FILE's characters against this corpus");
  options->corpus.add_to(*command);
  command->callback([options] {
    data::ReadOptions read = options->corpus.read_options();
    data::Corpus reference;
    if (!options->against.empty()) reference = data::read_corpus(options->against, read);
    for (const std::string& file : options->files) {
      data::Corpus corpus = data::read_corpus(file, read);
      std::string out = format_stats(corpus_stats(corpus));
      if (!options->against.empty()) out += format_oov(oov_stats(corpus, reference, data::NormalizeOptions{}), reference.origin);
      std::cout << out << std::flush;
    }
  });
}

}  // namespace ner
