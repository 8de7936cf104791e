#include "ocpi/session_objects.hpp"
#include "ocpi/pagination.hpp"

#include <algorithm>
#include <chrono>

#include "ocpi/tariff_cost.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

// When the session ended, or (still running) when the backend last heard of it.
std::string end_of(const TransactionRow& t) {
  return t.ended() && core::parse_timestamp(t.stopped_at) ? t.stopped_at : t.updated_at;
}

std::int64_t duration_ms(const std::string& from, const std::string& to) {
  const auto a = core::parse_timestamp(from), b = core::parse_timestamp(to);
  if (!a || !b || *b < *a) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*b - *a).count();
}

struct Figures {
  TariffCost cost;
  std::int64_t hours_e4 = 0; // duration in ten-thousandths of an hour
};

Figures figures(const SessionRow& s, const TransactionRow& t) {
  const auto ms = duration_ms(t.started_at, end_of(t));
  const auto& tariff = s.context.contains("tariff") ? s.context["tariff"] : Json{};
  Figures f;
  f.cost = tariff_cost(tariff.is_object() ? tariff : Json::object(), SessionUsage{t.energy_wh, ms});
  f.hours_e4 = (ms + 180) / 360; // ms / 3,600,000 h, to 4 decimals, half up
  return f;
}

std::optional<std::string> tariff_id(const SessionRow& s) {
  const auto it = s.context.find("tariff");
  if (it == s.context.end() || !it->is_object()) return std::nullopt;
  return it->value("id", "");
}

// One period for the whole session: our tariffs have no restrictions, so no price changes
// inside a session and one period is every relevant moment (mod_cdrs "ChargingPeriod").
Json charging_periods(const SessionRow& s, const TransactionRow& t, const Figures& f) {
  Json period{{"start_date_time", normalised_timestamp(t.started_at)},
              {"dimensions", Json::array({Json{{"type", "ENERGY"}, {"volume", amount_json(f.cost.energy_wh_e1)}},
                                          Json{{"type", "TIME"}, {"volume", amount_json(f.hours_e4)}}})}};
  if (const auto id = tariff_id(s)) period["tariff_id"] = *id;
  return Json::array({std::move(period)});
}

const Json& location_of(const SessionRow& s) {
  static const Json empty = Json::object();
  const auto it = s.context.find("cdr_location");
  return it != s.context.end() && it->is_object() ? *it : empty;
}

std::string currency_of(const SessionRow& s) { return s.context.value("currency", "EUR"); }

} // namespace

bool backend_tables_exist(store::Database& db) {
  auto st = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'csms_transactions'");
  return st.step();
}

TransactionRow read_transaction(const store::Statement& st, int c) {
  TransactionRow t;
  t.identity = st.column_text(c);
  t.transaction_id = st.column_text(c + 1);
  t.id_token = st.column_text(c + 2);
  t.evse_id = st.column_int64(c + 3);
  t.energy_wh = st.column_double(c + 4);
  t.started_at = st.column_text(c + 5);
  t.stopped_at = st.column_text(c + 6);
  t.stop_reason = st.column_text(c + 7);
  t.state = st.column_text(c + 8);
  t.updated_at = st.column_text(c + 9);
  return t;
}

SessionRow read_session(const store::Statement& st, int c) {
  SessionRow s;
  s.id = st.column_int64(c);
  s.identity = st.column_text(c + 1);
  s.transaction_id = st.column_text(c + 2);
  s.auth_method = st.column_text(c + 3);
  s.authorization_reference = st.column_optional_text(c + 4);
  s.cdr_token = Json::parse(st.column_text(c + 5), nullptr, false);
  s.context = Json::parse(st.column_text(c + 6), nullptr, false);
  if (!s.context.is_object()) s.context = Json::object();
  s.tx_updated_at = st.column_text(c + 7);
  s.last_updated = st.column_text(c + 8);
  s.revision = st.column_int64(c + 9);
  s.hooked_revision = st.column_int64(c + 10);
  s.completed = st.column_int64(c + 11) != 0;
  return s;
}

Json session_object(const CpoParty& cpo, const SessionRow& s, const TransactionRow& t) {
  const auto f = figures(s, t);
  const auto& location = location_of(s);
  Json out{{"country_code", cpo.country_code},
           {"party_id", cpo.party_id},
           {"id", std::to_string(s.id)},
           {"start_date_time", normalised_timestamp(t.started_at)},
           {"kwh", amount_json(f.cost.energy_wh_e1)},
           {"cdr_token", s.cdr_token},
           {"auth_method", s.auth_method},
           {"location_id", location.value("id", "")},
           {"evse_uid", location.value("evse_uid", "")},
           {"connector_id", location.value("connector_id", "")},
           {"currency", currency_of(s)},
           {"charging_periods", charging_periods(s, t, f)},
           {"status", t.ended() ? "COMPLETED" : "ACTIVE"},
           {"last_updated", s.last_updated}};
  if (t.ended()) out["end_date_time"] = normalised_timestamp(end_of(t));
  if (s.authorization_reference) out["authorization_reference"] = *s.authorization_reference;
  if (tariff_id(s)) out["total_cost"] = price_json(f.cost.total);
  return out;
}

Json cdr_object(const CpoParty& cpo, const SessionRow& s, const TransactionRow& t, const std::string& last_updated) {
  const auto f = figures(s, t);
  Json tariffs = Json::array();
  if (tariff_id(s)) tariffs.push_back(s.context["tariff"]);
  // The CDR's id is its session's: one CDR per session, and both ids stay short and stable.
  Json out{{"country_code", cpo.country_code},
           {"party_id", cpo.party_id},
           {"id", std::to_string(s.id)},
           {"start_date_time", normalised_timestamp(t.started_at)},
           {"end_date_time", normalised_timestamp(end_of(t))},
           {"session_id", std::to_string(s.id)},
           {"cdr_token", s.cdr_token},
           {"auth_method", s.auth_method},
           {"cdr_location", location_of(s)},
           {"currency", currency_of(s)},
           {"tariffs", std::move(tariffs)},
           {"charging_periods", charging_periods(s, t, f)},
           {"total_cost", price_json(f.cost.total)},
           {"total_energy", amount_json(f.cost.energy_wh_e1)},
           {"total_time", amount_json(f.hours_e4)},
           {"last_updated", last_updated}};
  if (s.authorization_reference) out["authorization_reference"] = *s.authorization_reference;
  if (tariff_id(s)) {
    out["total_energy_cost"] = price_json(f.cost.energy);
    out["total_time_cost"] = price_json(f.cost.time);
  }
  if (f.cost.fixed.excl_vat != 0) out["total_fixed_cost"] = price_json(f.cost.fixed);
  if (!t.stop_reason.empty()) out["remark"] = ("Stopped: " + t.stop_reason).substr(0, 255);
  return out;
}

} // namespace ocppfleet::ocpi
