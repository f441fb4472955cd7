package io.tributary.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.api.ConfigField;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.api.ProcessorFactory;
import io.tributary.runtime.Diagnostic.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Compiles a {@link PipelineSpec} against the processors of a {@link ProcessorRegistry} into an
 * immutable {@link CompiledPipeline}.
 *
 * <p>Compilation resolves every stage's processor and version, validates its config against the
 * schema, checks that the host has the services it needs, and checks the order of stages from
 * their read/write declarations: a requirement no earlier stage writes, a requirement cycle, a
 * read of a key a later stage writes, two stages writing one key, a read nothing provides, a
 * deprecated processor. Errors stop compilation ({@link PipelineCompilationException}); warnings
 * travel with the compiled pipeline. Every finding names its stage and key.
 *
 * <p>Thread-safe; the registry is read only while compiling.
 */
public final class PipelineCompiler {

  private final ProcessorRegistry registry;
  private final MeterRegistry meters;
  private final Map<Class<?>, Object> services;
  private final ConfigFiles configFiles;
  private final BreakerSettings breakerSettings;
  private final boolean lineage;
  private final boolean timings;
  private final boolean enforceDeclaredWrites;
  private final LongSupplier nanoClock;

  private PipelineCompiler(Builder b) {
    this.registry = b.registry;
    this.meters = b.meters == null ? new SimpleMeterRegistry() : b.meters;
    this.services = Map.copyOf(b.services);
    this.configFiles = b.configFiles;
    this.breakerSettings = b.breakerSettings;
    this.lineage = b.lineage;
    this.timings = b.timings;
    this.enforceDeclaredWrites = b.enforceDeclaredWrites;
    this.nanoClock = b.nanoClock;
  }

  public static Builder builder(ProcessorRegistry registry) {
    return new Builder(registry);
  }

  public ProcessorRegistry registry() {
    return registry;
  }

  /** Every finding for {@code spec} without creating processors (for a plan or a dry check). */
  public List<Diagnostic> check(PipelineSpec spec) {
    List<Diagnostic> diagnostics = new ArrayList<>();
    resolve(spec, diagnostics);
    return sorted(diagnostics);
  }

  /**
   * Compiles {@code spec} for {@code environment} at catalog {@code revision}.
   *
   * @throws PipelineCompilationException listing every finding if there is any error
   */
  public CompiledPipeline compile(String environment, long revision, PipelineSpec spec) {
    Objects.requireNonNull(environment, "environment");
    List<Diagnostic> diagnostics = new ArrayList<>();
    List<Resolved> resolved = resolve(spec, diagnostics);
    if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
      throw new PipelineCompilationException(sorted(diagnostics));
    }
    List<Stage> stages = new ArrayList<>();
    for (Resolved r : resolved) {
      ProcessorContext context = new StageContext(environment, r.name, r.config, services, configFiles);
      Processor processor;
      try {
        processor = Objects.requireNonNull(r.factory.create(context), "create() returned null");
      } catch (RuntimeException | LinkageError e) {
        diagnostics.add(new Diagnostic(Severity.ERROR, r.index, r.name, configKey(e, r.descriptor),
            r.descriptor.coordinates() + " failed to start: "
                + (e instanceof PluginGuard.UnresponsivePluginException
                    || (e instanceof IllegalArgumentException && e.getMessage() != null)
                    ? e.getMessage() : e.toString())));
        continue;
      }
      List<String> declared = new ArrayList<>(r.writes);
      declared.addAll(r.redacts);
      stages.add(new Stage(stages.size(), r.name, r.descriptor, declared, processor, r.spec.failurePolicy(),
          new CircuitBreaker(breakerSettings, nanoClock), meters, environment, timings,
          closer(r.factory, processor)));
    }
    if (diagnostics.stream().anyMatch(Diagnostic::isError)) {
      for (Stage s : stages) {
        try {
          s.close();
        } catch (RuntimeException e) {
          // Already failing: the compile errors are what the caller needs to see.
        }
      }
      throw new PipelineCompilationException(sorted(diagnostics));
    }
    return new CompiledPipeline(environment, revision, stages, sorted(diagnostics), lineage,
        timings, enforceDeclaredWrites, nanoClock);
  }

  /** A plugin's processor is closed through its guard (time limit), another one directly. */
  private static Runnable closer(ProcessorFactory factory, Processor processor) {
    if (factory instanceof GuardedFactory) {
      GuardedFactory guarded = (GuardedFactory) factory;
      return () -> guarded.close(processor);
    }
    return processor::close;
  }

  // ---------------------------------------------------------------- resolution

  private static final class Resolved {
    final int index;
    final String name;
    final StageSpec spec;
    final ProcessorFactory factory;
    final ProcessorDescriptor descriptor;
    final ProcessorConfig config;
    /** The descriptor's keys with keys chosen in configuration resolved for this stage. */
    final List<String> reads;
    final List<String> writes;
    final List<String> redacts;

    Resolved(int index, StageSpec spec, ProcessorFactory factory, ProcessorConfig config) {
      this.index = index;
      this.name = spec.name();
      this.spec = spec;
      this.factory = factory;
      this.descriptor = factory.descriptor();
      this.config = config;
      this.reads = KeyTemplates.resolve(descriptor.reads(), descriptor, config);
      this.writes = KeyTemplates.resolve(descriptor.writes(), descriptor, config);
      this.redacts = KeyTemplates.resolve(descriptor.redacts(), descriptor, config);
    }
  }

  private List<Resolved> resolve(PipelineSpec spec, List<Diagnostic> out) {
    Set<String> names = new HashSet<>();
    List<Resolved> resolved = new ArrayList<>();
    List<StageSpec> stages = spec.stages();
    for (int i = 0; i < stages.size(); i++) {
      StageSpec stage = stages.get(i);
      // A disabled stage is checked so that enabling it holds no surprise, but cannot block.
      Severity severity = stage.enabled() ? Severity.ERROR : Severity.WARNING;
      String prefix = stage.enabled() ? "" : "(disabled) ";
      if (!names.add(stage.name())) {
        out.add(new Diagnostic(Severity.ERROR, i, stage.name(), null,
            "stage name is used twice: give one of them a distinct name"));
      }
      Optional<ProcessorFactory> factory = findFactory(i, stage, severity, prefix, out);
      if (factory.isEmpty()) {
        continue;
      }
      ProcessorDescriptor d = factory.get().descriptor();
      int index = i;
      ProcessorConfig config = ConfigSchema.validate(d, stage.config(),
          (key, message) -> out.add(new Diagnostic(severity, index, stage.name(), key,
              prefix + "config '" + key + "': " + message)));
      for (String service : d.requiredServices()) {
        if (services.keySet().stream().noneMatch(c -> c.getName().equals(service))) {
          out.add(new Diagnostic(severity, i, stage.name(), null, prefix + d.coordinates()
              + " needs service " + service + ", which this node does not provide"));
        }
      }
      for (ConfigField<?> field : d.config()) {
        if (field.deprecation() != null && stage.enabled() && stage.config().get(field.name()) != null) {
          out.add(new Diagnostic(Severity.WARNING, i, stage.name(), field.name(), "config '"
              + field.name() + "' is deprecated: " + field.deprecation()));
        }
      }
      if (d.stability().equals(ProcessorDescriptor.DEPRECATED) && stage.enabled()) {
        out.add(new Diagnostic(Severity.WARNING, i, stage.name(), null, d.coordinates()
            + " is deprecated" + (d.replacement() == null ? "" : "; use '" + d.replacement() + "'")));
      }
      if (config != null && stage.enabled()) {
        resolved.add(new Resolved(i, stage, factory.get(), config));
      }
    }
    checkOrder(resolved, out);
    return resolved;
  }

  private Optional<ProcessorFactory> findFactory(
      int i, StageSpec stage, Severity severity, String prefix, List<Diagnostic> out) {
    String id = stage.processorId();
    List<ProcessorFactory> versions = registry.versions(id);
    if (versions.isEmpty()) {
      out.add(new Diagnostic(severity, i, stage.name(), null,
          prefix + "unknown processor '" + id + "'" + suggest(id)));
      return Optional.empty();
    }
    if (stage.version() == null) {
      return registry.latest(id);
    }
    if (!SemanticVersion.isValid(stage.version())) {
      out.add(new Diagnostic(severity, i, stage.name(), null,
          prefix + "version '" + stage.version() + "' is not a semantic version (MAJOR.MINOR.PATCH)"));
      return Optional.empty();
    }
    Optional<ProcessorFactory> exact = registry.find(id, stage.version());
    if (exact.isEmpty()) {
      out.add(new Diagnostic(severity, i, stage.name(), null, prefix + "version " + stage.version()
          + " of '" + id + "' is not available (available: "
          + versions.stream().map(f -> f.descriptor().version()).collect(Collectors.joining(", "))
          + ")"));
    }
    return exact;
  }

  private String suggest(String id) {
    List<String> ids = registry.ids();
    List<String> close = ids.stream().filter(known -> distance(known, id) <= 2).collect(Collectors.toList());
    if (!close.isEmpty()) {
      return "; did you mean " + String.join(" or ", close) + "?";
    }
    return ids.isEmpty() ? " (no processors are installed)" : " (available: " + String.join(", ", ids) + ")";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  // ---------------------------------------------------------------- order checks

  private static void checkOrder(List<Resolved> stages, List<Diagnostic> out) {
    int n = stages.size();
    // Requirement graph: i -> j when stage j writes a key stage i requires.
    List<Set<Integer>> edges = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Set<Integer> to = new HashSet<>();
      for (String key : stages.get(i).descriptor.requires()) {
        for (int j = 0; j < n; j++) {
          if (j != i && writes(stages.get(j), key)) {
            to.add(j);
          }
        }
      }
      edges.add(to);
    }
    Set<Integer> inCycle = reportCycles(stages, edges, out);

    for (int i = 0; i < n; i++) {
      Resolved reader = stages.get(i);
      for (String key : reader.descriptor.requires()) {
        if (inCycle.contains(i) || writtenBefore(stages, i, key)) {
          continue;
        }
        Resolved later = firstWriterAfter(stages, i, key);
        out.add(new Diagnostic(Severity.ERROR, reader.index, reader.name, key, later == null
            ? "requires '" + key + "', which no stage before it writes"
            : "requires '" + key + "', which only the later stage '" + later.name
                + "' writes: move '" + later.name + "' before '" + reader.name + "'"));
      }
      // One finding per pair of stages (and one note per stage), however many keys are involved:
      // processors that declare patterns would otherwise bury the plan in repeats.
      List<String> unprovided = new ArrayList<>();
      for (int j = i + 1; j < n; j++) {
        Resolved writer = stages.get(j);
        Set<String> read = new java.util.LinkedHashSet<>();
        Set<String> written = new java.util.LinkedHashSet<>();
        for (String key : reader.reads) {
          String w = overlappingWrite(writer, key);
          if (w != null && !redacts(reader, w)) { // else the redaction's own warning names it
            read.add(key);
            written.add(w);
          }
        }
        if (!read.isEmpty()) {
          out.add(new Diagnostic(Severity.WARNING, reader.index, reader.name, read.iterator().next(),
              "reads " + list(read) + ", but the later stage '" + writer.name + "' writes " + list(written)
                  + ": '" + reader.name + "' will not see those values (move '" + writer.name
                  + "' first if it should)"));
        }
      }
      for (String key : reader.reads) {
        if (!key.endsWith("*") && !writtenBefore(stages, i, key)) {
          unprovided.add(key);
        }
      }
      if (!unprovided.isEmpty()) {
        out.add(new Diagnostic(Severity.INFO, reader.index, reader.name, unprovided.get(0),
            "reads " + list(unprovided) + ", which no earlier stage writes: "
                + (unprovided.size() == 1 ? "it" : "they") + " must come with the telemetry"));
      }
      for (int j = i + 1; j < n; j++) {
        Resolved later = stages.get(j);
        Set<String> clashes = new java.util.LinkedHashSet<>();
        for (String key : reader.writes) {
          String clash = overlappingWrite(later, key);
          if (clash != null && !reads(later, clash) && !reads(later, key)) {
            clashes.add(moreSpecific(key, clash));
          }
        }
        if (!clashes.isEmpty()) {
          out.add(new Diagnostic(Severity.WARNING, later.index, later.name, clashes.iterator().next(),
              "both '" + reader.name + "' and '" + later.name + "' write " + list(clashes) + ": '"
                  + later.name + "' runs later and overwrites"));
        }
      }
      for (int j = i + 1; j < n; j++) {
        Resolved later = stages.get(j);
        Set<String> unredacted = new java.util.LinkedHashSet<>();
        for (String key : reader.redacts) {
          String w = overlappingWrite(later, key);
          if (w != null) {
            unredacted.add(moreSpecific(key, w));
          }
        }
        if (!unredacted.isEmpty()) {
          out.add(new Diagnostic(Severity.WARNING, later.index, later.name, unredacted.iterator().next(),
              "writes " + list(unredacted) + " after '" + reader.name + "' redacts " + list(reader.redacts)
                  + ": what '" + later.name + "' writes there is not redacted (move '" + later.name
                  + "' before '" + reader.name + "' if it may carry personal data)"));
        }
      }
    }
  }

  /** Of two overlapping keys, the concrete one, or the longer pattern. */
  private static String moreSpecific(String a, String b) {
    if (a.endsWith("*") != b.endsWith("*")) {
      return a.endsWith("*") ? b : a;
    }
    return a.length() >= b.length() ? a : b;
  }

  /** {@code 'a'}, {@code 'a', 'b'} or {@code 'a', 'b', 'c' and 4 more}. */
  private static String list(java.util.Collection<String> keys) {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (String k : keys) {
      if (shown == 3) {
        return sb.append(" and ").append(keys.size() - 3).append(" more").toString();
      }
      sb.append(shown == 0 ? "" : ", ").append('\'').append(k).append('\'');
      shown++;
    }
    return sb.toString();
  }

  private static Set<Integer> reportCycles(
      List<Resolved> stages, List<Set<Integer>> edges, List<Diagnostic> out) {
    Set<Integer> inCycle = new HashSet<>();
    int[] state = new int[stages.size()]; // 0 new, 1 on stack, 2 done
    List<Integer> stack = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      if (state[i] == 0) {
        dfs(i, edges, state, stack, stages, inCycle, out);
      }
    }
    return inCycle;
  }

  private static void dfs(int v, List<Set<Integer>> edges, int[] state, List<Integer> stack,
      List<Resolved> stages, Set<Integer> inCycle, List<Diagnostic> out) {
    state[v] = 1;
    stack.add(v);
    for (int w : edges.get(v)) {
      if (state[w] == 1) {
        List<Integer> cycle = stack.subList(stack.indexOf(w), stack.size());
        String path = cycle.stream().map(k -> stages.get(k).name).collect(Collectors.joining(" → "))
            + " → " + stages.get(w).name;
        inCycle.addAll(cycle);
        Resolved first = stages.get(w);
        out.add(new Diagnostic(Severity.ERROR, first.index, first.name, null,
            "requirement cycle " + path + ": each requires what the next writes, so no order works"));
      } else if (state[w] == 0) {
        dfs(w, edges, state, stack, stages, inCycle, out);
      }
    }
    stack.remove(stack.size() - 1);
    state[v] = 2;
  }

  private static boolean writes(Resolved stage, String key) {
    return overlappingWrite(stage, key) != null;
  }

  private static boolean redacts(Resolved stage, String key) {
    for (String pattern : stage.redacts) {
      if (DescriptorRules.covers(pattern, key)) {
        return true;
      }
    }
    return false;
  }

  private static boolean reads(Resolved stage, String key) {
    for (String pattern : stage.reads) {
      if (DescriptorRules.covers(pattern, key)) {
        return true;
      }
    }
    return false;
  }

  /** The first declared write of {@code stage} that overlaps {@code key}, or null. */
  private static String overlappingWrite(Resolved stage, String key) {
    for (String pattern : stage.writes) {
      if (DescriptorRules.covers(pattern, key) || DescriptorRules.covers(key, pattern)) {
        return pattern;
      }
    }
    return null;
  }

  private static boolean writtenBefore(List<Resolved> stages, int i, String key) {
    for (int j = 0; j < i; j++) {
      for (String pattern : stages.get(j).writes) {
        if (DescriptorRules.covers(pattern, key)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Resolved firstWriterAfter(List<Resolved> stages, int i, String key) {
    for (int j = i + 1; j < stages.size(); j++) {
      if (writes(stages.get(j), key)) {
        return stages.get(j);
      }
    }
    return null;
  }

  private static List<Diagnostic> sorted(List<Diagnostic> diagnostics) {
    List<Diagnostic> copy = new ArrayList<>(diagnostics);
    copy.sort((a, b) -> a.stageIndex() != b.stageIndex()
        ? Integer.compare(a.stageIndex(), b.stageIndex())
        : a.severity().compareTo(b.severity()));
    return List.copyOf(copy);
  }

  /**
   * The config key a factory's exception names ({@code config 'key': …}, as {@link
   * io.tributary.api.ConfigField#invalid} words it), if the descriptor declares it; else null.
   */
  private static String configKey(Throwable e, ProcessorDescriptor d) {
    String m = e.getMessage();
    if (!(e instanceof IllegalArgumentException) || m == null || !m.startsWith("config '")) {
      return null;
    }
    int end = m.indexOf('\'', 8);
    String key = end < 0 ? null : m.substring(8, end);
    String top = key == null || key.indexOf('[') < 0 ? key : key.substring(0, key.indexOf('['));
    return top != null && d.configField(top) != null ? key : null;
  }

  /** Configures a {@link PipelineCompiler}. */
  public static final class Builder {
    private final ProcessorRegistry registry;
    private MeterRegistry meters;
    private final Map<Class<?>, Object> services = new LinkedHashMap<>();
    private ConfigFiles configFiles;
    private BreakerSettings breakerSettings = BreakerSettings.DEFAULTS;
    private boolean lineage = true;
    private boolean timings = true;
    private boolean enforceDeclaredWrites;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(ProcessorRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Where stage timers and counters go; a private registry if not set. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meters = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Offers {@code service} to processors as {@code type}. */
    public <T> Builder service(Class<T> type, T service) {
      services.put(type, Objects.requireNonNull(service, "service"));
      return this;
    }

    /** Where processors read the files their configuration names; none are readable if not set. */
    public Builder configFiles(ConfigFiles files) {
      this.configFiles = Objects.requireNonNull(files, "files");
      return this;
    }

    public Builder breakerSettings(BreakerSettings settings) {
      this.breakerSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Record per item which stages acted and how (default on). */
    public Builder lineage(boolean on) {
      this.lineage = on;
      return this;
    }

    /** Time each stage per batch (default on). */
    public Builder timings(boolean on) {
      this.timings = on;
      return this;
    }

    /**
     * Debug mode: treat a write to a key the descriptor does not declare as a failure of the stage
     * (default off).
     */
    public Builder enforceDeclaredWrites(boolean on) {
      this.enforceDeclaredWrites = on;
      return this;
    }

    /** The clock for timings and circuit breakers (tests move it by hand). */
    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public PipelineCompiler build() {
      return new PipelineCompiler(this);
    }
  }

}
