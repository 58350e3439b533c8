// A weight matrix rounded to bfloat16 for inference on CPUs with AMX (Intel's tile multiply unit, Sapphire Rapids
// and later): G += W H with W and H rounded to bfloat16 (8 significant bits) and products summed in float. One
// tile instruction multiplies 16×32 by 32×16; the recurrence's (4H, H) × (H, B) product for 512×128 W takes 1.2 µs
// for B = 1 and 8 µs for B = 64 (about 1 TFLOP/s) where the float kernel of step_product.h takes 1.7 and 58 µs.
// Each column of G depends only on the same column of H, so a sentence gets the same result in any batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
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

class Bf16Matrix {
 public:
  // True when the CPU has AMX-BF16 and the kernel grants this process the tile state (asked once); always false
  // when Real is not float.
  static bool available();

  explicit Bf16Matrix(const Matrix& W);  // W: (M, K); requires available()

  //                              H: (K, B)  G: (M, B)
  void add_product(const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix> G) const;

 private:
  template <typename HMatrix, typename GMatrix>
  void add_product_in(const HMatrix& H, GMatrix& G) const;  // float only: compiled away when Real is double

  Index rows_, cols_;                  // M, K
  Index row_blocks_, depth_blocks_;    // M / 16 and K / 32, rounded up
  // W in bfloat16 as the tile multiply reads its second operand, one contiguous 1 KB tile per 16 rows of W and 32
  // values of k: tile (rb, kb) starts at (rb · depth_blocks_ + kb) · 256, and its row p holds the pairs
  // (W(r, k), W(r, k+1)), low half first, for k = 32 kb + 2p and r = 16 rb ... 16 rb + 15 (zero past M and K).
  std::vector<std::uint32_t, CacheLineAllocator<std::uint32_t>> tiles_;
};

}  // namespace nn
