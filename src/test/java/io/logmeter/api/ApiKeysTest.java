package io.logmeter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * How {@code LOGMETER_API_KEYS} is read and what a presented key may do. The hashes are the
 * published SHA-256 test vectors (FIPS 180-2) of the keys "abc" and {@link #LONG_KEY}.
 */
class ApiKeysTest {

  private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  private static final String LONG_KEY = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  private static final String LONG_KEY_HASH = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

  @Test
  void aKeyMayDoWhatItsScopesAllowAndNothingElse() {
    ApiKeys keys = ApiKeys.from("billing:usage:read:" + ABC + ",support:usage:read+logs:read:" + LONG_KEY_HASH, false);

    assertThat(keys.disabled()).isFalse();
    assertThat(keys.refusal("Bearer abc", "usage:read")).isNull();
    assertThat(keys.refusal("Bearer " + LONG_KEY, "usage:read")).isNull();
    assertThat(keys.refusal("Bearer " + LONG_KEY, "logs:read")).isNull();
    refusal(keys, "Bearer abc", "logs:read", 403, "forbidden");
    refusal(keys, "Bearer abc", "logs:write", 403, "forbidden");
    refusal(keys, "Bearer " + LONG_KEY, "logs:write", 403, "forbidden");
  }

  @Test
  void onlyABearerKeyThatMatchesAHashGetsIn() {
    ApiKeys keys = ApiKeys.from("billing:usage:read:" + ABC, false);

    assertThat(keys.refusal("bearer abc", "usage:read")).as("the scheme in any case").isNull();
    assertThat(keys.refusal("Bearer  abc ", "usage:read")).as("spaces around the key").isNull();
    refusal(keys, null, "usage:read", 401, "unauthorized");
    refusal(keys, "", "usage:read", 401, "unauthorized");
    refusal(keys, "Bearer", "usage:read", 401, "unauthorized");
    refusal(keys, "Bearer ", "usage:read", 401, "unauthorized");
    refusal(keys, "Basic abc", "usage:read", 401, "unauthorized");
    refusal(keys, "abc", "usage:read", 401, "unauthorized");
    refusal(keys, "Bearer ABC", "usage:read", 401, "unauthorized");
    refusal(keys, "Bearer abcd", "usage:read", 401, "unauthorized");
    refusal(keys, "Bearer " + ABC, "usage:read", 401, "unauthorized");
  }

  @Test
  void theHashMayBeInEitherCaseAndBlankEntriesAndSpacesAreIgnored() {
    ApiKeys keys = ApiKeys.from(" , billing:logs:write:" + ABC.toUpperCase() + " ,,", false);

    assertThat(keys.refusal("Bearer abc", "logs:write")).isNull();
    refusal(keys, "Bearer abc", "usage:read", 403, "forbidden");
  }

  @Test
  void withAuthenticationOffEveryRequestMayDoEverything() {
    ApiKeys open = ApiKeys.from(null, true);

    assertThat(open.disabled()).isTrue();
    assertThat(open.refusal(null, "logs:write")).isNull();
    assertThat(ApiKeys.from("billing:usage:read:" + ABC, true).refusal("Bearer wrong", "logs:read")).isNull();
  }

  @Test
  void noKeyStopsTheStartUnlessAuthenticationIsOff() {
    for (String none : new String[] {null, "", " , ,"}) {
      assertThatThrownBy(() -> ApiKeys.from(none, false)).as("'%s'", none)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no API keys configured");
    }
  }

  @Test
  void aMalformedEntryStopsTheStartWithoutShowingItsHash() {
    String[] malformed = {
        "billing:" + ABC, // no scope
        ":usage:read:" + ABC, // no name
        "billing::" + ABC, // an empty scope
        "billing:usage:read:" + ABC.substring(1), // 63 digits
        "billing:usage:read:" + ABC + "0", // 65 digits
        "billing:usage:read:" + ABC.replace('f', 'g'), // not hexadecimal
        "billing:usage:read", // no hash
    };
    for (String entry : malformed) {
      assertThatThrownBy(() -> ApiKeys.from("ok:usage:read:" + LONG_KEY_HASH + "," + entry, false)).as(entry)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name:scope+scope:sha256hex")
          .hasMessageNotContaining(ABC.substring(0, 16));
    }
  }

  @Test
  void aKeyPastedWithoutItsNameAndScopesIsNotRepeatedInTheMessage() {
    String pasted = "sk-live-0123456789abcdef0123456789abcdef";
    assertThatThrownBy(() -> ApiKeys.from("ok:usage:read:" + LONG_KEY_HASH + "," + pasted, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("API key entry 2 is not name:scope+scope:sha256hex")
        .hasMessageNotContaining("sk-live").hasMessageNotContaining("0123456789");
  }

  @Test
  void anUnknownEmptyOrRepeatedScopeStopsTheStart() {
    for (String scopes : new String[] {"admin", "usage:write", "usage:read+admin", "usage:read++logs:read", "USAGE:READ",
        "usage:read+", "+usage:read", "usage:read+usage:read"}) {
      assertThatThrownBy(() -> ApiKeys.from("billing:" + scopes + ":" + ABC, false)).as(scopes)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("billing lists an unknown, empty or repeated scope");
    }
  }

  private static void refusal(ApiKeys keys, String authorization, String scope, int status, String code) {
    ApiError refusal = keys.refusal(authorization, scope);
    assertThat(refusal).as("%s for %s", authorization, scope).isNotNull();
    assertThat(refusal.status()).isEqualTo(status);
    assertThat(refusal.code()).isEqualTo(code);
  }
}
