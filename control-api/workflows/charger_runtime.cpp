#include "control-api/workflows/charger_runtime.hpp"

#include <nlohmann/json.hpp>

#include "control-api/store/workflow_repo.hpp"
#include "simulator/catalog/charger_identity.hpp"
#include "simulator/core/log.hpp"
#include "simulator/core/timestamp.hpp"
#include "simulator/transport/tls_context.hpp"

namespace ocppfleet::api {
namespace {

using Json = nlohmann::json;

std::optional<ocpp::ProtocolVersion> version_of(const std::string& text) {
  if (text == "OCPP1.6" || text == "1.6") return ocpp::ProtocolVersion::V16;
  if (text == "OCPP2.0.1" || text == "2.0.1") return ocpp::ProtocolVersion::V201;
  return std::nullopt;
}

} // namespace

std::string ProvisionError::to_json() const {
  return Json{{"code", code},           {"message", message},
              {"step", step},           {"param", param.empty() ? Json() : Json(param)},
              {"retryable", retryable}, {"attempts", attempts}}
      .dump();
}

ChargerRuntime::ChargerRuntime(store::Store& store, catalog::Catalog& catalog, RuntimeConfig config)
    : store_(store), catalog_(catalog), config_(config) {
  auto evs = catalog_.evs();
  evs_ = evs.catalog; // without evs.yaml sessions use the generic EV
  engine_ = std::make_unique<fleet::Engine>(fleet::EngineOptions{config_.engine_threads, config_.clock});
  worker_ = std::thread{[this] { run_worker(); }};
}

ChargerRuntime::~ChargerRuntime() {
  stopping_ = true;
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  engine_->shutdown();
  flush_logs();
}

void ChargerRuntime::provision(std::string charger_id, std::string run_id) {
  {
    const std::lock_guard lock{mutex_};
    steps_[charger_id] = kStepValidate;
    jobs_.push_back(Job{std::move(charger_id), std::move(run_id)});
  }
  wake_.notify_all();
}

void ChargerRuntime::resume() {
  auto unfinished = store_.submit([](store::Database& db) { return store::list_unfinished_runs(db); }).get();
  for (auto& run : unfinished)
    if (run.kind == store::workflow_kind::charger_create) provision(run.subject_id, run.id);
  auto running = store_.submit([](store::Database& db) { return store::list_running_chargers(db); }).get();
  std::size_t restarted = 0;
  for (const auto& row : running) {
    if (row.status != store::charger_status::ready) continue;
    std::string error;
    if (start(row, &error)) {
      ++restarted;
    } else {
      core::logger()->warn("control API: charger {} not restarted: {}", row.id, error);
    }
  }
  core::logger()->info("control API: resumed {} provisioning runs, restarted {} chargers", unfinished.size(),
                       restarted);
}

std::optional<fleet::ChargerSpec> ChargerRuntime::spec_for(const store::ChargerRow& row, ProvisionError* error) {
  const auto fail = [&](std::string code, std::string message, std::string param, bool retryable = false) {
    *error = ProvisionError{std::move(code), std::move(message), kStepValidate, std::move(param), retryable};
    return std::nullopt;
  };
  const auto version = version_of(row.ocpp_version);
  if (!version) return fail("invalid_ocpp_version", "unknown OCPP version " + row.ocpp_version, "ocpp_version");
  std::string url_error;
  const auto url = transport::parse_ws_url(row.ws_url, &url_error);
  if (!url) return fail("invalid_url", url_error, "ws_url");
  fleet::ChargerSpec spec;
  spec.identity.identity = row.identity;
  spec.version = *version;
  if (row.brand_slug && row.model_slug) {
    const std::string slug = *row.brand_slug + "/" + *row.model_slug;
    // Either slug form: "terra-184" (the reference's create) or "abb-terra-184" (the catalogue's).
    auto lookup = catalog_.resolve(*row.brand_slug, *row.model_slug);
    if (!lookup.profile) {
      const bool brand_known = std::filesystem::is_directory(catalog_.brands_dir() / *row.brand_slug);
      return fail(brand_known ? "unknown_model" : "unknown_brand",
                  "no charger model '" + slug + "' in the catalogue (GET /ocpp/catalog/brands)",
                  brand_known ? "model_slug" : "brand_slug");
    }
    if (!lookup.profile->hardware.supports(std::string{ocpp::to_string(*version)}))
      return fail("unsupported_ocpp_version", slug + " does not speak " + row.ocpp_version, "ocpp_version");
    if (row.connector_type) {
      bool found = false;
      for (int n = 1; n <= lookup.profile->hardware.connector_count(); ++n)
        found = found || lookup.profile->hardware.connector(n)->type == *row.connector_type;
      if (!found)
        return fail("unknown_connector_type", slug + " has no " + *row.connector_type + " connector", "connector_type");
    }
    canonicalise_model_slug(row, *lookup.profile);
    spec.profile = std::move(lookup.profile);
    spec.evs = evs_;
  }
  const std::string link_key = std::string{ocpp::subprotocol(*version)} + " " + row.ws_url;
  {
    const std::lock_guard lock{mutex_};
    auto& link = links_[link_key];
    if (!link) {
      auto config = std::make_shared<transport::LinkConfig>();
      config->url = *url;
      config->subprotocol = std::string{ocpp::subprotocol(*version)};
      if (url->tls) {
        try {
          config->tls = transport::shared_client_tls_context(transport::TlsOptions{});
        } catch (const std::exception& e) {
          return fail("tls_setup_failed", e.what(), "ws_url");
        }
      }
      link = std::move(config);
    }
    spec.link = link;
    spec.options.fleet_index = fleet_index_++;
  }
  if (spec.profile) catalog::apply_profile_identity(*spec.profile, 1, spec.options.fleet_index, spec.identity);
  spec.basic_auth_password = row.basic_auth_password;
  spec.options.frame_log_capacity = 0; // the store keeps the logs
  spec.options.frame_observer = this;
  spec.options.observer_key = spec.options.fleet_index + 1;
  return spec;
}

void ChargerRuntime::canonicalise_model_slug(const store::ChargerRow& row, const catalog::ModelProfile& profile) {
  // Rows answer with the one slug the catalogue uses, whichever form the client sent. A full
  // queue skips it (the status is what matters); the next start writes it again.
  auto canonical = profile.identity.canonical_model_slug();
  if (row.model_slug == canonical) return;
  if (!store_.try_post([id = row.id, slug = std::move(canonical)](store::Database& db) {
        store::set_charger_model_slug(db, id, slug);
      }))
    core::logger()->warn("control API: store busy, model slug of {} left as sent", row.id);
}

fleet::ChargerId ChargerRuntime::add_to_engine(const store::ChargerRow& row, fleet::ChargerSpec spec) {
  const auto key = spec.options.observer_key;
  const auto id = engine_->add(std::move(spec));
  const std::lock_guard lock{mutex_};
  engine_ids_[row.id] = id;
  log_keys_[key] = row.id;
  return id;
}

bool ChargerRuntime::start(const store::ChargerRow& row, std::string* error) {
  {
    const std::lock_guard lock{mutex_};
    if (const auto it = engine_ids_.find(row.id); it != engine_ids_.end()) {
      engine_->start(it->second);
      return true;
    }
  }
  ProvisionError why;
  auto spec = spec_for(row, &why);
  if (!spec) {
    if (error != nullptr) *error = why.message;
    return false;
  }
  engine_->start(add_to_engine(row, std::move(*spec)));
  return true;
}

bool ChargerRuntime::stop(const std::string& charger_id) {
  const std::lock_guard lock{mutex_};
  const auto it = engine_ids_.find(charger_id);
  if (it == engine_ids_.end()) return false;
  engine_->stop(it->second);
  return true;
}

bool ChargerRuntime::restart(const store::ChargerRow& row, std::string* error) {
  remove(row.id); // a fresh charger from the stored row: edited settings apply now
  return start(row, error);
}

void ChargerRuntime::remove(const std::string& charger_id) {
  const std::lock_guard lock{mutex_};
  const auto it = engine_ids_.find(charger_id);
  if (it == engine_ids_.end()) return;
  engine_->remove(it->second);
  engine_ids_.erase(it);
}

bool ChargerRuntime::post(const std::string& charger_id, std::function<void(ocpp::ChargePointBase&)> fn) {
  const std::lock_guard lock{mutex_};
  const auto it = engine_ids_.find(charger_id);
  return it != engine_ids_.end() && engine_->post(it->second, std::move(fn));
}

bool ChargerRuntime::has(const std::string& charger_id) const {
  const std::lock_guard lock{mutex_};
  return engine_ids_.count(charger_id) != 0;
}

std::string ChargerRuntime::current_step(const std::string& charger_id) const {
  const std::lock_guard lock{mutex_};
  const auto it = steps_.find(charger_id);
  return it == steps_.end() ? std::string{} : it->second;
}

} // namespace ocppfleet::api
