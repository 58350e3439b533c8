// The Python module `ner` over the library: Tagger (tag, tag_many, nbest), score and train, with the library's
// errors raised as ner.Error. The GIL is released while the library works, so other Python threads run meanwhile.
#include <pybind11/functional.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "data/error.h"
#include "data/utf8.h"
#include "ner/cli_common.h"
#include "ner/evaluate.h"
#include "ner/model_info.h"
#include "ner/model_io.h"
#include "ner/tagger.h"
#include "ner/trainer.h"

namespace py = pybind11;

namespace ner {
namespace {

// Texts handed to Tagger::tag at a time by tag_many: bounds the memory of the tagged lines held at once (the
// result does not depend on it).
constexpr std::size_t kLinesPerCall = 4096;

// Python's json.loads of the library's JSON: the dicts ner's --json output holds.
py::object from_json(const std::string& json) { return py::module_::import("json").attr("loads")(json); }

py::list entities_list(const std::vector<Entity>& entities) {
  py::list list;
  for (const Entity& e : entities) {
    py::dict entity;
    entity["start"] = e.start;
    entity["end"] = e.end;
    entity["type"] = e.type;
    entity["text"] = e.text;
    if (e.confidence) entity["confidence"] = *e.confidence;
    list.append(entity);
  }
  return list;
}

// A Python str as UTF-8; anything else is a TypeError naming `what`.
std::string text_of(const py::handle& object, const std::string& what) {
  if (!py::isinstance<py::str>(object))
    throw py::type_error(what + " must be a str, not " + std::string(py::str(py::type::handle_of(object).attr("__name__"))));
  return object.cast<std::string>();
}

// A str or os.PathLike path; anything else is a TypeError naming `what`.
std::string path_of(const py::handle& object, const std::string& what) {
  const py::object path = py::module_::import("os").attr("fsdecode")(object);
  return text_of(path, what);
}

class PyTagger {
 public:
  PyTagger(const py::object& model, int threads, const std::string& precision)
      : model_path_(model.is_none() ? default_model_path() : path_of(model, "model")) {
    if (threads < 1 || threads > 256) throw data::UsageError("threads must be 1 to 256, not " + std::to_string(threads));
    py::gil_scoped_release unlocked;
    loaded_ = load_model(model_path_);
    kernel_ = apply_precision(*loaded_.model, precision);
    replicas_ = std::make_unique<ModelReplicas>(*loaded_.model, threads);
    tagger_ = std::make_unique<Tagger>(replicas_->models(), kTagBatch);
  }

  py::list tag(const py::handle& text, bool confidence, double min_confidence) {
    TagOptions options = tag_options(confidence, min_confidence, 0);
    return entities_list(tag_lines({text_of(text, "text")}, options).at(0).entities);
  }

  py::list tag_many(const py::iterable& texts, bool confidence, double min_confidence) {
    const TagOptions options = tag_options(confidence, min_confidence, 0);
    std::vector<std::string> lines;
    for (const py::handle& text : texts) lines.push_back(text_of(text, "texts[" + std::to_string(lines.size()) + "]"));
    py::list result;
    for (std::size_t first = 0; first < lines.size(); first += kLinesPerCall) {
      const std::size_t end = std::min(lines.size(), first + kLinesPerCall);
      const std::vector<std::string> chunk(lines.begin() + static_cast<std::ptrdiff_t>(first), lines.begin() + static_cast<std::ptrdiff_t>(end));
      for (const TaggedLine& line : tag_lines(chunk, options)) result.append(entities_list(line.entities));
    }
    return result;
  }

  py::list nbest(const py::handle& text, int k, bool confidence) {
    if (k < 1 || k > kMaxNbestPaths)
      throw data::UsageError("k must be 1 to " + std::to_string(kMaxNbestPaths) + ", not " + std::to_string(k));
    const TaggedLine line = tag_lines({text_of(text, "text")}, tag_options(confidence, 0, k)).at(0);
    py::list paths;
    for (const TaggedLine::Alternative& alternative : line.nbest) {
      py::dict path;
      path["probability"] = alternative.probability;
      path["entities"] = entities_list(alternative.entities);
      paths.append(path);
    }
    return paths;
  }

  const std::string& model_path() const { return model_path_; }
  std::string arithmetic() const { return arithmetic_name(kernel_); }
  int threads() const { return static_cast<int>(replicas_->models().size()); }
  py::object info() const { return from_json(model_info(model_path_, loaded_).dump()); }

 private:
  static TagOptions tag_options(bool confidence, double min_confidence, int nbest) {
    if (!(min_confidence >= 0 && min_confidence <= 1))
      throw data::UsageError("min_confidence must be 0 to 1, not " + std::to_string(min_confidence));
    TagOptions options;
    options.decode.confidence = confidence || min_confidence > 0;
    options.decode.nbest = nbest;
    options.min_confidence = min_confidence;
    return options;
  }

  // Tagger::tag without the GIL, one call at a time (the tagger's workspaces are its own).
  std::vector<TaggedLine> tag_lines(const std::vector<std::string>& lines, const TagOptions& options) {
    py::gil_scoped_release unlocked;
    std::lock_guard<std::mutex> lock(mutex_);
    tagger_->set_options(options);
    return tagger_->tag(lines);
  }

  std::string model_path_;
  LoadedModel loaded_;
  nn::Bf16Kernel kernel_ = nn::Bf16Kernel::kNone;
  std::unique_ptr<ModelReplicas> replicas_;
  std::unique_ptr<Tagger> tagger_;
  std::mutex mutex_;
};

// conlleval's counts for sentences of gold and predicted tags, as `ner score --json` reports them.
py::object score(const std::vector<std::vector<std::string>>& gold, const std::vector<std::vector<std::string>>& predicted) {
  if (gold.size() != predicted.size())
    throw data::Error("gold has " + std::to_string(gold.size()) + " sentences, predicted " + std::to_string(predicted.size()));
  Evaluation evaluation;
  for (std::size_t s = 0; s < gold.size(); ++s) {
    const std::string sentence = "sentence " + std::to_string(s + 1);
    if (gold[s].size() != predicted[s].size())
      throw data::Error(sentence + ": gold has " + std::to_string(gold[s].size()) + " tags, predicted " +
                        std::to_string(predicted[s].size()));
    for (std::size_t t = 0; t < gold[s].size(); ++t)
      for (const std::string* tag : {&gold[s][t], &predicted[s][t]})
        if (!is_scored_tag(*tag))
          throw data::Error(sentence + ", token " + std::to_string(t + 1) + ": '" + *tag +
                            "' is not a tag (O, or B- I- E- S- M- and a type)");
    evaluation.add(gold[s], predicted[s]);
  }
  return from_json(json_report(evaluation));
}

// A keyword argument as ner train's option: dev="x" is --dev x, lexicon_pos=False is --lexicon-pos=false, None
// leaves the option out.
void add_argument(std::vector<std::string>& arguments, const std::string& key, const py::handle& value) {
  if (value.is_none()) return;
  std::string option = "--" + key;
  for (char& c : option)
    if (c == '_') c = '-';
  if (py::isinstance<py::bool_>(value)) {
    arguments.push_back(option + (value.cast<bool>() ? "=true" : "=false"));
    return;
  }
  arguments.push_back(option);
  arguments.push_back(py::str(value));  // numbers, str and os.PathLike paths
}

// Runs ner train's job from keyword arguments. `progress`, if given, is called with a dict for every log line
// ("kind": "log"), every batch ("batch": characters done and of all, loss so far) and every epoch ("epoch": its
// record); an exception it raises, or Ctrl-C, saves the state in the checkpoint and is raised.
py::object train_from_keywords(const py::kwargs& kwargs) {
  std::vector<std::string> arguments;
  py::object progress = py::none();
  for (const auto& [key, value] : kwargs) {
    const std::string name = py::str(key);
    if (name == "progress")
      progress = py::reinterpret_borrow<py::object>(value);
    else
      add_argument(arguments, name, value);
  }
  const TrainJob job = train_job_from_arguments(arguments);

  // Called from the training threads: each takes the GIL; a Python exception is kept and stops the run.
  std::optional<py::error_already_set> raised;
  std::mutex raised_mutex;
  const auto report = [&](const std::function<py::dict()>& make) {
    if (progress.is_none()) return;
    py::gil_scoped_acquire locked;
    std::lock_guard<std::mutex> lock(raised_mutex);
    if (raised) return;
    try {
      progress(make());
    } catch (py::error_already_set& e) {
      raised.emplace(std::move(e));
    }
  };
  TrainCallbacks callbacks;
  callbacks.log = [&](const std::string& line) {
    report([&] { return py::dict(py::arg("kind") = "log", py::arg("message") = line); });
  };
  callbacks.progress = [&](std::size_t done, std::size_t total, double loss) {
    report([&] { return py::dict(py::arg("kind") = "batch", py::arg("chars_done") = done, py::arg("chars_total") = total,
                                 py::arg("loss") = loss); });
  };
  callbacks.epoch_done = [&](const EpochRecord& record) {
    report([&] {
      py::dict event = from_json(metrics_line(record));
      event["kind"] = "epoch";
      return event;
    });
  };
  callbacks.should_stop = [&] {
    py::gil_scoped_acquire locked;
    std::lock_guard<std::mutex> lock(raised_mutex);
    if (!raised && PyErr_CheckSignals() != 0) raised.emplace();  // Ctrl-C: KeyboardInterrupt
    return raised.has_value();
  };

  TrainResult result;
  try {
    py::gil_scoped_release unlocked;
    result = train(job, callbacks);
  } catch (const Interrupted& e) {
    if (raised) {
      py::print("ner:", e.what(), py::arg("file") = py::module_::import("sys").attr("stderr"));
      py::error_already_set error = std::move(*raised);
      raised.reset();
      throw error;
    }
    throw;
  }
  py::dict summary;
  summary["model"] = job.model_path;
  summary["epochs_run"] = result.epochs_run;
  summary["best_epoch"] = result.best_epoch;
  summary["best_dev_f1"] = result.best_dev_f1;
  summary["test"] = result.test ? from_json(json_report(*result.test)) : py::none();
  return summary;
}

}  // namespace
}  // namespace ner

PYBIND11_MODULE(ner, m) {
  using namespace ner;
  m.doc() = "Chinese named-entity recognition with a character BiLSTM-CRF: tag text with the shipped model or your "
            "own, score predictions as conlleval does, train models. Errors raise ner.Error.";
  py::register_exception<data::Error>(m, "Error", PyExc_RuntimeError);

  py::class_<PyTagger>(m, "Tagger", "A loaded model that tags text; one call at a time per Tagger (calls from "
                                    "several Python threads wait their turn), each shared out on its threads.")
      .def(py::init<const py::object&, int, const std::string&>(), py::arg("model") = py::none(),
           py::arg("threads") = default_threads(), py::arg("precision") = std::string(kDefaultPrecision),
           "model: a model file (None: $NER_MODEL, else the shipped model); threads: threads one call is shared out "
           "on (default: the cores there are); precision: 'bfloat16' (the fastest kernel the CPU has), "
           "'bfloat16-amx', 'bfloat16-avx512' or 'float'.")
      .def("tag", &PyTagger::tag, py::arg("text"), py::arg("confidence") = false, py::arg("min_confidence") = 0.0,
           "The entities of one text: a list of {'start', 'end', 'type', 'text'} with start and end code-point "
           "offsets (text[start:end]), and 'confidence' (the CRF's probability of that span and type) when asked "
           "for; min_confidence drops entities below it.")
      .def("tag_many", &PyTagger::tag_many, py::arg("texts"), py::arg("confidence") = false, py::arg("min_confidence") = 0.0,
           "The entities of each text of an iterable, as tag() gives them, batched together (faster than tag() per "
           "text).")
      .def("nbest", &PyTagger::nbest, py::arg("text"), py::arg("k"), py::arg("confidence") = false,
           "The k most probable taggings of one text, best first: a list of {'probability', 'entities'}.")
      .def_property_readonly("model", &PyTagger::model_path, "the model file")
      .def_property_readonly("arithmetic", &PyTagger::arithmetic, "the recurrent layers' arithmetic, e.g. 'bfloat16 (AMX)'")
      .def_property_readonly("threads", &PyTagger::threads)
      .def_property_readonly("info", &PyTagger::info, "what `ner info --json` says of the model");

  m.def("score", &score, py::arg("gold"), py::arg("predicted"),
        "conlleval's counts for lists of sentences of tags (gold and predicted, the same lengths): a dict like "
        "`ner score --json` prints, with gold, found, correct, precision, recall, f1, tokens, accuracy and types.");
  m.def("train", &train_from_keywords,
        "Trains a model as `ner train` does: each keyword argument is its option, '_' for '-' (train='train.bio', "
        "dev='dev.bio', model='out.model', epochs=10, features='char', lexicon_pos=False, ...; see `ner train "
        "--help`), and progress=callable receives a dict per log line, batch and epoch. Returns the best epoch, its "
        "dev F1, and the test scores when test= is given.");
}
