/**
 * The control's key files (Tink keysets, mode 0600, written atomically): what backups, replication
 * passwords, the command journal and request digests are keyed with. Back them up with the state
 * directory, apart from the backups.
 */
package io.coffer.control.keys;
