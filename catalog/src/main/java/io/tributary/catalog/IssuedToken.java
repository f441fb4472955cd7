package io.tributary.catalog;

/** A newly created principal and its token, which is shown this once and never stored. */
public record IssuedToken(Principal principal, String token) {
  @Override
  public String toString() {
    return "IssuedToken[" + principal.name() + ", token=***]";
  }
}
