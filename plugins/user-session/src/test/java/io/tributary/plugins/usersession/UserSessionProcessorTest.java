package io.tributary.plugins.usersession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import io.tributary.api.Item;
import io.tributary.api.Processor;
import io.tributary.api.ProcessorConfig;
import io.tributary.api.ProcessorContext;
import io.tributary.api.ProcessorDescriptor;
import io.tributary.runtime.Batch;
import io.tributary.runtime.BreakerSettings;
import io.tributary.runtime.CircuitBreaker;
import io.tributary.runtime.CompiledPipeline;
import io.tributary.runtime.FailurePolicy;
import io.tributary.runtime.PipelineCompiler;
import io.tributary.runtime.PipelineSpec;
import io.tributary.runtime.ProcessorRegistry;
import io.tributary.runtime.StageOutcome;
import io.tributary.runtime.StageSpec;
import io.tributary.testkit.ProcessorTester;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class UserSessionProcessorTest {

  private final ProcessorTester tester = ProcessorTester.of(new UserSessionProcessorFactory());
  private final ProcessorDescriptor descriptor = tester.descriptor();

  // ---------------------------------------------------------------- test doubles

  /** Answers after a delay, counting calls. */
  static final class SlowLookup implements IdentityLookup {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger interrupted = new AtomicInteger();
    final long delayMillis;

    SlowLookup(long delayMillis) {
      this.delayMillis = delayMillis;
    }

    @Override
    public Optional<Identity> lookup(String bearerToken) {
      calls.incrementAndGet();
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        Thread.currentThread().interrupt();
      }
      return Optional.of(Identity.of("slow-user", "slow-session"));
    }
  }

  /** Fails the first {@code failures} calls, then answers. */
  static final class FlakyLookup implements IdentityLookup {
    final AtomicInteger calls = new AtomicInteger();
    final int failures;

    FlakyLookup(int failures) {
      this.failures = failures;
    }

    @Override
    public Optional<Identity> lookup(String bearerToken) throws Exception {
      if (calls.incrementAndGet() <= failures) {
        throw new java.io.IOException("identity service unavailable");
      }
      return Optional.of(new Identity("u-" + bearerToken, "s-" + bearerToken, "t-" + bearerToken));
    }
  }

  /** A tester whose node offers {@code lookup} as its identity-lookup service. */
  private static ProcessorTester withLookup(IdentityLookup lookup) {
    return ProcessorTester.of(new UserSessionProcessorFactory()).withService(IdentityLookup.class, lookup);
  }

  private Processor create(Map<String, ?> config, IdentityLookup lookup) {
    return withLookup(lookup).create(config);
  }

  private static Item span(Map<String, Object> attributes) {
    Item item = Item.span();
    attributes.forEach(item.attributes()::putValue);
    return item;
  }

  /**
   * A compiler with its own breaker settings: the test kit runs with the node's defaults and
   * fails on the first failed item, so the breaker test drives the engine itself.
   */
  private static PipelineCompiler compiler(IdentityLookup lookup, BreakerSettings breaker) {
    return PipelineCompiler.builder(ProcessorRegistry.of(List.of(new UserSessionProcessorFactory())))
        .service(IdentityLookup.class, lookup)
        .breakerSettings(breaker)
        .enforceDeclaredWrites(true)
        .build();
  }

  private static String jwt(String payloadJson, String hmacKey) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString(
        ("{\"alg\":\"" + (hmacKey == null ? "none" : "HS256") + "\",\"typ\":\"JWT\"}")
            .getBytes(StandardCharsets.UTF_8));
    String signingInput = header + "." + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    if (hmacKey == null) {
      return signingInput + ".";
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(hmacKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  // ---------------------------------------------------------------- descriptor

  @Test
  void descriptor_examples_pass() {
    tester.verifyExamples();
  }

  @Test
  void descriptor_declares_what_it_writes_and_keeps_the_key_secret() {
    assertThat(descriptor.id()).isEqualTo("user-session");
    assertThat(descriptor.version()).isEqualTo("1.0.0");
    assertThat(descriptor.writes()).containsExactly("user.id", "session.id", "tenant.id");
    assertThat(descriptor.configField("pseudonymKey").isSecret()).isTrue();
    assertThat(descriptor.examples()).hasSizeGreaterThanOrEqualTo(3);
    assertThat(descriptor.config()).allSatisfy(f -> assertThat(f.doc()).isNotBlank());
  }

  // ---------------------------------------------------------------- attributes, cookies

  @Test
  void the_first_non_blank_source_attribute_wins() {
    Item item = span(Map.of("enduser.id", "  ", "http.request.header.x-user-id", List.of("", "carol")));
    tester.run(Map.of(), item);
    assertThat(item.attributes().getString("user.id")).isEqualTo("carol");
    assertThat(item.attributes().contains("session.id")).isFalse();
  }

  @Test
  void an_existing_user_id_is_kept_unless_overwrite_is_on() {
    Item kept = span(Map.of("user.id", "bob", "enduser.id", "alice", "session.id", "s1"));
    tester.run(Map.of("userKeys", List.of("enduser.id")), kept);
    assertThat(kept.attributes().getString("user.id")).isEqualTo("bob");

    Item replaced = span(Map.of("user.id", "bob", "enduser.id", "alice"));
    tester.run(Map.of("userKeys", List.of("enduser.id"), "overwrite", true), replaced);
    assertThat(replaced.attributes().getString("user.id")).isEqualTo("alice");
  }

  @Test
  void a_blank_user_id_counts_as_missing_but_a_non_string_one_is_kept() {
    Item blank = span(Map.of("user.id", " ", "enduser.id", "alice"));
    tester.run(Map.of(), blank);
    assertThat(blank.attributes().getString("user.id")).isEqualTo("alice");

    Item numeric = span(Map.of("user.id", 42L, "enduser.id", "alice"));
    tester.run(Map.of(), numeric);
    assertThat(numeric.attributes().getLong("user.id", 0)).isEqualTo(42L);
  }

  @Test
  void reads_the_named_session_cookie_only_when_configured() {
    Map<String, Object> attrs = Map.of("http.request.header.cookie", List.of("a=1", "theme=dark;  JSESSIONID = abc123 ; x=y"));
    Item off = span(attrs);
    tester.run(Map.of(), off);
    assertThat(off.attributes().contains("session.id")).isFalse();

    Item on = span(attrs);
    tester.run(Map.of("sessionCookie", "JSESSIONID"), on);
    assertThat(on.attributes().getString("session.id")).isEqualTo("abc123");
  }

  @Test
  void cookie_parsing_handles_quotes_prefixes_and_empty_values() {
    assertThat(UserSessionProcessor.cookieIn("SESSION=\"q\"", "SESSION")).isEqualTo("q");
    assertThat(UserSessionProcessor.cookieIn("XSESSION=no; SESSION=yes", "SESSION")).isEqualTo("yes");
    assertThat(UserSessionProcessor.cookieIn("SESSION=; other=1", "SESSION")).isNull();
    assertThat(UserSessionProcessor.cookieIn("garbage without equals", "SESSION")).isNull();
    assertThat(UserSessionProcessor.cookieIn("", "SESSION")).isNull();
  }

  @Test
  void pseudonymizes_the_derived_user_id_with_hmac_sha256() throws Exception {
    Item item = span(Map.of("enduser.id", "alice"));
    tester.run(Map.of("pseudonymize", true, "pseudonymKey", "example-key"), item);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("example-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    StringBuilder hex = new StringBuilder();
    for (byte b : mac.doFinal("alice".getBytes(StandardCharsets.UTF_8))) {
      hex.append(String.format("%02x", b));
    }
    assertThat(item.attributes().getString("user.id")).isEqualTo(hex.toString()).hasSize(64);
  }

  @Test
  void leaves_an_item_without_any_source_alone() {
    Item item = span(Map.of("http.route", "/cart", "authorization", "Basic dXNlcjpwYXNz"));
    Item before = item.copy();
    tester.run(Map.of(), item);
    assertThat(item).isEqualTo(before);
  }

  // ---------------------------------------------------------------- bad config

  @Test
  void refuses_pseudonymize_without_a_key_naming_the_key() {
    assertThatThrownBy(() -> tester.create(Map.of("pseudonymize", true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("config 'pseudonymKey': ");
    assertThatThrownBy(() -> tester.create(Map.of("pseudonymize", true, "pseudonymKey", "")))
        .hasMessageStartingWith("config 'pseudonymKey': ");
    assertThat(tester.create(Map.of("pseudonymKey", ""))).as("no key needed without pseudonymize")
        .isNotNull();
  }

  @Test
  void refuses_out_of_range_lookup_settings_naming_the_key() {
    assertThatThrownBy(() -> tester.create(Map.of("lookupTimeout", 0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lookupTimeout'");
    assertThat(tester.configProblems(Map.of("lookupTimeout", 10_001)))
        .singleElement(STRING).startsWith("lookupTimeout: ");
    assertThat(tester.configProblems(Map.of("lookupRetries", 9)))
        .singleElement(STRING).startsWith("lookupRetries: ");
    assertThat(tester.configProblems(Map.of("lookupRetries", -1)))
        .singleElement(STRING).startsWith("lookupRetries: ");
    assertThat(tester.configProblems(Map.of("lookupConcurrency", 0)))
        .singleElement(STRING).startsWith("lookupConcurrency: ");
    assertThat(tester.configProblems(Map.of("lookupConcurrency", 65)))
        .singleElement(STRING).startsWith("lookupConcurrency: ");
    assertThat(tester.configProblems(Map.of("lookupTimeout", 1, "lookupRetries", 0, "lookupConcurrency", 1)))
        .isEmpty();
    assertThat(tester.configProblems(Map.of("lookupTimeout", 10_000, "lookupRetries", 5, "lookupConcurrency", 64)))
        .isEmpty();
  }

  @Test
  void refuses_unusable_keys_and_cookie_names() {
    assertThatThrownBy(() -> tester.create(Map.of("userKeys", List.of("user id"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'userKeys'");
    for (String key : List.of("userKeys", "sessionKeys", "authorizationKeys")) {
      for (String bad : List.of("", "a b", "a\tb", "\u0000x", "x\n")) {
        assertThat(tester.configProblems(Map.of(key, List.of("ok", bad))))
            .as(key + " [" + bad + "]").singleElement(STRING).startsWith(key + ": ");
      }
    }
    assertThat(tester.configProblems(Map.of("cookieKey", "http request cookie")))
        .singleElement(STRING).startsWith("cookieKey: ");
    assertThat(tester.configProblems(Map.of("userKeys", List.of("enduser.id", "x-é"),
        "cookieKey", "http.request.header.cookie"))).isEmpty();
    assertThatThrownBy(() -> tester.create(Map.of("sessionCookie", "a;b")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sessionCookie'");
    for (String bad : List.of("", " ", "a b", "a=b", "a,b", "\"q\"", "sé")) {
      assertThat(tester.configProblems(Map.of("sessionCookie", bad)))
          .as(bad).singleElement(STRING).startsWith("sessionCookie: ");
    }
    assertThat(tester.configProblems(Map.of("sessionCookie", "__Host-SESSION!#$%&'*+.^_`|~"))).isEmpty();
  }

  // ---------------------------------------------------------------- default JWT reader

  @Test
  void the_default_reads_claims_from_an_hs256_signed_token_without_verifying_it() throws Exception {
    String token = jwt("{\"iss\":\"https://id.example\",\"sub\":\"user-7\",\"session_id\":\"sess-1\","
        + "\"tid\":\"globex\",\"exp\":1700000000,\"roles\":[\"a\",{\"sub\":\"nested\"}]}", "some-secret");
    Item item = span(Map.of("authorization", "bearer " + token));
    tester.run(Map.of("writeTenant", true), item);
    assertThat(item.attributes().getString("user.id")).isEqualTo("user-7");
    assertThat(item.attributes().getString("session.id")).isEqualTo("sess-1");
    assertThat(item.attributes().getString("tenant.id")).isEqualTo("globex");
  }

  @Test
  void claim_names_are_configurable() throws Exception {
    String token = jwt("{\"sub\":\"service-account\",\"email\":\"dana@example.com\",\"sid\":\"s\"}", null);
    Item item = span(Map.of("authorization", "Bearer " + token));
    tester.run(Map.of("userClaims", List.of("email", "sub"), "sessionClaims", List.of()), item);
    assertThat(item.attributes().getString("user.id")).isEqualTo("dana@example.com");
    assertThat(item.attributes().contains("session.id")).isFalse();
  }

  @Test
  void json_claims_handle_escapes_numbers_and_nesting() {
    assertThat(JsonFields.topLevelScalars("{\"sub\":\"a\\\"b\\u0041\\n\",\"n\":-12.5e3,\"o\":{\"x\":[1,\"}\"]},\"z\":null}"))
        .containsEntry("sub", "a\"bA\n")
        .containsEntry("n", "-12.5e3")
        .doesNotContainKeys("o", "x", "z");
  }

  @Test
  void malformed_tokens_yield_nothing_and_never_throw() throws Exception {
    JwtClaimsLookup jwt = new JwtClaimsLookup();
    String payloadArray = Base64.getUrlEncoder().withoutPadding().encodeToString("[1,2]".getBytes(StandardCharsets.UTF_8));
    String truncated = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"x".getBytes(StandardCharsets.UTF_8));
    String trailing = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"x\"} junk".getBytes(StandardCharsets.UTF_8));
    for (String token : List.of("abc", "a.b", "a.b.c.d", ".x.", "h.%%%.s", "h." + payloadArray + ".s",
        "h." + truncated + ".s", "h." + trailing + ".s", "h.e30.s", "h." + "A".repeat(20_000) + ".s")) {
      assertThat(jwt.lookup(token)).as(token).isEmpty();
    }
    Item item = span(Map.of("authorization", "Bearer not.a.jwt"));
    Item before = item.copy();
    tester.run(Map.of(), item);
    assertThat(item).isEqualTo(before);
  }

  @Test
  void a_numeric_subject_is_read_as_text() throws Exception {
    assertThat(new JwtClaimsLookup().lookup(jwt("{\"sub\":12345}", null)))
        .contains(new Identity("12345", null, null));
  }

  // ---------------------------------------------------------------- identity-lookup service

  @Test
  void a_slow_lookup_is_cut_off_at_the_budget_and_not_retried() {
    SlowLookup slow = new SlowLookup(5_000);
    Item item = span(Map.of("authorization", "Bearer opaque-token"));
    Item before = item.copy();
    long start = System.nanoTime();

    // The item fails at the stage: the test kit reports the stage's failure.
    assertThatThrownBy(() -> withLookup(slow).run(Map.of("lookupTimeout", 50, "lookupRetries", 2), item))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("lookupTimeout");

    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(tookMillis).isLessThan(1_000);
    assertThat(item).isEqualTo(before);
    assertThat(slow.calls.get()).isEqualTo(1);
  }

  @Test
  void the_time_an_item_can_wait_is_bounded_by_budget_times_attempts() {
    // Fails slowly: each attempt takes 30 ms of a 1 s budget, then throws; 3 attempts in all.
    AtomicInteger calls = new AtomicInteger();
    IdentityLookup slowFailure = token -> {
      calls.incrementAndGet();
      Thread.sleep(30);
      throw new IllegalStateException("boom");
    };
    Processor processor = create(Map.of("lookupTimeout", 1_000, "lookupRetries", 2), slowFailure);
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> processor.process(span(Map.of("authorization", "Bearer t"))))
          .hasMessageContaining("failed after 3 attempts").hasMessageContaining("boom");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3 * 1_000);
      assertThat(calls.get()).isEqualTo(3);
    } finally {
      processor.close();
    }
  }

  @Test
  void a_flaky_lookup_succeeds_on_retry() {
    FlakyLookup flaky = new FlakyLookup(1);
    Item item = span(Map.of("http.request.header.authorization", List.of("Bearer tok")));

    withLookup(flaky).run(Map.of("lookupRetries", 1, "writeTenant", true), item);

    assertThat(item.attributes().getString("user.id")).isEqualTo("u-tok");
    assertThat(item.attributes().getString("session.id")).isEqualTo("s-tok");
    assertThat(item.attributes().getString("tenant.id")).isEqualTo("t-tok");
    assertThat(flaky.calls.get()).isEqualTo(2);
  }

  @Test
  void a_failing_lookup_fails_the_item_and_leaves_it_unchanged() {
    FlakyLookup failing = new FlakyLookup(Integer.MAX_VALUE);
    Item item = span(Map.of("enduser.id", "alice", "authorization", "Bearer t"));
    Item before = item.copy();

    assertThatThrownBy(() -> withLookup(failing).run(Map.of("lookupRetries", 1), item))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("failed after 2 attempts")
        .hasMessageContaining("identity service unavailable");

    assertThat(item).isEqualTo(before); // no user.id from enduser.id either
    assertThat(failing.calls.get()).isEqualTo(2);
  }

  @Test
  void a_failing_lookup_leaves_items_unchanged_and_opens_the_breaker() {
    FlakyLookup failing = new FlakyLookup(Integer.MAX_VALUE);
    BreakerSettings breaker = new BreakerSettings(3, 1.0, 1000, Duration.ofSeconds(10), Duration.ofMinutes(5));
    StageSpec stage = StageSpec.of("user-session", Map.of("lookupRetries", 1))
        .withFailurePolicy(FailurePolicy.SKIP);
    try (CompiledPipeline pipeline = compiler(failing, breaker).compile("test", 1, PipelineSpec.of(stage))) {
      List<Item> items = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        items.add(span(Map.of("enduser.id", "alice", "authorization", "Bearer t" + i)));
      }
      List<Item> before = items.stream().map(Item::copy).toList();
      Batch batch = Batch.of(items);
      pipeline.run(batch);

      for (int i = 0; i < 3; i++) {
        assertThat(batch.outcome(i, 0)).isEqualTo(StageOutcome.FAILED);
      }
      assertThat(batch.outcome(3, 0)).isEqualTo(StageOutcome.SKIPPED);
      assertThat(batch.outcome(4, 0)).isEqualTo(StageOutcome.SKIPPED);
      assertThat(items).isEqualTo(before); // user.id from enduser.id was rolled back too
      assertThat(pipeline.stages().get(0).breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(pipeline.stages().get(0).breaker().lastFailure())
          .contains("failed after 2 attempts").contains("identity service unavailable");
      assertThat(failing.calls.get()).isEqualTo(3 * 2);
    }
  }

  @Test
  void the_service_is_not_called_when_attributes_already_say_everything() {
    FlakyLookup lookup = new FlakyLookup(0);
    Item item = span(Map.of("enduser.id", "alice", "session.id", "s1", "authorization", "Bearer t"));
    withLookup(lookup).run(Map.of(), item);
    assertThat(item.attributes().getString("user.id")).isEqualTo("alice");
    assertThat(lookup.calls.get()).isZero();
  }

  @Test
  void an_empty_answer_is_not_a_failure() {
    Item item = span(Map.of("authorization", "Bearer unknown"));
    Item before = item.copy();
    withLookup(token -> Optional.empty()).run(Map.of(), item);
    assertThat(item).isEqualTo(before);
  }

  @Test
  void a_timed_out_lookup_is_interrupted() throws Exception {
    SlowLookup slow = new SlowLookup(10_000);
    Processor processor = create(Map.of("lookupTimeout", 20), slow);
    try {
      assertThatThrownBy(() -> processor.process(span(Map.of("authorization", "Bearer t"))))
          .hasMessageContaining("lookupTimeout");
      await(() -> slow.interrupted.get() == 1);
    } finally {
      processor.close();
    }
  }

  @Test
  void close_stops_the_lookup_threads() throws Exception {
    // The tester names every stage after the processor; this stage gets a name of its own, so
    // lookup threads other tests leave behind cannot be counted here.
    ProcessorContext context = withLookup(new FlakyLookup(0)).context(Map.of());
    Processor processor = new UserSessionProcessorFactory().create(renamed(context, "close-check"));
    processor.process(span(Map.of("authorization", "Bearer t")));
    assertThat(lookupThreads("close-check")).isPositive();
    processor.close();
    await(() -> lookupThreads("close-check") == 0);
  }

  /** {@code context} with another stage name. */
  private static ProcessorContext renamed(ProcessorContext context, String stageName) {
    return new ProcessorContext() {
      @Override
      public String environment() {
        return context.environment();
      }

      @Override
      public String stageName() {
        return stageName;
      }

      @Override
      public ProcessorConfig config() {
        return context.config();
      }

      @Override
      public <T> Optional<T> service(Class<T> type) {
        return context.service(type);
      }

      @Override
      public byte[] readFile(String name) {
        return context.readFile(name);
      }

      @Override
      public String fileStamp(String name) {
        return context.fileStamp(name);
      }
    };
  }

  private static long lookupThreads(String stage) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("user-session-lookup-" + stage + "-"))
        .count();
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void concurrent_items_each_get_their_own_identity() throws Exception {
    IdentityLookup echo = token -> {
      Thread.sleep(1);
      return Optional.of(Identity.of(token, "s-" + token));
    };
    Processor processor = create(Map.of("lookupTimeout", 2_000, "lookupConcurrency", 4,
        "pseudonymize", true, "pseudonymKey", "k"), echo);
    Hmac expected = new Hmac("k");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 50; i++) {
            String token = "tok-" + thread + "-" + i;
            Item item = span(Map.of("authorization", "Bearer " + token));
            processor.process(item);
            if (!expected.hex(token).equals(item.attributes().getString("user.id"))
                || !("s-" + token).equals(item.attributes().getString("session.id"))) {
              return false;
            }
          }
          return true;
        }));
      }
      start.countDown();
      for (Future<Boolean> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
      processor.close();
    }
  }
}
