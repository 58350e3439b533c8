#include "data/normalize.h"

#include <gtest/gtest.h>

#include <string>

namespace data {
namespace {

struct KeyCase {
  const char* name;
  std::string token;
  NormalizeOptions options;
  std::string key;
};

TEST(Normalize, KeysFoldCompatibilityFormsOnly) {
  const NormalizeOptions nfkc;
  NormalizeOptions fold = nfkc;
  fold.case_fold = true;
  NormalizeOptions digits = nfkc;
  digits.digit_class = true;
  NormalizeOptions raw;
  raw.nfkc = false;
  const KeyCase cases[] = {
      {"chinese unchanged", "中", nfkc, "中"},
      {"full-width A", "Ａ", nfkc, "A"},
      {"full-width digit", "９", nfkc, "9"},
      {"full-width comma", "，", nfkc, ","},
      {"U+3000 becomes a space", "\u3000", nfkc, " "},
      {"circled digit", "①", nfkc, "1"},
      {"compatibility ideograph U+F900", "\uF900", nfkc, "\u8C48"},
      {"combining sequence composes", "e\u0301", nfkc, "\u00E9"},
      {"emoji unchanged", "😀", nfkc, "😀"},
      {"case kept by default", "A", nfkc, "A"},
      {"case folded", "Ａ", fold, "a"},
      {"digit class", "７", digits, "0"},
      {"digit class leaves letters", "x", digits, "x"},
      {"circled digit in digit class", "①", digits, "0"},
      {"no NFKC", "Ａ", raw, "Ａ"},
  };
  for (const auto& c : cases) EXPECT_EQ(normalize_key(c.token, c.options), c.key) << c.name;
}

}  // namespace
}  // namespace data
