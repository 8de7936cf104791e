// Source address pool: parsing, round robin, and sockets bound to the chosen address.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "link_harness.hpp"
#include "simulator/transport/source_address_pool.hpp"

namespace ocppfleet::transport::testing {
namespace {

namespace ip = boost::asio::ip;

std::vector<std::string> texts(const SourceAddressPool& pool) {
  std::vector<std::string> out;
  for (const auto& a : pool.addresses())
    out.push_back(a.to_string());
  return out;
}

SourceAddressPool parsed(std::string_view text) {
  std::string error;
  auto pool = parse_source_address_pool(text, &error);
  if (!pool) throw std::invalid_argument("test pool '" + std::string{text} + "': " + error);
  return std::move(*pool);
}

// ---------------------------------------------------------------- parsing

TEST(SourceAddressPoolParse, an_ipv4_range_is_inclusive_and_in_order) {
  EXPECT_EQ(texts(parsed("127.0.0.1-127.0.0.8")),
            (std::vector<std::string>{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6",
                                      "127.0.0.7", "127.0.0.8"}));
  EXPECT_EQ(texts(parsed("127.0.0.4-127.0.0.4")), (std::vector<std::string>{"127.0.0.4"}));
}

TEST(SourceAddressPoolParse, a_range_crosses_octet_boundaries) {
  EXPECT_EQ(texts(parsed("10.0.0.254-10.0.1.1")),
            (std::vector<std::string>{"10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"}));
}

TEST(SourceAddressPoolParse, comma_lists_keep_their_order_and_ignore_blanks) {
  EXPECT_EQ(texts(parsed("10.0.0.6,10.0.0.5")), (std::vector<std::string>{"10.0.0.6", "10.0.0.5"}));
  EXPECT_EQ(texts(parsed(" 10.0.0.5 ,\t10.0.0.6 ")), (std::vector<std::string>{"10.0.0.5", "10.0.0.6"}));
  EXPECT_EQ(texts(parsed("127.0.0.1-127.0.0.3,127.0.0.9")),
            (std::vector<std::string>{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.9"}));
  EXPECT_EQ(texts(parsed("127.0.0.1 - 127.0.0.2")), (std::vector<std::string>{"127.0.0.1", "127.0.0.2"}));
}

TEST(SourceAddressPoolParse, ipv6_singles_with_or_without_brackets) {
  EXPECT_EQ(texts(parsed("::1")), (std::vector<std::string>{"::1"}));
  EXPECT_EQ(texts(parsed("::1,[fd00::7],127.0.0.1")), (std::vector<std::string>{"::1", "fd00::7", "127.0.0.1"}));
}

struct BadPool {
  std::string text;
  std::string says; // substring of the error
};

class SourceAddressPoolErrors : public ::testing::TestWithParam<BadPool> {};

TEST_P(SourceAddressPoolErrors, are_refused_with_a_clear_sentence) {
  std::string error;
  EXPECT_FALSE(parse_source_address_pool(GetParam().text, &error).has_value());
  EXPECT_NE(error.find(GetParam().says), std::string::npos) << "input '" << GetParam().text << "' gave: " << error;
  EXPECT_FALSE(parse_source_address_pool(GetParam().text, nullptr).has_value()); // no error sink: still refused
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, SourceAddressPoolErrors,
    ::testing::Values(BadPool{"", "the address list is empty"}, BadPool{"  ", "the address list is empty"},
                      BadPool{"10.0.0.5,,10.0.0.6", "entry 2 of the address list is empty"},
                      BadPool{"10.0.0.5,", "entry 2 of the address list is empty"},
                      BadPool{"10.0.0.x", "'10.0.0.x' is not an IP address"},
                      BadPool{"localhost", "'localhost' is not an IP address"},
                      BadPool{"127.0.0.1:80", "not an IP address"}, BadPool{"[127.0.0.1", "not an IP address"},
                      BadPool{"127.0.0.1-", "'' in range '127.0.0.1-' is not an IP address"},
                      BadPool{"127.0.0.8-127.0.0.1", "runs backwards"}, BadPool{"::1-::5", "ranges are IPv4 only"},
                      BadPool{"127.0.0.1-::5", "ranges are IPv4 only"},
                      BadPool{"10.0.0.0-10.255.255.255", "a pool holds at most 65536"},
                      BadPool{"127.0.0.1,127.0.0.1", "127.0.0.1 appears more than once"},
                      BadPool{"127.0.0.1-127.0.0.4,127.0.0.3", "127.0.0.3 appears more than once"},
                      BadPool{"0.0.0.0", "unspecified"}, BadPool{"::", "unspecified"},
                      BadPool{"224.0.0.1", "multicast"}, BadPool{"ff02::1", "multicast"},
                      BadPool{"255.255.255.255", "broadcast"}, BadPool{"::ffff:127.0.0.1", "write it as 127.0.0.1"}));

TEST(SourceAddressPool, refuses_an_empty_list_at_construction) {
  EXPECT_THROW(SourceAddressPool{std::vector<ip::address>{}}, std::invalid_argument);
}

TEST(SourceAddressPool, the_largest_pool_parses) {
  EXPECT_EQ(parsed("10.0.0.0-10.0.255.255").size(), SourceAddressPool::max_addresses);
}

// ---------------------------------------------------------------- round robin

TEST(SourceAddressPool, address_for_is_index_modulo_size) {
  const auto pool = parsed("127.0.0.1-127.0.0.3");
  const std::vector<std::string> expected{"127.0.0.1", "127.0.0.2", "127.0.0.3"};
  for (std::uint64_t i = 0; i < 30; ++i)
    EXPECT_EQ(pool.address_for(i).to_string(), expected[i % 3]) << i;
  const auto max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(pool.address_for(max).to_string(), expected[max % 3]);
}

TEST(SourceAddressPool, the_same_text_gives_the_same_assignment) {
  const auto a = parsed("10.0.0.5,10.0.0.6,127.0.0.1-127.0.0.4");
  const auto b = parsed("10.0.0.5,10.0.0.6,127.0.0.1-127.0.0.4");
  for (std::uint64_t i = 0; i < 100; ++i)
    EXPECT_EQ(a.address_for(i), b.address_for(i)) << i;
}

// ---------------------------------------------------------------- sockets bound from the pool

// Accepts one TCP connection on `listen_on` (bounded) and reports where it came from.
class OneShotAcceptor {
public:
  explicit OneShotAcceptor(const std::string& listen_on)
      : acceptor_{io_, {ip::make_address(listen_on), 0}}, socket_{io_} {}
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::optional<ip::address> wait_for_peer(std::chrono::milliseconds timeout = 5s) {
    std::optional<ip::address> peer;
    acceptor_.async_accept(socket_, [&](boost::system::error_code ec) {
      if (!ec) peer = socket_.remote_endpoint(ec).address();
    });
    io_.run_for(timeout);
    return peer;
  }

private:
  boost::asio::io_context io_;
  ip::tcp::acceptor acceptor_;
  ip::tcp::socket socket_;
};

class SourceBindTest : public LinkFixture {
protected:
  std::shared_ptr<LinkConfig> pooled_config(const std::string& url, std::string_view pool) {
    auto config = config_for(url);
    config->source_addresses = std::make_shared<const SourceAddressPool>(parsed(pool));
    return config;
  }
  void set_source_index(std::uint32_t index) {
    loop.call([&] { link->set_source_index(index); });
  }
};

TEST_F(SourceBindTest, the_socket_binds_to_the_address_of_its_index) {
  OneShotAcceptor csms{"127.0.0.1"};
  make_link(pooled_config("ws://127.0.0.1:" + std::to_string(csms.port()), "127.0.0.1-127.0.0.3"));
  set_source_index(4); // 4 % 3 = 1 -> the second address
  start();
  EXPECT_EQ(csms.wait_for_peer(), std::optional<ip::address>{ip::make_address("127.0.0.2")});
}

TEST_F(SourceBindTest, a_host_name_connects_through_an_address_of_the_source_family) {
  // "localhost" may resolve to ::1 as well as 127.0.0.1; an IPv4 source must pick the latter.
  OneShotAcceptor csms{"127.0.0.1"};
  make_link(pooled_config("ws://localhost:" + std::to_string(csms.port()), "127.0.0.3"));
  start();
  EXPECT_EQ(csms.wait_for_peer(), std::optional<ip::address>{ip::make_address("127.0.0.3")});
}

TEST_F(SourceBindTest, an_ipv6_source_reaches_an_ipv6_csms) {
  std::unique_ptr<OneShotAcceptor> csms;
  try {
    csms = std::make_unique<OneShotAcceptor>("::1");
  } catch (const boost::system::system_error&) {
    GTEST_SKIP() << "no IPv6 loopback on this host";
  }
  make_link(pooled_config("ws://[::1]:" + std::to_string(csms->port()), "::1"));
  start();
  EXPECT_EQ(csms->wait_for_peer(), std::optional<ip::address>{ip::make_address("::1")});
}

TEST_F(SourceBindTest, an_address_not_on_this_host_fails_naming_it) {
  std::ifstream nonlocal{"/proc/sys/net/ipv4/ip_nonlocal_bind"};
  int allowed = 0;
  if (nonlocal >> allowed && allowed != 0) GTEST_SKIP() << "net.ipv4.ip_nonlocal_bind=1 lets any address bind";
  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never configured on a real host.
  make_link(pooled_config("ws://127.0.0.1:" + std::to_string(unused_port()), "192.0.2.1"));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::SourceAddressUnavailable);
  EXPECT_FALSE(closed.will_retry); // configuration: retrying cannot help
  EXPECT_NE(closed.failure.detail.find("cannot bind to source address 192.0.2.1"), std::string::npos)
      << closed.failure.detail;
  EXPECT_NE(closed.failure.detail.find("configured on this host"), std::string::npos) << closed.failure.detail;
  EXPECT_FALSE(closed.failure.was_open);
}

TEST_F(SourceBindTest, a_source_of_the_other_family_fails_naming_both) {
  make_link(pooled_config("ws://127.0.0.1:" + std::to_string(unused_port()), "::1"));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::ConnectFailed);
  EXPECT_EQ(closed.failure.detail, "source address ::1 is IPv6 but '127.0.0.1' has no IPv6 address");
}

TEST_F(SourceBindTest, a_refused_connect_from_a_bound_socket_is_reported_as_refused) {
  make_link(pooled_config("ws://127.0.0.1:" + std::to_string(unused_port()), "127.0.0.2"));
  start();
  ASSERT_TRUE(listener.wait_for_closes(1));
  const auto closed = listener.closed(0);
  EXPECT_EQ(closed.failure.code, LinkError::ConnectionRefused) << closed.failure.detail;
  EXPECT_TRUE(closed.will_retry);
}

} // namespace
} // namespace ocppfleet::transport::testing
