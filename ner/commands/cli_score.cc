// `ner score [FILE] [--json]`: conlleval on `token gold predicted` columns.
#include <iostream>
#include <memory>

#include "data/encoding.h"
#include "data/text_file.h"
#include "ner/commands/cli_common.h"
#include "ner/evaluation/evaluate.h"

namespace ner {

void add_score_command(CLI::App& app) {
  struct Options {
    std::string file = "-";
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "score", "Score predictions as conlleval does: FILE has 'token ... gold predicted' per line, blank lines "
               "between sentences; prints conlleval's report (byte for byte on BIO; E- and S- by the BIOES rules, "
               "which conlleval lacks: on well-formed BIOES the entity counts of the same spans in BIO; M- read as "
               "conlleval reads a prefix it does not know)");
  command->add_option("FILE", options->file, "predictions file (none or - for stdin)");
  command->add_flag("--json", options->json, "print the numbers as JSON instead");
  command->callback([options] {
    std::string origin = options->file == "-" ? "<stdin>" : options->file;
    Evaluation evaluation = score_conll_predictions(data::read_text_file(options->file, data::kDefaultEncoding), origin);
    std::cout << (options->json ? json_report(evaluation) + "\n" : conlleval_report(evaluation)) << std::flush;
  });
}

}  // namespace ner
