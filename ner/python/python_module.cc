// The Python module `ner` over the library: Tagger (tag, tag_many, nbest), score and train, with the library's
// errors raised as ner.Error. The GIL is released while the library works, so other Python threads run meanwhile.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "data/error.h"
#include "data/utf8.h"
#include "ner/evaluation/evaluate.h"
#include "ner/model/model_info.h"
#include "ner/model/model_io.h"
#include "ner/serving/tag_request.h"
#include "ner/tagging/tagger.h"
#include "ner/training/train_job.h"
#include "ner/training/trainer.h"

namespace py = pybind11;

namespace ner {
namespace {

// Texts handed to Tagger::tag at a time by tag_many: bounds the memory of the tagged lines held at once (the
// result does not depend on it).
constexpr std::size_t kLinesPerCall = 4096;

// Python's json.loads of the library's JSON: the dicts ner's --json output holds.
py::dict from_json(const std::string& json) { return py::module_::import("json").attr("loads")(json); }

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

std::string type_name(const py::handle& object) { return py::str(py::type::handle_of(object).attr("__name__")); }

// A Python str as UTF-8; anything else is a TypeError naming `what`, a lone surrogate Python's UnicodeEncodeError.
std::string text_of(const py::handle& object, const std::string& what) {
  if (!py::isinstance<py::str>(object)) throw py::type_error(what + " must be a str, not " + type_name(object));
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(object.ptr(), &size);
  if (utf8 == nullptr) throw py::error_already_set();
  return std::string(utf8, static_cast<std::size_t>(size));
}

// A str, bytes or os.PathLike path as the file system's bytes (os.fsencode: any name the file system holds).
std::string path_of(const py::handle& object) {
  return py::bytes(py::module_::import("os").attr("fsencode")(object));
}

// A path from the file system's bytes as Python names it (os.fsdecode: undecodable bytes become surrogates).
py::str path_str(const std::string& path) { return py::module_::import("os").attr("fsdecode")(py::bytes(path)); }

// Python raises KeyboardInterrupt (or what a signal handler raised) when a signal arrived meanwhile.
void check_signals() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

class PyTagger {
 public:
  PyTagger(const py::object& model, int threads, const std::string& precision, const py::object& dictionary,
           const std::string& dictionary_mode)
      : model_path_(model.is_none() ? default_model_path() : path_of(model)) {
    if (threads < 1 || threads > 256) throw py::value_error("threads must be 1 to 256, not " + std::to_string(threads));
    if (dictionary_mode != "force" && dictionary_mode != "prefer")
      throw py::value_error("dictionary_mode must be 'force' or 'prefer', not " + std::string(py::repr(py::str(dictionary_mode))));
    const std::string dictionary_path = dictionary.is_none() ? std::string() : path_of(dictionary);
    py::gil_scoped_release unlocked;
    if (!dictionary_path.empty())
      dictionary_ = std::make_shared<const data::EntityDictionary>(data::EntityDictionary::read(dictionary_path));
    prefer_dictionary_ = dictionary_mode == "prefer";
    loaded_ = load_model(model_path_);
    kernel_ = apply_precision(*loaded_.model, precision);
    replicas_ = std::make_unique<ModelReplicas>(*loaded_.model, threads);
    tagger_ = std::make_unique<Tagger>(replicas_->models(), kTagBatch, tag_options(false, 0, 0));
  }

  py::list tag(const py::str& text, bool confidence, double min_confidence) {
    const TagOptions options = tag_options(confidence, min_confidence, 0);
    return entities_list(tag_lines({text_of(text, "text")}, options).at(0).entities);
  }

  py::list tag_many(const py::iterable& texts, bool confidence, double min_confidence) {
    if (py::isinstance<py::str>(texts)) throw py::type_error("texts must be an iterable of str, not one str (tag() tags one)");
    const TagOptions options = tag_options(confidence, min_confidence, 0);
    py::list result;
    std::vector<std::string> chunk;
    const auto tag_chunk = [&] {
      for (const TaggedLine& line : tag_lines(chunk, options)) result.append(entities_list(line.entities));
      chunk.clear();
      check_signals();  // Ctrl-C between chunks
    };
    for (const py::handle& text : texts) {
      chunk.push_back(text_of(text, "texts[" + std::to_string(result.size() + chunk.size()) + "]"));
      if (chunk.size() == kLinesPerCall) tag_chunk();
    }
    if (!chunk.empty()) tag_chunk();
    return result;
  }

  py::list nbest(const py::str& text, int k, bool confidence) {
    const std::string line_text = text_of(text, "text");
    const std::size_t characters = data::count_code_points(line_text);
    if (k < 1 || k > kMaxNbestPaths)
      throw py::value_error("k must be 1 to " + std::to_string(kMaxNbestPaths) + ", not " + std::to_string(k));
    if (static_cast<std::size_t>(k) * characters > kMaxNbestWork)
      throw py::value_error("k × characters must be at most " + std::to_string(kMaxNbestWork) + " (k " + std::to_string(k) +
                            ", " + std::to_string(characters) + " characters): the k best paths of a long text take "
                            "memory and time in proportion; ask for fewer or tag shorter texts");
    const TaggedLine line = tag_lines({line_text}, tag_options(confidence, 0, k)).at(0);
    py::list paths;
    for (const TaggedLine::Alternative& alternative : line.nbest) {
      py::dict path;
      path["probability"] = alternative.probability;
      path["entities"] = entities_list(alternative.entities);
      paths.append(path);
    }
    return paths;
  }

  py::str model_path() const { return path_str(model_path_); }
  std::string arithmetic() const { return arithmetic_name(kernel_); }
  int threads() const { return static_cast<int>(replicas_->models().size()); }
  std::string repr() const {
    return "ner.Tagger(" + std::string(py::repr(model_path())) + ", threads=" + std::to_string(threads()) + ") # " + arithmetic();
  }
  py::dict info() const { return from_json(model_info(model_path_, loaded_).dump()); }

 private:
  // The options of one call, with the Tagger's dictionary.
  TagOptions tag_options(bool confidence, double min_confidence, int nbest) const {
    if (!(min_confidence >= 0 && min_confidence <= 1))
      throw py::value_error("min_confidence must be 0 to 1, not " + std::string(py::repr(py::float_(min_confidence))));
    TagOptions options;
    options.decode.confidence = confidence || min_confidence > 0;
    options.decode.nbest = nbest;
    options.min_confidence = min_confidence;
    options.dictionary = dictionary_;
    options.decode.prefer_dictionary = prefer_dictionary_;
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
  std::shared_ptr<const data::EntityDictionary> dictionary_;
  bool prefer_dictionary_ = false;
  std::unique_ptr<ModelReplicas> replicas_;
  std::unique_ptr<Tagger> tagger_;
  std::mutex mutex_;
};

// conlleval's counts for sentences of gold and predicted tags, as `ner score --json` reports them.
py::dict score(const std::vector<std::vector<std::string>>& gold, const std::vector<std::vector<std::string>>& predicted) {
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
                            "' is not a tag (O, or one of B- I- M- E- S- [- ]- .- and a type)");
    evaluation.add(gold[s], predicted[s]);
  }
  return from_json(json_report(evaluation));
}

// A keyword argument's value as ner train's option text: dev="x" is --dev=x, lexicon_pos=False is
// --lexicon-pos=false. Text and paths pass as the file system's bytes, numbers as Python writes them.
std::string option_text(const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value) ||
      py::isinstance(value, py::module_::import("os").attr("PathLike")))
    return path_of(value);
  return py::str(value);
}

// Runs ner train's job from keyword arguments. `progress`, if given, is called with a dict for every log line
// ("kind": "log"), every batch ("batch": characters done and of all, loss so far) and every epoch ("epoch": its
// record); an exception it raises, or Ctrl-C, saves the state in the checkpoint and is raised.
py::dict train_from_keywords(const py::kwargs& kwargs) {
  TrainJob job;
  std::set<std::string> given;
  std::vector<std::string> words = {"ner", "train"};  // the command line the run records
  py::object progress = py::none();
  for (const auto& [key, value] : kwargs) {
    const std::string name = py::str(key);
    if (name == "progress") {
      progress = py::reinterpret_borrow<py::object>(value);
      if (!progress.is_none() && !PyCallable_Check(progress.ptr()))
        throw py::type_error("progress must be callable (it is called with one dict), not " + type_name(progress));
    } else if (name == "help") {
      throw py::type_error("ner.train has no help keyword: help(ner.train), and `ner train --help` for the options");
    } else if (!value.is_none()) {  // None leaves the option out
      const std::string text = option_text(value);
      const std::string flag = set_train_option(job, name, text);
      given.insert(flag);
      words.push_back(flag + "=" + text);
    }
  }
  job = resolve_train_job(job, given, [](const std::string& warning) {
    py::gil_scoped_acquire locked;
    PySys_WriteStderr("ner: warning: %s\n", warning.c_str());
  });
  job.command_line = shell_command_line(words);

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
  } catch (const Interrupted&) {
    if (raised) {
      py::print("ner.train: stopped; the state is saved in", job.checkpoint_path + ": ner.train(resume=" +
                    std::string(py::repr(path_str(job.checkpoint_path))) + ") continues",
                py::arg("file") = py::module_::import("sys").attr("stderr"));
      py::error_already_set error = std::move(*raised);
      raised.reset();
      throw error;
    }
    throw;
  }
  py::dict summary;
  summary["model"] = path_str(job.model_path);
  summary["epochs_run"] = result.epochs_run;
  summary["best_epoch"] = result.best_epoch;
  summary["best_dev_f1"] = result.best_dev_f1;
  summary["test"] = result.test ? py::object(from_json(json_report(*result.test))) : py::object(py::none());
  return summary;
}

}  // namespace
}  // namespace ner

PYBIND11_MODULE(ner, m) {
  using namespace ner;
  m.doc() = "Chinese named-entity recognition with a character BiLSTM-CRF: tag text with the shipped model or your "
            "own (Tagger), score predictions as conlleval does (score), train models (train). The library's errors "
            "(files, models, corpora) raise ner.Error with its one-line message; wrong arguments raise TypeError or "
            "ValueError.";
  py::register_exception<data::Error>(m, "Error", PyExc_RuntimeError);

  py::class_<PyTagger>(m, "Tagger", "A loaded model that tags text. Calls release the GIL; calls to one Tagger from "
                                    "several Python threads take turns, each shared out on the Tagger's threads.")
      .def(py::init<const py::object&, int, const std::string&, const py::object&, const std::string&>(),
           py::arg("model") = py::none(), py::arg("threads") = default_threads(),
           py::arg("precision") = std::string(kDefaultPrecision), py::arg("dictionary") = py::none(),
           py::arg("dictionary_mode") = std::string(kDefaultDictionaryMode),
           "model: a model file, str or os.PathLike (None: $NER_MODEL, else the shipped model); threads: 1 to 256 "
           "(default: the cores this process may use); precision: 'bfloat16' (the fastest kernel the CPU has: AMX, "
           "else AVX512_BF16, else float), 'bfloat16-amx', 'bfloat16-avx512' or 'float'; dictionary: a file of "
           "lines surface<TAB>TYPE whose entries are tagged wherever they occur (as `ner tag --dictionary`), "
           "dictionary_mode 'force' (always) or 'prefer' (a bonus the context can overrule).")
      .def("tag", &PyTagger::tag, py::arg("text"), py::arg("confidence") = false, py::arg("min_confidence") = 0.0,
           "The entities of one text, as `ner tag` finds them: a list of {'start', 'end', 'type', 'text'}, start and "
           "end code-point offsets into text (text[start:end]), with 'confidence' (the CRF's probability of that span "
           "and type, 0 to 1) when confidence is true; min_confidence (0 to 1) drops entities below it.")
      .def("tag_many", &PyTagger::tag_many, py::arg("texts"), py::arg("confidence") = false, py::arg("min_confidence") = 0.0,
           "The entities of each text of an iterable of str, one list per text as tag() gives them (confidence and "
           "min_confidence too), batched together: much faster than tag() per text. Ctrl-C stops it between "
           "batches of 4,096 texts.")
      .def("nbest", &PyTagger::nbest, py::arg("text"), py::arg("k"), py::arg("confidence") = false,
           "The k most probable taggings of one text, best first: a list of {'probability', 'entities'}. k is 1 to "
           "10,000 and k times the text's characters at most 20,000 (the paths take memory and time in proportion).")
      .def("__repr__", &PyTagger::repr)
      .def_property_readonly("model", &PyTagger::model_path, "the model file")
      .def_property_readonly("arithmetic", &PyTagger::arithmetic, "the recurrent layers' arithmetic, e.g. 'bfloat16 (AMX)'")
      .def_property_readonly("threads", &PyTagger::threads, "the threads one call is shared out on")
      .def_property_readonly("info", &PyTagger::info, "what `ner info --json` says of the model");

  m.def("score", &score, py::arg("gold"), py::arg("predicted"),
        "conlleval's counts for lists of sentences of tags (gold and predicted, the same lengths; tags O, B-X, I-X, "
        "E-X, S-X, M-X, ...): a dict like `ner score --json` prints: gold, found, correct, precision, recall, f1 (in "
        "percent), tokens, accuracy, and types (each type's counts).");
  m.def("train", &train_from_keywords,
        "Trains a model as `ner train` does: each keyword is one of its options with '_' for '-' (train='train.bio', "
        "dev='dev.bio', model='out.model', epochs=10, features='char', lexicon_pos=False, overwrite=True, "
        "resume='out.model.ckpt', ...; `ner train --help` lists them and their defaults). progress=callable is "
        "called with a dict per log line ({'kind': 'log', 'message'}), batch ('batch': chars_done, chars_total, "
        "loss) and epoch ('epoch': the metrics file's record: dev_f1 in percent, ...); progress=print shows them. An "
        "exception it raises, or Ctrl-C, stops training with the state saved in the checkpoint (resume= continues). "
        "Returns {'model', 'epochs_run', 'best_epoch', 'best_dev_f1', 'test': the test scores as score() gives "
        "them, with test=, else None}.");
}
