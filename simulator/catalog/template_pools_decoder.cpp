// The `pools:` section of a CPO template: countries (cities, streets, currency), parking
// types, facilities and opening hours (docs/templates.md, "pools").
#include <algorithm>
#include <cctype>

#include "simulator/catalog/cpo_template_decoder.hpp"
#include "simulator/catalog/ocpi_vocabulary.hpp"
#include "simulator/catalog/template_fields.hpp"

namespace ocppfleet::catalog {
namespace {

// Area/Location[/Sub] with letters, digits, '_', '-', '+': the IANA zone name shape. We do
// not read the machine's tz database: what validates must not depend on the machine.
bool is_tz_name(std::string_view s) {
  static constexpr std::string_view areas[] = {"Africa/",    "America/", "Antarctica/", "Asia/",   "Atlantic/",
                                               "Australia/", "Europe/",  "Indian/",     "Pacific/"};
  const bool known_area = std::any_of(std::begin(areas), std::end(areas), [&](auto a) { return s.starts_with(a); });
  return known_area && s.back() != '/' && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '-' || c == '+';
         });
}

void decode_city(const YamlNode& node, const std::string& path, FieldReader& r, TemplateCity& out) {
  if (!r.expect_map(node, path, {"name", "latitude", "longitude", "spread", "time_zone", "postal_code"})) return;
  r.read(node, "name", path, true, out.name);
  if (const YamlNode* v = r.get(node, "latitude", path, true))
    if (auto n = read_fixed(r, *v, join_path(path, "latitude"), 6, -90'000'000, 90'000'000)) out.latitude_e6 = *n;
  if (const YamlNode* v = r.get(node, "longitude", path, true))
    if (auto n = read_fixed(r, *v, join_path(path, "longitude"), 6, -180'000'000, 180'000'000)) out.longitude_e6 = *n;
  // Scatter around the centre, in degrees; 0.5 degrees is already a region, not a city.
  out.radius_e6 = 20'000;
  if (const YamlNode* v = r.get(node, "spread", path, false))
    if (auto n = read_fixed(r, *v, join_path(path, "spread"), 6, 0, 500'000)) out.radius_e6 = *n;
  if (r.read(node, "time_zone", path, true, out.time_zone) && !is_tz_name(out.time_zone))
    r.error(node.find("time_zone")->value.mark, join_path(path, "time_zone"),
            "'" + out.time_zone + "' is not an IANA time zone name (Area/Location, e.g. Europe/Paris)");
  std::string pattern;
  if (r.read(node, "postal_code", path, true, pattern)) {
    std::string why;
    const YamlNode& at = node.find("postal_code")->value;
    if (auto p = SerialPattern::parse(pattern, &why)) {
      out.postal_code = std::move(*p);
      if (out.postal_code.length() == 0 || out.postal_code.length() > 10)
        r.error(at.mark, join_path(path, "postal_code"), "postal codes must be 1 to 10 characters");
    } else {
      r.error(at.mark, join_path(path, "postal_code"), why);
    }
  }
}

void decode_country(const YamlEntry& e, const std::string& path, FieldReader& r, TemplateCountry& out) {
  out.code = e.key;
  const bool code_ok = out.code.size() == 2 &&
                       std::all_of(out.code.begin(), out.code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!code_ok) r.error(e.key_mark, path, "'" + out.code + "' is not an ISO 3166-1 alpha-2 code (FR, DE, ...)");
  const YamlNode& node = e.value;
  if (!r.expect_map(node, path, {"alpha3", "currency", "cities", "streets"})) return;
  if (r.read(node, "alpha3", path, true, out.alpha3))
    check_upper_code(r, node.find("alpha3")->value, join_path(path, "alpha3"), out.alpha3, 3,
                     "an ISO 3166-1 alpha-3 code (FRA, DEU, ...)");
  if (r.read(node, "currency", path, true, out.currency))
    check_upper_code(r, node.find("currency")->value, join_path(path, "currency"), out.currency, 3,
                     "an ISO 4217 currency code (EUR, GBP, ...)");
  if (r.read(node, "streets", path, true, out.streets) && out.streets.empty())
    r.error(node.find("streets")->value.mark, join_path(path, "streets"), "must list at least one street");
  const YamlNode* cities = r.get(node, "cities", path, true);
  const std::string cpath = join_path(path, "cities");
  if (!cities || !r.expect_list(*cities, cpath)) return;
  if (cities->items.empty()) r.error(cities->mark, cpath, "must list at least one city");
  for (std::size_t i = 0; i < cities->items.size(); ++i) {
    TemplateCity c;
    decode_city(cities->items[i], index_path(cpath, i), r, c);
    out.cities.push_back(std::move(c));
  }
}

void decode_hours(const YamlNode& node, const std::string& path, FieldReader& r, OpeningHoursOption& out) {
  if (!r.expect_map(node, path, {"weight", "twentyfourseven", "regular_hours"})) return;
  r.read(node, "weight", path, false, out.weight, 1, 1000);
  r.read(node, "twentyfourseven", path, false, out.twentyfourseven);
  const YamlNode* hours = r.get(node, "regular_hours", path, !out.twentyfourseven);
  const std::string hpath = join_path(path, "regular_hours");
  if (hours && out.twentyfourseven) {
    r.error(hours->mark, hpath, "a twentyfourseven option has no regular_hours");
    return;
  }
  if (!hours || !r.expect_list(*hours, hpath)) return;
  if (hours->items.empty()) r.error(hours->mark, hpath, "must list at least one period");
  for (std::size_t i = 0; i < hours->items.size(); ++i) {
    const YamlNode& p = hours->items[i];
    const std::string ppath = index_path(hpath, i);
    if (!r.expect_map(p, ppath, {"weekdays", "begin", "end"})) continue;
    std::string begin;
    std::string end;
    if (r.read(p, "begin", ppath, true, begin) && !is_hh_mm(begin, false))
      r.error(p.find("begin")->value.mark, join_path(ppath, "begin"), "expected HH:MM (00:00 to 23:59)");
    if (r.read(p, "end", ppath, true, end) && !is_hh_mm(end, true))
      r.error(p.find("end")->value.mark, join_path(ppath, "end"), "expected HH:MM (00:00 to 24:00)");
    else if (!begin.empty() && end <= begin)
      r.error(p.find("end")->value.mark, join_path(ppath, "end"), "must be after begin (" + begin + ")");
    const YamlNode* days = r.get(p, "weekdays", ppath, true);
    if (!days || !r.expect_list(*days, join_path(ppath, "weekdays"))) continue;
    for (std::size_t d = 0; d < days->items.size(); ++d) {
      if (auto day = r.integer(days->items[d], index_path(join_path(ppath, "weekdays"), d), 1, 7))
        out.regular_hours.push_back(RegularHours{static_cast<int>(*day), begin, end});
    }
  }
  // OCPI lists periods by weekday; keep the file's order within a day.
  std::stable_sort(out.regular_hours.begin(), out.regular_hours.end(),
                   [](const RegularHours& a, const RegularHours& b) { return a.weekday < b.weekday; });
}

} // namespace

void decode_pools(const YamlNode& node, const std::string& path, FieldReader& r, TemplatePools& out) {
  if (!r.expect_map(node, path, {"countries", "parking_types", "facilities", "opening_hours"})) return;
  const std::string cpath = join_path(path, "countries");
  if (const YamlNode* countries = r.get(node, "countries", path, true)) {
    if (!countries->is_map()) {
      r.error(countries->mark, cpath, "expected a map of country codes, found " + countries->describe());
    } else {
      if (countries->entries.empty()) r.error(countries->mark, cpath, "must name at least one country");
      for (const YamlEntry& e : countries->entries) {
        TemplateCountry c;
        decode_country(e, join_path(cpath, e.key), r, c);
        out.countries.push_back(std::move(c));
      }
      std::sort(out.countries.begin(), out.countries.end(),
                [](const TemplateCountry& a, const TemplateCountry& b) { return a.code < b.code; });
    }
  }
  if (const YamlNode* v = r.get(node, "parking_types", path, true)) {
    if (auto list = read_enum_list(r, *v, join_path(path, "parking_types"), ocpi_parking_types())) {
      out.parking_types = std::move(*list);
      if (out.parking_types.empty()) r.error(v->mark, join_path(path, "parking_types"), "must list at least one");
    }
  }
  if (const YamlNode* f = r.get(node, "facilities", path, false)) {
    const std::string fpath = join_path(path, "facilities");
    if (r.expect_map(*f, fpath, {"choices", "min", "max"})) {
      if (const YamlNode* v = r.get(*f, "choices", fpath, true))
        if (auto list = read_enum_list(r, *v, join_path(fpath, "choices"), ocpi_facilities()))
          out.facilities = std::move(*list);
      if (r.read(*f, "min", fpath, false, out.facilities_min, 0, 22) &&
          out.facilities_min > static_cast<int>(out.facilities.size()))
        r.error(f->find("min")->value.mark, join_path(fpath, "min"), "more than the number of choices");
      out.facilities_max = static_cast<int>(out.facilities.size());
      if (r.read(*f, "max", fpath, false, out.facilities_max, 0, 22) &&
          (out.facilities_max < out.facilities_min || out.facilities_max > static_cast<int>(out.facilities.size())))
        r.error(f->find("max")->value.mark, join_path(fpath, "max"), "must be between min and the number of choices");
    }
  }
  const std::string opath = join_path(path, "opening_hours");
  if (const YamlNode* hours = r.get(node, "opening_hours", path, true); hours && r.expect_list(*hours, opath)) {
    if (hours->items.empty()) r.error(hours->mark, opath, "must list at least one option");
    for (std::size_t i = 0; i < hours->items.size(); ++i) {
      OpeningHoursOption o;
      decode_hours(hours->items[i], index_path(opath, i), r, o);
      out.opening_hours.push_back(std::move(o));
    }
  }
}

} // namespace ocppfleet::catalog
