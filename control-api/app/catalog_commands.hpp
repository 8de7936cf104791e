#pragma once
// `ocppfleet validate FILE... [--templates DIR]` and `ocppfleet catalog`: check brand/model
// profile files, brands/evs.yaml, CPO templates and location presets, and list the catalogue.
// docs/profiles.md and docs/templates.md describe the formats.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ocppfleet::app {

struct CatalogOptions {
  std::vector<std::string> files;           // validate: files or directories (every *.yaml under them)
  std::optional<std::string> brands_dir;    // catalog and validate: --brands-dir
  std::optional<std::string> templates_dir; // validate: --templates
  bool json = false;                        // catalog: --json
};

void add_catalog_commands(CLI::App& app, CatalogOptions& options);

// Runs `validate` or `catalog` when one of them was given on the command line (its exit
// status), nullopt otherwise. `argv0` helps find the default brands directory.
std::optional<int> run_catalog_command(const CLI::App& app, const CatalogOptions& options, const char* argv0);

// The brands directory when --brands-dir is not given: $OCPPFLEET_BRANDS_DIR, else the
// first `brands/` (with a schema/ inside) walking up from the executable's directory
// (build/<type>/bin/ -> the source tree; <dir of the executable>/../../brands is among
// them), else ./brands, else the source tree the binary was built from.
std::string default_brands_dir(const char* argv0);

// The templates directory, found like the brands one: $OCPPFLEET_TEMPLATES_DIR, else the first
// `templates/` (with a schema/ inside) walking up from the executable's directory, else
// ./templates, else the source tree the binary was built from. For `serve` and the routes
// that load a catalog::TemplateCatalog at start-up.
std::string default_templates_dir(const char* argv0);

} // namespace ocppfleet::app
