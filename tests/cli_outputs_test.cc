// What the commands write, end to end: outputs that would clobber an input or each other are refused before any
// work, a model must be a file, an interrupted command leaves no temporary behind, and what is not text says so.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <csignal>

#include "tests/test_support.h"

namespace {

using test_support::run_ner;
using test_support::slurp;

const std::string kSample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
const std::string kSampleText = std::string(NER_SOURCE_DIR) + "/examples/sample.txt";

class CliOutputs : public ::testing::Test {
 protected:
  std::string dir_ = test_support::temp_path("dir") + "/";
  void SetUp() override { ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0); }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  std::string train(const std::string& extra) {
    return "train --train " + kSample + " --dev " + kSample + " --epochs 1 --hidden 4 --char-dim 4 " + extra;
  }
  std::string listing() { return test_support::list_folder(dir_); }
};

TEST_F(CliOutputs, TwoOutputsNamingOneFileAreRefused) {
  auto report = run_ner(train("--model " + dir_ + "a.model --report " + dir_ + "a.model"));
  EXPECT_EQ(report.status, 1);
  EXPECT_NE(report.err.find("a.model: given as both --model and --report"), std::string::npos) << report.err;
  auto metrics = run_ner(train("--model " + dir_ + "b.model --metrics " + dir_ + "x --checkpoint " + dir_ + "x"));
  EXPECT_EQ(metrics.status, 1);
  EXPECT_NE(metrics.err.find("x: given as both --metrics and --checkpoint"), std::string::npos) << metrics.err;
  auto spelled = run_ner(train("--model " + dir_ + "c.model --metrics " + dir_ + "y.jsonl --report " + dir_ + "./y.jsonl"));
  EXPECT_EQ(spelled.status, 1);
  EXPECT_NE(spelled.err.find("given as both --metrics and --report"), std::string::npos) << spelled.err;
  auto eval = run_ner("eval " + kSample + " --report " + dir_ + "same --predictions " + dir_ + "same");
  EXPECT_EQ(eval.status, 1);
  EXPECT_NE(eval.err.find("same: given as both --predictions and --report"), std::string::npos) << eval.err;
  EXPECT_EQ(listing(), "") << "nothing written";
}

TEST_F(CliOutputs, TheModelBeingUsedIsAnInputToo) {
  ASSERT_EQ(run_ner(train("--model " + dir_ + "m.model")).status, 0);
  const std::string model = slurp(dir_ + "m.model");
  auto tagged = run_ner("tag " + kSampleText + " --model " + dir_ + "m.model -o " + dir_ + "m.model");
  EXPECT_EQ(tagged.status, 1);
  EXPECT_NE(tagged.err.find("m.model: is an input of this command"), std::string::npos) << tagged.err;
  EXPECT_TRUE(slurp(dir_ + "m.model") == model);
  auto resumed = run_ner("train --resume " + dir_ + "m.model.ckpt --model " + dir_ + "m.model.ckpt");
  EXPECT_NE(resumed.status, 0);
}

TEST_F(CliOutputs, AResumedRunKeepsItsFiles) {
  ASSERT_EQ(run_ner(train("--model " + dir_ + "m.model")).status, 0);
  test_support::write_file(dir_ + "other.bio", slurp(kSample));
  test_support::write_file(dir_ + "precious.txt", "keep");
  for (const std::string& changed : {"--train " + dir_ + "other.bio", "--model " + dir_ + "precious.txt"}) {
    auto result = run_ner("train --resume " + dir_ + "m.model.ckpt --epochs 2 " + changed);
    EXPECT_EQ(result.status, 2) << changed;
    EXPECT_NE(result.err.find("resume with the same files"), std::string::npos) << result.err;
  }
  EXPECT_EQ(slurp(dir_ + "precious.txt"), "keep");
  auto added = run_ner("train --resume " + dir_ + "m.model.ckpt --epochs 2 --test " + kSample);
  EXPECT_EQ(added.status, 2) << added.err;
  EXPECT_NE(added.err.find("resume with the same files"), std::string::npos) << added.err;
}

// Relative paths: resumed in the same folder, a run records the paths an uninterrupted one records (the model's
// summary holds them), so the bytes are the same; resumed from elsewhere it still finds its files.
TEST_F(CliOutputs, AResumedRunWithRelativePathsEndsWithTheUninterruptedBytes) {
  test_support::write_file(dir_ + "train.bio", slurp(kSample));
  const std::string ner = "cd '" + dir_ + "' && " + std::string(NER_BINARY) + " ";
  // The settings of CliApp.SameSeedSameBytesAndResumeMatchesUninterrupted, whose best epoch comes after the fourth.
  const std::string args = "train --train train.bio --dev train.bio --hidden 16 --char-dim 16 --batch 4 --lr 0.02 --dropout 0.5 --seed 3 --threads 1 ";
  ASSERT_EQ(std::system((ner + args + "--epochs 8 --model whole.model 2>/dev/null").c_str()), 0);
  ASSERT_EQ(std::system((ner + args + "--epochs 4 --model again.model 2>/dev/null").c_str()), 0);
  ASSERT_EQ(std::system((ner + "train --resume again.model.ckpt --epochs 8 2>/dev/null").c_str()), 0);
  EXPECT_TRUE(slurp(dir_ + "whole.model") == slurp(dir_ + "again.model"));
  ASSERT_EQ(std::system((ner + args + "--epochs 4 --model moved.model 2>/dev/null").c_str()), 0);
  ASSERT_EQ(std::system(("cd / && " + std::string(NER_BINARY) + " train --resume '" + dir_ + "moved.model.ckpt' --epochs 8 2>/dev/null").c_str()), 0);
  EXPECT_TRUE(slurp(dir_ + "moved.model") != slurp(dir_ + "whole.model")) << "resumed elsewhere: absolute paths";
}

TEST_F(CliOutputs, AModelMustBeAFile) {
  const std::string fifo = dir_ + "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Bounded in time, so that a regression (opening the FIFO) cannot hang the test.
  const std::string command = "timeout 20 " + std::string(NER_BINARY) + " " + train("--model " + fifo) + " 2>" + dir_ + "err";
  const int raw = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(raw), 1);
  EXPECT_NE(slurp(dir_ + "err").find("a model or checkpoint must be a file"), std::string::npos) << slurp(dir_ + "err");
}

TEST_F(CliOutputs, NumbersThatAreNotNumbersAreRefused) {
  for (const char* bad : {"--lr nan", "--lr abc", "--clip -1", "--momentum 2"}) {
    auto result = run_ner(train(std::string("--model ") + dir_ + "m.model " + bad));
    EXPECT_EQ(result.status, 2) << bad << ": " << result.err;
  }
  EXPECT_EQ(run_ner("tag --min-confidence nan </dev/null").status, 2);
}

// SIGTERM while `ner tag -o FILE` waits for its input (a FIFO held open): the old FILE stays and no temporary is left
// (SIGINT works the same, but a script's background job ignores it).
TEST_F(CliOutputs, AnInterruptedCommandLeavesNoTemporary) {
  test_support::write_file(dir_ + "out.jsonl", "old\n");
  const std::string input = dir_ + "input";
  ASSERT_EQ(::mkfifo(input.c_str(), 0600), 0);
  const std::string script = test_support::temp_path("run.sh");
  test_support::write_file(script, "exec 3<>'" + input + "'\n" + std::string(NER_BINARY) + " tag '" + input + "' -o '" + dir_ +
                                       "out.jsonl' 2>/dev/null & pid=$!\n"
                                       "for i in $(seq 400); do ls -A '" + dir_ + "' | grep -q '^[.]out' && break; sleep 0.05; done\n"
                                       "kill -TERM $pid; wait $pid\n");
  const int raw = std::system(("bash '" + script + "'").c_str());
  EXPECT_EQ(WEXITSTATUS(raw), 128 + SIGTERM);
  EXPECT_EQ(slurp(dir_ + "out.jsonl"), "old\n");
  EXPECT_EQ(listing(), "input\nout.jsonl\n");
}

TEST_F(CliOutputs, WhatIsNotTextSaysSo) {
  ASSERT_EQ(run_ner(train("--model " + dir_ + "m.model")).status, 0);
  auto model = run_ner("tag " + dir_ + "m.model");
  EXPECT_EQ(model.status, 1);
  EXPECT_EQ(model.err, "ner: error: " + dir_ + "m.model: is a ner model file, not text\n");
  // One stray NUL byte in a short line is a NUL character, not UTF-16.
  test_support::write_file(dir_ + "nul.txt", std::string("abc\0def\n", 8));
  auto nul = run_ner("tag --verbose --model " + dir_ + "m.model " + dir_ + "nul.txt");
  EXPECT_EQ(nul.status, 0) << nul.err;
  EXPECT_NE(nul.err.find("encoding UTF-8"), std::string::npos) << nul.err;
}

}  // namespace
