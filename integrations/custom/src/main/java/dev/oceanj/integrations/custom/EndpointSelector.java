package dev.oceanj.integrations.custom;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.oceanj.spi.InvalidSettingsException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A mapping resource's selector for the custom integration (snake_case keys, as Ocean's), beside the core's
 * {@code query}.
 */
record EndpointSelector(
    String method,
    @JsonProperty("query_params") Map<String, JsonNode> queryParams,
    Map<String, String> headers,
    JsonNode body,
    @JsonProperty("data_path") String dataPath,
    @JsonProperty("path_parameters") Map<String, PathParameter> pathParameters) {

  static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

  EndpointSelector {
    method = httpMethod(method, "method");
    queryParams = queryParams == null ? Map.of() : new LinkedHashMap<>(queryParams);
    headers = headers == null ? Map.of() : new LinkedHashMap<>(headers);
    body = body == null || body.isNull() || (body.isObject() && body.isEmpty()) ? null : body;
    dataPath = dataPath == null || dataPath.isBlank() ? null : dataPath.trim();
    pathParameters = pathParameters == null ? Map.of() : new LinkedHashMap<>(pathParameters);
  }

  /** One {@code path_parameters.<name>} entry: where the values of {@code {name}} come from. */
  record PathParameter(
      String endpoint,
      String method,
      @JsonProperty("query_params") Map<String, JsonNode> queryParams,
      Map<String, String> headers,
      @JsonProperty("data_path") String dataPath,
      String field,
      String filter) {

    PathParameter {
      if (endpoint == null || endpoint.isBlank()) {
        throw new InvalidSettingsException("endpoint", "endpoint is required: the endpoint listing the values", null);
      }
      if (field == null || field.isBlank()) {
        throw new InvalidSettingsException("field", "field is required: jq taking the value from each record", null);
      }
      method = httpMethod(method, "method");
      queryParams = queryParams == null ? Map.of() : new LinkedHashMap<>(queryParams);
      headers = headers == null ? Map.of() : new LinkedHashMap<>(headers);
      dataPath = dataPath == null || dataPath.isBlank() ? null : dataPath.trim();
      filter = filter == null || filter.isBlank() ? null : filter.trim();
    }
  }

  static String httpMethod(String method, String field) {
    String m = method == null || method.isBlank() ? "GET" : method.trim().toUpperCase(Locale.ROOT);
    if (!METHODS.contains(m)) {
      throw new InvalidSettingsException(field, field + " must be one of " + METHODS + ", was '" + method + "'", null);
    }
    return m;
  }
}
