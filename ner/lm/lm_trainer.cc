#include "ner/lm/lm_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include "data/json_field.h"
#include "data/line_reader.h"
#include "data/normalize.h"
#include "data/output_file.h"
#include "data/tokenizer.h"
#include "ner/training/gradient_sum.h"
#include "ner/lm/lm.h"
#include "ner/lm/lm_file.h"
#include "ner/model/model_io.h"
#include "ner/training/training_run.h"
#include "nn/optimizer.h"
#include "nn/side_by_side.h"

namespace ner {
namespace {

// The text's symbols before the vocabulary exists: each distinct key a temporary id (0 is the line end), with its
// count in the training text.
struct Symbols {
  Symbols() : keys{kLineEndKey}, train_counts{0} { by_key.emplace(kLineEndKey, 0); }

  // The temporary id of a grapheme (normalized once per distinct grapheme), counted when `train`.
  int id(std::string_view grapheme, const data::NormalizeOptions& normalize, bool train) {
    std::string text(grapheme);
    auto found = by_grapheme.find(text);
    if (found == by_grapheme.end()) {
      const std::string key = data::normalize_key(grapheme, normalize);
      auto [entry, added] = by_key.emplace(key, static_cast<int>(keys.size()));
      if (added) {
        keys.push_back(key);
        train_counts.push_back(0);
      }
      found = by_grapheme.emplace(std::move(text), Grapheme{entry->second, 0}).first;
    }
    if (train) {
      ++found->second.train_count;
      ++train_counts[static_cast<std::size_t>(found->second.key)];
    }
    return found->second.key;
  }

  // Each key's most frequent grapheme in the training text (the smallest of equally frequent ones), where it is not
  // the key itself.
  std::map<std::string, std::string> surface_forms() const {
    std::vector<std::pair<std::size_t, const std::string*>> best(keys.size(), {0, nullptr});
    for (const auto& [text, grapheme] : by_grapheme) {
      auto& [count, form] = best[static_cast<std::size_t>(grapheme.key)];
      if (grapheme.train_count > count || (grapheme.train_count == count && count > 0 && text < *form)) {
        count = grapheme.train_count;
        form = &text;
      }
    }
    std::map<std::string, std::string> forms;
    for (std::size_t t = 0; t < keys.size(); ++t)
      if (best[t].second && *best[t].second != keys[t]) forms.emplace(keys[t], *best[t].second);
    return forms;
  }

  struct Grapheme {
    int key;
    std::size_t train_count;
  };
  std::unordered_map<std::string, Grapheme> by_grapheme;
  std::unordered_map<std::string, int> by_key;
  std::vector<std::string> keys;          // by temporary id
  std::vector<std::size_t> train_counts;  // by temporary id
};

// The training and held-out streams: symbols, every line followed by the line end, each stream starting with one.
struct RawText {
  std::vector<int> train = {0}, dev = {0};
  std::size_t train_lines = 0, dev_lines = 0;
};

// Appends every non-blank line of `path` to the training stream (to the held-out one when `dev_file`, or for the
// evenly spaced share `dev_fraction` of the training lines: line k when ⌊(k+1)·F⌋ > ⌊k·F⌋).
void read_raw(const std::string& path, const LmTrainJob& job, bool dev_file, double dev_fraction, Symbols& symbols,
              RawText& text) {
  data::LineReader reader(path, job.encoding);
  data::Tokenizer tokenizer;
  std::string line;
  std::size_t lines = 0;
  while (reader.next(line)) {
    if (const std::size_t nul = line.find('\0'); nul != std::string::npos)
      throw data::Error(reader.origin() + ":" + std::to_string(reader.line_number()) + ": a NUL byte at byte " +
                        std::to_string(nul + 1) + " of the line: a binary file, not text");
    const std::vector<data::Token> tokens = tokenizer.tokenize(line);
    if (tokens.empty()) continue;
    const double k = static_cast<double>(text.train_lines + text.dev_lines);
    const bool to_dev = dev_file || (dev_fraction > 0 && std::floor((k + 1) * dev_fraction) > std::floor(k * dev_fraction));
    std::vector<int>& stream = to_dev ? text.dev : text.train;
    for (const data::Token& token : tokens) stream.push_back(symbols.id(token.text(line), job.model.normalize, !to_dev));
    stream.push_back(0);
    if (!to_dev) ++symbols.train_counts[0];
    ++(to_dev ? text.dev_lines : text.train_lines);
    ++lines;
  }
  if (lines == 0) throw data::Error(reader.origin() + ": no text (the file is empty or blank)");
}

// A text cut into B streams of L = ⌊(n − 1) / B⌋ steps each; window k holds steps [k·T, min((k+1)·T, L)). The
// backward direction reads the text from its end.
class Windows {
 public:
  Windows(const std::vector<int>& text, bool reversed, nn::Index B, nn::Index T)
      : text_(text), reversed_(reversed), B_(B), T_(T), L_((static_cast<nn::Index>(text.size()) - 1) / B) {}

  std::size_t count() const { return L_ <= 0 ? 0 : static_cast<std::size_t>((L_ + T_ - 1) / T_); }
  std::size_t chars() const { return static_cast<std::size_t>(B_ * L_); }  // predictions in all windows
  nn::Index streams() const { return B_; }

  // The steps window k holds.
  nn::Index steps(std::size_t k) const { return std::min(T_, L_ - static_cast<nn::Index>(k) * T_); }

  // Of window k, the S streams from stream `first_stream` on (all of them by default): column t·S + j holds input
  // s[b·L + k·T + t] of stream b = first_stream + j, and its target, the symbol after it.
  void fill(std::size_t k, std::vector<int>& inputs, std::vector<int>& targets, nn::Index first_stream = 0, nn::Index S = -1) const {
    if (S < 0) S = B_;
    const nn::Index first = static_cast<nn::Index>(k) * T_, T = steps(k);
    inputs.resize(static_cast<std::size_t>(T * S));
    targets.resize(inputs.size());
    for (nn::Index t = 0; t < T; ++t)
      for (nn::Index j = 0; j < S; ++j) {
        const nn::Index i = (first_stream + j) * L_ + first + t;
        inputs[static_cast<std::size_t>(t * S + j)] = at(i);
        targets[static_cast<std::size_t>(t * S + j)] = at(i + 1);
      }
  }

 private:
  int at(nn::Index i) const {
    const std::size_t n = text_.size(), k = static_cast<std::size_t>(i);
    return text_[reversed_ ? n - 1 - k : k];
  }

  const std::vector<int>& text_;
  bool reversed_;
  nn::Index B_, T_, L_;
};

// One direction's model, optimizer and window buffers.
struct Direction {
  CharLm* lm = nullptr;
  nn::ParamList params;
  std::optional<nn::Optimizer> optimizer;
  std::vector<int> inputs, targets;  // the current window
};

// Where an epoch stands after some of its windows (the carried states are the models'): RunState::in_epoch.
struct LmEpochProgress {
  std::size_t window = 0;      // windows done
  double loss[2] = {0, 0};     // their summed loss per direction
  std::size_t chars = 0;       // their characters

  nlohmann::json to_json() const { return {{"window", window}, {"loss", loss}, {"chars", chars}}; }
  static LmEpochProgress from_json(const nlohmann::json& json, const std::string& origin) {
    auto field = [&](const char* key, auto kind) { return data::json_field<decltype(kind)>(json, key, origin, "checkpoint state"); };
    LmEpochProgress progress;
    progress.window = field("window", std::size_t{});
    const auto loss = field("loss", std::vector<double>{});
    if (loss.size() != 2) throw damaged_state(origin, "loss");
    progress.loss[0] = loss[0];
    progress.loss[1] = loss[1];
    progress.chars = field("chars", std::size_t{});
    return progress;
  }
};

// The run's files, which are checked before any work.
RunFiles run_files(const LmTrainJob& job) {
  std::vector<std::string> inputs = job.raw_paths;
  inputs.push_back(job.dev_path);
  return {job.model_path, job.checkpoint_path, job.metrics_path, job.resume_path, {}, inputs, job.overwrite, kLmKind, kLmCheckpointKind};
}

// A run's parts: the job, the model's two directions with their optimizers, the text, and the epoch being trained.
struct Run : Trainee {
  Run(const LmTrainJob& job, const LmTrainCallbacks& callbacks)
      : job(job), callbacks(callbacks), harness(*this, run_files(this->job), callbacks.log, callbacks.should_stop) {}

  void log(const std::string& line) const { harness.log(line); }
  bool writes_files() const { return harness.writes_files(); }

  void train_epoch(TrainingRun& run, RunState& state) override;
  double score_epoch(const RunState& state, double train_seconds) override;
  void save_best(const RunState&) override { save_lm(*lm, model_summary(), job.model_path); }
  nlohmann::json epoch_record(bool best, double seconds) override;
  void save_checkpoint(nlohmann::json state) override;
  void epoch_done(const RunState&, bool) override {
    if (callbacks.epoch_done) callbacks.epoch_done(record);
  }
  nlohmann::json model_summary() const;

  LmTrainJob job;
  const LmTrainCallbacks& callbacks;
  std::unique_ptr<LanguageModel> lm;
  Direction directions[2];  // forward, backward
  RawText text;
  bool parallel = false;
  Group& group = Group::world();  // data-parallel: each rank trains its share of the streams
  GradientSum gradient_sum{group};
  nn::ParamList both_params;  // data-parallel: of the two directions, summed over the ranks in one exchange
  TrainingRun harness;
  LmEpochProgress done;   // of the epoch being trained
  LmEpochRecord record;   // of the epoch being trained
  std::size_t chars_resumed = 0;  // characters of the epoch trained before the run was resumed
};

// The text, the vocabulary and a new model, or everything the checkpoint holds; then each direction's optimizer.
RunState setup(Run& run) {
  const LmTrainJob& job = run.job;
  std::vector<std::string> inputs = job.raw_paths;
  inputs.push_back(job.dev_path);
  run.group.require_regular_files(inputs);
  Symbols symbols;
  for (const std::string& path : job.raw_paths) read_raw(path, job, false, job.dev_path.empty() ? job.train.dev_fraction : 0, symbols, run.text);
  if (!job.dev_path.empty()) read_raw(job.dev_path, job, true, 0, symbols, run.text);
  if (run.text.dev_lines == 0)
    throw data::Error("the training text has " + std::to_string(run.text.train_lines) + " lines, too few to hold out " +
                      nlohmann::json(job.train.dev_fraction).dump() + " of them; give --dev-raw FILE");
  run.group.check_same(static_cast<std::int64_t>(run.text.train.size()), "raw text (characters)");
  RunState state;
  state.rng = nn::Rng(job.train.seed);
  std::optional<LoadedLmCheckpoint> checkpoint;
  if (!job.resume_path.empty()) {
    checkpoint = load_lm_checkpoint(job.resume_path);
    run.lm = std::move(checkpoint->lm);
    state = RunState::from_json(checkpoint->state, job.resume_path);
    const auto train_symbols = data::json_field<std::size_t>(checkpoint->state, "train_symbols", job.resume_path, "checkpoint state");
    if (train_symbols != run.text.train.size())
      throw data::Error(job.resume_path + ": the training text has changed since the checkpoint (" +
                        std::to_string(run.text.train.size() - 1) + " characters, the run had " +
                        std::to_string(train_symbols - 1) + "); resume with the same files");
    const std::optional<LmEpochProgress> in_epoch =
        state.in_epoch ? std::optional<LmEpochProgress>(LmEpochProgress::from_json(*state.in_epoch, job.resume_path)) : std::nullopt;
    run.log("resuming from " + job.resume_path + " after epoch " + std::to_string(state.epoch) +
            (in_epoch ? ", window " + std::to_string(in_epoch->window) + " of epoch " + std::to_string(state.epoch + 1) : std::string()));
  } else {
    // The vocabulary: keys seen at least min_count times (the line end always), ids by falling count.
    data::Vocab vocab;
    for (std::size_t t = 0; t < symbols.keys.size(); ++t)
      if (symbols.train_counts[t] > 0)
        vocab.count(symbols.keys[t], t == 0 ? std::max(symbols.train_counts[t], job.train.min_count) : symbols.train_counts[t]);
    vocab.freeze(job.train.min_count);
    std::vector<std::size_t> counts(vocab.size(), 0);
    for (std::size_t t = 0; t < symbols.keys.size(); ++t) counts[static_cast<std::size_t>(vocab.id(symbols.keys[t]))] += symbols.train_counts[t];
    LmConfig config = job.model;
    const int classes = config.classes > 0 ? config.classes : static_cast<int>(std::ceil(std::sqrt(static_cast<double>(vocab.size()))));
    std::vector<nn::Index> begins = frequency_classes(counts, classes);
    config.classes = static_cast<int>(begins.size());
    std::map<std::string, std::string> surface;
    for (auto& [key, form] : symbols.surface_forms())
      if (vocab.contains(key)) surface.emplace(key, form);
    run.lm = std::make_unique<LanguageModel>(config, std::move(vocab), std::move(begins));
    run.lm->set_surface_forms(std::move(surface));
    run.lm->init(state.rng);
  }
  // The streams in the model's ids (a key the vocabulary lacks is <unk>).
  std::vector<int> to_id(symbols.keys.size());
  for (std::size_t t = 0; t < symbols.keys.size(); ++t) to_id[t] = run.lm->vocab().id(symbols.keys[t]);
  for (std::vector<int>* stream : {&run.text.train, &run.text.dev})
    for (int& symbol : *stream) symbol = to_id[static_cast<std::size_t>(symbol)];
  nn::OptimizerConfig optimizer_config;
  optimizer_config.learning_rate = job.train.learning_rate;
  CharLm* models[2] = {&run.lm->forward_model(), &run.lm->backward_model()};
  for (int d = 0; d < 2; ++d) {
    Direction& direction = run.directions[d];
    direction.lm = models[d];
    direction.params = models[d]->params();
    direction.optimizer.emplace(direction.params, optimizer_config);
    if (!checkpoint) continue;
    const auto steps = data::json_field<std::vector<long>>(checkpoint->state, "optimizer_steps", job.resume_path, "checkpoint state");
    if (steps.size() != 2) throw data::Error(job.resume_path + ": damaged checkpoint state (field 'optimizer_steps')");
    direction.optimizer->set_steps(steps[static_cast<std::size_t>(d)]);
    direction.optimizer->first_moments() = checkpoint->first_moments[d];
    direction.optimizer->second_moments() = checkpoint->second_moments[d];
    models[d]->set_carried_state(checkpoint->carried[d]);
  }
  run.parallel = job.train.threads >= 2;
  if (run.group.distributed()) {
    run.both_params = run.directions[0].params;
    nn::append(run.both_params, run.directions[1].params);
    if (job.train.batch < run.group.size())
      throw data::UsageError(std::to_string(job.train.batch) + " streams (--batch) cannot be shared out between " +
                             std::to_string(run.group.size()) + " processes: give at least one each");
    broadcast_values(run.group, run.both_params);
  }
  nn::profile::set_enabled(job.profile);
  const LanguageModel& lm = *run.lm;
  run.log("train: " + std::to_string(run.text.train_lines) + " lines, " + std::to_string(run.text.train.size() - 1) +
          " characters (line ends included); dev: " + std::to_string(run.text.dev_lines) + " lines" +
          (job.dev_path.empty() ? " held out" : " of " + job.dev_path) + "; " + std::to_string(lm.vocab().size()) +
          " character keys, " +
          (lm.config().classes == 1 ? std::string("a full softmax") : "a softmax of " + std::to_string(lm.config().classes) + " classes") + "; " +
          std::to_string(nn::count_values(run.lm->params())) + " parameters; " + std::to_string(job.train.batch) +
          " streams, windows of " + std::to_string(job.train.bptt));
  return state;
}

// Runs work(d) for both directions, side by side with two threads.
void for_both(const Run& run, const std::function<void(int)>& work) {
  if (run.parallel) {
    nn::run_side_by_side([&] { work(0); }, [&] { work(1); });
    return;
  }
  work(0);
  work(1);
}

constexpr double kLn2 = 0.69314718055994530942;

// The checkpoint of `state`, with the job that --resume alone continues and the length of the text it trains on.
void Run::save_checkpoint(nlohmann::json state) {
  state["job"] = job.to_json();
  state["train_symbols"] = text.train.size();
  save_lm_checkpoint(*lm, *directions[0].optimizer, *directions[1].optimizer, state, job.checkpoint_path);
}

// One epoch of truncated backpropagation through time on both directions, or the rest of an interrupted one: its
// windows' sums in run.done. When callbacks.should_stop says so, saves the state in the checkpoint and throws
// Interrupted.
void train_windows(Run& run, TrainingRun& harness, RunState& state) {
  const int epoch = state.epoch;
  for (Direction& direction : run.directions)
    direction.optimizer->set_learning_rate(epoch_learning_rate(run.job.train.learning_rate, run.job.train.lr_decay, epoch));
  const Windows windows(run.text.train, false, run.job.train.batch, run.job.train.bptt);
  if (windows.count() == 0)
    throw data::Error("the training text has " + std::to_string(run.text.train.size() - 1) + " characters, too few for " +
                      std::to_string(run.job.train.batch) + " streams (--batch)");
  const Windows reversed(run.text.train, true, run.job.train.batch, run.job.train.bptt);
  LmEpochProgress& progress = run.done;
  progress = LmEpochProgress();
  if (state.in_epoch) {
    progress = LmEpochProgress::from_json(*state.in_epoch, run.job.resume_path);  // the carried states came with the checkpoint
    state.in_epoch.reset();
  } else {
    for (Direction& direction : run.directions) direction.lm->reset_state();
  }
  run.chars_resumed = progress.chars;
  std::vector<double> loss(2);  // of the current window, per direction
  for (; progress.window < windows.count(); ++progress.window) {
    const std::size_t k = progress.window;
    if (harness.stop_asked()) harness.stop(state, progress.to_json(), "window", k, windows.count());
    // Rank r of N trains streams [r·B/N, (r+1)·B/N) (all B alone), and the ranks sum their gradients and losses.
    const nn::Index B = windows.streams(), ranks = run.group.size(), rank = run.group.rank();
    const nn::Index first_stream = rank * B / ranks, streams = (rank + 1) * B / ranks - first_stream;
    for_both(run, [&](int d) {
      Direction& direction = run.directions[d];
      (d == 0 ? windows : reversed).fill(k, direction.inputs, direction.targets, first_stream, streams);
      nn::zero_grads(direction.params);
      loss[static_cast<std::size_t>(d)] = direction.lm->window(direction.inputs, direction.targets, streams, /*training=*/true);
    });
    if (run.group.distributed())
      run.gradient_sum(run.both_params, loss, "epoch " + std::to_string(epoch + 1) + ", window " + std::to_string(k + 1) + "'s gradient sum");
    const double n = static_cast<double>(windows.steps(k) * B);  // the window's characters, on all ranks
    for_both(run, [&](int d) {
      Direction& direction = run.directions[d];
      const double window_loss = loss[static_cast<std::size_t>(d)];
      const double norm = nn::grad_norm(direction.params) / n;
      if (!std::isfinite(window_loss) || !std::isfinite(norm))
        throw data::Error("training diverged: the " + std::string(d == 0 ? "forward" : "backward") + " model's " +
                          (std::isfinite(window_loss) ? "gradient norm" : "loss") + " is not finite at epoch " + std::to_string(epoch + 1) +
                          ", window " + std::to_string(k + 1) + " (try a lower --lr or --clip); the best model so far is kept");
      // The step follows the window's mean loss, its gradient clipped to norm `clip`.
      direction.optimizer->step(static_cast<nn::Real>(nn::clip_scale(norm, run.job.train.clip) / n));
      progress.loss[d] += window_loss;
    });
    progress.chars += static_cast<std::size_t>(n);
    if (run.callbacks.progress)
      run.callbacks.progress(progress.chars, windows.chars(), progress.loss[0] / static_cast<double>(progress.chars) / kLn2);
  }
}

// Bits per character of the held-out text, per direction, from zero state (with at most `batch` streams).
void dev_bits(Run& run, double bits[2]) {
  const nn::Index streams = std::min<nn::Index>(run.job.train.batch, static_cast<nn::Index>(run.text.dev.size()) - 1);
  for_both(run, [&](int d) {
    Direction& direction = run.directions[d];
    const Windows windows(run.text.dev, d == 1, streams, run.job.train.bptt);
    direction.lm->reset_state();
    double loss = 0;
    for (std::size_t k = 0; k < windows.count(); ++k) {
      windows.fill(k, direction.inputs, direction.targets);
      loss += direction.lm->window(direction.inputs, direction.targets, streams, /*training=*/false);
    }
    direction.lm->reset_state();
    bits[d] = loss / static_cast<double>(windows.chars()) / kLn2;
  });
}

nlohmann::json record_json(const LmEpochRecord& r) {
  return {{"epoch", r.epoch},
          {"train_bits_per_char", {{"forward", r.train_bits[0]}, {"backward", r.train_bits[1]}}},
          {"dev_bits_per_char", {{"forward", r.dev_bits[0]}, {"backward", r.dev_bits[1]}}},
          {"train_chars_per_s", r.chars_per_s},
          {"learning_rate", r.learning_rate},
          {"seconds", r.seconds},
          {"best", r.best}};
}


// What the model file keeps of the run, with the epoch just scored as the best.
nlohmann::json Run::model_summary() const {
  nlohmann::json train_config = job.train.to_json();
  train_config.erase("threads");  // any thread count gives the same model
  return {{"raw", job.raw_paths},
          {"dev", job.dev_path.empty() ? "held out" : job.dev_path},
          {"train_chars", text.train.size() - 1},
          {"best_epoch", record.epoch},
          {"dev_bits_per_char", {{"forward", record.dev_bits[0]}, {"backward", record.dev_bits[1]}}},
          {"train_config", train_config}};
}

void Run::train_epoch(TrainingRun& run, RunState& state) { train_windows(*this, run, state); }

// The mean of the two directions' bits per character on the held-out text, negated (higher is better); rank 0
// measures them and tells the others.
double Run::score_epoch(const RunState& state, double train_seconds) {
  record = LmEpochRecord();
  record.epoch = state.epoch + 1;
  record.epochs = job.train.epochs;
  record.chars_per_s = static_cast<double>(done.chars - chars_resumed) / train_seconds;
  record.learning_rate = directions[0].optimizer->learning_rate();
  record.profile_seconds = nn::profile::seconds();
  for (int d = 0; d < 2; ++d) record.train_bits[d] = done.loss[d] / static_cast<double>(done.chars) / kLn2;
  if (writes_files()) dev_bits(*this, record.dev_bits);
  if (group.distributed()) group.broadcast(record.dev_bits, 2, "epoch " + std::to_string(record.epoch) + "'s dev bits from rank 0");
  return -(record.dev_bits[0] + record.dev_bits[1]) / 2;
}

nlohmann::json Run::epoch_record(bool best, double seconds) {
  record.best = best;
  record.seconds = seconds;
  return record_json(record);
}

// The job of a checkpoint, with what the command line may change: more epochs, the threads, profiling.
LmTrainJob resumed_job(const LmTrainJob& given) {
  const nlohmann::json state = load_lm_checkpoint(given.resume_path).state;
  if (!state.contains("job")) throw data::Error(given.resume_path + ": damaged (the training job)");
  LmTrainJob job = LmTrainJob::from_json(state["job"], given.resume_path);
  job.resume_path = given.resume_path;
  if (given.train.epochs > 0) job.train.epochs = given.train.epochs;
  job.train.threads = given.train.threads;
  job.profile = given.profile;
  return job;
}

}  // namespace

nlohmann::json LmTrainJob::to_json() const {
  return {{"folder", std::filesystem::current_path().string()},
          {"raw", raw_paths},
          {"dev", dev_path},
          {"model", model_path},
          {"checkpoint", checkpoint_path},
          {"metrics", metrics_path},
          {"encoding", encoding},
          {"model_config", model.to_json()},
          {"train_config", train.to_json()}};
}

LmTrainJob LmTrainJob::from_json(const nlohmann::json& json, const std::string& origin) {
  LmTrainJob job;
  try {
    const std::filesystem::path folder = json.at("folder").get<std::string>();
    const auto located = [&](const std::string& path) { return path_from_folder(folder, path); };
    for (const std::string& path : json.at("raw").get<std::vector<std::string>>()) job.raw_paths.push_back(located(path));
    job.dev_path = located(json.at("dev").get<std::string>());
    job.model_path = located(json.at("model").get<std::string>());
    job.checkpoint_path = located(json.at("checkpoint").get<std::string>());
    job.metrics_path = located(json.at("metrics").get<std::string>());
    job.encoding = json.at("encoding").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    throw data::Error(origin + ": damaged (the training job's paths)");
  }
  job.model = LmConfig::from_json(data::json_field<nlohmann::json>(json, "model_config", origin, "training job"), origin);
  job.train = LmTrainConfig::from_json(data::json_field<nlohmann::json>(json, "train_config", origin, "training job"), origin);
  return job;
}

LmTrainResult train_lm(const LmTrainJob& given, const LmTrainCallbacks& callbacks) {
  Run run(given.resume_path.empty() ? given : resumed_job(given), callbacks);
  RunState state = setup(run);
  run.harness.run(state, run.job.train.epochs, /*patience=*/0, "dev bits per character");
  return {state.epoch, state.best_epoch, -state.best_score};
}

}  // namespace ner
