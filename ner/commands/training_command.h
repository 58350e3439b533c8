// What both training commands (ner train, ner lm train) do around their trainer: on rank 0 the log on stderr and a
// progress line, SIGINT and SIGTERM asking for a stop between two steps (except in a data-parallel job, which mpirun
// ends), the exit status 128 + the signal after an interruption's message, and the group left at the end.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "ner/commands/cli_common.h"
#include "ner/tagging/progress.h"
#include "ner/training/distributed.h"
#include "ner/training/training_run.h"

namespace ner {

// Runs train(callbacks) with `callbacks` given the log, the progress ("LABEL 0.1234" per character: the callback's
// value) and the stop between two `step`s ("batch"); returns its result.
template <typename Callbacks, typename Train>
auto run_training_command(Group& group, const char* step, const char* label, Callbacks callbacks, Train train) {
  auto progress = std::make_shared<Progress>(/*lines_off_terminal=*/true);
  if (group.rank() == 0) {
    callbacks.log = [](const std::string& line) { std::cerr << line << "\n"; };
    callbacks.progress = [progress, label](std::size_t done, std::size_t total, double value) {
      char detail[48];
      std::snprintf(detail, sizeof detail, "%s %.4f", label, value);
      progress->update(done, total, detail);
    };
  }
  if (!group.distributed()) {
    catch_stop_signals(step);
    callbacks.should_stop = [] { return stop_signal() != 0; };
  }
  try {
    auto result = train(callbacks);
    restore_stop_signals();
    group.finish();
    return result;
  } catch (const Interrupted& e) {
    std::fprintf(stderr, "ner: %s\n", e.what());
    std::exit(128 + stop_signal());
  }
}

}  // namespace ner
