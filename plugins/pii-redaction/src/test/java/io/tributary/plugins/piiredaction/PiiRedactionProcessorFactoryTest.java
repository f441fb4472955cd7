package io.tributary.plugins.piiredaction;

import static io.tributary.plugins.piiredaction.Redaction.FACTORY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorDescriptor.ConfigField;
import io.tributary.api.ProcessorFactory;
import io.tributary.runtime.ExampleVerifier;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class PiiRedactionProcessorFactoryTest {

  @Test
  void descriptor_examples_pass() {
    assertThat(ExampleVerifier.verify(new PiiRedactionProcessorFactory())).isEmpty();
  }

  @Test
  void descriptor_documents_the_processor() {
    ProcessorDescriptor d = FACTORY.descriptor();
    assertThat(d.id()).isEqualTo("pii-redaction");
    assertThat(d.version()).isEqualTo("1.1.0");
    assertThat(d.stability()).isEqualTo(ProcessorDescriptor.Stability.STABLE);
    assertThat(d.examples()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(d.writes()).contains("*", "resource:*", "field:body");
    assertThat(d.reads()).contains("*", "resource:*", "field:body");
    for (ConfigField f : d.config()) {
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
        .hasMessageContaining("'hashKey'")
        .hasMessageContaining("needs a key");
    assertThatThrownBy(() -> Redaction.processor(Map.of("actions", Map.of("email", "hash"))))
        .hasMessageContaining("'hashKey'")
        .hasMessageContaining("email");
  }

  @Test
  void a_short_hash_key_is_refused_without_showing_it() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("action", "hash", "hashKey", "tooshort-xyz")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'hashKey'")
        .hasMessageContaining("at least 16")
        .hasMessageNotContaining("tooshort-xyz");
  }

  @Test
  void a_hash_key_is_not_needed_when_no_enabled_type_hashes() {
    assertThat(Redaction.processor(Map.of("actions", Map.of("email", "hash"), "types", List.of("ipv4"))))
        .isNotNull();
  }

  @Test
  void unknown_types_and_actions_in_actions_name_the_key() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("actions", Map.of("emial", "mask"))))
        .hasMessageContaining("'actions'")
        .hasMessageContaining("emial");
    assertThatThrownBy(() -> Redaction.processor(Map.of("actions", Map.of("email", "shred"))))
        .hasMessageContaining("'actions.email'")
        .hasMessageContaining("shred");
  }

  @Test
  void schema_rejects_unknown_types_and_actions() {
    assertThatThrownBy(() -> FACTORY.descriptor().validateConfig(Map.of("types", List.of("passport"))))
        .hasMessageContaining("'types'");
    assertThatThrownBy(() -> FACTORY.descriptor().validateConfig(Map.of("action", "erase")))
        .hasMessageContaining("'action'");
    assertThatThrownBy(() -> FACTORY.descriptor().validateConfig(Map.of("oversize", "truncate")))
        .hasMessageContaining("'oversize'");
  }

  @Test
  void out_of_range_numbers_name_the_key() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("hashLength", 4)))
        .hasMessageContaining("'hashLength'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("hashLength", 65)))
        .hasMessageContaining("'hashLength'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("maxScanLength", 0)))
        .hasMessageContaining("'maxScanLength'");
  }

  @Test
  void bad_key_names_prefixes_and_allow_keys_name_the_key() {
    assertThatThrownBy(() -> Redaction.processor(Map.of("keyNames", List.of("pass*word"))))
        .hasMessageContaining("'keyNames'")
        .hasMessageContaining("pass*word");
    assertThatThrownBy(() -> Redaction.processor(Map.of("keyNames", List.of(""))))
        .hasMessageContaining("'keyNames'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("apiKeyPrefixes", List.of("ab"))))
        .hasMessageContaining("'apiKeyPrefixes'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("apiKeyPrefixes", List.of("_key"))))
        .hasMessageContaining("'apiKeyPrefixes'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("allowKeys", List.of("a*b"))))
        .hasMessageContaining("'allowKeys'");
    assertThatThrownBy(() -> Redaction.processor(Map.of("allowKeys", List.of("*"))))
        .hasMessageContaining("'allowKeys'");
  }

  @Test
  void config_errors_never_show_the_secret() {
    assertThatThrownBy(() -> FACTORY.descriptor().validateConfig(Map.of("hashKey", List.of("s3cr3t-value"))))
        .hasMessageContaining("'hashKey'")
        .hasMessageNotContaining("s3cr3t-value");
  }

  @Test
  void processor_is_created_from_defaults() {
    assertThat(FACTORY.create(ProcessorContext.of(FACTORY.descriptor().validateConfig(Map.of()))))
        .isNotNull();
  }
}
