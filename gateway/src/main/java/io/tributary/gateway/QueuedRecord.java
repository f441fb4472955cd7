package io.tributary.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An enriched envelope as the disk queue keeps it: what the export thread needs and nothing else —
 * the signal, how many items it delivers and holds, when it was accepted, the encoded request, its
 * lines of text (only when an exporter writes lines) and its dead letters.
 */
final class QueuedRecord {

  private QueuedRecord() {}

  private static final int VERSION = 1;

  /** How many items of the queue's capacity a record holds, read from its payload alone. */
  static int items(byte[] record) {
    return record.length >= 10 && record[0] == VERSION
        ? java.nio.ByteBuffer.wrap(record, 6, 4).getInt() : 0;
  }

  /** The envelope's record. */
  static byte[] encode(Envelope e, boolean withLines) {
    byte[] encoded = e.encoded != null ? e.encoded : e.request != null ? e.request.toByteArray() : null;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (encoded == null ? 0 : encoded.length));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeByte(e.signal.ordinal());
      out.writeInt(e.delivered);
      out.writeInt(e.permits);
      out.writeLong(e.acceptedAtMillis);
      if (encoded == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(encoded.length);
        out.write(encoded);
      }
      List<Envelope.Line> lines = withLines && e.lines != null ? e.lines : List.of();
      out.writeInt(lines.size());
      for (Envelope.Line line : lines) {
        writeString(out, line.lineage());
        writeString(out, line.text());
      }
      List<Envelope.DeadLetter> dead = e.deadLetters == null ? List.of() : e.deadLetters;
      out.writeInt(dead.size());
      for (Envelope.DeadLetter d : dead) {
        writeString(out, d.reason());
        writeString(out, d.json().toString());
      }
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /**
   * The envelope a record holds, ready to export.
   *
   * @throws IOException if the record is not one this version wrote
   */
  static Envelope decode(byte[] record) throws IOException {
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(record))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IOException("a queue record of version " + version + " (this node reads version " + VERSION + ")");
      }
      int signalIndex = in.readUnsignedByte();
      if (signalIndex >= Signal.values().length) {
        throw new IOException("a queue record of an unknown signal " + signalIndex);
      }
      Envelope e = new Envelope(Signal.values()[signalIndex], List.of(), 0, 0, null);
      e.delivered = in.readInt();
      e.permits = in.readInt();
      e.acceptedAtMillis = in.readLong();
      int length = in.readInt();
      if (length > record.length) {
        throw new IOException("a queue record whose request is longer than the record");
      }
      if (length >= 0) {
        e.encoded = in.readNBytes(length);
      }
      int lineCount = in.readInt();
      List<Envelope.Line> lines = new ArrayList<>(Math.min(lineCount, 1 << 16));
      for (int i = 0; i < lineCount; i++) {
        lines.add(new Envelope.Line(readString(in), readString(in)));
      }
      e.lines = lines;
      int deadCount = in.readInt();
      List<Envelope.DeadLetter> dead = new ArrayList<>(Math.min(deadCount, 1 << 16));
      for (int i = 0; i < deadCount; i++) {
        String reason = readString(in);
        dead.add(new Envelope.DeadLetter((ObjectNode) OtlpJson.MAPPER.readTree(readString(in)), reason));
      }
      e.deadLetters = dead;
      e.release();
      return e;
    } catch (RuntimeException e) {
      throw new IOException("a queue record that cannot be read: " + e, e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    if (b == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new IOException("a queue record that ends in the middle of a string");
    }
    return new String(b, StandardCharsets.UTF_8);
  }
}
