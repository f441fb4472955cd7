package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What plugin authors write against: the exported public types of this module, nested ones
 * included. A new public type is a decision, not an accident: change the list here with it.
 */
class PublicApiTest {

  private static final List<String> EXPECTED = List.of(
      "io.tributary.api.Attributes",
      "io.tributary.api.Attributes$Type",
      "io.tributary.api.ConfigField",
      "io.tributary.api.Example",
      "io.tributary.api.Item",
      "io.tributary.api.Item$Kind",
      "io.tributary.api.Processor",
      "io.tributary.api.ProcessorConfig",
      "io.tributary.api.ProcessorContext",
      "io.tributary.api.ProcessorDescriptor",
      "io.tributary.api.ProcessorDescriptor$Builder",
      "io.tributary.api.ProcessorFactory",
      "io.tributary.api.trace.Baggage",
      "io.tributary.api.trace.TraceParent",
      "io.tributary.api.trace.TraceState");

  /** The packages exported to everyone (the host package is exported to the runtime only). */
  private static List<String> exportedPackages() throws IOException {
    ModuleDescriptor module;
    try (var in = Files.newInputStream(Path.of("target", "classes", "module-info.class"))) {
      module = ModuleDescriptor.read(in);
    }
    List<String> out = new ArrayList<>();
    for (ModuleDescriptor.Exports e : module.exports()) {
      if (!e.isQualified()) {
        out.add(e.source());
      }
    }
    return out;
  }

  private static List<Class<?>> publicTypes() throws IOException, ClassNotFoundException {
    List<Class<?>> out = new ArrayList<>();
    for (String pkg : exportedPackages()) {
      Path dir = Path.of("target", "classes").resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String file = f.getFileName().toString();
          if (!file.endsWith(".class") || file.equals("package-info.class")) {
            continue;
          }
          Class<?> c = Class.forName(pkg + "." + file.substring(0, file.length() - 6), false,
              Item.class.getClassLoader());
          if (isVisible(c)) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }

  private static boolean isVisible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  @Test
  void plugin_authors_see_at_most_fifteen_public_types() throws Exception {
    TreeSet<String> names = new TreeSet<>();
    for (Class<?> c : publicTypes()) {
      names.add(c.getName());
    }
    assertThat(names).hasSizeLessThanOrEqualTo(15);
    assertThat(names).containsExactlyElementsOf(new TreeSet<>(EXPECTED));
  }

  @Test
  void no_public_signature_reaches_a_type_plugins_cannot_see() throws Exception {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c : publicTypes()) {
      for (Method m : c.getMethods()) {
        List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
        types.add(m.getGenericReturnType());
        for (Type t : types) {
          String name = t.getTypeName();
          if (name.contains("io.tributary.api.host") || name.contains("ChangeLog")) {
            leaks.add(c.getSimpleName() + "." + m.getName() + ": " + name);
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void the_descriptor_is_a_small_value_with_its_builder() throws IOException {
    long lines;
    try (Stream<String> s = Files.lines(
        Path.of("src/main/java/io/tributary/api/ProcessorDescriptor.java"))) {
      lines = s.count();
    }
    assertThat(lines).isLessThanOrEqualTo(300);
  }
}
