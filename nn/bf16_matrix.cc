#include "nn/bf16_matrix.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <type_traits>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#define NER_X86 1
#define NER_AVX512_TARGET __attribute__((target("avx512f,avx512bf16")))
#define NER_AMX_TARGET __attribute__((target("amx-tile,amx-bf16,avx512f,avx512bf16")))
#endif

namespace nn {
namespace {

constexpr Index kTile = 16;           // a tile holds 16 rows of 64 bytes: 16 floats, or 32 bfloat16 (16 pairs)
constexpr Index kDepth = 2 * kTile;   // the 32 products a tile multiply sums into each element
constexpr Index kRowGroup = 4;        // row blocks (64 rows of G) the vector kernel computes at once
constexpr Index kColumnGroup = 6;     // columns of G it computes at once: 4 × 6 accumulators of 16 lanes

// float → bfloat16, rounded to nearest even (finite inputs).
std::uint16_t to_bf16(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<std::uint16_t>(bits >> 16);
}

#if NER_X86
// Tiles 0 and 1 accumulate two 16×16 float blocks of Gᵀ (16 columns of G by 16 rows), tile 4 holds the matching Hᵀ
// (16 columns of H by 32 values of k), tiles 6 and 7 two tiles of W's pairs (16 pairs of k by 16 rows of W). Tiles
// 2, 3 and 5 do the same for the last B mod 16 columns, with that many tile rows; so one configuration serves every
// call with the same B, and it is loaded only when B mod 16 changes.
struct alignas(64) TileConfig {
  std::uint8_t palette = 1, start_row = 0, reserved[14] = {};
  std::uint16_t bytes_per_row[16] = {};
  std::uint8_t rows[16] = {};
};

[[maybe_unused]] NER_AMX_TARGET void configure_tiles(Index tail_columns) {
  thread_local Index configured = -1;
  if (configured == tail_columns) return;
  TileConfig config;
  for (int t = 0; t < 8; ++t) {
    config.bytes_per_row[t] = 64;
    config.rows[t] = kTile;
  }
  if (tail_columns > 0)
    for (int t : {2, 3, 5}) config.rows[t] = static_cast<std::uint8_t>(tail_columns);
  // ldtilecfg by hand: GCC 12 does not count _tile_loadconfig as reading the configuration, and at -O3 without
  // -march=native dropped the stores above (every tile was left with 0 rows: tileloadd faulted).
  asm volatile("ldtilecfg %0" : : "m"(config));
  configured = tail_columns;
}

// Hᵀ in bfloat16: row c of `out` (padded_cols wide) is column c of H, zero past K.
[[maybe_unused]] NER_AVX512_TARGET void round_columns(const float* H, Index h_stride, Index K, Index B, Index padded_cols,
                                                   std::uint16_t* out) {
  for (Index c = 0; c < B; ++c)
    for (Index k = 0; k < padded_cols; k += 16) {
      const Index n = std::clamp<Index>(K - k, 0, 16);
      const __mmask16 valid = static_cast<__mmask16>((1u << n) - 1);
      const __m512 x = _mm512_maskz_loadu_ps(valid, H + c * h_stride + k);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c * padded_cols + k), (__m256i)_mm512_cvtneps_pbh(x));
    }
}

// A block of Gᵀ (`columns` columns of G from c0, 16 rows from r0) as a tile reads and writes it: in place when its
// 16 rows are inside G, else through a copy padded with zero rows.
struct Block {
  float scratch[kTile * kTile];
  float* g;
  Index stride, columns, rows;  // G's column stride; the block's columns, and its rows inside G
  float* data;
  Index bytes_per_row;

  void open(float* block_start, Index stride_, Index columns_, Index rows_inside) {
    g = block_start, stride = stride_, columns = columns_, rows = rows_inside;
    if (rows == kTile) {
      data = g;
      bytes_per_row = stride * static_cast<Index>(sizeof(float));
      return;
    }
    std::fill(std::begin(scratch), std::end(scratch), 0.0f);
    for (Index c = 0; c < columns; ++c) std::copy_n(g + c * stride, rows, scratch + c * kTile);
    data = scratch;
    bytes_per_row = kTile * static_cast<Index>(sizeof(float));
  }
  void close() const {
    if (data == scratch)
      for (Index c = 0; c < columns; ++c) std::copy_n(scratch + c * kTile, rows, g + c * stride);
  }
};

// GCC pastes a tile intrinsic's tile number into the instruction, so the tile must be a literal: these pick one.
// Accumulator a (0-3) multiplies Hᵀ tile 4 (a < 2) or 5 by W tile 6 (a even) or 7.
NER_AMX_TARGET void load_accumulator(int a, const Block& b) {
  switch (a) {
    case 0: _tile_loadd(0, b.data, b.bytes_per_row); break;
    case 1: _tile_loadd(1, b.data, b.bytes_per_row); break;
    case 2: _tile_loadd(2, b.data, b.bytes_per_row); break;
    default: _tile_loadd(3, b.data, b.bytes_per_row); break;
  }
}
NER_AMX_TARGET void store_accumulator(int a, const Block& b) {
  switch (a) {
    case 0: _tile_stored(0, b.data, b.bytes_per_row); break;
    case 1: _tile_stored(1, b.data, b.bytes_per_row); break;
    case 2: _tile_stored(2, b.data, b.bytes_per_row); break;
    default: _tile_stored(3, b.data, b.bytes_per_row); break;
  }
}
NER_AMX_TARGET void multiply_into(int a) {
  switch (a) {
    case 0: _tile_dpbf16ps(0, 4, 6); break;
    case 1: _tile_dpbf16ps(1, 4, 7); break;
    case 2: _tile_dpbf16ps(2, 5, 6); break;
    default: _tile_dpbf16ps(3, 5, 7); break;
  }
}

// Gᵀ(c0.., all rows) += Hᵀ(c0.., :) Wᵀ for one block of `columns` columns, two row blocks at a time, on accumulators
// 0 and 1 with Hᵀ in tile 4, or for the tail block (`tail`) on accumulators 2 and 3 with Hᵀ in tile 5.
[[maybe_unused]] NER_AMX_TARGET void multiply_column_block(const std::uint32_t* tiles, Index row_blocks,
                                                           Index depth_blocks, const std::uint16_t* Ht,
                                                           Index padded_cols, float* g, Index stride, Index M,
                                                           Index columns, bool tail) {
  thread_local Block blocks[2];
  const int first = tail ? 2 : 0;
  const Index tile_words = kTile * kTile, a_bytes = padded_cols * static_cast<Index>(sizeof(std::uint16_t));
  for (Index rb = 0; rb < row_blocks; rb += 2) {
    const int accumulators = rb + 1 < row_blocks ? 2 : 1;
    for (int a = 0; a < accumulators; ++a) {
      blocks[a].open(g + (rb + a) * kTile, stride, columns, std::min(kTile, M - (rb + a) * kTile));
      load_accumulator(first + a, blocks[a]);
    }
    // Gᵀ_block += Σ_k Hᵀ(c, k) Wᵀ(k, r), 32 values of k per tile multiply
    const std::uint32_t* w = tiles + rb * depth_blocks * tile_words;
    for (Index kb = 0; kb < depth_blocks; ++kb) {
      if (tail) _tile_loadd(5, Ht + kb * kDepth, a_bytes);
      else _tile_loadd(4, Ht + kb * kDepth, a_bytes);
      _tile_loadd(6, w + kb * tile_words, 64);
      if (accumulators == 2) _tile_loadd(7, w + (depth_blocks + kb) * tile_words, 64);
      for (int a = 0; a < accumulators; ++a) multiply_into(first + a);
    }
    for (int a = 0; a < accumulators; ++a) {
      store_accumulator(first + a, blocks[a]);
      blocks[a].close();
    }
  }
}

// G(:, 0..C) += W H(:, 0..C) for one group of 4 row blocks (`rows` rows of G from the group's first, at most 64 in
// G): `w` is the group's first row block's words, `h` column 0 of Hᵀ in bfloat16 (columns 2 h_words values apart),
// `pairs` = K / 2.
//   acc[i][c] (16 lanes: rows 16 i ... 16 i + 15) = Σ_q W(r, 2q) H(2q, c) + W(r, 2q+1) H(2q+1, c)
template <int C>
NER_AVX512_TARGET void multiply_row_group(const std::uint32_t* w, Index block_words, Index pairs, const std::uint16_t* h,
                                          Index h_words, float* g, Index stride, Index rows) {
  __m512 acc[kRowGroup][C];
  for (auto& row : acc)
    for (__m512& a : row) a = _mm512_setzero_ps();
  for (Index q = 0; q < pairs; ++q) {
    __m512bh weights[kRowGroup];
    for (Index i = 0; i < kRowGroup; ++i)
      weights[i] = (__m512bh)_mm512_load_si512(w + i * block_words + q * kTile);
    for (int c = 0; c < C; ++c) {
      std::int32_t pair;  // (H(2q, c), H(2q+1, c)), low half first
      std::memcpy(&pair, h + 2 * (c * h_words + q), sizeof pair);
      const __m512bh state = (__m512bh)_mm512_set1_epi32(pair);
      for (Index i = 0; i < kRowGroup; ++i) acc[i][c] = _mm512_dpbf16_ps(acc[i][c], weights[i], state);
    }
  }
  // G += acc, the rows inside G only
  for (Index i = 0; i < kRowGroup && i * kTile < rows; ++i) {
    const Index n = std::min(kTile, rows - i * kTile);
    const __mmask16 inside = static_cast<__mmask16>((1u << n) - 1);
    for (int c = 0; c < C; ++c) {
      float* p = g + c * stride + i * kTile;
      _mm512_mask_storeu_ps(p, inside, _mm512_add_ps(_mm512_maskz_loadu_ps(inside, p), acc[i][c]));
    }
  }
}

// The vector kernel over all of G: groups of 4 row blocks (their words stay in cache while every column passes),
// columns 6 at a time.
[[maybe_unused]] void multiply_by_vectors(const std::uint32_t* tiles, Index row_blocks, Index depth_blocks,
                                          const std::uint16_t* Ht, Index padded_cols, Index B, float* g, Index stride,
                                          Index M) {
  const Index block_words = depth_blocks * kTile * kTile, pairs = padded_cols / 2;
  for (Index rb = 0; rb < row_blocks; rb += kRowGroup) {
    const std::uint32_t* w = tiles + rb * block_words;
    float* group = g + rb * kTile;
    const Index rows = M - rb * kTile;
    for (Index c0 = 0; c0 < B; c0 += kColumnGroup) {
      const std::uint16_t* hc = Ht + c0 * padded_cols;
      float* gc = group + c0 * stride;
      switch (std::min(kColumnGroup, B - c0)) {
        case 1: multiply_row_group<1>(w, block_words, pairs, hc, pairs, gc, stride, rows); break;
        case 2: multiply_row_group<2>(w, block_words, pairs, hc, pairs, gc, stride, rows); break;
        case 3: multiply_row_group<3>(w, block_words, pairs, hc, pairs, gc, stride, rows); break;
        case 4: multiply_row_group<4>(w, block_words, pairs, hc, pairs, gc, stride, rows); break;
        case 5: multiply_row_group<5>(w, block_words, pairs, hc, pairs, gc, stride, rows); break;
        default: multiply_row_group<6>(w, block_words, pairs, hc, pairs, gc, stride, rows); break;
      }
    }
  }
}

bool amx_present() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  const bool amx_bf16 = edx & (1u << 22), amx_tile = edx & (1u << 24);
  if (!amx_bf16 || !amx_tile) return false;
  // Linux hands out the 8 KB tile state only on request (ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA).
  constexpr int kRequestPermission = 0x1023, kTileData = 18;
  return syscall(SYS_arch_prctl, kRequestPermission, kTileData) == 0;
}

// GCC's CPUID check also asks XGETBV whether the operating system saves the AVX-512 registers.
bool avx512_bf16_present() { return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16"); }
#endif

}  // namespace

std::string kernel_name(Bf16Kernel kernel) {
  switch (kernel) {
    case Bf16Kernel::kAmx: return "AMX";
    case Bf16Kernel::kAvx512: return "AVX512_BF16";
    case Bf16Kernel::kNone: break;
  }
  return "none";
}

bool Bf16Matrix::supported(Bf16Kernel kernel) {
#if NER_X86
  if constexpr (!std::is_same_v<Real, float>) return false;
  static const bool avx512 = avx512_bf16_present(), amx = avx512 && amx_present();  // AMX's Hᵀ is rounded by AVX-512
  return (kernel == Bf16Kernel::kAmx && amx) || (kernel == Bf16Kernel::kAvx512 && avx512);
#else
  return false;
#endif
}

Bf16Kernel Bf16Matrix::fastest() {
  for (Bf16Kernel kernel : {Bf16Kernel::kAmx, Bf16Kernel::kAvx512})
    if (supported(kernel)) return kernel;
  return Bf16Kernel::kNone;
}

Bf16Matrix::Bf16Matrix(const Matrix& W, Bf16Kernel kernel)
    : kernel_(kernel),
      rows_(W.rows()),
      cols_(W.cols()),
      row_blocks_((W.rows() + kTile - 1) / kTile),
      depth_blocks_((W.cols() + kDepth - 1) / kDepth),
      tiles_(static_cast<std::size_t>((row_blocks_ + kRowGroup - 1) / kRowGroup * kRowGroup * depth_blocks_ * kTile *
                                      kTile),
             0) {
  [[maybe_unused]] const bool usable = supported(kernel);  // also asks the operating system for the tile state
  assert(usable);
  // Tile (rb, kb), 1 KB: row p holds (W(r, k), W(r, k+1)) for k = 32 kb + 2p and the 16 rows r = 16 rb ...
  for (Index k = 0; k < cols_; ++k)
    for (Index r = 0; r < rows_; ++r) {
      const Index tile = r / kTile * depth_blocks_ + k / kDepth, pair = k % kDepth / 2;
      tiles_[static_cast<std::size_t>((tile * kTile + pair) * kTile + r % kTile)] |=
          std::uint32_t{to_bf16(static_cast<float>(W(r, k)))} << (k % 2 * 16);
    }
}

void Bf16Matrix::add_product(const Eigen::Ref<const Matrix>& H, Eigen::Ref<Matrix> G) const {
  assert(H.rows() == cols_ && G.rows() == rows_ && G.cols() == H.cols());
  add_product_in(H, G);
}

template <typename HMatrix, typename GMatrix>
void Bf16Matrix::add_product_in(const HMatrix& H, GMatrix& G) const {
#if NER_X86
  if constexpr (std::is_same_v<typename GMatrix::Scalar, float>) {
    const Index B = H.cols(), full = B / kTile * kTile, padded_cols = depth_blocks_ * kDepth;
    if (B == 0) return;
    thread_local std::vector<std::uint16_t, CacheLineAllocator<std::uint16_t>> Ht;  // (B, padded K): Hᵀ in bfloat16
    Ht.resize(static_cast<std::size_t>(B * padded_cols));
    round_columns(H.data(), H.outerStride(), cols_, B, padded_cols, Ht.data());
    const Index stride = G.outerStride();
    if (kernel_ == Bf16Kernel::kAvx512) {
      multiply_by_vectors(tiles_.data(), row_blocks_, depth_blocks_, Ht.data(), padded_cols, B, G.data(), stride, rows_);
      return;
    }
    assert(kernel_ == Bf16Kernel::kAmx);
    configure_tiles(B - full);
    for (Index c0 = 0; c0 < full; c0 += kTile)
      multiply_column_block(tiles_.data(), row_blocks_, depth_blocks_, Ht.data() + c0 * padded_cols, padded_cols,
                            G.data() + c0 * stride, stride, rows_, kTile, false);
    if (full < B)
      multiply_column_block(tiles_.data(), row_blocks_, depth_blocks_, Ht.data() + full * padded_cols, padded_cols,
                            G.data() + full * stride, stride, rows_, B - full, true);
    return;
  }
#endif
  assert(false && "Bf16Matrix::add_product on a CPU without its kernel");
}

}  // namespace nn
