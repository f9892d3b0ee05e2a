package io.coffer.spi.user;

import io.coffer.spi.DatastoreException;
import io.coffer.spi.Secret;
import io.coffer.spi.UserAccount;
import java.util.List;

/**
 * The user accounts of an instance ({@link io.coffer.spi.Capability#USERS}). Called only while the
 * server is ready; a mutating call is made once per command and validates its input fully before
 * changing anything. A password is sent to the server as a hash or verifier wherever the engine
 * accepts one, so that it never lands in the binary log or WAL.
 */
public interface Users {

  /**
   * User accounts with the databases each may access; internal and system accounts are left out.
   */
  List<UserAccount> list();

  /**
   * Creates a user and grants it access to {@code user.databases()}, atomically: on any error
   * nothing is left behind.
   *
   * @throws DatastoreException INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND (a database)
   */
  void create(UserAccount user, Secret password);

  /**
   * @param host the account's host pattern where the engine has one (MariaDB), else ignored
   * @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND
   */
  void delete(String name, String host);

  /** Grants full access to each database. @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND */
  void grantAccess(String name, String host, List<String> databases);

  /** Revokes access to each database. @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND */
  void revokeAccess(String name, String host, List<String> databases);

  /**
   * @throws DatastoreException INVALID_ARGUMENT, NOT_FOUND
   */
  void changePassword(String name, String host, Secret password);
}
