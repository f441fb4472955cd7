package io.tributary.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk queue's storage on real files: order, segments, acknowledgement, and what a crash or damage leaves. */
class SegmentLogTest {

  @TempDir Path dir;

  private static byte[] record(int i) {
    return ("record-" + i + "-" + "x".repeat(i % 97)).getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> readAll(SegmentLog log) throws Exception {
    List<String> out = new ArrayList<>();
    for (SegmentLog.Entry e; (e = log.next(50)) != null; ) {
      out.add(new String(e.payload(), StandardCharsets.UTF_8));
      log.ack(e.end());
    }
    return out;
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void records_come_back_in_order_across_segments_and_acknowledged_segments_are_deleted() throws Exception {
    try (SegmentLog log = SegmentLog.open(dir, 4096, SegmentLog.Sync.NONE)) {
      for (int i = 0; i < 500; i++) {
        log.append(record(i));
      }
      assertThat(segments().size()).isGreaterThan(5);
      List<String> read = readAll(log);
      assertThat(read).hasSize(500);
      for (int i = 0; i < 500; i++) {
        assertThat(read.get(i)).isEqualTo(new String(record(i), StandardCharsets.UTF_8));
      }
      assertThat(log.pendingBytes()).isZero();
      assertThat(segments()).hasSize(1); // the one being written
    }
  }

  @Test
  void reopened_it_goes_on_after_the_last_acknowledged_record_and_never_before() throws Exception {
    try (SegmentLog log = SegmentLog.open(dir, 4096, SegmentLog.Sync.NONE)) {
      for (int i = 0; i < 100; i++) {
        log.append(record(i));
      }
      for (int i = 0; i < 40; i++) {
        log.ack(log.next(50).end());
      }
    } // close writes the ack file
    try (SegmentLog log = SegmentLog.open(dir, 4096, SegmentLog.Sync.NONE)) {
      assertThat(log.recovery().problems()).isEmpty();
      assertThat(log.recovery().records()).isEqualTo(60);
      List<String> rest = readAll(log);
      assertThat(rest).hasSize(60);
      assertThat(rest.get(0)).startsWith("record-40-");
      log.append(record(1000));
      assertThat(readAll(log)).containsExactly(new String(record(1000), StandardCharsets.UTF_8));
    }
  }

  @Test
  void a_record_cut_off_by_a_crash_is_cut_away_and_everything_before_it_is_read() throws Exception {
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, SegmentLog.Sync.NONE)) {
      for (int i = 0; i < 10; i++) {
        log.append(record(i));
      }
    }
    Path segment = segments().get(segments().size() - 1);
    long size = Files.size(segment);
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      c.truncate(size - 5); // the last record loses its tail, as a write cut by kill -9 would
    }
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, SegmentLog.Sync.NONE)) {
      assertThat(log.recovery().truncatedBytes()).isPositive();
      assertThat(log.recovery().problems()).anyMatch(p -> p.contains("unfinished record"));
      List<String> read = readAll(log);
      assertThat(read).hasSize(9);
      assertThat(read.get(8)).startsWith("record-8-");
      log.append(record(42));
      assertThat(readAll(log)).containsExactly(new String(record(42), StandardCharsets.UTF_8));
    }
  }

  @Test
  void a_damaged_record_is_skipped_and_reported_and_only_it_is_lost() throws Exception {
    long thirdAt;
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, SegmentLog.Sync.NONE)) {
      log.append(record(0));
      thirdAt = log.append(record(1));
      for (int i = 2; i < 10; i++) {
        log.append(record(i));
      }
    }
    Path segment = segments().get(0);
    try (FileChannel c = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      long at = thirdAt + SegmentLog.HEADER_BYTES + 3; // inside record 2's payload
      c.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
      c.write(b, at);
    }
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, SegmentLog.Sync.NONE)) {
      assertThat(log.recovery().damagedRecords()).isEqualTo(1);
      assertThat(log.recovery().problems()).anyMatch(p -> p.contains("damaged bytes"));
      List<String> read = readAll(log);
      assertThat(read).hasSize(9).noneMatch(r -> r.startsWith("record-2-"));
      assertThat(read.get(2)).startsWith("record-3-");
    }
  }

  @Test
  void with_fsync_concurrent_appends_are_each_read_once() throws Exception {
    ConcurrentHashMap<String, Boolean> written = new ConcurrentHashMap<>();
    try (SegmentLog log = SegmentLog.open(dir, 64 << 10, SegmentLog.Sync.FSYNC)) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            byte[] r = ("t" + thread + "-" + i).getBytes(StandardCharsets.UTF_8);
            log.append(r);
            written.put(new String(r, StandardCharsets.UTF_8), true);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      List<String> read = readAll(log);
      assertThat(read).hasSize(1600).doesNotHaveDuplicates();
      assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(read);
      // One force covers every append that waited while the one before it ran.
      long[] counts = log.appendsAndForces();
      assertThat(counts[0]).isEqualTo(1600);
      assertThat(counts[1]).isPositive().isLessThan(counts[0]);
    }
  }

  @Test
  void a_damaged_ack_file_means_reading_from_the_oldest_segment_again_never_losing_records() throws Exception {
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, SegmentLog.Sync.NONE)) {
      for (int i = 0; i < 5; i++) {
        log.append(record(i));
      }
      log.ack(log.next(50).end());
    }
    Files.write(dir.resolve("ack"), new byte[] {1, 2, 3});
    try (SegmentLog log = SegmentLog.open(dir, 1 << 20, SegmentLog.Sync.NONE)) {
      assertThat(log.recovery().problems()).anyMatch(p -> p.contains("ack file is damaged"));
      assertThat(readAll(log)).hasSize(5);
    }
  }
}
