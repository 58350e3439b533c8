#include "ner/model/model_io.h"

#include <sys/stat.h>
#include <libdeflate.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <type_traits>
#include <vector>

#include "data/output_file.h"
#include "data/binary_io.h"
#include "data/error.h"
#include "data/json_field.h"
#include "data/text_file.h"
#include "ner/lm/lm_file.h"
#include "ner/model/config.h"
#include "ner/model/file_container.h"

namespace ner {

void check_model_outputs(const std::string& model_path, const std::string& checkpoint_path, const std::string& resume_path,
                         bool overwrite, const FileKind& kind) {
  for (const std::string& path : {model_path, checkpoint_path}) {
    if (path.empty()) continue;  // no checkpoint asked for
    const data::OutputTarget target = data::classify_output(path);
    if (target.kind != data::OutputKind::kReplace && target.kind != data::OutputKind::kCreate)
      throw data::Error(path + ": a model or checkpoint must be a file (a regular file or a new path), not a device or FIFO");
    if (path != checkpoint_path && data::is_an_input(path, {resume_path}))
      throw data::Error(path + ": is the checkpoint being resumed; give another --model");
    if (target.kind != data::OutputKind::kReplace || !resume_path.empty() || overwrite) continue;
    std::error_code error;
    if (path == model_path && !checkpoint_path.empty() && std::filesystem::is_regular_file(checkpoint_path, error))
      throw data::Error(path + ": a " + kind.name + " of that name exists; give --overwrite to replace it, --resume " +
                        checkpoint_path + " to continue its training, or another --model");
    if (path == model_path)
      throw data::Error(path + ": a " + kind.name + " of that name exists; give --overwrite to replace it or another --model");
    if (path == checkpoint_path)
      throw data::Error(path + ": a checkpoint of an earlier run exists; give --resume " + path +
                        " to continue it, or --overwrite to start afresh");
  }
}

namespace {

std::string model_payload(Model& model, const nlohmann::json& summary) {
  std::ostringstream out;
  nlohmann::json header = {{"config", model.config().to_json()}, {"summary", summary}};
  data::write_string(out, header.dump());
  model.vocabularies().save(out, model.config());
  if (LanguageModel* lm = model.language_model()) data::write_string(out, lm_payload(*lm, nlohmann::json::object()));
  write_params(out, model.params());
  return out.str();
}

// A lower bound of the parameter values that `config` and `vocab` need (the embedding tables and one layer of the
// smallest cell), so that a damaged configuration cannot ask for gigabytes before the parameters are read.
std::uint64_t least_values(const ModelConfig& config, const Vocabularies& vocab) {
  const auto input = static_cast<std::uint64_t>(input_width(config));
  return vocab.embedding_values(config) + 2ull * static_cast<std::uint64_t>(config.hidden) * (input + static_cast<std::uint64_t>(config.hidden));
}

// A model payload of `size` bytes from `in`'s current position (which it leaves at the payload's end).
LoadedModel parse_payload(std::istream& in, std::uint64_t size, const std::string& origin) {
  const std::streamoff start = in.tellg();
  auto consumed = [&] { return static_cast<std::uint64_t>(in.tellg() - start); };
  nlohmann::json header = nlohmann::json::parse(data::read_string(in, origin, 1u << 24), nullptr, false);
  if (header.is_discarded() || !header.is_object() || !header.contains("config"))
    throw data::Error(origin + ": damaged (unreadable header)");
  ModelConfig config = ModelConfig::from_json(header["config"], origin);
  Vocabularies vocab = Vocabularies::load(in, config, origin);
  std::unique_ptr<LanguageModel> lm;
  if (config.lm_features > 0)
    lm = parse_lm_payload(data::read_string(in, origin, static_cast<std::uint32_t>(std::min<std::uint64_t>(size - consumed(), 1u << 31))), origin).lm;
  const std::uint64_t remaining = size - consumed();
  if (least_values(config, vocab) > remaining / sizeof(float))
    throw data::Error(origin + ": damaged (the configuration needs more parameters than the file holds)");
  LoadedModel loaded;
  try {
    loaded.model = std::make_unique<Model>(config, std::move(vocab), std::move(lm));
  } catch (const data::Error& e) {
    throw data::Error(origin + ": damaged (" + e.what() + ")");
  }
  loaded.summary = header.value("summary", nlohmann::json::object());
  read_params(in, loaded.model->params(), origin);
  if (consumed() != size) throw data::Error(origin + ": damaged (trailing bytes)");
  return loaded;
}

}  // namespace

LoadedModel parse_model_payload(std::string_view payload, const std::string& origin) {
  data::ViewStream in(payload);
  return parse_payload(in, payload.size(), origin);
}

void save_model(Model& model, const nlohmann::json& summary, const std::string& path) {
  data::write_output_file(path, wrap_file(kModelKind, model_payload(model, summary)));
}

LoadedModel parse_model(const std::string& bytes, const std::string& origin) {
  return parse_model_payload(unwrap_file(kModelKind, bytes, origin), origin);
}

namespace {

// The payload of a model file read once: a megabyte at a time from `file`, each chunk added to a CRC-32 as it comes.
class ChecksummedPayload : public std::streambuf {
 public:
  ChecksummedPayload(std::istream& file, std::uint64_t size) : file_(file), left_(size), buffer_(1 << 20) {}

  // The CRC-32 of the whole payload, reading what parsing left.
  std::uint32_t finish() {
    while (underflow() != traits_type::eof()) setg(egptr(), egptr(), egptr());
    return crc_;
  }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (left_ == 0) return traits_type::eof();
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, buffer_.size()));
    if (!file_.read(buffer_.data(), static_cast<std::streamsize>(n))) return traits_type::eof();  // shorter than said
    crc_ = libdeflate_crc32(crc_, buffer_.data(), n);
    left_ -= n;
    before_ += static_cast<std::uint64_t>(egptr() - eback());
    setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
    return traits_type::to_int_type(*gptr());
  }
  // Only the position is asked for (parse_payload's byte count).
  pos_type seekoff(off_type offset, std::ios_base::seekdir dir, std::ios_base::openmode) override {
    if (dir != std::ios_base::cur || offset != 0) return pos_type(off_type(-1));
    return pos_type(static_cast<off_type>(before_ + static_cast<std::uint64_t>(gptr() - eback())));
  }

 private:
  std::istream& file_;
  std::uint64_t left_, before_ = 0;  // payload bytes not yet read from the file; bytes of the earlier chunks
  std::vector<char> buffer_;
  std::uint32_t crc_ = 0;  // libdeflate_crc32's starting value
};

}  // namespace

LoadedModel load_model(const std::string& path) {
  // One pass over the file, parsing as it is read and checking the CRC-32 at the end, instead of its bytes in memory
  // (a model's peak memory is then about its parameters). A damaged file is reported as such even when parsing
  // fails first on the damage.
  // A pipe, FIFO or device (no size to check, no seeking) is read into memory first, as many bytes as its header
  // says (a megabyte at a time, so that a false size fails at the data's end), then checked like a file.
  struct stat info;
  if (path == "-" || (::stat(path.c_str(), &info) == 0 && !S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode))) {
    std::ifstream file;
    if (path != "-") file.open(path, std::ios::binary);
    std::istream& stream = path == "-" ? std::cin : file;
    if (!stream) throw data::Error(path + ": cannot open: " + std::strerror(errno));
    std::string bytes(kHeader, '\0');
    stream.read(bytes.data(), static_cast<std::streamsize>(kHeader));
    bytes.resize(static_cast<std::size_t>(stream.gcount()));
    std::uint64_t size = 0;
    if (bytes.size() == kHeader) std::memcpy(&size, bytes.data() + 12, 8);
    check_container(kModelKind, bytes, kHeader + size + kTrailer, path);  // magic and version; the length below
    for (std::uint64_t left = size + kTrailer; left > 0 && stream;) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, 1 << 20)), had = bytes.size();
      bytes.resize(had + n);
      stream.read(bytes.data() + had, static_cast<std::streamsize>(n));
      bytes.resize(had + static_cast<std::size_t>(stream.gcount()));
      left -= static_cast<std::uint64_t>(stream.gcount());
    }
    if (stream && stream.peek() != std::char_traits<char>::eof())
      throw data::Error(path + ": damaged model file (more than the " + std::to_string(kHeader + size + kTrailer) +
                        " bytes its header gives)");
    return parse_model(bytes, path);
  }
  if (::stat(path.c_str(), &info) != 0 && errno == ENOENT && path == shipped_model_path())
    throw data::Error(path + ": no such file: the shipped model is looked for beside the ner binary or Python module "
                      "(share/ner/ of its prefix, or the sources' models/ from a build folder); give --model FILE or set NER_MODEL");
  data::check_input_file(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data::Error(path + ": cannot open: " + std::strerror(errno));
  std::string head(kHeader, '\0');
  in.read(head.data(), static_cast<std::streamsize>(kHeader));
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(0, std::ios::end);
  const std::uint64_t total = static_cast<std::uint64_t>(in.tellg());
  const std::uint64_t size = check_container(kModelKind, head, total, path);
  in.seekg(static_cast<std::streamoff>(kHeader));
  ChecksummedPayload payload(in, size);
  std::istream payload_stream(&payload);
  auto check = [&] {
    const std::uint32_t computed = payload.finish();
    if (!in) throw data::Error(path + ": cannot read: file changed while reading");
    check_crc(kModelKind, computed, data::read_pod<std::uint32_t>(in, path), path);
  };
  LoadedModel loaded;
  try {
    loaded = parse_payload(payload_stream, size, path);
  } catch (...) {
    check();  // the checksum's error when the bytes are damaged
    throw;
  }
  check();
  return loaded;
}

void save_checkpoint(Model& model, nn::Optimizer& optimizer, const std::vector<nn::Matrix>& averages,
                     const nlohmann::json& state, const std::string& path) {
  std::ostringstream out;
  data::write_string(out, model_payload(model, nlohmann::json::object()));
  nlohmann::json full = state;
  full["optimizer_steps"] = optimizer.steps();
  data::write_string(out, full.dump());
  write_moments(out, optimizer);
  data::write_pod<std::uint32_t>(out, static_cast<std::uint32_t>(averages.size()));
  for (const nn::Matrix& average : averages) write_matrix(out, average);
  data::write_output_file(path, wrap_file(kCheckpointKind, out.str()));
}

namespace {

nlohmann::json read_state(data::ViewStream& in, const std::string& path) {
  nlohmann::json state = nlohmann::json::parse(data::read_string(in, path, 1u << 30), nullptr, false);
  if (state.is_discarded() || !state.is_object()) throw data::Error(path + ": damaged (unreadable state)");
  return state;
}

}  // namespace

nlohmann::json read_checkpoint_state(const std::string& path) {
  const std::string bytes = data::read_file(path);
  data::ViewStream in(unwrap_file(kCheckpointKind, bytes, path));
  data::read_string(in, path, 1u << 31);  // the model
  return read_state(in, path);
}

LoadedCheckpoint load_checkpoint(const std::string& path) {
  const std::string bytes = data::read_file(path);
  data::ViewStream in(unwrap_file(kCheckpointKind, bytes, path));
  LoadedCheckpoint checkpoint;
  checkpoint.model = parse_model_payload(data::read_string(in, path, 1u << 31), path).model;
  checkpoint.state = read_state(in, path);
  checkpoint.optimizer_steps = data::optional_json_field<long>(checkpoint.state, "optimizer_steps", 0L, path, "checkpoint state");
  nn::ParamList params = checkpoint.model->params();
  read_moments(in, params, checkpoint.first_moments, checkpoint.second_moments, path);
  // The weight averages (none when training without --average).
  auto count = data::read_pod<std::uint32_t>(in, path);
  if (count != 0 && count != params.size()) throw data::Error(path + ": damaged (weight averages do not match the model)");
  for (std::uint32_t p = 0; p < count; ++p) {
    nn::Matrix average(params[p]->value.rows(), params[p]->value.cols());
    read_matrix(in, average, path, params[p]->name + " (average)");
    checkpoint.averages.push_back(std::move(average));
  }
  return checkpoint;
}

}  // namespace ner
