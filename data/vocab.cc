#include "data/vocab.h"

#include <algorithm>
#include <cassert>

#include "data/binary_io.h"

namespace data {

Vocab::Vocab(bool with_specials) : with_specials_(with_specials) {}

void Vocab::count(std::string_view key, std::size_t times) {
  assert(!frozen_);
  counts_[std::string(key)] += times;
}

void Vocab::freeze(std::size_t min_count) {
  assert(!frozen_);
  std::vector<std::pair<std::string, std::size_t>> kept;
  for (auto& [key, count] : counts_)
    if (count >= min_count && !(with_specials_ && (key == kPadKey || key == kUnkKey))) kept.emplace_back(key, count);
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  keys_.clear();
  slots_.assign(16, -1);
  if (with_specials_) {
    add(kPadKey);
    add(kUnkKey);
  }
  for (auto& entry : kept) add(entry.first);
  frozen_ = true;
}

Vocab Vocab::from_keys(const std::vector<std::string>& keys, bool with_specials) {
  Vocab vocab(with_specials);
  vocab.freeze();
  for (const std::string& key : keys) vocab.add(key);
  return vocab;
}

std::size_t Vocab::slot_of(std::string_view key) const {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = std::hash<std::string_view>{}(key) & mask;
  while (slots_[slot] >= 0 && keys_[static_cast<std::size_t>(slots_[slot])] != key) slot = (slot + 1) & mask;
  return slot;
}

int Vocab::add(const std::string& key) {
  const std::size_t slot = slot_of(key);
  if (slots_[slot] >= 0) return slots_[slot];
  const int id = static_cast<int>(keys_.size());
  keys_.push_back(key);
  slots_[slot] = id;
  reserve(keys_.size());
  return id;
}

void Vocab::reserve(std::size_t keys) {
  std::size_t slots = slots_.size();
  while (2 * keys > slots) slots *= 2;
  if (slots == slots_.size()) return;
  slots_.assign(slots, -1);
  for (std::size_t k = 0; k < keys_.size(); ++k) slots_[slot_of(keys_[k])] = static_cast<int>(k);
}

bool Vocab::contains(std::string_view key) const { return slots_[slot_of(key)] >= 0; }

int Vocab::id(std::string_view key) const {
  const int found = slots_[slot_of(key)];
  if (found >= 0) return found;
  return with_specials_ ? kUnk : kMissing;
}

std::size_t Vocab::count_of(std::string_view key) const {
  auto found = counts_.find(std::string(key));
  return found == counts_.end() ? 0 : found->second;
}

void Vocab::save(std::ostream& out) const {
  assert(frozen_);
  write_pod<std::uint8_t>(out, with_specials_ ? 1 : 0);
  write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(keys_.size()));
  for (const std::string& key : keys_) write_string(out, key);
}

Vocab Vocab::load(std::istream& in, const std::string& origin) {
  Vocab vocab(read_pod<std::uint8_t>(in, origin) != 0);
  auto size = read_pod<std::uint32_t>(in, origin);
  if (size > (1u << 26)) throw Error(origin + ": damaged (vocabulary of " + std::to_string(size) + " keys)");
  vocab.reserve(std::min<std::uint32_t>(size, 1u << 20));  // the table's final size at once (up to a million keys)
  vocab.keys_.reserve(std::min<std::uint32_t>(size, 1u << 20));
  for (std::uint32_t i = 0; i < size; ++i) {
    std::string key = read_string(in, origin);
    if (vocab.add(key) != static_cast<int>(i)) throw Error(origin + ": damaged (duplicate vocabulary key)");
  }
  if (vocab.with_specials_ && (size < 2 || vocab.keys_[0] != kPadKey || vocab.keys_[1] != kUnkKey))
    throw Error(origin + ": damaged (vocabulary without <pad> and <unk>)");
  vocab.frozen_ = true;
  return vocab;
}

}  // namespace data
