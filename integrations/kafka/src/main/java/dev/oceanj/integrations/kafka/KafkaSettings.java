package dev.oceanj.integrations.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The kafka integration's settings, named as in its {@code .port/spec.yaml} and Ocean's: the clusters to read, as
 * an object ({@code clusterConfMapping}) or as the same object in a JSON string ({@code clusterConfMappingString}).
 *
 * <p>Resolved as Ocean resolves them: a non-empty {@code clusterConfMapping} wins; otherwise the string is parsed.
 * Ocean does this at every kind's resync and fails the kind; oceanj does it once when the integration starts, so a
 * missing or broken mapping is a configuration error naming the setting (never its value: it holds passwords).
 *
 * @param clusterConfMapping {@code {"<cluster name>": {<librdkafka properties>}, ...}}
 * @param clusterConfMappingString the same as a JSON string
 * @since 0.2
 */
public record KafkaSettings(ObjectNode clusterConfMapping, String clusterConfMappingString) {

  /** Characters Ocean keeps of a cluster name; every other one is removed. */
  private static final Pattern NOT_KEPT = Pattern.compile("[^A-Za-z0-9@_.:/=\\-]");

  public KafkaSettings {
    clusters(clusterConfMapping, clusterConfMappingString);
  }

  /**
   * One cluster to read.
   *
   * @param name the sanitised name: {@code cluster_name} in every raw object
   * @param admin the Java admin client's properties translated from the librdkafka ones
   * @param warnings librdkafka keys that were dropped, each naming the cluster and key
   */
  public record Cluster(String name, Properties admin, List<String> warnings) {
    /** Names the cluster only: its properties hold credentials. */
    @Override
    public String toString() {
      return "Cluster[" + name + "]";
    }
  }

  /** Names the clusters only: the mapping holds credentials. */
  @Override
  public String toString() {
    return "KafkaSettings" + clusters().stream().map(Cluster::name).toList();
  }

  /**
   * The clusters in configuration order.
   *
   * @throws IllegalArgumentException naming the setting when neither is usable, a cluster's value is not an
   *     object, two names sanitise to the same one (Ocean lets the second silently replace the first), or a
   *     librdkafka property cannot be translated
   */
  public List<Cluster> clusters() {
    return clusters(clusterConfMapping, clusterConfMappingString);
  }

  /** Ocean's sanitised cluster name: {@code "my cluster"} becomes {@code "mycluster"}. */
  public static String sanitise(String name) {
    return NOT_KEPT.matcher(name).replaceAll("");
  }

  private static List<Cluster> clusters(ObjectNode mapping, String mappingString) {
    ObjectNode chosen;
    String field;
    if (mapping != null && !mapping.isEmpty()) {
      chosen = mapping;
      field = "clusterConfMapping";
    } else if (mappingString != null && !mappingString.isBlank()) {
      field = "clusterConfMappingString";
      JsonNode parsed;
      try {
        parsed = new ObjectMapper().readTree(mappingString);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(field + " is not valid JSON (line " + e.getLocation().getLineNr()
            + ", column " + e.getLocation().getColumnNr() + ")");
      }
      if (!(parsed instanceof ObjectNode object) || object.isEmpty()) {
        throw new IllegalArgumentException(field + " must be a JSON object of clusters, "
            + "{\"<cluster name>\": {\"bootstrap.servers\": \"host:9092\", ...}}");
      }
      chosen = object;
    } else {
      throw new IllegalArgumentException("either clusterConfMapping "
          + "(OCEAN__INTEGRATION__CONFIG__CLUSTER_CONF_MAPPING) or clusterConfMappingString "
          + "(OCEAN__INTEGRATION__CONFIG__CLUSTER_CONF_MAPPING_STRING) must be provided");
    }
    Map<String, Cluster> clusters = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = chosen.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!(entry.getValue() instanceof ObjectNode properties)) {
        throw new IllegalArgumentException(field + "." + entry.getKey()
            + " must be an object of librdkafka properties");
      }
      String name = sanitise(entry.getKey());
      if (name.isEmpty()) {
        throw new IllegalArgumentException(field + ": the cluster name \"" + entry.getKey()
            + "\" has no character Ocean keeps (A-Z a-z 0-9 @ _ . : / = -)");
      }
      LibrdkafkaConfig.Translated admin = LibrdkafkaConfig.translate(field + "." + entry.getKey(), properties);
      if (clusters.put(name, new Cluster(name, admin.properties(), admin.warnings())) != null) {
        throw new IllegalArgumentException(field + ": two clusters are both named \"" + name
            + "\" once sanitised; rename one");
      }
    }
    return List.copyOf(clusters.values());
  }
}
