package io.tributary.plugins.attributes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.api.Attributes;
import io.tributary.plugins.attributes.Action.Condition;
import io.tributary.plugins.attributes.Action.Ref;
import io.tributary.plugins.attributes.Action.Scope;
import io.tributary.plugins.attributes.Action.Verb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionParserTest {

  private static Action parse(String text) {
    return ActionParser.parse(text, 0, Scope.ATTRIBUTES);
  }

  private static void assertProblem(String text, String message) {
    assertThatThrownBy(() -> ActionParser.parse(text, 3, Scope.ATTRIBUTES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("config 'actions[3]': " + message);
  }

  // ---------------------------------------------------------------- every action

  @Test
  void parses_insert_update_and_upsert() {
    for (Verb verb : new Verb[] {Verb.INSERT, Verb.UPDATE, Verb.UPSERT}) {
      Action a = parse(verb.word() + " team=checkout");
      assertThat(a.verb).isEqualTo(verb);
      assertThat(a.ref).isEqualTo(new Ref(Scope.ATTRIBUTES, "team"));
      assertThat(a.value.value()).isEqualTo("checkout");
      assertThat(a.to).isNull();
      assertThat(a.condition).isNull();
    }
  }

  @Test
  void parses_rename_and_copy_with_or_without_spaces_around_the_arrow() {
    Action rename = parse("rename http.method -> http.request.method");
    assertThat(rename.verb).isEqualTo(Verb.RENAME);
    assertThat(rename.ref.key()).isEqualTo("http.method");
    assertThat(rename.to.key()).isEqualTo("http.request.method");

    Action copy = parse("copy user.id->enduser.id");
    assertThat(copy.verb).isEqualTo(Verb.COPY);
    assertThat(copy.ref.key()).isEqualTo("user.id");
    assertThat(copy.to.key()).isEqualTo("enduser.id");
  }

  @Test
  void parses_delete_and_hash() {
    assertThat(parse("delete password").verb).isEqualTo(Verb.DELETE);
    Action hash = parse("  hash   user.email  ");
    assertThat(hash.verb).isEqualTo(Verb.HASH);
    assertThat(hash.ref.key()).isEqualTo("user.email");
  }

  @Test
  void spaces_around_the_equals_sign_are_optional() {
    assertThat(parse("insert team = checkout").value.value()).isEqualTo("checkout");
    assertThat(parse("insert team= checkout").value.value()).isEqualTo("checkout");
    assertThat(parse("insert team =checkout").value.value()).isEqualTo("checkout");
  }

  @Test
  void a_bare_value_may_contain_equals_signs_and_colons() {
    assertThat(parse("upsert link=https://x.example/?a=b").value.value()).isEqualTo("https://x.example/?a=b");
  }

  // ---------------------------------------------------------------- values and quoting

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "upsert k=42          | LONG    | 42",
      "upsert k=-7          | LONG    | -7",
      "upsert k=4.5         | DOUBLE  | 4.5",
      "upsert k=1e3         | DOUBLE  | 1000.0",
      "upsert k=true        | BOOLEAN | true",
      "upsert k=false       | BOOLEAN | false",
      "upsert k=checkout    | STRING  | checkout",
      "upsert k=NaN         | STRING  | NaN",
      "upsert k=0x10        | STRING  | 0x10",
      "upsert k=99999999999999999999 | STRING | 99999999999999999999",
      "upsert k=\"42\"      | STRING  | 42",
      "upsert k=\"true\"    | STRING  | true",
  })
  void values_are_typed(String text, Attributes.Type type, String rendered) {
    Literal value = parse(text).value;
    assertThat(value.type()).isEqualTo(type);
    assertThat(String.valueOf(value.value())).isEqualTo(rendered);
  }

  @Test
  void quoted_strings_keep_spaces_and_unescape() {
    assertThat(parse("upsert note=\"a \\\"b\\\" \\\\ c if x exists\"").value.value())
        .isEqualTo("a \"b\" \\ c if x exists");
    assertThat(parse("upsert k=\"\"").value.value()).isEqualTo("");
  }

  @Test
  void quoted_keys_may_hold_spaces() {
    Action a = parse("rename \"odd key\" -> \"other key\"");
    assertThat(a.ref.key()).isEqualTo("odd key");
    assertThat(a.to.key()).isEqualTo("other key");
    assertThat(parse("insert \"a b\"=1").ref.key()).isEqualTo("a b");
  }

  // ---------------------------------------------------------------- scopes

  @Test
  void scope_prefixes_choose_the_attribute_map() {
    Action copy = parse("copy resource:service.name -> service.name");
    assertThat(copy.ref).isEqualTo(new Ref(Scope.RESOURCE, "service.name"));
    assertThat(copy.to).isEqualTo(new Ref(Scope.ATTRIBUTES, "service.name"));

    Action inResource = ActionParser.parse("delete attributes:debug", 0, Scope.RESOURCE);
    assertThat(inResource.ref).isEqualTo(new Ref(Scope.ATTRIBUTES, "debug"));
    assertThat(ActionParser.parse("delete debug", 0, Scope.RESOURCE).ref.scope()).isEqualTo(Scope.RESOURCE);
  }

  // ---------------------------------------------------------------- every condition

  @Test
  void parses_every_condition() {
    assertThat(parse("delete k if a exists").condition.op()).isEqualTo(Condition.Op.EXISTS);
    assertThat(parse("delete k if a missing").condition.op()).isEqualTo(Condition.Op.MISSING);

    Condition eq = parse("delete k if http.response.status_code == 500").condition;
    assertThat(eq.op()).isEqualTo(Condition.Op.EQUALS);
    assertThat(eq.ref().key()).isEqualTo("http.response.status_code");
    assertThat(eq.value().value()).isEqualTo(500L);

    Condition ne = parse("delete k if env!=\"prod\"").condition;
    assertThat(ne.op()).isEqualTo(Condition.Op.NOT_EQUALS);
    assertThat(ne.ref().key()).isEqualTo("env");
    assertThat(ne.value().value()).isEqualTo("prod");

    Condition sw = parse("delete k if url.path startswith \"/internal /\"").condition;
    assertThat(sw.op()).isEqualTo(Condition.Op.STARTS_WITH);
    assertThat(sw.value().value()).isEqualTo("/internal /");

    Condition scoped = parse("insert k=1 if resource:service.name==cart").condition;
    assertThat(scoped.ref()).isEqualTo(new Ref(Scope.RESOURCE, "service.name"));
    assertThat(scoped.value().value()).isEqualTo("cart");
  }

  @Test
  void a_startswith_prefix_is_text_even_when_it_looks_like_a_number() {
    assertThat(parse("delete k if code startswith 42").condition.value().value()).isEqualTo("42");
  }

  // ---------------------------------------------------------------- bad syntax

  @Test
  void names_an_unknown_action_and_suggests_the_closest() {
    assertProblem("uspert tier=gold", "unknown action 'uspert'; did you mean 'upsert'?");
    assertProblem("frobnicate x", "unknown action 'frobnicate' (use one of insert, update, upsert, rename, copy, delete, hash)");
    assertProblem("INSERT a=1", "unknown action 'INSERT' (actions are lowercase: 'insert')");
  }

  @Test
  void reports_missing_parts_of_an_action() {
    assertProblem("", "empty action (use one of insert, update, upsert, rename, copy, delete, hash)");
    assertProblem("   ", "empty action (use one of insert, update, upsert, rename, copy, delete, hash)");
    assertProblem("insert", "insert needs 'key=value', found nothing");
    assertProblem("insert team", "insert needs 'key=value', found nothing");
    assertProblem("upsert team checkout", "upsert needs 'key=value', found 'checkout'");
    assertProblem("update =x", "update needs 'key=value', but the key is missing");
    assertProblem("insert team=", "insert needs a value after '='");
    assertProblem("rename a", "rename needs 'from -> to', found nothing");
    assertProblem("copy a b", "copy needs 'from -> to', found 'b'");
    assertProblem("copy a ->", "copy needs 'from -> to', found nothing");
    assertProblem("rename a -> a", "rename from 'a' to itself does nothing");
    assertProblem("delete", "delete needs a key, found nothing");
    assertProblem("delete resource:", "empty key after 'resource:'");
  }

  @Test
  void reports_quoting_mistakes() {
    assertProblem("upsert k=\"open", "unterminated quoted string starting at column 10");
    assertProblem("upsert k=\"a\\", "unterminated quoted string starting at column 10");
    assertProblem("upsert k=\"a\\n\"", "unknown escape '\\n' in a quoted string (use \\\" or \\\\)");
    assertProblem("upsert k=ab\"c\"", "a quote inside the word 'ab…': quote the whole value");
    assertProblem("upsert k=\"a\"b", "unexpected 'b' right after a closing quote");
  }

  @Test
  void reports_bad_conditions() {
    assertProblem("delete a b", "unexpected 'b' after the action (a condition starts with 'if')");
    assertProblem("delete a if", "'if' needs a condition: <key> exists | missing | == | != | startswith");
    assertProblem("delete a if b", "condition on 'b' needs an operator (exists, missing, ==, !=, startswith)");
    assertProblem("delete a if b contains c", "unknown condition operator 'contains' (use exists, missing, ==, !=, startswith)");
    assertProblem("delete a if b ==", "'==' needs a value");
    assertProblem("delete a if b != ", "'!=' needs a value");
    assertProblem("delete a if b startswith", "'startswith' needs a prefix");
    assertProblem("delete a if b exists and c exists", "unexpected 'and' after the condition");
    assertProblem("delete a if ==x", "condition needs a key before '==x'");
  }
}
