package io.coffer.tck.redis;

import io.coffer.tck.ReplicationTck;
import io.coffer.tck.DatastoreProvider;

/** The engine-agnostic ReplicationTck suite on a real Redis 7 (Debian's redis-server). */
class RedisReplicationTckTest extends ReplicationTck {
  @Override
  protected DatastoreProvider provider() {
    return RedisProvider.requireRedis();
  }
}
