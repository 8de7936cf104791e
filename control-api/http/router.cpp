#include "control-api/http/router.hpp"

#include "control-api/http/errors.hpp"
#include "simulator/core/log.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <set>
#include <stdexcept>

namespace ocppfleet::http {

struct Responder::State {
  Sink sink;
  std::atomic<bool> sent{false};

  explicit State(Sink s) : sink(std::move(s)) {}
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // A handler that loses its Responder (early return, dropped lambda) would otherwise leave
  // the client waiting for ever and the connection pinned.
  ~State() {
    if (sent.exchange(true) || !sink) return;
    core::logger()->error("http: handler dropped its Responder without answering; sending 500");
    try {
      sink(error_response(500, "Internal Server Error"));
    } catch (...) {
      // Destructors must not throw; the connection then just closes.
    }
  }
};

Responder::Responder(Sink sink) : state_(std::make_shared<State>(std::move(sink))) {}

bool Responder::try_send(HttpResponse response) const {
  if (!state_ || state_->sent.exchange(true)) return false;
  if (state_->sink) state_->sink(std::move(response));
  return true;
}

void Responder::send(HttpResponse response) const {
  if (!state_) return;
  if (!try_send(std::move(response))) {
    core::logger()->warn("http: response sent twice for one request; the second is dropped");
  }
}

bool Responder::sent() const { return state_ && state_->sent.load(); }

namespace {

// "/a/b/" -> {"a","b"}; "/" -> {}. Only one trailing slash is forgiven: "//" inside a path
// yields an empty segment that no route matches.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return out;
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

} // namespace

void Router::add(std::string method, std::string pattern, Handler handler, std::string summary) {
  if (method.empty() || pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  if (!handler) throw std::invalid_argument("route without handler: " + pattern);
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  Route route;
  std::set<std::string> names;
  for (auto seg : split_path(pattern)) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string name{seg.substr(1, seg.size() - 2)};
      if (name.empty() || name.find_first_of("{}") != std::string::npos || !names.insert(name).second) {
        throw std::invalid_argument("bad route parameter in " + pattern);
      }
      route.segments.push_back({std::move(name), true});
    } else if (seg.empty() || seg.find_first_of("{}") != std::string::npos) {
      throw std::invalid_argument("bad route segment in " + pattern);
    } else {
      route.segments.push_back({std::string{seg}, false});
    }
  }
  for (const auto& r : routes_) {
    if (r.info.method != method) continue;
    const bool same = std::equal(
        r.segments.begin(), r.segments.end(), route.segments.begin(), route.segments.end(),
        [](const Segment& a, const Segment& b) { return a.param == b.param && (a.param || a.text == b.text); });
    if (same) throw std::invalid_argument("duplicate route " + method + " " + pattern);
  }
  route.info = RouteInfo{std::move(method), std::move(pattern), std::move(summary)};
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

void Router::dispatch(HttpRequest& request, Responder responder) const {
  std::vector<std::string> segments;
  for (auto seg : split_path(request.path))
    segments.push_back(percent_decode(seg, false));

  // Specificity: literal-ness per segment, compared left to right, so
  // /chargers/status-all beats /chargers/{id} but only for the method it is registered for.
  const Route* best = nullptr;
  std::vector<bool> best_rank;
  std::set<std::string> allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<bool> rank;
    bool ok = true;
    for (std::size_t i = 0; ok && i < segments.size(); ++i) {
      const auto& s = route.segments[i];
      ok = s.param ? !segments[i].empty() : s.text == segments[i];
      rank.push_back(!s.param);
    }
    if (!ok) continue;
    allowed.insert(route.info.method);
    if (route.info.method != request.method) continue;
    if (best == nullptr || rank > best_rank) {
      best = &route;
      best_rank = std::move(rank);
    }
  }
  if (best == nullptr) {
    if (allowed.empty()) {
      responder.send(error_response(404, "Not Found"));
      return;
    }
    auto response = error_response(405, "Method Not Allowed");
    std::string allow;
    for (const auto& m : allowed)
      allow += (allow.empty() ? "" : ", ") + m;
    response.headers.emplace_back("Allow", std::move(allow));
    responder.send(std::move(response));
    return;
  }
  request.path_params.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (best->segments[i].param) request.path_params[best->segments[i].text] = segments[i];
  }
  try {
    best->handler(request, responder);
  } catch (const std::exception& e) {
    core::logger()->error("http: handler {} {} threw: {}", best->info.method, best->info.pattern, e.what());
    responder.try_send(error_response(500, "Internal Server Error"));
  } catch (...) {
    core::logger()->error("http: handler {} {} threw a non-exception", best->info.method, best->info.pattern);
    responder.try_send(error_response(500, "Internal Server Error"));
  }
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_)
    out.push_back(r.info);
  return out;
}

} // namespace ocppfleet::http
