package io.tributary.gateway;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Where accepted, enriched envelopes wait for the export thread: in memory, or in files under the
 * data dir ({@link Disk}). Producers are the threads that received requests; the consumer is the
 * one export thread, which {@link #poll polls}, {@link #peek peeks} and {@link #take takes}, and
 * says when it is {@link #done} with what it took.
 */
interface ExportQueue extends AutoCloseable {

  /**
   * Keeps the envelope; once this returns it is the queue's (for a disk queue: in its files).
   *
   * @param record the envelope's {@link QueuedRecord}, for a durable queue; null otherwise
   * @throws IOException if it could not be kept (a disk that is full or failing): nothing is kept
   */
  void put(Envelope envelope, byte[] record) throws IOException;

  /** The next envelope, waiting up to {@code millis} for one; null if none came. */
  Envelope poll(long millis) throws InterruptedException, IOException;

  /** The next envelope if one is there now, not taken yet; null if none. */
  Envelope peek() throws IOException;

  /** Takes the envelope {@link #peek} showed. */
  Envelope take();

  /** The export thread is done with these envelopes (exported or dead-lettered): they may go. */
  void done(List<Envelope> group) throws IOException;

  /** Whether what is queued survives the process (a crash, a restart). */
  boolean durable();

  @Override
  void close() throws IOException;

  /** The memory queue: lost when the process ends. */
  final class Memory implements ExportQueue {
    private final BlockingQueue<Envelope> queue = new LinkedBlockingQueue<>();

    @Override
    public void put(Envelope envelope, byte[] record) {
      queue.add(envelope);
    }

    @Override
    public Envelope poll(long millis) throws InterruptedException {
      return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Envelope peek() {
      return queue.peek();
    }

    @Override
    public Envelope take() {
      return queue.poll();
    }

    @Override
    public void done(List<Envelope> group) {}

    @Override
    public boolean durable() {
      return false;
    }

    @Override
    public void close() {}
  }

  /**
   * The disk queue: envelopes as {@link QueuedRecord}s in a {@link SegmentLog}. An envelope is
   * read back from the files when its turn comes, so memory does not grow with the backlog;
   * records a previous run left are read first.
   */
  final class Disk implements ExportQueue {
    private final SegmentLog log;
    /** The log's head when it was opened: records before it were written by a previous run. */
    private final long replayUntil;
    private Envelope lookahead;

    Disk(SegmentLog log) {
      this.log = log;
      this.replayUntil = log.head();
    }

    SegmentLog log() {
      return log;
    }

    @Override
    public void put(Envelope envelope, byte[] record) throws IOException {
      envelope.queueEnd = log.append(record);
    }

    @Override
    public Envelope poll(long millis) throws InterruptedException, IOException {
      if (lookahead != null) {
        return take();
      }
      return read(log.next(millis));
    }

    @Override
    public Envelope peek() throws IOException {
      if (lookahead == null) {
        try {
          lookahead = read(log.next(0));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return lookahead;
    }

    @Override
    public Envelope take() {
      Envelope e = lookahead;
      lookahead = null;
      return e;
    }

    private Envelope read(SegmentLog.Entry entry) throws IOException {
      if (entry == null) {
        return null;
      }
      Envelope e = QueuedRecord.decode(entry.payload());
      e.queueEnd = entry.end();
      e.replayed = entry.end() <= replayUntil;
      e.byteKiB = kib(entry.payload().length);
      return e;
    }

    /** What a record holds of the queue's byte budget, in KiB: its payload and header. */
    static int kib(int payloadBytes) {
      return (int) ((payloadBytes + SegmentLog.HEADER_BYTES + 1023L) >> 10);
    }

    @Override
    public void done(List<Envelope> group) throws IOException {
      long end = -1;
      for (Envelope e : group) {
        end = Math.max(end, e.queueEnd);
      }
      if (end >= 0) {
        log.ack(end);
      }
    }

    @Override
    public boolean durable() {
      return true;
    }

    @Override
    public void close() throws IOException {
      log.close();
    }
  }
}
