// What writing a path does: regular files and new paths replaced atomically (symlinks followed), FIFOs and
// descriptors written as streams, directories and missing folders refused before anything is written.
#include "data/output_file.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "data/error.h"
#include "tests/test_support.h"

namespace {

using data::OutputKind;
using test_support::slurp;

class OutputFileTest : public ::testing::Test {
 protected:
  std::string dir_ = test_support::temp_path("dir") + "/";
  void SetUp() override { ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0); }
  void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  void put(const std::string& name, const std::string& bytes) { data::write_output_file(dir_ + name, bytes); }
  std::string listing() { return test_support::list_folder(dir_); }
};

TEST_F(OutputFileTest, ClassifiesEachKindOfPathWithoutTouchingIt) {
  // Devices and descriptors are only looked at here, never written.
  EXPECT_EQ(data::classify_output("-").kind, OutputKind::kDescriptor);
  EXPECT_EQ(data::classify_output("/dev/null").kind, OutputKind::kStream);
  const data::OutputTarget out = data::classify_output("/dev/stdout");
  EXPECT_EQ(out.kind, OutputKind::kDescriptor);
  EXPECT_EQ(out.descriptor, 1);
  EXPECT_EQ(data::classify_output("/dev/fd/2").descriptor, 2);
  EXPECT_EQ(data::classify_output("/proc/self/fd/1").descriptor, 1);
  EXPECT_THROW(data::classify_output("/dev/fd/987"), data::Error) << "a descriptor that is not open";
  EXPECT_EQ(data::classify_output(dir_ + "new.txt").kind, OutputKind::kCreate);
  put("old.txt", "x");
  EXPECT_EQ(data::classify_output(dir_ + "old.txt").kind, OutputKind::kReplace);
  ASSERT_EQ(::symlink("/dev/null", (dir_ + "null").c_str()), 0);
  const data::OutputTarget linked = data::classify_output(dir_ + "null");
  EXPECT_EQ(linked.kind, OutputKind::kStream);
  EXPECT_EQ(linked.path, "/dev/null");
  try {
    data::classify_output(dir_);
    FAIL() << "a directory is not an output";
  } catch (const data::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
  EXPECT_THROW(data::classify_output(dir_ + "missing/out.txt"), data::Error);
  ASSERT_EQ(::symlink("loop", (dir_ + "loop").c_str()), 0);
  EXPECT_THROW(data::classify_output(dir_ + "loop"), data::Error);
  EXPECT_EQ(listing(), "loop\nnull\nold.txt\n") << "classifying creates nothing";
}

TEST_F(OutputFileTest, ReplacesARegularFileKeepingItsPermissionsAndLeavesNothingWithoutCommit) {
  put("out.txt", "old");
  ASSERT_EQ(::chmod((dir_ + "out.txt").c_str(), 0640), 0);
  {
    data::OutputFile file(dir_ + "out.txt");
    file.write("partial");
  }
  EXPECT_EQ(slurp(dir_ + "out.txt"), "old") << "no commit: the old file stays";
  EXPECT_EQ(listing(), "out.txt\n") << "and no temporary is left behind";
  put("out.txt", "new");
  EXPECT_EQ(slurp(dir_ + "out.txt"), "new");
  struct stat info;
  ASSERT_EQ(::stat((dir_ + "out.txt").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0640u);
}

TEST_F(OutputFileTest, WritesThroughASymlinkToItsTarget) {
  put("real.txt", "old");
  ASSERT_EQ(::symlink("real.txt", (dir_ + "link.txt").c_str()), 0);
  put("link.txt", "new");
  struct stat info;
  ASSERT_EQ(::lstat((dir_ + "link.txt").c_str(), &info), 0);
  EXPECT_TRUE(S_ISLNK(info.st_mode)) << "the link stays a link";
  EXPECT_EQ(slurp(dir_ + "real.txt"), "new");
  // A dangling link creates its target.
  ASSERT_EQ(::symlink("made.txt", (dir_ + "dangling").c_str()), 0);
  put("dangling", "made");
  EXPECT_EQ(slurp(dir_ + "made.txt"), "made");
}

TEST_F(OutputFileTest, TheTemporaryIsNotAPredictableNameThatAnotherFileCanOccupy) {
  // A link planted where a PATH.tmpPID temporary would go must not be followed.
  put("victim.txt", "keep");
  ASSERT_EQ(::symlink("victim.txt", (dir_ + "out.txt.tmp" + std::to_string(::getpid())).c_str()), 0);
  put("out.txt", "data");
  EXPECT_EQ(slurp(dir_ + "victim.txt"), "keep");
  EXPECT_EQ(slurp(dir_ + "out.txt"), "data");
}

TEST_F(OutputFileTest, AFifoIsWrittenAsAStreamAndStaysAFifo) {
  const std::string fifo = dir_ + "pipe";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::string received;
  std::thread reader([&] { received = slurp(fifo); });
  put("pipe", "streamed\n");
  reader.join();
  EXPECT_EQ(received, "streamed\n");
  struct stat info;
  ASSERT_EQ(::lstat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  EXPECT_EQ(listing(), "pipe\n");
}

TEST_F(OutputFileTest, AnOutputThatIsAnInputIsRefused) {
  put("in.txt", "text");
  ASSERT_EQ(::symlink("in.txt", (dir_ + "alias.txt").c_str()), 0);
  EXPECT_THROW(data::check_not_an_input(dir_ + "alias.txt", {"-", dir_ + "in.txt"}), data::Error);
  EXPECT_NO_THROW(data::check_not_an_input(dir_ + "other.txt", {dir_ + "in.txt"}));
  EXPECT_NO_THROW(data::check_not_an_input("-", {"-"}));
}

}  // namespace
