// `ner tag` as a library call: documents read from files (or standard input), tagged with a model on several
// threads, written in one of the output formats. Another front end that calls tag_files, or Tagger and format_line
// with the same model and options, writes the same bytes.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "data/document_reader.h"
#include "data/encoding.h"
#include "ner/model/config.h"
#include "ner/tagging/output_writers.h"

namespace ner {

// What to tag with and how to write it; the defaults are `ner tag`'s.
struct TagJob {
  std::string model_path = default_model_path();
  std::string output_path = "-";  // "-": standard output as it goes; else written atomically (brat: NAME.ann)
  OutputFormat format = OutputFormat::kJsonl;
  data::InputFormat input_format = data::InputFormat::kAuto;
  std::string encoding = data::kDefaultEncoding;
  bool simplify_traditional = true;  // characters the model lacks are looked up by their simplified form
  bool verbose = false;              // the encoding of each input and the arithmetic in use, on stderr
  std::size_t batch = kTagBatch;     // sentences per batch
  int threads = default_threads();
  bool confidence = false;     // each entity's confidence
  int nbest = 0;               // the K best paths of each document (jsonl only; 0: none)
  double min_confidence = 0;   // entities below it are dropped (implies confidence)
  std::size_t window = 0;      // most characters tagged at once (TagOptions::window; 0: the model's)
  std::string dictionary_path;  // entities tagged wherever they occur (data::EntityDictionary; "": none)
  bool prefer_dictionary = false;  // its entries only favoured (DecodeOptions::prefer_dictionary)
  std::string precision = kDefaultPrecision;
  bool profile = false;  // time each part (nn::profile), from loading the model to writing the output
};

// Tags every document of `inputs` ("-": standard input) in order into the job's output. From a terminal or a pipe,
// the documents already there are written and flushed at once; a large file shows its progress on a terminal.
// Throws data::Error on a bad input or option (nothing is then written to an output file).
void tag_files(const std::vector<std::string>& inputs, const TagJob& job);

}  // namespace ner
