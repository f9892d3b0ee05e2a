package io.coffer.spi.user;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;

/** The engine's superuser ({@link io.coffer.spi.Capability#ROOT}), Trove's "root enable". */
@FunctionalInterface
public interface Superuser {

  /**
   * Enables the engine's superuser for remote login with {@code password}, or sets that password
   * when it is enabled already. The caller chooses the password, so no result, journal or log ever
   * holds it; send the server a hash or verifier of it, never the password itself (it would land in
   * the binary log or WAL).
   *
   * @return the superuser's name, e.g. {@code root} or {@code postgres}
   * @throws DatastoreException INVALID_ARGUMENT (naming the field {@code password})
   */
  String enable(Secret password);
}
