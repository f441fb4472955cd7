package io.tributary.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of records in segment files, read once in order: the disk queue's storage.
 *
 * <p>A record is a 12-byte header — magic, payload length, CRC-32C of the payload — and its
 * payload. Records never span segments; a segment is named by the position (a byte offset over the
 * whole log) of its first record. Writers append under one lock; with {@link Sync#FSYNC} an append
 * returns only once a {@code force} covered it, one {@code force} serving every append that
 * waited for it (group commit). One reader takes records in order and {@link #ack acknowledges}
 * them once done; whole segments below the acknowledged position are deleted, and the position is
 * kept in the file {@code ack} (written at most every {@link #ACK_EVERY_MILLIS} ms, and on
 * close), so after a crash reading resumes there: records done in the last moments before a crash
 * are read again (at least once).
 *
 * <p>Opening recovers: every record from the acknowledged position on is checked. A record cut off
 * at the end of the last segment (a write the crash interrupted) is cut away; a damaged record
 * (wrong magic, impossible length, CRC mismatch) is skipped by looking for the next good header,
 * and its bytes are counted as lost. Neither stops the log from opening: {@link #recovery()} says
 * what was found.
 */
final class SegmentLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentLog.class);
  static final int MAGIC = 0x54514231; // "TQB1"
  static final int HEADER_BYTES = 12;
  /** The largest payload a record may have (a request's encoding and its lines). */
  static final int MAX_PAYLOAD_BYTES = 256 << 20;
  static final long ACK_EVERY_MILLIS = 100;
  private static final String SUFFIX = ".seg";

  /** Whether an append waits for its bytes to reach the disk itself, not only the page cache. */
  enum Sync {
    /** Written to the operating system: survives a crash of the process, not of the machine. */
    NONE,
    /** Forced to the disk (grouped): survives power loss. */
    FSYNC
  }

  /** What opening found. */
  record Recovery(int segments, long records, long bytes, long damagedRecords, long lostBytes, long truncatedBytes,
      List<String> problems, long kib, long items) {}

  /** A record read: its payload and the position just after it (what to acknowledge once done). */
  record Entry(byte[] payload, long end) {}

  private final Path dir;
  private final long segmentBytes;
  private final Sync sync;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final Condition forced = lock.newCondition();
  /**
   * Damaged stretches found on opening, which the reader jumps over: where one starts, and where
   * the next good record (or the segment's end) is.
   */
  private final TreeMap<Long, Long> damagedSpans = new TreeMap<>();
  /** Segments by base position. */
  private final TreeMap<Long, Path> segments = new TreeMap<>();
  private final Recovery recovery;
  private FileChannel writeChannel;
  private long writeBase;
  /** The position after the last whole record appended. */
  private volatile long head;
  /** The position up to which a force covered the log. */
  private long forcedUpTo;
  private boolean forcing;
  private long forces;
  private long appends;
  /** Where the reader is. */
  private long readPosition;
  private FileChannel readChannel;
  private long readBase = -1;
  /** What has been acknowledged, and what the ack file says. */
  private volatile long acked;
  private long ackWritten;
  private long ackWrittenAt;
  private volatile boolean closed;

  private final java.util.function.ToIntFunction<byte[]> itemsOf;

  private SegmentLog(Path dir, long segmentBytes, Sync sync, java.util.function.ToIntFunction<byte[]> itemsOf)
      throws IOException {
    this.itemsOf = itemsOf;
    this.dir = dir;
    this.segmentBytes = segmentBytes;
    this.sync = sync;
    Files.createDirectories(dir);
    this.recovery = recover();
  }

  /**
   * Opens (creating if missing) the log in {@code dir}, recovering what it holds.
   *
   * @param segmentBytes the size a segment grows to before the next one is started
   */
  static SegmentLog open(Path dir, long segmentBytes, Sync sync) throws IOException {
    return new SegmentLog(dir, segmentBytes, sync, payload -> 1);
  }

  /**
   * As {@link #open(Path, long, Sync)}; {@code itemsOf} says how many items a record's payload
   * holds, for {@link Recovery#items()}.
   */
  static SegmentLog open(Path dir, long segmentBytes, Sync sync, java.util.function.ToIntFunction<byte[]> itemsOf)
      throws IOException {
    return new SegmentLog(dir, segmentBytes, sync, itemsOf);
  }

  /** What opening found. */
  Recovery recovery() {
    return recovery;
  }

  /** Bytes appended and not yet acknowledged (headers included). */
  long pendingBytes() {
    return head - acked;
  }

  /** The position after the last record appended. */
  long head() {
    return head;
  }

  /** Appends so far, and the forces that covered them (with {@link Sync#FSYNC}; fewer under concurrency). */
  long[] appendsAndForces() {
    lock.lock();
    try {
      return new long[] {appends, forces};
    } finally {
      lock.unlock();
    }
  }

  /** The acknowledged position. */
  long acked() {
    return acked;
  }

  /**
   * Appends a record; returns the position just after it. With {@link Sync#FSYNC} returns once the
   * record is on the disk.
   */
  long append(byte[] payload) throws IOException {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("a record of " + payload.length + " bytes is over the limit of "
          + MAX_PAYLOAD_BYTES);
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    CRC32C crc = new CRC32C();
    crc.update(payload);
    header.putInt(MAGIC).putInt(payload.length).putInt((int) crc.getValue()).flip();
    long end;
    lock.lock();
    try {
      if (closed) {
        throw new IOException("the queue is closed");
      }
      if (writeChannel == null || head - writeBase + HEADER_BYTES + payload.length > segmentBytes
          && head > writeBase) {
        startSegment(head);
      }
      ByteBuffer body = ByteBuffer.wrap(payload);
      long at = head - writeBase;
      try {
        while (header.hasRemaining()) {
          at += writeChannel.write(header, at);
        }
        while (body.hasRemaining()) {
          at += writeChannel.write(body, at);
        }
      } catch (IOException e) {
        // A full or failing disk: what was written of this record is cut away, the log stays whole.
        try {
          writeChannel.truncate(head - writeBase);
        } catch (IOException ignored) {
          // The next recovery cuts it, as it cuts a crash's unfinished record.
        }
        throw e;
      }
      end = writeBase + at;
      head = end;
      appends++;
      appended.signalAll();
      if (sync == Sync.FSYNC) {
        awaitForced(end);
      }
    } finally {
      lock.unlock();
    }
    return end;
  }

  /** Waits (holding the lock, released while waiting) until a force covered {@code end}; forces if nobody does. */
  private void awaitForced(long end) throws IOException {
    while (forcedUpTo < end) {
      if (forcing) {
        forced.awaitUninterruptibly();
        continue;
      }
      forcing = true;
      long upTo = head;
      FileChannel channel = writeChannel;
      lock.unlock();
      try {
        channel.force(false);
      } finally {
        lock.lock();
        forcing = false;
        forces++;
      }
      forcedUpTo = Math.max(forcedUpTo, upTo);
      forced.signalAll();
    }
  }

  private void startSegment(long base) throws IOException {
    if (writeChannel != null) {
      if (sync == Sync.FSYNC) {
        writeChannel.force(false);
        forcedUpTo = head;
      }
      writeChannel.close();
    }
    Path file = dir.resolve(String.format(Locale.ROOT, "%020d%s", base, SUFFIX));
    writeChannel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    writeBase = base;
    segments.put(base, file);
    if (sync == Sync.FSYNC) {
      forceDirectory();
    }
  }

  /**
   * The next record after the last one read, waiting up to {@code timeoutMillis} for one to be
   * appended; null if none came. Only one thread reads.
   */
  Entry next(long timeoutMillis) throws IOException, InterruptedException {
    lock.lock();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (readPosition >= head && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        appended.awaitNanos(left);
      }
      if (readPosition >= head) {
        return null;
      }
    } finally {
      lock.unlock();
    }
    return readAt();
  }

  /** Reads the record at {@link #readPosition}; only whole records below {@link #head} are read. */
  private Entry readAt() throws IOException {
    long offset;
    long limit;
    lock.lock();
    try {
      Long skipTo = damagedSpans.remove(readPosition);
      if (skipTo != null) {
        readPosition = skipTo;
      }
      if (readPosition >= head) {
        return null;
      }
      long base = segments.floorKey(readPosition);
      Long nextBase = segments.higherKey(base);
      if (readBase != base) {
        if (readChannel != null) {
          readChannel.close();
        }
        readChannel = FileChannel.open(segments.get(base), StandardOpenOption.READ);
        readBase = base;
      }
      offset = readPosition - base;
      // Whole records end at the head in the segment being written, at the file's end in the others.
      limit = nextBase == null ? head - base : Math.min(readChannel.size(), nextBase - base);
      if (nextBase != null && offset >= limit) {
        // The rest of this segment was cut away or never written: go on with the next one.
        readPosition = nextBase;
        return readAt();
      }
    } finally {
      lock.unlock();
    }
    byte[][] payload = new byte[1][];
    long length = validRecordAt(readChannel, offset, limit, p -> payload[0] = p);
    if (length <= 0) {
      throw new IOException("the queue's record at " + readPosition + (length == 0 ? " is cut off" : " is damaged")
          + " (written since the node started)");
    }
    readPosition += length;
    return new Entry(payload[0], readPosition);
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("the queue's segment ended in the middle of a record");
      }
      at += n;
    }
  }

  /**
   * Everything before {@code position} is done: segments wholly before it are deleted, and the
   * position is written to the ack file if the last write is older than {@link #ACK_EVERY_MILLIS}.
   */
  void ack(long position) throws IOException {
    lock.lock();
    try {
      if (position <= acked) {
        return;
      }
      acked = position;
      // Segments whose successor starts at or before the acknowledged position are done.
      while (segments.size() > 1) {
        long first = segments.firstKey();
        Long second = segments.higherKey(first);
        if (second == null || second > position || first == writeBase) {
          break;
        }
        Path file = segments.remove(first);
        if (readBase == first && readChannel != null) {
          readChannel.close();
          readChannel = null;
          readBase = -1;
        }
        Files.deleteIfExists(file);
      }
      long now = System.currentTimeMillis();
      if (now - ackWrittenAt >= ACK_EVERY_MILLIS) {
        writeAck();
        ackWrittenAt = now;
      }
    } finally {
      lock.unlock();
    }
  }

  private void writeAck() throws IOException {
    if (acked == ackWritten) {
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(16);
    CRC32C crc = new CRC32C();
    ByteBuffer value = ByteBuffer.allocate(8).putLong(0, acked);
    crc.update(value.array());
    b.putLong(acked).putLong(crc.getValue()).flip();
    Path tmp = dir.resolve("ack.tmp");
    try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      while (b.hasRemaining()) {
        c.write(b);
      }
      if (sync == Sync.FSYNC) {
        c.force(false);
      }
    }
    Files.move(tmp, dir.resolve("ack"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    ackWritten = acked;
  }

  private long readAck(List<String> problems) {
    Path file = dir.resolve("ack");
    if (!Files.exists(file)) {
      return -1;
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (bytes.length == 16) {
        long position = b.getLong();
        long crc = b.getLong();
        CRC32C check = new CRC32C();
        check.update(ByteBuffer.allocate(8).putLong(0, position).array());
        if (check.getValue() == crc && position >= 0) {
          return position;
        }
      }
      problems.add("the ack file is damaged: reading from the oldest segment (items may be sent twice)");
    } catch (IOException e) {
      problems.add("the ack file cannot be read (" + e.getMessage() + "): reading from the oldest segment");
    }
    return -1;
  }

  private Recovery recover() throws IOException {
    List<String> problems = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        try {
          segments.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), f);
        } catch (NumberFormatException e) {
          problems.add("ignored a file that is not a segment: " + name);
        }
      }
    }
    long ack = readAck(problems);
    long start = segments.isEmpty() ? Math.max(0, ack) : ack < segments.firstKey() ? segments.firstKey() : ack;
    // Segments wholly before the acknowledged position are leftovers of a crash between the two.
    while (segments.size() > 1 && segments.higherKey(segments.firstKey()) <= start) {
      Files.deleteIfExists(segments.remove(segments.firstKey()));
    }
    long records = 0;
    long bytes = 0;
    long[] kibAndItems = new long[2];
    java.util.function.Consumer<byte[]> count = payload -> {
      kibAndItems[0] += (payload.length + HEADER_BYTES + 1023L) >> 10;
      kibAndItems[1] += Math.max(0, itemsOf.applyAsInt(payload));
    };
    long damaged = 0;
    long lost = 0;
    long truncated = 0;
    long end = start;
    List<Long> bases = new ArrayList<>(segments.keySet());
    for (int i = 0; i < bases.size(); i++) {
      long base = bases.get(i);
      boolean last = i == bases.size() - 1;
      Path file = segments.get(base);
      long size = Files.size(file);
      long offset = Math.max(0, start - base);
      try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        while (offset < size) {
          long length = validRecordAt(c, offset, size, count);
          if (length > 0) {
            records++;
            bytes += length;
            offset += length;
            continue;
          }
          if (length == 0 && last) {
            // Cut off at the end of the last segment: a write the crash interrupted.
            truncated += size - offset;
            problems.add(String.format(Locale.ROOT, "cut %d bytes of an unfinished record at the end of %s",
                size - offset, file.getFileName()));
            c.truncate(offset);
            size = offset;
            break;
          }
          long next = nextHeader(c, offset + 1, size);
          damagedSpans.put(base + offset, base + next);
          damaged++;
          lost += next - offset;
          problems.add(String.format(Locale.ROOT, "skipped %d damaged bytes at offset %d of %s",
              next - offset, offset, file.getFileName()));
          if (next >= size) {
            if (last) {
              c.truncate(offset);
              size = offset;
            }
            break;
          }
          offset = next;
        }
        if (last) {
          end = base + size;
        }
      }
    }
    head = segments.isEmpty() ? start : end;
    forcedUpTo = head;
    readPosition = start;
    acked = start;
    ackWritten = ack;
    if (!segments.isEmpty()) {
      long lastBase = segments.lastKey();
      writeChannel = FileChannel.open(segments.get(lastBase), StandardOpenOption.WRITE, StandardOpenOption.READ);
      writeBase = lastBase;
    }
    Recovery r = new Recovery(segments.size(), records, bytes, damaged, lost, truncated, List.copyOf(problems),
        kibAndItems[0], kibAndItems[1]);
    if (!problems.isEmpty()) {
      LOG.warn("Queue in {}: {}", dir, String.join("; ", problems));
    }
    return r;
  }

  /** The length of the good record at {@code offset} (header included), 0 if cut off, -1 if damaged. */
  private static long validRecordAt(FileChannel c, long offset, long size) throws IOException {
    return validRecordAt(c, offset, size, payload -> { });
  }

  /** As {@link #validRecordAt(FileChannel, long, long)}, handing a good record's payload to {@code good}. */
  private static long validRecordAt(FileChannel c, long offset, long size, java.util.function.Consumer<byte[]> good)
      throws IOException {
    if (size - offset < HEADER_BYTES) {
      return 0;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    readFully(c, header, offset);
    header.flip();
    int magic = header.getInt();
    int length = header.getInt();
    int crc = header.getInt();
    if (magic != MAGIC || length < 0 || length > MAX_PAYLOAD_BYTES) {
      return -1;
    }
    if (size - offset - HEADER_BYTES < length) {
      return 0;
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(c, payload, offset + HEADER_BYTES);
    CRC32C check = new CRC32C();
    check.update(payload.array());
    if ((int) check.getValue() != crc) {
      return -1;
    }
    good.accept(payload.array());
    return HEADER_BYTES + (long) length;
  }

  /** The offset of the next good record at or after {@code from}, or {@code size} if there is none. */
  private static long nextHeader(FileChannel c, long from, long size) throws IOException {
    ByteBuffer window = ByteBuffer.allocate(64 * 1024);
    long at = from;
    while (at + 4 <= size) {
      window.clear();
      int n = c.read(window, at);
      if (n < 4) {
        break;
      }
      for (int i = 0; i + 4 <= n; i++) {
        if (window.getInt(i) == MAGIC && validRecordAt(c, at + i, size) > 0) {
          return at + i;
        }
      }
      at += n - 3;
    }
    return size;
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UncheckedIOException e) {
      // Some file systems cannot force a directory; the segment's own force still holds its bytes.
    }
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      appended.signalAll();
      writeAck();
      if (writeChannel != null) {
        writeChannel.force(false);
        writeChannel.close();
      }
      if (readChannel != null) {
        readChannel.close();
      }
    } finally {
      lock.unlock();
    }
  }
}
