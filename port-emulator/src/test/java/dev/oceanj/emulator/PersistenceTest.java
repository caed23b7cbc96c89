package dev.oceanj.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H2 store keeps everything across a restart, and every acknowledged write across a kill -9. */
class PersistenceTest {

  @TempDir
  Path dir;

  @Test
  void dataSurvivesARestart() {
    try (PortEmulator port = PortEmulator.start(EmulatorSettings.defaults().withDataDir(dir))) {
      Api api = new Api(port).login();
      Fixtures.catalog(api);
      for (int b = 0; b < 5; b++) {
        var batch = Api.JSON.createArrayNode();
        for (int i = 0; i < 20; i++) {
          batch.add(Fixtures.service("svc-" + b + "-" + i, "go"));
        }
        assertEquals(200, api.post("/v1/blueprints/service/entities/bulk?upsert=true", Api.obj("entities", batch)).status());
      }
      api.post("/v1/blueprints/deployment/entities?upsert=true", Api.parse("{'identifier':'d','relations':{'service':'svc-0-0'}}"));
      api.post("/v1/integration", Api.parse("{'installationId':'i1','installationAppType':'fake','config':{'x':1}}"));
      api.patch("/v1/integration/i1/resync-state", Api.parse("{'status':'completed'}"));
      assertEquals(200, api.post("/v1/blueprints/service/bulk/entities/delete", Api.parse("{'entities':['svc-4-19']}")).status());
    }
    try (PortEmulator port = PortEmulator.start(EmulatorSettings.defaults().withDataDir(dir))) {
      Api api = new Api(port).login();
      assertEquals(99, port.entities("service").size());
      assertTrue(port.entity("service", "svc-4-19").isEmpty(), "the delete survived too");
      assertEquals("go", port.entity("service", "svc-3-7").orElseThrow().at("/properties/language").asText());
      assertEquals(Api.UA, port.datasource("service", "svc-3-7").orElseThrow());
      assertEquals("completed", port.integration("i1").orElseThrow().at("/resyncState/status").asText());
      assertEquals(200, api.get("/v1/blueprints/deployment").status());
      var listing = api.post("/v1/blueprints/entities/datasource-entities", Api.obj("datasource_prefix", "port-ocean/fake/"));
      assertEquals(100, listing.body().get("entities").size(), "99 services + 1 deployment");
      var blocked = api.post("/v1/blueprints/service/bulk/entities/delete", Api.parse("{'entities':['svc-0-0']}"));
      assertEquals(422, blocked.status(), "the relation index is rebuilt on load");
      assertEquals(422, api.post("/v1/blueprints/service/entities?upsert=true", Fixtures.service("x", "cobol")).status(),
          "blueprint schemas are restored");
    }
  }

  @Test
  void acknowledgedWritesSurviveAKill() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.oceanj.emulator.Main",
        "--port", "0", "--data-dir", dir.toString()).redirectErrorStream(true).start();
    List<String> acknowledged = new ArrayList<>();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Pattern listening = Pattern.compile("listening on (http://\\S+) ");
      String base = null;
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = listening.matcher(line);
        if (m.find()) {
          base = m.group(1);
          break;
        }
      }
      assertTrue(base != null, "the emulator printed its address");
      Api api = new Api(base);
      api.login();
      Fixtures.catalog(api);
      for (int i = 0; i < 30; i++) {
        String id = "acked-" + i;
        var r = api.post("/v1/blueprints/service/entities?upsert=true", Fixtures.service(id, "go"));
        assertEquals(201, r.status());
        acknowledged.add(id);
      }
    } finally {
      p.destroyForcibly();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    try (PortEmulator port = PortEmulator.start(EmulatorSettings.defaults().withDataDir(dir))) {
      for (String id : acknowledged) {
        assertTrue(port.entity("service", id).isPresent(), id + " was acknowledged and must survive kill -9");
      }
      assertEquals(3, new Api(port).login().get("/v1/blueprints").body().get("blueprints").size());
    }
  }
}
