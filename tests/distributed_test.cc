// Data-parallel training under mpirun (Open MPI): the same model as one process, deterministic, and a job that
// ends within seconds with one error line when a rank dies or stops. Skipped, with a message, in a build without
// MPI or where mpirun is missing.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ner/model/model.h"
#include "ner/model/model_io.h"
#include "ner/training/distributed.h"
#include "tests/test_support.h"

namespace {

using test_support::slurp;
using test_support::temp_path;


// mpirun as the tests run it: on this host, as many processes as asked even beyond the cores, root allowed (CI runs
// as root), quiet (its own messages off), and never longer than two minutes. In the sanitizer build, leak checks are
// off for these processes: Open MPI keeps what MPI_Init allocates.
std::string mpirun(int processes) {
  return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 "
         "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" timeout 120 mpirun -q -np " +
         std::to_string(processes) + " " + NER_BINARY;
}

#define SKIP_WITHOUT_MPI()                                                                                  \
  do {                                                                                                      \
    if (!ner::Group::built_with_mpi()) GTEST_SKIP() << "built without MPI (install libopenmpi-dev and rebuild)";          \
    if (std::system("command -v mpirun >/dev/null 2>&1") != 0) GTEST_SKIP() << "mpirun not found (openmpi-bin)"; \
  } while (0)

int run(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
}

const std::string kSample = std::string(NER_SOURCE_DIR) + "/examples/sample.bio";

// One step on the whole sample (one global batch), with nothing random in it: SGD, no dropout, no word dropout.
std::string one_step_args(const std::string& model) {
  return " train --train " + kSample + " --dev " + kSample + " --model " + model +
         " --features char --epochs 1 --batch 1000 --optimizer sgd --lr 0.5 --dropout 0 --unk-rate 0 --threads 1 2>/dev/null";
}

// The largest difference between two models' parameters.
double max_difference(const std::string& a, const std::string& b) {
  ner::LoadedModel first = ner::load_model(a), second = ner::load_model(b);
  const nn::ParamList p = first.model->params(), q = second.model->params();
  EXPECT_EQ(p.size(), q.size());
  double most = 0;
  for (std::size_t k = 0; k < p.size() && k < q.size(); ++k)
    most = std::max(most, static_cast<double>((p[k]->values() - q[k]->values()).cwiseAbs().maxCoeff()));
  return most;
}

TEST(Distributed, TwoProcessesOnOneGlobalBatchGiveTheModelOfOne) {
  SKIP_WITHOUT_MPI();
  const std::string alone = temp_path("alone.model"), two = temp_path("two.model");
  ASSERT_EQ(run(std::string(NER_BINARY) + one_step_args(alone)), 0);
  ASSERT_EQ(run(mpirun(2) + one_step_args(two)), 0);
  // The shards' gradients are summed in another order than one batch's: float rounding, ~1e-7 of a gradient,
  // times the learning rate.
  const double difference = max_difference(alone, two);
  EXPECT_LT(difference, 1e-5);
}

TEST(Distributed, OneProcessUnderMpirunIsTheSameBytesAsWithout) {
  SKIP_WITHOUT_MPI();
  const std::string args = " train --train " + kSample + " --dev " + kSample + " --features char --epochs 3 --batch 4 --threads 1 --model ";
  const std::string alone = temp_path("plain.model"), under = temp_path("np1.model");
  ASSERT_EQ(run(std::string(NER_BINARY) + args + alone + " 2>/dev/null"), 0);
  ASSERT_EQ(run(mpirun(1) + args + under + " 2>/dev/null"), 0);
  EXPECT_EQ(slurp(alone), slurp(under));
}

TEST(Distributed, SameSeedAndProcessesGiveTheSameBytes) {
  SKIP_WITHOUT_MPI();
  // Dropout and word dropout on: each rank draws from the seed, the step and its rank.
  const std::string args = " train --train " + kSample + " --dev " + kSample + " --epochs 3 --batch 4 --threads 1 --unk-rate 0.1 --model ";
  const std::string a = temp_path("a.model"), b = temp_path("b.model"), alone = temp_path("c.model");
  ASSERT_EQ(run(mpirun(2) + args + a + " 2>/dev/null"), 0);
  ASSERT_EQ(run(mpirun(2) + args + b + " 2>/dev/null"), 0);
  EXPECT_EQ(slurp(a), slurp(b));
  ASSERT_EQ(run(std::string(NER_BINARY) + args + alone + " 2>/dev/null"), 0);
  EXPECT_NE(slurp(a), slurp(alone)) << "two processes draw other dropout masks than one";
}

// The process of rank `rank` whose command line holds `marker`, or 0.
pid_t rank_process(const std::string& marker, int rank) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string command = slurp(entry.path() / "cmdline"), environment = slurp(entry.path() / "environ");
    if (command.rfind(NER_BINARY, 0) == 0 && command.find(marker) != std::string::npos &&
        environment.find(std::string("OMPI_COMM_WORLD_RANK=") + std::to_string(rank) + '\0') != std::string::npos)
      return static_cast<pid_t>(std::stoi(name));
  }
  return 0;
}

struct Ended {
  int status;
  double seconds;  // from the signal to the job's end
  std::string err;
};

// Starts a long 2-process job, waits for its first checkpoint, sends `signal` to rank 1 and waits for the job's end.
Ended signal_rank_one(int signal, const std::string& model) {
  const std::string err = model + ".err", status = model + ".status";
  const std::string command = mpirun(2) + " train --train " + kSample + " --dev " + kSample + " --model " + model +
                              " --features char --epochs 100000 --patience 0 --batch 2 --threads 1 --collective-timeout 3 2>" + err;
  EXPECT_EQ(run("(" + command + "; echo $? >" + status + ") >/dev/null &"), 0);
  using Clock = std::chrono::steady_clock;
  const auto wait_for = [](const std::function<bool()>& done, double seconds) {
    for (auto start = Clock::now(); std::chrono::duration<double>(Clock::now() - start).count() < seconds;) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  EXPECT_TRUE(wait_for([&] { return std::filesystem::exists(model + ".ckpt"); }, 60)) << slurp(err);
  const pid_t victim = rank_process(model, 1);
  EXPECT_GT(victim, 0);
  if (victim > 0) ::kill(victim, signal);
  const auto signalled = Clock::now();
  const bool ended = wait_for([&] { return !slurp(status).empty(); }, 60);
  Ended result{ended ? std::stoi(slurp(status)) : -1, std::chrono::duration<double>(Clock::now() - signalled).count(), slurp(err)};
  if (!ended && victim > 0) ::kill(victim, SIGKILL);
  return result;
}

// The lines of `text` that start with "ner: error:".
std::vector<std::string> error_lines(const std::string& text) {
  std::vector<std::string> lines;
  for (const std::string& line : test_support::lines_of(text))
    if (line.rfind("ner: error:", 0) == 0) lines.push_back(line);
  return lines;
}

TEST(Distributed, AKilledRankEndsTheJobInSecondsWithOneLineAndALoadableCheckpoint) {
  SKIP_WITHOUT_MPI();
  const std::string model = temp_path("killed.model");
  const Ended ended = signal_rank_one(SIGKILL, model);
  EXPECT_NE(ended.status, 0);
  EXPECT_LT(ended.seconds, 10);
  const std::vector<std::string> errors = error_lines(ended.err);
  ASSERT_EQ(errors.size(), 1u) << ended.err;
  EXPECT_NE(errors[0].find("rank 1 (pid"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("died"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find(model + ".ckpt"), std::string::npos) << errors[0];
  EXPECT_EQ(run(std::string(NER_BINARY) + " train --resume " + model + ".ckpt --epochs 1 --threads 1 >/dev/null 2>&1"), 0)
      << "the checkpoint loads (and, with fewer epochs than it has done, training ends at once)";
}

TEST(Distributed, AStoppedRankEndsTheJobAfterTheCollectiveTimeout) {
  SKIP_WITHOUT_MPI();
  const std::string model = temp_path("stopped.model");
  const Ended ended = signal_rank_one(SIGSTOP, model);
  EXPECT_NE(ended.status, 0);
  EXPECT_LT(ended.seconds, 3 + 10);
  const std::vector<std::string> errors = error_lines(ended.err);
  ASSERT_EQ(errors.size(), 1u) << ended.err;
  EXPECT_NE(errors[0].find("rank 0: "), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("rank 1 (pid"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("stopped"), std::string::npos) << errors[0];
  EXPECT_NE(errors[0].find("--collective-timeout"), std::string::npos) << errors[0];
}

TEST(Distributed, AnErrorEveryRankMakesIsReportedOnce) {
  SKIP_WITHOUT_MPI();
  const std::string err = temp_path("bad.err"), bad = temp_path("bad.bio");
  test_support::write_file(bad, "张\tB-PER\n伟\tX-Y-Z\n");
  EXPECT_EQ(run(mpirun(2) + " train --train " + bad + " --dev " + kSample + " --model " + temp_path("bad.model") + " 2>" + err), 1);
  const std::vector<std::string> errors = error_lines(slurp(err));
  ASSERT_EQ(errors.size(), 1u) << slurp(err);
  EXPECT_NE(errors[0].find("rank 0: " + bad + ":2"), std::string::npos) << errors[0];
  // A usage error, before the job forms: rank 0 alone says it.
  EXPECT_EQ(run(mpirun(2) + " train --epochs nine 2>" + err), 2);
  EXPECT_EQ(error_lines(slurp(err)).size(), 1u) << slurp(err);
  // Every rank reads its inputs itself: a pipe would give each another part.
  const std::string fifo = temp_path("train.fifo");
  ASSERT_EQ(run("mkfifo " + fifo), 0);
  EXPECT_EQ(run(mpirun(2) + " train --train " + fifo + " --dev " + kSample + " --model " + temp_path("fifo.model") + " 2>" + err), 2);
  ASSERT_EQ(error_lines(slurp(err)).size(), 1u) << slurp(err);
  EXPECT_NE(error_lines(slurp(err))[0].find(fifo + ": under mpirun every process reads its inputs itself"), std::string::npos) << slurp(err);
  // Ranks that read different files (here by mpirun's MPMD syntax) are stopped before training.
  const std::string shorter = temp_path("shorter.bio"), model = temp_path("mpmd.model");
  test_support::write_file(shorter, "张\tB-PER\n伟\tI-PER\n");
  const std::string rest = " --dev " + kSample + " --model " + model + " --features char --threads 1";
  EXPECT_EQ(run(mpirun(1) + " train --train " + kSample + rest + " : -np 1 " + NER_BINARY + " train --train " + shorter + rest + " 2>" + err), 1);
  ASSERT_EQ(error_lines(slurp(err)).size(), 1u) << slurp(err);
  EXPECT_NE(error_lines(slurp(err))[0].find("rank 1 read other training text"), std::string::npos) << slurp(err);
  // And after: the job ends with the usage status.
  EXPECT_EQ(run(mpirun(2) + " lm train --raw " + kSample + " --batch 1 --model " + temp_path("one.lm") + " 2>" + err), 2);
  ASSERT_EQ(error_lines(slurp(err)).size(), 1u) << slurp(err);
  EXPECT_NE(error_lines(slurp(err))[0].find("cannot be shared out between 2 processes"), std::string::npos) << slurp(err);
}

TEST(Distributed, LanguageModelTrainsOnTwoProcesses) {
  SKIP_WITHOUT_MPI();
  const std::string raw = temp_path("lm.txt"), a = temp_path("a.lm"), b = temp_path("b.lm");
  std::string text;
  for (int i = 0; i < 200; ++i) text += "今天天气很好，我们去公园散步。北京是中国的首都。\n";
  test_support::write_file(raw, text);
  const std::string args = " lm train --raw " + raw + " --hidden 16 --layers 1 --epochs 2 --batch 4 --bptt 8 --threads 1 --model ";
  ASSERT_EQ(run(mpirun(2) + args + a + " 2>/dev/null"), 0);
  ASSERT_EQ(run(mpirun(2) + args + b + " 2>/dev/null"), 0);
  EXPECT_EQ(slurp(a), slurp(b));
  EXPECT_EQ(run(std::string(NER_BINARY) + " lm sample --model " + a + " --length 10 --seed 1 >/dev/null 2>&1"), 0);
}

}  // namespace
