#include "ner/trainer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include "data/output_file.h"
#include "data/batching.h"
#include "data/error.h"
#include "data/text_file.h"
#include "data/vectors.h"
#include "ner/model_io.h"
#include "ner/report.h"
#include "ner/stats.h"
#include "ner/tagger.h"
#include "nn/optimizer.h"
#include "nn/weight_average.h"

namespace ner {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Entity types of the corpora, sorted.
std::vector<std::string> entity_types(const std::vector<const data::Corpus*>& corpora) {
  std::set<std::string> types;
  for (const data::Corpus* corpus : corpora)
    for (const data::Sentence& sentence : corpus->sentences)
      for (const data::Span& span : data::chunks(sentence.tags)) types.insert(span.type);
  return {types.begin(), types.end()};
}

// Adds every key of pretrained vectors to `vocab`; the vectors are copied into the table after init.
data::Vectors extend_with_vectors(const std::string& path, data::Vocab& vocab, int dim, const char* what) {
  data::Vectors vectors;
  if (path.empty()) return vectors;
  vectors = data::read_vectors(path);
  if (static_cast<int>(vectors.dim) != dim)
    throw data::Error(path + ": " + std::to_string(vectors.dim) + "-dimensional vectors, but the " + what + " size is " +
                      std::to_string(dim));
  for (const std::string& key : vectors.keys) vocab.add(key);
  return vectors;
}

void copy_vectors(const data::Vectors& vectors, const data::Vocab& vocab, nn::Param& table) {
  for (std::size_t k = 0; k < vectors.keys.size(); ++k)
    table.value.col(vocab.id(vectors.keys[k])) = Eigen::Map<const Eigen::VectorXf>(vectors.values[k].data(), table.value.rows()).cast<nn::Real>();
}

std::unique_ptr<Model> new_model(const TrainJob& job, const data::Corpus& train, const data::Corpus& dev,
                                 const TrainConfig& train_config, nn::Rng& rng) {
  const ModelConfig& config = job.model;
  Vocabularies vocab;
  vocab.tags = data::Vocab::from_keys(data::tag_set(entity_types({&train, &dev}), config.scheme), /*with_specials=*/false);
  if (config.lexicon_pos && config.lexicon_dim == 0) throw data::Error("--lexicon-pos needs lexicon features: give --lexicon FILE");
  if (config.lexicon_dim > 0) {
    if (job.lexicon_path.empty()) throw data::Error("lexicon features need a dictionary: give --lexicon FILE");
    vocab.lexicon = data::Lexicon::read(job.lexicon_path, config.normalize);
    if (config.lexicon_pos && vocab.lexicon.parts_of_speech().size() == 1)
      throw data::Error(job.lexicon_path + ": no line gives a part of speech (a third column), which --lexicon-pos needs");
  }
  // Characters, bigrams and the dictionary words found in the training text.
  for (const data::Sentence& sentence : train.sentences) {
    const std::vector<std::string> keys = data::normalize_keys(sentence.tokens, config.normalize);
    for (const std::string& key : keys) vocab.chars.count(key);
    if (config.bigram_dim > 0) {
      for (const std::string& key : left_bigram_keys(keys)) vocab.bigrams.count(key);
      vocab.bigrams.count(right_bigram_keys(keys).back());
    }
    if (config.lexicon_dim > 0)
      for (const data::Lexicon::Match& m : vocab.lexicon.match(keys)) {
        vocab.words.count(vocab.lexicon.word(m.word));
        const std::size_t part_of_speech = vocab.lexicon.part_of_speech(m.word);
        if (config.lexicon_pos && part_of_speech > 0) vocab.words.count(part_of_speech_key(vocab.lexicon.parts_of_speech()[part_of_speech]));
      }
  }
  vocab.chars.freeze(train_config.min_char_count);
  if (config.bigram_dim > 0) vocab.bigrams.freeze(train_config.min_feature_count);
  if (config.lexicon_dim > 0) {
    vocab.words.freeze(train_config.min_feature_count);
    vocab.words.add(kNoWord);
  }
  data::Vectors char_vectors = extend_with_vectors(job.char_vectors_path, vocab.chars, config.char_dim, "--char-dim");
  data::Vectors bigram_vectors;
  if (!job.bigram_vectors_path.empty()) {
    if (config.bigram_dim == 0) throw data::Error("--bigram-vectors needs bigram features: give --bigram-dim");
    bigram_vectors = extend_with_vectors(job.bigram_vectors_path, vocab.bigrams, config.bigram_dim, "--bigram-dim");
  }
  auto model = std::make_unique<Model>(config, std::move(vocab));
  model->init(rng);
  copy_vectors(char_vectors, model->chars(), model->char_table());
  if (config.bigram_dim > 0) copy_vectors(bigram_vectors, model->vocabularies().bigrams, model->bigram_table());
  return model;
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
  std::vector<std::vector<std::string>> tokens;
  for (const data::Sentence& sentence : corpus.sentences) tokens.push_back(sentence.tokens);
  std::vector<std::vector<std::string>> predicted = predict_tags(ModelReplicas(model, threads).models(), tokens, kEvalBatch);
  Evaluation evaluation;
  for (std::size_t s = 0; s < corpus.sentences.size(); ++s) evaluation.add(corpus.sentences[s].tags, predicted[s]);
  return evaluation;
}

// Word dropout: each real character, bigram and lexicon word id becomes <unk> with probability `rate`, so the
// network learns what to do with characters, bigrams and words it has never seen.
void replace_with_unknown(Batch& batch, double rate, int no_word, nn::Rng& rng) {
  if (rate <= 0) return;
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

// Every output must be writable before any work, and none may be an input: a bad path fails now, not after hours of
// training. An existing model or checkpoint is kept unless the run continues it or may replace it.
void check_outputs(const TrainJob& job) {
  const std::vector<std::string> inputs = {job.train_path, job.dev_path, job.test_path, job.lexicon_path,
                                           job.char_vectors_path, job.bigram_vectors_path, job.resume_path};
  for (const std::string& path : {job.model_path, job.metrics_path, job.checkpoint_path, job.report_path}) {
    if (path.empty()) continue;
    const data::OutputTarget target = data::classify_output(path);
    std::vector<std::string> others = inputs;
    if (path == job.checkpoint_path) others.pop_back();  // resuming rewrites the checkpoint it continues
    data::check_not_an_input(path, others);
    if (target.kind != data::OutputKind::kReplace || !job.resume_path.empty() || job.overwrite) continue;
    if (path == job.model_path)
      throw data::Error(path + ": a model of that name exists; give --overwrite to replace it, --resume " +
                        job.checkpoint_path + " to continue its training, or another --model");
    if (path == job.checkpoint_path)
      throw data::Error(path + ": a checkpoint of an earlier run exists; give --resume " + path +
                        " to continue it, or --overwrite to start afresh");
  }
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

}  // namespace

nlohmann::json TrainJob::paths_json() const {
  auto absolute = [](const std::string& path) {
    return path.empty() || path == "-" || path.front() == '/' ? path : std::filesystem::absolute(path).string();
  };
  return {{"train", absolute(train_path)},          {"dev", absolute(dev_path)},
          {"test", absolute(test_path)},            {"model", absolute(model_path)},
          {"metrics", absolute(metrics_path)},      {"checkpoint", absolute(checkpoint_path)},
          {"report", absolute(report_path)},        {"lexicon", absolute(lexicon_path)},
          {"char_vectors", absolute(char_vectors_path)}, {"bigram_vectors", absolute(bigram_vectors_path)},
          {"format", data::format_name(read.format)}, {"encoding", read.encoding},
          {"json_scheme", data::scheme_name(read.jsonl_scheme)}, {"skip_nonfinite", skip_nonfinite}};
}

void TrainJob::set_paths_from_json(const nlohmann::json& json, const std::string& origin) {
  try {
    for (auto [key, field] : {std::pair<const char*, std::string*>{"train", &train_path}, {"dev", &dev_path},
                              {"test", &test_path}, {"model", &model_path}, {"metrics", &metrics_path},
                              {"checkpoint", &checkpoint_path}, {"report", &report_path}, {"lexicon", &lexicon_path},
                              {"char_vectors", &char_vectors_path}, {"bigram_vectors", &bigram_vectors_path}})
      *field = json.at(key).get<std::string>();
    read.format = data::parse_format(json.at("format").get<std::string>());
    read.encoding = json.at("encoding").get<std::string>();
    read.jsonl_scheme = data::parse_scheme(json.at("json_scheme").get<std::string>());
    skip_nonfinite = json.at("skip_nonfinite").get<bool>();
  } catch (const nlohmann::json::exception&) {
    throw data::Error(origin + ": damaged (the training job's paths)");
  }
}

std::string metrics_line(const EpochRecord& record) { return record_json(record).dump() + "\n"; }

TrainResult train(const TrainJob& job, const TrainCallbacks& callbacks) {
  auto log = [&](const std::string& line) {
    if (callbacks.log) callbacks.log(line);
  };
  check_outputs(job);
  data::Corpus train_corpus = data::read_corpus(job.train_path, job.read);
  data::Corpus dev_corpus = data::read_corpus(job.dev_path, job.read);
  warn_about_dev_types(train_corpus, dev_corpus, log);
  std::optional<data::Corpus> test_corpus;
  if (!job.test_path.empty()) test_corpus = data::read_corpus(job.test_path, job.read);

  // A fresh model, or everything a checkpoint holds.
  TrainConfig config = job.train;
  nn::Rng rng(config.seed);
  std::unique_ptr<Model> model;
  nlohmann::json state = {{"epoch", 0}, {"best_f1", -1.0}, {"best_epoch", 0}, {"bad_epochs", 0}, {"metrics", nlohmann::json::array()}};
  std::optional<LoadedCheckpoint> checkpoint;
  if (!job.resume_path.empty()) {
    checkpoint = load_checkpoint(job.resume_path);
    model = std::move(checkpoint->model);
    state = checkpoint->state;
    // The run continues only with the settings that shaped it; epochs, patience and threads may change.
    nlohmann::json saved = TrainConfig::from_json(state.at("train_config"), job.resume_path).to_json();
    nlohmann::json given = config.to_json();
    for (const char* free : {"epochs", "patience", "threads"}) saved.erase(free), given.erase(free);
    for (auto& [key, value] : saved.items())
      if (given[key] != value)
        throw data::Error(job.resume_path + ": the checkpoint was trained with " + key + " = " + value.dump() + ", not " +
                          given[key].dump() + "; resume with the same settings");
    // Stopped mid-epoch: the generator is put back to the epoch's start, which reshuffles the same batches.
    rng.set_state(state.at(state.contains("in_epoch") ? "epoch_rng" : "rng").get<std::string>());
    log("resuming from " + job.resume_path + " after epoch " + std::to_string(state["epoch"].get<int>()) +
        (state.contains("in_epoch") ? ", batch " + std::to_string(state["in_epoch"].at("batch").get<std::size_t>()) +
                                          " of epoch " + std::to_string(state["epoch"].get<int>() + 1)
                                    : std::string()));
  } else {
    model = new_model(job, train_corpus, dev_corpus, config, rng);
  }
  model->set_threads(config.threads);
  nn::profile::set_enabled(job.profile);
  nn::ParamList params = model->params();
  nn::OptimizerConfig optimizer_config;
  optimizer_config.kind = config.optimizer;
  optimizer_config.learning_rate = config.learning_rate;
  optimizer_config.momentum = config.momentum;
  optimizer_config.weight_decay = config.weight_decay;
  nn::Optimizer optimizer(params, optimizer_config);
  const bool parallel = config.threads >= 2;
  optimizer.set_parallel(parallel);
  if (checkpoint) {
    optimizer.set_steps(checkpoint->optimizer_steps);
    optimizer.first_moments() = checkpoint->first_moments;
    optimizer.second_moments() = checkpoint->second_moments;
  }
  // With --average, the weights evaluated and saved are a moving average of the trained ones.
  std::optional<nn::WeightAverage> average;
  if (config.average > 0) {
    average.emplace(params, config.average);
    if (checkpoint) {
      if (checkpoint->averages.size() != params.size())
        throw data::Error(job.resume_path + ": damaged (the checkpoint holds no weight averages)");
      average->set_state(checkpoint->optimizer_steps, checkpoint->averages);
    }
  }

  std::vector<EncodedSentence> train_data = encode_corpus(*model, train_corpus);
  std::vector<std::size_t> lengths;
  std::size_t train_chars = 0;
  for (const EncodedSentence& s : train_data) {
    lengths.push_back(s.chars.size());
    train_chars += s.chars.size();
  }
  log("train: " + std::to_string(train_data.size()) + " sentences, " + std::to_string(train_chars) + " characters; " +
      std::to_string(model->chars().size()) + " character keys, " + std::to_string(model->tags().size()) + " tags (" +
      data::scheme_name(model->config().scheme) + "), " + std::to_string(nn::count_values(params)) + " parameters");

  auto summary = [&](int epoch, double dev_f1) {
    return nlohmann::json{{"train", job.train_path},          {"dev", job.dev_path},
                          {"train_sentences", train_data.size()}, {"train_chars", train_chars},
                          {"best_epoch", epoch},               {"dev_f1", dev_f1},
                          {"train_config", config.to_json()}};
  };
  // The training report, rewritten after every epoch and, with the test score, at the end.
  TrainingReport report;
  report.model_path = job.model_path;
  report.command_line = job.command_line;
  report.configuration = {{"train", job.train_path}, {"dev", job.dev_path}, {"model", model->config().to_json()}, {"training", config.to_json()}};
  report.corpora = {{"train", corpus_stats(train_corpus)}, {"dev", corpus_stats(dev_corpus)}};
  if (test_corpus) report.corpora.emplace_back("test", corpus_stats(*test_corpus));
  auto write_report = [&] {
    report.metrics = state["metrics"];
    if (!job.report_path.empty()) data::write_output_file(job.report_path, training_report_html(report));
  };
  std::string metrics;
  for (const auto& line : state["metrics"]) metrics += line.dump() + "\n";

  const int no_word = model->config().lexicon_dim > 0 ? model->vocabularies().words.id(kNoWord) : -1;
  TrainResult result;
  for (int epoch = state["epoch"].get<int>(); epoch < config.epochs; ++epoch) {
    const auto started = Clock::now();
    nn::profile::reset();
    const std::string epoch_rng = rng.state();
    optimizer.set_learning_rate(config.learning_rate / (1 + config.lr_decay * epoch));
    // Shuffle, bucket by length, shuffle the buckets.
    std::vector<std::size_t> order(train_data.size());
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    std::vector<std::vector<std::size_t>> batches = data::length_buckets(order, lengths, static_cast<std::size_t>(config.batch));
    for (std::size_t i = batches.size(); i > 1; --i) std::swap(batches[i - 1], batches[rng.below(i)]);

    double loss_sum = 0, norm_sum = 0;
    int skipped = 0;
    std::size_t chars_done = 0, first_batch = 0;
    if (state.contains("in_epoch")) {
      // The rest of an epoch that was interrupted: its sums so far, and the generator as it was then.
      const nlohmann::json& in_epoch = state["in_epoch"];
      first_batch = in_epoch.at("batch").get<std::size_t>();
      loss_sum = in_epoch.at("loss_sum").get<double>();
      norm_sum = in_epoch.at("norm_sum").get<double>();
      skipped = in_epoch.at("skipped").get<int>();
      chars_done = in_epoch.at("chars_done").get<std::size_t>();
      rng.set_state(state.at("rng").get<std::string>());
      state.erase("in_epoch");
      state.erase("epoch_rng");
    }
    const std::size_t chars_before = chars_done;
    std::vector<const EncodedSentence*> members;
    for (std::size_t b = first_batch; b < batches.size(); ++b) {
      if (callbacks.should_stop && callbacks.should_stop()) {
        // Everything needed to go on from batch b, in the checkpoint.
        nlohmann::json stopped = state;
        stopped["in_epoch"] = {{"batch", b}, {"loss_sum", loss_sum}, {"norm_sum", norm_sum}, {"skipped", skipped}, {"chars_done", chars_done}};
        stopped["epoch_rng"] = epoch_rng;
        stopped["rng"] = rng.state();
        stopped["train_config"] = config.to_json();
        stopped["job"] = job.paths_json();
        stopped["model_config"] = model->config().to_json();
        save_checkpoint(*model, optimizer, average ? average->averages() : std::vector<nn::Matrix>{}, stopped, job.checkpoint_path);
        throw Interrupted("interrupted in epoch " + std::to_string(epoch + 1) + " after batch " + std::to_string(b) + " of " +
                          std::to_string(batches.size()) + "; the state is saved in " + job.checkpoint_path +
                          ": continue with `ner train --resume " + job.checkpoint_path + "`");
      }
      members.clear();
      for (std::size_t index : batches[b]) members.push_back(&train_data[index]);
      Batch batch(members);
      replace_with_unknown(batch, config.unk_rate, no_word, rng);
      nn::zero_grads(params, parallel);
      const double loss = model->train_step(batch, rng);
      // The step follows the gradient of the mean loss over the batch's sentences, clipped to norm config.clip.
      const double norm = nn::grad_norm(params, parallel) / static_cast<double>(members.size());
      if (!std::isfinite(loss) || !std::isfinite(norm)) {
        const std::string what = std::string(std::isfinite(loss) ? "gradient norm" : "loss") + " is " +
                                 std::to_string(std::isfinite(loss) ? norm : loss) + " at epoch " + std::to_string(epoch + 1) +
                                 ", batch " + std::to_string(b + 1);
        if (!job.skip_nonfinite)
          throw data::Error("training diverged: " + what + " (try a lower --lr or --clip, or --skip-nonfinite); the best model so far is kept");
        log(what + ": batch skipped");
        ++skipped;
        continue;
      }
      if (average) average->before_step();
      optimizer.step(static_cast<nn::Real>(nn::clip_scale(norm, config.clip) / static_cast<double>(members.size())));
      if (average) average->after_step();
      loss_sum += loss;
      norm_sum += norm;
      for (const EncodedSentence* s : members) chars_done += s->chars.size();
      if (callbacks.progress) callbacks.progress(chars_done, train_chars, loss_sum / static_cast<double>(chars_done));
    }
    const double train_seconds = seconds_since(started);
    const std::array<double, nn::profile::kParts> profile_seconds = nn::profile::seconds();

    if (average) average->swap_with_params();
    Evaluation dev = evaluate(*model, dev_corpus, config.threads);
    EpochRecord record;
    record.epoch = epoch + 1;
    record.loss = loss_sum / static_cast<double>(train_data.size());
    record.train_chars_per_s = static_cast<double>(chars_done - chars_before) / train_seconds;
    record.dev_precision = dev.total().precision();
    record.dev_recall = dev.total().recall();
    record.dev_f1 = dev.total().f1();
    record.dev_per_type = dev.per_type();
    record.learning_rate = optimizer.learning_rate();
    record.gradient_norm = norm_sum / std::max(1.0, static_cast<double>(batches.size()) - skipped);
    record.skipped_batches = skipped;
    record.best = record.dev_f1 > state["best_f1"].get<double>();
    record.profile_seconds = profile_seconds;
    if (record.best) {
      save_model(*model, summary(record.epoch, record.dev_f1), job.model_path);
      state["best_f1"] = record.dev_f1;
      state["best_epoch"] = record.epoch;
      state["bad_epochs"] = 0;
    } else {
      state["bad_epochs"] = state["bad_epochs"].get<int>() + 1;
    }
    if (average) average->swap_with_params();
    record.seconds = seconds_since(started);
    state["epoch"] = record.epoch;
    state["metrics"].push_back(record_json(record));
    state["train_config"] = config.to_json();
    state["rng"] = rng.state();
    state["job"] = job.paths_json();
    state["model_config"] = model->config().to_json();
    metrics += metrics_line(record);
    if (!job.metrics_path.empty()) data::write_output_file(job.metrics_path, metrics);
    write_report();
    if (!job.checkpoint_path.empty())
      save_checkpoint(*model, optimizer, average ? average->averages() : std::vector<nn::Matrix>{}, state, job.checkpoint_path);
    if (callbacks.epoch_done) callbacks.epoch_done(record);
    if (config.patience > 0 && state["bad_epochs"].get<int>() >= config.patience) {
      log("early stop: no better dev F1 for " + std::to_string(config.patience) + " epochs");
      break;
    }
  }
  result.epochs_run = state["epoch"].get<int>();
  result.best_epoch = state["best_epoch"].get<int>();
  result.best_dev_f1 = state["best_f1"].get<double>();
  if (test_corpus && result.best_epoch > 0) {
    LoadedModel best = load_model(job.model_path);
    result.test = evaluate(*best.model, *test_corpus, config.threads);
    // The test score is kept in the best model's summary, the metrics file and the report.
    best.summary["test"] = nlohmann::json::parse(json_report(*result.test));
    save_model(*best.model, best.summary, job.model_path);
    if (!job.metrics_path.empty())
      data::write_output_file(job.metrics_path, metrics + nlohmann::json{{"test", best.summary["test"]}}.dump() + "\n");
    report.test = result.test;
    write_report();
  }
  return result;
}

}  // namespace ner
