package dev.paffmem.dashboard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AccessPolicyTest {

  static final String TOKEN = "0123456789abcdef0123";

  @Test
  void loopbackNeedsNoToken() {
    for (String host : new String[] {"127.0.0.1", "127.0.0.2", "::1", "localhost"}) {
      AccessPolicy p = AccessPolicy.forBind(host, null);
      assertFalse(p.tokenRequired(), host);
      assertTrue(p.allows(null, null, null), host);
    }
  }

  @Test
  void anyOtherAddressRefusesToStartWithoutAToken() {
    for (String host : new String[] {"0.0.0.0", "::", "192.168.1.20", "10.0.0.1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessPolicy.forBind(host, null), host);
      assertTrue(e.getMessage().contains("access token"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> AccessPolicy.forBind(host, "  "), host);
      assertTrue(AccessPolicy.forBind(host, TOKEN).tokenRequired(), host);
    }
  }

  @Test
  void tooShortOrOddTokensAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> AccessPolicy.forBind("0.0.0.0", "short"));
    assertThrows(IllegalArgumentException.class, () -> AccessPolicy.forBind("0.0.0.0", "0123456789abcdef; Path=/x"));
  }

  @Test
  void withATokenEveryRequestMustCarryIt() {
    AccessPolicy p = AccessPolicy.forBind("127.0.0.1", TOKEN); // a token also applies on loopback
    assertFalse(p.allows(null, null, null));
    assertFalse(p.allows("Bearer " + TOKEN + "x", "wrong", "0123456789abcdef012"));
    assertTrue(p.allows("Bearer " + TOKEN, null, null));
    assertTrue(p.allows(null, TOKEN, null));
    assertTrue(p.allows(null, null, TOKEN));
  }
}
