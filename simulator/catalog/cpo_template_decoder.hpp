#pragma once
// YamlNode tree (one template with its `extends:` base merged) -> CpoTemplate, every field
// type- and range-checked; errors go to the FieldReader with file, line and field path.
// With a brand catalogue, each charger group's brand/model must exist in brands/, speak the
// group's OCPP versions and have the connector types the group names.
#include <string>

#include "simulator/catalog/catalog.hpp"
#include "simulator/catalog/cpo_template.hpp"
#include "simulator/catalog/yaml_fields.hpp"

namespace ocppfleet::catalog {

void decode_cpo_template(const YamlNode& root, FieldReader& r, Catalog* brands, CpoTemplate& out);

// The `pools:` section (template_pools_decoder.cpp).
void decode_pools(const YamlNode& node, const std::string& path, FieldReader& r, TemplatePools& out);

// `ocpp_versions:` of a charger group or preset: "1.6", or {"1.6": 3, "2.0.1": 1}.
std::vector<VersionShare> decode_versions(const YamlNode& node, const std::string& path, FieldReader& r);

// Checks that `brand/model` is in the catalogue and speaks `versions`; returns its profile
// (null after reporting the error at `at`).
std::shared_ptr<const ModelProfile> check_model(Catalog& brands, const std::string& brand, const std::string& model,
                                                const std::vector<std::string>& versions, const SourceMark& at,
                                                const std::string& path, FieldReader& r);

} // namespace ocppfleet::catalog
