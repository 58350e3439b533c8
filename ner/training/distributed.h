// The processes of a data-parallel training job started by mpirun (Open MPI): this process's rank, the collectives
// training needs, and the rules that end the whole job at once when one process fails. Without mpirun, or in a
// build without MPI, the group is this process alone and no collective is ever called.
//
// Failure never hangs a job: every collective is polled under a deadline (--collective-timeout), after which the
// waiting rank names the ranks it waited for and ends the job (MPI_Abort); a rank that dies makes mpirun end the
// others with SIGTERM, and the first surviving rank on its host names the dead one. Exactly one rank reports: a
// rank that reports tells the ranks on its host (SIGUSR1) to stay quiet, and the others give rank 0 a head start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ner {

class Group {
 public:
  // The job's group. The first call joins MPI when mpirun started this process (and fails when this build has no
  // MPI and the job has more than one process). Call it before starting any thread: it blocks SIGTERM and SIGUSR1
  // for the process and waits for them on a thread of its own.
  static Group& world();
  // The group when world() has formed it, else null (nothing distributed was started).
  static Group* joined();
  // Whether this build has MPI (else a job of more than one process is refused).
  static bool built_with_mpi();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool distributed() const { return size_ > 1; }

  // Seconds a collective may wait for the other ranks before the job ends (rank 0; the others wait longer).
  void set_timeout(double seconds) { timeout_seconds_ = seconds; }
  static constexpr double kDefaultTimeout = 600;
  // The checkpoint that failure messages say is kept.
  void set_checkpoint(const std::string& path);

  // In place: values ← the sum of every rank's values (MPI_Allreduce). `what` names the collective in messages.
  void sum(float* values, std::size_t count, const std::string& what);
  void sum(double* values, std::size_t count, const std::string& what);
  // In place: values ← rank 0's values.
  void broadcast(float* values, std::size_t count, const std::string& what);
  void broadcast(double* values, std::size_t count, const std::string& what);
  // Every rank's `mine`, concatenated in rank order.
  std::vector<std::int64_t> gather(const std::vector<std::int64_t>& mine, const std::string& what);
  // Waits until every rank is here.
  void barrier(const std::string& what);

  // Every rank reads `paths` itself: each must be a regular file (a pipe, a device or "-" would give each rank
  // another part); in a data-parallel job anything else is a data::UsageError.
  void require_regular_files(const std::vector<std::string>& paths) const;
  // Fails unless every rank has the same `value` (what it read: sizes of the corpus), naming a rank that differs.
  void check_same(std::int64_t value, const std::string& what);

  // Reports `message` as the job's one error line ("ner: error: rank R: ...") and ends every process of the job;
  // a rank other than 0 first waits a moment, in case rank 0 reports the same failure. mpirun exits with `status`.
  [[noreturn]] void fail(const std::string& message, int status = 1);

  // Leaves MPI (once every rank is here); the end of a successful run.
  void finish();

  // The rank mpirun gave this process, read from its environment without joining MPI (0 when not started by
  // mpirun): lets ranks other than 0 stay quiet about usage errors that every rank makes alike.
  static int launched_rank();

 private:
  Group();

  int rank_ = 0, size_ = 1;
  double timeout_seconds_ = kDefaultTimeout;
};

}  // namespace ner
