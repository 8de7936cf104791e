// ocppfleet-bench-cpo-generate: generates a CPO network from a template several times with
// the same request and reports the time per run (template catalogue loaded once, outside
// the timing), the canonical document's size and whether every run's sha256 matches (the
// determinism check of DESIGN.md section 9). Writes JSON. bench/README.md shows how to run it.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "simulator/catalog/canonical_json.hpp"
#include "simulator/catalog/network_generator.hpp"
#include "simulator/catalog/template_catalog.hpp"

namespace {

using ocppfleet::catalog::Catalog;
using ocppfleet::catalog::TemplateCatalog;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string host_name() {
  char buf[256] = {};
  return gethostname(buf, sizeof buf - 1) == 0 ? std::string{buf} : std::string{"?"};
}

} // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = std::filesystem::path{OCPPFLEET_SOURCE_DIR};
  std::string templates_dir = (root / "templates").string();
  std::string brands_dir = (root / "brands").string();
  std::string slug = "national-network";
  int locations = 2000;
  int per_location = 5;
  std::uint64_t seed = 42;
  int runs = 2;
  std::string country = "FR";
  std::string out = (root / "bench" / "results" / "cpo_generate.json").string();
  CLI::App app{"Generate a CPO network from a template N times; report time per run and sha256 agreement"};
  app.add_option("--templates", templates_dir, "Templates directory")->capture_default_str();
  app.add_option("--brands-dir", brands_dir, "Brands directory")->capture_default_str();
  app.add_option("--template", slug, "Template slug")->capture_default_str();
  app.add_option("--locations", locations, "overrides.locations")->capture_default_str();
  app.add_option("--chargers-per-location", per_location, "overrides.chargers_per_location")->capture_default_str();
  app.add_option("--seed", seed, "Seed")->capture_default_str();
  app.add_option("--country", country, "country_code")->capture_default_str();
  app.add_option("--runs", runs, "Runs (>= 2 to compare hashes)")->capture_default_str()->check(CLI::Range(1, 100));
  app.add_option("--out", out, "JSON output")->capture_default_str();
  std::string dump;
  app.add_option("--dump", dump, "Also write the last run's canonical document here")->type_name("PATH");
  CLI11_PARSE(app, argc, argv);

  const auto load_start = Clock::now();
  Catalog brands{brands_dir};
  const TemplateCatalog templates{templates_dir, brands};
  const double load_ms = ms_since(load_start);
  for (const auto& e : templates.errors())
    std::fprintf(stderr, "%s\n", e.to_string().c_str());

  ocppfleet::catalog::NetworkRequest req;
  req.template_slug = slug;
  req.seed = seed;
  req.country_code = country;
  req.party_id = "ABC";
  req.name_prefix = "bench";
  req.overrides.locations = locations;
  req.overrides.chargers_per_location = per_location;

  nlohmann::json run_list = nlohmann::json::array();
  std::string first_hash;
  bool all_match = true;
  std::printf("%-4s %12s %12s %12s %10s %10s  %s\n", "RUN", "GENERATE_MS", "JSON_MS", "SHA256_MS", "CHARGERS", "DOC_MB",
              "SHA256");
  for (int i = 1; i <= runs; ++i) {
    auto t = Clock::now();
    const auto result = ocppfleet::catalog::generate_network(templates, req);
    const double gen_ms = ms_since(t);
    if (!result.ok()) {
      for (const auto& e : result.errors)
        std::fprintf(stderr, "error: %s: %s\n", e.field.c_str(), e.message.c_str());
      return 1;
    }
    t = Clock::now();
    const std::string doc = ocppfleet::catalog::canonical_json(*result.network);
    const double json_ms = ms_since(t);
    t = Clock::now();
    const std::string hash = ocppfleet::catalog::sha256_hex(doc);
    const double sha_ms = ms_since(t);
    if (first_hash.empty()) first_hash = hash;
    if (!dump.empty() && i == runs) std::ofstream{dump, std::ios::binary} << doc;
    all_match = all_match && hash == first_hash;
    std::printf("%-4d %12.1f %12.1f %12.1f %10zu %10.2f  %s\n", i, gen_ms, json_ms, sha_ms,
                result.network->chargers.size(), static_cast<double>(doc.size()) / 1e6, hash.c_str());
    run_list.push_back({{"run", i},
                        {"generate_ms", gen_ms},
                        {"canonical_json_ms", json_ms},
                        {"sha256_ms", sha_ms},
                        {"total_ms", gen_ms + json_ms + sha_ms},
                        {"locations", result.network->locations.size()},
                        {"chargers", result.network->chargers.size()},
                        {"evses", result.network->evse_count()},
                        {"document_bytes", doc.size()},
                        {"sha256", hash}});
  }
  std::printf("catalogue load %.1f ms; hashes %s over %d runs\n", load_ms, all_match ? "match" : "DIFFER", runs);
  const nlohmann::json report{{"bench", "cpo_generate"},
                              {"machine", {{"host", host_name()}, {"cpus", sysconf(_SC_NPROCESSORS_ONLN)}}},
                              {"request",
                               {{"template", slug},
                                {"seed", seed},
                                {"country_code", country},
                                {"locations", locations},
                                {"chargers_per_location", per_location}}},
                              {"catalogue_load_ms", load_ms},
                              {"runs", std::move(run_list)},
                              {"hashes_match", all_match}};
  std::filesystem::create_directories(std::filesystem::path{out}.parent_path());
  std::ofstream{out} << report.dump(2) << "\n";
  std::printf("wrote %s\n", out.c_str());
  return all_match ? 0 : 1;
}
