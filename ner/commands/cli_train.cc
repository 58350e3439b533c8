// `ner train --train FILE --dev FILE --model OUT ...`
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "data/output_file.h"
#include "ner/commands/cli_common.h"
#include "ner/evaluation/evaluate.h"
#include "ner/model/model_io.h"
#include "ner/commands/training_command.h"
#include "ner/training/trainer.h"

namespace ner {
namespace {

// The options that set the training configuration and the model's shape, by their key in the configurations' JSON.
const std::vector<std::pair<const char*, const char*>> kTrainOptions = {
    {"--epochs", "/epochs"}, {"--batch", "/batch"}, {"--optimizer", "/optimizer"}, {"--lr", "/learning_rate"},
    {"--lr-decay", "/lr_decay"}, {"--momentum", "/momentum"}, {"--weight-decay", "/weight_decay"}, {"--clip", "/clip"},
    {"--patience", "/patience"}, {"--seed", "/seed"}, {"--threads", "/threads"}, {"--min-count", "/min_char_count"},
    {"--feature-min-count", "/min_feature_count"}, {"--unk-rate", "/unk_rate"}, {"--average", "/average"}, {"--dev-fraction", "/dev_fraction"}};
const std::vector<std::pair<const char*, const char*>> kModelOptions = {
    {"--cell", "/cell"}, {"--layers", "/layers"}, {"--hidden", "/hidden"}, {"--char-dim", "/char_dim"},
    {"--bigram-dim", "/bigram_dim"}, {"--lexicon-dim", "/lexicon_dim"}, {"--lexicon-pos", "/lexicon_pos"},
    {"--dropout", "/dropout"}, {"--peepholes", "/peepholes"}, {"--lm-weight", "/lm_weight"}, {"--lm-finetune", "/lm_finetune"},
    {"--no-constraints", "/constrained"}, {"--scheme", "/scheme"}, {"--case-fold", "/normalize/case_fold"}, {"--digit-class", "/normalize/digit_class"}};

// `--resume CHECKPOINT`: what the command line leaves out comes from the checkpoint (its files and settings);
// what it gives must agree with the model's shape there (the trainer checks the training settings).
void complete_from_checkpoint(const CLI::App& command, TrainJob& job, const std::string& features) {
  const nlohmann::json saved = read_checkpoint_state(job.resume_path);
  if (saved.contains("job")) {
    TrainJob stored;
    stored.set_paths_from_json(saved["job"], job.resume_path);
    for (const TrainJob::PathField& field : TrainJob::path_fields()) {
      std::string& given = job.*field.path;
      const std::string& from = stored.*field.path;
      if (command.count(field.option) == 0)
        given = from;
      else if (given.empty() != from.empty() || (!from.empty() && std::filesystem::absolute(given) != std::filesystem::absolute(from)))
        throw CLI::ValidationError(job.resume_path + ": the checkpoint's run has " +
                                       (from.empty() ? std::string("no ") + field.option : std::string(field.option) + " " + from) +
                                       ", not " + given +
                                       "; resume with the same files (leave " + field.option + " out)",
                                   CLI::ExitCodes::ValidationError);
    }
    if (command.count("--format") == 0) job.read.format = stored.read.format;
    if (command.count("--encoding") == 0) job.read.encoding = stored.read.encoding;
    if (command.count("--json-scheme") == 0) job.read.jsonl_scheme = stored.read.jsonl_scheme;
    if (command.count("--skip-nonfinite") == 0) job.skip_nonfinite = stored.skip_nonfinite;
  }
  if (saved.contains("train_config")) {
    nlohmann::json config = job.train.to_json();
    for (auto [option, key] : kTrainOptions)
      if (command.count(option) == 0 && saved["train_config"].contains(nlohmann::json::json_pointer(key)))
        config[nlohmann::json::json_pointer(key)] = saved["train_config"][nlohmann::json::json_pointer(key)];
    job.train = TrainConfig::from_json(config, job.resume_path);
  }
  if (saved.contains("model_config")) {
    const ModelConfig model = ModelConfig::from_json(saved["model_config"], job.resume_path);
    const FeatureSet set = model.lexicon_dim > 0 ? FeatureSet::kLexicon : model.bigram_dim > 0 ? FeatureSet::kBigram : FeatureSet::kChar;
    if (command.count("--features") > 0 && features != features_name(set))
      throw CLI::ValidationError(job.resume_path + ": the checkpoint's model has --features " + features_name(set) + ", not " +
                                     features + "; a resumed model keeps its shape (leave --features out)",
                                 CLI::ExitCodes::ValidationError);
    const nlohmann::json given = job.model.to_json();
    for (auto [option, key] : kModelOptions) {
      const nlohmann::json::json_pointer pointer(key);
      if (command.count(option) > 0 && saved["model_config"].value(pointer, nlohmann::json()) != given[pointer])
        throw CLI::ValidationError(job.resume_path + ": the checkpoint's model has " + (key + 1) + " = " +
                                                            saved["model_config"][pointer].dump() + ", not " + given[pointer].dump() +
                                                            "; a resumed model keeps its shape (leave " + option + " out)",
                                   CLI::ExitCodes::ValidationError);
    }
  }
}

// The default configurations in words: "adam 0.002, batch 16, 1 bidirectional lstm layer of 128 units ...".
std::string default_recipe() {
  const TrainConfig train;
  const ModelConfig model;
  const auto number = [](double x) { return CLI::detail::to_string(x); };
  return optimizer_name(train.optimizer) + " " + number(train.learning_rate) + ", batch " + std::to_string(train.batch) + ", " +
         std::to_string(model.layers) + " bidirectional " + nn::cell_name(model.cell) + " layer of " +
         std::to_string(model.hidden) + " units per direction, " + std::to_string(model.char_dim) +
         "-dim character embeddings, dropout " + number(model.dropout) + " (" + number(kSmallCorpusDropout) +
         " for a training text under " + std::to_string(kSmallCorpusChars) + " characters), clip " + number(train.clip) + ", " +
         std::to_string(epochs_for_corpus(1)) + " epochs (patience " + std::to_string(patience_for_epochs(epochs_for_corpus(1))) +
         ") for a corpus the size of Resume NER, down to " + std::to_string(epochs_for_corpus(std::size_t{1} << 40)) +
         " (patience " + std::to_string(patience_for_epochs(epochs_for_corpus(std::size_t{1} << 40))) + ") for MSRA's";
}

// --init: the trained model gives the shape, the features and the dictionary.
void refuse_shape_options(const CLI::App& command) {
  std::vector<const char*> options = {"--features",       "--lexicon",      "--lexicon-dim",    "--char-vectors",
                                      "--bigram-vectors", "--word-vectors", "--pretrained-keys", "--lm"};
  for (auto [option, key] : kModelOptions) options.push_back(option);
  for (const char* option : options)
    if (command.count(option) > 0)
      throw CLI::ValidationError(std::string(option) + " shapes a new model; with --init the trained model's shape and "
                                 "features are kept (leave " + option + " out)", CLI::ExitCodes::ValidationError);
}

// --features: the feature set's settings for every option the command line does not give. The lexicon set without
// a dictionary (none given, none found) trains without lexicon features and says so.
// With --init the model's shape is the trained model's: only the set's training settings apply.
void apply_features(const CLI::App& command, FeatureSet features, TrainJob& job) {
  const auto given = [&](const char* option) { return command.count(option) > 0; };
  const bool shape = job.init_path.empty();
  if (features == FeatureSet::kChar) return;
  if (!given("--bigram-dim") && shape) job.model.bigram_dim = kRecipeBigramDim;
  if (!given("--unk-rate")) job.train.unk_rate = kRecipeUnkRate;
  if (features != FeatureSet::kLexicon) return;
  if (!given("--average")) job.train.average = kRecipeAverage;
  if (!shape) return;
  if (!given("--dropout")) job.model.dropout = -1;  // dropout_for_corpus
  if (!given("--lexicon")) job.lexicon_path = default_lexicon_path();
  if (job.lexicon_path.empty()) {
    std::cerr << "ner: warning: no dictionary found (give --lexicon FILE, set NER_LEXICON, or install python3-jieba for "
              << kJiebaDictionary << "): training without lexicon features\n";
    return;
  }
  if (!given("--lexicon-pos")) {
    job.model.lexicon_pos = true;
    job.lexicon_pos_if_any = true;
  }
}

// What ner train's command line sets.
struct TrainOptions {
  TrainJob job;
  std::string cell = nn::cell_name(job.model.cell), optimizer = optimizer_name(job.train.optimizer),
              scheme = data::scheme_name(job.model.scheme), features = features_name(kDefaultFeatures);
  bool no_constraints = !job.model.constrained, case_fold = job.model.normalize.case_fold,
       digit_class = job.model.normalize.digit_class;
  CorpusOptions corpus;
  double collective_timeout = Group::kDefaultTimeout;
};

// `ner train` and its options, parsed into `o`.
CLI::App* add_train_options(CLI::App& app, const std::shared_ptr<TrainOptions>& o) {
  CLI::App* command = app.add_subcommand(
      "train",
      "Train a character BiLSTM/GRU/RNN-CRF on an annotated corpus. The defaults are the best recipe found on Resume "
          "NER and MSRA: characters, bigrams and the words of a dictionary with their parts of speech (--features), " +
          default_recipe() + ". Keeps the model with the best "
          "dev F1, writes a checkpoint after every epoch (--resume continues it) and a JSON-lines metrics file.");
  command->add_option("--train", o->job.train_path, "training corpus (CoNLL columns or JSONL spans); required unless --resume");
  command->add_option("--dev", o->job.dev_path,
                      "development corpus: chooses the best epoch; required unless --dev-fraction or --resume");
  command->add_option("--dev-fraction", o->job.train.dev_fraction,
                      "without a dev corpus: hold out this share of the training sentences as dev (chosen by --seed; "
                      "recorded in the model)")
      ->check(in_range(0.01, 0.5));
  command->add_option("--test", o->job.test_path, "test corpus: the best model is scored on it at the end (printed, and kept in the model's summary, "
                      "the metrics file's last line and the report)");
  command->add_option("--model", o->job.model_path, "where to write the best model; required unless --resume");
  command->add_option("--init", o->job.init_path,
                      "start from this trained model (e.g. the shipped one) instead of random weights: its shape, features, "
                      "dictionary and weights are kept, the training text's new characters, bigrams and words and the "
                      "corpora's new entity types are added with fresh weights (the model's own types stay), and the "
                      "default set's training settings apply");
  command->add_flag("--overwrite", o->job.overwrite, "replace an existing model and checkpoint (else they are kept and training refuses to start)");
  command->add_option("--features", o->features,
                      "input features with their training settings: char (characters alone), bigram (with character "
                      "bigrams, --bigram-dim " + std::to_string(kRecipeBigramDim) + ", and word dropout, --unk-rate " +
                          CLI::detail::to_string(kRecipeUnkRate) + "), lexicon (with the words of a dictionary, --lexicon, "
                          "default $NER_LEXICON or " + kJiebaDictionary + ", and their parts of speech when it has them, "
                          "--lexicon-pos, a weight average, --average " + CLI::detail::to_string(kRecipeAverage) +
                          ", and --dropout " + CLI::detail::to_string(kSmallCorpusDropout) + " for a training text under " +
                          std::to_string(kSmallCorpusChars) + " characters); an option given by itself overrides its set's value")
      ->capture_default_str()->check(CLI::IsMember({"char", "bigram", "lexicon"}));
  command->add_option("--cell", o->cell, "recurrent cell: lstm, gru, rnn (tanh) or rnn-relu")
      ->capture_default_str()->check(CLI::IsMember({"lstm", "gru", "rnn", "rnn-relu"}));
  command->add_option("--layers", o->job.model.layers, "stacked bidirectional layers")->capture_default_str()->check(in_range(1, 8));
  command->add_option("--hidden", o->job.model.hidden, "units per direction")->capture_default_str()->check(in_range(1, 4096));
  command->add_option("--char-dim", o->job.model.char_dim, "character embedding size")->capture_default_str()->check(in_range(1, 4096));
  command->add_option("--bigram-dim", o->job.model.bigram_dim,
                      "character-bigram embedding size (0: no bigram features; default " + std::to_string(kRecipeBigramDim) +
                          " with --features bigram or lexicon, else 0)")
      ->check(in_range(0, 4096));
  command->add_option("--lexicon", o->job.lexicon_path,
                      "word dictionary ('word frequency [part-of-speech]' per line, e.g. jieba's dict.txt) for lexicon "
                      "features: each character gets the words it begins, is inside, ends or forms, weighted by "
                      "frequency (default with --features lexicon: $NER_LEXICON, else " + std::string(kJiebaDictionary) + ")");
  command->add_option("--lexicon-dim", o->job.model.lexicon_dim, "lexicon word embedding size (default " + std::to_string(kDefaultLexiconDim) + " with --lexicon)")
      ->check(in_range(0, 4096));
  command->add_flag("--lexicon-pos,!--no-lexicon-pos", o->job.model.lexicon_pos,
                    "each matched word also brings an embedding of its part of speech (the dictionary's third column, "
                    "e.g. jieba's nr person, ns place, nt organization), so words unseen in training still say "
                    "something (default with --features lexicon when the dictionary has them)");
  command->add_option("--char-vectors", o->job.char_vectors_path, "pretrained character vectors (word2vec text format)");
  command->add_option("--bigram-vectors", o->job.bigram_vectors_path, "pretrained bigram vectors (word2vec text format)");
  command->add_option("--word-vectors", o->job.word_vectors_path,
                      "pretrained vectors of the dictionary's words for lexicon features (word2vec text format; "
                      "scripts/vectors.sh trains all three on raw text)");
  command->add_option("--pretrained-keys", o->job.pretrained_keys,
                      "keys of the training text get their pretrained vectors; of each vectors file's other keys, the first "
                      "N (fastText lists the most frequent first) join the vocabulary too, for text unseen in training")
      ->capture_default_str()->check(in_range<std::size_t>(0, kMaxCount));
  command->add_flag("--peepholes", o->job.model.peepholes, "LSTM peephole connections");
  command->add_option("--lm", o->job.lm_path,
                      "a character language model (ner lm train): its forward and backward states at each character "
                      "become input features; the model file carries it, so ner tag needs nothing more");
  command->add_flag("--lm-finetune", o->job.model.lm_finetune,
                    "with --lm, training also updates the language model's embeddings and layers (default: fixed)");
  command->add_option("--lm-weight", o->job.model.lm_weight,
                      "weight of an auxiliary language-model loss: the top layer's forward state at each character "
                      "predicts the next character, its backward state the previous one (no raw text needed; 0: off)")
      ->capture_default_str()->check(in_range(0.0, kMaxLmWeight));
  command->add_option("--scheme", o->scheme,
                      "tag scheme the model predicts: BIOES or BIO (any input scheme is converted; ner eval writes "
                      "predictions in the gold file's scheme, ner convert --scheme BMES writes M- for I-)")
      ->capture_default_str()->check(CLI::IsMember({"BIOES", "BIO"}, CLI::ignore_case));
  command->add_flag("--no-constraints", o->no_constraints, "let the CRF use transitions the scheme forbids");
  command->add_flag("--case-fold", o->case_fold, "fold letter case in character keys");
  command->add_flag("--digit-class", o->digit_class, "map every digit to one character key");
  command->add_option("--epochs", o->job.train.epochs,
                      "most epochs (default: about 20 million training characters' worth, from " +
                          std::to_string(epochs_for_corpus(std::size_t{1} << 40)) + " to " + std::to_string(epochs_for_corpus(1)) + ")")
      ->check(in_range(1, 100000));
  command->add_option("--batch", o->job.train.batch, "sentences per minibatch")->capture_default_str()->check(in_range(1, 100000));
  command->add_option("--optimizer", o->optimizer, "adam or sgd")->capture_default_str()->check(CLI::IsMember({"adam", "sgd"}));
  command->add_option("--lr", o->job.train.learning_rate, "learning rate")->capture_default_str()->check(in_range(1e-30, 1e30));
  command->add_option("--lr-decay", o->job.train.lr_decay, "learning rate at epoch e is lr / (1 + decay * e)")
      ->capture_default_str()->check(in_range(0.0, 1e6));
  command->add_option("--momentum", o->job.train.momentum, "SGD momentum")->capture_default_str()->check(in_range(0.0, 0.999));
  command->add_option("--weight-decay", o->job.train.weight_decay, "L2 (SGD) or decoupled (Adam) weight decay")
      ->capture_default_str()->check(in_range(0.0, 1.0));
  command->add_option("--dropout", o->job.model.dropout,
                      "dropout rate on the embeddings, between layers and before the output layer (default " +
                          CLI::detail::to_string(ModelConfig{}.dropout) + "; " + CLI::detail::to_string(kSmallCorpusDropout) +
                          " with --features lexicon and a training text under " + std::to_string(kSmallCorpusChars) +
                          " characters)")
      ->check(in_range(0.0, 0.95));
  command->add_option("--clip", o->job.train.clip, "global gradient-norm limit (0: none)")->capture_default_str()->check(in_range(0.0, 1e9));
  command->add_option("--patience", o->job.train.patience,
                      "stop after this many epochs without a better dev F1 (0: never; default: a fifth of the epochs, at least " +
                          std::to_string(patience_for_epochs(0)) + ")")
      ->check(in_range(0, 100000));
  command->add_option("--min-count", o->job.train.min_char_count, "characters seen fewer times become <unk>")
      ->capture_default_str()->check(in_range<std::size_t>(1, kMaxCount));
  command->add_option("--feature-min-count", o->job.train.min_feature_count,
                      "bigrams and lexicon words seen fewer times in the training text become <unk> (fewer parameters, "
                      "a smaller model file)")
      ->capture_default_str()->check(in_range<std::size_t>(1, kMaxCount));
  command->add_option("--unk-rate", o->job.train.unk_rate,
                      "while training, each character, bigram and lexicon word becomes <unk> with this probability "
                      "(default " + CLI::detail::to_string(kRecipeUnkRate) + " with --features bigram or lexicon, else 0)")
      ->check(in_range(0.0, 0.9));
  command->add_option("--average", o->job.train.average,
                      "evaluate and save an exponential moving average of the weights with this decay per step, e.g. 0.999 "
                      "(0: the last weights; default " + CLI::detail::to_string(kRecipeAverage) + " with --features lexicon, else 0)")
      ->check(in_range(0.0, 0.99999));
  command->add_option("--seed", o->job.train.seed, "random seed (same seed and threads: same model bytes)")->capture_default_str();
  command->add_option("--threads", o->job.train.threads,
                      "threads (default: the cores there are, which mpirun divides between its processes); training "
                      "shares its work out on two, evaluation on all")
      ->capture_default_str()->check(in_range(1, 256));
  command->add_option("--resume", o->job.resume_path,
                      "continue from this checkpoint (written after every epoch, and on Ctrl-C or SIGTERM mid-epoch): "
                      "its files and settings are used unless given; only --epochs, --patience and --threads may differ, "
                      "and the model's shape comes from the checkpoint");
  command->add_flag("--skip-nonfinite", o->job.skip_nonfinite,
                    "skip a batch whose loss or gradient is NaN or infinite, with a message naming it (default: stop "
                    "with an error; the best model so far is kept either way)");
  command->add_flag("--profile", o->job.profile,
                    "after each epoch, print the CPU seconds (summed over threads) spent in each part of the network");
  command->add_option("--metrics", o->job.metrics_path, "JSON-lines metrics, one record per epoch, then {\"test\": ...} with --test (default: "
                      "MODEL.metrics.jsonl)");
  command->add_option("--checkpoint", o->job.checkpoint_path, "checkpoint written after every epoch (default: MODEL.ckpt)");
  command->add_option("--report", o->job.report_path,
                      "HTML report written after every epoch (default: MODEL.report.html): the best epoch and why "
                      "training stopped, its dev P/R/F1 per type, the corpora, loss and dev P/R/F1 per epoch, the "
                      "command line and configuration, and at the end the test score");
  add_collective_timeout_option(*command, o->collective_timeout);
  o->corpus.add_to(*command);
  return command;
}

// The job the parsed options describe, with the feature set's settings, or a checkpoint's for --resume; throws a
// CLI::ParseError for options that do not go together or are missing.
TrainJob job_from_options(const TrainOptions& o, const CLI::App& command) {
  TrainJob job = o.job;
  job.read = o.corpus.read_options();
  job.model.cell = parse_cell(o.cell);
  job.model.scheme = data::parse_scheme(o.scheme);
  job.model.constrained = !o.no_constraints;
  job.model.normalize.case_fold = o.case_fold;
  job.model.normalize.digit_class = o.digit_class;
  job.train.optimizer = parse_optimizer(o.optimizer);
  if (!job.init_path.empty() && job.resume_path.empty()) refuse_shape_options(command);
  if (job.resume_path.empty())
    apply_features(command, parse_features(o.features), job);
  else
    complete_from_checkpoint(command, job, o.features);
  if (!job.lexicon_path.empty() && job.model.lexicon_dim == 0) job.model.lexicon_dim = kDefaultLexiconDim;
  std::string missing;
  for (auto [option, path] : {std::pair<const char*, const std::string*>{"--train", &job.train_path}, {"--dev", &job.dev_path}, {"--model", &job.model_path}})
    if (path->empty() && !(path == &job.dev_path && job.train.dev_fraction > 0))
      missing += std::string(missing.empty() ? "" : ", ") + (path == &job.dev_path ? "--dev (or --dev-fraction)" : option);
  if (!missing.empty())
    throw CLI::RequiredError(missing + (missing.find(',') == std::string::npos ? " is" : " are") + " required (or --resume CHECKPOINT)",
                             CLI::ExitCodes::RequiredError);
  if (job.metrics_path.empty()) job.metrics_path = job.model_path + ".metrics.jsonl";
  if (job.checkpoint_path.empty()) job.checkpoint_path = job.model_path + ".ckpt";
  if (job.report_path.empty()) job.report_path = job.model_path + ".report.html";
  return job;
}

}  // namespace

TrainJob train_job_from_arguments(const std::vector<std::string>& arguments) {
  CLI::App app;
  auto options = std::make_shared<TrainOptions>();
  CLI::App* command = add_train_options(app, options);
  std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());
  reversed.push_back("train");
  try {
    for (const std::string& argument : arguments) {
      const std::string option = argument.substr(0, argument.find('='));
      if (option.rfind("--", 0) == 0 && command->get_option_no_throw(option) == nullptr)
        throw data::UsageError("ner train has no option " + option + " (see ner train --help)");
    }
    app.parse(reversed);
    TrainJob job = job_from_options(*options, *command);
    std::vector<std::string> words = {"ner", "train"};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    job.command_line = shell_command_line(static_cast<int>(argv.size()), argv.data());
    return job;
  } catch (const CLI::ParseError& e) {
    throw data::UsageError(e.what());
  }
}

void add_train_command(CLI::App& app, const std::string& command_line) {
  auto o = std::make_shared<TrainOptions>();
  CLI::App* command = add_train_options(app, o);
  command->callback([o, command, command_line] {
    Group& group = join_training_group(o->collective_timeout);
    TrainJob job = job_from_options(*o, *command);
    job.command_line = command_line;

    TrainCallbacks callbacks;
    if (group.rank() == 0) {
      const bool profile = job.profile;
      callbacks.epoch_done = [profile](const EpochRecord& r) {
        std::fprintf(stderr, "epoch %d/%d  loss/char %.4f  %.0f chars/s  dev P %.2f R %.2f F1 %.2f  %.1f s%s\n", r.epoch, r.epochs,
                     r.loss, r.train_chars_per_s, r.dev_precision, r.dev_recall, r.dev_f1, r.seconds, r.best ? "  *best" : "");
        if (profile) std::fprintf(stderr, "%s\n", profile_line(r.profile_seconds).c_str());
      };
    }
    const TrainResult result =
        run_training_command(group, "batch", "loss/char", callbacks, [&](const TrainCallbacks& given) { return train(job, given); });
    if (group.rank() != 0) return;
    std::fprintf(stderr, "best dev F1 %.2f at epoch %d of %d; model: %s\n", result.best_dev_f1, result.best_epoch,
                 result.epochs_run, job.model_path.c_str());
    if (result.test) {
      std::cout << "test (" << job.test_path << "):\n" << conlleval_report(*result.test) << std::flush;
    }
  });
}

}  // namespace ner
