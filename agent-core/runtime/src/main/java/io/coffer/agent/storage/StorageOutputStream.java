package io.coffer.agent.storage;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An object being written to {@link BackupStorage}. {@link #close()} commits it (the object becomes
 * visible whole); {@link #abort()} discards it. Both are idempotent, and whichever comes first
 * wins: close() after abort() does nothing, abort() after a successful close() does nothing (delete
 * the key to remove a committed object).
 */
public abstract class StorageOutputStream extends OutputStream {

  /**
   * Discards what was written and releases resources (temporary files, multipart uploads). Never
   * makes anything visible. Best effort: throws only when cleanup itself failed (e.g. an upload
   * could not be aborted), after having released what it could.
   */
  public abstract void abort() throws IOException;
}
