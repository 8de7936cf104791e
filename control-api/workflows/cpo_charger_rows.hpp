#pragma once
// Storing the charger rows of a CPO plan (the CPO run's chargers step and the location jobs
// share it): one charger row, one charger workflow run and the CPO link per planned charger.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "control-api/store/cpo_repo.hpp"
#include "control-api/workflows/cpo_runtime.hpp"

namespace ocppfleet::api {

// A deterministic failure to store a planned charger: no retry helps.
struct CpoRowsFailure {
  std::string code, message, param, step;
};

// Inserts chargers[begin, end) for `cpo` (ws_url = the CPO's backend) on the store thread, in
// the caller's transaction. A charger already stored for the CPO (a resumed step) is skipped.
std::optional<CpoRowsFailure> insert_cpo_charger_rows(store::Database& db, const store::CpoRow& cpo,
                                                      const std::string& ws_url,
                                                      const std::vector<CpoPlanCharger>& chargers, std::size_t begin,
                                                      std::size_t end);

} // namespace ocppfleet::api
