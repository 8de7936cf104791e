#pragma once
// Per-charger idTags for fleet sessions (`ocppfleet run --sessions`). One tag for the whole
// fleet makes every charger after the first get ConcurrentTx on a CSMS that allows one
// transaction per tag, so each charger gets its own: from a template (`TAG-{n}`, the default
// `{hex8}` is a seeded 4-byte card UID) or from a list file, dealt out in a seeded order.
// Everything is keyed by the fleet index and the seed, so the processes of a sharded fleet
// and every rerun with the same seed give each charger the same tag.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::fleet {

// OCPP 1.6 idTag is CiString20; a rendered tag longer than that is an error.
inline constexpr std::size_t kMaxIdTagLength = 20;

class IdTagSource {
public:
  // Placeholders: {n} (1-based fleet index), {identity}, {hex8} and {hex14} (a seeded
  // 4- or 7-byte card UID in upper-case hex, per charger). Anything else in braces is an
  // error, as is an empty template.
  static std::optional<IdTagSource> from_template(std::string_view text, std::string* error = nullptr);
  // One tag per line; blank lines and lines starting with '#' are skipped; surrounding spaces
  // are trimmed. Errors name the line: a tag over 20 characters or with a space or control
  // character; a file without tags.
  static std::optional<IdTagSource> from_lines(std::string_view text, std::string* error = nullptr);
  static std::optional<IdTagSource> from_file(const std::string& path, std::string* error = nullptr);

  // The tag of the charger at `index` (0-based fleet position). From a list, tags are dealt
  // in a seeded shuffled order: distinct for as many chargers as the list has tags, then
  // they repeat.
  [[nodiscard]] std::string for_charger(std::uint64_t seed, std::uint32_t index, std::string_view identity) const;
  [[nodiscard]] std::string describe() const; // "template TAG-{n}" / "list of 40 tags"

private:
  std::string template_;
  std::vector<std::string> list_;
};

} // namespace ocppfleet::fleet
