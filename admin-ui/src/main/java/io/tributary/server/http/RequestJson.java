package io.tributary.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.json.JavalinJackson;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The admin API's one Jackson mapper: strict on what it reads, so a malformed or hostile body is
 * the client's mistake (400 naming the problem), never a server error.
 *
 * <p>Reading refuses duplicate keys (two {@code "role"} keys must not mean whichever came last),
 * nesting deeper than {@link #MAX_NESTING_DEPTH}, over-long numbers, and in typed binding,
 * coercions (a float or a string where an integer belongs) and integers out of the target's range.
 */
public final class RequestJson {

  /** How deep a request body may nest: far more than any pipeline or sample item needs. */
  public static final int MAX_NESTING_DEPTH = 64;
  /** The longest number literal read (digits and exponent). */
  public static final int MAX_NUMBER_LENGTH = 100;

  private static final ObjectMapper MAPPER = strict(JavalinJackson.defaultMapper());

  private static ObjectMapper strict(ObjectMapper mapper) {
    mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING_DEPTH)
        .maxNumberLength(MAX_NUMBER_LENGTH)
        .build());
    return mapper
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }

  private RequestJson() {}

  /** The mapper to hand to Javalin, so {@code ctx.json(...)} and request parsing share it. */
  public static JavalinJackson javalinMapper() {
    return new JavalinJackson(MAPPER, false);
  }

  /**
   * Parses a request body.
   *
   * @throws ApiException 400 naming the problem (and the field, where there is one) if the text is
   *     not acceptable JSON for {@code type}
   */
  static <T> T read(String text, Class<T> type) {
    try {
      return MAPPER.readValue(text, type);
    } catch (JacksonException e) {
      throw ApiException.badRequest(describe(e));
    }
  }

  /** One line for people: what is wrong, where, without Jackson's class names or the body's echo. */
  static String describe(JacksonException e) {
    String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
        ? m.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining(".")).replace(".[", "[")
        : null;
    String what;
    if (e instanceof StreamConstraintsException) {
      what = e.getOriginalMessage().toLowerCase(Locale.ROOT).contains("nesting")
          ? "The body nests deeper than " + MAX_NESTING_DEPTH + " levels"
          : "The body has a value beyond the allowed size: " + firstSentence(e.getOriginalMessage());
    } else if (e instanceof InputCoercionException || e.getCause() instanceof InputCoercionException) {
      what = "A number is out of range for its field";
    } else if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
      what = "The body has a duplicate key: " + e.getOriginalMessage().substring("Duplicate field ".length());
    } else if (e instanceof MismatchedInputException m && String.valueOf(m.getOriginalMessage()).startsWith("Trailing token")) {
      what = "The body has more after its JSON value";
    } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      what = "expected " + expected(m.getTargetType());
    } else if (e instanceof JsonMappingException) {
      // Jackson's own words would name our classes: say what is wrong, not how we bind it.
      what = "The body does not have the expected shape";
    } else {
      what = "The body is not valid JSON: " + firstSentence(e.getOriginalMessage());
    }
    String at = e.getLocation() == null ? ""
        : " (at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
    return (field == null ? what : "'" + field + "': " + what) + at;
  }

  private static String expected(Class<?> type) {
    if (type == int.class || type == long.class || type == short.class || type == Integer.class
        || type == Long.class || type == Short.class || type == java.math.BigInteger.class) {
      return "an integer";
    }
    if (type == double.class || type == float.class || Number.class.isAssignableFrom(type)) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (CharSequence.class.isAssignableFrom(type) || type.isEnum()) {
      return "a string";
    }
    if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  private static String firstSentence(String message) {
    // Jackson quotes what it saw; control characters (a raw NUL) are shown by code, never echoed.
    return message == null ? "unreadable" : ApiErrors.oneLine(message.lines().findFirst().orElse(""));
  }
}
