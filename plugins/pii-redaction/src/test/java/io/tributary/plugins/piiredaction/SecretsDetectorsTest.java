package io.tributary.plugins.piiredaction;

import static io.tributary.plugins.piiredaction.Redaction.redact;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Credentials in free text, secret formats, IBANs, SSNs, custom detectors and JSON values. */
class SecretsDetectorsTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "login failed for bob password=hunter2 | login failed for bob password=[REDACTED:credential]",
      "PASSWORD: hunter2 | PASSWORD: [REDACTED:credential]",
      "passwd:hunter2, retrying | passwd:[REDACTED:credential], retrying",
      "pwd=s3cr3t&user=bob | pwd=[REDACTED:credential]&user=bob",
      "db.password = 'p@ss w0rd' ok | db.password = '[REDACTED:credential]' ok",
      "~{\"client_secret\": \"abc123xyz\"}~ | ~{\"client_secret\": \"[REDACTED:key_name]\"}~",
      "~msg client_secret=\"abc 123\" end~ | ~msg client_secret=\"[REDACTED:credential]\" end~",
      "api_key: 0123456789abcdef | api_key: [REDACTED:credential]",
      "apikey=XyZ987654321 | apikey=[REDACTED:credential]",
      "X-Api-Key: QWERTYUIOP123 | X-Api-Key: [REDACTED:credential]",
      "userPassword=hunter2 | userPassword=[REDACTED:credential]",
      "secret=topsecretvalue | secret=[REDACTED:credential]",
      "token=abc.def-ghi_jkl | token=[REDACTED:credential]",
      "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== | Authorization: Basic [REDACTED:credential]",
      "Authorization: Bearer abcdef123456 | Authorization: Bearer [REDACTED:bearer]",
      "header Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== sent | header Basic [REDACTED:credential] sent",
      "GET /x?access_token=abc123&sig=Zm9vYmFy%2B&page=2 | GET /x?access_token=[REDACTED:credential]&sig=[REDACTED:credential]&page=2",
      "s3 ?X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027 | s3 ?X-Amz-Signature=[REDACTED:credential]",
      "connect postgres://app:Sup3rS3cret@db.internal:5432/shop | connect postgres://app:[REDACTED:credential]@db.internal:5432/shop",
      "https://user:pass@example.com/path | https://user:[REDACTED:credential]@example.com/path",
      "token=sk_live_EXAMPLE0000000000000000 | token=[REDACTED:api_key]",
      "password => hunter2 | password => [REDACTED:credential]",
      "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY | aws_secret_access_key=[REDACTED:credential]",
  })
  void finds_credentials_in_free_text_and_keeps_the_words(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "password=", "password: ****", "password=[REDACTED]", "password=<redacted>", "token=${TOKEN}",
      "secret: {{ vault.secret }}", "password_hint=blue", "token_type=bearer", "max_tokens=512",
      "tokens: 42", "password reset requested", "passwordless=true", "secret: false", "token: null",
      "Basic information about the account", "the bearer of bad news", "key=orders:123",
      "https://example.com/a:b", "ftp://host/path", "password: required", "sigma=0.5",
      "https://shop.example.com/api/v1/orders/12345?page=2",
  })
  void leaves_credential_look_alikes_alone(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "using token 8f3kQ2mP9xL4vR7tY1wZ now | using token [REDACTED:credential] now",
      "api_key AKq93hsPz0LmN2vB8c7xWq | api_key [REDACTED:credential]",
      "secret 4bf92f3577b34da6a3ce929d0e0e4736. | secret [REDACTED:credential].",
  })
  void finds_a_random_looking_token_right_after_a_credential_word(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "token expired for user 42", "password reset requested by support team",
      "token user_profile_v2_cache_key", "secret 1234567890123456789", "token abcdefghijklmnopqrstuvw",
      "tokens 8f3kQ2mP9xL4vR7tY1wZ", "password_hint 8f3kQ2mP9xL4vR7tY1wZ",
  })
  void leaves_ordinary_words_after_credential_words_alone(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "AIzaSyA-EXAMPLE_EXAMPLE_EXAMPLE_EXAMPL1 | [REDACTED:api_key]",
      "ABIAIOSFODNN7EXAMPLE | [REDACTED:api_key]",
      "xoxr-123456789012-abcdefghij | [REDACTED:api_key]",
      "gho_abcdefghijklmnopqrstuvwxyz0123456789 | [REDACTED:api_key]",
      "ghs_abcdefghijklmnopqrstuvwxyz0123456789 | [REDACTED:api_key]",
      "rk_live_abcdefghij1234 | [REDACTED:api_key]",
      "npm_abcdefghijklmnopqrstuvwxyz0123456789 | [REDACTED:api_key]",
  })
  void finds_more_secret_formats(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @Test
  void finds_private_key_blocks_whole_or_truncated() {
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\n"
        + "aFDrBz9vFqU4yQ==\n-----END RSA PRIVATE KEY-----";
    assertThat(redact("key: " + pem + " loaded")).isEqualTo("key: [REDACTED:private_key] loaded");
    assertThat(redact("-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5v"))
        .isEqualTo("[REDACTED:private_key]");
    String cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    assertThat(redact(cert)).isEqualTo(cert);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "DE89370400440532013000 | [REDACTED:iban]",
      "pay to DE89 3704 0044 0532 0130 00 today | pay to [REDACTED:iban] today",
      "GB82WEST12345698765432 | [REDACTED:iban]",
      "NL91ABNA0417164300 | [REDACTED:iban]",
      "FR1420041010050500013M02606 | [REDACTED:iban]",
  })
  void finds_ibans_with_valid_check_digits(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DE89370400440532013001", "DE8937040044053201300", "XX89370400440532013000",
      "GB82WEST1234569876543", "de89370400440532013000", "ADE89370400440532013000",
  })
  void leaves_iban_look_alikes_alone(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "ssn 536-22-1234 on file | ssn [REDACTED:ssn] on file",
      "536 22 1234 | [REDACTED:ssn]",
  })
  void finds_ssns(String input, String expected) {
    assertThat(redact(input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "000-12-3456", "666-12-3456", "912-34-5678", "536-00-1234", "536-22-0000", "123-45-6789",
      "078-05-1120", "536-22-12345", "536-221-234", "v536-22-1234", "536-22-1234.log", "536-22 1234",
  })
  void leaves_ssn_look_alikes_alone(String input) {
    assertThat(redact(input)).isEqualTo(input);
  }

  // ---------------------------------------------------------------- custom detectors

  @Test
  void a_custom_pattern_is_found_everywhere_with_its_own_kind_and_action() {
    Item item = Item.log().body("raised by EMP-004211 for EMP-12345 and XEMP-004211");
    Redaction.TESTER.run(Map.of(
        "customPatterns", Map.of("employee_id", "EMP-\\d{6}"),
        "actions", Map.of("employee_id", "hash"), "hashKey", "0123456789abcdef-key"), item);
    assertThat(item.body()).matches("raised by \\[HASH:employee_id:[0-9a-f]{16}] for EMP-12345 and XEMP-004211");
    assertThat(item.attributes().getLong("pii.redacted.employee_id", 0)).isEqualTo(1);
  }

  @Test
  void a_custom_detector_with_keys_looks_only_under_its_keys() {
    Item item = Item.log();
    item.attributes().put("app.member_no", "AB12345678").put("other", "AB12345678")
        .put("membership", "gold");
    item.body("member_no=CD87654321 and AB12345678");
    Redaction.TESTER.run(Map.of(
        "customPatterns", Map.of("member", "[A-Z]{2}\\d{8}"),
        "customKeys", Map.of("member", "member_no, membership")), item);
    assertThat(item.attributes().getString("app.member_no")).isEqualTo("[REDACTED:member]");
    assertThat(item.attributes().getString("other")).isEqualTo("AB12345678");
    assertThat(item.attributes().getString("membership")).isEqualTo("gold");
    assertThat(item.body()).isEqualTo("member_no=[REDACTED:member] and AB12345678");
  }

  @Test
  void a_custom_validator_checks_the_match() {
    Processor p = Redaction.processor(Map.of(
        "customPatterns", Map.of("loyalty", "L\\d{12}"), "customValidators", Map.of("loyalty", "luhn")));
    assertThat(redact(p, "card L079927398713 and L079927398710"))
        .isEqualTo("card [REDACTED:loyalty] and L079927398710");
  }

  @Test
  void a_custom_key_without_a_pattern_redacts_any_value() {
    Item item = Item.span();
    item.attributes().put("patient_name", "Ada Lovelace").put("note", "patient_name: Ada");
    Redaction.TESTER.run(Map.of("customKeys", Map.of("patient", "patient_name")), item);
    assertThat(item.attributes().getString("patient_name")).isEqualTo("[REDACTED:patient]");
    assertThat(item.attributes().getString("note")).isEqualTo("patient_name: [REDACTED:patient]");
  }

  @ParameterizedTest
  @ValueSource(strings = {"(a+)+b", "a|b", "^abc", "x*", "\\q", "[abc", "a{2", "a{3,1}", "é",
      "\\d{70}"})
  void unsafe_or_broken_custom_patterns_are_refused_naming_the_detector(String pattern) {
    assertThatThrownBy(() -> Redaction.processor(Map.of("customPatterns", Map.of("mine", pattern))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config 'customPatterns': detector 'mine': ");
  }

  @Test
  void custom_detector_names_and_validators_are_checked() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("customPatterns", Map.of("email", "x\\d"))))
        .hasMessageStartingWith("config 'customPatterns': 'email'")
        .hasMessageContaining("built-in");
    assertThatThrownBy(() -> Redaction.processor(Map.of("customKeys", Map.of("bad name", "k"))))
        .hasMessageStartingWith("config 'customKeys': 'bad name'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("customKeys", Map.of("x", "ok, not*a*key"))))
        .hasMessageStartingWith("config 'customKeys': detector 'x': ")
        .hasMessageContaining("not*a*key");
    assertThatThrownBy(() -> Redaction.processor(Map.of("customValidators", Map.of("x", "luhn"))))
        .hasMessageStartingWith("config 'customValidators': 'x'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("customPatterns", Map.of("x", "a\\d"),
        "customValidators", Map.of("x", "crc"))))
        .hasMessageStartingWith("config 'customValidators': detector 'x': ");
    assertThatThrownBy(() -> Redaction.processor(Map.of("customKeys", Map.of("x", "k"),
        "customValidators", Map.of("x", "luhn"))))
        .as("a validator needs a pattern to check")
        .hasMessageStartingWith("config 'customValidators': detector 'x': ");
  }

  // ---------------------------------------------------------------- structured values

  @Test
  void a_json_value_is_scanned_value_by_value_keys_included_and_stays_json() {
    Item item = Item.span();
    item.attributes().put("app.payload", "{\"user\":{\"name\":\"bob\",\"password\":\"hunter2\","
        + "\"email\":\"bob@example.org\"},\"tags\":[\"a\",\"10.0.0.1\"],\"auth\":{\"token\":{\"v\":1}},"
        + "\"cvv\":123,\"ok\":true}");
    Redaction.TESTER.run(Map.of(), item);
    assertThat(item.attributes().getString("app.payload")).isEqualTo("{\"user\":{\"name\":\"bob\","
        + "\"password\":\"[REDACTED:key_name]\",\"email\":\"[REDACTED:email]\"},"
        + "\"tags\":[\"a\",\"[REDACTED:ipv4]\"],\"auth\":{\"token\":\"[REDACTED:key_name]\"},"
        + "\"cvv\":\"[REDACTED:key_name]\",\"ok\":true}");
    assertThat(item.attributes().getLong("pii.redacted.key_name", 0)).isEqualTo(3);
  }

  @Test
  void escapes_in_json_strings_stay_whole_and_do_not_hide_credential_words() {
    // A JSON log line as loggers write it: escaped newlines and tabs inside the message.
    String json = "{\"msg\":\"a\\nalice@example.com\\tpassword=hunter2\\u00e9bob@example.org\"}";
    assertThat(redact(json)).isEqualTo("{\"msg\":\"a\\n[REDACTED:email]\\tpassword=[REDACTED:credential]"
        + "\\u00e9[REDACTED:email]\"}");
  }

  @Test
  void a_finding_never_crosses_from_one_json_string_into_the_next() {
    // As one text, "a@b" + "\",\"" + "example.com" could read as one address.
    String json = "[\"user a\",\"@example.com\"]";
    assertThat(redact(json)).isEqualTo(json);
  }

  @Test
  void text_that_only_looks_like_json_is_scanned_as_text() {
    assertThat(redact("[127.0.0.1]")).isEqualTo("[[REDACTED:ipv4]]");
    assertThat(redact("{password=hunter2}")).isEqualTo("{password=[REDACTED:credential]}");
  }

  @Test
  void the_issue_example_is_fully_redacted() {
    Item item = Item.log().body("login failed for bob@example.org from 198.51.100.7 password=hunter2");
    Redaction.TESTER.run(Map.of(), item);
    assertThat(item.body()).isEqualTo(
        "login failed for [REDACTED:email] from [REDACTED:ipv4] password=[REDACTED:credential]");
  }

  @Test
  void each_new_kind_has_its_own_action() {
    Item item = Item.span();
    item.attributes().put("a", "password=hunter2").put("b", "DE89370400440532013000");
    Redaction.TESTER.run(Map.of("actions", Map.of("credential", "drop", "iban", "hash"),
        "hashKey", "0123456789abcdef-key"), item);
    assertThat(item.attributes().contains("a")).isFalse();
    assertThat(item.attributes().getString("b")).matches("\\[HASH:iban:[0-9a-f]{16}]");
    assertThat(item.attributes().getLong("pii.redacted.credential", 0)).isEqualTo(1);
    assertThat(item.attributes().getLong("pii.redacted.iban", 0)).isEqualTo(1);
  }

  @Test
  void credential_words_are_configurable() {
    Processor p = Redaction.processor(Map.of("credentialWords", List.of("pin")));
    assertThat(redact(p, "pin=1234 password=x")).isEqualTo("pin=[REDACTED:credential] password=x");
  }
}
