package io.tributary.plugins.piiredaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Per-kind precision and recall of the default configuration on the labelled corpus ({@code
 * pii-corpus.tsv}): every value goes through the processor as an attribute value. A line labelled
 * with a kind counts as found when the output carries that kind's marker and no longer contains
 * the secret; a marker of any other kind in it, or any marker in a look-alike ({@code keep:}) line,
 * counts against that kind's precision.
 */
class CorpusTest {

  private static final Pattern MARKER = Pattern.compile("\\[REDACTED:([a-z0-9_]+)]");

  record Line(int number, String label, String secret, String text) {}

  static List<Line> corpus() throws IOException {
    List<Line> lines = new ArrayList<>();
    try (InputStream in = CorpusTest.class.getResourceAsStream("/pii-corpus.tsv");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", 3);
        lines.add(new Line(n, f[0], unescape(f[1]), unescape(f[2])));
      }
    }
    return lines;
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        sb.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  @Test
  void corpus_is_large_and_every_kind_has_look_alikes() throws IOException {
    List<Line> lines = corpus();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(300);
    for (PiiType type : PiiType.VALUES) {
      if (type == PiiType.OVERSIZE) {
        continue;
      }
      assertThat(lines).as(type.id).anyMatch(l -> l.label().equals(type.id));
      assertThat(lines).as("look-alikes of " + type.id).anyMatch(l -> l.label().equals("keep:" + type.id));
    }
  }

  @Test
  void every_kind_has_precision_and_recall_of_at_least_0_99() throws IOException {
    Map<String, int[]> byKind = new TreeMap<>(); // tp, fp, fn
    List<String> misses = new ArrayList<>();
    for (Line line : corpus()) {
      String out = Redaction.redact(line.text());
      List<String> found = new ArrayList<>();
      Matcher m = MARKER.matcher(out);
      while (m.find()) {
        found.add(m.group(1));
      }
      boolean keep = line.label().startsWith("keep:");
      if (!keep) {
        int[] c = byKind.computeIfAbsent(line.label(), k -> new int[3]);
        if (found.contains(line.label()) && !out.contains(line.secret())) {
          c[0]++;
        } else {
          c[2]++;
          misses.add("missed " + line.label() + " at line " + line.number() + ": " + out);
        }
      } else if (!out.equals(line.text())) {
        misses.add("changed look-alike at line " + line.number() + ": " + out);
      }
      for (String kind : found) {
        if (keep || !kind.equals(line.label())) {
          byKind.computeIfAbsent(kind, k -> new int[3])[1]++;
          if (!keep) {
            misses.add("extra " + kind + " at line " + line.number() + ": " + out);
          }
        }
      }
    }
    StringBuilder table = new StringBuilder("| kind | values | found | false positives | precision | recall |\n"
        + "|---|---|---|---|---|---|\n");
    for (Map.Entry<String, int[]> e : byKind.entrySet()) {
      int[] c = e.getValue();
      table.append(String.format(java.util.Locale.ROOT, "| %s | %d | %d | %d | %.3f | %.3f |%n", e.getKey(),
          c[0] + c[2], c[0], c[1], precision(c), recall(c)));
    }
    System.out.println(table);
    misses.forEach(System.out::println);
    for (Map.Entry<String, int[]> e : byKind.entrySet()) {
      assertThat(precision(e.getValue())).as("precision of " + e.getKey() + "\n" + misses).isGreaterThanOrEqualTo(0.99);
      assertThat(recall(e.getValue())).as("recall of " + e.getKey() + "\n" + misses).isGreaterThanOrEqualTo(0.99);
    }
  }

  private static double precision(int[] c) {
    return c[0] + c[1] == 0 ? 1.0 : (double) c[0] / (c[0] + c[1]);
  }

  private static double recall(int[] c) {
    return c[0] + c[2] == 0 ? 1.0 : (double) c[0] / (c[0] + c[2]);
  }
}
