package io.coffer.control.ca;

/**
 * The certificate authority cannot do what was asked: its files are missing, unreadable or do not
 * match, or a file it would write already exists. The message names the file at fault and is fit to
 * show to an operator as is.
 */
public class CertificateAuthorityException extends RuntimeException {

  public CertificateAuthorityException(String message) {
    super(message);
  }

  public CertificateAuthorityException(String message, Throwable cause) {
    super(message, cause);
  }
}
