#pragma once
// Organisations: every token, charger and location belongs to one.
#include "control-api/store/database.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocppfleet::store {

struct OrgRow {
  std::string id;
  std::string name;
  std::string created_at;
};

// Returns the new id ("org_..."). A taken name throws StoreError with is_constraint().
std::string create_org(Database& db, std::string_view name);
std::optional<OrgRow> find_org(Database& db, std::string_view id);
std::optional<OrgRow> find_org_by_name(Database& db, std::string_view name);
// In creation order.
std::vector<OrgRow> list_orgs(Database& db);

} // namespace ocppfleet::store
