// A vocabulary of string keys (characters, bigrams, tags): counted while open, then frozen into ids.
// With specials, id 0 is <pad> and id 1 is <unk>, and unknown keys map to <unk>.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace data {

class Vocab {
 public:
  static constexpr int kPad = 0;
  static constexpr int kUnk = 1;
  static constexpr int kMissing = -1;  // id() of an unknown key in a vocabulary without specials
  static inline const std::string kPadKey = "<pad>";
  static inline const std::string kUnkKey = "<unk>";

  explicit Vocab(bool with_specials = true);

  // Counting, before freeze().
  void count(std::string_view key, std::size_t times = 1);

  // Assigns ids: specials first, then keys seen at least `min_count` times by falling count, ties by key (so the
  // ids do not depend on the order of counting).
  void freeze(std::size_t min_count = 1);

  // A frozen vocabulary of exactly these keys in this order (after the specials, if any).
  static Vocab from_keys(const std::vector<std::string>& keys, bool with_specials);

  // Adds a key to a frozen vocabulary (e.g. from pretrained vectors); returns its id.
  int add(const std::string& key);

  bool frozen() const { return frozen_; }
  bool with_specials() const { return with_specials_; }
  std::size_t size() const { return keys_.size(); }
  bool contains(std::string_view key) const;
  int id(std::string_view key) const;  // kUnk (or kMissing without specials) for an unknown key
  const std::string& key(int id) const { return keys_.at(static_cast<std::size_t>(id)); }
  const std::vector<std::string>& keys() const { return keys_; }
  std::size_t count_of(std::string_view key) const;  // counts are kept until freeze()

  void save(std::ostream& out) const;
  static Vocab load(std::istream& in, const std::string& origin);

 private:
  bool with_specials_;
  bool frozen_ = false;
  std::unordered_map<std::string, std::size_t> counts_;
  std::vector<std::string> keys_;
  // Key -> id: an open-addressing table of ids (linear probing, at most half full) whose keys are keys_[id]: about
  // 8 bytes a key where a hash map of strings took 70, and a view is looked up without building a string.
  std::vector<int> slots_ = std::vector<int>(16, -1);  // -1: empty

  std::size_t slot_of(std::string_view key) const;  // the slot holding key's id, or the empty one it would take
  void reserve(std::size_t keys);  // slots for that many keys (doubling), every id placed again when they grow
};

}  // namespace data
