// Shared test helpers: where the real corpora are, and running the `ner` binary.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace test_support {

// `$NER_DATA`, else ../shared/data beside the source tree; "" when that folder is absent.
inline std::string corpora_dir() {
  const char* from_env = std::getenv("NER_DATA");
  std::string dir = from_env && *from_env ? from_env : std::string(NER_SOURCE_DIR) + "/../shared/data";
  struct stat info;
  return ::stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode) ? dir : "";
}

#define SKIP_WITHOUT_CORPORA(dir)                                                                          \
  if ((dir).empty()) GTEST_SKIP() << "real corpora not found: set NER_DATA or put them in ../shared/data"

// A temporary path of this test's own (ctest runs tests in parallel processes): TempDir/Suite.Test.PID.suffix
inline std::string temp_path(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return ::testing::TempDir() + info->test_suite_name() + "." + info->name() + "." + std::to_string(::getpid()) + "." + suffix;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct RunResult {
  int status;  // exit status, or 128 + signal
  std::string out, err;
};

// Runs `ner ARGS` through the shell (ARGS is shell text), capturing stdout and stderr.
inline RunResult run_ner(const std::string& args) {
  static int counter = 0;
  std::string base = ::testing::TempDir() + "ner_run_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  std::string command = std::string(NER_BINARY) + " " + args + " >" + base + ".out 2>" + base + ".err";
  int raw = std::system(command.c_str());
  RunResult result;
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  result.out = slurp(base + ".out");
  result.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return result;
}

}  // namespace test_support
