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
  ids_.clear();
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

int Vocab::add(const std::string& key) {
  auto found = ids_.find(key);
  if (found != ids_.end()) return found->second;
  int id = static_cast<int>(keys_.size());
  ids_.emplace(key, id);
  keys_.push_back(key);
  return id;
}

bool Vocab::contains(std::string_view key) const { return ids_.count(std::string(key)) != 0; }

int Vocab::id(std::string_view key) const {
  auto found = ids_.find(std::string(key));
  if (found != ids_.end()) return found->second;
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
