package io.coffer.tck.redis;

import io.coffer.tck.BackupTck;
import io.coffer.tck.DatastoreProvider;

/** The engine-agnostic BackupTck suite on a real Redis 7 (Debian's redis-server). */
class RedisBackupTckTest extends BackupTck {
  @Override
  protected DatastoreProvider provider() {
    return RedisProvider.requireRedis();
  }
}
