package io.tributary.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.api.Item;
import io.tributary.runtime.Batch;
import io.tributary.runtime.PipelineHolder;
import io.tributary.gateway.Envelope.DeadLetter;
import io.tributary.gateway.Envelope.Line;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receive → enrich → export, with bounded memory.
 *
 * <p>Every accepted request takes one permit per item from a semaphore of {@link
 * Settings#queueCapacity()} and gives them back only once its items are exported (or
 * dead-lettered): at most that many items are in memory between the receiver and the
 * destinations. When no permits are left, {@link #submit} says {@link Admission#FULL} and the
 * receiver answers 429 — nothing is dropped and nothing grows without bound. Before refusing, a
 * request waits up to {@link Settings#admissionWait()} for room: a client that retries at once
 * would otherwise spend the CPU the queue is waiting for on refusals. The thread that received a
 * request runs its items as one batch through the environment's current pipeline and encodes the
 * result for the exporters before it answers — no hand-off, and what waits in the queue is the
 * encoded request (plus one line of text per item when an exporter writes lines), not the items
 * and the decoded messages, so the live set the collector has to copy stays small. One export
 * thread hands every exporter the envelopes waiting for it
 * together (of one signal, up to {@link #MAX_GROUP_ITEMS} items), so a downstream sees few large
 * requests rather than one per incoming batch. Items a stage dead-letters, and items an exporter
 * finally failed to deliver, are written to the dead-letter sink with the reason.
 *
 * <p>An output that cannot write at all — an exporter that says it is {@linkplain
 * Exporter.ExportException#unavailable() unavailable} (a full disk, a closed stream), or the
 * dead-letter sink itself — is not a reason to drop or dead-letter anything: the export thread
 * holds the items and tries again (backing off to {@link #MAX_RETRY_PAUSE}), the queue fills and the
 * receiver answers 429, and {@link #failingOutputs(boolean)} (health, {@code
 * tributary.gateway.output.failing}) says which output fails and since when; the log says so once
 * when it starts failing and once when it recovers. Counters count what happened: an item is
 * counted exported or dead-lettered once it was written, never before. Only when the node stops
 * and the drain time runs out does the gateway give up on an output; what it then could not write
 * anywhere is counted as {@code tributary.gateway.lost} and logged.
 *
 * <p>A crash loses what is in memory: up to {@code queueCapacity} accepted, not yet exported
 * items. Size the queue for the bursts a slow downstream must absorb, not larger.
 *
 * <p>Thread-safe.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  /** The most items handed to the exporters at once. */
  static final int MAX_GROUP_ITEMS = 8_192;
  /**
   * The most encoded bytes handed to the exporters at once: 1 MiB, the smallest request-size
   * limit in common use (nginx's, Javalin's); a downstream that still answers 413 gets halves.
   */
  static final long MAX_GROUP_BYTES = 1L << 20;
  /** The first pause before writing again to an output that cannot write. */
  static final Duration FIRST_RETRY_PAUSE = Duration.ofMillis(100);
  /** The longest pause between attempts to write to an output that cannot write. */
  static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(5);

  /** How much the gateway holds and how it drains. */
  public record Settings(int queueCapacity, long queueMaxBytes, boolean lineageAttribute, int recentSize,
      Duration drainTimeout, Duration exportRetryTime, long maxFileBytes, Duration admissionWait, QueueKind queue,
      QueueSync queueSync) {

    public Settings {
      if (queueCapacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1, not " + queueCapacity);
      }
      if (queueMaxBytes < 1024 || queueMaxBytes > (long) Integer.MAX_VALUE << 10) {
        throw new IllegalArgumentException("queueMaxBytes must be between 1 KiB and 2 TiB, not " + queueMaxBytes);
      }
      java.util.Objects.requireNonNull(queue, "queue");
      java.util.Objects.requireNonNull(queueSync, "queueSync");
    }

    /** These settings with an item and byte budget, a queue kind and how a disk queue syncs. */
    public Settings withQueue(QueueKind kind, int capacity, long maxBytes, QueueSync sync) {
      return new Settings(capacity, maxBytes, lineageAttribute, recentSize, drainTimeout, exportRetryTime,
          maxFileBytes, admissionWait, kind, sync);
    }

    /**
     * 50,000 items and 64 MiB in flight, lineage on, 100 recent items, 64 MiB files, a request
     * waits up to 100 ms for room before it is refused.
     */
    public static Settings defaults(boolean lineageAttribute) {
      return new Settings(50_000, 64L << 20, lineageAttribute, 100, Duration.ofSeconds(20),
          OtlpHttpExporter.MAX_RETRY_TIME, 64L << 20, Duration.ofMillis(100), QueueKind.MEMORY, QueueSync.WRITE);
    }

    public Settings withQueueCapacity(int capacity) {
      return new Settings(capacity, queueMaxBytes, lineageAttribute, recentSize, drainTimeout, exportRetryTime,
          maxFileBytes, admissionWait, queue, queueSync);
    }

    /** The bytes the queue may hold: encoded requests, lines of text, dead letters. */
    public Settings withQueueMaxBytes(long bytes) {
      return new Settings(queueCapacity, bytes, lineageAttribute, recentSize, drainTimeout, exportRetryTime,
          maxFileBytes, admissionWait, queue, queueSync);
    }

    public Settings withExportRetryTime(Duration retry) {
      return new Settings(queueCapacity, queueMaxBytes, lineageAttribute, recentSize, drainTimeout, retry,
          maxFileBytes, admissionWait, queue, queueSync);
    }

    public Settings withAdmissionWait(Duration wait) {
      return new Settings(queueCapacity, queueMaxBytes, lineageAttribute, recentSize, drainTimeout, exportRetryTime,
          maxFileBytes, wait, queue, queueSync);
    }
  }

  /** Where accepted items wait for export. */
  public enum QueueKind {
    /** In memory: a crash or a restart loses what waits. */
    MEMORY,
    /** In files under {@code <data-dir>/queue}: what was acknowledged survives a crash and a restart. */
    DISK
  }

  /** When a disk queue answers that items are queued. */
  public enum QueueSync {
    /** Once written to the operating system: survives a crash of the process, not of the machine. */
    WRITE,
    /** Once forced to the disk (forces grouped across requests): survives power loss. */
    FSYNC
  }

  /** The size of a disk queue's segment files. */
  static final long SEGMENT_BYTES = 64L << 20;

  /** What {@link #submit} did with a request. */
  public enum Admission {
    ACCEPTED,
    /** The queue is full: answer 429 with Retry-After. */
    FULL,
    /** More items than the whole queue holds: answer 413. */
    TOO_LARGE,
    /** Shutting down: answer 503 with Retry-After. */
    CLOSED,
    /**
     * This node's pipeline does not compile (and its environment does not fail open): nothing is
     * accepted; answer 503 with Retry-After and {@link Gateway#refusal()}.
     */
    UNAVAILABLE
  }

  /** Why telemetry is refused now (the pipeline does not compile), or null. */
  public String refusal() {
    PipelineHolder h = pipeline.get();
    return h == null ? null : h.refusal();
  }

  private final String env;
  private final Intake intake = new Intake(this);
  private final Supplier<PipelineHolder> pipeline;
  private final Settings settings;
  private final List<Exporter> exporters;
  /** Spans are written from their request's bytes unless an exporter needs every item's JSON anyway. */
  private final boolean encodeFromWire;
  private final RotatingJsonlFile deadLetterFile;
  private final Clock clock;
  private final Semaphore permits;
  /** The queue's byte budget in KiB, and what is left of it. */
  private final int byteKiB;
  private final Semaphore bytePermits;
  private final ExportQueue exportQueue;
  private final Counter replayed;
  /** When the oldest item not yet exported was accepted (epoch millis), or -1 if none is being exported. */
  private volatile long oldestAcceptedAt = -1;
  /** Set when stopping left a group in the disk queue: from then on nothing is acknowledged. */
  private boolean keepForNextStart;
  private final Thread exportThread;
  /**
   * The last items enriched, oldest first: a {@link Line} for each exported item, a {@link
   * DeadLetter} (the one the dead-letter sink writes) for each dead-lettered one. Guarded by itself.
   */
  private final ArrayDeque<Object> recent = new ArrayDeque<>();
  /**
   * The sequence number of the newest item in {@link #recent} (0 before any): one more for each
   * item enriched, so the ring's items are numbered newest down without a number of their own —
   * only a request too large to keep whole skips numbers, and it fills the ring alone.
   */
  private long recentSeq;
  /** How long the tap keeps items as received after it was last armed. */
  static final long TAP_NANOS = TimeUnit.SECONDS.toNanos(60);
  /**
   * Until when ({@link System#nanoTime}) enriched requests keep a copy of their last items as
   * received, beside the recent items; 0 if never armed. Costs nothing per item while not armed.
   */
  private volatile long tapUntil;
  private final Map<Signal, Counts> counts = new EnumMap<>(Signal.class);
  /** One per exporter (by name), and one for the dead-letter sink. */
  private final Map<String, Output> outputs = new LinkedHashMap<>();
  private final Output deadLetterSink;
  /** The disk queue, as an output that may fail to write (a full or failing disk). */
  private final Output queueOutput;
  private volatile boolean closed;
  private volatile boolean running = true;
  private volatile long giveUpAt = Long.MAX_VALUE;

  /** Per-signal counters; also on the meter registry as {@code tributary.gateway.*}. */
  private static final class Counts {
    final Counter received;
    final Counter rejected;
    final Counter throttled;
    final Counter throttledRequests;
    final Counter deadLetteredPipeline;
    final Counter deadLetteredExport;
    final Counter lost;
    final Map<String, Counter> exported = new LinkedHashMap<>();

    Counts(MeterRegistry meters, String env, Signal signal, List<Exporter> exporters) {
      String s = signal.label();
      received = Counter.builder("tributary.gateway.received").description("Items received over OTLP")
          .tags("env", env, "signal", s).register(meters);
      rejected = Counter.builder("tributary.gateway.rejected")
          .description("Items refused for good: invalid (partial success) or in a request over the queue's size")
          .tags("env", env, "signal", s).register(meters);
      throttled = Counter.builder("tributary.gateway.throttled")
          .description("Items refused with 429/503 because the queue was full or the node stopping")
          .tags("env", env, "signal", s).register(meters);
      throttledRequests = Counter.builder("tributary.gateway.throttled_requests")
          .description("Requests refused with 429 before decoding, their items uncounted: the queue was all but full")
          .tags("env", env, "signal", s).register(meters);
      deadLetteredPipeline = Counter.builder("tributary.gateway.dead_lettered")
          .description("Items written to the dead-letter sink").tags("env", env, "signal", s, "reason", "pipeline")
          .register(meters);
      deadLetteredExport = Counter.builder("tributary.gateway.dead_lettered")
          .description("Items written to the dead-letter sink").tags("env", env, "signal", s, "reason", "export")
          .register(meters);
      lost = Counter.builder("tributary.gateway.lost")
          .description("Items accepted and then neither exported nor dead-lettered: the node stopped while no"
              + " output could write them").tags("env", env, "signal", s).register(meters);
      for (Exporter e : exporters) {
        exported.put(e.name(), Counter.builder("tributary.gateway.exported").description("Items exported")
            .tags("env", env, "signal", s, "exporter", e.name()).register(meters));
      }
    }
  }

  /**
   * Whether an output (an exporter or the dead-letter sink) can write, and since when it cannot;
   * says so in the log once per change. Written by the export thread only.
   */
  private final class Output {
    final String name;
    volatile String problem;
    volatile java.time.Instant since;

    Output(String name, MeterRegistry meters) {
      this.name = name;
      Gauge.builder("tributary.gateway.output.failing", this, o -> o.problem == null ? 0 : 1)
          .description("1 while an output cannot write (its items are held, new telemetry is refused once the"
              + " queue is full)").tags("env", env, "output", name).register(meters);
    }

    void failing(String why) {
      if (problem == null) {
        since = clock.instant();
        LOG.error("Output {} cannot write: {}. Its items are held and written once it can; new telemetry is"
            + " refused (429) once the queue is full", name, why);
      }
      problem = why;
    }

    void writes() {
      if (problem != null) {
        LOG.info("Output {} writes again (it could not since {})", name, since);
        problem = null;
        since = null;
      }
    }
  }

  Gateway(String env, Supplier<PipelineHolder> pipeline, Settings settings, List<Exporter> exporters,
      RotatingJsonlFile deadLetterFile, MeterRegistry meters, Clock clock) {
    this(env, pipeline, settings, exporters, deadLetterFile, meters, clock, new ExportQueue.Memory());
  }

  Gateway(String env, Supplier<PipelineHolder> pipeline, Settings settings, List<Exporter> exporters,
      RotatingJsonlFile deadLetterFile, MeterRegistry meters, Clock clock, ExportQueue queue) {
    this.exportQueue = Objects.requireNonNull(queue, "queue");
    this.env = Objects.requireNonNull(env, "env");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.exporters = List.copyOf(exporters);
    this.encodeFromWire = this.exporters.stream().noneMatch(Exporter::writesLines);
    this.deadLetterFile = Objects.requireNonNull(deadLetterFile, "deadLetterFile");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.permits = new Semaphore(settings.queueCapacity());
    this.byteKiB = (int) ((settings.queueMaxBytes() + 1023) >> 10);
    this.bytePermits = new Semaphore(byteKiB);
    for (Signal s : Signal.values()) {
      counts.put(s, new Counts(meters, env, s, this.exporters));
    }
    for (Exporter e : this.exporters) {
      outputs.put(e.name(), new Output(e.name(), meters));
    }
    this.deadLetterSink = new Output("dead-letter", meters);
    this.queueOutput = new Output("queue", meters);
    Gauge.builder("tributary.gateway.queued", permits, p -> settings.queueCapacity() - p.availablePermits())
        .description("Items accepted and not yet exported").tag("env", env).register(meters);
    Gauge.builder("tributary.gateway.queued.bytes", bytePermits, p -> 1024.0 * (byteKiB - p.availablePermits()))
        .description("Bytes the queue holds: encoded requests, lines of text and dead letters not yet written")
        .baseUnit("bytes").tag("env", env).register(meters);
    this.replayed = Counter.builder("tributary.gateway.replayed")
        .description("Items read back from the disk queue that a previous run of the node accepted")
        .tag("env", env).register(meters);
    Gauge.builder("tributary.gateway.queue.oldest.age", this, g -> g.oldestAgeSeconds())
        .description("How long the oldest item not yet exported has waited").baseUnit("seconds").tag("env", env)
        .register(meters);
    if (queue instanceof ExportQueue.Disk disk) {
      // What the last run left is this run's to export first: it holds its share of the budgets.
      SegmentLog.Recovery r = disk.log().recovery();
      permits.acquireUninterruptibly((int) Math.min(r.items(), settings.queueCapacity()));
      bytePermits.acquireUninterruptibly((int) Math.min(r.kib(), byteKiB));
      if (r.records() > 0) {
        LOG.info("The disk queue holds {} item(s) ({} KiB) accepted before this start: they are exported first",
            r.items(), r.kib());
      }
    }
    exportThread = new Thread(this::exportLoop, "tributary-export");
    exportThread.setDaemon(true);
    exportThread.start();
  }

  /**
   * Starts a gateway for the node's environment, exporting as {@code specs} say; JSONL output goes
   * to {@code <dataDir>/out/}, dead letters to {@code <dataDir>/dead-letter/}.
   */
  public static Gateway start(String env, Supplier<PipelineHolder> pipeline, Path dataDir, List<ExporterSpec> specs,
      Settings settings, MeterRegistry meters, Clock clock) {
    List<Exporter> exporters = new ArrayList<>();
    for (ExporterSpec spec : specs) {
      switch (spec.type()) {
        case ExporterSpec.JSONL:
          exporters.add(JsonlExporter.toFile(new RotatingJsonlFile(dataDir.resolve("out"), "telemetry",
              settings.maxFileBytes(), clock)));
          break;
        case ExporterSpec.STDOUT:
          exporters.add(JsonlExporter.toStream(System.out));
          break;
        case ExporterSpec.OTLP_GRPC:
          exporters.add(new OtlpGrpcExporter(spec.url(), settings.exportRetryTime(), ClientTls.trust(spec.ca())));
          break;
        default:
          exporters.add(new OtlpHttpExporter(spec.url(), settings.exportRetryTime(), ClientTls.trust(spec.ca())));
      }
    }
    ExportQueue queue;
    if (settings.queue() == QueueKind.DISK) {
      Path dir = dataDir.resolve("queue");
      try {
        queue = new ExportQueue.Disk(SegmentLog.open(dir, SEGMENT_BYTES,
            settings.queueSync() == QueueSync.FSYNC ? SegmentLog.Sync.FSYNC : SegmentLog.Sync.NONE,
            QueuedRecord::items));
      } catch (java.io.IOException e) {
        throw new IllegalStateException("Cannot open the disk queue in " + dir + ": " + e.getMessage(), e);
      }
      LOG.info("Gateway for {}: exporting to {}, disk queue of {} MiB in {} (answered once {})", env, specs,
          settings.queueMaxBytes() >> 20, dir, settings.queueSync() == QueueSync.FSYNC ? "forced to the disk"
              : "written");
    } else {
      queue = new ExportQueue.Memory();
      LOG.info("Gateway for {}: exporting to {}, memory queue of {} items and {} MiB", env, specs,
          settings.queueCapacity(), settings.queueMaxBytes() >> 20);
    }
    return new Gateway(env, pipeline, settings, exporters,
        new RotatingJsonlFile(dataDir.resolve("dead-letter"), "dead-letter", settings.maxFileBytes(), clock),
        meters, clock, queue);
  }

  /**
   * Whether a request is worth decoding: CLOSED when stopping, FULL when less than 1 % of the
   * queue is free (a typical batch would not fit) for all of the admission wait, else ACCEPTED.
   * {@link #submit} decides for real. Blocks up to the admission wait.
   */
  Admission precheck() {
    if (closed) {
      return Admission.CLOSED;
    }
    if (refusal() != null) {
      return Admission.UNAVAILABLE;
    }
    int room = Math.max(1, settings.queueCapacity() / 100);
    if (permits.availablePermits() >= room) {
      return Admission.ACCEPTED;
    }
    if (!acquire(room)) {
      return closed ? Admission.CLOSED : Admission.FULL;
    }
    permits.release(room);
    return closed ? Admission.CLOSED : Admission.ACCEPTED;
  }

  /** Takes {@code n} item permits, waiting up to the admission wait for them. */
  private boolean acquire(int n) {
    return acquire(permits, n);
  }

  /** Takes {@code n} of {@code semaphore}'s permits, waiting up to the admission wait for them. */
  private boolean acquire(Semaphore semaphore, int n) {
    if (semaphore.tryAcquire(n)) {
      return true;
    }
    long wait = settings.admissionWait().toNanos();
    if (wait <= 0) {
      return false;
    }
    try {
      return semaphore.tryAcquire(n, wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** How long the item being exported (the oldest not yet exported) has waited, in seconds; 0 if none. */
  double oldestAgeSeconds() {
    long at = oldestAcceptedAt;
    return at < 0 ? 0 : Math.max(0, clock.millis() - at) / 1000.0;
  }

  /** What the OTLP listeners hand request bodies to: one in-flight budget for all of them. */
  Intake intake() {
    return intake;
  }

  /** How long a request may wait for room before it hears 429. */
  Duration admissionWait() {
    return settings.admissionWait();
  }

  /** Counts a request refused by {@link #precheck} before its items were counted. */
  void throttledUndecoded(Signal signal) {
    counts.get(signal).throttledRequests.increment();
  }

  /**
   * Counts a request's items and, if there is room within the admission wait, enriches the valid
   * ones on the calling thread and queues the result for export. Blocks up to that wait, then for
   * the enrichment.
   */
  Admission submit(Envelope envelope) {
    Counts c = counts.get(envelope.signal);
    int size = envelope.size();
    int wanted = Math.max(1, size);
    Admission verdict;
    if (closed) {
      verdict = Admission.CLOSED;
    } else if (refusal() != null) {
      // Fail closed: an item queued now would run on a stand-in pipeline that removes nothing.
      verdict = Admission.UNAVAILABLE;
    } else if (wanted > settings.queueCapacity()) {
      verdict = Admission.TOO_LARGE;
    } else if (!acquire(wanted)) {
      verdict = closed ? Admission.CLOSED : Admission.FULL;
    } else if (closed) {
      // close() began while this request waited: it may already have seen the queue empty.
      permits.release(wanted);
      verdict = Admission.CLOSED;
    } else {
      enrich(envelope);
      envelope.permits = wanted;
      envelope.acceptedAtMillis = clock.millis();
      // What the queue is bounded by in bytes is known once the request is encoded (on disk: its record).
      byte[] record = exportQueue.durable() ? QueuedRecord.encode(envelope, !encodeFromWire) : null;
      int kib = record != null ? ExportQueue.Disk.kib(record.length) : heldKiB(envelope);
      if (kib > byteKiB) {
        permits.release(wanted);
        verdict = Admission.TOO_LARGE;
      } else if (!acquire(bytePermits, kib)) {
        permits.release(wanted);
        verdict = closed ? Admission.CLOSED : Admission.FULL;
      } else {
        envelope.byteKiB = kib;
        List<Line> lines = envelope.lines;
        List<DeadLetter> deadLetters = envelope.deadLetters;
        if (encodeFromWire) {
          // No exporter writes lines; the recent items have theirs, and an export dead letter is
          // written from the encoded request.
          envelope.lines = List.of();
        }
        try {
          exportQueue.put(envelope, record);
        } catch (java.io.IOException | RuntimeException failure) {
          // Nothing was queued: the sender hears 429 and keeps its items; nothing counts as received.
          permits.release(wanted);
          bytePermits.release(kib);
          queueOutput.failing("writing to the disk queue failed: " + failure.getMessage());
          c.throttled.increment(size);
          return Admission.FULL;
        }
        queueOutput.writes();
        c.received.increment(size + envelope.rejected);
        c.rejected.increment(envelope.rejected);
        remember(lines, deadLetters, envelope.receivedLines, envelope.receivedDead);
        envelope.receivedLines = null; // the queue holds what is exported, not what the tap keeps
        envelope.receivedDead = null;
        return Admission.ACCEPTED;
      }
    }
    // Too large is final (the sender must split the batch); full or closing asks it to retry.
    (verdict == Admission.TOO_LARGE ? c.rejected : c.throttled).increment(size);
    return verdict;
  }

  /**
   * Runs the envelope's items through the current pipeline as one batch and encodes the result
   * for the exporters; then lets go of everything but what the exporters read. Items the pipeline
   * cannot handle at all are dead-lettered.
   */
  private void enrich(Envelope e) {
    Item[] received = tapArmed() ? receivedCopies(e.items) : null;
    try {
      Batch batch = Batch.of(e.items);
      if (!e.items.isEmpty()) {
        pipeline.get().run(batch);
      }
      OtlpItems.rebuild(e, batch, settings.lineageAttribute());
      keepReceived(e, received);
      for (Exporter exporter : exporters) {
        exporter.prepare(e);
      }
      if (!encodeFromWire) {
        // Rendered now, so a queued line is one string, not the item it came from.
        e.lines.forEach(Line::text);
      }
    } catch (RuntimeException failure) {
      LOG.error("Enriching {} {} item(s) failed; dead-lettering them", e.items.size(), e.signal.label(), failure);
      List<DeadLetter> dead = new ArrayList<>();
      for (Item item : e.items) {
        ObjectNode json = OtlpJson.MAPPER.createObjectNode().put("signal", e.signal.label())
            .put("item", item.toString());
        dead.add(new DeadLetter(json, "enrichment failed: " + failure));
      }
      e.request = null;
      e.encoded = null;
      e.lines = List.of();
      e.deadLetters = dead;
      e.delivered = 0;
      if (received != null) {
        e.receivedLines = List.of();
        e.receivedDead = Arrays.asList(received);
      }
    }
    e.release();
  }

  /**
   * Keeps, for the next minute, a copy of each request's last items as received (before the
   * pipeline ran) beside the recent items, so {@link #recent} can give both forms: a sample to
   * simulate should be what arrived, not what the pipeline already changed. The copies cost one
   * deep copy per remembered item while armed, and nothing otherwise. The caller decides who may
   * see what arrived: before redaction, it can hold the very data the pipeline strips.
   */
  public void armTap() {
    long until = System.nanoTime() + TAP_NANOS;
    tapUntil = until == 0 ? 1 : until;
  }

  private boolean tapArmed() {
    long until = tapUntil;
    return until != 0 && System.nanoTime() - until < 0 && settings.recentSize() > 0;
  }

  /** Copies of the items the recent items could keep (the request's last ones), before they are enriched. */
  private Item[] receivedCopies(List<Item> items) {
    int n = Math.min(settings.recentSize(), items.size());
    Item[] copies = new Item[n];
    int from = items.size() - n;
    for (int i = 0; i < n; i++) {
      copies[i] = items.get(from + i).copy();
    }
    return copies;
  }

  /** Splits the copies like the envelope's lines and dead letters: by whether the enriched item was dead-lettered. */
  private static void keepReceived(Envelope e, Item[] received) {
    if (received == null) {
      return;
    }
    List<Item> exported = new ArrayList<>(received.length);
    List<Item> dead = new ArrayList<>();
    int from = e.items.size() - received.length;
    for (int i = 0; i < received.length; i++) {
      (e.items.get(from + i).deadLetterReason() == null ? exported : dead).add(received[i]);
    }
    e.receivedLines = exported;
    e.receivedDead = dead;
  }

  /** A recent item kept with its form as received. */
  private record Tapped(Object entry, Item received) {}

  /** The copy for entry {@code index} of {@code count}, when {@code copies} covers it (they end with the entries). */
  private static Item receivedFor(List<Item> copies, int index, int count) {
    if (copies == null) {
      return null;
    }
    int at = index - (count - copies.size());
    return at >= 0 && at < copies.size() ? copies.get(at) : null;
  }

  /**
   * What an enriched envelope holds while it waits, in KiB: its encoding (or the size its
   * request encodes to), its lines of text when an exporter needs them (two bytes a character,
   * at most) and its dead letters.
   */
  private int heldKiB(Envelope e) {
    long bytes = e.encoded != null ? e.encoded.length : e.request != null ? e.request.getSerializedSize() : 0;
    if (!encodeFromWire && e.lines != null) { // else the lines are not queued (only the recent items keep some)
      for (Line line : e.lines) {
        bytes += line.renderedLength() * 2L;
      }
    }
    bytes += e.deadLetters == null ? 0 : 512L * e.deadLetters.size();
    return (int) Math.min(Integer.MAX_VALUE, (bytes + 1023) >> 10);
  }

  private void exportLoop() {
    Exporter.Context context = () -> System.nanoTime() - giveUpAt > 0;
    List<Envelope> group = new ArrayList<>();
    while (running) {
      Envelope first;
      group.clear();
      long items = 0;
      try {
        first = exportQueue.poll(100);
        if (first == null) {
          continue;
        }
        group.add(first);
        oldestAcceptedAt = first.acceptedAtMillis;
        // Only this thread takes from the export queue, so what peek shows is what take takes.
        items = first.delivered;
        long bytes = first.encodedSize();
        try {
          for (Envelope next = exportQueue.peek(); next != null && next.signal == first.signal
              && items + next.delivered <= MAX_GROUP_ITEMS && bytes + next.encodedSize() <= MAX_GROUP_BYTES;
              next = exportQueue.peek()) {
            group.add(exportQueue.take());
            items += next.delivered;
            bytes += next.encodedSize();
          }
        } catch (java.io.IOException damaged) {
          // The group ends before the record that cannot be read: what was taken is exported (and
          // acknowledged) now; the next poll meets that record again.
          unreadable(damaged, context, false);
        }
      } catch (InterruptedException ie) {
        return;
      } catch (java.io.IOException damaged) {
        unreadable(damaged, context, true);
        continue;
      }
      boolean abandoned = false;
      Signal signal = group.get(0).signal;
      try {
        for (Envelope e : group) {
          if (e.replayed) {
            replayed.increment(e.delivered);
          }
        }
        abandoned = !export(group, context);
      } catch (RuntimeException failure) {
        LOG.error("Exporting {} {} item(s) failed; they are lost", items, signal.label(), failure);
        counts.get(signal).lost.increment(items);
      } finally {
        // Once a group is left for the next start, nothing after it is acknowledged either: an
        // acknowledgement covers everything before it.
        keepForNextStart |= abandoned;
        if (!keepForNextStart) {
          try {
            exportQueue.done(group);
          } catch (java.io.IOException e) {
            LOG.warn("Recording the export of {} item(s) in the disk queue failed ({}); they may be sent again"
                + " after a restart", items, e.getMessage());
          }
        }
        oldestAcceptedAt = -1;
        int held = 0;
        int heldKiB = 0;
        for (Envelope e : group) {
          held += e.permits;
          heldKiB += e.byteKiB;
        }
        permits.release(held);
        bytePermits.release(heldKiB);
      }
    }
  }

  /**
   * A record written since this start cannot be read back: the disk failed under it. Says so, and
   * pauses before the next try if nothing else is to be done meanwhile.
   */
  private void unreadable(java.io.IOException damaged, Exporter.Context context, boolean pause) {
    LOG.error("Reading the disk queue failed: {}", damaged.getMessage());
    queueOutput.failing("reading the disk queue failed: " + damaged.getMessage());
    if (pause) {
      pause(FIRST_RETRY_PAUSE, context);
    }
  }

  /**
   * Exports the group; false if it was abandoned instead: the node is stopping, an exporter could
   * not deliver, and the queue keeps the group for the next start (a disk queue), so it is neither
   * dead-lettered nor counted.
   */
  private boolean export(List<Envelope> group, Exporter.Context context) {
    Signal signal = group.get(0).signal;
    Counts c = counts.get(signal);
    List<Envelope> exportable = new ArrayList<>(group.size());
    int delivered = 0;
    for (Envelope e : group) {
      if (!e.deadLetters.isEmpty()) {
        deadLetter(e.deadLetters, c.deadLetteredPipeline, c, context);
      }
      if (e.exportable()) {
        exportable.add(e);
        delivered += e.delivered;
      }
    }
    if (!exportable.isEmpty()) {
      for (Exporter exporter : exporters) {
        if (!exportTo(exporter, exportable, delivered, c, context)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Hands {@code exportable} to one exporter: counted exported once it took them; what it finally
   * failed to deliver goes to the dead-letter sink. While the exporter cannot write at all, the
   * items are held and offered again, until it can or the node gives up.
   */
  private boolean exportTo(Exporter exporter, List<Envelope> exportable, int delivered, Counts c,
      Exporter.Context context) {
    Output output = outputs.get(exporter.name());
    Duration pause = FIRST_RETRY_PAUSE;
    while (true) {
      List<Envelope> failed;
      String reason;
      try {
        exporter.export(exportable, context);
        output.writes();
        c.exported.get(exporter.name()).increment(delivered);
        return true;
      } catch (Exporter.ExportException failure) {
        if (failure.unavailable() && !context.giveUp()) {
          output.failing(failure.getMessage());
          pause = pause(pause, context);
          continue;
        }
        if (context.giveUp() && exportQueue.durable()) {
          // Stopping: the disk queue keeps these for the next start rather than dead-lettering them.
          // (With several exporters, one that already took them gets them again then.)
          LOG.warn("Stopping with {} {} item(s) not delivered to {} ({}); the disk queue keeps them for the next"
              + " start", delivered, exportable.get(0).signal.label(), exporter.name(), failure.getMessage());
          return false;
        }
        if (!failure.unavailable()) {
          output.writes();
        }
        failed = failure.failed(exportable);
        reason = failure.getMessage();
      } catch (RuntimeException bug) {
        // A bug in the exporter, not a verdict on the items: they are dead-lettered, not dropped.
        LOG.error("Exporter {} threw", exporter.name(), bug);
        failed = exportable;
        reason = "the exporter failed: " + bug;
      }
      int lost = 0;
      List<DeadLetter> dead = new ArrayList<>();
      for (Envelope e : failed) {
        lost += e.delivered;
        List<Line> lines = e.lines.isEmpty() && e.delivered > 0 ? OtlpItems.lines(e.signal, e.request()) : e.lines;
        for (Line line : lines) {
          dead.add(new DeadLetter(line.json(), "exporter " + exporter.name() + ": " + reason));
        }
      }
      LOG.error("Exporter {} failed for {} of {} {} item(s): {}; writing them to the dead-letter sink",
          exporter.name(), lost, delivered, exportable.get(0).signal.label(), reason);
      c.exported.get(exporter.name()).increment(delivered - lost);
      deadLetter(dead, c.deadLetteredExport, c, context);
      return true;
    }
  }

  /** Sleeps {@code pause} (less if the node gives up meanwhile); the next, longer pause. */
  private static Duration pause(Duration pause, Exporter.Context context) {
    long until = System.nanoTime() + pause.toNanos();
    try {
      while (System.nanoTime() - until < 0 && !context.giveUp()) {
        Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Duration next = pause.multipliedBy(2);
    return next.compareTo(MAX_RETRY_PAUSE) > 0 ? MAX_RETRY_PAUSE : next;
  }

  /**
   * Writes {@code dead} to the dead-letter sink and counts them on {@code counter} once written;
   * while the sink cannot write, holds them and tries again, until it can or the node gives up
   * (then they are counted lost).
   */
  private void deadLetter(List<DeadLetter> dead, Counter counter, Counts c, Exporter.Context context) {
    if (dead.isEmpty()) {
      return;
    }
    List<String> lines = new ArrayList<>(dead.size());
    String at = clock.instant().toString();
    for (DeadLetter d : dead) {
      ObjectNode json = OtlpJson.MAPPER.createObjectNode();
      json.put("reason", d.reason()).put("deadLetteredAt", at).put("env", env);
      json.setAll(d.json());
      lines.add(json.toString());
    }
    Duration pause = FIRST_RETRY_PAUSE;
    while (true) {
      try {
        deadLetterFile.write(lines);
        deadLetterSink.writes();
        counter.increment(lines.size());
        return;
      } catch (RuntimeException failure) {
        deadLetterSink.failing("writing " + deadLetterFile.current() + " failed: " + failure.getMessage());
        if (context.giveUp()) {
          LOG.error("Lost {} item(s) that were to be dead-lettered: the node is stopping and the dead-letter sink"
              + " {} cannot write ({})", lines.size(), deadLetterFile.current(), failure.toString());
          c.lost.increment(lines.size());
          return;
        }
        pause = pause(pause, context);
      }
    }
  }

  /** Keeps the request's last items (exported, then dead-lettered) for {@link #recent}, up to its size. */
  private void remember(List<Line> lines, List<DeadLetter> deadLetters, List<Item> receivedLines,
      List<Item> receivedDead) {
    int size = settings.recentSize();
    int dead = deadLetters == null ? 0 : deadLetters.size();
    int total = lines.size() + dead;
    if (size <= 0 || total == 0) {
      return;
    }
    int from = Math.max(0, total - size);
    for (int i = from; i < lines.size(); i++) {
      lines.get(i).detach(); // kept for a while: its own bytes, not the whole request's
    }
    synchronized (recent) {
      recentSeq += from; // the ones not kept, so the numbers still count every item
      for (int i = from; i < total; i++) {
        if (recent.size() == size) {
          recent.removeFirst();
        }
        boolean exported = i < lines.size();
        Object entry = exported ? lines.get(i) : deadLetters.get(i - lines.size());
        Item received = exported ? receivedFor(receivedLines, i, lines.size())
            : receivedFor(receivedDead, i - lines.size(), dead);
        recent.addLast(received == null ? entry : new Tapped(entry, received));
        recentSeq++;
      }
    }
  }

  /**
   * Whether requests may take the fast path ({@link WireDecoder}): when no exporter writes every
   * item's JSON line, which the reference path renders more cheaply from its messages.
   */
  boolean encodesFromWire() {
    return encodeFromWire;
  }

  /** The environment this gateway enriches for. */
  public String env() {
    return env;
  }

  /** The last {@code limit} enriched items, newest first, each with its lineage. */
  public List<ObjectNode> recent(int limit) {
    return recent(RecentFilter.ALL, limit).items();
  }

  /**
   * What {@link #recent(RecentFilter, int)} found.
   *
   * @param items the newest matching items first, each with {@code seq} (its sequence number),
   *     {@code lineage}, {@code deadLetter} (why, for a dead-lettered item) and its line: {@code
   *     signal}, {@code resource}, {@code scope} and {@code span}, {@code logRecord} or {@code metric}
   * @param searched how many items the gateway holds and looked through
   * @param capacity how many it holds at most
   * @param newestSeq the sequence number of the newest item enriched (0 before any), matching or not
   */
  public record Recent(List<ObjectNode> items, int searched, int capacity, long newestSeq, List<Item> received) {

    /** The item {@code i} of {@link #items} as received, if the armed tap kept it so; else null. */
    public Item received(int i) {
      return received.get(i);
    }
  }

  /**
   * The last {@code limit} enriched items that match {@code filter}, newest first: exported ones
   * as exported, dead-lettered ones as the dead-letter sink got them. JSON is built here, on
   * request, not for every item exported.
   */
  public Recent recent(RecentFilter filter, int limit) {
    Objects.requireNonNull(filter, "filter");
    Object[] held;
    long newest;
    synchronized (recent) {
      held = recent.toArray();
      newest = recentSeq;
    }
    List<ObjectNode> out = new ArrayList<>(Math.min(limit, held.length));
    List<Item> received = new ArrayList<>(Math.min(limit, held.length));
    for (int i = held.length - 1; i >= 0 && out.size() < limit; i--) {
      long seq = newest - (held.length - 1 - i);
      Object entry = held[i];
      Item asReceived = null;
      if (entry instanceof Tapped tapped) {
        entry = tapped.entry();
        asReceived = tapped.received();
      }
      boolean dead = entry instanceof DeadLetter;
      ObjectNode line = dead ? ((DeadLetter) entry).json() : null;
      String lineage = dead ? line.path("lineage").asText(null) : ((Line) entry).lineage();
      if (!filter.matches(seq, dead, lineage)) {
        continue;
      }
      if (!dead) {
        line = ((Line) entry).json();
      }
      if (!filter.lineageOnly() && !filter.matches(line)) {
        continue;
      }
      ObjectNode json = OtlpJson.MAPPER.createObjectNode();
      json.put("seq", seq);
      json.put("lineage", lineage);
      if (dead) {
        json.put("deadLetter", ((DeadLetter) entry).reason());
      }
      json.setAll(line); // a dead letter's JSON is shared with the sink: its fields are read, never changed
      out.add(json);
      received.add(asReceived);
    }
    return new Recent(out, held.length, Math.max(0, settings.recentSize()), newest,
        java.util.Collections.unmodifiableList(received));
  }

  /** Counts per signal and the queue's fill, for the stats endpoint. */
  public Map<String, Object> stats() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("queue", settings.queue().name().toLowerCase(java.util.Locale.ROOT));
    if (settings.queue() == QueueKind.DISK) {
      out.put("queueSync", settings.queueSync().name().toLowerCase(java.util.Locale.ROOT));
    }
    out.put("queueCapacity", settings.queueCapacity());
    out.put("queued", settings.queueCapacity() - permits.availablePermits());
    out.put("queueMaxBytes", settings.queueMaxBytes());
    out.put("queuedBytes", 1024L * (byteKiB - bytePermits.availablePermits()));
    out.put("oldestQueuedSeconds", Math.round(oldestAgeSeconds() * 10) / 10.0);
    if (exportQueue instanceof ExportQueue.Disk disk) {
      SegmentLog.Recovery r = disk.log().recovery();
      Map<String, Object> recovery = new LinkedHashMap<>();
      recovery.put("records", r.records());
      recovery.put("damagedRecords", r.damagedRecords());
      recovery.put("lostBytes", r.lostBytes());
      recovery.put("truncatedBytes", r.truncatedBytes());
      recovery.put("problems", r.problems());
      out.put("queueRecovery", recovery);
    }
    out.put("replayed", Math.round(replayed.count()));
    List<String> names = new ArrayList<>();
    exporters.forEach(e -> names.add(e.name()));
    out.put("exporters", names);
    Map<String, Object> signals = new LinkedHashMap<>();
    counts.forEach((signal, c) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("received", Math.round(c.received.count()));
      m.put("rejected", Math.round(c.rejected.count()));
      m.put("throttled", Math.round(c.throttled.count()));
      m.put("throttledRequests", Math.round(c.throttledRequests.count()));
      Map<String, Object> exported = new LinkedHashMap<>();
      c.exported.forEach((name, counter) -> exported.put(name, Math.round(counter.count())));
      m.put("exported", exported);
      m.put("deadLettered", Math.round(c.deadLetteredPipeline.count() + c.deadLetteredExport.count()));
      m.put("lost", Math.round(c.lost.count()));
      signals.put(signal.label(), m);
    });
    out.put("signals", signals);
    out.put("failingOutputs", failingOutputs(true));
    return out;
  }

  /**
   * The outputs (exporters by name, {@code dead-letter}) that cannot write now: each with {@code
   * output} and {@code since}, and with {@code problem} (which may name paths) if {@code detail}.
   */
  public List<Map<String, Object>> failingOutputs(boolean detail) {
    List<Map<String, Object>> out = new ArrayList<>();
    List<Output> all = new ArrayList<>(outputs.values());
    all.add(deadLetterSink);
    all.add(queueOutput);
    for (Output o : all) {
      String problem = o.problem;
      java.time.Instant since = o.since;
      if (problem != null) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("output", o.name);
        m.put("since", String.valueOf(since));
        if (detail) {
          m.put("problem", problem);
        }
        out.add(m);
      }
    }
    return out;
  }

  /**
   * Refuses new requests, then drains: waits until every accepted item is exported or
   * dead-lettered. After the drain timeout exporters stop retrying (their items go to the
   * dead-letter sink); whatever is still queued after that is lost and logged. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    giveUpAt = start + settings.drainTimeout().toNanos();
    long hardStop = giveUpAt + Duration.ofSeconds(15).toNanos();
    int capacity = settings.queueCapacity();
    if (permits.availablePermits() < capacity) {
      LOG.info("Draining the gateway: {} item(s) in flight", capacity - permits.availablePermits());
    }
    try {
      while (permits.availablePermits() < capacity && System.nanoTime() - hardStop < 0) {
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int left = capacity - permits.availablePermits();
    if (left > 0 && exportQueue.durable()) {
      LOG.warn("Gateway stopped with {} item(s) not exported; the disk queue keeps them for the next start", left);
    } else if (left > 0) {
      LOG.error("Gateway stopped with {} item(s) not exported", left);
    }
    running = false;
    try {
      exportThread.join(exportQueue.durable() ? 10_000 : 1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      exportQueue.close();
    } catch (java.io.IOException e) {
      LOG.warn("Closing the disk queue failed ({}); its records since the last acknowledgement may be sent again"
          + " after the next start", e.toString());
    }
    exporters.forEach(Exporter::close);
    try {
      deadLetterFile.close();
    } catch (java.io.IOException e) {
      LOG.warn("Closing the dead-letter file failed: {}", e.toString());
    }
  }
}
