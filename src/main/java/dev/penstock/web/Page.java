package dev.penstock.web;

/**
 * What every page's frame shows: its title, who is signed in (null on the sign-in page) and which
 * section of the navigation is current.
 */
public record Page(String title, Session session, String section) {

  /** The token forms and htmx requests send back; empty when nobody is signed in. */
  public String csrfToken() {
    return session == null ? "" : session.csrfToken();
  }

  public boolean canAct() {
    return session != null && session.canAct();
  }
}
