// A weight matrix rounded to bfloat16 for inference: G += W H with W and H rounded to bfloat16 (8 significant bits)
// and products summed in float, by one of two kernels, picked at run time from CPUID:
// - AMX (Intel's tile multiply unit, Sapphire Rapids and later): one tile instruction multiplies 16×32 by 32×16; the
//   recurrence's (4H, H) × (H, B) product for 512×128 W takes 1.2 µs for B = 1 and 8 µs for B = 64 (about 1
//   TFLOP/s) where the float kernel of step_product.h takes 1.7 and 58 µs.
// - AVX512_BF16 (AMD Zen 4 and later, Intel Cooper Lake and later): vdpbf16ps adds two bfloat16 products into each of
//   16 float lanes.
// Each column of G depends only on the same column of H, so a sentence gets the same result in any batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "nn/tensor.h"

namespace nn {

// Storage on 64-byte boundaries: a tile row that straddles two cache lines halves the tile loads' speed.
template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64})); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t{64}); }
  bool operator==(const CacheLineAllocator&) const { return true; }
  bool operator!=(const CacheLineAllocator&) const { return false; }
};

enum class Bf16Kernel { kNone, kAmx, kAvx512 };
std::string kernel_name(Bf16Kernel kernel);  // "none", "AMX", "AVX512_BF16"

class Bf16Matrix {
 public:
  // Whether this CPU can run `kernel`: AMX when it has AMX-BF16 and the operating system grants this process the tile
  // state (asked once); AVX512_BF16 when it has AVX512F and AVX512_BF16 with their register state enabled. Always
  // false when Real is not float, and for kNone.
  static bool supported(Bf16Kernel kernel);
  // AMX where supported, else AVX512_BF16 where supported, else kNone.
  static Bf16Kernel fastest();

  Bf16Matrix(const Matrix& W, Bf16Kernel kernel);  // W: (M, K); requires supported(kernel)
  Bf16Kernel kernel() const { return kernel_; }

  //                              H: (K, B)  G: (M, B)
  void add_product(const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix> G) const;

 private:
  template <typename HMatrix, typename GMatrix>
  void add_product_in(const HMatrix& H, GMatrix& G) const;  // float only: compiled away when Real is double

  Bf16Kernel kernel_;
  Index rows_, cols_;                  // M, K
  Index row_blocks_, depth_blocks_;    // M / 16 and K / 32, rounded up
  // W in bfloat16 as the tile multiply reads its second operand, one contiguous 1 KB tile per 16 rows of W and 32
  // values of k: tile (rb, kb) starts at (rb · depth_blocks_ + kb) · 256, and its row p holds the pairs
  // (W(r, k), W(r, k+1)), low half first, for k = 32 kb + 2p and r = 16 rb ... 16 rb + 15 (zero past M and K, and
  // in whole zero row blocks up to a multiple of 4, the vector kernel's group). The same words are the vector
  // kernel's operands: the 16 pairs of k for rows 16 rb ... 16 rb + 15 at (rb · depth_blocks_ · 16 + k / 2) · 16.
  std::vector<std::uint32_t, CacheLineAllocator<std::uint32_t>> tiles_;
};

}  // namespace nn
