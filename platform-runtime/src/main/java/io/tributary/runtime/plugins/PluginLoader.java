package io.tributary.runtime.plugins;

import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import io.tributary.runtime.DescriptorRules;
import io.tributary.runtime.GuardedFactory;
import io.tributary.runtime.PluginGuard;
import io.tributary.runtime.PluginGuard.UnresponsivePluginException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;
import org.pf4j.DefaultPluginManager;
import org.pf4j.DefaultVersionManager;
import org.pf4j.PluginDependency;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads one plugin jar: checks it, copies it into the content-addressed cache, gives it a class
 * loader of its own through PF4J, and finds its processors through {@link ServiceLoader}. Any
 * problem becomes a {@link PluginLoadException} whose message names the cause.
 *
 * <p>Each plugin gets its own PF4J {@link PluginManager}: PF4J keys plugins by id, and two
 * versions of one plugin must coexist. Plugin dependencies ({@code Plugin-Dependencies}) are
 * loaded into the dependent's manager from their cached jars, so their classes are shared.
 *
 * <p>Every call into the plugin's own code (its {@code Plugin} class's start and stop, its
 * factories' constructors and {@code descriptor()}) runs through the plugin's {@link PluginGuard},
 * with the loader's time limit: a plugin that hangs there fails to load, with that cause, instead of
 * hanging the scan. Its processors are offered as {@link GuardedFactory GuardedFactories} sharing
 * that guard, so {@code create()} and {@code close()} are limited too, and a plugin that stops
 * answering there is out of service for every later call.
 *
 * <p>Not thread-safe (neither is PF4J): the registry serialises calls.
 */
final class PluginLoader {

  static final String SERVICE_FILE = "META-INF/services/" + ProcessorFactory.class.getName();
  private static final String API_PACKAGE_PATH = "io/tributary/api/";

  private final Path cacheDir;
  private final Duration callLimit;
  private final DefaultVersionManager versions = new DefaultVersionManager();

  PluginLoader(Path cacheDir, Duration callLimit) {
    this.cacheDir = cacheDir;
    this.callLimit = callLimit;
  }

  /** A plugin whose processors are ready to use. */
  static final class LoadedPlugin {
    final String file;
    final String sha256;
    final Path cached;
    final String pluginId;
    final String pluginVersion;
    final PluginManager manager;
    final List<ProcessorEntry> entries;
    final PluginGuard guard;

    LoadedPlugin(String file, String sha256, Path cached, String pluginId, String pluginVersion,
        PluginManager manager, List<ProcessorEntry> entries, PluginGuard guard) {
      this.guard = guard;
      this.file = file;
      this.sha256 = sha256;
      this.cached = cached;
      this.pluginId = pluginId;
      this.pluginVersion = pluginVersion;
      this.manager = manager;
      this.entries = List.copyOf(entries);
    }

    /**
     * Stops the plugin. Its class loader stays open: pipelines compiled with its processors keep
     * running until their environment gets a new pipeline, and the loader goes with the last of
     * them (garbage collection). The cached jar is immutable, so nothing can change under them.
     */
    void unload() {
      if (guard.failure() != null) {
        return; // out of service: its code is not called again, not even stop()
      }
      try {
        guard.run("stop() of plugin " + pluginId + "@" + pluginVersion, manager::stopPlugins);
      } catch (RuntimeException | LinkageError e) {
        // A plugin's stop() failing (or hanging) must not keep it registered.
      }
    }
  }

  /** Why a plugin file could not be loaded; the message is what the operator sees. */
  static final class PluginLoadException extends Exception {
    final String pluginId;
    final String pluginVersion;

    PluginLoadException(String message, String pluginId, String pluginVersion) {
      super(message, null, false, false);
      this.pluginId = pluginId;
      this.pluginVersion = pluginVersion;
    }
  }

  /** Plugins already loaded, to check duplicates and dependencies against. */
  interface Loaded {
    /** The loaded plugin with this id and version, or null. */
    LoadedPlugin find(String pluginId, String version);

    /** Every loaded plugin with this id. */
    List<LoadedPlugin> withId(String pluginId);

    /** Where a processor with these coordinates is already offered, or null. */
    String offeredBy(String coordinates);
  }

  /** Computes the SHA-256 (hex) of a file. */
  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * Loads {@code source} (a file in the plugins folder whose content hashes to {@code sha256}).
   *
   * @throws PluginLoadException naming the cause
   */
  LoadedPlugin load(Path source, String sha256, Loaded loaded) throws PluginLoadException {
    String file = source.getFileName().toString();
    Path cached = cache(source, sha256);
    Manifest manifest = inspect(cached);
    Attributes main = manifest.getMainAttributes();
    String pluginId = trimToNull(main.getValue("Plugin-Id"));
    String pluginVersion = trimToNull(main.getValue("Plugin-Version"));
    if (pluginId == null) {
      throw new PluginLoadException(
          "the manifest has no Plugin-Id: this is not a Tributary plugin jar", null, pluginVersion);
    }
    if (pluginVersion == null) {
      throw new PluginLoadException("the manifest has no Plugin-Version", pluginId, null);
    }
    String requires = trimToNull(main.getValue("Plugin-Requires"));
    checkRequires(requires, pluginId, pluginVersion);
    LoadedPlugin same = loaded.find(pluginId, pluginVersion);
    if (same != null) {
      throw new PluginLoadException("plugin " + pluginId + "@" + pluginVersion
          + " is already loaded from " + same.file + "; remove one of the two files",
          pluginId, pluginVersion);
    }

    DefaultPluginManager manager = new DefaultPluginManager(cacheDir);
    manager.setSystemVersion(ProcessorFactory.API_VERSION);
    PluginGuard guard = new PluginGuard(pluginId + "@" + pluginVersion, callLimit,
        PluginGuard.DEFAULT_MAX_IN_FLIGHT);
    try {
      String loadedId;
      try {
        loadedId = loadWithDependencies(manager, cached, loaded, pluginId, pluginVersion);
      } catch (RuntimeException e) {
        throw new PluginLoadException("PF4J could not load it: " + rootMessage(e), pluginId, pluginVersion);
      }
      PluginWrapper wrapper = manager.getPlugin(loadedId);
      // Starting runs the plugin's code (its Plugin class, static initialisers): limited.
      PluginState state = guard.call("start() of plugin " + pluginId + "@" + pluginVersion,
          () -> manager.startPlugin(loadedId));
      if (state != PluginState.STARTED) {
        String cause = wrapper.getFailedException() == null ? "state " + state : rootMessage(wrapper.getFailedException());
        throw new PluginLoadException("the plugin did not start: " + cause, pluginId, pluginVersion);
      }
      List<ProcessorEntry> entries = findProcessors(wrapper.getPluginClassLoader(), file, sha256,
          pluginId, pluginVersion, loaded, guard);
      return new LoadedPlugin(file, sha256, cached, pluginId, pluginVersion, manager, entries, guard);
    } catch (PluginLoadException | RuntimeException | LinkageError e) {
      if (guard.failure() == null) {
        discard(manager);
      } // else: its code hangs on a thread of its own; PF4J's unload would call it again
      if (e instanceof PluginLoadException) {
        throw (PluginLoadException) e;
      }
      if (e instanceof UnresponsivePluginException) {
        throw new PluginLoadException("it does not answer: " + e.getMessage(), pluginId, pluginVersion);
      }
      throw new PluginLoadException("loading failed: " + rootMessage(e), pluginId, pluginVersion);
    }
  }

  private Path cache(Path source, String sha256) throws PluginLoadException {
    Path cached = cacheDir.resolve(sha256 + ".jar");
    try {
      if (!Files.exists(cached)) {
        Files.createDirectories(cacheDir);
        Path temp = Files.createTempFile(cacheDir, sha256, ".part");
        try {
          Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
          if (!sha256(temp).equals(sha256)) {
            throw new PluginLoadException("the file changed while it was being copied; it will be retried",
                null, null);
          }
          Files.move(temp, cached, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(temp);
        }
      }
      return cached;
    } catch (IOException e) {
      throw new PluginLoadException("cannot copy it to the plugin cache: " + e, null, null);
    }
  }

  /** Opens the jar, reads the manifest and refuses one that packs the platform API. */
  private static Manifest inspect(Path jar) throws PluginLoadException {
    try (JarFile jarFile = new JarFile(jar.toFile())) {
      Manifest manifest = jarFile.getManifest();
      if (manifest == null) {
        throw new PluginLoadException("it has no META-INF/MANIFEST.MF: this is not a Tributary plugin jar",
            null, null);
      }
      Enumeration<JarEntry> entries = jarFile.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        if (name.startsWith(API_PACKAGE_PATH) && name.endsWith(".class")) {
          Attributes main = manifest.getMainAttributes();
          throw new PluginLoadException("it contains platform-api classes (" + name + "): the host provides "
              + "platform-api, so declare it with <scope>provided</scope> and rebuild the plugin",
              main.getValue("Plugin-Id"), main.getValue("Plugin-Version"));
        }
      }
      return manifest;
    } catch (ZipException e) {
      throw new PluginLoadException("it is not a valid jar (zip) file: " + e.getMessage(), null, null);
    } catch (IOException e) {
      throw new PluginLoadException("it cannot be read as a jar: " + e, null, null);
    }
  }

  private void checkRequires(String requires, String pluginId, String pluginVersion)
      throws PluginLoadException {
    if (requires == null || requires.equals("*")) {
      return;
    }
    boolean ok;
    try {
      ok = versions.checkVersionConstraint(ProcessorFactory.API_VERSION, requires);
    } catch (RuntimeException e) {
      throw new PluginLoadException("Plugin-Requires '" + requires + "' is not a version range ("
          + rootMessage(e) + ")", pluginId, pluginVersion);
    }
    if (!ok) {
      throw new PluginLoadException("it requires platform-api " + requires + ", but this platform provides "
          + "platform-api " + ProcessorFactory.API_VERSION, pluginId, pluginVersion);
    }
  }

  private String loadWithDependencies(DefaultPluginManager manager, Path cached, Loaded loaded,
      String pluginId, String pluginVersion) throws PluginLoadException {
    Set<String> seen = new HashSet<>();
    loadDependencies(manager, cached, loaded, pluginId, pluginVersion, seen);
    return manager.loadPlugin(cached);
  }

  private void loadDependencies(DefaultPluginManager manager, Path jar, Loaded loaded,
      String rootId, String rootVersion, Set<String> seen) throws PluginLoadException {
    List<PluginDependency> dependencies;
    try {
      dependencies = new org.pf4j.ManifestPluginDescriptorFinder().find(jar).getDependencies();
    } catch (RuntimeException e) {
      throw new PluginLoadException("its manifest is invalid: " + rootMessage(e), rootId, rootVersion);
    }
    for (PluginDependency dependency : dependencies) {
      String id = dependency.getPluginId();
      String support = dependency.getPluginVersionSupport();
      LoadedPlugin match = null;
      for (LoadedPlugin candidate : loaded.withId(id)) {
        if (support == null || support.equals("*")
            || versions.checkVersionConstraint(candidate.pluginVersion, support)) {
          if (match == null || versions.compareVersions(candidate.pluginVersion, match.pluginVersion) > 0) {
            match = candidate;
          }
        }
      }
      if (match == null) {
        if (dependency.isOptional()) {
          continue;
        }
        throw new PluginLoadException("it depends on plugin '" + id + "'"
            + (support == null || support.equals("*") ? "" : " (" + support + ")")
            + ", which is not loaded: add that plugin's jar to the plugins folder", rootId, rootVersion);
      }
      if (seen.add(id)) {
        loadDependencies(manager, match.cached, loaded, rootId, rootVersion, seen);
        manager.loadPlugin(match.cached);
      }
    }
  }

  private static List<ProcessorEntry> findProcessors(ClassLoader pluginLoader, String file,
      String sha256, String pluginId, String pluginVersion, Loaded loaded, PluginGuard guard)
      throws PluginLoadException {
    List<ProcessorEntry> entries = new ArrayList<>();
    Set<String> coordinates = new HashSet<>();
    for (ServiceLoader.Provider<ProcessorFactory> provider : providers(pluginLoader, pluginId, pluginVersion)) {
      ProcessorFactory factory;
      try {
        factory = guard.call("the constructor of " + provider.type().getName(), provider::get);
      } catch (ServiceConfigurationError e) {
        throw new PluginLoadException("processor factory " + provider.type().getName()
            + " could not be created: " + rootMessage(e), pluginId, pluginVersion);
      }
      ProcessorDescriptor descriptor;
      try {
        ProcessorFactory f = factory;
        descriptor = guard.call("descriptor() of " + provider.type().getName(), f::descriptor);
        if (descriptor == null) {
          throw new IllegalArgumentException("descriptor() returned null");
        }
        DescriptorRules.check(descriptor);
      } catch (UnresponsivePluginException e) {
        throw new PluginLoadException("it does not answer: " + e.getMessage(), pluginId, pluginVersion);
      } catch (RuntimeException | LinkageError e) {
        throw new PluginLoadException("processor factory " + provider.type().getName()
            + " has an invalid descriptor: " + rootMessage(e), pluginId, pluginVersion);
      }
      String coords = descriptor.coordinates();
      if (!coordinates.add(coords)) {
        throw new PluginLoadException("it offers processor " + coords + " twice", pluginId, pluginVersion);
      }
      String other = loaded.offeredBy(coords);
      if (other != null) {
        throw new PluginLoadException("processor " + coords + " is already offered by " + other
            + "; a processor id and version must come from one place", pluginId, pluginVersion);
      }
      entries.add(new ProcessorEntry(descriptor, new GuardedFactory(factory, descriptor, guard),
          ProcessorEntry.Source.PLUGIN, pluginId,
          pluginVersion, file, sha256));
    }
    if (entries.isEmpty()) {
      throw new PluginLoadException("it offers no processors: list its ProcessorFactory classes in "
          + SERVICE_FILE, pluginId, pluginVersion);
    }
    return entries;
  }

  /** The providers defined by the plugin's own loader (not those the parent loader sees). */
  private static List<ServiceLoader.Provider<ProcessorFactory>> providers(
      ClassLoader pluginLoader, String pluginId, String pluginVersion) throws PluginLoadException {
    List<ServiceLoader.Provider<ProcessorFactory>> own = new ArrayList<>();
    try {
      ServiceLoader.load(ProcessorFactory.class, pluginLoader).stream()
          .filter(p -> p.type().getClassLoader() == pluginLoader)
          .forEach(own::add);
    } catch (ServiceConfigurationError e) {
      throw new PluginLoadException(SERVICE_FILE + " is wrong: " + describe(e), pluginId, pluginVersion);
    }
    return own;
  }

  private static String describe(ServiceConfigurationError e) {
    String message = rootMessage(e);
    String prefix = ProcessorFactory.class.getName() + ": ";
    if (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    if (message.endsWith(" not a subtype")) {
      return message + " (it does not implement " + ProcessorFactory.class.getName() + ")";
    }
    if (message.endsWith(" not found")) {
      return message + " (no such class in the jar)";
    }
    return message;
  }

  private static void discard(PluginManager manager) {
    for (PluginWrapper wrapper : manager.getPlugins()) {
      ClassLoader loader = wrapper.getPluginClassLoader();
      try {
        manager.unloadPlugin(wrapper.getPluginId());
      } catch (RuntimeException e) {
        // Best effort: the loader is closed below either way.
      }
      if (loader instanceof AutoCloseable) {
        try {
          ((AutoCloseable) loader).close();
        } catch (Exception e) {
          // Nothing else holds it: the plugin never became visible.
        }
      }
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    String outer = t.getMessage();
    if (root == t) {
      return message == null ? t.getClass().getSimpleName() : message;
    }
    return (outer == null ? t.getClass().getSimpleName() : outer) + " (caused by "
        + root.getClass().getSimpleName() + (message == null ? "" : ": " + message) + ")";
  }

  private static String trimToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
