#include "control-api/routes/catalog_routes.hpp"

#include "simulator/core/log.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ocppfleet::api {
using nlohmann::json;

namespace {
namespace catalog_routes {

// Every answer of the catalogue routes, rendered once: the catalogue only changes with the
// brands/ tree, which is read at start-up (a restart picks up edited profiles).
struct Rendered {
  std::string brands;                                     // GET /ocpp/catalog/brands
  std::map<std::string, std::string, std::less<>> models; // brand slug -> its model list
  // "brand/file-name" -> the full model; find_model also takes the brand-prefixed slug.
  std::map<std::string, std::string, std::less<>> model;

  // Either model slug form, by the catalogue's own rule (catalog::model_file_candidates).
  [[nodiscard]] const std::string* find_model(const std::string& brand, const std::string& slug) const {
    for (const auto candidate : catalog::model_file_candidates(brand, slug))
      if (const auto it = model.find(brand + '/' + std::string{candidate}); it != model.end()) return &it->second;
    return nullptr;
  }
};

double kw(double watts) { return watts / 1000.0; }

std::vector<std::string> api_versions(const catalog::Hardware& hw) {
  std::vector<std::string> out;
  for (const auto& v : hw.ocpp_versions)
    out.push_back(api_ocpp_version(v));
  return out;
}

std::shared_ptr<const Rendered> render(catalog::Catalog& cat) {
  auto all = cat.load_all();
  for (const auto& e : all.errors)
    core::logger()->warn("catalog: skipping profile: {}", e.to_string());

  // Profiles arrive sorted by "brand/model", so each brand's models are contiguous and sorted.
  std::map<std::string, std::vector<std::shared_ptr<const catalog::ModelProfile>>> by_brand;
  for (const auto& p : all.profiles)
    by_brand[p->identity.brand_slug].push_back(p);

  auto out = std::make_shared<Rendered>();
  json brands = json::array();
  for (const auto& [brand, profiles] : by_brand) {
    brands.push_back(
        json{{"slug", brand}, {"name", profiles.front()->identity.brand_name}, {"models", profiles.size()}});
    json models = json::array();
    for (const auto& p : profiles) {
      models.push_back(model_summary_json(*p));
      out->model.emplace(p->identity.slug(), model_detail_json(*p).dump());
    }
    const auto count = models.size();
    out->models.emplace(brand, json{{"data", std::move(models)}, {"total", count}}.dump());
  }
  const auto count = brands.size();
  out->brands = json{{"data", std::move(brands)}, {"total", count}}.dump();
  core::logger()->info("catalog: {} models from {} brands served by the control API", all.profiles.size(), count);
  return out;
}

http::HttpResponse ok(const std::string& body) {
  http::HttpResponse r;
  r.body = body;
  return r;
}

// Authenticates, then answers from the pre-rendered catalogue (cheap, so it runs on whatever
// thread the token check completed on).
template <class Answer> http::Handler answering(ApiContext& ctx, Answer answer) {
  return [&ctx, answer](http::HttpRequest& request, http::Responder responder) {
    with_principal(
        ctx, request, std::move(responder),
        [answer](const auth::Principal&, http::HttpRequest& req, http::Responder res) { res.send(answer(req)); });
  };
}

} // namespace catalog_routes
} // namespace

std::string api_ocpp_version(std::string_view profile_version) { return "OCPP" + std::string{profile_version}; }

json model_summary_json(const catalog::ModelProfile& p) {
  using namespace catalog_routes;
  const auto& id = p.identity;
  std::set<std::string> types;
  for (const auto& evse : p.hardware.evses)
    for (const auto& c : evse.connectors)
      types.insert(c.type);
  // One canonical slug in answers: the brand-prefixed form (both forms are accepted as input).
  return json{{"slug", id.canonical_model_slug()},
              {"name", id.model_name},
              {"brand_slug", id.brand_slug},
              {"charge_point_vendor", id.vendor},
              {"charge_point_model", id.model},
              {"ocpp_versions", api_versions(p.hardware)},
              {"connector_types", std::vector<std::string>(types.begin(), types.end())},
              {"evses", p.hardware.evses.size()},
              {"connectors", p.hardware.connector_count()},
              {"max_power_kw", kw(p.hardware.max_power_w())}};
}

json model_detail_json(const catalog::ModelProfile& p) {
  using namespace catalog_routes;
  json out = model_summary_json(p);
  const auto& id = p.identity;
  out["brand_name"] = id.brand_name;
  out["firmware_version"] = id.firmware_version;
  out["meter_type"] = id.meter_type.empty() ? json(nullptr) : json(id.meter_type);

  json evses = json::array();
  for (std::size_t e = 0; e < p.hardware.evses.size(); ++e) {
    json connectors = json::array();
    const auto& list = p.hardware.evses[e].connectors;
    for (std::size_t c = 0; c < list.size(); ++c) {
      const auto& con = list[c];
      const bool ac = con.spec.current_type == charger::CurrentType::AC;
      connectors.push_back(json{{"connector_id", c + 1},
                                {"type", con.type},
                                {"cable", con.cable},
                                {"current", ac ? "AC" : "DC"},
                                {"phases", ac ? json(con.spec.phases) : json(nullptr)}, // phases mean nothing on DC
                                {"voltage_v", con.spec.voltage_v},
                                {"max_current_a", con.spec.max_current_a},
                                {"max_power_kw", kw(con.spec.max_power_w)}});
    }
    evses.push_back(json{{"evse_id", e + 1}, {"connectors", std::move(connectors)}});
  }
  out["evses"] = std::move(evses);

  // Only the versions the model speaks: an action list for a version it lacks would mislead.
  json actions = json::object();
  if (p.hardware.supports("1.6")) actions[api_ocpp_version("1.6")] = p.personality.supported_actions_16;
  if (p.hardware.supports("2.0.1")) actions[api_ocpp_version("2.0.1")] = p.personality.supported_actions_201;
  out["supported_actions"] = std::move(actions);

  const auto& m = p.personality.metering;
  out["measurands"] = m.measurands;
  out["sample_interval_s"] = m.sample_interval_s;
  out["clock_aligned_interval_s"] = m.clock_aligned_interval_s;
  return out;
}

void add_catalog_routes(ApiRegistry& api, ApiContext& ctx) {
  using namespace catalog_routes;
  std::shared_ptr<const Rendered> rendered = render(ctx.catalog);

  api.add(Operation{.method = "GET",
                    .path = "/ocpp/catalog/brands",
                    .operation_id = "list-catalog-brands",
                    .summary = "List catalog brands",
                    .tag = "Catalog",
                    .responses = {{200, "The brands with at least one valid model", "CatalogBrandList"}}},
          answering(ctx, [rendered](const http::HttpRequest&) { return ok(rendered->brands); }));
  api.add(Operation{.method = "GET",
                    .path = "/ocpp/catalog/brands/{brand}/models",
                    .operation_id = "list-catalog-models",
                    .summary = "List models of a brand",
                    .tag = "Catalog",
                    .path_params = {Field::string("brand").eg("abb")},
                    .responses = {{200, "The brand's models", "CatalogModelList"}},
                    .errors = {404}},
          answering(ctx, [rendered](const http::HttpRequest& req) {
            const auto it = rendered->models.find(req.path_params.at("brand"));
            return it == rendered->models.end() ? http::error_response(404, "Brand not found") : ok(it->second);
          }));
  api.add(
      Operation{.method = "GET",
                .path = "/ocpp/catalog/brands/{brand}/models/{model}",
                .operation_id = "get-catalog-model",
                .summary = "Get a catalog model",
                .tag = "Catalog",
                .description =
                    "{model} is either slug form: terra-184 or abb-terra-184; the answer carries the canonical slug.",
                .path_params = {Field::string("brand").eg("abb"), Field::string("model").eg("terra-184")},
                .responses = {{200, "The model", "CatalogModel"}},
                .errors = {404}},
      answering(ctx, [rendered](const http::HttpRequest& req) {
        const auto* body = rendered->find_model(req.path_params.at("brand"), req.path_params.at("model"));
        return body == nullptr ? http::error_response(404, "Model not found") : ok(*body);
      }));
}

} // namespace ocppfleet::api
