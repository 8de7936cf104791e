#include "ocpi/realtime_authorizer.hpp"

#include <nlohmann/json.hpp>

#include "ocpi/credentials.hpp"
#include "ocpi/envelope.hpp"
#include "ocpi/http_client.hpp"
#include "simulator/core/log.hpp"
#include "simulator/core/percent_encode.hpp"

namespace ocppfleet::ocpi {

namespace {

using Json = nlohmann::json;
using Allowed = RealtimeAnswer::Allowed;

std::optional<Allowed> allowed_of(std::string_view text) {
  if (text == "ALLOWED") return Allowed::allowed;
  if (text == "BLOCKED") return Allowed::blocked;
  if (text == "EXPIRED") return Allowed::expired;
  if (text == "NO_CREDIT") return Allowed::no_credit;
  if (text == "NOT_ALLOWED") return Allowed::not_allowed;
  return std::nullopt;
}

RealtimeAnswer unreachable(std::string detail) {
  RealtimeAnswer a;
  a.detail = std::move(detail);
  return a;
}

} // namespace

RealtimeAnswer read_authorization_info(unsigned http_status, std::string_view body) {
  const auto envelope = Json::parse(body, nullptr, false);
  const auto code = envelope.is_object() && envelope.contains("status_code") && envelope["status_code"].is_number()
                        ? envelope["status_code"].get<int>()
                        : 0;
  if (http_status == 404 || code == status_code::unknown_token) {
    RealtimeAnswer a;
    a.allowed = Allowed::unknown;
    a.detail = "the eMSP does not know the token";
    return a;
  }
  if (http_status < 200 || http_status >= 300) return unreachable("HTTP " + std::to_string(http_status));
  if (!envelope.is_object()) return unreachable("the answer is not a JSON object");
  if (code < 1000 || code >= 2000) return unreachable("status_code " + std::to_string(code));
  const auto data = envelope.find("data");
  if (data == envelope.end() || !data->is_object()) return unreachable("no AuthorizationInfo in data");
  const auto allowed = data->find("allowed");
  const auto value =
      allowed != data->end() && allowed->is_string() ? allowed_of(allowed->get<std::string>()) : std::nullopt;
  if (!value) return unreachable("AuthorizationInfo.allowed is missing or unknown");
  RealtimeAnswer a;
  a.allowed = *value;
  if (const auto ref = data->find("authorization_reference"); ref != data->end() && ref->is_string() &&
                                                              !ref->get<std::string>().empty() &&
                                                              ref->get<std::string>().size() <= 36)
    a.authorization_reference = ref->get<std::string>();
  return a;
}

std::optional<RealtimeTarget> realtime_target_of(std::string_view endpoints_json, const std::string& token_b,
                                                 bool base64) {
  const auto endpoints = Json::parse(endpoints_json, nullptr, false);
  if (!endpoints.is_array()) return std::nullopt;
  for (const auto& e : endpoints) {
    if (!e.is_object() || e.value("identifier", "") != "tokens" || e.value("role", "") != "SENDER") continue;
    if (!e.contains("url") || !e["url"].is_string() || e["url"].get<std::string>().empty()) continue;
    return RealtimeTarget{e["url"].get<std::string>(), authorization_for(token_b, base64)};
  }
  return std::nullopt;
}

std::string authorize_url(std::string_view tokens_url, std::string_view uid, std::string_view type) {
  std::string url{tokens_url};
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return url + "/" + core::percent_encode_segment(uid) + "/authorize?type=" + core::percent_encode_segment(type);
}

RealtimeAuthorizer::RealtimeAuthorizer(RealtimeConfig config) : config_(config) {
  for (std::size_t i = 0; i < std::max<std::size_t>(config_.threads, 1); ++i)
    threads_.emplace_back([this] { run(); });
}

RealtimeAuthorizer::~RealtimeAuthorizer() { stop(); }

void RealtimeAuthorizer::stop() {
  std::deque<Job> left;
  {
    const std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  {
    const std::lock_guard lock{mutex_};
    left.swap(queue_);
  }
  // Whoever still waits gets the offline answer: a charger never waits on a stopped CPO.
  for (auto& job : left)
    job.done(unreachable("the OCPI service is stopping"));
}

bool RealtimeAuthorizer::ask(RealtimeTarget target, std::string uid, std::string type, Done done) {
  {
    const std::lock_guard lock{mutex_};
    if (stopping_ || queue_.size() >= config_.max_queue) return false;
    queue_.push_back(Job{std::move(target), std::move(uid), std::move(type), std::move(done)});
  }
  wake_.notify_one();
  return true;
}

void RealtimeAuthorizer::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    RealtimeAnswer answer;
    try {
      answer = call(job);
    } catch (const std::exception& e) {
      answer = unreachable(e.what());
    }
    try {
      job.done(std::move(answer));
    } catch (const std::exception& e) {
      core::logger()->error("OCPI real-time authorization: {}", e.what());
    }
  }
}

RealtimeAnswer RealtimeAuthorizer::call(const Job& job) const {
  ClientRequest request;
  request.method = "POST";
  request.url = authorize_url(job.target.tokens_url, job.uid, job.type);
  request.authorization = job.target.authorization;
  request.timeout = config_.timeout;
  try {
    const auto response = send_request(request);
    return read_authorization_info(response.status, response.body);
  } catch (const ClientError& e) {
    // The message names the URL, whose path carries the token's uid: not for the log.
    std::string detail = e.what();
    const auto uid = core::percent_encode_segment(job.uid);
    for (auto at = detail.find(uid); !uid.empty() && at != std::string::npos; at = detail.find(uid, at))
      detail.replace(at, uid.size(), "{uid}");
    return unreachable(std::move(detail));
  }
}

} // namespace ocppfleet::ocpi
