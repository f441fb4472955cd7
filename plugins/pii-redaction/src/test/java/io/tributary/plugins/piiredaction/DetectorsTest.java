package io.tributary.plugins.piiredaction;

import static io.tributary.plugins.piiredaction.Redaction.redact;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.Item;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Positive and negative tables per detector, run through the processor with its defaults. */
class DetectorsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "alice@example.com | [REDACTED:email]",
      "mail Bob.Smith+tag@mail.example.co.uk now | mail [REDACTED:email] now",
      "<first_last@sub-domain.example.org> | <[REDACTED:email]>",
      "user=jane.doe@example.com; | user=[REDACTED:email];",
      "ends a sentence alice@example.com. | ends a sentence [REDACTED:email].",
      "two: a@example.com,b@example.net | two: [REDACTED:email],[REDACTED:email]",
      "mailto:ALICE@EXAMPLE.COM | mailto:[REDACTED:email]",
  })
  void finds_emails(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "@example.com", "alice@", "alice@localhost", "alice@example.c", "a@b", "alice@example.123",
      "foo@bar@baz", "name@-example.com", "user@exa_mple.com", "@@@", "x @ y.com", "a@b.com_x",
  })
  void ignores_things_that_are_not_emails(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "4111111111111111 | [REDACTED:card]",
      "4111 1111 1111 1111 | [REDACTED:card]",
      "4111-1111-1111-1111 | [REDACTED:card]",
      "amex 3782 822463 10005 ok | amex [REDACTED:card] ok",
      "5555555555554444 | [REDACTED:card]",
      "6011111111111117 | [REDACTED:card]",
      "visa:4012888888881881. | visa:[REDACTED:card].",
      "card 4111 1111 1111 1111 2025 | card [REDACTED:card] 2025",
      "4111111111111111 2025 | [REDACTED:card] 2025",
  })
  void finds_card_numbers_that_pass_luhn(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4111111111111112", // fails Luhn
      "4111 1111 1111 1112",
      "41111111111111111111", // 20 digits
      "4111111111111111abc",
      "order-4111111111111111", // part of an id
      "4111.1111.1111.1111", // dots do not join card groups
      "4111  1111 1111 1111", // double space
      "0000000000000000",
      "4444444444444444", // a placeholder, all one digit
      "1714566645123", // Unix milliseconds: issuer digit 1
      "1714566645123456789", // Unix nanoseconds
      "ISBN 978-3-16-148410-0",
      "41 11 11 11 11 11 11 11",
  })
  void ignores_numbers_that_are_not_cards(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "+14155552671 | [REDACTED:phone]",
      "+1 415 555 2671 | [REDACTED:phone]",
      "+44 20 7946 0958 | [REDACTED:phone]",
      "+49 (0)30 1234567 | [REDACTED:phone]",
      "+1 (415) 555-2671 | [REDACTED:phone]",
      "(555) 123-4567 | [REDACTED:phone]",
      "555-123-4567 | [REDACTED:phone]",
      "call 1-800-555-0199 now | call [REDACTED:phone] now",
      "555.123.4567 | [REDACTED:phone]",
      "020 7946 0958 | [REDACTED:phone]",
      "tel:+33 6 12 34 56 78 | tel:[REDACTED:phone]",
  })
  void finds_phone_numbers(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "5551234567", // bare digits: an id or a timestamp
      "1714566645", // Unix seconds
      "2024-01-15", "12:30:45", "2024-01-15 10:30:45", "v1.2.3", "1.22.333", "10 20 30 40 50",
      "+5", "+1.5", "123-45-6789", "ORD-555-123-4567", "555-123-4567-89", "1.2.3.4.5.6.7.8.9.10",
      "555-123-4567.log", "x+14155552671", "(555)", "+1234567",
  })
  void ignores_numbers_that_are_not_phones(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10.0.0.1 | [REDACTED:ipv4]",
      "from 192.168.1.254:8080 | from [REDACTED:ipv4]:8080",
      "203.0.113.7/24 | [REDACTED:ipv4]/24",
      "[127.0.0.1] | [[REDACTED:ipv4]]",
      "client=255.255.255.255, | client=[REDACTED:ipv4],",
  })
  void finds_ipv4_addresses(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.02.03.04", "v10.0.0.1", "10.0.0.1a",
      "version 1.2.3-rc.1", "10.0.0", "1.2.3.4444",
  })
  void ignores_things_that_are_not_ipv4_addresses(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2001:db8::1 | [REDACTED:ipv6]",
      "fe80::1ff:fe23:4567:890a | [REDACTED:ipv6]",
      "::1 | [REDACTED:ipv6]",
      "2001:0db8:85a3:0000:0000:8a2e:0370:7334 | [REDACTED:ipv6]",
      "[2001:db8::1]:443 | [[REDACTED:ipv6]]:443",
      "::ffff:192.0.2.128 | [REDACTED:ipv6]",
      "peer 2001:DB8:0:0:8:800:200C:417A up | peer [REDACTED:ipv6] up",
      "2001:db8:: | [REDACTED:ipv6]",
  })
  void finds_ipv6_addresses(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "12:34:56", "std::string", "Net::HTTP", "dead::beef", "00:1a:2b:3c:4d:5e", "a:b:c",
      "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "::", "2001:db8::1::2", "12:30:45.123",
  })
  void ignores_things_that_are_not_ipv6_addresses(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk | [REDACTED:jwt]",
      "token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP; | token=[REDACTED:jwt];",
      "unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. | unsigned [REDACTED:jwt]",
  })
  void finds_jwts(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "eyJhbGciOiJIUzI1NiJ9", "eyJ.eyJ.eyJ", "keyJhbGciOiJIUzI1NiJ9.eyJzdWIi.abc",
      "eyJhbGciOiJIUzI1NiJ9.e", "eyes.eyJzdWIi.abc",
  })
  void ignores_things_that_are_not_jwts(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Bearer abcdef123456 | Bearer [REDACTED:bearer]",
      "header: bearer mF_9.B5f-4.1JqM | header: bearer [REDACTED:bearer]",
      "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig | Bearer [REDACTED:bearer]",
      "sent Bearer dGhpcyBpcyBhIHRva2Vu== ok | sent Bearer [REDACTED:bearer] ok",
  })
  void finds_bearer_tokens(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Bearer abc", "Bearer realm=\"api\"", "BearerToken xyz123456789", "the bearer of bad news",
      "Bearer", "Bearer ",
  })
  void ignores_things_that_are_not_bearer_tokens(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "sk_live_abcdefghij1234 | [REDACTED:api_key]",
      "key=sk_test_0123456789abcdef; | key=[REDACTED:api_key];",
      "AKIAIOSFODNN7EXAMPLE | [REDACTED:api_key]",
      "aws ASIAIOSFODNN7EXAMPLE. | aws [REDACTED:api_key].",
      "ghp_abcdefghijklmnopqrstuvwxyz0123456789 | [REDACTED:api_key]",
      "github_pat_11ABCDEFG0123456789_abcdefghij | [REDACTED:api_key]",
      "xoxb-123456789012-abcdefghij | [REDACTED:api_key]",
      "xoxa-123456789012-abcdefghij | [REDACTED:api_key]",
      "glpat-abcdefghij0123456789 | [REDACTED:api_key]",
  })
  void finds_api_keys_by_prefix(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "sk_live_short", "AKIAIOSFODNN7EXAMPL", "AKIAIOSFODNN7EXAMPLEX", "akiaiosfodnn7example",
      "mysk_live_abcdefghij1234", "ghp_short", "xoxz-123456789012-abcdefghij",
  })
  void ignores_things_that_are_not_api_keys(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "acme_abcdefgh12 | [REDACTED:api_key]",
      "acme_abc | acme_abc",
      "xacme_abcdefgh12 | xacme_abcdefgh12",
  })
  void finds_api_keys_with_configured_prefixes(String input, String expected) {
    var processor = Redaction.processor(Map.of("apiKeyPrefixes", List.of("acme_")));
    assertThat(redact(processor, input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "password", "db.password", "http.request.header.authorization", "X-Api-Key", "userPassword",
      "access_token", "Set-Cookie", "aws.secret_access_key", "client_secret", "API_KEY", "apiKey",
      "http.request.header.cookie", "authToken", "payment.credit_card", "PASSWD",
  })
  void redacts_values_whose_key_names_a_secret(String key) {
    Item item = Item.span();
    item.attributes().put(key, "hunter2");
    Redaction.TESTER.run(Map.of(), item);
    assertThat(item.attributes().getString(key)).isEqualTo("[REDACTED:key_name]");
    assertThat(item.attributes().getLong("pii.redacted.key_name", 0)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "tokens", "gen_ai.usage.input_tokens", "passwordless", "secretary", "cookies",
      "http.request.method", "keyboard", "tokenizer.name", "user.id", "llm.token_count.total",
      "gen_ai.token.type", "password_hint", "cookie_consent",
  })
  void leaves_keys_that_merely_contain_a_secret_word(String key) {
    Item item = Item.span();
    item.attributes().put(key, "hunter2");
    Redaction.TESTER.run(Map.of(), item);
    assertThat(item.attributes().getString(key)).isEqualTo("hunter2");
    assertThat(item.attributes().contains("pii.redacted.count")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "4bf92f3577b34da6a3ce929d0e0e4736", // trace id
      "00f067aa0ba902b7", // span id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // traceparent
      "550e8400-e29b-41d4-a716-446655440000", // UUID
      "550E8400-E29B-41D4-A716-446655440000",
      "018f3f5e-1c2d-7e3f-8a4b-5c6d7e8f9a0b", // UUIDv7
      "2024-05-01T12:30:45.123456789Z",
      "2024-05-01T12:30:45+02:00",
      "2024-05-01 12:30:45,123",
      "Tue, 01 May 2024 12:30:45 GMT",
      "1.22.3", "v2.0.0-rc.1+build.5", "10.4.12-alpine",
      "1m30s", "250ms", "PT1H30M", "1.5s", "00:01:30.250",
      "1714566645", "1714566645123", "1714566645123456789",
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // sha-256
      "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", // git sha
      "checkout-7d9f8b6c5-x2x4q", "200", "3.14159", "-42", "0x7fffffff",
      "https://shop.example.com/api/v1/orders/12345?page=2", "GET /cart", "/var/log/app.log",
      "localhost:8080", "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "dGhpcyBpcyBub3Q=",
      "SELECT * FROM orders WHERE id = 123456", "", " ", "ünïcödé ✓ 日本語",
  })
  void leaves_ids_timestamps_versions_and_durations_alone(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "4111111111111111 | card",
      "alice@example.com | email",
      "+14155552671 | phone",
      "10.0.0.1 | ipv4",
      "2001:db8::1 | ipv6",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig | jwt",
      "Bearer abcdef123456 | bearer",
      "AKIAIOSFODNN7EXAMPLE | api_key",
  })
  void a_type_left_out_of_types_is_not_looked_for(String input, String type) {
    List<String> others = new java.util.ArrayList<>(PiiType.CONFIGURABLE_IDS);
    others.remove(type);
    assertThat(redact(Redaction.processor(Map.of("types", others)), input)).isEqualTo(input);
    assertThat(redact(Redaction.processor(Map.of("types", List.of(type))), input))
        .contains("[REDACTED:" + type + "]");
  }
}
