package io.logmeter.server;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Reads the configuration once: built-in defaults, overridden by {@code overrides} (what a command
 * sets, such as local mode's endpoints), then by the JSON file named in LOGMETER_CONFIG_FILE, then
 * by LOGMETER_* environment variables.
 */
public final class ConfigLoader {

  private ConfigLoader() {
  }

  public static Future<Config> load(Vertx vertx, JsonObject overrides, Map<String, String> environment) {
    JsonObject base = Config.defaults().mergeIn(overrides);
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setScanPeriod(-1)
        .addStore(new ConfigStoreOptions().setType("json").setConfig(base));
    String file = environment.get("LOGMETER_CONFIG_FILE");
    if (file != null && !file.isBlank()) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(new ConfigStoreOptions().setType("json").setConfig(fromEnvironment(environment)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .map(Config::from)
        .eventually(retriever::close);
  }

  /** The LOGMETER_* variables of the settings ({@link Config#SETTINGS}), under the settings' names. */
  static JsonObject fromEnvironment(Map<String, String> environment) {
    JsonObject values = new JsonObject();
    for (Setting setting : Config.SETTINGS) {
      String value = environment.get(Config.environmentName(setting.name()));
      if (value != null) {
        values.put(setting.name(), value);
      }
    }
    return values;
  }
}
