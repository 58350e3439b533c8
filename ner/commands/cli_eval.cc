// `ner eval --model FILE GOLD [--predictions FILE] [--report FILE.html] [--json]`
#include <iostream>
#include <memory>
#include <set>
#include <utility>

#include "data/output_file.h"
#include "data/error.h"
#include "data/text_file.h"
#include "ner/commands/cli_common.h"
#include "ner/evaluation/evaluate.h"
#include "ner/model/model_io.h"
#include "ner/tagging/progress.h"
#include "ner/evaluation/report.h"
#include "ner/tagging/tagger.h"

namespace ner {

void add_eval_command(CLI::App& app) {
  struct Options {
    std::string model = default_model_path();
    std::string gold;
    std::string predictions;
    std::string report;
    bool json = false;
    std::size_t batch = kEvalBatch;
    int threads = default_threads();
    std::string precision = kDefaultPrecision;
    CorpusOptions corpus;
  };
  auto o = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "eval", "Tag GOLD's tokens with the model and score them like conlleval (entity-level exact match, per type)");
  command->add_option("GOLD", o->gold, "annotated corpus (CoNLL columns or JSONL spans)")->required();
  command->add_option("--model", o->model, "model file")->capture_default_str();
  command->add_option("--predictions", o->predictions, "also write the scored 'token gold predicted' file");
  command->add_flag("--json", o->json, "print the numbers as JSON instead");
  command->add_option("--report", o->report,
                      "also write an HTML report: P/R/F1 bars per type, error kinds (missed, spurious, wrong type, wrong "
                      "boundary) per type, a confusion table of types, and the sentences with errors (with their line "
                      "numbers, gold and predicted entities highlighted, up to " +
                          std::to_string(kExamplesPerKind) + " per kind)");
  command->add_option("--batch", o->batch, "sentences per batch")->capture_default_str()->check(in_range(1, 4096));
  command->add_option("--threads", o->threads, "threads")->capture_default_str()->check(in_range(1, 256));
  add_precision_option(*command, o->precision);
  o->corpus.add_to(*command);
  command->callback([o] {
    // The outputs are checked before any work, and none may be an input.
    data::check_outputs({{"--predictions", o->predictions}, {"--report", o->report}}, {o->gold, o->model});
    LoadedModel loaded = load_model(o->model);
    Model& model = *loaded.model;
    apply_precision(model, o->precision);
    data::Corpus gold = data::read_corpus(o->gold, o->corpus.read_options());

    // Every gold entity type must be one the model predicts.
    std::set<std::string> known;
    for (const std::string& tag : model.tags().keys())
      if (tag != "O") known.insert(tag.substr(2));
    for (const data::Sentence& sentence : gold.sentences)
      for (const data::Span& span : data::chunks(sentence.tags))
        if (!known.count(span.type)) {
          std::string list;
          for (const std::string& type : known) list += (list.empty() ? "" : ", ") + type;
          throw data::Error(gold.origin + ":" + std::to_string(sentence.token_line(span.begin)) + ": entity type " + span.type +
                            " is not one the model knows (" + list + ")");
        }

    Progress progress(/*lines_off_terminal=*/false);
    const std::size_t total = gold.sentences.size();
    const std::string of_total = "/" + std::to_string(total) + " sentences";
    const std::vector<std::vector<std::string>> predicted =
        predict_corpus_tags(ModelReplicas(model, o->threads).models(), gold, o->batch,
                            [&](std::size_t done) { progress.update(done, total, std::to_string(done) + of_total); });
    Evaluation evaluation;
    std::vector<ErrorExample> examples;
    std::string file;
    for (std::size_t s = 0; s < gold.sentences.size(); ++s) {
      const data::Sentence& sentence = gold.sentences[s];
      const std::vector<std::string>& in_gold_scheme = predicted[s];
      evaluation.add(sentence.tags, in_gold_scheme);
      if (!o->report.empty()) {
        std::vector<EntityError> errors = entity_errors(sentence.tags, in_gold_scheme);
        if (!errors.empty()) examples.push_back({sentence.line, sentence.tokens, sentence.tags, in_gold_scheme, std::move(errors)});
      }
      if (o->predictions.empty()) continue;
      for (std::size_t t = 0; t < sentence.tokens.size(); ++t)
        file += sentence.tokens[t] + " " + sentence.tags[t] + " " + in_gold_scheme[t] + "\n";
      file += "\n";
    }
    if (!o->predictions.empty()) data::write_output_file(o->predictions, file);
    if (!o->report.empty()) data::write_output_file(o->report, evaluation_report_html(gold.origin, o->model, evaluation, examples));
    std::cout << (o->json ? json_report(evaluation) + "\n" : conlleval_report(evaluation)) << std::flush;
  });
}

}  // namespace ner
