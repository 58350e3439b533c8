// Shared test helpers: where the real corpora are, and running the `ner` binary.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace test_support {

// `$NER_DATA`, else a shared/data folder beside the source tree; "" when that folder is absent.
inline std::string corpora_dir() {
  const char* from_env = std::getenv("NER_DATA");
  std::string dir = from_env && *from_env ? from_env : std::string(NER_SOURCE_DIR) + "/../shared/data";
  struct stat info;
  return ::stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode) ? dir : "";
}

#define SKIP_WITHOUT_CORPORA(dir)                                                                          \
  if ((dir).empty()) GTEST_SKIP() << "corpora not found: set NER_DATA or put them in shared/data beside the checkout"

// This test process's own temporary folder (ctest runs tests in parallel processes), removed when it exits.
inline const std::string& temp_dir() {
  static const std::string dir = [] {
    std::string path = ::testing::TempDir() + "ner_tests." + std::to_string(::getpid()) + "/";
    ::mkdir(path.c_str(), 0700);
    return path;
  }();
  // Registered once `dir` exists, so it runs before `dir` is destroyed.
  static const bool removed_at_exit = std::atexit([] { std::system(("rm -rf '" + temp_dir() + "'").c_str()); }) == 0;
  (void)removed_at_exit;
  return dir;
}

// A temporary path of this test's own: temp_dir()/Suite.Test.suffix
inline std::string temp_path(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return temp_dir() + info->test_suite_name() + "." + info->name() + "." + suffix;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The lines of `text`, without their line breaks.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// The names in `dir`, sorted, one a line, hidden ones too.
inline std::string list_folder(const std::string& dir) {
  std::string names;
  FILE* ls = ::popen(("LC_ALL=C ls -A '" + dir + "'").c_str(), "r");
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, ls)) names += buffer;
  ::pclose(ls);
  return names;
}

struct RunResult {
  int status;  // exit status, or 128 + signal
  std::string out, err;
};

// Runs `ner ARGS` through the shell (ARGS is shell text), capturing stdout and stderr.
inline RunResult run_ner(const std::string& args) {
  static int counter = 0;
  std::string base = temp_dir() + "ner_run_" + std::to_string(counter++);
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
