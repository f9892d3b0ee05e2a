package io.coffer.tck;

/** Connects to the datastore as an ordinary user, the way an application would. */
public interface DataPlane {

  /**
   * Logs in as {@code user}, creates a table in {@code database} if needed, writes {@code value}
   * and returns what it reads back.
   *
   * @throws Exception when the login or any statement fails (e.g. access denied)
   */
  String writeAndRead(String user, String password, String database, String value) throws Exception;

  /** true when {@code user} can log in and use {@code database}. */
  default boolean canUse(String user, String password, String database) {
    try {
      writeAndRead(user, password, database, "probe");
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
