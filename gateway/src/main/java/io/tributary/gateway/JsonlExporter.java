package io.tributary.gateway;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Writes one enriched item per line: to rotating files, or to a stream such as stdout. */
final class JsonlExporter implements Exporter {

  private final String name;
  private final RotatingJsonlFile file;
  private final PrintStream stream;

  private JsonlExporter(String name, RotatingJsonlFile file, PrintStream stream) {
    this.name = name;
    this.file = file;
    this.stream = stream;
  }

  static JsonlExporter toFile(RotatingJsonlFile file) {
    return new JsonlExporter("jsonl", file, null);
  }

  static JsonlExporter toStream(PrintStream stream) {
    return new JsonlExporter("stdout", null, stream);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean writesLines() {
    return true;
  }

  @Override
  public void export(List<Envelope> envelopes, Context context) throws ExportException {
    List<String> lines = new ArrayList<>();
    for (Envelope envelope : envelopes) {
      envelope.lines.forEach(l -> lines.add(l.text()));
    }
    if (lines.isEmpty()) {
      return;
    }
    if (file != null) {
      try {
        file.write(lines);
      } catch (UncheckedIOException e) {
        throw ExportException.unavailable(e.getMessage() + ": " + e.getCause());
      }
    } else {
      synchronized (stream) {
        lines.forEach(stream::println);
        stream.flush();
        // PrintStream swallows its errors; checkError says whether one happened.
        if (stream.checkError()) {
          throw ExportException.unavailable("writing to " + name + " failed (the stream reports an error)");
        }
      }
    }
  }

  @Override
  public void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
