// The bad-input battery through the binary: every kind of bad input gets exit status 1, exactly one stderr line
// that starts with `ner: error:` and names the file (and line or byte offset where there is one), and no output file;
// merely unusual input (NUL bytes, a 1 MB line, no final newline, CRLF) is tagged normally.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "tests/test_support.h"

namespace {

using test_support::run_ner;
using test_support::slurp;

const std::string kSample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
const std::string kSampleText = std::string(NER_SOURCE_DIR) + "/examples/sample.txt";

class BadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test_support::temp_dir() + "bad_input/";
    ASSERT_EQ(std::system(("mkdir -p " + dir_).c_str()), 0);
    auto trained = run_ner("train --train " + kSample + " --dev " + kSample + " --model " + model() +
                           " --epochs 1 --hidden 8 --char-dim 8 --seed 1");
    ASSERT_EQ(trained.status, 0) << trained.err;
  }
  static std::string model() { return dir_ + "good.model"; }

  static std::string write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_ + name, std::ios::binary) << bytes;
    return dir_ + name;
  }

  // Runs `args` with `OUTPUT_OPTION OUT` appended (tag: --output, eval: --predictions, train: --model; score has
  // none) and checks the failure: status 1, one line `ner: error: <message>` where the message starts with
  // `expected_start`, nothing on stdout, no OUT and no temporary left.
  void expect_error(const std::string& args, const std::string& expected_start, const std::string& output_option) {
    const std::string out = dir_ + "out.file";
    auto result = run_ner(args + (output_option.empty() ? "" : " " + output_option + " " + out));
    EXPECT_EQ(result.status, 1) << args << "\n" << result.err;
    const std::string prefix = "ner: error: " + expected_start;
    EXPECT_EQ(result.err.compare(0, prefix.size(), prefix), 0) << args << "\nstderr: " << result.err;
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << "one line only: " << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_NE(std::system(("ls " + dir_ + " | grep -q out.file").c_str()), 0) << args << ": output (or its temporary) left behind";
  }

  static std::string dir_;
};

std::string BadInput::dir_;

std::string train_with(const std::string& train) { return "train --dev " + kSample + " --epochs 1 --hidden 8 --char-dim 8 --train " + train; }

TEST_F(BadInput, MissingFilesAndDirectories) {
  expect_error(train_with(dir_ + "missing.bio"), dir_ + "missing.bio: cannot open: No such file or directory", "--model");
  expect_error(train_with(dir_), dir_ + ": is a directory", "--model");
  expect_error("tag --model " + model() + " " + dir_ + "missing.txt", dir_ + "missing.txt: cannot open", "--output");
  expect_error("tag --model " + model() + " " + dir_, dir_ + ": is a directory", "--output");
  expect_error("tag --model " + dir_ + "missing.model " + kSampleText, dir_ + "missing.model: cannot open", "--output");
  expect_error("eval --model " + model() + " " + dir_ + "missing.bio", dir_ + "missing.bio: cannot open", "--predictions");
  expect_error("score " + dir_ + "missing.bio", dir_ + "missing.bio: cannot open", "");
}

TEST_F(BadInput, EmptyAndBlankCorpora) {
  const std::string empty = write("empty.bio", ""), blank = write("blank.bio", "\n\n \n\r\n");
  expect_error(train_with(empty), empty + ": no sentences", "--model");
  expect_error(train_with(blank), blank + ": no sentences", "--model");
  expect_error("eval --model " + model() + " " + empty, empty + ": no sentences", "--predictions");
}

TEST_F(BadInput, InvalidUtf8InEveryCommandsInput) {
  const std::string corpus = write("bad_utf8.bio", "张 B-PER\n\xC3\x28 I-PER\n");
  const std::string text = write("bad_utf8.txt", "张伟在北京\n好\xE4\xB8\n");
  const std::string expected = corpus + ":2: invalid UTF-8 (byte 0xC3) at byte offset 10";
  expect_error(train_with(corpus), expected, "--model");
  expect_error("eval --model " + model() + " " + corpus, expected, "--predictions");
  expect_error("score " + corpus, expected, "");
  expect_error("tag --model " + model() + " " + text, text + ":2: invalid UTF-8 (byte 0xE4) at byte offset 19", "--output");
  expect_error(train_with(kSample) + " --lexicon " + corpus, expected, "--model");
  // Vectors of --char-dim 8: the first line is 36 bytes.
  const std::string numbers = " 0.5 0.5 0.5 0.5 0.5 0.5 0.5 0.5\n";
  const std::string vectors = write("bad_utf8.vec", "张" + numbers + "\xC3\x28" + numbers);
  expect_error(train_with(kSample) + " --char-vectors " + vectors, vectors + ":2: invalid UTF-8 (byte 0xC3) at byte offset 36",
               "--model");
}

TEST_F(BadInput, MissingTagColumnAndUnknownTags) {
  const std::string no_tag = write("no_tag.bio", "张 B-PER\n伟\n");
  expect_error(train_with(no_tag), no_tag + ":2: expected at least 2 columns (token and tag), got 1", "--model");
  expect_error("eval --model " + model() + " " + no_tag, no_tag + ":2: expected at least 2 columns", "--predictions");
  const std::string unknown = write("unknown.bio", "张 B-PER\n伟 I-PER\n\n北 B-GPE\n");
  expect_error("eval --model " + model() + " " + unknown, unknown + ":4: entity type GPE is not one the model knows", "--predictions");
  const std::string bad_tag = write("bad_tag.bio", "张 X-PER\n");
  expect_error(train_with(bad_tag), bad_tag + ":1: ", "--model");
}

TEST_F(BadInput, DamagedForeignAndNewerModels) {
  const std::string good = slurp(model());
  const std::string text = write("text.model", "张伟 is not a model\n");
  expect_error("tag --model " + text + " " + kSampleText, text + ": not a model file", "--output");
  const std::string truncated = write("truncated.model", good.substr(0, good.size() / 2));
  expect_error("tag --model " + truncated + " " + kSampleText, truncated + ": truncated or damaged model file", "--output");
  std::string flipped_bytes = good;
  flipped_bytes[good.size() / 2] ^= 0x10;
  const std::string flipped = write("flipped.model", flipped_bytes);
  expect_error("tag --model " + flipped + " " + kSampleText, flipped + ": damaged model file (checksum mismatch)", "--output");
  std::string newer_bytes = good;
  newer_bytes[8] = 99;  // the u32 format version follows the 8-byte magic
  const std::string newer = write("newer.model", newer_bytes);
  expect_error("tag --model " + newer + " " + kSampleText, newer + ": model format version 99 is newer than this program reads", "--output");
  expect_error("eval --model " + truncated + " " + kSample, truncated + ": truncated or damaged model file", "--predictions");
  std::string checkpoint_bytes = slurp(model() + ".ckpt");
  checkpoint_bytes[checkpoint_bytes.size() / 3] ^= 0x01;
  const std::string checkpoint = write("flipped.ckpt", checkpoint_bytes);
  expect_error(train_with(kSample) + " --resume " + checkpoint, checkpoint + ": damaged checkpoint file (checksum mismatch)", "--model");
  expect_error(train_with(kSample) + " --resume " + model(), model() + ": not a checkpoint file (it is a model, which ner tag --model reads)", "--model");
}

// A model, a checkpoint, gzip data or a binary file given as a corpus: one message naming the file, whichever
// command and option reads it.
TEST_F(BadInput, BinaryFilesAreNotCorpora) {
  const std::string not_corpus = model() + ": is a ner model file, not a corpus";
  expect_error(train_with(model()), not_corpus, "--model");
  expect_error("train --train " + kSample + " --dev " + model() + " --epochs 1", not_corpus, "--model");
  expect_error("eval --model " + model() + " " + model(), not_corpus, "--predictions");
  expect_error("stats " + model(), not_corpus, "");
  expect_error("convert " + model() + " --to jsonl", not_corpus, "--output");
  expect_error(train_with(model() + ".ckpt"), model() + ".ckpt: is a ner checkpoint file, not a corpus", "--model");
  ASSERT_EQ(std::system(("gzip -c " + kSample + " > " + dir_ + "sample.bio.gz").c_str()), 0);
  expect_error(train_with(dir_ + "sample.bio.gz"), dir_ + "sample.bio.gz: is gzip-compressed, not a corpus", "--model");
  // Any other binary file (an executable's start, then bytes that are no UTF-8): one message in every command,
  // "not a corpus" where a corpus is read and "not text" where text is (tag said "invalid UTF-8" before).
  const std::string binary = write("binary.bio", std::string("\x7F" "ELF\x02\x01\x01\0\0\0\xD0\xFF\n", 13));
  const std::string nul = binary + ": is a binary file (a NUL byte at byte offset 7), not ";
  expect_error("stats " + binary, nul + "a corpus", "");
  expect_error(train_with(binary), nul + "a corpus", "--model");
  expect_error("eval --model " + model() + " " + binary, nul + "a corpus", "--predictions");
  expect_error("convert " + binary + " --to jsonl", nul + "a corpus", "--output");
  expect_error("tag --model " + model() + " " + binary, nul + "text", "--output");
  expect_error("tag --model " + model() + " --encoding gb18030 " + binary, nul + "text", "--output");
  expect_error("score " + binary, nul + "text", "");
  expect_error("lm train --raw " + binary, nul + "text", "--model");
  expect_error(train_with(kSample) + " --lexicon " + binary, nul + "text", "--model");
}

TEST_F(BadInput, UnwritableOutputs) {
  const std::string nowhere = dir_ + "no/such/folder/";
  auto tagged = run_ner("tag --model " + model() + " " + kSampleText + " --output " + nowhere + "out.jsonl");
  EXPECT_EQ(tagged.status, 1);
  EXPECT_EQ(tagged.err, "ner: error: " + nowhere + "out.jsonl: cannot write: folder " + nowhere.substr(0, nowhere.size() - 1) + " does not exist\n");
  // Training checks its outputs before any work, so the error comes at once and alone.
  auto trained = run_ner(train_with(kSample) + " --model " + nowhere + "m.model");
  EXPECT_EQ(trained.status, 1);
  EXPECT_EQ(trained.err, "ner: error: " + nowhere + "m.model: cannot write: folder " + nowhere.substr(0, nowhere.size() - 1) + " does not exist\n");
  auto metrics = run_ner(train_with(kSample) + " --model " + dir_ + "ok.model --metrics " + nowhere + "m.jsonl");
  EXPECT_EQ(metrics.status, 1);
  EXPECT_EQ(metrics.err, "ner: error: " + nowhere + "m.jsonl: cannot write: folder " + nowhere.substr(0, nowhere.size() - 1) + " does not exist\n");
  EXPECT_TRUE(slurp(dir_ + "ok.model").empty());
}

TEST_F(BadInput, UnusualButValidTextIsTagged) {
  std::string long_line(1 << 20, 'a');
  long_line.replace(0, 6, "张伟");
  const std::string unusual = write("unusual.txt", "张伟" + std::string(1, '\0') + "在北京\r\n" + long_line + "\r\n\r\n上海");
  auto result = run_ner("tag --model " + model() + " " + unusual + " --format conll");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_TRUE(result.err.empty()) << result.err;
  // One CoNLL line per character (the NUL too): 6 + 2 + (2^20 - 6) + 2, and a blank line after each of the 4 lines.
  std::size_t lines = 0;
  for (char c : result.out) lines += c == '\n';
  EXPECT_EQ(lines, 6u + 2 + ((1u << 20) - 6) + 2 + 4) << result.out.substr(0, 200);
}

}  // namespace
