#include "ner/training/distributed.h"

#ifdef NER_MPI
#include <mpi.h>
#endif

#include <pthread.h>
#include <sys/stat.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "data/error.h"
#include "data/output_file.h"

namespace ner {
namespace {

using Clock = std::chrono::steady_clock;

// The number in environment variable `name`, or -1 when it is unset or not a number.
int environment_number(const char* name) {
  const char* text = std::getenv(name);
  if (!text || !*text) return -1;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  return *end == '\0' && value >= 0 ? static_cast<int>(value) : -1;
}

// The size of the job mpirun started this process in (Open MPI's environment), or -1 when mpirun did not.
int launched_size() { return environment_number("OMPI_COMM_WORLD_SIZE"); }

// Every rank's process id and host, gathered when the group forms: a rank can then see which of the ranks on its
// own host are gone or stopped.
struct Peer {
  std::int64_t pid = 0;
  char host[64] = {};
};
std::vector<Peer> g_peers;
int g_rank = 0;
std::atomic<bool> g_quiet{false};     // a rank on this host has reported the job's failure
std::atomic<bool> g_reported{false};  // this rank has
std::string g_checkpoint_note;        // "; the last checkpoint, FILE, is kept" or ""

bool on_this_host(int rank) { return std::strncmp(g_peers[static_cast<std::size_t>(rank)].host, g_peers[static_cast<std::size_t>(g_rank)].host, sizeof(Peer::host)) == 0; }

// The state letter /proc gives a process ('R', 'S', 'T' stopped, 'Z' zombie, ...), or 0 when it is gone.
char process_state(std::int64_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return 0;
  const std::size_t paren = text.rfind(')');  // the command name in parentheses may hold anything
  return paren != std::string::npos && paren + 2 < text.size() ? text[paren + 2] : 0;
}

// Whether a process in `state` (process_state) has ended.
bool is_gone(char state) { return state == 0 || state == 'Z' || state == 'X'; }

// The ranks on this host, other than this one, whose process is gone (`gone`) or stopped (otherwise), as
// "rank 1 (pid 123)" listed with commas; "" when there is none.
std::string local_ranks(bool gone) {
  std::string list;
  for (int r = 0; r < static_cast<int>(g_peers.size()); ++r) {
    if (r == g_rank || !on_this_host(r)) continue;
    const char state = process_state(g_peers[static_cast<std::size_t>(r)].pid);
    if (gone ? is_gone(state) : state == 'T' || state == 't')
      list += (list.empty() ? "" : ", ") + std::string("rank ") + std::to_string(r) + " (pid " + std::to_string(g_peers[static_cast<std::size_t>(r)].pid) + ")";
  }
  return list;
}

// Whether this rank is the lowest-numbered one still running on its host.
bool first_alive_on_host() {
  for (int r = 0; r < g_rank; ++r) {
    if (!on_this_host(r)) continue;
    if (!is_gone(process_state(g_peers[static_cast<std::size_t>(r)].pid))) return false;
  }
  return true;
}

void write_line(const std::string& line) {
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

// The signal thread: SIGUSR1 says that another rank on this host has reported the failure; SIGTERM is mpirun ending
// the job (a rank died or aborted) or someone stopping it. The first surviving rank on the host says which rank
// died, unless the failure was reported already; the process ends with the temporaries it was writing removed.
[[noreturn, maybe_unused]] void wait_for_signals(sigset_t signals) {
  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGUSR1) {
      g_quiet = true;
      continue;
    }
    if (!g_quiet && !g_reported && first_alive_on_host()) {
      const std::string dead = local_ranks(/*gone=*/true);
      write_line("ner: error: rank " + std::to_string(g_rank) + ": the job is ended: " +
                 (dead.empty() ? "mpirun stopped it (SIGTERM: another rank failed, or the job was interrupted)" : dead + " died") +
                 g_checkpoint_note + "\n");
    }
    data::remove_temporaries();
    std::_Exit(128 + SIGTERM);
  }
}

#ifdef NER_MPI
// Fails with MPI's own words for an error code.
void check(int code, const char* call, const std::string& what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  Group::world().fail(what + ": " + call + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}
#endif

}  // namespace

namespace {
Group* g_group = nullptr;  // once world() has formed it
}  // namespace

Group& Group::world() {
  static Group group;
  g_group = &group;
  return group;
}

bool Group::built_with_mpi() {
#ifdef NER_MPI
  return true;
#else
  return false;
#endif
}

Group* Group::joined() { return g_group; }

int Group::launched_rank() { return std::max(0, environment_number("OMPI_COMM_WORLD_RANK")); }

Group::Group() {
  const int size = launched_size();
  if (size <= 1) return;  // not started by mpirun, or alone: nothing is shared
#ifndef NER_MPI
  throw data::UsageError("started by mpirun as one of " + std::to_string(size) +
                    " processes, but this ner was built without MPI: install libopenmpi-dev (scripts/setup.sh does) and rebuild");
#else
  // Blocked before MPI starts its own threads, so that only the signal thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw data::Error("MPI_Init_thread failed (is this process one of an mpirun job?)");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  g_rank = rank_;
  Peer me;
  me.pid = ::getpid();
  ::gethostname(me.host, sizeof me.host - 1);
  g_peers.resize(static_cast<std::size_t>(size_));
  if (MPI_Allgather(&me, sizeof me, MPI_BYTE, g_peers.data(), sizeof me, MPI_BYTE, MPI_COMM_WORLD) != MPI_SUCCESS)
    throw data::Error("MPI_Allgather failed while the job's processes met");
  std::thread(wait_for_signals, signals).detach();
#endif
}

void Group::set_checkpoint(const std::string& path) {
  g_checkpoint_note = path.empty() ? "" : "; the last checkpoint, " + path + ", is kept";
}

#ifdef NER_MPI
namespace {

// Polls `request` until it completes: when it takes more than `seconds` the job fails, naming the ranks on this host
// that are stopped or gone (a rank other than 0 waits 5 s longer, so that rank 0 reports first).
void wait(MPI_Request& request, double seconds, int rank, const std::string& what) {
  const double limit = seconds + (rank == 0 ? 0 : 5);
  const auto start = Clock::now();
  for (int done = 0;;) {
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test", what);
    if (done) return;
    if (std::chrono::duration<double>(Clock::now() - start).count() > limit) {
      const std::string gone = local_ranks(true), stopped = local_ranks(false);
      std::string whom = gone.empty() ? "" : gone + " (gone)";
      if (!stopped.empty()) whom += (whom.empty() ? "" : ", ") + stopped + " (stopped)";
      char waited[32];
      std::snprintf(waited, sizeof waited, "%g", limit);
      Group::world().fail(what + " waited " + waited + " s for " + (whom.empty() ? std::string("the other ranks") : whom) +
                          ": the job ends (--collective-timeout)");
    }
    sched_yield();
  }
}

template <typename T>
MPI_Datatype datatype() {
  return sizeof(T) == sizeof(float) ? MPI_FLOAT : MPI_DOUBLE;
}

}  // namespace

template <typename T>
static void sum_values(Group& group, double timeout, T* values, std::size_t count, const std::string& what) {
  MPI_Request request;
  check(MPI_Iallreduce(MPI_IN_PLACE, values, static_cast<int>(count), datatype<T>(), MPI_SUM, MPI_COMM_WORLD, &request), "MPI_Iallreduce", what);
  wait(request, timeout, group.rank(), what);
}

template <typename T>
static void broadcast_values(Group& group, double timeout, T* values, std::size_t count, const std::string& what) {
  MPI_Request request;
  check(MPI_Ibcast(values, static_cast<int>(count), datatype<T>(), 0, MPI_COMM_WORLD, &request), "MPI_Ibcast", what);
  wait(request, timeout, group.rank(), what);
}
#endif

void Group::sum([[maybe_unused]] float* values, [[maybe_unused]] std::size_t count, [[maybe_unused]] const std::string& what) {
#ifdef NER_MPI
  sum_values(*this, timeout_seconds_, values, count, what);
#endif
}

void Group::sum([[maybe_unused]] double* values, [[maybe_unused]] std::size_t count, [[maybe_unused]] const std::string& what) {
#ifdef NER_MPI
  sum_values(*this, timeout_seconds_, values, count, what);
#endif
}

void Group::broadcast([[maybe_unused]] float* values, [[maybe_unused]] std::size_t count, [[maybe_unused]] const std::string& what) {
#ifdef NER_MPI
  broadcast_values(*this, timeout_seconds_, values, count, what);
#endif
}

void Group::broadcast([[maybe_unused]] double* values, [[maybe_unused]] std::size_t count, [[maybe_unused]] const std::string& what) {
#ifdef NER_MPI
  broadcast_values(*this, timeout_seconds_, values, count, what);
#endif
}

std::vector<std::int64_t> Group::gather(const std::vector<std::int64_t>& mine, [[maybe_unused]] const std::string& what) {
  if (!distributed()) return mine;
  std::vector<std::int64_t> all;
#ifdef NER_MPI
  std::vector<int> counts(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
  int count = static_cast<int>(mine.size());
  MPI_Request request;
  check(MPI_Iallgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD, &request), "MPI_Iallgather", what);
  wait(request, timeout_seconds_, rank_, what);
  int total = 0;
  for (int r = 0; r < size_; ++r) offsets[static_cast<std::size_t>(r)] = total, total += counts[static_cast<std::size_t>(r)];
  all.resize(static_cast<std::size_t>(total));
  check(MPI_Iallgatherv(mine.data(), count, MPI_INT64_T, all.data(), counts.data(), offsets.data(), MPI_INT64_T, MPI_COMM_WORLD, &request),
        "MPI_Iallgatherv", what);
  wait(request, timeout_seconds_, rank_, what);
#endif
  return all;
}

void Group::barrier([[maybe_unused]] const std::string& what) {
  if (!distributed()) return;
#ifdef NER_MPI
  MPI_Request request;
  check(MPI_Ibarrier(MPI_COMM_WORLD, &request), "MPI_Ibarrier", what);
  wait(request, timeout_seconds_, rank_, what);
#endif
}

void Group::require_regular_files(const std::vector<std::string>& paths) const {
  if (!distributed()) return;
  for (const std::string& path : paths) {
    struct stat info;
    const bool stream = path == "-" || (!path.empty() && ::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode));
    if (stream)
      throw data::UsageError(path + ": under mpirun every process reads its inputs itself: give a regular file, not " +
                               (path == "-" ? std::string("standard input") : "a pipe or device"));
  }
}

void Group::check_same(std::int64_t value, const std::string& what) {
  if (!distributed()) return;
  const std::vector<std::int64_t> all = gather({value}, what);
  for (int r = 1; r < size_; ++r)
    if (all[static_cast<std::size_t>(r)] != all[0])
      throw data::Error("rank " + std::to_string(r) + " read other " + what + " than rank 0 (" + std::to_string(all[static_cast<std::size_t>(r)]) +
                        ", not " + std::to_string(all[0]) + "): every process must see the same files");
}

void Group::fail(const std::string& message, int status) {
  if (!distributed()) throw data::Error(message);
  // Rank 0 may be failing the same way (every rank runs the same steps on the same values): it reports, and its
  // SIGUSR1 or the job's end reaches this rank within the wait.
  if (rank_ != 0)
    for (auto start = Clock::now(); !g_quiet && Clock::now() - start < std::chrono::seconds(3);) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (g_quiet) {
    std::this_thread::sleep_for(std::chrono::seconds(10));  // the job ends meanwhile
    std::_Exit(status);
  }
  g_reported = true;
  write_line("ner: error: rank " + std::to_string(rank_) + ": " + message + g_checkpoint_note + "\n");
  for (int r = 0; r < size_; ++r)
    if (r != rank_ && on_this_host(r)) ::kill(static_cast<pid_t>(g_peers[static_cast<std::size_t>(r)].pid), SIGUSR1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // for their signal threads to take note
  data::remove_temporaries();
#ifdef NER_MPI
  MPI_Abort(MPI_COMM_WORLD, status);
#endif
  std::_Exit(status);
}

void Group::finish() {
  if (!distributed()) return;
  barrier("the end of the run");
#ifdef NER_MPI
  MPI_Finalize();
#endif
  size_ = 1;
}

}  // namespace ner
