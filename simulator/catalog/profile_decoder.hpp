#pragma once
// YamlNode tree (one profile with its `extends:` chain already merged) -> ModelProfile,
// with every field type-checked and range-checked. Errors go to the FieldReader; what
// decodes cleanly is still filled in, so one pass reports every problem.
#include <string>

#include "simulator/catalog/profile.hpp"
#include "simulator/catalog/yaml_fields.hpp"

namespace ocppfleet::catalog {

// Top-level keys: extends, abstract, identity, hardware, personality. The loader handles
// `extends` and `abstract`; identity slugs come from the file's place in brands/.
void decode_profile(const YamlNode& root, FieldReader& r, ModelProfile& out);

// The `personality:` section (personality_decoder.cpp).
void decode_personality(const YamlNode& node, const std::string& path, const Hardware& hardware, FieldReader& r,
                        Personality& out);

} // namespace ocppfleet::catalog
