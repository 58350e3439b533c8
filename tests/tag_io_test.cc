// `ner tag`'s inputs and outputs end to end through the binary: which input files it never overwrites, confidences
// in every output format, CoNLL and JSONL inputs, answers to piped lines before the input ends, and progress only
// on a terminal.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "data/tag_scheme.h"
#include "data/utf8.h"
#include "tests/test_support.h"

namespace {

using test_support::run_ner;
using test_support::lines_of;
using test_support::slurp;

const std::string kSampleBio = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
const std::string kSampleText = std::string(NER_SOURCE_DIR) + "/examples/sample.txt";

ino_t inode_of(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

class TagIo : public ::testing::Test {
 protected:
  std::string dir_ = test_support::temp_path("dir") + "/";
  void SetUp() override { ASSERT_EQ(std::system(("mkdir -p " + dir_).c_str()), 0); }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  void write(const std::string& name, const std::string& bytes) { std::ofstream(dir_ + name, std::ios::binary) << bytes; }
};

// BRAT writes NAME.txt beside NAME.ann: never over an input (however it is named), never over a different file;
// a NAME.txt that already holds exactly the text is kept.
TEST_F(TagIo, BratNeverOverwritesAnInputOrADifferentText) {
  // 张伟在北京大学读书。 in GB18030 with CRLF, tagged from its own name and through a link.
  const std::string gb18030 = "\xD5\xC5\xCE\xB0\xD4\xDA\xB1\xB1\xBE\xA9\xB4\xF3\xD1\xA7\xB6\xC1\xCA\xE9\xA1\xA3\r\n";
  write("doc.txt", gb18030);
  ASSERT_EQ(::symlink((dir_ + "doc.txt").c_str(), (dir_ + "link.txt").c_str()), 0);
  for (const std::string input : {"doc.txt", "link.txt"}) {
    auto result = run_ner("tag " + dir_ + input + " --encoding gb18030 --format brat --output " + dir_ + "doc.ann");
    EXPECT_EQ(result.status, 1) << input;
    EXPECT_EQ(result.err, "ner: error: " + dir_ + "doc.txt: is an input and not the text the offsets refer to (from byte 0) "
                          "(UTF-8, a line per document, LF line breaks: brat reads UTF-8 and counts a CR as a character); "
                          "give another --output\n") << input;
    EXPECT_EQ(slurp(dir_ + "doc.txt"), gb18030);
    EXPECT_NE(::access((dir_ + "doc.ann").c_str(), F_OK), 0) << "no .ann without its text";
  }
  // Another file in the way: left as it is.
  write("in.txt", "张伟在北京大学读书。\n");
  write("out.txt", "张伟在北京大学读书。\r\n");
  auto in_the_way = run_ner("tag " + dir_ + "in.txt --format brat --output " + dir_ + "out.ann");
  EXPECT_EQ(in_the_way.status, 1);
  EXPECT_EQ(in_the_way.err, "ner: error: " + dir_ + "out.txt: exists and is not the text the offsets refer to (from byte 30); "
                            "give another --output, or remove it\n");
  EXPECT_EQ(slurp(dir_ + "out.txt"), "张伟在北京大学读书。\r\n");
  EXPECT_NE(::access((dir_ + "out.ann").c_str(), F_OK), 0);
  write("out.txt", "张伟在北京大学读书。\n多一行\n");
  EXPECT_EQ(run_ner("tag " + dir_ + "in.txt --format brat --output " + dir_ + "out.ann").status, 1) << "a longer file differs";
  // Exactly the text: the input itself, or a copy.
  const ino_t inode = inode_of(dir_ + "in.txt");
  auto beside_input = run_ner("tag " + dir_ + "in.txt --format brat --output " + dir_ + "in.ann");
  EXPECT_EQ(beside_input.status, 0) << beside_input.err;
  EXPECT_EQ(inode_of(dir_ + "in.txt"), inode) << "the input is left alone";
  EXPECT_EQ(slurp(dir_ + "in.txt"), "张伟在北京大学读书。\n");
  EXPECT_NE(slurp(dir_ + "in.ann").find("\tPER 0 2\t张伟\n"), std::string::npos) << slurp(dir_ + "in.ann");
  write("out.txt", "张伟在北京大学读书。\n");
  auto same_text = run_ner("tag " + dir_ + "in.txt --format brat --output " + dir_ + "out.ann");
  EXPECT_EQ(same_text.status, 0) << same_text.err;
  EXPECT_EQ(slurp(dir_ + "out.ann"), slurp(dir_ + "in.ann"));
  // The text but for its last line break: the same offsets, so kept; ended before more text, it differs.
  write("nonl.txt", "张伟在北京大学读书。");
  auto without_newline = run_ner("tag " + dir_ + "in.txt --format brat --output " + dir_ + "nonl.ann");
  EXPECT_EQ(without_newline.status, 0) << without_newline.err;
  EXPECT_EQ(slurp(dir_ + "nonl.ann"), slurp(dir_ + "in.ann"));
  EXPECT_EQ(slurp(dir_ + "nonl.txt"), "张伟在北京大学读书。");
  write("two.txt", "张伟在北京大学读书。\n上海\n");
  auto shorter = run_ner("tag " + dir_ + "two.txt --format brat --output " + dir_ + "nonl.ann");
  EXPECT_EQ(shorter.status, 1);
  EXPECT_NE(shorter.err.find("nonl.txt: exists and is not the text the offsets refer to (from byte 30)"), std::string::npos)
      << shorter.err;
  // Other formats: --output is never an input either.
  auto over_input = run_ner("tag " + dir_ + "link.txt --output " + dir_ + "doc.txt");
  EXPECT_EQ(over_input.status, 1);
  EXPECT_EQ(over_input.err, "ner: error: " + dir_ + "doc.txt: is an input of this command; write the output elsewhere\n");
  EXPECT_EQ(slurp(dir_ + "doc.txt"), gb18030);
  auto ann_over_input = run_ner("tag --format brat " + dir_ + "in.ann --output " + dir_ + "in.ann");
  EXPECT_EQ(ann_over_input.status, 1);
}

// No entity starts or ends inside a word of Latin letters or digits, on the best path, in the n best and with
// confidences (the shipped model alone cut "old" in the third line: "[阿里巴巴 will be 102 years o]ORGld.").
TEST_F(TagIo, EntitiesNeverCutALatinWord) {
  write("mixed.txt", "OpenAI的CEO Sam Altman访问了北京。\n字节跳动旗下的TikTok在美国很受欢迎。\n阿里巴巴 will be 102 years old.\n"
                     "张三在IBM工作，李四在Microsoft工作。\nTikTok总部位于洛杉矶，iPhone15在ＡＢＣ店卖。\n");
  auto inline_output = run_ner("tag --format inline " + dir_ + "mixed.txt");
  ASSERT_EQ(inline_output.status, 0) << inline_output.err;
  EXPECT_EQ(inline_output.out.find("o]ORGld"), std::string::npos) << inline_output.out;
  auto result = run_ner("tag --confidence --nbest 20 " + dir_ + "mixed.txt");
  ASSERT_EQ(result.status, 0) << result.err;
  auto latin = [](char32_t c) { return (c < 128 && std::isalnum(static_cast<int>(c))) || (c >= 0xFF10 && c <= 0xFF5A); };
  std::size_t boundaries = 0;
  for (const std::string& line : lines_of(result.out)) {
    const nlohmann::json record = nlohmann::json::parse(line);
    const std::vector<char32_t> text = data::decode_utf8(record["text"].get<std::string>());
    auto check = [&](const nlohmann::json& entities) {
      for (const nlohmann::json& entity : entities)
        for (const std::size_t at : {entity["start"].get<std::size_t>(), entity["end"].get<std::size_t>()}) {
          ++boundaries;
          if (at > 0 && at < text.size()) {
            EXPECT_FALSE(latin(text[at - 1]) && latin(text[at])) << "a boundary at " << at << " inside a word: " << line;
          }
        }
    };
    check(record["entities"]);
    for (const nlohmann::json& path : record["nbest"]) check(path["entities"]);
  }
  EXPECT_GT(boundaries, 100u) << "the n best paths hold many entities";
}

// A line longer than the window without clause punctuation is tagged in overlapping windows, merged where no entity
// crosses: the repeated sentence keeps all its 300 北京大学 (cut every 250 characters, 6 became 北京), and the result
// is the one of tagging the line as a whole. With a tiny window the tags still agree with the entities.
TEST_F(TagIo, LongLinesAreTaggedInWindowsThatNoEntityCrosses) {
  std::string line;
  for (int i = 0; i < 300; ++i) line += "我们在北京大学见到了张伟和李娜";
  write("long.txt", line + "\n");
  auto windows = run_ner("tag " + dir_ + "long.txt");
  ASSERT_EQ(windows.status, 0) << windows.err;
  std::map<std::string, int> counts;
  const nlohmann::json record = nlohmann::json::parse(windows.out);
  for (const nlohmann::json& entity : record["entities"])
    ++counts[entity["text"].get<std::string>() + "/" + entity["type"].get<std::string>()];
  EXPECT_EQ(counts, (std::map<std::string, int>{{"北京大学/ORG", 300}, {"张伟/PER", 300}, {"李娜/PER", 300}}));
  auto whole = run_ner("tag --window 5000 " + dir_ + "long.txt");
  EXPECT_EQ(whole.out, windows.out);
  // Windows of 5 characters (overlapping by one) on the sample: CoNLL tags, entities and the n best agree.
  for (const std::string options : {"--window 5", "--window 5 --confidence --nbest 3"}) {
    auto jsonl = run_ner("tag " + options + " " + kSampleText);
    auto conll = run_ner("tag --format conll " + options.substr(0, 10) + " " + kSampleText);
    ASSERT_EQ(jsonl.status, 0) << jsonl.err;
    ASSERT_EQ(conll.status, 0) << conll.err;
    std::vector<std::string> tags;
    std::vector<std::vector<data::Span>> conll_spans;
    for (const std::string& row : lines_of(conll.out + "\n")) {
      if (!row.empty()) {
        tags.push_back(row.substr(row.rfind(' ') + 1));
        continue;
      }
      if (!tags.empty()) conll_spans.push_back(data::chunks(tags));
      tags.clear();
    }
    std::vector<std::string> records = lines_of(jsonl.out);
    ASSERT_EQ(records.size(), conll_spans.size());
    std::size_t entities = 0;
    for (std::size_t r = 0; r < records.size(); ++r) {
      const nlohmann::json record = nlohmann::json::parse(records[r]);
      std::vector<data::Span> spans;
      for (const nlohmann::json& e : record["entities"]) spans.push_back({e["start"], e["end"], e["type"]});
      EXPECT_EQ(spans, conll_spans[r]) << records[r];  // the sample has no spaces: tokens are characters
      entities += spans.size();
      for (const nlohmann::json& path : record.value("nbest", nlohmann::json::array())) {
        std::size_t end = 0;
        for (const nlohmann::json& e : path["entities"]) {
          EXPECT_LE(end, e["start"].get<std::size_t>()) << "entities of a path in order, apart: " << records[r];
          end = e["end"];
        }
      }
    }
    EXPECT_GT(entities, 10u);
  }
}

// A user dictionary: every occurrence of an entry is that entity, on the best path and every n-best one, with
// confidence 1, in long lines' windows too; prefer only favours it; its errors come before any output.
TEST_F(TagIo, DictionaryEntriesAreTaggedWhereverTheyOccur) {
  write("d.tsv", "# names the model does not know\n字节跳动\tORG\n张小龙\tPER\n");
  write("a.txt", "字节跳动发布了新产品。\n");
  auto plain = run_ner("tag " + dir_ + "a.txt");
  EXPECT_EQ(plain.out, "{\"text\":\"字节跳动发布了新产品。\",\"entities\":[]}\n") << "the model alone misses it";
  auto forced = run_ner("tag --confidence --nbest 3 --dictionary " + dir_ + "d.tsv " + dir_ + "a.txt");
  ASSERT_EQ(forced.status, 0) << forced.err;
  const nlohmann::json record = nlohmann::json::parse(forced.out);
  const nlohmann::json entry = {{"start", 0}, {"end", 4}, {"type", "ORG"}, {"text", "字节跳动"}, {"confidence", 1.0}};  // 1.000000
  EXPECT_EQ(record["entities"], nlohmann::json::array({entry}));
  ASSERT_EQ(record["nbest"].size(), 3u);
  for (const nlohmann::json& path : record["nbest"]) EXPECT_EQ(path["entities"][0], entry) << forced.out;
  auto preferred = run_ner("tag --dictionary-mode prefer --dictionary " + dir_ + "d.tsv " + dir_ + "a.txt");
  EXPECT_EQ(preferred.out, "{\"text\":\"字节跳动发布了新产品。\",\"entities\":[{\"start\":0,\"end\":4,\"type\":\"ORG\","
                           "\"text\":\"字节跳动\"}]}\n");
  // A line of 200 × 字节跳动张小龙 without punctuation: windows, every occurrence found.
  std::string line;
  for (int i = 0; i < 200; ++i) line += "字节跳动张小龙";
  write("long.txt", line + "\n");
  auto windows = run_ner("tag --dictionary " + dir_ + "d.tsv " + dir_ + "long.txt");
  ASSERT_EQ(windows.status, 0) << windows.err;
  const nlohmann::json long_record = nlohmann::json::parse(windows.out);
  ASSERT_EQ(long_record["entities"].size(), 400u);
  for (std::size_t k = 0; k < 400; ++k)
    EXPECT_EQ(long_record["entities"][k]["start"], 7 * (k / 2) + (k % 2 ? 4 : 0)) << k;
  // Errors, before any output: a type the model lacks, a damaged line, a missing file.
  write("types.tsv", "字节跳动\tCOMPANY\n");
  write("damaged.tsv", "字节跳动 ORG\n");
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"types.tsv", dir_ + "types.tsv: type COMPANY is not one the model tags (LOC, ORG, PER)"},
      {"damaged.tsv", dir_ + "damaged.tsv:1: expected surface<TAB>TYPE (one tab)"},
      {"missing.tsv", dir_ + "missing.tsv: "}};
  for (const auto& [name, message] : bad) {
    auto result = run_ner("tag --dictionary " + dir_ + name + " " + dir_ + "a.txt");
    EXPECT_EQ(result.status, 1) << name;
    EXPECT_EQ(result.out, "") << name;
    EXPECT_EQ(result.err.rfind("ner: error: " + message, 0), 0u) << result.err;
  }
  EXPECT_EQ(run_ner("tag --dictionary-mode always " + dir_ + "a.txt").status, 2);
  // From standard input, when the text is a file.
  auto piped = run_ner("tag --dictionary - " + dir_ + "a.txt < " + dir_ + "d.tsv");
  EXPECT_EQ(piped.out, forced.out.substr(0, forced.out.find(",\"confidence\"")) + "}]}\n") << piped.err;
  auto both = run_ner("tag --dictionary - < " + dir_ + "d.tsv");
  EXPECT_EQ(both.status, 2);
  EXPECT_EQ(both.err, "ner: error: --dictionary - and the text both read standard input: give the text as a file (see ner tag --help)\n");
}

// Confidences and probabilities print six decimals in every format, 1 and tiny ones too (they printed 1.0 and
// 2.1e-05).
TEST_F(TagIo, ConfidencesAndProbabilitiesHaveSixDecimals) {
  write("d.tsv", "字节跳动\tORG\n");
  write("a.txt", "字节跳动发布了新产品。\n张伟在北京大学读书。\n");
  const std::string options = "--confidence --dictionary " + dir_ + "d.tsv " + dir_ + "a.txt";
  const std::regex number(R"(("confidence":|"probability":|\|| (?=[01]\.)|confidence )([0-9.e+-]*))");
  std::size_t numbers = 0;
  for (const std::string& format : std::vector<std::string>{"--nbest 20", "--format inline", "--format conll", "--format brat --output " + dir_ + "o.ann"}) {
    auto result = run_ner("tag " + format + " " + options);
    ASSERT_EQ(result.status, 0) << result.err;
    const std::string out = format.find("brat") != std::string::npos ? slurp(dir_ + "o.ann") : result.out;
    for (auto it = std::sregex_iterator(out.begin(), out.end(), number); it != std::sregex_iterator(); ++it, ++numbers)
      EXPECT_TRUE(std::regex_match((*it)[2].str(), std::regex(R"([01]\.[0-9]{6})"))) << (*it)[0] << " in\n" << out;
  }
  EXPECT_GT(numbers, 40u);
}

// Every named input is checked before any result is written: a missing second file leaves standard output empty.
TEST_F(TagIo, InputsAreCheckedBeforeAnyOutput) {
  write("a.txt", "张伟在北京。\n");
  ASSERT_EQ(::mkdir((dir_ + "folder").c_str(), 0700), 0);
  for (const std::string bad : {"missing.txt", "folder"}) {
    auto result = run_ner("tag " + dir_ + "a.txt " + dir_ + bad);
    EXPECT_EQ(result.status, 1) << bad;
    EXPECT_EQ(result.out, "") << bad;
    EXPECT_NE(result.err.find(dir_ + bad + ": "), std::string::npos) << result.err;
  }
}

// --confidence in every format: the same numbers as JSONL's, per token in CoNLL ("-" for O), after the type inline,
// as AnnotatorNotes in BRAT; without it the formats are as before.
TEST_F(TagIo, ConfidenceIsCarriedByEveryFormat) {
  auto jsonl = run_ner("tag --confidence " + kSampleText);
  ASSERT_EQ(jsonl.status, 0) << jsonl.err;
  auto conll = run_ner("tag --confidence --format conll " + kSampleText);
  auto inline_marks = run_ner("tag --confidence --format inline " + kSampleText);
  auto brat = run_ner("tag --confidence --format brat " + kSampleText + " --output " + dir_ + "out.ann");
  ASSERT_EQ(conll.status, 0) << conll.err;
  ASSERT_EQ(inline_marks.status, 0) << inline_marks.err;
  ASSERT_EQ(brat.status, 0) << brat.err;
  std::vector<std::string> conll_lines = lines_of(conll.out), inline_lines = lines_of(inline_marks.out);
  std::vector<std::string> ann_lines = lines_of(slurp(dir_ + "out.ann"));
  std::size_t conll_line = 0, ann_line = 0, entity_id = 0;
  std::vector<std::string> records = lines_of(jsonl.out);
  ASSERT_EQ(inline_lines.size(), records.size());
  // Each document's entities against the other formats' lines.
  for (std::size_t r = 0; r < records.size(); ++r) {
    const auto record = nlohmann::json::parse(records[r]);
    std::string expected_inline, text = record["text"];
    std::size_t byte = 0;
    std::vector<std::string> token_confidence;  // per character (the sample has no spaces)
    std::vector<std::size_t> byte_of_cp;
    for (std::size_t b = 0; b < text.size(); ++b)
      if ((static_cast<unsigned char>(text[b]) & 0xC0) != 0x80) byte_of_cp.push_back(b);
    byte_of_cp.push_back(text.size());
    token_confidence.assign(byte_of_cp.size() - 1, "-");
    for (const auto& entity : record["entities"]) {
      char confidence[32];  // as printed: six decimals
      std::snprintf(confidence, sizeof confidence, "%.6f", entity["confidence"].get<double>());
      const std::size_t start = entity["start"], end = entity["end"];
      for (std::size_t t = start; t < end; ++t) token_confidence[t] = confidence;
      expected_inline += text.substr(byte, byte_of_cp[start] - byte) + "[" + entity["text"].get<std::string>() + "]" +
                         entity["type"].get<std::string>() + "|" + confidence;
      byte = byte_of_cp[end];
      ++entity_id;
      ASSERT_LT(ann_line + 1, ann_lines.size());
      EXPECT_EQ(ann_lines[ann_line++].substr(0, 1 + std::to_string(entity_id).size() + 1), "T" + std::to_string(entity_id) + "\t");
      EXPECT_EQ(ann_lines[ann_line++], "#" + std::to_string(entity_id) + "\tAnnotatorNotes T" + std::to_string(entity_id) +
                                           "\tconfidence " + confidence);
    }
    EXPECT_EQ(inline_lines[r], expected_inline + text.substr(byte));
    for (const std::string& confidence : token_confidence) {
      ASSERT_LT(conll_line, conll_lines.size());
      std::istringstream columns(conll_lines[conll_line++]);
      std::string token, tag, third, more;
      columns >> token >> tag >> third;
      EXPECT_EQ(third, confidence) << conll_lines[conll_line - 1];
      EXPECT_FALSE(columns >> more);
    }
    ASSERT_LT(conll_line, conll_lines.size());
    EXPECT_EQ(conll_lines[conll_line++], "");
  }
  EXPECT_GE(entity_id, 10u);
  EXPECT_EQ(ann_line, ann_lines.size());
  auto plain = run_ner("tag --format conll " + kSampleText);
  EXPECT_EQ(lines_of(plain.out)[0], "张 B-PER");
}

// A CoNLL or JSONL file is tagged by its tokens or its "text", with a note on stderr; ordinary text (even lines that
// look a little like either) is text, silently; --input-format says which.
TEST_F(TagIo, ConllAndJsonlInputsAreTaggedByTheirText) {
  auto text = run_ner("tag --format inline " + kSampleText);
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_EQ(text.err, "");
  auto conll = run_ner("tag --format inline " + kSampleBio);
  ASSERT_EQ(conll.status, 0) << conll.err;
  EXPECT_EQ(conll.out, text.out);
  EXPECT_EQ(conll.err, kSampleBio + ": read as CoNLL columns (the first column is tagged); --input-format text to tag the "
                                    "lines as they are\n");
  auto from_stdin = run_ner("tag --format inline < " + kSampleBio);
  EXPECT_EQ(from_stdin.out, text.out);
  auto as_lines = run_ner("tag --format inline --input-format text " + kSampleBio);
  EXPECT_EQ(as_lines.err, "");
  EXPECT_EQ(lines_of(as_lines.out).size(), lines_of(slurp(kSampleBio)).size());

  std::string jsonl;
  for (const std::string& line : lines_of(slurp(kSampleText))) jsonl += "{\"text\": " + nlohmann::json(line).dump() + ", \"id\": 1}\n\n";
  write("in.jsonl", jsonl);
  auto from_json = run_ner("tag --format inline " + dir_ + "in.jsonl");
  ASSERT_EQ(from_json.status, 0) << from_json.err;
  EXPECT_EQ(from_json.out, text.out);
  EXPECT_EQ(from_json.err, dir_ + "in.jsonl: read as JSON lines (their \"text\" is tagged); --input-format text to tag the "
                                  "lines as they are\n");
  write("bad.jsonl", "{\"text\": \"张伟\"}\n[1]\n");
  auto bad = run_ner("tag --input-format jsonl " + dir_ + "bad.jsonl");
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.err, "ner: error: " + dir_ + "bad.jsonl:2: expected a JSON object with a string \"text\" (--input-format "
                     "text tags the lines as they are)\n");
  EXPECT_EQ(bad.out, "");
  // A record's other fields are kept in its order; the entities are the tagger's (any the record had are replaced).
  write("fields.jsonl", "{\"id\":7,\"text\":\"张伟在北京\",\"entities\":[],\"source\":{\"page\":[1,2]}}\n");
  auto fields = run_ner("tag " + dir_ + "fields.jsonl");
  EXPECT_EQ(fields.out, "{\"id\":7,\"text\":\"张伟在北京\",\"source\":{\"page\":[1,2]},\"entities\":[{\"start\":0,\"end\":2,"
                        "\"type\":\"PER\",\"text\":\"张伟\"},{\"start\":3,\"end\":5,\"type\":\"LOC\",\"text\":\"北京\"}]}\n")
      << fields.err;
  // Detected from the first line: a later line without "text" is the same error, not a switch to plain text.
  write("later_bad.jsonl", "{\"text\":\"张伟在北京\",\"id\":1}\n{\"id\":2}\n");
  auto later_bad = run_ner("tag " + dir_ + "later_bad.jsonl");
  EXPECT_EQ(later_bad.status, 1) << later_bad.out;
  EXPECT_NE(later_bad.err.find(dir_ + "later_bad.jsonl:2: expected a JSON object with a string \"text\""), std::string::npos)
      << later_bad.err;
  EXPECT_EQ(later_bad.out, "");

  // Text that starts like JSON or has a tag-like last word stays text.
  write("braces.txt", "{张伟在北京}\n{\"name\": \"张伟\"}\n");
  write("one_pair.txt", "张伟 O\n");
  write("mixed.txt", "张 B-PER\n张伟在北京大学读书。\n");
  for (const std::string name : {"braces.txt", "one_pair.txt", "mixed.txt"}) {
    auto result = run_ner("tag " + dir_ + name);
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.err, "") << name;
    EXPECT_EQ(lines_of(result.out).size(), lines_of(slurp(dir_ + name)).size()) << name;
  }
  write("joined.txt", "张伟\n");
  auto told = run_ner("tag --format inline --input-format conll " + dir_ + "one_pair.txt");
  EXPECT_EQ(told.out, run_ner("tag --format inline " + dir_ + "joined.txt").out);
}

// A child process with its standard input and output on pipes.
struct Child {
  pid_t pid = -1;
  int in = -1, out = -1;
};

Child spawn(const std::vector<std::string>& args) {
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) return {};
  Child child;
  child.pid = ::fork();
  if (child.pid == 0) {
    ::dup2(to_child[0], STDIN_FILENO);
    ::dup2(from_child[1], STDOUT_FILENO);
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) ::close(fd);
    std::vector<char*> argv;
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  child.in = to_child[1];
  child.out = from_child[0];
  return child;
}

// Bytes from `fd` up to and including the first newline, waiting at most `seconds`; "" on timeout.
std::string read_line(int fd, int seconds) {
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  // One byte at a time until the newline or the deadline.
  while (line.empty() || line.back() != '\n') {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    struct pollfd ready = {fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&ready, 1, static_cast<int>(left.count())) <= 0) return "";
    char c;
    if (::read(fd, &c, 1) != 1) return "";
    line += c;
  }
  return line;
}

// A line written to a pipe is tagged and its output flushed while the input is still open.
TEST_F(TagIo, APipedLineIsAnsweredBeforeTheInputEnds) {
  for (const std::string format : {"jsonl", "inline"}) {
    Child child = spawn({NER_BINARY, "tag", "--format", format});
    ASSERT_GT(child.pid, 0);
    const std::string first = "张伟在北京大学读书。\n", second = "李娜是湖北人。\n";
    ASSERT_EQ(::write(child.in, first.data(), first.size()), static_cast<ssize_t>(first.size()));
    const std::string answer = read_line(child.out, 20);
    if (answer.empty()) {
      ::kill(child.pid, SIGKILL);
      ::waitpid(child.pid, nullptr, 0);
      ::close(child.in);
      ::close(child.out);
      FAIL() << format << ": no output before the input ended";
    }
    ASSERT_EQ(::write(child.in, second.data(), second.size()), static_cast<ssize_t>(second.size()));
    const std::string answer2 = read_line(child.out, 20);
    ::close(child.in);
    const std::string rest = read_line(child.out, 20);
    ::close(child.out);
    int status = 0;
    ::waitpid(child.pid, &status, 0);
    if (format == "inline") {
      EXPECT_EQ(answer, "[张伟]PER在[北京大学]ORG读书。\n");
      EXPECT_NE(answer2.find("李娜"), std::string::npos) << answer2;
    } else {
      EXPECT_EQ(nlohmann::json::parse(answer)["text"], "张伟在北京大学读书。");
    }
    EXPECT_EQ(rest, "");
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
}

// What `ner ARGS` writes to stderr when stderr is a terminal (a pseudo-terminal; stdout to /dev/null).
std::string stderr_on_a_terminal(const std::string& args) {
  int terminal = -1;
  const pid_t pid = ::forkpty(&terminal, nullptr, nullptr, nullptr);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", (std::string(NER_BINARY) + " " + args + " >/dev/null").c_str(), nullptr);
    ::_exit(127);
  }
  std::string err;
  char buffer[4096];
  for (ssize_t n; (n = ::read(terminal, buffer, sizeof buffer)) > 0;) err.append(buffer, static_cast<std::size_t>(n));
  ::close(terminal);
  ::waitpid(pid, nullptr, 0);
  return err;
}

// A bar on a terminal for `ner eval` and a large file (1 MB or more) to `ner tag`; never when stderr is not a
// terminal. A tiny model tags the large file (the bar is the tagger's, whatever the model).
TEST_F(TagIo, ProgressOnlyOnATerminal) {
  const std::string model = dir_ + "tiny.model";
  ASSERT_EQ(run_ner("train --train " + kSampleBio + " --dev " + kSampleBio + " --features char --epochs 1 --hidden 4 "
                    "--char-dim 4 --model " + model).status, 0);
  std::string big;
  const std::string sample = slurp(kSampleText);
  while (big.size() < (1u << 20) + 1) big += sample;
  write("big.txt", big);
  const std::string tag = "tag --format inline --model " + model + " " + dir_ + "big.txt";
  EXPECT_NE(stderr_on_a_terminal(tag).find("\r  [="), std::string::npos);
  EXPECT_NE(stderr_on_a_terminal("eval " + kSampleBio).find("\r  ["), std::string::npos);
  EXPECT_EQ(stderr_on_a_terminal("tag " + kSampleText), "") << "a small file is quick";
  auto redirected = run_ner(tag);
  EXPECT_EQ(redirected.status, 0);
  EXPECT_EQ(redirected.err, "");
  EXPECT_EQ(run_ner("eval " + kSampleBio).err, "");
}

}  // namespace
