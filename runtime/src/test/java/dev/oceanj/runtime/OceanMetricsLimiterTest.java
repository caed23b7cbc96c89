package dev.oceanj.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.oceanj.core.config.PortSettings;
import dev.oceanj.core.port.WriteLimiter;
import org.junit.jupiter.api.Test;

class OceanMetricsLimiterTest {

  @Test
  void eachOrganizationsLimiterIsOneSeries() {
    OceanMetrics metrics = new OceanMetrics();
    try (WriteLimiter a = WriteLimiter.create(new PortSettings.RateLimit(true, 6_000, 10, 0.0));
        WriteLimiter b = WriteLimiter.create(new PortSettings.RateLimit(true, 6_000, 10, 0.0))) {
      metrics.bindLimiter("org-a", a);
      metrics.bindLimiter("org-b", b);
      a.acquire(WriteLimiter.Priority.RESYNC);
      a.acquire(WriteLimiter.Priority.RESYNC);
      b.share(0.5);
      String text = metrics.scrape();
      assertTrue(text.contains("oceanj_port_limiter_acquired_total{org=\"org-a\"} 2.0"), text);
      assertTrue(text.contains("oceanj_port_limiter_acquired_total{org=\"org-b\"} 0.0"), text);
      assertTrue(text.contains("oceanj_port_limiter_share{org=\"org-b\"} 0.5"), text);
      assertTrue(text.contains("oceanj_port_limiter_waiting{org=\"org-a\"} 0.0"), text);
      assertTrue(text.contains("oceanj_port_limiter_lanes{org=\"org-a\"} 1.0"), text);
    }
  }
}
