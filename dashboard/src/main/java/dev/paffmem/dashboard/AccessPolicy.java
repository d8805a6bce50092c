package dev.paffmem.dashboard;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may look: the dashboard shows the emotions of real people, which is personal data.
 *
 * <ul>
 *   <li>Bound to a loopback address (the default, 127.0.0.1), only this machine can connect; a token is optional.
 *   <li>Bound to any other address (0.0.0.0, a LAN address, a host name), an access token is required: the
 *       server refuses to start without one.
 *   <li>With a token, every request must carry it: the {@code Authorization: Bearer} header, the
 *       {@code paffmem_dashboard_token} cookie (set when the page is opened with {@code ?token=...}), or the
 *       {@code token} query parameter.
 * </ul>
 */
public final class AccessPolicy {

  public static final String COOKIE = "paffmem_dashboard_token";
  static final int MIN_TOKEN_LENGTH = 16;

  private final String host;
  private final byte[] token;

  private AccessPolicy(String host, String token) {
    this.host = host;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The policy for serving on {@code host}.
   *
   * @throws IllegalArgumentException if the host is not a loopback address and no token (of at least 16
   *                                  characters) is given, or the host does not resolve
   */
  public static AccessPolicy forBind(String host, String token) {
    if (token != null && token.isBlank()) {
      token = null;
    }
    if (token != null && token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException("the access token must have at least " + MIN_TOKEN_LENGTH
          + " characters (e.g. openssl rand -hex 16)");
    }
    if (token != null && !token.matches("[A-Za-z0-9._~+/=-]+")) {
      throw new IllegalArgumentException("the access token may only contain letters, digits and . _ ~ + / = -");
    }
    if (!isLoopback(host) && token == null) {
      throw new IllegalArgumentException("bound to " + host + " (not a loopback address) the dashboard needs an "
          + "access token: pass --token or set PAFFMEM_DASHBOARD_TOKEN (the page shows personal data)");
    }
    return new AccessPolicy(host, token);
  }

  /** True for 127.0.0.0/8, ::1 and names resolving only to loopback addresses; false for 0.0.0.0 and others. */
  public static boolean isLoopback(String host) {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      for (InetAddress a : all) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return all.length > 0;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve the bind address " + host, e);
    }
  }

  public boolean tokenRequired() {
    return token != null;
  }

  public String host() {
    return host;
  }

  /** Whether a request carrying these credentials (any may be null) may see the dashboard. */
  public boolean allows(String authorizationHeader, String cookie, String queryToken) {
    if (token == null) {
      return true;
    }
    if (authorizationHeader != null && authorizationHeader.startsWith("Bearer ")
        && matches(authorizationHeader.substring(7).trim())) {
      return true;
    }
    return matches(cookie) || matches(queryToken);
  }

  /** Constant-time comparison with the token. */
  boolean matches(String candidate) {
    return token != null && candidate != null
        && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }
}
