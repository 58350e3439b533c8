#include "ner/training/trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <numeric>
#include <set>
#include <tuple>
#include <unordered_set>

#include "data/output_file.h"
#include "data/batching.h"
#include "data/error.h"
#include "data/json_field.h"
#include "data/vectors.h"
#include "ner/training/gradient_sum.h"
#include "ner/model/init_model.h"
#include "ner/lm/lm_file.h"
#include "ner/model/model_io.h"
#include "ner/model/settings.h"
#include "ner/evaluation/report.h"
#include "ner/evaluation/stats.h"
#include "ner/tagging/tagger.h"
#include "nn/optimizer.h"
#include "nn/weight_average.h"

namespace ner {
namespace {

// Entity types of the corpora, sorted.
std::vector<std::string> entity_types(const std::vector<const data::Corpus*>& corpora) {
  std::set<std::string> types;
  for (const data::Corpus* corpus : corpora)
    for (const data::Sentence& sentence : corpus->sentences)
      for (const data::Span& span : data::chunks(sentence.tags)) types.insert(span.type);
  return {types.begin(), types.end()};
}

// Pretrained vectors for a vocabulary counted from the training text: its keys get theirs and, of the other keys
// `usable` accepts, those among the file's first `extra_keys` vectors join it (fastText writes the most frequent
// first), so that text unseen in training has them too. The vectors are copied into the table after init.
struct PretrainedVectors {
  data::Vectors vectors;
  std::size_t known = 0, joined = 0;  // of the vectors kept: keys the vocabulary had, keys that joined it
};

PretrainedVectors extend_with_vectors(const std::string& path, data::Vocab& vocab, int dim, const char* what,
                                      std::size_t extra_keys, const std::function<bool(const std::string&)>& usable) {
  PretrainedVectors pretrained;
  if (path.empty()) return pretrained;
  pretrained.vectors = data::read_vectors(path, [&](const std::string& key, std::size_t rank) {
    if (vocab.id(key) > data::Vocab::kUnk) return ++pretrained.known, true;
    if (rank >= extra_keys || vocab.contains(key) || !usable(key)) return false;
    vocab.add(key);
    return ++pretrained.joined, true;
  }, static_cast<std::size_t>(dim), std::string("the ") + what + " size");
  return pretrained;
}

void copy_vectors(const data::Vectors& vectors, const data::Vocab& vocab, nn::Param& table) {
  for (std::size_t k = 0; k < vectors.keys.size(); ++k)
    table.value.col(vocab.id(vectors.keys[k])) = Eigen::Map<const Eigen::VectorXf>(vectors.values[k].data(), table.value.rows()).cast<nn::Real>();
}

// Counts every feature's keys in the training text into `vocab` (whose lexicon is set) and freezes them.
void count_training_keys(Vocabularies& vocab, const ModelConfig& config, const TrainConfig& train_config, const data::Corpus& train) {
  for (const data::Sentence& sentence : train.sentences)
    vocab.count(sentence_keys(sentence.tokens, config, vocab, /*simplify_traditional=*/false), config);
  vocab.freeze(config, train_config);
}

// The vocabularies of a new model: the tags of the entity types of train and dev, and every feature's keys counted
// in the training text.
// With job.lexicon_pos_if_any, config.lexicon_pos is turned off for a dictionary without parts of speech.
Vocabularies build_vocabularies(const TrainJob& job, ModelConfig& config, const data::Corpus& train, const data::Corpus& dev) {
  Vocabularies vocab;
  vocab.tags = data::Vocab::from_keys(data::tag_set(entity_types({&train, &dev}), config.scheme), /*with_specials=*/false);
  if (config.lexicon_pos && config.lexicon_dim == 0) throw data::Error("--lexicon-pos needs lexicon features: give --lexicon FILE");
  if (config.lexicon_dim > 0) {
    if (job.lexicon_path.empty()) throw data::Error("lexicon features need a dictionary: give --lexicon FILE");
    vocab.lexicon = data::Lexicon::read(job.lexicon_path, config.normalize);
    const bool has_parts_of_speech = vocab.lexicon.parts_of_speech().size() > 1;
    if (config.lexicon_pos && !has_parts_of_speech && job.lexicon_pos_if_any) config.lexicon_pos = false;
    if (config.lexicon_pos && !has_parts_of_speech)
      throw data::Error(job.lexicon_path + ": no line gives a part of speech (a third column), which --lexicon-pos needs");
  }
  count_training_keys(vocab, config, job.train, train);
  return vocab;
}

// Gold tags in the model's scheme (re-derived from conlleval's chunks, so ill-formed input becomes well-formed).
std::vector<EncodedSentence> encode_corpus(const Model& model, const data::Corpus& corpus) {
  std::vector<EncodedSentence> encoded;
  encoded.reserve(corpus.sentences.size());
  for (const data::Sentence& sentence : corpus.sentences) {
    EncodedSentence e = model.encode(sentence.tokens);
    e.tags = model.encode_tags(data::convert_tags(sentence.tags, model.config().scheme),
                               corpus.origin + ":" + std::to_string(sentence.line));
    encoded.push_back(std::move(e));
  }
  return encoded;
}

Evaluation evaluate(Model& model, const data::Corpus& corpus, int threads) {
  const std::vector<std::vector<std::string>> predicted = predict_corpus_tags(ModelReplicas(model, threads).models(), corpus, kEvalBatch);
  Evaluation evaluation;
  for (std::size_t s = 0; s < corpus.sentences.size(); ++s) evaluation.add(corpus.sentences[s].tags, predicted[s]);
  return evaluation;
}

// Word dropout: each real character, bigram and lexicon word id becomes <unk> with probability `rate`, so the
// network learns what to do with characters, bigrams and words it has never seen. The true characters stay in
// batch.true_chars, for the language-model objective.
void replace_with_unknown(Batch& batch, double rate, int no_word, nn::Rng& rng) {
  if (rate <= 0) return;
  batch.true_chars = batch.chars;
  for (std::vector<int>* ids : {&batch.chars, &batch.left_bigrams, &batch.right_bigrams, &batch.lexicon.ids})
    for (int& id : *ids)
      if (id != data::Vocab::kPad && id != no_word && rng.uniform() < rate) id = data::Vocab::kUnk;
}

nlohmann::json record_json(const EpochRecord& r) {
  nlohmann::json types = nlohmann::json::object();
  for (const auto& [type, c] : r.dev_per_type) types[type] = {{"precision", c.precision()}, {"recall", c.recall()}, {"f1", c.f1()}};
  return {{"epoch", r.epoch},           {"loss", r.loss},       {"train_chars_per_s", r.train_chars_per_s},
          {"dev_precision", r.dev_precision}, {"dev_recall", r.dev_recall}, {"dev_f1", r.dev_f1},
          {"seconds", r.seconds},       {"learning_rate", r.learning_rate}, {"gradient_norm", r.gradient_norm},
          {"skipped_batches", r.skipped_batches}, {"best", r.best}, {"dev_types", types}};
}

// The run's files, which are checked before any work: a bad path fails now, not after hours of training.
RunFiles run_files(const TrainJob& job) {
  return {job.model_path,
          job.checkpoint_path,
          job.metrics_path,
          job.resume_path,
          {{"--report", job.report_path}},
          {job.train_path, job.dev_path, job.test_path, job.lexicon_path, job.char_vectors_path, job.bigram_vectors_path,
           job.word_vectors_path, job.init_path, job.lm_path},
          job.overwrite};
}

std::string list(const std::set<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text.empty() ? "none" : text;
}

// Dev entity types that training never shows cannot be found: say so before training (F1 0 on all of dev otherwise).
void warn_about_dev_types(const data::Corpus& train, const data::Corpus& dev, const std::function<void(const std::string&)>& log) {
  const std::vector<std::string> train_list = entity_types({&train}), dev_list = entity_types({&dev});
  const std::set<std::string> train_types(train_list.begin(), train_list.end());
  std::set<std::string> unseen;
  for (const std::string& type : dev_list)
    if (!train_types.count(type)) unseen.insert(type);
  if (unseen.empty()) return;
  if (unseen.size() == dev_list.size())
    log("warning: none of " + dev.origin + "'s entity types (" + list(unseen) + ") occurs in " + train.origin + " (" +
        list(train_types) + "): dev F1 will stay 0; are these the right files?");
  else
    log("warning: " + dev.origin + "'s entity types " + list(unseen) + " never occur in " + train.origin +
        ": the model cannot learn them");
}

// A dev corpus that is (nearly all) training sentences measures memorising, not tagging: say so.
void warn_about_dev_in_train(const data::Corpus& train, const data::Corpus& dev, const std::function<void(const std::string&)>& log) {
  auto key = [](const data::Sentence& sentence) {
    std::string joined;
    for (const std::string& token : sentence.tokens) joined += token + '\x1f';
    return joined;
  };
  std::unordered_set<std::string> seen;
  for (const data::Sentence& sentence : train.sentences) seen.insert(key(sentence));
  std::size_t in_train = 0;
  for (const data::Sentence& sentence : dev.sentences) in_train += seen.count(key(sentence));
  if (dev.sentences.empty() || in_train * 10 < dev.sentences.size() * 9) return;
  log("warning: " + std::to_string(in_train) + " of " + dev.origin + "'s " + std::to_string(dev.sentences.size()) +
      " sentences are in " + train.origin + ": dev F1 will measure memorising, not tagging; give held-out sentences "
      "(or --dev-fraction F)");
}

// A run's parts: the job, its corpora, the model with its optimizer and weight average, the training data as ids,
// the report written after every epoch, and the epoch being trained.
struct Run : Trainee {
  Run(const TrainJob& job, const TrainCallbacks& callbacks)
      : job(job), callbacks(callbacks), config(job.train), harness(*this, run_files(job), callbacks.log, callbacks.should_stop) {}

  void log(const std::string& line) const { harness.log(line); }
  bool writes_files() const { return harness.writes_files(); }

  void train_epoch(TrainingRun& run, RunState& state) override;
  double score_epoch(const RunState& state, double train_seconds) override;
  void save_best(const RunState& state) override;
  nlohmann::json epoch_record(bool best, double seconds) override {
    record.best = best;
    record.seconds = seconds;
    return record_json(record);
  }
  void save_checkpoint(nlohmann::json state) override;
  // The report, rewritten after every epoch, and the callback.
  void epoch_done(const RunState& state, bool writes) override;

  const TrainJob& job;
  const TrainCallbacks& callbacks;
  TrainConfig config;
  Group& group = Group::world();  // data-parallel: each rank trains on its share of every batch
  GradientSum gradient_sum{group};
  std::size_t exchanged_bytes = 0, whole_table_bytes = 0, exchanges = 0;  // of this epoch's gradient sums
  data::Corpus train_corpus, dev_corpus;
  std::optional<data::Corpus> test_corpus;
  std::unique_ptr<Model> model;
  nn::ParamList params;
  bool parallel = false;  // training on two threads
  std::optional<nn::Optimizer> optimizer;
  std::optional<nn::WeightAverage> average;  // with --average, the weights evaluated and saved
  std::vector<EncodedSentence> train_data;
  std::vector<std::size_t> lengths;  // of train_data's sentences
  std::size_t train_chars = 0;
  int no_word = -1;  // the lexicon's no-word id, which word dropout leaves alone
  TrainingReport report;
  TrainingRun harness;
  EpochProgress done;  // of the epoch being trained
  EpochRecord record;  // of the epoch being trained
  std::size_t chars_resumed = 0;  // characters of the epoch trained before the run was resumed
};

// Without a dev file, round(fraction · n) training sentences (at least one, and one left to train on) chosen by the
// seed, through a generator of their own so that training draws the same numbers either way; both keep file order.
void hold_out_dev(Run& run) {
  std::vector<data::Sentence>& sentences = run.train_corpus.sentences;
  const std::size_t n = sentences.size();
  if (n < 2) throw data::Error(run.train_corpus.origin + ": --dev-fraction needs at least two sentences");
  const std::size_t held = std::clamp<std::size_t>(static_cast<std::size_t>(std::llround(run.config.dev_fraction * static_cast<double>(n))), 1, n - 1);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  nn::Rng rng(run.config.seed ^ 0x646576u);  // "dev"
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  std::vector<bool> to_dev(n, false);
  for (std::size_t k = 0; k < held; ++k) to_dev[order[k]] = true;
  data::Corpus train{run.train_corpus.origin, run.train_corpus.format, {}}, dev = train;
  for (std::size_t s = 0; s < n; ++s) (to_dev[s] ? dev : train).sentences.push_back(std::move(sentences[s]));
  run.log("dev: " + std::to_string(held) + " of " + run.train_corpus.origin + "'s " + std::to_string(n) +
          " sentences held out (--dev-fraction " + nlohmann::json(run.config.dev_fraction).dump() + ", seed " +
          std::to_string(run.config.seed) + ")");
  run.train_corpus = std::move(train);
  run.dev_corpus = std::move(dev);
}

// Reads the corpora.
void read_corpora(Run& run) {
  run.group.require_regular_files({run.job.train_path, run.job.dev_path, run.job.test_path, run.job.lexicon_path});
  run.train_corpus = data::read_corpus(run.job.train_path, run.job.read);
  if (run.job.dev_path.empty()) {
    if (run.config.dev_fraction <= 0) throw data::UsageError("give a dev corpus (--dev FILE) or hold one out (--dev-fraction F)");
    hold_out_dev(run);
  } else {
    if (run.config.dev_fraction > 0) throw data::UsageError("--dev and --dev-fraction exclude each other");
    run.dev_corpus = data::read_corpus(run.job.dev_path, run.job.read);
  }
  if (!run.job.test_path.empty()) run.test_corpus = data::read_corpus(run.job.test_path, run.job.read);
}

// TrainConfig's epoch budget made definite from the training corpus's size.
void set_epoch_budget(Run& run) {
  for (const data::Sentence& sentence : run.train_corpus.sentences) run.train_chars += sentence.tokens.size();
  if (run.config.epochs <= 0) run.config.epochs = epochs_for_corpus(run.train_chars);
  if (run.config.patience < 0) run.config.patience = patience_for_epochs(run.config.epochs);
  run.group.check_same(static_cast<std::int64_t>(run.train_chars * 1000003 + run.train_corpus.sentences.size()),
                       "training text (characters and sentences)");
}

// The input features in words: "characters (100), bigrams (50), words of FILE (50; 349046 words, parts of speech)".
std::string features_line(const Model& model, const std::string& lexicon_path) {
  const ModelConfig& config = model.config();
  std::string line = "features: characters (" + std::to_string(config.char_dim) + ")";
  if (config.bigram_dim > 0) line += ", bigrams (" + std::to_string(config.bigram_dim) + ")";
  if (config.lexicon_dim > 0)
    line += ", words of " + lexicon_path + " (" + std::to_string(config.lexicon_dim) + "; " +
            std::to_string(model.vocabularies().lexicon.size()) + " words" + (config.lexicon_pos ? ", parts of speech)" : ")");
  if (config.lm_features > 0)
    line += ", language-model states (2 × " + std::to_string(config.lm_features) + (config.lm_finetune ? ", fine-tuned)" : ", fixed)");
  return line;
}

// The state a checkpoint holds, if the run continues with the settings that shaped it (epochs, patience and
// threads may change).
RunState resumed_state(const Run& run, const LoadedCheckpoint& checkpoint) {
  const std::string& origin = run.job.resume_path;
  nlohmann::json saved_state = checkpoint.state;
  // Earlier versions kept the generator at the interrupted epoch's start beside its position.
  if (saved_state.contains("in_epoch") && saved_state.contains("epoch_rng") && saved_state["in_epoch"].is_object())
    saved_state["in_epoch"]["start_rng"] = saved_state["epoch_rng"];
  RunState state = RunState::from_json(saved_state, origin);
  const std::optional<EpochProgress> in_epoch =
      state.in_epoch ? std::optional<EpochProgress>(EpochProgress::from_json(*state.in_epoch, origin)) : std::nullopt;
  nlohmann::json saved =
      TrainConfig::from_json(data::json_field<nlohmann::json>(checkpoint.state, "train_config", origin, "checkpoint state"), origin).to_json();
  nlohmann::json given = run.config.to_json();
  for (const Setting<TrainConfig>& setting : train_settings()) {
    const nlohmann::json::json_pointer key(setting.key);
    if (setting.resume_may_change || saved.value(key, nlohmann::json()) == given.value(key, nlohmann::json())) continue;
    throw data::Error(origin + ": the checkpoint was trained with " + setting.key.substr(1) + " = " + saved.value(key, nlohmann::json()).dump() +
                      ", not " + given.value(key, nlohmann::json()).dump() + "; resume with the same settings");
  }
  run.log("resuming from " + origin + " after epoch " + std::to_string(state.epoch) +
          (in_epoch ? ", batch " + std::to_string(in_epoch->batch) + " of epoch " + std::to_string(state.epoch + 1)
                          : std::string()));
  return state;
}

// A new model of the job's configuration, initialised from `rng`, with the pretrained vectors in its tables.
std::unique_ptr<Model> new_model(const Run& run, nn::Rng& rng) {
  const TrainJob& job = run.job;
  ModelConfig config = job.model;
  if (config.dropout < 0) config.dropout = dropout_for_corpus(run.train_chars);
  Vocabularies vocab = build_vocabularies(job, config, run.train_corpus, run.dev_corpus);
  if (!job.bigram_vectors_path.empty() && config.bigram_dim == 0)
    throw data::Error("--bigram-vectors needs bigram features: give --bigram-dim");
  if (!job.word_vectors_path.empty() && config.lexicon_dim == 0)
    throw data::Error("--word-vectors needs lexicon features: give --lexicon FILE");
  const std::size_t extra = job.pretrained_keys;
  const auto any = [](const std::string&) { return true; };
  std::unordered_set<std::string> dictionary_words;
  for (std::size_t w = 0; !job.word_vectors_path.empty() && w < vocab.lexicon.size(); ++w) dictionary_words.insert(vocab.lexicon.word(w));
  const auto in_dictionary = [&](const std::string& key) { return dictionary_words.count(key) > 0; };
  PretrainedVectors chars = extend_with_vectors(job.char_vectors_path, vocab.chars, config.char_dim, "--char-dim", extra, any);
  PretrainedVectors bigrams = extend_with_vectors(job.bigram_vectors_path, vocab.bigrams, config.bigram_dim, "--bigram-dim", extra, any);
  PretrainedVectors words = extend_with_vectors(job.word_vectors_path, vocab.words, config.lexicon_dim, "--lexicon-dim", extra, in_dictionary);
  std::unique_ptr<LanguageModel> lm;
  if (!job.lm_path.empty()) {
    lm = load_lm(job.lm_path).lm;
    config.lm_features = lm->config().hidden;
  }
  auto model = std::make_unique<Model>(config, std::move(vocab), std::move(lm));
  model->init(rng);
  const std::tuple<const char*, const std::string&, const PretrainedVectors&> logged[] = {
      {"characters", job.char_vectors_path, chars}, {"bigrams", job.bigram_vectors_path, bigrams}, {"words", job.word_vectors_path, words}};
  for (const auto& [what, path, pretrained] : logged)
    if (!path.empty())
      run.log(path + ": " + std::to_string(pretrained.known) + " of the training text's " + what + " have vectors; " +
              std::to_string(pretrained.joined) + " more join the vocabulary (from the file's first " + std::to_string(extra) +
              " vectors, --pretrained-keys)");
  copy_vectors(chars.vectors, model->chars(), model->char_table());
  if (config.bigram_dim > 0) copy_vectors(bigrams.vectors, model->vocabularies().bigrams, model->bigram_table());
  if (config.lexicon_dim > 0) copy_vectors(words.vectors, model->vocabularies().words, model->word_table());
  return model;
}

// A model that starts from job.init_path's (init_model.h).
std::unique_ptr<Model> model_from_init(const Run& run, nn::Rng& rng) {
  LoadedModel init = load_model(run.job.init_path);
  Vocabularies counted;
  counted.lexicon = init.model->vocabularies().lexicon;
  count_training_keys(counted, init.model->config(), run.job.train, run.train_corpus);
  std::unique_ptr<Model> model = model_from_trained(*init.model, counted, entity_types({&run.train_corpus, &run.dev_corpus}), rng);
  const auto added = [&](const data::Vocab& now, const data::Vocab& before, const char* what) {
    return std::string(what) + " " + std::to_string(now.size() - before.size());
  };
  const Vocabularies &before = init.model->vocabularies(), &now = model->vocabularies();
  run.log("starting from " + run.job.init_path + "; new keys: " + added(now.chars, before.chars, "characters") + ", " +
          added(now.bigrams, before.bigrams, "bigrams") + ", " + added(now.words, before.words, "words") + ", " +
          added(now.tags, before.tags, "tags") + " (with fresh weights)");
  return model;
}

// A new model and state, or everything the checkpoint holds; then the optimizer and the weight average.
RunState setup_model(Run& run) {
  const TrainConfig& config = run.config;
  RunState state;
  state.rng = nn::Rng(config.seed);
  std::optional<LoadedCheckpoint> checkpoint;
  if (!run.job.resume_path.empty()) {
    checkpoint = load_checkpoint(run.job.resume_path);
    run.model = std::move(checkpoint->model);
    state = resumed_state(run, *checkpoint);
  } else {
    run.model = run.job.init_path.empty() ? new_model(run, state.rng)
                                          : model_from_init(run, state.rng);
  }
  run.model->set_threads(config.threads);
  nn::profile::set_enabled(run.job.profile);
  run.params = run.model->params();
  if (run.group.distributed()) broadcast_values(run.group, run.params);
  nn::OptimizerConfig optimizer_config;
  optimizer_config.kind = config.optimizer;
  optimizer_config.learning_rate = config.learning_rate;
  optimizer_config.momentum = config.momentum;
  optimizer_config.weight_decay = config.weight_decay;
  run.optimizer.emplace(run.params, optimizer_config);
  run.parallel = config.threads >= 2;
  run.optimizer->set_parallel(run.parallel);
  if (checkpoint) {
    run.optimizer->set_steps(checkpoint->optimizer_steps);
    run.optimizer->first_moments() = checkpoint->first_moments;
    run.optimizer->second_moments() = checkpoint->second_moments;
  }
  if (config.average > 0) {
    run.average.emplace(run.params, config.average);
    if (checkpoint) {
      if (checkpoint->averages.size() != run.params.size())
        throw data::Error(run.job.resume_path + ": damaged (the checkpoint holds no weight averages)");
      run.average->set_state(checkpoint->optimizer_steps, checkpoint->averages);
    }
  }
  return state;
}

// The training data as ids, and the report's and the metrics file's parts so far.
void setup_data(Run& run) {
  run.train_data = encode_corpus(*run.model, run.train_corpus);
  for (const EncodedSentence& s : run.train_data) run.lengths.push_back(s.chars.size());
  run.log(features_line(*run.model, run.job.lexicon_path.empty() ? "the dictionary of " + run.job.init_path : run.job.lexicon_path));
  run.log("train: " + std::to_string(run.train_data.size()) + " sentences, " + std::to_string(run.train_chars) + " characters; " +
          std::to_string(run.model->chars().size()) + " character keys, " + std::to_string(run.model->tags().size()) + " tags (" +
          data::scheme_name(run.model->config().scheme) + "), " + std::to_string(nn::count_values(run.params)) +
          " parameters, dropout " + nlohmann::json(run.model->config().dropout).dump() +
          (run.model->config().lm_weight > 0 ? ", language-model weight " + nlohmann::json(run.model->config().lm_weight).dump() : "") +
          "; at most " +
          std::to_string(run.config.epochs) + " epochs, patience " + std::to_string(run.config.patience));
  const auto log = [&](const std::string& line) { run.log(line); };
  warn_about_dev_types(run.train_corpus, run.dev_corpus, log);
  warn_about_dev_in_train(run.train_corpus, run.dev_corpus, log);
  TrainingReport& report = run.report;
  report.model_path = run.job.model_path;
  report.command_line = run.job.command_line;
  report.configuration = {{"train", run.job.train_path}, {"dev", run.job.dev_path}, {"model", run.model->config().to_json()},
                          {"training", run.config.to_json()}};
  report.corpora = {{"train", corpus_stats(run.train_corpus)}, {"dev", corpus_stats(run.dev_corpus)}};
  if (run.test_corpus) report.corpora.emplace_back("test", corpus_stats(*run.test_corpus));
  run.no_word = run.model->config().lexicon_dim > 0 ? run.model->vocabularies().words.id(kNoWord) : -1;
}

// The training report, rewritten after every epoch and, with the test score, at the end.
void write_report(Run& run, const RunState& state) {
  run.report.metrics = state.metrics;
  if (!run.job.report_path.empty()) data::write_output_file(run.job.report_path, training_report_html(run.report));
}

// The checkpoint of `state`, with the settings and files that --resume alone continues from.
void Run::save_checkpoint(nlohmann::json state) {
  state["train_config"] = config.to_json();
  state["job"] = job.paths_json();
  state["model_config"] = model->config().to_json();
  ner::save_checkpoint(*model, *optimizer, average ? average->averages() : std::vector<nn::Matrix>{}, state, job.checkpoint_path);
}

// The gradient of one batch's summed loss in the parameters' (zeroed) gradients: word dropout, forward, backward.
// Returns the summed loss. Every gradient of a step comes from here.
// In a data-parallel job, rank r takes the batch's sentences r, r + N, r + 2N, ... (its shard), with word dropout and
// dropout from a generator of the seed, the step and the rank (so `rng`, which shuffles, stays the same on every
// rank), and the shards' gradients and losses are summed over the ranks.
double batch_gradient(Run& run, const std::vector<const EncodedSentence*>& members, nn::Rng& rng, int epoch, std::size_t step) {
  if (!run.group.distributed()) {
    Batch batch(members);
    replace_with_unknown(batch, run.config.unk_rate, run.no_word, rng);
    nn::zero_grads(run.params, run.parallel);
    return run.model->train_step(batch, rng);
  }
  const auto rank = static_cast<std::size_t>(run.group.rank()), ranks = static_cast<std::size_t>(run.group.size());
  std::vector<const EncodedSentence*> shard;
  for (std::size_t i = rank; i < members.size(); i += ranks) shard.push_back(members[i]);
  nn::Rng shard_rng(nn::splitmix64(run.config.seed ^ 0x7368617264u,  // "shard"
                                   (static_cast<std::uint64_t>(epoch) << 40 | static_cast<std::uint64_t>(step) << 16) + rank + 1));
  std::vector<double> loss = {0.0};
  nn::zero_grads(run.params, run.parallel);
  if (!shard.empty()) {
    Batch batch(shard);
    replace_with_unknown(batch, run.config.unk_rate, run.no_word, shard_rng);
    loss[0] = run.model->train_step(batch, shard_rng);
  }
  run.gradient_sum(run.params, loss, "epoch " + std::to_string(epoch + 1) + ", batch " + std::to_string(step + 1) + "'s gradient sum");
  run.exchanged_bytes += run.gradient_sum.last_bytes();
  run.whole_table_bytes += run.gradient_sum.last_dense_bytes();
  ++run.exchanges;
  return loss[0];
}

// One optimizer step on a batch, added to the epoch's sums. The step follows the gradient of the mean loss over the
// batch's sentences, clipped to norm config.clip; a non-finite loss or gradient stops the run, or with
// job.skip_nonfinite skips the batch.
void train_batch(Run& run, const std::vector<std::size_t>& indices, int epoch, nn::Rng& rng, EpochProgress& progress) {
  std::vector<const EncodedSentence*> members;
  for (std::size_t index : indices) members.push_back(&run.train_data[index]);
  const double loss = batch_gradient(run, members, rng, epoch, progress.batch);
  const double norm = nn::grad_norm(run.params, run.parallel) / static_cast<double>(members.size());
  if (!std::isfinite(loss) || !std::isfinite(norm)) {
    const std::string what = std::string(std::isfinite(loss) ? "gradient norm" : "loss") + " is " +
                             std::to_string(std::isfinite(loss) ? norm : loss) + " at epoch " + std::to_string(epoch + 1) +
                             ", batch " + std::to_string(progress.batch + 1);
    if (!run.job.skip_nonfinite)
      throw data::Error("training diverged: " + what + " (try a lower --lr or --clip, or --skip-nonfinite); the best model so far is kept");
    run.log(what + ": batch skipped");
    ++progress.skipped;
    return;
  }
  if (run.average) run.average->before_step();
  run.optimizer->step(static_cast<nn::Real>(nn::clip_scale(norm, run.config.clip) / static_cast<double>(members.size())));
  if (run.average) run.average->after_step();
  progress.loss_sum += loss;
  progress.norm_sum += norm;
  for (const EncodedSentence* s : members) progress.chars_done += s->chars.size();
  if (run.callbacks.progress)
    run.callbacks.progress(progress.chars_done, run.train_chars, progress.loss_sum / static_cast<double>(progress.chars_done));
}

// The epoch's batches from `rng`: the sentences shuffled, bucketed by length, the buckets shuffled.
std::vector<std::vector<std::size_t>> shuffled_batches(const Run& run, nn::Rng& rng) {
  std::vector<std::size_t> order(run.train_data.size());
  std::iota(order.begin(), order.end(), 0);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  std::vector<std::vector<std::size_t>> batches = data::length_buckets(order, run.lengths, static_cast<std::size_t>(run.config.batch));
  for (std::size_t i = batches.size(); i > 1; --i) std::swap(batches[i - 1], batches[rng.below(i)]);
  return batches;
}

// One epoch, or the rest of an interrupted one: its sums in `done`. When callbacks.should_stop says so, saves the
// state in the checkpoint and throws Interrupted.
void Run::train_epoch(TrainingRun& run, RunState& state) {
  const int epoch = state.epoch;
  optimizer->set_learning_rate(epoch_learning_rate(config.learning_rate, config.lr_decay, epoch));
  done = EpochProgress();
  done.start_rng = state.rng.state();
  std::vector<std::vector<std::size_t>> batches;
  if (state.in_epoch) {
    // An interrupted epoch: the same batches from the generator at its start, then the generator as it was.
    done = EpochProgress::from_json(*state.in_epoch, job.resume_path);
    state.in_epoch.reset();
    const std::string stopped_rng = state.rng.state();
    state.rng.set_state(done.start_rng);
    batches = shuffled_batches(*this, state.rng);
    state.rng.set_state(stopped_rng);
  } else {
    batches = shuffled_batches(*this, state.rng);
  }
  chars_resumed = done.chars_done;
  for (; done.batch < batches.size(); ++done.batch) {
    if (run.stop_asked()) run.stop(state, done.to_json(), "batch", done.batch, batches.size());
    train_batch(*this, batches[done.batch], epoch, state.rng, done);
  }
  if (exchanges > 0) {
    log("data-parallel over " + std::to_string(group.size()) + " processes: " + std::to_string(exchanges) +
        " gradient sums, " + std::to_string(exchanged_bytes / exchanges) + " bytes sent per step and process (" +
        std::to_string(whole_table_bytes / exchanges) + " with whole embedding tables)");
    exchanged_bytes = whole_table_bytes = exchanges = 0;
  }
}

// What the model file keeps of the run.
nlohmann::json model_summary(const Run& run, int epoch, double dev_f1) {
  nlohmann::json summary = {{"train", run.job.train_path},           {"dev", run.job.dev_path},
                            {"train_sentences", run.train_data.size()}, {"train_chars", run.train_chars},
                            {"best_epoch", epoch},                    {"dev_f1", dev_f1},
                            {"train_config", run.config.to_json()}};
  // The other files the model was made from.
  for (const auto& [key, path] : {std::pair<const char*, const std::string&>{"init", run.job.init_path}, {"lexicon", run.job.lexicon_path},
                                  {"test_corpus", run.job.test_path},
                                  {"char_vectors", run.job.char_vectors_path}, {"bigram_vectors", run.job.bigram_vectors_path},
                                  {"word_vectors", run.job.word_vectors_path}, {"lm", run.job.lm_path}})
    if (!path.empty()) summary[key] = path;
  return summary;
}

// The dev scores of the (averaged) weights, which are saved as the model when they are the best so far.
double Run::score_epoch(const RunState& state, double train_seconds) {
  record = EpochRecord();
  record.profile_seconds = nn::profile::seconds();
  if (average) average->swap_with_params();
  // Rank 0 evaluates and tells the others the dev F1 (which early stopping follows).
  const Evaluation dev = writes_files() ? evaluate(*model, dev_corpus, config.threads) : Evaluation{};
  if (average) average->swap_with_params();
  record.epoch = state.epoch + 1;
  record.epochs = config.epochs;
  record.loss = done.chars_done > 0 ? done.loss_sum / static_cast<double>(done.chars_done) : 0.0;
  record.train_chars_per_s = static_cast<double>(done.chars_done - chars_resumed) / train_seconds;
  record.dev_precision = dev.total().precision();
  record.dev_recall = dev.total().recall();
  record.dev_f1 = dev.total().f1();
  if (group.distributed()) group.broadcast(&record.dev_f1, 1, "epoch " + std::to_string(record.epoch) + "'s dev F1 from rank 0");
  record.dev_per_type = dev.per_type();
  record.learning_rate = optimizer->learning_rate();
  record.gradient_norm = done.norm_sum / std::max(1.0, static_cast<double>(done.batch) - done.skipped);
  record.skipped_batches = done.skipped;
  return record.dev_f1;
}

void Run::save_best(const RunState& state) {
  if (average) average->swap_with_params();
  save_model(*model, model_summary(*this, state.best_epoch, state.best_score), job.model_path);
  if (average) average->swap_with_params();
}

void Run::epoch_done(const RunState& state, bool writes) {
  if (writes) write_report(*this, state);
  if (callbacks.epoch_done) callbacks.epoch_done(record);
}

// The result of a finished run; with a test corpus, the best model's test score, kept in its summary, the metrics
// file and the report.
TrainResult finish(Run& run, const RunState& state) {
  TrainResult result;
  result.epochs_run = state.epoch;
  result.best_epoch = state.best_epoch;
  result.best_dev_f1 = state.best_score;
  if (!run.test_corpus || result.best_epoch == 0 || !run.writes_files()) return result;
  LoadedModel best = load_model(run.job.model_path);
  result.test = evaluate(*best.model, *run.test_corpus, run.config.threads);
  best.summary["test"] = nlohmann::json::parse(json_report(*result.test));
  save_model(*best.model, best.summary, run.job.model_path);
  if (!run.job.metrics_path.empty())
    data::write_output_file(run.job.metrics_path, run.harness.metrics() + nlohmann::json{{"test", best.summary["test"]}}.dump() + "\n");
  run.report.test = result.test;
  write_report(run, state);
  return result;
}


}  // namespace

// The paths as given, and the folder they are relative to: resumed there, a run records the same paths as an
// uninterrupted one (they are in the model's summary); resumed elsewhere, they are made absolute.
const std::vector<TrainJob::PathField>& TrainJob::path_fields() {
  static const std::vector<PathField> fields = {
      {"train", "--train", &TrainJob::train_path},       {"dev", "--dev", &TrainJob::dev_path},
      {"test", "--test", &TrainJob::test_path},          {"model", "--model", &TrainJob::model_path},
      {"metrics", "--metrics", &TrainJob::metrics_path}, {"checkpoint", "--checkpoint", &TrainJob::checkpoint_path},
      {"report", "--report", &TrainJob::report_path},    {"lexicon", "--lexicon", &TrainJob::lexicon_path},
      {"char_vectors", "--char-vectors", &TrainJob::char_vectors_path},
      {"bigram_vectors", "--bigram-vectors", &TrainJob::bigram_vectors_path},
      {"word_vectors", "--word-vectors", &TrainJob::word_vectors_path}, {"init", "--init", &TrainJob::init_path},
      {"lm", "--lm", &TrainJob::lm_path}};
  return fields;
}

nlohmann::json TrainJob::paths_json() const {
  nlohmann::json json = {{"folder", std::filesystem::current_path().string()},
                         {"format", data::format_name(read.format)}, {"encoding", read.encoding},
                         {"json_scheme", data::scheme_name(read.jsonl_scheme)}, {"skip_nonfinite", skip_nonfinite}};
  for (const PathField& field : path_fields()) json[field.key] = this->*field.path;
  return json;
}

void TrainJob::set_paths_from_json(const nlohmann::json& json, const std::string& origin) {
  try {
    const std::filesystem::path folder = json.at("folder").get<std::string>();
    for (const PathField& field : path_fields()) {
      // (Fields added later are absent from earlier checkpoints.)
      this->*field.path = path_from_folder(folder, json.contains(field.key) ? json.at(field.key).get<std::string>() : "");
    }
    read.format = data::parse_format(json.at("format").get<std::string>());
    read.encoding = json.at("encoding").get<std::string>();
    read.jsonl_scheme = data::parse_scheme(json.at("json_scheme").get<std::string>());
    skip_nonfinite = json.at("skip_nonfinite").get<bool>();
  } catch (const nlohmann::json::exception&) {
    throw data::Error(origin + ": damaged (the training job's paths)");
  }
}

std::string metrics_line(const EpochRecord& record) { return record_json(record).dump() + "\n"; }


nlohmann::json EpochProgress::to_json() const {
  return {{"batch", batch}, {"loss_sum", loss_sum},     {"norm_sum", norm_sum},
          {"skipped", skipped}, {"chars_done", chars_done}, {"start_rng", start_rng}};
}

EpochProgress EpochProgress::from_json(const nlohmann::json& json, const std::string& origin) {
  auto field = [&](const char* key, auto kind) { return data::json_field<decltype(kind)>(json, key, origin, "checkpoint state"); };
  EpochProgress progress;
  progress.batch = field("batch", std::size_t{});
  progress.loss_sum = field("loss_sum", double{});
  progress.norm_sum = field("norm_sum", double{});
  progress.skipped = field("skipped", int{});
  progress.chars_done = field("chars_done", std::size_t{});
  progress.start_rng = field("start_rng", std::string{});
  try {
    nn::Rng().set_state(progress.start_rng);
  } catch (const std::exception&) {
    throw damaged_state(origin, "start_rng");
  }
  return progress;
}

TrainResult train(const TrainJob& job, const TrainCallbacks& callbacks) {
  Run run(job, callbacks);
  read_corpora(run);
  set_epoch_budget(run);
  RunState state = setup_model(run);
  setup_data(run);
  run.harness.run(state, run.config.epochs, run.config.patience, "dev F1");
  return finish(run, state);
}

}  // namespace ner
