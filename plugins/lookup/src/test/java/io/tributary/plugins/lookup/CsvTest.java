package io.tributary.plugins.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

  private static List<Csv.Record> parse(String text) {
    return Csv.parse(text, "t.csv");
  }

  @Test
  void reads_records_ending_in_crlf_or_lf() {
    List<Csv.Record> records = parse("id,tier\r\nacme,gold\nglobex,silver");
    assertThat(records).extracting(Csv.Record::fields)
        .containsExactly(List.of("id", "tier"), List.of("acme", "gold"), List.of("globex", "silver"));
    assertThat(records).extracting(Csv.Record::line).containsExactly(1, 2, 3);
  }

  @Test
  void quoted_fields_hold_commas_doubled_quotes_and_line_breaks() {
    List<Csv.Record> records = parse("id,note\r\n\"a,b\",\"say \"\"hi\"\"\"\r\nc,\"two\r\nlines\"\r\nd,\"\"\r\n");
    assertThat(records).extracting(Csv.Record::fields).containsExactly(
        List.of("id", "note"), List.of("a,b", "say \"hi\""), List.of("c", "two\r\nlines"), List.of("d", ""));
    assertThat(records.get(3).line()).isEqualTo(5); // the line break inside quotes counts
  }

  @Test
  void skips_empty_lines_and_a_byte_order_mark_and_keeps_empty_fields() {
    List<Csv.Record> records = parse("\uFEFFid,a,b\n\nx,,\n\n");
    assertThat(records).extracting(Csv.Record::fields)
        .containsExactly(List.of("id", "a", "b"), List.of("x", "", ""));
    assertThat(records.get(1).line()).isEqualTo(3);
  }

  @Test
  void names_the_line_of_a_quote_inside_an_unquoted_field() {
    assertThatThrownBy(() -> parse("id,a\nx,ab\"c\n"))
        .hasMessage("t.csv line 2: a quote inside an unquoted field (quote the whole field and write the quote as \"\")");
  }

  @Test
  void names_the_line_of_text_after_a_closing_quote() {
    assertThatThrownBy(() -> parse("id,a\n\"x\" ,b\n"))
        .hasMessageStartingWith("t.csv line 2: unexpected character after a closing quote");
  }

  @Test
  void names_the_line_where_an_unclosed_quote_starts() {
    assertThatThrownBy(() -> parse("id,a\nx,y\nz,\"open\nmore\nlines"))
        .hasMessage("t.csv line 3: a quoted field is not closed before the end of the file");
  }

  @Test
  void a_doubled_quote_after_a_closing_quote_is_an_escaped_quote_and_text_after_it_an_error() {
    assertThat(parse("\"a\"\"\"\n")).extracting(Csv.Record::fields).containsExactly(List.of("a\""));
    assertThatThrownBy(() -> parse("\"a\"\"\"b"))
        .hasMessageStartingWith("t.csv line 1: unexpected character after a closing quote");
  }
}
