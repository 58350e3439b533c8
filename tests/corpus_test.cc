#include "data/corpus.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "data/conll.h"
#include "data/error.h"
#include "data/jsonl.h"
#include "tests/test_support.h"

namespace data {
namespace {

// The message of the data::Error that `parse` throws, or "" when it throws none.
template <typename F>
std::string error_of(F parse) {
  try {
    parse();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Conll, ReadsColumnsBlankLinesCrlfAndDocstart) {
  std::string text =
      "-DOCSTART- O\r\n\r\n"
      "张 B-PER\r\n伟\tI-PER\r\n在 x y O\r\n"
      "\r\n\r\n"
      "上 B-LOC\n海 I-LOC";  // no final newline
  std::vector<Sentence> sentences = parse_conll(text, "c.bio");
  ASSERT_EQ(sentences.size(), 2u);
  EXPECT_EQ(sentences[0].tokens, (std::vector<std::string>{"张", "伟", "在"}));
  EXPECT_EQ(sentences[0].tags, (std::vector<std::string>{"B-PER", "I-PER", "O"}));
  EXPECT_EQ(sentences[0].line, 3u);
  EXPECT_EQ(sentences[0].token_line(2), 5u);
  EXPECT_EQ(sentences[1].tokens, (std::vector<std::string>{"上", "海"}));
  EXPECT_EQ(sentences[1].line, 8u);
}

TEST(Conll, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of([] { parse_conll("张 B-PER\n伟\n", "t.bio"); }),
            "t.bio:2: expected at least 2 columns (token and tag), got 1");
  EXPECT_EQ(error_of([] { parse_conll("张 B-PER\n\n伟 PER\n", "t.bio"); }),
            "t.bio:3: malformed tag 'PER' (expected O or B-/I-/M-/E-/S-TYPE)");
}

TEST(Conll, FormatRoundTrips) {
  std::string text = "张 B-PER\n伟 I-PER\n\n上 S-LOC\n\n";
  EXPECT_EQ(format_conll(parse_conll(text, "t")), text);
  EXPECT_EQ(format_conll(parse_conll(text, "t"), '\t'), "张\tB-PER\n伟\tI-PER\n\n上\tS-LOC\n\n");
}

TEST(Jsonl, ReadsOurLayoutAndCluener) {
  std::string ours = R"({"text":"张伟在上海","entities":[{"start":0,"end":2,"type":"PER"},{"start":3,"end":5,"type":"LOC","text":"上海"}]})";
  std::vector<Sentence> a = parse_jsonl(ours + "\n", "o.jsonl", Scheme::kBio);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].tokens, (std::vector<std::string>{"张", "伟", "在", "上", "海"}));
  EXPECT_EQ(a[0].tags, (std::vector<std::string>{"B-PER", "I-PER", "O", "B-LOC", "I-LOC"}));

  std::string cluener = R"({"text":"张伟在上海","label":{"name":{"张伟":[[0,1]]},"address":{"上海":[[3,4]]}}})";
  std::vector<Sentence> b = parse_jsonl("\n" + cluener + "\n", "c.jsonl", Scheme::kBioes);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].line, 2u);
  EXPECT_EQ(b[0].tags, (std::vector<std::string>{"B-name", "E-name", "O", "B-address", "E-address"}));
}

TEST(Jsonl, OffsetsSkipWhitespaceAndCountCodePoints) {
  // "😀" is one code point (four bytes); the space is a code point but not a token.
  std::string line = R"({"text":"😀 李明","entities":[{"start":2,"end":4,"type":"PER"}]})";
  std::vector<Sentence> s = parse_jsonl(line, "w.jsonl", Scheme::kBio);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].tokens, (std::vector<std::string>{"😀", "李", "明"}));
  EXPECT_EQ(s[0].tags, (std::vector<std::string>{"O", "B-PER", "I-PER"}));
}

TEST(Jsonl, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of([] { parse_jsonl("{\"text\":\"ab\",\"entities\":[]}\n{oops\n", "e.jsonl", Scheme::kBio); }),
            "e.jsonl:2: invalid JSON");
  EXPECT_EQ(error_of([] { parse_jsonl(R"({"entities":[]})", "e.jsonl", Scheme::kBio); }),
            "e.jsonl:1: expected an object with a string \"text\"");
  EXPECT_EQ(error_of([] { parse_jsonl(R"({"text":"张伟","entities":[{"start":0,"end":3,"type":"PER"}]})", "e.jsonl", Scheme::kBio); }),
            "e.jsonl:1: span [0, 3) of type PER is out of range for a text of 2 characters");
  EXPECT_EQ(error_of([] { parse_jsonl(R"({"text":"张伟","label":{"PER":{"李明":[[0,1]]}}})", "e.jsonl", Scheme::kBio); }),
            "e.jsonl:1: span [0, 2) of type PER covers '张伟', not its mention '李明'");
  EXPECT_EQ(error_of([] {
              parse_jsonl(R"({"text":"张伟在","entities":[{"start":0,"end":2,"type":"PER"},{"start":1,"end":3,"type":"LOC"}]})",
                          "e.jsonl", Scheme::kBio);
            }),
            "e.jsonl:1: spans of type PER and LOC overlap");
  EXPECT_EQ(error_of([] { parse_jsonl(R"({"text":"e)" "\u0301" R"(x","entities":[{"start":1,"end":3,"type":"X"}]})", "e.jsonl", Scheme::kBio); }),
            "e.jsonl:1: span [1, 3) of type X does not start and end on character boundaries");
  EXPECT_EQ(error_of([] { parse_jsonl(R"({"text":"ab"})", "e.jsonl", Scheme::kBio); }),
            "e.jsonl:1: expected \"entities\" or \"label\" beside \"text\"");
}

// The CLUENER-style line of a book title holding a company name (inclusive offsets).
const std::string kNestedLine =
    R"({"text": "他在《华为：从小作坊到世界五百强》一书中写道，", "label": {"book": {"《华为：从小作坊到世界五百强》": [[2, 16]]}, "company": {"华为": [[3, 4]]}}})";

// The tags of one JSONL line read with overlaps repaired, and what was counted.
std::vector<std::string> repaired_tags(const std::string& line, Repairs& repairs) {
  std::vector<Sentence> sentences = parse_jsonl(line, "r.jsonl", Scheme::kBioes, &repairs);
  return sentences.at(0).tags;
}

TEST(Jsonl, NestedSpansKeepTheOutermost) {
  Repairs repairs;
  std::vector<std::string> tags = repaired_tags(kNestedLine, repairs);
  std::vector<std::string> expected(23, "O");
  expected[2] = "B-book";
  for (std::size_t i = 3; i < 16; ++i) expected[i] = "I-book";
  expected[16] = "E-book";
  EXPECT_EQ(tags, expected);
  EXPECT_EQ(repairs.overlapping_spans.count, 1u);
  EXPECT_EQ(repairs.overlapping_spans.first_line, 1u);
  EXPECT_EQ(error_of([] { parse_jsonl(kNestedLine, "n.jsonl", Scheme::kBioes); }), "n.jsonl:1: spans of type book and company overlap");
}

TEST(Jsonl, CrossingSpansKeepTheLongerThenTheEarlier) {
  Repairs repairs;
  // PER [0, 2) crosses the longer LOC [1, 4): LOC stays; GPE [4, 5) overlaps neither.
  EXPECT_EQ(repaired_tags(R"({"text":"张伟在上海","entities":[{"start":0,"end":2,"type":"PER"},{"start":1,"end":4,"type":"LOC"},{"start":4,"end":5,"type":"GPE"}]})", repairs),
            (std::vector<std::string>{"O", "B-LOC", "I-LOC", "E-LOC", "S-GPE"}));
  // Of two crossing spans of one length the earlier stays, and the one after it that it does not touch too.
  EXPECT_EQ(repaired_tags(R"({"text":"张伟在上海","entities":[{"start":1,"end":3,"type":"B"},{"start":0,"end":2,"type":"A"},{"start":2,"end":4,"type":"C"}]})", repairs),
            (std::vector<std::string>{"B-A", "E-A", "B-C", "E-C", "O"}));
  EXPECT_EQ(repaired_tags(R"({"text":"张伟在上海","entities":[{"start":2,"end":4,"type":"B"},{"start":1,"end":3,"type":"A"}]})", repairs),
            (std::vector<std::string>{"O", "B-A", "E-A", "O", "O"}));
  EXPECT_EQ(repairs.overlapping_spans.count, 3u);
}

TEST(Jsonl, IdenticalSpansKeepOneTypeFirstInByteOrder) {
  Repairs repairs;
  EXPECT_EQ(repaired_tags(R"({"text":"张伟在","entities":[{"start":0,"end":2,"type":"PER"},{"start":0,"end":2,"type":"LOC"},{"start":0,"end":2,"type":"PER"}]})", repairs),
            (std::vector<std::string>{"B-LOC", "E-LOC", "O"}));
  EXPECT_EQ(repairs.overlapping_spans.count, 2u);
}

TEST(Jsonl, OverlapsAreCountedFromTheFirstLineWithOne) {
  Repairs repairs;
  parse_jsonl(R"({"text":"张伟","entities":[]})" "\n" + kNestedLine + "\n" + kNestedLine + "\n", "r.jsonl", Scheme::kBio, &repairs);
  EXPECT_EQ(repairs.overlapping_spans.count, 2u);
  EXPECT_EQ(repairs.overlapping_spans.first_line, 2u);
}

// Files joined end to start keep the second one's byte-order mark at the start of a line: removed and counted,
// an error when strict.
TEST(Corpora, ByteOrderMarksInsideAFileAreRemoved) {
  Repairs repairs;
  std::vector<Sentence> conll = parse_conll("张 B-PER\n\n\xEF\xBB\xBF伟 S-PER\n", "j.bio", &repairs);
  ASSERT_EQ(conll.size(), 2u);
  EXPECT_EQ(conll[1].tokens, (std::vector<std::string>{"伟"}));
  std::vector<Sentence> jsonl = parse_jsonl("\xEF\xBB\xBF{\"text\":\"伟\",\"entities\":[]}\n", "j.jsonl", Scheme::kBio, &repairs);
  EXPECT_EQ(jsonl.at(0).tokens, (std::vector<std::string>{"伟"}));
  EXPECT_EQ(repairs.byte_order_marks.count, 2u);
  EXPECT_EQ(repairs.byte_order_marks.first_line, 3u);
  EXPECT_EQ(error_of([] { parse_conll("张 B-PER\n\xEF\xBB\xBF伟 I-PER\n", "j.bio"); }),
            "j.bio:2: a byte-order mark (U+FEFF) starts the line, inside the file (files joined?)");
}

TEST(Jsonl, FormatRoundTripsThroughConll) {
  std::vector<Sentence> sentences = parse_conll("😀 O\n李 B-PER\n明 I-PER\n\n", "t");
  std::string jsonl = format_jsonl(sentences);
  EXPECT_EQ(jsonl, "{\"text\":\"😀李明\",\"entities\":[{\"start\":1,\"end\":3,\"type\":\"PER\"}]}\n") << "ner tag's key order";
  std::vector<Sentence> back = parse_jsonl(jsonl, "t", Scheme::kBio);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].tokens, sentences[0].tokens);
  EXPECT_EQ(back[0].tags, sentences[0].tags);
}

class CorpusFile : public ::testing::Test {
 protected:
  std::string path_ = test_support::temp_path("txt");
  void write(const std::string& contents) { std::ofstream(path_, std::ios::binary) << contents; }
  void TearDown() override { std::remove(path_.c_str()); }
};

TEST_F(CorpusFile, DetectsFormatAndSkipsBom) {
  write("\xEF\xBB\xBF张 B-PER\n伟 I-PER\n");
  Corpus conll = read_corpus(path_);
  EXPECT_EQ(conll.format, Format::kConll);
  EXPECT_EQ(conll.sentences[0].tokens[0], "张");
  write("{\"text\":\"张伟\",\"entities\":[]}\n");
  EXPECT_EQ(read_corpus(path_).format, Format::kJsonl);
}

TEST_F(CorpusFile, EmptyAndBlankCorporaAreErrors) {
  write("");
  EXPECT_EQ(error_of([&] { read_corpus(path_); }), path_ + ": no sentences (the corpus is empty)");
  write("\n\n  \n");
  EXPECT_EQ(error_of([&] { read_corpus(path_); }), path_ + ": no sentences (the corpus is empty)");
}

// One warning per file names what was repaired, how often, and where first; --strict makes the first an error.
TEST_F(CorpusFile, RepairsAreWarnedAboutOnceAndStrictRefusesThem) {
  write(R"({"text":"张伟","entities":[]})" "\n" + kNestedLine + "\n\xEF\xBB\xBF" + kNestedLine + "\n" + kNestedLine + "\n");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(read_corpus(path_).sentences.size(), 4u);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "ner: warning: " + path_ + ": 3 overlapping spans dropped, the outermost (else the longer, else the earlier) kept (first at " +
                path_ + ":2); 1 byte-order mark inside the file removed (first at " + path_ + ":3); --strict refuses them\n");
  ReadOptions strict;
  strict.strict = true;
  EXPECT_EQ(error_of([&] { read_corpus(path_, strict); }), path_ + ":2: spans of type book and company overlap");
  write("张 B-PER\n伟 I-PER\n");
  ::testing::internal::CaptureStderr();
  read_corpus(path_);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "nothing repaired, nothing said";
}

TEST_F(CorpusFile, LegacyEncodingByName) {
  write("\xD5\xC5 B-PER\n");  // 张 in GB18030
  ReadOptions options;
  options.encoding = "gb18030";
  EXPECT_EQ(read_corpus(path_, options).sentences[0].tokens[0], "张");
}

// The default encoding is detected: GBK, and UTF-16 without a byte-order mark (NULs and all); UTF-8 named for
// GBK bytes is an error that suggests the encoding.
TEST_F(CorpusFile, EncodingIsDetectedByDefault) {
  write("\xD5\xC5 B-PER\n\xCE\xB0 I-PER\n");  // 张伟 in GBK
  EXPECT_EQ(read_corpus(path_).sentences[0].tokens[1], "伟");
  write(std::string("\x20\x5F\x20\x00\x42\x00\x2D\x00\x50\x00\x45\x00\x52\x00\x0A\x00", 16));  // "张 B-PER\n" in UTF-16LE
  EXPECT_EQ(read_corpus(path_).sentences[0].tokens[0], "张");
  ReadOptions named;
  named.encoding = "utf-16le";
  EXPECT_EQ(read_corpus(path_, named).sentences[0].tags[0], "B-PER");
  write("\xD5\xC5\xCE\xB0\xD4\xDA\xB1\xB1\xBE\xA9 O\n");  // 张伟在北京 in GBK
  named.encoding = "utf-8";
  EXPECT_EQ(error_of([&] { read_corpus(path_, named); }),
            path_ + ":1: invalid UTF-8 (byte 0xD5) at byte offset 0 (not UTF-8? try --encoding auto or --encoding gb18030)");
}

// Files that are no text are refused with one message naming the file: a model or checkpoint (by their magic),
// gzip data, NUL bytes in text of a one-byte encoding.
TEST_F(CorpusFile, BinaryFilesAreRefused) {
  write(std::string("NERMODEL\x01\0\0\0", 12) + "payload");
  EXPECT_EQ(error_of([&] { read_corpus(path_); }), path_ + ": is a ner model file, not a corpus");
  write(std::string("NERCKPT1\x01\0\0\0", 12) + "payload");
  EXPECT_EQ(error_of([&] { read_corpus(path_); }), path_ + ": is a ner checkpoint file, not a corpus");
  write(std::string("\x1F\x8B\x08\0\0\0\0\0", 8));
  EXPECT_EQ(error_of([&] { read_corpus(path_); }), path_ + ": is gzip-compressed, not a corpus (decompress it first)");
  write(std::string("\xE5\xBC\xA0 B-PER\n\x01\0\x02\x03 O\n", 17));
  EXPECT_EQ(error_of([&] { read_corpus(path_); }), path_ + ": is a binary file (a NUL byte at byte offset 11), not a corpus");
  ReadOptions named;
  named.encoding = "utf-8";
  EXPECT_EQ(error_of([&] { read_corpus(path_, named); }), path_ + ": is a binary file (a NUL byte at byte offset 11), not a corpus");
}

TEST(CorpusErrors, MissingFileAndDirectory) {
  EXPECT_NE(error_of([] { read_corpus("/nonexistent/x.bio"); }).find("/nonexistent/x.bio: cannot open"), std::string::npos);
  EXPECT_EQ(error_of([] { read_corpus("/"); }), "/: is a directory, not a file");
}

}  // namespace
}  // namespace data
