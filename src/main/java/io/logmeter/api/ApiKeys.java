package io.logmeter.api;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Bearer API keys with scopes. Only SHA-256 hashes of the keys are configured, as
 * {@code name:scope+scope:hex-sha256} entries separated by commas; a presented key is hashed and
 * compared with every configured hash in constant time, so neither the match nor its position
 * leaks through timing.
 */
public final class ApiKeys {

  public static final String USAGE_READ = "usage:read";
  public static final String LOGS_READ = "logs:read";
  public static final String LOGS_WRITE = "logs:write";
  private static final Set<String> SCOPES = Set.of(USAGE_READ, LOGS_READ, LOGS_WRITE);

  private record Key(String name, Set<String> scopes, byte[] hash) {
  }

  private final List<Key> keys;
  private final boolean disabled;

  private ApiKeys(List<Key> keys, boolean disabled) {
    this.keys = keys;
    this.disabled = disabled;
  }

  /**
   * @param configured the LOGMETER_API_KEYS value, or null
   * @param disabled   authentication explicitly switched off (local mode, or an operator's choice)
   * @throws IllegalArgumentException on a malformed entry, or when there is no key and auth is on
   */
  public static ApiKeys from(String configured, boolean disabled) {
    List<Key> keys = new ArrayList<>();
    if (configured != null) {
      String[] entries = configured.split(",");
      for (int i = 0; i < entries.length; i++) {
        if (entries[i].isBlank()) {
          continue;
        }
        // Scopes contain colons themselves: the name ends at the first colon, the hash follows the last.
        String trimmed = entries[i].trim();
        int first = trimmed.indexOf(':');
        int last = trimmed.lastIndexOf(':');
        String hash = trimmed.substring(last + 1);
        // An entry without its separators may be a key pasted whole: never repeat it in a message.
        if (first < 1 || last <= first + 1 || !hash.matches("[0-9a-fA-F]{64}")) {
          throw new IllegalArgumentException("API key entry " + (i + 1) + " is not name:scope+scope:sha256hex "
              + "(64 hexadecimal digits); the entry itself is not repeated here, in case it is a secret");
        }
        String name = trimmed.substring(0, first);
        List<String> listed = List.of(trimmed.substring(first + 1, last).split("\\+", -1));
        Set<String> scopes = new java.util.HashSet<>(listed);
        if (!SCOPES.containsAll(scopes) || scopes.size() < listed.size()) {
          throw new IllegalArgumentException("API key " + name + " lists an unknown, empty or repeated scope; known: "
              + SCOPES + ", joined with +");
        }
        keys.add(new Key(name, Set.copyOf(scopes), HexFormat.of().parseHex(hash.toLowerCase(Locale.ROOT))));
      }
    }
    if (keys.isEmpty() && !disabled) {
      throw new IllegalArgumentException("no API keys configured: set LOGMETER_API_KEYS, or "
          + "LOGMETER_AUTH_DISABLED=true to run without authentication");
    }
    return new ApiKeys(List.copyOf(keys), disabled);
  }

  public boolean disabled() {
    return disabled;
  }

  /** A route handler that lets the request through only with a key that has {@code scope}. */
  public Handler<RoutingContext> require(String scope) {
    return ctx -> {
      ApiError refusal = refusal(ctx.request().getHeader("Authorization"), scope);
      if (refusal == null) {
        ctx.next();
        return;
      }
      if (refusal.status() == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"logmeter\"");
      }
      ApiError.send(ctx, refusal);
    };
  }

  /** Why a request with this {@code Authorization} header (or null) may not use {@code scope}; null if it may. */
  ApiError refusal(String authorization, String scope) {
    if (disabled) {
      return null;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() == 7) {
      return new ApiError(401, "unauthorized", "a bearer API key is required");
    }
    Key key = match(authorization.substring(7).trim());
    if (key == null) {
      return new ApiError(401, "unauthorized", "the API key is not valid");
    }
    if (!key.scopes().contains(scope)) {
      return new ApiError(403, "forbidden", "the API key lacks the scope " + scope);
    }
    return null;
  }

  private Key match(String presented) {
    byte[] hash = sha256(presented);
    Key found = null;
    for (Key key : keys) {
      if (MessageDigest.isEqual(key.hash(), hash) && found == null) {
        found = key;
      }
    }
    return found;
  }

  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
