package io.tributary.plugins.piiredaction;

import static io.tributary.plugins.piiredaction.Redaction.FACTORY;
import static io.tributary.plugins.piiredaction.Redaction.TESTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.tributary.api.ConfigField;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class PiiRedactionProcessorFactoryTest {

  @Test
  void descriptor_examples_pass() {
    TESTER.verifyExamples();
  }

  @Test
  void descriptor_documents_the_processor() {
    ProcessorDescriptor d = FACTORY.descriptor();
    assertThat(d.id()).isEqualTo("pii-redaction");
    assertThat(d.version()).isEqualTo("1.1.1");
    assertThat(d.stability()).isEqualTo(ProcessorDescriptor.STABLE);
    assertThat(d.examples()).hasSizeGreaterThanOrEqualTo(4);
    // Values anywhere may be redacted; the only keys it adds are its own counters.
    assertThat(d.redacts()).containsExactly("*", "resource:*", "field:body");
    assertThat(d.writes()).containsExactly("pii.redacted.*", "pii.redaction.failed");
    assertThat(d.reads()).contains("*", "resource:*", "field:body");
    for (ConfigField<?> f : d.config()) {
      assertThat(f.doc()).as(f.name()).isNotBlank();
    }
    assertThat(d.configField("hashKey").isSecret()).isTrue();
    assertThat(d.configField("action").allowedValues()).containsExactly("mask", "hash", "drop");
  }

  @Test
  void factory_is_found_by_the_service_loader() {
    assertThat(ServiceLoader.load(ProcessorFactory.class).stream()
            .map(p -> p.type().getName()))
        .contains(PiiRedactionProcessorFactory.class.getName());
  }

  @Test
  void hash_without_a_key_is_refused_naming_hashKey() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("action", "hash")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config 'hashKey': ")
        .hasMessageContaining("needs a key");
    assertThatThrownBy(() -> Redaction.processor(Map.of("actions", Map.of("email", "hash"))))
        .hasMessageStartingWith("config 'hashKey': ")
        .hasMessageContaining("email");
  }

  @Test
  void a_short_hash_key_is_refused_without_showing_it() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("action", "hash", "hashKey", "tooshort-xyz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config 'hashKey': ")
        .hasMessageContaining("at least 16")
        .hasMessageNotContaining("tooshort-xyz");
  }

  @Test
  void a_hash_key_is_not_needed_when_no_enabled_type_hashes() {
    assertThat(Redaction.processor(Map.of("actions", Map.of("email", "hash"), "types", List.of("ipv4"))))
        .isNotNull();
    assertThat(Redaction.processor(Map.of("hashKey", "short"))).as("nothing hashes").isNotNull();
  }

  @Test
  void unknown_types_and_actions_in_actions_name_the_key() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("actions", Map.of("emial", "mask"))))
        .hasMessageStartingWith("config 'actions': ")
        .hasMessageContaining("emial");
    assertThatThrownBy(() -> Redaction.processor(Map.of("actions", Map.of("email", "shred"))))
        .hasMessageStartingWith("config 'actions': ")
        .hasMessageContaining("'email'")
        .hasMessageContaining("shred");
  }

  @Test
  void schema_rejects_unknown_types_and_actions() {
    assertThat(TESTER.configProblems(Map.of("types", List.of("email", "passport"))))
        .singleElement(STRING).startsWith("types: ").contains("passport");
    assertThat(TESTER.configProblems(Map.of("types", List.of("oversize"))))
        .as("oversize is not a detector").singleElement(STRING).startsWith("types: ");
    assertThat(TESTER.configProblems(Map.of("action", "erase")))
        .singleElement(STRING).startsWith("action: ").contains("erase");
    assertThat(TESTER.configProblems(Map.of("oversize", "truncate")))
        .singleElement(STRING).startsWith("oversize: ").contains("truncate");
  }

  @Test
  void out_of_range_numbers_name_the_key() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("hashLength", 4)))
        .hasMessageContaining("'hashLength'");
    assertThat(TESTER.configProblems(Map.of("hashLength", 65)))
        .singleElement(STRING).startsWith("hashLength: ");
    assertThat(TESTER.configProblems(Map.of("maxScanLength", 0)))
        .singleElement(STRING).startsWith("maxScanLength: ");
    assertThat(TESTER.configProblems(Map.of("maxScanLength", 100_000_001)))
        .singleElement(STRING).startsWith("maxScanLength: ");
    assertThat(TESTER.configProblems(Map.of("hashLength", 8, "maxScanLength", 16))).isEmpty();
    assertThat(TESTER.configProblems(Map.of("hashLength", 64, "maxScanLength", 100_000_000))).isEmpty();
  }

  @Test
  void bad_key_names_prefixes_and_allow_keys_name_the_key() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("keyNames", List.of("pass*word"))))
        .hasMessageStartingWith("config 'keyNames': ")
        .hasMessageContaining("pass*word");
    assertThatThrownBy(() -> Redaction.processor(Map.of("keyNames", List.of(""))))
        .hasMessageStartingWith("config 'keyNames': ");
    assertThatThrownBy(() -> Redaction.processor(Map.of("credentialWords", List.of("pin", "-pin"))))
        .hasMessageStartingWith("config 'credentialWords': ")
        .hasMessageContaining("-pin");
    assertThatThrownBy(() -> Redaction.processor(Map.of("apiKeyPrefixes", List.of("ab"))))
        .hasMessageContaining("'apiKeyPrefixes'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("allowKeys", List.of("a*b"))))
        .hasMessageContaining("'allowKeys'");
    for (String bad : List.of("ab", "_key", "-key", "ke y", "key.", "kéy")) {
      assertThat(TESTER.configProblems(Map.of("apiKeyPrefixes", List.of(bad))))
          .as(bad).singleElement(STRING).startsWith("apiKeyPrefixes: ");
    }
    assertThat(TESTER.configProblems(Map.of("apiKeyPrefixes", List.of("abc", "0x_", "Ab-c_9"))))
        .isEmpty();
    for (String bad : List.of("", "*", "**", "a*b", "a**", "*a")) {
      assertThat(TESTER.configProblems(Map.of("allowKeys", List.of(bad))))
          .as(bad).singleElement(STRING).startsWith("allowKeys: ");
    }
    assertThat(TESTER.configProblems(Map.of("allowKeys", List.of("a", "k8s.*", "a b", "x*"))))
        .isEmpty();
  }

  @Test
  void key_names_are_only_checked_when_key_name_detection_is_on() {
    assertThat(Redaction.processor(Map.of("keyNames", List.of("pass*word"), "types", List.of("email"))))
        .isNotNull();
  }

  @Test
  void config_errors_never_show_the_secret() {
    assertThat(TESTER.configProblems(Map.of("hashKey", List.of("s3cr3t-value"))))
        .singleElement(STRING)
        .startsWith("hashKey: ")
        .doesNotContain("s3cr3t-value");
    assertThatThrownBy(() -> TESTER.config(Map.of("hashKey", List.of("s3cr3t-value"))))
        .hasMessageContaining("'hashKey'")
        .hasMessageNotContaining("s3cr3t-value");
  }

  @Test
  void processor_is_created_from_defaults() {
    assertThat(TESTER.create(Map.of())).isNotNull();
    assertThat(TESTER.config(Map.of()).get(PiiRedactionProcessorFactory.HASH_LENGTH)).isEqualTo(16L);
  }
}
