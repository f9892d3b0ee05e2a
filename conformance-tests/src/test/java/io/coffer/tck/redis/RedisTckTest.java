package io.coffer.tck.redis;

import io.coffer.tck.DatastoreTck;
import io.coffer.tck.DatastoreProvider;

/** The engine-agnostic DatastoreTck suite on a real Redis 7 (Debian's redis-server). */
class RedisTckTest extends DatastoreTck {
  @Override
  protected DatastoreProvider provider() {
    return RedisProvider.requireRedis();
  }
}
