#include "ner/model/settings.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <type_traits>

#include "data/encoding.h"
#include "data/error.h"

namespace ner {

std::string number_text(long double x, bool integer) {
  if (integer || (x == std::floor(x) && std::fabs(x) < 1e15L))
    return x < 0 ? std::to_string(static_cast<long long>(x)) : std::to_string(static_cast<unsigned long long>(x));
  char text[40];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(x));
    if (std::strtod(text, nullptr) == static_cast<double>(x)) break;
  }
  return text;
}

namespace {

// `s` with each of `marks` (&Setting::optional, ...) set.
template <typename S, typename... Marks>
S with(S s, Marks... marks) {
  ((s.*marks = true), ...);
  return s;
}

// The rows the tagger's and the language model's tables share: the cell, how characters become keys, the decay.
template <typename C>
Setting<C> cell_setting() {
  return choice_setting<C>("/cell", "--cell", &C::cell, std::vector<nn::CellType>(std::begin(nn::kCellTypes), std::end(nn::kCellTypes)),
                           nn::cell_name, parse_cell, "recurrent cell: lstm, gru, rnn (tanh) or rnn-relu");
}

template <typename C>
Settings<C> normalize_settings() {
  return {switch_setting<C>("/normalize/nfkc", "", [](auto& c) -> auto& { return c.normalize.nfkc; }, ""),
          switch_setting<C>("/normalize/case_fold", "--case-fold", [](auto& c) -> auto& { return c.normalize.case_fold; },
                            "fold letter case in character keys"),
          switch_setting<C>("/normalize/digit_class", "--digit-class", [](auto& c) -> auto& { return c.normalize.digit_class; },
                            "map every digit to one character key")};
}

template <typename C>
Setting<C> lr_decay_setting() {
  return number_setting<C>("/lr_decay", "--lr-decay", &C::lr_decay, 0, 1e6, "learning rate at epoch e is lr / (1 + decay * e)");
}

// `settings` followed by `more`.
template <typename C>
Settings<C> joined(Settings<C> settings, const Settings<C>& more) {
  settings.insert(settings.end(), more.begin(), more.end());
  return settings;
}

// The help of --dropout, --unk-rate, ... that the feature sets choose: "(default X with --features ..., else Y)".
std::string recipe_default(long double set_value, const char* sets, long double otherwise) {
  return "default " + number_text(set_value) + " with --features " + sets + ", else " + number_text(otherwise);
}

}  // namespace

const Settings<ModelConfig>& model_settings() {
  using C = ModelConfig;
  using S = Setting<C>;
  static const Settings<C> settings = [] {
    const C defaults;
    Settings<C> s = {
        cell_setting<C>(),
        number_setting<C>("/layers", "--layers", &C::layers, 1, 8, "stacked bidirectional layers"),
        number_setting<C>("/hidden", "--hidden", &C::hidden, 1, 4096, "units per direction"),
        number_setting<C>("/char_dim", "--char-dim", &C::char_dim, 1, 4096, "character embedding size"),
        with(number_setting<C>("/bigram_dim", "--bigram-dim", &C::bigram_dim, 0, 4096,
                  "character-bigram embedding size (0: no bigram features; " +
                      recipe_default(kRecipeBigramDim, "bigram or lexicon", defaults.bigram_dim) + ")"), &S::optional, &S::hides_default),
        with(number_setting<C>("/lexicon_dim", "--lexicon-dim", &C::lexicon_dim, 0, 4096,
                  "lexicon word embedding size (default " + std::to_string(kDefaultLexiconDim) + " with --lexicon)"), &S::optional, &S::hides_default),
        with(switch_setting<C>("/lexicon_pos", "--lexicon-pos", &C::lexicon_pos,
                  "each matched word also brings an embedding of its part of speech (the dictionary's third column, "
                  "e.g. jieba's nr person, ns place, nt organization), so words unseen in training still say "
                  "something (default with --features lexicon when the dictionary has them)"), &S::optional, &S::negatable),
        with(number_setting<C>("/lm_features", "", &C::lm_features, 0, 4096, ""), &S::optional),
        with(switch_setting<C>("/lm_finetune", "--lm-finetune", &C::lm_finetune,
                  "with --lm, training also updates the language model's embeddings and layers (default: fixed)"), &S::optional),
        with(number_setting<C>("/dropout", "--dropout", &C::dropout, 0, 0.95,
                  "dropout rate on the embeddings, between layers and before the output layer (default " +
                      number_text(defaults.dropout) + "; " + number_text(kSmallCorpusDropout) +
                      " with --features lexicon and a training text under " + std::to_string(kSmallCorpusChars) +
                      " characters)"), &S::hides_default),
        switch_setting<C>("/peepholes", "--peepholes", &C::peepholes, "LSTM peephole connections"),
        with(number_setting<C>("/lm_weight", "--lm-weight", &C::lm_weight, 0, kMaxLmWeight,
                  "weight of an auxiliary language-model loss: the top layer's forward state at each character "
                  "predicts the next character, its backward state the previous one (no raw text needed; 0: off)"), &S::optional),
        with(switch_setting<C>("/constrained", "--no-constraints", &C::constrained, "let the CRF use transitions the scheme forbids"), &S::inverted),
        choice_setting<C>("/scheme", "--scheme", &C::scheme, std::vector<data::Scheme>{data::Scheme::kBioes, data::Scheme::kBio},
                  data::scheme_name, data::parse_scheme,
                  "tag scheme the model predicts: BIOES or BIO (any input scheme is converted; ner eval writes "
                  "predictions in the gold file's scheme, ner convert --scheme BMES writes M- for I-)"),
        number_setting<C>("/max_sentence_tokens", "", &C::max_sentence_tokens, 1, 1e15, ""),
    };
    return joined(s, normalize_settings<C>());
  }();
  return settings;
}

const Settings<TrainConfig>& train_settings() {
  using C = TrainConfig;
  using S = Setting<C>;
  static const Settings<C> settings = [] {
    const C defaults;
    Settings<C> s = {
        with(number_setting<C>("/epochs", "--epochs", &C::epochs, 1, 100000,
                  "most epochs (default: about 20 million training characters' worth, from " +
                      std::to_string(epochs_for_corpus(std::size_t{1} << 40)) + " to " + std::to_string(epochs_for_corpus(1)) + ")"), &S::hides_default, &S::resume_may_change),
        number_setting<C>("/batch", "--batch", &C::batch, 1, 100000, "sentences per minibatch"),
        choice_setting<C>("/optimizer", "--optimizer", &C::optimizer, std::vector<nn::OptimizerKind>(std::begin(nn::kOptimizerKinds), std::end(nn::kOptimizerKinds)),
                  optimizer_name, parse_optimizer, "adam or sgd"),
        number_setting<C>("/learning_rate", "--lr", &C::learning_rate, 1e-30, 1e30, "learning rate"),
        lr_decay_setting<C>(),
        number_setting<C>("/momentum", "--momentum", &C::momentum, 0, 0.999, "SGD momentum"),
        number_setting<C>("/weight_decay", "--weight-decay", &C::weight_decay, 0, 1, "L2 (SGD) or decoupled (Adam) weight decay"),
        number_setting<C>("/clip", "--clip", &C::clip, 0, 1e9, "global gradient-norm limit (0: none)"),
        with(number_setting<C>("/patience", "--patience", &C::patience, 0, 100000,
                  "stop after this many epochs without a better dev F1 (0: never; default: a fifth of the epochs, at least " +
                      std::to_string(patience_for_epochs(0)) + ")"), &S::hides_default, &S::resume_may_change),
        number_setting<C>("/seed", "--seed", &C::seed, 0, 0, "random seed (same seed and threads: same model bytes)"),
        with(number_setting<C>("/threads", "--threads", &C::threads, 1, 256,
                  "threads (default: the cores there are, which mpirun divides between its processes); training "
                  "shares its work out on two, evaluation on all"), &S::resume_may_change),
        number_setting<C>("/min_char_count", "--min-count", &C::min_char_count, 1, kMaxCount, "characters seen fewer times become <unk>"),
        with(number_setting<C>("/min_feature_count", "--feature-min-count", &C::min_feature_count, 1, kMaxCount,
                  "bigrams and lexicon words seen fewer times in the training text become <unk> (fewer parameters, "
                  "a smaller model file)"), &S::optional),
        with(number_setting<C>("/unk_rate", "--unk-rate", &C::unk_rate, 0, 0.9,
                  "while training, each character, bigram and lexicon word becomes <unk> with this probability (" +
                      recipe_default(kRecipeUnkRate, "bigram or lexicon", defaults.unk_rate) + ")"), &S::optional, &S::hides_default),
        with(number_setting<C>("/average", "--average", &C::average, 0, 0.99999,
                  "evaluate and save an exponential moving average of the weights with this decay per step, e.g. 0.999 "
                  "(0: the last weights; default " + number_text(kRecipeAverage) + " with --features lexicon, else 0)"), &S::optional, &S::hides_default),
        with(number_setting<C>("/dev_fraction", "--dev-fraction", &C::dev_fraction, 0.01, 0.5,
                  "without a dev corpus: hold out this share of the training sentences as dev (chosen by --seed; "
                  "recorded in the model)"), &S::omitted_at_default, &S::hides_default),
    };
    return s;
  }();
  return settings;
}

const Settings<LmConfig>& lm_settings() {
  using C = LmConfig;
  using S = Setting<C>;
  static const Settings<C> settings = [] {
    Settings<C> s = {
        cell_setting<C>(),
        number_setting<C>("/layers", "--layers", &C::layers, 1, 8, "stacked recurrent layers"),
        number_setting<C>("/hidden", "--hidden", &C::hidden, 1, 4096, "units per layer"),
        number_setting<C>("/char_dim", "--char-dim", &C::char_dim, 1, 4096, "character embedding size"),
        with(number_setting<C>("/classes", "--classes", &C::classes, 1, 1 << 20,
                  "classes of --softmax class (default: the square root of the vocabulary size; 1: a full softmax)"), &S::hides_default),
    };
    return joined(s, normalize_settings<C>());
  }();
  return settings;
}

const Settings<LmTrainConfig>& lm_train_settings() {
  using C = LmTrainConfig;
  using S = Setting<C>;
  static const Settings<C> settings = [] {
    Settings<C> s = {
        number_setting<C>("/bptt", "--bptt", &C::bptt, 1, 100000, "characters per window of truncated backpropagation through time"),
        number_setting<C>("/batch", "--batch", &C::batch, 1, 100000, "parallel streams the text is cut into (columns of every window)"),
        with(number_setting<C>("/epochs", "--epochs", &C::epochs, 1, 100000, "epochs (each a pass over the text in both directions)"), &S::resume_may_change),
        number_setting<C>("/learning_rate", "--lr", &C::learning_rate, 1e-30, 1e30, "Adam's learning rate"),
        with(lr_decay_setting<C>(), &S::omitted_at_default),
        number_setting<C>("/clip", "--clip", &C::clip, 0, 1e9, "global gradient-norm limit of each window's mean loss, per direction (0: none)"),
        number_setting<C>("/min_count", "--min-count", &C::min_count, 1, kMaxCount, "characters seen fewer times become <unk>"),
        number_setting<C>("/seed", "--seed", &C::seed, 0, 0,
                  "random seed (same seed and text: same model bytes, with any --threads)"),
        with(number_setting<C>("/threads", "--threads", &C::threads, 1, 256,
                  "threads (default: the cores there are); the forward and backward models train side by side on two"), &S::resume_may_change),
        number_setting<C>("/dev_fraction", "--dev-fraction", &C::dev_fraction, 0.001, 0.5,
                  "without --dev-raw: hold out this share of the lines, evenly spaced (every 100th for 0.01)"),
    };
    return s;
  }();
  return settings;
}

std::string unknown_encoding(const std::string& name) {
  if (name == data::kAutoEncoding) return "";
  try {
    data::min_char_size(name, "");
    return "";
  } catch (const data::Error&) {
    return "unknown encoding '" + name + "' (auto, or an ICU name: utf-8, gb18030, gbk, big5, utf-16le, ...)";
  }
}

const Settings<data::ReadOptions>& read_settings() {
  using C = data::ReadOptions;
  static const Settings<C> settings = [] {
    Setting<C> encoding = text_setting<C>("/encoding", "--encoding", &C::encoding, kEncodingHelp);
    encoding.accepts = unknown_encoding;
    Setting<C> verbose = switch_setting<C>("/verbose", "--verbose", &C::verbose, "say on stderr which encoding each corpus was read in");
    verbose.aliases = ",-v";
    return Settings<C>{
        choice_setting<C>("/format", "--format", &C::format, std::vector<data::Format>{data::Format::kAuto, data::Format::kConll, data::Format::kJsonl},
                  data::format_name, data::parse_format, "corpus format: auto (JSONL if the first line starts with '{'), conll, jsonl"),
        encoding,
        verbose,
        choice_setting<C>("/json_scheme", "--json-scheme", &C::jsonl_scheme,
                  std::vector<data::Scheme>{data::Scheme::kBio, data::Scheme::kBioes, data::Scheme::kBmes}, data::scheme_name,
                  data::parse_scheme, "tag scheme that JSONL spans become: BIO, BIOES or BMES"),
        switch_setting<C>("/strict", "--strict", &C::strict,
                  "refuse what is otherwise repaired with one warning per file: overlapping JSONL spans (else the "
                  "outermost, then the longer, then the earlier is kept) and byte-order marks inside a file (else "
                  "removed)"),
    };
  }();
  return settings;
}

}  // namespace ner
