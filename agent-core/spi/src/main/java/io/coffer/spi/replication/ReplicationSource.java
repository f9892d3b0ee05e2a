package io.coffer.spi.replication;

import io.coffer.spi.Secret;
import java.util.Map;
import java.util.Objects;

/**
 * What a replica needs to follow a source.
 *
 * @param host the source's address as the replica reaches it
 * @param port the source's port
 * @param user the replication account (see {@link ReplicationStrategy#prepareSource})
 * @param password its password
 * @param positions where to start: the positions of the backup this replica was restored from,
 *     keyed like {@link io.coffer.spi.backup.BackupManifest#positions()}; empty to continue from
 *     where the replica stands (repointing)
 * @param semiSync acknowledge transactions to the source once received (where the engine has it)
 */
public record ReplicationSource(
    String host,
    int port,
    String user,
    Secret password,
    Map<String, String> positions,
    boolean semiSync) {
  public ReplicationSource {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    positions = positions == null ? Map.of() : Map.copyOf(positions);
  }
}
