package io.tributary.benchmarks.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time of a process, from Linux's {@code /proc/<pid>/stat}. */
final class ProcStat {

  /** Clock ticks per second of utime and stime; 100 on every Linux this runs on (USER_HZ). */
  static final long TICKS_PER_SECOND = 100;

  private ProcStat() {}

  /** User plus system CPU time of process {@code pid} so far, in nanoseconds. */
  static long cpuNanos(long pid) {
    try {
      return parse(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
    }
  }

  /**
   * Fields 14 and 15 (utime, stime) of a stat line. The command name (field 2) is in parentheses
   * and may itself hold spaces and parentheses, so fields are counted after its last ')'.
   */
  static long parse(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
    }
    String[] fields = stat.substring(close + 2).trim().split(" +");
    // fields[0] is field 3 (state), so field n is fields[n - 3].
    long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    return ticks * (1_000_000_000L / TICKS_PER_SECOND);
  }
}
