package io.coffer.spi;

import java.util.Objects;

/**
 * The error a plugin throws. Its {@link Code} becomes the gRPC status the caller sees, and {@link
 * #field()} (when set) names the offending request field, e.g. {@code database.name}. Messages are
 * shown to users: they must be clear and must never contain a secret.
 */
public class DatastoreException extends RuntimeException {

  /** Mirrors the gRPC status codes Coffer uses. */
  public enum Code {
    /** Bad input; never retried. {@link #field()} names the field. */
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    /** The instance is not in a state that allows the operation. */
    FAILED_PRECONDITION,
    /** The plugin does not implement the operation. */
    UNIMPLEMENTED,
    /** The server is not reachable right now; the operation may be retried. */
    UNAVAILABLE,
    /** Anything else: a bug or an engine error. */
    INTERNAL,
    /** Stored data is corrupt or fails authentication (e.g. a backup whose checksum differs). */
    DATA_LOSS,
    /** The job was cancelled by the caller before it completed; it left nothing behind. */
    CANCELLED
  }

  private final Code code;
  private final String field;

  public DatastoreException(Code code, String field, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
    this.field = field == null ? "" : field;
  }

  public DatastoreException(Code code, String message) {
    this(code, "", message, null);
  }

  public static DatastoreException invalidArgument(String field, String message) {
    return new DatastoreException(Code.INVALID_ARGUMENT, field, field + ": " + message, null);
  }

  public static DatastoreException notFound(String field, String message) {
    return new DatastoreException(Code.NOT_FOUND, field, message, null);
  }

  public static DatastoreException alreadyExists(String field, String message) {
    return new DatastoreException(Code.ALREADY_EXISTS, field, message, null);
  }

  public static DatastoreException failedPrecondition(String message) {
    return new DatastoreException(Code.FAILED_PRECONDITION, message);
  }

  public static DatastoreException unimplemented(String what) {
    return new DatastoreException(
        Code.UNIMPLEMENTED, "", "not supported by this datastore: " + what, null);
  }

  public static DatastoreException unavailable(String message, Throwable cause) {
    return new DatastoreException(Code.UNAVAILABLE, "", message, cause);
  }

  public static DatastoreException internal(String message, Throwable cause) {
    return new DatastoreException(Code.INTERNAL, "", message, cause);
  }

  public Code code() {
    return code;
  }

  /** The request field at fault, or empty. */
  public String field() {
    return field;
  }
}
