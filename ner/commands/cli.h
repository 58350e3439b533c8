// The command line: the only place that prints errors or exits.
#pragma once

namespace ner {

// Runs `ner SUBCOMMAND ...`; returns the process exit status (0 success, 1 error, 2 usage).
int run_cli(int argc, char** argv);

}  // namespace ner
