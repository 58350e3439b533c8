// Fuzz target: the model loader. The bytes are read twice: as a whole model file (magic, version, size, checksum)
// and as a payload whose checksum has already passed, since a mutated file almost never matches its CRC-32.
// A data::Error is the expected answer to bad input; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/error.h"
#include "ner/model/model_io.h"
#include "ner/tagging/tagger.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(bytes), size);
  try {
    ner::parse_model(input, "fuzz");
  } catch (const data::Error&) {
  }
  try {
    ner::LoadedModel loaded = ner::parse_model_payload(input, "fuzz");
    // A model that loads must tag.
    ner::predict_tags({loaded.model.get()}, {{"张", "伟", "在", "北", "京"}}, 1);
  } catch (const data::Error&) {
  }
  return 0;
}
