package io.tributary.benchmarks.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of a process, from Linux's {@code /proc/<pid>/stat} and {@code status}. */
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

  /** Resident set size of process {@code pid} now ({@code VmRSS}), in MiB. */
  static double rssMib(long pid) {
    return statusKib(pid, "VmRSS:") / 1024.0;
  }

  /** The largest resident set size process {@code pid} has had ({@code VmHWM}), in MiB. */
  static double peakRssMib(long pid) {
    return statusKib(pid, "VmHWM:") / 1024.0;
  }

  private static long statusKib(long pid, String field) {
    try {
      return statusField(Files.readString(Path.of("/proc", String.valueOf(pid), "status")), field);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the memory of process " + pid, e);
    }
  }

  /** A {@code kB} field of a {@code /proc/<pid>/status} text, e.g. {@code VmRSS:   123456 kB}. */
  static long statusField(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field)) {
        return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
      }
    }
    throw new IllegalArgumentException("no " + field + " in /proc/<pid>/status");
  }
}
