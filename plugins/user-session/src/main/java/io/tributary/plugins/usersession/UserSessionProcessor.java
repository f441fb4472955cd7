package io.tributary.plugins.usersession;

import io.tributary.api.Attributes;
import io.tributary.api.Item;
import io.tributary.api.Processor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** Derives {@code user.id}, {@code session.id} and optionally {@code tenant.id}. Thread-safe. */
final class UserSessionProcessor implements Processor {

  static final String USER_ID = "user.id";
  static final String SESSION_ID = "session.id";
  static final String TENANT_ID = "tenant.id";

  /** Everything the processor needs, parsed and checked by the factory. */
  record Settings(
      List<String> userKeys,
      List<String> sessionKeys,
      String cookieKey,
      String sessionCookie,
      List<String> authorizationKeys,
      boolean overwrite,
      boolean writeTenant,
      String pseudonymKey,
      long lookupTimeoutMillis,
      int lookupRetries,
      int lookupConcurrency) {}

  private final String[] userKeys;
  private final String[] sessionKeys;
  private final String cookieKey;
  private final String sessionCookie;
  private final String[] authorizationKeys;
  private final boolean overwrite;
  private final boolean writeTenant;
  private final Hmac pseudonymizer;
  private final IdentityLookup lookup;
  private final long timeoutMillis;
  private final int attempts;
  /** Runs blocking lookups; null when the lookup never blocks. */
  private final ThreadPoolExecutor executor;

  UserSessionProcessor(Settings s, IdentityLookup lookup, String stageName) {
    this.userKeys = s.userKeys().toArray(new String[0]);
    this.sessionKeys = s.sessionKeys().toArray(new String[0]);
    this.cookieKey = s.cookieKey();
    this.sessionCookie = s.sessionCookie();
    this.authorizationKeys = s.authorizationKeys().toArray(new String[0]);
    this.overwrite = s.overwrite();
    this.writeTenant = s.writeTenant();
    this.pseudonymizer = s.pseudonymKey() == null ? null : new Hmac(s.pseudonymKey());
    this.lookup = lookup;
    this.timeoutMillis = s.lookupTimeoutMillis();
    this.attempts = s.lookupRetries() + 1;
    this.executor = lookup.mayBlock() ? newExecutor(s.lookupConcurrency(), stageName) : null;
  }

  private static ThreadPoolExecutor newExecutor(int threads, String stageName) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "user-session-lookup-" + stageName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    // Bounded on both sides: a stuck identity service can occupy at most `threads` threads, and
    // once the queue is full further lookups fail at once instead of waiting.
    ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(threads * 16), factory, new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  @Override
  public void process(Item item) {
    Attributes a = item.attributes();
    boolean needUser = overwrite || isUnset(a, USER_ID);
    boolean needSession = overwrite || isUnset(a, SESSION_ID);
    boolean needTenant = writeTenant && (overwrite || isUnset(a, TENANT_ID));
    if (!needUser && !needSession && !needTenant) {
      return;
    }
    String user = needUser ? firstNonBlank(a, userKeys) : null;
    String session = needSession ? firstNonBlank(a, sessionKeys) : null;
    if (needSession && session == null && sessionCookie != null) {
      session = cookie(a, cookieKey, sessionCookie);
    }
    String tenant = null;
    if ((needUser && user == null) || (needSession && session == null) || needTenant) {
      String token = bearerToken(a);
      if (token != null) {
        Identity identity = resolve(token);
        if (identity != null) {
          user = user != null || !needUser ? user : blankToNull(identity.userId());
          session = session != null || !needSession ? session : blankToNull(identity.sessionId());
          tenant = needTenant ? blankToNull(identity.tenantId()) : null;
        }
      }
    }
    if (user != null) {
      a.put(USER_ID, pseudonymizer == null ? user : pseudonymizer.hex(user));
    }
    if (session != null) {
      a.put(SESSION_ID, session);
    }
    if (tenant != null) {
      a.put(TENANT_ID, tenant);
    }
  }

  /**
   * Resolves a token within the time budget: each attempt may take up to lookupTimeout; a failed
   * attempt is retried up to lookupRetries times, a timed-out one is not. Throws when it gives up.
   */
  private Identity resolve(String token) {
    for (int attempt = 1; ; attempt++) {
      Throwable failure;
      if (executor == null) {
        try {
          return unwrap(lookup.lookup(token));
        } catch (Exception e) {
          failure = e;
        }
      } else {
        Future<Optional<Identity>> call;
        try {
          call = executor.submit(() -> lookup.lookup(token));
        } catch (RejectedExecutionException e) {
          throw new IdentityLookupException("identity lookup refused: all "
              + executor.getMaximumPoolSize() + " lookup threads are busy and the queue is full", e);
        }
        try {
          return unwrap(call.get(timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
          call.cancel(true);
          throw new IdentityLookupException(
              "identity lookup took longer than lookupTimeout (" + timeoutMillis + " ms)", null);
        } catch (InterruptedException e) {
          call.cancel(true);
          Thread.currentThread().interrupt();
          throw new IdentityLookupException("interrupted while waiting for the identity lookup", e);
        } catch (ExecutionException e) {
          failure = e.getCause();
        }
      }
      if (attempt >= attempts) {
        throw new IdentityLookupException("identity lookup failed after " + attempts
            + (attempts == 1 ? " attempt: " : " attempts: ") + failure, failure);
      }
    }
  }

  private static Identity unwrap(Optional<Identity> result) {
    return result == null ? null : result.orElse(null);
  }

  /** Absent, or a blank string: anything else set there counts as set. */
  private static boolean isUnset(Attributes a, String key) {
    int i = a.indexOf(key);
    if (i < 0) {
      return true;
    }
    String s = a.stringAt(i);
    return s != null && s.isBlank();
  }

  private static String firstNonBlank(Attributes a, String[] keys) {
    for (String key : keys) {
      String value = text(a, key);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  /**
   * The trimmed text of a string attribute, or of the first non-blank string element of an array
   * attribute (HTTP header attributes are string arrays in OpenTelemetry); null otherwise.
   */
  static String text(Attributes a, String key) {
    int i = a.indexOf(key);
    if (i < 0) {
      return null;
    }
    switch (a.typeAt(i)) {
      case STRING:
        return blankToNull(a.stringAt(i).trim());
      case ARRAY:
        for (Object element : (List<?>) a.valueAt(i)) {
          if (element instanceof String && !((String) element).isBlank()) {
            return ((String) element).trim();
          }
        }
        return null;
      default:
        return null;
    }
  }

  private String bearerToken(Attributes a) {
    for (String key : authorizationKeys) {
      String value = text(a, key);
      if (value != null && value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String token = value.substring(7).trim();
        if (!token.isEmpty()) {
          return token;
        }
      }
    }
    return null;
  }

  /** The value of cookie {@code name} in a {@code Cookie} header ({@code a=1; b="2"}), or null. */
  static String cookie(Attributes a, String key, String name) {
    int i = a.indexOf(key);
    if (i < 0) {
      return null;
    }
    if (a.typeAt(i) == Attributes.Type.STRING) {
      return cookieIn(a.stringAt(i), name);
    }
    if (a.typeAt(i) == Attributes.Type.ARRAY) {
      for (Object header : (List<?>) a.valueAt(i)) {
        String found = header instanceof String ? cookieIn((String) header, name) : null;
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  static String cookieIn(String header, String name) {
    int pos = 0;
    int n = header.length();
    while (pos < n) {
      int end = header.indexOf(';', pos);
      if (end < 0) {
        end = n;
      }
      int eq = header.indexOf('=', pos);
      if (eq > pos && eq < end) {
        int ks = skipSpace(header, pos, eq);
        int ke = trimEnd(header, ks, eq);
        if (ke - ks == name.length() && header.regionMatches(ks, name, 0, name.length())) {
          int vs = skipSpace(header, eq + 1, end);
          int ve = trimEnd(header, vs, end);
          if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
            vs++;
            ve--;
          }
          return ve > vs ? header.substring(vs, ve) : null;
        }
      }
      pos = end + 1;
    }
    return null;
  }

  private static int skipSpace(String s, int from, int to) {
    while (from < to && s.charAt(from) == ' ') {
      from++;
    }
    return from;
  }

  private static int trimEnd(String s, int from, int to) {
    while (to > from && s.charAt(to - 1) == ' ') {
      to--;
    }
    return to;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /** The identity lookup failed or ran out of time: the stage's failure policy applies. */
  static final class IdentityLookupException extends RuntimeException {
    IdentityLookupException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
