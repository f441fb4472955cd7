package io.tributary.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Typed request bodies (records): coercions and overflows are the client's 400, naming the field. */
class RequestJsonTest {

  record Stage(String name, int retries, long revision) {}

  record Body(List<Stage> stages) {}

  private static ApiException refused(String json) {
    try {
      RequestJson.read(json, Body.class);
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void a_well_formed_body_binds() {
    Body body = RequestJson.read("{\"stages\": [{\"name\": \"a\", \"retries\": 2, \"revision\": 9}]}", Body.class);
    assertThat(body.stages()).containsExactly(new Stage("a", 2, 9));
  }

  @Test
  void overflow_and_coercion_are_400_naming_the_field() {
    ApiException overflow = refused("{\"stages\": [{\"name\": \"a\", \"retries\": 3000000000, \"revision\": 1}]}");
    assertThat(overflow.status()).isEqualTo(400);
    assertThat(overflow.getMessage()).contains("'stages[0].retries'").contains("out of range");

    ApiException huge = refused("{\"stages\": [{\"name\": \"a\", \"retries\": 1, \"revision\": 18446744073709551617}]}");
    assertThat(huge.getMessage()).contains("'stages[0].revision'").contains("out of range");

    ApiException fraction = refused("{\"stages\": [{\"name\": \"a\", \"retries\": 1.5, \"revision\": 1}]}");
    assertThat(fraction.getMessage()).contains("'stages[0].retries'").contains("expected an integer");

    ApiException missing = refused("{\"stages\": [{\"name\": \"a\", \"retries\": null, \"revision\": 1}]}");
    assertThat(missing.getMessage()).contains("'stages[0].retries'").contains("expected an integer");

    ApiException text = refused("{\"stages\": [{\"name\": \"a\", \"retries\": \"two\", \"revision\": 1}]}");
    assertThat(text.getMessage()).contains("'stages[0].retries'").contains("expected an integer");

    ApiException trailing = refused("{\"stages\": []} {}");
    assertThat(trailing.getMessage()).contains("more after its JSON value");

    for (ApiException e : List.of(overflow, huge, fraction, missing, text, trailing)) {
      assertThat(e.getMessage()).as("no class or feature names").doesNotContain("io.tributary")
          .doesNotContain("Exception").doesNotContain("DeserializationFeature").doesNotContain("`");
    }
  }

  @Test
  void duplicate_keys_and_depth_are_refused_for_typed_bodies_too() {
    assertThat(refused("{\"stages\": [], \"stages\": []}").getMessage()).contains("duplicate key").contains("'stages'");
    String deep = "{\"stages\": " + "[".repeat(100) + "]".repeat(100) + "}";
    assertThatThrownBy(() -> RequestJson.read(deep, Object.class)).hasMessageContaining("nests deeper than 64");
  }
}
