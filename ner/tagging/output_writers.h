// What `ner tag` writes: JSON lines, CoNLL columns, inline marks, or BRAT standoff, with entity confidences when
// they were asked for; and where: standard output as it goes, or files written atomically at the end.
//   jsonl:  {"text":...,"entities":[{"start":s,"end":e,"type":t,"text":x[,"confidence":c]}][,"nbest":[...]]}
//   conll:  `token tag` per line, a blank line after each document; with confidences a third column: the
//           confidence of the entity the token is in, "-" for O.
//   inline: the text with each entity as [text]TYPE, with confidences [text]TYPE|c.
//   brat:   NAME.ann with `T<k>\tTYPE start end\ttext` per entity (code-point offsets into the whole NAME.txt, which
//           holds the documents, one UTF-8 line each), with confidences `#<k>\tAnnotatorNotes T<k>\tconfidence c`.
// Confidences are written as in JSON: rounded to six decimals.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "data/output_file.h"
#include "ner/tagging/tagger.h"

namespace ner {

enum class OutputFormat { kJsonl, kConll, kInline, kBrat };

// The formats' names, in the enum's order: jsonl, conll, inline, brat.
const std::vector<std::string>& output_format_names();
OutputFormat parse_output_format(const std::string& name);  // one of the names; else a data::Error
std::string output_format_name(OutputFormat format);

// One tagged document in jsonl, conll or inline, with its line break(s). `record`: the JSON line the document came
// from, if any, whose other fields jsonl keeps, in their order ("entities" and "nbest" are the tagger's).
std::string format_line(const TaggedLine& line, OutputFormat format, bool confidence, const std::string& record = "");

// BRAT standoff into NAME.ann and NAME.txt. An existing NAME.txt is never replaced: it must already hold exactly the
// text written (else commit() refuses, and nothing is written); one that is an input is only read.
class BratWriter {
 public:
  BratWriter(const std::string& ann_path, bool confidence, const std::vector<std::string>& inputs);

  void write(const std::vector<TaggedLine>& lines);
  void commit();

 private:
  void compare_with_existing(const std::string& txt);

  std::string txt_path_;
  bool confidence_;
  data::OutputFile ann_;
  std::unique_ptr<data::OutputFile> txt_;  // null when NAME.txt exists
  std::ifstream existing_;                 // NAME.txt when it exists, compared with the text as it is produced
  bool existing_is_input_ = false;
  bool differs_ = false;
  bool ended_without_newline_ = false;     // NAME.txt held the text so far but for its last line break
  std::uint64_t txt_bytes_ = 0;  // bytes of text produced so far (the first differing one, once differs_)
  std::size_t entities_ = 0, offset_ = 0;
};

// Where `ner tag` writes: standard output (path "-"), a file, or BRAT files (path NAME.ann).
class TagOutput {
 public:
  TagOutput(const std::string& path, OutputFormat format, bool confidence, const std::vector<std::string>& inputs);

  // The next tagged documents, in the format; `records`: the JSON line of each (see format_line), or none.
  void write(const std::vector<TaggedLine>& lines, const std::vector<std::string>& records = {});
  void flush();  // standard output now
  void commit();

 private:
  OutputFormat format_;
  bool confidence_;
  std::unique_ptr<data::OutputFile> file_;
  std::unique_ptr<BratWriter> brat_;
};

}  // namespace ner
