package dev.oceanj.integrations.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A small PagerDuty REST API on loopback for the tests: a fixed account (2 users, 2 escalation policies, 2 services,
 * 3 on-calls, 1 schedule, 2 incidents, analytics rows, custom fields), classic offset pagination, and every request
 * recorded. Tests may add items and set per-path answers (status, headers).
 */
final class PdApi implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  record Received(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
      String body) {
    String first(String key) {
      List<String> v = query.get(key);
      return v == null ? null : v.get(0);
    }
  }

  final Map<String, List<ObjectNode>> lists = new ConcurrentHashMap<>();
  final List<Received> received = new CopyOnWriteArrayList<>();
  /** Per request path: an answer replacing the normal one (the function may return null to answer normally). */
  final Map<String, Function<Received, Answer>> overrides = new ConcurrentHashMap<>();
  final Map<String, String> headers = new ConcurrentHashMap<>();
  volatile boolean analyticsFail;
  private final HttpServer server;

  record Answer(int status, String body, Map<String, String> headers) {}

  PdApi() throws IOException {
    // Without TCP_NODELAY each small answer waits for the client's delayed ACK (~40 ms per request).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(4));
    seed();
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> requests(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  static ObjectNode obj(String json) {
    try {
      return (ObjectNode) JSON.readTree(json.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private void add(String resource, String json) {
    lists.computeIfAbsent(resource, k -> new CopyOnWriteArrayList<>()).add(obj(json));
  }

  static final String U1 = "{'id':'PU1','type':'user','name':'Jane Doe','email':'jane@acme.io','time_zone':'Europe/Berlin',"
      + "'role':'owner','job_title':'SRE','description':'Platform lead','html_url':'https://acme.pagerduty.com/users/PU1',"
      + "'teams':[{'id':'PT1','type':'team_reference','summary':'Platform'}],"
      + "'contact_methods':[{'id':'PC1','type':'email_contact_method_reference','summary':'Default'}]}";
  static final String U2 = "{'id':'PU2','type':'user','name':'Isaac','email':'isaac@acme.io','time_zone':'UTC',"
      + "'role':'admin','job_title':'Developer','description':'Backend','html_url':'https://acme.pagerduty.com/users/PU2',"
      + "'teams':[],'contact_methods':[]}";

  private static String oncall(String ep, int level, String user, String start, String end) {
    String u = user.equals("PU1") ? U1 : U2;
    return "{'escalation_policy':{'id':'" + ep + "','type':'escalation_policy_reference','summary':'EP " + ep + "'},"
        + "'escalation_level':" + level + ",'schedule':{'id':'PS1','type':'schedule_reference','summary':'Weekly',"
        + "'html_url':'https://acme.pagerduty.com/schedules/PS1'},'user':" + u + ",'start':'" + start + "','end':'"
        + end + "'}";
  }

  static final String WEBHOOK_SECRET = "whsec-test-1";

  private void seed() {
    lists.put("webhook_subscriptions", new CopyOnWriteArrayList<>());
    add("users", U1);
    add("users", U2);
    add("escalation_policies", "{'id':'PEP1','type':'escalation_policy','name':'Backend EP','summary':'Backend EP',"
        + "'html_url':'https://acme.pagerduty.com/escalation_policies/PEP1','self':'https://api.pagerduty.com/escalation_policies/PEP1',"
        + "'escalation_rules':[{'id':'PR1','escalation_delay_in_minutes':30,'targets':[{'id':'PS1','type':'schedule_reference','summary':'Weekly'}]}],"
        + "'services':[{'id':'PSV1','type':'service_reference','summary':'Checkout'}],'teams':[]}");
    add("escalation_policies", "{'id':'PEP2','type':'escalation_policy','name':'Edge EP','summary':'Edge EP',"
        + "'html_url':'https://acme.pagerduty.com/escalation_policies/PEP2','self':'https://api.pagerduty.com/escalation_policies/PEP2',"
        + "'escalation_rules':[{'id':'PR2','escalation_delay_in_minutes':10,'targets':[{'id':'PU2','type':'user_reference','summary':'Isaac'}]}],"
        + "'services':[{'id':'PSV2','type':'service_reference','summary':'API Gateway'}],'teams':[]}");
    add("services", "{'id':'PSV1','type':'service','name':'Checkout','summary':'Checkout','description':'Takes payments',"
        + "'status':'active','html_url':'https://acme.pagerduty.com/service-directory/PSV1','self':'https://api.pagerduty.com/services/PSV1',"
        + "'created_at':'2024-05-16T18:37:20Z','updated_at':'2024-05-16T18:37:20Z','last_incident_timestamp':'2025-11-07T08:48:39Z',"
        + "'escalation_policy':{'id':'PEP1','type':'escalation_policy_reference','summary':'Backend EP'},"
        + "'teams':[],'integrations':[],'addons':[],'scheduled_actions':[],'support_hours':null,"
        + "'alert_creation':'create_alerts_and_incidents','incident_urgency_rule':{'type':'constant','urgency':'high'},"
        + "'acknowledgement_timeout':null,'auto_resolve_timeout':null}");
    add("services", "{'id':'PSV2','type':'service','name':'API Gateway','summary':'API Gateway','description':null,"
        + "'status':'critical','html_url':'https://acme.pagerduty.com/service-directory/PSV2','self':'https://api.pagerduty.com/services/PSV2',"
        + "'created_at':'2024-06-01T10:00:00Z','updated_at':'2024-06-01T10:00:00Z','last_incident_timestamp':null,"
        + "'escalation_policy':{'id':'PEP2','type':'escalation_policy_reference','summary':'Edge EP'},"
        + "'teams':[],'integrations':[],'addons':[],'scheduled_actions':[],'support_hours':null,"
        + "'alert_creation':'create_alerts_and_incidents','incident_urgency_rule':{'type':'constant','urgency':'high'},"
        + "'acknowledgement_timeout':null,'auto_resolve_timeout':null}");
    add("oncalls", oncall("PEP1", 1, "PU1", "2026-12-01T14:00:00Z", "2026-12-08T14:00:00Z"));
    add("oncalls", oncall("PEP1", 2, "PU2", "2026-12-01T14:00:00Z", "2026-12-08T14:00:00Z"));
    add("oncalls", oncall("PEP2", 1, "PU2", "2026-12-02T09:00:00Z", "2026-12-09T09:00:00Z"));
    add("schedules", "{'id':'PS1','type':'schedule','name':'Weekly','summary':'Weekly','description':'Weekly rotation',"
        + "'time_zone':'Europe/Berlin','html_url':'https://acme.pagerduty.com/schedules/PS1','self':'https://api.pagerduty.com/schedules/PS1',"
        + "'escalation_policies':[{'id':'PEP1','type':'escalation_policy_reference','summary':'Backend EP'}],'teams':[],"
        + "'users':[{'id':'PU1','type':'user_reference','summary':'Jane Doe'},{'id':'PU2','type':'user_reference','summary':'Isaac'},"
        + "{'id':'PGONE','type':'user_reference','summary':'Deleted user'}]}");
    add("incidents", "{'id':'Q1','type':'incident','incident_number':271,'title':'DB down','summary':'[#271] DB down',"
        + "'description':'DB down','status':'triggered','urgency':'high','incident_key':'k1',"
        + "'html_url':'https://acme.pagerduty.com/incidents/Q1','self':'https://api.pagerduty.com/incidents/Q1',"
        + "'created_at':'2025-11-07T08:48:39Z','updated_at':'2025-11-17T14:17:49Z','last_status_change_at':'2025-11-07T08:48:39Z',"
        + "'resolved_at':null,'service':{'id':'PSV1','type':'service_reference','summary':'Checkout'},"
        + "'escalation_policy':{'id':'PEP1','type':'escalation_policy_reference','summary':'Backend EP'},"
        + "'assignments':[{'at':'2025-11-07T08:48:40Z','assignee':{'id':'PU1','type':'user','name':'Jane Doe','email':'jane@acme.io'}}],"
        + "'acknowledgements':[],'priority':{'id':'PP2','type':'priority','summary':'P2','name':'P2'},"
        + "'first_trigger_log_entry':{'id':'RL1','type':'trigger_log_entry','created_at':'2025-11-07T08:48:39Z',"
        + "'agent':{'id':'PU2','type':'user_reference','summary':'Isaac'}},"
        + "'teams':[],'alert_counts':{'all':1,'triggered':1,'resolved':0},'assigned_via':'escalation_policy'}");
    add("incidents", "{'id':'Q2','type':'incident','incident_number':272,'title':'Gateway slow','summary':'[#272] Gateway slow',"
        + "'description':'Gateway slow','status':'resolved','urgency':'low','incident_key':'k2',"
        + "'html_url':'https://acme.pagerduty.com/incidents/Q2','self':'https://api.pagerduty.com/incidents/Q2',"
        + "'created_at':'2025-11-08T10:00:00Z','updated_at':'2025-11-08T12:00:00Z','last_status_change_at':'2025-11-08T12:00:00Z',"
        + "'resolved_at':'2025-11-08T12:00:00Z','service':{'id':'PSV2','type':'service_reference','summary':'API Gateway'},"
        + "'escalation_policy':{'id':'PEP2','type':'escalation_policy_reference','summary':'Edge EP'},"
        + "'assignments':[],'acknowledgements':[],'priority':{'id':'PP4','type':'priority','summary':'P4','name':'P4'},"
        + "'first_trigger_log_entry':{'id':'RL2','type':'trigger_log_entry','created_at':'2025-11-08T10:00:00Z',"
        + "'agent':{'id':'PSV2','type':'service_reference','summary':'API Gateway'}},"
        + "'teams':[],'alert_counts':{'all':1,'triggered':0,'resolved':1},'assigned_via':'escalation_policy'}");
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Map<String, List<String>> query = new LinkedHashMap<>();
      String raw = ex.getRequestURI().getRawQuery();
      if (raw != null) {
        for (String kv : raw.split("&")) {
          int eq = kv.indexOf('=');
          String k = URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8);
          query.computeIfAbsent(k, x -> new ArrayList<>())
              .add(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      Map<String, String> hs = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> hs.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
      Received r = new Received(ex.getRequestMethod(), path, query, hs,
          new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      received.add(r);
      Function<Received, Answer> o = overrides.get(path);
      Answer a = o == null ? null : o.apply(r);
      if (a == null) {
        a = answer(r);
      }
      headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(a.status(), body.length);
      ex.getResponseBody().write(body);
    }
  }

  private Answer answer(Received r) throws IOException {
    String[] parts = r.path().substring(1).split("/");
    if (r.method().equals("POST") && r.path().equals("/analytics/metrics/incidents/services")) {
      if (analyticsFail) {
        return new Answer(500, "{}", Map.of());
      }
      return ok("{'data':[{'service_id':'PSV1','mean_seconds_to_resolve':3600,'mean_seconds_to_first_ack':120,"
          + "'mean_seconds_to_engage':300,'total_incident_count':4}]}");
    }
    if (r.method().equals("POST") && r.path().equals("/analytics/raw/incidents")) {
      if (analyticsFail) {
        return new Answer(500, "{}", Map.of());
      }
      String after = JSON.readTree(r.body()).path("starting_after").asText(null);
      return after == null
          ? ok("{'data':[{'id':'Q1','service_id':'PSV1','seconds_to_resolve':null,'seconds_to_first_ack':60}],"
              + "'more':true,'last':'Q1'}")
          : ok("{'data':[{'id':'Q2','service_id':'PSV2','seconds_to_resolve':7200,'seconds_to_first_ack':30}],"
              + "'more':false,'last':'Q2'}");
    }
    if (r.method().equals("POST") && r.path().equals("/webhook_subscriptions")) {
      ObjectNode sub = (ObjectNode) JSON.readTree(r.body()).get("webhook_subscription").deepCopy();
      sub.put("id", "PWS" + lists.get("webhook_subscriptions").size());
      lists.get("webhook_subscriptions").add(sub.deepCopy());
      ((ObjectNode) sub.get("delivery_method")).put("secret", WEBHOOK_SECRET);
      ObjectNode body = JSON.createObjectNode();
      body.set("webhook_subscription", sub);
      return new Answer(201, body.toString(), Map.of());
    }
    if (parts.length == 4 && parts[2].equals("custom_fields") && parts[3].equals("values")) {
      return ok("{'custom_fields':[{'id':'F1','name':'team','display_name':'Team','data_type':'string',"
          + "'field_type':'single_value','type':'field_value','value':'" + parts[1] + "-team'}]}");
    }
    if (parts.length == 2 && lists.containsKey(parts[0])) {
      String single = parts[0].equals("escalation_policies") ? "escalation_policy" : parts[0].replaceAll("s$", "");
      for (ObjectNode o : lists.get(parts[0])) {
        if (o.path("id").asText().equals(parts[1])) {
          ObjectNode body = JSON.createObjectNode();
          body.set(single, o);
          return new Answer(200, body.toString(), Map.of());
        }
      }
      return new Answer(404, "{'error':{'message':'Not Found','code':2100}}".replace('\'', '"'), Map.of());
    }
    if (parts.length == 1 && lists.containsKey(parts[0])) {
      List<ObjectNode> items = new ArrayList<>(lists.get(parts[0]));
      List<String> eps = r.query().get("escalation_policy_ids[]");
      if (eps != null) {
        items.removeIf(o -> !eps.contains(o.path("escalation_policy").path("id").asText()));
      }
      List<String> statuses = r.query().get("statuses[]");
      if (statuses != null) {
        items.removeIf(o -> !statuses.contains(o.path("status").asText()));
      }
      String since = r.first("since");
      if (since != null && !"all".equals(r.first("date_range"))) {
        items.removeIf(o -> o.path("created_at").asText().compareTo(since) < 0);
      }
      if ("created_at:asc".equals(r.first("sort_by"))) {
        items.sort(java.util.Comparator.comparing(o -> o.path("created_at").asText()));
      }
      int offset = r.first("offset") == null ? 0 : Integer.parseInt(r.first("offset"));
      int limit = r.first("limit") == null ? 25 : Math.min(100, Integer.parseInt(r.first("limit")));
      if (offset + limit > 10_000) {
        return new Answer(400, "{\"error\":{\"message\":\"Offset must be less than 10000\"}}", Map.of());
      }
      ObjectNode body = JSON.createObjectNode();
      ArrayNode page = body.putArray(parts[0]);
      items.stream().skip(offset).limit(limit).forEach(page::add);
      body.put("more", offset + limit < items.size());
      body.put("limit", limit);
      body.put("offset", offset);
      body.putNull("total");
      return new Answer(200, body.toString(), Map.of());
    }
    return new Answer(404, "{\"error\":{\"message\":\"Not Found\",\"code\":2100}}", Map.of());
  }

  private static Answer ok(String json) {
    return new Answer(200, json.replace('\'', '"'), Map.of());
  }

  static JsonNode tree(String json) {
    return obj(json);
  }
}
