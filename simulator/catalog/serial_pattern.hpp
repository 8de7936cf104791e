#pragma once
// Seeded serial numbers from a pattern: literal text with placeholders, e.g.
// `TACW22{digits:2}{digits:2}{upper:1}{digits:4}` -> "TACW2241733K0628".
//
//   {digits:N}  N decimal digits        {upper:N}  N letters A-Z
//   {hex:N}     N hex digits, upper case {alnum:N}  N of 0-9 and A-Z
//   {index:N}   the charger's index, zero-padded to N digits (unique within a fleet)
//   {{ and }}   literal braces
//
// Only our own PRNG (core::Prng) is used, so the same seed gives the same serial on every
// platform; the seed for one charger comes from serial_seed() (a stream per model and index,
// so adding a charger never changes another's serial).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::catalog {

class SerialPattern {
public:
  SerialPattern() = default; // the empty pattern: generates ""

  // nullopt and a reason in `error` when the pattern is malformed.
  static std::optional<SerialPattern> parse(std::string_view text, std::string* error = nullptr);

  [[nodiscard]] const std::string& text() const noexcept { return text_; }
  // Length of every generated serial (with {index:N}, the length while the index fits N digits).
  [[nodiscard]] std::size_t length() const noexcept { return length_; }
  [[nodiscard]] std::string generate(std::uint64_t seed, std::uint64_t index) const;

private:
  enum class Kind { Literal, Digits, Upper, Hex, Alnum, Index };
  struct Part {
    Kind kind = Kind::Literal;
    std::string literal;
    int width = 0;
  };
  std::string text_;
  std::vector<Part> parts_;
  std::size_t length_ = 0;
};

// The seed of charger `index`'s serial in a fleet seeded with `fleet_seed`.
std::uint64_t serial_seed(std::uint64_t fleet_seed, std::string_view model_slug, std::uint64_t index);

} // namespace ocppfleet::catalog
