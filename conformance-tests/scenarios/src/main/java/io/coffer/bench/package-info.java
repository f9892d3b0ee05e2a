/**
 * Channel benchmark: a raw grpc-java mTLS echo as the baseline, then Coffer's northbound Ping
 * (client → control → agent → control → client) and journaled Noop, agent memory and agent start
 * time, each component in its own JVM on loopback. Entry point: {@link
 * io.coffer.bench.ChannelBenchmark}, run with {@code bin/coffer-bench}.
 *
 * <p>Backup benchmark: raw {@code mariadb-backup} to /dev/null against Coffer's backup to local
 * storage on the same database, with the agent's heap and RSS sampled meanwhile. Entry point:
 * {@link io.coffer.bench.BackupBenchmark}, run with {@code bin/coffer-backup-bench}.
 */
package io.coffer.bench;
