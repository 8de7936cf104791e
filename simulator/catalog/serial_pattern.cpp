#include "simulator/catalog/serial_pattern.hpp"

#include <charconv>

#include "simulator/core/prng.hpp"

namespace ocppfleet::catalog {
namespace {

constexpr std::string_view digits = "0123456789";
constexpr std::string_view upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::string_view hex = "0123456789ABCDEF";
constexpr std::string_view alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
// A serial is at most 25 characters in OCPP (1.6 CiString25, 2.0.1 string[25]).
constexpr int max_width = 25;

bool fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return false;
}

} // namespace

std::optional<SerialPattern> SerialPattern::parse(std::string_view text, std::string* error) {
  SerialPattern out;
  out.text_ = std::string{text};
  const auto add_literal = [&](char c) {
    if (out.parts_.empty() || out.parts_.back().kind != Kind::Literal) out.parts_.push_back(Part{});
    out.parts_.back().literal += c;
    ++out.length_;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        add_literal('}');
        ++i;
        continue;
      }
      fail(error, "unmatched '}' at offset " + std::to_string(i) + " (write '}}' for a literal brace)");
      return std::nullopt;
    }
    if (c != '{') {
      add_literal(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      add_literal('{');
      ++i;
      continue;
    }
    const std::size_t close = text.find('}', i);
    if (close == std::string_view::npos) {
      fail(error, "unclosed '{' at offset " + std::to_string(i));
      return std::nullopt;
    }
    const std::string_view body = text.substr(i + 1, close - i - 1);
    const std::size_t colon = body.find(':');
    const std::string_view name = body.substr(0, colon);
    Part part;
    if (name == "digits")
      part.kind = Kind::Digits;
    else if (name == "upper")
      part.kind = Kind::Upper;
    else if (name == "hex")
      part.kind = Kind::Hex;
    else if (name == "alnum")
      part.kind = Kind::Alnum;
    else if (name == "index")
      part.kind = Kind::Index;
    else {
      fail(error, "unknown placeholder {" + std::string{body} + "} (digits, upper, hex, alnum, index)");
      return std::nullopt;
    }
    const std::string_view width = colon == std::string_view::npos ? std::string_view{} : body.substr(colon + 1);
    const auto [end, ec] = std::from_chars(width.data(), width.data() + width.size(), part.width);
    if (width.empty() || ec != std::errc{} || end != width.data() + width.size() || part.width < 1 ||
        part.width > max_width) {
      fail(error, "placeholder {" + std::string{body} + "} needs a width 1.." + std::to_string(max_width) + ", e.g. {" +
                      std::string{name} + ":6}");
      return std::nullopt;
    }
    out.length_ += static_cast<std::size_t>(part.width);
    out.parts_.push_back(std::move(part));
    i = close;
  }
  return out;
}

std::string SerialPattern::generate(std::uint64_t seed, std::uint64_t index) const {
  core::Prng prng{seed};
  std::string out;
  out.reserve(length_);
  const auto draw = [&](std::string_view alphabet, int n) {
    for (int k = 0; k < n; ++k)
      out += alphabet[prng.below(alphabet.size())];
  };
  for (const Part& p : parts_) {
    switch (p.kind) {
    case Kind::Literal: out += p.literal; break;
    case Kind::Digits: draw(digits, p.width); break;
    case Kind::Upper: draw(upper, p.width); break;
    case Kind::Hex: draw(hex, p.width); break;
    case Kind::Alnum: draw(alnum, p.width); break;
    case Kind::Index: {
      const std::string n = std::to_string(index);
      if (n.size() < static_cast<std::size_t>(p.width)) out.append(static_cast<std::size_t>(p.width) - n.size(), '0');
      out += n;
      break;
    }
    }
  }
  return out;
}

std::uint64_t serial_seed(std::uint64_t fleet_seed, std::string_view model_slug, std::uint64_t index) {
  return core::derive_seed(fleet_seed, "serial/" + std::string{model_slug} + '/' + std::to_string(index));
}

} // namespace ocppfleet::catalog
