// Forward + backward of one bidirectional recurrent layer on a random batch: time per character and the GFLOP/s
// achieved, counting the matrix products only (input projection, recurrence, and their three backward products).
// Usage: nn_bench [--cell lstm|gru|rnn] [--batch 32] [--steps 50] [--input 100] [--hidden 128] [--threads 1|2]
//                 [--iterations 30]
// With --product M K B instead: the inference product G += W H, W (M, K), H (K, B), by the float step kernel and
// by each bfloat16 kernel this CPU has: microseconds per product and GFLOP/s.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "nn/bf16_matrix.h"
#include "nn/birnn.h"
#include "nn/param.h"
#include "nn/step_product.h"

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

// Time per call: after a warm-up, enough calls for 0.2 s.
template <typename F>
double microseconds_per_call(F&& f) {
  f();
  long calls = 1;
  for (;;) {
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < calls; ++i) f();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds > 0.2) return 1e6 * seconds / static_cast<double>(calls);
    calls *= 2;
  }
}

int product_benchmark(nn::Index M, nn::Index K, nn::Index B) {
  using namespace nn;
  const Matrix W = Matrix::Random(M, K), H = Matrix::Random(K, B);
  Matrix G = Matrix::Zero(M, B);
  const double flops = 2.0 * static_cast<double>(M * K * B);
  auto report = [&](const char* name, double us) {
    std::printf("G += W H, W %ldx%ld, H %ldx%ld, %-12s %9.2f us  %6.1f GFLOP/s\n", static_cast<long>(M),
                static_cast<long>(K), static_cast<long>(K), static_cast<long>(B), name, us, flops / us / 1e3);
  };
  report("float:", microseconds_per_call([&] { add_step_product(W, H, G); }));
  for (Bf16Kernel kernel : {Bf16Kernel::kAmx, Bf16Kernel::kAvx512}) {
    const std::string name = kernel_name(kernel) + ":";
    if (!Bf16Matrix::supported(kernel)) {
      std::printf("%s not on this CPU\n", name.c_str());
      continue;
    }
    const Bf16Matrix packed(W, kernel);
    report(name.c_str(), microseconds_per_call([&] { packed.add_product(H, G); }));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nn;
  for (int i = 1; i + 3 < argc; ++i)
    if (std::strcmp(argv[i], "--product") == 0)
      return product_benchmark(std::atol(argv[i + 1]), std::atol(argv[i + 2]), std::atol(argv[i + 3]));
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
  zero_grads(layer.params());  // allocates the gradients backward adds to
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
