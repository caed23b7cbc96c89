package dev.oceanj.deploy;

import static dev.oceanj.deploy.Deployments.documents;
import static dev.oceanj.deploy.Deployments.find;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Port's chart does around the CronJob, rendered by oceanj's: the kubectl service account and its Role, the
 * {@code terminate-old-resync-jobs} init container (its script run here against a stand-in {@code kubectl}), and the
 * post-install / post-upgrade hook Job that starts a resync at once.
 */
class CronJobHousekeepingTest {

  static final String PREFIX = HelmChartTest.PREFIX;

  @TempDir Path dir;

  List<JsonNode> render(String... values) throws Exception {
    Path file = dir.resolve("values-" + System.nanoTime() + ".yaml");
    Files.writeString(file, String.join("\n",
        "port: {clientId: id, clientSecret: secret}",
        "integration: {identifier: helm-test, type: fake}",
        String.join("\n", values), ""));
    return documents(new Helm(withHooksAsManifests()).template().withName("helm-test").withValuesFile(file).call());
  }

  /**
   * A copy of the chart whose hook annotations are renamed, so that Helm renders the hooks with the release's
   * manifests: helm-java's template answers the manifest only, without the hooks (Helm keeps them apart). The
   * annotations come back as {@code test.oceanj.dev/hook…} with the chart's values.
   */
  Path withHooksAsManifests() throws Exception {
    Path copy = dir.resolve("chart");
    if (!Files.exists(copy)) {
      try (var files = Files.walk(HelmChartTest.CHART)) {
        for (Path from : (Iterable<Path>) files::iterator) {
          Path to = copy.resolve(HelmChartTest.CHART.relativize(from).toString());
          if (Files.isDirectory(from)) {
            Files.createDirectories(to);
          } else {
            Files.writeString(to, Files.readString(from).replace("helm.sh/hook", HOOK));
          }
        }
      }
    }
    return copy;
  }

  static final String HOOK = "test.oceanj.dev/hook";

  static JsonNode podSpec(List<JsonNode> docs) {
    return find(docs, "CronJob", PREFIX + "-cron-job").path("spec").path("jobTemplate").path("spec")
        .path("template").path("spec");
  }

  static List<String> kinds(List<JsonNode> docs) {
    var kinds = new ArrayList<String>();
    docs.forEach(d -> kinds.add(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText()));
    return kinds;
  }

  @Test
  void theCronJobGetsItsKubectlAccountItsInitContainerAndAnInstallHook() throws Exception {
    var docs = render("workload: {kind: CronJob}",
        "extraInitContainers: [{name: user-init, image: busybox}]");
    String q = PREFIX + "-job-query";
    assertEquals(q + "-sa", find(docs, "ServiceAccount", q + "-sa").path("metadata").path("name").asText());
    var token = find(docs, "Secret", q + "-sa-token");
    assertEquals("kubernetes.io/service-account-token", token.path("type").asText());
    assertEquals(q + "-sa",
        token.path("metadata").path("annotations").path("kubernetes.io/service-account.name").asText());
    var rules = find(docs, "Role", q + "-role").path("rules").toString();
    assertTrue(rules.contains("\"jobs\"") && rules.contains("\"patch\"") && rules.contains("\"create\""), rules);
    assertTrue(rules.contains("\"cronjobs\"") && rules.contains("\"deployments\""), rules);
    var binding = find(docs, "RoleBinding", q + "-role-binding");
    assertEquals(q + "-sa", binding.path("subjects").get(0).path("name").asText());
    assertEquals(q + "-role", binding.path("roleRef").path("name").asText());

    var pod = podSpec(docs);
    var inits = pod.path("initContainers");
    assertEquals(2, inits.size(), inits.toString());
    assertEquals("terminate-old-resync-jobs", inits.get(0).path("name").asText());
    assertEquals("bitnamisecure/kubectl:latest", inits.get(0).path("image").asText());
    assertEquals("user-init", inits.get(1).path("name").asText(), "the user's init containers still run, after");
    assertTrue(pod.path("volumes").toString().contains("\"secretName\":\"" + q + "-sa-token\""),
        pod.path("volumes").toString());

    var hook = docs.stream().filter(d -> d.path("kind").asText().equals("Job")).findFirst().orElseThrow();
    String name = hook.path("metadata").path("name").asText();
    assertTrue(name.matches("init-sync-helm-test-[a-z0-9]{4}-1"), name);
    assertEquals("post-install,post-upgrade",
        hook.path("metadata").path("annotations").path(HOOK).asText());
    assertEquals("hook-succeeded",
        hook.path("metadata").path("annotations").path(HOOK + "-delete-policy").asText());
    assertEquals(600, hook.path("spec").path("ttlSecondsAfterFinished").asInt());
    var hookPod = hook.path("spec").path("template").path("spec");
    assertEquals(q + "-sa", hookPod.path("serviceAccountName").asText());
    assertEquals(List.of("kubectl", "create", "job", "--from=cronjob/" + PREFIX + "-cron-job", name),
        strings(hookPod.path("containers").get(0).path("command")));
  }

  @Test
  void noHookWithoutResyncOnInstallOrUpgradeAndNoneOfItForADeployment() throws Exception {
    var noHook = kinds(render("workload: {kind: CronJob, cron: {resyncOnInstall: false, resyncOnUpgrade: false}}"));
    assertTrue(noHook.contains("CronJob/" + PREFIX + "-cron-job"), noHook.toString());
    assertTrue(noHook.stream().noneMatch(k -> k.startsWith("Job/")), noHook.toString());
    var upgradeOnly = kinds(render("workload: {kind: CronJob, cron: {resyncOnInstall: false}}"));
    assertTrue(upgradeOnly.stream().anyMatch(k -> k.startsWith("Job/init-sync-")), upgradeOnly.toString());

    var named = render("workload: {kind: CronJob, cron: {initContainer: {serviceAccount: {name: my-query}}}}");
    assertTrue(kinds(named).contains("ServiceAccount/my-query-sa"), kinds(named).toString());

    var deployment = render("workload: {kind: Deployment}");
    var kinds = kinds(deployment);
    assertTrue(kinds.contains("Deployment/" + PREFIX + "-deployment"), kinds.toString());
    assertTrue(kinds.stream().noneMatch(k -> k.startsWith("Job/") || k.startsWith("Role") || k.contains("job-query")),
        kinds.toString());
    var pod = find(deployment, "Deployment", PREFIX + "-deployment").path("spec").path("template").path("spec");
    assertTrue(pod.path("initContainers").isMissingNode(), pod.toString());
  }

  @Test
  void theInitContainerCancelsTheOtherActiveJobsWaitsForTheirPodsAndRestartsTheLiveEventsWorker() throws Exception {
    var run = runInitContainer(2, "60");
    assertEquals(0, run.exit(), run.output());
    var calls = run.calls();
    assertTrue(calls.contains("patch job old-1 -n ns --type=merge -p {\"spec\":{\"activeDeadlineSeconds\":0}}"),
        String.join("\n", calls));
    assertTrue(calls.contains("label job old-1 -n ns canceled=this-job --overwrite"), String.join("\n", calls));
    assertTrue(calls.stream().noneMatch(c -> c.contains("job this-job")), "its own Job is left alone: " + calls);
    assertTrue(calls.stream().anyMatch(c -> c.startsWith("get jobs -n ns -l integrationUniqueCronKey=helm-test")),
        String.join("\n", calls));
    assertEquals(3, calls.stream().filter(c -> c.startsWith("get pods -n ns -l job-name=old-1")).count(),
        "waits until the canceled job's pods are gone: " + calls);
    assertTrue(calls.contains("rollout restart deployment " + PREFIX + "-le-deployment -n ns"),
        String.join("\n", calls));
    assertFalse(calls.contains("rollout restart deployment " + PREFIX + "-ap-deployment -n ns"),
        "a deployment that does not exist is not restarted: " + calls);
  }

  @Test
  void theInitContainerFailsTheNewJobWhenTheOldPodsDoNotGo() throws Exception {
    var run = runInitContainer(Integer.MAX_VALUE, "1");
    assertEquals(1, run.exit(), run.output());
    assertTrue(run.output().contains("the pods of job old-1 are still running after 1s"), run.output());
    assertTrue(run.calls().stream().noneMatch(c -> c.startsWith("rollout")), run.calls().toString());
  }

  record Run(int exit, String output, List<String> calls) {}

  /** Runs the rendered init container's script with a kubectl stand-in whose old job keeps pods for podPolls polls. */
  Run runInitContainer(int podPolls, String waitSeconds) throws Exception {
    var init = podSpec(render("workload: {kind: CronJob}")).path("initContainers").get(0);
    Map<String, String> env = new java.util.HashMap<>();
    init.path("env").forEach(e -> {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText());
      }
    });
    assertEquals(List.of("/bin/sh", "-c"), strings(init.path("command")));
    String script = init.path("args").get(0).asText();

    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path log = dir.resolve("kubectl.log");
    Path polls = dir.resolve("polls");
    Files.writeString(polls, "0");
    Path kubectl = bin.resolve("kubectl");
    Files.writeString(kubectl, String.join("\n",
        "#!/bin/sh",
        "echo \"$*\" >> '" + log + "'",
        "case \"$1 $2\" in",
        "  'get jobs') printf 'old-1\\nthis-job\\n' ;;",
        "  'get pods') n=$(cat '" + polls + "'); echo $((n + 1)) > '" + polls + "';",
        "     if [ \"$n\" -lt " + Math.min(podPolls, 1_000_000) + " ]; then echo pod/old-1-abcde; fi ;;",
        "  'get deployment') case \"$3\" in *-le-deployment) exit 0 ;; *) exit 1 ;; esac ;;",
        "esac",
        ""));
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));

    var builder = new ProcessBuilder("/bin/sh", "-c", script).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("NAMESPACE", "ns");
    builder.environment().put("CURRENT_JOB", "this-job");
    builder.environment().put("WAIT_SECONDS", waitSeconds);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    var process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the script ends");
    List<String> calls = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return new Run(process.exitValue(), output, calls);
  }

  static List<String> strings(JsonNode array) {
    var list = new ArrayList<String>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }
}
