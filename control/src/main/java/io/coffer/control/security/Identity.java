package io.coffer.control.security;

import java.net.URI;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a certificate speaks for, read from its URI subject alternative name: {@code
 * coffer://instance/ID} for an agent, {@code coffer://client/NAME} for a northbound caller. The CA
 * issues exactly one such URI per certificate; an agent identity is never accepted as a client and
 * vice versa.
 *
 * @param kind agent or client
 * @param name the instance id or the client name
 */
public record Identity(Kind kind, String name) {

  public enum Kind {
    AGENT,
    CLIENT
  }

  /** Instance ids and client names: DNS-label-like, 1-63 characters. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public static final String SCHEME = "coffer";

  public Identity {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not a valid name: 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
    }
  }

  public static Identity agent(String instanceId) {
    return new Identity(Kind.AGENT, instanceId);
  }

  public static Identity client(String name) {
    return new Identity(Kind.CLIENT, name);
  }

  /** The URI the CA writes into the certificate. */
  public URI uri() {
    return URI.create(SCHEME + "://" + (kind == Kind.AGENT ? "instance" : "client") + "/" + name);
  }

  /** The identity in {@code certificate}, if it carries exactly one valid Coffer URI. */
  public static Optional<Identity> of(X509Certificate certificate) {
    Collection<List<?>> sans;
    try {
      sans = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (sans == null) {
      return Optional.empty();
    }
    Identity found = null;
    for (List<?> san : sans) {
      // 6 = uniformResourceIdentifier (RFC 5280, 4.2.1.6)
      if (!Integer.valueOf(6).equals(san.get(0))) {
        continue;
      }
      Optional<Identity> parsed = parse(String.valueOf(san.get(1)));
      if (parsed.isPresent()) {
        if (found != null) {
          return Optional.empty(); // ambiguous
        }
        found = parsed.get();
      }
    }
    return Optional.ofNullable(found);
  }

  static Optional<Identity> parse(String uri) {
    String prefix = SCHEME + "://";
    if (!uri.startsWith(prefix)) {
      return Optional.empty();
    }
    String[] parts = uri.substring(prefix.length()).split("/", -1);
    if (parts.length != 2 || !NAME.matcher(parts[1]).matches()) {
      return Optional.empty();
    }
    return switch (parts[0]) {
      case "instance" -> Optional.of(agent(parts[1]));
      case "client" -> Optional.of(client(parts[1]));
      default -> Optional.empty();
    };
  }
}
