package io.coffer.tck.redis;

import io.coffer.tck.DatastoreProvider;
import io.coffer.tck.PluginTck;

/**
 * The Redis plugin passes the TCK on a real Redis 7 (Debian's redis-server): every suite it
 * declares.
 */
class RedisTckTest extends PluginTck {
  @Override
  protected DatastoreProvider provider() {
    return RedisProvider.requireRedis();
  }
}
