// train, tag, eval, score and info end to end through the binary, on the small sample shipped in examples/.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <algorithm>
#include <set>
#include <sstream>

#include "data/utf8.h"
#include "ner/model/config.h"
#include "ner/tagging/tagger.h"
#include "nn/bf16_matrix.h"
#include "tests/test_support.h"

namespace {

using test_support::run_ner;
using test_support::slurp;

const std::string kSample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
const std::string kSampleText = std::string(NER_SOURCE_DIR) + "/examples/sample.txt";

// A small, fast training run on the sample (characters alone, so no dictionary is read unless asked; patience 10
// unless `extra` sets it).
std::string train_args(const std::string& model, int epochs, const std::string& extra = "") {
  return "train --train " + kSample + " --dev " + kSample + " --model " + model + " --epochs " + std::to_string(epochs) +
         " --hidden 16 --char-dim 16 --batch 4 --lr 0.02 --seed 3 --features char " +
         (extra.find("--patience") == std::string::npos ? "--patience 10 " : "") + extra;
}

// The metrics file's records, one JSON object a line.
std::vector<nlohmann::json> metrics_records(const std::string& path) {
  std::vector<nlohmann::json> records;
  std::istringstream metrics(slurp(path));
  for (std::string line; std::getline(metrics, line);) records.push_back(nlohmann::json::parse(line));
  return records;
}

class CliApp : public ::testing::Test {
 protected:
  std::string dir_ = test_support::temp_path("dir") + "/";
  void SetUp() override { ASSERT_EQ(std::system(("mkdir -p " + dir_).c_str()), 0); }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
};

TEST_F(CliApp, TrainWritesModelMetricsAndCheckpoint) {
  auto result = run_ner(train_args(dir_ + "m.model", 3));
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.err.find("epoch 3/3"), std::string::npos) << result.err;
  std::istringstream metrics(slurp(dir_ + "m.model.metrics.jsonl"));
  int records = 0;
  for (std::string line; std::getline(metrics, line); ++records) {
    auto record = nlohmann::json::parse(line);
    for (const char* key : {"epoch", "loss", "train_chars_per_s", "dev_precision", "dev_recall", "dev_f1", "seconds"})
      EXPECT_TRUE(record.contains(key)) << key;
    EXPECT_EQ(record["epoch"], records + 1);
  }
  EXPECT_EQ(records, 3);
  EXPECT_FALSE(slurp(dir_ + "m.model.ckpt").empty());
  auto info = run_ner("info --model " + dir_ + "m.model");
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("tags:           13 (O B-LOC I-LOC E-LOC S-LOC B-ORG"), std::string::npos) << info.out;
}

TEST_F(CliApp, SameSeedSameBytesAndResumeMatchesUninterrupted) {
  ASSERT_EQ(run_ner(train_args(dir_ + "a.model", 8)).status, 0);
  ASSERT_EQ(run_ner(train_args(dir_ + "b.model", 8)).status, 0);
  EXPECT_TRUE(slurp(dir_ + "a.model") == slurp(dir_ + "b.model"))
      << "same seed and threads must give the same bytes";
  // The best epoch must come after the interruption, or the comparison below would only see the first run's file
  // (whose summary records --epochs 4).
  auto info = run_ner("info --model " + dir_ + "a.model");
  for (int epoch = 1; epoch <= 4; ++epoch)
    ASSERT_EQ(info.out.find("\"best_epoch\":" + std::to_string(epoch) + ","), std::string::npos) << info.out;
  // Four epochs, then resume to eight.
  ASSERT_EQ(run_ner(train_args(dir_ + "c.model", 4)).status, 0);
  auto resumed = run_ner(train_args(dir_ + "c.model", 8, "--resume " + dir_ + "c.model.ckpt"));
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming"), std::string::npos);
  EXPECT_TRUE(slurp(dir_ + "a.model") == slurp(dir_ + "c.model"))
      << "resume must end with the uninterrupted run's bytes";
}

// Training killed with SIGKILL at any moment (here with weight averaging, whose state the checkpoint also holds)
// leaves a loadable best model and checkpoint (each is a temporary file,
// flushed, then renamed), and resuming from that checkpoint ends with the bytes of an uninterrupted run.
TEST_F(CliApp, KilledTrainingResumesToTheUninterruptedBytes) {
  const std::string args = "--patience 0 --threads 2 --average 0.9";
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run_ner(train_args(dir_ + "whole.model", 30, args)).status, 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ASSERT_EQ(run_ner(train_args(dir_ + "again.model", 30, args)).status, 0);
  const std::string whole = slurp(dir_ + "whole.model");
  EXPECT_TRUE(whole == slurp(dir_ + "again.model")) << "same seed and 2 threads: same bytes";
  int resumed_runs = 0;
  for (int eighth = 1; eighth <= 7; ++eighth) {
    const std::string model = dir_ + "killed" + std::to_string(eighth) + ".model";
    char delay[32];
    std::snprintf(delay, sizeof delay, "%.3f", seconds * eighth / 8);
    const std::string command = std::string("timeout -s KILL ") + delay + " " + NER_BINARY + " " +
                                train_args(model, 30, args) + " >/dev/null 2>&1";
    std::system(command.c_str());
    if (!slurp(model).empty()) {
      EXPECT_EQ(run_ner("info --model " + model).status, 0) << "killed after " << delay << " s";
    }
    // Killed before its first checkpoint (perhaps after its first best model): it starts over.
    std::string resume = " --overwrite";
    if (!slurp(model + ".ckpt").empty()) {
      resume = " --resume " + model + ".ckpt";
      ++resumed_runs;
    }
    auto finished = run_ner(train_args(model, 30, args + resume));
    ASSERT_EQ(finished.status, 0) << "killed after " << delay << " s: " << finished.err;
    EXPECT_TRUE(slurp(model) == whole) << "killed after " << delay << " s, then" << resume;
  }
  EXPECT_GT(resumed_runs, 0) << "no kill landed after the first checkpoint";
}

// The weight average is bias-corrected (the average of the weights the steps gave, not pulled towards the random
// initial ones): with a decay of 0.999 over 80 steps (2 a epoch), the averaged model learns the sample too, where
// an average started at the initial weights would still hold 92% of them.
TEST_F(CliApp, AveragedWeightsScoreCloseToTheLastWeights) {
  ASSERT_EQ(run_ner(train_args(dir_ + "last.model", 40, "--patience 0")).status, 0);
  auto averaged = run_ner(train_args(dir_ + "averaged.model", 40, "--patience 0 --average 0.999"));
  ASSERT_EQ(averaged.status, 0) << averaged.err;
  const std::vector<nlohmann::json> last = metrics_records(dir_ + "last.model.metrics.jsonl");
  const std::vector<nlohmann::json> average = metrics_records(dir_ + "averaged.model.metrics.jsonl");
  ASSERT_EQ(last.size(), 40u);
  ASSERT_EQ(average.size(), 40u);
  const double last_f1 = last.back()["dev_f1"].get<double>(), average_f1 = average.back()["dev_f1"].get<double>();
  EXPECT_GT(last_f1, 90) << "the sample is learnt";
  EXPECT_GT(average_f1, last_f1 - 10) << "averaged " << average_f1 << ", last weights " << last_f1;
}

// --test's report is the one ner eval prints for the model: the BIOES predictions are scored in the BIO file's
// scheme, so tag accuracy compares like with like (this small model predicts entities, of the wrong kind).
TEST_F(CliApp, TestReportIsEvalsReport) {
  auto trained = run_ner("train --train " + kSample + " --dev " + kSample + " --test " + kSample + " --model " + dir_ +
                         "m.model --epochs 3 --hidden 8 --char-dim 8 --threads 1");
  ASSERT_EQ(trained.status, 0) << trained.err;
  auto evaluated = run_ner("eval --model " + dir_ + "m.model " + kSample);
  ASSERT_EQ(evaluated.status, 0) << evaluated.err;
  EXPECT_EQ(evaluated.out.find("found: 0 phrases"), std::string::npos) << "the model predicts entities\n" << evaluated.out;
  EXPECT_NE(trained.out.find("):\n" + evaluated.out), std::string::npos) << evaluated.out << "\n" << trained.out;
}

// --test's score is printed and kept: the metrics file's last line, the model's summary (ner info) and the report;
// the command line is kept in the summary and the report.
TEST_F(CliApp, TestScoreAndCommandLineAreKept) {
  auto trained = run_ner(train_args(dir_ + "m.model", 3, "--test " + kSample));
  ASSERT_EQ(trained.status, 0) << trained.err;
  ASSERT_NE(trained.out.find("test ("), std::string::npos) << trained.out;
  const std::vector<nlohmann::json> records = metrics_records(dir_ + "m.model.metrics.jsonl");
  ASSERT_EQ(records.size(), 4u) << "three epochs and the test score";
  const nlohmann::json& test = records.back().at("test");
  for (const char* key : {"precision", "recall", "f1", "types"}) EXPECT_TRUE(test.contains(key)) << key;
  EXPECT_EQ(test["types"].size(), 3u) << test.dump();
  EXPECT_TRUE(records[0].at("dev_types").contains("PER")) << records[0].dump();
  // The printed F1 is the stored one.
  char f1[32];
  std::snprintf(f1, sizeof f1, "FB1: %6.2f", test["f1"].get<double>());
  EXPECT_NE(trained.out.find(f1), std::string::npos) << f1 << "\n" << trained.out;
  auto info = run_ner("info --model " + dir_ + "m.model");
  ASSERT_EQ(info.status, 0) << info.err;
  const nlohmann::json summary = nlohmann::json::parse(info.out.substr(info.out.find("training:") + 9));
  EXPECT_EQ(summary.at("test"), test);
  // Readably too: the corpora, the scores, the files it was made from.
  char test_line[128];
  std::snprintf(test_line, sizeof test_line, "test F1:        %.2f (precision %.2f, recall %.2f) on ", test["f1"].get<double>(),
                test["precision"].get<double>(), test["recall"].get<double>());
  EXPECT_NE(info.out.find(test_line + kSample + ", scored at the end of training\n"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("trained on:     " + kSample + " ("), std::string::npos) << info.out;
  EXPECT_EQ(info.out.find("made from:"), std::string::npos) << "characters only: no other files\n" << info.out;
  auto untested = run_ner("train --train " + kSample + " --dev " + kSample + " --epochs 1 --hidden 4 --char-dim 4 --features char "
                          "--model " + dir_ + "untested.model");
  ASSERT_EQ(untested.status, 0) << untested.err;
  EXPECT_NE(run_ner("info " + dir_ + "untested.model").out.find("test F1:        not scored at training"), std::string::npos);
  const std::string report = slurp(dir_ + "m.model.report.html");
  EXPECT_NE(report.find("id=\"test-scores\""), std::string::npos);
  char two_decimals[32];
  std::snprintf(two_decimals, sizeof two_decimals, "%.2f", test["f1"].get<double>());
  EXPECT_NE(report.find("test F1 (best model)</th><td class=\"text\">" + std::string(two_decimals)), std::string::npos);
  EXPECT_NE(report.find("id=\"command-line\""), std::string::npos);
  EXPECT_NE(report.find(" train --train " + kSample), std::string::npos) << "the command line is in the report";
}

// A learning rate of 1e30 makes the second batch's loss NaN: the run stops naming the epoch and batch, without
// writing a model, or with --skip-nonfinite skips such batches, says so, and counts them in the metrics.
TEST_F(CliApp, NonFiniteLossStopsOrIsSkipped) {
  auto diverging = [&](const std::string& model) {
    return "train --train " + kSample + " --dev " + kSample + " --model " + dir_ + model +
           " --epochs 2 --hidden 16 --char-dim 16 --batch 2 --lr 1e30 --seed 3";
  };
  auto stopped = run_ner(diverging("stopped.model"));
  EXPECT_EQ(stopped.status, 1);
  EXPECT_NE(stopped.err.find("ner: error: training diverged: loss is "), std::string::npos) << stopped.err;
  EXPECT_NE(stopped.err.find(" at epoch 1, batch "), std::string::npos) << stopped.err;
  EXPECT_TRUE(slurp(dir_ + "stopped.model").empty()) << "no model from a diverged first epoch";
  auto skipped = run_ner(diverging("skipped.model") + " --skip-nonfinite");
  ASSERT_EQ(skipped.status, 0) << skipped.err;
  EXPECT_NE(skipped.err.find(": batch skipped"), std::string::npos) << skipped.err;
  EXPECT_EQ(run_ner("info --model " + dir_ + "skipped.model").status, 0);
  std::istringstream metrics(slurp(dir_ + "skipped.model.metrics.jsonl"));
  std::string first;
  std::getline(metrics, first);
  EXPECT_GT(nlohmann::json::parse(first)["skipped_batches"].get<int>(), 0) << first;
}

// Confidence and n-best, checked against each other: with K above the number of paths, the n-best list is the whole
// distribution, so probabilities sum to 1 and an entity's confidence is the summed probability of the paths that
// contain it. Both schemes (BIO needs "the next tag does not continue the entity").
TEST_F(CliApp, ConfidenceIsTheProbabilityOfThePathsWithTheEntity) {
  for (const std::string scheme : {"BIO", "BIOES"}) {
    const std::string model = dir_ + scheme + ".model";
    ASSERT_EQ(run_ner(train_args(model, 5, "--scheme " + scheme)).status, 0);
    std::ofstream(dir_ + "short.txt") << "张伟在京\n李娜\n";
    auto result = run_ner("tag --model " + model + " " + dir_ + "short.txt --confidence --nbest 5000");
    ASSERT_EQ(result.status, 0) << result.err;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
      auto record = nlohmann::json::parse(line);
      const auto& nbest = record["nbest"];
      ASSERT_GT(nbest.size(), 1u);
      EXPECT_EQ(nbest[0]["entities"], record["entities"]) << "the first path is the best one";
      double total = 0, previous = 1;
      for (const auto& path : nbest) {
        EXPECT_LE(path["probability"].get<double>(), previous + 1e-6);
        previous = path["probability"].get<double>();
        total += previous;
      }
      EXPECT_NEAR(total, 1.0, 1e-3) << scheme << ": " << nbest.size() << " paths";
      for (const auto& entity : record["entities"]) {
        double with_entity = 0;
        for (const auto& path : nbest)
          for (const auto& other : path["entities"])
            if (other["start"] == entity["start"] && other["end"] == entity["end"] && other["type"] == entity["type"])
              with_entity += path["probability"].get<double>();
        EXPECT_NEAR(entity["confidence"].get<double>(), with_entity, 1e-3) << scheme << ": " << entity.dump();
      }
    }
  }
  const std::string model = dir_ + "BIOES.model";
  auto none = run_ner("tag --model " + model + " " + dir_ + "short.txt --min-confidence 1");
  ASSERT_EQ(none.status, 0) << none.err;
  EXPECT_EQ(none.out.find("\"type\""), std::string::npos) << "no entity is certain: " << none.out;
  auto conll = run_ner("tag --model " + model + " " + dir_ + "short.txt --nbest 2 --format conll");
  EXPECT_EQ(conll.status, 2) << "a usage error";
  EXPECT_EQ(conll.err, "ner: error: --nbest needs --format jsonl (see ner tag --help)\n");
}

// BRAT standoff: NAME.txt holds the lines, NAME.ann one entity per line with code-point offsets into the whole
// .txt (emoji, spaces and empty lines included), ids T1, T2, ... in order.
TEST_F(CliApp, BratOffsetsPointAtEntityTextInTheWholeFile) {
  std::ofstream(dir_ + "in.txt") << "😀 张伟在北京大学读书。\n\n李娜是湖北人，曾代表中国参加网球比赛。";
  auto result = run_ner("tag " + dir_ + "in.txt --format brat --output " + dir_ + "out.ann");
  ASSERT_EQ(result.status, 0) << result.err;
  const std::string txt = slurp(dir_ + "out.txt");
  EXPECT_EQ(txt, "😀 张伟在北京大学读书。\n\n李娜是湖北人，曾代表中国参加网球比赛。\n");
  const std::vector<char32_t> code_points = data::decode_utf8(txt);
  std::istringstream ann(slurp(dir_ + "out.ann"));
  int count = 0;
  for (std::string line; std::getline(ann, line);) {
    std::istringstream fields(line);
    std::string id, type, text;
    std::size_t start, end;
    ASSERT_TRUE(std::getline(fields, id, '\t') && fields >> type >> start >> end) << line;
    fields.ignore(1);
    std::getline(fields, text);
    EXPECT_EQ(id, "T" + std::to_string(++count));
    std::string expected;
    for (std::size_t k = start; k < end && k < code_points.size(); ++k) data::append_utf8(code_points[k], expected);
    EXPECT_EQ(text, expected) << line;
  }
  EXPECT_GE(count, 3) << slurp(dir_ + "out.ann");
  auto no_name = run_ner("tag " + dir_ + "in.txt --format brat --output " + dir_ + "out.jsonl");
  EXPECT_EQ(no_name.status, 2) << "a usage error";
  EXPECT_EQ(no_name.err, "ner: error: --format brat needs --output NAME.ann (NAME.txt is written beside it) (see ner tag --help)\n");
}

// ner convert: CoNLL BIO -> JSONL -> CoNLL BIO gives the sample back; BMES and BIOES spell the same entities.
TEST_F(CliApp, ConvertRoundTripsBetweenConllAndJsonl) {
  ASSERT_EQ(run_ner("convert " + kSample + " --to jsonl --output " + dir_ + "s.jsonl").status, 0);
  EXPECT_NE(slurp(dir_ + "s.jsonl").find("\",\"entities\":[{\"start\":0,\"end\":2,\"type\":\"PER\"}"), std::string::npos)
      << slurp(dir_ + "s.jsonl");
  EXPECT_EQ(slurp(dir_ + "s.jsonl").rfind("{\"text\":", 0), 0u) << "ner tag's key order";
  auto back = run_ner("convert " + dir_ + "s.jsonl --to conll --scheme BIO");
  ASSERT_EQ(back.status, 0) << back.err;
  std::string sample = slurp(kSample);
  std::replace(sample.begin(), sample.end(), '\t', ' ');
  EXPECT_EQ(back.out, sample);
  auto bmes = run_ner("convert " + kSample + " --to conll --scheme BMES");
  ASSERT_EQ(bmes.status, 0) << bmes.err;
  EXPECT_NE(bmes.out.find("京 M-ORG\n大 M-ORG\n学 E-ORG\n"), std::string::npos) << bmes.out;
  auto score = run_ner("stats " + kSample);
  auto score_bmes = run_ner("stats " + dir_ + "s.jsonl");
  EXPECT_EQ(score.out.substr(score.out.find("entities")), score_bmes.out.substr(score_bmes.out.find("entities")));
}

// --precision: bfloat16 products by the fastest kernel the CPU has (the default), float on request, or a named
// kernel (refused where the CPU lacks it); --verbose says which; on this text all tag alike.
TEST_F(CliApp, PrecisionIsChosenAndReported) {
  std::ofstream(dir_ + "text.txt") << "张伟在北京大学读书，后来去了上海工作。\n李娜是湖北人。\n";
  auto by_default = run_ner("tag --verbose " + dir_ + "text.txt");
  auto in_float = run_ner("tag --verbose --precision float " + dir_ + "text.txt");
  ASSERT_EQ(by_default.status, 0) << by_default.err;
  ASSERT_EQ(in_float.status, 0) << in_float.err;
  const std::string expected = ner::arithmetic_name(nn::Bf16Matrix::fastest());
  EXPECT_NE(by_default.err.find(": recurrent layers in " + expected + "\n"), std::string::npos) << by_default.err;
  EXPECT_NE(in_float.err.find(": recurrent layers in float\n"), std::string::npos) << in_float.err;
  EXPECT_EQ(by_default.out, in_float.out);
  EXPECT_NE(by_default.out.find("\"type\":\"LOC\""), std::string::npos) << by_default.out;
  auto wrong = run_ner("tag --precision half " + dir_ + "text.txt");
  EXPECT_NE(wrong.status, 0);
  for (const auto& [name, kernel] : {std::pair{"amx", nn::Bf16Kernel::kAmx}, std::pair{"avx512", nn::Bf16Kernel::kAvx512}}) {
    auto named = run_ner("tag --verbose --precision bfloat16-" + std::string(name) + " " + dir_ + "text.txt");
    if (nn::Bf16Matrix::supported(kernel)) {
      ASSERT_EQ(named.status, 0) << named.err;
      EXPECT_NE(named.err.find(": recurrent layers in " + ner::arithmetic_name(kernel) + "\n"), std::string::npos) << named.err;
      EXPECT_EQ(named.out, in_float.out);
    } else {
      EXPECT_EQ(named.status, 2);
      EXPECT_NE(named.err.find("has no " + nn::kernel_name(kernel)), std::string::npos) << named.err;
      EXPECT_EQ(named.out, "");
    }
  }
}

// --profile: the CPU seconds of every part tagging runs, on stderr after the output, which it leaves as it is.
TEST_F(CliApp, ProfileNamesEveryPartOfTagging) {
  std::ofstream(dir_ + "text.txt") << "张伟在北京大学读书，后来去了上海工作。\n李娜是湖北人。\n";
  auto plain = run_ner("tag " + dir_ + "text.txt");
  auto profiled = run_ner("tag --profile " + dir_ + "text.txt");
  ASSERT_EQ(profiled.status, 0) << profiled.err;
  EXPECT_EQ(profiled.out, plain.out);
  for (const char* part : {"loading the model", "tokenizing", "lexicon matching", "embedding", "input projection",
                           "recurrence", "output layer", "CRF"})
    EXPECT_NE(profiled.err.find(std::string("  ") + part + " "), std::string::npos) << part << ": " << profiled.err;
  EXPECT_EQ(plain.err.find("profile"), std::string::npos) << plain.err;
}

// --encoding auto (the default): GBK, UTF-16 with a byte-order mark and UTF-8 input give the same output, and
// --verbose says what was detected; a UTF-8 character cut by the end of the 64 KB detection sample is no error.
TEST_F(CliApp, EncodingIsDetected) {
  const std::string text = "张伟在北京大学读书，后来去了上海工作。\n李娜是湖北人。\n";
  std::ofstream(dir_ + "utf8.txt") << text;
  ASSERT_EQ(std::system(("iconv -f UTF-8 -t GBK " + dir_ + "utf8.txt > " + dir_ + "gbk.txt").c_str()), 0);
  ASSERT_EQ(std::system(("iconv -f UTF-8 -t UTF-16 " + dir_ + "utf8.txt > " + dir_ + "utf16.txt").c_str()), 0);
  auto utf8 = run_ner("tag " + dir_ + "utf8.txt");
  ASSERT_EQ(utf8.status, 0) << utf8.err;
  for (const auto& [file, name] : {std::pair{"gbk.txt", "GB18030"}, std::pair{"utf16.txt", "UTF-16LE"}, std::pair{"utf8.txt", "UTF-8"}}) {
    auto result = run_ner("tag --verbose " + dir_ + file);
    ASSERT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.out, utf8.out) << file;
    EXPECT_NE(result.err.find(dir_ + file + ": encoding " + name + " (detected, confidence "), std::string::npos) << result.err;
  }
  // One short line, too short for ICU's statistics: told apart by Big5's trail bytes.
  std::ofstream(dir_ + "short.txt") << "張偉在北京大學讀書。\n";
  ASSERT_EQ(std::system(("iconv -f UTF-8 -t BIG5 " + dir_ + "short.txt > " + dir_ + "short_big5.txt").c_str()), 0);
  ASSERT_EQ(std::system(("iconv -f UTF-8 -t GBK " + dir_ + "short.txt > " + dir_ + "short_gbk.txt").c_str()), 0);
  for (const std::string file : {"short_big5.txt", "short_gbk.txt"}) {
    auto result = run_ner("tag --format inline " + dir_ + file);
    EXPECT_EQ(result.out, "[張偉]PER在[北京大學]ORG讀書。\n") << file << ": " << result.err;
  }
  std::string long_text;
  while (long_text.size() < 70000) long_text += "张伟在北京大学读书";
  std::ofstream(dir_ + "long.txt") << long_text << "\n" << text;
  auto automatic = run_ner("tag < " + dir_ + "long.txt");
  auto told = run_ner("tag --encoding utf-8 < " + dir_ + "long.txt");
  ASSERT_EQ(automatic.status, 0) << automatic.err;
  EXPECT_EQ(automatic.out, told.out);
}

// UTF-16 without a byte-order mark, either byte order, of Chinese text with some ASCII: `ner tag` (from a file, from
// standard input and from a FIFO) and a corpus command read it like the UTF-8 text, and --verbose says so.
TEST_F(CliApp, Utf16WithoutByteOrderMarkIsDetected) {
  std::ofstream(dir_ + "utf8.txt") << "张伟在北京大学读书，2015年后来去了上海工作。\n李娜是湖北人。\n";
  auto utf8 = run_ner("tag " + dir_ + "utf8.txt");
  ASSERT_EQ(utf8.status, 0) << utf8.err;
  auto corpus = run_ner("stats " + kSample);
  ASSERT_EQ(corpus.status, 0) << corpus.err;
  const std::string corpus_stats = corpus.out.substr(corpus.out.find('\n'));  // after the line with the file name
  for (const std::string name : {"UTF-16LE", "UTF-16BE"}) {
    const std::string text = dir_ + name + ".txt", conll = dir_ + name + ".bio";
    ASSERT_EQ(std::system(("iconv -f UTF-8 -t " + name + " " + dir_ + "utf8.txt > " + text).c_str()), 0);
    ASSERT_EQ(std::system(("iconv -f UTF-8 -t " + name + " " + kSample + " > " + conll).c_str()), 0);
    auto tagged = run_ner("tag --verbose " + text);
    ASSERT_EQ(tagged.status, 0) << tagged.err;
    EXPECT_EQ(tagged.out, utf8.out) << name;
    EXPECT_NE(tagged.err.find(text + ": encoding " + name + " (detected, confidence "), std::string::npos) << tagged.err;
    auto piped = run_ner("tag --verbose < " + text);
    EXPECT_EQ(piped.out, utf8.out) << name;
    EXPECT_NE(piped.err.find("<stdin>: encoding " + name + " (detected"), std::string::npos) << piped.err;
    const std::string fifo = dir_ + name + ".fifo";
    ASSERT_EQ(std::system(("mkfifo " + fifo + " && (timeout 60 cat " + text + " > " + fifo + " &)").c_str()), 0);
    EXPECT_EQ(run_ner("tag " + fifo).out, utf8.out) << name;
    auto stats = run_ner("stats --verbose " + conll);
    ASSERT_EQ(stats.status, 0) << stats.err;
    EXPECT_EQ(stats.out.substr(stats.out.find('\n')), corpus_stats);
    EXPECT_EQ(stats.err.rfind(conll + ": encoding " + name + " (detected, confidence ", 0), 0u) << stats.err;
    EXPECT_EQ(stats.err.find('\n'), stats.err.size() - 1) << stats.err;
  }
}

// The corpus commands detect the encoding by default like `ner tag`, and --verbose says what was found; a name
// still overrides, and invalid bytes in named UTF-8 get a hint. Ordinary GBK gives no warning; text of rare
// characters, where ICU is unsure, gives one (and `ner tag` the same).
TEST_F(CliApp, CorpusCommandsDetectTheEncoding) {
  const std::string gbk = dir_ + "gbk.bio";
  ASSERT_EQ(std::system(("iconv -f UTF-8 -t GBK " + kSample + " > " + gbk).c_str()), 0);
  auto utf8 = run_ner("convert " + kSample + " --to jsonl");
  ASSERT_EQ(utf8.status, 0) << utf8.err;
  auto converted = run_ner("convert " + gbk + " --to jsonl --verbose");
  ASSERT_EQ(converted.status, 0) << converted.err;
  EXPECT_EQ(converted.out, utf8.out);
  EXPECT_EQ(converted.err.rfind(gbk + ": encoding GB18030 (detected, confidence ", 0), 0u) << converted.err;
  EXPECT_EQ(converted.err.find('\n'), converted.err.size() - 1) << "one line, no warning: " << converted.err;
  auto stats = run_ner("stats " + gbk);
  EXPECT_EQ(stats.status, 0) << stats.err;
  EXPECT_EQ(stats.err, "");
  auto named = run_ner("stats --verbose --encoding gbk " + gbk);
  EXPECT_EQ(named.status, 0) << named.err;
  EXPECT_EQ(named.err, gbk + ": encoding gbk\n");
  auto wrong = run_ner("stats --encoding utf-8 " + gbk);
  EXPECT_EQ(wrong.status, 1);
  EXPECT_EQ(wrong.err.rfind("ner: error: " + gbk + ":1: invalid UTF-8 (byte 0xD5) at byte offset 0 (not UTF-8? try --encoding auto or --encoding gb18030)\n", 0), 0u) << wrong.err;

  auto trained = run_ner("train --train " + gbk + " --dev " + gbk + " --test " + gbk + " --model " + dir_ +
                         "m.model --epochs 1 --hidden 8 --char-dim 8 --verbose");
  ASSERT_EQ(trained.status, 0) << trained.err;
  std::size_t mentions = 0;
  for (std::size_t at = trained.err.find(gbk + ": encoding GB18030 (detected"); at != std::string::npos;
       at = trained.err.find(gbk + ": encoding GB18030 (detected", at + 1))
    ++mentions;
  EXPECT_EQ(mentions, 3u) << "train, dev and test: " << trained.err;
  auto evaluated = run_ner("eval --model " + dir_ + "m.model " + gbk + " --verbose");
  EXPECT_EQ(evaluated.status, 0) << evaluated.err;
  EXPECT_NE(evaluated.err.find(gbk + ": encoding GB18030 (detected"), std::string::npos) << evaluated.err;

  std::string rare;  // GBK/3 characters (lead 0x81–0xA0), in no list of common characters
  for (int k = 0; k < 40; ++k) rare += std::string{static_cast<char>(0x81 + k % 32), static_cast<char>(0xA1 + k % 14)} + " O\n";
  std::ofstream(dir_ + "rare.bio", std::ios::binary) << rare;
  const std::string warning = "ner: warning: " + dir_ + "rare.bio: encoding GB18030 guessed with low confidence (";
  auto unsure = run_ner("stats " + dir_ + "rare.bio");
  EXPECT_EQ(unsure.status, 0) << unsure.err;
  EXPECT_EQ(unsure.err.rfind(warning, 0), 0u) << unsure.err;
  EXPECT_NE(unsure.err.find("give --encoding NAME (e.g. --encoding big5)\n"), std::string::npos) << unsure.err;
  EXPECT_EQ(unsure.err.find('\n'), unsure.err.size() - 1) << unsure.err;
  EXPECT_EQ(run_ner("tag " + dir_ + "rare.bio").err.rfind(warning, 0), 0u);
}

// Traditional text (here in Big5) is tagged like its simplified twin: the model looks characters it lacks up by
// their simplified form, offsets stay, and the output shows the original characters. --no-t2s turns it off.
TEST_F(CliApp, TraditionalTextIsTaggedLikeSimplified) {
  std::ofstream(dir_ + "simplified.txt") << "张伟在北京大学读书，后来去了上海工作。\n";
  std::ofstream(dir_ + "traditional.txt") << "張偉在北京大學讀書，後來去了上海工作。\n";
  ASSERT_EQ(std::system(("iconv -f UTF-8 -t BIG5 " + dir_ + "traditional.txt > " + dir_ + "big5.txt").c_str()), 0);
  auto simplified = run_ner("tag --format inline " + dir_ + "simplified.txt");
  auto traditional = run_ner("tag --format inline " + dir_ + "big5.txt");
  ASSERT_EQ(traditional.status, 0) << traditional.err;
  EXPECT_EQ(simplified.out, "[张伟]PER在[北京大学]ORG读书，后来去了[上海]LOC工作。\n");
  EXPECT_EQ(traditional.out, "[張偉]PER在[北京大學]ORG讀書，後來去了[上海]LOC工作。\n");
  auto kept = run_ner("tag --format inline --no-t2s " + dir_ + "big5.txt");
  EXPECT_NE(kept.out, traditional.out) << "without t2s the model sees unknown characters";
}

TEST_F(CliApp, TagOffsetsPointAtEntityText) {
  ASSERT_EQ(run_ner(train_args(dir_ + "m.model", 30)).status, 0);
  auto result = run_ner("tag --model " + dir_ + "m.model " + kSampleText);
  ASSERT_EQ(result.status, 0) << result.err;
  std::istringstream lines(result.out), inputs(slurp(kSampleText));
  std::string line, input;
  std::size_t count = 0, entities = 0;
  while (std::getline(lines, line)) {
    ASSERT_TRUE(std::getline(inputs, input));
    auto record = nlohmann::json::parse(line);
    EXPECT_EQ(record["text"], input);
    std::vector<char32_t> text = data::decode_utf8(input);
    for (const auto& entity : record["entities"]) {
      std::size_t start = entity["start"], end = entity["end"];
      ASSERT_LE(end, text.size());
      std::string piece;
      for (std::size_t i = start; i < end; ++i) data::append_utf8(text[i], piece);
      EXPECT_EQ(piece, entity["text"]);
      ++entities;
    }
    ++count;
  }
  EXPECT_EQ(count, 8u);
  EXPECT_GE(entities, 10u) << "30 epochs on 8 sentences should recall most of their 17 entities";

  auto conll = run_ner("tag --format conll --model " + dir_ + "m.model " + kSampleText);
  EXPECT_EQ(conll.status, 0);
  EXPECT_EQ(conll.out.substr(0, conll.out.find('\n')).substr(0, 4), "张 ");
  auto inline_out = run_ner("tag --format inline --model " + dir_ + "m.model " + kSampleText);
  EXPECT_EQ(inline_out.status, 0);
  EXPECT_NE(inline_out.out.find("]PER"), std::string::npos) << inline_out.out;
}

TEST_F(CliApp, EvalPredictionsScoreToTheSameReport) {
  ASSERT_EQ(run_ner(train_args(dir_ + "m.model", 5)).status, 0);
  auto eval = run_ner("eval --model " + dir_ + "m.model " + kSample + " --predictions " + dir_ + "p.txt");
  ASSERT_EQ(eval.status, 0) << eval.err;
  EXPECT_EQ(eval.out.rfind("processed 134 tokens with 17 phrases;", 0), 0u) << eval.out;
  auto score = run_ner("score " + dir_ + "p.txt");
  EXPECT_EQ(score.status, 0);
  EXPECT_EQ(score.out, eval.out);
}

// Threads tag their own batches on replicas of the model; the output is the same bytes in the same order, for
// any batch size (lines of many lengths, made of 1 to 5 sample lines).
TEST_F(CliApp, TaggingWithThreadsGivesTheSameOutput) {
  ASSERT_EQ(run_ner(train_args(dir_ + "m.model", 8)).status, 0);
  std::vector<std::string> sample;
  std::istringstream text(slurp(kSampleText));
  for (std::string line; std::getline(text, line);) sample.push_back(line);
  std::string input;  // lines made of 1 to 5 sample lines
  for (std::size_t k = 0; k < 40; ++k) {
    for (std::size_t r = 0; r <= k % 5; ++r) input += sample[(k + r) % sample.size()];
    input += "\n";
  }
  std::ofstream(dir_ + "in.txt") << input;
  auto one = run_ner("tag --model " + dir_ + "m.model " + dir_ + "in.txt --threads 1");
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_FALSE(one.out.empty());
  for (const char* options : {"--threads 2", "--threads 3 --batch 1", "--threads 2 --batch 7"}) {
    auto many = run_ner("tag --model " + dir_ + "m.model " + dir_ + "in.txt " + options);
    ASSERT_EQ(many.status, 0) << many.err;
    EXPECT_TRUE(many.out == one.out) << options;
  }
  auto eval_one = run_ner("eval --model " + dir_ + "m.model " + kSample);
  auto eval_two = run_ner("eval --model " + dir_ + "m.model " + kSample + " --threads 2 --batch 2");
  EXPECT_EQ(eval_two.out, eval_one.out);
}

// Each command's help shows the defaults the library defines, as its options use them.
TEST_F(CliApp, HelpShowsTheLibrarysDefaults) {
  const ner::ModelConfig model;
  const ner::TrainConfig train;
  const std::string tag = run_ner("tag --help").out, eval = run_ner("eval --help").out, train_help = run_ner("train --help").out;
  EXPECT_NE(tag.find("--batch UINT:in 1 to 4096=" + std::to_string(ner::kTagBatch)), std::string::npos) << tag;
  EXPECT_NE(eval.find("--batch UINT:in 1 to 4096=" + std::to_string(ner::kEvalBatch)), std::string::npos) << eval;
  for (const std::string* help : {&tag, &eval})
    EXPECT_NE(help->find("=" + std::string(ner::kDefaultPrecision)), std::string::npos) << *help;
  for (const std::string& shown : {"=" + nn::cell_name(model.cell), "=" + ner::optimizer_name(train.optimizer),
                                   "=" + data::scheme_name(model.scheme), "batch " + std::to_string(train.batch) + ",",
                                   "default " + std::to_string(ner::kDefaultLexiconDim) + " with --lexicon"})
    EXPECT_NE(train_help.find(shown), std::string::npos) << shown;
}

TEST_F(CliApp, LongLinesAndBlankLinesKeepTheirOffsets) {
  ASSERT_EQ(run_ner(train_args(dir_ + "m.model", 20)).status, 0);  // enough epochs to find names on every sentence
  // 600 code points in one line with no punctuation is split internally into sentences of at most 250 tokens; the
  // spaces (not tokens) set code points apart from tokens, the characters (3 bytes each) set them apart from bytes.
  // Names recur to the end, so entities come in every sentence; each one's start and end (code points) must pick
  // its text out of the line. Blank lines stay blank records.
  std::string long_line;
  for (int i = 0; i < 60; ++i) long_line += "张伟在北京大学读书 ";
  std::ofstream(dir_ + "in.txt") << long_line << "\n\n  \n";
  auto result = run_ner("tag --model " + dir_ + "m.model " + dir_ + "in.txt");
  ASSERT_EQ(result.status, 0) << result.err;
  std::istringstream lines(result.out);
  std::string line;
  std::vector<nlohmann::json> records;
  while (std::getline(lines, line)) records.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["text"], long_line);
  const std::vector<char32_t> code_points = data::decode_utf8(long_line);
  ASSERT_EQ(code_points.size(), 600u);
  std::set<std::size_t> sentences_with_entities;
  for (const auto& entity : records[0]["entities"]) {
    const auto start = entity["start"].get<std::size_t>(), end = entity["end"].get<std::size_t>();
    ASSERT_LT(start, end);
    ASSERT_LE(end, code_points.size());
    std::string text;
    for (std::size_t k = start; k < end; ++k) data::append_utf8(code_points[k], text);
    EXPECT_EQ(entity["text"], text) << entity;
    // The sentence an entity starts in: its tokens before it (the non-space code points), 250 a sentence.
    const auto tokens_before = static_cast<std::size_t>(
        std::count_if(code_points.begin(), code_points.begin() + static_cast<std::ptrdiff_t>(start), [](char32_t c) { return c != U' '; }));
    sentences_with_entities.insert(tokens_before / 250);
  }
  EXPECT_EQ(sentences_with_entities, (std::set<std::size_t>{0, 1, 2}));
  EXPECT_EQ(records[1]["text"], "");
  EXPECT_EQ(records[2]["entities"].size(), 0u);
}

TEST_F(CliApp, OutputFileIsWrittenAtomicallyAndErrorsLeaveNone) {
  ASSERT_EQ(run_ner(train_args(dir_ + "m.model", 1)).status, 0);
  std::ofstream(dir_ + "bad.txt", std::ios::binary) << "张伟\n\xFF\n";
  auto result = run_ner("tag --model " + dir_ + "m.model " + dir_ + "bad.txt --output " + dir_ + "out.jsonl");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "ner: error: " + dir_ + "bad.txt:2: invalid UTF-8 (byte 0xFF) at byte offset 7\n");
  EXPECT_TRUE(slurp(dir_ + "out.jsonl").empty());
  EXPECT_EQ(std::system(("ls " + dir_ + " | grep -q tmp").c_str()) == 0, false) << "no temporary file left behind";
}

TEST_F(CliApp, EvalRefusesTypesTheModelDoesNotKnow) {
  ASSERT_EQ(run_ner(train_args(dir_ + "m.model", 1)).status, 0);
  std::ofstream(dir_ + "gold.bio") << "张 B-PER\n伟 I-PER\n\n北 B-GPE\n";
  auto result = run_ner("eval --model " + dir_ + "m.model " + dir_ + "gold.bio");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "ner: error: " + dir_ + "gold.bio:4: entity type GPE is not one the model knows (LOC, ORG, PER)\n");
}

}  // namespace

namespace {

TEST_F(CliApp, BigramLexiconAndPretrainedVectorsTrainSaveAndTag) {
  std::ofstream(dir_ + "dict.txt") << "北京大学 100\n北京 500\n上海 300\n清华大学 80\n阿里巴巴 50\n国家统计局 20\n张 10\n";
  std::ofstream(dir_ + "chars.vec") << "2 16\n张 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1 0.1\n"
                                    << "鑫 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2 0.2\n";
  auto result = run_ner(train_args(dir_ + "f.model", 3, "--bigram-dim 8 --unk-rate 0.3 --lexicon " + dir_ + "dict.txt --lexicon-dim 6 --pretrained-keys 2 --char-vectors " +
                                   dir_ + "chars.vec"));
  ASSERT_EQ(result.status, 0) << result.err;
  auto info = run_ner("info --model " + dir_ + "f.model");
  EXPECT_NE(info.out.find("\"bigram_dim\":8"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("\"lexicon_dim\":6"), std::string::npos);
  EXPECT_NE(info.out.find("word_embedding 6x"), std::string::npos);
  EXPECT_NE(info.out.find("bigram_embedding 8x"), std::string::npos);
  // 鑫 is not in the sample: it came from the vectors file.
  EXPECT_NE(info.out.find("characters:     107 keys"), std::string::npos) << info.out;
  auto tagged = run_ner("tag --model " + dir_ + "f.model " + kSampleText);
  EXPECT_EQ(tagged.status, 0) << tagged.err;
  EXPECT_EQ(std::count(tagged.out.begin(), tagged.out.end(), '\n'), 8);

  auto wrong_dim = run_ner(train_args(dir_ + "g.model", 1, "--bigram-dim 8 --bigram-vectors " + dir_ + "chars.vec"));
  EXPECT_EQ(wrong_dim.status, 1);
  EXPECT_EQ(wrong_dim.err, "ner: error: " + dir_ + "chars.vec:2: 16-dimensional vectors, but the --bigram-dim size is 8\n");
}

TEST_F(CliApp, LexiconPartsOfSpeechTrainAndTagOrSayWhatIsMissing) {
  std::ofstream(dir_ + "pos.txt") << "北京大学 100 nt\n北京 500 ns\n上海 300 ns\n张伟 10 nr\n大学 40\n";
  auto result = run_ner(train_args(dir_ + "p.model", 2, "--lexicon " + dir_ + "pos.txt --lexicon-pos"));
  ASSERT_EQ(result.status, 0) << result.err;
  auto info = run_ner("info --model " + dir_ + "p.model");
  EXPECT_NE(info.out.find("\"lexicon_pos\":true"), std::string::npos) << info.out;
  auto tagged = run_ner("tag --model " + dir_ + "p.model " + kSampleText);
  EXPECT_EQ(tagged.status, 0) << tagged.err;

  std::ofstream(dir_ + "plain.txt") << "北京大学 100\n北京 500\n";
  auto no_column = run_ner(train_args(dir_ + "q.model", 1, "--lexicon " + dir_ + "plain.txt --lexicon-pos"));
  EXPECT_EQ(no_column.status, 1);
  EXPECT_EQ(no_column.err, "ner: error: " + dir_ + "plain.txt: no line gives a part of speech (a third column), which --lexicon-pos needs\n");
  auto no_lexicon = run_ner(train_args(dir_ + "q.model", 1, "--lexicon-pos"));  // with --features char
  EXPECT_EQ(no_lexicon.status, 1);
  EXPECT_EQ(no_lexicon.err, "ner: error: --lexicon-pos needs lexicon features: give --lexicon FILE\n");
  EXPECT_FALSE(std::ifstream(dir_ + "q.model").good());
}

// The configuration and training settings `ner info` shows for a model, as one JSON object.
nlohmann::json model_settings(const std::string& model) {
  const auto info = run_ner("info --model " + model);
  const auto json_after = [&](const std::string& label) {
    const std::size_t begin = info.out.find(label) + label.size();
    return nlohmann::json::parse(info.out.substr(begin, info.out.find('\n', begin) - begin));
  };
  return {{"model", json_after("configuration:")}, {"train", json_after("training:")["train_config"]}};
}

// Without feature options, ner train trains the lexicon set: bigrams, the dictionary ($NER_LEXICON here) with its
// parts of speech when it has them, word dropout, a weight average and, for a small corpus, more dropout, and says
// so; --features char and bigram give the others; an option given by itself wins over its set's value; the epoch
// budget follows the corpus's size.
TEST_F(CliApp, TheDefaultRecipeIsTheLexiconSetAndSaysWhichDictionary) {
  std::ofstream(dir_ + "pos.txt") << "北京大学 100 nt\n北京 500 ns\n张伟 10 nr\n";
  std::ofstream(dir_ + "plain.txt") << "北京大学 100\n北京 500\n";
  const std::string train = "train --train " + kSample + " --dev " + kSample + " --hidden 8 --char-dim 8 --model " + dir_;
  const auto run_with_dictionary = [&](const std::string& dictionary, const std::string& args) {
    ::setenv("NER_LEXICON", (dir_ + dictionary).c_str(), 1);
    auto result = run_ner(args);
    ::unsetenv("NER_LEXICON");
    return result;
  };
  auto lexicon = run_with_dictionary("pos.txt", train + "lexicon.model --patience 1");
  ASSERT_EQ(lexicon.status, 0) << lexicon.err;
  EXPECT_NE(lexicon.err.find("features: characters (8), bigrams (50), words of " + dir_ + "pos.txt (50; 3 words, parts of speech)\n"),
            std::string::npos) << lexicon.err;
  EXPECT_NE(lexicon.err.find("at most 50 epochs, patience 1\n"), std::string::npos) << lexicon.err;
  nlohmann::json settings = model_settings(dir_ + "lexicon.model");
  EXPECT_EQ(settings["model"]["bigram_dim"], 50);
  EXPECT_EQ(settings["model"]["lexicon_dim"], 50);
  EXPECT_EQ(settings["model"]["lexicon_pos"], true);
  EXPECT_EQ(settings["train"]["unk_rate"], 0.2);
  EXPECT_EQ(settings["train"]["average"], 0.999);
  EXPECT_EQ(settings["train"]["epochs"], 50) << "134 characters: the most epochs";
  EXPECT_EQ(settings["train"]["patience"], 1);
  EXPECT_EQ(settings["model"]["dropout"], 0.6) << "a small corpus";
  EXPECT_NE(lexicon.err.find(" parameters, dropout 0.6; at most"), std::string::npos) << lexicon.err;

  auto plain = run_with_dictionary("plain.txt", train + "plain.model --epochs 1 --bigram-dim 20 --dropout 0.25");
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_NE(plain.err.find("words of " + dir_ + "plain.txt (50; 2 words)\n"), std::string::npos) << plain.err;
  settings = model_settings(dir_ + "plain.model");
  EXPECT_EQ(settings["model"]["lexicon_pos"], false) << "a dictionary without parts of speech is used without them";
  EXPECT_EQ(settings["model"]["bigram_dim"], 20);
  EXPECT_EQ(settings["model"]["dropout"], 0.25);
  EXPECT_EQ(settings["train"]["patience"], 4) << "a fifth of 1 epoch, at least 4";

  for (const std::string features : {"char", "bigram"}) {
    auto run = run_with_dictionary("pos.txt", train + features + ".model --epochs 1 --features " + features);
    ASSERT_EQ(run.status, 0) << run.err;
    settings = model_settings(dir_ + features + ".model");
    EXPECT_EQ(settings["model"]["lexicon_dim"], 0) << features;
    EXPECT_EQ(settings["model"]["bigram_dim"], features == "char" ? 0 : 50) << features;
    EXPECT_EQ(settings["train"]["unk_rate"], features == "char" ? 0.0 : 0.2) << features;
    EXPECT_EQ(settings["train"]["average"], 0.0) << features;
    EXPECT_EQ(settings["model"]["dropout"], 0.5) << features;
  }
  auto missing = run_with_dictionary("absent.txt", train + "absent.model --epochs 1");
  EXPECT_EQ(missing.status, 1);
  EXPECT_NE(missing.err.find("absent.txt"), std::string::npos) << missing.err;
  auto resumed = run_ner(train + "char.model --resume " + dir_ + "char.model.ckpt --features lexicon");
  EXPECT_EQ(resumed.status, 2);
  EXPECT_NE(resumed.err.find("char.model.ckpt: the checkpoint's model has --features char, not lexicon"), std::string::npos) << resumed.err;
}

// --init: the trained model's shape, features and weights, the new corpus's types added; shaping options and
// writing over the model started from are refused; the model's summary names it.
TEST_F(CliApp, TrainingStartsFromATrainedModel) {
  ASSERT_EQ(run_ner(train_args(dir_ + "news.model", 2, "--bigram-dim 4")).status, 0);
  std::ofstream(dir_ + "other.bio") << "王\tB-NAME\n芳\tI-NAME\n在\tO\n华\tB-ORG\n为\tI-ORG\n\n李\tB-NAME\n雷\tI-NAME\n好\tO\n\n";
  const std::string adapt = "train --train " + dir_ + "other.bio --dev " + dir_ + "other.bio --epochs 2 --init " + dir_ + "news.model --model " + dir_;
  auto adapted = run_ner(adapt + "adapted.model");
  ASSERT_EQ(adapted.status, 0) << adapted.err;
  EXPECT_NE(adapted.err.find("starting from " + dir_ + "news.model; new keys: characters 1, "), std::string::npos) << adapted.err;
  EXPECT_NE(adapted.err.find(", tags 4 (with fresh weights)"), std::string::npos) << "B/I/E/S-NAME: " << adapted.err;
  const auto info = run_ner("info --model " + dir_ + "adapted.model");
  EXPECT_NE(info.out.find("B-NAME"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("B-PER"), std::string::npos) << "the trained model's types stay: " << info.out;
  EXPECT_NE(info.out.find("\"bigram_dim\":4"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("\"init\":\"" + dir_ + "news.model\""), std::string::npos) << info.out;
  for (const char* option : {"--hidden 8", "--features char", "--bigram-dim 8", "--lexicon " NER_SOURCE_DIR "/README.md"}) {
    auto refused = run_ner(adapt + "refused.model " + option);
    EXPECT_EQ(refused.status, 2) << option;
    EXPECT_NE(refused.err.find("with --init the trained model's shape and features are kept"), std::string::npos) << refused.err;
  }
  auto over_itself = run_ner(adapt + "news.model --overwrite");
  EXPECT_EQ(over_itself.status, 1);
  EXPECT_NE(over_itself.err.find("news.model: is an input"), std::string::npos) << over_itself.err;
}

TEST(EpochBudget, FollowsTheCorpusSize) {
  EXPECT_EQ(ner::epochs_for_corpus(124099), 50);   // Resume NER
  EXPECT_EQ(ner::epochs_for_corpus(2028650), 15);  // MSRA
  EXPECT_EQ(ner::epochs_for_corpus(800000), 25);
  EXPECT_EQ(ner::epochs_for_corpus(0), 50);
  EXPECT_EQ(ner::patience_for_epochs(50), 10);
  EXPECT_EQ(ner::patience_for_epochs(25), 5);
  EXPECT_EQ(ner::patience_for_epochs(15), 4);
  EXPECT_EQ(ner::dropout_for_corpus(124099), 0.6);   // Resume NER
  EXPECT_EQ(ner::dropout_for_corpus(999999), 0.6);
  EXPECT_EQ(ner::dropout_for_corpus(1000000), 0.5);
  EXPECT_EQ(ner::dropout_for_corpus(2028650), 0.5);  // MSRA
}

}  // namespace

namespace {

TEST(ShippedModel, LoadsAndTagsTheSample) {
  // The model in models/ is the main job's default: every change must keep reading it.
  auto info = run_ner("info --model " + std::string(NER_SOURCE_DIR) + "/models/msra.model");
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("B-PER"), std::string::npos);
  auto tagged = run_ner("tag --format inline --model " + std::string(NER_SOURCE_DIR) + "/models/msra.model " + kSampleText);
  ASSERT_EQ(tagged.status, 0) << tagged.err;
  EXPECT_NE(tagged.out.find("[张伟]PER在[北京大学]ORG"), std::string::npos) << tagged.out;
}

}  // namespace
