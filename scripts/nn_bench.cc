// Forward + backward of one bidirectional recurrent layer on a random batch: time per character and the GFLOP/s
// achieved, counting the matrix products only (input projection, recurrence, and their three backward products).
// Usage: nn_bench [--cell lstm|gru|rnn] [--batch 32] [--steps 50] [--input 100] [--hidden 128] [--threads 1|2]
//                 [--iterations 30]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "nn/birnn.h"

namespace {

long arg(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atol(argv[i + 1]);
  return fallback;
}

std::string arg(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nn;
  const std::string cell_arg = arg(argc, argv, "--cell", "lstm");
  const Index B = arg(argc, argv, "--batch", 32), T = arg(argc, argv, "--steps", 50);
  const Index D = arg(argc, argv, "--input", 100), H = arg(argc, argv, "--hidden", 128);
  const long threads = arg(argc, argv, "--threads", 1), iterations = arg(argc, argv, "--iterations", 30);
  CellType cell = cell_arg == "gru" ? CellType::kGru : cell_arg == "rnn" ? CellType::kRnnTanh : CellType::kLstm;
  const Index gates = cell == CellType::kLstm ? 4 : cell == CellType::kGru ? 3 : 1;

  Rng rng(1);
  BiRnn layer(cell, "bench", D, H);
  layer.init(rng);
  layer.set_parallel(threads >= 2);
  SequenceBatch batch(std::vector<int>(static_cast<std::size_t>(B), static_cast<int>(T)));
  Matrix X = Matrix::Random(D, T * B), dY = Matrix::Random(2 * H, T * B), Y, dX(D, T * B);

  auto run = [&] {
    layer.forward(X, batch, Y, /*training=*/true);
    dX.setZero();
    layer.backward(X, batch, dY, dX);
  };
  run();  // warm-up: sizes every buffer
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < iterations; ++i) run();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / static_cast<double>(iterations);

  // Per character and direction: forward 2·gH·(D+H); backward twice that (dW and dX/dh products).
  const double flops_per_char = 2.0 * 3.0 * 2.0 * static_cast<double>(gates * H * (D + H));
  const double chars = static_cast<double>(B * T);
  std::printf("%-4s B=%ld T=%ld E=%ld H=%ld threads=%ld: %.3f us/char forward+backward, %.0f chars/s, %.1f GFLOP/s (%.2f MFLOP/char)\n",
              cell_arg.c_str(), static_cast<long>(B), static_cast<long>(T), static_cast<long>(D), static_cast<long>(H),
              threads, 1e6 * seconds / chars, chars / seconds, flops_per_char * chars / seconds / 1e9, flops_per_char / 1e6);
  return 0;
}
