/**
 * Channel benchmark: a raw grpc-java mTLS echo as the baseline, then Coffer's northbound Ping
 * (client → control → agent → control → client) and journaled Noop, agent memory and agent start
 * time, each component in its own JVM on loopback. Entry point: {@link io.coffer.bench.ChannelBenchmark},
 * run with {@code bin/coffer-bench}.
 */
package io.coffer.bench;
