package io.coffer.agent.identity;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a new certificate and key in place of the agent's {@code control.certFile} and {@code
 * control.keyFile} so that a crash at any point leaves a pair that belongs together. Two files
 * cannot be renamed at once, so both are first written in full next to their targets ({@code
 * .next}, the key mode 0600 from the start) and synced; then the key and then the certificate are
 * renamed into place. {@link #recover} finishes or undoes an interrupted replacement at the next
 * start: a {@code .next} certificate whose key is already in place is moved in too.
 */
public final class CertificateFiles {
  private static final Logger log = LoggerFactory.getLogger(CertificateFiles.class);

  private CertificateFiles() {}

  /** Replaces both files with {@code material}, as described above. */
  public static void replace(Path certFile, Path keyFile, KeyMaterial material) throws IOException {
    Path certNext = next(certFile);
    Path keyNext = next(keyFile);
    write(keyNext, material.keyPem(), true);
    write(certNext, material.chainPem(), false);
    Files.move(keyNext, keyFile, StandardCopyOption.ATOMIC_MOVE);
    Files.move(certNext, certFile, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(certFile);
    if (!certFile.toAbsolutePath().getParent().equals(keyFile.toAbsolutePath().getParent())) {
      syncDirectory(keyFile);
    }
  }

  /**
   * Completes or rolls back a {@link #replace} a crash interrupted: the files then hold a pair that
   * belongs together again, the new one when its key reached its place.
   */
  public static void recover(Path certFile, Path keyFile) throws IOException {
    Path certNext = next(certFile);
    Path keyNext = next(keyFile);
    if (Files.exists(keyNext)) {
      // the key was not moved yet: the old pair is intact
      Files.deleteIfExists(keyNext);
      Files.deleteIfExists(certNext);
      log.warn("a certificate renewal was interrupted before its files were in place; undone");
      return;
    }
    if (Files.exists(certNext)) {
      KeyMaterial next = KeyMaterial.read(certNext, keyFile);
      if (KeyMaterial.pairs(next.key(), next.leaf().getPublicKey())) {
        Files.move(certNext, certFile, StandardCopyOption.ATOMIC_MOVE);
        log.warn("a certificate renewal was interrupted after its key was in place; completed");
      } else {
        Files.delete(certNext);
      }
    }
  }

  private static Path next(Path file) {
    return file.resolveSibling(file.getFileName() + ".next");
  }

  private static void write(Path file, String text, boolean secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.deleteIfExists(file);
    Files.createFile(
        file,
        PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
    Files.writeString(file, text, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void syncDirectory(Path file) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
