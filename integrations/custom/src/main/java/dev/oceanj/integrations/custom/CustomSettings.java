package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.oceanj.spi.InvalidSettingsException;
import java.net.URI;
import java.util.Locale;

/** The custom integration's configuration, named and defaulted as in Ocean's spec. */
record CustomSettings(
    String baseUrl,
    String authType,
    String apiToken,
    String username,
    String password,
    String apiKey,
    String apiKeyHeader,
    String paginationType,
    Integer pageSize,
    String paginationParam,
    String sizeParam,
    Integer startPage,
    String cursorPath,
    String hasMorePath,
    String lastPagePath,
    String nextLinkPath,
    String headerLinkRel,
    Integer timeout,
    Boolean verifySsl,
    Integer maxConcurrentRequests,
    JsonNode customAuthRequest,
    JsonNode customAuthRequestTemplate,
    Integer maxPages) {

  private static final ObjectMapper JSON = new ObjectMapper();

  enum AuthType { NONE, BEARER_TOKEN, BASIC, API_KEY, CUSTOM }

  enum PaginationType { NONE, OFFSET, PAGE, CURSOR, NEXT_LINK, HEADER_LINK }

  CustomSettings {
    if (blank(baseUrl)) {
      throw new InvalidSettingsException("baseUrl", "baseUrl is required (OCEAN__INTEGRATION__CONFIG__BASE_URL)", null);
    }
    baseUrl = baseUrl.trim().replaceAll("/+$", "");
    try {
      URI uri = URI.create(baseUrl);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new IllegalArgumentException("not http(s)");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidSettingsException("baseUrl", "baseUrl must be an http:// or https:// URL", e);
    }
    authType = blank(authType) ? "none" : authType.trim();
    enumValue(AuthType.class, authType, "authType");
    apiKeyHeader = blank(apiKeyHeader) ? "X-API-Key" : apiKeyHeader.trim();
    paginationType = blank(paginationType) ? "none" : paginationType.trim();
    enumValue(PaginationType.class, paginationType, "paginationType");
    pageSize = positive(pageSize, 100, "pageSize");
    startPage = startPage == null ? 1 : startPage;
    nextLinkPath = blank(nextLinkPath) ? "@odata.nextLink" : nextLinkPath.trim();
    headerLinkRel = blank(headerLinkRel) ? "next" : headerLinkRel.trim();
    timeout = positive(timeout, 30, "timeout");
    verifySsl = verifySsl == null || verifySsl;
    maxConcurrentRequests = positive(maxConcurrentRequests, 10, "maxConcurrentRequests");
    maxPages = positive(maxPages, 10_000, "maxPages");
    customAuthRequest = object(customAuthRequest, "customAuthRequest");
    customAuthRequestTemplate = object(customAuthRequestTemplate, "customAuthRequestTemplate");
  }

  AuthType auth() {
    return enumValue(AuthType.class, authType, "authType");
  }

  PaginationType pagination() {
    return enumValue(PaginationType.class, paginationType, "paginationType");
  }

  /** The page, offset or cursor parameter: the setting, else the intended default (Ocean sends {@code None}). */
  String pageParam() {
    if (!blank(paginationParam)) {
      return paginationParam;
    }
    return switch (pagination()) {
      case OFFSET -> "offset";
      case CURSOR -> "cursor";
      default -> "page";
    };
  }

  String sizeParamOrDefault() {
    if (!blank(sizeParam)) {
      return sizeParam;
    }
    return pagination() == PaginationType.PAGE ? "size" : "limit";
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E c : type.getEnumConstants()) {
        allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
      }
      throw new InvalidSettingsException(field, field + " must be one of " + allowed + ", was '" + value + "'", null);
    }
  }

  private static Integer positive(Integer value, int fallback, String field) {
    if (value == null) {
      return fallback;
    }
    if (value < 1) {
      throw new InvalidSettingsException(field, field + " must be at least 1, was " + value, null);
    }
    return value;
  }

  /** Object settings arrive as objects or, from one environment variable, as JSON strings. */
  private static JsonNode object(JsonNode value, String field) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    JsonNode node = value;
    if (value.isTextual()) {
      if (value.asText().isBlank()) {
        return null;
      }
      try {
        node = JSON.readTree(value.asText());
      } catch (JsonProcessingException e) {
        throw new InvalidSettingsException(field, field + " must be a JSON object; the string does not parse: "
            + e.getOriginalMessage(), null);
      }
    }
    if (!node.isObject()) {
      throw new InvalidSettingsException(field, field + " must be a JSON object", null);
    }
    return node;
  }

  @Override
  public String toString() {
    return "CustomSettings[baseUrl=" + baseUrl + ", authType=" + authType + ", paginationType=" + paginationType + "]";
  }
}
