#include "ner/cli.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "data/error.h"
#include "data/tag_scheme.h"
#include "ner/stats.h"

namespace ner {
namespace {

// Options shared by every command that reads a corpus.
struct CorpusOptions {
  std::string format = "auto";
  std::string encoding = "utf-8";
  std::string scheme = "BIOES";

  void add_to(CLI::App& command) {
    command.add_option("--format", format, "corpus format: auto (JSONL if the first line starts with '{'), conll, jsonl")
        ->capture_default_str();
    command.add_option("--encoding", encoding, "input encoding: utf-8, gb18030, gbk, big5, utf-16, ... (ICU names)")
        ->capture_default_str();
    command.add_option("--scheme", scheme, "tag scheme that JSONL spans become: BIO, BIOES or BMES")->capture_default_str();
  }

  data::ReadOptions read_options() const {
    data::ReadOptions options;
    options.format = data::parse_format(format);
    options.encoding = encoding;
    options.jsonl_scheme = data::parse_scheme(scheme);
    return options;
  }
};

struct StatsCommand {
  std::vector<std::string> files;
  std::string against;
  CorpusOptions corpus;

  void add_to(CLI::App& app) {
    CLI::App* command = app.add_subcommand(
        "stats", "Describe annotated corpora: sentences, characters, entities per type, tag scheme, ill-formed tags");
    command->add_option("FILE", files, "corpus files (CoNLL columns or JSONL spans; - for stdin)")->required();
    command->add_option("--against", against, "also print the OOV rate of each FILE's characters against this corpus");
    corpus.add_to(*command);
    command->callback([this] { run(); });
  }

  void run() const {
    data::ReadOptions options = corpus.read_options();
    data::Corpus reference;
    if (!against.empty()) reference = data::read_corpus(against, options);
    for (const std::string& file : files) {
      data::Corpus corpus_read = data::read_corpus(file, options);
      std::string out = format_stats(corpus_stats(corpus_read));
      if (!against.empty()) out += format_oov(oov_stats(corpus_read, reference, data::NormalizeOptions{}), reference.origin);
      std::cout << out << std::flush;
    }
  }
};

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app("ner: Chinese named-entity recognition with a character BiLSTM/GRU-CRF", "ner");
  app.require_subcommand(1);
  app.set_version_flag("--version", "ner 0.1");
  StatsCommand stats;
  stats.add_to(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "ner: error: " << e.what() << " (see ner --help)\n";
    return 2;
  } catch (const data::Error& e) {
    std::cerr << "ner: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "ner: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ner: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace ner
