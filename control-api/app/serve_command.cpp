#include "control-api/app/serve_command.hpp"
#include "ocpi/ocpi_service.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <thread>

#include "control-api/app/catalog_commands.hpp"
#include "control-api/app/csms_cpo_backend.hpp"
#include "control-api/app/csms_ocpi_port.hpp"
#include "control-api/app/fd_limits.hpp"
#include "control-api/auth/authenticator.hpp"
#include "control-api/auth/token.hpp"
#include "control-api/http/http_server.hpp"
#include "control-api/routes/control_api.hpp"
#include "control-api/store/org_repo.hpp"
#include "control-api/store/token_repo.hpp"
#include "control-api/workflows/bulk_job_runner.hpp"
#include "control-api/workflows/catalog_cpo_planner.hpp"
#include "control-api/workflows/charger_runtime.hpp"
#include "control-api/workflows/cpo_runtime.hpp"
#include "csms/server.hpp"
#include "simulator/core/log.hpp"

namespace ocppfleet::app {
namespace {

bool split_listen(const std::string& listen, std::string& host, std::uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    const auto p = std::stoul(listen.substr(colon + 1));
    if (p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

// The embedded CSMS, sharing the control API's database file (its own csms_* tables, own
// connection and writer thread). nullptr when --ocpp-listen is off; throws when it cannot
// listen. Whoever wires CPOs to their backends gets the Server from here.
std::unique_ptr<csms::Server> start_embedded_csms(const ServeOptions& o) {
  if (o.ocpp_listen.empty() || o.ocpp_listen == "off") return nullptr;
  std::string host;
  std::uint16_t port = 0;
  if (!split_listen(o.ocpp_listen, host, port))
    throw std::invalid_argument("expected HOST:PORT (e.g. 127.0.0.1:8180) or off");
  csms::ServerOptions options;
  options.db_path = o.db;
  options.password = o.ocpp_password;
  options.heartbeat_interval = std::chrono::seconds{o.ocpp_heartbeat_interval_s};
  auto server = std::make_unique<csms::Server>(std::move(options));
  server->listen(host, port);
  return server;
}

std::string url_host(const std::string& listen) {
  const auto colon = listen.rfind(':');
  return colon == std::string::npos ? listen : listen.substr(0, colon);
}

int token_create(const TokenOptions& o) {
  try {
    auto store = store::Store::open(o.db);
    const auto token = auth::generate_token();
    const auto [org_id, created] = store
                                       ->submit([&](store::Database& db) {
                                         store::Transaction tx{db};
                                         auto org = store::find_org_by_name(db, o.org);
                                         const bool is_new = !org;
                                         const std::string id = org ? org->id : store::create_org(db, o.org);
                                         store::insert_token(db, auth::sha256_hex(token), id, o.admin, o.label);
                                         tx.commit();
                                         return std::make_pair(id, is_new);
                                       })
                                       .get();
    std::printf("%s\n", token.c_str());
    std::fprintf(stderr, "%s token for organisation '%s' (%s%s), stored hashed in %s; it is shown only this once.\n",
                 o.admin ? "admin" : "user", o.org.c_str(), org_id.c_str(), created ? ", new" : "", o.db.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

int serve(const ServeOptions& o) {
  core::set_log_level(spdlog::level::from_str(o.log_level));
  // Every charger holds a socket, and with the embedded CSMS its backend end too (2 per CPO
  // charger in this one process): a default soft limit of 1024 would stop a CPO at ~500.
  const FdLimit fd_limit = raise_fd_limit();
  if (!fd_limit.warning.empty()) core::logger()->warn("{}", fd_limit.warning);
  std::string host;
  std::uint16_t port = 0;
  if (!split_listen(o.listen, host, port)) {
    std::fprintf(stderr, "error: --listen '%s': expected HOST:PORT, e.g. 127.0.0.1:8080\n", o.listen.c_str());
    return 2;
  }
  const auto retention = parse_retention(o.deleted_retention);
  if (!retention) {
    std::fprintf(stderr, "error: --deleted-retention '%s': expected e.g. 24h, 30m, 7d, 90s, 0 or forever\n",
                 o.deleted_retention.c_str());
    return 2;
  }
  std::unique_ptr<store::Store> store;
  try {
    store::StoreOptions store_options;
    store_options.deleted_retention = *retention;
    store = store::Store::open(o.db, store_options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: --db %s: %s\n", o.db.c_str(), e.what());
    return 2;
  }
  catalog::Catalog catalog{o.brands_dir ? *o.brands_dir : default_brands_dir("/proc/self/exe")};
  auth::Authenticator authenticator{
      [&store](std::string hash, std::function<void(std::optional<auth::TokenRecord>)> done) {
        store->post([hash = std::move(hash), done = std::move(done)](store::Database& db) {
          const auto row = store::find_token(db, hash);
          if (!row) return done(std::nullopt);
          done(auth::TokenRecord{row->token_hash, row->org_id, row->admin, row->revoked});
        });
      }};
  api::RuntimeConfig runtime_config;
  runtime_config.engine_threads = o.shards;
  runtime_config.provision_timeout = std::chrono::milliseconds{static_cast<std::int64_t>(o.provision_timeout_s * 1000)};
  runtime_config.log_keep_per_charger = o.log_retention;
  runtime_config.provision_attempts = o.provision_attempts;
  std::unique_ptr<csms::Server> embedded_csms;
  try {
    embedded_csms = start_embedded_csms(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: --ocpp-listen %s: %s (use --ocpp-listen off to run without the embedded CSMS)\n",
                 o.ocpp_listen.c_str(), e.what());
    return 2;
  }
  // CPO templates, checked against the brand catalogue once, at start-up.
  const std::string templates_dir = o.templates_dir ? *o.templates_dir : default_templates_dir("/proc/self/exe");
  catalog::TemplateCatalog templates{templates_dir, catalog};
  for (const auto& e : templates.errors())
    core::logger()->warn("templates: {}", e.to_string());
  api::CatalogCpoPlanner planner{templates, catalog};

  auto runtime = std::make_unique<api::ChargerRuntime>(*store, catalog, runtime_config);
  // Each CPO's backend is the embedded CSMS; without it (--ocpp-listen off) the CPO routes
  // answer 503.
  std::unique_ptr<CsmsCpoBackend> cpo_backend;
  std::unique_ptr<api::CpoRuntime> cpos;
  std::vector<std::int64_t> unfinished_cpos;
  if (embedded_csms) {
    std::string ocpp_host = url_host(o.ocpp_listen);
    if (ocpp_host == "0.0.0.0" || ocpp_host == "[::]" || ocpp_host == "::") ocpp_host = "127.0.0.1";
    cpo_backend = std::make_unique<CsmsCpoBackend>(*embedded_csms,
                                                   "ws://" + ocpp_host + ":" + std::to_string(embedded_csms->port()));
    api::CpoRuntimeConfig cpo_config;
    cpo_config.reaper_interval = std::chrono::milliseconds{static_cast<std::int64_t>(o.cpo_reaper_interval_s * 1000)};
    cpos = std::make_unique<api::CpoRuntime>(*store, planner, *cpo_backend, runtime.get(), cpo_config);
    unfinished_cpos = cpos->reopen_backends(); // before the chargers come back: let them in
  }
  runtime->resume();
  for (const auto id : unfinished_cpos)
    cpos->provision(id);                  // after runtime->resume(): chargers it already queued are not queued twice
  if (cpos) cpos->resume_location_jobs(); // the same, for locations added to a CPO
  auto bulk_runner = std::make_unique<api::BulkJobRunner>(*store, *runtime);
  bulk_runner->resume(); // after runtime->resume(): runs it already queued are not queued twice

  api::ApiContext ctx{*store, authenticator, catalog, runtime.get()};
  ctx.cpos = cpos.get();
  ctx.cpo_planner = &planner;
  http::Router router;
  api::ApiRegistry registry{router};
  api::add_control_api_routes(registry, ctx, *bulk_runner);
  std::unique_ptr<CsmsOcpiPort> ocpi_port;
  if (embedded_csms) ocpi_port = std::make_unique<CsmsOcpiPort>(*embedded_csms);
  // Outlives the embedded CSMS (whose events and call results it takes), dies before the store.
  auto ocpi_service = std::make_unique<ocpi::OcpiService>(*store, ocpi_port.get());
  ocpi_service->start();
  if (embedded_csms) embedded_csms->subscribe(std::make_shared<CsmsOcpiEvents>(ocpi_service->feed()));
  ocpi_service->add_routes(router);

  boost::asio::io_context io;
  http::ServerLimits limits;
  limits.max_body_bytes = o.max_body_bytes;
  http::HttpServer server{io, router, limits};
  try {
    server.listen(host, port);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: --listen %s: %s\n", o.listen.c_str(), e.what());
    return 2;
  }
  ctx.public_url = o.public_url
                       ? *o.public_url
                       : "http://" + o.listen.substr(0, o.listen.rfind(':')) + ":" + std::to_string(server.port());
  ocpi_service->set_public_url(ctx.public_url);
  std::string ws_url = "ws://your-csms:9000/ocpp";
  std::string ocpp_note = "embedded CSMS off";
  if (embedded_csms) {
    ws_url = "ws://" + url_host(o.ocpp_listen) + ":" + std::to_string(embedded_csms->port()) + "/ocpp";
    ocpp_note = "OCPP " + ws_url + "/<identity>";
  }
  std::printf("ocppfleet serve: listening on http://%s:%u (store %s, brands %s; %s)\n", host.c_str(), server.port(),
              o.db.c_str(), catalog.brands_dir().c_str(), ocpp_note.c_str());
  if (embedded_csms)
    std::printf("  embedded CSMS:    OCPP 1.6/2.0.1 at %s/<identity>%s (docs/csms.md)\n", ws_url.c_str(),
                o.ocpp_password ? ", Basic auth" : "");
  std::printf("  get a token:      ocppfleet token create --org my-org --db %s\n", o.db.c_str());
  std::printf("  create a charger: curl -s -X POST http://%s:%u/ocpp/chargers -H \"Authorization: Bearer $TOKEN\" "
              "-H 'Content-Type: application/json' -d '{\"identity\":\"CP-1\",\"brand_slug\":\"abb\",\"model_slug\":"
              "\"terra-ac-w22\",\"connector_type\":\"Type2\",\"ws_url\":\"%s\"}'\n",
              host.c_str(), server.port(), ws_url.c_str());
  std::fflush(stdout);

  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    std::printf("ocppfleet serve: shutting down\n");
    std::fflush(stdout);
    server.stop();
    io.stop();
  });
  std::thread second{[&io] { io.run(); }};
  io.run();
  second.join();
  cpos.reset();                                                  // its worker reaches the charger runtime
  bulk_runner.reset();                                           // before the runtime it provisions into
  runtime.reset();                                               // stops chargers gracefully, flushes the last logs
  if (ocpi_service) ocpi_service->stop_realtime_authorization(); // nothing answers into the CSMS after it
  embedded_csms.reset(); // after the chargers: their last StopTransactions may be for it
  ocpi_service.reset();  // after the CSMS: its last events and call results go to the outbox
  store.reset();         // drains queued writes
  return 0;
}

} // namespace

std::optional<std::optional<std::chrono::seconds>> parse_retention(std::string_view text) {
  if (text == "forever") return std::optional<std::chrono::seconds>{};
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  const char* const last = text.data() + text.size();
  if (ec != std::errc{} || n < 0 || last - end > 1) return std::nullopt;
  const std::string_view unit{end, static_cast<std::size_t>(last - end)};
  std::int64_t scale = 1;
  if (unit == "m") {
    scale = 60;
  } else if (unit == "h") {
    scale = 3600;
  } else if (unit == "d") {
    scale = 86'400;
  } else if (!unit.empty() && unit != "s") {
    return std::nullopt;
  }
  if (n > INT64_MAX / scale / 1000) return std::nullopt; // the store subtracts it from a time point
  return std::optional{std::chrono::seconds{n * scale}};
}

void add_serve_commands(CLI::App& app, ServeOptions& s, TokenOptions& t) {
  auto* serve = app.add_subcommand("serve", "Run the control API (REST) with the fleet engine and its SQLite store");
  serve->add_option("--listen", s.listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--db", s.db, "SQLite database file (created if missing; WAL)")->capture_default_str();
  serve->add_option("--brands-dir", s.brands_dir, "Brand/model profiles (default: the brands/ of the source tree)");
  serve->add_option("--templates", s.templates_dir,
                    "CPO templates directory (default: $OCPPFLEET_TEMPLATES_DIR, else templates/ near the "
                    "executable, else the source tree's)");
  serve->add_option("--public-url", s.public_url,
                    "Base URL clients reach this server at (for absolute URLs such as ocpi_peer_url); default "
                    "http://<--listen>");
  serve
      ->add_option("--cpo-reaper-interval", s.cpo_reaper_interval_s,
                   "Seconds between sweeps that tear down CPOs past their expires_at")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  serve
      ->add_option("--provision-timeout", s.provision_timeout_s,
                   "Seconds a new charger has to get its BootNotification accepted before it is FAILED")
      ->check(CLI::Range(1.0, 3600.0))
      ->capture_default_str();
  serve
      ->add_option("--provision-attempts", s.provision_attempts,
                   "Attempts of a provisioning run whose failure may pass (connection refused, DNS, timeout, boot "
                   "rejected); 1 s backoff before the second, doubling")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  serve->add_option("--log-retention", s.log_retention, "OCPP frames kept per charger in the store")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  serve
      ->add_option("--deleted-retention", s.deleted_retention,
                   "How long a deleted charger (password already scrubbed), its logs and runs stay before they "
                   "are purged and the file shrinks: 24h, 30m, 7d, 90s, 0 or forever")
      ->capture_default_str();
  serve->add_option("--shards", s.shards, "Engine threads (0 = one per core)")->capture_default_str();
  serve->add_option("--max-body", s.max_body_bytes, "Largest request body in bytes (larger: 413)")
      ->check(CLI::Range(1024, 64 << 20))
      ->capture_default_str();
  serve
      ->add_option("--ocpp-listen", s.ocpp_listen,
                   "HOST:PORT of the embedded CSMS (chargers use ws://HOST:PORT/ocpp); off disables it")
      ->capture_default_str();
  serve->add_option("--ocpp-password", s.ocpp_password,
                    "Security Profile 1 on the embedded CSMS: chargers send Basic <identity>:<password>");
  serve
      ->add_option("--ocpp-heartbeat-interval", s.ocpp_heartbeat_interval_s,
                   "Heartbeat interval in seconds the embedded CSMS gives in BootNotification answers")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  serve->add_option("--log-level", s.log_level, "trace|debug|info|warn|error|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();

  auto* token = app.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto* create =
      token->add_subcommand("create", "Mint a bearer token for an organisation (printed once, stored hashed)");
  create->add_option("--org", t.org, "Organisation name (created if new)")->required();
  create->add_option("--db", t.db, "SQLite database file of `ocppfleet serve`")->capture_default_str();
  create->add_flag("--admin", t.admin, "Admin token: may act for any organisation via X-Organization-Id");
  create->add_option("--label", t.label, "A note stored with the token");
}

std::optional<int> run_serve_commands(const CLI::App& app, const ServeOptions& serve_options,
                                      const TokenOptions& token_options) {
  if (app.got_subcommand("serve")) return serve(serve_options);
  if (app.got_subcommand("token")) return token_create(token_options);
  return std::nullopt;
}

} // namespace ocppfleet::app
