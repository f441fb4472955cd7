package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.ConfigField;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessorTesterTest {

  static final ConfigField<String> VALUE = ConfigField.string("value").withDefault("on");
  static final ConfigField<Long> TIMES = ConfigField.longValue("times").withDefault(1L).range(1, 3);

  /** A factory whose processor does what the test gives it, under a fixed descriptor. */
  static ProcessorFactory factory(ProcessorDescriptor.Builder d, Function<ProcessorContext, Processor> create) {
    ProcessorDescriptor descriptor = d.build();
    return new ProcessorFactory() {
      @Override
      public ProcessorDescriptor descriptor() {
        return descriptor;
      }

      @Override
      public Processor create(ProcessorContext context) {
        return create.apply(context);
      }
    };
  }

  static ProcessorDescriptor.Builder tagger() {
    return ProcessorDescriptor.builder("tagger", "1.0.0").writes("tag").config(VALUE, TIMES);
  }

  @Test
  void a_declared_write_runs_through_the_engine_with_the_typed_config() {
    ProcessorTester tester = ProcessorTester.of(factory(tagger(), c -> {
      String value = c.config().get(VALUE);
      long times = c.config().get(TIMES);
      return item -> item.attributes().put("tag", value.repeat((int) times));
    }));
    Item out = tester.run(Map.of("value", "ab", "times", 2), Item.span());
    assertThat(out.attributes().getString("tag")).isEqualTo("abab");
    assertThat(tester.run(Map.of(), Item.log()).attributes().getString("tag")).isEqualTo("on");
  }

  @Test
  void an_undeclared_write_fails_the_test_naming_the_key() {
    ProcessorTester tester = ProcessorTester.of(factory(tagger(),
        c -> item -> item.attributes().put("user.email", "someone")));
    assertThatThrownBy(() -> tester.run(Map.of(), Item.span()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("tagger@1.0.0")
        .hasMessageContaining("'user.email'")
        .hasMessageContaining("does not declare");
  }

  @Test
  void a_processor_that_throws_fails_the_test_with_its_cause() {
    ProcessorTester tester = ProcessorTester.of(factory(tagger(), c -> item -> {
      throw new IllegalStateException("boom");
    }));
    assertThatThrownBy(() -> tester.run(Map.of(), List.of(Item.span(), Item.span())))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("failed on item 0")
        .hasMessageContaining("boom");
  }

  @Test
  void a_descriptor_a_node_would_refuse_fails_at_once_with_the_hosts_message() {
    assertThatThrownBy(() -> ProcessorTester.of(factory(
        ProcessorDescriptor.builder("Bad_Id", "1.0.0"), c -> item -> { })))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a node would refuse this processor")
        .hasMessageContaining("lowercase words");
    assertThatThrownBy(() -> ProcessorTester.of(factory(
        ProcessorDescriptor.builder("tagger", "1.0").writes("tag"), c -> item -> { })))
        .hasMessageContaining("not a semantic version");
    assertThatThrownBy(() -> ProcessorTester.of(factory(ProcessorDescriptor.builder("tagger", "1.0.0")
        .config(ConfigField.longValue("n").withDefault(9L).range(1, 3)), c -> item -> { })))
        .hasMessageContaining("config 'n': default 9 is outside the range 1 to 3");
  }

  @Test
  void configuration_errors_name_the_key_as_the_host_does() {
    ProcessorTester tester = ProcessorTester.of(factory(tagger(), c -> item -> { }));
    assertThat(tester.configProblems(Map.of("times", 7, "colour", "red")))
        .containsExactly("colour: unknown config key (known keys: [value, times])",
            "times: 7 is outside the range 1 to 3");
    assertThatThrownBy(() -> tester.config(Map.of("times", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'times': expected an integer, found the string \"many\"");
    assertThatThrownBy(() -> tester.run(Map.of("times", 0), Item.span()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("times");
  }

  @Test
  void an_error_the_factory_raises_itself_names_its_key() {
    ProcessorTester tester = ProcessorTester.of(factory(tagger(), c -> {
      throw VALUE.invalid("must not be 'off'");
    }));
    assertThatThrownBy(() -> tester.create(Map.of("value", "off")))
        .hasMessage("config 'value': must not be 'off'");
    assertThatThrownBy(() -> tester.run(Map.of("value", "off"), Item.span()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("config 'value': must not be 'off'");
  }

  @Test
  void examples_are_verified_and_a_wrong_one_is_reported() {
    Item in = Item.span();
    Item good = Item.span();
    good.attributes().put("tag", "on");
    Item wrong = Item.span();
    wrong.attributes().put("tag", "off");
    ProcessorTester.of(factory(tagger().example("tags", Map.of(), in, good),
        c -> item -> item.attributes().put("tag", c.config().get(VALUE))))
        .verifyExamples();
    assertThatThrownBy(() -> ProcessorTester.of(factory(
        tagger().example("tags", Map.of(), in, good).example("wrong", Map.of(), in, wrong),
        c -> item -> item.attributes().put("tag", c.config().get(VALUE)))).verifyExamples())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("1 of 2 examples")
        .hasMessageContaining("example 'wrong'");
  }

  @Test
  void files_are_read_inside_the_given_directory_only(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("table.txt"), "from-file");
    ConfigField<String> file = ConfigField.string("file").required();
    ProcessorFactory f = factory(ProcessorDescriptor.builder("filer", "1.0.0").writes("tag").config(file),
        c -> {
          String text = new String(c.readFile(c.config().get(file)), StandardCharsets.UTF_8);
          return item -> item.attributes().put("tag", text);
        });
    Item out = ProcessorTester.of(f).withFiles(dir).run(Map.of("file", "table.txt"), Item.span());
    assertThat(out.attributes().getString("tag")).isEqualTo("from-file");
    assertThatThrownBy(() -> ProcessorTester.of(f).withFiles(dir).create(Map.of("file", "../etc/passwd")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("../etc/passwd");
    assertThatThrownBy(() -> ProcessorTester.of(f).create(Map.of("file", "table.txt")))
        .hasMessageContaining("reads no files");
  }
}
