// `ner stats` end to end through the binary, including its errors.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/test_support.h"

namespace {

using test_support::run_ner;

std::string write_temp(const std::string& name, const std::string& contents) {
  std::string path = test_support::temp_path(name);
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

TEST(CliStats, SampleCorpus) {
  auto result = run_ner(std::string(NER_SOURCE_DIR) + "/examples/sample.bio");
  EXPECT_NE(result.status, 0) << "a bare file is not a command";
  result = run_ner("stats " + std::string(NER_SOURCE_DIR) + "/examples/sample.bio");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("sentences:         8\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("entities:          17\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("    PER              5\n"), std::string::npos) << result.out;
  EXPECT_TRUE(result.err.empty());
}

TEST(CliStats, OovAgainstAnotherCorpus) {
  std::string a = write_temp("oov_a.bio", "张 B-PER\n伟 I-PER\n");
  std::string b = write_temp("oov_b.bio", "张 B-PER\n三 I-PER\n三 I-PER\n");
  auto result = run_ner("stats " + b + " --against " + a);
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("66.67% of characters (2 of 3), 50.00% of distinct characters (1 of 2)"), std::string::npos)
      << result.out;
}

TEST(CliStats, InvalidByteOnLine2IsOneLineError) {
  std::string path = write_temp("bad_utf8.bio", "张 B-PER\n\xFF O\n");
  auto result = run_ner("stats " + path);
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(result.out.empty());
  EXPECT_EQ(result.err, "ner: error: " + path + ":2: invalid UTF-8 (byte 0xFF) at byte offset 10\n");
}

TEST(CliStats, BadInputsAreOneLineErrors) {
  const std::string missing_column = write_temp("missing_column.bio", "张 B-PER\n伟\n");
  const std::string empty = write_temp("empty.bio", "");
  const std::string cases[][2] = {
      {"/nonexistent/file.bio", "ner: error: /nonexistent/file.bio: cannot open: No such file or directory\n"},
      {"/tmp", "ner: error: /tmp: is a directory, not a file\n"},
      {missing_column, "ner: error: " + missing_column + ":2: expected at least 2 columns (token and tag), got 1\n"},
      {empty, "ner: error: " + empty + ": no sentences (the corpus is empty)\n"},
  };
  for (const auto& c : cases) {
    auto result = run_ner("stats " + c[0]);
    EXPECT_EQ(result.status, 1) << c[0];
    EXPECT_EQ(result.err, c[1]);
    EXPECT_TRUE(result.out.empty());
  }
}

TEST(CliStats, UsageErrorsAndHelp) {
  auto result = run_ner("stats");
  EXPECT_EQ(result.status, 2);
  EXPECT_EQ(result.err.rfind("ner: error: ", 0), 0u) << result.err;
  result = run_ner("stats --help");
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.out.find("--against"), std::string::npos);
}

}  // namespace
