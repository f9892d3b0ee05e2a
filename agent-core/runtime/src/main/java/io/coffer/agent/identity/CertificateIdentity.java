package io.coffer.agent.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The instance an agent certificate speaks for: its URI subject alternative name {@code
 * coffer://instance/ID}, as the Coffer CA writes it (the control reads the same name, in {@code
 * io.coffer.control.security.Identity}). The first certificate of the PEM file is the agent's own;
 * the rest of a chain is ignored.
 */
public final class CertificateIdentity {
  private static final Pattern AGENT_URI =
      Pattern.compile("coffer://instance/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)");

  /** uniformResourceIdentifier in a GeneralName (RFC 5280, 4.2.1.6). */
  private static final int URI_NAME = 6;

  private CertificateIdentity() {}

  /**
   * The instance id in {@code certFile}.
   *
   * @throws IdentityException when the file cannot be read, holds no certificate, or names no
   *     instance, or more than one
   */
  public static String instanceOf(Path certFile) {
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(certFile)) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException | CertificateException e) {
      throw new IdentityException(
          "cannot read the agent certificate " + certFile + ": " + e.getMessage());
    }
    return instanceOf(cert, certFile.toString());
  }

  /**
   * The instance id {@code cert} names.
   *
   * @param source where the certificate comes from, for the message
   * @throws IdentityException when it names no instance, or more than one
   */
  public static String instanceOf(X509Certificate cert, String source) {
    List<String> ids = new ArrayList<>();
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> name : names) {
          Matcher m = AGENT_URI.matcher(String.valueOf(name.get(1)));
          if (Integer.valueOf(URI_NAME).equals(name.get(0)) && m.matches()) {
            ids.add(m.group(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IdentityException(
          "cannot read the names of the agent certificate " + source + ": " + e.getMessage());
    }
    if (ids.size() != 1) {
      throw new IdentityException(
          "the certificate "
              + source
              + " is not an agent certificate: it must name exactly "
              + "one instance as coffer://instance/ID, and names "
              + (ids.isEmpty() ? "none" : ids));
    }
    return ids.get(0);
  }

  /**
   * Checks that {@code certFile} is the certificate of {@code instanceId}.
   *
   * @throws IdentityException naming both ids when they differ
   */
  public static void require(String instanceId, Path certFile) {
    String certified = instanceOf(certFile);
    if (!certified.equals(instanceId)) {
      throw new IdentityException(
          "instanceId is '"
              + instanceId
              + "' but the certificate "
              + certFile
              + " is for instance '"
              + certified
              + "': an agent runs only as the instance its certificate names "
              + "(set instanceId: "
              + certified
              + ", or use the certificate of "
              + instanceId
              + ")");
    }
  }

  /** The agent's identity cannot be established; the agent must not start. */
  public static final class IdentityException extends RuntimeException {
    IdentityException(String message) {
      super(message);
    }
  }
}
