package io.coffer.control.ca;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reading and writing the PEM files of {@link CofferHome}: certificate chains ({@code CERTIFICATE}
 * blocks, leaf first) and unencrypted PKCS#8 private keys ({@code PRIVATE KEY}), which is what
 * Netty's {@code SslContextBuilder} and OpenSSL read.
 */
public final class Pem {

  private static final Set<PosixFilePermission> KEY_MODE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> CERT_MODE =
      PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");

  private Pem() {}

  /** PEM text of {@code certificates}, in order. */
  public static String encodeCertificates(List<X509Certificate> certificates) {
    StringWriter text = new StringWriter();
    try (PemWriter pem = new PemWriter(text)) {
      for (X509Certificate certificate : certificates) {
        pem.writeObject(new PemObject("CERTIFICATE", certificate.getEncoded()));
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalStateException("cannot encode certificate", e);
    }
    return text.toString();
  }

  /** PEM text ({@code -----BEGIN PRIVATE KEY-----}) of a PKCS#8 private key. */
  public static String encodePrivateKey(PrivateKey key) {
    if (!"PKCS#8".equalsIgnoreCase(key.getFormat())) {
      throw new IllegalArgumentException(
          "private key is not PKCS#8 encodable (format " + key.getFormat() + ")");
    }
    StringWriter text = new StringWriter();
    try (PemWriter pem = new PemWriter(text)) {
      pem.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode private key", e);
    }
    return text.toString();
  }

  /**
   * Every certificate in a PEM file, in file order.
   *
   * @throws CertificateAuthorityException when the file is missing, unreadable or holds no
   *     certificate
   */
  public static List<X509Certificate> readCertificates(Path file) {
    List<X509Certificate> certificates = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof X509CertificateHolder holder) {
          certificates.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException e) {
      throw unreadable("certificate file", file, e);
    } catch (CertificateException | RuntimeException e) {
      throw new CertificateAuthorityException(
          "certificate file " + file + " is not valid PEM: " + e.getMessage(), e);
    }
    if (certificates.isEmpty()) {
      throw new CertificateAuthorityException(
          "certificate file " + file + " holds no PEM certificate");
    }
    return certificates;
  }

  /**
   * The private key in a PEM file ({@code PRIVATE KEY}, or the traditional {@code EC PRIVATE KEY}).
   *
   * @throws CertificateAuthorityException when missing, unreadable, encrypted or not a key
   */
  public static PrivateKey readPrivateKey(Path file) {
    Object item;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      item = parser.readObject();
    } catch (IOException e) {
      throw unreadable("key file", file, e);
    } catch (RuntimeException e) {
      throw new CertificateAuthorityException(
          "key file " + file + " is not valid PEM: " + e.getMessage(), e);
    }
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (item instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (item instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
    } catch (IOException e) {
      throw new CertificateAuthorityException(
          "key file " + file + " holds an unsupported key: " + e.getMessage(), e);
    }
    if (item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair) {
      throw new CertificateAuthorityException(
          "key file " + file + " is encrypted; Coffer needs an unencrypted PKCS#8 key");
    }
    throw new CertificateAuthorityException("key file " + file + " holds no PEM private key");
  }

  /**
   * Writes a new file, refusing to replace an existing one. Missing parent directories are created
   * with mode 0700; a secret file gets mode 0600, others 0644 (where the file system is POSIX).
   *
   * @throws CertificateAuthorityException when the file exists or cannot be written
   */
  static void writeNew(Path file, String content, boolean secret) {
    Path absolute = file.toAbsolutePath();
    createPrivateDirectories(absolute.getParent());
    boolean posix = isPosix(absolute.getParent());
    FileAttribute<?>[] attributes =
        posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(secret ? KEY_MODE : CERT_MODE)
            }
            : new FileAttribute<?>[0];
    boolean created = false;
    try (FileChannel channel =
        FileChannel.open(
            absolute,
            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            attributes)) {
      created = true;
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
      if (posix && secret) {
        Files.setPosixFilePermissions(absolute, KEY_MODE); // exact, whatever the umask
      }
    } catch (FileAlreadyExistsException e) {
      throw new CertificateAuthorityException(file + " already exists; refusing to overwrite it");
    } catch (IOException e) {
      if (created) {
        deleteQuietly(absolute);
      }
      throw new CertificateAuthorityException("cannot write " + file + ": " + describe(e), e);
    }
  }

  static void createPrivateDirectories(Path dir) {
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    try {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing != null && isPosix(existing)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
      } else {
        Files.createDirectories(dir);
      }
    } catch (IOException e) {
      throw new CertificateAuthorityException(
          "cannot create directory " + dir + ": " + describe(e), e);
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // best effort clean-up of a half-written file
    }
  }

  private static boolean isPosix(Path path) {
    return path != null && path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static CertificateAuthorityException unreadable(String what, Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new CertificateAuthorityException(what + " " + file + " does not exist", e);
    }
    if (e instanceof AccessDeniedException) {
      return new CertificateAuthorityException(
          what + " " + file + " is not readable (permission denied)", e);
    }
    return new CertificateAuthorityException(
        "cannot read " + what + " " + file + ": " + describe(e), e);
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
