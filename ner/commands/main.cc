#include <cstdlib>  // defines __GLIBC__ on glibc

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "ner/commands/cli.h"

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // The network's workspaces change size with every batch. By default glibc serves large blocks with mmap and
  // returns freed memory to the system, so every batch page-faults its buffers in again (a tenth of training
  // time). Blocks up to 32 MiB come from the heap instead, and freed heap is kept for reuse (peak memory
  // is unchanged: it is set by the largest batch).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's maximum
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
  return ner::run_cli(argc, argv);
}
