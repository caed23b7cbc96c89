package dev.oceanj.spi.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookAuthenticatorTest {

  // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
  static final String GITHUB_EXAMPLE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);

  @Test
  void githubSignatureMatchesGitHubsPublishedExample() {
    WebhookAuthenticator auth = WebhookAuthenticator.githubSignature("It's a Secret to Everybody");
    assertTrue(auth.authenticate(Map.of("x-hub-signature-256", GITHUB_EXAMPLE), HELLO));
    assertTrue(auth.authenticate(Map.of("x-hub-signature-256", GITHUB_EXAMPLE.toUpperCase().replace("SHA256=",
        "sha256=")), HELLO), "hex is compared case-insensitively");
    assertEquals(GITHUB_EXAMPLE, ((WebhookAuthenticator.HmacSha256) auth).sign(HELLO));
    assertEquals(Set.of("x-hub-signature-256"), auth.secretHeaders());
  }

  @Test
  void anyChangeToBodySignatureOrSecretFails() {
    WebhookAuthenticator auth = WebhookAuthenticator.githubSignature("It's a Secret to Everybody");
    assertFalse(auth.authenticate(Map.of("x-hub-signature-256", GITHUB_EXAMPLE), "Hello, World?".getBytes()));
    assertFalse(auth.authenticate(Map.of("x-hub-signature-256", GITHUB_EXAMPLE.replace("757", "758")), HELLO));
    assertFalse(auth.authenticate(Map.of("x-hub-signature-256", GITHUB_EXAMPLE.substring(7)), HELLO), "no prefix");
    assertFalse(auth.authenticate(Map.of(), HELLO), "no header");
    assertFalse(WebhookAuthenticator.githubSignature("other").authenticate(
        Map.of("x-hub-signature-256", GITHUB_EXAMPLE), HELLO));
  }

  @Test
  void customHeaderAndPrefix() {
    WebhookAuthenticator.HmacSha256 auth =
        (WebhookAuthenticator.HmacSha256) WebhookAuthenticator.hmacSha256("X-Signature", "", "k");
    String sig = auth.sign(HELLO);
    assertEquals(64, sig.length());
    assertTrue(auth.authenticate(Map.of("x-signature", sig), HELLO));
  }

  @Test
  void staticTokenComparesTheWholeToken() {
    WebhookAuthenticator auth = WebhookAuthenticator.staticToken("X-Gitlab-Token", "t0ken");
    assertTrue(auth.authenticate(Map.of("x-gitlab-token", "t0ken"), HELLO));
    assertFalse(auth.authenticate(Map.of("x-gitlab-token", "t0ke"), HELLO));
    assertFalse(auth.authenticate(Map.of("x-gitlab-token", "t0ken2"), HELLO));
    assertFalse(auth.authenticate(Map.of(), HELLO));
  }

  @Test
  void secretsNeverShowAndMustNotBeEmpty() {
    assertFalse(WebhookAuthenticator.githubSignature("hunter2").toString().contains("hunter2"));
    assertFalse(WebhookAuthenticator.staticToken("x-token", "hunter2").toString().contains("hunter2"));
    assertThrows(IllegalArgumentException.class, () -> WebhookAuthenticator.githubSignature(""));
    assertThrows(IllegalArgumentException.class, () -> WebhookAuthenticator.staticToken("x", null));
  }
}
