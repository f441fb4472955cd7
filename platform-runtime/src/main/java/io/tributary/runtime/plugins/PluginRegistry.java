package io.tributary.runtime.plugins;

import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import io.tributary.runtime.DescriptorRules;
import io.tributary.runtime.PluginGuard;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.SemanticVersion;
import io.tributary.runtime.plugins.PluginLoader.LoadedPlugin;
import io.tributary.runtime.plugins.PluginLoader.PluginLoadException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every processor this node can run: those on the module path (found once by {@link
 * ServiceLoader}) and those in plugin jars in a watched folder, each jar in its own class loader.
 *
 * <p><b>The folder.</b> A jar dropped into the folder is loaded once it has stopped changing (two
 * scans with the same size and time), so a half-copied file is not mistaken for a broken one; with
 * the default one-second scan it is offered within about two seconds. Before loading, the jar is
 * copied to a content-addressed cache ({@code <sha256>.jar}): replacing or deleting the file in the
 * folder cannot pull a loaded class out from under a running pipeline. A file that cannot be
 * loaded is recorded as {@link PluginFile.State#FAILED} with its cause, logged, and retried when it
 * changes; nothing else is affected.
 *
 * <p><b>Removal.</b> When a jar leaves the folder its processors leave the registry at once:
 * new pipelines cannot use them. Pipelines already compiled with them keep running until their
 * environment installs a new pipeline; the plugin's class loader goes with the last of them.
 *
 * <p><b>Versions.</b> Two versions of a plugin, or of a processor, coexist; which one runs is the
 * pipeline's pin, not the folder's order. The same processor id and version offered twice is
 * refused for the second file found (folder order is by file name).
 *
 * <p><b>Plugins that hang.</b> Every call into a plugin's code runs with a time limit on a thread
 * of its own ({@link PluginGuard}): a jar whose code does not answer while it loads fails to load,
 * with that cause, and the scan goes on. A loaded plugin that stops answering later (its {@code
 * create()} or {@code close()} hangs) is marked {@link PluginFile.State#FAILED} with the cause, its
 * processors leave the registry, listeners hear a {@link PluginEvent.Type#FAILED} event, and its
 * code is never called again until the file changes. Pipelines already running its processors
 * keep them.
 *
 * <p>Thread-safe: reads see an immutable snapshot; scans are serialised (and bounded in time by
 * the call limit); {@link #close()} never waits for a scan.
 */
public final class PluginRegistry implements ProcessorRegistry, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

  private final Path pluginsDir;
  private final PluginLoader loader;
  private final Clock clock;
  private final List<Consumer<List<PluginEvent>>> listeners = new CopyOnWriteArrayList<>();

  private volatile Snapshot snapshot = new Snapshot(List.of(), List.of());

  // Guarded by "this" (scans are serialised: PF4J is not thread-safe).
  private final List<ProcessorEntry> moduleEntries = new ArrayList<>();
  private final Map<String, Known> known = new TreeMap<>();
  private volatile ScheduledExecutorService watcher;

  /** What the registry knows of one file in the folder. */
  private static final class Known {
    final long size;
    final long modified;
    final String sha256;
    final LoadedPlugin plugin; // null if failed
    final PluginFile record;

    Known(long size, long modified, String sha256, LoadedPlugin plugin, PluginFile record) {
      this.size = size;
      this.modified = modified;
      this.sha256 = sha256;
      this.plugin = plugin;
      this.record = record;
    }
  }

  /** Files seen changing at the last scan: (size, modified) to compare with the next one. */
  private final Map<String, long[]> settling = new TreeMap<>();

  private static final class Snapshot {
    final Map<String, List<ProcessorEntry>> byId;
    final List<String> ids;
    final List<PluginFile> files;

    Snapshot(List<ProcessorEntry> entries, List<PluginFile> files) {
      Map<String, List<ProcessorEntry>> map = new TreeMap<>();
      for (ProcessorEntry e : entries) {
        map.computeIfAbsent(e.descriptor().id(), k -> new ArrayList<>()).add(e);
      }
      Comparator<ProcessorEntry> byVersion =
          Comparator.comparing(e -> SemanticVersion.parse(e.descriptor().version()));
      map.replaceAll((id, list) -> {
        list.sort(byVersion);
        return List.copyOf(list);
      });
      this.byId = map;
      this.ids = List.copyOf(map.keySet());
      this.files = List.copyOf(files);
    }
  }

  /**
   * @param pluginsDir the folder to load plugin jars from (need not exist yet)
   * @param cacheDir where loaded jars are copied, named by content hash
   */
  public PluginRegistry(Path pluginsDir, Path cacheDir) {
    this(pluginsDir, cacheDir, PluginGuard.DEFAULT_LIMIT);
  }

  /**
   * @param callLimit how long any one call into a plugin's code may take before the plugin is
   *     marked failed
   */
  public PluginRegistry(Path pluginsDir, Path cacheDir, Duration callLimit) {
    this(pluginsDir, cacheDir, Clock.systemUTC(), callLimit);
  }

  PluginRegistry(Path pluginsDir, Path cacheDir, Clock clock) {
    this(pluginsDir, cacheDir, clock, PluginGuard.DEFAULT_LIMIT);
  }

  PluginRegistry(Path pluginsDir, Path cacheDir, Clock clock, Duration callLimit) {
    this.pluginsDir = Objects.requireNonNull(pluginsDir, "pluginsDir");
    this.loader = new PluginLoader(Objects.requireNonNull(cacheDir, "cacheDir"),
        Objects.requireNonNull(callLimit, "callLimit"));
    this.clock = clock;
  }

  public Path pluginsDir() {
    return pluginsDir;
  }

  /**
   * Calls {@code listener} once per scan that changed something, with every plugin loaded, failed
   * or removed in it, in order.
   */
  public void addListener(Consumer<List<PluginEvent>> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Adds the processors {@link ServiceLoader} finds through {@code classLoader} (on the module
   * path: every module that {@code provides io.tributary.api.ProcessorFactory}). A provider that
   * fails is logged and skipped.
   */
  public synchronized void addModuleProcessors(ClassLoader classLoader) {
    ServiceLoader<ProcessorFactory> services = ServiceLoader.load(ProcessorFactory.class, classLoader);
    var iterator = services.iterator();
    while (true) {
      ProcessorFactory factory;
      try {
        if (!iterator.hasNext()) {
          break;
        }
        factory = iterator.next();
      } catch (ServiceConfigurationError e) {
        LOG.warn("A processor on the module path could not be loaded: {}", PluginLoader.rootMessage(e));
        continue;
      }
      addModuleProcessor(factory);
    }
  }

  /** Adds one processor factory as if found on the module path. */
  public synchronized void addModuleProcessor(ProcessorFactory factory) {
    ProcessorDescriptor descriptor;
    try {
      descriptor = DescriptorRules.check(factory.descriptor());
    } catch (RuntimeException e) {
      LOG.warn("Processor factory {} has an invalid descriptor: {}", factory.getClass().getName(),
          PluginLoader.rootMessage(e));
      return;
    }
    String where = offeredBy(descriptor.coordinates());
    if (where != null) {
      LOG.warn("Processor {} from module {} ignored: already offered by {}", descriptor.coordinates(),
          moduleName(factory), where);
      return;
    }
    moduleEntries.add(new ProcessorEntry(descriptor, factory, ProcessorEntry.Source.MODULE, null,
        null, moduleName(factory), null));
    publish();
  }

  private static String moduleName(ProcessorFactory factory) {
    Module module = factory.getClass().getModule();
    return module.isNamed() ? module.getName() : "class path";
  }

  /**
   * Starts scanning the folder every {@code interval} on a daemon thread (the first scan runs at
   * once). Idempotent.
   */
  public synchronized void watch(Duration interval) {
    if (watcher != null) {
      return;
    }
    watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tributary-plugin-watcher");
      t.setDaemon(true);
      return t;
    });
    watcher.scheduleWithFixedDelay(() -> {
      try {
        scan(true);
      } catch (RuntimeException e) {
        LOG.error("Scanning the plugins folder {} failed", pluginsDir, e);
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Scans the folder now, loading every new or changed jar at once (tests, start-up). */
  public void scan() {
    scan(false);
  }

  private synchronized void scan(boolean settle) {
    Map<String, Path> present = listJars();
    List<PluginEvent> events = new ArrayList<>();
    // Removed files first, so a plugin moved to a new file name can load again.
    for (String file : new ArrayList<>(known.keySet())) {
      if (!present.containsKey(file)) {
        Known gone = known.remove(file);
        settling.remove(file);
        forget(gone, events);
      }
    }
    settling.keySet().retainAll(present.keySet());
    for (Map.Entry<String, Path> e : present.entrySet()) {
      String file = e.getKey();
      Path path = e.getValue();
      long size;
      long modified;
      try {
        size = Files.size(path);
        modified = Files.getLastModifiedTime(path).toMillis();
      } catch (IOException ex) {
        continue; // gone between listing and reading: the next scan sees it
      }
      Known before = known.get(file);
      if (before != null && before.size == size && before.modified == modified) {
        continue;
      }
      if (settle) {
        long[] last = settling.get(file);
        if (last == null || last[0] != size || last[1] != modified) {
          settling.put(file, new long[] {size, modified});
          continue; // still being written, perhaps: look again next time
        }
      }
      settling.remove(file);
      process(file, path, size, modified, before, events);
    }
    publish();
    notify(events);
  }

  private void notify(List<PluginEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    List<PluginEvent> scanned = List.copyOf(events);
    for (Consumer<List<PluginEvent>> listener : listeners) {
      try {
        listener.accept(scanned);
      } catch (RuntimeException ex) {
        LOG.warn("A plugin event listener failed on {}", scanned, ex);
      }
    }
  }

  private void process(String file, Path path, long size, long modified, Known before,
      List<PluginEvent> events) {
    String sha;
    try {
      sha = PluginLoader.sha256(path);
    } catch (IOException ex) {
      record(file, new Known(size, modified, null, null,
          failed(file, null, null, null, "it cannot be read: " + ex)), before, events);
      return;
    }
    if (before != null && sha.equals(before.sha256)) {
      known.put(file, new Known(size, modified, sha, before.plugin, before.record));
      return; // touched, not changed
    }
    if (before != null) {
      known.remove(file);
      forget(before, events);
    }
    try {
      LoadedPlugin plugin = loader.load(path, sha, loadedView());
      PluginFile loaded = new PluginFile(file, sha, PluginFile.State.LOADED, plugin.pluginId,
          plugin.pluginVersion,
          plugin.entries.stream().map(ProcessorEntry::coordinates).collect(Collectors.toList()), null,
          clock.instant());
      known.put(file, new Known(size, modified, sha, plugin, loaded));
      // A plugin that stops answering later is taken out of service off the caller's thread: the
      // caller (a request, a compile) has already waited its time limit and must not wait for a
      // scan in progress as well.
      plugin.guard.onFailure(cause -> {
        Thread t = new Thread(() -> outOfService(plugin, cause), "tributary-plugin-failed");
        t.setDaemon(true);
        t.start();
      });
      LOG.info("Plugin {}@{} loaded from {}: {}", plugin.pluginId, plugin.pluginVersion, file,
          loaded.processors());
      events.add(new PluginEvent(PluginEvent.Type.LOADED, loaded, String.join(", ", loaded.processors())));
    } catch (PluginLoadException ex) {
      record(file, new Known(size, modified, sha, null,
          failed(file, sha, ex.pluginId, ex.pluginVersion, ex.getMessage())), null, events);
    }
  }

  /**
   * Marks the file of {@code plugin} failed with {@code cause} and withdraws its processors, if it
   * is still the loaded content of that file. Its code is not called (no stop()).
   */
  private synchronized void outOfService(LoadedPlugin plugin, String cause) {
    for (Map.Entry<String, Known> e : known.entrySet()) {
      Known k = e.getValue();
      if (k.plugin != plugin) {
        continue;
      }
      String error = "plugin " + plugin.pluginId + "@" + plugin.pluginVersion + " stopped answering: "
          + cause + "; it is out of service until its jar is replaced (restart the node to free "
          + "the threads it holds)";
      Known failed = new Known(k.size, k.modified, k.sha256, null,
          failed(e.getKey(), k.sha256, plugin.pluginId, plugin.pluginVersion, error));
      e.setValue(failed);
      LOG.error("Plugin file {}: {}", e.getKey(), error);
      List<PluginEvent> events = new ArrayList<>();
      events.add(new PluginEvent(PluginEvent.Type.FAILED, failed.record, error));
      publish();
      notify(events);
      return;
    }
  }

  private void record(String file, Known failure, Known before, List<PluginEvent> events) {
    if (before != null) {
      forget(before, events);
    }
    known.put(file, failure);
    LOG.warn("Plugin file {} not loaded: {}", file, failure.record.error());
    events.add(new PluginEvent(PluginEvent.Type.FAILED, failure.record, failure.record.error()));
  }

  private PluginFile failed(String file, String sha, String id, String version, String error) {
    return new PluginFile(file, sha, PluginFile.State.FAILED, id, version, List.of(), error,
        clock.instant());
  }

  private void forget(Known gone, List<PluginEvent> events) {
    if (gone.plugin == null) {
      return; // a failed file offered nothing
    }
    gone.plugin.unload();
    LOG.info("Plugin {}@{} ({}) removed: {} no longer offered", gone.plugin.pluginId,
        gone.plugin.pluginVersion, gone.record.file(), gone.record.processors());
    events.add(new PluginEvent(PluginEvent.Type.REMOVED, gone.record,
        String.join(", ", gone.record.processors())));
  }

  private Map<String, Path> listJars() {
    Map<String, Path> jars = new TreeMap<>();
    if (!Files.isDirectory(pluginsDir)) {
      return jars;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(pluginsDir, "*.jar")) {
      for (Path p : stream) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(p)) {
          jars.put(name, p);
        }
      }
    } catch (IOException e) {
      LOG.warn("Cannot list the plugins folder {}: {}", pluginsDir, e.toString());
    }
    return jars;
  }

  private PluginLoader.Loaded loadedView() {
    return new PluginLoader.Loaded() {
      @Override
      public LoadedPlugin find(String pluginId, String version) {
        for (Known k : known.values()) {
          if (k.plugin != null && k.plugin.pluginId.equals(pluginId) && k.plugin.pluginVersion.equals(version)) {
            return k.plugin;
          }
        }
        return null;
      }

      @Override
      public List<LoadedPlugin> withId(String pluginId) {
        List<LoadedPlugin> out = new ArrayList<>();
        for (Known k : known.values()) {
          if (k.plugin != null && k.plugin.pluginId.equals(pluginId)) {
            out.add(k.plugin);
          }
        }
        return out;
      }

      @Override
      public String offeredBy(String coordinates) {
        return PluginRegistry.this.offeredBy(coordinates);
      }
    };
  }

  private String offeredBy(String coordinates) {
    for (ProcessorEntry e : moduleEntries) {
      if (e.coordinates().equals(coordinates)) {
        return e.origin();
      }
    }
    for (Known k : known.values()) {
      if (k.plugin != null) {
        for (ProcessorEntry e : k.plugin.entries) {
          if (e.coordinates().equals(coordinates)) {
            return e.origin();
          }
        }
      }
    }
    return null;
  }

  private void publish() {
    List<ProcessorEntry> entries = new ArrayList<>(moduleEntries);
    List<PluginFile> files = new ArrayList<>();
    for (Known k : known.values()) {
      files.add(k.record);
      if (k.plugin != null) {
        entries.addAll(k.plugin.entries);
      }
    }
    snapshot = new Snapshot(entries, files);
  }

  // ---------------------------------------------------------------- reads

  /** Every version of processor {@code id} with where it came from, oldest first. */
  public List<ProcessorEntry> entries(String id) {
    return snapshot.byId.getOrDefault(id, List.of());
  }

  /** Every processor offered, by id then version. */
  public List<ProcessorEntry> entries() {
    return snapshot.byId.values().stream().flatMap(List::stream).collect(Collectors.toList());
  }

  /** Every file in the plugins folder and what became of it, by file name. */
  public List<PluginFile> files() {
    return snapshot.files;
  }

  @Override
  public List<ProcessorFactory> versions(String id) {
    return entries(id).stream().map(ProcessorEntry::factory).collect(Collectors.toList());
  }

  @Override
  public List<String> ids() {
    return snapshot.ids;
  }

  /**
   * Stops watching. Loaded plugins stay usable by pipelines already compiled. Never waits for a
   * scan in progress (shutdown must not wait for a plugin that hangs).
   */
  @Override
  public void close() {
    ScheduledExecutorService w = watcher;
    if (w != null) {
      w.shutdownNow();
    }
  }

  @Override
  public String toString() {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("processors", entries().size());
    summary.put("files", files().size());
    return "PluginRegistry" + summary;
  }
}
