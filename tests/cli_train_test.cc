// `ner train` as a user meets it: outputs checked before any work, existing models kept, --resume alone, Ctrl-C
// saving the state mid-epoch (with the auxiliary language-model objective), the default thread count, warnings about
// dev types and repaired corpora, and the command-line messages.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include "ner/model/config.h"
#include "ner/model/model.h"
#include "ner/model/model_io.h"
#include "ner/training/trainer.h"
#include "tests/test_support.h"

namespace {

using test_support::run_ner;
using test_support::slurp;

const std::string kSample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";

std::string small(const std::string& extra) {
  return "train --train " + kSample + " --dev " + kSample + " --hidden 16 --char-dim 16 --batch 4 --lr 0.02 --seed 3 " + extra;
}

class CliTrain : public ::testing::Test {
 protected:
  std::string dir_ = test_support::temp_path("dir") + "/";
  void SetUp() override { ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0); }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
};

TEST_F(CliTrain, AnExistingModelIsKeptUnlessOverwriteOrResume) {
  ASSERT_EQ(run_ner(small("--epochs 2 --model " + dir_ + "m.model")).status, 0);
  const std::string first = slurp(dir_ + "m.model"), checkpoint = slurp(dir_ + "m.model.ckpt");
  auto again = run_ner(small("--epochs 1 --model " + dir_ + "m.model"));
  EXPECT_EQ(again.status, 1);
  EXPECT_NE(again.err.find("m.model: a model of that name exists; give --overwrite"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--resume " + dir_ + "m.model.ckpt to continue"), std::string::npos) << again.err;
  EXPECT_TRUE(slurp(dir_ + "m.model") == first);
  EXPECT_TRUE(slurp(dir_ + "m.model.ckpt") == checkpoint);
  // A checkpoint alone (a run interrupted before its first best model) is kept too.
  std::rename((dir_ + "m.model").c_str(), (dir_ + "kept.model").c_str());
  auto interrupted = run_ner(small("--epochs 1 --model " + dir_ + "m.model"));
  EXPECT_EQ(interrupted.status, 1);
  EXPECT_NE(interrupted.err.find("m.model.ckpt: a checkpoint of an earlier run exists; give --resume"), std::string::npos)
      << interrupted.err;
  auto replaced = run_ner(small("--epochs 1 --overwrite --model " + dir_ + "m.model"));
  EXPECT_EQ(replaced.status, 0) << replaced.err;
  EXPECT_TRUE(slurp(dir_ + "m.model.ckpt") != checkpoint);
  // A model alone (its checkpoint removed, or a run killed before its first): no checkpoint to suggest.
  std::remove((dir_ + "m.model.ckpt").c_str());
  auto alone = run_ner(small("--epochs 1 --model " + dir_ + "m.model"));
  EXPECT_EQ(alone.status, 1);
  EXPECT_NE(alone.err.find("m.model: a model of that name exists; give --overwrite to replace it or another --model"),
            std::string::npos) << alone.err;
}

TEST_F(CliTrain, OutputsAreCheckedBeforeTheCorporaAreRead) {
  ASSERT_EQ(::mkdir((dir_ + "folder").c_str(), 0700), 0);
  // The training file does not exist: the output's error must come first.
  for (const std::string& output : {"--model " + dir_ + "folder", "--model " + dir_ + "m.model --checkpoint " + dir_ + "folder",
                                    "--model " + dir_ + "m.model --metrics " + dir_ + "no/such/folder/m.jsonl"}) {
    auto result = run_ner("train --train " + dir_ + "missing.bio --dev " + dir_ + "missing.bio " + output);
    EXPECT_EQ(result.status, 1) << output;
    EXPECT_EQ(result.err.find("missing.bio"), std::string::npos) << result.err;
    EXPECT_TRUE(result.err.find("is a directory") != std::string::npos || result.err.find("does not exist") != std::string::npos)
        << result.err;
  }
  auto into_input = run_ner(small("--epochs 1 --model " + dir_ + "m.model --report " + kSample));
  EXPECT_EQ(into_input.status, 1);
  EXPECT_NE(into_input.err.find("is an input of this command"), std::string::npos) << into_input.err;
}

TEST_F(CliTrain, ResumeAloneTakesTheFilesAndSettingsFromTheCheckpoint) {
  const std::string whole = dir_ + "whole.model", part = dir_ + "part.model";
  ASSERT_EQ(run_ner(small("--epochs 6 --patience 0 --threads 2 --unk-rate 0.1 --model " + whole)).status, 0);
  ASSERT_EQ(run_ner(small("--epochs 3 --patience 0 --threads 2 --unk-rate 0.1 --model " + part)).status, 0);
  // Only the checkpoint and the new number of epochs.
  auto resumed = run_ner("train --resume " + part + ".ckpt --epochs 6");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_TRUE(slurp(whole) == slurp(part)) << resumed.err;
  // A shape given with --resume must be the checkpoint's.
  auto reshaped = run_ner("train --resume " + part + ".ckpt --epochs 8 --hidden 64");
  EXPECT_EQ(reshaped.status, 2);
  EXPECT_NE(reshaped.err.find("the checkpoint's model has hidden = 16, not 64"), std::string::npos) << reshaped.err;
  EXPECT_EQ(run_ner("train --resume " + part + ".ckpt --epochs 8 --hidden 16").status, 0) << "the same shape is fine";
  auto reweighted = run_ner("train --resume " + part + ".ckpt --epochs 9 --lm-weight 0.2");
  EXPECT_EQ(reweighted.status, 2);
  EXPECT_NE(reweighted.err.find("the checkpoint's model has lm_weight = 0.0, not 0.2"), std::string::npos) << reweighted.err;
}

// The options the settings tables register reach the model's configuration, switches and inverted ones included.
TEST_F(CliTrain, TheTablesOptionsReachTheModel) {
  auto trained = run_ner(small("--epochs 1 --features char --no-constraints --case-fold --digit-class --peepholes --scheme bio "
                               "--optimizer sgd --lr-decay 0.5 --min-count 2 --model " + dir_ + "m.model"));
  ASSERT_EQ(trained.status, 0) << trained.err;
  const std::string info = run_ner("info " + dir_ + "m.model").out;
  for (const char* expected : {"\"constrained\":false", "\"case_fold\":true", "\"digit_class\":true", "\"peepholes\":true",
                               "\"scheme\":\"BIO\"", "\"optimizer\":\"sgd\"", "\"lr_decay\":0.5", "\"min_char_count\":2"})
    EXPECT_NE(info.find(expected), std::string::npos) << expected << " is not in\n" << info;
}

// Stopping mid-epoch (what SIGINT and SIGTERM ask) saves the state there; resuming ends with the uninterrupted bytes.
TEST_F(CliTrain, StoppingMidEpochAndResumingGivesTheUninterruptedModel) {
  ner::TrainJob job;
  job.train_path = job.dev_path = kSample;
  job.model.hidden = job.model.char_dim = 8;
  job.train.batch = 1;  // 8 batches an epoch
  job.train.epochs = 3;
  job.train.threads = 1;
  job.train.unk_rate = 0.1;
  job.model.lm_weight = 0.5;
  job.model_path = dir_ + "whole.model";
  job.checkpoint_path = dir_ + "whole.ckpt";
  ner::train(job, {});
  job.model_path = dir_ + "part.model";
  job.checkpoint_path = dir_ + "part.ckpt";
  ner::TrainCallbacks stop_in_epoch_2;
  int asked = 0;
  stop_in_epoch_2.should_stop = [&] { return ++asked == 8 + 4; };  // before batch 4 (0-based 3) of epoch 2
  try {
    ner::train(job, stop_in_epoch_2);
    FAIL() << "should have stopped";
  } catch (const ner::Interrupted& e) {
    EXPECT_NE(std::string(e.what()).find("interrupted in epoch 2 after batch 3 of 8"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("ner train --resume " + job.checkpoint_path), std::string::npos) << e.what();
  }
  job.resume_path = job.checkpoint_path;
  std::vector<std::string> log;
  ner::TrainCallbacks callbacks;
  callbacks.log = [&](const std::string& line) { log.push_back(line); };
  ner::train(job, callbacks);
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log.front().find("after epoch 1, batch 3 of epoch 2"), std::string::npos) << log.front();
  EXPECT_TRUE(slurp(dir_ + "whole.model") == slurp(dir_ + "part.model"));
  // The best model may come from before the stop: the last weights and moments must be the same too.
  const ner::LoadedCheckpoint whole = ner::load_checkpoint(dir_ + "whole.ckpt"), part = ner::load_checkpoint(dir_ + "part.ckpt");
  const nn::ParamList whole_params = whole.model->params(), part_params = part.model->params();
  ASSERT_EQ(whole_params.size(), part_params.size());
  for (std::size_t p = 0; p < whole_params.size(); ++p) {
    EXPECT_TRUE(whole_params[p]->value == part_params[p]->value) << whole_params[p]->name;
    EXPECT_TRUE(whole.first_moments[p] == part.first_moments[p]) << whole_params[p]->name;
  }
  // The language-model layers only train: the model tags as any other.
  auto tagged = test_support::run_ner("tag --model " + dir_ + "part.model " + std::string(NER_SOURCE_DIR) + "/examples/sample.txt");
  EXPECT_EQ(tagged.status, 0) << tagged.err;
}

TEST_F(CliTrain, SigintSavesTheStateAndSaysHowToContinue) {
  const std::string model = dir_ + "m.model";
  // At most 30 s of waiting for the first epoch, so the test cannot hang.
  const std::string command = std::string(NER_BINARY) + " " + small("--epochs 100000 --patience 0 --model " + model) + " 2>" +
                              dir_ + "err & pid=$!; for i in $(seq 600); do [ -s " + model +
                              ".metrics.jsonl ] && break; sleep 0.05; done; kill -INT $pid; wait $pid";
  const int raw = std::system(("bash -c '" + command + "'").c_str());
  EXPECT_EQ(WEXITSTATUS(raw), 130);
  const std::string err = slurp(dir_ + "err");
  EXPECT_NE(err.find("continue with `ner train --resume " + model + ".ckpt`"), std::string::npos) << err;
  auto resumed = run_ner("train --resume " + model + ".ckpt --epochs 3");
  EXPECT_EQ(resumed.status, 0) << resumed.err;
}

TEST_F(CliTrain, ThreadsDefaultToTheCores) {
  ASSERT_EQ(run_ner(small("--epochs 1 --model " + dir_ + "m.model")).status, 0);
  auto info = run_ner("info " + dir_ + "m.model");
  EXPECT_NE(info.out.find("\"threads\":" + std::to_string(ner::default_threads())), std::string::npos) << info.out;
  EXPECT_GE(ner::default_threads(), 1);
}

// The default dictionary (jieba's 350,000 words) is stored compressed: a model of a 16-wide network is a few MB
// (it was 19 with the dictionary's trie stored as it is in memory).
TEST_F(CliTrain, ASmallModelStoresTheDictionaryCompressed) {
  if (ner::default_lexicon_path().empty()) GTEST_SKIP() << "no default dictionary (" << ner::kJiebaDictionary << "; scripts/setup.sh installs it)";
  ASSERT_EQ(run_ner(small("--epochs 1 --model " + dir_ + "m.model")).status, 0);
  struct stat file {};
  ASSERT_EQ(::stat((dir_ + "m.model").c_str(), &file), 0);
  EXPECT_LT(file.st_size, 4 << 20);
  EXPECT_NE(run_ner("info " + dir_ + "m.model").out.find("\"lexicon_dim\":50"), std::string::npos);
}

TEST_F(CliTrain, DevTypesThatTrainingNeverShowsAreWarnedAbout) {
  const std::string dev = dir_ + "dev.bio";
  test_support::write_file(dev, "张 B-NAME\n三 I-NAME\n来 O\n");
  auto result = run_ner("train --train " + kSample + " --dev " + dev + " --hidden 8 --char-dim 8 --epochs 1 --model " + dir_ + "m.model");
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.err.find("warning: none of " + dev + "'s entity types (NAME) occurs in"), std::string::npos) << result.err;
}

// Without a dev corpus, --dev-fraction holds out training sentences chosen by the seed, and the model records it.
TEST_F(CliTrain, ADevSetCanBeHeldOutOfTraining) {
  const std::string args = "train --train " + kSample + " --dev-fraction 0.25 --hidden 8 --char-dim 8 --epochs 2 --seed 5 --model ";
  auto held = run_ner(args + dir_ + "a.model");
  ASSERT_EQ(held.status, 0) << held.err;
  EXPECT_NE(held.err.find("dev: 2 of " + kSample + "'s 8 sentences held out (--dev-fraction 0.25, seed 5)"), std::string::npos)
      << held.err;
  EXPECT_NE(held.err.find("train: 6 sentences"), std::string::npos) << held.err;
  ASSERT_EQ(run_ner(args + dir_ + "b.model").status, 0);
  EXPECT_TRUE(slurp(dir_ + "a.model") == slurp(dir_ + "b.model")) << "the same seed holds out the same sentences";
  EXPECT_NE(run_ner("info " + dir_ + "a.model").out.find("\"dev_fraction\":0.25"), std::string::npos);
  auto both = run_ner("train --train " + kSample + " --dev " + kSample + " --dev-fraction 0.25 --model " + dir_ + "c.model");
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.err.find("--dev and --dev-fraction exclude each other"), std::string::npos) << both.err;
}

// A public JSONL corpus with a nested span trains, warning once about its file; --strict refuses it as the first overlap.
TEST_F(CliTrain, NestedJsonSpansTrainWithAWarningAndStrictRefusesThem) {
  const std::string corpus = dir_ + "nested.jsonl";
  test_support::write_file(corpus,
                           R"({"text": "张三在北京工作。", "label": {"name": {"张三": [[0, 1]]}, "address": {"北京": [[3, 4]]}}})" "\n"
                           R"({"text": "他在《华为：从小作坊到世界五百强》一书中写道，", "label": {"book": {"《华为：从小作坊到世界五百强》": [[2, 16]]}, "company": {"华为": [[3, 4]]}}})" "\n"
                           R"({"text": "李四去了华为。", "label": {"name": {"李四": [[0, 1]]}, "company": {"华为": [[4, 5]]}}})" "\n");
  const std::string dev = dir_ + "dev.jsonl";
  test_support::write_file(dev, R"({"text": "王五在上海。", "label": {"name": {"王五": [[0, 1]]}, "address": {"上海": [[3, 4]]}}})" "\n");
  const std::string train = "train --train " + corpus + " --dev " + dev + " --hidden 4 --char-dim 4 --epochs 1 --model " + dir_ + "m.model";
  auto result = run_ner(train);
  EXPECT_EQ(result.status, 0) << result.err;
  const std::string warning = "ner: warning: " + corpus + ": 1 overlapping span dropped, the outermost (else the longer, else the earlier) kept (first at " +
                              corpus + ":2); --strict refuses them\n";
  ASSERT_NE(result.err.find(warning), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("warning", result.err.find(warning) + warning.size()), std::string::npos) << "one warning: " << result.err;
  auto strict = run_ner(train + " --strict --overwrite");
  EXPECT_EQ(strict.status, 1);
  EXPECT_EQ(strict.err, "ner: error: " + corpus + ":2: spans of type book and company overlap\n");
}

TEST(CliMessages, NameTheCommandSuggestAndExitTwoForUsage) {
  auto none = run_ner("");
  EXPECT_EQ(none.status, 0);
  EXPECT_NE(none.out.find("Usage: ner"), std::string::npos) << none.out;
  auto typo = run_ner("tagg");
  EXPECT_EQ(typo.status, 2);
  EXPECT_NE(typo.err.find("unknown command 'tagg'; did you mean 'tag'?"), std::string::npos) << typo.err;
  auto option = run_ner("tag --formt inline </dev/null");
  EXPECT_EQ(option.status, 2);
  EXPECT_NE(option.err.find("did you mean --format? (see ner tag --help)"), std::string::npos) << option.err;
  auto word = run_ner("train --epochs three");
  EXPECT_EQ(word.status, 2);
  EXPECT_NE(word.err.find("--epochs: 'three' is not a whole number (see ner train --help)"), std::string::npos) << word.err;
  // A negative count is refused, not wrapped around to a huge one.
  for (const char* count : {"--min-count", "--feature-min-count", "--pretrained-keys"}) {
    auto negative = run_ner(std::string("train ") + count + " -3");
    EXPECT_EQ(negative.status, 2) << count;
    EXPECT_NE(negative.err.find(std::string(count) + ": -3 is not in the range "), std::string::npos) << negative.err;
  }
  for (const char* bad : {"--cell lstn", "--optimizer adamw", "--scheme BIOX"}) {
    auto result = run_ner(std::string("train ") + bad);
    EXPECT_EQ(result.status, 2) << bad << ": " << result.err;
  }
  // Each named choice is checked before any work, as a usage error naming the option and the --help to read.
  const std::string sample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";
  for (const auto& [arguments, message] : std::vector<std::pair<std::string, std::string>>{
           {"convert " + sample + " --to jsonl --scheme XYZ", "--scheme: unknown tag scheme 'XYZ' (expected BIO, BIOES or BMES) (see ner convert --help)"},
           {"convert " + sample + " --to jsonl --json-scheme XYZ", "--json-scheme: unknown tag scheme 'XYZ' (expected BIO, BIOES or BMES) (see ner convert --help)"},
           {"stats " + sample + " --format xml", "--format: unknown corpus format 'xml'"},
           {"tag --encoding klingon </dev/null", "--encoding: unknown encoding 'klingon' (auto, or an ICU name: utf-8, gb18030, gbk, big5, utf-16le, ...) (see ner tag --help)"},
           {"lm train --raw " + sample + " --model m.lm --encoding klingon", "--encoding: unknown encoding 'klingon'"},
           {"train --scheme BMES", "--scheme: 'BMES' is not one of BIOES, BIO"},
           {"info a.model --model b.model", "give the model once: as MODEL or as --model (see ner info --help)"}}) {
    auto refused = run_ner(arguments);
    EXPECT_EQ(refused.status, 2) << arguments << ": " << refused.err;
    EXPECT_NE(refused.err.find(message), std::string::npos) << arguments << ": " << refused.err;
    EXPECT_NE(refused.err.find("--help)"), std::string::npos) << arguments << ": " << refused.err;
  }
  // The recipe in train's help gives both dropout defaults, as --dropout's help does.
  const std::string help = run_ner("train --help").out;
  EXPECT_NE(help.find("dropout 0.5 (0.6 for a training text under 1000000 characters)"), std::string::npos) << help;
  auto missing = run_ner("train --epochs 2");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("--train, --dev (or --dev-fraction), --model are required"), std::string::npos) << missing.err;
  auto info = run_ner("info " + std::string(NER_SOURCE_DIR) + "/models/msra.model");
  EXPECT_EQ(info.status, 0) << info.err;
  EXPECT_NE(info.out.find("tags:"), std::string::npos);
}

// A dev corpus that cannot measure the model gets a warning once training is set up: training's own sentences, or
// entity types training never shows; a proper one gets none.
TEST_F(CliTrain, DevThatCannotMeasureTheModelIsWarnedAbout) {
  auto write = [&](const std::string& name, const std::string& text) {
    test_support::write_file(dir_ + name, text);
    return dir_ + name;
  };
  const std::string train = write("train.bio", "张 B-PER\n伟 I-PER\n来 O\n\n李 B-PER\n娜 I-PER\n好 O\n\n");
  const std::string dev = write("dev.bio", "王 B-PER\n芳 I-PER\n去 O\n\n");
  const std::string some_new = write("some_new.bio", "王 B-PER\n芳 I-PER\n去 O\n\n北 B-LOC\n京 I-LOC\n\n");
  const std::string all_new = write("all_new.bio", "北 B-LOC\n京 I-LOC\n\n");
  const std::string copy = write("copy.bio", slurp(train));
  auto warnings = [&](const std::string& dev_path) {
    auto result = run_ner("train --train " + train + " --dev " + dev_path + " --epochs 1 --hidden 4 --char-dim 4 --features char "
                          "--overwrite --model " + dir_ + "m.model");
    EXPECT_EQ(result.status, 0) << result.err;
    std::string found;
    for (const std::string& line : test_support::lines_of(result.err))
      if (line.rfind("warning: ", 0) == 0) found += line + "\n";
    return found;
  };
  EXPECT_EQ(warnings(dev), "");
  for (const std::string& same : {train, copy})
    EXPECT_EQ(warnings(same), "warning: 2 of " + same + "'s 2 sentences are in " + train + ": dev F1 will measure "
                              "memorising, not tagging; give held-out sentences (or --dev-fraction F)\n");
  EXPECT_EQ(warnings(some_new), "warning: " + some_new + "'s entity types LOC never occur in " + train +
                                    ": the model cannot learn them\n");
  EXPECT_EQ(warnings(all_new), "warning: none of " + all_new + "'s entity types (LOC) occurs in " + train +
                                   " (PER): dev F1 will stay 0; are these the right files?\n");
}

}  // namespace
