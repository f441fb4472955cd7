package io.tributary.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Test fixture shared by the runtime and server tests. Builds real plugin jars in a temp dir: compiles Java sources and packs them with a manifest. */
public final class TestJars {

  private TestJars() {}

  /** Compiles {@code sources} (class name → source) against the test class path into a new dir. */
  public static Path compile(Path workDir, Map<String, String> sources) throws IOException {
    Path src = Files.createTempDirectory(workDir, "src");
    Path out = Files.createTempDirectory(workDir, "classes");
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-classpath",
        System.getProperty("java.class.path"), "--release", "17", "-proc:none"));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    int rc = javac.run(null, null, new java.io.PrintStream(new java.io.ByteArrayOutputStream()) {
      @Override
      public void write(byte[] b, int off, int len) {
        errors.write(new String(b, off, len, StandardCharsets.UTF_8));
      }
    }, args.toArray(new String[0]));
    if (rc != 0) {
      throw new IllegalStateException("fixture does not compile: " + errors);
    }
    return out;
  }

  /** A jar under construction. */
  public static final class Builder {
    private final Map<String, String> manifest = new LinkedHashMap<>();
    private final Map<String, byte[]> entries = new LinkedHashMap<>();
    private boolean withManifest = true;

    public Builder plugin(String id, String version) {
      manifest.put("Plugin-Id", id);
      manifest.put("Plugin-Version", version);
      manifest.put("Plugin-Requires", ">=1.0.0 & <2.0.0");
      return this;
    }

    public Builder manifest(String key, String value) {
      if (value == null) {
        manifest.remove(key);
      } else {
        manifest.put(key, value);
      }
      return this;
    }

    public Builder noManifest() {
      withManifest = false;
      return this;
    }

    /** Adds every class file under {@code classes} whose name starts with {@code packagePrefix}. */
    public Builder classes(Path classes, String packagePrefix) throws IOException {
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
          String name = classes.relativize(f).toString().replace('\\', '/');
          if (name.startsWith(packagePrefix.replace('.', '/'))) {
            entries.put(name, Files.readAllBytes(f));
          }
        }
      }
      return this;
    }

    /** Lists the given factory classes in META-INF/services/io.tributary.api.ProcessorFactory. */
    public Builder services(String... factoryClasses) {
      entries.put("META-INF/services/io.tributary.api.ProcessorFactory",
          (String.join("\n", factoryClasses) + "\n").getBytes(StandardCharsets.UTF_8));
      return this;
    }

    public Builder entry(String name, byte[] content) {
      entries.put(name, content);
      return this;
    }

    public Path writeTo(Path file) throws IOException {
      Files.createDirectories(file.getParent());
      try (OutputStream os = Files.newOutputStream(file)) {
        ZipOutputStream zip;
        if (withManifest) {
          Manifest m = new Manifest();
          m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
          manifest.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
          zip = new JarOutputStream(os, m);
        } else {
          zip = new ZipOutputStream(os);
        }
        try (ZipOutputStream z = zip) {
          for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            z.putNextEntry(withManifest ? new JarEntry(e.getKey()) : new ZipEntry(e.getKey()));
            z.write(e.getValue());
            z.closeEntry();
          }
        }
      }
      return file;
    }
  }

  public static Builder jar() {
    return new Builder();
  }

  /** Source of a factory class offering processor {@code id@version} that sets attribute {@code key} to {@code value}. */
  public static String factorySource(String className, String id, String version, String key, String value) {
    int dot = className.lastIndexOf('.');
    return "package " + className.substring(0, dot) + ";\n"
        + "import io.tributary.api.*;\n"
        + "public final class " + className.substring(dot + 1) + " implements ProcessorFactory {\n"
        + "  public ProcessorDescriptor descriptor() {\n"
        + "    return ProcessorDescriptor.builder(\"" + id + "\", \"" + version + "\").writes(\"" + key + "\").build();\n"
        + "  }\n"
        + "  public Processor create(ProcessorContext context) {\n"
        + "    return item -> item.attributes().put(\"" + key + "\", \"" + value + "\");\n"
        + "  }\n"
        + "}\n";
  }

  /** Java statements that never return, and ignore interrupts (the worst a plugin can do). */
  private static final String HANG =
      "while (true) { try { Thread.sleep(60_000); } catch (InterruptedException e) { } }";

  /**
   * Source of a factory offering {@code id@version} whose {@code descriptor()} never returns, or
   * whose {@code create()} never returns, or whose {@code create()} calls {@code System.exit(3)}.
   *
   * @param misbehaviour {@code "hang-descriptor"}, {@code "hang-create"}, {@code "hang-close"},
   *     {@code "hang-process"} or {@code "exit-create"}
   */
  public static String misbehavingFactorySource(String className, String id, String version,
      String misbehaviour) {
    int dot = className.lastIndexOf('.');
    String descriptor = "ProcessorDescriptor.builder(\"" + id + "\", \"" + version
        + "\").writes(\"touched\").build()";
    String processor = "item -> item.attributes().put(\"touched\", \"" + id + "\")";
    String descriptorBody;
    String createBody;
    switch (misbehaviour) {
      case "hang-descriptor":
        descriptorBody = HANG;
        createBody = "return " + processor + ";";
        break;
      case "hang-create":
        descriptorBody = "return " + descriptor + ";";
        createBody = HANG;
        break;
      case "hang-close":
        descriptorBody = "return " + descriptor + ";";
        createBody = "return new Processor() {\n"
            + "      public void process(Item item) { item.attributes().put(\"touched\", \"" + id + "\"); }\n"
            + "      public void close() { " + HANG + " }\n    };";
        break;
      case "hang-process":
        descriptorBody = "return " + descriptor + ";";
        createBody = "return item -> { " + HANG + " };";
        break;
      case "exit-create":
        descriptorBody = "return " + descriptor + ";";
        createBody = "System.exit(3); return " + processor + ";";
        break;
      default:
        throw new IllegalArgumentException("unknown misbehaviour " + misbehaviour);
    }
    return "package " + className.substring(0, dot) + ";\n"
        + "import io.tributary.api.*;\n"
        + "public final class " + className.substring(dot + 1) + " implements ProcessorFactory {\n"
        + "  public ProcessorDescriptor descriptor() {\n    " + descriptorBody + "\n  }\n"
        + "  public Processor create(ProcessorContext context) {\n    " + createBody + "\n  }\n"
        + "}\n";
  }
}
