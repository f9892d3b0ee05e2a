package io.coffer.tck.redis;

import io.coffer.tck.ConfigurationTck;
import io.coffer.tck.DatastoreProvider;

/** The engine-agnostic ConfigurationTck suite on a real Redis 7 (Debian's redis-server). */
class RedisConfigurationTckTest extends ConfigurationTck {
  @Override
  protected DatastoreProvider provider() {
    return RedisProvider.requireRedis();
  }
}
