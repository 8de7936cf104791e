#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "simulator/transport/link_error.hpp"
#include "simulator/transport/ws_url.hpp"

namespace {
using ocppfleet::transport::parse_ws_url;
using ocppfleet::transport::WsUrl;

WsUrl parse_ok(std::string_view text) {
  std::string error;
  auto url = parse_ws_url(text, &error);
  EXPECT_TRUE(url.has_value()) << text << ": " << error;
  return url.value_or(WsUrl{});
}

std::string parse_error(std::string_view text) {
  std::string error;
  const auto url = parse_ws_url(text, &error);
  EXPECT_FALSE(url.has_value()) << text << " was accepted";
  EXPECT_FALSE(error.empty()) << text << " was rejected without a message";
  return error;
}
} // namespace

TEST(WsUrl, ws_defaults_to_port_80) {
  const auto url = parse_ok("ws://csms.example/ocpp");
  EXPECT_FALSE(url.tls);
  EXPECT_EQ(url.host, "csms.example");
  EXPECT_EQ(url.port, "80");
  EXPECT_EQ(url.path, "/ocpp");
  EXPECT_TRUE(url.default_port());
  EXPECT_EQ(url.host_header(), "csms.example");
}

TEST(WsUrl, wss_defaults_to_port_443) {
  const auto url = parse_ok("wss://csms.example/ocpp/v16");
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.port, "443");
  EXPECT_EQ(url.path, "/ocpp/v16");
  EXPECT_EQ(url.host_header(), "csms.example");
}

TEST(WsUrl, scheme_is_case_insensitive) {
  EXPECT_TRUE(parse_ok("WSS://h/x").tls);
  EXPECT_FALSE(parse_ok("Ws://h/x").tls);
}

TEST(WsUrl, explicit_port_is_kept_and_shown_in_host_header) {
  const auto url = parse_ok("ws://127.0.0.1:9000/ocpp");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, "9000");
  EXPECT_FALSE(url.default_port());
  EXPECT_EQ(url.host_header(), "127.0.0.1:9000");
}

TEST(WsUrl, explicit_default_port_is_left_out_of_host_header) {
  EXPECT_EQ(parse_ok("wss://h:443/x").host_header(), "h");
  EXPECT_EQ(parse_ok("ws://h:80/x").host_header(), "h");
  EXPECT_EQ(parse_ok("ws://h:443/x").host_header(), "h:443");
}

TEST(WsUrl, ipv6_literal_is_unbracketed_in_host_and_bracketed_in_host_header) {
  const auto url = parse_ok("ws://[::1]:9000/ocpp");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, "9000");
  EXPECT_EQ(url.host_header(), "[::1]:9000");
  const auto url2 = parse_ok("wss://[2001:db8::5]/ocpp");
  EXPECT_EQ(url2.host, "2001:db8::5");
  EXPECT_EQ(url2.port, "443");
  EXPECT_EQ(url2.host_header(), "[2001:db8::5]");
}

TEST(WsUrl, trailing_slashes_are_removed_from_the_path) {
  EXPECT_EQ(parse_ok("ws://h/ocpp/").path, "/ocpp");
  EXPECT_EQ(parse_ok("ws://h/ocpp//").path, "/ocpp");
  EXPECT_EQ(parse_ok("ws://h/").path, "");
  EXPECT_EQ(parse_ok("ws://h").path, "");
  EXPECT_EQ(parse_ok("ws://h:81").port, "81");
}

TEST(WsUrl, other_schemes_are_rejected) {
  EXPECT_NE(parse_error("http://h/ocpp").find("ws://"), std::string::npos);
  parse_error("https://h/ocpp");
  parse_error("wss:/h/ocpp");
  parse_error("h/ocpp");
  parse_error("");
}

TEST(WsUrl, bad_ports_are_rejected) {
  EXPECT_NE(parse_error("ws://h:abc/x").find("port"), std::string::npos);
  parse_error("ws://h:0/x");
  parse_error("ws://h:65536/x");
  parse_error("ws://h:-1/x");
  parse_error("ws://h:80x/x");
  parse_error("ws://[::1]:99999/x");
  EXPECT_EQ(parse_ok("ws://h:65535/x").port, "65535");
}

TEST(WsUrl, query_fragment_and_credentials_are_rejected) {
  EXPECT_NE(parse_error("ws://h/ocpp?x=1").find("query"), std::string::npos);
  parse_error("ws://h/ocpp#frag");
  EXPECT_NE(parse_error("ws://user:pw@h/ocpp").find("credentials"), std::string::npos);
}

TEST(WsUrl, missing_host_is_rejected) {
  parse_error("ws://");
  parse_error("ws:///ocpp");
  parse_error("ws://:9000/ocpp");
  parse_error("ws://[]:9000/ocpp");
}

TEST(WsUrl, malformed_ipv6_is_rejected) {
  parse_error("ws://[::1/ocpp");
  parse_error("ws://[::1]x/ocpp");
}

TEST(WsUrl, unbracketed_colons_in_the_host_are_rejected) {
  // Either an IPv6 literal without brackets or a second port: both ambiguous.
  parse_error("ws://::1/ocpp");
  parse_error("ws://h:80:90/ocpp");
  parse_error("ws://fe80::1:9000/ocpp");
}

TEST(WsUrl, target_percent_encodes_the_identity_as_one_segment) {
  const auto url = parse_ok("ws://h/ocpp/");
  EXPECT_EQ(url.target_for("CP 1/x"), "/ocpp/CP%201%2Fx");
  EXPECT_EQ(url.target_for("CP-001_a.b~"), "/ocpp/CP-001_a.b~");
  EXPECT_EQ(url.target_for("a?b#c%"), "/ocpp/a%3Fb%23c%25");
}

TEST(WsUrl, target_without_path_starts_with_a_slash) {
  EXPECT_EQ(parse_ok("ws://h").target_for("CP1"), "/CP1");
  EXPECT_EQ(parse_ok("ws://h/").target_for("CP1"), "/CP1");
}

TEST(WsUrl, error_pointer_is_optional) {
  EXPECT_FALSE(parse_ws_url("ftp://h").has_value());
  EXPECT_TRUE(parse_ws_url("ws://h").has_value());
}

TEST(WsUrl, crlf_in_the_url_is_rejected_so_it_cannot_inject_headers) {
  // The upgrade request once carried this as "GET /ocpp\r\nX-Injected: yes/CP HTTP/1.1".
  const auto error = parse_error("ws://h/ocpp\r\nX-Injected: yes");
  EXPECT_NE(error.find("0x0D at offset 11"), std::string::npos) << error;
  EXPECT_EQ(error.find('\r'), std::string::npos) << "the message must not echo the control byte";
  parse_error("ws://h\r\nX-Injected: yes/ocpp"); // in the host (the Host header)
  parse_error("ws://h/oc\npp");
  parse_error("ws://h:80\r\n/ocpp");
}

TEST(WsUrl, spaces_control_characters_del_and_non_ascii_are_rejected_anywhere) {
  const std::vector<std::string> cases{
      "ws://h/oc pp",    "ws://h /ocpp",    " ws://h/ocpp", "ws://h/ocpp\t",      std::string{"ws://h/o\0c", 10},
      "ws://h/ocpp\x01", "ws://h/ocpp\x7f", "ws://h\x1b/x", "ws://h/caf\xc3\xa9", "ws://h\xc3\xa9.example/x"};
  for (const auto& bad : cases)
    parse_error(bad);
}

TEST(WsUrl, path_characters_outside_rfc_3986_and_bad_escapes_are_rejected) {
  for (const char* bad : {"ws://h/a\"b", "ws://h/a<b>", "ws://h/a\\b", "ws://h/a{b}", "ws://h/a|b", "ws://h/a^b",
                          "ws://h/a`b", "ws://h/a%2", "ws://h/a%zz", "ws://h/a%"})
    parse_error(bad);
  // Everything RFC 3986 allows in a path stays as written.
  EXPECT_EQ(parse_ok("ws://h/a-b._~!$&'()*+,;=:@/c%2Fd").path, "/a-b._~!$&'()*+,;=:@/c%2Fd");
}

TEST(WsUrl, hosts_with_characters_no_host_name_has_are_rejected) {
  for (const char* bad : {"ws://h,x/ocpp", "ws://h;x/ocpp", "ws://h%0d/ocpp", "ws://[::1;x]/ocpp",
                          "ws://[fe80::1%25eth0]/x", "ws://h'x/ocpp", "ws://h(x)/ocpp"})
    parse_error(bad);
  EXPECT_EQ(parse_ok("ws://csms-1.eu_west.example/x").host, "csms-1.eu_west.example");
  EXPECT_EQ(parse_ok("ws://[::ffff:127.0.0.1]/x").host, "::ffff:127.0.0.1");
}

TEST(WsUrl, empty_sign_and_out_of_range_ports_are_rejected_and_leading_zeros_normalised) {
  EXPECT_NE(parse_error("ws://h:/x").find("port"), std::string::npos);
  parse_error("ws://[::1]:/x");
  parse_error("ws://h:+80/x");
  parse_error("ws://h: 80/x");
  parse_error("ws://h:4294967297/x"); // wraps to 1 in 32 bits
  parse_error("ws://h:00000/x");
  EXPECT_EQ(parse_ok("ws://h:08080/x").port, "8080");
  EXPECT_EQ(parse_ok("ws://h:1/x").port, "1");
}

TEST(WsUrl, a_hand_built_url_is_checked_by_valid) {
  WsUrl url;
  url.host = "h";
  url.port = "80";
  url.path = "/ocpp";
  std::string why;
  EXPECT_TRUE(url.valid(&why)) << why;
  url.path = "/ocpp\r\nX-Injected: yes";
  EXPECT_FALSE(url.valid(&why));
  EXPECT_NE(why.find("path"), std::string::npos) << why;
  url.path = "ocpp"; // a request target must start with '/'
  EXPECT_FALSE(url.valid());
  url.path = "/ocpp";
  url.host = "h\r\nX: y";
  EXPECT_FALSE(url.valid());
  url.host = "";
  EXPECT_FALSE(url.valid());
  url.host = "h";
  for (const char* port : {"0", "65536", "x", "", "-1"}) {
    url.port = port;
    EXPECT_FALSE(url.valid()) << port;
  }
  url.port = "65535";
  EXPECT_TRUE(url.valid());
}

TEST(WsUrl, the_identity_is_percent_encoded_so_it_cannot_split_the_request_line) {
  const auto url = parse_ok("ws://h/ocpp");
  EXPECT_EQ(url.target_for("CP\r\nX-Injected: yes"), "/ocpp/CP%0D%0AX-Injected%3A%20yes");
  EXPECT_EQ(url.target_for("caf\xc3\xa9"), "/ocpp/caf%C3%A9");
  EXPECT_EQ(url.target_for(std::string{"a\0b", 3}), "/ocpp/a%00b");
}

TEST(LinkErrorCodes, have_stable_names_messages_and_retry_classes) {
  using ocppfleet::transport::code_name;
  using ocppfleet::transport::is_retryable;
  using ocppfleet::transport::LinkError;
  EXPECT_EQ(code_name(LinkError::TlsVerificationFailed), "tls_verification_failed");
  EXPECT_EQ(code_name(LinkError::SubprotocolMissing), "subprotocol_missing");
  EXPECT_EQ(code_name(LinkError::PongTimeout), "pong_timeout");
  for (const auto e : {LinkError::InvalidUrl, LinkError::TlsVerificationFailed, LinkError::HttpUnauthorized,
                       LinkError::SubprotocolMissing, LinkError::SubprotocolMismatch, LinkError::Stopped,
                       LinkError::TlsCertificateRejected})
    EXPECT_FALSE(is_retryable(e)) << code_name(e);
  for (const auto e :
       {LinkError::DnsFailure, LinkError::ConnectionRefused, LinkError::ConnectFailed, LinkError::ConnectTimeout,
        LinkError::TlsHandshakeFailed, LinkError::HandshakeTimeout, LinkError::UpgradeRejected, LinkError::PongTimeout,
        LinkError::ClosedByPeer, LinkError::ConnectionLost})
    EXPECT_TRUE(is_retryable(e)) << code_name(e);
  const std::error_code ec = LinkError::HttpUnauthorized;
  EXPECT_EQ(ec.category().name(), std::string{"ocppfleet.link"});
  EXPECT_NE(ec.message().find("401"), std::string::npos);
}
