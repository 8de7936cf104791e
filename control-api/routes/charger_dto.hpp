#pragma once
// JSON shapes of a charger in responses (never with its password).
#include <nlohmann/json.hpp>

#include "control-api/store/charger_repo.hpp"

namespace ocppfleet::api {

nlohmann::json charger_json(const store::ChargerRow& row);
// The FAILED error object, or null.
nlohmann::json error_json(const store::OptText& stored);

} // namespace ocppfleet::api
