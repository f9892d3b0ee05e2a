package io.coffer.control.security;

/** A bearer token accepted on the northbound API, for callers without a client certificate. */
public record ApiToken(String name, String token) {
  @Override
  public String toString() {
    return "ApiToken[" + name + "]"; // never the token
  }
}
