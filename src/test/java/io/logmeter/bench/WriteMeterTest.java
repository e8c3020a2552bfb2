package io.logmeter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Item sizes as AWS bills them: a packed page is a binary attribute, billed by its bytes, not their Base64. */
class WriteMeterTest {

  private static JsonObject binary(int bytes) {
    return new JsonObject().put("B", Base64.getEncoder().encodeToString(new byte[bytes]));
  }

  @Test
  void aBinaryAttributeCountsItsBytes() {
    JsonObject item = new JsonObject().put("pk", new JsonObject().put("S", "ab")).put("e", binary(1000));

    assertThat(WriteMeter.size(item)).isEqualTo(2 + 2 + 1 + 1000);
    assertThat(WriteMeter.units(WriteMeter.size(item), 1024)).isEqualTo(1);
  }

  @Test
  void binarySetsAndBinariesInMapsCountTheirBytes() {
    JsonObject item = new JsonObject()
        .put("s", new JsonObject().put("BS", new JsonArray().add(binary(10).getString("B")).add(binary(20).getString("B"))))
        .put("m", new JsonObject().put("M", new JsonObject().put("x", binary(30))));

    // A map: 3 bytes, plus per element its name, its value and 1.
    assertThat(WriteMeter.size(item)).isEqualTo(1 + 30 + 1 + 3 + 1 + 30 + 1);
  }
}
