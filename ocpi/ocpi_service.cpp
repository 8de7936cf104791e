#include "ocpi/ocpi_service.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <memory>
#include <utility>

#include "control-api/auth/token.hpp"
#include "control-api/http/errors.hpp"
#include "ocpi/cdrs_module.hpp"
#include "ocpi/credentials.hpp"
#include "ocpi/envelope.hpp"
#include "ocpi/locations_module.hpp"
#include "ocpi/outbox_repo.hpp"
#include "ocpi/peer_repo.hpp"
#include "ocpi/sessions_module.hpp"
#include "ocpi/tariffs_module.hpp"
#include "ocpi/tokens_module.hpp"
#include "ocpi/tokens_repo.hpp"
#include "simulator/core/log.hpp"
#include "simulator/core/timestamp.hpp"

namespace ocppfleet::ocpi {
namespace {

using Json = nlohmann::json;

std::optional<std::int64_t> cpo_id_of(const http::HttpRequest& request) {
  const auto& text = request.path_params.at("cpo_id");
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

// Which token the caller holds for this CPO (on the store thread).
Authed authenticate(store::Database& db, std::int64_t cpo_id, const std::vector<std::string>& candidates) {
  Authed out;
  auto cpo = find_live_cpo(db, cpo_id);
  if (!cpo) return out;
  out.cpo = *cpo;
  out.peer = find_peer(db, cpo_id);
  for (const auto& token : candidates) {
    const auto hash = auth::sha256_hex(token);
    if (out.peer && hash == out.peer->token_c_hash) {
      out.caller = Caller::token_c;
      return out;
    }
    if (cpo->token_a_hash && hash == *cpo->token_a_hash) {
      out.caller = Caller::token_a;
      return out;
    }
  }
  return out;
}

http::HttpResponse unauthorized(const http::HttpRequest& request) {
  auto response = envelope(request, 401, nullptr, status_code::client_error,
                           "Unknown or missing credentials token (Authorization: Token <base64>)");
  response.headers.emplace_back("WWW-Authenticate", "Token");
  return response;
}

Json our_role(const CpoParty& cpo) {
  return Json::array({Json{{"role", "CPO"},
                           {"party_id", cpo.party_id},
                           {"country_code", cpo.country_code},
                           {"business_details", Json{{"name", cpo.name_prefix + " (ocppfleet simulated CPO)"}}}}});
}

// The eMSP's credentials object as posted; an empty string when usable, else why not.
std::string check_credentials(const Json& body) {
  if (!body.is_object()) return "the credentials object must be a JSON object";
  if (!body.contains("token") || !body["token"].is_string() || body["token"].get<std::string>().empty() ||
      body["token"].get<std::string>().size() > 64)
    return "token: a string of 1 to 64 characters is required";
  if (!body.contains("url") || !body["url"].is_string() || body["url"].get<std::string>().size() > 255)
    return "url: the URL of the eMSP's versions endpoint is required";
  if (!body.contains("roles") || !body["roles"].is_array() || body["roles"].empty())
    return "roles: at least one CredentialsRole is required";
  for (const auto& r : body["roles"]) {
    if (!r.is_object() || !r.contains("role") || !r["role"].is_string()) return "roles[].role is required";
    if (!r.contains("party_id") || !r["party_id"].is_string() || r["party_id"].get<std::string>().size() != 3)
      return "roles[].party_id: 3 characters";
    if (!r.contains("country_code") || !r["country_code"].is_string() ||
        r["country_code"].get<std::string>().size() != 2)
      return "roles[].country_code: 2 characters";
  }
  return {};
}

} // namespace

OcpiService::OcpiService(store::Store& store, BackendPort* backend, OcpiConfig config)
    : store_(store), backend_(backend), config_(config),
      realtime_(std::make_shared<RealtimeAuthorizer>(config.realtime)), pusher_(store, config.push),
      feed_(store, [this](OutboxItem item) { push_later(std::move(item)); }) {
  worker_ = std::thread{[this] { run_worker(); }};
}

OcpiService::~OcpiService() {
  {
    const std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void OcpiService::set_public_url(std::string url) {
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  public_url_ = std::move(url);
}

void OcpiService::start() {
  feed_.load_all();
  feed_.catch_up();
  const auto [cpos, tokens] =
      store_.submit([](store::Database& db) {
              return std::pair{cpos_with_peer(db), load_registered_tokens(db)};
            })
          .get();
  for (const auto& [cpo_id, entry] : tokens)
    tokens_.of(cpo_id)->put(entry);
  for (const auto cpo_id : cpos)
    install_token_authority(cpo_id, true);
  if (!cpos.empty())
    core::logger()->info("OCPI: {} tokens of {} registered eMSPs decide their CPOs' authorisations", tokens.size(),
                         cpos.size());
}

void OcpiService::install_token_authority(std::int64_t cpo_id, bool registered) {
  if (!registered) {
    tokens_.of(cpo_id)->clear();
    if (backend_) backend_->set_token_authority(cpo_id, nullptr);
    return;
  }
  if (!backend_) return;
  // Real-time authorizations go to the eMSP's tokens Sender interface, with Token B encoded as
  // this CPO sends it.
  const auto target =
      store_
          .submit([cpo_id](store::Database& db) -> std::optional<RealtimeTarget> {
            const auto peer = find_peer(db, cpo_id);
            const auto cpo = find_live_cpo(db, cpo_id);
            if (!peer || !cpo) return std::nullopt;
            return realtime_target_of(peer->endpoints_json, peer->token_b, cpo->token_encoding != "raw");
          })
          .get();
  // The reference of a real-time ALLOWED goes with the token, for the Session it starts.
  auto keep_reference = [this, cpo_id](const std::string& uid, const std::string& reference) {
    store_.post([cpo_id, uid, reference](store::Database& db) {
      db.prepare("UPDATE ocpi_tokens SET realtime_reference = ? WHERE cpo_id = ? AND uid = ?")
          .bind_all(reference, cpo_id, uid)
          .run();
    });
  };
  backend_->set_token_authority(cpo_id, std::make_shared<TokenAuthority>(cpo_id, tokens_.of(cpo_id), realtime_, target,
                                                                         std::move(keep_reference)));
}

void OcpiService::push_later(OutboxItem item) {
  const auto kind = item.kind;
  const auto cpo_id = item.cpo_id;
  try {
    store_.post([item = std::move(item)](store::Database& db) { enqueue_outbox(db, item); });
    pusher_.wake(kind == "command_result");
  } catch (const std::exception& e) {
    core::logger()->error("OCPI: could not queue a {} for CPO {}: {}", kind, cpo_id, e.what());
  }
}

void OcpiService::post(Work work, const http::Responder& responder) {
  {
    const std::lock_guard lock{mutex_};
    if (!stopping_ && queue_.size() < config_.max_queue) {
      queue_.push_back(std::move(work));
      wake_.notify_one();
      return;
    }
  }
  responder.send(http::error_response(503, "The OCPI interface is busy; retry"));
}

void OcpiService::run_worker() {
  for (;;) {
    Work work;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    try {
      work();
    } catch (const std::exception& e) {
      core::logger()->error("OCPI: a request failed: {}", e.what());
    }
  }
}

void OcpiService::add_routes(http::Router& router) {
  // Every handler: copy the request, authenticate on the worker, answer from there.
  const auto route = [this, &router](const char* method, const char* pattern, bool token_a_ok, Action action) {
    router.add(method, pattern, [this, token_a_ok, action](http::HttpRequest& request, http::Responder responder) {
      auto req = std::make_shared<http::HttpRequest>(std::move(request));
      post(
          [this, req, responder, token_a_ok, action] {
            http::HttpResponse response;
            const auto id = cpo_id_of(*req);
            auto authed = id ? store_
                                   .submit([&](store::Database& db) {
                                     return authenticate(db, *id, token_candidates(req->header("Authorization")));
                                   })
                                   .get()
                             : Authed{};
            if (authed.caller == Caller::none || (authed.caller == Caller::token_a && !token_a_ok))
              response = unauthorized(*req);
            else
              response = action(*req, authed);
            responder.send(std::move(response));
          },
          responder);
    });
  };
  const auto base = [this](const CpoParty& cpo) { return public_url_ + "/ocpi/cpo/" + std::to_string(cpo.id); };

  route("GET", "/ocpi/cpo/{cpo_id}/versions", true, [base](const http::HttpRequest& req, Authed& a) {
    return ok(req, Json::array({Json{{"version", "2.2.1"}, {"url", base(a.cpo) + "/2.2.1"}}}));
  });
  route("GET", "/ocpi/cpo/{cpo_id}/2.2.1", true, [this, base](const http::HttpRequest& req, Authed& a) {
    const auto b = base(a.cpo) + "/2.2.1";
    Json endpoints =
        Json::array({Json{{"identifier", "credentials"}, {"role", "SENDER"}, {"url", b + "/credentials"}}});
    for (const auto& [identifier, role] : endpoints_)
      endpoints.push_back(Json{{"identifier", identifier}, {"role", role}, {"url", b + "/" + identifier}});
    return ok(req, Json{{"version", "2.2.1"}, {"endpoints", std::move(endpoints)}});
  });
  route("GET", "/ocpi/cpo/{cpo_id}/2.2.1/credentials", true, [base](const http::HttpRequest& req, Authed& a) {
    // The credentials the caller uses with us: the token it authenticated with.
    const auto tokens = token_candidates(req.header("Authorization"));
    std::string token;
    for (const auto& t : tokens) {
      const auto h = auth::sha256_hex(t);
      if ((a.peer && h == a.peer->token_c_hash) || (a.cpo.token_a_hash && h == *a.cpo.token_a_hash)) token = t;
    }
    return ok(req, Json{{"token", token}, {"url", base(a.cpo) + "/versions"}, {"roles", our_role(a.cpo)}});
  });

  // POST (Token A, not yet registered) and PUT (Token C, registered) share the handshake.
  const auto register_peer = [this, base](const http::HttpRequest& req, Authed& a) {
    const auto body = Json::parse(req.body, nullptr, false);
    if (body.is_discarded())
      return envelope(req, 400, nullptr, status_code::invalid_parameters, "The body is not valid JSON");
    if (auto why = check_credentials(body); !why.empty())
      return envelope(req, 200, nullptr, status_code::invalid_parameters, why);
    PeerCall call;
    call.token_b = body["token"].get<std::string>();
    call.base64 = a.cpo.token_encoding != "raw";
    call.timeout = config_.peer_timeout;
    auto fetched = fetch_peer_version(body["url"].get<std::string>(), call);
    if (auto* error = std::get_if<HandshakeError>(&fetched)) {
      core::logger()->warn("OCPI: CPO {} credentials handshake failed ({}): {}", a.cpo.id, error->status_code,
                           error->message);
      return envelope(req, 200, nullptr, error->status_code, error->message);
    }
    const auto& peer = std::get<PeerVersion>(fetched);
    const auto token_c = new_credentials_token();
    PeerRow row;
    row.cpo_id = a.cpo.id;
    row.token_c_hash = auth::sha256_hex(token_c);
    row.token_b = call.token_b;
    row.versions_url = body["url"].get<std::string>();
    row.version_url = peer.version_url;
    row.endpoints_json = peer.endpoints.dump();
    row.roles_json = body["roles"].dump();
    store_.submit([&](store::Database& db) { save_peer(db, row); }).get();
    core::logger()->info("OCPI: CPO {} registered its eMSP ({} endpoints)", a.cpo.id, peer.endpoints.size());
    feed_.refresh(a.cpo.id);
    install_token_authority(a.cpo.id, true); // from now on only the eMSP's tokens charge
    feed_.push_all_locations(a.cpo);         // the eMSP's copy starts complete; status PATCHes follow
    feed_.on_transaction(a.cpo.id, "", "", TransactionEvent::updated); // sessions and CDRs so far
    return ok(req, Json{{"token", token_c}, {"url", base(a.cpo) + "/versions"}, {"roles", our_role(a.cpo)}});
  };
  route("POST", "/ocpi/cpo/{cpo_id}/2.2.1/credentials", true, [register_peer](const http::HttpRequest& req, Authed& a) {
    if (a.caller == Caller::token_c || a.peer)
      return envelope(req, 405, nullptr, status_code::client_error,
                      "Already registered: use PUT to update or DELETE to unregister");
    return register_peer(req, a);
  });
  route("PUT", "/ocpi/cpo/{cpo_id}/2.2.1/credentials", true, [register_peer](const http::HttpRequest& req, Authed& a) {
    if (a.caller != Caller::token_c)
      return envelope(req, 405, nullptr, status_code::client_error, "Not registered: POST the credentials first");
    return register_peer(req, a);
  });
  route("DELETE", "/ocpi/cpo/{cpo_id}/2.2.1/credentials", true, [this](const http::HttpRequest& req, Authed& a) {
    if (a.caller != Caller::token_c)
      return envelope(req, 405, nullptr, status_code::client_error, "Not registered: nothing to delete");
    store_
        .submit([&](store::Database& db) {
          store::Transaction tx{db};
          delete_peer(db, a.cpo.id);
          outbox_forget_peer(db, a.cpo.id);
          delete_tokens(db, a.cpo.id);
          tx.commit();
        })
        .get();
    feed_.refresh(a.cpo.id);
    install_token_authority(a.cpo.id, false);
    core::logger()->info("OCPI: CPO {} unregistered its eMSP", a.cpo.id);
    return ok(req, nullptr);
  });

  // The modules, each in its own file.
  ModuleContext module{store_,
                       backend_,
                       route,
                       [this](const char* identifier, const char* role) { endpoints_.emplace_back(identifier, role); },
                       [base](const CpoParty& cpo) { return base(cpo) + "/2.2.1"; },
                       [this](OutboxItem item) { push_later(std::move(item)); },
                       &tokens_};
  add_locations_module(module);
  add_tariffs_module(module);
  add_sessions_module(module);
  add_cdrs_module(module);
  add_tokens_module(module);
  add_commands_module(module, config_.commands);
}

} // namespace ocppfleet::ocpi
