package dev.oceanj.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code HTTPS_PROXY} / {@code HTTP_PROXY} / {@code NO_PROXY} read as httpx reads them for Ocean. */
class ProxyRulesTest {

  private static ProxyRules rules(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    ProxyRules r = ProxyRules.fromEnvironment(env, problems);
    assertEquals(List.of(), problems);
    return r;
  }

  private static String via(ProxyRules r, String url) {
    return r.proxyFor(URI.create(url)).map(p -> p.host() + ":" + p.port()).orElse("direct");
  }

  @Test
  void schemesPickTheirVariableAndLowerCaseWins() {
    ProxyRules r = rules(Map.of("HTTPS_PROXY", "http://upper:1", "https_proxy", "lower:3128",
        "HTTP_PROXY", "http://plain:8080"));
    assertEquals("lower:3128", via(r, "https://api.getport.io/v1"));
    assertEquals("plain:8080", via(r, "http://api.example.com"));
    // Loopback is not exempt unless NO_PROXY says so (unlike the JVM's own http.nonProxyHosts default).
    assertEquals("lower:3128", via(r, "https://localhost:8443"));
    assertEquals("lower:3128", via(r, "https://127.0.0.1"));
  }

  @Test
  void allProxyIsTheFallbackAndNoProxyForms() {
    ProxyRules r = rules(Map.of("ALL_PROXY", "http://all:3128",
        "no_proxy", "example.com, .internal,10.0.0.0/8,192.168.1.7,localhost,http://plain.only,svc:8443"));
    assertEquals("direct", via(r, "https://example.com"));
    assertEquals("direct", via(r, "https://api.example.com"));
    assertEquals("all:3128", via(r, "https://notexample.com"));
    assertEquals("all:3128", via(r, "https://internal"));
    assertEquals("direct", via(r, "https://db.internal"));
    assertEquals("direct", via(r, "http://10.20.30.40"));
    assertEquals("all:3128", via(r, "http://11.0.0.1"));
    assertEquals("direct", via(r, "http://192.168.1.7:9000"));
    assertEquals("all:3128", via(r, "http://192.168.1.8"));
    assertEquals("direct", via(r, "http://localhost:8000"));
    assertEquals("direct", via(r, "http://plain.only/x"));
    assertEquals("all:3128", via(r, "https://plain.only/x"));
    assertEquals("direct", via(r, "https://svc:8443"));
    assertEquals("all:3128", via(r, "https://svc"));
  }

  @Test
  void starMeansNoProxyAndCredentialsAreDecoded() {
    assertFalse(rules(Map.of("HTTPS_PROXY", "http://p:1", "NO_PROXY", "*")).any());
    ProxyRules r = rules(Map.of("HTTPS_PROXY", "http://us%40er:p%3Ass@proxy.corp:3128"));
    ProxyRules.Proxy p = r.proxyFor(URI.create("https://x")).orElseThrow();
    assertEquals("us@er", p.username().orElseThrow());
    assertEquals("p:ss", p.password().orElseThrow());
    assertEquals("Basic dXNAZXI6cDpzcw==", p.authorization().orElseThrow());
    assertFalse(p.toString().contains("p:ss"), p.toString());
    assertTrue(rules(Map.of()).proxies().isEmpty());
  }

  @Test
  void aBadProxyUrlIsOneProblemNamingTheVariableNotItsValue() {
    List<String> problems = new ArrayList<>();
    ProxyRules.fromEnvironment(Map.of("HTTPS_PROXY", "socks5://u:secret@h:1"), problems);
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("env HTTPS_PROXY: "), problems.get(0));
    assertFalse(problems.get(0).contains("secret"), problems.get(0));
  }
}
