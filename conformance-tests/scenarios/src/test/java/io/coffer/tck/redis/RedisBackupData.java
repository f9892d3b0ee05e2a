package io.coffer.tck.redis;

import io.coffer.tck.BackupData;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Data checks on Redis: a "database" of the suite is a key prefix holding strings, hashes, lists,
 * sets and sorted sets ({@code prefix:type:n}); the fingerprint of each prefix and type is a
 * SHA-256 over every key in order with its full contents read back by type (a full dump comparison:
 * Redis 7 refuses DEBUG DIGEST unless debug commands are enabled).
 */
final class RedisBackupData implements BackupData {
  private static final List<String> TYPES = List.of("str", "hash", "list", "set", "zset");
  private static final int VALUE = 700;
  private static final int BATCH = 500;

  private final StatefulRedisConnection<String, String> connection;
  private final Random random = new Random(42);

  RedisBackupData(StatefulRedisConnection<String, String> connection) {
    this.connection = connection;
  }

  @Override
  public void load(String database, long bytes) throws Exception {
    RedisAsyncCommands<String, String> a = connection.async();
    long keys = Math.max(TYPES.size() * 10, bytes / VALUE);
    List<RedisFuture<?>> pending = new ArrayList<>();
    for (long n = 0; n < keys; n++) {
      String type = TYPES.get((int) (n % TYPES.size()));
      String key = database + ":" + type + ":" + n;
      switch (type) {
        case "str" -> pending.add(a.set(key, text(VALUE)));
        case "hash" -> pending.add(a.hset(key, Map.of("a", text(VALUE / 2), "b", text(VALUE / 2))));
        case "list" -> pending.add(a.rpush(key, text(VALUE / 3), text(VALUE / 3), text(VALUE / 3)));
        case "set" -> pending.add(a.sadd(key, text(VALUE / 2), text(VALUE / 2)));
        default ->
            pending.add(
                a.zadd(
                    key,
                    ScoredValue.just(random.nextDouble(), text(VALUE / 2)),
                    ScoredValue.just(random.nextDouble(), text(VALUE / 2))));
      }
      if (pending.size() >= BATCH) {
        await(pending);
      }
    }
    await(pending);
  }

  @Override
  public void write(String database, String marker) throws Exception {
    connection.sync().set(database + ":str:marker-" + marker, marker);
  }

  @Override
  public Map<String, String> fingerprint() throws Exception {
    TreeSet<String> keys = new TreeSet<>();
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = connection.sync().scan(cursor, ScanArgs.Builder.limit(1000));
      page.getKeys().stream().filter(k -> !k.startsWith("tck:")).forEach(keys::add);
      cursor = page;
    } while (!cursor.isFinished());
    Map<String, MessageDigest> digests = new TreeMap<>();
    List<String> batch = new ArrayList<>();
    for (String key : keys) {
      batch.add(key);
      if (batch.size() == BATCH) {
        digest(batch, digests);
        batch.clear();
      }
    }
    digest(batch, digests);
    Map<String, String> out = new TreeMap<>();
    digests.forEach((group, d) -> out.put(group, HexFormat.of().formatHex(d.digest())));
    return out;
  }

  private void digest(List<String> keys, Map<String, MessageDigest> digests) throws Exception {
    RedisAsyncCommands<String, String> a = connection.async();
    List<RedisFuture<?>> reads = new ArrayList<>();
    for (String key : keys) {
      String type = key.split(":")[1];
      reads.add(
          switch (type) {
            case "str" -> a.get(key);
            case "hash" -> a.hgetall(key);
            case "list" -> a.lrange(key, 0, -1);
            case "set" -> a.smembers(key);
            default -> a.zrangeWithScores(key, 0, -1);
          });
    }
    LettuceFutures.awaitAll(Duration.ofMinutes(1), reads.toArray(RedisFuture[]::new));
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      String group = key.substring(0, key.indexOf(':', key.indexOf(':') + 1));
      Object value = reads.get(i).get();
      if (value instanceof Set<?> set) {
        value = new TreeSet<>(set.stream().map(String::valueOf).toList());
      } else if (value instanceof Map<?, ?> map) {
        value = new TreeMap<>(map);
      }
      MessageDigest d = digests.computeIfAbsent(group, g -> sha256());
      d.update((key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String text(int length) {
    byte[] bytes = new byte[length * 3 / 4];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static void await(List<RedisFuture<?>> pending) {
    if (!LettuceFutures.awaitAll(Duration.ofMinutes(1), pending.toArray(RedisFuture[]::new))) {
      throw new IllegalStateException("Redis did not answer the writes within a minute");
    }
    pending.clear();
  }

  @Override
  public void close() {
    connection.close();
  }
}
