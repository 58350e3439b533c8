// `ner lm train` and `ner lm sample` as a user runs them: what they refuse, with one line naming the file and where,
// and a model trained and sampled from the command line.
#include <gtest/gtest.h>

#include <string>

#include "tests/test_support.h"

namespace {

using test_support::run_ner;
using test_support::temp_path;
using test_support::write_file;

const std::string kTagger = std::string(NER_SOURCE_DIR) + "/models/msra.model";
const std::string kTiny = "--hidden 8 --char-dim 4 --batch 2 --bptt 5 --epochs 1 --threads 1";

class CliLm : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(raw_, "张伟在北京大学读书。\n李娜是湖北人。\n\n上海的天气很好。\n");
  }
  // A trained language model (written once per test that asks).
  std::string trained() {
    const auto r = run_ner("lm train --raw " + raw_ + " --dev-raw " + raw_ + " --model " + lm_ + " " + kTiny);
    EXPECT_EQ(r.status, 0) << r.err;
    return lm_;
  }
  std::string raw_ = temp_path("raw.txt"), lm_ = temp_path("m.lm");
};

// `ner lm` alone is a question, as `ner` alone is: its help, exit 0.
TEST_F(CliLm, AlonePrintsItsHelp) {
  const auto r = run_ner("lm");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("Character language models"), 0u) << r.out;
  EXPECT_NE(r.out.find("Usage: ner lm [OPTIONS] SUBCOMMAND"), std::string::npos) << r.out;
}

TEST_F(CliLm, RefusesInvalidUtf8NamingTheLineAndOffset) {
  const std::string bad = temp_path("bad.txt");
  write_file(bad, "第一行\n好\xFF的\n");
  const auto r = run_ner("lm train --raw " + bad + " --model " + lm_ + " --encoding utf-8");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "ner: error: " + bad + ":2: invalid UTF-8 (byte 0xFF) at byte offset 13\n");
}

TEST_F(CliLm, RefusesBinaryEmptyAndMissingFiles) {
  const std::string binary = temp_path("nul.txt"), empty = temp_path("empty.txt");
  write_file(binary, std::string("好的\n一") + '\0' + "二\n");
  write_file(empty, "");
  auto r = run_ner("lm train --raw " + binary + " --model " + lm_ + " --encoding utf-8");
  EXPECT_EQ(r.err, "ner: error: " + binary + ":2: a NUL byte at byte 4 of the line: a binary file, not text\n");
  r = run_ner("lm train --raw " + raw_ + " " + empty + " --model " + lm_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "ner: error: " + empty + ": no text (the file is empty or blank)\n");
  r = run_ner("lm train --raw " + raw_ + " --raw " + raw_ + ".missing --model " + lm_);
  EXPECT_EQ(r.err, "ner: error: " + raw_ + ".missing: cannot open: No such file or directory\n");
  r = run_ner("lm train --raw " + kTagger + " --model " + lm_);
  EXPECT_EQ(r.err, "ner: error: " + kTagger + ": is a ner model file, not text\n");
  EXPECT_FALSE(test_support::slurp(lm_ + ".ckpt").size());
}

TEST_F(CliLm, TaggerAndLanguageModelRefuseEachOthersFiles) {
  const std::string lm = trained();
  auto r = run_ner("lm sample --model " + kTagger);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "ner: error: " + kTagger + ": not a language model file (it is a model, which ner tag --model reads)\n");
  r = run_ner("tag --model " + lm + " " + raw_);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "ner: error: " + lm + ": not a model file (it is a language model, which ner lm sample --model reads)\n");
  r = run_ner("lm train --raw " + lm + " --model " + temp_path("other.lm"));
  EXPECT_EQ(r.err, "ner: error: " + lm + ": is a ner language model file, not text\n");
  r = run_ner("info " + lm);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("language model: " + lm), std::string::npos);
}

TEST_F(CliLm, UsageErrors) {
  const std::string lm = trained();
  for (const char* temperature : {"0", "-1", "nan"}) {
    const auto r = run_ner("lm sample --model " + lm + " --temperature " + temperature);
    EXPECT_EQ(r.status, 2) << temperature;
    EXPECT_NE(r.err.find("--temperature"), std::string::npos) << r.err;
  }
  auto r = run_ner("lm train --raw " + raw_ + " --model " + lm);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("a language model of that name exists; give --overwrite"), std::string::npos) << r.err;
  r = run_ner("lm train --resume " + lm + ".ckpt --hidden 16");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("only --epochs, --threads and --profile"), std::string::npos) << r.err;
  r = run_ner("lm sampel --model " + lm);
  EXPECT_EQ(r.err, "ner: error: unknown command 'sampel'; did you mean 'sample'? (see ner lm --help)\n");
}

TEST_F(CliLm, SampleIsTheSameForTheSameSeed) {
  const std::string lm = trained();
  const auto a = run_ner("lm sample --model " + lm + " --prefix 张伟 --length 30 --seed 4");
  const auto b = run_ner("lm sample --model " + lm + " --prefix 张伟 --length 30 --seed 4");
  const auto c = run_ner("lm sample --model " + lm + " --prefix 张伟 --length 30 --seed 5");
  EXPECT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
  EXPECT_EQ(a.out.compare(0, 6, "张伟"), 0);
}

// `ner train --lm`: the tagger carries the language model, so tagging needs only the tagger's file; the same
// command gives the same bytes; --lm-finetune trains through it; --lm must be a language model.
TEST_F(CliLm, TaggerCarriesTheLanguageModelWhoseStatesItReads) {
  const std::string lm = trained(), tagger = temp_path("with-lm.model"), sample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
  const std::string train = "train --train " + sample + " --dev " + sample + " --features bigram --hidden 8 --char-dim 8 --batch 4 "
                            "--epochs 2 --threads 2 --overwrite --lm " + lm + " --model " + tagger;
  for (const std::string finetune : {"", " --lm-finetune"}) {
    auto r = run_ner(train + finetune);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find(std::string("language-model states (2 × 8, ") + (finetune.empty() ? "fixed" : "fine-tuned")), std::string::npos)
        << r.err;
    const std::string first = test_support::slurp(tagger);
    ASSERT_EQ(run_ner(train + finetune).status, 0);
    EXPECT_TRUE(test_support::slurp(tagger) == first) << "the same command must give the same model bytes";
    const auto info = run_ner("info " + tagger);
    EXPECT_NE(info.out.find(std::string("its states are ") + (finetune.empty() ? "fixed" : "fine-tuned")), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("\"lm\":\"" + lm + "\""), std::string::npos) << info.out;
  }
  // Tagging without the language model's file.
  const std::string moved = lm + ".moved";
  ASSERT_EQ(std::rename(lm.c_str(), moved.c_str()), 0);
  const auto tagged = run_ner("tag --model " + tagger + " --format jsonl < " + raw_);
  EXPECT_EQ(tagged.status, 0) << tagged.err;
  EXPECT_NE(tagged.out.find("\"text\":\"张伟在北京大学读书。\""), std::string::npos) << tagged.out;
  // A tagger model is not a language model.
  const auto wrong = run_ner("train --train " + sample + " --dev " + sample + " --model " + temp_path("x.model") + " --lm " + tagger);
  EXPECT_EQ(wrong.status, 1);
  EXPECT_NE(wrong.err.find(tagger + ": not a language model file (it is a model, which ner tag --model reads)"), std::string::npos) << wrong.err;
}

}  // namespace
