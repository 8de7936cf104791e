#include "simulator/fleet/id_tags.hpp"

#include <fstream>
#include <numeric>
#include <sstream>

#include "simulator/core/prng.hpp"
#include "simulator/core/text.hpp"

namespace ocppfleet::fleet {
namespace {

void set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

std::string hex_uid(std::uint64_t seed, std::uint32_t index, int digits) {
  core::Prng prng{core::derive_seed(seed, "id-tag/" + std::to_string(index + 1))};
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (int i = 0; i < digits; ++i)
    out.push_back(kHex[prng.below(16)]);
  return out;
}

bool printable_without_space(std::string_view s) {
  for (const char c : s)
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) return false;
  return true;
}

} // namespace

std::optional<IdTagSource> IdTagSource::from_template(std::string_view text, std::string* error) {
  if (text.empty()) {
    set_error(error, "the idTag template is empty");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    const auto close = text.find('}', i);
    const auto name = text.substr(i + 1, close == std::string_view::npos ? std::string_view::npos : close - i - 1);
    if (close == std::string_view::npos || (name != "n" && name != "identity" && name != "hex8" && name != "hex14")) {
      set_error(error, "unknown placeholder in idTag template '" + std::string{text} +
                           "' (use {n}, {identity}, {hex8} or {hex14})");
      return std::nullopt;
    }
    i = close;
  }
  if (!printable_without_space(text)) {
    set_error(error, "the idTag template has a space or a non-printable character");
    return std::nullopt;
  }
  IdTagSource source;
  source.template_ = std::string{text};
  return source;
}

std::optional<IdTagSource> IdTagSource::from_lines(std::string_view text, std::string* error) {
  IdTagSource source;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = core::trim(text.substr(0, end), " \t\r");
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (line.size() > kMaxIdTagLength || !printable_without_space(line)) {
      set_error(error, "line " + std::to_string(line_no) + ": idTag '" + std::string{line} +
                           "' is not 1-20 printable characters without spaces");
      return std::nullopt;
    }
    source.list_.emplace_back(line);
  }
  if (source.list_.empty()) {
    set_error(error, "no idTags (one per line; '#' starts a comment)");
    return std::nullopt;
  }
  return source;
}

std::optional<IdTagSource> IdTagSource::from_file(const std::string& path, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    set_error(error, path + ": cannot open");
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string why;
  auto source = from_lines(text.str(), &why);
  if (!source) set_error(error, path + ": " + why);
  return source;
}

std::string IdTagSource::for_charger(std::uint64_t seed, std::uint32_t index, std::string_view identity) const {
  if (!list_.empty()) {
    // A seeded Fisher-Yates shuffle of the list's positions: every process of a sharded
    // fleet computes the same order. Lists are small (people write them), so no caching.
    std::vector<std::size_t> order(list_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    core::Prng prng{core::derive_seed(seed, "id-tags/order")};
    for (std::size_t i = order.size(); i > 1; --i)
      std::swap(order[i - 1], order[prng.below(i)]);
    return list_[order[index % order.size()]];
  }
  std::string out;
  for (std::size_t i = 0; i < template_.size(); ++i) {
    if (template_[i] != '{') {
      out.push_back(template_[i]);
      continue;
    }
    const auto close = template_.find('}', i);
    const std::string_view name{template_.data() + i + 1, close - i - 1};
    if (name == "n")
      out += std::to_string(index + 1);
    else if (name == "identity")
      out += identity;
    else if (name == "hex8")
      out += hex_uid(seed, index, 8);
    else
      out += hex_uid(seed, index, 14);
    i = close;
  }
  return out;
}

std::string IdTagSource::describe() const {
  if (!list_.empty()) return "list of " + std::to_string(list_.size()) + " tags";
  return "template " + template_;
}

} // namespace ocppfleet::fleet
