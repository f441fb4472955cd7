package io.tributary.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.api.ConfigField;
import io.tributary.api.ProcessorDescriptor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DescriptorJsonTest {

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> config(Map<String, Object> json) {
    return (List<Map<String, Object>>) json.get("config");
  }

  @Test
  void stability_and_types_are_lowercase_names_and_constraints_are_shown() {
    ProcessorDescriptor d = ProcessorDescriptor.builder("rules", "1.0.0")
        .title("Rules").writes("rule.*").redacts("user.email").stable()
        .config(
            ConfigField.stringList("tags").allowedValues("a", "b").doc("tags"),
            ConfigField.longValue("max").withDefault(10L).range(1, 100),
            ConfigField.string("name").pattern("[a-z]+", "must be lowercase letters").deprecated("use tags"),
            ConfigField.objects("actions",
                ConfigField.string("key").required(),
                ConfigField.doubleValue("weight").range(0.0, null)))
        .build();
    Map<String, Object> json = DescriptorJson.toMap(d);
    assertThat(json).containsEntry("stability", "stable").containsEntry("redacts", List.of("user.email"));
    List<Map<String, Object>> config = config(json);
    assertThat(config).extracting(f -> f.get("type"))
        .containsExactly("string_list", "long", "string", "object_list");

    assertThat(config.get(0)).containsEntry("allowedValues", List.of("a", "b"))
        .containsEntry("min", null).containsEntry("max", null).containsEntry("pattern", null)
        .containsEntry("doc", "tags").doesNotContainKey("fields");
    assertThat(config.get(1)).containsEntry("default", 10L).containsEntry("min", 1).containsEntry("max", 100);
    assertThat(config.get(2)).containsEntry("pattern", "[a-z]+")
        .containsEntry("patternRule", "must be lowercase letters").containsEntry("deprecation", "use tags");

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> nested = (List<Map<String, Object>>) config.get(3).get("fields");
    assertThat(nested).extracting(f -> f.get("name"), f -> f.get("type"), f -> f.get("required"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("key", "string", true),
            org.assertj.core.groups.Tuple.tuple("weight", "double", false));
    assertThat(nested.get(1)).containsEntry("min", 0.0).containsEntry("max", null)
        .containsOnlyKeys(config.get(0).keySet());
  }

  @Test
  void experimental_is_the_default_stability() {
    ProcessorDescriptor d = ProcessorDescriptor.builder("x", "0.1.0").build();
    assertThat(DescriptorJson.toMap(d)).containsEntry("stability", "experimental");
  }
}
